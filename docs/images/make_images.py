"""Make the images of docs/figures.md from the synthetic demo cohort (seed 2000), in a
throwaway registry:

    .venv/bin/python docs/images/make_images.py

One PNG per figure of the cohort report, and the first page of its PDF.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

FIGURES = ("km-os", "forest-os", "waterfall", "spider", "swimmer", "toxicity-incidence",
           "worst-grade-figure", "dose-intensity-figure")


def main() -> None:
    from hdil2.registry import demo, maintenance, report_data
    from hdil2.report import document, style

    with tempfile.TemporaryDirectory() as tmp:
        db = maintenance.setup(path=str(Path(tmp) / "registry.sqlite3"), must_exist=False)
        maintenance.migrate(db)
        demo.load(2000)
        data = report_data.cohort_data(None, title="Demo cohort (synthetic, Lee et al. 2000)")
        report = document.cohort_report(data, generated="2026-12-01")
        for key in FIGURES:
            name = key.removesuffix("-figure")
            style.save(report.item(key).figure, HERE / f"{name}.png")
        style.save(document.first_page(report), HERE / "report-first-page.png", dpi=70)
    print("written:", ", ".join(sorted(p.name for p in HERE.glob("*.png"))))


if __name__ == "__main__":
    main()
