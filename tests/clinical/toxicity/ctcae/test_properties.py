"""Invariants of CTCAE grading, checked with hypothesis.

* monotone in the value: non-decreasing for "increased" terms, non-increasing for platelets;
* invariant to expressing value and limits in another unit scale (mg/dL vs µmol/L, 10⁹/L vs
  /mm³, kg vs lb, °C vs °F, any common factor for U/L);
* a grade reported with a limit (or a clinical word) missing is the grade every value of it
  gives, and a ``not_evaluable`` lists the true grade among its possible grades
  (docs/decisions.md#ctcae-boundary-forms);
* never raises for valid input, and always returns an allowed grade or ``not_evaluable``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from itertools import combinations
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hdil2.clinical.toxicity.ctcae import NOT_EVALUABLE, TERMS, grade_document

RATIO_TERMS = ["creatinine_increased", "blood_bilirubin_increased", "ast_increased",
               "alt_increased"]
UNIT = {"creatinine_increased": "mg/dL", "blood_bilirubin_increased": "mg/dL",
        "ast_increased": "U/L", "alt_increased": "U/L"}


def dec(lo: str, hi: str, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(lo), max_value=Decimal(hi), places=places,
                       allow_nan=False, allow_infinity=False)


def grade_of(doc: dict[str, Any]) -> Any:
    return grade_document(doc).value


def lab(term: str, value: Decimal, uln: Decimal | None, base: Decimal | None,
        unit: str | None = None, k: Decimal = Decimal(1)) -> dict[str, Any]:
    u = unit or UNIT[term]
    doc: dict[str, Any] = {"term": term, "value": {"value": str(value * k), "unit": u}}
    if uln is not None:
        doc["uln"] = {"value": str(uln * k), "unit": u}
    if base is not None:
        doc["baseline"] = {"value": str(base * k), "unit": u}
    return doc


# ---- monotone in the value -------------------------------------------------------------------


@given(st.sampled_from(RATIO_TERMS), dec("0", "200"), dec("0", "200"), dec("0.1", "50"),
       dec("0.1", "50"))
def test_increased_terms_are_monotone(term: str, a: Decimal, b: Decimal, uln: Decimal,
                                      base: Decimal) -> None:
    lo, hi = sorted((a, b))
    assert grade_of(lab(term, lo, uln, base)) <= grade_of(lab(term, hi, uln, base))


@given(dec("0", "400", 1), dec("0", "400", 1), dec("1", "300", 1))
def test_platelets_are_monotone_decreasing(a: Decimal, b: Decimal, lln: Decimal) -> None:
    lo, hi = sorted((a, b))

    def gp(v: Decimal) -> Any:
        return grade_of({"term": "platelet_count_decreased", "value": f"{v} 10^9/L",
                         "lln": f"{lln} 10^9/L"})

    assert gp(lo) >= gp(hi)


@given(dec("25", "300"), dec("25", "300"), dec("25", "300"))
def test_weight_gain_is_monotone(a: Decimal, b: Decimal, base: Decimal) -> None:
    lo, hi = sorted((a, b))

    def gw(v: Decimal) -> Any:
        return grade_of({"term": "weight_gain", "value": f"{v} kg", "baseline": f"{base} kg"})

    assert gw(lo) <= gw(hi)


@given(dec("25", "45"), dec("25", "45"), dec("0", "72", 1))
def test_fever_is_monotone(a: Decimal, b: Decimal, hours: Decimal) -> None:
    lo, hi = sorted((a, b))

    def gf(v: Decimal) -> Any:
        return grade_of({"term": "fever", "value": f"{v} °C",
                         "duration_above_40c": f"{hours} h"})

    assert gf(lo) <= gf(hi)


@given(st.integers(0, 100), st.integers(0, 100), st.integers(0, 100))
def test_diarrhea_is_monotone_in_stools(a: int, b: int, base: int) -> None:
    lo, hi = sorted((a, b))

    def gd(v: int) -> Any:
        return grade_of({"term": "diarrhea", "stools_per_day": v,
                         "baseline_stools_per_day": base})

    assert gd(lo) <= gd(hi)


# ---- invariant to the unit scale -------------------------------------------------------------


@given(st.sampled_from([("creatinine_increased", "88.42"), ("blood_bilirubin_increased",
                                                             "17.1")]),
       dec("0", "30"), st.none() | dec("0.1", "5"), st.none() | dec("0.1", "5"))
def test_mg_per_dl_and_micromol_per_litre_agree(case: tuple[str, str], value: Decimal,
                                                uln: Decimal | None,
                                                base: Decimal | None) -> None:
    term, factor = case
    mg = lab(term, value, uln, base)
    umol = lab(term, value, uln, base, unit="µmol/L", k=Decimal(factor))
    assert grade_document(mg).details["possible_grades"] == \
        grade_document(umol).details["possible_grades"]


@given(st.sampled_from(["ast_increased", "alt_increased"]), dec("0", "2000"),
       dec("1", "100"), dec("1", "100"), st.sampled_from(["0.01", "0.5", "3", "60", "1000"]))
def test_aminotransferases_invariant_to_a_common_scale(term: str, value: Decimal, uln: Decimal,
                                                       base: Decimal, k: str) -> None:
    assert grade_of(lab(term, value, uln, base)) == \
        grade_of(lab(term, value, uln, base, k=Decimal(k)))


@given(dec("0", "400", 3), st.none() | dec("1", "400", 3))
def test_platelets_per_litre_and_per_cubic_millimetre_agree(value: Decimal,
                                                            lln: Decimal | None) -> None:
    a: dict[str, Any] = {"term": "platelet_count_decreased", "value": f"{value} 10^9/L"}
    b: dict[str, Any] = {"term": "platelet_count_decreased", "value": f"{value * 1000} /mm3"}
    if lln is not None:
        a["lln"] = f"{lln} 10^9/L"
        b["lln"] = f"{lln * 1000} /mm3"
    assert grade_document(a).details["possible_grades"] == \
        grade_document(b).details["possible_grades"]


@given(dec("56", "660"), dec("56", "660"))
def test_pounds_and_kilograms_agree(value_lb: Decimal, base_lb: Decimal) -> None:
    kg = Decimal("0.45359237")  # exact by definition
    a = {"term": "weight_gain", "value": f"{value_lb} lb", "baseline": f"{base_lb} lb"}
    b = {"term": "weight_gain", "value": f"{value_lb * kg} kg", "baseline": f"{base_lb * kg} kg"}
    if not (25 <= value_lb * kg <= 300 and 25 <= base_lb * kg <= 300):
        return  # outside the plausible weight range both are refused
    assert grade_of(a) == grade_of(b)


@given(dec("25", "45"), st.none() | dec("0", "72", 1))
def test_celsius_and_fahrenheit_agree(celsius: Decimal, hours: Decimal | None) -> None:
    f = celsius * Decimal("1.8") + 32  # exact for decimals
    a: dict[str, Any] = {"term": "fever", "value": f"{celsius} °C"}
    b: dict[str, Any] = {"term": "fever", "value": f"{f} °F"}
    if hours is not None:
        a["duration_above_40c"] = b["duration_above_40c"] = f"{hours} h"
    assert grade_document(a).details["possible_grades"] == \
        grade_document(b).details["possible_grades"]


# ---- a missing limit: reported grades are the true ones --------------------------------------


@settings(max_examples=300)
@given(st.sampled_from(RATIO_TERMS), dec("0", "100"), dec("0.1", "30"), dec("0.1", "30"))
def test_missing_limit_grades_are_sound(term: str, value: Decimal, uln: Decimal,
                                        base: Decimal) -> None:
    full = grade_of(lab(term, value, uln, base))
    limits = {"uln": uln, "baseline": base}
    for n in (1, 2):
        for dropped in combinations(limits, n):
            kept = {k: (None if k in dropped else v) for k, v in limits.items()}
            partial = grade_document(lab(term, value, kept["uln"], kept["baseline"]))
            assert full in partial.details["possible_grades"]
            if partial.value != NOT_EVALUABLE:
                assert partial.value == full
            assert partial.details["missing"] == [k for k in limits if k in dropped]


@given(dec("0", "400", 1), dec("1", "400", 1))
def test_missing_lln_grades_are_sound(value: Decimal, lln: Decimal) -> None:
    full = grade_of({"term": "platelet_count_decreased", "value": f"{value} 10^9/L",
                     "lln": f"{lln} 10^9/L"})
    partial = grade_document({"term": "platelet_count_decreased", "value": f"{value} 10^9/L"})
    assert full in partial.details["possible_grades"]
    if partial.value != NOT_EVALUABLE:
        assert partial.value == full


@given(st.integers(0, 100), st.integers(0, 100))
def test_missing_stool_baseline_grades_are_sound(stools: int, base: int) -> None:
    full = grade_of({"term": "diarrhea", "stools_per_day": stools,
                     "baseline_stools_per_day": base})
    partial = grade_document({"term": "diarrhea", "stools_per_day": stools})
    assert full in partial.details["possible_grades"]


# ---- never raises for valid input ------------------------------------------------------------

_QTY_UNITS = {"creatinine_increased": ["mg/dL", "µmol/L"],
              "blood_bilirubin_increased": ["mg/dL", "µmol/L"],
              "ast_increased": ["U/L"], "alt_increased": ["U/L"],
              "alkaline_phosphatase_increased": ["U/L"], "ggt_increased": ["U/L"]}
# decreased terms: units, and a plausible range of values and LLNs in that unit
_LOW_UNITS: dict[str, list[tuple[str, str, str]]] = {
    "platelet_count_decreased": [("10^9/L", "0", "2000")],
    "neutrophil_count_decreased": [("10^9/L", "0", "30"), ("/mm3", "0", "30000")],
    "lymphocyte_count_decreased": [("10^9/L", "0", "30")],
    "anemia": [("g/dL", "0", "25"), ("g/L", "0", "250"), ("mmol/L", "0", "15")],
    "hypocalcemia": [("mg/dL", "0", "20"), ("mmol/L", "0", "5")],
    "hypokalemia": [("mmol/L", "0", "10"), ("mEq/L", "0", "10")],
    "hypomagnesemia": [("mg/dL", "0", "5"), ("mmol/L", "0", "3"), ("mEq/L", "0", "5")],
    "hyponatremia": [("mmol/L", "90", "180")],
    "hypoalbuminemia": [("g/dL", "0", "7"), ("g/L", "0", "70")],
}
_CLINICAL_GRADES = {"anemia": [3, 4, 5], "hypocalcemia": [2, 3, 4, 5], "hypokalemia": [3, 4, 5],
                    "hypomagnesemia": [4, 5], "hyponatremia": [4, 5],
                    "hypoalbuminemia": [4, 5]}
_WORDS = {"hypokalemia": ["symptomatic", "intervention_indicated"],
          "hyponatremia": ["symptomatic"]}


def _maybe_bool(draw: st.DrawFn) -> bool | None:
    return draw(st.none() | st.booleans())


@st.composite
def valid_requests(draw: st.DrawFn) -> dict[str, Any]:
    key = draw(st.sampled_from(sorted(TERMS)))
    t = TERMS[key]
    doc: dict[str, Any] = {"term": draw(st.sampled_from([key, t.name, key.upper()]))}
    if t.method == "clinician":
        doc["grade"] = draw(st.sampled_from(t.allowed_grades))
    elif key in _QTY_UNITS:
        unit = draw(st.sampled_from(_QTY_UNITS[key]))
        doc["value"] = f"{draw(dec('0', '10000'))} {unit}"
        for limit in ("uln", "baseline"):
            if draw(st.booleans()):
                doc[limit] = {"value": draw(dec("0.01", "1000")), "unit": unit}
    elif key in _LOW_UNITS:
        unit, lo, hi = draw(st.sampled_from(_LOW_UNITS[key]))
        doc["value"] = f"{draw(dec(lo, hi))} {unit}"
        if draw(st.booleans()):
            doc["lln"] = f"{draw(dec(max(lo, '0.01'), hi))} {unit}"
        if key == "hypocalcemia":
            doc["calcium"] = "ionized" if unit == "mmol/L" and draw(st.booleans()) \
                else "corrected"
        for word in _WORDS.get(key, []):
            if (b := _maybe_bool(draw)) is not None:
                doc[word] = b
        if key in _CLINICAL_GRADES and draw(st.booleans()):
            doc["clinical_grade"] = draw(st.sampled_from(_CLINICAL_GRADES[key]))
    elif key == "urine_output_decreased":
        doc["volume"] = f"{draw(dec('0', '5000', 1))} mL"
        doc["hours"] = f"{draw(dec('0.1', '168', 1))} h"
    elif key == "hypotension":
        for word in ("symptomatic", "vasopressors", "hospitalization_indicated",
                     "life_threatening"):
            if (b := _maybe_bool(draw)) is not None:
                doc[word] = b
        doc["intervention"] = draw(st.sampled_from(["medical", "urgent"])) \
            if doc.get("vasopressors") else draw(st.none() | st.sampled_from(
                ["none", "non_urgent", "medical", "urgent"]))
        if doc["intervention"] is None:
            del doc["intervention"]
        if len(doc) == 1 or draw(st.booleans()):
            doc["grade"] = 5  # always consistent with the descriptors
    elif key == "weight_gain":
        doc["value"] = f"{draw(dec('25', '300'))} kg"
        if draw(st.booleans()):
            doc["baseline"] = f"{draw(dec('25', '300'))} kg"
    elif key == "fever":
        unit = draw(st.sampled_from(["°C", "°F"]))
        lo, hi = ("25", "45") if unit == "°C" else ("77", "113")
        doc["value"] = f"{draw(dec(lo, hi, 1))} {unit}"
        if draw(st.booleans()):
            doc["duration_above_40c"] = f"{draw(dec('0', '500', 1))} h"
        if draw(st.booleans()):
            doc["clinical_grade"] = 5
    else:  # diarrhea
        assert key == "diarrhea", key
        for field in ("stools_per_day", "baseline_stools_per_day"):
            if draw(st.booleans()):
                doc[field] = draw(st.integers(0, 100))
        if draw(st.booleans()):
            doc["ostomy_output_increase"] = draw(st.sampled_from(
                ["none", "mild", "moderate", "severe"]))
        if draw(st.booleans()):
            doc["clinical_grade"] = draw(st.sampled_from([2, 3, 4, 5]))
        if draw(st.booleans()):
            doc["incontinence"] = draw(st.booleans())
        if draw(st.booleans()):
            doc["policies"] = {"diarrhea_incontinence": draw(st.sampled_from(
                ["not_graded", "grade_3"]))}
    return doc


@settings(max_examples=400)
@given(valid_requests())
def test_valid_requests_never_raise(doc: dict[str, Any]) -> None:
    d = grade_document(doc)
    t = TERMS[d.details["term"]]
    assert d.value == NOT_EVALUABLE or d.value in t.allowed_grades
    assert set(d.details["possible_grades"]) <= set(t.allowed_grades)
    assert (d.value == NOT_EVALUABLE) == (len(d.details["possible_grades"]) > 1)
    assert d.reasons
    assert all(r.source == "ctcae5" or r.rule.startswith("policy.")
               or r.rule == "ctcae5.hypotension.vasopressors" for r in d.reasons)
    json.dumps(d.to_dict(), ensure_ascii=False)


# ---- the laboratory terms of issue 8 item 8 -----------------------------------------------------

_DECREASED = sorted(_LOW_UNITS)


def _low_doc(key: str, unit: str, value: Decimal, lln: Decimal | None,
             words: dict[str, bool | None]) -> dict[str, Any]:
    doc: dict[str, Any] = {"term": key, "value": f"{value} {unit}"}
    if lln is not None:
        doc["lln"] = f"{lln} {unit}"
    if key == "hypocalcemia":
        doc["calcium"] = "corrected"
    doc.update({k: v for k, v in words.items() if v is not None})
    return doc


@st.composite
def low_case(draw: st.DrawFn) -> tuple[str, str, Decimal, Decimal, Decimal, dict[str, bool]]:
    key = draw(st.sampled_from(_DECREASED))
    unit, lo, hi = draw(st.sampled_from(_LOW_UNITS[key]))
    a, b = draw(dec(lo, hi)), draw(dec(lo, hi))
    lln = draw(dec(max(lo, "0.01"), hi))
    words = {w: draw(st.booleans()) for w in _WORDS.get(key, [])}
    return key, unit, min(a, b), max(a, b), lln, words


@settings(max_examples=300)
@given(low_case())
def test_item8_decreased_terms_are_monotone(case: tuple[Any, ...]) -> None:
    key, unit, lo, hi, lln, words = case
    assert grade_of(_low_doc(key, unit, lo, lln, words)) >= \
        grade_of(_low_doc(key, unit, hi, lln, words))


@settings(max_examples=300)
@given(low_case())
def test_item8_missing_lln_or_clinical_words_are_sound(case: tuple[Any, ...]) -> None:
    key, unit, value, _, lln, words = case
    full = grade_of(_low_doc(key, unit, value, lln, words))
    partials = [_low_doc(key, unit, value, None, words)]
    partials += [_low_doc(key, unit, value, lln, {**words, w: None}) for w in words]
    partials += [_low_doc(key, unit, value, None, dict.fromkeys(words))]
    for doc in partials:
        d = grade_document(doc)
        assert full in d.details["possible_grades"]
        if d.value != NOT_EVALUABLE:
            assert d.value == full


def _urine_oracle(hourly: list[int]) -> int:
    """The grade from hour-by-hour volumes: any 24 h < 240 mL is G4, any 8 h < 80 mL G3."""
    def windows(n: int) -> list[int]:
        return [sum(hourly[i:i + n]) for i in range(len(hourly) - n + 1)]
    if any(v < 240 for v in windows(24)):
        return 4
    if any(v < 80 for v in windows(8)):
        return 3
    return 0


@settings(max_examples=300)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=60))
def test_item6_urine_window_grades_are_sound(hourly: list[int]) -> None:
    # any hour-by-hour course of urine output is one way the total could have been passed:
    # its grade must be among those hdil2 reports for the total, and equal it when evaluable
    d = grade_document({"term": "urine_output_decreased", "volume": f"{sum(hourly)} mL",
                        "hours": f"{len(hourly)} h"})
    truth = _urine_oracle(hourly)
    assert truth in d.details["possible_grades"]
    if d.value != NOT_EVALUABLE:
        assert d.value == truth


@given(dec("0", "3000", 1), dec("0", "3000", 1), st.sampled_from(["8", "12", "24", "36"]))
def test_item6_urine_output_monotone_in_volume(a: Decimal, b: Decimal, hours: str) -> None:
    lo, hi = sorted((a, b))

    def grades(v: Decimal) -> list[int]:
        return list(grade_document({"term": "urine_output_decreased", "volume": f"{v} mL",
                                    "hours": f"{hours} h"}).details["possible_grades"])

    assert max(grades(lo)) >= max(grades(hi))
    assert min(grades(lo)) >= min(grades(hi))


_INTERVENTIONS = ["none", "non_urgent", "medical", "urgent"]


@given(st.booleans(), st.sampled_from(_INTERVENTIONS), st.booleans(), st.booleans(),
       st.booleans(), st.data())
def test_item8_hypotension_descriptors_sound_when_some_are_missing(
        symptomatic: bool, intervention: str, vasopressors: bool, hospitalization: bool,
        life_threatening: bool, data: st.DataObject) -> None:
    if vasopressors and intervention in ("none", "non_urgent"):
        vasopressors = False
    full_doc = {"term": "hypotension", "symptomatic": symptomatic,
                "intervention": intervention, "vasopressors": vasopressors,
                "hospitalization_indicated": hospitalization,
                "life_threatening": life_threatening}
    full = grade_document(full_doc)
    drop = data.draw(st.sets(st.sampled_from(list(full_doc)[1:]), min_size=1, max_size=4))
    partial = grade_document({k: v for k, v in full_doc.items() if k not in drop})
    assert set(full.details["possible_grades"]) <= set(partial.details["possible_grades"])
    if partial.value != NOT_EVALUABLE:
        assert partial.value == full.value
    assert set(partial.details["missing"]) <= drop | {"grade"}
    # the clinician's grade is accepted exactly when the descriptors allow it
    for g in range(5):
        doc = {**full_doc, "grade": g}
        if g in full.details["possible_grades"]:
            assert grade_document(doc).value == g
