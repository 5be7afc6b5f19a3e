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
from hdil2.stats._result import (
    Result,
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


def fisher_power(p1: float, p2: float, n1: int, n2: int, alpha: float, sides: int) -> float:
    """Exact power of Fisher's test: Σ P(x1) P(x2) over the tables it rejects."""
    import numpy as np
    from scipy.stats import binom, hypergeom

    b1 = binom.pmf(np.arange(n1 + 1), n1, p1)
    b2 = binom.pmf(np.arange(n2 + 1), n2, p2)
    total = 0.0
    big_n = n1 + n2
    for m in range(big_n + 1):  # total responders: condition on the margin
        lo, hi = max(0, m - n2), min(n1, m)
        x = np.arange(lo, hi + 1)
        pmf = hypergeom.pmf(x, big_n, n1, m)
        if sides == 2:
            # P = Σ pmf[y] over pmf[y] ≤ pmf[x]·(1 + 1e-7) (R's relative tolerance)
            order = np.sort(pmf)
            csum = np.cumsum(order)
            idx = np.searchsorted(order, pmf * (1 + 1e-7), side="right") - 1
            pval = csum[idx]
        else:
            # one-sided in the direction of p1 > p2 (or p1 < p2): P(X ≥ x) or P(X ≤ x)
            pval = np.cumsum(pmf[::-1])[::-1] if p1 > p2 else np.cumsum(pmf)
        rej = pval <= alpha
        if rej.any():
            xs = x[rej]
            total += float(np.sum(b1[xs] * b2[m - xs]))
    return total


def two_proportions_size(p1: float, p2: float, *, alpha: float = 0.05, power: float = 0.8,
                         sides: int = 2, ratio: float = 1.0,
                         method: PropMethod | str = "normal") -> ProportionsSize:
    """Patients per group to detect p1 vs p2 with the given power (n2 = ratio·n1)."""
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
        exact_raw = None
        n1 = max(2, int(raw * 0.7))
        while fisher_power(p1, p2, n1, math.ceil(ratio * n1 - 1e-9), alpha, sides) < power:
            n1 += 1
            if n1 > 20000:
                raise InputError("p2", "exact size above 20,000 per group; use normal")
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
    p1, p2, alpha, _, sides, ratio, method = _check_prop(p1, p2, alpha, 0.5, sides, n2 / n1,
                                                         method)
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
    ratio = check_positive("ratio", ratio)
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
    ratio = check_positive("ratio", ratio)
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


def hazard_from_survival(surv: float, time: float) -> float:
    """Exponential hazard with survival ``surv`` at ``time``: −log(surv)/time."""
    s = check_prob("surv", surv)
    t = check_positive("time", time)
    return -math.log(s) / t
