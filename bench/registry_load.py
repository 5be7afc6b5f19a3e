"""Registry bulk load: the synthetic 10,000-patient cohort through hdil2's demo loader against a
raw ``executemany`` of the same rows, in the same run.

    .venv/bin/python bench/registry_load.py                        # SQLite, 10,000 patients
    .venv/bin/python bench/registry_load.py --patients 2000        # fewer
    .venv/bin/python bench/registry_load.py --postgres URL         # SQLite, then PostgreSQL
    .venv/bin/python bench/registry_load.py --keep registry.sqlite3   # keep the loaded file

(A throwaway PostgreSQL server: ``url=$(bash .ci/postgres.sh start)``, then
``bash .ci/postgres.sh stop``.  The URL's database is emptied (schema ``public`` dropped); a
second database, its name + ``_raw``, is created and dropped for the raw load.)

Steps, each timed on its own:

1. generate the cohort once (:func:`hdil2.registry.synthetic.generate`, seed 2000);
2. per database kind, a fresh migrated database A: :func:`hdil2.registry.demo.load` of the
   generated records (one transaction; the registry's own connection settings: on SQLite WAL,
   ``synchronous=FULL``, foreign keys on);
3. the rows A now holds are read back (not timed) and written into a fresh migrated database B
   of the same schema with the driver alone - the ``sqlite3`` module's ``executemany`` in one
   ``BEGIN IMMEDIATE`` transaction with the registry's PRAGMAs, or psycopg 3's ``executemany``
   (pipeline mode) in one transaction;
4. every table of A and B is compared row by row (ids, values, bookkeeping): they must be equal.

Printed: rows per table, seconds, rows/s, and loader / raw (goal: within 3x).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import sqlite3
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

# the registry's SQLite connection settings (hdil2.registry.conf)
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL")


def tables() -> list[tuple[str, list[str]]]:
    """(table, columns) of every table the loader writes, parents first."""
    from hdil2.registry import models as m

    out = []
    for model in (m.Patient, m.Course, m.Cycle, m.DoseSlot, m.Observation, m.Toxicity, m.Scan,
                  m.Lesion, m.Measurement, m.ResponseAssessment, m.FollowUp):
        out.append((model._meta.db_table, [f.column for f in model._meta.concrete_fields]))
    return out


def user_tables() -> list[tuple[str, list[str]]]:
    from django.contrib.auth.models import User

    return [(User._meta.db_table, [f.column for f in User._meta.concrete_fields])]


def progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def hdil2_load(seed: int, n: int, records: Any) -> tuple[float, dict[str, int]]:
    from hdil2.registry import demo

    with progress() as bar:
        task = bar.add_task("hdil2 demo loader", total=n)
        start = time.perf_counter()
        counts = demo.load(seed, n, records=records,
                           step=lambda done, total: bar.update(task, completed=done))
        took = time.perf_counter() - start
    return took, counts


def read_all(fetch: Any, specs: list[tuple[str, list[str]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {t: fetch(f'SELECT {", ".join(cols)} FROM "{t}" ORDER BY id') for t, cols in specs}


def digest(rows: dict[str, list[tuple[Any, ...]]]) -> str:
    h = hashlib.sha256()
    for t in sorted(rows):
        h.update(t.encode())
        for r in rows[t]:
            h.update(repr(r).encode())
    return h.hexdigest()[:16]


# ---- SQLite -------------------------------------------------------------------------------

def sqlite_fetch(path: Path) -> Any:
    con = sqlite3.connect(path)

    def fetch(sql: str) -> list[tuple[Any, ...]]:
        return con.execute(sql).fetchall()
    return fetch, con


def run_sqlite(seed: int, n: int, records: Any, work: Path, keep: Path | None) -> dict[str, Any]:
    from django.db import connections

    from hdil2.registry import conf, maintenance

    a, b = work / "loader.sqlite3", work / "raw.sqlite3"
    maintenance.migrate(conf.configure(path=str(a)))
    loader_s, counts = hdil2_load(seed, n, records)
    connections.close_all()
    maintenance.migrate(conf.configure(path=str(b)))
    connections.close_all()
    fetch_a, con_a = sqlite_fetch(a)
    rows = read_all(fetch_a, tables())
    users = read_all(fetch_a, user_tables())
    con_b = sqlite3.connect(b, isolation_level=None)
    for t, cols in user_tables():  # the loader's user (not timed: it is not cohort data)
        con_b.executemany(f'INSERT INTO "{t}" ({", ".join(cols)}) '
                          f'VALUES ({", ".join("?" * len(cols))})', users[t])
    for pragma in SQLITE_PRAGMAS:
        con_b.execute(pragma)
    with progress() as bar:
        task = bar.add_task("raw sqlite3 executemany", total=len(rows))
        start = time.perf_counter()
        con_b.execute("BEGIN IMMEDIATE")
        for t, cols in tables():
            con_b.executemany(f'INSERT INTO "{t}" ({", ".join(cols)}) '
                              f'VALUES ({", ".join("?" * len(cols))})', rows[t])
            bar.advance(task)
        con_b.execute("COMMIT")
        raw_s = time.perf_counter() - start
    fetch_b, _ = sqlite_fetch(b)
    again = read_all(fetch_b, tables())
    same = again == rows
    con_a.close()
    con_b.close()
    if keep is not None:
        shutil.copyfile(a, keep)
    return {"kind": "SQLite " + sqlite3.sqlite_version, "loader_s": loader_s, "raw_s": raw_s,
            "counts": counts, "rows": sum(len(r) for r in rows.values()), "same": same,
            "digest": digest(rows), "raw_how": "sqlite3 executemany, one transaction"}


# ---- PostgreSQL ---------------------------------------------------------------------------

def json_wrapped(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows with the values of JSON columns wrapped for psycopg (``Jsonb``)."""
    from django.db import models
    from psycopg.types.json import Jsonb

    from hdil2.registry import models as m

    out = {}
    for model in m.__dict__.values():
        if not (isinstance(model, type) and issubclass(model, models.Model)):
            continue
        t = model._meta.db_table
        if t not in rows:
            continue
        fields = model._meta.concrete_fields
        js = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        out[t] = rows[t] if not js else [
            tuple(Jsonb(v) if i in js and v is not None else v for i, v in enumerate(r))
            for r in rows[t]]
    return out


def run_postgres(seed: int, n: int, records: Any, url: str) -> dict[str, Any]:
    import psycopg
    from django.db import connections

    from hdil2.registry import conf, maintenance

    base, name = url.rsplit("/", 1)
    raw_url = f"{base}/{name}_raw"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP SCHEMA IF EXISTS public CASCADE")
        admin.execute("CREATE SCHEMA public")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}_raw"')
        admin.execute(f'CREATE DATABASE "{name}_raw"')
    maintenance.migrate(conf.configure(url=url))
    loader_s, counts = hdil2_load(seed, n, records)
    connections.close_all()
    maintenance.migrate(conf.configure(url=raw_url))
    connections.close_all()
    with psycopg.connect(url) as con_a:
        def fetch(sql: str) -> list[tuple[Any, ...]]:
            return con_a.execute(sql).fetchall()
        rows = read_all(fetch, tables())
        users = read_all(fetch, user_tables())
    send = json_wrapped(rows)  # psycopg sends a list as an array: JSON goes as Jsonb (untimed)
    with psycopg.connect(raw_url) as con_b:
        with con_b.transaction(), con_b.cursor() as cur:
            for t, cols in user_tables():
                cur.executemany(f'INSERT INTO "{t}" ({", ".join(cols)}) '
                                f'VALUES ({", ".join(["%s"] * len(cols))})', users[t])
        with progress() as bar:
            task = bar.add_task("raw psycopg executemany", total=len(rows))
            start = time.perf_counter()
            with con_b.transaction(), con_b.cursor() as cur:
                for t, cols in tables():
                    cur.executemany(
                        f'INSERT INTO "{t}" ({", ".join(cols)}) '
                        f'VALUES ({", ".join(["%s"] * len(cols))})', send[t])
                    bar.advance(task)
            raw_s = time.perf_counter() - start

        def fetch_b(sql: str) -> list[tuple[Any, ...]]:
            return con_b.execute(sql).fetchall()
        same = read_all(fetch_b, tables()) == rows
        version = con_b.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}_raw"')
    return {"kind": f"PostgreSQL {version}", "loader_s": loader_s, "raw_s": raw_s,
            "counts": counts, "rows": sum(len(r) for r in rows.values()), "same": same,
            "digest": digest(rows),
            "raw_how": f"psycopg {psycopg.__version__} executemany (pipeline), one transaction"}


def report(r: dict[str, Any]) -> None:
    print(f"\n{r['kind']}: {r['rows']:,} rows "
          f"({r['counts'].get('dose slots', 0):,} dose slots); rows identical: {r['same']} "
          f"(digest {r['digest']})")
    for k, v in r["counts"].items():
        print(f"  {k:22} {v:>10,}")
    for what, sec in (("hdil2 demo loader", r["loader_s"]), (f"raw: {r['raw_how']}",
                                                             r["raw_s"])):
        print(f"  {what}: {sec:.1f} s, {r['rows'] / sec:,.0f} rows/s")
    print(f"  loader / raw          {r['loader_s'] / r['raw_s']:8.2f}x  (goal: within 3x)",
          flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2000)
    ap.add_argument("--postgres", metavar="URL", help="also PostgreSQL (its database is emptied)")
    ap.add_argument("--keep", type=Path, help="copy the loaded SQLite registry here")
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = ap.parse_args()

    from hdil2.registry import conf

    work = Path(tempfile.mkdtemp(prefix="hdil2-bench-"))
    conf.configure(path=str(work / "setup.sqlite3"))
    from hdil2.registry import synthetic as syn

    start = time.perf_counter()
    cohort = syn.generate(args.seed, args.patients)
    gen_s = time.perf_counter() - start
    expected = cohort.counts()
    print(f"generated {args.patients:,} patients in {gen_s:.1f} s: "
          + ", ".join(f"{v:,} {k}" for k, v in expected.items()), flush=True)
    results: list[dict[str, Any]] = []
    try:
        if not args.no_sqlite:
            results.append(run_sqlite(args.seed, args.patients, cohort.records, work,
                                      args.keep))
            report(results[-1])
        if args.postgres:
            results.append(run_postgres(args.seed, args.patients, cohort.records,
                                        args.postgres))
            report(results[-1])
    finally:
        from django.db import connections

        connections.close_all()
        with contextlib.suppress(OSError):
            shutil.rmtree(work)
    ok = all(r["same"] for r in results)
    print(f"\n(machine: {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
