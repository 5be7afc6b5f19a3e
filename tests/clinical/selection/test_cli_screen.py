"""``hdil2 screen`` end to end: table, JSON valid against its schema, errors naming fields."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hdil2.cli.invoke import invoke
from peer_data import ROOT

from .conftest import demo_dict, patched

DEMO = ROOT / "src/hdil2/clinical/selection/data/demo_patient.json"


run = invoke


def schema(name: str) -> dict[str, Any]:
    code, out, err = run(["schema", name])
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def output_schema(name: str) -> dict[str, Any]:
    code, out, err = run(["schema", name, "--output"])
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def test_schemas_are_registered() -> None:
    code, out, _ = run(["schema", "--json"])
    assert code == 0
    assert {"patient", "screen"} <= set(json.loads(out))


# The demo patient, computed by hand from its record: corrected calcium (Payne, 0.8 form)
# 9.4 + 0.8 × (4.0 − 3.9) = 9.48 mg/dL.  MSKCC 2002 (motzer2002): KPS 90, LDH 210 ≤ 1.5 × 250,
# Hb 14.1 ≥ 13.5, Ca 9.48 ≤ 10.0 absent; diagnosis 2023-09-18 to day 1 2024-06-03 < 1 year
# present: 1 factor, intermediate, median OS 14 months.  MSKCC 1999: nephrectomy done, 0:
# favourable.  IMDC (heng2009): < 1 year present; Ca 9.48 ≤ ULN 10.2, ANC 4.1 ≤ 7.5,
# platelets 310 ≤ 400 absent: 1, intermediate.  Upton (upton2005): clear cell, no papillary,
# granular 0 %, alveolar 80 %: good.  CA-IX 92 % > 85 %: high.  Two-compartment: Upton good:
# favourable.  Negrier 2005: interval 0 days < 1 year only (lung only, ANC ≤ ULN): 1,
# not high risk.
DEMO_EXPECTED = {
    "mskcc2002": ("intermediate", 1), "mskcc1999": ("favourable", 0),
    "imdc": ("intermediate", 1), "ucla_sani": ("not_scored", None),
    "upton2005": ("good", None), "caix": ("high", None),
    "two_compartment": ("favourable", None), "favourable_histology": ("favourable", None),
    "negrier_rapid_progression": ("not_high_risk", 1),
}


def test_item21_screen_demo_json_gives_the_hand_computed_groups() -> None:
    code, out, err = run(["screen", str(DEMO), "--json"])
    assert code == 0, err
    doc = json.loads(out)
    jsonschema.validate(doc, output_schema("screen"))
    assert doc["eligibility"]["verdict"] == "eligible"
    assert doc["patient_id"] == "DEMO-0001"
    assert {m["model"]: (m["group"], (m["score"] or {}).get("min")) for m in doc["models"]} == (
        DEMO_EXPECTED)
    assert doc["corrected_calcium"]["value_mg_dl"] == 9.48
    mskcc = next(m for m in doc["models"] if m["model"] == "mskcc2002")
    assert mskcc["outcome"]["figures"]["median_os_months"] == 14
    present = [f["key"] for f in mskcc["factors"] if f["status"] == "present"]
    assert present == ["diagnosis_to_therapy_below_1y"]
    upton = next(m for m in doc["models"] if m["model"] == "upton2005")
    assert (upton["outcome"]["figures"]["responders"], upton["outcome"]["figures"]["n"]) == (
        14, 36)


def test_demo_patient_validates_against_patient_schema() -> None:
    jsonschema.validate(json.loads(DEMO.read_text(encoding="utf-8")), schema("patient"))


def test_item21_screen_summary_shows_the_hand_computed_groups() -> None:
    code, out, err = run(["screen", str(DEMO)])
    assert code == 0, err
    assert out.startswith("Patient DEMO-0001: eligible under profile label_minimum")
    for model, (group, score) in DEMO_EXPECTED.items():
        row = rf"^ *{model} +{'' if score is None else score} *{group} *$"
        assert re.search(row, out, re.M), model
    assert "corrected calcium 9.48 mg/dL (payne)" in out
    assert "Eligibility checklist" not in out  # details only with --verbose


def test_screen_summary_lists_every_failed_or_unknown_criterion() -> None:
    doc = patched({"ecog": 2, "pulmonary_function_test": None})
    code, out, err = run(["screen", "-", "--profile", "atkins1993"], json.dumps(doc))
    assert code == 0, err
    assert "ineligible" in out.splitlines()[0]
    assert re.search(r"^  E2 not_met: ECOG 2 is > 1$", out, re.M)
    assert re.search(r"^  E10 unknown: missing pulmonary_function_test$", out, re.M)
    assert not re.search(r"^  E1 ", out, re.M)  # met criteria are not listed


def test_screen_verbose_prints_the_checklist_and_every_model() -> None:
    code, out, err = run(["screen", str(DEMO), "--verbose"])
    assert code == 0, err
    for text in ("Eligibility checklist", "MSKCC 2002", "IMDC", "Upton", "Two-compartment",
                 "points unverified", "Policies in force", "E14", "MRI of 2024-05-20",
                 "corrected calcium: 9.48 mg/dL (payne)"):
        assert text in out, text


def _tokens(text: str) -> Counter[str]:
    """Every number and date in ``text`` (a number cut by a line break becomes two tokens)."""
    return Counter(t.rstrip(".,:/-") for t in re.findall(r"[+-]?\d[\d.,:^/-]*", text))


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("verbose", [False, True])
@pytest.mark.parametrize("changes", [{}, {"ecog": 2, "labs.ldh": None, "caix_pct": None}])
def test_item19_screen_fits_the_terminal_and_never_cuts_a_number(
        width: int, verbose: bool, changes: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["screen", "-", "--profile", "atkins1993"] + (["--verbose"] if verbose else [])
    doc = json.dumps(patched(changes))
    monkeypatch.setenv("COLUMNS", "250")
    code, wide, err = run(args, doc)
    assert code == 0, err
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = run(args, doc)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= width
    assert _tokens(out) == _tokens(wide)


def test_stdin_profile_and_policy() -> None:
    code, out, err = run(["screen", "-", "--json", "--profile", "atkins1993", "--policy",
                          "calcium_correction=mskcc_0707"], DEMO.read_text(encoding="utf-8"))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["eligibility"]["profile"] == "atkins1993"
    assert doc["policies"]["calcium_correction"] == "mskcc_0707"
    assert doc["corrected_calcium"]["formula"] == "mskcc_0707"


def test_site_settings_make_a_stale_test_unknown() -> None:
    code, out, err = run(["screen", str(DEMO), "--json", "--stress-test-valid-days", "10"])
    assert code == 0, err
    elig = json.loads(out)["eligibility"]
    assert elig["verdict"] == "incomplete"
    assert elig["missing"] == ["cardiac_stress_test.date"]


@pytest.mark.parametrize(("args", "doc", "field"), [
    (["--profile", "nope"], None, "profile"),
    (["--policy", "calcium_correction=orrell"], None, "policy.calcium_correction"),
    (["--policy", "nonsense"], None, "--policy"),
    ([], {"weight": "700 kg"}, "weight"),
    ([], {"weight": 70}, "weight"),
    ([], {"labs.ldh.value": "1 mg/dL"}, "labs.ldh"),
    ([], {"ecog": 7}, "ecog"),
])
def test_errors_name_the_field(args: list[str], doc: dict[str, Any] | None,
                               field: str) -> None:
    text = json.dumps(patched(doc or {}))
    code, out, err = run(["screen", "-", "--json", *args], text)
    assert code == 2, err
    assert out == ""
    assert json.loads(err)["errors"][0]["field"] == field


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    code, _, err = run(["screen", str(tmp_path / "none.json")])
    assert code == 2
    assert "file not found" in err


# --- fuzz: random or perturbed patient documents answer 0 or 2, never 70 ----------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
    st.sampled_from(["70 kg", "0 U/L", "1e400 U/L", "2.5 mmol/L", "-1 g/dL", "2024-02-29",
                     "1900-01-01", "M1", "N3", "T3b", "rcc", "melanoma", "clear_cell",
                     "lung", "liver", "normal", "abnormal", "R0", "0 10^9/L"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8)
PATHS = ["weight", "ecog", "karnofsky", "diagnosis", "diagnosis.histology", "staging.t",
         "staging.n", "staging.m", "staging.tnm_edition", "labs.ldh", "labs.ldh.uln",
         "labs.ldh.value", "labs.calcium.value", "labs.calcium.uln", "labs.albumin.value",
         "labs.neutrophils.uln", "labs.hemoglobin.lln", "labs.platelets", "metastatic_sites",
         "pathology.alveolar_pct", "pathology.granular_pct", "pathology", "caix_pct",
         "diagnosis_date", "planned_day1", "metastasis_date", "nephrectomy_date",
         "prior_il2_courses", "pregnancy", "resection", "comorbidities", "brain_imaging",
         "cardiac_stress_test", "last_other_therapy_end_date", "birth_date"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(PATHS), values, max_size=3),
       profile=st.sampled_from(["label_minimum", "atkins1993", "clark2003_adjuvant",
                                "shablak2011", "lee2000_nci"]))
def test_perturbed_patients_never_crash(changes: dict[str, Any], profile: str) -> None:
    base = demo_dict()
    try:
        text = json.dumps(patched(changes, base))
    except (AttributeError, TypeError):
        return  # a scalar where the path needs an object: not a document
    code, _, err = run(["screen", "-", "--json", "--profile", profile], text)
    assert code in (0, 2), err
    if code == 2:
        assert json.loads(err)["errors"][0]["field"]
