"""Missing limits: ``not_evaluable`` naming the field, or the grade when no value of the missing
limit could change it (docs/decisions.md#ctcae-boundary-forms)."""

from __future__ import annotations

from typing import Any

import pytest

from hdil2.clinical.toxicity.ctcae import NOT_EVALUABLE, grade_document
from hdil2.core.decision import Decision
from hdil2.core.sources import Tag


def d(**doc: Any) -> Decision[Any]:
    return grade_document(doc)


def rules(dec: Decision[Any]) -> dict[str, Any]:
    return {r.rule: r for r in dec.reasons}


def test_creatinine_without_uln_is_not_evaluable() -> None:
    # the baseline clause gives G2 (1.67 × baseline); the ULN clause could give G0-G4
    x = d(term="creatinine_increased", value="1.5 mg/dL", baseline="0.9 mg/dL")
    assert x.value == NOT_EVALUABLE
    assert x.details["missing"] == ["uln"]
    assert x.details["possible_grades"] == [2, 3, 4]
    assert "ctcae5.creatinine.missing_limit" in rules(x)


def test_creatinine_above_6_uln_is_g4_whatever_the_baseline() -> None:
    x = d(term="creatinine_increased", value="7.5 mg/dL", uln="1.2 mg/dL")
    assert x.value == 4
    assert x.details["missing"] == ["baseline"]
    r = rules(x)["ctcae5.creatinine.limit_not_needed"]
    assert r.tag == Tag.COMPUTED
    assert "docs/decisions.md#ctcae-boundary-forms" in r.text


def test_creatinine_g3_by_uln_needs_no_baseline() -> None:
    # 4.0 = 3.33 × ULN is G3 by ULN; the baseline clause reaches at most G3
    assert d(term="creatinine_increased", value="4.0 mg/dL", uln="1.2 mg/dL").value == 3


def test_creatinine_within_normal_limits_still_needs_the_baseline() -> None:
    # the baseline clause fires within normal limits (docs/decisions.md#creatinine-baseline-clause),
    # so a normal value is not G0 yet
    x = d(term="creatinine_increased", value="1.0 mg/dL", uln="1.2 mg/dL")
    assert x.value == NOT_EVALUABLE
    assert x.details["possible_grades"] == [0, 2, 3]


def test_bilirubin_within_normal_limits_is_g0_whatever_the_baseline() -> None:
    # normal baseline: value ≤ ULN; abnormal baseline: value ≤ ULN < baseline — G0 either way
    x = d(term="blood_bilirubin_increased", value="1.0 mg/dL", uln="1.2 mg/dL")
    assert x.value == 0
    assert "ctcae5.bilirubin.limit_not_needed" in rules(x)


def test_bilirubin_above_uln_needs_the_baseline() -> None:
    x = d(term="blood_bilirubin_increased", value="2.0 mg/dL", uln="1.2 mg/dL")
    assert x.value == NOT_EVALUABLE
    assert x.details["missing"] == ["baseline"]


@pytest.mark.parametrize("term", ["ast_increased", "alt_increased"])
def test_aminotransferase_without_any_limit(term: str) -> None:
    x = d(term=term, value="500 U/L")
    assert x.value == NOT_EVALUABLE
    assert x.details["missing"] == ["uln", "baseline"]
    assert x.details["possible_grades"] == [0, 1, 2, 3, 4]


def test_platelets_without_lln() -> None:
    # < 75 is graded from absolute bounds; above 75 only the LLN decides G0 vs G1
    assert d(term="platelet_count_decreased", value="60 10^9/L").value == 2
    x = d(term="platelet_count_decreased", value="100 10^9/L")
    assert x.value == NOT_EVALUABLE
    assert x.details["possible_grades"] == [0, 1]
    assert x.details["missing"] == ["lln"]


def test_weight_gain_without_baseline() -> None:
    x = d(term="weight_gain", value="80 kg")
    assert x.value == NOT_EVALUABLE
    assert x.details["missing"] == ["baseline"]


def test_fever_above_40_without_duration() -> None:
    x = d(term="fever", value="40.2 °C")
    assert x.value == NOT_EVALUABLE
    assert x.details["possible_grades"] == [3, 4]
    assert x.details["missing"] == ["duration_above_40c"]
    # below 40 the duration is not needed
    assert d(term="fever", value="39.5 °C").details["missing"] == []


def test_fever_death_recorded_by_the_clinician() -> None:
    x = d(term="fever", value="40.2 °C", clinical_grade=5)
    assert x.value == 5
    # grade 5 exists for fever in NCI's spreadsheet (checked, so verified)
    assert rules(x)["ctcae5.fever.death"].tag == Tag.VERIFIED


def test_diarrhea_missing_inputs() -> None:
    x = d(term="diarrhea", stools_per_day=5)
    assert x.value == NOT_EVALUABLE
    assert x.details["missing"] == ["baseline_stools_per_day"]
    assert x.details["possible_grades"] == [0, 1, 2]
    assert d(term="diarrhea", stools_per_day=0).value == 0
    x = d(term="diarrhea")
    assert x.value == NOT_EVALUABLE
    assert x.details["missing"] == ["stools_per_day", "ostomy_output_increase"]
    # a descriptor grade above anything the counts can give decides on its own
    assert d(term="diarrhea", clinical_grade=4).value == 4
    x = d(term="diarrhea", clinical_grade=2)
    assert x.details["possible_grades"] == [2, 3]
