"""Sample size and power: two proportions and survival (log-rank).

Two proportions, group 1 (n₁ patients, rate p₁) against group 2 (n₂ = k·n₁, rate p₂),
difference Δ = p₁ − p₂, z_a the one- or two-sided critical value, z_b = Φ⁻¹(power):

* ``"normal"`` (pooled variance under H0; ``fleiss1980``, and R rpact ``getSampleSizeRates``):
  n₁ = [z_a √(p̄q̄(1 + 1/k)) + z_b √(p₁q₁ + p₂q₂/k)]² / Δ² with p̄ = (p₁ + k p₂)/(1 + k); power
  inverts it (both tails counted when two-sided).
* ``"normal_cc"``: Fleiss-Tytun-Ury continuity correction n₁′ = n₁/4 · [1 + √(1 + 2(k + 1)/
  (k n₁ |Δ|))]² (``fleiss1980``).
* ``"exact"``: the smallest n₁ whose Fisher exact test (two-sided by the "no more probable"
  rule, or one-sided) has the power, by summing the binomial probabilities of every table
  that rejects (``fisher1935``).

Survival (hazard ratio θ of group 1 to group 2, allocation k = n₂/n₁ … here k = n₁/n₂ is not
used; ``ratio`` = n₁/n₂ as rpact's ``allocationRatioPlanned``):

* events, ``schoenfeld1981``: D = (z_a + z_b)² (1 + r)² / (r (log θ)²), r = n₁/n₂;
* events, ``freedman1982``: D = (z_a + z_b)² (1 + r θ)² / (r (1 − θ)²);
* patients from events: exponential event and drop-out hazards, uniform accrual over
  ``accrual`` then ``follow_up`` more time; P(event) = λ/(λ+η) · (1 − [e^{−(λ+η)f} −
  e^{−(λ+η)(a+f)}] / ((λ+η)a)), averaged over the arms by allocation (as rpact);
* ``lachin1986`` (Lachin-Foulkes): the test of the hazard difference with the same accrual,
  follow-up and drop-out model: n = [z_a √(φ(λ̄)(1/Q₁ + 1/Q₂)) + z_b √(φ(λ₁)/Q₁ + φ(λ₂)/Q₂)]²
  / (λ₁ − λ₂)², φ(λ) = λ² / P(event | λ), Q the allocation fractions, λ̄ = Q₁λ₁ + Q₂λ₂.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Result
from hdil2.stats._result import (
    check_choice,
    check_int,
    check_positive,
    check_prob,
    why,
)

PropMethod = Literal["normal", "normal_cc", "exact"]
PROP_METHODS = ("normal", "normal_cc", "exact")


def _z(alpha: float, sides: int) -> float:
    from scipy.stats import norm

    return float(norm.isf(alpha / sides))


def _check_ratio(ratio: Any) -> float:
    """An allocation ratio between 1/1000 and 1000 (beyond, the arithmetic overflows)."""
    r = check_positive("ratio", ratio)
    if not 1e-3 <= r <= 1e3:
        raise InputError("ratio", "must be between 0.001 and 1000", ratio)
    return r


def _check_sides(sides: Any) -> int:
    s = check_int("sides", sides, 1)
    if s not in (1, 2):
        raise InputError("sides", "must be 1 or 2", sides)
    return s


@dataclass(frozen=True, slots=True)
class ProportionsSize(Result):
    """Sample size or power for comparing two proportions."""

    method: str
    p1: float
    p2: float
    alpha: float
    sides: int
    ratio: float  # n2 / n1
    power: float  # the target (size) or the computed power
    n1: int
    n2: int
    n1_exact: float | None  # the unrounded normal-approximation size, when there is one
    reasons: tuple[Reason, ...]


def _normal_n1(p1: float, p2: float, za: float, zb: float, k: float) -> float:
    d = abs(p1 - p2)
    pbar = (p1 + k * p2) / (1 + k)
    a = za * math.sqrt(pbar * (1 - pbar) * (1 + 1 / k))
    b = zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / k)
    return (a + b) ** 2 / d**2


def _normal_power(p1: float, p2: float, n1: float, za: float, k: float, sides: int) -> float:
    from scipy.stats import norm

    d = abs(p1 - p2)
    pbar = (p1 + k * p2) / (1 + k)
    s0 = math.sqrt(pbar * (1 - pbar) * (1 + 1 / k) / n1)
    s1 = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2) / k) / n1)
    pw = float(norm.cdf((d - za * s0) / s1))
    if sides == 2:
        pw += float(norm.cdf((-d - za * s0) / s1))
    return pw


_SKIP = 1e-17  # responder counts in a binomial tail below this are left out of the power sum


def _fisher_ranges(p1: float, p2: float, n1: int,
                   n2: int) -> tuple[Any, Any, int, int, int, int]:
    """Binomial pmfs and the responder ranges outside which each tail holds < 1e-17."""
    import numpy as np
    from scipy.stats import binom

    out: list[Any] = []
    for n, p in ((n1, p1), (n2, p2)):
        b = binom.pmf(np.arange(n + 1), n, p)
        lower = np.cumsum(b)  # P(X ≤ x), accurate in the lower tail
        upper = np.cumsum(b[::-1])[::-1]  # P(X ≥ x), accurate in the upper tail
        lo = int(np.searchsorted(lower, _SKIP, side="left"))
        hi = int(np.nonzero(upper >= _SKIP)[0][-1])
        out += [b, lo, hi]
    b1, lo1, hi1, b2, lo2, hi2 = out
    return b1, b2, lo1, hi1, lo2, hi2


def fisher_work(p1: float, p2: float, n1: int, n2: int) -> float:
    """Estimated cost units of :func:`fisher_power`.

    20,000 per evaluation, 15 per patient (the binomial and log-factorial arrays), and per
    margin m summed over (about 17 standard deviations of each binomial: the counts whose tails
    hold ≥ 1e-17) 350 plus the table's support.  One unit is about 0.03 µs on the measured
    machine (bench/README.md).
    """
    rows = 1.0
    for n, p in ((n1, p1), (n2, p2)):
        rows += min(n + 1.0, 17 * math.sqrt(n * p * (1 - p)) + 10)
    return 20_000 + 15 * (n1 + n2) + rows * (350 + min(n1, n2) + 1)


def fisher_power(p1: float, p2: float, n1: int, n2: int, alpha: float, sides: int) -> float:
    """Exact power of Fisher's test: Σ P(x1) P(x2) over the tables it rejects.

    For each total number of responders m (conditioning on the margin) the hypergeometric
    probabilities of the table's support come from log-factorials; the two-sided P value sums
    the tables no more probable than the observed one (R ``fisher.test``'s relative tolerance
    1e-7).  Responder counts in a binomial tail of probability below 1e-17 are skipped, so
    the sum leaves out less than 4e-17 of probability: below the rounding of the sum itself.
    """
    import numpy as np
    from scipy.special import gammaln

    b1, b2, lo1, hi1, lo2, hi2 = _fisher_ranges(p1, p2, n1, n2)
    lf = gammaln(np.arange(n1 + n2 + 2, dtype=float))  # log k! = lf[k + 1]
    k1, k2 = np.arange(n1 + 1), np.arange(n2 + 1)
    lc1 = lf[n1 + 1] - lf[k1 + 1] - lf[n1 - k1 + 1]  # log C(n1, x)
    lc2 = lf[n2 + 1] - lf[k2 + 1] - lf[n2 - k2 + 1]
    total = 0.0
    for m in range(lo1 + lo2, hi1 + hi2 + 1):
        lo, hi = max(0, m - n2), min(n1, m)
        a, b = max(lo, lo1, m - hi2), min(hi, hi1, m - lo2)  # x with P(x1)P(m − x1) kept
        if a > b:
            continue
        x = np.arange(lo, hi + 1)
        lp = lc1[x] + lc2[m - x]
        pmf = np.exp(lp - lp.max())
        pmf /= pmf.sum()
        if sides == 2:
            # P = Σ pmf[y] over pmf[y] ≤ pmf[x]·(1 + 1e-7) (R's relative tolerance)
            order = np.sort(pmf)
            csum = np.cumsum(order)
            idx = np.searchsorted(order, pmf * (1 + 1e-7), side="right") - 1
            pval = csum[idx]
        else:
            # one-sided in the direction of p1 > p2 (or p1 < p2): P(X ≥ x) or P(X ≤ x)
            pval = np.cumsum(pmf[::-1])[::-1] if p1 > p2 else np.cumsum(pmf)
        rej = pval[a - lo : b - lo + 1] <= alpha
        if rej.any():
            xs = np.arange(a, b + 1)[rej]
            total += float(np.sum(b1[xs] * b2[m - xs]))
    return total


def exact_search_work(p1: float, p2: float, alpha: float, power: float, sides: int,
                      ratio: float) -> tuple[float, int, int]:
    """(cost units, first n1, expected last n1) of the exact size search, before it runs.

    The search scans n1 upward from 0.7 × the normal-approximation size; it is expected to end
    near the continuity-corrected size (Fisher's test needs about as many patients), so the
    estimate sums :func:`fisher_work` over that range plus a 10 % margin.
    """
    from scipy.stats import norm

    za, zb = _z(alpha, sides), float(norm.ppf(power))
    raw = _normal_n1(p1, p2, za, zb, ratio)
    cc = raw / 4 * (1 + math.sqrt(1 + 2 * (ratio + 1) / (ratio * raw * abs(p1 - p2)))) ** 2
    start = max(2, int(raw * 0.7))
    end = max(start, math.ceil(1.1 * cc) + 2)
    if end > 10**7:  # far beyond any budget: no need to add it up
        return math.inf, start, end
    step = max(1, (end - start) // 200)  # the cost is smooth in n1: sample it
    work = 0.0
    for n1 in range(start, end + 1, step):
        work += step * fisher_work(p1, p2, n1, math.ceil(ratio * n1 - 1e-9))
    return work, start, end


def two_proportions_size(p1: float, p2: float, *, alpha: float = 0.05, power: float = 0.8,
                         sides: int = 2, ratio: float = 1.0,
                         method: PropMethod | str = "normal") -> ProportionsSize:
    """Patients per group to detect p1 vs p2 with the given power (n2 = ratio·n1).

    ``method="exact"`` scans n1 upward from 0.7 × the normal-approximation size (from 2 if
    that is already powered) and evaluates Fisher's exact power at each; the scan's cost is
    estimated before it starts and a search above :data:`hdil2.stats.limits.EXACT_WORK` is
    refused at once (``InputError`` on ``method``).
    """
    from hdil2.stats.limits import EXACT_WORK, EXACT_WORK_SECONDS

    p1, p2, alpha, power, sides, ratio, method = _check_prop(p1, p2, alpha, power, sides, ratio,
                                                             method)
    from scipy.stats import norm

    za, zb = _z(alpha, sides), float(norm.ppf(power))
    raw = _normal_n1(p1, p2, za, zb, ratio)
    if method == "normal_cc":
        raw = raw / 4 * (1 + math.sqrt(1 + 2 * (ratio + 1) / (ratio * raw * abs(p1 - p2)))) ** 2
    n1 = max(1, math.ceil(raw - 1e-9))
    exact_raw: float | None = raw
    if method == "exact":
        work, start, end = exact_search_work(p1, p2, alpha, power, sides, ratio)
        if work > EXACT_WORK:
            raise InputError("method", f"exact: the Fisher search for {p1:g} vs {p2:g} would "
                             f"scan n1 from {start} to about {end}: {work / EXACT_WORK:.3g} × "
                             "the work allowed (a request within it answers in "
                             f"{EXACT_WORK_SECONDS:g} s); use method normal_cc, whose size "
                             "Fisher's test follows closely", method)
        exact_raw = None
        limit = max(2 * end, end + 50)  # a safety stop far beyond the expected end
        n1 = start
        if fisher_power(p1, p2, n1, math.ceil(ratio * n1 - 1e-9), alpha, sides) >= power:
            n1 = 2  # already powered at the start: scan from the bottom for the smallest n1
        while fisher_power(p1, p2, n1, math.ceil(ratio * n1 - 1e-9), alpha, sides) < power:
            n1 += 1
            if n1 > limit:
                raise InputError("method", f"exact: the Fisher search passed n1 = {limit} "
                                 "without reaching the power; use method normal_cc", method)
    n2 = math.ceil(ratio * n1 - 1e-9)
    got = _power_of(p1, p2, n1, n2, alpha, sides, ratio, method)
    text = (f"{method}: {n1} + {n2} patients detect {p1:g} vs {p2:g} with power {got:.3f} "
            f"(target {power:g}, {sides}-sided α {alpha:g})")
    src = "fisher1935" if method == "exact" else "fleiss1980"
    return ProportionsSize(f"two_proportions_{method}", p1, p2, alpha, sides, ratio, got, n1,
                           n2, exact_raw,
                           (why(f"stats.sample_size.two_proportions.{method}", src, text,
                                p1=p1, p2=p2, alpha=alpha, power=power, sides=sides),))


def _power_of(p1: float, p2: float, n1: int, n2: int, alpha: float, sides: int, ratio: float,
              method: str) -> float:
    za = _z(alpha, sides)
    if method == "exact":
        return fisher_power(p1, p2, n1, n2, alpha, sides)
    if method == "normal_cc":
        # invert the Fleiss correction: the uncorrected size equivalent to n1
        n_eq = _uncorrected_from_cc(n1, abs(p1 - p2), ratio)
        return _normal_power(p1, p2, n_eq, za, ratio, sides) if n_eq > 0 else 0.0
    return _normal_power(p1, p2, n1, za, n2 / n1, sides)


def _uncorrected_from_cc(ncc: float, d: float, k: float) -> float:
    """The n whose Fleiss-corrected size is ``ncc`` (monotone; solved in closed form)."""
    # ncc = n/4 (1 + √(1 + c/n))², c = 2(k+1)/(k d)  ⇒  √(4 ncc) = √n + √(n + c)
    c = 2 * (k + 1) / (k * d)
    s = math.sqrt(4 * ncc)
    n = ((s * s - c) / (2 * s)) ** 2
    return n if s * s > c else 0.0


def two_proportions_power(p1: float, p2: float, n1: int, n2: int | None = None, *,
                          alpha: float = 0.05, sides: int = 2,
                          method: PropMethod | str = "normal") -> ProportionsSize:
    """Power of the comparison with n1 and n2 (default n2 = n1) patients."""
    n1 = check_int("n1", n1, 2)
    n2 = n1 if n2 is None else check_int("n2", n2, 2)
    if not 1e-3 <= n2 / n1 <= 1e3:
        raise InputError("n2", f"n2 / n1 must be between 0.001 and 1000 (n1 = {n1})", n2)
    p1, p2, alpha, _, sides, ratio, method = _check_prop(p1, p2, alpha, 0.5, sides, n2 / n1,
                                                         method)
    if method == "exact":
        from hdil2.stats.limits import EXACT_WORK, EXACT_WORK_SECONDS

        work = fisher_work(p1, p2, n1, n2)
        if work > EXACT_WORK:
            raise InputError("n1", f"exact: Fisher's power with {n1} + {n2} patients needs "
                             f"{work / EXACT_WORK:.3g} × the work allowed (a request within it "
                             f"answers in {EXACT_WORK_SECONDS:g} s); use method normal_cc", n1)
    got = _power_of(p1, p2, n1, n2, alpha, sides, ratio, method)
    text = (f"{method}: power {got:.4f} to detect {p1:g} vs {p2:g} with {n1} + {n2} patients "
            f"({sides}-sided α {alpha:g})")
    src = "fisher1935" if method == "exact" else "fleiss1980"
    return ProportionsSize(f"two_proportions_{method}", p1, p2, alpha, sides, ratio, got, n1,
                           n2, None,
                           (why(f"stats.power.two_proportions.{method}", src, text, p1=p1,
                                p2=p2, n1=n1, n2=n2, alpha=alpha, sides=sides),))


def _check_prop(p1: Any, p2: Any, alpha: Any, power: Any, sides: Any, ratio: Any,
                method: Any) -> tuple[float, float, float, float, int, float, str]:
    p1 = check_prob("p1", p1)
    p2 = check_prob("p2", p2)
    if p1 == p2:
        raise InputError("p2", "must differ from p1", p2)
    alpha = check_prob("alpha", alpha)
    power = check_prob("power", power)
    sides = _check_sides(sides)
    ratio = _check_ratio(ratio)
    method = check_choice("method", method, PROP_METHODS)
    return p1, p2, alpha, power, sides, ratio, method


# ---- survival ----------------------------------------------------------------------------

SurvMethod = Literal["schoenfeld", "freedman", "lachin_foulkes"]
SURV_METHODS = ("schoenfeld", "freedman", "lachin_foulkes")


@dataclass(frozen=True, slots=True)
class SurvivalSize(Result):
    """Events and patients for a two-arm log-rank (or hazard-difference) comparison."""

    method: str
    hazard_ratio: float
    lambda1: float | None
    lambda2: float | None
    alpha: float
    sides: int
    power: float
    ratio: float  # n1 / n2 (rpact's allocationRatioPlanned)
    events: float | None
    patients: float | None
    patients_per_arm: tuple[float, float] | None
    event_probability: float | None
    accrual: float | None
    follow_up: float | None
    dropout: float
    reasons: tuple[Reason, ...]


def event_probability(lam: float, accrual: float, follow_up: float,
                      dropout: float = 0.0) -> float:
    """P(event observed) with exponential hazards, uniform accrual, extra follow-up."""
    h = lam + dropout
    if accrual == 0:
        return lam / h * (1 - math.exp(-h * follow_up))
    tail = (math.exp(-h * follow_up) - math.exp(-h * (accrual + follow_up))) / (h * accrual)
    return lam / h * (1 - tail)


def survival_size(*, hazard_ratio: float | None = None, lambda2: float | None = None,
                  lambda1: float | None = None, alpha: float = 0.05, power: float = 0.8,
                  sides: int = 2, ratio: float = 1.0, accrual: float | None = None,
                  follow_up: float | None = None, dropout: float = 0.0,
                  method: SurvMethod | str = "schoenfeld") -> SurvivalSize:
    """Events (and patients, given hazards, accrual and follow-up) for a survival comparison.

    Give ``hazard_ratio`` (group 1 vs group 2) or both hazards ``lambda1`` and ``lambda2``
    (per unit time; a survival S at time t gives λ = −log S / t).  ``dropout`` is an
    exponential drop-out hazard in both arms.  ``lachin_foulkes`` needs the hazards, accrual
    and follow-up.
    """
    from scipy.stats import norm

    alpha = check_prob("alpha", alpha)
    power = check_prob("power", power)
    sides = _check_sides(sides)
    ratio = _check_ratio(ratio)
    method = check_choice("method", method, SURV_METHODS)
    if dropout != 0:
        dropout = check_positive("dropout", dropout)
    if lambda1 is not None:
        lambda1 = check_positive("lambda1", lambda1)
    if lambda2 is not None:
        lambda2 = check_positive("lambda2", lambda2)
    if hazard_ratio is None:
        if lambda1 is None or lambda2 is None:
            raise InputError("hazard_ratio", "give the hazard ratio or both lambda1 and lambda2")
        hazard_ratio = lambda1 / lambda2
    else:
        hazard_ratio = check_positive("hazard_ratio", hazard_ratio)
        if lambda1 is not None and lambda2 is not None and not math.isclose(
                lambda1 / lambda2, hazard_ratio, rel_tol=1e-9):
            raise InputError("hazard_ratio", "disagrees with lambda1 / lambda2", hazard_ratio)
        if lambda2 is not None and lambda1 is None:
            lambda1 = hazard_ratio * lambda2
        elif lambda1 is not None and lambda2 is None:
            lambda2 = lambda1 / hazard_ratio
    if hazard_ratio == 1:
        raise InputError("hazard_ratio", "must differ from 1", hazard_ratio)
    if accrual is not None:
        accrual = float(accrual)
        if not (math.isfinite(accrual) and accrual >= 0):
            raise InputError("accrual", "must be a finite number ≥ 0", accrual)
    if follow_up is not None:
        follow_up = float(follow_up)
        if not (math.isfinite(follow_up) and follow_up >= 0):
            raise InputError("follow_up", "must be a finite number ≥ 0", follow_up)
        if (accrual or 0) + follow_up == 0:
            raise InputError("follow_up", "accrual + follow-up must be positive", follow_up)
    za, zb = _z(alpha, sides), float(norm.ppf(power))
    q1 = ratio / (1 + ratio)
    q2 = 1 - q1
    have_time = (lambda1 is not None and lambda2 is not None and accrual is not None
                 and follow_up is not None)
    events: float | None
    if method == "lachin_foulkes":
        if not have_time:
            raise InputError("follow_up", "lachin_foulkes needs lambda1, lambda2 (or "
                             "hazard_ratio with one hazard), accrual and follow_up")
        assert lambda1 is not None
        assert lambda2 is not None
        assert accrual is not None
        assert follow_up is not None

        def phi(lam: float) -> float:
            return lam * lam / event_probability(lam, accrual, follow_up, dropout)

        lbar = q1 * lambda1 + q2 * lambda2
        n = (za * math.sqrt(phi(lbar) * (1 / q1 + 1 / q2))
             + zb * math.sqrt(phi(lambda1) / q1 + phi(lambda2) / q2)) ** 2 / (
            lambda1 - lambda2) ** 2
        pe = q1 * event_probability(lambda1, accrual, follow_up, dropout) + \
            q2 * event_probability(lambda2, accrual, follow_up, dropout)
        events = n * pe
        patients: float | None = n
    else:
        if method == "schoenfeld":
            events = (za + zb) ** 2 * (1 + ratio) ** 2 / (ratio * math.log(hazard_ratio) ** 2)
        else:
            events = (za + zb) ** 2 * (1 + ratio * hazard_ratio) ** 2 / (
                ratio * (1 - hazard_ratio) ** 2)
        patients, pe = None, None
        if have_time:
            assert lambda1 is not None
            assert lambda2 is not None
            assert accrual is not None
            assert follow_up is not None
            pe = q1 * event_probability(lambda1, accrual, follow_up, dropout) + \
                q2 * event_probability(lambda2, accrual, follow_up, dropout)
            patients = events / pe
    per_arm = None if patients is None else (patients * q1, patients * q2)
    src = {"schoenfeld": "schoenfeld1981", "freedman": "freedman1982",
           "lachin_foulkes": "lachin1986"}[method]
    text = (f"{method}: {events:.1f} events"
            + ("" if patients is None else f", {patients:.1f} patients "
               f"(P(event) {pe:.3f})")
            + f" for HR {hazard_ratio:.4g} with power {power:g}, {sides}-sided α {alpha:g}")
    return SurvivalSize(f"survival_{method}", hazard_ratio, lambda1, lambda2, alpha, sides,
                        power, ratio, events, patients, per_arm, pe, accrual, follow_up,
                        dropout,
                        (why(f"stats.sample_size.survival.{method}", src, text,
                             hazard_ratio=hazard_ratio, alpha=alpha, power=power,
                             sides=sides),))


def hazard_from_survival(surv: float, time: float, surv_field: str = "surv",
                         time_field: str = "time") -> float:
    """Exponential hazard with survival ``surv`` at ``time``: −log(surv)/time.

    Errors name ``surv_field`` and ``time_field`` (the request's ``surv1`` and ``at_time``).
    """
    s = check_prob(surv_field, surv)
    t = check_positive(time_field, time)
    return -math.log(s) / t
