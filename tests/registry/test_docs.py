"""Issue 11 items 1, 4, 8: docs/registry.md's worked examples are what hdil2 does."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from pathlib import Path

import pytest

from hdil2.cli.invoke import invoke
from peer_data import ROOT

PAGE = ROOT / "docs" / "registry.md"


def _text() -> str:
    return PAGE.read_text(encoding="utf-8")


def test_item8_docs_setting_up_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _text()
    block = re.search(r"## Setting up\n\n(?:<!--[^>]*-->\n)?```console\n(.*?)```", text, re.S)
    assert block is not None
    commands = [line.removeprefix("$ ") for line in block.group(1).splitlines()]
    shown = json.loads(re.search(r"```json\n(\{.*?\})\n```", text, re.S).group(1))  # type: ignore[union-attr]
    monkeypatch.chdir(tmp_path)
    outputs = []
    for command in commands:
        args = shlex.split(command)
        assert args[0] == "hdil2"
        code, out, err = invoke(args[1:])
        assert code == 0, err
        outputs.append(out)
    answer = json.loads(outputs[-1])
    assert {k: answer[k] for k in shown} == shown
    assert answer["location"] == str(tmp_path / "registry.sqlite3")


def test_item1_docs_model_table_lists_every_model(tmp_path: Path) -> None:
    from django.apps import apps

    from hdil2.registry import conf

    conf.configure(path=str(tmp_path / "unused.sqlite3"))  # the app registry; nothing opened
    names = {m.__name__ for m in apps.get_app_config("registry").get_models()
             if not m.__name__.startswith("Historical")}
    table = _text().split("## What is stored")[1].split("\n## ")[0]
    listed = set(re.findall(r"`([A-Z][A-Za-z]+)`", table))
    assert names <= listed
    assert listed <= names


def test_item4_docs_stale_edit_message_is_the_one_hdil2_writes() -> None:
    from hdil2.registry.errors import StaleEdit

    text = " ".join(_text().split())
    shown = re.search(r"for example `(dose slot 42 was changed .*?)`", text)
    assert shown is not None
    e = StaleEdit("dose slot 42", 1, 2, "nurse_b",
                  dt.datetime(2025, 3, 3, 8, 5, tzinfo=dt.UTC),
                  [("status", "scheduled", "held")])
    assert e.message == shown.group(1)
