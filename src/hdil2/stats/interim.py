"""Group sequential efficacy boundaries (Lan-DeMets spending), futility and conditional power.

One-sided efficacy boundaries for K analyses at information fractions 0 < t₁ < … < t_K = 1
(``lan1983``): the boundary cₖ (z scale) is set so that the probability of first crossing at
analysis k under H0 equals α(tₖ) − α(tₖ₋₁), for the spending function

* ``"obrien_fleming"`` (O'Brien-Fleming type, ``obrien1979``): α(t) = 2 − 2Φ(z_{1−α/2}/√t);
* ``"pocock"`` (Pocock type, ``pocock1977``): α(t) = α·log(1 + (e − 1)t).

Crossing probabilities use the canonical joint distribution: the score process W(t) = Z(t)√t
is Brownian motion with drift θ (θ = E[Z] at t = 1), evaluated by recursive numerical
integration on a grid with Simpson's rule (``armitage1969``).  The same machinery gives the
drift θ₁ for power 1 − β, the inflation factor θ₁²/(z_α + z_β)² over a fixed design, the
expected information, and conditional power.

Futility boundaries are non-binding: the efficacy boundaries ignore them (so α is kept if
the trial continues past a futility signal); the power with futility stopping is reported
separately.

Conditional power (``lan1988``): with z observed at information fraction t, the probability
of crossing a later boundary given W(t) = z√t under drift θ.  With only the final analysis
left this is 1 − Φ((c_K − z√t − θ(1 − t)) / √(1 − t)).  θ is the design's alternative
(``"design"``), the current trend z/√t (``"trend"``), 0 (``"null"``) or a number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Annotated, Any, Literal

from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Real, Result
from hdil2.core.sources import Tag
from hdil2.stats._result import check_choice, check_prob, decision_shape, why

Spending = Literal["obrien_fleming", "pocock"]
SPENDING = ("obrien_fleming", "pocock")
_SRC = {"obrien_fleming": "obrien1979", "pocock": "pocock1977"}
_GRID = 32  # grid points per standard deviation of the narrowest kernel


def spent(t: Any, alpha: float, kind: str) -> Any:
    """Cumulative α spent at information fraction(s) ``t`` (0 at t = 0, α at t = 1)."""
    import numpy as np
    from scipy.stats import norm

    t = np.asarray(t, dtype=float)
    if kind == "obrien_fleming":
        with np.errstate(divide="ignore"):
            out = 2.0 * norm.sf(norm.isf(alpha / 2) / np.sqrt(t))
        return np.where(t <= 0, 0.0, out)
    return alpha * np.log1p((math.e - 1.0) * t)


def _simpson(a: float, b: float, h: float) -> tuple[Any, Any]:
    """Simpson nodes and weights on [a, b] with spacing about ``h`` (even number of panels)."""
    import numpy as np

    m = max(2, math.ceil((b - a) / h))
    m += m % 2
    x = np.linspace(a, b, m + 1)
    w = np.ones(m + 1)
    w[1:-1:2] = 4.0
    w[2:-1:2] = 2.0
    return x, w * (b - a) / (3 * m)


class _Recursion:
    """Sub-densities of W(tₖ) on the continuation region, analysis by analysis."""

    def __init__(self, t: Sequence[float], theta: float, start: tuple[float, float] | None
                 = None) -> None:
        self.t = list(t)
        self.theta = theta
        self.start = start  # (t0, w0): condition on W(t0) = w0 (conditional power)
        self.nodes: Any = None  # grid of the previous analysis (None: point mass at start)
        self.dens: Any = None  # density × Simpson weights on the grid
        self.k = 0

    def _prev(self) -> tuple[Any, Any, float]:
        import numpy as np

        t0, w0 = self.start if self.start is not None else (0.0, 0.0)
        if self.nodes is None:
            return np.array([w0]), np.array([1.0]), t0
        return self.nodes, self.dens, self.t[self.k - 1]

    def cross(self, b: float) -> float:
        """P(continue so far and W(tₖ) ≥ b) for the current analysis k."""
        import numpy as np
        from scipy.stats import norm

        x, g, t0 = self._prev()
        dt = self.t[self.k] - t0
        return float(np.sum(g * norm.sf((b - x - self.theta * dt) / math.sqrt(dt))))

    def below(self, a: float) -> float:
        """P(continue so far and W(tₖ) < a)."""
        import numpy as np
        from scipy.stats import norm

        x, g, t0 = self._prev()
        dt = self.t[self.k] - t0
        return float(np.sum(g * norm.cdf((a - x - self.theta * dt) / math.sqrt(dt))))

    def advance(self, lo: float, hi: float) -> None:
        """Keep the paths with lo ≤ W(tₖ) < hi and move to the next analysis."""
        import numpy as np
        from scipy.stats import norm

        x, g, t0 = self._prev()
        tk = self.t[self.k]
        dt = tk - t0
        sd = math.sqrt(dt)
        mean = self.theta * tk
        spread = math.sqrt(tk - (self.start[0] if self.start else 0.0))
        lo = max(lo, mean - 10 * spread) if math.isfinite(lo) else mean - 10 * spread
        hi = min(hi, mean + 10 * spread) if math.isfinite(hi) else mean + 10 * spread
        nxt = self.t[self.k + 1] - tk if self.k + 1 < len(self.t) else dt
        h = min(sd, math.sqrt(nxt)) / _GRID
        if hi <= lo:
            nodes, w = np.array([lo]), np.array([0.0])
        else:
            nodes, w = _simpson(lo, hi, h)
        kern = norm.pdf((nodes[:, None] - x[None, :] - self.theta * dt) / sd) / sd
        self.dens = (kern @ g) * w
        self.nodes = nodes
        self.k += 1


def grid_work(t: Sequence[float], start: float = 0.0) -> float:
    """Kernel products of one pass of the recursion over analyses ``t`` (from ``start``).

    Mirrors :meth:`_Recursion.advance`: analysis k keeps a Simpson grid spanning at most 20
    standard deviations of W(tₖ) with spacing min(√Δtₖ, √Δtₖ₊₁)/32, and the move to the next
    analysis costs (grid size) × (previous grid size) normal densities.  Many analyses, or two
    analyses very close together, make the grids large.
    """
    prev, total = 1.0, 0.0
    for k in range(len(t) - 1):
        t0 = t[k - 1] if k else start
        h = math.sqrt(min(t[k] - t0, t[k + 1] - t[k])) / _GRID
        nodes = math.ceil(20 * math.sqrt(t[k] - start) / h) + 1
        total += nodes * prev
        prev = nodes
    return total + prev


def _check_work(t: Sequence[float], start: float, budget: float, seconds: float,
                field: str) -> None:
    work = grid_work(t, start)
    if work > budget:
        gaps = [b - a for a, b in pairwise([start, *t])]
        raise InputError(field, f"{len(t)} analyses (closest {min(gaps):.3g} apart in "
                         f"information) need {work:.3g} kernel products per pass of the "
                         f"numerical integration: {work / budget:.3g} × the work allowed (a "
                         f"request within it answers in {seconds:g} s); use fewer analyses, or "
                         "space them further apart")


@dataclass(frozen=True, slots=True)
class GroupSequential(Result):
    """A one-sided group sequential design with Lan-DeMets efficacy boundaries."""

    method: str
    spending: str
    alpha: float
    beta: float
    information_rates: tuple[float, ...]
    critical_values: tuple[Real, ...]  # z scale; infinite where no α is left to spend
    nominal_p: tuple[float, ...]  # one-sided nominal P at each boundary
    alpha_spent: tuple[float, ...]  # cumulative
    drift: float  # θ₁: E[Z at t = 1] giving power 1 − β
    inflation_factor: float  # θ₁² / (z_α + z_β)²
    rejection_h1: tuple[float, ...]  # P(reject at analysis k | θ₁)
    expected_information_h0: float  # E[t at stop | H0], fraction of the maximum
    expected_information_h1: float
    futility_z: tuple[float | None, ...]  # non-binding futility boundaries, if any
    power_with_futility: float | None
    futility_stop_h0: float | None  # P(stopping for futility | H0)
    reasons: tuple[Reason, ...]


def _check_rates(rates: Sequence[float]) -> tuple[float, ...]:
    out: list[float] = []
    for i, r in enumerate(rates):
        try:
            v = float(r)
        except (TypeError, ValueError):
            raise InputError(f"information_rates[{i}]", "must be a number", r) from None
        if not 0 < v <= 1 or (out and v <= out[-1]):
            raise InputError(f"information_rates[{i}]", "must increase strictly within (0, 1]",
                             r)
        out.append(v)
    if not out:
        raise InputError("information_rates", "needs at least one analysis")
    if out[-1] != 1.0:
        raise InputError(f"information_rates[{len(out) - 1}]", "the last analysis must be at "
                         "information fraction 1", out[-1])
    return tuple(out)


def _reject_prob(t: Sequence[float], crit: Sequence[float], theta: float,
                 fut: Sequence[float | None] | None = None) -> tuple[list[float], list[float]]:
    """P(reject at k) and P(stop for futility at k) under drift θ."""
    rec = _Recursion(t, theta)
    rej, stop = [], []
    for k, c in enumerate(crit):
        b = c * math.sqrt(t[k])
        rej.append(rec.cross(b))
        f = None if fut is None else fut[k]
        a = -math.inf if f is None or k == len(crit) - 1 else f * math.sqrt(t[k])
        stop.append(0.0 if not math.isfinite(a) else rec.below(a))
        if k < len(crit) - 1:
            rec.advance(a, b)
    return rej, stop


def group_sequential(information_rates: Sequence[float], *, alpha: float = 0.025,
                     beta: float = 0.2, spending: Spending | str = "obrien_fleming",
                     futility_z: Sequence[float | None] | None = None) -> GroupSequential:
    """Efficacy boundaries, drift for power 1 − β, inflation factor and expected information.

    ``alpha`` is one-sided.  ``futility_z`` (optional, one per analysis, None for none; the
    last is ignored) are non-binding futility boundaries on the z scale.
    """
    from scipy.optimize import brentq
    from scipy.stats import norm

    from hdil2.stats.limits import GS_WORK, GS_WORK_SECONDS

    t = _check_rates(information_rates)
    _check_work(t, 0.0, GS_WORK, GS_WORK_SECONDS, "information_rates")
    alpha = check_prob("alpha", alpha)
    if alpha >= 0.5:
        raise InputError("alpha", "must be below 0.5 (one-sided)", alpha)
    beta = check_prob("beta", beta)
    if beta >= 1 - alpha:
        raise InputError("beta", "power must exceed alpha", beta)
    spending = check_choice("spending", spending, SPENDING)
    fut: list[float | None] | None = None
    if futility_z is not None:
        if len(futility_z) != len(t):
            raise InputError("futility_z", f"needs one value per analysis ({len(t)})",
                             len(futility_z))
        fut = []
        for i, f in enumerate(futility_z):
            if f is None:
                fut.append(None)
                continue
            try:
                fz = float(f)
            except (TypeError, ValueError):
                raise InputError(f"futility_z[{i}]", "must be a number or null", f) from None
            if not -40 <= fz <= 40:
                raise InputError(f"futility_z[{i}]", "must be between −40 and 40 (z scale)", f)
            fut.append(fz)
    cum = [float(v) for v in spent(list(t), alpha, spending)]
    cum[-1] = alpha
    rec = _Recursion(t, 0.0)
    crit: list[float] = []
    prev = 0.0
    for k, tk in enumerate(t):
        target = cum[k] - prev
        prev = cum[k]
        sq = math.sqrt(tk)
        if target <= 0:
            c = math.inf
        else:
            c = float(brentq(lambda z, sq=sq, target=target: rec.cross(z * sq) - target,
                             -10.0, 40.0, xtol=1e-14, rtol=1e-15, maxiter=500))
        crit.append(c)
        if k < len(t) - 1:
            rec.advance(-math.inf, c * sq)
    za, zb = float(norm.isf(alpha)), float(norm.isf(beta))

    def power(theta: float) -> float:
        return sum(_reject_prob(t, crit, theta)[0])

    drift = float(brentq(lambda th: power(th) - (1 - beta), 0.0, 3 * (za + zb) + 5,
                         xtol=1e-13, rtol=1e-15, maxiter=500))
    rej1, _ = _reject_prob(t, crit, drift)
    rej0, _ = _reject_prob(t, crit, 0.0)

    def expected_info(rej: list[float]) -> float:
        stop_by = 0.0
        out = 0.0
        for k, tk in enumerate(t[:-1]):
            out += tk * rej[k]
            stop_by += rej[k]
        return out + t[-1] * (1 - stop_by)

    pw_fut = stop0 = None
    if fut is not None:
        rej_f, _ = _reject_prob(t, crit, drift, fut)
        pw_fut = sum(rej_f)
        stop0 = sum(_reject_prob(t, crit, 0.0, fut)[1])
    nominal = tuple(float(norm.sf(c)) for c in crit)
    text = (f"{spending.replace('_', ' ')} type α-spending, one-sided α {alpha:g}: z boundaries "
            + ", ".join(f"{c:.3f} at t={tk:g}" for c, tk in zip(crit, t, strict=True))
            + f"; inflation factor {drift**2 / (za + zb) ** 2:.4f} for power {1 - beta:g}")
    reasons: tuple[Reason, ...] = (
        why("stats.group_sequential.lan_demets", "lan1983", text, alpha=alpha,
            information_rates=list(t), spending=spending),
               why(f"stats.group_sequential.{spending}", _SRC[spending],
                   f"spending function of the {spending.replace('_', ' ')} type"),
               why("stats.group_sequential.recursive_integration", "armitage1969",
                   "crossing probabilities by recursive numerical integration"))
    if fut is not None:
        reasons += (why("stats.group_sequential.futility_non_binding", "lan1988",
                        f"non-binding futility boundaries {fut}: power with futility stopping "
                        f"{pw_fut:.4f}; P(futility stop | H0) {stop0:.4f}"),)
    return GroupSequential(
        "group_sequential_lan_demets", spending, alpha, beta, t, tuple(crit), nominal,
        tuple(cum), drift, drift**2 / (za + zb) ** 2, tuple(rej1), expected_info(rej0),
        expected_info(rej1), tuple(fut) if fut is not None else tuple(None for _ in t),
        pw_fut, stop0, reasons)


# ---- conditional power -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConditionalPower(Result):
    """Conditional power at an interim analysis under several assumptions about θ."""

    z: float
    information: float
    remaining_critical_values: tuple[Real, ...]
    remaining_information: tuple[float, ...]
    design_drift: float | None
    under_design: float | None
    under_trend: float
    under_null: float
    reasons: tuple[Reason, ...]


def conditional_power(z: float, information: float, *, critical_values: Sequence[float],
                      information_rates: Sequence[float],
                      design_drift: float | None = None) -> ConditionalPower:
    """P(crossing a later efficacy boundary | Z = z at information fraction ``information``).

    ``critical_values`` and ``information_rates`` are the analyses still to come (z scale;
    the last at fraction 1).  ``design_drift`` is θ under the design alternative (for a fixed
    design with one-sided α and power 1 − β, z_α + z_β; for a group sequential design, its
    ``drift``).
    """
    try:
        zz = float(z)
    except (TypeError, ValueError):
        raise InputError("z", "must be a number", z) from None
    if not math.isfinite(zz):
        raise InputError("z", "must be finite", z)
    t0 = check_prob("information", information)
    rates = _check_rates(information_rates)
    if rates[0] <= t0:
        raise InputError("information_rates[0]", f"must be later than the interim ({t0:g})",
                         rates[0])
    if len(critical_values) != len(rates):
        raise InputError("critical_values", "needs one value per remaining analysis",
                         len(critical_values))
    from hdil2.stats.limits import CP_WORK, CP_WORK_SECONDS

    _check_work(rates, t0, CP_WORK, CP_WORK_SECONDS, "information_rates")
    crit = []
    for i, c in enumerate(critical_values):
        try:
            crit.append(float(c))
        except (TypeError, ValueError):
            raise InputError(f"critical_values[{i}]", "must be a number", c) from None
        if math.isnan(crit[-1]):
            raise InputError(f"critical_values[{i}]", "must be a number", c)

    def cp(theta: float) -> float:
        rec = _Recursion(rates, theta, start=(t0, zz * math.sqrt(t0)))
        total = 0.0
        for k, c in enumerate(crit):
            b = c * math.sqrt(rates[k])
            total += rec.cross(b)
            if k < len(crit) - 1:
                rec.advance(-math.inf, b)
        return total

    drift: float | None = None
    if design_drift is not None:
        try:
            drift = float(design_drift)
        except (TypeError, ValueError):
            raise InputError("design_drift", "must be a number", design_drift) from None
        if not math.isfinite(drift):
            raise InputError("design_drift", "must be finite", design_drift)
    trend = zz / math.sqrt(t0)
    under_design = None if drift is None else cp(drift)
    res_trend, res_null = cp(trend), cp(0.0)
    text = (f"z = {zz:.3f} at information {t0:g}: conditional power "
            + ("" if under_design is None else f"{under_design:.4f} under the design "
               f"alternative (θ = {drift:.3f}), ")
            + f"{res_trend:.4f} under the current trend (θ = {trend:.3f}), "
            f"{res_null:.4g} under H0")
    return ConditionalPower(zz, t0, tuple(crit), rates, drift, under_design, res_trend,
                            res_null, (why("stats.conditional_power", "lan1988", text, z=zz,
                                           information=t0),))


def futility_decision(cp: ConditionalPower, threshold: float = 0.1,
                      basis: Literal["design", "trend"] = "design") -> Decision[str]:
    """Non-binding futility advice: ``"consider stopping"`` when CP < ``threshold``."""
    threshold = check_prob("threshold", threshold)
    check_choice("basis", basis, ("design", "trend"))
    value = cp.under_design if basis == "design" else cp.under_trend
    if value is None:
        raise InputError("design_drift", "needed for a futility rule on the design alternative")
    inputs = {"conditional_power": value, "threshold": threshold, "basis": basis,
              "information": cp.information}
    if value < threshold:
        return Decision.of("consider stopping for futility", [Reason(
            "interim.futility.conditional_power", "lan1988",
            f"conditional power {value:.3f} under the {basis} assumption is below "
            f"{threshold:g}: the planned effect is unlikely to be shown even with full "
            "accrual (non-binding: α is unaffected if the trial continues)", inputs, Tag.COMPUTED)])
    return Decision.of("continue", [Reason(
        "interim.futility.conditional_power", "lan1988",
        f"conditional power {value:.3f} under the {basis} assumption is at least "
        f"{threshold:g}", inputs, Tag.COMPUTED)])


# ---- interim statistics from data --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InterimStatistic(Result):
    """An interim z statistic (positive favours group 1) with its information fraction."""

    method: str
    z: float
    information: float
    design_drift: float
    reasons: tuple[Reason, ...]


def interim_binary(x1: int, n1: int, x2: int, n2: int, *, planned_n1: int, planned_n2: int,
                   p1: float, p2: float) -> InterimStatistic:
    """z for responders x1/n1 (new) vs x2/n2 (control) at an interim, and the design drift.

    z is the pooled two-proportion statistic (p̂₁ − p̂₂)/√(p̄q̄(1/n₁ + 1/n₂)), positive when
    group 1 does better; the information fraction is (n₁ + n₂)/(planned n₁ + planned n₂); the
    design drift is the expected final z under the design rates p1, p2 with the planned sizes,
    (p1 − p2)/√(p̄q̄(1/N₁ + 1/N₂)) with p̄ the allocation-weighted mean rate (``lan1988``).
    """
    from hdil2.stats._result import check_int

    n1 = check_int("n1", n1, 1)
    n2 = check_int("n2", n2, 1)
    x1 = check_int("x1", x1, 0)
    x2 = check_int("x2", x2, 0)
    if x1 > n1:
        raise InputError("x1", f"must be at most n1 ({n1})", x1)
    if x2 > n2:
        raise InputError("x2", f"must be at most n2 ({n2})", x2)
    big1 = check_int("planned_n1", planned_n1, n1)
    big2 = check_int("planned_n2", planned_n2, n2)
    p1 = check_prob("p1", p1)
    p2 = check_prob("p2", p2)
    pbar = (x1 + x2) / (n1 + n2)
    if pbar in (0.0, 1.0):
        raise InputError("x1", "z is undefined when every or no patient responded")
    z = (x1 / n1 - x2 / n2) / math.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
    pd = (big1 * p1 + big2 * p2) / (big1 + big2)
    drift = (p1 - p2) / math.sqrt(pd * (1 - pd) * (1 / big1 + 1 / big2))
    t = (n1 + n2) / (big1 + big2)
    return InterimStatistic(
        "two_proportions_pooled_z", z, t, drift,
        (why("stats.interim.binary", "lan1988",
             f"{x1}/{n1} vs {x2}/{n2}: z = {z:.3f} at information {t:.3f}; design drift "
             f"{drift:.3f} ({p1:g} vs {p2:g} with {big1} + {big2})", x1=x1, n1=n1, x2=x2,
             n2=n2),))


def interim_survival(z: float, events: int, planned_events: int, hazard_ratio: float,
                     ratio: float = 1.0) -> InterimStatistic:
    """Information fraction and design drift for a log-rank interim analysis.

    ``z`` is the signed log-rank statistic, positive when group 1 does better (e.g. −√χ² when
    group 1 has more events than expected); information = events / planned events; the design
    drift is −log(HR)·√(D·r)/(1 + r) with D the planned events and r = n₁/n₂
    (``schoenfeld1981``), positive for HR < 1.
    """
    from hdil2.stats._result import check_int, check_positive

    try:
        zz = float(z)
    except (TypeError, ValueError):
        raise InputError("z", "must be a number", z) from None
    planned = check_int("planned_events", planned_events, 1)
    d = check_int("events", events, 1)
    if d >= planned:
        raise InputError("events", f"an interim needs fewer than the planned {planned}", d)
    hr = check_positive("hazard_ratio", hazard_ratio)
    r = check_positive("ratio", ratio)
    drift = -math.log(hr) * math.sqrt(planned * r) / (1 + r)
    t = d / planned
    return InterimStatistic(
        "log_rank_z", zz, t, drift,
        (why("stats.interim.survival", "schoenfeld1981",
             f"{d} of {planned} planned events (information {t:.3f}); design drift "
             f"{drift:.3f} for HR {hr:g}", events=d, planned_events=planned),))


# ---- the answer of the conditional-power operation -----------------------------------------

#: the advice of :func:`futility_decision`
FutilityAdvice = Literal["consider stopping for futility", "continue"]


@dataclass(frozen=True, slots=True)
class InterimAnalysis(Result):
    """Conditional power at an interim, the non-binding futility advice and, when the request
    gave the interim counts, the z statistic computed from them."""

    conditional_power: ConditionalPower
    advice: Annotated[Decision[str], decision_shape(FutilityAdvice, "FutilityAdvice")]
    interim: InterimStatistic | None
