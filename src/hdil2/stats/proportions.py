"""Response rates and 2×2 comparisons: exact intervals and tests (docs/statistics.md).

* :func:`binomial_ci` — Clopper-Pearson exact interval (``clopper1934``; the default: the
  exact interval the IL-2 papers quote, e.g. 0/17 → 0-19.5 % in Lee et al. 2000, ``lee2000``)
  or Wilson score interval without continuity correction (``wilson1927``).
* :func:`rate` — a response rate with its interval.
* :func:`compare_proportions` — two groups: Fisher's exact test, two-sided, summing the
  probabilities of tables no more likely than the observed one (``fisher1935``; R
  ``fisher.test``; this is the test that reproduces the P values the IL-2 papers print, e.g.
  Atkins et al. 2004, ``atkins2004``); Pearson χ² with and without Yates' correction; the sample
  (cross-product) odds ratio and the conditional maximum-likelihood odds ratio with its exact
  interval (as R ``fisher.test``); the risk difference with Wald and Newcombe hybrid-score
  intervals.
* :func:`cochran_armitage` — test for a linear trend in proportions over ordered groups
  (``armitage1955``; the statistic of R ``prop.trend.test``, reported as z).

SciPy supplies the distributions, ``fisher_exact``, ``chi2_contingency`` and
``contingency.odds_ratio`` (conditional MLE and exact interval); this module adds the input
checks, the method names and the reasons.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Real, Result
from hdil2.stats._result import check_choice, check_int, check_level, why

CiMethod = Literal["clopper-pearson", "wilson"]
CI_METHODS: tuple[str, ...] = ("clopper-pearson", "wilson")
_CI_SOURCE = {"clopper-pearson": "clopper1934", "wilson": "wilson1927"}


@dataclass(frozen=True, slots=True)
class Interval(Result):
    """A confidence interval with its level and method (an exact odds-ratio limit may be 0 or
    infinite)."""

    lower: Real
    upper: Real
    level: float
    method: str


def _check_xn(x: int, n: int, fx: str = "x", fn: str = "n") -> tuple[int, int]:
    n = check_int(fn, n, 1)
    x = check_int(fx, x, 0)
    if x > n:
        raise InputError(fx, f"must be ≤ {fn} ({n})", x)
    return x, n


def binomial_ci(x: int, n: int, level: float = 0.95,
                method: CiMethod | str = "clopper-pearson") -> Interval:
    """Two-sided interval for a binomial proportion ``x / n``.

    Clopper-Pearson: the ``(1-level)/2`` and ``(1+level)/2`` quantiles of Beta(x, n-x+1) and
    Beta(x+1, n-x), with 0 and 1 at x = 0 and x = n (``clopper1934``).  Wilson: the score
    interval without continuity correction (``wilson1927``).
    """
    # the Beta quantile is the inverse regularized incomplete beta function, the normal quantile
    # ndtri; scipy.special computes both (equal to scipy.stats' beta.ppf and norm.ppf) without
    # loading scipy.stats, so a rate answers in a fraction of the time
    from scipy.special import betaincinv, ndtri

    x, n = _check_xn(x, n)
    level = check_level(level)
    method = check_choice("method", method, CI_METHODS)
    a = 1.0 - level
    if method == "clopper-pearson":
        lo = 0.0 if x == 0 else float(betaincinv(x, n - x + 1, a / 2))
        hi = 1.0 if x == n else float(betaincinv(x + 1, n - x, 1 - a / 2))
    else:
        z = float(ndtri(1 - a / 2))
        p = x / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        lo = 0.0 if x == 0 else max(0.0, centre - half)
        hi = 1.0 if x == n else min(1.0, centre + half)
    return Interval(lo, hi, level, method)


@dataclass(frozen=True, slots=True)
class Rate(Result):
    """A proportion ``x / n`` with its interval."""

    x: int
    n: int
    estimate: float
    ci: Interval
    reasons: tuple[Reason, ...]


def rate(x: int, n: int, level: float = 0.95,
         method: CiMethod | str = "clopper-pearson") -> Rate:
    """The rate ``x / n`` with a Clopper-Pearson (default) or Wilson interval."""
    ci = binomial_ci(x, n, level, method)
    x, n = int(x), int(n)
    text = (f"{x}/{n} = {100 * x / n:.1f} % ({100 * level:g} % {method} "
            f"{100 * ci.lower:.1f}-{100 * ci.upper:.1f} %)")
    return Rate(x, n, x / n, ci,
                (why(f"stats.binomial_ci.{method}", _CI_SOURCE[method], text,
                     x=x, n=n, level=level),))


@dataclass(frozen=True, slots=True)
class HypothesisTest(Result):
    """A test statistic and its P value."""

    method: str
    statistic: Real | None  # None: the test has no statistic (Fisher); NaN: undefined
    p_value: Real  # NaN (null) where undefined: a χ² with an empty margin
    df: int | None = None


@dataclass(frozen=True, slots=True)
class Estimate(Result):
    """A point estimate with its interval."""

    method: str
    estimate: Real  # an odds ratio with a zero cell is infinite or undefined
    ci: Interval | None


@dataclass(frozen=True, slots=True)
class TwoByTwo(Result):
    """Group 1 (``x1`` of ``n1``) against group 2 (``x2`` of ``n2``).

    ``tests`` holds Fisher two-sided (first: the default), χ² with Yates' correction and χ²
    without; ``estimates`` the risk difference p1 − p2 (Wald and Newcombe intervals), the sample
    odds ratio and the conditional-MLE odds ratio with its exact interval.
    """

    x1: int
    n1: int
    x2: int
    n2: int
    rate1: Rate
    rate2: Rate
    tests: tuple[HypothesisTest, ...]
    estimates: tuple[Estimate, ...]
    reasons: tuple[Reason, ...]

    def test(self, method: str) -> HypothesisTest:
        """The test named ``method``."""
        return next(t for t in self.tests if t.method == method)

    def estimate(self, method: str) -> Estimate:
        """The estimate named ``method``."""
        return next(e for e in self.estimates if e.method == method)

    @property
    def fisher_p(self) -> float:
        return self.test("fisher_exact_two_sided").p_value


def compare_proportions(x1: int, n1: int, x2: int, n2: int,
                        level: float = 0.95) -> TwoByTwo:
    """Compare two proportions in the 2×2 table [[x1, n1−x1], [x2, n2−x2]].

    Fisher's exact test is two-sided by the "probability no larger than observed" rule (R
    ``fisher.test``, SciPy ``fisher_exact``); it reproduces the P = 0.018 Atkins et al. 2004
    (``atkins2004``) print for 22/96 vs 9/96.  χ² statistics are Pearson's with and without
    Yates' correction (1 df).  A χ² with an expected count of zero is undefined (P reported as
    None).  Bounds (:mod:`hdil2.stats.limits`): n1, n2 ≤ 10⁸, and at most 5,000 tables in the
    support of the exact conditional odds ratio.
    """
    import numpy as np
    from scipy.stats import chi2_contingency, fisher_exact, norm
    from scipy.stats.contingency import odds_ratio

    from hdil2.stats.limits import COMPARE_N, COMPARE_SUPPORT

    x1, n1 = _check_xn(x1, n1, "x1", "n1")
    x2, n2 = _check_xn(x2, n2, "x2", "n2")
    level = check_level(level)
    for field, n in (("n1", n1), ("n2", n2)):
        if n > COMPARE_N:
            raise InputError(field, f"must be at most {COMPARE_N:,} (the exact tests' "
                             "arithmetic is bounded; at this size use the χ² test)", n)
    m = x1 + x2
    support = min(n1, n2, m, n1 + n2 - m) + 1
    if support > COMPARE_SUPPORT:
        raise InputError("n1", f"the exact conditional odds ratio would sum {support:,} tables "
                         f"(min(n1, n2, responders, non-responders) + 1); the bound is "
                         f"{COMPARE_SUPPORT:,}", n1)
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    p_fisher = float(fisher_exact(table, alternative="two-sided").pvalue)
    tests = [HypothesisTest("fisher_exact_two_sided", None, p_fisher)]
    for corr, name in ((True, "chi2_yates"), (False, "chi2_pearson")):
        if (table.sum(axis=0) == 0).any():
            tests.append(HypothesisTest(name, math.nan, math.nan, 1))
        else:
            res = chi2_contingency(table, correction=corr)
            tests.append(HypothesisTest(name, float(res.statistic), float(res.pvalue), 1))

    p1, p2 = x1 / n1, x2 / n2
    z = float(norm.ppf(0.5 + level / 2))
    rd = p1 - p2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    w1 = binomial_ci(x1, n1, level, "wilson")
    w2 = binomial_ci(x2, n2, level, "wilson")
    # Newcombe (1998) method 10: hybrid score interval from the two Wilson intervals.
    nlo = rd - math.sqrt((p1 - w1.lower) ** 2 + (w2.upper - p2) ** 2)
    nhi = rd + math.sqrt((w1.upper - p1) ** 2 + (p2 - w2.lower) ** 2)
    a, b, c, d = x1, n1 - x1, x2, n2 - x2
    sample_or = (a * d / (b * c)) if b * c else (math.inf if a * d else math.nan)
    cond = odds_ratio(table, kind="conditional")
    cci = cond.confidence_interval(confidence_level=level, alternative="two-sided")
    estimates = (
        Estimate("risk_difference_wald", rd,
                 Interval(max(-1.0, rd - z * se), min(1.0, rd + z * se), level, "wald")),
        Estimate("risk_difference_newcombe", rd,
                 Interval(nlo, nhi, level, "newcombe_hybrid_score")),
        Estimate("odds_ratio_sample", float(sample_or), None),
        Estimate("odds_ratio_conditional_mle", float(cond.statistic),
                 Interval(float(cci.low), float(cci.high), level, "exact_conditional")),
    )
    reasons = (
        why("stats.fisher_exact_two_sided", "fisher1935",
            f"Fisher exact two-sided P = {p_fisher:.4g} for {x1}/{n1} vs {x2}/{n2} "
            "(tables no more probable than the observed one)", x1=x1, n1=n1, x2=x2, n2=n2),
        why("stats.odds_ratio_conditional_mle", "fisher1935",
            f"conditional MLE odds ratio {float(cond.statistic):.4g} "
            f"({100 * level:g} % exact CI {float(cci.low):.4g}-{float(cci.high):.4g}), "
            f"sample odds ratio {sample_or:.4g}", level=level),
    )
    return TwoByTwo(x1, n1, x2, n2, rate(x1, n1, level), rate(x2, n2, level), tuple(tests),
                    estimates, reasons)


@dataclass(frozen=True, slots=True)
class Trend(Result):
    """Cochran-Armitage test for trend over ordered groups."""

    method: str
    successes: tuple[int, ...]
    totals: tuple[int, ...]
    scores: tuple[float, ...]
    z: float
    chi2: float
    p_value: float
    reasons: tuple[Reason, ...]


def cochran_armitage(successes: Sequence[int], totals: Sequence[int],
                     scores: Sequence[float] | None = None) -> Trend:
    """Cochran-Armitage trend test, two-sided (``armitage1955``).

    With p̄ = Σxᵢ/N: z = Σsᵢ(xᵢ − nᵢp̄) / √(p̄(1−p̄)[Σnᵢsᵢ² − (Σnᵢsᵢ)²/N]); z² is R's
    ``prop.trend.test`` statistic.  Scores default to 0, 1, 2, … in the given group order.  The
    pathology groups of Upton et al. 2005 (``upton2005``), good 14/36, intermediate 15/77, poor
    1/33, give z = −3.69, P = 0.0002 as printed.  At most 10,000 groups.
    """
    from scipy.stats import norm

    if len(successes) != len(totals):
        raise InputError("totals", "must have as many groups as successes", len(totals))
    if len(successes) < 2:
        raise InputError("successes", "needs at least two groups", len(successes))
    from hdil2.stats.limits import TREND_GROUPS

    if len(successes) > TREND_GROUPS:
        raise InputError("successes", f"at most {TREND_GROUPS:,} ordered groups",
                         len(successes))
    xs, ns = [], []
    for i, (x, n) in enumerate(zip(successes, totals, strict=True)):
        xi, ni = _check_xn(x, n, f"successes[{i}]", f"totals[{i}]")
        xs.append(xi)
        ns.append(ni)
    if scores is None:
        ss = [float(i) for i in range(len(xs))]
    else:
        if len(scores) != len(xs):
            raise InputError("scores", "must have one score per group", len(scores))
        ss = []
        for i, s in enumerate(scores):
            try:
                ss.append(float(s))
            except (TypeError, ValueError):
                raise InputError(f"scores[{i}]", "must be a number", s) from None
            if not math.isfinite(ss[-1]):
                raise InputError(f"scores[{i}]", "must be finite", s)
    big_n = sum(ns)
    pbar = sum(xs) / big_n
    t = sum(s * (x - n * pbar) for s, x, n in zip(ss, xs, ns, strict=True))
    sn = sum(n * s for s, n in zip(ss, ns, strict=True))
    var = pbar * (1 - pbar) * (sum(n * s * s for s, n in zip(ss, ns, strict=True))
                               - sn * sn / big_n)
    if var <= 0:
        raise InputError("successes", "trend undefined: all or no successes, or equal scores")
    z = t / math.sqrt(var)
    p = float(2 * norm.sf(abs(z)))
    text = (f"Cochran-Armitage z = {z:.3f}, two-sided P = {p:.2g} over "
            + ", ".join(f"{x}/{n}" for x, n in zip(xs, ns, strict=True)))
    return Trend("cochran_armitage_two_sided", tuple(xs), tuple(ns), tuple(ss), z, z * z, p,
                 (why("stats.cochran_armitage", "armitage1955", text, successes=xs, totals=ns,
                      scores=ss),))
