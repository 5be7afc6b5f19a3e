"""A minimal in-process JSON API over the application layer, standing in for the web app's
endpoint: for every operation it answers what the CLI answers to the same JSON request, and
refuses a bad request naming the same fields, because both dispatch through ``hdil2.app``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hdil2 import app
from hdil2.app import documents
from hdil2.cli.invoke import invoke
from hdil2.core.errors import InputError, InputErrors
from hdil2.core.jsonable import jsonable
from peer_data import ROOT

PATIENT = json.loads((ROOT / "src/hdil2/clinical/selection/data/demo_patient.json")
                     .read_text(encoding="utf-8"))
SURVIVAL = {"time": [9, 13, 13, 18, 23, 28, 31, 34, 45, 48],
            "event": [1, 1, 0, 1, 1, 0, 1, 1, 0, 1],
            "group": ["a", "a", "a", "a", "a", "b", "b", "b", "b", "b"]}
COX = {"time": SURVIVAL["time"], "event": SURVIVAL["event"],
       "covariates": {"age": [50, 60, 70, 55, 65, 75, 58, 62, 66, 49],
                      "x": ["a", "b", "a", "b", "a", "b", "a", "b", "b", "a"]}}
VISITS = {"start_date": "2024-01-01",
          "lesions": [{"id": "T1", "organ": "liver", "kind": "target"}],
          "visits": [{"date": "2024-01-01", "lesions": {"T1": {"ld_mm": 20}}},
                     {"date": "2024-02-12", "lesions": {"T1": {"ld_mm": 12}}},
                     {"date": "2024-03-25", "lesions": {"T1": {"ld_mm": 11}}}]}

# operation -> (request, the CLI command that answers it, the document the CLI reads on stdin;
# None = the command takes no document)
EXAMPLES: dict[str, tuple[dict[str, Any], list[str], Any]] = {
    "regimens": ({}, ["regimens"], None),
    "dose": (d := {"regimen": "hd-il2-600k", "weight": "70 kg", "height": "175 cm"},
             ["dose", "-"], d),
    "calendar": (d := {"regimen": "hd-il2-720k", "first_dose": "2025-11-01T16:00",
                       "tz": "America/New_York"}, ["calendar", "-"], d),
    "grade": (d := {"term": "creatinine_increased", "value": "1.5 mg/dL", "uln": "1.2 mg/dL",
                    "baseline": "0.9 mg/dL"}, ["grade", "-"], d),
    "grade-terms": ({}, ["grade", "--list"], None),
    "next-dose": (d := {"regimen": "hd-il2-600k", "first_dose": "2026-04-06T08:00",
                        "tz": "America/New_York", "doses": [{"slot": 1, "status": "given"}],
                        "observations": {"spo2_pct": 88}}, ["next-dose", "-"], d),
    "rules": ({"set": "label"}, ["rules", "--set", "label"], None),
    "screen": ({"patient": PATIENT}, ["screen", "-"], PATIENT),
    "assess": (VISITS, ["assess", "-"], VISITS),
    "next-course": (d := {"courses": [{"discharge_date": "2024-01-30", "response": "PR"}]},
                    ["next-course", "-"], d),
    "qlq-c30": (d := {"assessments": [{"date": "2024-01-08", "label": "baseline", "answers": {
        f"q{n}": (5 if n >= 29 else 2) if n % 7 else None for n in range(1, 31)}}]},
                ["qlq-c30", "-"], d),
    "stats-rate": (d := {"x": 22, "n": 96}, ["stats", "rate", "-"], d),
    "stats-compare": (d := {"x1": 22, "n1": 96, "x2": 9, "n2": 96}, ["stats", "compare", "-"],
                      d),
    "stats-trend": (d := {"successes": [14, 15, 1], "totals": [36, 77, 33]},
                    ["stats", "trend", "-"], d),
    "stats-km": (SURVIVAL, ["stats", "km", "-"], SURVIVAL),
    "stats-logrank": (SURVIVAL, ["stats", "logrank", "-"], SURVIVAL),
    "stats-cox": (COX, ["stats", "cox", "-"], COX),
    "design-simon": (d := {"p0": 0.1, "p1": 0.3}, ["design", "simon", "-"], d),
    "design-simon-oc": (d := {"r1": 1, "n1": 10, "r": 5, "n": 29, "p0": 0.1, "p1": 0.3},
                        ["design", "simon-oc", "-"], d),
    "design-simon-stage1": (d := {"r1": 1, "n1": 10, "r": 5, "n": 29, "responses": 2},
                            ["design", "simon-stage1", "-"], d),
    "design-simon-estimate": (d := {"r1": 1, "n1": 10, "r": 5, "n": 29, "p0": 0.1, "x1": 2,
                                    "x2": 4}, ["design", "simon-estimate", "-"], d),
    "design-two-proportions": (d := {"p1": 0.7, "p2": 0.4, "n1": 34, "sides": 1},
                               ["design", "two-proportions", "-"], d),
    "design-survival": (d := {"hazard_ratio": 0.6}, ["design", "survival", "-"], d),
    "design-group-sequential": (d := {"information_rates": [0.33, 0.67, 1]},
                                ["design", "group-sequential", "-"], d),
    "design-conditional-power": (d := {"z": 1.2, "information": 0.5, "critical_values": [1.96],
                                       "information_rates": [1]},
                                 ["design", "conditional-power", "-"], d),
    "sources": ({}, ["sources"], None),  # with a KEY the CLI prints the one entry
}


def api(name: str, body: bytes) -> tuple[int, Any]:
    """What a JSON endpoint does: parse the body, dispatch through the catalogue, answer."""
    try:
        text = documents.text_of(body, "request body")
        result = app.run(name, documents.loads(text, "request body", schema=name))
    except InputErrors as e:
        return 400, e.to_dict()
    except InputError as e:
        return 400, {"errors": [e.to_dict()]}
    return 200, jsonable(result)


def test_every_operation_has_an_example() -> None:
    assert sorted(EXAMPLES) == app.names()


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_api_and_cli_give_the_same_answer(name: str) -> None:
    request, argv, stdin = EXAMPLES[name]
    status, doc = api(name, json.dumps(request).encode())
    assert status == 200, doc
    code, out, err = invoke([*argv, "--json"], json.dumps(stdin) if stdin is not None else "")
    assert code == 0, err
    assert json.loads(out) == doc


@pytest.mark.parametrize("name", ["dose", "calendar", "next-dose", "assess", "stats-rate",
                                  "design-simon"])
def test_api_and_cli_refuse_a_bad_request_naming_the_same_fields(name: str) -> None:
    request, argv, _ = EXAMPLES[name]
    bad = {**request, "unexpected": 1}
    status, doc = api(name, json.dumps(bad).encode())
    assert status == 400
    code, _, err = invoke([*argv, "--json"], json.dumps(bad))
    assert code == 2
    assert json.loads(err) == doc
    assert [e["field"] for e in doc["errors"]] == ["unexpected"]


def test_api_refuses_a_body_that_is_not_json() -> None:
    status, doc = api("dose", b"\xff\xfe{")
    assert status == 400
    assert "UTF-16" in doc["errors"][0]["message"]
