"""Hold / stop rules: each rule has a case that fires it and one that does not (the Proleukin
label, `proleukin-label`, and the institutional tables)."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hdil2.clinical.toxicity.holds import NextDoseRequest, next_dose
from hdil2.clinical.toxicity.holds.rules import DUTCHER2014, LABEL, SPRINGERPLUS2015
from hdil2.core.errors import InputError

from .conftest import NORMAL


def advise(obs: dict[str, Any], doses: list[dict[str, Any]] | None = None,
           rulesets: tuple[str, ...] = ("label",), **policies: Any) -> Any:
    req = NextDoseRequest.model_validate({
        "regimen": "hd-il2-600k", "first_dose": "2026-04-06T08:00", "tz": "America/New_York",
        "doses": doses or [], "observations": obs, "rulesets": rulesets,
        "policies": policies})
    return next_dose(req)


def fired(d: Any) -> set[str]:
    return {c.rule for c in d.details["checks"] if c.result == "fired"}


# rule id -> (changes that fire it, changes at the boundary that do not)
LABEL_CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "label.atrial_fibrillation": ({"atrial_fibrillation": True}, {"atrial_fibrillation": False}),
    "label.svt": ({"svt": True}, {"svt": False}),
    "label.bradycardia": ({"bradycardia_needing_treatment": True}, {}),
    "label.sbp_below_90": ({"sbp_mmhg": "89.9"}, {"sbp_mmhg": 90}),
    "label.spo2_below_90": ({"spo2_pct": 89}, {"spo2_pct": 90}),
    "label.mental_status_change": ({"mental_status_change": True}, {}),
    "label.fit_fobt_positive": ({"fit_fobt_positive": True}, {}),
    "label.creatinine_above_4_5": ({"creatinine": "4.6 mg/dL"}, {"creatinine": "4.5 mg/dL"}),
    "label.oliguria": ({"oliguria_hours": 16, "creatinine_trend": "rising"},
                       {"oliguria_hours": "15.9", "creatinine_trend": "rising"}),
    "label.bullous_dermatitis": ({"bullous_dermatitis": True}, {}),
    "label.sepsis_unstable": ({"sepsis_unstable": True}, {}),
    "label.lethargy": ({"lethargy": "moderate"}, {"lethargy": "mild"}),
    "label.hepatic_failure": ({"hepatic_failure_signs": True}, {}),
    "label.sustained_vt": ({"sustained_vt": True}, {}),
    "label.uncontrolled_arrhythmia": ({"uncontrolled_arrhythmia": True}, {}),
    "label.ischemia_or_chest_pain": ({"ischemia_or_chest_pain": True}, {}),
    "label.cardiac_tamponade": ({"cardiac_tamponade": True}, {}),
    "label.intubation_over_72h": ({"intubated_hours": "72.5"}, {"intubated_hours": 72}),
    "label.coma_or_psychosis_over_48h": ({"coma_or_toxic_psychosis_hours": 49},
                                         {"coma_or_toxic_psychosis_hours": 48}),
    "label.seizures_repetitive": ({"seizures_repetitive": True}, {}),
    "label.bowel_ischemia_perforation": ({"bowel_ischemia_or_perforation": True}, {}),
    "label.gi_bleeding_surgery": ({"gi_bleeding_requiring_surgery": True}, {}),
    "label.dialysis_over_72h": ({"dialysis_hours": 73}, {"dialysis_hours": 72}),
}

EXPECTED_VALUE = {"hold": "hold", "stop_course": "stop_course",
                  "stop_permanently": "stop_permanently"}


def test_every_label_rule_has_cases() -> None:
    assert {r.id for r in LABEL} == set(LABEL_CASES)


@pytest.mark.parametrize("rule", LABEL, ids=lambda r: r.id)
def test_label_rule_fires_and_does_not(rule: Any, normal: dict[str, Any]) -> None:
    fire, quiet = LABEL_CASES[rule.id]
    d = advise({**normal, **fire})
    assert rule.id in fired(d)
    assert d.value == EXPECTED_VALUE[rule.action]
    assert any(r.rule == rule.id and r.source == "proleukin-label" for r in d.reasons)
    d = advise({**normal, **quiet})
    assert rule.id not in fired(d)
    assert d.value == "give"


def test_all_clear_gives(normal: dict[str, Any]) -> None:
    d = advise(normal, rulesets=("label", "dutcher2014", "springerplus2015"))
    assert d.value == "give"
    assert d.details["missing"] == []
    assert d.reasons[0].rule == "advice.all_clear"


def test_unknown_observation_is_never_give(normal: dict[str, Any]) -> None:
    del normal["spo2_pct"]
    d = advise(normal)
    assert d.value == "not_evaluable"
    assert d.details["missing"] == ["spo2_pct"]
    # a firing rule still decides even when something else is unknown; SpO2 can only hold,
    # so it cannot change a hold (issue 8 item 10), though its own row stays open
    d = advise({**normal, "sbp_mmhg": 80})
    assert d.value == "hold"
    assert d.details["missing"] == []
    spo2 = next(c.to_dict() for c in d.details["checks"] if c.rule == "label.spo2_below_90")
    assert (spo2["result"], spo2["missing"]) == ("not_evaluated", ["spo2_pct"])
    # an unknown that could turn the hold into a stop is named
    del normal["sustained_vt"]
    d = advise({**normal, "sbp_mmhg": 80})
    assert (d.value, d.details["missing"]) == ("hold", ["sustained_vt"])


def test_spo2_band_d10(normal: dict[str, Any]) -> None:
    held = [{"slot": 1, "status": "held", "hold_rules": ["label.spo2_below_90"]}]
    d = advise({**normal, "spo2_pct": 90}, held)
    assert d.value == "hold"  # held at exactly 90 % stays held
    assert d.details["resume_when"] == ["SpO2 > 90 % (a held patient at exactly 90 % stays held)"]
    assert advise({**normal, "spo2_pct": "90.1"}, held).value == "give"
    assert advise({**normal, "spo2_pct": 90}).value == "give"  # not held: 90 is not < 90


def test_creatinine_band_and_extras(normal: dict[str, Any]) -> None:
    held = [{"slot": 1, "status": "held", "hold_rules": ["label.creatinine_above_4_5"]}]
    assert advise({**normal, "creatinine": "4.2 mg/dL"}, held).value == "hold"
    assert advise({**normal, "creatinine": "4.0 mg/dL"}, held).value == "hold"
    assert advise({**normal, "creatinine": "3.99 mg/dL"}, held).value == "give"
    assert advise({**normal, "creatinine": "4.2 mg/dL"}).value == "give"
    assert advise({**normal, "creatinine": "4.0 mg/dL", "acidosis": True}).value == "hold"
    assert advise({**normal, "creatinine": "3.9 mg/dL", "acidosis": True}).value == "give"
    # µmol/L: 4.5 mg/dL = 397.8 µmol/L exactly with the 88.4 factor
    assert advise({**normal, "creatinine": "397.8 umol/L"}).value == "give"
    assert advise({**normal, "creatinine": "397.9 umol/L"}).value == "hold"


def test_sbp_resume_needs_pressor_trend(normal: dict[str, Any]) -> None:
    held = [{"slot": 1, "status": "held", "hold_rules": ["label.sbp_below_90"]}]
    assert advise({**normal, "sbp_mmhg": 95, "pressor_trend": "increasing"}, held).value == "hold"
    assert advise({**normal, "sbp_mmhg": 95, "pressor_trend": "stable"}, held).value == "give"


def test_oliguria_resume(normal: dict[str, Any]) -> None:
    held = [{"slot": 1, "status": "held", "hold_rules": ["label.oliguria"]}]
    obs = {**normal, "urine_ml_per_h": 10, "creatinine_trend": "falling"}
    assert advise(obs, held).value == "hold"  # must be > 10 mL/h
    obs = {**normal, "urine_ml_per_h": 11, "creatinine_trend": "stable",
           "creatinine_fall_mg_dl": "1.1"}
    assert advise(obs, held).value == "give"


def test_severity_order(normal: dict[str, Any]) -> None:
    d = advise({**normal, "spo2_pct": 85, "sustained_vt": True, "hepatic_failure_signs": True})
    assert d.value == "stop_permanently"
    assert {"label.spo2_below_90", "label.sustained_vt", "label.hepatic_failure"} <= fired(d)


INSTITUTIONAL_CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "dutcher2014.sinus_tachycardia_100_130": ({"heart_rate_bpm": 100}, {"heart_rate_bpm": 99}),
    "dutcher2014.sinus_tachycardia_above_130": ({"heart_rate_bpm": 131},
                                                {"heart_rate_bpm": 130}),
    "dutcher2014.platelets_30_50k": ({"platelets": "50 10^9/L"}, {"platelets": "50.1 10^9/L"}),
    "dutcher2014.platelets_below_30k": ({"platelets": "29999 /mm3"},
                                        {"platelets": "30000 /mm3"}),
    "dutcher2014.creatinine_2_5_to_2_9": ({"creatinine": "2.5 mg/dL"},
                                          {"creatinine": "2.49 mg/dL"}),
    "dutcher2014.creatinine_3_or_more": ({"creatinine": "3.0 mg/dL"},
                                         {"creatinine": "2.99 mg/dL"}),
    "dutcher2014.urine_80_160": ({"urine_ml_per_shift": 160}, {"urine_ml_per_shift": 161}),
    "dutcher2014.urine_below_80": ({"urine_ml_per_shift": "79.9"}, {"urine_ml_per_shift": 80}),
    "dutcher2014.weight_gain_above_15": ({"weight_gain_pct": "15.1"}, {"weight_gain_pct": 15}),
    "dutcher2014.bilirubin_above_7": ({"bilirubin": "7.1 mg/dL"}, {"bilirubin": "7 mg/dL"}),
    "dutcher2014.phenylephrine_at_dosing_above_0_5": (
        {"phenylephrine_at_dosing_ug_kg_min": "0.51"},
        {"phenylephrine_at_dosing_ug_kg_min": "0.5"}),
    "dutcher2014.phenylephrine_at_dosing_above_0_8": (
        {"phenylephrine_at_dosing_ug_kg_min": "0.81"},
        {"phenylephrine_at_dosing_ug_kg_min": "0.8"}),
    "dutcher2014.phenylephrine_max_1_to_1_5": ({"phenylephrine_max_ug_kg_min": 1},
                                               {"phenylephrine_max_ug_kg_min": "0.99"}),
    "dutcher2014.phenylephrine_max_above_1_5": ({"phenylephrine_max_ug_kg_min": "1.51"},
                                                {"phenylephrine_max_ug_kg_min": "1.5"}),
    "dutcher2014.o2_3_to_4_l": ({"o2_nasal_cannula_l_min": 3}, {"o2_nasal_cannula_l_min": 2}),
    "dutcher2014.o2_above_4_l_or_mask": ({"o2_nasal_cannula_l_min": 5},
                                         {"o2_nasal_cannula_l_min": 4}),
    "dutcher2014.hco3_18_or_less": ({"bicarbonate": "18 mEq/L"}, {"bicarbonate": "18.1 mEq/L"}),
    "dutcher2014.diarrhea_1000_one_shift": ({"shifts_with_diarrhea_1000ml": 1}, {}),
    "dutcher2014.diarrhea_1000_two_shifts": ({"shifts_with_diarrhea_1000ml": 2},
                                             {"shifts_with_diarrhea_1000ml": 1}),
    "dutcher2014.rales_third": ({"rales": "third"}, {}),
    "dutcher2014.rales_half": ({"rales": "half"}, {"rales": "third"}),
    "dutcher2014.intubation": ({"intubated_hours": 1}, {}),
    "springerplus2015.sinus_tachycardia_120_130": ({"heart_rate_bpm": 120},
                                                   {"heart_rate_bpm": 119}),
    "springerplus2015.urine_10_20_per_h": ({"urine_ml_per_h": 20}, {"urine_ml_per_h": 21}),
    "springerplus2015.urine_below_10_per_h": ({"urine_ml_per_h": "9.9"}, {"urine_ml_per_h": 10}),
    "springerplus2015.diarrhea_above_1000": ({"diarrhea_ml_per_shift": 1001},
                                             {"diarrhea_ml_per_shift": 1000}),
    "springerplus2015.weight_gain_15": ({"weight_gain_pct": 15}, {"weight_gain_pct": "14.9"}),
    "springerplus2015.pressors": ({"on_pressors_for_hypotension": True}, {}),
}

FLAG_FIELDS = {  # boolean-criterion rules: fire with True, quiet with False
    r.id: r.needs[0] for r in (*DUTCHER2014, *SPRINGERPLUS2015)
    if r.id not in INSTITUTIONAL_CASES and isinstance(NORMAL[r.needs[0]], bool)
}


def test_every_institutional_rule_has_a_case() -> None:
    ids = {r.id for r in (*DUTCHER2014, *SPRINGERPLUS2015)}
    missing = ids - set(INSTITUTIONAL_CASES) - set(FLAG_FIELDS)
    # the remaining ones are categorical (rales) and covered above, or share numeric fields
    assert missing <= {"springerplus2015.crackles_third", "springerplus2015.crackles_half",
                       "springerplus2015.o2_3_to_4_l", "springerplus2015.o2_above_4_l_or_mask",
                       "springerplus2015.intubation", "springerplus2015.platelets_30_50k",
                       "springerplus2015.platelets_below_30k",
                       "springerplus2015.sinus_tachycardia_above_130",
                       "springerplus2015.urine_80_160_per_8h",
                       "springerplus2015.urine_below_80_per_8h",
                       "springerplus2015.creatinine_2_5_to_2_9",
                       "springerplus2015.creatinine_3_or_more"}


@pytest.mark.parametrize("rid", sorted(INSTITUTIONAL_CASES))
def test_institutional_numeric_rules(rid: str, normal: dict[str, Any]) -> None:
    fire, quiet = INSTITUTIONAL_CASES[rid]
    sets = ("label", rid.split(".")[0])
    d = advise({**normal, **fire}, rulesets=sets)
    assert rid in fired(d)
    d = advise({**normal, **quiet}, rulesets=sets)
    assert rid not in fired(d)


@pytest.mark.parametrize("rid", sorted(FLAG_FIELDS))
def test_institutional_flag_rules(rid: str, normal: dict[str, Any]) -> None:
    sets = ("label", rid.split(".")[0])
    field = FLAG_FIELDS[rid]
    assert rid in fired(advise({**normal, field: True}, rulesets=sets))
    assert rid not in fired(advise({**normal, field: False}, rulesets=sets))


def test_relative_holds_absolute_stops_with_scope(normal: dict[str, Any]) -> None:
    sets = ("label", "dutcher2014")
    assert advise({**normal, "heart_rate_bpm": 110}, rulesets=sets).value == "hold"
    d = advise({**normal, "heart_rate_bpm": 140}, rulesets=sets)
    assert d.value == "stop_cycle"
    assert any(r.rule == "policy.institutional_stop_scope" for r in d.reasons)
    d = advise({**normal, "heart_rate_bpm": 140}, rulesets=sets,
               institutional_stop_scope="course")
    assert d.value == "stop_course"
    # the label alone does not know the consensus criteria
    assert advise({**normal, "heart_rate_bpm": 140}).value == "give"


def test_springerplus_aggregates(normal: dict[str, Any]) -> None:
    sets = ("label", "springerplus2015")
    two = {**normal, "resting_dyspnea": True, "heme_positive_secretions": True}
    assert advise(two, rulesets=sets).value == "hold"
    three = {**two, "weight_gain_pct": 16}
    d = advise(three, rulesets=sets)
    assert d.value == "stop_cycle"
    assert any(r.rule == "springerplus2015.three_relative" for r in d.reasons)
    held = [{"slot": i, "status": "held"} for i in (1, 2, 3)]
    d = advise(normal, held, rulesets=sets)
    assert d.value == "stop_cycle"
    assert any(r.rule == "springerplus2015.three_held" for r in d.reasons)
    assert advise(normal, held[:2], rulesets=sets).value == "give"


def test_counts_and_course_complete(normal: dict[str, Any]) -> None:
    doses = [{"slot": i, "status": "given"} for i in range(1, 15)]
    doses[4] = {"slot": 5, "status": "held", "hold_rules": ["label.sbp_below_90"]}
    d = advise(normal, doses)
    assert d.details["next_slot"].cycle == 2
    assert d.details["counts"].to_dict()["cycles"]["1"] == {"given": 13, "held": 1, "slots": 14}
    assert d.details["counts"].course.given == 13
    full = [{"slot": i, "status": "given"} for i in range(1, 29)]
    d = advise(normal, full)
    assert d.value == "course_complete"
    assert d.details["counts"].course.given == 28


def test_record_errors_name_the_field(normal: dict[str, Any]) -> None:
    with pytest.raises(InputError) as ei:
        advise(normal, [{"slot": 1, "status": "given"}, {"slot": 3, "status": "given"}])
    assert ei.value.field == "doses[1].slot"
    with pytest.raises(InputError) as ei:
        advise(normal, [{"slot": 1, "status": "held", "hold_rules": ["label.nonsense"]}])
    assert ei.value.field == "doses[0].hold_rules"
    with pytest.raises(InputError) as ei:
        advise(normal, None, ("label",), nonsense="x")
    assert ei.value.field == "policy.nonsense"


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(k for k, v in NORMAL.items()
                                               if isinstance(v, bool))),
                       st.booleans(), max_size=6))
def test_adding_a_finding_never_relaxes_the_advice(flags: dict[str, bool]) -> None:
    base = advise(NORMAL, rulesets=("label", "dutcher2014"))
    worse = advise({**NORMAL, **dict.fromkeys(flags, True)}, rulesets=("label", "dutcher2014"))
    order = ["give", "hold", "stop_cycle", "stop_course", "stop_permanently"]
    assert order.index(worse.value) >= order.index(base.value)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("first_dose", "2026-03-05", "needs a time"),
    ("tz", "EST", "America/New_York"),
    ("tz", "UTC", "Area/Location"),
])
def test_item3_item2_next_dose_checks_start_and_zone_like_the_calendar(
        field: str, value: str, message: str, normal: dict[str, Any]) -> None:
    """next-dose reads the course's first dose and zone by the calendar's rules: a date-only
    start is not midnight, and a fixed-offset zone is not the ward's clock."""
    raw: dict[str, Any] = {"regimen": "hd-il2-600k", "first_dose": "2026-03-05T08:00",
                           "tz": "America/New_York", "doses": [], "observations": normal}
    raw[field] = value
    with pytest.raises(ValueError, match=message) as err:
        NextDoseRequest.model_validate(raw)
    assert field in str(err.value)
