"""Operations of trial design: Simon two-stage designs and the decisions and inference of a
running or finished Simon trial, sample size and power, group sequential boundaries and
conditional power at an interim analysis."""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation
from hdil2.core.result import decision_schema, output_schema
from hdil2.stats.interim import GroupSequential, InterimAnalysis
from hdil2.stats.requests import (
    ConditionalPowerRequest,
    GroupSequentialRequest,
    SimonDesignRequest,
    SimonEstimateRequest,
    SimonRequest,
    SimonStage1Request,
    SurvivalSizeRequest,
    TwoProportionsRequest,
)
from hdil2.stats.sample_size import ProportionsSize, SurvivalSize
from hdil2.stats.simon import SimonDesign, SimonInference, SimonSearch, Stage1, Stage1Details


def _run(req: Any, _site: Any) -> Any:
    return req.run()


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("design-simon", "Simon two-stage designs: optimal, minimax and admissible",
              SimonRequest, _run, lambda: output_schema(SimonSearch), area="design"),
    Operation("design-simon-oc", "exact operating characteristics of a given two-stage design",
              SimonDesignRequest, _run, lambda: output_schema(SimonDesign), area="design"),
    Operation("design-simon-stage1", "the stage-1 decision of a Simon trial: stop, continue "
              "or pending", SimonStage1Request, _run,
              lambda: decision_schema(Stage1, Stage1Details, "SimonStage1"), area="design"),
    Operation("design-simon-estimate", "after a Simon trial: UMVUE, stage-wise P value and "
              "exact interval", SimonEstimateRequest, _run,
              lambda: output_schema(SimonInference), area="design"),
    Operation("design-two-proportions", "patients per group to compare two proportions, or "
              "the power of given groups", TwoProportionsRequest, _run,
              lambda: output_schema(ProportionsSize), area="design"),
    Operation("design-survival", "events and patients for a two-arm survival comparison",
              SurvivalSizeRequest, _run, lambda: output_schema(SurvivalSize), area="design"),
    Operation("design-group-sequential", "Lan-DeMets efficacy boundaries, inflation factor "
              "and non-binding futility", GroupSequentialRequest, _run,
              lambda: output_schema(GroupSequential), area="design"),
    Operation("design-conditional-power", "conditional power at an interim analysis with "
              "non-binding futility advice", ConditionalPowerRequest, _run,
              lambda: output_schema(InterimAnalysis), area="design"),
)
