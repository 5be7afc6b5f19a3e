"""``hdil2 grade``: the new terms from options and from JSON, and ``--list`` at 80 columns."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from hdil2.cli.invoke import invoke


def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    return invoke(["grade", *args], stdin)


def grade_json(args: list[str], stdin: str = "") -> dict[str, Any]:
    code, out, err = run([*args, "--json"], stdin)
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


NEW_TERMS = {
    "urine_output_decreased": ["volume", "hours"],
    "neutrophil_count_decreased": ["value", "lln"],
    "lymphocyte_count_decreased": ["value", "lln"],
    "anemia": ["value", "lln", "clinical_grade"],
    "hypocalcemia": ["value", "lln", "calcium", "clinical_grade"],
    "hypokalemia": ["value", "lln", "symptomatic", "intervention_indicated", "clinical_grade"],
    "hypomagnesemia": ["value", "lln", "clinical_grade"],
    "hyponatremia": ["value", "lln", "symptomatic", "clinical_grade"],
    "hypoalbuminemia": ["value", "lln", "clinical_grade"],
    "alkaline_phosphatase_increased": ["value", "uln", "baseline"],
    "ggt_increased": ["value", "uln", "baseline"],
    "hypotension": ["symptomatic", "intervention", "vasopressors", "hospitalization_indicated",
                    "life_threatening", "grade"],
}


def test_item8_list_names_the_new_terms_and_their_inputs() -> None:
    doc = grade_json(["--list"])
    by_key = {t["key"]: t for t in doc["terms"]}
    for key, inputs in NEW_TERMS.items():
        assert by_key[key]["inputs"] == inputs
        assert by_key[key]["text_source"] == "nci-ctcae5-xlsx"
    assert "urine_output_decreased" not in doc["not_terms"]
    assert "oliguria" in doc["not_terms"]


@pytest.mark.parametrize("width", [80, 120])
def test_item8_list_is_readable_at_width(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, _ = run(["--list"])
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width
    assert all(line == line.rstrip() for line in lines)
    text = "\n".join(lines)
    for key, inputs in NEW_TERMS.items():
        block = text[text.index(f"\n{key} — "):]
        block = block[:block.index("grades")]
        assert all(re.search(rf"\b{i}\b", block) for i in inputs), key
    # "0, 3-4": urine output decreased has no grade 1, 2 or 5
    assert re.search(r"computed from volume, hours; grades 0, 3-4", text)


def test_item6_urine_output_from_options() -> None:
    assert grade_json(["--term", "urine_output_decreased", "--volume", "60 mL",
                       "--hours", "8 h"])["value"] == 3
    assert grade_json(["--term", "Urine output decreased", "--volume", "0.2 L",
                       "--hours", "24 h"])["value"] == 4
    doc = grade_json(["--term", "urine_output_decreased", "--volume", "100 mL",
                      "--hours", "12 h"])
    assert doc["value"] == "not_evaluable"
    assert doc["possible_grades"] == [0, 3]


@pytest.mark.parametrize(("args", "field"), [
    (["--term", "urine_output_decreased", "--volume", "60 mL"], "hours"),
    (["--term", "urine_output_decreased", "--volume", "60 mL", "--hours", "8"], "hours"),
    (["--term", "urine_output_decreased", "--volume", "60 kg", "--hours", "8 h"], "volume"),
    (["--term", "urine_output_decreased", "--volume", "60 mL", "--hours", "0 h"], "hours"),
    (["--term", "urine_output_decreased", "--volume", "-1 mL", "--hours", "8 h"], "volume"),
    (["--term", "hypocalcemia", "--value", "7.5 mg/dL"], "calcium"),
    (["--term", "hypocalcemia", "--calcium", "ionized", "--value", "3.8 mg/dL"], "value"),
    (["--term", "anemia", "--value", "9 g/dL", "--clinical-grade", "2"], "clinical_grade"),
    (["--term", "hypotension", "--intervention", "medical", "--grade", "1"], "grade"),
    (["--term", "oliguria", "--volume", "60 mL", "--hours", "8 h"], "term"),
])
def test_bad_options_exit_2_naming_the_field(args: list[str], field: str) -> None:
    code, _, err = run([*args, "--json"])
    assert code == 2, err
    assert field in {e["field"] for e in json.loads(err)["errors"]}


def test_item8_electrolytes_and_hypotension_from_options() -> None:
    assert grade_json(["--term", "hypokalemia", "--value", "3.2 mmol/L", "--lln", "3.5 mmol/L",
                       "--symptomatic"])["value"] == 2
    assert grade_json(["--term", "hypokalemia", "--value", "3.2 mmol/L", "--lln", "3.5 mmol/L",
                       "--asymptomatic", "--no-intervention-indicated"])["value"] == 1
    assert grade_json(["--term", "hyponatremia", "--value", "127 mmol/L",
                       "--lln", "135 mmol/L", "--asymptomatic"])["value"] == 2
    assert grade_json(["--term", "hypocalcemia", "--calcium", "corrected",
                       "--value", "6.5 mg/dL", "--lln", "8.5 mg/dL"])["value"] == 3
    assert grade_json(["--term", "hypotension", "--intervention", "urgent",
                       "--life-threatening"])["value"] == 4
    assert grade_json(["--term", "hypotension", "--vasopressors",
                       "--not-life-threatening"])["value"] == 3


def test_json_input_still_works() -> None:
    doc = {"term": "hypomagnesemia", "value": "0.8 mg/dL", "lln": "1.7 mg/dL"}
    assert grade_json(["-"], json.dumps(doc))["value"] == 3
    code, _, err = run(["-", "--volume", "60 mL", "--json"], json.dumps(doc))
    assert code == 2
    assert "not both" in err


def test_item8_human_output_keeps_numbers_whole_at_80(monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["--term", "hypocalcemia", "--calcium", "corrected", "--value", "1.74 mmol/L",
            "--lln", "2.1 mmol/L"]
    monkeypatch.setenv("COLUMNS", "250")
    _, wide, _ = run(args)
    monkeypatch.setenv("COLUMNS", "80")
    _, narrow, _ = run(args)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    number = re.compile(r"\d+(?:[.,]\d+)*")
    assert sorted(number.findall(narrow)) == sorted(number.findall(wide))
