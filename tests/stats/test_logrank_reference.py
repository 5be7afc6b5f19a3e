"""Log-rank (plain, stratified, G-rho) against a straightforward implementation written here.

The R reference tests (test_logrank.py) fix the numbers on real data sets; this test checks
that the vectorised test (one sort of packed 64-bit keys, counts per time and group) equals
the textbook sums on any small data set with ties, censoring, strata and weights.  The
reference loops in plain Python over the strata and, within each, over the distinct event
times tⱼ, with nⱼₖ at risk and dⱼₖ events in group k and the weight wⱼ = S(tⱼ−)^ρ of the
pooled Kaplan-Meier curve of the stratum (Harrington and Fleming 1982, ``harrington1982``):

* Oₖ = Σ wⱼ dⱼₖ, Eₖ = Σ wⱼ dⱼ nⱼₖ/nⱼ,
* Vₖₗ = Σ wⱼ² dⱼ (nⱼ − dⱼ)/(nⱼ − 1) · (nⱼₖ/nⱼ)(δₖₗ − nⱼₗ/nⱼ)  (0 where nⱼ = 1),

summed over strata; χ² as R ``survdiff``: over the groups with E > 0, the first left out,
(O − E)ᵀ V⁻¹ (O − E) on (number of groups with E > 0) − 1 degrees of freedom (a generalised
inverse where V is singular).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import chdtrc

from hdil2.core.errors import InputError
from hdil2.stats.logrank import logrank_test

TOL = 1e-12

TIMES = st.one_of(st.integers(0, 10).map(float), st.sampled_from([0.5, 1e-300, 1e300]))
ROWS = st.lists(st.tuples(TIMES, st.booleans(), st.integers(0, 2), st.integers(0, 2)),
                min_size=2, max_size=40)


def reference(time: list[float], event: list[int], group: list[int], strata: list[int],
              rho: float) -> tuple[list[float], list[float], list[list[float]]]:
    groups = sorted(set(group))
    k = len(groups)
    obs, exp_ = [0.0] * k, [0.0] * k
    var = [[0.0] * k for _ in range(k)]
    for s in sorted(set(strata)):
        rows = [i for i, x in enumerate(strata) if x == s]
        surv = 1.0  # pooled Kaplan-Meier of the stratum just before the event time
        for u in sorted({time[i] for i in rows if event[i]}):
            n_k = [sum(1 for i in rows if time[i] >= u and group[i] == g) for g in groups]
            d_k = [sum(1 for i in rows if time[i] == u and event[i] and group[i] == g)
                   for g in groups]
            n, d = sum(n_k), sum(d_k)
            w = surv ** rho
            for a in range(k):
                obs[a] += w * d_k[a]
                exp_[a] += w * d * n_k[a] / n
                if n > 1:
                    for b in range(k):
                        var[a][b] += (w * w * d * (n - d) / (n - 1) * (n_k[a] / n)
                                      * ((a == b) - n_k[b] / n))
            surv *= 1 - d / n
    return obs, exp_, var


def reference_chisq(obs: list[float], exp_: list[float],
                    var: list[list[float]]) -> tuple[float, int]:
    used = [a for a in range(len(exp_)) if exp_[a] > 0][1:]
    diff = np.array([obs[a] - exp_[a] for a in used])
    v = np.array([[var[a][b] for b in used] for a in used])
    try:
        return float(diff @ np.linalg.solve(v, diff)), len(used)
    except np.linalg.LinAlgError:  # e.g. strata that each hold one group: V = 0
        return float(diff @ np.linalg.pinv(v, rcond=1e-10) @ diff), len(used)


@settings(max_examples=300, deadline=None)
@given(ROWS, st.booleans(), st.sampled_from([0.0, 0.0, 1.0, 0.5, 2.0]))
def test_equals_straightforward_reference(rows: list[tuple[float, bool, int, int]],
                                          stratified: bool, rho: float) -> None:
    time = [r[0] for r in rows]
    event = [int(r[1]) for r in rows]
    group = [r[2] for r in rows]
    strata = [r[3] if stratified else 0 for r in rows]
    obs, exp_, var = reference(time, event, group, strata, rho)
    df = sum(1 for x in exp_ if x > 0) - 1
    call = {"strata": strata if stratified else None, "rho": rho}
    if len(set(group)) < 2 or df < 1:
        with pytest.raises(InputError):
            logrank_test(time, event, group, **call)  # type: ignore[arg-type]
        return
    res = logrank_test(time, event, group, **call)  # type: ignore[arg-type]
    assert res.groups == tuple(sorted(set(group)))
    assert res.n == tuple(group.count(g) for g in res.groups)
    np.testing.assert_allclose(res.observed, obs, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(res.expected, exp_, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(res.variance, var, rtol=TOL, atol=TOL)
    assert res.df == df
    chisq, _ = reference_chisq(obs, exp_, var)
    assert res.chisq == pytest.approx(chisq, rel=TOL, abs=TOL)
    assert res.p_value == pytest.approx(float(chdtrc(df, chisq)), rel=1e-9, abs=TOL)
    assert math.isfinite(res.chisq)
