"""Benchmark: Cox PH at 2·10^5 and 10^6 rows × 5 covariates against a plain NumPy Newton.

    .venv/bin/python -m pip install -e '.[bench]'           # lifelines (optional peer)
    .venv/bin/python bench/stats_cox.py                     # 2·10^5 and 10^6, 3 repeats
    .venv/bin/python bench/stats_cox.py 200000 --repeats 5  # chosen sizes and repeats
    .venv/bin/python bench/stats_cox.py --no-lifelines      # hdil2 and the reference only
    .venv/bin/python bench/stats_cox.py --memory 1000000    # peak memory of one fit

Data: n rows, 5 independent standard normal covariates, exponential event times with hazard
exp(xβ) and exponential censoring, all continuous, so no two times are tied (checked) and
Efron's and Breslow's likelihoods are the same.  Contenders, on the same data in the same run:

* hdil2: ``cox_ph(time, event, x, names)`` (Efron, the default), the whole public call: input
  checks, model matrix and its collinearity check, the fit, the tests and the reasons;
* reference: :func:`reference_fit` below, a plain NumPy Newton-Raphson (one sort, then per step
  reverse cumulative sums of w, w·x and the upper triangle of w·xxᵀ), with the same convergence
  rule (relative change of the log partial likelihood ≤ 1e-9, R's) and standard errors;
* lifelines (if installed): ``CoxPHFitter().fit(df, "time", "event")`` (Efron).  A lifelines
  fit whose time, extrapolated linearly from the previous size, would exceed ``PEER_CAP_S`` is
  skipped at that size and its ratio is taken at the previous size.

The reference's coefficients must agree with hdil2's to 1e-6 (and lifelines' to 1e-4) before
anything is timed.  Each time is the median of ``--repeats`` runs after one warm-up call
(imports excluded).  BLAS and OpenMP run ``--threads`` threads (default 1) for every
contender: the variables are set before NumPy is imported.
"""

from __future__ import annotations

import argparse
import os
import sys

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _threads_from_argv() -> str:
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return "1"


if __name__ == "__main__":  # before NumPy loads its BLAS
    for _v in THREAD_VARS:
        os.environ[_v] = _threads_from_argv()

import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

P = 5
PEER_CAP_S = 120.0
BETA = np.array([0.5, -0.3, 0.2, 0.1, -0.1])
NAMES = [f"x{k + 1}" for k in range(P)]


def data(n: int, seed: int = 1) -> tuple[Any, Any, Any]:
    """(time, event, x): continuous times, no ties, about 60 % events."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, P))
    t = rng.exponential(np.exp(-(x @ BETA)))
    c = rng.exponential(2.0, n)
    time_ = np.minimum(t, c)
    assert np.unique(time_).size == n, "tied times: draw again"
    return time_, (t <= c).astype(np.int8), x


def reference_fit(time_: Any, event: Any, x: Any, eps: float = 1e-9,
                  max_iter: int = 20) -> tuple[Any, Any, float, float, int]:
    """Plain NumPy Newton-Raphson for the Cox partial likelihood without tied times.

    Without ties Breslow's likelihood is Efron's.  One sort by time; per step the risk-set
    sums S₀, S₁, S₂ of w = exp(xβ), w·x and w·xxᵀ (its upper triangle, p(p+1)/2 columns) are
    reverse cumulative sums over the sorted rows, read at the event rows.  Covariates are
    centred (as R).  Returns (β, se, ℓ(0), ℓ(β), iterations).
    """
    order = np.argsort(time_)
    ts = time_[order]
    assert np.all(np.diff(ts) > 0), "the reference handles untied times only"
    ev = event[order].astype(bool)
    xs = x[order]
    xs = xs - xs.mean(axis=0)
    p = xs.shape[1]
    iu, ju = np.triu_indices(p)
    x_events = xs[ev].sum(axis=0)

    def rcumsum(a: Any) -> Any:
        return np.cumsum(a[::-1], axis=0)[::-1]

    def evaluate(beta: Any) -> tuple[float, Any, Any]:
        eta = xs @ beta
        w = np.exp(eta)
        wx = w[:, None] * xs
        s0 = rcumsum(w)[ev]
        s1 = rcumsum(wx)[ev]
        s2 = rcumsum(wx[:, iu] * xs[:, ju])[ev]
        loglik = float(eta[ev].sum() - np.log(s0).sum())
        a = s1 / s0[:, None]
        score = x_events - a.sum(axis=0)
        upper = (s2 / s0[:, None]).sum(axis=0) - (a[:, iu] * a[:, ju]).sum(axis=0)
        info = np.empty((p, p))
        info[iu, ju] = upper
        info[ju, iu] = upper
        return loglik, score, info

    beta = np.zeros(p)
    ll0, u, info = evaluate(beta)
    ll = ll0
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        new = beta + np.linalg.solve(info, u)
        ll_new, u, info = evaluate(new)
        assert ll_new >= ll, "the plain Newton step lowered the likelihood"
        done = abs(ll_new - ll) <= eps * abs(ll_new)
        beta, ll = new, ll_new
        if done:
            break
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    return beta, se, ll0, ll, it


def hdil2_fit(time_: Any, event: Any, x: Any) -> Any:
    from hdil2.stats.cox import cox_ph

    return cox_ph(time_, event, x, NAMES)


def lifelines_fit(time_: Any, event: Any, x: Any) -> Any:
    import pandas as pd
    from lifelines import CoxPHFitter

    df = pd.DataFrame(x, columns=NAMES)
    df["time"] = time_
    df["event"] = event
    return CoxPHFitter().fit(df, "time", "event")


def have_lifelines() -> bool:
    try:
        import lifelines  # noqa: F401
    except ImportError:
        return False
    return True


def median_time(fn: Callable[[], Any], repeats: int, warm: Callable[[], Any] | None = None
                ) -> float:
    (warm or fn)()
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def check_agreement(n: int, d: tuple[Any, Any, Any], with_lifelines: bool) -> int:
    """hdil2 against the reference (and lifelines): the same coefficients, or no timing."""
    m = hdil2_fit(*d)
    ours = np.array([t.coef for t in m.terms])
    ref, se, ll0, ll, it = reference_fit(*d)
    np.testing.assert_allclose(ours, ref, rtol=1e-6)
    np.testing.assert_allclose([t.se for t in m.terms], se, rtol=1e-6)
    np.testing.assert_allclose([m.loglik_null, m.loglik], [ll0, ll], rtol=1e-9)
    print(f"n = {n}: hdil2 and the reference agree (max |Δβ| "
          f"{np.max(np.abs(ours - ref)):.1e}; iterations {m.iterations} and {it})", flush=True)
    if with_lifelines:
        ll_coef = lifelines_fit(*d).params_.to_numpy()
        np.testing.assert_allclose(ours, ll_coef, rtol=1e-4)
        print(f"n = {n}: lifelines agrees (max |Δβ| {np.max(np.abs(ours - ll_coef)):.1e})",
              flush=True)
    return int(m.iterations)


def run(sizes: list[int], repeats: int, lifelines: bool = True) -> None:
    warnings.simplefilter("ignore")
    with_ll = lifelines and have_lifelines()
    rows = []
    last_ll: tuple[int, float] | None = None
    small = data(1000, seed=2)
    for n in sizes:
        d = data(n)
        peer = with_ll and (last_ll is None or last_ll[1] * n / last_ll[0] <= PEER_CAP_S)
        check_agreement(n, d, peer)
        t_h = median_time(lambda d=d: hdil2_fit(*d), repeats)
        t_r = median_time(lambda d=d: reference_fit(*d), repeats)
        t_l = None
        if peer:
            t_l = median_time(lambda d=d: lifelines_fit(*d), repeats,
                              warm=lambda: lifelines_fit(*small))  # imports only
            last_ll = (n, t_l)
        rows.append((n, t_h, t_r, t_l))
        print(f"n = {n}: hdil2 {t_h:.3f} s, reference {t_r:.3f} s, lifelines "
              + (f"{t_l:.2f} s" if t_l is not None else "skipped"), flush=True)
    print()
    print("| n | hdil2 s | NumPy reference s | lifelines s | hdil2 / reference | "
          "lifelines / hdil2 |")
    print("|---|---|---|---|---|---|")
    for n, t_h, t_r, t_l in rows:
        ll_cell = f"{t_l:.2f}" if t_l is not None else "skipped"
        ratio = f"{t_l / t_h:.0f}×" if t_l is not None else "—"
        print(f"| {n:,} | {t_h:.3f} | {t_r:.3f} | {ll_cell} | {t_h / t_r:.2f} | {ratio} |")
    print(f"\nthreads: {', '.join(f'{v}={os.environ.get(v)}' for v in THREAD_VARS)}; "
          f"median of {repeats} runs after a warm-up")


def _one_fit_memory(who: str, n: int) -> dict[str, float]:
    """Peak memory of one fit, in this (fresh) process: traced NumPy/Python allocations above
    the data, and the growth of the maximum resident set size."""
    import resource
    import tracemalloc

    d = data(n)
    fit = {"hdil2": hdil2_fit, "reference": reference_fit}[who]
    fit(*data(1000, seed=2))  # imports and first-call caches outside the measurement
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    fit(*d)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"traced_peak_mib": peak / 2**20, "max_rss_growth_mib": (rss1 - rss0) / 1024,
            "max_rss_mib": rss1 / 1024}


def memory(sizes: list[int]) -> None:
    for n in sizes:
        in_mib = n * P * 8 / 2**20
        print(f"n = {n:,} × {P} (the covariate matrix: {in_mib:.0f} MiB; times and events "
              f"{n * 9 / 2**20:.0f} MiB)")
        for who in ("hdil2", "reference"):
            out = subprocess.run([sys.executable, __file__, "--one-memory", who, str(n)],
                                 check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"  {who:<10} traced peak {r['traced_peak_mib']:7.1f} MiB "
                  f"({r['traced_peak_mib'] / in_mib:.1f}× the matrix); max RSS "
                  f"{r['max_rss_mib']:7.1f} MiB, of which the fit added "
                  f"{r['max_rss_growth_mib']:7.1f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[200_000, 1_000_000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", default="1", help="BLAS/OpenMP threads for every contender")
    ap.add_argument("--no-lifelines", action="store_true", help="time hdil2 and the reference")
    ap.add_argument("--memory", action="store_true", help="peak memory of one fit instead")
    ap.add_argument("--one-memory", nargs=2, metavar=("WHO", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_memory:
        print(json.dumps(_one_fit_memory(args.one_memory[0], int(args.one_memory[1]))))
    elif args.memory:
        memory(args.sizes)
    else:
        run(args.sizes, args.repeats, lifelines=not args.no_lifelines)


if __name__ == "__main__":
    main()
