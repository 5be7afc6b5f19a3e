"""Issue 11 item 3: the treatment use cases (plan course, next-dose advice, dose given/held,
observations), each in one transaction, the advice stored beside the action."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from registry.helpers import UTC, dump


def _planned(by: Any, code: str, weight: str = "70 kg") -> tuple[Any, Any]:
    from hdil2.registry import services

    p = services.enrol(by=by, registry_id=code, disease="rcc").rows[0]
    out = services.plan_course(p.pk, by=by, regimen="hd-il2-600k",
                               first_dose="2025-03-03T08:00", ward_tz="Europe/London",
                               weight=weight)
    return p, out


def test_item3_plan_course_70kg_on_600k_is_42_million_iu_per_dose(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry.models import Advice, Course, DoseSlot

    nurse = user("svc_plan")
    _, out = _planned(nurse, "SVC-PLAN1")
    course = out.rows[1]
    assert isinstance(course, Course)
    # Proleukin label: 600,000 IU/kg x 70 kg = 42,000,000 IU per dose
    assert course.planned_dose_iu == Decimal(42000000)
    assert out.advice.operation == "dose"
    assert out.advice.value == "42000000"
    assert out.advice.hdil2_version
    assert out.advice.request["weight"] == "70 kg"
    assert any(r["source"] == "proleukin-label" for r in out.advice.answer["reasons"])
    assert Advice.objects.get(pk=course.calendar_advice_id).operation == "calendar"
    # label: 14 doses per cycle, 2 cycles per course; 8-hourly from 08:00 (London, GMT in March)
    slots = DoseSlot.objects.filter(cycle__course=course).order_by("cycle__number", "number")
    assert slots.count() == 28
    assert [s.scheduled_at for s in slots[:3]] == [
        dt.datetime(2025, 3, 3, h, tzinfo=UTC) for h in (8, 16)] + [
        dt.datetime(2025, 3, 4, 0, tzinfo=UTC)]
    assert {s.status for s in slots} == {"scheduled"}


def test_item3_hold_advised_by_sbp_below_90_is_stored_with_reasons_and_source(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import services

    nurse = user("svc_hold")
    p, out = _planned(nurse, "SVC-HOLD1")
    course = out.rows[1]
    services.record_observation(p.pk, by=nurse, code="sbp", kind="vital", value="85 mmHg",
                                taken_at="2025-03-03T07:30+00:00")
    advised = services.advise_next_dose(course.pk, by=nurse, at="2025-03-03T07:45+00:00")
    assert advised.value == "hold"
    assert advised.advice.request["observations"]["sbp_mmhg"] == "85"
    fired = [r for r in advised.advice.answer["reasons"] if r["rule"] == "label.sbp_below_90"]
    assert fired
    assert fired[0]["source"] == "proleukin-label"
    assert advised.advice.ruleset_version.startswith("label: proleukin-label")
    slot = advised.rows[0]
    assert slot.number == 1
    assert slot.advice_id == advised.advice.pk


def test_item3_giving_against_a_hold_needs_a_reason_then_is_stored_and_audited(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import audit, services
    from hdil2.registry.models import DoseSlot

    nurse = user("svc_depart")
    p, out = _planned(nurse, "SVC-DEP1")
    services.record_observation(p.pk, by=nurse, code="sbp", kind="vital", value="85 mmHg",
                                taken_at="2025-03-03T07:30+00:00")
    advised = services.advise_next_dose(out.rows[1].pk, by=nurse,
                                        at="2025-03-03T07:45+00:00")
    slot = advised.rows[0]
    given = {"status": "given", "given_at": "2025-03-03T08:05+00:00", "dose_iu": 42000000,
             "vials": 2}
    before = dump()
    with pytest.raises(InputError) as e:
        services.record_dose(slot.pk, slot.version, by=nurse, **given)
    assert e.value.field == "departure_reason"
    assert "'hold'" in str(e.value)
    assert "label.sbp_below_90" in str(e.value)
    assert dump() == before  # nothing written
    done = services.record_dose(slot.pk, slot.version, by=nurse,
                                departure_reason="SBP 96 mmHg after fluid bolus, attending "
                                "agreed", **given)
    row = DoseSlot.objects.get(pk=slot.pk)
    assert row.status == "given"
    assert row.dose_iu == Decimal(42000000)
    assert row.departure_reason.startswith("SBP 96 mmHg")
    assert done.advice.pk == advised.advice.pk
    assert done.value == "hold"
    changes = audit.changes(row, include_creation=False)
    assert ("status", "scheduled", "given") in [(c.field, c.old, c.new) for c in changes]
    assert any(c.reason and "departure: SBP 96 mmHg" in c.reason for c in changes)
    # a slot already given cannot be given again
    with pytest.raises(InputError) as e2:
        services.record_dose(slot.pk, row.version, by=nurse, departure_reason="x", **given)
    assert e2.value.field == "status"


def test_item3_holding_against_give_needs_a_reason_and_a_given_dose_the_planned_dose(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services

    nurse = user("svc_give")
    p, out = _planned(nurse, "SVC-GIVE1")
    bedside = _all_clear_bedside()
    for code, value in (("sbp", "120 mmHg"), ("spo2", "97 %")):
        services.record_observation(p.pk, by=nurse, code=code, kind="vital", value=value,
                                    taken_at="2025-03-03T07:30+00:00")
    services.record_observation(p.pk, by=nurse, code="creatinine", value="1.0 mg/dL",
                                taken_at="2025-03-03T06:00+00:00")
    advised = services.advise_next_dose(out.rows[1].pk, by=nurse, bedside=bedside,
                                        at="2025-03-03T07:45+00:00")
    assert advised.value == "give", advised.advice.answer.get("missing")
    slot = advised.rows[0]
    with pytest.raises(InputError) as e:
        services.record_dose(slot.pk, slot.version, by=nurse, status="held",
                             reason="patient asleep")
    assert e.value.field == "departure_reason"
    assert "'give'" in str(e.value)
    with pytest.raises(InputError) as e2:  # 600,000 IU/kg for 70 kg is 42,000,000 IU
        services.record_dose(slot.pk, slot.version, by=nurse, status="given",
                             given_at="2025-03-03T08:00+00:00", dose_iu=44000000)
    assert e2.value.field == "departure_reason"
    assert "42,000,000" in str(e2.value)
    with pytest.raises(InputError) as e3:
        services.record_dose(slot.pk, slot.version, by=nurse, status="given",
                             dose_iu=42000000)
    assert e3.value.field == "given_at"
    ok = services.record_dose(slot.pk, slot.version, by=nurse, status="given",
                              given_at="2025-03-03T08:00+00:00", dose_iu=42000000, vials=2)
    assert ok.rows[0].status == "given"
    assert ok.rows[0].departure_reason == ""


def test_item3_a_stale_version_is_refused_with_stale_edit(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import services
    from hdil2.registry.errors import StaleEdit

    nurse = user("svc_stale")
    p, out = _planned(nurse, "SVC-STALE1")
    services.record_observation(p.pk, by=nurse, code="sbp", kind="vital", value="85 mmHg",
                                taken_at="2025-03-03T07:30+00:00")
    slot = services.advise_next_dose(out.rows[1].pk, by=nurse,
                                     at="2025-03-03T07:45+00:00").rows[0]
    services.record_dose(slot.pk, slot.version, by=nurse, status="held")
    with pytest.raises(StaleEdit):
        services.record_dose(slot.pk, slot.version, by=nurse, status="held")


def test_item3_next_dose_request_is_built_from_the_held_slot_and_its_rules(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import services

    nurse = user("svc_seq")
    p, out = _planned(nurse, "SVC-SEQ1")
    services.record_observation(p.pk, by=nurse, code="sbp", kind="vital", value="85 mmHg",
                                taken_at="2025-03-03T07:30+00:00")
    slot = services.advise_next_dose(out.rows[1].pk, by=nurse,
                                     at="2025-03-03T07:45+00:00").rows[0]
    held = services.record_dose(slot.pk, slot.version, by=nurse, status="held").rows[0]
    assert held.reason == "label.sbp_below_90"
    # slot 2: the stale SBP (before slot 1) is not used; the hold in force is judged again
    nxt = services.advise_next_dose(out.rows[1].pk, by=nurse, at="2025-03-03T15:45+00:00")
    req = nxt.advice.request
    assert req["doses"] == [{"slot": 1, "status": "held", "hold_rules": ["label.sbp_below_90"]}]
    assert "sbp_mmhg" not in req["observations"]
    assert req["first_dose"] == "2025-03-03T08:00:00+00:00"
    assert nxt.decision.details["holds_in_force"] == ["label.sbp_below_90"]
    assert nxt.rows[0].number == 2


def test_item3_a_rule_change_later_does_not_change_the_stored_advice(
        registry_db: dict[str, Any], user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from hdil2.core.decision import Decision, Reason
    from hdil2.registry import services
    from hdil2.registry.errors import RegistryError
    from hdil2.registry.models import Advice

    nurse = user("svc_rulechange")
    p, out = _planned(nurse, "SVC-RULE1")
    services.record_observation(p.pk, by=nurse, code="sbp", kind="vital", value="85 mmHg",
                                taken_at="2025-03-03T07:30+00:00")
    first = services.advise_next_dose(out.rows[1].pk, by=nurse, at="2025-03-03T07:45+00:00")
    stored = Advice.objects.get(pk=first.advice.pk)
    shown = (stored.value, stored.answer, stored.ruleset_version)

    # the rules change (a new hdil2 answers "give" for the same request)
    from hdil2 import app
    from hdil2.registry.services import _common

    slot1 = app.run("calendar", {"regimen": "hd-il2-600k", "first_dose": "2025-03-03T08:00",
                                 "tz": "Europe/London"}).slots[0]

    def new_rules(operation: str, request: dict[str, Any]) -> Any:
        return Decision.of("give", [Reason("label.changed", "proleukin-label", "new rule")],
                           rulesets={"label": "a later version"}, next_slot=slot1)

    monkeypatch.setattr(_common, "run", new_rules)
    monkeypatch.setattr(services.treatment, "run", new_rules)
    later = services.advise_next_dose(out.rows[1].pk, by=nurse, at="2025-03-03T07:50+00:00")
    assert later.value == "give"
    assert later.advice.pk != first.advice.pk
    assert later.advice.ruleset_version == "label: a later version"
    again = Advice.objects.get(pk=first.advice.pk)
    assert (again.value, again.answer, again.ruleset_version) == shown
    assert again.value == "hold"
    again.value = "give"
    with pytest.raises(RegistryError, match="never changed"):
        again.save(by=nurse)


def test_item3_each_treatment_use_case_rolls_back_entirely_on_error(
        registry_db: dict[str, Any], user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services
    from hdil2.registry.models import Advice, DoseSlot

    nurse = user("svc_rollback")
    p, out = _planned(nurse, "SVC-RB1")
    before = dump()
    # plan_course: the dose advice is written, then the calendar refuses its zone
    with pytest.raises(InputError) as e:
        services.plan_course(p.pk, by=nurse, regimen="hd-il2-600k",
                             first_dose="2025-06-02T08:00", ward_tz="EST", weight="70 kg")
    assert e.value.field == "tz"
    assert dump() == before
    # advise_next_dose: the advice is written, then linking it to the slot fails
    n_advice = Advice.objects.count()

    def broken(self: Any, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(DoseSlot, "save", broken)
    with pytest.raises(RuntimeError):
        services.advise_next_dose(out.rows[1].pk, by=nurse, at="2025-03-03T07:45+00:00")
    assert Advice.objects.count() == n_advice
    assert dump() == before


def test_item3_observation_limits_must_be_in_the_value_unit(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services

    nurse = user("svc_obs")
    p = services.enrol(by=nurse, registry_id="SVC-OBS1", disease="melanoma").rows[0]
    with pytest.raises(InputError) as e:
        services.record_observation(p.pk, by=nurse, code="creatinine", value="1.8 mg/dL",
                                    uln="106 µmol/L", taken_at="2025-03-03T06:00+00:00")
    assert e.value.field == "uln"
    with pytest.raises(InputError) as e2:
        services.record_observation(p.pk, by=nurse, code="creatinine", value="1.8 mg/dL",
                                    taken_at="2025-03-03T06:00")
    assert e2.value.field == "taken_at"
    row = services.record_observation(p.pk, by=nurse, code="creatinine", value="1.8 mg/dL",
                                      uln="1.2 mg/dL", taken_at="2025-03-03T06:00+00:00")
    obs = row.rows[0]
    assert (obs.value, obs.unit_canonical, obs.uln) == (Decimal("1.8"), "mg/dL", Decimal("1.2"))


def _all_clear_bedside() -> dict[str, Any]:
    """Every yes/no finding of the label's hold rules answered 'no' (and none/0)."""
    return {
        "atrial_fibrillation": False, "svt": False, "bradycardia_needing_treatment": False,
        "mental_status_change": False, "fit_fobt_positive": False, "bullous_dermatitis": False,
        "sepsis_unstable": False, "lethargy": "none", "hepatic_failure_signs": False,
        "sustained_vt": False, "uncontrolled_arrhythmia": False,
        "ischemia_or_chest_pain": False, "cardiac_tamponade": False, "intubated_hours": 0,
        "dialysis_hours": 0, "coma_or_toxic_psychosis_hours": 0,
        "seizures_repetitive": False, "bowel_ischemia_or_perforation": False,
        "gi_bleeding_requiring_surgery": False, "pressor_trend": "none",
        "oliguria_hours": 0, "creatinine_trend": "stable", "acidosis": False,
        "hyperkalemia": False, "severe_volume_overload": False,
    }


def test_item13_a_course_starts_on_the_wards_date_of_its_first_dose(
        registry_db: dict[str, Any], user: Any) -> None:
    """A first dose at 20:00 in New York (01:00 UTC the next day) starts the course on the
    ward's calendar date: the day every report counts from (it took the UTC date)."""
    from hdil2.registry import services
    from hdil2.registry.models import Course, DoseSlot

    nurse = user("svc_ward_day")
    p = services.enrol(by=nurse, registry_id="SVC-NYC1", disease="rcc").rows[0]
    out = services.plan_course(p.pk, by=nurse, regimen="hd-il2-600k",
                               first_dose="2025-03-03T20:00", ward_tz="America/New_York",
                               weight="70 kg")
    course = out.rows[1]
    slot = DoseSlot.objects.filter(cycle__course=course).order_by("scheduled_at").first()
    assert slot.scheduled_at == dt.datetime(2025, 3, 4, 1, tzinfo=UTC)  # EST is UTC-5
    services.record_dose(slot.pk, slot.version, by=nurse, status="given",
                         given_at="2025-03-03T20:05-05:00", dose_iu=42000000, vials=2,
                         departure_reason="no advice asked for in this test")
    assert Course.objects.get(pk=course.pk).started_on == dt.date(2025, 3, 3)
