"""Log-rank test, stratified and Harrington-Fleming G-rho weighted (R ``survdiff``).

lifelines has the plain and weighted k-sample tests but no stratified one; this module is one
vectorised implementation of all of them, checked against R ``survival::survdiff`` to 1e-6.

At each distinct event time tⱼ of a stratum, with nⱼₖ at risk and dⱼₖ events in group k
(nⱼ, dⱼ summed over groups) and the weight wⱼ = S(tⱼ−)^ρ, S being the Kaplan-Meier curve of
the pooled stratum just before tⱼ (``harrington1982``; ρ = 0 is the log-rank test of
``mantel1966``, ρ = 1 the Peto-Peto-Prentice-type test):

* observed Oₖ = Σ wⱼ dⱼₖ, expected Eₖ = Σ wⱼ dⱼ nⱼₖ / nⱼ;
* Vₖₗ = Σ wⱼ² dⱼ (nⱼ − dⱼ)/(nⱼ − 1) · (nⱼₖ/nⱼ)(δₖₗ − nⱼₗ/nⱼ).

A stratified test sums O, E and V over strata before forming χ² = (O − E)ᵀ V⁻ (O − E) with
k − 1 degrees of freedom (V⁻ a generalised inverse; groups with no expected events do not
count towards the degrees of freedom, as R).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Real, Result
from hdil2.stats._result import why
from hdil2.stats._survdata import SortedSurvival, as_event, as_labels, as_time, sort_survival

#: a group or stratum label as given: text or a number
Label = str | int | float


@dataclass(frozen=True, slots=True, eq=False)
class LogRank(Result):
    """A k-sample (optionally stratified, optionally weighted) log-rank comparison."""

    method: str
    rho: float
    groups: tuple[Label, ...]  # sorted group labels
    strata: tuple[Label, ...]  # sorted stratum labels ("all" when not stratified)
    n: tuple[int, ...]
    observed: tuple[float, ...]
    expected: tuple[float, ...]
    variance: tuple[tuple[float, ...], ...]
    chisq: Real
    df: int
    p_value: Real
    reasons: tuple[Reason, ...]


def _counts(srt: SortedSurvival, k: int, n_strata: int) -> tuple[Any, Any, list[int], Any]:
    """Numbers at risk and events per group (k × m) at the m distinct times, the rows per
    group, and the stratum of each time (None without strata).

    The keys are sorted by (stratum, time, event, group), so equal keys are the rows of one
    (stratum, time, event, group) cell: the first position of each distinct key gives the cell
    counts (an event × group × time table of integers), and the number at risk is the reverse
    cumulative sum of the rows per time, within the stratum.  Times without an event stay in:
    they add exactly 0 to O, E and V and leave S(t−) as it is.
    """
    import numpy as np

    keys = srt.keys
    n = keys.size
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    pos = new.nonzero()[0]
    q = pos.size
    rows = np.empty(q, dtype=np.intp)
    np.subtract(pos[1:], pos[:-1], out=rows[:-1])
    rows[-1] = n - pos[-1]
    kk = keys[pos]
    tk = kk >> srt.time_shift  # stratum and time
    new_t = np.empty(q, dtype=bool)
    new_t[0] = True
    np.not_equal(tk[1:], tk[:-1], out=new_t[1:])
    cell = np.cumsum(new_t, dtype=np.intp)
    m = int(cell[-1])
    cell -= 1  # the time of each distinct key, 0..m-1
    width = 1 << srt.inner_bits  # the low key bits are event · width + group
    low = np.bitwise_and(kk, 2 * width - 1, dtype=np.intp, casting="unsafe")
    if width != k:  # groups not a power of two: event · k + group
        low = (low >> srt.inner_bits) * k + (low & (width - 1))
    km = k * m
    cell += low >= k  # events after one spare 0 (see below)
    low *= m
    cell += low  # (event · k + group) · m + time (+ 1 for events): one cell per distinct key
    flat = np.zeros(2 * km + 1, dtype=np.intp)
    flat[cell] = rows
    deaths = flat[km + 1:].reshape(k, m)
    total = flat[:km]  # group-major: the rows of group 0 at each time, then group 1 …
    total += deaths.ravel()  # every row per group and time
    # rows at or after each (group, time) in that order, in place, ending on the spare 0: at
    # risk is that count minus the one where the group's row (or the time's stratum) ends
    np.cumsum(total[::-1], out=total[::-1])
    after = flat[:km + 1]
    n = (after[0:km:m] - after[m::m]).tolist()  # rows per group
    stratum = None
    if n_strata == 1:
        end = after[m::m, None]
    else:
        stratum = (tk[new_t] >> srt.time_bits).astype(np.intp)
        ends = np.searchsorted(stratum, np.arange(1, n_strata + 1))[stratum]
        end = after[np.arange(0, km, m)[:, None] + ends]
    at_risk = np.subtract(total.reshape(k, m), end, dtype=float)  # exact: counts < 2⁵³
    return at_risk, deaths, n, stratum


def _weights(nj: Any, dj: Any, stratum: Any, rho: float) -> Any:
    """S(t−)^ρ at each time, S the pooled Kaplan-Meier curve of its stratum."""
    import numpy as np

    w = np.ones(nj.size)
    if rho == 0.0:
        return w
    surv = 1.0 - dj / nj  # exactly 1 at a time without events
    if stratum is None:
        np.cumprod(surv[:-1], out=w[1:])
    else:
        bounds = np.flatnonzero(np.diff(stratum, prepend=-1, append=-1))
        for a, b in pairwise(bounds.tolist()):
            np.cumprod(surv[a:b - 1], out=w[a + 1:b])
    return w ** rho


def logrank_test(time: Any, event: Any, group: Any, *, strata: Any = None,
                 rho: float = 0.0) -> LogRank:
    """Compare the survival of ≥ 2 groups; ``strata`` gives a stratified test.

    ``rho`` selects the G-rho weight S(t−)^ρ (0: log-rank).  Group and stratum labels are
    sorted; the result lists O, E and V in that order.
    """
    import numpy as np
    from scipy.special import chdtrc

    t = as_time(time)
    e = as_event(event, t.size)
    g, groups = as_labels(group, t.size, "group")
    if len(groups) < 2:
        raise InputError("group", "needs at least two groups", len(groups))
    from hdil2.stats.limits import LOGRANK_CELLS, LOGRANK_GROUPS

    if len(groups) > LOGRANK_GROUPS or t.size * len(groups) > LOGRANK_CELLS:
        raise InputError("group", f"{len(groups):,} groups × {t.size:,} rows: at most "
                         f"{LOGRANK_GROUPS:,} groups and rows × groups ≤ {LOGRANK_CELLS:.3g} "
                         "(the test keeps a count per group at every time; is the group "
                         "column a patient identifier?)", len(groups))
    try:
        rho = float(rho)
    except (TypeError, ValueError):
        raise InputError("rho", "must be a number ≥ 0", rho) from None
    if not (rho >= 0 and math.isfinite(rho)):
        raise InputError("rho", "must be a finite number ≥ 0", rho)
    if strata is None:
        s, labels = None, ["all"]
    else:
        s, labels = as_labels(strata, t.size, "strata")
    k = len(groups)
    srt = sort_survival(t, e, inner=g, n_inner=k, outer=s, n_outer=len(labels))
    at_risk, deaths, n_rows, stratum = _counts(srt, k, len(labels))
    nj = at_risk.sum(axis=0)
    dj = deaths.sum(axis=0)
    # f = w² d (n − d) / ((n − 1) n²), 0 where n = 1 (then d (n − d) = 0 too)
    den = np.subtract(nj, 1)
    np.maximum(den, 1, out=den)
    den = den * nj.astype(float)
    den *= nj
    f = np.subtract(nj, dj)
    f *= dj
    f = np.divide(f, den, out=den)
    if rho == 0.0:
        obs = deaths.sum(axis=1).astype(float)
        exp_ = at_risk @ (dj / nj)
    else:
        w = _weights(nj, dj, stratum, rho)
        obs = deaths @ w
        exp_ = at_risk @ (w * dj / nj)
        f *= w * w
    del deaths  # the count table: free it before the variance's k × m product
    var = np.diag(at_risk @ (f * nj)) - (at_risk * f) @ at_risk.T
    # as R's survdiff: the groups with expected events, the first of them left out (V has
    # rank k − 1 on those groups; a group nobody represents at an event time has E = 0)
    used = np.flatnonzero(exp_ > 0)[1:]
    df = int(used.size)
    if df < 1:
        raise InputError("event", "no events to compare: every group needs some time at risk "
                         "when an event happens")
    diff = (obs - exp_)[used]
    if df == 1:  # (O − E)² / V as the 1 × 1 solve computes it; V = 0: no information
        v1, d1 = float(var[used[0], used[0]]), float(diff[0])
        chisq = d1 * (d1 / v1) if v1 > 0 else 0.0
    else:
        v = var[np.ix_(used, used)]
        try:
            chisq = float(diff @ np.linalg.solve(v, diff))
        except np.linalg.LinAlgError:  # e.g. strata that each hold one group: V⁻ generalised
            chisq = float(diff @ np.linalg.pinv(v, rcond=1e-10) @ diff)
    p = float(chdtrc(df, chisq))
    n = tuple(n_rows)
    observed, expected = tuple(obs.tolist()), tuple(exp_.tolist())
    if strata is None and rho == 0:
        method = "log_rank"
    elif strata is None:
        method = f"harrington_fleming_rho_{rho:g}"
    else:
        method = "stratified_log_rank" if rho == 0 else f"stratified_harrington_fleming_rho_{rho:g}"
    src = "mantel1966" if rho == 0 else "harrington1982"
    text = (f"{method.replace('_', ' ')}: χ² = {chisq:.3f} on {df} df, P = {p:.4g}; "
            + "; ".join(f"{lab}: O {o:.4g} vs E {x:.4g}"
                        for lab, o, x in zip(groups, observed, expected, strict=True))
            + ("" if strata is None else f" (summed over {len(labels)} strata)"))
    reasons = (why(f"stats.{method}", src, text, rho=rho, groups=[str(x) for x in groups],
                   strata=len(labels)),)
    return LogRank(method, rho, tuple(groups), tuple(labels), n, observed, expected,
                   tuple(tuple(r) for r in var.tolist()), chisq, df, p, reasons)
