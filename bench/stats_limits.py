"""Benchmark: the bounds of the stats/design requests (hdil2.stats.limits, issue 8 item 15).

    .venv/bin/python bench/stats_limits.py            # every bound, largest accepted request
    .venv/bin/python bench/stats_limits.py --before   # also the old exact Fisher power

For each bound: the time of a request just under it (its estimated work as a fraction of the
budget is printed), and the time hdil2 takes to refuse one over it.  The stated seconds of each
bound (``*_SECONDS`` in hdil2.stats.limits) should be about twice the measured time.  With
``--before``, the exact Fisher power of the first implementation (a SciPy ``hypergeom.pmf``
call per margin, every margin) is timed against the current one on the same groups, and both
values are printed to show they agree.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from hdil2.core.errors import InputError
from hdil2.stats import limits


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def refused(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    try:
        fn()
    except InputError:
        return time.perf_counter() - start
    raise AssertionError("not refused")


def old_fisher_power(p1: float, p2: float, n1: int, n2: int, alpha: float, sides: int) -> float:
    """The first implementation: every margin, SciPy's hypergeometric pmf each time."""
    import numpy as np
    from scipy.stats import binom, hypergeom

    b1 = binom.pmf(np.arange(n1 + 1), n1, p1)
    b2 = binom.pmf(np.arange(n2 + 1), n2, p2)
    total = 0.0
    for m in range(n1 + n2 + 1):
        x = np.arange(max(0, m - n2), min(n1, m) + 1)
        pmf = hypergeom.pmf(x, n1 + n2, n1, m)
        if sides == 2:
            order = np.sort(pmf)
            csum = np.cumsum(order)
            pval = csum[np.searchsorted(order, pmf * (1 + 1e-7), side="right") - 1]
        else:
            pval = np.cumsum(pmf[::-1])[::-1] if p1 > p2 else np.cumsum(pmf)
        rej = pval <= alpha
        if rej.any():
            total += float(np.sum(b1[x[rej]] * b2[m - x[rej]]))
    return total


def main(before: bool) -> None:
    from hdil2.stats.interim import conditional_power, grid_work, group_sequential
    from hdil2.stats.proportions import compare_proportions
    from hdil2.stats.sample_size import (
        exact_search_work,
        fisher_power,
        fisher_work,
        two_proportions_power,
        two_proportions_size,
    )
    from hdil2.stats.simon import _ump_min_n, search_work, simon_designs, simon_inference

    simon_designs(0.1, 0.3, nmax=40)  # imports and caches
    rows: list[tuple[str, float, float, float, str]] = []

    w = exact_search_work(0.576, 0.5, 0.05, 0.8, 2, 1.0)[0] / limits.EXACT_WORK
    rows.append(("exact size 0.576 vs 0.5", w,
                 timed(lambda: two_proportions_size(0.576, 0.5, method="exact")),
                 refused(lambda: two_proportions_size(0.51, 0.5, method="exact")),
                 "0.51 vs 0.50"))
    w = fisher_work(0.5, 0.45, 40_000, 40_000) / limits.EXACT_WORK
    rows.append(("exact power 40,000 + 40,000", w,
                 timed(lambda: two_proportions_power(0.5, 0.45, 40_000, method="exact")),
                 refused(lambda: two_proportions_power(0.5, 0.45, 50_000, method="exact")),
                 "50,000 + 50,000"))
    nlo = _ump_min_n(0.5, 0.7, 0.05, 0.2, 206)
    w = sum(search_work(0.5, 0.7, 0.05, 0.2, 206, nlo).values()) / limits.SIMON_WORK
    rows.append(("Simon 0.5 vs 0.7, nmax 206", w,
                 timed(lambda: simon_designs(0.5, 0.7, nmax=206)),
                 refused(lambda: simon_designs(0.1, 0.3, nmax=1000)), "0.1 vs 0.3, nmax 1000"))
    n = limits.SIMON_DESIGN_N
    rows.append((f"Simon inference, n = {n:,}", 1.0,
                 timed(lambda: simon_inference(n // 20, n // 4, n // 5, n, 0.15, n // 20 + 5,
                                               n // 5 - n // 20)),
                 refused(lambda: simon_inference(10, 100, 2000, 10**7, 0.1, 20, 30)),
                 "n = 10⁷"))
    rates = [i / 12 for i in range(1, 13)]
    rows.append(("group sequential, 12 looks", grid_work(rates) / limits.GS_WORK,
                 timed(lambda: group_sequential(rates)),
                 refused(lambda: group_sequential([0.5, 0.5001, 1.0])), "0.5, 0.5001, 1"))
    k = 22
    later = [i / k for i in range(2, k + 1)]
    rows.append(("conditional power, 21 looks to come", grid_work(later, 1 / k) / limits.CP_WORK,
                 timed(lambda: conditional_power(0.5, 1 / k, critical_values=[2.0] * len(later),
                                                 information_rates=later, design_drift=2.8)),
                 refused(lambda: conditional_power(
                     0.5, 1 / 40, critical_values=[2.0] * 39,
                     information_rates=[i / 40 for i in range(2, 41)], design_drift=2.8)),
                 "39 looks to come"))
    rows.append(("compare, support 5,000 tables", 1.0,
                 timed(lambda: compare_proportions(2_500, 4_999, 2_499, 5_000)),
                 refused(lambda: compare_proportions(300_000, 10**6, 290_000, 10**6)),
                 "10⁶ per group"))
    print(f"{'largest accepted request':38} {'work':>6} {'s':>7}   {'refused in s':>12}  over")
    for name, work, took, ref, over in rows:
        print(f"{name:38} {work:6.2f} {took:7.3f}   {ref:12.4f}  {over}")
    if before:
        print()
        print(f"{'exact Fisher power, 2-sided':30} {'before s':>9} {'now s':>8} {'ratio':>7}"
              "  agree")
        for p1, p2, m in ((0.6, 0.5, 100), (0.6, 0.5, 300), (0.6, 0.5, 1000), (0.1, 0.05, 466)):
            t_old = timed(lambda p1=p1, p2=p2, m=m: old_fisher_power(p1, p2, m, m, 0.05, 2))
            t_new = timed(lambda p1=p1, p2=p2, m=m: fisher_power(p1, p2, m, m, 0.05, 2))
            diff = abs(old_fisher_power(p1, p2, m, m, 0.05, 2)
                       - fisher_power(p1, p2, m, m, 0.05, 2))
            print(f"{p1:g} vs {p2:g}, {m} + {m}".ljust(30)
                  + f" {t_old:9.3f} {t_new:8.3f} {t_old / t_new:6.0f}×  {diff:.1e}")


if __name__ == "__main__":
    main("--before" in sys.argv[1:])
