"""The demo ward (``hdil2 serve --demo``): eight synthetic patients on HD IL-2 now, built through
the use cases; the advice each one gets at the next slot is what the Proleukin label's hold
rules (``proleukin-label``) say for the observations recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from registry.helpers import dump

NOW = dt.datetime(2026, 4, 7, 14, 3, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def ward(registry_db: dict[str, Any]) -> dict[str, Any]:
    from hdil2.registry import ward_demo

    assert not ward_demo.loaded()
    courses = ward_demo.load(NOW)
    return {c.patient.registry_id: c for c in courses}


def _pending(course: Any) -> Any:
    from hdil2.registry.services.treatment import course_slots

    return next(s for s in course_slots(course) if s.status == "scheduled")


def _statuses(course: Any) -> list[str]:
    from hdil2.registry.services.treatment import course_slots

    return [s.status for s in course_slots(course)]


def test_the_ward_is_eight_synthetic_patients_on_600k_in_new_york(ward: dict[str, Any]) -> None:
    from hdil2.registry import ward_demo

    assert ward_demo.loaded()
    assert sorted(ward) == [f"ward-0{i}" for i in range(1, 9)]
    for c in ward.values():
        assert c.synthetic
        assert c.patient.synthetic
        assert c.regimen == "hd-il2-600k"
        assert c.ward_tz == "America/New_York"
        assert c.status == ("planned" if c.patient.registry_id == "ward-02" else "ongoing")
        # label: 600,000 IU/kg per dose on the dosing weight; 28 slots, 14 per cycle
        assert c.planned_dose_iu == 600000 * c.dosing_weight
        assert len(_statuses(c)) == 28
    assert ward["ward-01"].planned_dose_iu == 42000000  # 70 kg


def test_a_second_load_is_refused(ward: dict[str, Any]) -> None:
    from hdil2.registry import ward_demo
    from hdil2.registry.errors import RegistryError

    with pytest.raises(RegistryError):
        ward_demo.load(NOW)


def test_the_patients_stand_at_different_points_of_their_course(ward: dict[str, Any]) -> None:
    done = {code: _statuses(c).index("scheduled") for code, c in ward.items()}
    assert done == {"ward-01": 1, "ward-02": 0, "ward-03": 6, "ward-04": 8, "ward-05": 9,
                    "ward-06": 16, "ward-07": 4, "ward-08": 20}
    assert _pending(ward["ward-06"]).cycle.number == 2  # slot 17 is dose 3 of cycle 2
    assert _pending(ward["ward-06"]).number == 3
    # next slots are due after NOW, at the offsets chosen (to the 5 minutes below) ...
    assert _pending(ward["ward-01"]).scheduled_at - NOW == dt.timedelta(hours=2, minutes=57)
    # ... except ward-07's, due 1 h 20 min (to the 5 minutes) before NOW and not recorded
    late = NOW - _pending(ward["ward-07"]).scheduled_at
    assert dt.timedelta(minutes=80) <= late < dt.timedelta(minutes=85)


def test_the_advice_at_each_next_slot_follows_the_labels_rules(ward: dict[str, Any]) -> None:
    advice = {code: _pending(c).advice for code, c in ward.items()}
    assert {k: a.value for k, a in advice.items()} == {
        "ward-01": "give", "ward-02": "give", "ward-03": "hold", "ward-04": "not_evaluable",
        "ward-05": "give", "ward-06": "give", "ward-07": "give", "ward-08": "give"}
    # label: hold for systolic BP < 90 mmHg; ward-03's is 85
    hold = advice["ward-03"]
    assert hold.request["observations"]["sbp_mmhg"] == "85"
    assert "label.sbp_below_90" in [r["rule"] for r in hold.answer["reasons"]]
    # no creatinine since ward-04's last dose: the renal rules cannot be evaluated
    assert advice["ward-04"].answer["missing"] == ["creatinine"]
    # ward-05's dose 5 was held for SBP 85; with SBP 116 now the hold has resolved
    slots5 = _statuses(ward["ward-05"])
    assert slots5[:9] == ["given"] * 4 + ["held"] + ["given"] * 4
    assert advice["ward-05"].request["doses"][4] == {
        "slot": 5, "status": "held", "hold_rules": ["label.sbp_below_90"]}


def test_the_held_slot_keeps_the_rule_that_held_it(ward: dict[str, Any]) -> None:
    from hdil2.registry.services.treatment import course_slots

    held = course_slots(ward["ward-05"])[4]
    assert held.status == "held"
    assert held.reason == "label.sbp_below_90"
    assert held.advice.value == "hold"


def test_preview_gives_the_stored_advice_and_writes_nothing(ward: dict[str, Any]) -> None:
    from hdil2.registry import ward_demo
    from hdil2.registry.services import preview_next_dose

    for code in ("ward-03", "ward-04"):
        c = ward[code]
        stored = _pending(c).advice
        before = dump()
        seen = preview_next_dose(c.pk, at=NOW, bedside=ward_demo.ALL_CLEAR)
        assert dump() == before
        assert seen.value == stored.value
        assert seen.to_dict()["reasons"] == stored.answer["reasons"]


def test_the_first_doses_follow_from_now() -> None:
    from hdil2.registry import ward_demo

    firsts = {b.code: ward_demo.first_dose_for(b, NOW) for b in ward_demo.BEDS}
    # ward-02's first dose is its next slot: an hour after 10:03 EDT, to the 5 minutes below
    assert firsts["ward-02"] == "2026-04-07T11:00"
    # ward-01's second slot is 8 h after its first: 13:00 EDT, so the first was 05:00
    assert firsts["ward-01"] == "2026-04-07T05:00"
