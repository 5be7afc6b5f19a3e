"""Operations of trial design: Simon two-stage designs and the decisions and inference of a
running or finished Simon trial, sample size and power, group sequential boundaries and
conditional power at an interim analysis."""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation, Spec
from hdil2.core.result import decision_schema, output_schema


def _run(req: Any, _site: Any) -> Any:
    return req.run()


def _simon() -> Spec:
    from hdil2.stats.requests import SimonRequest
    from hdil2.stats.simon import SimonSearch

    return Spec(SimonRequest, _run, lambda: output_schema(SimonSearch))


def _simon_oc() -> Spec:
    from hdil2.stats.requests import SimonDesignRequest
    from hdil2.stats.simon import SimonDesign

    return Spec(SimonDesignRequest, _run, lambda: output_schema(SimonDesign))


def _simon_stage1() -> Spec:
    from hdil2.stats.requests import SimonStage1Request
    from hdil2.stats.simon import Stage1, Stage1Details

    return Spec(SimonStage1Request, _run,
                lambda: decision_schema(Stage1, Stage1Details, "SimonStage1"))


def _simon_estimate() -> Spec:
    from hdil2.stats.requests import SimonEstimateRequest
    from hdil2.stats.simon import SimonInference

    return Spec(SimonEstimateRequest, _run, lambda: output_schema(SimonInference))


def _two_proportions() -> Spec:
    from hdil2.stats.requests import TwoProportionsRequest
    from hdil2.stats.sample_size import ProportionsSize

    return Spec(TwoProportionsRequest, _run, lambda: output_schema(ProportionsSize))


def _survival() -> Spec:
    from hdil2.stats.requests import SurvivalSizeRequest
    from hdil2.stats.sample_size import SurvivalSize

    return Spec(SurvivalSizeRequest, _run, lambda: output_schema(SurvivalSize))


def _group_sequential() -> Spec:
    from hdil2.stats.interim import GroupSequential
    from hdil2.stats.requests import GroupSequentialRequest

    return Spec(GroupSequentialRequest, _run, lambda: output_schema(GroupSequential))


def _conditional_power() -> Spec:
    from hdil2.stats.interim import InterimAnalysis
    from hdil2.stats.requests import ConditionalPowerRequest

    return Spec(ConditionalPowerRequest, _run, lambda: output_schema(InterimAnalysis))


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("design-simon", "Simon two-stage designs: optimal, minimax and admissible",
              _simon, area="design"),
    Operation("design-simon-oc", "exact operating characteristics of a given two-stage design",
              _simon_oc, area="design"),
    Operation("design-simon-stage1", "the stage-1 decision of a Simon trial: stop, continue "
              "or pending", _simon_stage1, area="design"),
    Operation("design-simon-estimate", "after a Simon trial: UMVUE, stage-wise P value and "
              "exact interval", _simon_estimate, area="design"),
    Operation("design-two-proportions", "patients per group to compare two proportions, or "
              "the power of given groups", _two_proportions, area="design"),
    Operation("design-survival", "events and patients for a two-arm survival comparison",
              _survival, area="design"),
    Operation("design-group-sequential", "Lan-DeMets efficacy boundaries, inflation factor "
              "and non-binding futility", _group_sequential, area="design"),
    Operation("design-conditional-power", "conditional power at an interim analysis with "
              "non-binding futility advice", _conditional_power, area="design"),
)
