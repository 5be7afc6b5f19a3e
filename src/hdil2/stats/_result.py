"""Shared plumbing of the statistics results: JSON-ready dicts and input checks.

Every result of :mod:`hdil2.stats` is a small frozen dataclass with ``to_dict()``.  JSON has no
NaN or infinity, so a non-finite float is written as ``None`` (NaN: undefined) or as the strings
``"inf"`` / ``"-inf"`` (e.g. an odds ratio with a zero cell).  Every result names its method
(``method="fisher_exact_two_sided"``) and carries :class:`~hdil2.core.decision.Reason` objects
that cite the source of the method, so the CLI can show why a number is what it is.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from typing import Any

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable
from hdil2.core.sources import Tag


def clean(value: Any) -> Any:
    """``jsonable`` with non-finite floats made JSON-safe (NaN -> None, ±inf -> "inf")."""
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        v = float(value)
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    if type(value).__name__.startswith(("int", "uint")) and hasattr(value, "item"):
        return int(value)
    if isinstance(value, Reason):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str):
        return clean(value.tolist())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            return to_dict()
        return {f.name: clean(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return jsonable(value)


class Result:
    """Mixin of the stats results: ``to_dict()`` over the dataclass fields."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        assert dataclasses.is_dataclass(self)
        return {f.name: clean(getattr(self, f.name)) for f in dataclasses.fields(self)}


def why(rule: str, source: str, text: str, **inputs: Any) -> Reason:
    """A reason for a computed statistic (tag ``computed``)."""
    return Reason(rule=rule, source=source, text=text, inputs=clean(inputs), tag=Tag.COMPUTED)


def check_int(field: str, value: Any, minimum: int = 0) -> int:
    """An integer count ≥ ``minimum`` (bools and non-integral numbers are refused)."""
    import operator
    from decimal import Decimal

    if isinstance(value, bool):
        raise InputError(field, "must be an integer", value)
    if isinstance(value, float | Decimal):
        if not (math.isfinite(value) and value == int(value)):
            raise InputError(field, "must be an integer", value)
        out = int(value)
    else:
        try:
            out = operator.index(value)
        except TypeError:
            raise InputError(field, "must be an integer", value) from None
    if out < minimum:
        raise InputError(field, f"must be ≥ {minimum}", value)
    return out


def check_prob(field: str, value: Any, *, open_: bool = True) -> float:
    """A probability strictly inside (0, 1) (``open_=False``: the closed interval)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(field, "must be a number", value) from None
    if math.isnan(v) or (open_ and not 0.0 < v < 1.0) or (not open_ and not 0.0 <= v <= 1.0):
        bounds = "strictly between 0 and 1" if open_ else "between 0 and 1"
        raise InputError(field, f"must be {bounds}", value)
    return v


def check_level(value: Any, field: str = "level") -> float:
    """A confidence level strictly inside (0, 1)."""
    return check_prob(field, value)


def check_positive(field: str, value: Any) -> float:
    """A finite number > 0."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(field, "must be a number", value) from None
    if not math.isfinite(v) or v <= 0:
        raise InputError(field, "must be a finite number > 0", value)
    return v


def check_choice(field: str, value: str, choices: Iterable[str]) -> str:
    """One of ``choices`` (named in the error)."""
    opts = tuple(choices)
    if value not in opts:
        raise InputError(field, f"must be one of {', '.join(opts)}", value)
    return value
