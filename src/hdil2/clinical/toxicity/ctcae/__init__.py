"""CTCAE v5.0 toxicity grading for HD IL-2 (source key ``ctcae5``).

* :data:`TERMS` — the catalogue: every term hdil2 grades, with its grade texts (verbatim from
  NCI's CTCAE v5.0 spreadsheet), allowed grades, the sources of its texts and criteria, and
  whether it is computed from the request's inputs or recorded from the clinician's choice.
* :class:`GradeRequest` — one request, discriminated by ``term`` (JSON Schema:
  ``hdil2 schema grade``).
* :func:`grade` — a :class:`~hdil2.core.decision.Decision` whose value is the grade (0-5) or
  ``"not_evaluable"``, with the reasons (which clause fired, on which values) and details
  (``term``, ``grade_text``, ``possible_grades``, ``missing``: :class:`GradeDetails`).
* :func:`term_listing` — every term as a :class:`TermListing` (``hdil2 grade --list``).

For example:

    >>> from hdil2.clinical.toxicity.ctcae import grade_document
    >>> d = grade_document({"term": "creatinine_increased", "value": "1.5 mg/dL",
    ...                     "uln": "1.2 mg/dL", "baseline": "0.9 mg/dL"})
    >>> d.value, d.reasons[0].rule
    (2, 'ctcae5.creatinine.grade')
"""

from hdil2.clinical.toxicity.ctcae.catalogue import (
    CLINICIAN_TERMS,
    COMPUTED_TERMS,
    CTCAE_VERSION,
    NOT_TERMS,
    OLIGURIA_MESSAGE,
    TERMS,
    Term,
    TermEntry,
    TermListing,
    term,
    term_key,
)
from hdil2.clinical.toxicity.ctcae.grading import (
    catalogue,
    grade,
    grade_document,
    record_grade,
    term_listing,
)
from hdil2.clinical.toxicity.ctcae.requests import (
    BloodCountRequest,
    ClinicianGradeRequest,
    DiarrheaRequest,
    FeverRequest,
    GradeRequest,
    GradeTermsRequest,
    HypocalcemiaRequest,
    HypokalemiaRequest,
    HyponatremiaRequest,
    HypotensionRequest,
    LabRequest,
    LowLabRequest,
    PlateletRequest,
    TermRequest,
    UrineOutputRequest,
    WeightGainRequest,
)
from hdil2.clinical.toxicity.ctcae.result import (
    NOT_EVALUABLE,
    GradeDetails,
    GradeOutcome,
    GradeValue,
)

__all__ = [
    "CLINICIAN_TERMS",
    "COMPUTED_TERMS",
    "CTCAE_VERSION",
    "NOT_EVALUABLE",
    "NOT_TERMS",
    "OLIGURIA_MESSAGE",
    "TERMS",
    "BloodCountRequest",
    "ClinicianGradeRequest",
    "DiarrheaRequest",
    "FeverRequest",
    "GradeDetails",
    "GradeOutcome",
    "GradeRequest",
    "GradeTermsRequest",
    "GradeValue",
    "HypocalcemiaRequest",
    "HypokalemiaRequest",
    "HyponatremiaRequest",
    "HypotensionRequest",
    "LabRequest",
    "LowLabRequest",
    "PlateletRequest",
    "Term",
    "TermEntry",
    "TermListing",
    "TermRequest",
    "UrineOutputRequest",
    "WeightGainRequest",
    "catalogue",
    "grade",
    "grade_document",
    "record_grade",
    "term",
    "term_key",
    "term_listing",
]
