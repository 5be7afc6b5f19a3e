"""Eligibility checklists (reference §2): a test per criterion — met, not met and unknown —
and the verdict rules (§2.2, D13)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hdil2.clinical.selection.eligibility import (
    CRITERIA,
    PROFILES,
    EligibilitySettings,
    eligibility,
    evaluate_criterion,
)
from hdil2.clinical.selection.patient import Patient
from hdil2.core.errors import InputError

from .conftest import DELETE, Make, patched

NO_METS = {"staging.m": "M0", "metastatic_sites": [], "metastasis_date": DELETE}
ADJUVANT: dict[str, Any] = {
    **NO_METS, "staging.t": "T3b", "staging.n": "N0",
    "resection": {"status": "R0", "ned_after_surgery": True, "m1_resected": False},
}

# (criterion, changes to the demo patient, expected status, expected missing fields)
CASES: list[tuple[str, dict[str, Any], str, tuple[str, ...]]] = [
    # E1 metastatic disease of a covered type
    ("E1", {}, "met", ()),
    ("E1", {"staging.m": "M0"}, "met", ()),  # M0 at diagnosis, metastatic sites now
    ("E1", NO_METS, "not_met", ()),
    ("E1", {"diagnosis": DELETE}, "unknown", ("diagnosis.disease",)),
    ("E1", {"staging.m": DELETE, "metastatic_sites": DELETE, "metastasis_date": DELETE},
     "unknown", ("staging.m", "metastatic_sites")),
    # E2 ECOG ≤ 1
    ("E2", {"ecog": 1}, "met", ()),
    ("E2", {"ecog": 2}, "not_met", ()),
    ("E2", {"ecog": DELETE, "karnofsky": 70}, "met", ()),  # KPS 70-80 ↔ ECOG 1 [U]
    ("E2", {"ecog": DELETE, "karnofsky": 60}, "not_met", ()),
    ("E2", {"ecog": DELETE, "karnofsky": DELETE}, "unknown", ("ecog",)),
    # E3 normal organ function, inclusive limits (D13)
    ("E3", {}, "met", ()),
    ("E3", {"labs.creatinine.value": "1.3 mg/dL"}, "met", ()),  # = ULN
    ("E3", {"labs.creatinine.value": "1.31 mg/dL"}, "not_met", ()),
    ("E3", {"labs.hemoglobin.value": "13.5 g/dL"}, "met", ()),  # = LLN
    ("E3", {"labs.hemoglobin.value": "13.4 g/dL"}, "not_met", ()),
    ("E3", {"labs.platelets.value": "401 10^9/L"}, "not_met", ()),  # above ULN (literal)
    ("E3", {"labs.bilirubin": DELETE}, "unknown", ("labs.bilirubin",)),
    ("E3", {"labs.ast.uln": DELETE}, "unknown", ("labs.ast.uln",)),
    ("E3", {"labs.alt.value": "80 U/L", "labs.ast": DELETE}, "not_met", ("labs.ast",)),
    # E4 CNS
    ("E4", {}, "met", ()),
    ("E4", {"brain_imaging.active_cns_metastases": True}, "not_met", ()),
    ("E4", {"brain_imaging": DELETE}, "unknown", ("brain_imaging",)),
    ("E4", {"brain_imaging.date": DELETE}, "unknown", ("brain_imaging.date",)),
    ("E4", {"brain_imaging.treated_cns_metastases": True}, "met", ()),
    # E5 no prior IL-2
    ("E5", {}, "met", ()),
    ("E5", {"prior_il2": True, "prior_systemic_lines": 1}, "not_met", ()),
    ("E5", {"prior_il2": DELETE, "prior_il2_courses": DELETE}, "unknown", ("prior_il2",)),
    # E6 washout ≥ 30 days to planned day 1 (D13)
    ("E6", {"last_other_therapy_end_date": "2024-05-04"}, "met", ()),  # 30 days
    ("E6", {"last_other_therapy_end_date": "2024-05-05"}, "not_met", ()),  # 29 days
    ("E6", {"last_other_therapy_end_date": DELETE, "prior_other_therapy": False}, "met", ()),
    ("E6", {"last_other_therapy_end_date": DELETE, "prior_other_therapy": DELETE}, "unknown",
     ("prior_other_therapy",)),
    ("E6", {"last_other_therapy_end_date": DELETE}, "unknown",
     ("last_other_therapy_end_date",)),
    ("E6", {"planned_day1": DELETE}, "unknown", ("planned_day1",)),
    # E7 stress test
    ("E7", {}, "met", ()),
    ("E7", {"cardiac_stress_test.result": "abnormal"}, "not_met", ()),
    ("E7", {"cardiac_stress_test": DELETE}, "unknown", ("cardiac_stress_test",)),
    # E8 ischaemic heart disease / arrhythmia
    ("E8", {}, "met", ()),
    ("E8", {"comorbidities.ischemic_heart_disease": True}, "not_met", ()),
    ("E8", {"comorbidities.significant_arrhythmia": DELETE}, "unknown",
     ("comorbidities.significant_arrhythmia",)),
    # E9 severe organ disease (lee2000; hepatic from the current label)
    ("E9", {}, "met", ()),
    ("E9", {"comorbidities.severe_hepatic_disease": True}, "not_met", ()),
    ("E9", {"comorbidities.severe_renal_disease": True,
            "comorbidities.severe_respiratory_disease": DELETE}, "not_met",
     ("comorbidities.severe_respiratory_disease",)),
    ("E9", {"comorbidities": DELETE}, "unknown", (
        "comorbidities.severe_respiratory_disease", "comorbidities.severe_cardiovascular_disease",
        "comorbidities.severe_renal_disease", "comorbidities.severe_hepatic_disease")),
    # E10 PFT
    ("E10", {}, "met", ()),
    ("E10", {"pulmonary_function_test.result": "abnormal"}, "not_met", ()),
    ("E10", {"pulmonary_function_test": DELETE}, "unknown", ("pulmonary_function_test",)),
    # E11 allograft, hypersensitivity
    ("E11", {}, "met", ()),
    ("E11", {"comorbidities.organ_allograft": True}, "not_met", ()),
    ("E11", {"comorbidities.il2_hypersensitivity": DELETE}, "unknown",
     ("comorbidities.il2_hypersensitivity",)),
    # E12 retreatment contraindications of a prior course (§1.11)
    ("E12", {}, "met", ()),
    ("E12", {"prior_il2": True, "prior_systemic_lines": 1,
             "prior_il2_courses": [{"events": []}]}, "met", ()),
    ("E12", {"prior_il2": True, "prior_systemic_lines": 1, "prior_il2_courses": [
        {"start_date": "2020-01-06", "events": ["intubation_over_72h"]}]}, "not_met", ()),
    ("E12", {"prior_il2": True, "prior_systemic_lines": 1, "prior_il2_courses": DELETE}, "unknown",
     ("prior_il2_courses",)),
    ("E12", {"prior_il2": DELETE, "prior_il2_courses": DELETE}, "unknown", ("prior_il2",)),
    # E13 bacterial infection
    ("E13", {"comorbidities.bacterial_infection": "treated"}, "met", ()),
    ("E13", {"comorbidities.bacterial_infection": "untreated"}, "not_met", ()),
    ("E13", {"comorbidities.bacterial_infection": DELETE}, "unknown",
     ("comorbidities.bacterial_infection",)),
    # E14 pregnancy
    ("E14", {}, "met", ()),  # male
    ("E14", {"sex": "female"}, "unknown", ("pregnancy",)),
    ("E14", {"sex": "female", "pregnancy": {"reproductive_potential": False}}, "met", ()),
    ("E14", {"sex": "female", "pregnancy": {"reproductive_potential": True,
                                            "test_result": "negative"}}, "met", ()),
    ("E14", {"sex": "female", "pregnancy": {"reproductive_potential": True,
                                            "test_result": "positive"}}, "not_met", ()),
    ("E14", {"sex": "female", "pregnancy": {"reproductive_potential": True}}, "unknown",
     ("pregnancy.test_result",)),
    # E15 progressive at entry (NCI)
    ("E15", {}, "met", ()),
    ("E15", {"progressive_at_entry": False}, "not_met", ()),
    ("E15", {"progressive_at_entry": DELETE}, "unknown", ("progressive_at_entry",)),
    # E16 first line with favourable histology
    ("E16", {}, "met", ()),
    ("E16", {"prior_systemic_lines": 1}, "not_met", ()),
    ("E16", {"pathology.papillary_present": True}, "not_met", ()),
    ("E16", {"prior_systemic_lines": DELETE}, "unknown", ("prior_systemic_lines",)),
    ("E16", {"pathology.alveolar_pct": DELETE}, "unknown", ("pathology.alveolar_pct",)),
    # A1 completely resected, no evidence of disease
    ("A1", ADJUVANT, "met", ()),
    ("A1", {**ADJUVANT, "resection.status": "R1"}, "not_met", ()),
    ("A1", {**ADJUVANT, "metastatic_sites": ["lung"]}, "not_met", ()),
    ("A1", {**ADJUVANT, "resection": DELETE}, "unknown",
     ("resection.status", "resection.ned_after_surgery")),
    # A2 locally advanced or resected M1 (as recorded, never mapped)
    ("A2", ADJUVANT, "met", ()),
    ("A2", {**ADJUVANT, "staging.t": "T3a"}, "not_met", ()),
    ("A2", {**ADJUVANT, "staging.t": "T3a", "staging.n": "N1"}, "met", ()),
    ("A2", {**ADJUVANT, "staging.t": "T4"}, "met", ()),
    ("A2", {**ADJUVANT, "staging.t": "T2b", "resection.m1_resected": True}, "met", ()),
    ("A2", {**ADJUVANT, "staging.tnm_edition": DELETE}, "unknown", ("staging.tnm_edition",
                                                                   )),
    ("A2", {**ADJUVANT, "staging.t": "T3a", "staging.n": "NX"}, "unknown", ("staging.n",)),
    ("A2", {**ADJUVANT, "staging.t": "T3a", "resection.m1_resected": DELETE}, "unknown",
     ("resection.m1_resected",)),
    # A4 no prior systemic therapy
    ("A4", {}, "met", ()),
    ("A4", {"prior_systemic_lines": 2}, "not_met", ()),
    ("A4", {"prior_il2": True, "prior_systemic_lines": 1}, "not_met", ()),
    ("A4", {"prior_systemic_lines": DELETE}, "unknown", ("prior_systemic_lines",)),
    # A5 excellent organ function (same rule as E3)
    ("A5", {}, "met", ()),
    ("A5", {"labs.alt.value": "57 U/L"}, "not_met", ()),
    ("A5", {"labs.neutrophils": DELETE}, "unknown", ("labs.neutrophils",)),
]


@pytest.mark.parametrize(("cid", "changes", "status", "missing"), CASES)
def test_criterion(make: Make, cid: str, changes: dict[str, Any], status: str,
                   missing: tuple[str, ...]) -> None:
    r = evaluate_criterion(cid, make(changes))
    assert r.status == status, [x.text for x in r.reasons]
    assert r.missing == missing
    assert r.reasons, "every criterion explains itself"


def test_every_criterion_has_met_not_met_and_unknown_cases() -> None:
    seen: dict[str, set[str]] = {}
    for cid, _, status, _ in CASES:
        seen.setdefault(cid, set()).add(status)
    assert set(seen) == set(CRITERIA)
    assert all(s == {"met", "not_met", "unknown"} for s in seen.values()), seen


def test_disease_outside_profile(make: Make) -> None:
    mel = make({"diagnosis": {"disease": "melanoma", "histology": "cutaneous"}})
    assert evaluate_criterion("E1", mel, diseases=("rcc",)).status == "not_met"
    assert evaluate_criterion("E1", mel, diseases=("rcc", "melanoma")).status == "met"


def test_kps_conversion_policy_off(make: Make) -> None:
    p = make(ecog=DELETE, karnofsky=90)
    r = evaluate_criterion("E2", p, policies={"performance_status_conversion": "none"})
    assert r.status == "unknown"
    assert evaluate_criterion("E2", p).reasons[0].tag.value == "unverified"


def test_organ_function_dysfunction_side_policy(make: Make) -> None:
    policy = {"organ_function_range": "dysfunction_side"}
    high_plt = make({"labs.platelets.value": "450 10^9/L"})
    assert evaluate_criterion("E3", high_plt, policies=policy).status == "met"
    no_lln = make({"labs.creatinine.lln": DELETE})
    assert evaluate_criterion("E3", no_lln).status == "unknown"
    assert evaluate_criterion("E3", no_lln, policies=policy).status == "met"
    low_plt = make({"labs.platelets.value": "149 10^9/L"})
    assert evaluate_criterion("E3", low_plt, policies=policy).status == "not_met"


@pytest.mark.parametrize(("window", "status", "missing"), [
    (None, "met", ()),      # no site setting: date reported, validity left to the clinician
    (19, "met", ()),        # test 19 days before planned day 1: at the window
    (18, "unknown", ("cardiac_stress_test.date",)),  # stale
])
def test_stress_test_validity_window(make: Make, window: int | None, status: str,
                                     missing: tuple[str, ...]) -> None:
    r = evaluate_criterion("E7", make(), settings=EligibilitySettings(
        stress_test_valid_days=window))
    assert r.status == status
    assert r.missing == missing
    if window is None:
        assert any("clinician" in x.text and "2024-05-15" in x.text for x in r.reasons)


def test_pft_window_needs_dates(make: Make) -> None:
    p = make({"pulmonary_function_test.date": DELETE})
    r = evaluate_criterion("E10", p, settings=EligibilitySettings(pft_valid_days=90))
    assert r.status == "unknown"
    assert r.missing == ("pulmonary_function_test.date",)


def test_bad_setting_refused() -> None:
    with pytest.raises(InputError) as e:
        EligibilitySettings(stress_test_valid_days=-1)
    assert e.value.field == "settings.stress_test_valid_days"


def test_washout_reason_shows_both_dates(make: Make) -> None:
    r = evaluate_criterion("E6", make({"last_other_therapy_end_date": "2024-05-04"}))
    text = r.reasons[0].text
    assert "2024-05-04" in text
    assert "2024-06-03" in text
    assert "protocol entry" in text


def test_tnm_edition_stated_never_mapped(make: Make) -> None:
    r = evaluate_criterion("A2", make(ADJUVANT))
    assert "AJCC 8th (2017)" in r.reasons[0].text
    assert "not mapped" in r.reasons[0].text
    assert r.reasons[0].tag.value == "unverified"


# --- verdicts ------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", [k for k in PROFILES if k != "clark2003_adjuvant"])
def test_demo_patient_is_eligible_for_every_metastatic_profile(make: Make,
                                                               profile: str) -> None:
    r = eligibility(make(), profile)
    assert r.verdict == "eligible", r.to_dict()
    assert r.failed == ()
    assert r.missing == ()


def test_adjuvant_patient(make: Make) -> None:
    r = eligibility(make(ADJUVANT), "clark2003_adjuvant")
    assert r.verdict == "eligible", r.to_dict()
    assert eligibility(make(ADJUVANT), "label_minimum").verdict == "ineligible"  # not M1
    assert eligibility(make(), "clark2003_adjuvant").verdict == "ineligible"  # metastatic


def test_ineligible_lists_all_failures_and_missing(make: Make) -> None:
    p = make({"ecog": 2, "comorbidities.organ_allograft": True, "pulmonary_function_test":
              DELETE})
    r = eligibility(p, "atkins1993")
    assert r.verdict == "ineligible"
    assert r.failed == ("E2", "E11")
    assert r.unknown == ("E10",)
    assert r.missing == ("pulmonary_function_test",)
    assert "E2" in r.reasons[0].text


def test_incomplete_names_every_missing_field(make: Make) -> None:
    p = make({"labs.ldh": DELETE, "labs.creatinine": DELETE, "brain_imaging": DELETE})
    r = eligibility(p, "atkins1993")
    assert r.verdict == "incomplete"
    assert r.failed == ()
    assert set(r.unknown) == {"E3", "E4"}
    assert set(r.missing) == {"labs.creatinine", "brain_imaging"}  # LDH is not in E3


def test_nci_profile_has_no_ecog_limit(make: Make) -> None:
    p = make(ecog=3, karnofsky=40)
    assert eligibility(p, "lee2000_nci").verdict == "eligible"
    assert eligibility(p, "atkins1993").failed == ("E2",)
    assert "E2" not in PROFILES["lee2000_nci"].criteria


def test_unknown_profile_and_policy_refused(make: Make) -> None:
    with pytest.raises(InputError) as e:
        eligibility(make(), "nci1985")
    assert e.value.field == "profile"
    with pytest.raises(InputError) as e:
        eligibility(make(), "atkins1993", {"ecog_max": 2})
    assert e.value.field == "policy.ecog_max"
    with pytest.raises(InputError) as e:
        eligibility(make(), "atkins1993", {"organ_function_range": "loose"})
    assert e.value.field == "policy.organ_function_range"


# --- property: missing data never turns a criterion met (or not met) wrongly ---------------

FAILURES = [
    {"ecog": 2, "karnofsky": 60}, {"labs.creatinine.value": "2 mg/dL"},
    {"brain_imaging.active_cns_metastases": True},
    {"prior_il2": True, "prior_systemic_lines": 1}, {"last_other_therapy_end_date": "2024-05-20"},
    {"comorbidities.organ_allograft": True}, {"cardiac_stress_test.result": "abnormal"},
    {"progressive_at_entry": False}, {"prior_systemic_lines": 1},
    {"pathology.papillary_present": True}, {"comorbidities.bacterial_infection": "untreated"},
]
DROPPABLE = [
    "ecog", "karnofsky", "labs.creatinine", "labs.hemoglobin.lln", "labs.ast.uln",
    "brain_imaging", "brain_imaging.date", "prior_il2", "prior_il2_courses",
    "last_other_therapy_end_date", "prior_other_therapy", "planned_day1",
    "cardiac_stress_test", "pulmonary_function_test", "comorbidities",
    "comorbidities.organ_allograft", "progressive_at_entry", "prior_systemic_lines",
    "pathology.alveolar_pct", "pathology", "diagnosis", "staging.m", "metastatic_sites",
    "metastasis_date", "sex", "comorbidities.bacterial_infection",
]


@settings(max_examples=60, deadline=None)
@given(fail=st.lists(st.sampled_from(FAILURES), max_size=2),
       drop=st.sets(st.sampled_from(DROPPABLE), max_size=5),
       profile=st.sampled_from(sorted(PROFILES)))
def test_missing_data_only_ever_makes_criteria_unknown(
        fail: list[dict[str, Any]], drop: set[str], profile: str) -> None:
    changes: dict[str, Any] = {}
    for f in fail:
        changes.update(f)
    full_doc = patched(changes)
    full = eligibility(Patient.model_validate(full_doc), profile)
    partial = eligibility(Patient.model_validate(patched(dict.fromkeys(drop, DELETE),
                                                         full_doc)), profile)
    for a, b in zip(full.criteria, partial.criteria, strict=True):
        assert b.status in ("unknown", a.status), (a.id, a.status, b.status)
    if partial.verdict == "eligible":
        assert full.verdict == "eligible"


def test_item9_evaluators_are_named_for_what_they_check() -> None:
    """No evaluator is named after its criterion id (``_e1`` … ``_a4``); the ids stay in the
    output unchanged."""
    import re

    from hdil2.clinical.selection.eligibility import CRITERIA

    for cid, criterion in CRITERIA.items():
        name = criterion.evaluate.__qualname__
        assert not re.search(r"(^|\.)_?[ea]\d+\b", name, re.I), (cid, name)
        assert criterion.id == cid
    assert list(CRITERIA) == [*(f"E{i}" for i in range(1, 17)), "A1", "A2", "A4", "A5"]
