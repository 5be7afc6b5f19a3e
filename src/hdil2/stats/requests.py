"""JSON inputs of the ``hdil2 stats`` and ``hdil2 design`` commands (``hdil2 schema NAME``).

Each request is a frozen pydantic model with ``run()``, which calls the pure function of
:mod:`hdil2.stats` it names; the CLI builds the same request from options or reads it from a
JSON file, so both paths share one validation.
"""

from __future__ import annotations

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
    """Survival data: one entry per patient (time ≥ 0, event 1 or censored 0)."""

    time: list[float]
    event: list[int]
    group: list[Label] | None = None
    strata: list[Label] | None = None
    covariates: dict[str, list[float | str | None]] | None = Field(
        None, description="Cox: named columns of numbers or text (text is categorical); null "
        "marks a missing value (the row is left out and counted, as R's na.omit)")
    categorical: list[str] = Field(default_factory=list, description="Cox: numeric covariates "
                                   "to treat as categorical (e.g. an ECOG score)")
    reference: dict[str, str | float] = Field(
        default_factory=dict, description="Cox: reference level per categorical covariate "
        "(default: the first level in sort order)")
    conf_type: Literal["log", "log-log", "plain"] = "log"
    level: float = 0.95
    landmarks: list[float] = Field(default_factory=list, description="times for landmark "
                                   "survival, e.g. [730] for 2-year survival in days")
    rho: float = 0.0
    ties: Literal["efron", "breslow"] = "efron"

    def km(self) -> dict[str, Any]:
        from hdil2.stats.kaplan_meier import kaplan_meier, kaplan_meier_groups

        if self.group is None:
            curves = {"all": kaplan_meier(self.time, self.event, conf_type=self.conf_type,
                                          level=self.level)}
        else:
            curves = {str(k): v for k, v in kaplan_meier_groups(
                self.time, self.event, self.group, conf_type=self.conf_type,
                level=self.level).items()}
        return curves

    def logrank(self) -> Any:
        from hdil2.core.errors import InputError
        from hdil2.stats.logrank import logrank_test

        if self.group is None:
            raise InputError("group", "required for a log-rank comparison")
        return logrank_test(self.time, self.event, self.group, strata=self.strata, rho=self.rho)

    def cox(self) -> Any:
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

    def run(self) -> Any:
        from hdil2.stats.sample_size import survival_size

        return survival_size(hazard_ratio=self.hazard_ratio, lambda1=self.lambda1,
                             lambda2=self.lambda2, alpha=self.alpha, power=self.power,
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


class ConditionalPowerRequest(_Request):
    """An interim z statistic and the analyses still to come."""

    z: float
    information: float = Field(description="information fraction now, e.g. events / planned")
    critical_values: list[float]
    information_rates: list[float]
    design_drift: float | None = None
    futility_threshold: float = 0.1

    def run(self) -> Any:
        from hdil2.stats.interim import conditional_power

        return conditional_power(self.z, self.information, critical_values=self.critical_values,
                                 information_rates=self.information_rates,
                                 design_drift=self.design_drift)
