"""SDTM import of the synthetic 10,000-patient registry's export into a fresh SQLite registry,
against two references timed in the same run.

    .venv/bin/python bench/interop_import.py                    # 10,000 patients
    .venv/bin/python bench/interop_import.py --patients 200     # a quick run
    .venv/bin/python bench/interop_import.py --sdtm DIR         # import an existing export

Steps:

1. the SDTM export (CSV) of a registry loaded with :func:`hdil2.registry.demo.load` (seed
   2000, ``--patients``), by :func:`hdil2.registry.interchange.export_sdtm` (not timed), unless
   ``--sdtm`` names an export already made;
2. ``hdil2 import sdtm`` - :func:`hdil2.registry.sdtm_import.import_sdtm`, the function the CLI
   calls - into a fresh migrated SQLite registry, in a fresh Python process (its peak RSS is
   its own), with its parts timed alone in the same process on another fresh registry:
   :func:`~hdil2.interop.sdtm.read.read_datasets`, :func:`~hdil2.interop.sdtm.read.parse` and
   :func:`~hdil2.registry.sdtm_import.import_records` (the write: checks, rows and their audit
   history, hdil2's own response assessment);
3. reference A, the registry's own bulk loader: :func:`hdil2.registry.demo.load` of the same
   cohort (generate and write; no audit history) into a fresh registry, in a fresh process;
4. reference B, the floor of reading and writing the same rows: pandas ``read_csv`` of every
   file (all text) and one sqlite3 ``executemany`` per file into a plain table of the file's
   columns, one transaction, in a fresh process.

Printed: a markdown table of seconds, rows/s (SDTM rows read; registry rows written), peak RSS,
and the ratios hdil2 / reference.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

console = Console(stderr=True)
ZONE = "Europe/London"  # the demo ward's zone


def progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def fresh(db: Path) -> None:
    from hdil2.registry import conf, maintenance

    maintenance.migrate(conf.configure(path=str(db)))


# ---- child steps (each in its own process) ------------------------------------------------

def step_import(sdtm: Path, work: Path) -> dict[str, Any]:
    from hdil2.registry.users import system_user

    fresh(work / "import.sqlite3")
    from hdil2.registry.sdtm_import import import_sdtm

    user = system_user("bench_importer")
    base_rss = peak_rss_mb()
    with progress() as bar:
        task = bar.add_task("hdil2 import sdtm", total=None)
        start = time.perf_counter()
        doc = import_sdtm(sdtm, fmt="csv", zone=ZONE, by=user,
                          step=lambda d, t: bar.update(task, completed=d, total=t))
        took = time.perf_counter() - start
    rss = peak_rss_mb()
    # the parts alone, into another fresh registry (same process: imports are warm)
    from hdil2.interop.sdtm.read import parse, read_datasets
    from hdil2.registry.sdtm_import import _no_cycle_collection, import_records

    fresh(work / "parts.sqlite3")
    user = system_user("bench_importer")
    with _no_cycle_collection():  # as import_sdtm reads and parses
        t0 = time.perf_counter()
        datasets = read_datasets(sdtm, "csv")
        t1 = time.perf_counter()
        records = parse(datasets, zone=ZONE)
        t2 = time.perf_counter()
    import_records(records, by=user)
    t3 = time.perf_counter()
    return {"patients": doc["patients"], "sdtm_rows": sum(d["rows"] for d in
                                                          doc["domains"].values()),
            "registry_rows": sum(doc["registry_rows"].values()),
            "history_rows": doc["history_rows"], "seconds": took, "base_rss": base_rss,
            "rss": rss, "read_s": t1 - t0, "parse_s": t2 - t1, "write_s": t3 - t2,
            "computed": doc["responses_computed"], "differing": doc["responses_differing"]}


def step_demo(work: Path, seed: int, n: int) -> dict[str, Any]:
    fresh(work / "demo.sqlite3")
    from hdil2.registry import demo

    base_rss = peak_rss_mb()
    start = time.perf_counter()
    counts = demo.load(seed, n)
    took = time.perf_counter() - start
    return {"rows": sum(counts.values()), "seconds": took, "base_rss": base_rss,
            "rss": peak_rss_mb()}


def step_pandas(sdtm: Path, work: Path) -> dict[str, Any]:
    import sqlite3

    import pandas as pd

    base_rss = peak_rss_mb()
    start = time.perf_counter()
    con = sqlite3.connect(work / "plain.sqlite3")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    rows = 0
    with con:
        for f in sorted(sdtm.glob("*.csv")):
            df = pd.read_csv(f, dtype=str, keep_default_na=False)
            cols = ", ".join(f'"{c}"' for c in df.columns)
            con.execute(f'CREATE TABLE "{f.stem}" ({cols})')
            con.executemany(f'INSERT INTO "{f.stem}" VALUES '
                            f'({", ".join("?" * len(df.columns))})',
                            df.itertuples(index=False, name=None))
            rows += len(df)
    con.close()
    return {"rows": rows, "seconds": time.perf_counter() - start, "base_rss": base_rss,
            "rss": peak_rss_mb()}


def child(args: argparse.Namespace) -> int:
    work, sdtm = Path(args.work), Path(args.sdtm)
    if args.step == "export":
        export(work, args.seed, args.patients)
        doc: dict[str, Any] = {"sdtm": str(work / "sdtm")}
    elif args.step == "import":
        doc = step_import(sdtm, work)
    elif args.step == "demo":
        doc = step_demo(work, args.seed, args.patients)
    else:
        doc = step_pandas(sdtm, work)
    print(json.dumps(doc))
    return 0


# ---- parent ----------------------------------------------------------------------------

def export(work: Path, seed: int, n: int) -> Path:
    from hdil2.registry import demo, interchange

    fresh(work / "source.sqlite3")
    with progress() as bar:
        task = bar.add_task(f"loading {n:,} synthetic patients", total=n)
        demo.load(seed, n, step=lambda done, total: bar.update(task, completed=done))
    out = work / "sdtm"
    interchange.export_sdtm(out, fmt="csv")
    from django.db import connections

    connections.close_all()
    return out


def run_step(step: str, args: argparse.Namespace, sdtm: Path, work: Path) -> dict[str, Any]:
    res = subprocess.run([sys.executable, __file__, "--step", step, "--sdtm", str(sdtm),
                          "--work", str(work), "--seed", str(args.seed),
                          "--patients", str(args.patients)],
                         stdout=subprocess.PIPE, text=True, check=True)
    doc: dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    return doc


def table(imp: dict[str, Any], dem: dict[str, Any], pds: dict[str, Any]) -> str:
    n, sdtm_rows, reg = imp["patients"], imp["sdtm_rows"], imp["registry_rows"]
    lines = [
        f"{n:,} patients: {sdtm_rows:,} SDTM rows read; {reg:,} registry rows and "
        f"{imp['history_rows']:,} audit-history rows written; {imp['computed']:,} responses "
        f"also assessed by hdil2 ({imp['differing']} differing).",
        "",
        "| run | seconds | SDTM rows/s | registry rows/s | peak RSS | hdil2 import / this |",
        "|---|---:|---:|---:|---:|---:|",
        f"| hdil2 import sdtm (read {imp['read_s']:.1f} s + parse {imp['parse_s']:.1f} s + "
        f"write {imp['write_s']:.1f} s, timed alone) | {imp['seconds']:.1f} | "
        f"{sdtm_rows / imp['seconds']:,.0f} | {reg / imp['seconds']:,.0f} | "
        f"{imp['rss']:.0f} MB (start {imp['base_rss']:.0f}) | 1.00x |",
        f"| A: registry demo loader, same cohort (generate + write {dem['rows']:,} rows, no "
        f"history) | {dem['seconds']:.1f} | - | {dem['rows'] / dem['seconds']:,.0f} | "
        f"{dem['rss']:.0f} MB (start {dem['base_rss']:.0f}) | "
        f"{imp['seconds'] / dem['seconds']:.2f}x |",
        f"| B: pandas read_csv + sqlite3 executemany of the same {pds['rows']:,} rows | "
        f"{pds['seconds']:.1f} | {pds['rows'] / pds['seconds']:,.0f} | - | "
        f"{pds['rss']:.0f} MB (start {pds['base_rss']:.0f}) | "
        f"{imp['seconds'] / pds['seconds']:.2f}x |",
    ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2000)
    ap.add_argument("--sdtm", help="an SDTM export (CSV folder) of the demo cohort of --seed "
                    "and --patients; default: make one")
    ap.add_argument("--step", choices=("export", "import", "demo", "pandas"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        return child(args)
    work = Path(tempfile.mkdtemp(prefix="hdil2-bench-import-"))
    try:
        # the export in a process of its own: a child's peak RSS starts from its parent's
        sdtm = Path(args.sdtm) if args.sdtm else Path(
            run_step("export", args, work / "sdtm", work)["sdtm"])
        imp = run_step("import", args, sdtm, work)
        dem = run_step("demo", args, sdtm, work)
        pds = run_step("pandas", args, sdtm, work)
        print()
        print(table(imp, dem, pds))
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(work)
    print(f"\n(machine: {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; Python "
          f"{sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
