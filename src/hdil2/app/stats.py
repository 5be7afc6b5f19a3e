"""Operations of cohort statistics: rates, 2×2 comparisons, trend, Kaplan-Meier, log-rank, Cox.

Survival operations take the data as JSON arrays, one entry per patient (``time``, ``event``,
``group`` …); the CLI turns a CSV file's columns into the same request.
"""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation
from hdil2.core.result import output_schema
from hdil2.stats.cox import CoxModel
from hdil2.stats.kaplan_meier import KaplanMeierCurves
from hdil2.stats.logrank import LogRank
from hdil2.stats.proportions import Rate, Trend, TwoByTwo
from hdil2.stats.requests import (
    CompareRequest,
    CoxRequest,
    KmRequest,
    LogrankRequest,
    RateRequest,
    TrendRequest,
)


def _run(req: Any, _site: Any) -> Any:
    return req.run()


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("stats-rate", "a response rate with its exact (Clopper-Pearson) or Wilson "
              "interval", RateRequest, _run, lambda: output_schema(Rate), area="stats"),
    Operation("stats-compare", "two groups' response rates: Fisher exact, χ², odds ratios, "
              "risk difference", CompareRequest, _run, lambda: output_schema(TwoByTwo),
              area="stats"),
    Operation("stats-trend", "Cochran-Armitage test for a trend in proportions over ordered "
              "groups", TrendRequest, _run, lambda: output_schema(Trend), area="stats"),
    Operation("stats-km", "Kaplan-Meier curves with Greenwood intervals, medians and landmark "
              "survival", KmRequest, _run, lambda: output_schema(KaplanMeierCurves),
              area="stats"),
    Operation("stats-logrank", "log-rank test of two or more groups (stratified, G-rho "
              "weighted)", LogrankRequest, _run, lambda: output_schema(LogRank), area="stats"),
    Operation("stats-cox", "Cox proportional-hazards model: hazard ratios, intervals, global "
              "tests", CoxRequest, _run, lambda: output_schema(CoxModel), area="stats"),
)
