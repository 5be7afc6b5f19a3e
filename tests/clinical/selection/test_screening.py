"""Screening summary: eligibility plus every model; missing inputs named; published schema."""

from __future__ import annotations

import jsonschema
import pytest

from hdil2.cli.schema import json_schema
from hdil2.clinical.selection.models import MODELS
from hdil2.clinical.selection.patient import Patient
from hdil2.clinical.selection.screening import ALL_POLICIES, screen
from hdil2.core.errors import InputError

from .conftest import DELETE, Make


def test_demo_is_eligible_and_every_model_complete(demo: Patient) -> None:
    s = screen(demo)
    assert s.eligibility.verdict == "eligible"
    assert [m.model for m in s.models] == list(MODELS)
    assert s.summary == {"complete": list(MODELS), "incomplete": {}, "not_applicable": []}
    groups = {m.model: m.group for m in s.models}
    assert groups == {
        "mskcc2002": "intermediate", "mskcc1999": "favourable", "imdc": "intermediate",
        "ucla_sani": "not_scored", "upton2005": "good", "caix": "high",
        "two_compartment": "favourable", "favourable_histology": "favourable",
        "negrier_rapid_progression": "not_high_risk"}
    assert s.corrected_calcium.value_mg_dl is not None


def test_missing_inputs_are_listed_per_model(make: Make) -> None:
    s = screen(make({"labs.ldh": DELETE, "caix_pct": DELETE}))
    inc = s.summary["incomplete"]
    assert inc["mskcc2002"] == ["labs.ldh"]
    assert inc["mskcc1999"] == ["labs.ldh"]
    assert inc["caix"] == ["caix_pct"]
    assert "imdc" in s.summary["complete"]
    assert "two_compartment" in s.summary["complete"]  # Upton good: CA-IX not needed


def test_melanoma_gets_eligibility_but_no_rcc_models(make: Make) -> None:
    s = screen(make({"diagnosis": {"disease": "melanoma", "histology": "cutaneous"}}))
    assert s.eligibility.verdict == "eligible"
    assert s.summary["not_applicable"] == list(MODELS)


def test_bare_record_screens_without_guessing() -> None:
    s = screen(Patient.model_validate({"id": "P-2"}))
    assert s.eligibility.verdict == "incomplete"
    assert "diagnosis.disease" in s.eligibility.missing
    assert s.summary["complete"] == []
    assert all(m.status == "incomplete" for m in s.models)
    assert s.corrected_calcium.missing == ("labs.calcium", "labs.albumin")


def test_policies_in_force_are_reported(demo: Patient) -> None:
    s = screen(demo, "atkins1993", {"calcium_correction": "mskcc_0707"})
    assert set(s.policies) == set(ALL_POLICIES)
    assert s.policies["calcium_correction"] == "mskcc_0707"
    assert s.policies["negrier_variant"] == "negrier2005"
    assert s.corrected_calcium.formula == "mskcc_0707"
    assert s.eligibility.profile == "atkins1993"


def test_document_validates_against_published_schema(make: Make) -> None:
    schema = json_schema("screening-result")
    for p in (make(), make({"labs": DELETE, "pathology": DELETE}),
              Patient.model_validate({"id": "P-3"}),
              make({"diagnosis": {"disease": "melanoma"}})):
        jsonschema.validate(screen(p).document(), schema)


def test_schema_is_strict() -> None:
    schema = json_schema("screening-result")
    assert schema["additionalProperties"] is False
    assert {"eligibility", "models", "summary", "policies"} <= set(schema["required"])


def test_misspelt_policy_is_refused_by_every_model(demo: Patient) -> None:
    for fn in MODELS.values():
        with pytest.raises(InputError) as e:
            fn(demo, {"calcium_corection": "mskcc_0707"})
        assert e.value.field == "policy.calcium_corection"
