"""The cohort report over the 10,000-patient synthetic registry: all its tables and figures,
against computing its numbers alone, in the same run.

    .venv/bin/python bench/report_cohort.py --db registry-10k.sqlite3   # a loaded registry
    .venv/bin/python bench/report_cohort.py                              # loads one first

* **numbers**: :func:`hdil2.registry.report_data.cohort_data` (the registry read into the
  report's six tables, every patient's scans assessed by the response engine), every table of
  the report (:mod:`hdil2.report.tables`), and the statistics behind each figure without
  drawing it: Kaplan-Meier and log-rank of OS, PFS and duration of response by disease, the
  Cox model of the forest plot, the waterfall's best changes, the swimmer's lanes, the
  incidence of grade >= 3 toxicity by dose (Kaplan-Meier), worst grades and dose counts.
* **report**: the same :func:`cohort_data`, then :func:`hdil2.report.document.cohort_report`
  (every table and figure built) and the HTML file written (every figure rendered to SVG) -
  what ``hdil2 report cohort --out report.html`` does; and the PDF of the same report.

Goal (issue 13): the figures add less than 2x to the time of the numbers alone.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def numbers(data_fn: Any) -> tuple[float, float]:
    """Seconds for (the registry read, everything)."""
    from hdil2.report import tables
    from hdil2.report.figures import dose_intensity, survival, swimmer, toxicity, tumour
    from hdil2.stats.cox import cox_ph
    from hdil2.stats.kaplan_meier import kaplan_meier, kaplan_meier_groups
    from hdil2.stats.logrank import logrank_test

    start = time.perf_counter()
    data = data_fn()
    read = time.perf_counter() - start
    tables.characteristics(data)
    tables.responses(data, by="disease")
    tables.responses(data, by="regimen")
    tables.tempo_tables(data)
    tables.stop_reasons(data)
    tables.worst_grade(data)
    tables.dose_intensity(data)
    for endpoint in ("os", "pfs", "dor"):
        rows = survival.endpoint_rows(data, endpoint, ("disease",))
        groups = [survival.group_name(v) for v in rows["disease"]]
        kaplan_meier_groups(rows["time"], rows["event"], groups)
        logrank_test(rows["time"], rows["event"], groups)
    rows = survival.endpoint_rows(data, "os", ("disease", "ecog", "sex", "age"))
    keep = rows.dropna()
    cox_ph(keep["time"], keep["event"],
           {"disease": list(keep["disease"]), "sex": list(keep["sex"]),
            "ecog": [1.0 if float(v) >= 1 else 0.0 for v in keep["ecog"]],
            "age": [float(v) / 10 for v in keep["age"]]},
           reference={"disease": "melanoma", "sex": "male"})
    tumour.best_change(data.tumour)
    swimmer.lanes(data.courses, data.patients)
    inc = toxicity.severe_toxicity_incidence(data.toxicities, data.courses)
    kaplan_meier(inc["dose"], inc["event"])
    toxicity.worst_grades(data.toxicities)
    dose_intensity.dose_counts(data.courses)
    return read, time.perf_counter() - start


def report(data_fn: Any, out: Path) -> dict[str, float]:
    from hdil2.report import document

    t0 = time.perf_counter()
    data = data_fn()
    t1 = time.perf_counter()
    marks: list[tuple[str, float]] = []
    rep = document.cohort_report(data, generated="bench",
                                 progress=lambda label, i, n: marks.append(
                                     (label, time.perf_counter())))
    t2 = time.perf_counter()
    items = sorted(((b[1] - a[1], a[0]) for a, b in itertools.pairwise(marks)),
                   reverse=True)
    document.write(rep, out / "report.html")
    t3 = time.perf_counter()
    pages = document.write(rep, out / "report.pdf")["pages"]
    t4 = time.perf_counter()
    return {"read": t1 - t0, "build": t2 - t1, "html": t3 - t2, "total": t3 - t0,
            "pdf": t4 - t3, "pages": pages,
            "html_mb": (out / "report.html").stat().st_size / 1e6,
            "pdf_mb": (out / "report.pdf").stat().st_size / 1e6,
            "missing": [it.key for it in rep.items if it.missing is not None],
            "slowest": items[:6]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="a loaded registry (SQLite file or postgresql:// URL)")
    ap.add_argument("--patients", type=int, default=10_000)
    args = ap.parse_args()
    from hdil2.registry import demo, maintenance, report_data

    tmp = Path(tempfile.mkdtemp(prefix="hdil2-bench-report-"))
    if args.db:
        maintenance.setup(path=args.db)
    else:
        print(f"loading {args.patients:,} synthetic patients ...", flush=True)
        maintenance.migrate(maintenance.setup(path=str(tmp / "registry.sqlite3"),
                                              must_exist=False))
        demo.load(2000, args.patients)

    def data_fn() -> Any:
        return report_data.cohort_data(None)

    import matplotlib  # noqa: F401 - imported before timing, as pandas is

    n = len(data_fn().patients)
    best_numbers = min((numbers(data_fn) for _ in range(2)), key=lambda x: x[1])
    rep = report(data_fn, tmp)
    read, num = best_numbers
    print(f"{n:,} patients; machine: {os.cpu_count()} cores")
    print(f"numbers alone: {num:.1f} s (registry read {read:.1f} s, tables and statistics "
          f"{num - read:.1f} s)")
    print(f"report to HTML: {rep['total']:.1f} s (registry read {rep['read']:.1f} s, tables "
          f"and figures {rep['build']:.1f} s, SVG + HTML {rep['html']:.1f} s; "
          f"{rep['html_mb']:.1f} MB)")
    print(f"the same report to PDF: {rep['pdf']:.1f} s more ({rep['pages']} pages, "
          f"{rep['pdf_mb']:.1f} MB)")
    print(f"report / numbers: {rep['total'] / num:.2f}x; the figures add "
          f"{(rep['total'] - num) / num:.2f}x the numbers' time (goal < 2x)")
    print("slowest items: " + "; ".join(f"{label} {s:.1f} s" for s, label in rep["slowest"]))
    if rep["missing"]:
        print(f"not shown (not in the demo's data): {', '.join(rep['missing'])}")


if __name__ == "__main__":
    main()
