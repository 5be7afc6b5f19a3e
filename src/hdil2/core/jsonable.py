"""Turn hdil2 values into plain JSON values.

Decimals become JSON numbers (integers when integral), fractions become floats, dates and
datetimes ISO 8601 strings, enums their value, dataclasses dicts.  JSON has no NaN or infinity:
a NaN float is written ``null`` and an infinite one ``"inf"`` / ``"-inf"``.  NumPy scalars and
arrays (duck-typed, NumPy is not imported here) become Python numbers and lists; an array of
numbers is converted whole (one ``tolist``), not element by element.  One function so the CLI,
the API and the reports print numbers the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any


def jsonable(value: Any) -> Any:
    """Return ``value`` as nested dicts, lists, str, int, float, bool and None.

    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> jsonable({"dose_iu": Decimal("42000000"), "dose_mg": Decimal("2.567"),
    ...           "first_dose": dt.date(2026, 4, 6), "doses": (1, 2)})
    {'dose_iu': 42000000, 'dose_mg': 2.567, 'first_dose': '2026-04-06', 'doses': [1, 2]}
    >>> jsonable([float("inf"), float("-inf"), float("nan")])
    ['inf', '-inf', None]
    """
    if isinstance(value, Enum):
        return jsonable(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        if type(to_dict).__name__ == "method" and to_dict.__func__ in _json_to_dicts():
            return to_dict()  # already JSON values: walking them again would change nothing
        return jsonable(to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return jsonable(model_dump(mode="python"))
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if hasattr(value, "dtype") and hasattr(value, "tolist"):  # a NumPy array or scalar
        if getattr(value, "ndim", 0) and value.dtype.kind in "biuf":
            return _numbers(value)
        return jsonable(value.tolist())
    raise TypeError(f"cannot turn {type(value).__name__} into JSON")


def _numbers(array: Any) -> Any:
    """A NumPy array of booleans, integers or floats as (nested) lists, NaN and ±inf as above.

    One ``tolist`` does the conversion; only the non-finite entries, found by the array's own
    comparison (``abs(x) < inf`` is false for NaN and ±inf), are replaced one by one.

    >>> import numpy as np
    >>> jsonable(np.array([0.5, np.nan, np.inf, -np.inf]))
    [0.5, None, 'inf', '-inf']
    >>> jsonable(np.array([[1, 2], [3, 4]], dtype=np.int8))
    [[1, 2], [3, 4]]
    """
    out = array.tolist()
    if array.dtype.kind != "f":
        return out
    bad = ~(abs(array) < math.inf)  # NaN and ±inf
    if not bad.any():
        return out
    if array.ndim > 1:  # rare: replace inside the nested lists row by row
        return [_numbers(row) for row in array]
    for i in bad.nonzero()[0].tolist():
        v = out[i]
        out[i] = None if v != v else ("inf" if v > 0 else "-inf")
    return out


def _json_to_dicts() -> tuple[Any, ...]:
    """The ``to_dict`` methods known to return JSON values only (every field through
    :func:`jsonable`): a result's and a decision's, unless a subclass overrides them."""
    global _KNOWN
    if _KNOWN is None:  # imported on first use: both modules import this one
        from hdil2.core.decision import Decision, Reason
        from hdil2.core.result import Result

        _KNOWN = (Result.to_dict, Decision.to_dict, Reason.to_dict)
    return _KNOWN


_KNOWN: tuple[Any, ...] | None = None
