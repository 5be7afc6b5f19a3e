"""Use case: record the EORTC QLQ-C30 answers of a time point, scored by the clinical core.

The answers are stored as they were given (items ``q1`` .. ``q30``; an unanswered item is
empty); the ``qlq-c30`` operation scores them (the scoring manual's formulas and half-items
rule, ``eortc-qlq-c30-manual``) and the scores shown are stored as the advice linked to the
questionnaire (``QualityOfLife.advice``; its value is the global health status score).
Runs in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hdil2.core.errors import InputError
from hdil2.registry.services._common import (
    Outcome,
    a_date,
    as_json,
    get_row,
    run,
    save_new,
    store_advice,
)

ITEMS = tuple(f"q{i}" for i in range(1, 31))


def record_qlq_c30(patient_id: int, *, by: Any, completed_on: Any, label: str,
                   answers: dict[str, Any], course_id: int | None = None) -> Outcome:
    """Record one completed questionnaire (``answers``: ``{"q1": 1, ..., "q30": 5}``, an
    unanswered item ``None``) and score it."""
    from hdil2.registry.models import Course, Patient, QualityOfLife

    if not isinstance(answers, dict):
        raise InputError("answers", "the items q1 .. q30, each an answer or null")
    for key in answers:
        if key not in ITEMS:
            raise InputError(f"answers.{key}", "not an item of the QLQ-C30 (q1 .. q30)")
    with transaction.atomic():
        patient = get_row(Patient, patient_id, "patient_id")
        course = get_row(Course, course_id, "course_id") if course_id is not None else None
        if course is not None and course.patient_id != patient.pk:
            raise InputError("course_id", f"{course.label()} is not this patient's", course_id)
        when = a_date(completed_on, "completed_on")
        full = {q: answers.get(q) for q in ITEMS}
        req = {"patient": patient.registry_id, "assessments": [
            {"date": when.isoformat(), "label": label, "answers": full}]}
        series = run("qlq-c30", req)
        point = series.time_points[0]
        ql2 = next((s for s in point.scales if s.code == "QL2"), None)
        score = getattr(ql2, "score", None) if ql2 is not None else None
        advice = store_advice("qlq-c30", req, series, by=by,
                              value="QL2 not scored" if score is None else f"QL2 {as_json(score)}",
                              ruleset_version=f"QLQ-C30 {point.version}",
                              synthetic=patient.synthetic)
        row = save_new(QualityOfLife(patient=patient, course=course, completed_on=when,
                                     label=label, advice=advice, synthetic=patient.synthetic,
                                     **full), by)
        return Outcome(series, advice, (row,))
