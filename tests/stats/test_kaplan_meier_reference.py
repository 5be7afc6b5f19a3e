"""Kaplan-Meier against a straightforward implementation written here, on random small data.

The R reference tests (test_kaplan_meier.py) fix the numbers on real data sets; this test
checks that the vectorised curve (one sort of packed 64-bit keys, run counts) equals the
textbook definition on any data: ties, censoring at event times, zero times, all censored,
all events, times far apart (1e-300 next to 1e300, which no 64-bit key can pack beside a
group), groups of one.  The reference loops over the distinct times in plain Python:

* n at risk = #{time ≥ tᵢ}, d = #{time = tᵢ, event}, c = #{time = tᵢ, censored};
* S = Π (1 − d/n); Greenwood se = √Σ_{d>0} d/(n(n − d)) (infinite once n = d);
* log, log-log and plain intervals as R ``survfit`` (see ``hdil2.stats.kaplan_meier``).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hdil2.stats.kaplan_meier import kaplan_meier, kaplan_meier_groups

TOL = 1e-12

#: times with many ties; 0 and values 600 orders of magnitude apart exercise the key packing
TIMES = st.one_of(st.integers(0, 12).map(float), st.sampled_from([0.5, 2.25, 1e-300, 1e300]))
ROWS = st.lists(st.tuples(TIMES, st.booleans(), st.integers(0, 2)), min_size=1, max_size=40)


def reference_curve(time: list[float], event: list[int], conf_type: str,
                    level: float = 0.95) -> dict[str, list[float]]:
    z = NormalDist().inv_cdf(0.5 + level / 2)
    out: dict[str, list[float]] = {k: [] for k in (
        "time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower", "upper")}
    s, var = 1.0, 0.0
    for u in sorted(set(time)):
        n = sum(1 for t in time if t >= u)
        d = sum(1 for t, e in zip(time, event, strict=True) if t == u and e)
        c = sum(1 for t, e in zip(time, event, strict=True) if t == u and not e)
        s *= 1 - d / n
        if d:
            var = math.inf if n == d else var + d / (n * (n - d))
        se = math.sqrt(var)
        if conf_type == "log":
            lo, hi = s * math.exp(-z * se), min(1.0, s * math.exp(z * se))
            undefined = s == 0
        elif conf_type == "log-log":
            undefined = s in (0.0, 1.0)
            if not undefined:
                ls = math.log(s)
                lo = math.exp(-math.exp(math.log(-ls) - z * se / ls))
                hi = math.exp(-math.exp(math.log(-ls) + z * se / ls))
        else:
            lo, hi = max(0.0, s - z * s * se), min(1.0, s + z * s * se)
            undefined = s == 0
        for key, v in (("time", u), ("n_risk", n), ("n_event", d), ("n_censor", c),
                       ("surv", s), ("std_err", se), ("lower", math.nan if undefined else lo),
                       ("upper", math.nan if undefined else hi)):
            out[key].append(v)
    return out


def reference_quantile(time: list[float], curve: list[float], p: float) -> float | None:
    """R's rule: first time with curve ≤ p; on an exact plateau at p, the segment midpoint."""
    tol = math.sqrt(2.220446049250313e-16)
    for i, y in enumerate(curve):
        if not math.isnan(y) and y <= p + tol:
            if abs(y - p) >= tol:
                return time[i]
            end = next((time[j] for j in range(i + 1, len(curve))
                        if not math.isnan(curve[j]) and curve[j] < y - tol), time[-1])
            return (time[i] + end) / 2
    return None


def assert_same(got: object, want: list[float]) -> None:
    g = np.asarray(got, dtype=float)
    w = np.asarray(want, dtype=float)
    assert g.shape == w.shape
    assert np.array_equal(np.isnan(g), np.isnan(w)), (g, w)
    assert np.array_equal(np.isposinf(g), np.isposinf(w)), (g, w)
    ok = np.isfinite(w)
    np.testing.assert_allclose(g[ok], w[ok], rtol=TOL, atol=TOL)


def assert_curve(km: object, time: list[float], event: list[int], conf_type: str) -> None:
    ref = reference_curve(time, event, conf_type)
    for key, want in ref.items():
        assert_same(getattr(km, key), want)
    assert km.n == len(time)  # type: ignore[attr-defined]
    assert km.events == sum(event)  # type: ignore[attr-defined]
    m = km.median  # type: ignore[attr-defined]
    for got, curve in ((m.estimate, "surv"), (m.lower, "lower"), (m.upper, "upper")):
        want = reference_quantile(ref["time"], ref[curve], 0.5)
        assert got == (None if want is None else pytest.approx(want, rel=TOL))


@settings(max_examples=150, deadline=None)
@given(ROWS, st.sampled_from(["log", "log-log", "plain"]))
def test_curve_equals_straightforward_reference(rows: list[tuple[float, bool, int]],
                                                conf_type: str) -> None:
    time = [r[0] for r in rows]
    event = [int(r[1]) for r in rows]
    assert_curve(kaplan_meier(time, event, conf_type=conf_type), time, event, conf_type)


@settings(max_examples=100, deadline=None)
@given(ROWS, st.sampled_from(["log", "log-log", "plain"]))
def test_group_curves_equal_straightforward_reference(rows: list[tuple[float, bool, int]],
                                                      conf_type: str) -> None:
    time = [r[0] for r in rows]
    event = [int(r[1]) for r in rows]
    group = [["b", "a", "c"][r[2]] for r in rows]
    curves = kaplan_meier_groups(time, event, group, conf_type=conf_type)
    assert list(curves) == sorted(set(group))
    for label, km in curves.items():
        rows_g = [i for i, g in enumerate(group) if g == label]
        assert km.label == label
        assert_curve(km, [time[i] for i in rows_g], [event[i] for i in rows_g], conf_type)
