"""The two-group log-rank test of many trials in one call (R ``survdiff``, vectorised).

A simulated trial is analysed by the log-rank test at its end (and at each interim look);
a simulation runs 10^4 to 10^7 of them.  :func:`logrank_batch` takes T trials of N patients as
(T, N) arrays and computes each trial's test without a Python loop over trials: each row is
sorted once (``argsort`` along the rows) and the counts at each distinct time come from
cumulative sums read at the boundaries of runs of equal times.

At each distinct event time tⱼ of a trial, with nⱼ patients at risk (time ≥ tⱼ), n₁ⱼ of them in
arm 1, dⱼ events, d₁ⱼ of them in arm 1 (``mantel1966``; ties as R ``survdiff`` and
:func:`hdil2.stats.logrank_test`, with the hypergeometric variance):

* observed O₁ = Σ d₁ⱼ, expected E₁ = Σ dⱼ n₁ⱼ / nⱼ;
* variance V = Σ dⱼ (nⱼ − dⱼ)/(nⱼ − 1) · (n₁ⱼ/nⱼ)(1 − n₁ⱼ/nⱼ)  (0 where nⱼ = 1);
* χ² = (O₁ − E₁)² / V on 1 degree of freedom; z = (O₁ − E₁)/√V, signed: negative when arm 1
  has fewer events than expected (arm 1 does better); P = Pr(χ²₁ ≥ χ²) = erfc(√(χ²/2)),
  two-sided.

A trial without information (V = 0: no events, or no patient of one arm at risk at any event
time) has χ² = 0, as R ``survdiff`` gives when fewer than two groups have expected events
("no test"), and P = 1 (R's P in that case comes from a χ² on 0 or −1 degrees of freedom and
is not meaningful); then O₁ = E₁ exactly and z = 0/0 is NaN (written ``null``): a comparison
with NaN is false, so such a trial crosses no efficacy or futility boundary.
:func:`hdil2.stats.logrank_test` refuses such data instead; a batch cannot stop for one
trial of 10^5.

A patient whose time is NaN is not in that trial's analysis (e.g. not yet enrolled at an
interim look): their event and arm are ignored, and ``n`` counts the patients analysed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Result
from hdil2.stats._result import Integers, Numbers, NumbersOrNull, why

#: matrix elements sorted and summed at once: bounds the memory of a call (and keeps the
#: working arrays in cache); a batch larger than this is done in slices of whole trials
_SLICE = 1 << 16


@dataclass(frozen=True, slots=True, eq=False)
class LogRankBatch(Result):
    """The log-rank test of arm 1 against arm 0 in each of T trials (arrays of shape (T,))."""

    method: str
    n: Integers  # patients analysed (time not NaN)
    events: Integers  # events in both arms
    observed: Numbers  # events in arm 1, O₁
    expected: Numbers  # expected events in arm 1, E₁
    variance: Numbers  # V, the hypergeometric variance of O₁ − E₁
    chisq: Numbers
    z: NumbersOrNull  # (O₁ − E₁)/√V: negative = fewer in arm 1 than expected; NaN if V = 0
    p_value: Numbers  # two-sided
    reasons: tuple[Reason, ...]


def _as_flags(values: Any, field: str, shapes: tuple[tuple[int, ...], ...], what: str,
              message: str) -> Any:
    """A NumPy array of one of ``shapes`` holding booleans or numbers (checked 0/1 later)."""
    import numpy as np

    arr = np.asarray(values)
    if arr.shape not in shapes:
        raise InputError(field, f"must have the shape of {what}", arr.shape)
    if arr.dtype.kind not in "biuf":
        raise InputError(field, message)
    return arr


def _bad_flags(arr: Any, skip: Any) -> Any:
    """Where ``arr`` is neither 0 nor 1 (``skip``: cells not checked), or None if nowhere."""

    if arr.dtype.kind == "b" or (arr.dtype.kind in "iu" and arr.min() >= 0 and arr.max() <= 1):
        return None
    ok = (arr == 0) | (arr == 1)
    if skip is not None:
        ok |= skip
    return None if ok.all() else ~ok


def _refuse(field: str, bad: Any, values: Any, message: str, lo: int = 0) -> None:
    import numpy as np

    idx = np.unravel_index(int(np.argmax(bad)), bad.shape)
    cell = ", ".join(str(int(x) + (lo if k == 0 and bad.ndim == 2 else 0))
                     for k, x in enumerate(idx))
    raise InputError(f"{field}[{cell}]", message, float(values[idx]))


_TIME_MSG = "must be a finite number ≥ 0 (or NaN: patient not in the analysis)"
_EVENT_MSG = "must be 0 (censored) or 1 (event)"
_ARM_MSG = "must be 0 or 1 (two arms)"


def _rows(t: Any, e: Any, a: Any, lo: int) -> tuple[Any, ...]:
    """n, events, O₁, E₁ and V of a slice of trials (rows ``lo``…), its input checked.

    Each row is sorted once (its positions gathered from the flat arrays: faster than
    ``take_along_axis``); left-out patients (NaN times) sort last and are masked out.  Where
    every time of the slice is distinct, each position is its own time and dⱼ ∈ {0, 1}, so
    E₁ = Σ d p and V = Σ d p (1 − p) with p = n₁/n at each position (for n = 1, p is 0 or 1:
    no variance); otherwise each run of equal times takes n and n₁ at its first position and
    its d at its last.
    """
    import numpy as np

    rows, m = t.shape
    nan = np.isnan(t)
    if nan.any():
        # left-out patients sort last as +inf (argsort is several times slower on NaN); a
        # given +inf is refused first, so +inf marks exactly the left-out patients
        given_inf = np.isposinf(t)
        if given_inf.any():
            _refuse("time", given_inf, t, _TIME_MSG, lo)
        nv = m - np.count_nonzero(nan, axis=1)
        present = np.arange(m) < nv[:, None]
        t = np.where(nan, np.inf, t)
        skip = nan
    else:
        nv = np.full(rows, m)
        present = skip = None
    order = np.argsort(t, axis=1)
    as_ = np.take(a, order) if a.ndim == 1 else None  # the shared allocation, sorted
    flat = order
    flat += np.arange(0, rows * m, m)[:, None]  # positions in the flat slice
    ts = np.take(t.ravel(), flat)
    # a row's present patients come first, sorted: its first time is its least, its last
    # present time its greatest
    r = np.arange(rows)
    some = nv > 0
    bad_pos = ~(ts[:, 0] >= 0) & some
    bad_pos |= ~(ts[r, np.maximum(nv - 1, 0)] < np.inf) & some
    if bad_pos.any():
        i = int(np.argmax(bad_pos))
        j = 0 if not ts[i, 0] >= 0 else int(nv[i]) - 1
        raise InputError(f"time[{lo + i}, {int(flat[i, j]) - i * m}]", _TIME_MSG,
                         float(ts[i, j]))
    bad = _bad_flags(e, skip)
    if bad is not None:
        _refuse("event", bad, e, _EVENT_MSG, lo)
    es = np.take(e.ravel(), flat).astype(bool, copy=False)
    if as_ is None:
        bad = _bad_flags(a, None)
        if bad is not None:
            _refuse("arm", bad, a, _ARM_MSG, lo)
        as_ = np.take(a.ravel(), flat).astype(bool, copy=False)
    if present is not None:  # the excluded patients: no event, in no arm
        es = es & present
        as_ = as_ & present
    # arm-1 patients up to each position; at risk in arm 1 is the arm's total minus those
    # before it (counts < 2^31: exact in int32, and the cumulative sum is fastest there)
    upto1 = np.cumsum(as_, axis=1, dtype=np.int32)
    a1 = upto1[:, -1:].copy()
    events = np.count_nonzero(es, axis=1)
    observed = np.count_nonzero(es & as_, axis=1).astype(float)
    same = ts[:, 1:] == ts[:, :-1]
    if present is not None:  # the left-out patients (+inf, last) are no tie
        same &= present[:, 1:]
    if not same.any():
        # each position is its own time: n = patients from here on (≥ 1 up to the last
        # present one; the guard only keeps the excluded positions finite)
        den = (m - np.arange(m, dtype=float) if present is None
               else np.maximum(nv[:, None] - np.arange(m, dtype=float), 1.0))
        n1 = np.subtract(a1, upto1, out=upto1)
        n1 += as_
        p = n1 / den
        q = p * es
        expected = q.sum(axis=1)
        q *= p
        variance = expected - q.sum(axis=1)
    else:
        # the first position of each run of equal times, carried along its run: the run's
        # numbers at risk are those at its first position
        first = np.ones((rows, m), dtype=bool)
        np.logical_not(same, out=first[:, 1:])
        start = np.where(first, np.arange(m), 0)
        np.maximum.accumulate(start, axis=1, out=start)
        n = nv[:, None] - start.astype(float)
        start += np.arange(0, rows * m, m)[:, None]
        upto1 -= as_  # arm-1 patients before each position
        n1 = a1 - np.take(upto1.ravel(), start)
        # events of the run up to and including each position: the run's dⱼ at its last
        ev = np.cumsum(es, axis=1, dtype=np.int32)
        d = (ev - np.take((ev - es).ravel(), start)).astype(float)
        last = np.ones((rows, m), dtype=bool)
        np.logical_not(same, out=last[:, :-1])
        p = n1 / np.maximum(n, 1.0)  # excluded positions (n ≤ 0) have no events
        expected = (p * es).sum(axis=1)  # Σ over events of n₁/n at their time = Σ d n₁/n
        f = d * (n - d)
        f /= np.maximum(n - 1.0, 1.0)
        f *= p
        f *= 1.0 - p
        f *= last  # the run's whole dⱼ at its last position only
        variance = f.sum(axis=1)
    return nv, events, observed, expected, variance


def logrank_batch(time: Any, event: Any, arm: Any) -> LogRankBatch:
    """The log-rank test of arm 1 against arm 0 in each row of ``time`` (T trials × N patients).

    ``time`` (T, N): times ≥ 0, NaN for a patient not in that trial's analysis; ``event``
    (T, N): 1 = event, 0 = censored (booleans allowed); ``arm`` (T, N) or (N,) (the same
    allocation in every trial): 0 or 1.  Returns arrays of shape (T,); see the module text
    for the formulas, the sign of z and trials without information.
    """
    import numpy as np
    from scipy.special import erfc

    try:
        t = np.asarray(time, dtype=float)
    except (TypeError, ValueError):
        raise InputError("time", "must be numbers (NaN: patient not in the analysis)") from None
    if t.ndim != 2 or t.shape[0] == 0 or t.shape[1] == 0:
        raise InputError("time", "must be a (trials, patients) array with at least one of "
                         "each", t.shape)
    n_trials, n_pat = t.shape
    e = _as_flags(event, "event", (t.shape,), f"time {t.shape}", _EVENT_MSG)
    a = _as_flags(arm, "arm", (t.shape, (n_pat,)),
                  f"time {t.shape} or one value per patient ({n_pat},)", _ARM_MSG)
    if a.ndim == 1:
        bad = _bad_flags(a, None)
        if bad is not None:
            _refuse("arm", bad, a, _ARM_MSG)
        a = a.astype(bool, copy=False)
    n = np.empty(n_trials, dtype=np.int64)
    events = np.empty(n_trials, dtype=np.int64)
    observed = np.empty(n_trials)
    expected = np.empty(n_trials)
    variance = np.empty(n_trials)
    slices = -(-n_trials * n_pat // _SLICE)  # slices of equal size, each ≤ _SLICE if it can
    step = -(-n_trials // slices)
    for lo in range(0, n_trials, step):
        hi = min(lo + step, n_trials)
        a_s = a if a.ndim == 1 else a[lo:hi]
        (n[lo:hi], events[lo:hi], observed[lo:hi], expected[lo:hi],
         variance[lo:hi]) = _rows(t[lo:hi], e[lo:hi], a_s, lo)
    diff = observed - expected
    info = variance > 0
    safe = np.where(info, variance, 1.0)
    chisq = np.where(info, diff * (diff / safe), 0.0)  # as logrank_test: (O − E)·((O − E)/V)
    z = np.where(info, diff / np.sqrt(safe), np.nan)
    p = erfc(np.sqrt(chisq / 2.0))  # Pr(χ²₁ ≥ χ²), as chdtrc(1, χ²) but 30x faster
    text = (f"log-rank test of arm 1 against arm 0 in each of {n_trials:,} trials of up to "
            f"{n_pat:,} patients: O₁ − E₁ over V, χ² on 1 df; {int((~info).sum()):,} trials "
            "without information (V = 0) have χ² = 0, P = 1 and no z")
    reasons = (why("stats.log_rank_batch", "mantel1966", text, trials=n_trials,
                   patients=n_pat),)
    return LogRankBatch("log_rank", n, events, observed, expected, variance,
                        chisq, z, p, reasons)
