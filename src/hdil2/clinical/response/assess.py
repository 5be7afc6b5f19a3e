"""One entry point for every criterion: validate, classify each visit, best response, dates.

``assess(request, criteria)`` is the code path the CLI, the registry, the importer and the
simulator share (one code path per concept, see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hdil2.clinical.response.bidimensional import assess_timepoints as bidimensional_timepoints
from hdil2.clinical.response.bor import SCHEMES, BestResponse, best_overall_response
from hdil2.clinical.response.durations import Dates, derive_dates
from hdil2.clinical.response.irecist import assess_timepoints as irecist_timepoints
from hdil2.clinical.response.models import AssessmentRequest, Criteria
from hdil2.clinical.response.policies import (
    CONFIRM_MAX_NE_BETWEEN,
    NODES_ONE_ORGAN,
    POLICIES_BY_CRITERIA,
    resolve,
)
from hdil2.clinical.response.recist11 import assess_timepoints as recist_timepoints
from hdil2.clinical.response.timepoint import TimePoint
from hdil2.clinical.response.validation import check_recist_baseline, check_structure
from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Result
from hdil2.core.sources import Tag

DEFAULT_MIN_SD_DAYS = {"recist1.1": 42, "irecist": 42, "who": 0, "nci": 0}


@dataclass(frozen=True, slots=True)
class Assessment(Result):
    """Per-visit responses, best response with and without confirmation, dates, reasons.

    ``visits`` has one :class:`TimePoint` per visit after baseline; ``reasons`` the policies
    and parameters in force and the method notes.
    """

    criteria: Criteria
    visits: tuple[TimePoint, ...]
    bor_unconfirmed: BestResponse
    bor_confirmed: BestResponse
    dates_unconfirmed: Dates
    dates_confirmed: Dates
    reasons: tuple[Reason, ...]

    @property
    def timepoints(self) -> tuple[TimePoint, ...]:
        """The per-visit responses (the same as :attr:`visits`)."""
        return self.visits


def assess(req: AssessmentRequest, criteria: Criteria | None = None) -> Assessment:
    """Validate ``req`` and assess it under ``criteria`` (recist1.1, irecist, who, nci).

    ``criteria`` unset: the request's own ``criteria`` (RECIST 1.1 unless it says otherwise).
    """
    if criteria is None:
        criteria = req.criteria
    if criteria not in POLICIES_BY_CRITERIA:
        raise InputError("criteria", f"must be one of {list(POLICIES_BY_CRITERIA)}", criteria)
    policies = resolve(criteria, req.policies)
    bidim = criteria in ("who", "nci")
    check_structure(req, bidimensional=bidim)
    reasons: list[Reason] = [POLICIES_BY_CRITERIA[criteria][name].reason(value)
                             for name, value in policies.items()]
    if not bidim:
        check_recist_baseline(req, policies[NODES_ONE_ORGAN.name])
        no_method = [les.id for les in req.lesions
                     if les.kind == "target" and not les.is_lymph_node and les.method is None]
        if no_method:
            reasons.append(Reason(
                "recist1.1.baseline.method_not_given", "recist1.1", tag=Tag.VERIFIED,
                inputs={"lesions": no_method},
                text=f"imaging method not given for {', '.join(no_method)}: the CT/MRI "
                "measurability rule (longest diameter ≥ 10 mm) was applied"))
    if criteria == "recist1.1":
        points = recist_timepoints(req, policies)
    elif criteria == "irecist":
        points = irecist_timepoints(req, policies)
    else:
        points = bidimensional_timepoints(req, policies, criteria)
    scheme = SCHEMES[criteria]
    min_sd = req.params.min_sd_days
    if min_sd is None:
        min_sd = DEFAULT_MIN_SD_DAYS[criteria]
        reasons.append(Reason(
            "bor.min_sd_days", "admiralonco" if min_sd else scheme.source,
            tag=Tag.UNVERIFIED, inputs={"min_sd_days": min_sd},
            text=f"minimum interval for stable disease not given: {min_sd} days used "
            + ("(a protocol choice; admiralonco's template uses 42)" if min_sd
               else "(the criterion states none)")))
    has_targets = any(les.kind == "target" for les in req.lesions)
    kw: dict[str, Any] = {
        "min_sd_days": min_sd, "confirm_min_days": req.params.confirm_min_days,
        "max_ne_between": policies[CONFIRM_MAX_NE_BETWEEN.name], "has_targets": has_targets,
    }
    unconf = best_overall_response(points, scheme, confirm=False, **kw)
    conf = best_overall_response(points, scheme, confirm=True, **kw)
    return Assessment(
        criteria=criteria, visits=points, bor_unconfirmed=unconf, bor_confirmed=conf,
        dates_unconfirmed=derive_dates(points, scheme, req.start_date, unconf),
        dates_confirmed=derive_dates(points, scheme, req.start_date, conf),
        reasons=tuple(reasons),
    )
