"""Benchmark: Kaplan-Meier, log-rank and Cox at 10^4, 10^5, 10^6 subjects against the peers.

    .venv/bin/python -m pip install -e '.[bench]'       # the peers: lifelines, statsmodels
    .venv/bin/python bench/stats_survival.py            # all sizes
    .venv/bin/python bench/stats_survival.py 10000      # chosen sizes
    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/stats_survival.py --hdil2-only
    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/stats_survival.py --hdil2-only \
        --only kaplan_meier,log_rank                 # chosen tasks

hdil2 (numpy, vectorised) is timed against lifelines (KaplanMeierFitter, logrank_test,
CoxPHFitter) and statsmodels (SurvfuncRight, survdiff, PHReg) on the same simulated data in
the same run: two groups, one normal covariate, exponential times rounded to 3 decimals (so
there are ties), exponential censoring.  Each timing is the best of ``repeats`` runs after a
warm-up call (imports excluded).  A peer whose single run at a size would take longer than
``PEER_CAP_S`` at the previous size × 10 is skipped at that size and reported as such.
Prints a table of seconds and the ratio peer / hdil2 (> 1: hdil2 is faster).

``--hdil2-only`` times hdil2 alone, to compare two versions of hdil2 (run it on each and
divide): CPU time of this process rather than wall time, so that other work on a shared machine
disturbs it less (with one BLAS thread, CPU time is the time of the one core used), the best of
15 repeats (5 at 10^6) of enough calls to take about 20 ms.  No peer is needed.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

PEER_CAP_S = 120.0  # skip a peer at a size if its extrapolated time exceeds this


def data(n: int, seed: int = 1) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    g = rng.integers(0, 2, n)
    x = rng.normal(size=n)
    t = np.round(rng.exponential(1 / np.exp(0.5 * g + 0.3 * x)), 3) + 0.001
    c = rng.exponential(2.0, n) + 0.001
    return {"time": np.minimum(t, c), "event": (t <= c).astype(int), "group": g, "x": x}


def best(fn: Callable[[], Any], repeats: int) -> float:
    fn()  # warm-up
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return min(out)


def tasks(d: dict[str, Any]) -> dict[str, dict[str, Callable[[], Any]]]:
    import pandas as pd
    from lifelines import CoxPHFitter, KaplanMeierFitter
    from lifelines.statistics import logrank_test as ll_logrank
    from statsmodels.duration.hazard_regression import PHReg
    from statsmodels.duration.survfunc import SurvfuncRight, survdiff

    from hdil2.stats.cox import cox_ph
    from hdil2.stats.kaplan_meier import kaplan_meier
    from hdil2.stats.logrank import logrank_test

    t, e, g, x = d["time"], d["event"], d["group"], d["x"]
    cov = np.column_stack([g, x]).astype(float)
    df = pd.DataFrame({"time": t, "event": e, "g": g, "x": x})
    a, b = g == 0, g == 1
    return {
        "kaplan_meier": {
            "hdil2": lambda: kaplan_meier(t, e),
            "lifelines": lambda: KaplanMeierFitter().fit(t, e),
            "statsmodels": lambda: SurvfuncRight(t, e),
        },
        "log_rank": {
            "hdil2": lambda: logrank_test(t, e, g),
            "lifelines": lambda: ll_logrank(t[a], t[b], e[a], e[b]),
            "statsmodels": lambda: survdiff(t, e, g),
        },
        "cox_efron": {
            "hdil2": lambda: cox_ph(t, e, cov, ["g", "x"]),
            "lifelines": lambda: CoxPHFitter().fit(df, "time", "event"),
            "statsmodels": lambda: PHReg(t, cov, status=e, ties="efron").fit(),
        },
    }


def check_agreement(d: dict[str, Any]) -> None:
    """The three Cox fits must agree before their times mean anything."""
    from statsmodels.duration.hazard_regression import PHReg

    from hdil2.stats.cox import cox_ph

    cov = np.column_stack([d["group"], d["x"]]).astype(float)
    ours = np.array([tm.coef for tm in cox_ph(d["time"], d["event"], cov, ["g", "x"]).terms])
    sm = PHReg(d["time"], cov, status=d["event"], ties="efron").fit().params
    assert np.allclose(ours, sm, rtol=1e-6), (ours, sm)


def hdil2_tasks(d: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """hdil2's three calls on data set ``d`` (the same calls as :func:`tasks`)."""
    from hdil2.stats.cox import cox_ph
    from hdil2.stats.kaplan_meier import kaplan_meier
    from hdil2.stats.logrank import logrank_test

    t, e, g = d["time"], d["event"], d["group"]
    cov = np.column_stack([g, d["x"]]).astype(float)
    return {"kaplan_meier": lambda: kaplan_meier(t, e),
            "log_rank": lambda: logrank_test(t, e, g),
            "cox_efron": lambda: cox_ph(t, e, cov, ["g", "x"])}


def hdil2_only(sizes: list[int], only: list[str] | None = None) -> None:
    """CPU seconds per call of hdil2's functions (see the module doc); ``only``: these tasks."""
    import timeit

    print(f"{'task':<14}{'n':>9}{'hdil2 CPU s':>13}")
    for n in sizes:
        for task, fn in hdil2_tasks(data(n)).items():
            if only and task not in only:
                continue
            once = best(fn, 1)
            number = max(1, int(0.02 / max(once, 1e-6)))
            runs = timeit.repeat(fn, number=number, repeat=15 if n <= 100_000 else 5,
                                 timer=time.process_time)
            print(f"{task:<14}{n:>9}{min(runs) / number:>13.6f}", flush=True)


def main(sizes: list[int]) -> None:
    warnings.simplefilter("ignore")
    print(f"{'task':<14}{'n':>9}{'hdil2 s':>10}{'lifelines s':>13}{'statsmodels s':>15}"
          f"{'ll/hdil2':>10}{'sm/hdil2':>10}")
    last: dict[tuple[str, str], float] = {}
    for n in sizes:
        d = data(n)
        check_agreement(d)
        repeats = 3 if n <= 100_000 else 1
        for task, impls in tasks(d).items():
            row: dict[str, float | None] = {}
            for name, fn in impls.items():
                prev = last.get((task, name))
                if name != "hdil2" and prev is not None and prev * 10 > PEER_CAP_S:
                    row[name] = None
                    continue
                row[name] = best(fn, repeats)
                last[(task, name)] = row[name]  # type: ignore[assignment]
            ours = row["hdil2"]
            assert ours is not None

            def cell(v: float | None) -> str:
                return "skipped" if v is None else f"{v:.4f}"

            def ratio(v: float | None, ours: float = ours) -> str:
                return "—" if v is None else f"{v / ours:.1f}×"

            print(f"{task:<14}{n:>9}{ours:>10.4f}{cell(row['lifelines']):>13}"
                  f"{cell(row['statsmodels']):>15}{ratio(row['lifelines']):>10}"
                  f"{ratio(row['statsmodels']):>10}", flush=True)


if __name__ == "__main__":
    argv = sys.argv[1:]
    only: list[str] = []
    if "--only" in argv:
        i = argv.index("--only")
        only = argv[i + 1].split(",")
        del argv[i:i + 2]
    args = [a for a in argv if a != "--hdil2-only"]
    chosen = [int(a) for a in args] or [10_000, 100_000, 1_000_000]
    if "--hdil2-only" in argv:
        hdil2_only(chosen, only)
    else:
        main(chosen)
