"""A report: the tables and figures of a cohort (or of one patient) as one self-contained HTML
file or a PDF.

:func:`cohort_items` and :func:`patient_items` build the report's items in order - each a
table (:class:`hdil2.report.tables.Table`), a figure (:class:`matplotlib.figure.Figure`) or,
when the data cannot give it, the reason it is not shown.  :func:`html` renders the items as
one HTML5 document with every figure inlined as SVG and the styles in the page (no external
asset: it opens offline, mails as one file and prints with a page per section); :func:`pdf`
writes them with matplotlib's PDF backend, a first page with the cohort's key numbers, then one
page per table (split across pages when long) and per figure.  :func:`write` chooses by the
file's suffix.

The web app shows the same items (one code path); nothing here reads the registry - build the
:class:`~hdil2.report.data.CohortData` first (``hdil2.registry.report_data.cohort_data``, or
from CSV files: :func:`hdil2.report.data.read_csv`).
"""

from __future__ import annotations

import datetime as dt
import html as _html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdil2.core.errors import InputError
from hdil2.report.data import CohortData, check

#: ``progress(label, done, total)``: called before each item is built
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Item:
    """One item of a report: a table, a figure, or the reason it is missing (``missing``)."""

    key: str  # unique in the report, e.g. "km-os"
    section: str  # the section's title
    kind: str  # "table" or "figure"
    title: str
    caption: str = ""
    table: Any = None  # hdil2.report.tables.Table
    figure: Any = None  # matplotlib Figure
    missing: str | None = None  # why it is not shown ("not shown: ...")


@dataclass(frozen=True)
class Report:
    """A report's heading and its items, in order."""

    title: str
    subtitle: str
    items: tuple[Item, ...]
    sources: tuple[str, ...] = field(default=())
    generated: str = ""

    def item(self, key: str) -> Item:
        """The item ``key`` (KeyError when the report has none)."""
        for it in self.items:
            if it.key == key:
                return it
        raise KeyError(key)


# (key, section, kind, title, caption, builder)
Spec = tuple[str, str, str, str, str, Callable[[CohortData], Any]]


def _cohort_specs() -> list[Spec]:
    from hdil2.report import tables as t
    from hdil2.report.figures import dose_intensity as di
    from hdil2.report.figures import forest, survival, swimmer, toxicity, tumour

    def tempo(which: str) -> Callable[[CohortData], Any]:
        return lambda d: t.tempo_table(d, which)

    return [
        ("characteristics", "Patients", "table", "Patient characteristics", "",
         t.characteristics),
        ("responses-by-disease", "Response", "table", "Response by disease", "",
         lambda d: t.responses(d, by="disease")),
        ("responses-by-regimen", "Response", "table", "Response by regimen", "",
         lambda d: t.responses(d, by="regimen")),
        ("waterfall", "Response", "figure", "Best change in tumour size",
         "Each bar is one patient's largest decrease (or smallest increase) of the tumour "
         "burden from baseline, coloured by best overall response; dashed lines mark the "
         "criteria's response and progression thresholds (RECIST 1.1, recist1.1; NCI and "
         "WHO criteria, lee2000, who1981); patients assessed by the criteria most of the "
         "cohort was assessed by.",
         lambda d: tumour.waterfall_from(d, criteria=main_criteria(d))),
        ("spider", "Response", "figure", "Change in tumour size over time",
         "Each line is one patient's tumour burden relative to baseline at each scan.",
         lambda d: tumour.spider_from(d, criteria=main_criteria(d))),
        ("tempo-melanoma", "Tempo of response", "table", "", "", tempo("melanoma")),
        ("tempo-rcc", "Tempo of response", "table", "", "", tempo("rcc")),
        ("tempo-stop-reasons", "Tempo of response", "table", "", "",
         tempo("stop-reasons")),
        ("km-os", "Survival", "figure", "Overall survival",
         "Kaplan-Meier estimate by disease with 95 % confidence bands, censored patients "
         "marked +, the median where reached, the log-rank P and the numbers at risk "
         "(kaplan1958, greenwood1926, mantel1966; as R survival computes them, r-survival).",
         lambda d: survival.km_from(d, "os")),
        ("km-pfs", "Survival", "figure", "Progression-free survival",
         "Kaplan-Meier estimate by disease; progression or death is an event.",
         lambda d: survival.km_from(d, "pfs")),
        ("km-dor", "Survival", "figure", "Duration of response",
         "Kaplan-Meier estimate from the first complete or partial response to progression "
         "or death, responders only.", lambda d: survival.km_from(d, "dor")),
        ("forest-os", "Survival", "figure", "Hazard ratios for overall survival",
         "Cox proportional-hazards model (cox1972) with Efron's ties (efron1977) and 95 % "
         "confidence intervals.",
         forest.cox_forest_from),
        ("swimmer", "Treatment", "figure", "Courses, responses and follow-up",
         "One lane per patient from the first dose: IL-2 courses coloured by their response, "
         "first response, progression, death, and an arrow for patients alive without "
         "progression at the last contact; course responses by the NCI criteria (lee2000).",
         swimmer.swimmer_from),
        ("dose-intensity", "Treatment", "table", "Dose intensity", "", t.dose_intensity),
        ("dose-intensity-figure", "Treatment", "figure", "Doses given per course",
         "Doses given against doses planned, per course.", di.dose_intensity_from),
        ("stop-reasons", "Treatment", "table", "Reasons for stopping", "", t.stop_reasons),
        ("worst-grade", "Toxicity", "table", "Worst CTCAE grade per patient and term", "",
         t.worst_grade),
        ("worst-grade-figure", "Toxicity", "figure", "Worst grade per term",
         "Patients by their worst CTCAE v5.0 grade of each term (the most frequent terms; "
         "ctcae5).",
         toxicity.worst_grade_from),
        ("toxicity-incidence", "Toxicity", "figure",
         "Cumulative incidence of grade 3 or worse toxicity by dose number",
         "1 - Kaplan-Meier (kaplan1958) with the dose number as the time scale; stopping "
         "treatment censors; grades of CTCAE v5.0 (ctcae5).",
         toxicity.toxicity_incidence_from),
        ("quality-of-life", "Quality of life", "table", "EORTC QLQ-C30 scales by time point",
         "", t.quality_of_life),
    ]


def main_criteria(data: CohortData) -> str | None:
    """The response criteria of most of the cohort's assessed patients (ties: the first in
    alphabetical order), for the waterfall and spider plots, which draw one criteria's
    thresholds; None when the cohort has no tumour table."""
    df = data.tumour
    if df is None or df.empty:
        return None
    counts = df.drop_duplicates(["patient", "criteria"])["criteria"].value_counts()
    return str(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])


def _build(specs: Sequence[Spec], data: CohortData, progress: Progress | None) -> list[Item]:
    items: list[Item] = []
    for i, (key, section, kind, title, caption, builder) in enumerate(specs):
        if progress is not None:
            progress(title or key, i, len(specs))
        try:
            made = builder(data)
        except InputError as e:
            items.append(Item(key, section, kind, title or key, caption,
                              missing=f"not shown: {e.message}"))
            continue
        if kind == "table":
            items.append(Item(key, section, kind, title or made.title, caption, table=made))
        else:
            items.append(Item(key, section, kind, title, caption, figure=made))
    if progress is not None:
        progress("done", len(specs), len(specs))
    return items


def _subtitle(data: CohortData) -> str:
    n = len(data.patients)
    parts = [f"{n} patient{'s' if n != 1 else ''}"]
    if data.filters:
        parts.append("; ".join(f"{k} {v}" for k, v in data.filters.items()))
    return " · ".join(parts)


def cohort_report(data: CohortData, *, generated: str | None = None,
                  progress: Progress | None = None) -> Report:
    """The cohort report of ``data``: patients, response, tempo of response (``lee2000``
    Tables 3-5), survival, treatment, toxicity, quality of life.  ``generated`` is printed as
    the report's date (default: today, ISO 8601)."""
    check(data)
    items = _build(_cohort_specs(), data, progress)
    return Report(data.title, _subtitle(data), tuple(items), _sources(items),
                  generated if generated is not None else dt.date.today().isoformat())


def _sources(items: Iterable[Item]) -> tuple[str, ...]:
    keys: list[str] = []
    for it in items:
        notes = it.table.notes if it.table is not None else ()
        for text in (*notes, it.caption):
            for key in _source_keys(text):
                if key not in keys:
                    keys.append(key)
    return tuple(keys)


def _source_keys(text: str) -> list[str]:
    from hdil2.core.sources import SOURCES

    found = []
    for word in text.replace("(", " ").replace(")", " ").replace(",", " ").replace(
            ";", " ").replace("`", " ").split():
        w = word.strip(".:")
        if w in SOURCES:
            found.append(w)
    return found


# ---- one patient ----------------------------------------------------------------------------

def patient_report(data: CohortData, code: str, *, generated: str | None = None,
                   progress: Progress | None = None) -> Report:
    """One patient's course history: courses with doses given, held and planned, every dose
    slot, toxicities, scans with the response of each visit, quality of life, and the spider
    and swimmer figures of that patient."""
    from hdil2.report import patient as p

    check(data)
    mine = data.only([code])
    if mine.patients.empty:
        raise InputError("patient", "no such patient in the data", code)
    items = _build(p.specs(), mine, progress)
    return Report(f"Patient {code}", p.subtitle(mine), tuple(items), _sources(items),
                  generated if generated is not None else dt.date.today().isoformat())


# ---- HTML -----------------------------------------------------------------------------------

CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #ccc; --severe: #fde0d0; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: var(--ink);
       margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.2rem;
     margin-top: 2.2rem; }
.meta, figcaption, .missing, tfoot, .sources { color: var(--muted); font-size: 0.85rem; }
nav ol { columns: 2; font-size: 0.9rem; }
figure { margin: 1.5rem 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
table.hdil2-table { border-collapse: collapse; margin: 1rem 0; font-size: 0.85rem;
                    break-inside: auto; }
table.hdil2-table caption { text-align: left; font-weight: bold; margin-bottom: 0.3rem; }
table.hdil2-table th, table.hdil2-table td { padding: 0.15rem 0.5rem;
                                             border-bottom: 1px solid #eee; }
table.hdil2-table td { text-align: right; }
table.hdil2-table th[scope="row"], table.hdil2-table td:first-child { text-align: left; }
table.hdil2-table thead th { border-bottom: 1px solid var(--ink); }
table.hdil2-table tr { break-inside: avoid; page-break-inside: avoid; }
.severe { background: var(--severe); font-weight: bold; }
.missing { font-style: italic; }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; }
  nav { display: none; }
  section { break-before: page; page-break-before: always; }
  section:first-of-type { break-before: auto; page-break-before: auto; }
}
"""


def _e(text: Any) -> str:
    return _html.escape(str(text), quote=True)


def _figure_html(it: Item) -> str:
    from hdil2.report import style

    svg = style.svg(it.figure, salt=it.key)
    caption = f"<figcaption><strong>{_e(it.title)}.</strong> {_e(it.caption)}</figcaption>"
    return f'<figure id="{_e(it.key)}">\n{svg}\n{caption}\n</figure>'


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def html(report: Report) -> str:
    """The report as one self-contained HTML5 document (inline SVG and CSS, no script, no
    external asset)."""
    from hdil2 import __version__
    from hdil2.core.sources import source

    sections: dict[str, list[Item]] = {}
    for it in report.items:
        sections.setdefault(it.section, []).append(it)
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<meta name="generator" content="hdil2 {_e(__version__)}">',
           f"<title>{_e(report.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           "<header>", f"<h1>{_e(report.title)}</h1>",
           f'<p class="meta">{_e(report.subtitle)} · generated by hdil2 {_e(__version__)} on '
           f"{_e(report.generated)}</p>", "</header>",
           '<nav aria-label="Contents"><ol>']
    out += [f'<li><a href="#{_slug(name)}">{_e(name)}</a></li>' for name in sections]
    if report.sources:
        out.append('<li><a href="#sources">Sources</a></li>')
    out.append("</ol></nav>")
    for name, items in sections.items():
        out.append(f'<section id="{_slug(name)}">')
        out.append(f"<h2>{_e(name)}</h2>")
        for it in items:
            if it.missing is not None:
                out.append(f'<p class="missing" id="{_e(it.key)}">{_e(it.title)}: '
                           f"{_e(it.missing)}</p>")
            elif it.kind == "table":
                out.append(f'<div id="{_e(it.key)}">{it.table.html()}</div>')
            else:
                out.append(_figure_html(it))
        out.append("</section>")
    if report.sources:
        out.append('<section id="sources"><h2>Sources</h2><ul class="sources">')
        for key in report.sources:
            s = source(key)
            out.append(f"<li><strong>{_e(key)}</strong>: {_e(s.citation)}</li>")
        out.append("</ul></section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


# ---- PDF ------------------------------------------------------------------------------------

PAGE = (8.27, 11.69)  # A4 portrait, inches
ROWS_PER_PAGE = 38


def _table_lines(table: Any) -> tuple[list[str], list[tuple[list[str], list[bool], bool]]]:
    """The header and the lines of a table as the PDF shows them: a section heading line
    (bold, ``True``) before each section's rows, the row label in the first column."""
    doc = table.to_dict()
    labelled = any(r["label"] is not None for r in doc["rows"])
    header = ([doc["stub"]] if labelled else []) + ["\n".join(x for x in c if x)
                                                     for c in doc["columns"]]
    lines: list[tuple[list[str], list[bool], bool]] = []
    current = None
    for r in doc["rows"]:
        if r["section"] and r["section"] != current:
            lines.append(([r["section"]] + [""] * (len(header) - 1), [False] * len(header),
                          True))
        current = r["section"]
        cells = ([("   " if r["section"] else "") + (r["label"] or "")] if labelled else []) \
            + r["cells"]
        marks = ([False] if labelled else []) + r["severe"]
        lines.append((cells, marks, False))
    return header, lines


def _draw_table(ax: Any, header: list[str], chunk: list[tuple[list[str], list[bool], bool]],
                widths_from: list[tuple[list[str], list[bool], bool]]) -> None:
    """Draw table lines on ``ax`` (its whole area), columns as wide as their longest text."""
    ax.set_axis_off()
    if not chunk:
        return
    chars = [max([len(x) for x in h.split("\n")] + [len(cells[i]) for cells, _, _ in widths_from])
             + 2 for i, h in enumerate(header)]
    tab = ax.table(cellText=[c for c, _, _ in chunk], colLabels=header, loc="upper left",
                   cellLoc="right", colLoc="center", colWidths=[w / sum(chars) for w in chars])
    tab.auto_set_font_size(False)
    tab.set_fontsize(7 if sum(chars) < 150 else 6)
    two_line = any("\n" in h for h in header)
    for (r, c), cell in tab.get_celld().items():
        cell.set_edgecolor("#dddddd")
        cell.PAD = 0.03
        if r == 0:
            if two_line:
                cell.set_height(cell.get_height() * 2)
            cell.set_text_props(weight="bold")
            continue
        _, marks, heading = chunk[r - 1]
        if c == 0:
            cell.set_text_props(ha="left", weight="bold" if heading else "normal")
        if marks[c]:
            cell.set_facecolor("#fde0d0")
            cell.set_text_props(weight="bold")


def _table_pages(it: Item) -> list[Any]:
    from hdil2.report import style

    t = it.table
    header, lines = _table_lines(t)
    pages = []
    chunks = [lines[i:i + ROWS_PER_PAGE] for i in range(0, max(len(lines), 1), ROWS_PER_PAGE)]
    for n, chunk in enumerate(chunks):
        with style.rc():
            fig = style.figure(*PAGE)
            fig.set_layout_engine("none")
            suffix = f" (continued, page {n + 1} of {len(chunks)})" if n else ""
            fig.text(0.06, 0.96, t.title + suffix, fontsize=11, weight="bold", va="top",
                     wrap=True)
            _draw_table(fig.add_axes((0.06, 0.12, 0.88, 0.80)), header, chunk, lines)
            notes = " ".join(t.notes)
            if notes and n == len(chunks) - 1:
                fig.text(0.06, 0.08, notes, fontsize=7, va="top", wrap=True, color="#555555")
        pages.append(fig)
    return pages


def first_page(report: Report) -> Any:
    """The PDF's first page as a figure: the title and the cohort, the response table, the
    overall survival figure (when the report has them), the contents and what is not in the
    data."""
    import io

    import matplotlib.image

    from hdil2.report import style

    items = {it.key: it for it in report.items if it.missing is None}
    with style.rc():
        fig = style.figure(*PAGE)
        fig.set_layout_engine("none")
        fig.text(0.06, 0.96, report.title, fontsize=18, weight="bold", va="top")
        fig.text(0.06, 0.925, f"{report.subtitle} · generated by hdil2 on {report.generated}",
                 fontsize=9, va="top", color="#555555")
        first_table = next((it for it in report.items if it.table is not None
                            and it.key in ("responses-by-disease", "patient")), None)
        top = 0.89  # the page's free space, from the top (figure fraction)
        if first_table is not None:
            header, lines = _table_lines(first_table.table)
            lines = lines[:20]
            height = 0.0155 * (len(lines) + 2)
            fig.text(0.06, top, first_table.table.title, fontsize=11, weight="bold",
                     va="top")
            _draw_table(fig.add_axes((0.06, top - 0.02 - height, 0.88, height)), header,
                        lines, lines)
            top -= height + 0.06
        chart = items.get("km-os") or items.get("swimmer")
        if chart is not None:
            fig.text(0.06, top, chart.title, fontsize=11, weight="bold", va="top")
            ax = fig.add_axes((0.06, 0.22, 0.88, top - 0.23))
            ax.set_axis_off()
            ax.imshow(matplotlib.image.imread(io.BytesIO(style.png(chart.figure, dpi=150)),
                                              format="png"))
        sections: list[str] = []
        for it in report.items:
            if it.section not in sections:
                sections.append(it.section)
        lines_ = ["Contents: " + "; ".join(f"{i}. {s}" for i, s in enumerate(sections, 1))]
        lines_ += [f"{it.title or it.key}: {it.missing}" for it in report.items
                   if it.missing is not None]
        y = 0.18
        for line in lines_:
            fig.text(0.06, y, line, fontsize=8, va="top", wrap=True, color="#333333")
            y -= 0.02
    return fig


def pdf(report: Report, path: str | Path) -> int:
    """Write the report as a PDF (matplotlib's PDF backend): the first page, then each table
    (long tables over several pages) and each figure on a page of its own.  Returns the
    number of pages."""
    from matplotlib.backends.backend_pdf import PdfPages

    from hdil2.report import style

    pages = 0
    with style.rc(), PdfPages(path, metadata={"Creator": "hdil2", "CreationDate": None,
                                              "Title": report.title}) as out:
        out.savefig(first_page(report))
        pages += 1
        for it in report.items:
            if it.missing is not None:
                continue
            figs = _table_pages(it) if it.kind == "table" else [it.figure]
            for fig in figs:
                out.savefig(style.freeze(fig))
                pages += 1
    return pages


def check_out(path: str | Path, field: str = "out") -> Path:
    """``path`` if a report can be written there (``.html``, ``.htm`` or ``.pdf`` in an existing
    folder), else :class:`InputError` naming ``field``."""
    p = Path(path)
    if p.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise InputError(field, "a report is written as .html or .pdf", str(path))
    if not p.parent.exists():
        raise InputError(field, "its folder does not exist", str(path))
    return p


def write(report: Report, path: str | Path) -> dict[str, Any]:
    """Write the report to ``path``: HTML (``.html``/``.htm``) or PDF (``.pdf``); returns what
    was written (path, format, bytes, items shown and missing)."""
    p = check_out(path)
    suffix = p.suffix.lower()
    doc: dict[str, Any] = {"out": str(p), "format": "pdf" if suffix == ".pdf" else "html"}
    if suffix == ".pdf":
        doc["pages"] = pdf(report, p)
    else:
        p.write_text(html(report), encoding="utf-8")
    doc["bytes"] = p.stat().st_size
    doc["shown"] = [it.key for it in report.items if it.missing is None]
    doc["missing"] = {it.key: it.missing for it in report.items if it.missing is not None}
    return doc
