"""Checked survival input arrays (times, event indicators, groups, strata) and their sort.

Times must be finite and ≥ 0; events 0/1 (or booleans); every array the same length.  Bad
input raises :class:`~hdil2.core.errors.InputError` naming the field and the first bad index,
never a silent drop: rows with missing values must be removed by the caller, on purpose.

:func:`sort_survival` orders the rows for the Kaplan-Meier curve and the log-rank test with one
sort of packed integer keys (outer code, time, event, inner code), no argsort: for times ≥ 0
the IEEE 754 bit pattern orders like the value, so the time is an integer key.  It is made
short losslessly (the trailing zero bits every time shares are shifted out, and the smallest
pattern subtracted), which leaves room for the event flag, a group and a stratum beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    if not (t.min() >= 0 and t.max() < np.inf):  # False for NaN
        i = int(np.argmax(~np.isfinite(t) | (t < 0)))
        raise InputError(f"{field}[{i}]", "must be a finite number ≥ 0", float(t[i]))
    return t


def as_event(values: Any, n: int, field: str = "event") -> Any:
    """0/1 event indicators (1 = event, 0 = censored) as an int8 array of length ``n``."""
    import numpy as np

    e = np.asarray(values) if hasattr(values, "dtype") else None
    if (e is not None and e.dtype.kind in "biu" and e.ndim == 1 and e.size == n
            and (e.dtype.kind == "b" or (e.min() >= 0 and e.max() <= 1))):
        return e.astype(np.int8)
    try:
        e = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(field, "must be 0 (censored) or 1 (event)") from None
    if e.ndim != 1 or e.size != n:
        raise InputError(field, f"must have one value per time ({n})", e.size)
    bad = ~((e == 0) | (e == 1))
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"{field}[{i}]", "must be 0 (censored) or 1 (event)", float(e[i]))
    return e.astype(np.int8)


def as_labels(values: Any, n: int, field: str) -> tuple[Any, list[Any]]:
    """Integer codes 0..k-1 and the sorted distinct labels of a grouping variable."""
    import numpy as np

    arr = np.asarray(values)
    if arr.ndim != 1 or arr.size != n:
        raise InputError(field, f"must have one value per time ({n})", arr.size)
    if arr.dtype.kind in "iub":  # integers: no missing values possible
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo <= 1:  # one or two values, both present
            return (arr - lo if lo else arr), list(range(lo, hi + 1))
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


@dataclass(frozen=True, slots=True)
class SortedSurvival:
    """Rows sorted by one packed integer key: (outer, time, event, inner) from high to low bits.

    ``keys`` is the sorted key array (``uint64``, or ``uint32`` when it fits);
    ``time_shift`` the bit position of the time code (the event flag sits just below it, the
    inner code in the ``inner_bits`` below that); ``time_bits`` the width of the time code;
    the outer code sits above it.  :meth:`times` turns time codes back into the times given.
    """

    keys: Any
    time_shift: int
    time_bits: int
    inner_bits: int
    _tz: int
    _base: int
    _zero: bool
    _table: Any

    @property
    def outer_shift(self) -> int:
        return self.time_shift + self.time_bits

    def times(self, codes: Any) -> Any:
        """The times (float64) of time codes (an integer array, outer bits removed)."""
        import numpy as np

        if self._table is not None:
            return self._table[codes.astype(np.intp)]
        out = codes.astype(np.uint64)
        out += self._base
        out <<= self._tz
        out = out.view(np.float64)
        if self._zero:
            out[codes == 0] = 0.0
        return out

    def outer_bounds(self, n_outer: int) -> Any:
        """Where each outer code's rows start in ``keys`` (and the end), n_outer + 1 indices."""
        import numpy as np

        edges = np.arange(1, n_outer, dtype=np.uint64) << self.outer_shift
        inner = np.searchsorted(self.keys, edges.astype(self.keys.dtype))
        return np.concatenate(([0], inner, [self.keys.size]))


def _time_code(t: Any) -> tuple[Any, int, int, bool, int]:
    """Order-preserving, lossless integer codes of times ≥ 0: (codes, tz, base, zero, bits).

    The code of a time with bit pattern b is (b >> tz) − base, tz being the trailing zero bits
    all patterns share; with zeros among positive times, 0 keeps code 0 and the positive times
    start at 1 (base = smallest positive pattern − 1).
    """
    import numpy as np

    b = (t + 0.0).view(np.uint64)  # + 0.0: −0 becomes +0; a new array, changed in place
    hi, lo = int(b.max()), int(b.min())
    every = int(np.bitwise_or.reduce(b))
    tz = (every & -every).bit_length() - 1 if every else 0
    if tz:
        b >>= tz
        hi, lo = hi >> tz, lo >> tz
    zero = lo == 0 and hi > 0
    if zero:
        base = int((b - 1).min())  # 0 − 1 wraps to the largest value: the smallest positive − 1
        np.maximum(b, base, out=b)
    else:
        base = lo
    if base:
        b -= base
    return b, tz, base, zero, (hi - base).bit_length()


def sort_survival(t: Any, e: Any, *, inner: Any = None, n_inner: int = 1, outer: Any = None,
                  n_outer: int = 1) -> SortedSurvival:
    """Sort (``outer``, time, event, ``inner``) with one sort of packed keys.

    ``t`` checked times (:func:`as_time`), ``e`` 0/1 events (:func:`as_event`), ``inner`` and
    ``outer`` integer codes 0..n−1 (:func:`as_labels`) or None.  Within a time, censored rows
    come before events.  If the times span too many binades to share 64 bits with the codes,
    the time code is the rank among the distinct times instead (one ``np.unique``).
    """
    import numpy as np

    inner_bits = (n_inner - 1).bit_length()
    outer_bits = (n_outer - 1).bit_length()
    shift = 1 + inner_bits
    code, tz, base, zero, bits = _time_code(t)
    table = None
    if bits + shift + outer_bits > 64:
        table, rank = np.unique(t + 0.0, return_inverse=True)
        code, bits = rank.astype(np.uint64), (table.size - 1).bit_length()
        if bits + shift + outer_bits > 64:
            raise ValueError("too many distinct times, groups and strata to sort")
    key = code
    key <<= 1
    np.bitwise_or(key, e, out=key, dtype=np.uint64, casting="unsafe")
    if inner_bits:
        key <<= inner_bits
        if inner is not None:
            np.bitwise_or(key, inner, out=key, dtype=np.uint64, casting="unsafe")
    if outer is not None and outer_bits:
        key |= outer.astype(np.uint64) << (bits + shift)
    if bits + shift + outer_bits <= 32:  # a 32-bit sort is about twice as fast
        key = key.astype(np.uint32)
    key.sort()
    return SortedSurvival(key, shift, bits, inner_bits, tz, base, zero, table)
