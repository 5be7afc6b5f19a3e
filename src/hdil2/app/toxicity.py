"""Operations of toxicity grading: the CTCAE v5.0 grade and the graded terms.

``grade`` answers one term (a :class:`~hdil2.core.decision.Decision` whose value is the grade
0-5 or ``"not_evaluable"``); ``grade-terms`` lists every term hdil2 grades.  The site's
``grade`` policies (``diarrhea_incontinence``) apply to a diarrhoea grade that does not set them
itself.  The next-dose advice is its own area (:mod:`hdil2.app.holds`), so that grading does
not load the hold rules and the advice does not load the CTCAE tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hdil2.app.operation import Operation, Spec
from hdil2.core.result import decision_schema, output_schema

if TYPE_CHECKING:
    from hdil2.app.profile import SiteProfile
    from hdil2.clinical.toxicity.ctcae import GradeRequest, GradeValue
    from hdil2.core.decision import Decision


def _grade_term(req: GradeRequest, site: SiteProfile) -> Decision[GradeValue]:
    from hdil2.clinical.toxicity.ctcae import DiarrheaRequest, grade

    term = req.request
    policies = site.policies.get("grade")
    if policies and isinstance(term, DiarrheaRequest):  # the request's own policies win
        given = {k: str(v) for k, v in policies.items()}
        term = term.model_copy(update={"policies": {**given, **term.policies}})
    return grade(term)


def _grade() -> Spec:
    from hdil2.clinical.toxicity.ctcae import GradeDetails, GradeOutcome, GradeRequest

    return Spec(GradeRequest, _grade_term,
                lambda: decision_schema(GradeOutcome, GradeDetails, "Grade"))


def _grade_terms() -> Spec:
    from hdil2.clinical.toxicity.ctcae import GradeTermsRequest, TermListing, term_listing

    return Spec(GradeTermsRequest, lambda _req, _site: term_listing(),
                lambda: output_schema(TermListing))


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("grade", "the CTCAE v5.0 grade of one toxicity, with the clause that fired",
              _grade, area="toxicity"),
    Operation("grade-terms", "every CTCAE v5.0 term hdil2 grades, and how it is graded",
              _grade_terms, area="toxicity"),
)
