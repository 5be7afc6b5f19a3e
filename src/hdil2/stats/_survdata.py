"""Checked survival input arrays: times, event indicators, groups and strata.

Times must be finite and ≥ 0; events 0/1 (or booleans); every array the same length.  Bad
input raises :class:`~hdil2.core.errors.InputError` naming the field and the first bad index,
never a silent drop: rows with missing values must be removed by the caller, on purpose.
"""

from __future__ import annotations

from typing import Any

from hdil2.core.errors import InputError


def as_time(values: Any, field: str = "time") -> Any:
    """Finite, non-negative float times as a 1-D array."""
    import numpy as np

    try:
        t = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(field, "must be numbers") from None
    if t.ndim != 1:
        raise InputError(field, "must be a one-dimensional list of times")
    if t.size == 0:
        raise InputError(field, "needs at least one observation")
    bad = ~np.isfinite(t) | (t < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"{field}[{i}]", "must be a finite number ≥ 0", values[i])
    return t


def as_event(values: Any, n: int, field: str = "event") -> Any:
    """0/1 event indicators (1 = event, 0 = censored) as an int8 array of length ``n``."""
    import numpy as np

    try:
        e = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(field, "must be 0 (censored) or 1 (event)") from None
    if e.ndim != 1 or e.size != n:
        raise InputError(field, f"must have one value per time ({n})", e.size)
    bad = ~((e == 0) | (e == 1))
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"{field}[{i}]", "must be 0 (censored) or 1 (event)", values[i])
    return e.astype(np.int8)


def as_labels(values: Any, n: int, field: str) -> tuple[Any, list[Any]]:
    """Integer codes 0..k-1 and the sorted distinct labels of a grouping variable."""
    import numpy as np

    arr = np.asarray(values)
    if arr.ndim != 1 or arr.size != n:
        raise InputError(field, f"must have one value per time ({n})", arr.size)
    if arr.dtype.kind in "iub":  # integers: no missing values possible
        lo, hi = int(arr.min()), int(arr.max())
        if lo == 0 and hi < 64:
            present = np.flatnonzero(np.bincount(arr, minlength=hi + 1))
            if present.size == hi + 1:  # already coded 0..k-1
                return arr, present.tolist()
        if hi - lo <= 1_000_000:  # small range: codes by table lookup, no sort
            present = np.flatnonzero(np.bincount(arr - lo, minlength=hi - lo + 1))
            lookup = np.zeros(hi - lo + 1, dtype=np.int64)
            lookup[present] = np.arange(present.size)
            return lookup[arr - lo], (present + lo).tolist()
        labels, codes = np.unique(arr, return_inverse=True)
        return codes, labels.tolist()
    if arr.dtype.kind == "f":
        bad = np.isnan(arr)
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(f"{field}[{i}]", "is missing; remove the row or give a value")
        labels, codes = np.unique(arr, return_inverse=True)
        return codes, labels.tolist()
    obj = np.asarray(values, dtype=object)
    for i, v in enumerate(obj):
        if v is None or (isinstance(v, float) and v != v):
            raise InputError(f"{field}[{i}]", "is missing; remove the row or give a value")
    out: list[Any] = sorted(set(obj.tolist()), key=lambda v: (str(type(v)), v))
    index = {v: k for k, v in enumerate(out)}
    codes = np.fromiter((index[v] for v in obj.tolist()), dtype=np.int64, count=n)
    return codes, out
