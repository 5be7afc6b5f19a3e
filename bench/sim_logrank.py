"""Benchmark: the log-rank test of many simulated two-arm trials - hdil2's batch, lifelines, NumPy.

    .venv/bin/python -m pip install -e '.[bench]'     # the peer: lifelines
    .venv/bin/python bench/sim_logrank.py             # 10^5 trials (lifelines: 300)
    .venv/bin/python bench/sim_logrank.py 20000 200   # batch trials, lifelines trials

The trial (issue 15's benchmark): 200 patients randomised 1:1 (alternately), exponential
survival with a control median of 12 months and hazard ratio 0.7 in arm 1, uniform accrual
over 24 months, analysis at month 48 (everyone still alive is censored then), the log-rank test
at the end.  The trials are simulated once (``simulate``, vectorised; its time is printed
apart); then the same trials are analysed by

* (a) a naive loop calling lifelines' ``logrank_test`` once per trial (on the first few
  hundred trials: at a few milliseconds a call, 10^5 would take minutes);
* (b) :func:`reference`, below (not in the package): a small hand-vectorised NumPy log-rank
  for continuous times - one ``argsort`` of each row, then cumulative sums (no ties, no input
  checks);
* (c) hdil2 ``logrank_batch`` (input checked, ties handled), on the whole batch in one call
  and block by block (1,000 trials a call, as ``hdil2.sim``'s engine calls it); also, for
  information, on the same times in whole days (ties: the slower exact path) and with 40 % of
  the patients left out (NaN times, as at an interim look).

Before timing, (b) and (c) agree on every trial (O₁, E₁, V, χ², z to 1e-10) and (a) and (c) on
the lifelines trials (χ² and P to 1e-9).  (b) and (c) are timed round-robin (a busy shared
machine disturbs them alike), the median of 7 rounds after a warm-up; (a) once.  Printed:
trials per second of each and the ratios; the issue's goal is (c) ≥ 1,000× (a) and (c) within
1.5× of (b), i.e. (c)'s time / (b)'s ≤ 1.5.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

PATIENTS = 200
MEDIAN0 = 12.0  # months, control arm
HR = 0.7
ACCRUAL = 24.0  # months, uniform
END = 48.0  # months after the first patient: the analysis
BLOCK = 1_000
ROUNDS = 7


def simulate(trials: int, seed: int = 15) -> tuple[Any, Any, Any]:
    """Times (trials, 200), events (bool) and the arm of each patient (alternate, (200,))."""
    rng = np.random.default_rng(seed)
    arm = np.arange(PATIENTS) % 2
    rate = math.log(2) / MEDIAN0 * np.where(arm == 1, HR, 1.0)
    death = rng.exponential(1.0, (trials, PATIENTS)) / rate
    entry = rng.uniform(0.0, ACCRUAL, (trials, PATIENTS))
    follow = END - entry
    event = death <= follow
    return np.where(event, death, follow), event, arm


def reference(t: Any, e: Any, arm: Any) -> dict[str, Any]:
    """Two-group log-rank O₁, E₁, V, χ², z of each row; continuous times (no ties)."""
    order = np.argsort(t, axis=1)
    es = np.take_along_axis(e, order, axis=1)
    a1 = arm[order] == 1
    n = t.shape[1] - np.arange(t.shape[1])  # at risk at each sorted position
    n1 = np.cumsum(a1[:, ::-1], axis=1)[:, ::-1]  # arm 1 at risk
    p = n1 / n
    observed = np.count_nonzero(es & a1, axis=1).astype(float)
    expected = (es * p).sum(axis=1)
    variance = (es * p * (1 - p)).sum(axis=1)
    z = (observed - expected) / np.sqrt(variance)
    return {"observed": observed, "expected": expected, "variance": variance, "chisq": z * z,
            "z": z}


def lifelines_loop(t: Any, e: Any, arm: Any) -> Any:
    """χ² and P of each trial, one lifelines ``logrank_test`` call per trial."""
    from lifelines.statistics import logrank_test

    g0, g1 = arm == 0, arm == 1
    out = np.empty((t.shape[0], 2))
    for i in range(t.shape[0]):
        r = logrank_test(t[i, g0], t[i, g1], e[i, g0], e[i, g1])
        out[i] = r.test_statistic, r.p_value
    return out


def by_block(fn: Callable[[Any, Any, Any], Any], t: Any, e: Any, arm: Any) -> None:
    for lo in range(0, t.shape[0], BLOCK):
        fn(t[lo:lo + BLOCK], e[lo:lo + BLOCK], arm)


def check_agreement(t: Any, e: Any, arm: Any, n_loop: int) -> None:
    from hdil2.stats.logrank_batch import logrank_batch

    ours = logrank_batch(t, e, arm)
    ref = reference(t, e, arm)
    for name in ("observed", "expected", "variance", "chisq", "z"):
        np.testing.assert_allclose(getattr(ours, name), ref[name], rtol=1e-10, atol=1e-10,
                                   err_msg=name)
    ll = lifelines_loop(t[:n_loop], e[:n_loop], arm)
    np.testing.assert_allclose(ours.chisq[:n_loop], ll[:, 0], rtol=1e-9, err_msg="chisq")
    np.testing.assert_allclose(ours.p_value[:n_loop], ll[:, 1], rtol=1e-9, atol=1e-300,
                               err_msg="p")
    power = float(np.mean((ours.p_value < 0.05) & (ours.z < 0)))
    print(f"agreement checked on {t.shape[0]:,} trials ({n_loop} with lifelines); power "
          f"(two-sided 5%, arm 1 better) {power:.3f}", flush=True)


def main(trials: int, n_loop: int) -> None:
    warnings.simplefilter("ignore")
    from hdil2.stats.logrank_batch import logrank_batch

    t0 = time.perf_counter()
    t, e, arm = simulate(trials)
    sim_s = time.perf_counter() - t0
    print(f"{trials:,} trials of {PATIENTS} patients simulated in {sim_s:.3f} s "
          f"({trials / sim_s:,.0f} trials/s, not counted below)", flush=True)
    check_agreement(t, e, arm, n_loop)

    t0 = time.perf_counter()
    lifelines_loop(t[:n_loop], e[:n_loop], arm)
    loop_s = (time.perf_counter() - t0) / n_loop  # seconds per trial

    days = np.ceil(t * 30.4375)  # the same times in whole days: many ties
    part = np.where(np.random.default_rng(0).random(t.shape) < 0.4, np.nan, t)  # an interim
    fns: dict[str, Callable[[], Any]] = {
        "(b) reference, whole": lambda: reference(t, e, arm),
        "(b) reference, blocks": lambda: by_block(reference, t, e, arm),
        "(c) logrank_batch, whole": lambda: logrank_batch(t, e, arm),
        "(c) logrank_batch, blocks": lambda: by_block(logrank_batch, t, e, arm),
        "(c) blocks, days (ties)": lambda: by_block(logrank_batch, days, e, arm),
        "(c) blocks, 40% left out": lambda: by_block(logrank_batch, part, e, arm),
    }
    for fn in fns.values():
        fn()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(ROUNDS):
        for name, fn in fns.items():
            s0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - s0)
    per = {name: statistics.median(v) / trials for name, v in times.items()}
    per["(a) lifelines loop"] = loop_s
    print(f"{'analysis':<28}{'trials/s':>14}{'µs/trial':>11}")
    for name in ("(a) lifelines loop", *fns):
        print(f"{name:<28}{1 / per[name]:>14,.0f}{1e6 * per[name]:>11.2f}")
    for how in ("whole", "blocks"):
        c = per[f"(c) logrank_batch, {how}"]
        b = per[f"(b) reference, {how}"]
        print(f"{how:<7}(c) vs (a): {loop_s / c:>9,.0f}x faster (goal ≥ 1,000x);  "
              f"(c) / (b) time: {c / b:.2f} (goal ≤ 1.5)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 100_000, args[1] if len(args) > 1 else 300)
