"""Every Python path the docs name (``hdil2.clinical.response.tempo.tempo_tables``) exists, so
a reader who copies one from the docs imports what the page describes (issue 9: the docs follow
the move of clinical/ into workflow packages)."""

from __future__ import annotations

import importlib
import re

import pytest

from peer_data import ROOT

PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md", ROOT / "CHANGELOG.md"]
PATH = re.compile(r"\bhdil2(?:\.[A-Za-z_]\w*)+")

# paths the CHANGELOG records as they were before a move (history, not instructions)
HISTORY: set[str] = set()


def _paths() -> list[tuple[str, str]]:
    out = set()
    for page in PAGES:
        for path in PATH.findall(page.read_text(encoding="utf-8")):
            out.add((page.name, path.rstrip(".")))
    return sorted(out)


def _resolves(path: str) -> bool:
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


@pytest.mark.parametrize(("page", "path"), _paths())
def test_item9_every_python_path_in_the_docs_resolves(page: str, path: str) -> None:
    assert path in HISTORY or _resolves(path), f"{page}: {path} does not import"
