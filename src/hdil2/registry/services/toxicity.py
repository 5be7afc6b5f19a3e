"""Use case: record a toxicity, graded by the clinical core from the raw values.

The ``grade`` operation (CTCAE v5.0, ``ctcae5``) grades the raw values as entered (``{"term":
"creatinine_increased", "value": "2.0 mg/dL", "uln": "1.2 mg/dL", "baseline": "0.9 mg/dL"}``);
the toxicity stores the raw values, the grade computed and the grade recorded. A clinician may
record another grade only with ``override_reason``; a grade the values leave not evaluable
needs the clinician's grade and that reason. Runs in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hdil2.core.errors import InputError
from hdil2.registry.services._common import (
    Outcome,
    aware,
    get_row,
    reason_text,
    run,
    save_new,
    store_advice,
)

ATTRIBUTIONS = ("", "unrelated", "unlikely", "possible", "probable", "definite")


def record_toxicity(patient_id: int, *, by: Any, request: dict[str, Any], onset_at: Any,
                    grade: int | None = None, override_reason: str | None = None,
                    course_id: int | None = None, dose_slot_id: int | None = None,
                    resolved_at: Any = None, attribution: str = "", serious: bool = False
                    ) -> Outcome:
    """Grade ``request`` (the ``grade`` operation's request) and record the toxicity.

    ``grade`` left out records the computed grade; a different grade needs
    ``override_reason`` (refused without, naming it). The outcome's decision is the grade
    decision; the advice is linked to the toxicity (``Toxicity.advice``).
    """
    from hdil2.registry.models import Course, DoseSlot, Patient, Toxicity

    with transaction.atomic():
        patient = get_row(Patient, patient_id, "patient_id")
        course = get_row(Course, course_id, "course_id") if course_id is not None else None
        if course is not None and course.patient_id != patient.pk:
            raise InputError("course_id", f"{course.label()} is not this patient's", course_id)
        slot = get_row(DoseSlot, dose_slot_id, "dose_slot_id") if dose_slot_id is not None \
            else None
        if slot is not None and slot.cycle.course.patient_id != patient.pk:
            raise InputError("dose_slot_id", f"{slot.label()} is not this patient's",
                             dose_slot_id)
        if not isinstance(request, dict):
            raise InputError("request", "the grade request: a JSON object (hdil2 schema grade)")
        decision = run("grade", request)
        computed = decision.value if isinstance(decision.value, int) else None
        override = reason_text(override_reason, "override_reason")
        if grade is None:
            if computed is None:
                missing = ", ".join(decision.details.get("missing") or ()) or "-"
                raise InputError("grade", "the values leave the grade not evaluable (missing: "
                                 f"{missing}); give the grade with an override_reason")
            grade = computed
        elif isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
            raise InputError("grade", "a CTCAE grade 0-5", grade)
        if grade != computed and not override:
            shown = "not evaluable" if computed is None else f"G{computed}"
            why = "; ".join(r.text for r in decision.reasons[:2])
            raise InputError("override_reason", f"grade G{grade} differs from the grade "
                             f"computed from the values, {shown} ({why}): an override needs a "
                             "reason")
        if attribution not in ATTRIBUTIONS:
            raise InputError("attribution", f"one of {', '.join(ATTRIBUTIONS[1:])}",
                             attribution)
        details = decision.details
        advice = store_advice("grade", request, decision, by=by,
                              ruleset_version=f"CTCAE v{details.get('ctcae_version', '')}",
                              synthetic=patient.synthetic)
        tox = save_new(Toxicity(
            patient=patient, course=course if course is not None else (
                slot.cycle.course if slot is not None else None),
            dose_slot=slot, term=details.get("term_name") or str(request.get("term")),
            grade=grade, grade_computed=computed,
            override_reason=override if grade != computed else "",
            raw_values=advice.request, onset_at=aware(onset_at, "onset_at"),
            resolved_at=aware(resolved_at, "resolved_at") if resolved_at is not None else None,
            attribution=attribution, serious=bool(serious), advice=advice,
            departure_reason=override if grade != computed else "",
            synthetic=patient.synthetic), by)
        return Outcome(decision, advice, (tox,))
