"""JSON inputs of the ``hdil2 stats`` and ``hdil2 design`` commands (``hdil2 schema NAME``).

Each request is a frozen pydantic model with ``run()``, which calls the pure function of
:mod:`hdil2.stats` it names; the operations of :mod:`hdil2.app.stats` and :mod:`hdil2.app.design`
validate a request and run it, so the CLI (options, a JSON file, or CSV columns for survival
data) and every other caller share one validation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateRequest(_Request):
    """A response rate x/n with its exact (default) or Wilson interval."""

    x: int = Field(ge=0, description="responders")
    n: int = Field(ge=1, description="patients")
    level: float = 0.95
    method: Literal["clopper-pearson", "wilson"] = "clopper-pearson"

    def run(self) -> Any:
        from hdil2.stats.proportions import rate

        return rate(self.x, self.n, self.level, self.method)


class CompareRequest(_Request):
    """Two groups' response counts: Fisher exact, χ², odds ratios, risk difference."""

    x1: int = Field(ge=0)
    n1: int = Field(ge=1)
    x2: int = Field(ge=0)
    n2: int = Field(ge=1)
    level: float = 0.95

    def run(self) -> Any:
        from hdil2.stats.proportions import compare_proportions

        return compare_proportions(self.x1, self.n1, self.x2, self.n2, self.level)


class TrendRequest(_Request):
    """Ordered groups for the Cochran-Armitage trend test."""

    successes: list[int]
    totals: list[int]
    scores: list[float] | None = None

    def run(self) -> Any:
        from hdil2.stats.proportions import cochran_armitage

        return cochran_armitage(self.successes, self.totals, self.scores)


Label = str | int | float


class SurvivalRequest(_Request):
    """Survival data, one entry per patient: time ≥ 0 and event 1 (event) or 0 (censored).

    The base of the ``stats-km``, ``stats-logrank`` and ``stats-cox`` requests (its schema is
    ``hdil2 schema stats-survival``); each adds the columns and options it reads and refuses
    any other field, so a column it would not use (strata for a Cox model) is never ignored
    silently.
    """

    time: list[float] = Field(description="follow-up time of each patient (≥ 0)")
    event: list[int] = Field(description="1 = the event was observed, 0 = censored")


class KmRequest(SurvivalRequest):
    """Kaplan-Meier curves, one per group (or one for all), with landmark survival."""

    group: list[Label] | None = Field(None, description="group of each patient: one curve "
                                      "per group (sorted labels)")
    conf_type: Literal["log", "log-log", "plain"] = "log"
    level: float = 0.95
    landmarks: list[float] = Field(default_factory=list, description="times for landmark "
                                   "survival, e.g. [730] for 2-year survival in days")

    def run(self) -> Any:
        from hdil2.stats.kaplan_meier import (
            KaplanMeierCurves,
            kaplan_meier,
            kaplan_meier_groups,
        )

        if self.group is None:
            curves = [kaplan_meier(self.time, self.event, conf_type=self.conf_type,
                                   level=self.level)]
        else:
            curves = list(kaplan_meier_groups(self.time, self.event, self.group,
                                              conf_type=self.conf_type,
                                              level=self.level).values())
        curves = [c.with_landmarks(self.landmarks) for c in curves]
        return KaplanMeierCurves("kaplan_meier_greenwood", curves[0].conf_type,
                                 curves[0].level, tuple(curves))


class LogrankRequest(SurvivalRequest):
    """Log-rank test of two or more groups, stratified and G-rho weighted on request."""

    group: list[Label] = Field(description="group of each patient (at least two groups)")
    strata: list[Label] | None = Field(None, description="stratum of each patient: a "
                                       "stratified test")
    rho: float = Field(0.0, description="G-rho weight S(t-)^rho: 0 log-rank, 1 Peto-Peto type")

    def run(self) -> Any:
        from hdil2.stats.logrank import logrank_test

        return logrank_test(self.time, self.event, self.group, strata=self.strata, rho=self.rho)


class CoxRequest(SurvivalRequest):
    """Cox proportional-hazards regression on named covariate columns."""

    covariates: dict[str, list[float | str | None]] = Field(
        description="named columns of numbers or text (text is categorical); null marks a "
        "missing value (the row is left out and counted, as R's na.omit)")
    categorical: list[str] = Field(default_factory=list, description="numeric covariates to "
                                   "treat as categorical (e.g. an ECOG score)")
    reference: dict[str, str | float] = Field(
        default_factory=dict, description="reference level per categorical covariate "
        "(default: the first level in sort order)")
    ties: Literal["efron", "breslow"] = "efron"
    level: float = 0.95

    def run(self) -> Any:
        from hdil2.core.errors import InputError
        from hdil2.stats.cox import cox_ph

        if not self.covariates:
            raise InputError("covariates", "name at least one covariate column")
        return cox_ph(self.time, self.event, self.covariates, categorical=self.categorical,
                      reference=self.reference, ties=self.ties, level=self.level)


class SimonRequest(_Request):
    """Simon two-stage design search."""

    p0: float = Field(description="response rate of no interest (H0)")
    p1: float = Field(description="response rate worth pursuing (H1)")
    alpha: float = 0.05
    beta: float = 0.2
    nmax: int = 100

    def run(self) -> Any:
        from hdil2.stats.simon import simon_designs

        return simon_designs(self.p0, self.p1, self.alpha, self.beta, self.nmax)


class SimonDesignRequest(_Request):
    """A given two-stage design: stop if ≤ r1 of n1 respond; promising if > r of n."""

    r1: int
    n1: int
    r: int
    n: int
    p0: float
    p1: float

    def run(self) -> Any:
        from hdil2.stats.simon import simon_design

        return simon_design(self.r1, self.n1, self.r, self.n, self.p0, self.p1)


class SimonStage1Request(_Request):
    """Stage-1 counts of a running Simon trial."""

    r1: int
    n1: int
    r: int
    n: int
    responses: int
    evaluable: int | None = None

    def run(self) -> Any:
        from hdil2.stats.simon import simon_stage1

        return simon_stage1(self.r1, self.n1, self.r, self.n, self.responses, self.evaluable)


class SimonEstimateRequest(_Request):
    """A finished Simon trial: responses in stage 1 (x1) and stage 2 (x2, if it ran)."""

    r1: int
    n1: int
    r: int
    n: int
    p0: float
    x1: int
    x2: int | None = None
    alpha: float = 0.05

    def run(self) -> Any:
        from hdil2.stats.simon import simon_inference

        return simon_inference(self.r1, self.n1, self.r, self.n, self.p0, self.x1, self.x2,
                               self.alpha)


class TwoProportionsRequest(_Request):
    """Sample size (omit n1) or power (give n1) for comparing two proportions."""

    p1: float
    p2: float
    alpha: float = 0.05
    power: float = 0.8
    sides: Literal[1, 2] = 2
    ratio: float = Field(1.0, description="n2 / n1 (size only)")
    method: Literal["normal", "normal_cc", "exact"] = "normal"
    n1: int | None = None
    n2: int | None = None

    def run(self) -> Any:
        from hdil2.stats.sample_size import two_proportions_power, two_proportions_size

        if self.n1 is not None:
            return two_proportions_power(self.p1, self.p2, self.n1, self.n2, alpha=self.alpha,
                                         sides=self.sides, method=self.method)
        return two_proportions_size(self.p1, self.p2, alpha=self.alpha, power=self.power,
                                    sides=self.sides, ratio=self.ratio, method=self.method)


class SurvivalSizeRequest(_Request):
    """Events and patients for a two-arm survival comparison."""

    hazard_ratio: float | None = None
    lambda1: float | None = None
    lambda2: float | None = None
    alpha: float = 0.05
    power: float = 0.8
    sides: Literal[1, 2] = 2
    ratio: float = Field(1.0, description="n1 / n2")
    accrual: float | None = None
    follow_up: float | None = None
    dropout: float = Field(0.0, description="exponential drop-out hazard per unit time")
    method: Literal["schoenfeld", "freedman", "lachin_foulkes"] = "schoenfeld"
    surv1: float | None = Field(None, description="survival of group 1 at at_time: sets "
                                "lambda1 = -log(surv1) / at_time (exponential survival)")
    surv2: float | None = Field(None, description="survival of group 2 at at_time")
    at_time: float | None = Field(None, description="the time of surv1 and surv2")

    def run(self) -> Any:
        from hdil2.core.errors import InputError
        from hdil2.stats.sample_size import hazard_from_survival, survival_size

        lambda1, lambda2 = self.lambda1, self.lambda2
        if self.surv1 is not None or self.surv2 is not None or self.at_time is not None:
            if self.at_time is None or self.surv1 is None or self.surv2 is None:
                missing = next(f for f in ("surv1", "surv2", "at_time")
                               if getattr(self, f) is None)
                raise InputError(missing, "give surv1, surv2 and at_time together")
            if lambda1 is not None or lambda2 is not None:
                raise InputError("surv1", "give hazards (lambda1, lambda2) or survival rates "
                                 "(surv1, surv2, at_time), not both")
            lambda1 = hazard_from_survival(self.surv1, self.at_time, "surv1", "at_time")
            lambda2 = hazard_from_survival(self.surv2, self.at_time, "surv2", "at_time")
        return survival_size(hazard_ratio=self.hazard_ratio, lambda1=lambda1,
                             lambda2=lambda2, alpha=self.alpha, power=self.power,
                             sides=self.sides, ratio=self.ratio, accrual=self.accrual,
                             follow_up=self.follow_up, dropout=self.dropout,
                             method=self.method)


class GroupSequentialRequest(_Request):
    """Lan-DeMets efficacy boundaries at the given information fractions (last = 1)."""

    information_rates: list[float]
    alpha: float = Field(0.025, description="one-sided")
    beta: float = 0.2
    spending: Literal["obrien_fleming", "pocock"] = "obrien_fleming"
    futility_z: list[float | None] | None = None

    def run(self) -> Any:
        from hdil2.stats.interim import group_sequential

        return group_sequential(self.information_rates, alpha=self.alpha, beta=self.beta,
                                spending=self.spending, futility_z=self.futility_z)


class BinaryInterim(_Request):
    """A binary endpoint at the interim: responders so far in the new group (x1 of n1) and the
    control group (x2 of n2), the planned patients per group and the design response rates."""

    x1: int
    n1: int
    x2: int
    n2: int
    planned_n1: int
    planned_n2: int
    p1: float = Field(description="design response rate of the new treatment")
    p2: float = Field(description="design response rate of the control")


class EventsInterim(_Request):
    """A time-to-event endpoint at the interim (the request's z is the log-rank z, positive
    when the new treatment does better): events so far, planned events, design hazard ratio."""

    events: int
    planned_events: int
    hazard_ratio: float = Field(description="design hazard ratio, new vs control")


class ConditionalPowerRequest(_Request):
    """An interim z statistic (or the counts it comes from) and the analyses still to come."""

    z: float | None = Field(None, description="interim z, positive favours the new treatment "
                            "(computed from binary; required otherwise)")
    information: float | None = Field(None, description="information fraction now, e.g. "
                                      "events / planned (computed from binary or survival)")
    critical_values: list[float] | None = Field(None, description="z boundaries still to come "
                                                "(or give alpha)")
    information_rates: list[float] | None = Field(None, description="their information "
                                                  "fractions, the last 1 (or give alpha)")
    alpha: float | None = Field(None, description="fixed design: one-sided α of the final test "
                                "(sets critical_values to z at 1 − α and information_rates to "
                                "[1])")
    design_drift: float | None = Field(None, description="θ under the design alternative "
                                       "(computed from binary or survival unless given)")
    futility_threshold: float = Field(0.1, description="advise stopping when the conditional "
                                      "power under the design (else the trend) is below this")
    binary: BinaryInterim | None = None
    survival: EventsInterim | None = None

    def run(self) -> Any:
        from statistics import NormalDist

        from hdil2.core.errors import InputError
        from hdil2.stats._result import check_prob
        from hdil2.stats.interim import (
            InterimAnalysis,
            conditional_power,
            futility_decision,
            interim_binary,
            interim_survival,
        )

        threshold = check_prob("futility_threshold", self.futility_threshold)
        z, information, drift = self.z, self.information, self.design_drift
        interim = None
        if self.binary is not None:
            if self.survival is not None:
                raise InputError("survival", "give binary or survival counts, not both")
            for name in ("z", "information"):
                if getattr(self, name) is not None:
                    raise InputError(name, "computed from binary; omit it")
            b = self.binary
            with _prefixed("binary"):
                interim = interim_binary(b.x1, b.n1, b.x2, b.n2, planned_n1=b.planned_n1,
                                         planned_n2=b.planned_n2, p1=b.p1, p2=b.p2)
        elif self.survival is not None:
            if z is None:
                raise InputError("z", "required with survival: the log-rank z at the interim")
            if information is not None:
                raise InputError("information", "computed from survival (events / planned "
                                 "events); omit it")
            e = self.survival
            with _prefixed("survival"):
                interim = interim_survival(z, e.events, e.planned_events, e.hazard_ratio)
        if interim is not None:
            z, information = interim.z, interim.information
            drift = interim.design_drift if drift is None else drift
        if z is None:
            raise InputError("z", "required (or give binary: the interim counts)")
        if information is None:
            raise InputError("information", "required (or give binary or survival)")
        critical, rates = self.critical_values, self.information_rates
        if self.alpha is not None:
            if critical is not None or rates is not None:
                raise InputError("alpha", "give alpha or critical_values and "
                                 "information_rates, not both")
            if not 0 < self.alpha < 0.5:
                raise InputError("alpha", "must be between 0 and 0.5 (one-sided)", self.alpha)
            critical, rates = [NormalDist().inv_cdf(1 - self.alpha)], [1.0]
        if critical is None:
            raise InputError("critical_values", "required (or give alpha: a fixed design)")
        if rates is None:
            raise InputError("information_rates", "required (or give alpha: a fixed design)")
        res = conditional_power(z, information, critical_values=critical,
                                information_rates=rates, design_drift=drift)
        basis: Literal["design", "trend"] = "design" if res.under_design is not None else "trend"
        return InterimAnalysis(res, futility_decision(res, threshold, basis), interim)


@contextmanager
def _prefixed(prefix: str) -> Iterator[None]:
    """Re-raise an :class:`InputError` with its field under ``prefix`` (``binary.x1``)."""
    from hdil2.core.errors import InputError

    try:
        yield
    except InputError as e:
        raise InputError(f"{prefix}.{e.field}", e.message, e.value) from None
