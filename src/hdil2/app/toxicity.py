"""Operations of toxicity: the CTCAE v5.0 grade, the graded terms, and the next-dose advice.

``grade`` answers one term (a :class:`~hdil2.core.decision.Decision` whose value is the grade
0-5 or ``"not_evaluable"``); ``grade-terms`` lists every term hdil2 grades; ``next-dose`` gives,
holds or stops at the next scheduled HD IL-2 dose.  The site profile fills ``next-dose``'s
``tz`` (the ward's zone) and ``rulesets`` (its institutional hold rule sets) when a request
leaves them out, and the site's ``grade`` policies (``diarrhea_incontinence``) apply to a
diarrhoea grade that does not set them itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hdil2.app.operation import Operation
from hdil2.clinical.toxicity.ctcae import (
    DiarrheaRequest,
    GradeDetails,
    GradeOutcome,
    GradeRequest,
    GradeTermsRequest,
    GradeValue,
    TermListing,
    grade,
    term_listing,
)
from hdil2.clinical.toxicity.holds.advice import NextDoseDetails, NextDoseRequest, Value
from hdil2.core.result import decision_schema, output_schema

if TYPE_CHECKING:
    from hdil2.app.profile import SiteProfile
    from hdil2.core.decision import Decision


def _grade(req: GradeRequest, site: SiteProfile) -> Decision[GradeValue]:
    term = req.request
    policies = site.policies.get("grade")
    if policies and isinstance(term, DiarrheaRequest):  # the request's own policies win
        given = {k: str(v) for k, v in policies.items()}
        term = term.model_copy(update={"policies": {**given, **term.policies}})
    return grade(term)


def _grade_terms(_req: GradeTermsRequest, _site: Any) -> TermListing:
    return term_listing()


def _next_dose(req: NextDoseRequest, _site: Any) -> Decision[str]:
    return req.advise()


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("grade", "the CTCAE v5.0 grade of one toxicity, with the clause that fired",
              GradeRequest, _grade,
              lambda: decision_schema(GradeOutcome, GradeDetails, "Grade"), area="toxicity"),
    Operation("grade-terms", "every CTCAE v5.0 term hdil2 grades, and how it is graded",
              GradeTermsRequest, _grade_terms, lambda: output_schema(TermListing),
              area="toxicity"),
    Operation("next-dose", "give, hold or stop at the next scheduled HD IL-2 dose, with reasons",
              NextDoseRequest, _next_dose,
              lambda: decision_schema(Value, NextDoseDetails, "NextDose"), area="toxicity"),
)
