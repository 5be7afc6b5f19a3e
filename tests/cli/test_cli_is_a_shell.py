"""The CLI only parses options and renders answers: every operation runs through the
application layer (issue 9: no "module:attr" strings, no error mapping, no validation here)."""

from __future__ import annotations

import re

import pytest

from peer_data import ROOT

CLI = sorted((ROOT / "src" / "hdil2" / "cli").glob("*.py"))


@pytest.mark.parametrize("path", CLI, ids=lambda p: p.name)
def test_cli_module_holds_parsing_and_rendering_only(path: object) -> None:
    text = path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    assert not re.search(r"[\"']hdil2\.[\w.]+:\w+[\"']", text), "a 'module:attr' string"
    for banned in ("ValidationError", "model_validate", ".errors()", "SCHEMAS"):
        assert banned not in text, banned
    # runtime imports of the domain layers are for rendering helpers only, never requests
    for line in re.findall(r"^\s+from hdil2\.(?:clinical|stats)\S* import (.+)$", text, re.M):
        assert "Request" not in line, line
