"""Issue 11 item 7: ``hdil2 qlq-c30`` end to end (text and --json), through
``hdil2.cli.invoke.invoke``: the output validates against ``hdil2 schema qlq-c30 --output``,
bad answers exit 2 naming the field, no traceback.

Expected scores are the EORTC scoring manual's formulas (`eortc-qlq-c30-manual`) done by hand
on the example file (see test_qlq_c30.py for the arithmetic)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema

from hdil2.cli.invoke import invoke

EXAMPLE = Path(__file__).resolve().parent / "data" / "example_series.json"


def output_schema() -> dict[str, object]:
    code, out, err = invoke(["schema", "qlq-c30", "--output"])
    assert code == 0, err
    schema: dict[str, object] = json.loads(out)
    return schema


def test_item7_input_example_validates_against_the_input_schema() -> None:
    code, out, err = invoke(["schema", "qlq-c30"])
    assert code == 0, err
    jsonschema.validate(json.loads(EXAMPLE.read_text(encoding="utf-8")), json.loads(out))


def test_item7_cli_json() -> None:
    code, out, err = invoke(["qlq-c30", str(EXAMPLE), "--json"])
    assert code == 0, err
    jsonschema.validate(json.loads(out), output_schema())
    doc = json.loads(out, parse_float=Decimal)  # scores are JSON numbers, compared exactly
    assert doc["patient"] == "QOL-DEMO-1"
    assert [p["date"] for p in doc["time_points"]] == ["2024-01-08", "2024-02-19"]
    baseline, week6 = (row["scores"] for row in doc["table"])
    assert (baseline["PF2"], baseline["QL2"], baseline["FA"]) == (
        Decimal("86.67"), Decimal("66.67"), Decimal("22.22"))
    assert (week6["PF2"], week6["QL2"], week6["FA"], week6["FI"]) == (
        Decimal("44.44"), Decimal("41.67"), None, None)
    assert [s["code"] for s in doc["scales"]] == ["QL2", "PF2", "RF2", "EF", "CF", "SF", "FA",
                                                  "NV", "PA", "DY", "SL", "AP", "CO", "DI", "FI"]


def test_item7_cli_text() -> None:
    code, out, err = invoke(["qlq-c30", str(EXAMPLE)])
    assert code == 0, err
    assert "EORTC QLQ-C30 version 3.0, patient QOL-DEMO-1: 2 time points" in out
    pf2 = next(line for line in out.splitlines() if line.strip().startswith("PF2"))
    assert pf2.split()[-2:] == ["86.67", "44.44"]
    fa = next(line for line in out.splitlines() if line.strip().startswith("FA "))
    assert fa.split()[-2:] == ["22.22", "-"]   # week 6: 1 of 3 fatigue items: missing
    assert "fewer than half" in out
    assert "eortc-qlq-c30-manual" in out
    # --verbose shows the arithmetic of every score
    code, out, err = invoke(["qlq-c30", str(EXAMPLE), "--verbose"])
    assert code == 0, err
    assert "RS = (2 + 2 + 1 + 1 + 1)/5 = 1.4" in out


def test_item7_cli_bad_answer_exit_2_names_the_field() -> None:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["assessments"][1]["answers"]["q29"] = 8
    code, out, err = invoke(["qlq-c30", "-", "--json"], stdin=json.dumps(doc))
    assert code == 2
    assert out == ""
    assert "assessments[1].answers.q29" in err
    assert "Traceback" not in err


def test_item7_cli_other_version_exit_2() -> None:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["assessments"][0]["version"] = "2.0"
    code, _, err = invoke(["qlq-c30", "-"], stdin=json.dumps(doc))
    assert code == 2
    assert "assessments[0].version" in err
    assert "3.0" in err
