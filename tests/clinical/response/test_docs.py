"""Every worked example of docs/response.md and docs/course-policy.md gets the answer the page
says it gets."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from hdil2 import app
from hdil2.clinical.response import AssessmentRequest, assess
from hdil2.clinical.response.next_course import CourseHistory
from hdil2.core.jsonable import jsonable
from peer_data import ROOT

DOCS = ROOT / "docs"
RESPONSE = re.compile(
    r"```json\n(\{.*?\})\n```\s*\nResult \(([\w.]+)\): visits \*\*([^*]+)\*\*; best response "
    r"\*\*(\S+)\*\* unconfirmed, \*\*(\S+)\*\* confirmed", re.S)
COURSE = re.compile(
    r"```json\n(\{.*?\})\n```\s*\nResult: \*\*(\w+)\*\* by `([\w.]+)`"
    r"(?:, earliest \*\*([\d-]+)\*\*)?", re.S)


def response_examples() -> list[tuple[str, ...]]:
    return RESPONSE.findall((DOCS / "response.md").read_text(encoding="utf-8"))


def course_examples() -> list[tuple[str, ...]]:
    return COURSE.findall((DOCS / "course-policy.md").read_text(encoding="utf-8"))


def test_pages_have_examples_of_every_family() -> None:
    assert {c for _, c, *_ in response_examples()} == {"recist1.1", "who", "nci", "irecist"}
    assert len(response_examples()) >= 12
    assert len(course_examples()) >= 10


@pytest.mark.parametrize(("doc", "criteria", "visits", "unconf", "conf"), response_examples())
def test_response_example(doc: str, criteria: str, visits: str, unconf: str, conf: str
                          ) -> None:
    a = assess(AssessmentRequest.model_validate(json.loads(doc)), criteria)  # type: ignore[arg-type]
    assert ", ".join(tp.overall for tp in a.timepoints) == visits
    assert (a.bor_unconfirmed.value, a.bor_confirmed.value) == (unconf, conf)


@pytest.mark.parametrize(("doc", "value", "rule", "earliest"), course_examples())
def test_course_example(doc: str, value: str, rule: str, earliest: str) -> None:
    d = CourseHistory.model_validate(json.loads(doc)).advise()
    assert d.value == value
    assert d.reasons[0].rule == rule
    assert str(d.details.get("earliest_start_date", "")) == earliest


@pytest.mark.parametrize(("doc", "criteria", "visits", "unconf", "conf"), response_examples())
def test_item9_response_example_through_the_operation(doc: str, criteria: str, visits: str,
                                                      unconf: str, conf: str) -> None:
    """Each example asked through the application layer (the criteria a field of the
    request): the same answer, and the output validates against `hdil2 schema assess
    --output`."""
    op = app.operation("assess")
    result = op({**json.loads(doc), "criteria": criteria})
    jsonschema.validate(jsonable(result), op.output_schema())
    assert ", ".join(tp.overall for tp in result.visits) == visits
    assert (result.bor_unconfirmed.value, result.bor_confirmed.value) == (unconf, conf)


@pytest.mark.parametrize(("doc", "value", "rule", "earliest"), course_examples())
def test_item9_course_example_through_the_operation(doc: str, value: str, rule: str,
                                                    earliest: str) -> None:
    op = app.operation("next-course")
    d = op(json.loads(doc))
    jsonschema.validate(jsonable(d), op.output_schema())
    assert (d.value, d.reasons[0].rule) == (value, rule)
    assert str(d.details.get("earliest_start_date", "")) == earliest
