"""The report's tables: the layouts of Lee et al. 2000 (``lee2000``) and the tables oncologists
read, as pandas DataFrames and as HTML.

Each function takes a :class:`~hdil2.report.data.CohortData` and returns a :class:`Table`
(``tempo_tables`` a list of them):

* :func:`characteristics` - patients by sex, age group, ECOG performance status, prior therapy
  and number of metastatic sites, per disease and in total (``lee2000`` Table 1's layout).
* :func:`responses` - complete (CR), partial (PR) and objective (CR + PR) responses per disease
  or per regimen, with the exact (Clopper-Pearson, ``clopper1934``) 95 % interval of CR + PR
  (``lee2000`` Table 2's layout).
* :func:`tempo_tables` - the response after each course by the status before it, per disease,
  and the reasons for stopping by the number of courses completed (``lee2000`` Tables 3, 4
  and 5), from :func:`hdil2.clinical.response.tempo.tempo_tables`; :func:`tempo_table` one of
  them by disease.
* :func:`stop_reasons` - the reason the last course was stopped, per disease.
* :func:`worst_grade` - patients by worst CTCAE v5.0 grade (``ctcae5``) per term; grade 3 or
  worse highlighted.
* :func:`dose_intensity` - doses planned, given and held per course number, and the dose
  intensity (doses given / doses planned), per disease.
* :func:`quality_of_life` - the EORTC QLQ-C30 scale scores (``eortc-qlq-c30-manual``) per time
  point.
* :func:`all_tables` - every table in order; a table whose input is missing is listed as
  ``(key, "not in the data: ...")``.

Cells are strings, formatted as the table shows them: counts, percentages rounded half up
(exactly, from the counts) to the paper's precision, "median (range)".  A table's frame has a
two-level row index (section, row label) and one or two levels of column headers; sections
are the row groups ("Sex", "Age group", a course, a time point), ``""`` for rows outside any.

A table whose input table is ``None`` or has no usable rows raises :class:`NotInData` (an
:class:`~hdil2.core.errors.InputError` naming the table); a malformed value raises
:class:`~hdil2.core.errors.InputError` naming the table and column.  Nothing is guessed: a
value that is not recorded is counted in a "not recorded" row or column, never imputed.
"""

from __future__ import annotations

import html
import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hdil2.core.errors import InputError
from hdil2.report.data import PATIENTS, TABLES, CohortData, check_table

__all__ = [
    "NotInData", "Table", "all_tables", "characteristics", "dose_intensity", "quality_of_life",
    "responses", "stop_reasons", "tempo_table", "tempo_tables", "worst_grade",
]

NOT_RECORDED = "Not recorded"
NONE_MARK = "—"  # a count of none, as lee2000 prints it in Tables 3 and 4
DISEASE_LABELS: Mapping[str, str] = {"melanoma": "Melanoma", "rcc": "Renal cell"}
DISEASE_ORDER: tuple[str, ...] = ("melanoma", "rcc")
#: prior therapy kinds in lee2000 Table 1's order, with their row labels
PRIOR_THERAPY_LABELS: Mapping[str, str] = {
    "surgery": "Surgery", "chemotherapy": "Chemotherapy", "radiotherapy": "Radiotherapy",
    "hormonal": "Hormonal", "immunotherapy": "Immunotherapy",
}
STOP_REASON_LABELS: Mapping[str, str] = {
    "progressive_disease": "Progressive disease", "il2_toxicity": "IL-2 toxicity",
    "death": "Death", "complete_response": "Complete response", "other": "Other",
}
#: the age groups lee2000 Table 1 prints (always shown; other decades when present)
PAPER_AGE_GROUPS: tuple[int, ...] = (11, 21, 31, 41, 51, 61)
PAPER_ECOG: tuple[int, ...] = (0, 1, 2, 3)
LEE2000 = "Lee et al. 2000 (lee2000)"


class NotInData(InputError):  # noqa: N818 - an InputError: the table's input is missing
    """The input a table needs is not in the data (its table is ``None`` or has no usable
    rows); ``field`` names the table (or ``table.column``)."""


# --- the table ----------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Table:
    """One table of a report.

    ``frame``: the table as displayed, row index (section, row label) and columns of one level
    (``"n"``) or two (``("Melanoma", "%")``); a frame with any other index is shown without
    row labels (a plain RangeIndex) or with its index as the row labels.  ``stub``: the header
    of the row labels; ``notes``: footnotes (the layout's source and how the numbers were
    made); ``severe``: a boolean DataFrame of the frame's shape, True for the cells to
    highlight."""

    key: str
    title: str
    frame: Any
    notes: tuple[str, ...] = ()
    severe: Any = None
    stub: str = ""

    def __post_init__(self) -> None:
        if self.severe is not None and self.severe.shape != self.frame.shape:
            raise InputError("severe", "must have the frame's shape",
                             (self.severe.shape, self.frame.shape))

    # -- shapes
    def _column_levels(self) -> list[tuple[str, ...]]:
        cols = list(self.frame.columns)
        return [tuple(str(x) for x in c) if isinstance(c, tuple) else (str(c),) for c in cols]

    def _labelled(self) -> bool:
        """Whether the rows have labels (a (section, label) index or a non-default one)."""
        import pandas as pd

        return not isinstance(self.frame.index, pd.RangeIndex)

    def _rows(self) -> list[tuple[str, str | None, list[str], list[bool]]]:
        out: list[tuple[str, str | None, list[str], list[bool]]] = []
        values = self.frame.to_numpy().tolist()
        severe = (self.severe.to_numpy().tolist() if self.severe is not None
                  else [[False] * len(self.frame.columns) for _ in values])
        labelled = self._labelled()
        for key, cells, marks in zip(self.frame.index, values, severe, strict=True):
            section: str
            label: str | None
            if isinstance(key, tuple) and len(key) == 2:
                section, label = _text(key[0]), _text(key[1])
            else:
                section, label = "", (_text(key) if labelled else None)
            out.append((section, label, [_text(c) for c in cells], [bool(m) for m in marks]))
        return out

    # -- outputs
    def html(self) -> str:
        """The table as an HTML5 fragment: ``<table class="hdil2-table">`` with a caption, a
        header (two rows for two-level columns), a ``<tbody>`` per section headed by a row
        group header, highlighted cells ``class="severe"``, and the notes in ``<tfoot>``.
        Every text is HTML-escaped."""
        e = html.escape
        cols = self._column_levels()
        labelled = self._labelled()
        width = len(cols) + (1 if labelled else 0)
        two = any(len(c) > 1 for c in cols)
        parts = [f'<table class="hdil2-table" id="table-{e(self.key)}">',
                 f"<caption>{e(self.title)}</caption>", "<thead>"]
        stub = "<th scope=\"col\"{span}>" + e(self.stub) + "</th>" if labelled else ""
        if two:
            top = ["<tr>" + stub.format(span=' rowspan="2"')]
            sub = ["<tr>"]
            i = 0
            while i < len(cols):
                head = cols[i][0]
                j = i
                while j < len(cols) and len(cols[j]) > 1 and cols[j][0] == head:
                    j += 1
                if j == i:  # a one-level column among two-level ones
                    top.append(f'<th scope="col" rowspan="2">{e(head)}</th>')
                    i += 1
                    continue
                top.append(f'<th scope="colgroup" colspan="{j - i}">{e(head)}</th>')
                sub.extend(f'<th scope="col">{e(c[1])}</th>' for c in cols[i:j])
                i = j
            parts += ["".join(top) + "</tr>", "".join(sub) + "</tr>"]
        else:
            parts.append("<tr>" + stub.format(span="")
                         + "".join(f'<th scope="col">{e(c[0])}</th>' for c in cols) + "</tr>")
        parts.append("</thead>")
        current: str | None = None
        for section, label, cells, marks in self._rows():
            if section != current:
                if current is not None:
                    parts.append("</tbody>")
                parts.append("<tbody>")
                if section:
                    parts.append(f'<tr class="section"><th scope="rowgroup" colspan="{width}">'
                                 f"{e(section)}</th></tr>")
                current = section
            th = f'<th scope="row">{e(label)}</th>' if label is not None else ""
            tds = "".join(f'<td class="severe">{e(c)}</td>' if m else f"<td>{e(c)}</td>"
                          for c, m in zip(cells, marks, strict=True))
            parts.append(f"<tr>{th}{tds}</tr>")
        if current is not None:
            parts.append("</tbody>")
        if self.notes:
            parts.append("<tfoot>")
            parts.extend(f'<tr><td colspan="{width}">{e(n)}</td></tr>' for n in self.notes)
            parts.append("</tfoot>")
        parts.append("</table>")
        return "\n".join(parts)

    def csv(self) -> str:
        """The table as CSV (for download): columns "section" and the row labels' header when
        the rows have labels, then one per column (two-level headers joined by a space, e.g.
        "Melanoma %"); cells as displayed."""
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        labelled = self._labelled()
        heads = [" ".join(x for x in c if x) for c in self._column_levels()]
        w.writerow(["section", self.stub or "row", *heads] if labelled else heads)
        for section, label, cells, _ in self._rows():
            w.writerow([section, label, *cells] if labelled else cells)
        return buf.getvalue()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: key, title, stub, columns (each a list of its header levels), rows
        (section, label - None when the rows have no labels -, cells, severe) and notes."""
        return {"key": self.key, "title": self.title, "stub": self.stub,
                "columns": [list(c) for c in self._column_levels()],
                "rows": [{"section": s, "label": lab, "cells": cells, "severe": marks}
                         for s, lab, cells, marks in self._rows()],
                "notes": list(self.notes)}

    def cell(self, section: str, label: str, column: str | tuple[str, str]) -> str:
        """The displayed cell of row (section, label) and ``column``."""
        return _text(self.frame.loc[(section, label), column])


def _text(v: Any) -> str:
    """A cell as shown: missing values empty."""
    return "" if _na(v) else str(v)


def _make(key: str, title: str, stub: str,
          columns: Sequence[str] | Sequence[tuple[str, str]],
          rows: Sequence[tuple[str, str, Sequence[str]]], notes: Iterable[str],
          severe: Sequence[Sequence[bool]] | None = None) -> Table:
    import pandas as pd

    heads: list[Any] = list(columns)
    if heads and isinstance(heads[0], tuple):
        cols: Any = pd.MultiIndex.from_tuples(heads)
    else:
        cols = pd.Index(heads)
    index = pd.MultiIndex.from_tuples([(s, lab) for s, lab, _ in rows],
                                      names=["section", stub or "row"])
    frame = pd.DataFrame([list(c) for _, _, c in rows], index=index, columns=cols, dtype=object)
    mask = None
    if severe is not None:
        mask = pd.DataFrame([list(m) for m in severe], index=index, columns=cols, dtype=bool)
    return Table(key, title, frame, tuple(notes), mask, stub)


# --- values and numbers -------------------------------------------------------------------------

def _na(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    return type(v).__name__ in ("NAType", "NaTType")


def _records(df: Any, columns: Iterable[str]) -> list[dict[str, Any]]:
    """The rows of ``df`` as dicts of ``columns``, missing values None."""
    names = list(columns)
    values = [[None if _na(v) else v for v in df[c].tolist()] for c in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _int(v: Any) -> int | None:
    return None if v is None else int(v)


def _half_up(q: Fraction, places: int = 0) -> str:
    """``q`` (≥ 0) rounded half up to ``places`` decimals, exactly."""
    scaled = math.floor(q * 10 ** places + Fraction(1, 2))
    if places == 0:
        return str(scaled)
    whole, frac = divmod(scaled, 10 ** places)
    return f"{whole}.{frac:0{places}d}"


def _pct(x: int, n: int, places: int = 0) -> str:
    return _half_up(Fraction(100 * x, n), places) if n else NONE_MARK


def _median_range(values: Sequence[int]) -> str:
    if not values:
        return NONE_MARK
    med = Fraction(statistics.median_low(values) + statistics.median_high(values), 2)
    shown = str(med.numerator) if med.denominator == 1 else _half_up(med, 1)
    return f"{shown} ({min(values)}-{max(values)})"


def _disease_key(v: Any) -> str | None:
    return None if v is None or v == "" else str(v)


def _group_label(v: str | None, labels: Mapping[str, str] | None = None) -> str:
    if v is None:
        return NOT_RECORDED
    return (labels or {}).get(v, v)


def _ordered_groups(values: Iterable[str | None], first: Sequence[str] = DISEASE_ORDER
                    ) -> list[str | None]:
    present = set(values)
    out: list[str | None] = [d for d in first if d in present]
    out += sorted(v for v in present if v is not None and v not in first)
    if None in present:
        out.append(None)
    return out


def _patients(data: CohortData) -> list[dict[str, Any]]:
    df = data.patients
    if df is None or len(df) == 0:
        raise NotInData("patients", "no patients")
    check_table("patients", df)
    return _records(df, PATIENTS)


#: what a row of each table is, for "no ... recorded"
WHAT_ROWS = {"courses": "courses", "tumour": "tumour measurements",
             "toxicities": "adverse events", "quality_of_life": "questionnaires",
             "doses": "dose slots"}


def _table_rows(data: CohortData, name: str) -> list[dict[str, Any]]:
    df = data.table(name)
    if df is None:
        raise NotInData(name, "the table is not in the data")
    if len(df) == 0:
        raise NotInData(name, f"no {WHAT_ROWS.get(name, 'rows')} recorded")
    check_table(name, df)
    return _records(df, TABLES[name])


def _equals(column: str, value: Any) -> Callable[[Mapping[str, Any]], bool]:
    def test(row: Mapping[str, Any]) -> bool:
        return bool(row[column] == value)
    return test


def _known_patients(rows: Sequence[Mapping[str, Any]], name: str, codes: set[str]) -> None:
    for i, r in enumerate(rows):
        if r["patient"] not in codes:
            raise InputError(f"{name}.patient", f"row {i + 1}: not a patient of the cohort",
                             r["patient"])


# --- Table 1: characteristics -------------------------------------------------------------------

def _age_group(age: int) -> tuple[int, str]:
    if age <= 10:
        return 0, "0-10 years"
    lo = 10 * ((age - 1) // 10) + 1
    return lo, f"{lo}-{lo + 9} years"


def _kinds(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in text.split(";"):
        k = part.strip().lower()
        if k:
            seen.setdefault(k, None)
    return list(seen)


def _kind_label(kind: str) -> str:
    return PRIOR_THERAPY_LABELS.get(kind, kind[:1].upper() + kind[1:])


def characteristics(data: CohortData) -> Table:
    """Patient characteristics in the layout of ``lee2000`` Table 1: one column pair (number
    of patients, per cent) per disease - melanoma, renal cell cancer, any other disease
    recorded, "not recorded" when a patient's disease is not - and the total.

    Rows: total patients; sex; age group by decade of the age at the first dose (the paper's
    11-20 to 61-70 years always, other decades when a patient falls in one); ECOG performance
    status (0-3 as the paper, 4 when present); prior therapy (none, each kind, any two or more
    kinds, any three or more); number of metastatic organ sites (1, 2, 3 or more).  A "not
    recorded" row appears in a section when a patient's value is missing.  Per cent of the
    patients of the column, rounded half up to a whole number as the paper prints it (1 of 201
    prints 0)."""
    pts = _patients(data)
    for i, p in enumerate(pts):
        if p["age"] is not None and int(p["age"]) < 0:
            raise InputError("patients.age", f"row {i + 1}: must be 0 or more", p["age"])
        if p["ecog"] is not None and int(p["ecog"]) not in range(5):
            raise InputError("patients.ecog", f"row {i + 1}: must be 0-4", p["ecog"])
    groups = _ordered_groups(_disease_key(p["disease"]) for p in pts)
    members = [[i for i, p in enumerate(pts) if _disease_key(p["disease"]) == g]
               for g in groups]
    members.append(list(range(len(pts))))
    heads = [_group_label(g, DISEASE_LABELS) for g in groups] + ["Total"]
    columns = [(h, sub) for h in heads for sub in ("No. of patients", "%")]
    rows: list[tuple[str, str, list[str]]] = []

    def add(section: str, label: str, flags: list[bool]) -> None:
        """A row counting the patients whose flag is set."""
        cells: list[str] = []
        for mine in members:
            n = sum(1 for i in mine if flags[i])
            cells += [str(n), _pct(n, len(mine))]
        rows.append((section, label, cells))

    add("", "Total patients", [True] * len(pts))
    # sex
    sexes = {p["sex"] for p in pts}
    for s in ("male", "female", *sorted(x for x in sexes if x not in (None, "male", "female"))):
        add("Sex", s[:1].upper() + s[1:], [p["sex"] == s for p in pts])
    if None in sexes:
        add("Sex", NOT_RECORDED, [p["sex"] is None for p in pts])
    # age group
    age_lo = [None if p["age"] is None else _age_group(int(p["age"]))[0] for p in pts]
    present = {_age_group(int(p["age"])) for p in pts if p["age"] is not None}
    shown = sorted(present | {(lo, f"{lo}-{lo + 9} years") for lo in PAPER_AGE_GROUPS})
    for lo, label in shown:
        add("Age group", label, [a == lo for a in age_lo])
    if None in age_lo:
        add("Age group", NOT_RECORDED, [a is None for a in age_lo])
    # performance status
    ecog = [None if p["ecog"] is None else int(p["ecog"]) for p in pts]
    for s in sorted({*PAPER_ECOG, *(e for e in ecog if e is not None)}):
        add("Performance status (ECOG)", str(s), [e == s for e in ecog])
    if None in ecog:
        add("Performance status (ECOG)", NOT_RECORDED, [e is None for e in ecog])
    # prior therapy
    prior = [None if p["prior_therapy"] is None else _kinds(p["prior_therapy"]) for p in pts]
    if any(k is not None for k in prior):
        kinds = {k for ks in prior if ks is not None for k in ks}
        order = [k for k in PRIOR_THERAPY_LABELS if k in kinds] + \
            sorted(kinds - set(PRIOR_THERAPY_LABELS))
        add("Prior therapy", "None", [ks is not None and not ks for ks in prior])
        for k in order:
            add("Prior therapy", _kind_label(k), [ks is not None and k in ks for ks in prior])
        for at_least, words in ((2, "two"), (3, "three")):
            add("Prior therapy", f"Any {words} or more",
                [ks is not None and len(ks) >= at_least for ks in prior])
    if None in prior:
        add("Prior therapy", NOT_RECORDED, [ks is None for ks in prior])
    # metastatic sites
    sites = [None if p["metastatic_sites"] is None else len(_kinds(p["metastatic_sites"]))
             for p in pts]
    if any(m is not None for m in sites):
        if 0 in sites:
            add("Metastatic sites", "None recorded as involved", [m == 0 for m in sites])
        add("Metastatic sites", "1 site", [m == 1 for m in sites])
        add("Metastatic sites", "2 sites", [m == 2 for m in sites])
        add("Metastatic sites", "3 or more sites", [m is not None and m >= 3 for m in sites])
    if None in sites:
        add("Metastatic sites", NOT_RECORDED, [m is None for m in sites])
    notes = (
        f"Layout of {LEE2000}, Table 1.",
        "Per cent of the patients of the column, rounded half up to a whole number, as the "
        "paper prints it.",
        "Age in completed years at the first dose.  Prior therapy: a patient counts once in "
        "each kind received; 'any two or more' counts the kinds.",
        "Metastatic sites: the number of organ sites recorded per patient; the sites "
        "themselves are not tabulated.  The paper's race rows are not in the cohort's data.",
    )
    return _make("characteristics", "Patient characteristics", "Characteristic", columns,
                 rows, notes)


# --- Table 2: responses -------------------------------------------------------------------------

def responses(data: CohortData, by: str = "disease") -> Table:
    """Complete (CR), partial (PR) and objective (CR + PR) responses, by disease or by
    regimen, in the layout of ``lee2000`` Table 2, with the exact 95 % confidence interval of
    CR + PR (Clopper-Pearson, ``clopper1934``; :func:`hdil2.stats.proportions.rate`).

    Counts are of each patient's best response (``patients.best_response``); every patient
    of the group counts in the denominator, a patient without a best response recorded as a
    non-responder (intention to treat, as the paper counts every treated patient; their number
    is given in a note).  Per cent to one decimal, rounded half up from the counts."""
    from hdil2.stats.proportions import rate

    if by not in ("disease", "regimen"):
        raise InputError("by", "must be disease or regimen", by)
    pts = _patients(data)
    if all(p["best_response"] is None for p in pts):
        raise NotInData("patients.best_response", "no patient has a best response recorded")
    if by == "regimen" and all(_disease_key(p["regimen"]) is None for p in pts):
        raise NotInData("patients.regimen", "no patient has a regimen recorded")
    first = DISEASE_ORDER if by == "disease" else ()
    groups = _ordered_groups((_disease_key(p[by]) for p in pts), first)
    members = [(_group_label(g, DISEASE_LABELS if by == "disease" else None),
                [p for p in pts if _disease_key(p[by]) == g]) for g in groups]
    members.append(("Total", pts))
    columns = [("Patients", "No."), ("CR", "No."), ("CR", "%"), ("PR", "No."), ("PR", "%"),
               ("CR + PR", "No."), ("CR + PR", "%"), ("CR + PR", "95 % CI")]
    rows: list[tuple[str, str, list[str]]] = []
    for label, mine in members:
        n = len(mine)
        cr = sum(p["best_response"] == "CR" for p in mine)
        pr = sum(p["best_response"] == "PR" for p in mine)
        ci = rate(cr + pr, n).ci
        rows.append(("", label, [str(n), str(cr), _pct(cr, n, 1), str(pr), _pct(pr, n, 1),
                                 str(cr + pr), _pct(cr + pr, n, 1),
                                 f"{100 * ci.lower:.1f}-{100 * ci.upper:.1f}"]))
    notes = [f"Layout of {LEE2000}, Table 2.",
             "Best response of each patient; per cent of the patients of the row, to one "
             "decimal, rounded half up.",
             "95 % CI: exact (Clopper-Pearson) interval of CR + PR, per cent "
             "(Clopper and Pearson 1934, clopper1934)."]
    missing = sum(p["best_response"] is None for p in pts)
    if missing:
        notes.append(f"{missing} patient(s) without a best response recorded count as "
                     "non-responders.")
    if by == "regimen":
        from hdil2.clinical.treatment.regimens import REGIMENS

        names = [f"{g}: {REGIMENS[g].name}" for g in groups if g is not None and g in REGIMENS]
        if names:
            notes.append("Regimens (of course 1): " + "; ".join(names) + ".")
    key = f"responses-by-{by}"
    title = f"Response by {'disease' if by == 'disease' else 'regimen of course 1'}"
    return _make(key, title, "Disease" if by == "disease" else "Regimen", columns, rows, notes)


# --- Tables 3 to 5: tempo of response -----------------------------------------------------------

def _courses_words(k: int) -> str:
    if k == 1:
        return "course 1"
    if k == 2:
        return "courses 1 and 2"
    return f"courses 1-{k}"


def _count(n: int) -> str:
    return str(n) if n else NONE_MARK


def _tempo_input(data: CohortData) -> tuple[list[Any], int]:
    from hdil2.clinical.response.tempo import PatientCourses

    pts = _patients(data)
    out: list[Any] = []
    left_out = 0
    for i, p in enumerate(pts):
        resp = p["course_responses"]
        if resp is None or len(resp) == 0:
            continue
        if p["courses"] is not None and int(p["courses"]) != len(resp):
            raise InputError("patients.course_responses",
                             f"row {i + 1}: {len(resp)} responses for {int(p['courses'])} "
                             "courses", p["patient"])
        disease = _disease_key(p["disease"])
        if disease is None:
            left_out += 1
            continue
        out.append(PatientCourses(str(p["patient"]), disease, tuple(resp), p["stop_reason"]))
    if not out:
        raise NotInData("patients.course_responses",
                        "no treated patient with course responses and a recorded disease")
    return out, left_out


def tempo_tables(data: CohortData) -> list[Table]:
    """The tempo of response: ``lee2000`` Tables 3 (melanoma) and 4 (renal cell cancer) - a
    table per disease recorded - and Table 5, the reasons for stopping by the number of
    courses completed, from :func:`hdil2.clinical.response.tempo.tempo_tables` (each patient's
    ``course_responses`` and ``stop_reason``).

    In a course's block the first row gives the patients treated with the course by their
    status before it (for course 1, their response to it); then one row per status after the
    course (NR, MR, PR, CR), the columns being the status before it - the paper's layout;
    progression counts as NR, as in the paper.  Patients whose disease is not recorded are
    left out (the tables are per disease), and so are patients without a course."""
    from hdil2.clinical.response.tempo import STATUSES, STOP_REASONS
    from hdil2.clinical.response.tempo import tempo_tables as tabulate

    pts, left_out = _tempo_input(data)
    t = tabulate(pts)
    common = []
    if left_out:
        common.append(f"{left_out} treated patient(s) whose disease is not recorded are left "
                      "out.")
    out: list[Table] = []
    numbers = {"melanoma": 3, "rcc": 4}
    for disease in _ordered_groups(t.by_disease):
        assert disease is not None
        rows: list[tuple[str, str, list[str]]] = []
        for c in t.by_disease[disease]:
            section = f"Course {c.course} (n = {c.treated})"
            if c.course == 1:
                rows.append((section, "Response to course 1",
                             [str(c.response[s]) for s in STATUSES]))
                continue
            before = _courses_words(c.course - 1)
            rows.append((section, f"Treated with course {c.course}, by response to {before}",
                         [str(c.treated_by_status[s]) for s in STATUSES]))
            after = _courses_words(c.course)
            for row in STATUSES:
                rows.append((section, f"Response to {after}: {row}",
                             [_count(c.transition[row][col]) for col in STATUSES]))
        label = DISEASE_LABELS.get(disease, disease)
        number = numbers.get(disease)
        layout = (f"Layout of {LEE2000}, Table {number}." if number is not None
                  else f"Layout of {LEE2000}, Tables 3 and 4.")
        notes = [layout,
                 "Course 1: the columns are the response to it.  Later courses: the first row "
                 "gives the patients treated by their response before the course, the other "
                 "rows the response after it (rows) by the response before it (columns).",
                 "NCI response categories: NR no response (progression included), MR minor, "
                 "PR partial, CR complete response; " + NONE_MARK + " none.", *common]
        out.append(_make(f"tempo-{disease}",
                         f"Response to successive courses of high-dose IL-2: {label}",
                         "Response", list(STATUSES), rows, notes))
    n_courses = max((len(v) for v in t.discontinuation.values()), default=0)
    columns = [("Courses completed before stopping", str(k)) for k in range(1, n_courses + 1)]
    rows5: list[tuple[str, str, list[str]]] = []
    for reason in STOP_REASONS:
        rows5.append(("", STOP_REASON_LABELS[reason],
                      [_count(n) for n in t.discontinuation[reason]]))
    totals = [sum(t.discontinuation[r][k] for r in STOP_REASONS) for k in range(n_courses)]
    rows5.append(("", "Total", [_count(n) for n in totals]))
    notes5 = [f"Layout of {LEE2000}, Table 5 (both diseases).",
              "Number of patients by the reason the last course was stopped and the number of "
              "courses given; " + NONE_MARK + " none.",
              f"Still on treatment (no reason recorded): {t.still_on_treatment}.", *common]
    out.append(_make("tempo-stop-reasons",
                     "Reasons for discontinuing treatment with IL-2, by courses completed",
                     "Reason", columns, rows5, notes5))
    return out


def tempo_table(data: CohortData, which: str) -> Table:
    """One table of :func:`tempo_tables`: ``which`` a disease (``"melanoma"``, ``"rcc"``, ...)
    for its Table 3/4, or ``"stop-reasons"`` for Table 5; :class:`NotInData` naming
    ``patients.disease`` when no treated patient has that disease (a cohort filtered to one
    disease has no table for the other)."""
    key = "tempo-stop-reasons" if which == "stop-reasons" else f"tempo-{which}"
    for table in tempo_tables(data):
        if table.key == key:
            return table
    raise NotInData("patients.disease",
                    f"no treated patient with disease {which!r} and course responses")


# --- reasons for stopping -----------------------------------------------------------------------

def stop_reasons(data: CohortData) -> Table:
    """The reason the last course was stopped (``patients.stop_reason``, the categories of
    ``lee2000`` Table 5), number and per cent of patients per disease and in total.  "None
    recorded" counts treated patients without a reason (still on treatment, or not recorded),
    "Not treated" patients without a course."""
    pts = _patients(data)
    if all(p["stop_reason"] is None for p in pts):
        raise NotInData("patients.stop_reason", "no patient has a reason for stopping recorded")
    groups = _ordered_groups(_disease_key(p["disease"]) for p in pts)
    members = [[p for p in pts if _disease_key(p["disease"]) == g] for g in groups] + [pts]
    heads = [_group_label(g, DISEASE_LABELS) for g in groups] + ["Total"]
    columns = [(h, sub) for h in heads for sub in ("No. of patients", "%")]
    reasons = {p["stop_reason"] for p in pts if p["stop_reason"] is not None}
    order: list[tuple[str, Callable[[Mapping[str, Any]], bool]]] = []
    for r in (*STOP_REASON_LABELS, *sorted(reasons - set(STOP_REASON_LABELS))):
        if r in STOP_REASON_LABELS or r in reasons:
            order.append((STOP_REASON_LABELS.get(r, r), _equals("stop_reason", r)))

    def untreated(p: Mapping[str, Any]) -> bool:
        return p["stop_reason"] is None and p["courses"] is not None and int(p["courses"]) == 0

    if any(p["stop_reason"] is None and not untreated(p) for p in pts):
        order.append(("None recorded",
                      lambda p: p["stop_reason"] is None and not untreated(p)))
    if any(untreated(p) for p in pts):
        order.append(("Not treated", untreated))
    rows: list[tuple[str, str, list[str]]] = []
    for label, test in order:
        cells: list[str] = []
        for mine in members:
            n = sum(1 for p in mine if test(p))
            cells += [str(n), _pct(n, len(mine))]
        rows.append(("", label, cells))
    notes = (f"Categories of {LEE2000}, Table 5: the reason the patient's last course was "
             "stopped.",
             "Per cent of the patients of the column, rounded half up to a whole number.")
    return _make("stop-reasons", "Reasons for stopping treatment", "Reason", columns, rows,
                 notes)


# --- worst CTCAE grade --------------------------------------------------------------------------

def _term(raw: str) -> tuple[str, str]:
    """(grouping key, label) of a term: a CTCAE v5.0 term by its catalogue name (its key and
    aliases grouped), any other term as written."""
    from hdil2.clinical.toxicity.ctcae.catalogue import TERMS, term_key

    try:
        key = term_key(raw)
    except InputError:
        return raw, raw
    return key, TERMS[key].name


def worst_grade(data: CohortData) -> Table:
    """Patients by worst CTCAE v5.0 grade (``ctcae5``) per term: each patient counts once per
    term, at the worst grade recorded for it; grades 1 to 5, "any grade" (every patient with an
    event of the term) and "grade 3 or worse", number (per cent of the cohort's patients).
    Events recorded without a grade (a severity only) are never given one: a patient whose
    events of the term all lack a grade counts in "grade not recorded" (and in "any grade"
    only).  Rows sorted by grade 3 or worse, then any grade (most first), then term; cells of
    grade 3 or worse with a patient are marked severe."""
    pts = _patients(data)
    tox = _table_rows(data, "toxicities")
    codes = {str(p["patient"]) for p in pts}
    _known_patients(tox, "toxicities", codes)
    worst: dict[str, dict[str, int | None]] = {}
    labels: dict[str, str] = {}
    terms: dict[str, tuple[str, str]] = {}
    for i, r in enumerate(tox):
        g = _int(r["grade"])
        if g is not None and g not in range(1, 6):
            raise InputError("toxicities.grade", f"row {i + 1}: must be 1-5 (an adverse event "
                             "has grade 1 or more)", r["grade"])
        raw = str(r["term"])
        if raw not in terms:
            terms[raw] = _term(raw)
        key, label = terms[raw]
        labels.setdefault(key, label)
        per = worst.setdefault(key, {})
        prev = per.get(r["patient"], None)
        if r["patient"] not in per or (g is not None and (prev is None or g > prev)):
            per[r["patient"]] = g
    n = len(pts)
    columns = ["Grade 1", "Grade 2", "Grade 3", "Grade 4", "Grade 5", "Grade not recorded",
               "Any grade", "Grade 3 or worse"]
    severe_cols = {"Grade 3", "Grade 4", "Grade 5", "Grade 3 or worse"}
    table: list[tuple[int, int, str, list[int]]] = []
    for key, per in worst.items():
        grades = list(per.values())
        counts = [sum(1 for x in grades if x == k) for k in range(1, 6)]
        ungraded = sum(1 for x in grades if x is None)
        severe_n = sum(counts[2:])
        table.append((severe_n, len(grades), labels[key],
                      [*counts, ungraded, len(grades), severe_n]))
    table.sort(key=lambda t: (-t[0], -t[1], t[2].lower(), t[2]))

    def show(k: int) -> str:
        return f"{k} ({_pct(k, n)})" if k else NONE_MARK

    rows = [("", label, [show(k) for k in counts]) for _, _, label, counts in table]
    severe = [[bool(k) and c in severe_cols for c, k in zip(columns, counts, strict=True)]
              for _, _, _, counts in table]
    notes = ("Common Terminology Criteria for Adverse Events v5.0 (ctcae5): each patient "
             "counted once per term, at the worst grade recorded.",
             f"Number of patients (per cent of the cohort's {n} patients, rounded half up); "
             + NONE_MARK + " none.",
             "Grade not recorded: patients whose events of the term were recorded without a "
             "grade; no grade is inferred for them.",
             "Highlighted: grade 3 or worse.")
    return _make("worst-grade", "Worst CTCAE grade per patient and term", "CTCAE v5.0 term",
                 columns, rows, notes, severe)


# --- dose intensity -----------------------------------------------------------------------------

def dose_intensity(data: CohortData) -> Table:
    """Doses per course number, per disease (and all patients when more than one disease):
    the courses given; doses planned (the dose slots of the course's calendar), given and held,
    median (range); and the dose intensity, doses given / doses planned, as the median of the
    courses' ratios and pooled (all doses given / all doses planned), per cent rounded half
    up.  A course without its planned or given doses recorded counts in "Courses" only."""
    pts = _patients(data)
    courses = _table_rows(data, "courses")
    disease = {str(p["patient"]): _disease_key(p["disease"]) for p in pts}
    _known_patients(courses, "courses", set(disease))
    for i, c in enumerate(courses):
        for col in ("course", "doses_planned", "doses_given", "doses_held"):
            v = _int(c[col])
            if v is not None and v < (1 if col == "course" else 0):
                raise InputError(f"courses.{col}", f"row {i + 1}: must be "
                                 f"{'1' if col == 'course' else '0'} or more", c[col])
        planned, given = _int(c["doses_planned"]), _int(c["doses_given"])
        if planned is not None and given is not None and given > planned:
            raise InputError("courses.doses_given", f"row {i + 1}: more doses given ({given}) "
                             f"than planned ({planned})", given)
    groups = _ordered_groups(disease[str(c["patient"])] for c in courses)
    sections: list[tuple[str, list[dict[str, Any]]]] = [
        (_group_label(g, DISEASE_LABELS), [c for c in courses
                                            if disease[str(c["patient"])] == g])
        for g in groups]
    if len(groups) > 1:
        sections.append(("All patients", courses))
    columns = ["Courses", "Doses planned, median (range)", "Doses given, median (range)",
               "Doses held, median (range)", "Given / planned, median %",
               "Given / planned, pooled %"]
    rows: list[tuple[str, str, list[str]]] = []
    for section, mine in sections:
        for k in sorted({int(c["course"]) for c in mine}):
            these = [c for c in mine if int(c["course"]) == k]

            def ints(col: str, rows: list[dict[str, Any]] = these) -> list[int]:
                return [int(c[col]) for c in rows if c[col] is not None]

            both = [(int(c["doses_given"]), int(c["doses_planned"])) for c in these
                    if c["doses_given"] is not None and c["doses_planned"] is not None
                    and int(c["doses_planned"]) > 0]
            if both:
                ratios = sorted(Fraction(g, p) for g, p in both)
                mid = len(ratios) // 2
                med = ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2
                median_pct = _half_up(med * 100)
                pooled = _pct(sum(g for g, _ in both), sum(p for _, p in both))
            else:
                median_pct = pooled = NONE_MARK
            rows.append((section, f"Course {k}",
                         [str(len(these)), _median_range(ints("doses_planned")),
                          _median_range(ints("doses_given")), _median_range(ints("doses_held")),
                          median_pct, pooled]))
    notes = ("Doses planned: the dose slots of the course's calendar.  Dose intensity: doses "
             "given / doses planned, the median of the courses' ratios and pooled over the "
             "courses (all doses given / all doses planned), per cent rounded half up.",
             "A course without its planned or given doses recorded counts in 'Courses' only; "
             + NONE_MARK + " none recorded.")
    return _make("dose-intensity", "Doses given and planned per course (dose intensity)",
                 "Course", columns, rows, notes)


# --- quality of life ----------------------------------------------------------------------------

def quality_of_life(data: CohortData) -> Table:
    """EORTC QLQ-C30 (version 3.0) scale scores per time point (``eortc-qlq-c30-manual``):
    for each time point label - in the order of their median day, then as first seen - and each
    of the 15 scales, the number of questionnaires with the scale scored, the mean (sample
    standard deviation) and the median, to one decimal."""
    from hdil2.clinical.outcomes.qlq_c30 import SCALES
    from hdil2.report.data import QOL_SCALES

    qol = _table_rows(data, "quality_of_life")
    names = {s.code: s.name for s in SCALES}
    for i, r in enumerate(qol):
        for code in QOL_SCALES:
            v = r[code]
            if v is not None and not 0 <= float(v) <= 100:
                raise InputError(f"quality_of_life.{code}", f"row {i + 1}: must be 0-100", v)
    labels: dict[str, list[dict[str, Any]]] = {}
    for r in qol:
        labels.setdefault(str(r["label"]), []).append(r)
    first = {label: i for i, label in enumerate(labels)}

    def when(label: str) -> tuple[int, Fraction, int]:
        days = [int(r["day"]) for r in labels[label] if r["day"] is not None]
        if not days:
            return 1, Fraction(0), first[label]
        return 0, Fraction(statistics.median_low(days) + statistics.median_high(days), 2), \
            first[label]

    rows: list[tuple[str, str, list[str]]] = []
    for label in sorted(labels, key=when):
        for code in QOL_SCALES:
            values = [float(r[code]) for r in labels[label] if r[code] is not None]
            name = names[code]
            row_label = f"{name[:1].upper()}{name[1:]} ({code})"
            if not values:
                rows.append((label, row_label, ["0", NONE_MARK, NONE_MARK]))
                continue
            mean = statistics.fmean(values)
            sd = f"{statistics.stdev(values):.1f}" if len(values) > 1 else NONE_MARK
            rows.append((label, row_label, [str(len(values)), f"{mean:.1f} ({sd})",
                                            f"{statistics.median(values):.1f}"]))
    notes = ("EORTC QLQ-C30 version 3.0 scores, 0-100 (eortc-qlq-c30-manual): higher is better "
             "functioning and global health status, and more symptoms on the symptom scales "
             "and single items.",
             "n: questionnaires with the scale scored; SD: sample standard deviation; "
             + NONE_MARK + " none.")
    return _make("quality-of-life", "EORTC QLQ-C30 scales per time point", "Scale",
                 ["n", "Mean (SD)", "Median"], rows, notes)


# --- all of them --------------------------------------------------------------------------------

TABLE_KEYS: tuple[str, ...] = (
    "characteristics", "responses-by-disease", "responses-by-regimen", "tempo",
    "stop-reasons", "worst-grade", "dose-intensity", "quality-of-life",
)


def all_tables(data: CohortData) -> list[Table | tuple[str, str]]:
    """Every table in the order of :data:`TABLE_KEYS` (``tempo`` gives its tables, one per
    disease and the reasons for stopping by course).  A table whose input is not in the data is
    listed as ``(key, "not in the data: <field>: <message>")``; one refused for a malformed
    value as ``(key, "refused: <field>: <message>")``."""
    makers: list[tuple[str, Callable[[], Table | list[Table]]]] = [
        ("characteristics", lambda: characteristics(data)),
        ("responses-by-disease", lambda: responses(data, "disease")),
        ("responses-by-regimen", lambda: responses(data, "regimen")),
        ("tempo", lambda: tempo_tables(data)),
        ("stop-reasons", lambda: stop_reasons(data)),
        ("worst-grade", lambda: worst_grade(data)),
        ("dose-intensity", lambda: dose_intensity(data)),
        ("quality-of-life", lambda: quality_of_life(data)),
    ]
    out: list[Table | tuple[str, str]] = []
    for key, make in makers:
        try:
            made = make()
        except NotInData as e:
            out.append((key, f"not in the data: {e.field}: {e.message}"))
            continue
        except InputError as e:
            out.append((key, f"refused: {e.field}: {e.message}"))
            continue
        out.extend(made if isinstance(made, list) else [made])
    return out

