"""Every CTCAE v5.0 threshold hdil2 grades by: at it, just below it and just above it.

Each group of cases quotes the cell of NCI's spreadsheet (``CTCAE_v5.0_2017-11-27.xlsx``,
source key ``ctcae5``) its thresholds come from, and the expected grades are written out by
hand from that text and the range convention (">1.5 - 3.0 x ULN" means 1.5 x ULN < x <=
3.0 x ULN; "<LLN - 75.0" means 75.0 <= x < LLN; a bare "1.5 - 3.0 x baseline" is inclusive at
1.5, docs/decisions.md#ctcae-boundary-forms): with ULN 1.2 mg/dL the grade 2 bound of
">1.5 - 3.0 x ULN" is written here as the literal 1.8, never recomputed with the code's
arithmetic.  ``test_item21_quoted_texts_are_the_spreadsheets`` checks every quotation against
the spreadsheet itself, so a threshold cannot be invented here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from hdil2.clinical.toxicity.ctcae import NOT_EVALUABLE, grade_document

NE = NOT_EVALUABLE

# (CTCAE term, grade, words quoted from that grade's cell of NCI's spreadsheet)
QUOTES: list[tuple[str, int, str]] = []


def quote(term: str, grade: int, words: str) -> str:
    QUOTES.append((term, grade, words))
    return words


def g(**doc: Any) -> Any:
    return grade_document(doc).value


def cases(*rows: tuple[str, Any]) -> list[tuple[str, Any]]:
    return list(rows)


# ---- creatinine increased ---------------------------------------------------------------------
quote("Creatinine increased", 1, ">ULN - 1.5 x ULN")
quote("Creatinine increased", 2, ">1.5 - 3.0 x baseline; >1.5 - 3.0 x ULN")
quote("Creatinine increased", 3, ">3.0 x baseline; >3.0 - 6.0 x ULN")
quote("Creatinine increased", 4, ">6.0 x ULN")


# ULN clause isolated (baseline = value, so the baseline clause cannot fire), ULN 1.2 mg/dL:
# G1 > 1.2, G2 > 1.8, G3 > 3.6, G4 > 7.2
@pytest.mark.parametrize(("value", "grade"), cases(
    ("1.19", 0), ("1.2", 0), ("1.21", 1),
    ("1.79", 1), ("1.8", 1), ("1.81", 2),
    ("3.59", 2), ("3.6", 2), ("3.61", 3),
    ("7.19", 3), ("7.2", 3), ("7.21", 4),
))
def test_creatinine_uln_clause(value: str, grade: int) -> None:
    assert g(term="creatinine_increased", value=f"{value} mg/dL", uln="1.2 mg/dL",
             baseline=f"{value} mg/dL") == grade


# baseline clause isolated (ULN 10 mg/dL, so the ULN clause is silent below 10), baseline 0.9:
# G2 > 1.35, G3 > 2.7
@pytest.mark.parametrize(("value", "grade"), cases(
    ("1.34", 0), ("1.35", 0), ("1.36", 2),
    ("2.69", 2), ("2.7", 2), ("2.71", 3),
))
def test_creatinine_baseline_clause(value: str, grade: int) -> None:
    assert g(term="creatinine_increased", value=f"{value} mg/dL", uln="10 mg/dL",
             baseline="0.9 mg/dL") == grade


def test_creatinine_example_baseline_clause_wins() -> None:
    # ULN 1.2, baseline 0.9, value 1.5: G1 by ULN (1.2 < 1.5 <= 1.8), 1.5 > 1.35 by baseline
    d = grade_document({"term": "creatinine_increased", "value": "1.5 mg/dL",
                        "uln": "1.2 mg/dL", "baseline": "0.9 mg/dL"})
    assert d.value == 2
    by_rule = {r.rule: r.text for r in d.reasons}
    assert "→ G1" in by_rule["ctcae5.creatinine.uln_clause"]
    assert "→ G2" in by_rule["ctcae5.creatinine.baseline_clause"]
    assert "baseline clause" in by_rule["ctcae5.creatinine.grade"]


def test_creatinine_baseline_clause_fires_within_normal_limits() -> None:
    # creatinine 1.0 <= ULN 1.2, but 1.0 > 0.9 = 1.5 x baseline 0.6 -> G2, as admiral grades it
    d = grade_document({"term": "creatinine_increased", "value": "1.0 mg/dL",
                        "uln": "1.2 mg/dL", "baseline": "0.6 mg/dL"})
    assert d.value == 2
    texts = {r.rule: r.text for r in d.reasons}
    assert "no grade" in texts["ctcae5.creatinine.uln_clause"]
    assert "docs/decisions.md#creatinine-baseline-clause" in \
        texts["ctcae5.creatinine.baseline_clause"]


def test_exact_decimal_arithmetic_at_1_5_x_uln() -> None:
    # 1.8 mg/dL is exactly 1.5 x ULN 1.2: not above it, so G1 (binary floating point would
    # make 1.5 x 1.2 slightly less than 1.8 and grade it G2)
    assert g(term="creatinine_increased", value="1.8 mg/dL", uln="1.2 mg/dL",
             baseline="1.8 mg/dL") == 1
    # 1.35 is exactly 1.5 x baseline 0.9: no grade, not above it
    assert g(term="creatinine_increased", value="1.35 mg/dL", uln="10 mg/dL",
             baseline="0.9 mg/dL") == 0


def test_creatinine_in_micromol_per_litre() -> None:
    # ULN 106, baseline 80 µmol/L: 132.6 <= 159 = 1.5 x 106 (G1 by ULN) and 132.6 > 120 =
    # 1.5 x 80 (G2 by baseline)
    assert g(term="creatinine_increased", value="132.6 µmol/L", uln="106 µmol/L",
             baseline="80 µmol/L") == 2


# ---- blood bilirubin increased --------------------------------------------------------------
quote("Blood bilirubin increased", 1,
      ">ULN - 1.5 x ULN if baseline was normal; > 1.0 - 1.5 x baseline if baseline was abnormal")
quote("Blood bilirubin increased", 4,
      ">10.0 x ULN if baseline was normal; >10.0 x baseline if baseline was abnormal")


# baseline normal (0.5 <= ULN 1.2): G1 > 1.2, G2 > 1.8, G3 > 3.6, G4 > 12.0
@pytest.mark.parametrize(("value", "grade"), cases(
    ("1.19", 0), ("1.2", 0), ("1.21", 1),
    ("1.79", 1), ("1.8", 1), ("1.81", 2),
    ("3.59", 2), ("3.6", 2), ("3.61", 3),
    ("11.99", 3), ("12.0", 3), ("12.01", 4),
))
def test_bilirubin_baseline_normal(value: str, grade: int) -> None:
    assert g(term="blood_bilirubin_increased", value=f"{value} mg/dL", uln="1.2 mg/dL",
             baseline="0.5 mg/dL") == grade


# baseline abnormal (2.0 > ULN 1.2): G1 > 2.0, G2 > 3.0, G3 > 6.0, G4 > 20.0
@pytest.mark.parametrize(("value", "grade"), cases(
    ("1.99", 0), ("2.0", 0), ("2.01", 1),
    ("2.99", 1), ("3.0", 1), ("3.01", 2),
    ("5.99", 2), ("6.0", 2), ("6.01", 3),
    ("19.99", 3), ("20.0", 3), ("20.01", 4),
))
def test_bilirubin_baseline_abnormal(value: str, grade: int) -> None:
    assert g(term="blood_bilirubin_increased", value=f"{value} mg/dL", uln="1.2 mg/dL",
             baseline="2.0 mg/dL") == grade


# ---- AST / ALT increased ------------------------------------------------------------------------
for _t in ("Aspartate aminotransferase increased", "Alanine aminotransferase increased"):
    quote(_t, 1, ">ULN - 3.0 x ULN if baseline was normal; 1.5 - 3.0 x baseline if baseline "
          "was abnormal")
    quote(_t, 3, ">5.0 - 20.0 x ULN if baseline was normal; >5.0 - 20.0 x baseline if "
          "baseline was abnormal")


# baseline normal (20 <= ULN 40): G1 > 40, G2 > 120, G3 > 200, G4 > 800
@pytest.mark.parametrize("term", ["ast_increased", "alt_increased"])
@pytest.mark.parametrize(("value", "grade"), cases(
    ("39.9", 0), ("40", 0), ("40.1", 1),
    ("119.9", 1), ("120", 1), ("120.1", 2),
    ("199.9", 2), ("200", 2), ("200.1", 3),
    ("799.9", 3), ("800", 3), ("800.1", 4),
))
def test_aminotransferase_baseline_normal(term: str, value: str, grade: int) -> None:
    assert g(term=term, value=f"{value} U/L", uln="40 U/L", baseline="20 U/L") == grade


# baseline abnormal (60 > ULN 40): G1 >= 90 (bare "1.5 - 3.0": inclusive), G2 > 180,
# G3 > 300, G4 > 1200
@pytest.mark.parametrize("term", ["ast_increased", "alt_increased"])
@pytest.mark.parametrize(("value", "grade"), cases(
    ("89.9", 0), ("90", 1), ("90.1", 1),
    ("179.9", 1), ("180", 1), ("180.1", 2),
    ("299.9", 2), ("300", 2), ("300.1", 3),
    ("1199.9", 3), ("1200", 3), ("1200.1", 4),
))
def test_aminotransferase_baseline_abnormal(term: str, value: str, grade: int) -> None:
    assert g(term=term, value=f"{value} U/L", uln="40 U/L", baseline="60 U/L") == grade


@pytest.mark.parametrize("term", ["ast_increased", "alt_increased"])
def test_aminotransferase_baseline_equal_to_uln_is_normal(term: str) -> None:
    # baseline = ULN is normal: graded against ULN (50 > 40 -> G1) ...
    assert g(term=term, value="50 U/L", uln="40 U/L", baseline="40 U/L") == 1
    # ... baseline just above ULN is abnormal: 50 < 60.15 = 1.5 x 40.1 -> G0
    assert g(term=term, value="50 U/L", uln="40 U/L", baseline="40.1 U/L") == 0


# ---- alkaline phosphatase / GGT increased (issue 8 item 8) -------------------------------------
for _t in ("Alkaline phosphatase increased", "GGT increased"):
    quote(_t, 1, ">ULN - 2.5 x ULN if baseline was normal; 2.0 - 2.5 x baseline if baseline "
          "was abnormal")
    quote(_t, 2, ">2.5 - 5.0 x ULN if baseline was normal; >2.5 - 5.0 x baseline if baseline "
          "was abnormal")
    quote(_t, 3, ">5.0 - 20.0 x ULN if baseline was normal; >5.0 - 20.0 x baseline if "
          "baseline was abnormal")
    quote(_t, 4, ">20.0 x ULN if baseline was normal; >20.0 x baseline if baseline was "
          "abnormal")

ALP_GGT = ["alkaline_phosphatase_increased", "ggt_increased"]


# baseline normal (50 <= ULN 100): G1 > 100, G2 > 250, G3 > 500, G4 > 2000
@pytest.mark.parametrize("term", ALP_GGT)
@pytest.mark.parametrize(("value", "grade"), cases(
    ("99.9", 0), ("100", 0), ("100.1", 1),
    ("249.9", 1), ("250", 1), ("250.1", 2),
    ("499.9", 2), ("500", 2), ("500.1", 3),
    ("1999.9", 3), ("2000", 3), ("2000.1", 4),
))
def test_item8_alp_ggt_baseline_normal(term: str, value: str, grade: int) -> None:
    assert g(term=term, value=f"{value} U/L", uln="100 U/L", baseline="50 U/L") == grade


# baseline abnormal (150 > ULN 100): G1 >= 300 (bare "2.0 - 2.5": inclusive), G2 > 375,
# G3 > 750, G4 > 3000; below 2.0 x baseline no grade even though above ULN
@pytest.mark.parametrize("term", ALP_GGT)
@pytest.mark.parametrize(("value", "grade"), cases(
    ("150", 0), ("299.9", 0), ("300", 1), ("300.1", 1),
    ("374.9", 1), ("375", 1), ("375.1", 2),
    ("749.9", 2), ("750", 2), ("750.1", 3),
    ("2999.9", 3), ("3000", 3), ("3000.1", 4),
))
def test_item8_alp_ggt_baseline_abnormal(term: str, value: str, grade: int) -> None:
    assert g(term=term, value=f"{value} U/L", uln="100 U/L", baseline="150 U/L") == grade


# ---- platelet count decreased (LLN 150 x 10^9/L) --------------------------------------------
quote("Platelet count decreased", 1, "<LLN - 75,000/mm3; <LLN - 75.0 x 10e9 /L")
quote("Platelet count decreased", 2, "<75,000 - 50,000/mm3; <75.0 - 50.0 x 10e9 /L")
quote("Platelet count decreased", 3, "<50,000 - 25,000/mm3; <50.0 - 25.0 x 10e9 /L")
quote("Platelet count decreased", 4, "<25,000/mm3; <25.0 x 10e9 /L")


@pytest.mark.parametrize(("value", "grade"), cases(
    ("150.1", 0), ("150", 0), ("149.9", 1),
    ("75.1", 1), ("75.0", 1), ("74.9", 2),
    ("50.1", 2), ("50.0", 2), ("49.9", 3),
    ("25.1", 3), ("25.0", 3), ("24.9", 4),
    ("0", 4),
))
def test_platelets(value: str, grade: int) -> None:
    assert g(term="platelet_count_decreased", value=f"{value} 10^9/L",
             lln="150 10^9/L") == grade


@pytest.mark.parametrize(("value", "grade"), cases(
    ("75000", 1), ("74999", 2), ("50000", 2), ("49999", 3), ("25000", 3), ("24999", 4),
))
def test_platelets_per_cubic_millimetre(value: str, grade: int) -> None:
    assert g(term="platelet_count_decreased", value=f"{value} /mm3", lln="150000 /mm3") == grade


def test_platelets_mixed_count_units_convert_exactly() -> None:
    assert g(term="platelet_count_decreased", value="74999 /mm3", lln="150 10^9/L") == 2


# ---- neutrophil and lymphocyte count decreased (issue 8 item 8) --------------------------------
quote("Neutrophil count decreased", 1, "<LLN - 1500/mm3; <LLN - 1.5 x 10e9 /L")
quote("Neutrophil count decreased", 2, "<1500 - 1000/mm3; <1.5 - 1.0 x 10e9 /L")
quote("Neutrophil count decreased", 3, "<1000 - 500/mm3; <1.0 - 0.5 x 10e9 /L")
quote("Neutrophil count decreased", 4, "<500/mm3; <0.5 x 10e9 /L")


# LLN 2.0 x 10^9/L: G1 < 2.0, G2 < 1.5, G3 < 1.0, G4 < 0.5
@pytest.mark.parametrize(("value", "grade"), cases(
    ("2.01", 0), ("2.0", 0), ("1.99", 1),
    ("1.51", 1), ("1.5", 1), ("1.49", 2),
    ("1.01", 2), ("1.0", 2), ("0.99", 3),
    ("0.51", 3), ("0.5", 3), ("0.49", 4),
))
def test_item8_neutrophils(value: str, grade: int) -> None:
    assert g(term="neutrophil_count_decreased", value=f"{value} 10^9/L",
             lln="2.0 10^9/L") == grade


@pytest.mark.parametrize(("value", "grade"), cases(
    ("1500", 1), ("1499", 2), ("1000", 2), ("999", 3), ("500", 3), ("499", 4),
))
def test_item8_neutrophils_per_cubic_millimetre(value: str, grade: int) -> None:
    assert g(term="neutrophil_count_decreased", value=f"{value} /mm3", lln="2000 /mm3") == grade


quote("Lymphocyte count decreased", 1, "<LLN - 800/mm3; <LLN - 0.8 x 10e9/L")
quote("Lymphocyte count decreased", 2, "<800 - 500/mm3; <0.8 - 0.5 x 10e9 /L")
quote("Lymphocyte count decreased", 3, "<500 - 200/mm3; <0.5 - 0.2 x 10e9 /L")
quote("Lymphocyte count decreased", 4, "<200/mm3; <0.2 x 10e9 /L")


# LLN 1.0 x 10^9/L: G1 < 1.0, G2 < 0.8, G3 < 0.5, G4 < 0.2
@pytest.mark.parametrize(("value", "grade"), cases(
    ("1.01", 0), ("1.0", 0), ("0.99", 1),
    ("0.81", 1), ("0.8", 1), ("0.79", 2),
    ("0.51", 2), ("0.5", 2), ("0.49", 3),
    ("0.21", 3), ("0.2", 3), ("0.19", 4),
))
def test_item8_lymphocytes(value: str, grade: int) -> None:
    assert g(term="lymphocyte_count_decreased", value=f"{value} 10^9/L",
             lln="1.0 10^9/L") == grade


# ---- anemia (issue 8 item 8): each unit against its own printed bounds -------------------------
quote("Anemia", 1, "Hemoglobin (Hgb) <LLN - 10.0 g/dL; <LLN - 6.2 mmol/L; <LLN - 100 g/L")
quote("Anemia", 2, "Hgb <10.0 - 8.0 g/dL; <6.2 - 4.9 mmol/L; <100 - 80g/L")
quote("Anemia", 3, "Hgb <8.0 g/dL; <4.9 mmol/L; <80 g/L; transfusion indicated")


@pytest.mark.parametrize(("value", "lln", "grade"), cases(  # type: ignore[arg-type]
    ("12.0 g/dL", "12.0 g/dL", 0), ("11.9 g/dL", "12.0 g/dL", 1),
    ("10.1 g/dL", "12.0 g/dL", 1), ("10.0 g/dL", "12.0 g/dL", 1), ("9.9 g/dL", "12.0 g/dL", 2),
    ("8.1 g/dL", "12.0 g/dL", 2), ("8.0 g/dL", "12.0 g/dL", 2), ("7.9 g/dL", "12.0 g/dL", 3),
    ("8.1 g/dL", "12.0 g/dL", 2), ("12.1 g/dL", "12.0 g/dL", 0),
    ("121 g/L", "120 g/L", 0), ("120 g/L", "120 g/L", 0), ("119 g/L", "120 g/L", 1),
    ("101 g/L", "120 g/L", 1), ("100 g/L", "120 g/L", 1), ("99 g/L", "120 g/L", 2),
    ("81 g/L", "120 g/L", 2), ("80 g/L", "120 g/L", 2), ("79 g/L", "120 g/L", 3),
    ("7.4 mmol/L", "7.4 mmol/L", 0), ("7.3 mmol/L", "7.4 mmol/L", 1),
    ("6.3 mmol/L", "7.4 mmol/L", 1), ("6.2 mmol/L", "7.4 mmol/L", 1),
    ("6.1 mmol/L", "7.4 mmol/L", 2), ("5.0 mmol/L", "7.4 mmol/L", 2),
    ("4.9 mmol/L", "7.4 mmol/L", 2), ("4.8 mmol/L", "7.4 mmol/L", 3),
))
def test_item8_anemia(value: str, lln: str, grade: int) -> None:
    assert g(term="anemia", value=value, lln=lln) == grade


def test_item8_anemia_mmol_bounds_are_not_converted_g_dl_bounds() -> None:
    # 6.2 mmol/L is G1 by the mmol/L bound v5.0 prints, though it is 9.99 g/dL (x 1.611)
    assert g(term="anemia", value="6.2 mmol/L", lln="7.4 mmol/L") == 1
    assert g(term="anemia", value="9.99 g/dL", lln="12 g/dL") == 2


# ---- hypocalcemia (issue 8 item 8) ---------------------------------------------------------
quote("Hypocalcemia", 1, "Corrected serum calcium of <LLN - 8.0 mg/dL; <LLN - 2.0 mmol/L; "
      "Ionized calcium <LLN - 1.0 mmol/L")
quote("Hypocalcemia", 2, "Corrected serum calcium of <8.0 - 7.0 mg/dL; <2.0 - 1.75 mmol/L; "
      "Ionized calcium <1.0 - 0.9 mmol/L; symptomatic")
quote("Hypocalcemia", 3, "Corrected serum calcium of <7.0 - 6.0 mg/dL; <1.75 - 1.5 mmol/L; "
      "Ionized calcium <0.9 - 0.8 mmol/L; hospitalization indicated")
quote("Hypocalcemia", 4, "Corrected serum calcium of <6.0 mg/dL; <1.5 mmol/L; Ionized "
      "calcium <0.8 mmol/L; life-threatening consequences")


@pytest.mark.parametrize(("calcium", "value", "lln", "grade"), [
    ("corrected", "8.6 mg/dL", "8.5 mg/dL", 0),
    ("corrected", "8.5 mg/dL", "8.5 mg/dL", 0), ("corrected", "8.4 mg/dL", "8.5 mg/dL", 1),
    ("corrected", "8.1 mg/dL", "8.5 mg/dL", 1),
    ("corrected", "8.0 mg/dL", "8.5 mg/dL", 1), ("corrected", "7.9 mg/dL", "8.5 mg/dL", 2),
    ("corrected", "7.1 mg/dL", "8.5 mg/dL", 2),
    ("corrected", "7.0 mg/dL", "8.5 mg/dL", 2), ("corrected", "6.9 mg/dL", "8.5 mg/dL", 3),
    ("corrected", "6.1 mg/dL", "8.5 mg/dL", 3),
    ("corrected", "6.0 mg/dL", "8.5 mg/dL", 3), ("corrected", "5.9 mg/dL", "8.5 mg/dL", 4),
    ("corrected", "2.1 mmol/L", "2.1 mmol/L", 0), ("corrected", "2.09 mmol/L", "2.1 mmol/L", 1),
    ("corrected", "2.0 mmol/L", "2.1 mmol/L", 1), ("corrected", "1.99 mmol/L", "2.1 mmol/L", 2),
    ("corrected", "1.75 mmol/L", "2.1 mmol/L", 2),
    ("corrected", "1.74 mmol/L", "2.1 mmol/L", 3),
    ("corrected", "1.5 mmol/L", "2.1 mmol/L", 3), ("corrected", "1.49 mmol/L", "2.1 mmol/L", 4),
    ("ionized", "1.12 mmol/L", "1.12 mmol/L", 0), ("ionized", "1.11 mmol/L", "1.12 mmol/L", 1),
    ("ionized", "1.0 mmol/L", "1.12 mmol/L", 1), ("ionized", "0.99 mmol/L", "1.12 mmol/L", 2),
    ("ionized", "0.9 mmol/L", "1.12 mmol/L", 2), ("ionized", "0.89 mmol/L", "1.12 mmol/L", 3),
    ("ionized", "0.8 mmol/L", "1.12 mmol/L", 3), ("ionized", "0.79 mmol/L", "1.12 mmol/L", 4),
])
def test_item8_hypocalcemia(calcium: str, value: str, lln: str, grade: int) -> None:
    assert g(term="hypocalcemia", calcium=calcium, value=value, lln=lln) == grade


def test_item8_hypocalcemia_symptomatic_is_the_clinicians_grade_2() -> None:
    # 8.2 mg/dL is G1 by value; "; symptomatic" in G2's cell raises it when the clinician says so
    assert g(term="hypocalcemia", calcium="corrected", value="8.2 mg/dL", lln="8.5 mg/dL") == 1
    assert g(term="hypocalcemia", calcium="corrected", value="8.2 mg/dL", lln="8.5 mg/dL",
             clinical_grade=2) == 2
    # a lower clinical grade never lowers the value's grade
    assert g(term="hypocalcemia", calcium="corrected", value="5.9 mg/dL", lln="8.5 mg/dL",
             clinical_grade=2) == 4


# ---- hypokalemia (issue 8 item 8): G1 and G2 share "<LLN - 3.0 mmol/L" ------------------------
quote("Hypokalemia", 1, "<LLN - 3.0 mmol/L")
quote("Hypokalemia", 2, "Symptomatic with <LLN - 3.0 mmol/L; intervention indicated")
quote("Hypokalemia", 3, "<3.0 - 2.5 mmol/L; hospitalization indicated")
quote("Hypokalemia", 4, "<2.5 mmol/L; life-threatening consequences")

_NO = {"symptomatic": False, "intervention_indicated": False}


@pytest.mark.parametrize(("value", "answers", "grade"), [
    ("3.51", {}, 0), ("3.5", {}, 0), ("3.49", _NO, 1),
    ("3.49", {"symptomatic": True, "intervention_indicated": False}, 2),
    ("3.49", {"symptomatic": False, "intervention_indicated": True}, 2),
    ("3.49", {"symptomatic": True}, 2),  # one "yes" decides: the other is not needed
    ("3.49", {"symptomatic": False}, NE), ("3.49", {}, NE),
    ("3.01", _NO, 1), ("3.0", _NO, 1), ("3.0", {"intervention_indicated": True}, 2),
    ("2.99", {}, 3), ("2.51", {}, 3), ("2.5", {}, 3), ("2.49", {}, 4), ("0", {}, 4),
])
def test_item8_hypokalemia(value: str, answers: dict[str, bool], grade: Any) -> None:
    assert g(term="hypokalemia", value=f"{value} mmol/L", lln="3.5 mmol/L", **answers) == grade


def test_item8_hypokalemia_names_the_unknown_words() -> None:
    d = grade_document({"term": "hypokalemia", "value": "3.2 mmol/L", "lln": "3.5 mmol/L",
                        "symptomatic": False})
    assert d.details["possible_grades"] == [1, 2]
    assert d.details["missing"] == ["intervention_indicated"]
    # potassium is monovalent: 3.2 mEq/L is exactly 3.2 mmol/L
    assert g(term="hypokalemia", value="2.9 mEq/L", lln="3.5 mEq/L") == 3


# ---- hypomagnesemia (issue 8 item 8) -------------------------------------------------------
quote("Hypomagnesemia", 1, "<LLN - 1.2 mg/dL; <LLN - 0.5 mmol/L")
quote("Hypomagnesemia", 2, "<1.2 - 0.9 mg/dL; <0.5 - 0.4 mmol/L")
quote("Hypomagnesemia", 3, "<0.9 - 0.7 mg/dL; <0.4 - 0.3 mmol/L")
quote("Hypomagnesemia", 4, "<0.7 mg/dL; <0.3 mmol/L; life-threatening consequences")


@pytest.mark.parametrize(("value", "lln", "grade"), [
    ("1.71 mg/dL", "1.7 mg/dL", 0), ("1.7 mg/dL", "1.7 mg/dL", 0),
    ("1.69 mg/dL", "1.7 mg/dL", 1), ("1.21 mg/dL", "1.7 mg/dL", 1),
    ("1.2 mg/dL", "1.7 mg/dL", 1), ("1.19 mg/dL", "1.7 mg/dL", 2),
    ("0.91 mg/dL", "1.7 mg/dL", 2),
    ("0.9 mg/dL", "1.7 mg/dL", 2), ("0.89 mg/dL", "1.7 mg/dL", 3),
    ("0.71 mg/dL", "1.7 mg/dL", 3),
    ("0.7 mg/dL", "1.7 mg/dL", 3), ("0.69 mg/dL", "1.7 mg/dL", 4),
    ("0.66 mmol/L", "0.66 mmol/L", 0), ("0.65 mmol/L", "0.66 mmol/L", 1),
    ("0.5 mmol/L", "0.66 mmol/L", 1), ("0.49 mmol/L", "0.66 mmol/L", 2),
    ("0.4 mmol/L", "0.66 mmol/L", 2), ("0.39 mmol/L", "0.66 mmol/L", 3),
    ("0.3 mmol/L", "0.66 mmol/L", 3), ("0.29 mmol/L", "0.66 mmol/L", 4),
    # magnesium is divalent: 1.0 mEq/L = 0.5 mmol/L (G1), 0.98 mEq/L = 0.49 mmol/L (G2)
    ("1.0 mEq/L", "1.4 mEq/L", 1), ("0.98 mEq/L", "1.4 mEq/L", 2),
])
def test_item8_hypomagnesemia(value: str, lln: str, grade: int) -> None:
    assert g(term="hypomagnesemia", value=value, lln=lln) == grade


# ---- hyponatremia (issue 8 item 8): 125-129 shared by G2 and G3 --------------------------------
quote("Hyponatremia", 1, "<LLN - 130 mmol/L")
quote("Hyponatremia", 2, "125-129 mmol/L and asymptomatic")
quote("Hyponatremia", 3, "125-129 mmol/L symptomatic; 120-124 mmol/L regardless of symptoms")
quote("Hyponatremia", 4, "<120 mmol/L; life-threatening consequences")


# LLN 135; "125-129" read as 125 <= Na < 130 and "120-124" as 120 <= Na < 125
@pytest.mark.parametrize(("value", "symptomatic", "grade"), [
    ("136", None, 0), ("135", None, 0), ("134", None, 1), ("130.1", None, 1), ("130", None, 1),
    ("129.9", False, 2), ("129", False, 2), ("129", True, 3), ("129", None, NE),
    ("125.1", False, 2), ("125", False, 2), ("125", True, 3), ("124.9", None, 3),
    ("124", None, 3), ("120.1", None, 3), ("120", None, 3), ("119.9", None, 4), ("119", None, 4),
])
def test_item8_hyponatremia(value: str, symptomatic: bool | None, grade: Any) -> None:
    doc: dict[str, Any] = {"term": "hyponatremia", "value": f"{value} mmol/L",
                           "lln": "135 mmol/L"}
    if symptomatic is not None:
        doc["symptomatic"] = symptomatic
    assert grade_document(doc).value == grade


# ---- hypoalbuminemia (issue 8 item 8) ------------------------------------------------------
quote("Hypoalbuminemia", 1, "<LLN - 3 g/dL; <LLN - 30 g/L")
quote("Hypoalbuminemia", 2, "<3 - 2 g/dL; <30 - 20 g/L")
quote("Hypoalbuminemia", 3, "<2 g/dL; <20 g/L")


@pytest.mark.parametrize(("value", "lln", "grade"), [
    ("3.6 g/dL", "3.5 g/dL", 0), ("3.5 g/dL", "3.5 g/dL", 0), ("3.4 g/dL", "3.5 g/dL", 1),
    ("3.1 g/dL", "3.5 g/dL", 1), ("3.0 g/dL", "3.5 g/dL", 1), ("2.9 g/dL", "3.5 g/dL", 2),
    ("2.1 g/dL", "3.5 g/dL", 2), ("2.0 g/dL", "3.5 g/dL", 2), ("1.9 g/dL", "3.5 g/dL", 3),
    ("35 g/L", "35 g/L", 0), ("34 g/L", "35 g/L", 1), ("30 g/L", "35 g/L", 1),
    ("29 g/L", "35 g/L", 2), ("20 g/L", "35 g/L", 2), ("19 g/L", "35 g/L", 3),
])
def test_item8_hypoalbuminemia(value: str, lln: str, grade: int) -> None:
    assert g(term="hypoalbuminemia", value=value, lln=lln) == grade


# ---- urine output decreased (issue 8 item 6) ----------------------------------------------
quote("Urine output decreased", 3, "Adult: Oliguria (<80 ml in 8 hr)")
quote("Urine output decreased", 4, "Adult: Anuria (<240 ml in 24 hr)")


@pytest.mark.parametrize(("volume", "hours", "possible"), [
    # an 8-hour window: < 80 mL is G3; 80 mL or more is no grade for the window
    ("79.9 mL", "8 h", [3]), ("80 mL", "8 h", [0]), ("80.1 mL", "8 h", [0]),
    ("0 mL", "8 h", [3]), ("0.079 L", "480 min", [3]),
    # a 24-hour window: < 240 mL is G4; 240 mL or more is not G4, but an 8-hour window in it
    # may have held < 80 mL
    ("239.9 mL", "24 h", [4]), ("240 mL", "24 h", [0, 3]), ("240.1 mL", "24 h", [0, 3]),
    ("1500 mL", "1 d", [0, 3]),
    # between 8 and 24 h: < 80 mL is G3 (every 8-hour window in it holds < 80 mL)
    ("79 mL", "12 h", [3]), ("80 mL", "12 h", [0, 3]), ("100 mL", "12 h", [0, 3]),
    # longer than 24 h: < 240 mL is G4
    ("239 mL", "48 h", [4]), ("240 mL", "48 h", [0, 3, 4]),
    # shorter than 8 h: no 8-hour window inside it
    ("0 mL", "7.9 h", [0, 3, 4]), ("500 mL", "4 h", [0, 3, 4]),
])
def test_item6_urine_output_windows(volume: str, hours: str, possible: list[int]) -> None:
    d = grade_document({"term": "urine_output_decreased", "volume": volume, "hours": hours})
    assert d.details["possible_grades"] == possible
    assert d.value == (possible[0] if len(possible) == 1 else NE)


def test_item6_no_linear_scaling() -> None:
    # 100 mL in 12 h would be 66.7 mL per 8 h if scaled; hdil2 does not scale
    d = grade_document({"term": "urine_output_decreased", "volume": "100 mL", "hours": "12 h"})
    assert d.value == NE
    assert "does not" in d.reasons[1].text or "may hold" in d.reasons[1].text


# ---- fever -----------------------------------------------------------------------------------
quote("Fever", 1, "38.0 - 39.0 degrees C (100.4 - 102.2 degrees F)")
quote("Fever", 2, ">39.0 - 40.0 degrees C (102.3 - 104.0 degrees F)")
quote("Fever", 3, ">40.0 degrees C (>104.0 degrees F) for <=24 hrs")
quote("Fever", 4, ">40.0 degrees C (>104.0 degrees F) for >24 hrs")


@pytest.mark.parametrize(("value", "grade"), cases(
    ("37.9", 0), ("38.0", 1), ("38.1", 1),
    ("38.9", 1), ("39.0", 1), ("39.01", 2), ("39.05", 2),
    ("39.9", 2), ("40.0", 2),
))
def test_fever_celsius(value: str, grade: int) -> None:
    assert g(term="fever", value=f"{value} °C") == grade


@pytest.mark.parametrize(("duration", "grade"), cases(
    ("6 h", 3), ("23.9 h", 3), ("24 h", 3), ("1441 min", 4), ("24.1 h", 4), ("2 d", 4),
))
def test_fever_above_40_by_duration(duration: str, grade: int) -> None:
    assert g(term="fever", value="40.1 °C", duration_above_40c=duration) == grade


@pytest.mark.parametrize(("value", "grade"), cases(
    ("100.3", 0), ("100.4", 1), ("102.2", 1), ("102.3", 2), ("104.0", 2),
))
def test_fever_fahrenheit_exact_conversion(value: str, grade: int) -> None:
    # 100.4 °F = 38.0 °C, 102.2 °F = 39.0 °C, 104.0 °F = 40.0 °C exactly
    assert g(term="fever", value=f"{value} °F") == grade


def test_fever_fahrenheit_above_104() -> None:
    assert g(term="fever", value="104.1 °F", duration_above_40c="2 h") == 3
    assert g(term="fever", value="104.1 °F", duration_above_40c="25 h") == 4


# ---- weight gain (baseline 70 kg): G1 >= 73.5, G2 >= 77, G3 >= 84 ---------------------------
quote("Weight gain", 1, "5 - <10% from baseline")
quote("Weight gain", 2, "10 - <20% from baseline")
quote("Weight gain", 3, ">=20% from baseline")


@pytest.mark.parametrize(("value", "grade"), cases(
    ("70", 0), ("73.49", 0), ("73.5", 1), ("73.51", 1),
    ("76.99", 1), ("77", 2), ("77.01", 2),
    ("83.99", 2), ("84", 3), ("84.01", 3),
    ("65", 0),
))
def test_weight_gain(value: str, grade: int) -> None:
    assert g(term="weight_gain", value=f"{value} kg", baseline="70 kg") == grade


def test_weight_gain_in_pounds() -> None:
    # 10 % of 150 lb is exactly 15 lb
    assert g(term="weight_gain", value="165 lb", baseline="150 lb") == 2
    assert g(term="weight_gain", value="164.99 lb", baseline="150 lb") == 1


# ---- diarrhea (baseline 2 stools per day): G1 increase 1-3, G2 4-6, G3 >= 7 -------------------
quote("Diarrhea", 1, "Increase of <4 stools per day over baseline")
quote("Diarrhea", 2, "Increase of 4 - 6 stools per day over baseline")
quote("Diarrhea", 3, "Increase of >=7 stools per day over baseline")


@pytest.mark.parametrize(("stools", "grade"), cases(
    (1, 0), (2, 0), (3, 1),
    (5, 1), (6, 2), (7, 2),
    (8, 2), (9, 3), (10, 3),
))
def test_diarrhea_stool_increase(stools: int, grade: int) -> None:
    assert g(term="diarrhea", stools_per_day=stools, baseline_stools_per_day=2) == grade


@pytest.mark.parametrize(("ostomy", "grade"), cases(
    ("none", 0), ("mild", 1), ("moderate", 2), ("severe", 3),
))
def test_diarrhea_ostomy_output(ostomy: str, grade: int) -> None:
    assert g(term="diarrhea", ostomy_output_increase=ostomy) == grade


def test_diarrhea_no_grade_3_from_incontinence() -> None:
    # v5.0 grade 3 has no incontinence criterion (the spreadsheet's text, quoted above)
    d = grade_document({"term": "diarrhea", "stools_per_day": 3,
                        "baseline_stools_per_day": 2, "incontinence": True})
    assert d.value == 1
    rules = {r.rule: r for r in d.reasons}
    assert rules["policy.diarrhea_incontinence"].inputs["diarrhea_incontinence"] == "not_graded"
    # a site that keeps an older reading can say so, and the reason shows it
    d = grade_document({"term": "diarrhea", "stools_per_day": 3, "baseline_stools_per_day": 2,
                        "incontinence": True, "policies": {"diarrhea_incontinence": "grade_3"}})
    assert d.value == 3
    assert "site override" in next(r.text for r in d.reasons
                                   if r.rule == "policy.diarrhea_incontinence")


# ---- the quotations above are NCI's ---------------------------------------------------------


def test_item21_quoted_texts_are_the_spreadsheets() -> None:
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is in the dev extra")
    from peer_data import peer_path

    wb = openpyxl.load_workbook(peer_path("ctcae", "CTCAE_v5.0_2017-11-27.xlsx"),
                                read_only=True)

    def norm(s: object) -> str:
        return re.sub(r"\s+", " ", str(s).replace("\xa0", " ")).strip()

    rows = {norm(r[2]): r for r in wb.worksheets[0].iter_rows(values_only=True) if r[2]}
    wb.close()
    assert len(QUOTES) >= 50
    for term, grade, words in QUOTES:
        assert norm(words) in norm(rows[term][2 + grade]), (term, grade, words)
