"""Issue 12 item 6: docs/sdtm-import.md's walk-through is what hdil2 does."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from hdil2.cli.invoke import invoke
from peer_data import ROOT

PAGE = ROOT / "docs" / "sdtm-import.md"


def test_item6_docs_walk_through_runs_and_answers_as_shown(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = PAGE.read_text(encoding="utf-8")
    block = re.search(r"## Walk-through\n\n(?:<!--[^>]*-->\n)?```console\n(.*?)```", text,
                      re.S)
    assert block is not None
    shown = json.loads(re.search(r"```json\n(\{.*?\})\n```", text, re.S).group(1))  # type: ignore[union-attr]
    monkeypatch.chdir(tmp_path)
    out = ""
    for line in block.group(1).splitlines():
        args = shlex.split(line.removeprefix("$ "))
        assert args[0] == "hdil2"
        code, out, err = invoke(args[1:])
        assert code == 0, (line, err)
    answer = json.loads(out)
    assert answer["domains"]["DM"] == shown["domains"]["DM"]
    assert {k: answer[k] for k in shown if k != "domains"} == {
        k: v for k, v in shown.items() if k != "domains"}


def test_item6_docs_options_table_lists_every_option_of_the_command() -> None:
    import typer.main

    from hdil2.cli.app import build_app

    text = PAGE.read_text(encoding="utf-8")
    root = typer.main.get_command(build_app(["import"]))
    command = root.commands["import"].commands["sdtm"]  # type: ignore[attr-defined]
    options = {o for p in command.params for o in p.opts if o.startswith("--")}
    assert "--zone" in options  # the walk finds the options at all
    for option in options:
        assert f"`{option}" in text, option
