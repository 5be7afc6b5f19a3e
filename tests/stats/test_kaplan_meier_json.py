"""A Kaplan-Meier curve's JSON: NumPy arrays are written whole (issue 10 item 2).

``hdil2 stats km --json`` on a large file spent its time turning the curve's arrays into JSON
one element at a time; ``jsonable`` now converts an array of numbers with one ``tolist`` and
a vectorised check for NaN (``null``) and ±infinity (``"inf"``/``"-inf"``).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

import numpy as np
import pytest
from hdil2_stats_support import survival_case

import hdil2.core.jsonable as jsonable_module
from hdil2.core.jsonable import jsonable
from hdil2.stats.kaplan_meier import kaplan_meier


def _one_by_one(value: list) -> list:  # type: ignore[type-arg]
    """The JSON of a list converted element by element (JSON's rule for NaN and infinity)."""
    out = []
    for v in value:
        if isinstance(v, list):
            out.append(_one_by_one(v))
        elif isinstance(v, float) and not math.isfinite(v):
            out.append(None if math.isnan(v) else ("inf" if v > 0 else "-inf"))
        else:
            out.append(v)
    return out


@pytest.mark.parametrize("array", [
    np.array([0.5, np.nan, np.inf, -np.inf, 2.0, -0.0]),
    np.array([[1.0, np.nan], [np.inf, 3.5]]),
    np.array([1.5, np.nan, np.inf], dtype=np.float32),
    np.array([3, -4, 2**40], dtype=np.int64),
    np.array([7, 8], dtype=np.uint8),
    np.array([True, False]),
    np.array([], dtype=float),
    np.arange(6.0).reshape(2, 3),
], ids=["float", "2d", "float32", "int64", "uint8", "bool", "empty", "finite-2d"])
def test_item2_arrays_written_as_json_values(array: np.ndarray) -> None:  # type: ignore[type-arg]
    got = jsonable(array)
    assert got == _one_by_one(array.tolist())
    assert [type(v) for v in np.ravel(np.array(got, dtype=object))] == [
        type(v) for v in np.ravel(np.array(_one_by_one(array.tolist()), dtype=object))]
    json.dumps(got, allow_nan=False)


def test_item2_scalars_and_object_arrays_unchanged() -> None:
    assert jsonable(np.float64("nan")) is None
    assert jsonable(np.float64("-inf")) == "-inf"
    assert jsonable(np.int32(5)) == 5
    assert jsonable(np.array([Decimal("2.50"), Decimal("3")], dtype=object)) == [2.5, 3]


def test_item2_curve_arrays_converted_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    df = survival_case("veteran")
    km = kaplan_meier(df["time"], df["status"])
    want = km.to_dict()
    assert want["std_err"][-1] == "inf"
    calls = []
    inner = jsonable_module.jsonable

    def counting(value: object) -> object:
        calls.append(type(value).__name__)
        return inner(value)

    monkeypatch.setattr(jsonable_module, "jsonable", counting)
    assert inner(km.surv) == _one_by_one(km.surv.tolist())
    assert inner(km.std_err) == _one_by_one(km.std_err.tolist())
    assert calls == []  # no element went through jsonable on its own


def test_item2_curves_document_walked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # the CLI turns the whole document into JSON: a curve's to_dict is already JSON values
    # and is not walked a second time element by element
    from hdil2.stats.kaplan_meier import KaplanMeierCurves, kaplan_meier_groups

    df = survival_case("veteran")
    curves = tuple(kaplan_meier_groups(df["time"], df["status"], df["celltype"]).values())
    doc = KaplanMeierCurves("kaplan_meier_greenwood", "log", 0.95, curves)
    want = {"method": "kaplan_meier_greenwood", "conf_type": "log", "level": 0.95,
            "curves": [c.to_dict() for c in curves]}
    calls = []
    inner = jsonable_module.jsonable

    def counting(value: object) -> object:
        calls.append(type(value).__name__)
        return inner(value)

    monkeypatch.setattr(jsonable_module, "jsonable", counting)
    assert inner(doc) == want
    rows = sum(c.time.size for c in curves)
    assert len(calls) < rows  # one call per field, not one per number
