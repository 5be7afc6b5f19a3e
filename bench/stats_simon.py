"""Benchmark: hdil2's Simon design search against a straightforward exhaustive search.

    .venv/bin/python bench/stats_simon.py

Both searches find the optimal and minimax designs for the same (p0, p1, α, β) in the same
run.  The exhaustive search is the definition written as loops: every total n ≤ nmax, every
first-stage n1 < n, every r1 < n1, and r upward from r1 until the exact type I error (the
double binomial sum of Simon 1989, vectorised over x1 with numpy, binomial tables
precomputed) is at most α; then the power is checked.  It stops at the first α-feasible r for
each (n, n1, r1) — without that one obvious shortcut it would be slower still.  The
exhaustive search runs at nmax = 40 and 60 (and 100 for one case when ``--full``); hdil2 at
the same nmax and at 100.  Prints seconds and the ratio.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy.stats import binom

from hdil2.stats.simon import _tables, simon_designs

CASES = [(0.05, 0.25, 0.05, 0.2), (0.1, 0.3, 0.05, 0.2), (0.2, 0.4, 0.05, 0.2),
         (0.3, 0.5, 0.05, 0.2)]
ALONE = [*CASES, (0.2, 0.35, 0.05, 0.05), (0.5, 0.7, 0.05, 0.1)]  # nmax = 100 only


def exhaustive(p0: float, p1: float, alpha: float, beta: float, nmax: int) -> tuple:  # type: ignore[type-arg]
    pmf0 = binom.pmf(np.arange(nmax + 1)[None, :], np.arange(nmax + 1)[:, None], p0)
    pmf1 = binom.pmf(np.arange(nmax + 1)[None, :], np.arange(nmax + 1)[:, None], p1)
    cdf0 = np.cumsum(pmf0, axis=1)
    cdf1 = np.cumsum(pmf1, axis=1)

    def reject(pmf: np.ndarray, cdf: np.ndarray, r1: int, n1: int, r: int, n: int) -> float:
        x1 = np.arange(r1 + 1, n1 + 1)
        k = r - x1
        tail = np.where(k < 0, 1.0, 1.0 - cdf[n - n1, np.clip(k, 0, nmax)])
        return float(np.sum(pmf[n1, x1] * tail))

    best_en = (np.inf, None)
    best_n = (np.inf, np.inf, None)
    for n in range(2, nmax + 1):
        for n1 in range(1, n):
            for r1 in range(n1):
                for r in range(r1, n):
                    a = reject(pmf0, cdf0, r1, n1, r, n)
                    if a > alpha:
                        continue
                    if reject(pmf1, cdf1, r1, n1, r, n) >= 1 - beta:
                        en = n1 + (1 - cdf0[n1, r1]) * (n - n1)
                        best_en = min(best_en, (en, (r1, n1, r, n)))
                        best_n = min(best_n, (n, en, (r1, n1, r, n)))
                    break
    return best_en[1], best_n[2]


def timed(fn, *args):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def main(full: bool) -> None:
    simon_designs(0.1, 0.3)  # warm-up: imports
    print(f"{'p0':>5}{'p1':>5}{'α':>6}{'β':>5}{'nmax':>6}{'hdil2 s':>10}{'exhaustive s':>14}"
          f"{'ratio':>9}  designs agree")
    for p0, p1, alpha, beta in CASES:
        for nmax in (40, 60) + ((100,) if full and (p0, p1) == (0.1, 0.3) else ()):
            _tables.cache_clear()
            t_ours, s = timed(simon_designs, p0, p1, alpha, beta, nmax)
            t_ex, (opt, mm) = timed(exhaustive, p0, p1, alpha, beta, nmax)
            ours = ((s.optimal.r1, s.optimal.n1, s.optimal.r, s.optimal.n),
                    (s.minimax.r1, s.minimax.n1, s.minimax.r, s.minimax.n))
            print(f"{p0:>5}{p1:>5}{alpha:>6}{beta:>5}{nmax:>6}{t_ours:>10.4f}{t_ex:>14.2f}"
                  f"{t_ex / t_ours:>8.0f}×  {ours == (opt, mm)}", flush=True)
    print("\nhdil2 alone at nmax = 100 (cold binomial tables each time):")
    for p0, p1, alpha, beta in ALONE:
        _tables.cache_clear()
        t_ours, s = timed(simon_designs, p0, p1, alpha, beta, 100)
        print(f"  p0 {p0} p1 {p1} α {alpha} β {beta}: {t_ours:.3f} s  optimal "
              f"{s.optimal.r1}/{s.optimal.n1}, {s.optimal.r}/{s.optimal.n}", flush=True)


if __name__ == "__main__":
    main("--full" in sys.argv)
