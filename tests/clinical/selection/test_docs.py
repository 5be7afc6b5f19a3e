"""Every worked example of docs/selection.md gives the result the page says it gives."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest

from hdil2 import app
from hdil2.clinical.selection.eligibility import eligibility
from hdil2.clinical.selection.models import MODELS
from hdil2.clinical.selection.patient import Patient
from hdil2.core.jsonable import jsonable
from peer_data import ROOT

from .conftest import patched

DOC = ROOT / "docs" / "selection.md"
EXAMPLE = re.compile(r"```json\n(\{.*?\})\n```\s*\nResult: \*\*([a-z_]+)\*\*", re.S)


def examples() -> list[tuple[str, str]]:
    return EXAMPLE.findall(DOC.read_text(encoding="utf-8"))


def test_the_page_has_examples_for_models_and_profiles() -> None:
    docs = [json.loads(d) for d, _ in examples()]
    models = {d["model"] for d in docs if "model" in d}
    assert {"mskcc2002", "imdc", "upton2005", "caix", "two_compartment",
            "negrier_rapid_progression"} <= models
    assert any("profile" in d for d in docs)


@pytest.mark.parametrize(("doc", "expected"), examples())
def test_documented_example(doc: str, expected: str) -> None:
    spec: dict[str, Any] = json.loads(doc)
    patient = Patient.model_validate(patched(spec["changes"]))
    if "model" in spec:
        assert MODELS[spec["model"]](patient, None).group == expected
    else:
        assert eligibility(patient, spec["profile"]).verdict == expected


@pytest.mark.parametrize(("doc", "expected"), examples())
def test_item9_documented_example_through_the_operation(doc: str, expected: str) -> None:
    """Each example asked through the application layer: the same answer, and the output
    validates against `hdil2 schema screen --output`."""
    spec: dict[str, Any] = json.loads(doc)
    op = app.operation("screen")
    result = op({"patient": patched(spec["changes"]),
                 "profile": spec.get("profile", "label_minimum")})
    jsonschema.validate(jsonable(result), op.output_schema())
    if "model" in spec:
        assert result.model(spec["model"]).group == expected
    else:
        assert result.eligibility.verdict == expected
