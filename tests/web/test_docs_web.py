"""docs/web.md: its worked API example answers what the page shows, its pages exist, its
roles table is the code's."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "web.md"
TEXT = PAGE.read_text(encoding="utf-8")


def _subset(shown: Any, got: Any, where: str = "") -> None:
    """Every value the page shows is in the answer (lists element by element)."""
    if isinstance(shown, dict):
        assert isinstance(got, dict), where
        for k, v in shown.items():
            assert k in got, f"{where}.{k}"
            _subset(v, got[k], f"{where}.{k}")
    elif isinstance(shown, list):
        assert isinstance(got, list), where
        assert len(got) >= len(shown), where
        for i, v in enumerate(shown):
            _subset(v, got[i], f"{where}[{i}]")
    else:
        assert got == shown, (where, got, shown)


def test_the_worked_api_example_answers_what_the_page_shows(client_as: Any) -> None:
    http = re.search(r"```http\n(.*?)```", TEXT, flags=re.S)
    shown = re.search(r"```json\n(.*?)```", TEXT, flags=re.S)
    assert http
    assert shown
    lines = http.group(1).strip().splitlines()
    method, path = lines[0].split()
    body = lines[-1]
    assert method == "POST"
    r = client_as("nurse").post(path, data=body, content_type="application/json")
    assert r.status_code == 200, r.content[:300]
    answer = r.json()
    _subset(json.loads(shown.group(1)), answer)
    # and that is the command line's answer (label: 600,000 IU/kg x 70 kg = 42,000,000 IU)
    assert answer["components"][0]["dose_iu"] == 600_000 * 70


def test_the_pages_the_guide_names_exist(client_as: Any, web_db: dict[str, Any]) -> None:
    from django.urls import Resolver404, resolve

    paths = set(re.findall(r"\(`(/[a-z0-9/<>_.-]*)`", TEXT))
    paths |= set(re.findall(r"\*\*[A-Za-z ]+\*\* \(`(/[a-z0-9/<>_.-]*)`", TEXT))
    assert len(paths) >= 12, sorted(paths)
    for p in sorted(paths):
        concrete = re.sub(r"<[a-z]+>", "1", p)
        try:
            resolve(concrete)
        except Resolver404:
            pytest.fail(f"docs/web.md names {p}, which is not a page")


def test_the_roles_table_is_the_code() -> None:
    from hdil2.web.roles import CAPABILITIES

    rows = re.findall(r"^\| (read|record|plan|data|users) \| [^|]+\| ([^|]+) \|$", TEXT, re.M)
    assert {cap for cap, _ in rows} == set(CAPABILITIES)
    words = {"every role": None, "nurse": "nurse", "physician": "physician",
             "data manager": "data_manager", "admin": "admin"}
    for cap, who in rows:
        named = [w.strip() for w in who.split(",")]
        if named == ["every role"]:
            assert CAPABILITIES[cap] == frozenset(
                {"viewer", "nurse", "physician", "data_manager", "admin"})
        else:
            assert {words[w] for w in named} == set(CAPABILITIES[cap]), cap
