"""Issue 11 item 3: enrolment use cases - enrol, screen (the patient document built from the
registry's rows, the advice stored, the MSKCC risk group kept so cohorts filter on it),
follow-up."""

from __future__ import annotations

from typing import Any

import pytest

from registry.helpers import dump


def _with_labs(by: Any, code: str, karnofsky: int, hemoglobin: str | None) -> Any:
    from hdil2.registry import services

    p = services.enrol(by=by, registry_id=code, disease="rcc", histology="clear_cell",
                       karnofsky=karnofsky, diagnosis_date="2020-01-15").rows[0]
    labs = [("ldh", "200 U/L", None, "250 U/L"), ("calcium", "9.5 mg/dL", None, None),
            ("albumin", "4.0 g/dL", None, None)]
    if hemoglobin is not None:
        labs.append(("hemoglobin", hemoglobin, "12 g/dL", None))
    for code_, value, lln, uln in labs:
        services.record_observation(p.pk, by=by, code=code_, value=value, lln=lln, uln=uln,
                                    taken_at="2025-02-20T09:00+00:00")
    return p


def test_item3_screen_stores_advice_and_the_mskcc_risk_group_for_cohorts(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import cohort, services
    from hdil2.registry.models import Patient

    doctor = user("svc_screen")
    # Motzer et al. 2002 (motzer2002): KPS < 80 %, LDH > 1.5 x ULN, haemoglobin < LLN,
    # corrected calcium > 10 mg/dL, diagnosis to treatment < 1 year; 0 favourable,
    # 1-2 intermediate, >= 3 poor
    fav = _with_labs(doctor, "SCR-FAV", 90, "13 g/dL")  # no factor
    mid = _with_labs(doctor, "SCR-MID", 70, "11 g/dL")  # KPS 70, Hb 11 < 12: two factors
    unk = _with_labs(doctor, "SCR-UNK", 90, None)  # haemoglobin not recorded
    out = {}
    for p in (fav, mid, unk):
        out[p.registry_id] = services.screen(p.pk, by=doctor, planned_day1="2025-03-03")
    fav_out = out["SCR-FAV"]
    assert fav_out.advice.operation == "screen"
    assert fav_out.advice.request["patient"]["labs"]["ldh"] == {
        "value": "200 U/L", "uln": "250 U/L", "date": "2025-02-20"}
    assert fav_out.advice.ruleset_version == "profile label_minimum"
    assert fav_out.decision.model("mskcc2002").group == "favourable"
    got = {p.registry_id: (p.risk_group, p.risk_model)
           for p in Patient.objects.filter(registry_id__startswith="SCR-")}
    assert got == {"SCR-FAV": ("favourable", "mskcc2002"),
                   "SCR-MID": ("intermediate", "mskcc2002"),
                   "SCR-UNK": ("", "mskcc2002")}
    # missing stays missing: no haemoglobin in the document, the model incomplete
    unk_doc = out["SCR-UNK"].advice.request["patient"]
    assert "hemoglobin" not in unk_doc["labs"]
    assert "sex" not in unk_doc
    assert "labs.hemoglobin" in " ".join(out["SCR-UNK"].decision.model("mskcc2002").missing)
    assert Patient.objects.get(pk=fav.pk).risk_advice_id == fav_out.advice.pk
    # the cohort filter on risk group
    for group, codes in (("favourable", ["SCR-FAV"]), ("intermediate", ["SCR-MID"]),
                         ("poor", [])):
        rows = cohort.rows(cohort.CohortFilter(risk_group=group, code_prefix="SCR-"))
        assert [r["patient"] for r in rows] == codes


def test_item3_screen_refuses_extra_fields_the_registry_fills(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services

    doctor = user("svc_screen2")
    p = services.enrol(by=doctor, registry_id="SCR-X1", disease="melanoma", ecog=0).rows[0]
    before = dump()
    with pytest.raises(InputError) as e:
        services.screen(p.pk, by=doctor, extra={"ecog": 1})
    assert e.value.field == "extra.ecog"
    assert dump() == before
    ok = services.screen(p.pk, by=doctor, extra={"prior_il2": False})
    assert ok.advice.request["patient"]["prior_il2"] is False
    assert ok.rows[0].risk_group == ""  # MSKCC does not apply to melanoma


def test_item3_enrol_and_follow_up_refuse_unknown_fields_and_write_nothing(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services

    clerk = user("svc_enrol")
    before = dump()
    with pytest.raises(InputError) as e:
        services.enrol(by=clerk, registry_id="ENR-1", disease="rcc", name="John Smith")
    assert e.value.field == "name"
    with pytest.raises(InputError) as e2:
        services.enrol(by=clerk, registry_id="ENR 1", disease="rcc")
    assert e2.value.field == "registry_id"
    assert dump() == before
    p = services.enrol(by=clerk, registry_id="ENR-1", disease="rcc").rows[0]
    with pytest.raises(InputError) as e3:
        services.enrol(by=clerk, registry_id="ENR-1", disease="rcc")
    assert e3.value.field == "registry_id"
    with pytest.raises(InputError) as e4:
        services.record_follow_up(p.pk, by=clerk, contact_on="2025-06-01", vital_status="dead")
    assert e4.value.field == "death_on"
    fu = services.record_follow_up(p.pk, by=clerk, contact_on="2025-06-01",
                                   vital_status="dead", death_on="2025-05-30",
                                   death_cause="disease").rows[0]
    assert str(fu.death_on) == "2025-05-30"
