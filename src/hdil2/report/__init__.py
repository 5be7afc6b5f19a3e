"""Reports and figures: the papers' tables and the plots oncologists read, from cohort rows.

Pure: :class:`~hdil2.report.data.CohortData` (plain pandas DataFrames, from the registry or from
a CSV file or a notebook) in, tables (DataFrames and HTML) and matplotlib figures out; nothing
here reads a database, and nothing writes a file except the one asked for.  matplotlib is
imported on first use, with its Agg backend, so ``import hdil2.report`` stays light.

* :mod:`~hdil2.report.data` — the columns of each input table, and the checks that name a
  missing or malformed column.
* :mod:`~hdil2.report.style` — one look for every figure: colours safe for colour-blind readers
  (Okabe-Ito), fixed fonts and sizes, deterministic SVG and PNG.
* :mod:`~hdil2.report.tables` — patient characteristics, response rates with exact intervals,
  the tempo of response (Lee et al. 2000, ``lee2000``, Tables 3-5), reasons for stopping,
  worst CTCAE grade per patient and term, dose intensity, QLQ-C30 scales.
* :mod:`~hdil2.report.figures` — Kaplan-Meier with numbers at risk, forest, waterfall, spider,
  swimmer, cumulative incidence of grade 3 or worse toxicity by dose number.
* :mod:`~hdil2.report.document` — one self-contained HTML file (inline SVG) or a PDF.
"""
