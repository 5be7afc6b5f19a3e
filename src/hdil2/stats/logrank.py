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

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Real, Result
from hdil2.stats._result import why
from hdil2.stats._survdata import as_event, as_labels, as_time

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


def _stratum(t: Any, e: Any, g: Any, k: int, rho: float) -> tuple[Any, Any, Any]:
    import numpy as np

    # One argsort by time; the rows of a distinct time are then contiguous, so the counts per
    # (time, group) are sums over those runs (reduceat), and the number at risk is the
    # reverse cumulative sum.  Only times with an event enter the statistic.
    order = np.argsort(t)
    ts = t[order]
    gs = g.astype(np.int16 if k < 30000 else np.int64)[order]
    es = e.astype(np.int8)[order]
    first = np.empty(ts.size, dtype=bool)
    first[0] = True
    np.not_equal(ts[1:], ts[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    total_d = np.add.reduceat(es, starts, dtype=np.int64)
    keep = total_d > 0
    counts = np.empty((starts.size, k))
    deaths = np.empty((starts.size, k))
    counts[:, k - 1] = np.diff(np.append(starts, ts.size))
    deaths[:, k - 1] = total_d
    for j in range(k - 1):
        ind = (gs == j).view(np.int8)
        counts[:, j] = np.add.reduceat(ind, starts, dtype=np.int64)
        deaths[:, j] = np.add.reduceat(ind & es, starts, dtype=np.int64)
        counts[:, k - 1] -= counts[:, j]
        deaths[:, k - 1] -= deaths[:, j]
    at_risk = np.cumsum(counts[::-1], axis=0)[::-1][keep]
    deaths = deaths[keep]
    m = int(keep.sum())
    nj = at_risk.sum(axis=1)
    dj = deaths.sum(axis=1)
    if rho != 0.0:
        # pooled Kaplan-Meier just before each event time (censor-only times do not move it)
        s = np.cumprod(1.0 - dj / nj)
        w = np.concatenate(([1.0], s[:-1])) ** rho
    else:
        w = np.ones(m)
    obs = (w[:, None] * deaths).sum(axis=0)
    exp_ = ((w * dj / nj)[:, None] * at_risk).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(nj > 1, w * w * dj * (nj - dj) / ((nj - 1) * nj * nj), 0.0)
    var = np.diag((f * nj) @ at_risk) - at_risk.T @ (f[:, None] * at_risk)
    return obs, exp_, var


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
    if not (rho >= 0 and np.isfinite(rho)):
        raise InputError("rho", "must be a finite number ≥ 0", rho)
    if strata is None:
        s, labels = np.zeros(t.size, dtype=np.int64), ["all"]
    else:
        s, labels = as_labels(strata, t.size, "strata")
    k = len(groups)
    obs = np.zeros(k)
    exp_ = np.zeros(k)
    var = np.zeros((k, k))
    if len(labels) == 1:
        obs, exp_, var = _stratum(t, e, g, k, rho)
    else:
        order = np.argsort(s, kind="stable")
        bounds = np.searchsorted(s[order], np.arange(len(labels) + 1))
        for a, b in pairwise(bounds):
            idx = order[a:b]
            o, x, v = _stratum(t[idx], e[idx], g[idx], k, rho)
            obs += o
            exp_ += x
            var += v
    diff = obs - exp_
    df = int((exp_ > 0).sum()) - 1
    if df < 1:
        raise InputError("event", "no events to compare: every group needs some time at risk "
                         "when an event happens")
    try:  # V has rank k − 1: drop the last group (R's survdiff does the same)
        chisq = float(diff[:-1] @ np.linalg.solve(var[:-1, :-1], diff[:-1]))
    except np.linalg.LinAlgError:
        chisq = float(diff @ np.linalg.pinv(var, rcond=1e-10) @ diff)
    p = float(chdtrc(df, chisq))
    n = tuple(int(v) for v in np.bincount(g, minlength=k))
    if strata is None and rho == 0:
        method = "log_rank"
    elif strata is None:
        method = f"harrington_fleming_rho_{rho:g}"
    else:
        method = "stratified_log_rank" if rho == 0 else f"stratified_harrington_fleming_rho_{rho:g}"
    src = "mantel1966" if rho == 0 else "harrington1982"
    text = (f"{method.replace('_', ' ')}: χ² = {chisq:.3f} on {df} df, P = {p:.4g}; "
            + "; ".join(f"{lab}: O {o:.4g} vs E {x:.4g}"
                        for lab, o, x in zip(groups, obs, exp_, strict=True))
            + ("" if strata is None else f" (summed over {len(labels)} strata)"))
    reasons = (why(f"stats.{method}", src, text, rho=rho, groups=[str(x) for x in groups],
                   strata=len(labels)),)
    return LogRank(method, rho, tuple(groups), tuple(labels), n, tuple(obs.tolist()),
                   tuple(exp_.tolist()), tuple(tuple(r) for r in var.tolist()), chisq, df, p,
                   reasons)
