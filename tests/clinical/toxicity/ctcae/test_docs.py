"""Every worked example of docs/toxicity-grading.md gets the grade the page says it gets (and,
where the page states them, the possible grades)."""

from __future__ import annotations

import json
import re

import pytest

from hdil2.clinical.toxicity.ctcae import TERMS, grade_document
from hdil2.core.errors import InputError
from peer_data import ROOT

DOC = ROOT / "docs" / "toxicity-grading.md"
EXAMPLE = re.compile(
    r"```json\n(\{.*?\})\n```\s*\nResult: \*\*(G[0-5]|not_evaluable)\*\*"
    r"(?: — `possible_grades: (\[[0-9, ]*\])`)?", re.S)
REFUSED = re.compile(r"`(\{\"term\": [^`]*\})` is refused: \"(\w+): ")


def examples() -> list[tuple[str, str, str]]:
    return EXAMPLE.findall(DOC.read_text(encoding="utf-8"))


def test_item8_the_page_has_an_example_per_computed_term_and_new_term() -> None:
    terms = {json.loads(doc)["term"] for doc, _, _ in examples()}
    computed = {k for k, t in TERMS.items() if t.method == "computed"}
    assert computed <= terms
    assert {"capillary_leak_syndrome", "hyperglycemia"} <= terms


@pytest.mark.parametrize(("doc", "expected", "possible"), examples())
def test_documented_example(doc: str, expected: str, possible: str) -> None:
    d = grade_document(json.loads(doc))
    assert (f"G{d.value}" if isinstance(d.value, int) else d.value) == expected
    if possible:
        assert d.details["possible_grades"] == json.loads(possible)


def test_documented_refusals() -> None:
    refusals = REFUSED.findall(DOC.read_text(encoding="utf-8").replace("\n", " "))
    assert len(refusals) >= 2
    for doc, field in refusals:
        with pytest.raises((InputError, ValueError)) as e:
            grade_document(json.loads(doc))
        assert field in str(e.value)


def test_item9_every_documented_answer_validates_against_the_grade_output_schema() -> None:
    """Each example of the page, answered through the application layer, is valid JSON of the
    ``grade`` operation's output schema, and the page names every key of that JSON."""
    import jsonschema

    from hdil2 import app
    from hdil2.core.jsonable import jsonable

    op = app.operation("grade")
    schema = op.output_schema()
    validator = jsonschema.Draft202012Validator(schema)
    found = examples()
    assert len(found) >= 20
    for doc, expected, _ in found:
        answer = jsonable(op(json.loads(doc)))
        validator.validate(answer)
        assert (f"G{answer['value']}" if isinstance(answer["value"], int)
                else answer["value"]) == expected
    page = DOC.read_text(encoding="utf-8")
    assert all(f"`{key}`" in page for key in schema["properties"])
    listing = app.operation("grade-terms")
    jsonschema.Draft202012Validator(listing.output_schema()).validate(jsonable(listing({})))
    assert all(f"`{key}`" in page for key in listing.output_schema()["properties"])
