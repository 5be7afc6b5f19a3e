"""Issue 8 item 19: human output at 80 and 120 columns never splits a number or a date.

Each command's human output is rendered at 80, at 120 and at 250 columns (where nothing needs
wrapping).  The numbers, dates and times in the text - every run of digits with the separators
that belong inside a value (``42,000,000``, ``2024-06-03``, ``08:00``, ``1.2``) - must be the
same at every width: a value wrapped across two lines (``42,000,│000 IU``) or cut short
(``2024-06-…``) changes them.  No line may be wider than the console either.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from hdil2.cli.invoke import invoke

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
AML = str(TESTS / "stats" / "data" / "aml.csv")
LUNG = str(TESTS / "stats" / "data" / "lung.csv")
PATIENT = str(ROOT / "src" / "hdil2" / "clinical" / "selection" / "data" / "demo_patient.json")
VISITS = str(TESTS / "clinical" / "response" / "data" / "example_visits.json")
HISTORY = str(TESTS / "clinical" / "response" / "data" / "example_history.json")

# a number: digits, with separators only between digits
_VALUE = re.compile(r"\d+(?:[,.:/-]\d+)*")
# box drawing and rule characters rich draws around and between cells
_BOX = re.compile(r"[\u2500-\u257f]")


def _next_dose_request(tmp: Path) -> str:
    from hdil2.cli.demo import _observations

    doc = {"regimen": "hd-il2-600k", "first_dose": "2024-06-03T08:00",
           "tz": "America/New_York",
           "doses": [{"slot": i, "status": "given"} for i in range(1, 7)],
           "observations": _observations(spo2=88)}
    path = tmp / "next-dose.json"
    path.write_text(json.dumps(doc))
    return str(path)


COMMANDS: dict[str, list[str]] = {
    "regimens": ["regimens", "hd-il2-600k"],
    "dose": ["dose", "--regimen", "hd-il2-600k", "--weight", "70 kg", "--height", "175 cm"],
    "dose-mg-m2": ["dose", "--regimen", "hd-il2-1.33mgm2", "--weight", "100 kg",
                   "--height", "180 cm"],
    "calendar": ["calendar", "--regimen", "hd-il2-600k", "--start", "2026-03-05T08:00",
                 "--tz", "America/New_York"],
    "next-dose": ["next-dose", "{next_dose}"],
    "grade": ["grade", "--term", "creatinine_increased", "--value", "2.1 mg/dL",
              "--uln", "1.3 mg/dL", "--baseline", "1.1 mg/dL"],
    "screen": ["screen", PATIENT],
    "screen-verbose": ["screen", PATIENT, "--verbose"],
    "assess": ["assess", VISITS, "--criteria", "recist1.1"],
    "next-course": ["next-course", HISTORY],
    "sources": ["sources", "who1981"],
    "stats-rate": ["stats", "rate", "--x", "22", "--n", "96"],
    "stats-compare": ["stats", "compare", "--x1", "22", "--n1", "96", "--x2", "9", "--n2", "96"],
    "stats-trend": ["stats", "trend", "--successes", "14,15,1", "--totals", "36,77,33"],
    "stats-km": ["stats", "km", AML, "--time", "time", "--event", "status", "--group", "x"],
    "stats-logrank": ["stats", "logrank", AML, "--time", "time", "--event", "status",
                      "--group", "x"],
    "stats-cox": ["stats", "cox", LUNG, "--time", "time", "--event", "status",
                  "--event-value", "2", "--censor-value", "1", "--covariates", "age,sex"],
    "design-simon": ["design", "simon", "--p0", "0.1", "--p1", "0.3"],
    "design-two-proportions": ["design", "two-proportions", "--p1", "0.7", "--p2", "0.4",
                               "--n1", "34", "--sides", "1"],
    "design-survival": ["design", "survival", "--surv1", "0.7", "--surv2", "0.4",
                        "--at-time", "2", "--accrual", "3", "--follow-up", "2"],
    "design-group-sequential": ["design", "group-sequential", "--rates", "0.33,0.67,1"],
    "design-conditional-power": ["design", "conditional-power", "--binary", "5/21,8/23",
                                 "--planned", "34,34", "--design-rates", "0.7,0.4",
                                 "--alpha", "0.05"],
}


def _render(args: list[str], width: int, monkeypatch: Any) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = invoke(args)
    assert code == 0, (args, err)
    return out


def _values(text: str) -> Counter[str]:
    return Counter(_VALUE.findall(_BOX.sub(" ", text)))


def _args(name: str, tmp_path: Path) -> list[str]:
    return [a.replace("{next_dose}", _next_dose_request(tmp_path)) if "{" in a else a
            for a in COMMANDS[name]]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_item19_numbers_and_dates_whole_at_width(name: str, width: int, tmp_path: Path,
                                                 monkeypatch: Any) -> None:
    args = _args(name, tmp_path)
    wide = _render(args, 250, monkeypatch)
    text = _render(args, width, monkeypatch)
    too_long = [line for line in text.splitlines() if len(line) > width]
    assert not too_long, f"lines wider than {width}:\n" + "\n".join(too_long)
    assert _values(text) == _values(wide), (
        f"numbers differ at {width} columns: only at {width}: "
        f"{sorted((_values(text) - _values(wide)).elements())}; only at 250: "
        f"{sorted((_values(wide) - _values(text)).elements())}")


@pytest.mark.parametrize("width", [80, 120])
def test_item19_demo_numbers_and_dates_whole(width: int, monkeypatch: Any) -> None:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="hdil2-demo-") as d:
        args = ["demo", "--out", d]
        wide = _render(args, 250, monkeypatch)
        text = _render(args, width, monkeypatch)
    assert max(len(line) for line in text.splitlines()) <= width
    assert _values(text) == _values(wide)


def test_item19_the_check_catches_a_split_number() -> None:
    """The comparison fails on exactly the defect of the issue: 42,000,│000 IU."""
    whole = "│ per dose │ 42,000,000 IU │"
    split = "│ per dose │ 42,000,     │\n│          │ 000 IU      │"
    assert _values(whole) != _values(split)
    assert _values("2024-06-03") != _values("2024-06-…")
