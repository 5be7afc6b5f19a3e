"""Screening summary: eligibility and every selection model in one call (issue 3, item 3).

:func:`screen` takes a :class:`~hdil2.clinical.selection.patient.Patient` and returns a
:class:`Screening`: the eligibility verdict of one profile, the albumin-corrected calcium,
and every model of :data:`hdil2.clinical.selection.models.MODELS` side by side.  A
model whose inputs are all present is ``complete``; one with missing inputs is ``incomplete``
and names them (its group may still be determined, or be a range); an RCC model is
``not_applicable`` to melanoma.  The ``summary`` lists which models are complete and, for the
others, the missing inputs.

:class:`ScreenRequest` is the request of the ``screen`` operation (the patient, the profile,
policy overrides and the site's test-validity windows).  The JSON form of a :class:`Screening`
and its JSON Schema (``hdil2 schema screen --output``) both follow from its fields
(:mod:`hdil2.core.result`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hdil2.clinical.selection.eligibility import (
    PROFILES,
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
from hdil2.core.policy import Policy
from hdil2.core.result import Result

ALL_POLICIES: dict[str, Policy] = SELECTION_POLICIES


@dataclass(frozen=True, slots=True)
class ScreeningSummary(Result):
    """Which models are complete, which are incomplete (with their missing inputs), and which
    do not apply."""

    complete: tuple[str, ...]
    incomplete: Mapping[str, tuple[str, ...]]
    not_applicable: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Screening(Result):
    """Eligibility, corrected calcium and every model for one patient, the summary, every
    named policy in force and its reason.  Built by :meth:`of`."""

    patient_id: str
    eligibility: EligibilityResult
    corrected_calcium: CorrectedCalcium
    models: tuple[ModelResult, ...]
    summary: ScreeningSummary
    policies: Mapping[str, str]
    reasons: tuple[Reason, ...]

    @classmethod
    def of(cls, patient_id: str, eligibility: EligibilityResult,
           corrected_calcium: CorrectedCalcium, models: tuple[ModelResult, ...],
           policies: Mapping[str, str], reasons: tuple[Reason, ...]) -> Screening:
        """The screening of ``models`` (the summary is derived)."""
        summary = ScreeningSummary(
            tuple(m.model for m in models if m.status == "complete"),
            {m.model: m.missing for m in models if m.status == "incomplete"},
            tuple(m.model for m in models if m.status == "not_applicable"))
        return cls(patient_id, eligibility, corrected_calcium, tuple(models), summary,
                   dict(policies), tuple(reasons))

    def model(self, key: str) -> ModelResult:
        return next(m for m in self.models if m.model == key)


class ScreeningSettings(BaseModel):
    """The site's validity windows of pre-treatment tests, in days (no defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stress_test_valid_days: int | None = Field(
        None, ge=0, description="a cardiac stress test older than this many days before "
        "planned day 1 is stale; unset: the clinician judges (no default)")
    pft_valid_days: int | None = Field(
        None, ge=0, description="pulmonary function tests older than this many days before "
        "planned day 1 are stale; unset: the clinician judges (no default)")

    @field_validator("stress_test_valid_days", "pft_valid_days", mode="before")
    @classmethod
    def _whole_days(cls, v: Any) -> Any:
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise ValueError("must be a whole number of days ≥ 0")
        return v

    def eligibility_settings(self) -> EligibilitySettings:
        return EligibilitySettings(self.stress_test_valid_days, self.pft_valid_days)


class ScreenRequest(BaseModel):
    """Request of the ``screen`` operation: a patient, the eligibility profile, policy
    overrides and the site's settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    patient: Patient = Field(description="the patient record (schema: hdil2 schema patient)")
    profile: str = Field("label_minimum", description="eligibility profile: "
                         + ", ".join(PROFILES), json_schema_extra={"enum": list(PROFILES)})
    policies: dict[str, str | int | bool] = Field(
        default_factory=dict, description="overrides of named policies, e.g. "
        "{'calcium_correction': 'mskcc_0707'}; choices: " + ", ".join(sorted(ALL_POLICIES)))
    settings: ScreeningSettings = Field(
        default_factory=ScreeningSettings, description="the site's test-validity windows")

    def screen(self) -> Screening:
        """Run the screening this request asks for."""
        return screen(self.patient, self.profile, self.policies,
                      self.settings.eligibility_settings())


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
    return Screening.of(patient.id, elig, corrected_calcium(patient, policies), models,
                        in_force, reasons)


__all__ = ["ALL_POLICIES", "ScreenRequest", "Screening", "ScreeningSettings", "ScreeningSummary",
           "screen"]
