"""Every worked example of docs/dose-holds.md gets the advice the page says it gets."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from hdil2.clinical.toxicity.holds import NextDoseRequest, next_dose
from peer_data import ROOT

from .conftest import NORMAL

PAGE = ROOT / "docs" / "dose-holds.md"
BASE = re.compile(r"Base request:\s*(?:<!--[^>]*-->\s*)?```json\n(\{.*?\})\n```", re.S)
EXAMPLE = re.compile(
    r"```json\n(\{(?:(?!```).)*?\})\n```\s*\nResult: \*\*(\w+)\*\* by `([\w.]+)`; missing: "
    r"(none|`[\w`, ]+`)", re.S)


def text() -> str:
    return PAGE.read_text(encoding="utf-8")


def base() -> dict[str, Any]:
    m = BASE.search(text())
    assert m is not None
    return dict(json.loads(m.group(1)))


def examples() -> list[tuple[str, ...]]:
    return EXAMPLE.findall(text())


def test_base_request_is_the_unremarkable_assessment() -> None:
    assert base()["observations"] == NORMAL
    assert next_dose(NextDoseRequest.model_validate(base())).value == "give"


def test_page_has_its_examples() -> None:
    found = examples()
    assert len(found) >= 10
    assert {v for _, v, *_ in found} >= {"hold", "give", "not_evaluable"}


@pytest.mark.parametrize(("doc", "value", "rule", "missing"), examples())
def test_example(doc: str, value: str, rule: str, missing: str) -> None:
    change = json.loads(doc)
    req = base()
    req["observations"] = {**req["observations"], **change.pop("observations", {})}
    req.update(change)
    d = next_dose(NextDoseRequest.model_validate(req))
    assert d.value == value
    assert d.reasons[0].rule == rule
    expected = [] if missing == "none" else [m.strip(" `") for m in missing.split(",")]
    assert d.details["missing"] == expected


def test_item9_every_documented_answer_validates_against_the_next_dose_output_schema() -> None:
    """The base request and each example, answered through the application layer, are valid
    JSON of the ``next-dose`` operation's output schema; the page names every key of it."""
    import jsonschema

    from hdil2 import app
    from hdil2.core.jsonable import jsonable

    op = app.operation("next-dose")
    schema = op.output_schema()
    validator = jsonschema.Draft202012Validator(schema)
    requests = [base()]
    for doc, value, *_ in examples():
        change = json.loads(doc)
        req = base()
        req["observations"] = {**req["observations"], **change.pop("observations", {})}
        req.update(change)
        requests.append(req)
        answer = jsonable(op(req))
        validator.validate(answer)
        assert answer["value"] == value
    validator.validate(jsonable(op(requests[0])))
    page = text()
    assert all(f"`{key}`" in page for key in schema["properties"])
    for name in ("DoseCounts", "SlotTally", "RuleCheck"):
        assert all(f"`{key}`" in page for key in schema["$defs"][name]["properties"]), name
