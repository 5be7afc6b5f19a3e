"""docs/simulation.md (issue 15): every ``$ hdil2 …`` example prints, at 80 columns, the lines
the page shows after it (the one run on a two-worker LocalCluster included), the Python example
prints what the page says, and the exact values the page quotes are hdil2 design simon-oc's."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from hdil2.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "simulation.md"


def _examples() -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    text = PAGE.read_text(encoding="utf-8")
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        current: list[str] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                current = []
                out.append((line[2:], current))
            elif current is not None:
                current.append(line)
    return out


EXAMPLES = _examples()


def test_item15_the_page_has_its_examples() -> None:
    commands = [command.split()[:4] for command, _ in EXAMPLES]
    assert len(EXAMPLES) == 5
    assert ["hdil2", "simulate", "cohort", "--disease"] in commands
    assert ["hdil2", "simulate", "two-arm", "survival"] in commands
    assert any("--workers 2" in command for command, _ in EXAMPLES)


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c[:70] for c, _ in EXAMPLES])
def test_item15_console_example_prints_what_the_page_shows(
        command: str, shown: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "80")
    args = shlex.split(command)
    assert args[0] == "hdil2"
    code = main(args[1:])
    out = capsys.readouterr()
    assert code == 0, out.err
    got = [line.rstrip() for line in out.out.splitlines()]
    want = [line.rstrip() for line in shown]
    if want and want[-1] == "…":  # the page stops quoting there
        want = want[:-1]
        got = got[: len(want)]
    assert got == want


def test_item15_the_exact_values_shown_are_design_simon_oc(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The page's "exact" column against hdil2 design simon-oc (itself checked against
    simon1989 and R clinfun in tests/stats)."""
    import json

    assert main(["design", "simon-oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29",
                 "--p0", "0.1", "--p1", "0.3", "--json"]) == 0
    oc = json.loads(capsys.readouterr().out)
    text = PAGE.read_text(encoding="utf-8")
    for label, value in (("P(reject H0)", oc["alpha"]), ("P(reject H0)", oc["power"]),
                         ("P(early termination)", oc["pet0"]),
                         ("P(early termination)", oc["pet1"]),
                         ("E(N), patients", oc["en0"]), ("E(N), patients", oc["en1"])):
        assert re.search(rf"│{re.escape(label)} *│ [\d.]+ *│ [\d.]+ *│ ?{value:.4f} ?│",
                         text), (label, value)


def test_item15_the_python_example_prints_what_the_page_says() -> None:
    text = PAGE.read_text(encoding="utf-8")
    # the page's Python example and the ``text`` block right after it (its printed output)
    found = re.search(r"^```python\n(.*?)^```.*?^```text\n(.*?)^```", text, re.S | re.M)
    assert found, "docs/simulation.md: no python example followed by its output"
    program, expected = found.groups()
    buf = io.StringIO()
    exec(compile(program, "docs/simulation.md", "exec"),
         {"__name__": "__main__", "print": lambda *a, **kw: print(*a, **kw, file=buf)})
    assert buf.getvalue() == expected
