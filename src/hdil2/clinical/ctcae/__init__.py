"""CTCAE v5.0 toxicity grading for HD IL-2 (clinical reference §3, source key ``ctcae5``).

* :data:`TERMS` — the catalogue: every term of reference §3.2 with its grade texts, allowed
  grades, verification tag and whether it is computed or recorded from the clinician's choice.
* :class:`GradeRequest` — one request, discriminated by ``term`` (JSON Schema:
  ``hdil2 schema grade``).
* :func:`grade` — a :class:`~hdil2.core.decision.Decision` whose value is the grade (0-5) or
  ``"not_evaluable"``, with the reasons (which clause fired, on which values) and details
  (``term``, ``grade_text``, ``possible_grades``, ``missing``).

Example::

    >>> from hdil2.clinical.ctcae import grade_document
    >>> d = grade_document({"term": "creatinine_increased", "value": "1.5 mg/dL",
    ...                     "uln": "1.2 mg/dL", "baseline": "0.9 mg/dL"})
    >>> d.value, d.reasons[0].rule
    (2, 'ctcae5.creatinine.grade')
"""

from hdil2.clinical.ctcae.catalogue import (
    CLINICIAN_TERMS,
    COMPUTED_TERMS,
    CTCAE_VERSION,
    NOT_TERMS,
    OLIGURIA_MESSAGE,
    TERMS,
    Term,
    term,
    term_key,
)
from hdil2.clinical.ctcae.grading import catalogue, grade, grade_document, record_grade
from hdil2.clinical.ctcae.requests import (
    ClinicianGradeRequest,
    DiarrheaRequest,
    FeverRequest,
    GradeRequest,
    LabRequest,
    PlateletRequest,
    TermRequest,
    WeightGainRequest,
)
from hdil2.clinical.ctcae.result import NOT_EVALUABLE, GradeValue

__all__ = [
    "CLINICIAN_TERMS",
    "COMPUTED_TERMS",
    "CTCAE_VERSION",
    "NOT_EVALUABLE",
    "NOT_TERMS",
    "OLIGURIA_MESSAGE",
    "TERMS",
    "ClinicianGradeRequest",
    "DiarrheaRequest",
    "FeverRequest",
    "GradeRequest",
    "GradeValue",
    "LabRequest",
    "PlateletRequest",
    "Term",
    "TermRequest",
    "WeightGainRequest",
    "catalogue",
    "grade",
    "grade_document",
    "record_grade",
    "term",
    "term_key",
]
