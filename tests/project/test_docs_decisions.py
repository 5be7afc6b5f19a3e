"""The worked examples of docs/decisions.md, run through the command line (issue 8 item 21).

Each test names the section of the page whose example it runs; the expected values are the
page's, worked by hand from the sources (the label, CTCAE v5.0, the papers' definitions).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from hdil2.cli.invoke import invoke

ROOT = Path(__file__).resolve().parents[2]
PATIENT = json.loads((ROOT / "src" / "hdil2" / "clinical" / "selection" / "data"
                      / "demo_patient.json")
                     .read_text(encoding="utf-8"))


def _ok(args: list[str], stdin: str = "") -> Any:
    code, out, err = invoke([*args, "--json"], stdin)
    assert code == 0, err
    return json.loads(out)


def _refused(args: list[str]) -> dict[str, str]:
    code, out, err = invoke([*args, "--json"])
    assert code == 2, out
    error: dict[str, str] = json.loads(err)["errors"][0]
    return error


def _screen(**changes: Any) -> dict[str, Any]:
    patient = copy.deepcopy(PATIENT)
    for key, value in changes.items():
        target = patient
        *path, last = key.split(".")
        for part in path:
            target = target[part]
        target[last] = value
    doc: dict[str, Any] = _ok(["screen", "-"], json.dumps(patient))
    return doc


def _factor(doc: dict[str, Any], model: str, key: str) -> str:
    m = next(m for m in doc["models"] if m["model"] == model)
    return str(next(f["status"] for f in m["factors"] if f["key"] == key))


def _group(doc: dict[str, Any], model: str) -> str:
    return str(next(m["group"] for m in doc["models"] if m["model"] == model))


# ---- patient selection ------------------------------------------------------------------

def test_calcium_unit_2_50_mmol_per_l_counts_for_mskcc() -> None:
    """2.50 mmol/L × 4.008 = 10.02 mg/dL > 10.0 (albumin 4.0 g/dL: no correction)."""
    doc = _screen(**{"labs.calcium": {"value": "2.50 mmol/L", "lln": "2.15 mmol/L",
                                      "uln": "2.55 mmol/L", "date": "2024-05-27"},
                     "labs.albumin": {"value": "4.0 g/dL", "lln": "3.5 g/dL",
                                      "uln": "5.0 g/dL", "date": "2024-05-27"}})
    assert doc["corrected_calcium"]["value_mg_dl"] == 10.02
    assert _factor(doc, "mskcc2002", "corrected_calcium_above_10") == "present"
    assert _factor(doc, "imdc", "corrected_calcium_above_uln") == "absent"  # 2.50 < 2.55


def test_corrected_calcium_formula_default() -> None:
    """9.4 + 0.8 × (4.0 − 3.9) = 9.48 mg/dL, and the output names the formula."""
    doc = _screen()
    assert doc["corrected_calcium"]["value_mg_dl"] == 9.48
    assert doc["corrected_calcium"]["formula"] == "payne"


@pytest.mark.parametrize(("alveolar", "granular", "group"),
                         [(70, 10, "intermediate"), (0, 0, "poor"), (80, 0, "good")])
def test_upton_classifier(alveolar: int, granular: int, group: str) -> None:
    doc = _screen(**{"pathology.alveolar_pct": alveolar, "pathology.granular_pct": granular})
    assert _group(doc, "upton2005") == group


@pytest.mark.parametrize(("diagnosis", "day1", "status"), [
    ("2023-06-03", "2024-06-03", "absent"),  # exactly one year
    ("2023-06-04", "2024-06-03", "present"),  # one day less
    ("2020-02-29", "2021-02-28", "absent"),  # 29 February + 1 year = 28 February
    ("2020-02-29", "2021-02-27", "present"),
])
def test_one_year_arithmetic(diagnosis: str, day1: str, status: str) -> None:
    doc = _screen(diagnosis_date=diagnosis, planned_day1=day1,
                  metastasis_date=diagnosis, nephrectomy_date=diagnosis)
    assert _factor(doc, "mskcc2002", "diagnosis_to_therapy_below_1y") == status


# ---- toxicity grading ---------------------------------------------------------------------

def _grade(*args: str) -> int:
    return int(_ok(["grade", *args])["value"])


def test_creatinine_baseline_clause_within_normal_limits() -> None:
    assert _grade("--term", "creatinine_increased", "--value", "1.0 mg/dL", "--uln", "1.2 mg/dL",
                  "--baseline", "0.6 mg/dL") == 2


def test_ctcae_boundary_forms_bare_range_inclusive() -> None:
    common = ["--term", "ast_increased", "--uln", "35 U/L", "--baseline", "40 U/L"]
    assert _grade(*common, "--value", "60 U/L") == 1
    assert _grade(*common, "--value", "59 U/L") == 0


def test_ctcae_boundary_forms_missing_baseline_cannot_change_grade_4() -> None:
    assert _grade("--term", "creatinine_increased", "--value", "8 mg/dL",
                  "--uln", "1.2 mg/dL") == 4


def test_ctcae_terms_checked() -> None:
    """v5.0: urine output decreased is graded from volume; capillary leak has a grade 1."""
    assert _grade("--term", "urine_output_decreased", "--volume", "70 mL", "--hours", "8 h") == 3
    assert _grade("--term", "capillary_leak_syndrome", "--grade", "1") == 1


# ---- the dose calendar ----------------------------------------------------------------------

def test_calendar_cycle_ends_at_16_00_on_day_5() -> None:
    doc = _ok(["calendar", "--regimen", "hd-il2-600k", "--start", "2026-04-06T08:00",
               "--tz", "Europe/Paris"])
    assert doc["slots"][13]["local"] == "2026-04-10T16:00:00+02:00"
    assert doc["slots"][14]["local"] == "2026-04-20T08:00:00+02:00"


def test_dst_edge_slots_explicit_offset_is_the_instant() -> None:
    """2025-11-02T01:30-05:00 in New York is the second 01:30, 06:30 UTC."""
    doc = _ok(["calendar", "--regimen", "hd-il2-600k", "--start", "2025-11-02T01:30-05:00",
               "--tz", "America/New_York"])
    assert doc["first_dose"] == "2025-11-02T01:30:00-05:00"


def test_iana_zones_only() -> None:
    error = _refused(["calendar", "--regimen", "hd-il2-600k", "--start", "2026-03-05T08:00",
                      "--tz", "EST"])
    assert "America/New_York" in error["message"]


def test_start_needs_time() -> None:
    error = _refused(["calendar", "--regimen", "hd-il2-600k", "--start", "2026-03-05",
                      "--tz", "America/New_York"])
    assert error["field"] in ("first_dose", "--start")


# ---- dose and preparation -------------------------------------------------------------------

@pytest.mark.parametrize(("weight", "policy", "vials"), [
    ("70 kg", "reconstituted", 2), ("73 kg", "reconstituted", 3), ("73 kg", "nominal", 2)])
def test_vial_drawable_amount(weight: str, policy: str, vials: int) -> None:
    doc = _ok(["dose", "--regimen", "hd-il2-600k", "--weight", weight,
               "--policy", f"vial_drawable={policy}"])
    assert doc["components"][0]["preparation"]["vials"] == vials


def test_dosing_weight_lesser() -> None:
    """165 cm man: Devine ideal weight 50 + 2.3 × (165 / 2.54 − 60) = 61.4 kg > 50 kg actual."""
    doc = _ok(["dose", "--regimen", "hd-il2-600k", "--weight", "50 kg", "--height", "165 cm",
               "--sex", "male", "--policy", "weight_basis=ideal"])
    assert float(doc["weight_kg"]) == 50
    assert doc["components"][0]["dose_iu"] == 30_000_000


def test_adjuvant_units_bare_u_refused() -> None:
    error = _refused(["dose", "--regimen", "hd-il2-600k", "--weight", "70 U"])
    assert error["field"] == "weight"


# ---- holds ----------------------------------------------------------------------------------

def _next_dose(given: int, held: list[int], spo2: int) -> str:
    from hdil2.cli.demo import _observations

    doses = [{"slot": i, "status": "given"} for i in range(1, given + 1)]
    doses += [{"slot": s, "status": "held", "hold_rules": ["label.spo2_below_90"]} for s in held]
    doses.sort(key=lambda d: int(str(d["slot"])))
    request = {"regimen": "hd-il2-600k", "first_dose": "2024-06-03T08:00",
               "tz": "America/New_York", "doses": doses,
               "observations": _observations(spo2=spo2)}
    return str(_ok(["next-dose", "-"], json.dumps(request))["value"])


def test_resume_bands_exactly_90_stays_held() -> None:
    assert _next_dose(6, [7], 90) == "hold"
    assert _next_dose(6, [7], 91) == "give"


def test_holds_across_rest() -> None:
    """Dose 14 held for SpO2 < 90 %; at cycle 2's first dose SpO2 is exactly 90 %."""
    assert _next_dose(13, [14], 90) == "hold"
