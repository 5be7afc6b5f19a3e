"""``grade(request)``: the one entry point of CTCAE v5.0 grading.

Computed terms go to their grader (:mod:`~hdil2.clinical.toxicity.ctcae.lab`,
:mod:`~hdil2.clinical.toxicity.ctcae.fever`, :mod:`~hdil2.clinical.toxicity.ctcae.diarrhea`,
:mod:`~hdil2.clinical.toxicity.ctcae.urine`, :mod:`~hdil2.clinical.toxicity.ctcae.hypotension`);
clinician-graded terms are recorded after checking the grade exists for the term (a grade
defined by clinical descriptors such as "medical intervention indicated" is the clinician's
to choose; hdil2 validates it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hdil2.clinical.toxicity.ctcae.catalogue import TERMS, TermEntry, TermListing, term_key
from hdil2.clinical.toxicity.ctcae.criteria import (
    HYPOCALCEMIA,
    LAB_CRITERIA,
    UNIT_VARIANTS,
    WEIGHT_GAIN,
)
from hdil2.clinical.toxicity.ctcae.diarrhea import grade_diarrhea
from hdil2.clinical.toxicity.ctcae.fever import grade_fever
from hdil2.clinical.toxicity.ctcae.hypotension import grade_hypotension
from hdil2.clinical.toxicity.ctcae.lab import grade_lab, select_criteria
from hdil2.clinical.toxicity.ctcae.requests import (
    BloodCountRequest,
    ClinicianGradeRequest,
    DiarrheaRequest,
    FeverRequest,
    GradeRequest,
    HypocalcemiaRequest,
    HypokalemiaRequest,
    HyponatremiaRequest,
    HypotensionRequest,
    LabRequest,
    LowLabRequest,
    TermRequest,
    UrineOutputRequest,
    WeightGainRequest,
)
from hdil2.clinical.toxicity.ctcae.result import GradeValue, decision
from hdil2.clinical.toxicity.ctcae.urine import grade_urine_output
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError


def record_grade(term: str, grade: int) -> Decision[GradeValue]:
    """A clinician-chosen grade, checked against the term's allowed grades."""
    t = TERMS[term_key(term)]
    if t.key == "hypotension":  # graded from descriptors, or from the clinician's grade alone
        return grade_hypotension(grade=grade)
    if t.method != "clinician":
        raise InputError("term", f"{t.name} is computed from its inputs "
                         f"({', '.join(t.inputs)}); give them instead of a grade", term)
    if isinstance(grade, bool) or not isinstance(grade, int):
        raise InputError("grade", "a whole number 0-5", grade)
    t.check_grade(grade)
    reason = Reason(
        rule=f"ctcae5.{t.key}.clinician_grade", source="ctcae5", tag=t.tag_for(grade),
        inputs={"grade": grade},
        text=f"{t.name} G{grade} recorded by the clinician: {t.text(grade)}",
    )
    return decision(t, {grade}, [reason])


def grade(request: GradeRequest | TermRequest) -> Decision[GradeValue]:
    """Grade one CTCAE v5.0 term: a grade 0-5, or ``"not_evaluable"`` naming what is missing."""
    r = request.root if isinstance(request, GradeRequest) else request
    if isinstance(r, LabRequest):
        return grade_lab(LAB_CRITERIA[r.term], r.value, {"uln": r.uln, "baseline": r.baseline})
    if isinstance(r, BloodCountRequest):
        return grade_lab(LAB_CRITERIA[r.term], r.value, {"lln": r.lln})
    if isinstance(r, LowLabRequest):
        c = (select_criteria(UNIT_VARIANTS[r.term], r.value, TERMS[r.term].name.lower())
             if r.term in UNIT_VARIANTS else LAB_CRITERIA[r.term])
        return grade_lab(c, r.value, {"lln": r.lln}, clinical_grade=r.clinical_grade)
    if isinstance(r, HypocalcemiaRequest):
        c = select_criteria(HYPOCALCEMIA[r.calcium], r.value, f"{r.calcium} calcium")
        return grade_lab(c, r.value, {"lln": r.lln}, clinical_grade=r.clinical_grade)
    if isinstance(r, HypokalemiaRequest):
        return grade_lab(LAB_CRITERIA[r.term], r.value, {"lln": r.lln},
                         answers={"symptomatic": r.symptomatic,
                                  "intervention_indicated": r.intervention_indicated},
                         clinical_grade=r.clinical_grade)
    if isinstance(r, HyponatremiaRequest):
        return grade_lab(LAB_CRITERIA[r.term], r.value, {"lln": r.lln},
                         answers={"symptomatic": r.symptomatic},
                         clinical_grade=r.clinical_grade)
    if isinstance(r, UrineOutputRequest):
        return grade_urine_output(r.volume, r.hours)
    if isinstance(r, HypotensionRequest):
        return grade_hypotension(
            symptomatic=r.symptomatic, intervention=r.intervention,
            vasopressors=r.vasopressors, hospitalization_indicated=r.hospitalization_indicated,
            life_threatening=r.life_threatening, grade=r.grade)
    if isinstance(r, WeightGainRequest):
        return grade_lab(WEIGHT_GAIN, r.value, {"baseline": r.baseline})
    if isinstance(r, FeverRequest):
        return grade_fever(r.value, r.duration_above_40c, r.clinical_grade)
    if isinstance(r, DiarrheaRequest):
        return grade_diarrhea(r.stools_per_day, r.baseline_stools_per_day,
                              r.ostomy_output_increase, r.clinical_grade, r.incontinence,
                              r.policies)
    if isinstance(r, ClinicianGradeRequest):
        return record_grade(r.term, r.grade)
    raise TypeError(f"not a grade request: {type(r).__name__}")


def grade_document(doc: Mapping[str, Any]) -> Decision[GradeValue]:
    """Validate a JSON-like request document and grade it."""
    return grade(GradeRequest.model_validate(doc))


def catalogue() -> list[dict[str, Any]]:
    """Every term as plain JSON data (the ``terms`` of ``hdil2 grade --list --json``)."""
    return [TermEntry.of(t).to_dict() for t in TERMS.values()]


def term_listing() -> TermListing:
    """Every term and the names refused as not v5.0 terms (``hdil2 grade --list``)."""
    return TermListing.of()
