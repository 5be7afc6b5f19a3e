"""Simulated clinical trials and their operating characteristics, with Monte Carlo errors.

Three designs, each a :class:`~hdil2.sim.engine.Simulation` (run it with
:func:`hdil2.sim.engine.run`); every estimate comes with its Monte Carlo standard error
(:class:`Estimate`):

* **Simon two-stage** (:func:`simon_simulation`, ``simon1989``): per trial X1 ~ Bin(n1, p);
  stop for futility if X1 ≤ r1; otherwise X2 ~ Bin(n − n1, p) and reject H0 if X1 + X2 > r.
  Estimates P(reject | p) (the type I error at p0, the power at p1), PET(p) and EN(p); the
  exact values of :func:`hdil2.stats.simon.simon_oc` are reported beside them.
* **Randomized two-arm, binary endpoint** (:func:`two_arm_binary_simulation`): X1 ~ Bin(n1,
  p1) and X2 ~ Bin(n2, p2); the test ``hdil2 design two-proportions`` assumes (``fleiss1980``):
  ``"normal"``, the pooled-variance z test z = (p̂1 − p̂2)/√(p̄q̄(1/n1 + 1/n2)) without
  continuity correction; ``"normal_cc"``, the same with Yates' correction (|p̂1 − p̂2| reduced
  by (1/n1 + 1/n2)/2, not below 0: R's ``prop.test``).  Two-sided: reject when |z| ≥
  z_{α/2}; one-sided: reject when z ≥ z_α, i.e. group 1 (the experimental arm) better.  A
  trial in which every or no patient responded has no z and does not reject.  Beside the
  simulated P(reject), its exact value by enumerating every pair of responder counts (for up
  to :data:`EXACT_CELLS` pairs): the normal-approximation power of ``hdil2 design
  two-proportions`` may differ from it by a few thousandths (e.g. 34 per arm, 0.7 vs 0.4:
  0.7095 by the formula, 0.7040 exactly, two-sided).
* **Randomized two-arm, time to event** (:func:`two_arm_survival_simulation`): n patients,
  n1 = n·r/(1 + r) of them in group 1 (experimental, hazard λ·HR), the others in group 2
  (control, hazard λ); entry uniform over ``accrual``; exponential event times and an
  exponential drop-out hazard in both arms; the final analysis at calendar time accrual +
  follow-up; the log-rank test (``mantel1966``) of every trial at once by
  :func:`hdil2.stats.logrank_batch`.  Interim analyses happen when a trial has observed the
  given fractions of D, the planned events (by default those expected at the final analysis,
  by the formula of ``hdil2 design survival``); the interim is skipped when the trial has
  fewer events by the final analysis.  Efficacy boundaries are Lan-DeMets (``lan1983``) from
  :func:`hdil2.stats.interim.group_sequential` at those planned fractions (the final
  analysis at fraction 1 whatever its events); z is the log-rank z signed positive when group
  1 has fewer events than expected (does better); a two-sided trial rejects when |z| crosses
  the boundary of α/2, a one-sided trial when z crosses that of α; and an
  optional non-binding futility boundary stops a trial whose z (positive: group 1 better) is
  below it.  Estimates: P(reject) (type I error at HR 1, power otherwise), P(reject) at each
  analysis, P(early stop) for efficacy and for futility, the expected number of patients
  enrolled, of events and the expected duration at the analysis that ends the trial.
  Schoenfeld's events formula (``schoenfeld1981``) agrees with the simulated power for 1:1
  allocation; with unequal allocation it is off by about 0.01 (HR 0.85, 1,500 patients:
  2:1 gives 0.695 by the formula and 0.706 ± 0.005 simulated, 1:2 gives 0.706 and 0.697).

Monte Carlo standard errors: √(p̂(1 − p̂)/n) for a proportion, s/√n for a mean (s the sample
standard deviation over the n simulated trials).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Real, Result
from hdil2.sim.engine import BLOCK, Simulation
from hdil2.stats._result import check_choice, check_int, check_positive, check_prob, why

#: patients per simulated two-arm trial at most (a block's arrays are trials × patients)
MAX_PATIENTS = 20_000
#: interim analyses at most (before the final one)
MAX_INTERIMS = 10
_CELLS = 250_000  # trials × patients simulated at once in the survival design (memory bound)


@dataclass(frozen=True, slots=True)
class Estimate(Result):
    """A simulated estimate and its Monte Carlo standard error."""

    estimate: float
    mc_se: float


def _proportion(count: int, n: int) -> Estimate:
    p = count / n
    return Estimate(p, math.sqrt(p * (1 - p) / n))


def _mean(total: float, squares: float, n: int) -> Estimate:
    m = total / n
    var = max(squares / n - m * m, 0.0) * n / (n - 1) if n > 1 else 0.0
    return Estimate(m, math.sqrt(var / n))


def _check_sides(sides: Any) -> int:
    if isinstance(sides, bool) or sides not in (1, 2):
        raise InputError("sides", "must be 1 or 2", sides)
    return int(sides)


# ---- Simon two-stage ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SimonParams:
    r1: int
    n1: int
    r: int
    n: int
    p: float


@dataclass(frozen=True, slots=True)
class SimonSimulation(Result):
    """Simulated operating characteristics of a Simon two-stage design at response rate p."""

    method: str
    r1: int
    n1: int
    r: int
    n: int
    p: float
    trials: int
    reject: Estimate  # P(reject H0 | p): type I error at p0, power at p1
    pet: Estimate  # P(early termination | p) = P(X1 ≤ r1)
    en: Estimate  # expected number of patients
    exact_reject: float
    exact_pet: float
    exact_en: float
    reasons: tuple[Reason, ...]


def _simon_block(params: SimonParams, index: int, size: int, rng: Any) -> dict[str, Any]:
    x1 = rng.binomial(params.n1, params.p, BLOCK)[:size]
    x2 = rng.binomial(params.n - params.n1, params.p, BLOCK)[:size]
    stop = x1 <= params.r1
    reject = ~stop & (x1 + x2 > params.r)
    return {"reject": int(reject.sum()), "stop": int(stop.sum())}


def _simon_finish(params: SimonParams, totals: Mapping[str, Any], n: int) -> SimonSimulation:
    from hdil2.stats.simon import simon_oc

    reject = _proportion(int(totals["reject"]), n)
    pet = _proportion(int(totals["stop"]), n)
    n2 = params.n - params.n1
    en = Estimate(params.n1 + (1 - pet.estimate) * n2, n2 * pet.mc_se)
    x_pet, x_en, x_rej = simon_oc(params.r1, params.n1, params.r, params.n, params.p)
    text = (f"{n:,} simulated trials of {params.r1}/{params.n1}, {params.r}/{params.n} at p "
            f"{params.p:g}: P(reject) {reject.estimate:.4f} ± {reject.mc_se:.4f} (exact "
            f"{x_rej:.4f}), PET {pet.estimate:.4f} ± {pet.mc_se:.4f} (exact {x_pet:.4f}), EN "
            f"{en.estimate:.2f} ± {en.mc_se:.2f} (exact {x_en:.2f})")
    return SimonSimulation(
        "simon_two_stage_simulation", params.r1, params.n1, params.r, params.n, params.p, n,
        reject, pet, en, x_rej, x_pet, x_en,
        (why("sim.trials.simon", "simon1989", text, r1=params.r1, n1=params.n1, r=params.r,
             n=params.n, p=params.p, trials=n),))


def simon_simulation(r1: int, n1: int, r: int, n: int, p: float) -> Simulation:
    """Trials of the Simon design (r1/n1, r/n) with true response rate ``p`` (0 ≤ p ≤ 1)."""
    from hdil2.stats.simon import _check_design

    r1, n1, r, n = _check_design(r1, n1, r, n)
    p = check_prob("p", p, open_=False)
    return Simulation("simon", SimonParams(r1, n1, r, n, p), _simon_block, _simon_finish)


# ---- two arms, binary endpoint -----------------------------------------------------------

BINARY_TESTS = ("normal", "normal_cc")


@dataclass(frozen=True, slots=True)
class BinaryParams:
    p1: float
    p2: float
    n1: int
    n2: int
    alpha: float
    sides: int
    test: str
    critical: float  # z_{α/sides}


@dataclass(frozen=True, slots=True)
class TwoArmBinarySimulation(Result):
    """Simulated power (or type I error when p1 = p2) of a two-arm comparison of rates."""

    method: str
    p1: float
    p2: float
    n1: int
    n2: int
    alpha: float
    sides: int
    test: str
    critical_z: float
    trials: int
    reject: Estimate
    exact_reject: float | None  # every pair of responder counts enumerated (moderate n)
    reasons: tuple[Reason, ...]


def _binary_reject(params: BinaryParams, x1: Any, x2: Any) -> Any:
    """Whether the test rejects with x1 of n1 and x2 of n2 responders (broadcast arrays)."""
    import numpy as np

    n1, n2 = params.n1, params.n2
    d = x1 / n1 - x2 / n2
    pbar = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
    if params.test == "normal_cc":
        d = np.sign(d) * np.maximum(np.abs(d) - (1 / n1 + 1 / n2) / 2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, d / np.where(se > 0, se, 1.0), np.nan)
    stat = np.abs(z) if params.sides == 2 else z
    return stat >= params.critical  # NaN (no z) never rejects


def _binary_block(params: BinaryParams, index: int, size: int, rng: Any) -> dict[str, Any]:
    x1 = rng.binomial(params.n1, params.p1, BLOCK)[:size]
    x2 = rng.binomial(params.n2, params.p2, BLOCK)[:size]
    return {"reject": int(_binary_reject(params, x1, x2).sum())}


#: pairs of responder counts enumerated at most for the exact power beside a simulation
EXACT_CELLS = 4_000_000


def binary_exact_power(params: BinaryParams) -> float | None:
    """P(reject) of the simulated test, exactly: Σ P(X1 = x1) P(X2 = x2) over the pairs of
    counts it rejects (None when there are more than :data:`EXACT_CELLS` pairs)."""
    import numpy as np
    from scipy.stats import binom

    if (params.n1 + 1) * (params.n2 + 1) > EXACT_CELLS:
        return None
    x1 = np.arange(params.n1 + 1)[:, None]
    x2 = np.arange(params.n2 + 1)[None, :]
    w = binom.pmf(x1, params.n1, params.p1) * binom.pmf(x2, params.n2, params.p2)
    return float(np.sum(np.where(_binary_reject(params, x1, x2), w, 0.0)))


def _binary_finish(params: BinaryParams, totals: Mapping[str, Any],
                   n: int) -> TwoArmBinarySimulation:
    reject = _proportion(int(totals["reject"]), n)
    what = "type I error" if params.p1 == params.p2 else "power"
    exact = binary_exact_power(params)
    text = (f"{n:,} simulated trials, {params.p1:g} ({params.n1}) vs {params.p2:g} "
            f"({params.n2}), {params.test} z test, {params.sides}-sided α {params.alpha:g}: "
            f"{what} {reject.estimate:.4f} ± {reject.mc_se:.4f}"
            + ("" if exact is None else f" (exact {exact:.4f})"))
    return TwoArmBinarySimulation(
        "two_arm_binary_simulation", params.p1, params.p2, params.n1, params.n2, params.alpha,
        params.sides, params.test, params.critical, n, reject, exact,
        (why("sim.trials.two_arm_binary", "fleiss1980", text, p1=params.p1, p2=params.p2,
             n1=params.n1, n2=params.n2, alpha=params.alpha, sides=params.sides,
             test=params.test, trials=n),))


def two_arm_binary_simulation(p1: float, p2: float, n1: int, n2: int | None = None, *,
                              alpha: float = 0.05, sides: int = 2,
                              test: str = "normal") -> Simulation:
    """Trials comparing response rates p1 (group 1, n1 patients) and p2 (group 2, n2 = n1 by
    default) with the z test ``test`` (``normal`` or ``normal_cc``)."""
    from scipy.stats import norm

    p1 = check_prob("p1", p1, open_=False)
    p2 = check_prob("p2", p2, open_=False)
    n1 = check_int("n1", n1, 1)
    n2 = n1 if n2 is None else check_int("n2", n2, 1)
    for field, v in (("n1", n1), ("n2", n2)):
        if v > 10**9:
            raise InputError(field, "must be at most 1,000,000,000", v)
    alpha = check_prob("alpha", alpha)
    sides = _check_sides(sides)
    if sides == 1 and alpha >= 0.5:
        raise InputError("alpha", "must be below 0.5 (one-sided)", alpha)
    test = check_choice("test", test, BINARY_TESTS)
    crit = float(norm.isf(alpha / sides))
    return Simulation("two-arm-binary",
                      BinaryParams(p1, p2, n1, n2, alpha, sides, test, crit),
                      _binary_block, _binary_finish)


# ---- two arms, time to event -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SurvivalParams:
    hazard_ratio: float
    control_hazard: float
    n: int
    n1: int  # patients of group 1 (experimental), the first n1 of each trial
    accrual: float
    follow_up: float
    dropout_hazard: float
    alpha: float
    sides: int
    information_rates: tuple[float, ...]  # of the analyses, the last 1
    critical_z: tuple[float, ...]  # efficacy boundaries (z, positive: group 1 better)
    futility_z: tuple[float | None, ...]
    target_events: tuple[int, ...]  # events that trigger each interim analysis
    planned_events: float  # D: the planned events (default: expected at the final analysis)
    spending: str


@dataclass(frozen=True, slots=True)
class TwoArmSurvivalSimulation(Result):
    """Simulated operating characteristics of a randomized two-arm time-to-event trial."""

    method: str
    hazard_ratio: float
    control_hazard: float
    n: int
    n1: int
    n2: int
    accrual: float
    follow_up: float
    dropout_hazard: float
    alpha: float
    sides: int
    spending: str | None
    information_rates: tuple[float, ...]
    interim_events: tuple[int, ...]  # events that trigger each interim
    planned_events: float  # the interims' fractions are of these (default: the events
    # expected at the final analysis with the simulated hazards)
    critical_z: tuple[Real, ...]  # infinite where no α is left to spend
    futility_z: tuple[float | None, ...]
    trials: int
    reject: Estimate  # type I error at HR 1, power otherwise
    reject_by_analysis: tuple[Estimate, ...]
    early_stop: Estimate  # at an interim, for efficacy or futility
    early_efficacy: Estimate
    early_futility: Estimate
    expected_patients: Estimate  # enrolled when the trial ends
    expected_events: Estimate  # observed at the analysis that ends the trial
    expected_duration: Estimate  # calendar time from the start of accrual to that analysis
    reasons: tuple[Reason, ...]


def _logrank_z(time: Any, event: Any, arm: Any) -> Any:
    """Signed log-rank z of each trial, positive when group 1 (arm 1) has fewer events than
    expected, i.e. does better; NaN time = not in the analysis."""
    from hdil2.stats.logrank_batch import logrank_batch

    return -logrank_batch(time, event, arm).z


def _survival_part(params: SurvivalParams, rng: Any, draw: int, m: int, arm: Any,
                   lam: Any) -> dict[str, Any]:
    """Draw ``draw`` trials (always the same draws for a part) and return the statistics of
    the first ``m``."""
    import numpy as np

    n = params.n
    k_all = len(params.information_rates)
    entry = (rng.uniform(0.0, params.accrual, size=(draw, n))[:m] if params.accrual > 0 else
             np.zeros((m, n)))
    t_ev = rng.exponential(1.0, size=(draw, n))[:m] / lam
    t_drop = (rng.exponential(1.0, size=(draw, n))[:m] / params.dropout_hazard
              if params.dropout_hazard > 0 else np.full((m, n), np.inf))
    end = params.accrual + params.follow_up
    cal = np.where(t_ev <= t_drop, entry + t_ev, np.inf)  # calendar time of each event
    taus = []
    if k_all > 1:
        srt = np.sort(cal, axis=1)
        for target in params.target_events:
            tau = srt[:, target - 1] if target <= n else np.full(m, np.inf)
            taus.append(np.minimum(tau, end))
    taus.append(np.full(m, end))
    active = np.ones(m, dtype=bool)
    reject = np.zeros(m, dtype=bool)
    stop_tau = np.full(m, end)
    stop_events = np.zeros(m)
    by = np.zeros(k_all, dtype=np.int64)
    early_eff = early_fut = 0
    for k, tau in enumerate(taus):
        final = k == k_all - 1
        happens = active if final else active & (tau < end)
        if not happens.any():
            continue
        rows = np.nonzero(happens)[0]
        t_k = tau[rows][:, None]
        e_k = entry[rows]
        inside = e_k < t_k
        event = (cal[rows] <= t_k) & inside
        obs = np.where(event, t_ev[rows], np.minimum(t_drop[rows], t_k - e_k))
        time = np.where(inside, obs, np.nan)
        z = _logrank_z(time, event, arm)
        stat = np.abs(z) if params.sides == 2 else z
        with np.errstate(invalid="ignore"):
            eff = stat >= params.critical_z[k]  # NaN (no events) never rejects
            fut = params.futility_z[k]
            futile = (~eff & (z < fut)) if (fut is not None and not final) else \
                np.zeros(rows.size, dtype=bool)
        stops = eff | futile | final
        idx = rows[stops]
        reject[rows[eff]] = True
        by[k] += int(eff.sum())
        if not final:
            early_eff += int(eff.sum())
            early_fut += int(futile.sum())
        stop_tau[idx] = tau[idx]
        stop_events[idx] = event[stops].sum(axis=1)
        active[idx] = False
    enrolled = (entry < stop_tau[:, None]).sum(axis=1).astype(float)
    if params.accrual == 0:
        enrolled = np.full(m, float(n))
    return {"reject": int(reject.sum()), "by": by, "early_eff": early_eff,
            "early_fut": early_fut, "n_sum": float(enrolled.sum()),
            "n_sq": float((enrolled**2).sum()), "ev_sum": float(stop_events.sum()),
            "ev_sq": float((stop_events**2).sum()), "dur_sum": float(stop_tau.sum()),
            "dur_sq": float((stop_tau**2).sum())}


def _survival_block(params: SurvivalParams, index: int, size: int, rng: Any) -> dict[str, Any]:
    import numpy as np

    from hdil2.sim.engine import add_up

    arm = np.zeros(params.n, dtype=np.int8)
    arm[: params.n1] = 1
    lam = np.where(arm == 1, params.control_hazard * params.hazard_ratio,
                   params.control_hazard)
    per = max(1, min(BLOCK, _CELLS // params.n))  # trials per part: a fixed draw order
    parts: list[Mapping[str, Any]] = []
    done = 0
    while done < size:  # parts wholly past ``size`` would be dropped: they are not drawn
        draw = min(per, BLOCK - done)
        parts.append(_survival_part(params, rng, draw, min(draw, size - done), arm, lam))
        done += draw
    return add_up(parts)


def _survival_finish(params: SurvivalParams, totals: Mapping[str, Any],
                     n: int) -> TwoArmSurvivalSimulation:
    reject = _proportion(int(totals["reject"]), n)
    by = tuple(_proportion(int(c), n) for c in totals["by"])
    eff = _proportion(int(totals["early_eff"]), n)
    fut = _proportion(int(totals["early_fut"]), n)
    early = _proportion(int(totals["early_eff"]) + int(totals["early_fut"]), n)
    pts = _mean(totals["n_sum"], totals["n_sq"], n)
    ev = _mean(totals["ev_sum"], totals["ev_sq"], n)
    dur = _mean(totals["dur_sum"], totals["dur_sq"], n)
    what = "type I error" if params.hazard_ratio == 1 else "power"
    interims = len(params.information_rates) - 1
    text = (f"{n:,} simulated trials, HR {params.hazard_ratio:g}, {params.n} patients "
            f"({params.n1} + {params.n - params.n1}), log-rank {params.sides}-sided α "
            f"{params.alpha:g}" + (f" with {interims} interim analyses" if interims else "")
            + f": {what} {reject.estimate:.4f} ± {reject.mc_se:.4f}; E(N) "
            f"{pts.estimate:.1f} ± {pts.mc_se:.1f}, E(events) {ev.estimate:.1f} ± "
            f"{ev.mc_se:.1f}, E(duration) {dur.estimate:.2f} ± {dur.mc_se:.2f}")
    reasons = [why("sim.trials.two_arm_survival", "mantel1966", text,
                   hazard_ratio=params.hazard_ratio, n=params.n, alpha=params.alpha,
                   sides=params.sides, trials=n)]
    if interims:
        reasons.append(why("sim.trials.group_sequential", "lan1983",
                           f"Lan-DeMets {params.spending.replace('_', ' ')} type efficacy "
                           "boundaries (z) " + ", ".join(
                               f"{c:.3f} at information {t:g}" for c, t in
                               zip(params.critical_z, params.information_rates, strict=True))
                           + f"; interims at {', '.join(map(str, params.target_events))} "
                           f"events of {params.planned_events:.1f} planned",
                           information_rates=list(params.information_rates)))
    return TwoArmSurvivalSimulation(
        "two_arm_survival_simulation", params.hazard_ratio, params.control_hazard, params.n,
        params.n1, params.n - params.n1, params.accrual, params.follow_up,
        params.dropout_hazard, params.alpha, params.sides,
        params.spending if interims else None, params.information_rates,
        params.target_events, params.planned_events, params.critical_z, params.futility_z, n,
        reject, by, early, eff, fut, pts, ev, dur, tuple(reasons))


def _check_time(field: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(field, "must be a number", value) from None
    if not (math.isfinite(v) and v >= 0):
        raise InputError(field, "must be a finite number ≥ 0", value)
    return v


def two_arm_survival_simulation(
        hazard_ratio: float, *, n: int, control_median: float | None = None,
        control_hazard: float | None = None, ratio: float = 1.0, accrual: float,
        follow_up: float, dropout_hazard: float = 0.0, alpha: float = 0.05, sides: int = 2,
        interim_fractions: Sequence[float] = (), spending: str = "obrien_fleming",
        futility_z: Sequence[float | None] | None = None,
        planned_events: float | None = None) -> Simulation:
    """Trials of a randomized two-arm time-to-event comparison (see the module doc).

    ``hazard_ratio`` is group 1 (experimental) to group 2 (control); the control hazard is
    given directly or as a median (λ = log 2 / median); ``ratio`` = n1/n2 as in ``hdil2 design
    survival``.  ``interim_fractions`` (increasing, in (0, 1)) are the fractions of
    ``planned_events`` at which interim analyses happen (default: the events expected at the
    final analysis with the simulated hazards; give the design's own number when simulating a
    scenario other than the design's, e.g. HR 1 for the type I error, so that the interims
    come at the same event counts); ``spending`` is
    ``obrien_fleming`` or ``pocock``; ``futility_z`` gives one non-binding futility boundary
    (z, positive: group 1 better; None for none) per interim.  Two-sided trials use α/2 on
    each side.
    """
    from scipy.stats import norm

    from hdil2.stats.interim import SPENDING, group_sequential
    from hdil2.stats.sample_size import event_probability

    hr = check_positive("hazard_ratio", hazard_ratio)
    if (control_median is None) == (control_hazard is None):
        raise InputError("control_median", "give the control arm's median or its hazard "
                         "(exactly one)")
    if control_median is not None:
        lam = math.log(2) / check_positive("control_median", control_median)
    else:
        lam = check_positive("control_hazard", control_hazard)
    n = check_int("n", n, 2)
    if n > MAX_PATIENTS:
        raise InputError("n", f"must be at most {MAX_PATIENTS:,} patients per trial", n)
    r = check_positive("ratio", ratio)
    if not 1e-3 <= r <= 1e3:
        raise InputError("ratio", "must be between 0.001 and 1000", ratio)
    n1 = math.floor(n * r / (1 + r) + 0.5)
    if not 1 <= n1 <= n - 1:
        raise InputError("ratio", f"leaves an arm without patients with n = {n}", ratio)
    accrual = _check_time("accrual", accrual)
    follow_up = _check_time("follow_up", follow_up)
    if accrual + follow_up == 0:
        raise InputError("follow_up", "accrual + follow-up must be positive", follow_up)
    drop = 0.0 if dropout_hazard == 0 else check_positive("dropout_hazard", dropout_hazard)
    alpha = check_prob("alpha", alpha)
    sides = _check_sides(sides)
    if alpha / sides >= 0.5:
        raise InputError("alpha", "must be below 0.5 (one-sided)", alpha)
    spending = check_choice("spending", spending, SPENDING)
    fr: list[float] = []
    for i, f in enumerate(interim_fractions):
        try:
            v = float(f)
        except (TypeError, ValueError):
            raise InputError(f"interim_fractions[{i}]", "must be a number", f) from None
        if not 0 < v < 1 or (fr and v <= fr[-1]):
            raise InputError(f"interim_fractions[{i}]", "must increase strictly within (0, 1)",
                             f)
        fr.append(v)
    if len(fr) > MAX_INTERIMS:
        raise InputError("interim_fractions", f"at most {MAX_INTERIMS} interim analyses",
                         len(fr))
    fut: list[float | None] = [None] * len(fr)
    if futility_z is not None:
        if len(futility_z) != len(fr):
            raise InputError("futility_z", f"needs one value per interim analysis ({len(fr)})",
                             len(futility_z))
        for i, fz in enumerate(futility_z):
            if fz is None:
                continue
            try:
                v = float(fz)
            except (TypeError, ValueError):
                raise InputError(f"futility_z[{i}]", "must be a number or null", fz) from None
            if not -40 <= v <= 40:
                raise InputError(f"futility_z[{i}]", "must be between −40 and 40", fz)
            fut[i] = v
    n2 = n - n1
    expected = (n1 * event_probability(lam * hr, accrual, follow_up, drop)
                + n2 * event_probability(lam, accrual, follow_up, drop))
    if planned_events is not None:
        expected = check_positive("planned_events", planned_events)
    targets = tuple(max(1, math.ceil(f * expected - 1e-9)) for f in fr)
    rates = (*fr, 1.0)
    if fr:
        crit = tuple(float(c) for c in group_sequential(
            rates, alpha=alpha / sides, spending=spending).critical_values)
    else:
        crit = (float(norm.isf(alpha / sides)),)
    params = SurvivalParams(hr, lam, n, n1, accrual, follow_up, drop, alpha, sides, rates, crit,
                            (*fut, None), targets, expected, spending)
    return Simulation("two-arm-survival", params, _survival_block, _survival_finish)
