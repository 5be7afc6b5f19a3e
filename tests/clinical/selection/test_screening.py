"""Screening summary: eligibility plus every model; missing inputs named; published schema."""

from __future__ import annotations

import jsonschema
import pytest

from hdil2.cli.schema import json_schema
from hdil2.clinical.selection.models import MODELS
from hdil2.clinical.selection.patient import Patient
from hdil2.clinical.selection.screening import ALL_POLICIES, screen
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable

from .conftest import DELETE, Make


def test_demo_is_eligible_and_every_model_complete(demo: Patient) -> None:
    s = screen(demo)
    assert s.eligibility.verdict == "eligible"
    assert [m.model for m in s.models] == list(MODELS)
    assert s.summary.to_dict() == {"complete": list(MODELS), "incomplete": {},
                                   "not_applicable": []}
    groups = {m.model: m.group for m in s.models}
    assert groups == {
        "mskcc2002": "intermediate", "mskcc1999": "favourable", "imdc": "intermediate",
        "ucla_sani": "not_scored", "upton2005": "good", "caix": "high",
        "two_compartment": "favourable", "favourable_histology": "favourable",
        "negrier_rapid_progression": "not_high_risk"}
    assert s.corrected_calcium.value_mg_dl is not None


def test_missing_inputs_are_listed_per_model(make: Make) -> None:
    s = screen(make({"labs.ldh": DELETE, "caix_pct": DELETE}))
    inc = s.summary.to_dict()["incomplete"]
    assert inc["mskcc2002"] == ["labs.ldh"]
    assert inc["mskcc1999"] == ["labs.ldh"]
    assert inc["caix"] == ["caix_pct"]
    assert "imdc" in s.summary.complete
    assert "two_compartment" in s.summary.complete  # Upton good: CA-IX not needed


def test_melanoma_gets_eligibility_but_no_rcc_models(make: Make) -> None:
    s = screen(make({"diagnosis": {"disease": "melanoma", "histology": "cutaneous"}}))
    assert s.eligibility.verdict == "eligible"
    assert s.summary.not_applicable == tuple(MODELS)


def test_bare_record_screens_without_guessing() -> None:
    s = screen(Patient.model_validate({"id": "P-2"}))
    assert s.eligibility.verdict == "incomplete"
    assert "diagnosis.disease" in s.eligibility.missing
    assert s.summary.complete == ()
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
    schema = json_schema("screen", output=True)
    for p in (make(), make({"labs": DELETE, "pathology": DELETE}),
              Patient.model_validate({"id": "P-3"}),
              make({"diagnosis": {"disease": "melanoma"}})):
        jsonschema.validate(jsonable(screen(p)), schema)


def test_schema_is_strict() -> None:
    schema = json_schema("screen", output=True)
    assert schema["additionalProperties"] is False
    assert {"eligibility", "models", "summary", "policies"} <= set(schema["required"])


def test_misspelt_policy_is_refused_by_every_model(demo: Patient) -> None:
    for fn in MODELS.values():
        with pytest.raises(InputError) as e:
            fn(demo, {"calcium_corection": "mskcc_0707"})
        assert e.value.field == "policy.calcium_corection"


# --- issue 9: one application layer, one result contract, names that say what they check ------


def test_item9_screen_is_an_operation_of_the_application_layer() -> None:
    """The request carries the patient, profile, policies and the site's windows; the answer
    is the same screening the clinical function gives, and validates against the published
    output schema (`hdil2 schema screen --output`)."""
    from hdil2 import app
    from hdil2.clinical.selection.eligibility import EligibilitySettings

    from .conftest import demo_dict

    req = {"patient": demo_dict(), "profile": "atkins1993",
           "policies": {"calcium_correction": "mskcc_0707"},
           "settings": {"stress_test_valid_days": 10}}
    result = app.run("screen", req)
    direct = screen(Patient.model_validate(demo_dict()), "atkins1993",
                    {"calcium_correction": "mskcc_0707"},
                    EligibilitySettings(stress_test_valid_days=10))
    assert result == direct
    # the stress test of 2024-05-15 is 19 days before planned day 1 (2024-06-03) > 10 days
    assert result.eligibility.verdict == "incomplete"
    assert result.eligibility.missing == ("cardiac_stress_test.date",)
    # 9.4 − 0.707 × (3.9 − 3.4) = 9.0465 mg/dL, reported to 0.01
    assert jsonable(result)["corrected_calcium"]["value_mg_dl"] == 9.05
    jsonschema.validate(jsonable(result), app.operation("screen").output_schema())


@pytest.mark.parametrize(("payload", "field"), [
    ({"patient": {"id": "P-1", "weight": 70}}, "patient.weight"),
    ({"patient": {"id": "P-1"}, "settings": {"pft_valid_days": -3}}, "settings.pft_valid_days"),
    ({"patient": {"id": "P-1"}, "profile": "nope"}, "profile"),
    ({"patient": {"id": "P-1"}, "policies": {"calcium_correction": "orrell"}},
     "policy.calcium_correction"),
    ({"patient": {"id": "P-1"}, "profil": "atkins1993"}, "profil"),
])
def test_item9_request_errors_name_the_field_by_path(payload: dict[str, object],
                                                      field: str) -> None:
    from hdil2 import app

    with pytest.raises(InputError) as e:
        app.run("screen", payload)
    assert e.value.field == field


def test_item9_results_are_their_fields_without_hand_written_json() -> None:
    """Every type in the screening answer is a Result: its JSON form is its fields."""
    from hdil2.clinical.selection.eligibility import CriterionResult, EligibilityResult
    from hdil2.clinical.selection.models.base import Factor, ModelResult, Outcome, Score
    from hdil2.clinical.selection.models.calcium import CorrectedCalcium
    from hdil2.clinical.selection.screening import Screening, ScreeningSummary
    from hdil2.core.result import Result

    for cls in (Screening, ScreeningSummary, EligibilityResult, CriterionResult, ModelResult,
                Factor, Outcome, Score, CorrectedCalcium):
        assert issubclass(cls, Result), cls
        assert "to_dict" not in vars(cls), cls
