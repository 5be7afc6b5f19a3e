"""Screening summary: eligibility and every selection model in one call (issue 3, item 3).

:func:`screen` takes a :class:`~hdil2.clinical.selection.patient.Patient` and returns a
:class:`Screening`: the eligibility verdict of one profile, the albumin-corrected calcium,
and every model of :data:`hdil2.clinical.selection.models.MODELS` side by side.  A
model whose inputs are all present is ``complete``; one with missing inputs is ``incomplete``
and names them (its group may still be determined, or be a range); an RCC model is
``not_applicable`` to melanoma.  The ``summary`` lists which models are complete and, for the
others, the missing inputs.

The JSON form (:meth:`Screening.to_dict`) is described by :class:`ScreeningDocument`, whose
JSON Schema ``hdil2 schema screening-result`` publishes; :meth:`Screening.document` validates
the output against it before the CLI prints it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hdil2.clinical.selection.eligibility import (
    EligibilityResult,
    EligibilitySettings,
    check_policies,
    eligibility,
)
from hdil2.clinical.selection.models import (
    MODELS,
    SELECTION_POLICIES,
    CorrectedCalcium,
    corrected_calcium,
)
from hdil2.clinical.selection.models.base import ModelResult
from hdil2.clinical.selection.patient import Patient
from hdil2.core.decision import Reason
from hdil2.core.jsonable import jsonable
from hdil2.core.policy import Policy

ALL_POLICIES: dict[str, Policy] = SELECTION_POLICIES


@dataclass(frozen=True, slots=True)
class Screening:
    """Eligibility, corrected calcium and every model for one patient."""

    patient_id: str
    eligibility: EligibilityResult
    corrected_calcium: CorrectedCalcium
    models: tuple[ModelResult, ...]
    policies: Mapping[str, Any]
    reasons: tuple[Reason, ...]

    def model(self, key: str) -> ModelResult:
        return next(m for m in self.models if m.model == key)

    @property
    def summary(self) -> dict[str, Any]:
        return {
            "complete": [m.model for m in self.models if m.status == "complete"],
            "incomplete": {m.model: list(m.missing) for m in self.models
                           if m.status == "incomplete"},
            "not_applicable": [m.model for m in self.models if m.status == "not_applicable"],
        }

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "patient_id": self.patient_id,
            "eligibility": self.eligibility.to_dict(),
            "corrected_calcium": self.corrected_calcium.to_dict(),
            "models": [m.to_dict() for m in self.models],
            "summary": self.summary,
            "policies": dict(self.policies),
            "reasons": [r.to_dict() for r in self.reasons],
        }
        result: dict[str, Any] = jsonable(out)
        return result

    def document(self) -> dict[str, Any]:
        """The JSON document, checked against :class:`ScreeningDocument` (raises if not)."""
        doc = self.to_dict()
        ScreeningDocument.model_validate(doc)
        return doc


def screen(
    patient: Patient,
    profile: str = "label_minimum",
    policies: Mapping[str, Any] | None = None,
    settings: EligibilitySettings | None = None,
) -> Screening:
    """Screen ``patient``: eligibility under ``profile`` plus every selection model.

    ``policies`` overrides named policies (``calcium_correction``, ``negrier_variant`` ...;
    see :data:`ALL_POLICIES`); ``settings`` are the site's test-validity windows
    (docs/decisions.md#eligibility-ranges-and-windows).
    """
    check_policies(policies)
    elig = eligibility(patient, profile, policies, settings)
    models = tuple(fn(patient, policies) for fn in MODELS.values())
    in_force = {name: p.resolve(policies) for name, p in ALL_POLICIES.items()}
    reasons = tuple(ALL_POLICIES[name].reason(value) for name, value in in_force.items())
    return Screening(patient.id, elig, corrected_calcium(patient, policies), models, in_force,
                     reasons)


# --- the published JSON shape ------------------------------------------------------------------

TagName = Literal["verified", "seed", "memory", "unverified", "computed"]
Number = int | float


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReasonDoc(_Doc):
    """A reason: rule id, the inputs it read, source key, verification tag, readable text."""

    rule: str
    inputs: dict[str, Any]
    source: str
    tag: TagName
    text: str


class CriterionDoc(_Doc):
    id: str = Field(description="criterion id (E1-E16, A1-A5; see docs/selection.md)")
    title: str
    status: Literal["met", "not_met", "unknown"]
    missing: list[str] = Field(description="missing fields (dotted paths)")
    reasons: list[ReasonDoc]


class EligibilityDoc(_Doc):
    profile: str
    title: str
    verdict: Literal["eligible", "ineligible", "incomplete"]
    failed: list[str] = Field(description="ids of the criteria not met")
    unknown: list[str] = Field(description="ids of the criteria that are unknown")
    missing: list[str] = Field(description="every missing field of every criterion")
    criteria: list[CriterionDoc]
    reasons: list[ReasonDoc]


class FactorDoc(_Doc):
    key: str
    label: str
    status: Literal["present", "absent", "indeterminate"]
    counted: bool = Field(description="true when the factor is present and counts")
    value: str | None = Field(description="the value used, in words")
    missing: list[str]
    reason: ReasonDoc


class OutcomeDoc(_Doc):
    group: str
    text: str
    source: str
    tag: TagName
    figures: dict[str, Number | str | None]


class ScoreDoc(_Doc):
    min: int
    max: int


class ModelDoc(_Doc):
    model: str
    title: str
    source: str
    status: Literal["complete", "incomplete", "not_applicable"]
    group: str = Field(description="the group, 'indeterminate', 'not_scored' or "
                       "'not_applicable'")
    possible_groups: list[str]
    score: ScoreDoc | None
    factors: list[FactorDoc]
    outcome: OutcomeDoc | None = Field(description="what the source reported for the group")
    possible_outcomes: list[OutcomeDoc]
    missing: list[str]
    caveats: list[ReasonDoc]
    reasons: list[ReasonDoc]


class CalciumDoc(_Doc):
    status: Literal["complete", "incomplete"]
    value_mg_dl: Number | None
    uln_mg_dl: Number | None
    formula: str
    missing: list[str]
    reasons: list[ReasonDoc]


class SummaryDoc(_Doc):
    complete: list[str]
    incomplete: dict[str, list[str]] = Field(description="model -> its missing inputs")
    not_applicable: list[str]


class ScreeningDocument(_Doc):
    """JSON output of ``hdil2 screen --json``: eligibility and every model, with reasons."""

    patient_id: str
    eligibility: EligibilityDoc
    corrected_calcium: CalciumDoc
    models: list[ModelDoc]
    summary: SummaryDoc
    policies: dict[str, str] = Field(description="every named policy in force")
    reasons: list[ReasonDoc]


__all__ = ["ALL_POLICIES", "Screening", "ScreeningDocument", "screen"]
