"""Every CTCAE v5.0 threshold of reference §3.2: at, just below and just above it.

Expected grades are read off the reference's table and its range conventions (§3.1: "> ULN -
1.5 × ULN" means ULN < x ≤ 1.5 × ULN), not computed from hdil2's own tables.  The reference's
numeric examples (§3.2 and D4-D6) are pinned in their own tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from hdil2.clinical.ctcae import grade_document


def g(**doc: Any) -> Any:
    return grade_document(doc).value


# ---- reference §3.2 worked examples ------------------------------------------------------


@pytest.mark.parametrize(("value", "grade"), [
    ("75.0", 1), ("74.9", 2), ("50.0", 2), ("24.9", 4),
])
def test_reference_platelet_examples(value: str, grade: int) -> None:
    assert g(term="platelet_count_decreased", value=f"{value} 10^9/L", lln="150 10^9/L") == grade


@pytest.mark.parametrize(("value", "hours", "grade"), [
    ("38.0", None, 1), ("39.0", None, 1), ("39.05", None, 2), ("40.0", None, 2),
    ("40.1", "6", 3),
])
def test_reference_fever_examples(value: str, hours: str | None, grade: int) -> None:
    doc: dict[str, Any] = {"term": "fever", "value": f"{value} °C"}
    if hours:
        doc["duration_above_40c"] = f"{hours} h"
    assert grade_document(doc).value == grade


def test_reference_creatinine_example_baseline_clause_wins() -> None:
    # ULN 1.2, baseline 0.9, value 1.5: G1 by ULN (1.2 < 1.5 ≤ 1.8), 1.67 × baseline → G2
    d = grade_document({"term": "creatinine_increased", "value": "1.5 mg/dL",
                        "uln": "1.2 mg/dL", "baseline": "0.9 mg/dL"})
    assert d.value == 2
    by_rule = {r.rule: r.text for r in d.reasons}
    assert "→ G1" in by_rule["ctcae5.creatinine.uln_clause"]
    assert "→ G2" in by_rule["ctcae5.creatinine.baseline_clause"]
    assert "baseline clause" in by_rule["ctcae5.creatinine.grade"]


def test_d4_baseline_clause_fires_within_normal_limits() -> None:
    # reference D4: creatinine 1.0, ULN 1.2, baseline 0.6 → G2 (as admiral grades it)
    d = grade_document({"term": "creatinine_increased", "value": "1.0 mg/dL",
                        "uln": "1.2 mg/dL", "baseline": "0.6 mg/dL"})
    assert d.value == 2
    texts = {r.rule: r.text for r in d.reasons}
    assert "no grade" in texts["ctcae5.creatinine.uln_clause"]
    assert "reference D4" in texts["ctcae5.creatinine.baseline_clause"]


@pytest.mark.parametrize("term", ["ast_increased", "alt_increased"])
def test_d5_abnormal_baseline_inclusive_at_1_5(term: str) -> None:
    # reference D5: bare "1.5 - 3.0 × baseline" is inclusive at 1.5 (60/40 → G1)
    assert g(term=term, value="60 U/L", uln="35 U/L", baseline="40 U/L") == 1
    assert g(term=term, value="59.9 U/L", uln="35 U/L", baseline="40 U/L") == 0


@pytest.mark.parametrize("term", ["ast_increased", "alt_increased"])
def test_d5_baseline_equal_to_uln_is_normal(term: str) -> None:
    # baseline = ULN is normal: graded against ULN (50 > 40 → G1) ...
    assert g(term=term, value="50 U/L", uln="40 U/L", baseline="40 U/L") == 1
    # ... baseline just above ULN is abnormal: 50 < 1.5 × 40.1 → G0
    assert g(term=term, value="50 U/L", uln="40 U/L", baseline="40.1 U/L") == 0


def test_exact_arithmetic_at_1_5_x_uln() -> None:
    # in binary floats 1.5 * 1.2 == 1.7999999999999998 < 1.8, which would make 1.8 "> 1.5 × ULN"
    assert 1.5 * 1.2 < 1.8
    assert g(term="creatinine_increased", value="1.8 mg/dL", uln="1.2 mg/dL",
             baseline="1.8 mg/dL") == 1
    # same for the baseline clause: 1.35 is exactly 1.5 × 0.9 (no grade), not above it
    assert g(term="creatinine_increased", value="1.35 mg/dL", uln="10 mg/dL",
             baseline="0.9 mg/dL") == 0


# ---- creatinine increased --------------------------------------------------------------------
# ULN clause isolated (baseline = value, so the baseline clause cannot fire), ULN 1.2 mg/dL:
# G1 > 1.2, G2 > 1.8, G3 > 3.6, G4 > 7.2


@pytest.mark.parametrize(("value", "grade"), [
    ("1.19", 0), ("1.2", 0), ("1.21", 1),
    ("1.79", 1), ("1.8", 1), ("1.81", 2),
    ("3.59", 2), ("3.6", 2), ("3.61", 3),
    ("7.19", 3), ("7.2", 3), ("7.21", 4),
])
def test_creatinine_uln_clause(value: str, grade: int) -> None:
    assert g(term="creatinine_increased", value=f"{value} mg/dL", uln="1.2 mg/dL",
             baseline=f"{value} mg/dL") == grade


# baseline clause isolated (ULN 10 mg/dL, so the ULN clause is silent below 10), baseline 0.9:
# G2 > 1.35, G3 > 2.7
@pytest.mark.parametrize(("value", "grade"), [
    ("1.34", 0), ("1.35", 0), ("1.36", 2),
    ("2.69", 2), ("2.7", 2), ("2.71", 3),
])
def test_creatinine_baseline_clause(value: str, grade: int) -> None:
    assert g(term="creatinine_increased", value=f"{value} mg/dL", uln="10 mg/dL",
             baseline="0.9 mg/dL") == grade


def test_creatinine_in_micromol_per_litre() -> None:
    # 1.5 mg/dL ≈ 132.6 µmol/L; ULN 106, baseline 80: 1.25 × ULN (G1), 1.66 × baseline (G2)
    assert g(term="creatinine_increased", value="132.6 µmol/L", uln="106 µmol/L",
             baseline="80 µmol/L") == 2


# ---- blood bilirubin increased ---------------------------------------------------------------
# baseline normal (0.5 ≤ ULN 1.2): G1 > 1.2, G2 > 1.8, G3 > 3.6, G4 > 12.0


@pytest.mark.parametrize(("value", "grade"), [
    ("1.19", 0), ("1.2", 0), ("1.21", 1),
    ("1.79", 1), ("1.8", 1), ("1.81", 2),
    ("3.59", 2), ("3.6", 2), ("3.61", 3),
    ("11.99", 3), ("12.0", 3), ("12.01", 4),
])
def test_bilirubin_baseline_normal(value: str, grade: int) -> None:
    assert g(term="blood_bilirubin_increased", value=f"{value} mg/dL", uln="1.2 mg/dL",
             baseline="0.5 mg/dL") == grade


# baseline abnormal (2.0 > ULN 1.2): G1 > 2.0, G2 > 3.0, G3 > 6.0, G4 > 20.0
@pytest.mark.parametrize(("value", "grade"), [
    ("1.99", 0), ("2.0", 0), ("2.01", 1),
    ("2.99", 1), ("3.0", 1), ("3.01", 2),
    ("5.99", 2), ("6.0", 2), ("6.01", 3),
    ("19.99", 3), ("20.0", 3), ("20.01", 4),
])
def test_bilirubin_baseline_abnormal(value: str, grade: int) -> None:
    assert g(term="blood_bilirubin_increased", value=f"{value} mg/dL", uln="1.2 mg/dL",
             baseline="2.0 mg/dL") == grade


# ---- AST / ALT increased -----------------------------------------------------------------------
# baseline normal (20 ≤ ULN 40): G1 > 40, G2 > 120, G3 > 200, G4 > 800


@pytest.mark.parametrize("term", ["ast_increased", "alt_increased"])
@pytest.mark.parametrize(("value", "grade"), [
    ("39.9", 0), ("40", 0), ("40.1", 1),
    ("119.9", 1), ("120", 1), ("120.1", 2),
    ("199.9", 2), ("200", 2), ("200.1", 3),
    ("799.9", 3), ("800", 3), ("800.1", 4),
])
def test_aminotransferase_baseline_normal(term: str, value: str, grade: int) -> None:
    assert g(term=term, value=f"{value} U/L", uln="40 U/L", baseline="20 U/L") == grade


# baseline abnormal (60 > ULN 40): G1 ≥ 90 (inclusive), G2 > 180, G3 > 300, G4 > 1200
@pytest.mark.parametrize("term", ["ast_increased", "alt_increased"])
@pytest.mark.parametrize(("value", "grade"), [
    ("89.9", 0), ("90", 1), ("90.1", 1),
    ("179.9", 1), ("180", 1), ("180.1", 2),
    ("299.9", 2), ("300", 2), ("300.1", 3),
    ("1199.9", 3), ("1200", 3), ("1200.1", 4),
])
def test_aminotransferase_baseline_abnormal(term: str, value: str, grade: int) -> None:
    assert g(term=term, value=f"{value} U/L", uln="40 U/L", baseline="60 U/L") == grade


# ---- platelet count decreased (LLN 150 × 10⁹/L) -----------------------------------------------


@pytest.mark.parametrize(("value", "grade"), [
    ("150.1", 0), ("150", 0), ("149.9", 1),
    ("75.1", 1), ("75.0", 1), ("74.9", 2),
    ("50.1", 2), ("50.0", 2), ("49.9", 3),
    ("25.1", 3), ("25.0", 3), ("24.9", 4),
    ("0", 4),
])
def test_platelets(value: str, grade: int) -> None:
    assert g(term="platelet_count_decreased", value=f"{value} 10^9/L",
             lln="150 10^9/L") == grade


@pytest.mark.parametrize(("value", "grade"), [("75000", 1), ("74900", 2), ("24900", 4)])
def test_platelets_per_cubic_millimetre(value: str, grade: int) -> None:
    assert g(term="platelet_count_decreased", value=f"{value} /mm3", lln="150000 /mm3") == grade


def test_platelets_mixed_count_units_convert_exactly() -> None:
    assert g(term="platelet_count_decreased", value="74999 /mm3", lln="150 10^9/L") == 2


# ---- fever -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "grade"), [
    ("37.9", 0), ("38.0", 1), ("38.1", 1),
    ("38.9", 1), ("39.0", 1), ("39.01", 2),
    ("39.9", 2), ("40.0", 2),
])
def test_fever_celsius(value: str, grade: int) -> None:
    assert g(term="fever", value=f"{value} °C") == grade


@pytest.mark.parametrize(("duration", "grade"), [
    ("6 h", 3), ("23.9 h", 3), ("24 h", 3), ("1441 min", 4), ("24.1 h", 4), ("2 d", 4),
])
def test_fever_above_40_by_duration(duration: str, grade: int) -> None:
    assert g(term="fever", value="40.1 °C", duration_above_40c=duration) == grade


@pytest.mark.parametrize(("value", "grade"), [
    ("100.3", 0), ("100.4", 1), ("102.2", 1), ("102.3", 2), ("104.0", 2),
])
def test_fever_fahrenheit_exact_conversion(value: str, grade: int) -> None:
    # 100.4 °F = 38.0 °C, 102.2 °F = 39.0 °C, 104.0 °F = 40.0 °C exactly
    assert g(term="fever", value=f"{value} °F") == grade


def test_fever_fahrenheit_above_104() -> None:
    assert g(term="fever", value="104.1 °F", duration_above_40c="2 h") == 3
    assert g(term="fever", value="104.1 °F", duration_above_40c="25 h") == 4


# ---- weight gain (baseline 70 kg): G1 ≥ 73.5, G2 ≥ 77, G3 ≥ 84 -------------------------------


@pytest.mark.parametrize(("value", "grade"), [
    ("70", 0), ("73.49", 0), ("73.5", 1), ("73.51", 1),
    ("76.99", 1), ("77", 2), ("77.01", 2),
    ("83.99", 2), ("84", 3), ("84.01", 3),
    ("65", 0),
])
def test_weight_gain(value: str, grade: int) -> None:
    assert g(term="weight_gain", value=f"{value} kg", baseline="70 kg") == grade


def test_weight_gain_in_pounds() -> None:
    # 10 % of 150 lb is exactly 15 lb
    assert g(term="weight_gain", value="165 lb", baseline="150 lb") == 2
    assert g(term="weight_gain", value="164.99 lb", baseline="150 lb") == 1


# ---- diarrhoea (baseline 2 stools per day): G1 increase 1-3, G2 4-6, G3 ≥ 7 ------------------


@pytest.mark.parametrize(("stools", "grade"), [
    (1, 0), (2, 0), (3, 1),
    (5, 1), (6, 2), (7, 2),
    (8, 2), (9, 3), (10, 3),
])
def test_diarrhea_stool_increase(stools: int, grade: int) -> None:
    assert g(term="diarrhea", stools_per_day=stools, baseline_stools_per_day=2) == grade


@pytest.mark.parametrize(("ostomy", "grade"), [
    ("none", 0), ("mild", 1), ("moderate", 2), ("severe", 3),
])
def test_diarrhea_ostomy_output(ostomy: str, grade: int) -> None:
    assert g(term="diarrhea", ostomy_output_increase=ostomy) == grade


def test_d6_no_grade_3_from_incontinence_alone() -> None:
    d = grade_document({"term": "diarrhea", "stools_per_day": 3,
                        "baseline_stools_per_day": 2, "incontinence": True})
    assert d.value == 1
    rules = {r.rule: r for r in d.reasons}
    assert rules["ctcae5.diarrhea.incontinence"].tag.value == "unverified"
    assert rules["policy.diarrhea_incontinence"].inputs["diarrhea_incontinence"] == "not_graded"
    # a site that reads v5.0 as including incontinence can say so, and the reason shows it
    d = grade_document({"term": "diarrhea", "stools_per_day": 3, "baseline_stools_per_day": 2,
                        "incontinence": True, "policies": {"diarrhea_incontinence": "grade_3"}})
    assert d.value == 3
    assert "site override" in next(r.text for r in d.reasons
                                   if r.rule == "policy.diarrhea_incontinence")
