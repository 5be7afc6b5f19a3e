"""The swimmer plot: each patient's courses, response, progression and death on one lane.

One horizontal lane per patient, from day 0 (the first dose of course 1) to the last date
known: the death, or else the latest of the last date known alive, the progression, the first
response and the end of the last course (a last contact recorded after a death, such as the
visit that recorded it, does not extend the lane; a progression, response or course after the
death is refused).  Days are counted from ``patients.start``.  On the lane:

* each course as a thick bar from its ``start_day`` to its ``end_day`` (gid
  ``course:<patient>:<course>``), coloured by the course's response (the NCI response of Lee et
  al. 2000, ``lee2000``, or RECIST 1.1, ``recist1.1``);
* markers that differ in shape as well as colour: the first response (``response_on``, an
  upward triangle, gid ``response:<patient>``), progression (a cross, ``progression:<patient>``),
  death (a square, ``death:<patient>``), and an arrow at the end of the lane of a patient alive
  without progression at the last contact (``ongoing:<patient>``).

Lanes are sorted by the length of follow-up, the longest at the top.  A course without a
``start_day`` or an ``end_day`` (a course still running) is not drawn as a bar; a patient
without a first dose (``start``) and without any date or course has no lane.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hdil2.core.errors import InputError
from hdil2.report import style
from hdil2.report.data import RESPONSES, CohortData, check_table
from hdil2.report.figures.tumour import _frame, _missing, _number, time_unit_days

PATIENT_COLUMNS = ("patient", "start", "best_response", "response_on", "progression_on",
                   "death_on", "last_known_alive")
COURSE_COLUMNS = ("patient", "course", "start_day", "end_day", "response")
#: marker, face colour and legend text of each event on a lane
MARKERS: Mapping[str, tuple[str, str, str]] = {
    "response": ("^", style.OKABE_ITO["yellow"], "first response (CR/PR)"),
    "progression": ("X", style.OKABE_ITO["vermillion"], "progression"),
    "death": ("s", style.OKABE_ITO["black"], "death"),
    "ongoing": (">", style.OKABE_ITO["bluish_green"], "alive without progression"),
}


@dataclass(frozen=True, slots=True)
class Lane:
    """One patient's lane, in days from the first dose."""

    patient: str
    best_response: str | None
    end: int
    courses: tuple[tuple[int, int, int, str | None], ...]  # (course, start, end, response)
    response: int | None
    progression: int | None
    death: int | None
    ongoing: bool


def _date(v: Any, field: str) -> dt.date | None:
    if _missing(v):
        return None
    if isinstance(v, dt.datetime) or not isinstance(v, dt.date):
        raise InputError(field, "must be a date", v)
    return v


def lanes(courses: Any, patients: Any) -> list[Lane]:
    """The lanes of ``patients`` (one each, in the patients' order) with their ``courses``."""
    pts = _frame(patients, "patients", PATIENT_COLUMNS)
    crs = _frame(courses, "courses", COURSE_COLUMNS)
    by_patient: dict[str, list[tuple[int, int, int, str | None]]] = {}
    for i, (p, c, s, e, r) in enumerate(zip(*(crs[k].tolist() for k in COURSE_COLUMNS),
                                            strict=True)):
        if not isinstance(p, str):
            raise InputError("courses.patient", f"row {i + 1}: must be a patient code", p)
        if _missing(s) or _missing(e):
            continue
        course = int(_number(c, f"courses.course[{i}]"))
        start = _number(s, f"courses.start_day[{i}]")
        end = _number(e, f"courses.end_day[{i}]")
        if not (start.is_integer() and end.is_integer()):
            raise InputError("courses.start_day", f"row {i + 1}: whole days", s)
        if end < start:
            raise InputError("courses.end_day", f"row {i + 1}: before the course's start_day",
                             e)
        if not _missing(r) and r not in RESPONSES:
            raise InputError("courses.response", f"row {i + 1}: must be one of "
                             f"{list(RESPONSES)}", r)
        by_patient.setdefault(p, []).append((course, int(start), int(end),
                                             None if _missing(r) else r))
    out = []
    seen: set[str] = set()
    for i, (p, start, best, resp_on, prog_on, death_on, alive_on) in enumerate(zip(
            *(pts[k].tolist() for k in PATIENT_COLUMNS), strict=True)):
        if not isinstance(p, str) or p in seen:
            raise InputError("patients.patient", f"row {i + 1}: a patient code, once", p)
        seen.add(p)
        if not _missing(best) and best not in RESPONSES:
            raise InputError("patients.best_response", f"row {i + 1}: must be one of "
                             f"{list(RESPONSES)}", best)
        day0 = _date(start, f"patients.start[{i}]")
        dates = {k: _date(v, f"patients.{k}[{i}]") for k, v in
                 (("response_on", resp_on), ("progression_on", prog_on),
                  ("death_on", death_on), ("last_known_alive", alive_on))}
        if day0 is None:
            if any(dates.values()) or p in by_patient:
                raise InputError("patients.start", f"row {i + 1}: needed to place the "
                                 "patient's dates on the lane", p)
            continue
        days = {k: None if d is None else (d - day0).days for k, d in dates.items()}
        for k, d in days.items():
            if d is not None and d < 0:
                raise InputError(f"patients.{k}", f"row {i + 1}: before the first dose "
                                 f"({start})", dates[k])
        own = tuple(sorted(by_patient.get(p, [])))
        known = [d for d in (days["progression_on"], days["response_on"],
                             *(e for _, _, e, _ in own)) if d is not None]
        death = days["death_on"]
        if death is not None and any(d > death for d in known):
            raise InputError("patients.death_on", f"row {i + 1}: before another date of the "
                             "patient", dates["death_on"])
        if death is None and days["last_known_alive"] is not None:
            known.append(days["last_known_alive"])
        end = death if death is not None else max(known, default=0)
        out.append(Lane(p, None if _missing(best) else best, end, own, days["response_on"],
                        days["progression_on"], death,
                        death is None and days["progression_on"] is None))
    return out


def _marker(ax: Any, x: float, y: float, kind: str, patient: str) -> None:
    shape, colour, _ = MARKERS[kind]
    ax.plot([x], [y], linestyle="none", marker=shape, markersize=6 if kind != "ongoing" else 5,
            markerfacecolor=colour, markeredgecolor=style.OKABE_ITO["black"],
            markeredgewidth=0.6, zorder=4, gid=f"{kind}:{patient}")


def swimmer_figure(courses: Any, patients: Any, *, time_unit: str = "months",
                   title: str | None = None) -> Any:
    """The swimmer plot of ``patients`` (one lane each) and their ``courses``.

    ``patients`` needs the columns patient, start, best_response, response_on, progression_on,
    death_on and last_known_alive (:data:`hdil2.report.data.PATIENTS`); ``courses`` patient,
    course, start_day, end_day and response (:data:`hdil2.report.data.COURSES`).  Time is in
    ``time_unit`` ("days", "weeks" or "months" of 365.25 / 12 days) from the first dose.  See
    the module's description for what is drawn.
    """
    unit = time_unit_days(time_unit)
    drawn = sorted(lanes(courses, patients), key=lambda ln: (ln.end, ln.patient))
    if not drawn:
        raise InputError("patients", "no lanes to draw: no patient with a first dose")
    n = len(drawn)
    with style.rc():
        fig = style.figure(7.0, min(max(2.5, 0.8 + 0.13 * n), 12.0))
        ax = fig.add_subplot()
        longest = max(ln.end for ln in drawn) / unit
        for y, ln in enumerate(drawn):
            ax.plot([0, ln.end / unit], [y, y], color=style.OKABE_ITO["grey"], linewidth=0.8,
                    zorder=1, gid=f"lane:{ln.patient}")
            for c, s, e, r in ln.courses:
                ax.barh(y, (e - s) / unit, left=s / unit, height=0.6,
                        color=style.response_colour(r), linewidth=0, zorder=2,
                        gid=f"course:{ln.patient}:{c}")
            if ln.response is not None:
                _marker(ax, ln.response / unit, y, "response", ln.patient)
            if ln.progression is not None:
                _marker(ax, ln.progression / unit, y, "progression", ln.patient)
            if ln.death is not None:
                _marker(ax, ln.death / unit, y, "death", ln.patient)
            if ln.ongoing:
                _marker(ax, ln.end / unit + 0.012 * longest, y, "ongoing", ln.patient)
        ax.set_ylim(-0.7, n - 0.3)
        if n <= 60:
            ax.set_yticks(range(n), [ln.patient for ln in drawn], fontsize=6 if n > 25 else 8)
        else:
            ax.set_yticks([])
        ax.set_xlim(left=0, right=max(longest * 1.05, 1e-9))
        ax.set_xlabel(f"Time from the first dose ({time_unit})")
        ax.set_ylabel(f"Patients (n = {n})")
        _legend(ax, [r for ln in drawn for _, _, _, r in ln.courses])
        if title:
            ax.set_title(title, loc="left", fontsize=8)
    return fig


def _legend(ax: Any, responses: Sequence[str | None]) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    present = set(responses)
    handles: list[Any] = [Patch(facecolor=style.response_colour(r), label=f"course {r}")
                          for r in style.RESPONSE_ORDER if r in present]
    if None in present:
        handles.append(Patch(facecolor=style.response_colour(None), label="course not assessed"))
    for shape, colour, text in MARKERS.values():
        handles.append(Line2D([], [], linestyle="none", marker=shape, markerfacecolor=colour,
                              markeredgecolor=style.OKABE_ITO["black"], markeredgewidth=0.6,
                              label=text))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)


#: order of best responses when choosing the patients shown: responders first
_RANK: dict[str | None, int] = {r: k for k, r in enumerate(style.RESPONSE_ORDER)}


def swimmer_from(data: CohortData, max_patients: int = 60, *,
                 time_unit: str = "months") -> Any:
    """The swimmer plot of a cohort (``data.patients`` and ``data.courses``).

    With more than ``max_patients`` patients, the ones shown are chosen by best response (CR,
    then PR, MR, SD, NR, PD, NE, then none), then by the longest follow-up, then by patient
    code; the title says how many are left out.
    """
    if isinstance(max_patients, bool) or not isinstance(max_patients, int) or max_patients < 1:
        raise InputError("max_patients", "a whole number, at least 1", max_patients)
    if data.courses is None or len(data.courses) == 0:
        raise InputError("courses", "no rows to plot: no courses in the data")
    patients = check_table("patients", data.patients)
    courses = check_table("courses", data.courses)
    unknown = sorted(set(courses["patient"].tolist()) - set(patients["patient"].tolist()))
    if unknown:
        raise InputError("courses.patient", "not in the patients table", unknown[0])
    treated = set(courses["patient"].tolist())
    rows = patients[patients["patient"].isin(treated)]
    all_lanes = lanes(courses, rows)
    if not all_lanes:
        raise InputError("patients", "no rows to plot: no treated patient with a first dose")
    chosen = sorted(all_lanes, key=lambda ln: (_RANK.get(ln.best_response, len(_RANK)),
                                                -ln.end, ln.patient))[:max_patients]
    keep = {ln.patient for ln in chosen}
    title = None
    if len(all_lanes) > len(chosen):
        title = (f"{len(chosen)} of {len(all_lanes)} patients shown (best response first, then "
                 f"the longest follow-up); {len(all_lanes) - len(chosen)} not shown")
    return swimmer_figure(courses[courses["patient"].isin(keep)],
                          rows[rows["patient"].isin(keep)], time_unit=time_unit, title=title)
