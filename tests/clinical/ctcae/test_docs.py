"""Every worked example of docs/toxicity-grading.md gets the grade the page says it gets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hdil2.clinical.ctcae import grade_document

DOC = Path(__file__).resolve().parents[3] / "docs" / "toxicity-grading.md"
EXAMPLE = re.compile(r"```json\n(\{.*?\})\n```\s*\nResult: \*\*(G[0-5]|not_evaluable)\*\*", re.S)


def examples() -> list[tuple[str, str]]:
    return EXAMPLE.findall(DOC.read_text(encoding="utf-8"))


def test_the_page_has_an_example_per_term_family() -> None:
    terms = {json.loads(doc)["term"] for doc, _ in examples()}
    assert {"creatinine_increased", "blood_bilirubin_increased", "ast_increased",
            "alt_increased", "platelet_count_decreased", "fever", "weight_gain", "diarrhea",
            "capillary_leak_syndrome"} <= terms


@pytest.mark.parametrize(("doc", "expected"), examples())
def test_documented_example(doc: str, expected: str) -> None:
    value = grade_document(json.loads(doc)).value
    assert (f"G{value}" if isinstance(value, int) else value) == expected
