"""Operations of cohort statistics: rates, 2×2 comparisons, trend, Kaplan-Meier, log-rank, Cox.

Survival operations take the data as JSON arrays, one entry per patient (``time``, ``event``,
``group`` …); the CLI turns a CSV file's columns into the same request.
"""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation, Spec
from hdil2.core.result import output_schema


def _run(req: Any, _site: Any) -> Any:
    return req.run()


def _rate() -> Spec:
    from hdil2.stats.proportions import Rate
    from hdil2.stats.requests import RateRequest

    return Spec(RateRequest, _run, lambda: output_schema(Rate))


def _compare() -> Spec:
    from hdil2.stats.proportions import TwoByTwo
    from hdil2.stats.requests import CompareRequest

    return Spec(CompareRequest, _run, lambda: output_schema(TwoByTwo))


def _trend() -> Spec:
    from hdil2.stats.proportions import Trend
    from hdil2.stats.requests import TrendRequest

    return Spec(TrendRequest, _run, lambda: output_schema(Trend))


def _km() -> Spec:
    from hdil2.stats.kaplan_meier import KaplanMeierCurves
    from hdil2.stats.requests import KmRequest

    return Spec(KmRequest, _run, lambda: output_schema(KaplanMeierCurves))


def _logrank() -> Spec:
    from hdil2.stats.logrank import LogRank
    from hdil2.stats.requests import LogrankRequest

    return Spec(LogrankRequest, _run, lambda: output_schema(LogRank))


def _cox() -> Spec:
    from hdil2.stats.cox import CoxModel
    from hdil2.stats.requests import CoxRequest

    return Spec(CoxRequest, _run, lambda: output_schema(CoxModel))


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("stats-rate", "a response rate with its exact (Clopper-Pearson) or Wilson "
              "interval", _rate, area="stats"),
    Operation("stats-compare", "two groups' response rates: Fisher exact, χ², odds ratios, "
              "risk difference", _compare,
              area="stats"),
    Operation("stats-trend", "Cochran-Armitage test for a trend in proportions over ordered "
              "groups", _trend, area="stats"),
    Operation("stats-km", "Kaplan-Meier curves with Greenwood intervals, medians and landmark "
              "survival", _km,
              area="stats"),
    Operation("stats-logrank", "log-rank test of two or more groups (stratified, G-rho "
              "weighted)", _logrank, area="stats"),
    Operation("stats-cox", "Cox proportional-hazards model: hazard ratios, intervals, global "
              "tests", _cox, area="stats"),
)
