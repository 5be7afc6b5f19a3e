"""The items of one patient's report (:func:`hdil2.report.document.patient_report`): who the
patient is, each course with its doses, every dose slot, the toxicities, the scans with the
response of each visit, the questionnaires, and the patient's spider and swimmer figures.

Tables show the recorded values as recorded (dates ISO 8601, days from the first dose of course
1); an empty cell is a value not recorded.  Grade 3 or worse toxicities are highlighted
(CTCAE v5.0, ``ctcae5``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hdil2.core.errors import InputError
from hdil2.report.data import QOL_SCALES, CohortData

DISEASES = {"rcc": "renal cell carcinoma", "melanoma": "melanoma"}


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        v = float(v)
    if isinstance(v, float):
        if v != v:  # NaN: not recorded
            return ""
        # whole numbers in full with thousands separators (a dose of 57,600,000 IU, never
        # 5.76e+07); others to six significant digits
        return f"{int(v):,}" if v.is_integer() else f"{v:,.6g}"
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, tuple | list):
        return ", ".join(str(x) for x in v)
    if hasattr(v, "isoformat"):
        return str(v.isoformat())
    return str(v)


def _frame(df: Any, columns: dict[str, str]) -> Any:
    import pandas as pd

    return pd.DataFrame({title: [_cell(v) for v in df[col].tolist()]
                         for col, title in columns.items()})


def _table(key: str, title: str, df: Any, columns: dict[str, str], notes: tuple[str, ...] = (),
           severe: Any = None) -> Any:
    from hdil2.report.tables import Table

    return Table(key=key, title=title, frame=_frame(df, columns), notes=notes, severe=severe)


def _need(data: CohortData, name: str) -> Any:
    df = data.table(name)
    if df is None or df.empty:
        raise InputError(name, f"no {name.replace('_', ' ')} recorded")
    return df


def summary(data: CohortData) -> Any:
    """The patient's characteristics and outcome dates, one row per fact."""
    import pandas as pd

    from hdil2.report.tables import Table

    row = data.patients.iloc[0].to_dict()
    facts = [("Disease", "disease"), ("Regimen (course 1)", "regimen"), ("Sex", "sex"),
             ("Age at first dose (years)", "age"), ("ECOG performance status", "ecog"),
             ("Risk group", "risk_group"), ("Prior therapy", "prior_therapy"),
             ("Metastatic sites", "metastatic_sites"), ("First dose", "start"),
             ("Courses", "courses"), ("Response of each course", "course_responses"),
             ("Best overall response", "best_response"), ("First response", "response_on"),
             ("Progression", "progression_on"), ("Death", "death_on"),
             ("Last known alive", "last_known_alive")]
    values = [_cell(row.get(k)) for _, k in facts]
    values[0] = DISEASES.get(values[0], values[0])
    frame = pd.DataFrame({"": [t for t, _ in facts], "value": values})
    return Table(key="patient", title="Patient", frame=frame,
                 notes=("Responses: the NCI criteria of Lee et al. 2000 (lee2000) or RECIST "
                        "1.1 (recist1.1), as assessed by hdil2 from the recorded scans.",))


def courses(data: CohortData) -> Any:
    df = _need(data, "courses").sort_values("course")
    return _table("courses", "Courses", df, {
        "course": "Course", "regimen": "Regimen", "started_on": "Started",
        "ended_on": "Ended", "doses_planned": "Doses planned", "doses_given": "Given",
        "doses_held": "Held", "response": "Response", "stop_reason": "Stopped because"},
        ("Response of a course: the NCI response of the assessment after it; NR when none "
         "(lee2000).",))


def _ward_time(text: Any) -> Any:
    """An ISO 8601 time with its offset as a ward reads it: ``1985-10-11 08:00 (UTC-04:00)``."""
    import datetime as dt

    if not isinstance(text, str) or not text:
        return text
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    offset = at.isoformat()[-6:] if at.tzinfo is not None else ""
    return f"{at:%Y-%m-%d %H:%M}" + (f" (UTC{offset})" if offset else "")


def doses(data: CohortData) -> Any:
    df = _need(data, "doses").sort_values(["course", "cycle", "slot"]).copy()
    df["scheduled_at"] = [_ward_time(v) for v in df["scheduled_at"].tolist()]
    return _table("doses", "Dose slots", df, {
        "course": "Course", "cycle": "Cycle", "slot": "Slot",
        "scheduled_at": "Scheduled (ward time)", "status": "Status", "dose_iu": "Dose (IU)",
        "reason": "Reason held"})


def toxicities(data: CohortData) -> Any:
    import pandas as pd

    df = _need(data, "toxicities").sort_values(["onset_day", "term"], na_position="last")
    columns = {"term": "Term (CTCAE v5.0)", "grade": "Grade", "onset_day": "Onset (day)",
               "course": "Course", "dose_number": "After dose", "serious": "Serious"}
    grades = df["grade"].tolist()
    severe = pd.DataFrame({title: [(col == "grade" and g is not None and g == g and g >= 3)
                                   for g in grades] for col, title in columns.items()})
    return _table("toxicities", "Toxicities", df, columns,
                  ("Grade 3 or worse highlighted (ctcae5); an empty grade: only a severity "
                   "was recorded.",), severe)


def scans(data: CohortData) -> Any:
    df = _need(data, "tumour").sort_values(["criteria", "visit"])
    return _table("scans", "Scans and responses", df, {
        "visit": "Visit", "scanned_on": "Scanned", "day": "Day", "criteria": "Criteria",
        "burden_mm": "Tumour burden (mm or mm²)", "change_pct": "Change from baseline (%)",
        "response": "Response"},
        ("Burden: sum of diameters (RECIST 1.1, recist1.1) or of products of diameters (NCI "
         "and WHO criteria, lee2000, who1981), as hdil2's response engine computes it.",))


def quality_of_life(data: CohortData) -> Any:
    df = _need(data, "quality_of_life").sort_values("day", na_position="last")
    return _table("quality-of-life", "EORTC QLQ-C30 scores", df, {
        "label": "Time point", "completed_on": "Completed", "day": "Day",
        **{s: s for s in QOL_SCALES}},
        ("Scores 0-100 of the EORTC QLQ-C30 version 3.0 scales (eortc-qlq-c30-manual).",))


def subtitle(data: CohortData) -> str:
    """One line: disease, sex, age, and the number of courses."""
    row = data.patients.iloc[0].to_dict()
    parts = [DISEASES.get(_cell(row.get("disease")), _cell(row.get("disease")))
             or "disease not recorded"]
    if _cell(row.get("sex")):
        parts.append(_cell(row.get("sex")))
    if _cell(row.get("age")):
        parts.append(f"{_cell(row.get('age'))} years")
    parts.append(f"{_cell(row.get('courses')) or 0} course(s)")
    return " · ".join(parts)


def specs() -> list[tuple[str, str, str, str, str, Callable[[CohortData], Any]]]:
    """The patient report's items: (key, section, kind, title, caption, builder)."""
    from hdil2.report.figures import swimmer, tumour

    return [
        ("patient", "Patient", "table", "Patient", "", summary),
        ("courses", "Treatment", "table", "Courses", "", courses),
        ("swimmer", "Treatment", "figure", "Courses, responses and follow-up",
         "The patient's courses from the first dose, coloured by their response, with the "
         "first response, progression, death or an arrow if alive without progression.",
         swimmer.swimmer_from),
        ("doses", "Treatment", "table", "Dose slots", "", doses),
        ("toxicities", "Toxicity", "table", "Toxicities", "", toxicities),
        ("scans", "Response", "table", "Scans and responses", "", scans),
        ("spider", "Response", "figure", "Change in tumour size over time",
         "The tumour burden relative to baseline at each scan.", tumour.spider_from),
        ("quality-of-life", "Quality of life", "table", "EORTC QLQ-C30 scores", "",
         quality_of_life),
    ]
