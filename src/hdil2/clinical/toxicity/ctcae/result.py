"""The shape of a grading decision: a grade 0-5 or ``"not_evaluable"``, with reasons and details.

``Decision.details`` (top-level keys of the JSON):

* ``term`` / ``term_name`` — catalogue key and CTCAE v5.0 name;
* ``method`` — ``"computed"`` from numbers or ``"clinician"`` (recorded choice);
* ``grade_text`` — the CTCAE text of the grade (``None`` when not evaluable);
* ``possible_grades`` — every grade the given inputs allow: one grade when evaluable, several
  when a missing input could change it (docs/decisions.md#ctcae-boundary-forms);
* ``missing`` — request fields the term uses that were not given;
* ``ctcae_version`` — ``"5.0"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from hdil2.clinical.toxicity.ctcae.catalogue import CTCAE_VERSION, Method, Term
from hdil2.core.decision import Decision, Reason

NOT_EVALUABLE: Literal["not_evaluable"] = "not_evaluable"
GradeValue = int | Literal["not_evaluable"]

#: a CTCAE grade, 0 (no adverse event) to 5 (death), as the output schema states it
Grade = Annotated[int, Field(ge=0, le=5)]
#: the value of a grading decision, as the output schema states it
GradeOutcome = Grade | Literal["not_evaluable"]


class GradeDetails(TypedDict):
    """The details of every grading decision (top-level keys of its JSON; see the module doc)."""

    term: str
    term_name: str
    method: Method
    grade_text: str | None
    possible_grades: list[Grade]
    missing: list[str]
    ctcae_version: str


def span(grades: Iterable[int]) -> str:
    """``G2`` or ``G2 or G3`` or ``G0, G1 or G4``."""
    gs = [f"G{g}" for g in sorted(set(grades))]
    return gs[0] if len(gs) == 1 else ", ".join(gs[:-1]) + " or " + gs[-1]


def decision(
    term: Term,
    possible: Iterable[int],
    reasons: Iterable[Reason],
    missing: Iterable[str] = (),
) -> Decision[GradeValue]:
    """The grade if ``possible`` holds one grade, else ``not_evaluable``."""
    grades = sorted(set(possible))
    if not grades:
        raise ValueError("no possible grade")  # a bug in a grader, not bad input
    value: GradeValue = grades[0] if len(grades) == 1 else NOT_EVALUABLE
    details = GradeDetails(
        term=term.key,
        term_name=term.name,
        method=term.method,
        grade_text=None if value == NOT_EVALUABLE else term.text(grades[0]),
        possible_grades=grades,
        missing=list(missing),
        ctcae_version=CTCAE_VERSION,
    )
    return Decision(value, tuple(reasons), details)
