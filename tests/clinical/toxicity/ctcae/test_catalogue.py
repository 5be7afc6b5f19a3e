"""The term catalogue, clinician-recorded grades and request validation."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel, ValidationError

from hdil2.clinical.toxicity.ctcae import (
    CLINICIAN_TERMS,
    COMPUTED_TERMS,
    NOT_EVALUABLE,
    TERMS,
    GradeRequest,
    TermEntry,
    catalogue,
    grade,
    grade_document,
    record_grade,
    term_key,
)
from hdil2.clinical.toxicity.ctcae.requests import ClinicianGradeRequest
from hdil2.core.errors import InputError, InputErrors
from hdil2.core.sources import SOURCES, Tag

# the terms hdil2 grades (issue 8 item 8 added the laboratory terms an IL-2 ward meets daily,
# urine output decreased and hypotension from descriptors); which grades each allows and their
# texts are checked against NCI's spreadsheet in test_nci_spreadsheet.py
COMPUTED = {
    "creatinine_increased", "blood_bilirubin_increased", "ast_increased", "alt_increased",
    "alkaline_phosphatase_increased", "ggt_increased", "platelet_count_decreased",
    "neutrophil_count_decreased", "lymphocyte_count_decreased", "anemia", "hypocalcemia",
    "hypokalemia", "hypomagnesemia", "hyponatremia", "hypoalbuminemia",
    "urine_output_decreased", "fever", "weight_gain", "diarrhea", "hypotension",
}
CLINICIAN = {
    "capillary_leak_syndrome", "acute_kidney_injury", "confusion", "somnolence",
    "atrial_fibrillation", "sinus_tachycardia", "supraventricular_tachycardia",
    "ventricular_tachycardia", "dyspnea", "hypoxia", "nausea", "vomiting", "rash_maculopapular",
    "pruritus", "hypothyroidism", "hypophosphatemia", "hyperglycemia",
}


def test_item8_the_catalogue_holds_the_terms_hdil2_grades() -> None:
    assert set(COMPUTED_TERMS) == COMPUTED
    assert set(CLINICIAN_TERMS) == CLINICIAN
    assert set(TERMS) == COMPUTED | CLINICIAN


@pytest.mark.parametrize("key", sorted(COMPUTED | CLINICIAN))
def test_every_text_is_from_nci_and_verified(key: str) -> None:
    t = TERMS[key]
    assert t.text_source == "nci-ctcae5-xlsx"
    assert all(t.tag_for(g) == Tag.VERIFIED for g in t.allowed_grades)
    d = TermEntry.of(t).to_dict()
    assert d["text_source"] == "nci-ctcae5-xlsx"
    assert d["source"] == "ctcae5"


LAB_TERMS = {"creatinine_increased", "blood_bilirubin_increased", "ast_increased",
             "alt_increased", "alkaline_phosphatase_increased", "ggt_increased",
             "platelet_count_decreased", "neutrophil_count_decreased",
             "lymphocyte_count_decreased", "anemia", "hypocalcemia", "hypokalemia",
             "hypomagnesemia", "hyponatremia", "hypoalbuminemia"}


def test_item8_lab_criteria_name_admiral_as_their_machine_readable_source() -> None:
    assert {k for k, t in TERMS.items() if t.criteria_source == "admiral"} == LAB_TERMS
    assert "admiral" in SOURCES


@pytest.mark.parametrize(("key", "grade", "text"), [
    ("capillary_leak_syndrome", 3, "Severe symptoms; intervention indicated"),
    ("sinus_tachycardia", 3, "Urgent medical intervention indicated"),
    ("ventricular_tachycardia", 4, "Life-threatening consequences; hemodynamic compromise"),
    ("capillary_leak_syndrome", 0, "none: no adverse event (within normal limits)"),
    ("capillary_leak_syndrome", 1, "Asymptomatic"),
    ("hypophosphatemia", 2, "Oral replacement therapy indicated"),
    ("hyperglycemia", 3, "Insulin therapy initiated; hospitalization indicated"),
])
def test_clinician_grade_is_recorded_with_its_text(key: str, grade: int, text: str) -> None:
    d = grade_document({"term": key, "grade": grade})
    assert d.value == grade
    assert d.details["grade_text"] == text
    assert d.details["method"] == "clinician"
    (r,) = d.reasons
    assert r.rule == f"ctcae5.{key}.clinician_grade"
    assert r.source == "ctcae5"


@pytest.mark.parametrize(("key", "grade"), [
    ("acute_kidney_injury", 1), ("sinus_tachycardia", 4), ("acute_kidney_injury", 2),
    ("ventricular_tachycardia", 1), ("hypoxia", 1), ("nausea", 4), ("pruritus", 5),
    ("confusion", 5),
])
def test_grade_the_term_does_not_define_is_refused(key: str, grade: int) -> None:
    with pytest.raises(InputError) as e:
        record_grade(key, grade)
    assert e.value.field == "grade"
    assert f"no grade {grade}" in e.value.message
    # the same through the request model: the error names the document's own field
    with pytest.raises(ValidationError) as ve:
        GradeRequest.model_validate({"term": key, "grade": grade})
    assert [err["loc"] for err in ve.value.errors()] == [("grade",)]


def test_computed_term_is_not_recorded_from_a_grade() -> None:
    with pytest.raises(InputError) as e:
        record_grade("creatinine_increased", 2)
    assert e.value.field == "term"


@pytest.mark.parametrize("name", ["oliguria", "Oliguria", " OLIGURIA ", "anuria"])
def test_item6_oliguria_is_refused_with_a_pointer_to_urine_output(name: str) -> None:
    with pytest.raises(InputError) as e:
        grade_document({"term": name, "grade": 2})
    assert e.value.field == "term"
    for hint in ("not a CTCAE v5.0 term", "urine_output_decreased", "volume", "hours",
                 "label"):
        assert hint in e.value.message


def test_item6_oliguria_refused_inside_a_larger_document() -> None:
    class Batch(BaseModel):
        items: list[GradeRequest]

    with pytest.raises(ValidationError) as e:
        Batch.model_validate({"items": [{"term": "oliguria", "grade": 1}]})
    assert "urine_output_decreased" in str(e.value)


@pytest.mark.parametrize(("raw", "key"), [
    ("Diarrhoea", "diarrhea"), ("AST", "ast_increased"), ("ALT", "alt_increased"),
    ("Blood bilirubin increased", "blood_bilirubin_increased"),
    ("Rash maculo-papular", "rash_maculopapular"), ("capillary leak syndrome",
                                                     "capillary_leak_syndrome"),
    ("Platelet count decreased", "platelet_count_decreased"), ("dyspnoea", "dyspnea"),
])
def test_term_names_and_aliases(raw: str, key: str) -> None:
    assert term_key(raw) == key


def test_unknown_term() -> None:
    with pytest.raises(InputError) as e:
        grade_document({"term": "headache", "grade": 1})
    assert e.value.field == "term"
    assert "unknown CTCAE term" in e.value.message
    with pytest.raises(InputError) as e:
        grade_document({"grade": 1})
    assert e.value.field == "term"


def test_request_errors_name_the_documents_fields() -> None:
    with pytest.raises(ValidationError) as e:
        GradeRequest.model_validate({"term": "creatinine_increased", "value": 1.5})
    assert e.value.errors()[0]["loc"] == ("value",)
    assert "unit is required" in e.value.errors()[0]["msg"]
    with pytest.raises(ValidationError) as e:
        GradeRequest.model_validate({"term": "platelets", "value": "60 10^9/L", "uln": "1 U/L"})
    assert e.value.errors()[0]["loc"] == ("uln",)  # platelets have an LLN, not a ULN


@pytest.mark.parametrize(("doc", "field"), [
    ({"term": "creatinine_increased", "value": "-0.1 mg/dL", "uln": "1.2 mg/dL"}, "value"),
    ({"term": "creatinine_increased", "value": "1.5 mg/dL", "uln": "106 µmol/L"}, "uln"),
    ({"term": "creatinine_increased", "value": "1.5 mg/dL", "uln": "0 mg/dL"}, "uln"),
    ({"term": "creatinine_increased", "value": "40 U/L", "uln": "35 U/L"}, "value"),
    ({"term": "ast_increased", "value": "40 U/L", "uln": "35 U/L", "baseline": "0.5 mg/dL"},
     "baseline"),
    ({"term": "platelet_count_decreased", "value": "60 mg/dL"}, "value"),
    ({"term": "fever", "value": "39 kg"}, "value"),
    ({"term": "fever", "value": "60 °C"}, "value"),
    ({"term": "fever", "value": "40.5 °C", "duration_above_40c": "3 kg"}, "duration_above_40c"),
    ({"term": "fever", "value": "40.5 °C", "duration_above_40c": "-1 h"}, "duration_above_40c"),
    ({"term": "weight_gain", "value": "700 kg", "baseline": "70 kg"}, "value"),
    ({"term": "weight_gain", "value": "70 kg", "baseline": "7 kg"}, "baseline"),
    ({"term": "diarrhea", "stools_per_day": 2, "policies": {"nonsense": "x"}},
     "policy.nonsense"),
    ({"term": "diarrhea", "stools_per_day": 2, "policies": {"diarrhea_incontinence": "maybe"}},
     "policy.diarrhea_incontinence"),
])
def test_bad_input_names_its_field(doc: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as e:
        grade_document(doc)
    assert e.value.field == field


def test_several_bad_limits_are_reported_together() -> None:
    with pytest.raises(InputErrors) as e:
        grade_document({"term": "creatinine_increased", "value": "1.5 mg/dL",
                        "uln": "106 µmol/L", "baseline": "-1 mg/dL"})
    assert [x.field for x in e.value.errors] == ["uln", "baseline"]


def test_json_schema_is_a_discriminated_union_of_every_term() -> None:
    schema = GradeRequest.model_json_schema()
    assert schema["discriminator"]["propertyName"] == "term"
    assert set(schema["discriminator"]["mapping"]) == set(TERMS)
    allowed = schema["$defs"]["ClinicianGradeRequest"]["x-allowed-grades"]
    assert allowed["capillary_leak_syndrome"] == [0, 1, 2, 3, 4, 5]
    jsonschema.Draft202012Validator.check_schema(schema)
    docs = [
        {"term": "creatinine_increased", "value": {"value": 1.5, "unit": "mg/dL"},
         "uln": {"value": 1.2, "unit": "mg/dL"}},
        {"term": "hypotension", "grade": 3},
        {"term": "diarrhea", "stools_per_day": 9, "baseline_stools_per_day": 2},
    ]
    for doc in docs:
        jsonschema.validate(doc, schema)
        assert isinstance(grade_document(doc).value, int | str)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"term": "hypotension", "grade": 7}, schema)


def test_catalogue_is_plain_json() -> None:
    doc = json.loads(json.dumps(catalogue(), ensure_ascii=False))
    assert [t["key"] for t in doc] == list(TERMS)
    cls = next(t for t in doc if t["key"] == "capillary_leak_syndrome")
    assert cls["allowed_grades"] == [0, 1, 2, 3, 4, 5]
    assert cls["method"] == "clinician"


def test_decision_json_shape() -> None:
    d = grade_document({"term": "creatinine_increased", "value": "1.5 mg/dL",
                        "uln": "1.2 mg/dL"}).to_dict()
    assert d["value"] == NOT_EVALUABLE
    assert d["missing"] == ["baseline"]
    assert d["possible_grades"] == [1, 2, 3]
    assert d["grade_text"] is None
    assert d["ctcae_version"] == "5.0"
    assert {r["source"] for r in d["reasons"]} == {"ctcae5"}
    json.dumps(d)


def test_grade_accepts_the_terms_own_request() -> None:
    req = ClinicianGradeRequest(term="hypoxia", grade=3)
    assert grade(req).value == 3
    assert grade(GradeRequest.model_validate({"term": "hypoxia", "grade": 3})).value == 3


@pytest.mark.parametrize("bad", [True, "3", 3.5, None])
def test_clinician_grade_must_be_a_whole_number(bad: object) -> None:
    with pytest.raises(ValidationError) as e:
        GradeRequest.model_validate({"term": "capillary_leak_syndrome", "grade": bad})
    assert e.value.errors()[0]["loc"] == ("grade",)


@pytest.mark.parametrize("bad", [True, -1, 101, "4"])
def test_stool_counts_are_whole_numbers_in_range(bad: object) -> None:
    with pytest.raises(ValidationError) as e:
        GradeRequest.model_validate({"term": "diarrhea", "stools_per_day": bad})
    assert e.value.errors()[0]["loc"] == ("stools_per_day",)
