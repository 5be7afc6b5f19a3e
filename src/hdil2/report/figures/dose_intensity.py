"""Dose intensity: per course number, how many doses were given against the doses planned.

High-dose IL-2 is given as long as it is tolerated: a dose is withheld, never reduced, so the
dose intensity of a course is the number of doses given out of its planned slots (the
Proleukin label, ``proleukin-label``: at most 14 doses per cycle and 28 per course; 15 per
cycle and 30 per course in the NCI schedule of Lee et al. 2000, ``lee2000``).  The planned
slots of each course are the ``doses_planned`` column of the courses table (the slots of the
course's calendar in hdil2's regimen catalogue).

For each course number, a mirrored histogram: one horizontal bar per number of doses given, as
wide as the number of courses that gave it (the same scale for every course; gid
``dose-intensity:<course>:<doses given>``), a short dashed line at each number of doses
planned (``planned:<course>:<doses planned>``) and a diamond at the median of doses given
(``median:<course>``).
"""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from hdil2.core.errors import InputError
from hdil2.report import style
from hdil2.report.data import CohortData, check_table
from hdil2.report.figures.tumour import _frame, _missing, _number

#: the widest bar of the figure, in course-number units
HALF_WIDTH = 0.42


def dose_counts(courses: Any) -> dict[int, tuple[Counter[int], Counter[int]]]:
    """Per course number: (courses by doses given, courses by doses planned).

    A course without ``doses_given`` is left out; ``doses_planned`` may be missing (it is then
    not counted), but doses given above the doses planned are refused."""
    df = _frame(courses, "courses", ("course", "doses_planned", "doses_given"))
    out: dict[int, tuple[Counter[int], Counter[int]]] = {}
    for i, (c, planned, given) in enumerate(zip(df["course"].tolist(),
                                                df["doses_planned"].tolist(),
                                                df["doses_given"].tolist(), strict=True)):
        course = _number(c, f"courses.course[{i}]")
        if not course.is_integer() or course < 1:
            raise InputError("courses.course", f"row {i + 1}: a course number 1, 2, ...", c)
        if _missing(given):
            continue
        g = _number(given, f"courses.doses_given[{i}]")
        if not g.is_integer() or g < 0:
            raise InputError("courses.doses_given", f"row {i + 1}: a whole number, 0 or more",
                             given)
        counts = out.setdefault(int(course), (Counter(), Counter()))
        counts[0][int(g)] += 1
        if not _missing(planned):
            p = _number(planned, f"courses.doses_planned[{i}]")
            if not p.is_integer() or p < 1:
                raise InputError("courses.doses_planned", f"row {i + 1}: a whole number, 1 "
                                 "or more", planned)
            if g > p:
                raise InputError("courses.doses_given", f"row {i + 1}: more than the "
                                 f"{int(p)} doses planned", given)
            counts[1][int(p)] += 1
    return dict(sorted(out.items()))


def dose_intensity_figure(courses: Any) -> Any:
    """Doses given per course number against the doses planned (see the module's text)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    counts = dose_counts(courses)
    if not counts:
        raise InputError("courses", "no rows to plot: no course with its doses given")
    widest = max(n for given, _ in counts.values() for n in given.values())
    scale = 2 * HALF_WIDTH / widest
    colour = style.GROUP_COLOURS[0]
    with style.rc():
        fig = style.figure(6.0, 4.0)
        ax = fig.add_subplot()
        top = 0
        for course, (given, planned) in counts.items():
            for doses, n in sorted(given.items()):
                ax.barh(doses, n * scale, left=course - n * scale / 2, height=0.9,
                        color=colour, linewidth=0, gid=f"dose-intensity:{course}:{doses}")
            for doses in sorted(planned):
                ax.plot([course - HALF_WIDTH, course + HALF_WIDTH], [doses, doses],
                        color=style.OKABE_ITO["black"], linestyle="--", linewidth=1.0,
                        gid=f"planned:{course}:{doses}")
            median = statistics.median(given.elements())
            ax.plot([course], [median], linestyle="none", marker="D", markersize=5,
                    markerfacecolor="white", markeredgecolor=style.OKABE_ITO["black"],
                    gid=f"median:{course}")
            total = sum(given.values())
            ax.annotate(f"n = {total}", xy=(course, 0), xytext=(0, -2),
                        textcoords="offset points", ha="center", va="top", fontsize=7)
            top = max(top, *given, *planned)
        courses_drawn = list(counts)
        ax.set_xticks(courses_drawn, [str(c) for c in courses_drawn])
        ax.set_xlim(min(courses_drawn) - 0.6, max(courses_drawn) + 0.6)
        ax.set_ylim(-0.08 * (top + 1) - 1, top + 1.5)
        ax.set_xlabel("Course")
        ax.set_ylabel("Doses given per course")
        ax.legend(handles=[
            Patch(facecolor=colour, label="courses\n(width: number)"),
            Line2D([], [], color=style.OKABE_ITO["black"], linestyle="--", label="planned"),
            Line2D([], [], linestyle="none", marker="D", markerfacecolor="white",
                   markeredgecolor=style.OKABE_ITO["black"], label="median given")],
            loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def dose_intensity_from(data: CohortData) -> Any:
    """:func:`dose_intensity_figure` of ``data.courses``."""
    if data.courses is None or len(data.courses) == 0:
        raise InputError("courses", "no rows to plot: no courses in the data")
    return dose_intensity_figure(check_table("courses", data.courses))
