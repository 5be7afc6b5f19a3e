"""``hdil2 next-dose`` end to end: JSON and human output (80 and 120 columns) of a hold carried
across the rest between cycles, an answer that waits for one observation, and a course that
ends with a hold in force (issue 8 items 9 and 10)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hdil2.cli.invoke import invoke

from .conftest import NORMAL


def request(doses: list[dict[str, Any]], **obs: Any) -> str:
    return json.dumps({
        "regimen": "hd-il2-600k", "first_dose": "2026-04-06T08:00", "tz": "America/New_York",
        "doses": doses, "observations": {k: v for k, v in {**NORMAL, **obs}.items()
                                         if v is not None}})


def held_at_14(rule: str) -> list[dict[str, Any]]:
    return [*({"slot": i, "status": "given"} for i in range(1, 14)),
            {"slot": 14, "status": "held", "hold_rules": [rule]}]


CASES = {
    "across-rest": request(held_at_14("label.creatinine_above_4_5"), creatinine="4.2 mg/dL",
                           sustained_vt=None),
    "not-evaluable": request([], creatinine="4.2 mg/dL", acidosis=None),
    "course-end": request([*({"slot": i, "status": "given"} for i in range(1, 28)),
                           {"slot": 28, "status": "held",
                            "hold_rules": ["label.spo2_below_90"]}]),
}


def test_item9_json_names_the_hold_in_force_and_what_is_missing() -> None:
    code, out, err = invoke(["next-dose", "-", "--json"], CASES["across-rest"])
    assert code == 0, err
    doc = json.loads(out)
    assert doc["value"] == "hold"
    assert doc["holds_in_force"] == ["label.creatinine_above_4_5"]
    assert doc["missing"] == ["sustained_vt"]
    assert doc["next_slot"]["cycle"] == 2
    code, out, _ = invoke(["next-dose", "-", "--json"], CASES["not-evaluable"])
    assert (json.loads(out)["value"], json.loads(out)["missing"]) == ("not_evaluable",
                                                                     ["acidosis"])


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("case", sorted(CASES))
def test_item9_human_output_fits_the_console(case: str, width: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = invoke(["next-dose", "-"], CASES[case])
    assert code == 0, err
    assert all(len(line) <= width for line in out.splitlines()), out
    if case == "across-rest":
        assert "Advice: HOLD" in out
        assert "judged by the resume condition:\n  label.creatinine_above_4_5" in out
        assert "could make the advice more severe:\n  sustained_vt" in out
        assert "creatinine < 4 mg/dL" in out
    elif case == "not-evaluable":
        assert "Advice: NOT EVALUABLE" in out
        assert "Record before deciding (could change the advice):\n  acidosis" in out
    else:
        assert "Advice: COURSE COMPLETE" in out
        assert "the hold ends with the course" in out


def test_unknown_hold_rule_exits_2() -> None:
    bad = request([{"slot": 1, "status": "held", "hold_rules": ["label.nonsense"]}])
    code, _, err = invoke(["next-dose", "-", "--json"], bad)
    assert code == 2
    assert "doses[0].hold_rules" in err
