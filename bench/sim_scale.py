"""Simulation at scale: 10^7 virtual patients (or simulated trials) in one process with its
peak memory, and the speed-up from one to two local Dask workers.

    .venv/bin/python bench/sim_scale.py              # cohort: 10^6 and 10^7 virtual patients
    .venv/bin/python bench/sim_scale.py --sim simon  # Simon trials instead
    .venv/bin/python bench/sim_scale.py --quick      # 10^5 and 10^6 (a smoke run)

Two simulations: ``cohort``, virtual renal cell cancer patients treated course by course under
lee2000's practice (``hdil2.sim.cohort``, the default), and ``simon``, trials of the Simon
two-stage design 1/10, 5/29 (``simon1989``'s optimal design for p0 0.1, p1 0.3) at p = 0.3 -
two binomial draws and a few comparisons a trial, so cheap that Dask's cost per task shows.

Printed, in one run:

1. memory: each size runs in a fresh process (``ru_maxrss`` is a process's peak); the peak
   resident memory after the imports alone and after the whole run, for 10^6 and 10^7 units
   in chunks of 10^5 - the run adds about the same whatever the total (the chunks' arrays are
   reduced to a few numbers per block of 1,000 before the next chunk starts);
2. speed: units per second in this process (``hdil2.sim.engine.run``) and on a Dask
   ``LocalCluster`` of 1 and 2 worker processes (started before the clock starts; the start-up
   is printed apart), and the speed-up from 1 to 2 workers; the three results are checked
   identical before anything is printed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import time
from typing import Any

SEED = 20260415
CHUNK = 100_000


SIM = {"name": "cohort"}


def _sim() -> Any:
    if SIM["name"] == "simon":
        from hdil2.sim.trials import simon_simulation

        return simon_simulation(1, 10, 5, 29, 0.3)
    from hdil2.sim.cohort import cohort_simulation

    return cohort_simulation()


def _units() -> str:
    return "trials" if SIM["name"] == "simon" else "patients"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(n: int) -> None:
    """One run of ``n`` trials in this (fresh) process: peak RSS before and after, seconds."""
    from hdil2.sim import engine

    sim = _sim()
    engine.run(sim, 1000, 1)  # imports and first-call costs, not the run
    before = _peak_mb()
    start = time.perf_counter()
    out = engine.run(sim, n, SEED, chunk=CHUNK)
    seconds = time.perf_counter() - start
    print(json.dumps({"n": n, "before_mb": before, "after_mb": _peak_mb(),
                      "seconds": seconds, "units": _units(), "kind": type(out).__name__}))


def memory(sizes: list[int]) -> None:
    print(f"1. {SIM['name']}: peak resident memory of one process (chunks of {CHUNK:,} "
          f"{_units()})")
    print(f"{_units():>12} {'after imports MB':>17} {'after the run MB':>17} {'added MB':>9}"
          f" {'seconds':>8}")
    for n in sizes:
        line = subprocess.run([sys.executable, __file__, "--child", str(n), "--sim",
                               SIM["name"]], check=True, capture_output=True, text=True).stdout
        r = json.loads(line)
        print(f"{n:>12,} {r['before_mb']:>17.1f} {r['after_mb']:>17.1f} "
              f"{r['after_mb'] - r['before_mb']:>9.1f} {r['seconds']:>8.2f}")


def _cpu_seconds() -> float:
    """CPU seconds this process has used (run on each worker)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def speed(n: int) -> None:
    from distributed import Client, LocalCluster

    from hdil2.sim import cluster, engine

    sim = _sim()
    engine.run(sim, 1000, 1)  # imports and first-call costs, not the run
    print(f"\n2. {n:,} {_units()}: this process and a Dask LocalCluster (one thread a "
          "worker)")
    start = time.perf_counter()
    cpu = _cpu_seconds()
    local = engine.run(sim, n, SEED, chunk=CHUNK)
    one = time.perf_counter() - start
    print(f"{'this process':>22}: {one:6.2f} s  {n / one:>12,.0f} {_units()}/s  (CPU s "
          f"{_cpu_seconds() - cpu:.1f}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores)")
    times = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=cluster.LOCAL_HTTP,
                          silence_logs=logging.CRITICAL) as c, Client(c) as client:
            started = time.perf_counter() - t0
            # every worker imports hdil2 and runs a chunk before the clock starts
            cluster.run_dask(sim, 1000 * 2 * workers, 1, chunk=1000,
                             scheduler=c.scheduler_address)
            cpu0 = client.run(_cpu_seconds)
            t1 = time.perf_counter()
            out = cluster.run_dask(sim, n, SEED, chunk=CHUNK, scheduler=c.scheduler_address)
            times[workers] = time.perf_counter() - t1
            cpu = [client.run(_cpu_seconds)[w] - cpu0[w] for w in sorted(cpu0)]
        assert out == local, "a cluster's result differs from the single process's"
        print(f"{f'{workers} worker' + ('s' if workers > 1 else ''):>22}: {times[workers]:6.2f} s"
              f"  {n / times[workers]:>12,.0f} {_units()}/s  (cluster start {started:.1f} s; "
              f"CPU s per worker: {', '.join(f'{x:.1f}' for x in cpu)})")
    print(f"speed-up from 1 to 2 workers: {times[1] / times[2]:.2f}x "
          "(the same result to the last bit in all three runs; on a shared machine the wall "
          "time is the machine's, the CPU seconds the work's)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10^5 and 10^6 units")
    parser.add_argument("--sim", choices=("cohort", "simon"), default="cohort")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    SIM["name"] = args.sim
    if args.child:
        child(args.child)
        return
    sizes = [10**5, 10**6] if args.quick else [10**6, 10**7]
    memory(sizes)
    speed(sizes[-1])


if __name__ == "__main__":
    main()
