"""The patient record: the demo validates; implausible or contradictory input is refused."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from hdil2.cli.schema import json_schema
from hdil2.clinical.selection.patient import Patient, metastatic_organ_count

from .conftest import DELETE, Make, demo_dict, patched


def _loc(exc: ValidationError) -> list[str]:
    return [".".join(str(p) for p in e["loc"]) for e in exc.errors()]


def test_demo_patient_validates_and_keeps_units(demo: Patient) -> None:
    assert demo.id == "DEMO-0001"
    assert str(demo.weight) == "70 kg"
    assert str(demo.height) == "175 cm"
    assert demo.diagnosis is not None
    assert demo.diagnosis.histology == "clear_cell"
    assert demo.staging is not None
    assert demo.staging.tnm_edition == "AJCC 8th (2017)"
    ldh = demo.lab("ldh")
    assert ldh is not None
    assert ldh.uln is not None
    assert ldh.uln.value == Decimal(250)


def test_demo_patient_validates_against_published_schema() -> None:
    jsonschema.validate(demo_dict(), json_schema("patient"))


def test_schema_accepts_both_quantity_spellings() -> None:
    doc = patched({"weight": {"value": 70, "unit": "kg"}, "height": "175 cm"})
    jsonschema.validate(doc, json_schema("patient"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(patched({"weight": 70}), json_schema("patient"))


def test_only_id_is_required() -> None:
    p = Patient.model_validate({"id": "P-1"})
    assert p.ecog is None
    assert p.labs is None
    assert p.metastatic_sites is None
    with pytest.raises(ValidationError) as e:
        Patient.model_validate({})
    assert _loc(e.value) == ["id"]


@pytest.mark.parametrize("pid", ["John Smith", "", "a" * 65, "-lead", "x/y"])
def test_id_must_be_a_pseudonymous_code(pid: str) -> None:
    with pytest.raises(ValidationError) as e:
        Patient.model_validate({"id": pid})
    assert _loc(e.value) == ["id"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight": 70}, "weight"),  # bare number: unit never guessed
        ({"weight": "700 kg"}, "weight"),  # implausible, not clamped
        ({"weight": "24.9 kg"}, "weight"),
        ({"height": "99 cm"}, "height"),
        ({"height": "70 kg"}, "height"),  # wrong dimension
        ({"diagnosis_date": "1960-01-01"}, "diagnosis_date"),  # before birth (1968)
        ({"planned_day1": "2023-01-01"}, "planned_day1"),  # before diagnosis
        ({"labs.ldh": {"value": "210 mg/dL"}}, "labs.ldh"),  # unit cannot measure LDH
        ({"labs.ldh.value": "210 mg/dL"}, "labs.ldh"),  # limits in another unit family
        ({"labs.calcium.uln": "2.6 mmol/L"}, "labs.calcium"),  # limit in another unit family
        ({"labs.ast.lln": "50 U/L"}, "labs.ast"),  # LLN above ULN
        ({"labs.ast.value": "-1 U/L"}, "labs.ast"),
        ({"labs.alt.date": "1950-01-01"}, "labs"),  # lab before birth
        ({"diagnosis.histology": "acral"}, "diagnosis"),  # melanoma type for RCC
        ({"staging.n": "N4"}, "staging.n"),
        ({"staging.t": "pT3"}, "staging.t"),  # the prefix belongs in staging.basis
        ({"karnofsky": 85}, "karnofsky"),
        ({"ecog": 5}, "ecog"),
        ({"caix_pct": 100.1}, "caix_pct"),
        ({"pathology.alveolar_pct": -1}, "pathology.alveolar_pct"),
        ({"metastatic_sites": ["lung", "lung"]}, "metastatic_sites"),
        ({"prior_nephrectomy": False}, "nephrectomy_date"),  # a date says otherwise
        ({"prior_il2": False, "prior_il2_courses": [{"events": []}]}, "prior_il2_courses"),
        ({"prior_other_therapy": False}, "last_other_therapy_end_date"),
        ({"prior_il2": True, "prior_systemic_lines": 0}, "prior_systemic_lines"),
        ({"surname": "Smith"}, "surname"),  # extra fields are refused
        ({"brain_imaging.date": "1900-01-01"}, "brain_imaging"),
        ({"prior_il2": True, "prior_il2_courses": [{"start_date": "1950-01-01", "events": []}]},
         "prior_il2_courses"),
        ({"prior_il2": True, "prior_il2_courses": [{"events": ["fever"]}]},
         "prior_il2_courses.0.events.0"),
    ],
)
def test_implausible_or_contradictory_input_is_refused(changes: dict[str, Any],
                                                        field: str) -> None:
    with pytest.raises(ValidationError) as e:
        Patient.model_validate(patched(changes))
    assert field in _loc(e.value)


def test_course_dates_in_order() -> None:
    with pytest.raises(ValidationError):
        Patient.model_validate(patched({"prior_il2": True, "prior_il2_courses": [
            {"start_date": "2024-01-10", "end_date": "2024-01-01", "events": []}]}))


def test_lab_units_convert_exactly(make: Make) -> None:
    p = make({"labs.albumin": {"value": "39 g/L", "lln": "35 g/L", "uln": "50 g/L"}})
    alb = p.lab("albumin")
    assert alb is not None
    assert alb.value.exact("g/dL") == Decimal("3.9")


def test_missing_is_unknown_not_default(make: Make) -> None:
    p = make({"prior_nephrectomy": DELETE, "nephrectomy_date": DELETE})
    assert p.had_nephrectomy is None
    p = make({"prior_nephrectomy": DELETE})
    assert p.had_nephrectomy is True  # the date says so


def test_record_is_immutable(demo: Patient) -> None:
    with pytest.raises(ValidationError):
        demo.ecog = 2  # type: ignore[misc]


def test_nodes_count_as_one_organ() -> None:
    assert metastatic_organ_count(["mediastinal_nodes", "other_nodes"]) == 1
    assert metastatic_organ_count(["mediastinal_nodes", "lung"]) == 2
    assert metastatic_organ_count([]) == 0


def test_json_round_trip(demo: Patient) -> None:
    again = Patient.model_validate_json(json.dumps(demo.model_dump(mode="json")))
    assert again == demo
