"""Toxicity figures: the cumulative incidence of grade 3 or worse toxicity by dose number, and
the worst CTCAE grade per patient and term.

Grades are CTCAE v5.0 grades (``ctcae5``).  An adverse event recorded with a severity only (grade
None) has no CTCAE grade and counts in neither figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hdil2.core.errors import InputError
from hdil2.report import style
from hdil2.report.data import PATIENTS, CohortData, check_table
from hdil2.report.figures.tumour import _frame, _missing, _number

#: colour of each CTCAE grade: grades 1-2 in blues, grades 3-5 in warm colours (Okabe-Ito)
GRADE_COLOURS = {
    1: style.OKABE_ITO["sky_blue"], 2: style.OKABE_ITO["blue"],
    3: style.OKABE_ITO["orange"], 4: style.OKABE_ITO["vermillion"],
    5: style.OKABE_ITO["reddish_purple"],
}
SEVERE = 3


def _grade(v: Any, i: int) -> int | None:
    if _missing(v):
        return None
    g = _number(v, f"toxicities.grade[{i}]")
    if not g.is_integer() or not 1 <= g <= 5:
        raise InputError("toxicities.grade", f"row {i + 1}: a CTCAE grade 1-5", v)
    return int(g)


def _whole(v: Any, field: str, row: int) -> int:
    x = _number(v, f"{field}[{row}]")
    if not x.is_integer() or x < 0:
        raise InputError(field, f"row {row + 1}: a whole number, 0 or more", v)
    return int(x)


def severe_toxicity_incidence(toxicities: Any, courses: Any) -> Any:
    """Per treated patient, the dose number of the first grade >= 3 toxicity, or the censoring.

    Returns a DataFrame (patient, dose, event), one row per patient of ``courses``, sorted by
    patient code: ``event`` True with ``dose`` the ``dose_number`` of the patient's first CTCAE
    grade 3, 4 or 5 toxicity; else False with ``dose`` the doses the patient was given (the sum
    of ``courses.doses_given``).  The time scale is the dose number, not days.

    * No competing risks: a patient who stops treatment (or dies of the disease) before a
      severe toxicity is censored at the doses given, as if more doses could still have been
      given; 1 - Kaplan-Meier is then the incidence had every patient gone on.
    * An event recorded with a severity only (grade None) is not an event: it has no CTCAE
      grade.  A grade >= 3 toxicity without a dose number cannot be placed on this time scale
      and is refused, naming the row, as is a dose number above the doses given.
    """
    import pandas as pd

    tox = _frame(toxicities, "toxicities", ("patient", "grade", "dose_number"))
    crs = _frame(courses, "courses", ("patient", "doses_given"))
    given: dict[str, int] = {}
    for i, (p, n) in enumerate(zip(crs["patient"].tolist(), crs["doses_given"].tolist(),
                                   strict=True)):
        if not isinstance(p, str):
            raise InputError("courses.patient", f"row {i + 1}: must be a patient code", p)
        if _missing(n):
            raise InputError("courses.doses_given", f"row {i + 1}: needed for the censoring "
                             f"of patient {p}")
        given[p] = given.get(p, 0) + _whole(n, "courses.doses_given", i)
    first: dict[str, int] = {}
    for i, (p, g, dose) in enumerate(zip(tox["patient"].tolist(), tox["grade"].tolist(),
                                         tox["dose_number"].tolist(), strict=True)):
        if not isinstance(p, str):
            raise InputError("toxicities.patient", f"row {i + 1}: must be a patient code", p)
        grade = _grade(g, i)
        if grade is None or grade < SEVERE:
            continue
        if p not in given:
            raise InputError("toxicities.patient", f"row {i + 1}: no course of this patient",
                             p)
        if _missing(dose):
            raise InputError("toxicities.dose_number", f"row {i + 1}: a grade {grade} "
                             "toxicity needs its dose number")
        d = _whole(dose, "toxicities.dose_number", i)
        if d > given[p]:
            raise InputError("toxicities.dose_number", f"row {i + 1}: more than the "
                             f"{given[p]} doses patient {p} was given", dose)
        first[p] = min(first.get(p, d), d)
    codes = sorted(given)
    return pd.DataFrame({"patient": codes,
                         "dose": [first.get(p, given[p]) for p in codes],
                         "event": [p in first for p in codes]})


def _label(v: Any) -> str:
    return "not recorded" if _missing(v) else str(v)


def toxicity_incidence_figure(dose: Sequence[float], event: Sequence[bool],
                              group: Sequence[Any] | None = None, *,
                              level: float = 0.95) -> Any:
    """The cumulative incidence of the event (e.g. a grade >= 3 toxicity) by dose number.

    Per group (one curve ``all`` without ``group``; a missing label is "not recorded") the
    step curve 1 - S(dose) of the Kaplan-Meier estimate of :func:`hdil2.stats.kaplan_meier`
    (``kaplan1958``; gid ``incidence:<group>``, starting at 0 at dose 0), and its pointwise
    interval 1 - upper to 1 - lower (log transform, Greenwood variance, ``greenwood1926``;
    gid ``incidence-ci:<group>``).  No competing risks: see :func:`severe_toxicity_incidence`.
    """
    from matplotlib.ticker import PercentFormatter

    from hdil2.report.figures.survival import group_name
    from hdil2.stats.kaplan_meier import kaplan_meier_groups

    doses = list(dose)
    events = list(event)
    if not doses:
        raise InputError("dose", "no patients to plot")
    labels = ["all"] * len(doses) if group is None else [_label(g) for g in group]
    if len(labels) != len(doses):
        raise InputError("group", f"one per patient: {len(labels)} for {len(doses)}")
    try:
        curves = kaplan_meier_groups(doses, events, labels, level=level)
    except InputError as e:  # the estimator's "time" is the dose number here
        if e.field.startswith("time"):
            raise InputError("dose" + e.field[4:], e.message, e.value) from None
        raise
    with style.rc():
        fig = style.figure(6.0, 4.0)
        ax = fig.add_subplot()
        for k, (lab, km) in enumerate(curves.items()):
            colour = style.GROUP_COLOURS[k % len(style.GROUP_COLOURS)]
            x = [0.0, *km.time.tolist()]
            y = [0.0, *(1.0 - km.surv).tolist()]
            ax.fill_between(x, [0.0, *(1.0 - km.upper).tolist()],
                            [0.0, *(1.0 - km.lower).tolist()], step="post", color=colour,
                            alpha=0.15, linewidth=0, gid=f"incidence-ci:{lab}")
            ax.plot(x, y, drawstyle="steps-post", color=colour,
                    linestyle=style.GROUP_LINESTYLES[k % len(style.GROUP_LINESTYLES)],
                    gid=f"incidence:{lab}",
                    label=f"{group_name(lab)} (n = {km.n}, {km.events} events)")
        ax.set_ylim(0, 1)
        ax.set_xlim(left=0)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        ax.set_xlabel("Dose number")
        ax.set_ylabel("Cumulative incidence of\nCTCAE grade \u2265 3 toxicity")
        ax.legend(loc="lower right")
    return fig


def toxicity_incidence_from(data: CohortData, by: str | None = "disease") -> Any:
    """The cumulative incidence of grade >= 3 toxicity by dose number, one curve per value of
    the patients' column ``by`` (None: one curve), from ``data.toxicities`` and
    ``data.courses`` (:func:`severe_toxicity_incidence`)."""
    if by is not None and by not in PATIENTS:
        raise InputError("by", f"must be a column of the patients table ({list(PATIENTS)})",
                         by)
    if data.courses is None or len(data.courses) == 0:
        raise InputError("courses", "no rows to plot: no courses in the data")
    if data.toxicities is None:
        raise InputError("toxicities", "no rows to plot: no adverse events in the data")
    courses = check_table("courses", data.courses)
    tox = check_table("toxicities", data.toxicities)
    table = severe_toxicity_incidence(tox, courses)
    group = None
    if by is not None:
        patients = check_table("patients", data.patients)
        values = dict(zip(patients["patient"].tolist(), patients[by].tolist(), strict=True))
        unknown = sorted(set(table["patient"]) - set(values))
        if unknown:
            raise InputError("courses.patient", "not in the patients table", unknown[0])
        group = [values[p] for p in table["patient"]]
    return toxicity_incidence_figure(table["dose"].tolist(), table["event"].tolist(), group)


def worst_grades(toxicities: Any) -> Any:
    """Patients by their worst CTCAE grade per term: a DataFrame indexed by term with the
    columns 1-5 (counts), sorted by the number of patients with the term (then the term).

    A patient counts once per term, at the worst grade recorded; events without a grade
    (severity only) are not counted."""
    import pandas as pd

    tox = _frame(toxicities, "toxicities", ("patient", "term", "grade"))
    worst: dict[tuple[str, str], int] = {}
    for i, (p, term, g) in enumerate(zip(tox["patient"].tolist(), tox["term"].tolist(),
                                         tox["grade"].tolist(), strict=True)):
        if not isinstance(p, str):
            raise InputError("toxicities.patient", f"row {i + 1}: must be a patient code", p)
        if not isinstance(term, str) or not term:
            raise InputError("toxicities.term", f"row {i + 1}: must be a CTCAE term", term)
        grade = _grade(g, i)
        if grade is not None:
            worst[(term, p)] = max(worst.get((term, p), grade), grade)
    terms = sorted({t for t, _ in worst})
    counts = {t: [0] * 5 for t in terms}
    for (t, _), g in worst.items():
        counts[t][g - 1] += 1
    order = sorted(terms, key=lambda t: (-sum(counts[t]), t))
    return pd.DataFrame([counts[t] for t in order], index=pd.Index(order, name="term"),
                        columns=[1, 2, 3, 4, 5])


def _term_name(term: str) -> str:
    from hdil2.clinical.toxicity.ctcae.catalogue import TERMS

    known = TERMS.get(term)
    return known.name if known is not None else term


def worst_grade_figure(toxicities: Any, top: int = 15) -> Any:
    """Horizontal stacked bars: per CTCAE term, the number of patients by their worst grade.

    The ``top`` terms with the most patients (ties by term) are drawn, the most frequent at
    the top; each segment (gid ``worst:<term>:<grade>``) is the patients whose worst grade of
    that term is that grade (:func:`worst_grades`), grades 1-2 in blues and 3-5 in warm
    colours.  The bar's end is labelled with the patients of the term, and how many had grade
    3 or worse.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InputError("top", "a whole number, at least 1", top)
    table = worst_grades(toxicities)
    if len(table) == 0:
        raise InputError("toxicities", "no rows to plot: no graded adverse event")
    shown = table.iloc[:top]
    terms = list(shown.index)
    with style.rc():
        fig = style.figure(7.0, max(2.0, 0.9 + 0.25 * len(terms)))
        ax = fig.add_subplot()
        ys = list(range(len(terms)))[::-1]
        left = [0] * len(terms)
        for g in range(1, 6):
            for k, (term, y) in enumerate(zip(terms, ys, strict=True)):
                n = int(shown.loc[term, g])
                if n:
                    ax.barh(y, n, left=left[k], height=0.7, color=GRADE_COLOURS[g],
                            linewidth=0, gid=f"worst:{term}:{g}")
                    left[k] += n
        for k, (term, y) in enumerate(zip(terms, ys, strict=True)):
            severe = int(shown.loc[term, [3, 4, 5]].sum())
            ax.annotate(f"{left[k]} ({severe} grade \u2265 3)", xy=(left[k], y), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=7)
        ax.set_yticks(ys, [_term_name(t) for t in terms])
        ax.set_xlim(0, max(left) * 1.4)
        ax.set_xlabel("Patients (worst CTCAE v5.0 grade per term)")
        if len(table) > len(terms):
            ax.set_title(f"{len(terms)} of {len(table)} terms, the most frequent", loc="left",
                         fontsize=8)
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(facecolor=GRADE_COLOURS[g], label=f"grade {g}")
                           for g in range(1, 6)], loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def worst_grade_from(data: CohortData, top: int = 15) -> Any:
    """:func:`worst_grade_figure` of ``data.toxicities``."""
    if data.toxicities is None or len(data.toxicities) == 0:
        raise InputError("toxicities", "no rows to plot: no adverse events in the data")
    return worst_grade_figure(check_table("toxicities", data.toxicities), top)
