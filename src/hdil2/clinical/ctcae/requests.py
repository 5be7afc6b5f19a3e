"""JSON input of ``hdil2 grade``: one request per term, discriminated by ``term``.

``GradeRequest`` is a union tagged by ``term`` (``hdil2 schema grade`` prints its JSON Schema):

* ``creatinine_increased``, ``blood_bilirubin_increased``, ``ast_increased``,
  ``alt_increased`` — ``value``, ``uln``, ``baseline`` (:class:`LabRequest`);
* ``platelet_count_decreased`` — ``value``, ``lln``;
* ``weight_gain`` — ``value`` (today's weight), ``baseline``;
* ``fever`` — ``value`` (°C or °F), ``duration_above_40c``, ``clinical_grade`` (5 only);
* ``diarrhea`` — ``stools_per_day``, ``baseline_stools_per_day``, ``ostomy_output_increase``,
  ``clinical_grade``, ``incontinence``, ``policies``;
* every clinician-graded term (``hypotension``, ``capillary_leak_syndrome`` ...) — ``grade``.

Quantities carry units (``"1.5 mg/dL"`` or ``{"value": 1.5, "unit": "mg/dL"}``).  A limit left
out is *missing* (the grade may be ``not_evaluable``), never assumed.  Term names are accepted
in CTCAE spelling or common aliases ("Diarrhoea", "AST", "Blood bilirubin increased");
"oliguria" is refused with a pointer to the terms to use instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hdil2.clinical.ctcae.catalogue import CLINICIAN_TERMS, TERMS, term_key
from hdil2.clinical.ctcae.criteria import STOOLS_MAX
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity

if TYPE_CHECKING:
    ClinicianTerm = str
else:  # the catalogue is the one list of clinician-graded terms
    ClinicianTerm = Literal[CLINICIAN_TERMS]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabRequest(_Request):
    """Creatinine, blood bilirubin, AST or ALT increased: a value against ULN and baseline."""

    term: Literal[
        "creatinine_increased", "blood_bilirubin_increased", "ast_increased", "alt_increased"
    ]
    value: Quantity = Field(description="the measured value with its unit: creatinine and "
                            "bilirubin in mg/dL or µmol/L, AST/ALT in U/L, e.g. '1.5 mg/dL'")
    uln: Quantity | None = Field(default=None, description="the laboratory's upper limit of "
                                 "normal, in the value's unit; missing → may be not evaluable")
    baseline: Quantity | None = Field(default=None, description="the patient's pre-treatment "
                                      "value, in the value's unit; missing → may be not "
                                      "evaluable")


class PlateletRequest(_Request):
    """Platelet count decreased: a count against the lower limit of normal."""

    term: Literal["platelet_count_decreased"]
    value: Quantity = Field(description="platelet count, e.g. '74.9 10^9/L' or '74900 /mm3'")
    lln: Quantity | None = Field(default=None, description="the laboratory's lower limit of "
                                 "normal, e.g. '150 10^9/L'; missing → G1 vs G0 not evaluable")


class WeightGainRequest(_Request):
    """Weight gain from baseline (a capillary-leak surrogate)."""

    term: Literal["weight_gain"]
    value: Quantity = Field(description="today's weight, e.g. '77 kg' (25-300 kg)")
    baseline: Quantity | None = Field(default=None,
                                      description="the pre-course weight, e.g. '70 kg'")


class FeverRequest(_Request):
    """Fever: a body temperature, and above 40.0 °C how long it has lasted."""

    term: Literal["fever"]
    value: Quantity = Field(description="body temperature in °C or °F, e.g. '39.05 °C'")
    duration_above_40c: Quantity | None = Field(
        default=None, description="how long the temperature has been > 40.0 °C (> 104.0 °F), "
        "e.g. '6 h'; needed only above 40.0 °C (≤ 24 h G3, > 24 h G4)")
    clinical_grade: Literal[5] | None = Field(
        default=None, description="5 if death is related to the fever (the one grade not "
        "computed from the temperature)")


class DiarrheaRequest(_Request):
    """Diarrhoea: stool counts over baseline, ostomy output and the clinician's descriptors."""

    term: Literal["diarrhea"]
    stools_per_day: StrictInt | None = Field(default=None, ge=0, le=STOOLS_MAX,
                                       description="stools in the last 24 h")
    baseline_stools_per_day: StrictInt | None = Field(default=None, ge=0, le=STOOLS_MAX,
                                                description="usual stools per day before "
                                                "treatment")
    ostomy_output_increase: Literal["none", "mild", "moderate", "severe"] | None = Field(
        default=None, description="increase in ostomy output compared with baseline")
    clinical_grade: Literal[2, 3, 4, 5] | None = Field(
        default=None, description="grade met by the descriptor criteria: 2 limiting "
        "instrumental ADL, 3 hospitalisation or limiting self-care ADL, 4 life-threatening, "
        "5 death")
    incontinence: StrictBool | None = Field(
        default=None, description="incontinence present; [U] for v5.0, not graded unless "
        "policy diarrhea_incontinence = grade_3")
    policies: dict[str, str] = Field(default_factory=dict,
                                     description="overrides of named policies")


class ClinicianGradeRequest(_Request):
    """A clinician-graded term: the grade the clinician chose, checked against the term."""

    model_config = ConfigDict(
        extra="forbid", frozen=True,
        json_schema_extra={"x-allowed-grades": {
            k: list(TERMS[k].allowed_grades) for k in CLINICIAN_TERMS}},
    )

    term: ClinicianTerm = Field(description="a clinician-graded CTCAE v5.0 term")
    grade: StrictInt = Field(ge=0, le=5, description="the grade chosen from the term's CTCAE "
                             "texts (0 = no adverse event); see `hdil2 grade --list`")

    @field_validator("grade")
    @classmethod
    def _allowed(cls, grade: int, info: ValidationInfo) -> int:
        key = info.data.get("term")
        if isinstance(key, str) and key in TERMS:
            try:
                TERMS[key].check_grade(grade)
            except InputError as e:
                raise ValueError(e.message) from None
        return grade


TermRequest = (
    LabRequest | PlateletRequest | WeightGainRequest | FeverRequest | DiarrheaRequest
    | ClinicianGradeRequest
)

_MODELS: dict[str, type[_Request]] = {
    **dict.fromkeys(("creatinine_increased", "blood_bilirubin_increased", "ast_increased",
                     "alt_increased"), LabRequest),
    "platelet_count_decreased": PlateletRequest,
    "weight_gain": WeightGainRequest,
    "fever": FeverRequest,
    "diarrhea": DiarrheaRequest,
    **dict.fromkeys(CLINICIAN_TERMS, ClinicianGradeRequest),
}


class GradeRequest(RootModel[Annotated[TermRequest, Field(discriminator="term")]]):
    """One CTCAE v5.0 grading request; ``term`` decides which fields apply."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _normalise_term(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "term" in data:
            try:
                return {**data, "term": term_key(data["term"])}
            except InputError as e:
                raise ValueError(e.message) from None
        return data

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> GradeRequest:
        """Validate a request document against its term's own model.

        At the top level the term is read first, so errors name the document's own fields
        (``value``, ``uln``), and an unknown or refused term (``oliguria``) is an
        :class:`InputError` naming ``term``.
        """
        if isinstance(obj, Mapping):
            key = term_key(obj.get("term"))
            model = _MODELS[key]
            return cls(model.model_validate({**obj, "term": key}, *args, **kwargs))
        return super().model_validate(obj, *args, **kwargs)

    @property
    def request(self) -> TermRequest:
        """The term's own request."""
        return self.root


def request_model(key: str) -> type[BaseModel]:
    """The request model of a term (aliases accepted)."""
    return _MODELS[term_key(key)]
