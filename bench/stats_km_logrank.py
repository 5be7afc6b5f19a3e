"""Benchmark: Kaplan-Meier + log-rank at 10^4, 10^5, 10^6 subjects against statsmodels and NumPy.

    .venv/bin/python -m pip install -e '.[bench]'        # the peer: statsmodels
    .venv/bin/python bench/stats_km_logrank.py           # 10^4, 10^5, 10^6
    .venv/bin/python bench/stats_km_logrank.py 10000     # chosen sizes

One call of each, on the data of ``bench/stats_survival.py`` (two groups, exponential times
rounded to 3 decimals so there are ties, exponential censoring), and on the same times in
whole days (``ceil(365.25 t)``: many ties, as registry data in days have):

* hdil2: ``kaplan_meier(t, e)`` then ``logrank_test(t, e, g)`` (each validates its input and
  sorts on its own, as a caller who asks for both gets them);
* statsmodels: ``SurvfuncRight(t, e)`` then ``survdiff(t, e, g)``;
* a plain NumPy reference (:func:`reference`, below, not in the package): one argsort of the
  times, then the Kaplan-Meier curve with Greenwood's standard error and the two-group
  log-rank O, E, V and χ² from run sums, as one would write them;
* one ``np.sort`` of the times: the floor of anything that orders the times.

Before timing, the three agree: hdil2's curve and standard error with the reference's (1e-12)
and statsmodels' (1e-10), its O − E, V and χ² with the reference's and χ² with statsmodels'
(1e-9).  The calls are timed round-robin (so a busy shared machine disturbs them alike), wall
time, the median of 51 rounds at 10^4, 15 at 10^5 and 7 at 10^6 after a warm-up.  Printed:
milliseconds, hdil2 / statsmodels (the issue's goal: ≤ 1.0 at 10^4 and 10^5, ≤ 0.5 at
10^6), hdil2 / reference, and hdil2's Kaplan-Meier alone / one sort (goal ≤ 4 at 10^6).
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stats_survival import data

ROUNDS = {10_000: 51, 100_000: 15, 1_000_000: 7}


def reference(t: Any, e: Any, g: Any) -> dict[str, Any]:
    """Kaplan-Meier and the two-group log-rank test after one argsort (plain NumPy)."""
    order = np.argsort(t)
    ts, es, g1 = t[order], e[order], (g[order] == 1)
    n = ts.size
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(ts[1:], ts[:-1], out=first[1:])
    start = np.flatnonzero(first)
    time_ = ts[start]
    n_risk = n - start
    d = np.add.reduceat(es, start)
    surv = np.cumprod(1.0 - d / n_risk)
    with np.errstate(divide="ignore"):
        se = np.sqrt(np.cumsum(np.where(d > 0, d / (n_risk * (n_risk - d)), 0.0)))
    # group 1: at risk = its rows from this time on; events at this time
    n1 = np.cumsum(np.add.reduceat(g1, start)[::-1])[::-1]
    d1 = np.add.reduceat(g1 & (es == 1), start)
    ev = d > 0
    n_, d_, n1, d1 = n_risk[ev], d[ev], n1[ev], d1[ev]
    o_minus_e = float(np.sum(d1 - d_ * n1 / n_))
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(n_ > 1, d_ * (n_ - d_) / (n_ - 1) * (n1 / n_) * (1 - n1 / n_), 0.0)
    var = float(v.sum())
    return {"time": time_, "surv": surv, "std_err": se, "o_minus_e": o_minus_e, "var": var,
            "chisq": o_minus_e**2 / var}


def check_agreement(t: Any, e: Any, g: Any) -> None:
    """hdil2, statsmodels and the reference give the same curve and test."""
    from statsmodels.duration.survfunc import SurvfuncRight, survdiff

    from hdil2.stats.kaplan_meier import kaplan_meier
    from hdil2.stats.logrank import logrank_test

    ref = reference(t, e, g)
    km = kaplan_meier(t, e)
    lr = logrank_test(t, e, g)
    sm = SurvfuncRight(t, e)
    sm_chisq, _ = survdiff(t, e, g)
    assert np.array_equal(km.time, ref["time"])
    np.testing.assert_allclose(km.surv, ref["surv"], rtol=1e-12, atol=1e-15)
    ok = np.isfinite(ref["std_err"])
    assert np.array_equal(np.isfinite(km.std_err), ok)
    np.testing.assert_allclose(km.std_err[ok], ref["std_err"][ok], rtol=1e-12)
    # statsmodels keeps only the times with an event; its sd is that of S (not of −log S)
    has_event = km.n_event > 0
    np.testing.assert_allclose(km.surv[has_event], sm.surv_prob, rtol=1e-10)
    fin = has_event & np.isfinite(km.std_err) & (km.surv > 0)
    np.testing.assert_allclose((km.surv * km.std_err)[fin], sm.surv_prob_se[fin[has_event]],
                               rtol=1e-10)
    assert abs((lr.observed[1] - lr.expected[1]) - ref["o_minus_e"]) <= 1e-9 * lr.expected[1]
    assert lr.variance[1][1] == np.float64(ref["var"]) or abs(
        lr.variance[1][1] / ref["var"] - 1) < 1e-9
    assert abs(lr.chisq / ref["chisq"] - 1) < 1e-9, (lr.chisq, ref["chisq"])
    assert abs(lr.chisq / sm_chisq - 1) < 1e-9, (lr.chisq, sm_chisq)


def tasks(t: Any, e: Any, g: Any) -> dict[str, Callable[[], Any]]:
    from statsmodels.duration.survfunc import SurvfuncRight, survdiff

    from hdil2.stats.kaplan_meier import kaplan_meier
    from hdil2.stats.logrank import logrank_test

    return {
        "hdil2 KM": lambda: kaplan_meier(t, e),
        "hdil2 log-rank": lambda: logrank_test(t, e, g),
        "statsmodels KM": lambda: SurvfuncRight(t, e),
        "statsmodels log-rank": lambda: survdiff(t, e, g),
        "reference": lambda: reference(t, e, g),
        "np.sort": lambda: np.sort(t),
    }


def run(n: int, days: bool = False) -> dict[str, float]:
    """Median seconds per call of each task at size ``n`` (round-robin rounds)."""
    d = data(n)
    t, e, g = d["time"], d["event"], d["group"]
    if days:
        t = np.ceil(365.25 * t)
    check_agreement(t, e, g)
    fns = tasks(t, e, g)
    for fn in fns.values():
        fn()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(ROUNDS.get(n, 7)):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(v) for name, v in times.items()}


def main(sizes: list[int]) -> None:
    warnings.simplefilter("ignore")
    print(f"{'times':<7}{'n':>9}{'KM ms':>9}{'LR ms':>9}{'hdil2 ms':>10}{'sm ms':>9}"
          f"{'ref ms':>9}{'sort ms':>9}{'hdil2/sm':>10}{'hdil2/ref':>11}{'KM/sort':>9}")
    for days, n in [(days, n) for days in (False, True) for n in sizes]:
        m = run(n, days)
        ours = m["hdil2 KM"] + m["hdil2 log-rank"]
        sm = m["statsmodels KM"] + m["statsmodels log-rank"]
        print(f"{'days' if days else '3 dp':<7}{n:>9}{1e3 * m['hdil2 KM']:>9.3f}"
              f"{1e3 * m['hdil2 log-rank']:>9.3f}"
              f"{1e3 * ours:>10.3f}{1e3 * sm:>9.3f}{1e3 * m['reference']:>9.3f}"
              f"{1e3 * m['np.sort']:>9.3f}{ours / sm:>10.2f}{ours / m['reference']:>11.2f}"
              f"{m['hdil2 KM'] / m['np.sort']:>9.2f}", flush=True)
        print(f"{'':>16}statsmodels KM {1e3 * m['statsmodels KM']:.3f} ms, log-rank "
              f"{1e3 * m['statsmodels log-rank']:.3f} ms", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
