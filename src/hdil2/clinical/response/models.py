"""Lesions, visits and measurements: the input of every response criterion.

One shape serves RECIST 1.1, iRECIST, WHO and the NCI bidimensional criteria:

* a :class:`Lesion` is identified at baseline: id, organ, ``target`` or ``non-target``, lymph-node
  flag, and how it was imaged (for RECIST measurability);
* a :class:`Visit` is one dated assessment: a :class:`Measurement` per baseline lesion and the
  :class:`NewLesion` entries seen at that visit.  The first visit is the baseline.

Measurements are in millimetres and the unit is in the field name (``ld_mm`` longest diameter,
``sa_mm`` short axis, ``perp_mm`` longest perpendicular diameter).  They are exact decimals:
a JSON ``12.3`` is read as ``Decimal("12.3")``, a binary float through its shortest repr.  A
negative or implausible (> 1000 mm) diameter is refused, naming the field.

Measurement status (RECIST 1.1 measurement rules, ``recist1.1``; tag memory):

* ``measured`` (implied when a diameter is given); ``too_small`` = present but too small to
  measure, recorded as 5 mm; ``absent`` = believed gone, recorded as 0 mm; ``not_evaluated``;
* a lesion that splits is recorded as ``fragments`` (their diameters are summed); lesions that
  merge are recorded on the merged lesion, each absorbed lesion with status ``merged`` and
  ``merged_into`` (it then counts 0 mm);
* non-target lesions: ``present``, ``absent``, ``unequivocal_progression`` or ``not_evaluated``;
  ``increased_since_last`` records any (not necessarily unequivocal) growth since the previous
  assessment, which iRECIST uses to confirm progression.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from hdil2.core.errors import InputError
from hdil2.core.quantity import exact_decimal

MAX_MM = Decimal(1000)


def _mm(raw: Any) -> Decimal:
    """Parse a diameter in mm exactly; refuse negatives, non-numbers and > 1000 mm."""
    try:
        value = exact_decimal(raw, "mm")
    except InputError as e:
        raise ValueError(f"{e.message} (millimetres)") from None
    if value < 0:
        raise ValueError("a diameter cannot be negative")
    if value > MAX_MM:
        raise ValueError(f"implausible: more than {MAX_MM} mm")
    return value


Mm = Annotated[Decimal, BeforeValidator(_mm)]

LesionKind = Literal["target", "non-target"]
Method = Literal["ct", "mri", "caliper", "xray"]
Status = Literal[
    "measured", "too_small", "absent", "not_evaluated", "merged", "present",
    "unequivocal_progression",
]

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class Lesion(BaseModel):
    """A lesion identified at baseline."""

    model_config = _FROZEN

    id: str = Field(min_length=1, description="lesion id, unique in the assessment")
    organ: str = Field(min_length=1, description="organ or site (for the ≤ 2 per organ rule)")
    kind: LesionKind = Field(description="target (measured) or non-target (followed by status)")
    is_lymph_node: bool = Field(
        default=False, description="RECIST 1.1 and iRECIST measure a node by its short axis; "
        "WHO and NCI by longest diameter × perpendicular, like any lesion")
    method: Method | None = Field(
        default=None, description="imaging method at baseline (RECIST measurability); "
        "unset = the CT/MRI rule (≥ 10 mm) is applied and said so")
    slice_mm: Mm | None = Field(
        default=None, description="CT slice thickness; > 5 mm raises the minimum to 2 × slice")


class Fragment(BaseModel):
    """One part of a lesion that split."""

    model_config = _FROZEN

    ld_mm: Mm | None = None
    sa_mm: Mm | None = None
    perp_mm: Mm | None = None


class Measurement(BaseModel):
    """One lesion at one visit."""

    model_config = _FROZEN

    status: Status | None = Field(
        default=None, description="unset = measured when a diameter is given")
    ld_mm: Mm | None = Field(default=None, description="longest diameter (non-nodal lesions)")
    sa_mm: Mm | None = Field(default=None, description="short axis (lymph nodes)")
    perp_mm: Mm | None = Field(
        default=None, description="longest perpendicular diameter (WHO / NCI bidimensional)")
    fragments: tuple[Fragment, ...] | None = Field(
        default=None, description="a lesion that split: the fragments' diameters are summed")
    merged_into: str | None = Field(
        default=None, description="status 'merged': the id of the lesion it merged into")
    increased_since_last: bool | None = Field(
        default=None, description="non-target: any growth since the previous assessment "
        "(iRECIST confirmation); unset = not recorded")

    @model_validator(mode="after")
    def _consistent(self) -> Measurement:
        has_size = (self.ld_mm is not None or self.sa_mm is not None or self.perp_mm is not None
                    or self.fragments is not None)
        status = self.effective_status
        if status == "measured" and not has_size:
            raise ValueError("a measured lesion needs ld_mm, sa_mm, perp_mm or fragments")
        if status in ("too_small", "absent", "not_evaluated", "merged") and has_size:
            raise ValueError(f"status {status!r} takes no diameters")
        if status == "merged" and not self.merged_into:
            raise ValueError("status 'merged' needs merged_into")
        if self.merged_into and status != "merged":
            raise ValueError("merged_into is only for status 'merged'")
        if self.fragments is not None and len(self.fragments) < 2:
            raise ValueError("a split lesion has at least two fragments")
        return self

    @property
    def effective_status(self) -> Status:
        if self.status is not None:
            return self.status
        return "measured"


class NewLesion(BaseModel):
    """A lesion not present at baseline, as seen at one visit."""

    model_config = _FROZEN

    id: str = Field(min_length=1, description="new-lesion id; repeat it at later visits")
    organ: str = Field(default="unspecified", min_length=1)
    is_lymph_node: bool = False
    equivocal: bool = Field(
        default=False, description="equivocal: not PD yet; if a later visit shows it "
        "unequivocally, PD is dated to this visit (RECIST 1.1)")
    status: Literal["present", "absent", "not_evaluated"] = "present"
    ld_mm: Mm | None = None
    sa_mm: Mm | None = None
    perp_mm: Mm | None = None
    increased_since_last: bool | None = Field(
        default=None, description="iRECIST: a non-measurable new lesion grew since last visit")


class Visit(BaseModel):
    """One dated assessment; the first visit of an assessment is the baseline."""

    model_config = _FROZEN

    date: dt.date
    lesions: dict[str, Measurement] = Field(description="measurement per baseline lesion id")
    new_lesions: tuple[NewLesion, ...] = Field(default=())
    tumour_markers: Literal["normal", "above_uln"] | None = Field(
        default=None, description="where the protocol uses markers: non-target CR needs normal")
    for_new_symptoms: bool = Field(
        default=False, description="iRECIST: an unscheduled scan done for new symptoms")
    label: str | None = Field(default=None, description="free text, e.g. 'week 6'")


class Params(BaseModel):
    """Protocol parameters of best overall response (RECIST 1.1 section 4.4)."""

    model_config = _FROZEN

    confirm_min_days: int = Field(
        default=28, ge=1, le=365, description="CR/PR confirmation: ≥ 4 weeks (recist1.1)")
    min_sd_days: int | None = Field(
        default=None, ge=0, le=365, description="minimum SD interval after start; unset = 42 "
        "days for RECIST 1.1/iRECIST (admiralonco template), 0 for WHO/NCI (none stated)")


Criteria = Literal["recist1.1", "irecist", "who", "nci"]


class AssessmentRequest(BaseModel):
    """Request of the ``assess`` operation: the criteria, lesions, dated visits (first =
    baseline), parameters and policy overrides."""

    model_config = _FROZEN

    criteria: Criteria = Field(
        default="recist1.1", description="recist1.1, irecist, who, or nci (the bidimensional "
        "criteria of lee2000)")
    start_date: dt.date = Field(description="first treatment dose (or randomisation): the origin "
                                "of the SD minimum, time to response and durations")
    lesions: tuple[Lesion, ...] = Field(description="lesions identified at baseline")
    visits: tuple[Visit, ...] = Field(description="baseline first, dates ascending")
    params: Params = Field(default_factory=Params)
    policies: dict[str, str | int | bool] = Field(
        default_factory=dict, description="overrides of the criteria's named policies")

    @field_validator("lesions", "visits")
    @classmethod
    def _not_empty(cls, v: tuple[Any, ...]) -> tuple[Any, ...]:
        if not v:
            raise ValueError("at least one is needed")
        return v
