"""Shared fixtures of the selection tests: the demo patient and a builder that patches it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from hdil2.clinical.selection.patient import Patient

DELETE = object()


def demo_dict() -> dict[str, Any]:
    text = resources.files("hdil2.clinical.selection.data").joinpath("demo_patient.json").read_text(
        encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def patched(changes: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """``base`` (the demo patient) with dotted-path changes; DELETE removes a key."""
    data = copy.deepcopy(demo_dict() if base is None else base)
    for path, value in changes.items():
        node: Any = data
        *parents, last = path.split(".")
        for part in parents:
            if value is DELETE and not isinstance(node.get(part), dict):
                node = None  # nothing to delete below a missing parent
                break
            node = node.setdefault(part, {})
        if node is None:
            continue
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = copy.deepcopy(value)  # never alias the caller's dicts
    return data


Make = Callable[..., Patient]


@pytest.fixture
def make() -> Make:
    """``make({"labs.ldh.value": "400 U/L", "karnofsky": DELETE})`` -> a validated Patient."""

    def build(changes: dict[str, Any] | None = None, **kw: Any) -> Patient:
        return Patient.model_validate(patched({**(changes or {}), **kw}))

    return build


@pytest.fixture
def demo() -> Patient:
    return Patient.model_validate(demo_dict())
