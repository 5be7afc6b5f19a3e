"""SDTM and FHIR export of the synthetic 10,000-patient registry, against pandas / pyreadstat
writing the same rows, in the same run.

    .venv/bin/python bench/interop_export.py                         # loads 10,000 patients
    .venv/bin/python bench/interop_export.py --patients 2000         # fewer
    .venv/bin/python bench/interop_export.py --db registry.sqlite3   # reuse a loaded registry
    .venv/bin/python bench/interop_export.py --keep registry.sqlite3 # keep the loaded file

Steps:

1. a SQLite registry: ``--db`` as given, or a fresh migrated one loaded with
   :func:`hdil2.registry.demo.load` (seed 2000; not part of the export times);
2. ``hdil2 export sdtm`` to CSV, then to XPT: :func:`hdil2.registry.interchange.export_sdtm`,
   the function the CLI calls (read the registry, build every domain, check, write) - each
   format in a fresh Python process, so its peak RSS is its own;
3. in the same process, after the export: the datasets hdil2 built (read and build again, not
   timed) written by hdil2's writer alone (:func:`hdil2.interop.sdtm.write`) and by the
   reference - pandas ``DataFrame(rows).to_csv`` (every field quoted, as hdil2 writes) for
   CSV, ``pyreadstat.write_xport`` of the frames hdil2 hands to pyreadstat for XPT;
4. FHIR: the Bundles of the first ``--fhir`` patients (registry code order):
   :func:`hdil2.registry.fhir_export.export_patient` plus the JSON text the CLI prints.

Printed: a markdown table of rows per domain, seconds, rows/s, peak RSS, and hdil2 / reference.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
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


def progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# ---- child steps (each in its own process) ------------------------------------------------

def step_sdtm(db: str, fmt: str, work: Path) -> dict[str, Any]:
    import pandas as pd

    from hdil2.interop import sdtm
    from hdil2.interop.sdtm.write import _frame
    from hdil2.registry import interchange, maintenance

    maintenance.setup(path=db)
    base_rss = peak_rss_mb()
    out = work / f"hdil2-{fmt}"
    with progress() as bar:
        task = bar.add_task(f"hdil2 export sdtm --format {fmt}", total=len(sdtm.DOMAINS))
        start = time.perf_counter()
        doc = interchange.export_sdtm(out, fmt=fmt, step=lambda d, t: bar.update(
            task, completed=d, total=t))
        export_s = time.perf_counter() - start
    export_rss = peak_rss_mb()
    rows = {code: d["rows"] for code, d in doc["domains"].items()}
    # the same datasets again (not timed): hdil2's writer alone against the reference
    start = time.perf_counter()
    records = interchange.patient_records()
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    datasets = sdtm.build(records, study=sdtm.STUDY_ID, domains=sdtm.domain_codes(None))
    build_s = time.perf_counter() - start
    assert {c: len(r) for c, r in datasets.items()} == rows
    start = time.perf_counter()
    sdtm.write(datasets, work / f"writer-{fmt}", fmt)  # type: ignore[arg-type]
    write_s = time.perf_counter() - start
    ref_dir = work / f"reference-{fmt}"
    ref_dir.mkdir()
    if fmt == "csv":
        start = time.perf_counter()
        for code, ds in datasets.items():
            names = list(sdtm.DOMAINS[code].names)
            pd.DataFrame(list(ds), columns=names).to_csv(
                ref_dir / f"{code.lower()}.csv", index=False, quoting=csv.QUOTE_ALL,
                lineterminator="\n")
        ref_s = time.perf_counter() - start
        ref_how = "pandas DataFrame(rows).to_csv"
    else:
        import pyreadstat

        frames = {code: _frame(sdtm.DOMAINS[code], ds) for code, ds in datasets.items()}
        start = time.perf_counter()
        for code, frame in frames.items():
            domain = sdtm.DOMAINS[code]
            pyreadstat.write_xport(frame, str(ref_dir / f"{code.lower()}.xpt"),
                                   file_label=domain.label,
                                   column_labels=[v.label for v in domain.variables],
                                   table_name=code, file_format_version=5)
        ref_s = time.perf_counter() - start
        ref_how = "pyreadstat.write_xport of the same frames"
    size = sum(p.stat().st_size for p in out.iterdir())
    same = all((out / p.name).read_bytes() == p.read_bytes() for p in ref_dir.iterdir())
    return {"fmt": fmt, "patients": doc["patients"], "rows": rows, "export_s": export_s,
            "read_s": read_s, "build_s": build_s, "write_s": write_s, "ref_s": ref_s,
            "ref_how": ref_how, "base_rss": base_rss, "export_rss": export_rss,
            "bytes": size, "same": same}


def step_fhir(db: str, n: int) -> dict[str, Any]:
    from hdil2.cli import common
    from hdil2.registry import maintenance

    maintenance.setup(path=db)  # Django configured before the models are imported
    from hdil2.registry import models as m
    from hdil2.registry.fhir_export import export_patient

    codes = list(m.Patient.objects.active().order_by("registry_id")
                 .values_list("registry_id", flat=True)[:n])
    export_patient(codes[0])  # warm-up (imports), not timed
    base_rss = peak_rss_mb()
    resources = 0
    size = 0
    build_s = 0.0
    with progress() as bar:
        task = bar.add_task("FHIR Bundles", total=len(codes))
        start = time.perf_counter()
        for code in codes:
            t0 = time.perf_counter()
            bundle = export_patient(code)
            build_s += time.perf_counter() - t0
            size += len(common.dumps(bundle))
            resources += len(bundle.get("entry") or [])
            bar.advance(task)
        total_s = time.perf_counter() - start
    return {"bundles": len(codes), "resources": resources, "total_s": total_s,
            "build_s": build_s, "chars": size, "base_rss": base_rss, "rss": peak_rss_mb()}


def child(args: argparse.Namespace) -> int:
    work = Path(args.work)
    doc = (step_fhir(args.db, args.fhir) if args.step == "fhir"
           else step_sdtm(args.db, args.step, work))
    print(json.dumps(doc))
    return 0


# ---- parent ----------------------------------------------------------------------------

def load(db: str, seed: int, n: int) -> float:
    from hdil2.registry import conf, demo, maintenance

    maintenance.migrate(conf.configure(path=db))
    with progress() as bar:
        task = bar.add_task(f"loading {n:,} synthetic patients", total=n)
        start = time.perf_counter()
        demo.load(seed, n, step=lambda done, total: bar.update(task, completed=done))
        took = time.perf_counter() - start
    from django.db import connections

    connections.close_all()
    return took


def run_step(step: str, db: str, work: Path, fhir: int) -> dict[str, Any]:
    res = subprocess.run([sys.executable, __file__, "--step", step, "--db", db,
                          "--work", str(work), "--fhir", str(fhir)],
                         stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def table(sd: list[dict[str, Any]], fh: dict[str, Any]) -> str:
    lines = []
    csv_r = sd[0]
    codes = list(csv_r["rows"])
    total = sum(csv_r["rows"].values())
    lines.append(f"SDTM rows per domain ({csv_r['patients']:,} patients, {total:,} rows):\n")
    lines.append("| " + " | ".join(codes) + " | total |")
    lines.append("|" + "---:|" * (len(codes) + 1))
    lines.append("| " + " | ".join(f"{csv_r['rows'][c]:,}" for c in codes)
                 + f" | {total:,} |")
    lines.append("")
    lines.append("| export | hdil2 export (read + build + check + write) | rows/s | "
                 "peak RSS | of it: read / build / write | reference write | "
                 "hdil2 write / reference | export / reference |")
    lines.append("|---|---:|---:|---:|---|---|---:|---:|")
    for r in sd:
        lines.append(
            f"| SDTM {r['fmt'].upper()} ({r['bytes'] / 1e6:.0f} MB) | {r['export_s']:.1f} s | "
            f"{total / r['export_s']:,.0f} | {r['export_rss']:.0f} MB "
            f"(start {r['base_rss']:.0f}) | "
            f"{r['read_s']:.1f} / {r['build_s']:.1f} / {r['write_s']:.1f} s | "
            f"{r['ref_how']}: {r['ref_s']:.1f} s | {r['write_s'] / r['ref_s']:.2f}x | "
            f"{r['export_s'] / r['ref_s']:.2f}x |")
    lines.append("")
    lines.append("Reference files byte-identical to hdil2's: " + ", ".join(
        f"{r['fmt'].upper()} {'yes' if r['same'] else 'no'}" for r in sd))
    lines.append("")
    lines.append("| FHIR | bundles | resources | seconds (of it: Bundle build) | bundles/s | "
                 "resources/s | peak RSS |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    lines.append(
        f"| export_patient + JSON text | {fh['bundles']:,} | {fh['resources']:,} | "
        f"{fh['total_s']:.2f} ({fh['build_s']:.2f}) | {fh['bundles'] / fh['total_s']:,.1f} | "
        f"{fh['resources'] / fh['total_s']:,.0f} | {fh['rss']:.0f} MB |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="a loaded registry (SQLite file); default: load one")
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2000)
    ap.add_argument("--fhir", type=int, default=200, help="FHIR Bundles to build")
    ap.add_argument("--keep", type=Path, help="copy the loaded SQLite registry here")
    ap.add_argument("--step", choices=("csv", "xpt", "fhir"), help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        return child(args)

    work = Path(tempfile.mkdtemp(prefix="hdil2-bench-"))
    try:
        db = args.db
        if db is None:
            db = str(work / "registry.sqlite3")
            took = load(db, args.seed, args.patients)
            print(f"loaded {args.patients:,} patients in {took:.1f} s (not part of the export)",
                  flush=True)
            if args.keep is not None:
                shutil.copyfile(db, args.keep)
        sd = [run_step(fmt, db, work, args.fhir) for fmt in ("csv", "xpt")]
        fh = run_step("fhir", db, work, args.fhir)
        print()
        print(table(sd, fh))
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(work)
    print(f"\n(machine: {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; Python "
          f"{sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
