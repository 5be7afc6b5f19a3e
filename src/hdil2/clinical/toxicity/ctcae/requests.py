"""JSON input of ``hdil2 grade``: one request per term, discriminated by ``term``.

``GradeRequest`` is a union tagged by ``term`` (``hdil2 schema grade`` prints its JSON Schema):

* ``creatinine_increased``, ``blood_bilirubin_increased``, ``ast_increased``,
  ``alt_increased``, ``alkaline_phosphatase_increased``, ``ggt_increased`` — ``value``,
  ``uln``, ``baseline`` (:class:`LabRequest`);
* ``platelet_count_decreased``, ``neutrophil_count_decreased``,
  ``lymphocyte_count_decreased`` — ``value``, ``lln`` (:class:`BloodCountRequest`);
* ``anemia``, ``hypomagnesemia``, ``hypoalbuminemia`` — ``value``, ``lln``,
  ``clinical_grade`` (:class:`LowLabRequest`);
* ``hypocalcemia`` — also ``calcium`` (``corrected`` or ``ionized``);
* ``hypokalemia`` — also ``symptomatic``, ``intervention_indicated``;
* ``hyponatremia`` — also ``symptomatic``;
* ``urine_output_decreased`` — ``volume``, ``hours`` (the collection window);
* ``hypotension`` — the descriptors ``symptomatic``, ``intervention``, ``vasopressors``,
  ``hospitalization_indicated``, ``life_threatening``, and/or the clinician's ``grade``;
* ``weight_gain`` — ``value`` (today's weight), ``baseline``;
* ``fever`` — ``value`` (°C or °F), ``duration_above_40c``, ``clinical_grade`` (5 only);
* ``diarrhea`` — ``stools_per_day``, ``baseline_stools_per_day``, ``ostomy_output_increase``,
  ``clinical_grade``, ``incontinence``, ``policies``;
* every clinician-graded term (``capillary_leak_syndrome``, ``hypophosphatemia`` ...) —
  ``grade``.

Quantities carry units (``"1.5 mg/dL"`` or ``{"value": 1.5, "unit": "mg/dL"}``).  A limit left
out is *missing* (the grade may be ``not_evaluable``), never assumed; so is a clinical word
(``symptomatic``) left out.  Term names are accepted in CTCAE spelling or common aliases
("Diarrhoea", "AST", "Blood bilirubin increased"); "oliguria" and "anuria" are refused with a
pointer to ``urine_output_decreased``.
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

from hdil2.clinical.toxicity.ctcae.catalogue import CLINICIAN_TERMS, TERMS, term_key
from hdil2.clinical.toxicity.ctcae.criteria import DESCRIPTOR_GRADES, STOOLS_MAX
from hdil2.clinical.toxicity.ctcae.hypotension import INTERVENTIONS
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity

if TYPE_CHECKING:
    ClinicianTerm = str
else:  # the catalogue is the one list of clinician-graded terms
    ClinicianTerm = Literal[CLINICIAN_TERMS]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_clinical_grade(grade: int | None, info: ValidationInfo) -> int | None:
    """A clinical_grade must be one the term's clinical words define."""
    key = info.data.get("term")
    if grade is None or not isinstance(key, str):
        return grade
    allowed = dict(DESCRIPTOR_GRADES.get(key, ()))
    if grade not in allowed:
        opts = "; ".join(f"{g} ({w})" for g, w in allowed.items())
        raise ValueError(f"the grade met by {TERMS[key].name}'s clinical words, one of: {opts}")
    return grade


_VALUE_HELP = "the measured value with its unit"
_LLN_HELP = ("the laboratory's lower limit of normal, in the value's unit; missing → G0 vs G1 "
             "may be not evaluable")
_CLINICAL_GRADE_HELP = ("the grade met by the clinical words of the term's text, as the "
                        "clinician judges them (see `hdil2 grade --list`); can only raise the "
                        "grade the value gives")
_SYMPTOMATIC_HELP = "whether the low value causes symptoms; not given → may be not evaluable"


class LabRequest(_Request):
    """An "increased" laboratory term: a value against ULN and baseline."""

    term: Literal[
        "creatinine_increased", "blood_bilirubin_increased", "ast_increased", "alt_increased",
        "alkaline_phosphatase_increased", "ggt_increased",
    ]
    value: Quantity = Field(description="the measured value with its unit: creatinine and "
                            "bilirubin in mg/dL or µmol/L, AST/ALT/ALP/GGT in U/L, e.g. "
                            "'1.5 mg/dL'")
    uln: Quantity | None = Field(default=None, description="the laboratory's upper limit of "
                                 "normal, in the value's unit; missing → may be not evaluable")
    baseline: Quantity | None = Field(default=None, description="the patient's pre-treatment "
                                      "value, in the value's unit; missing → may be not "
                                      "evaluable")


class BloodCountRequest(_Request):
    """Platelet, neutrophil or lymphocyte count decreased: a count against the LLN."""

    term: Literal["platelet_count_decreased", "neutrophil_count_decreased",
                  "lymphocyte_count_decreased"]
    value: Quantity = Field(description="the count, e.g. '74.9 10^9/L' or '74900 /mm3'")
    lln: Quantity | None = Field(default=None, description="the laboratory's lower limit of "
                                 "normal, e.g. '150 10^9/L'; missing → G1 vs G0 not evaluable")


PlateletRequest = BloodCountRequest  # the name before neutrophils and lymphocytes joined


class LowLabRequest(_Request):
    """Anemia, hypomagnesemia or hypoalbuminemia: a value against the LLN."""

    term: Literal["anemia", "hypomagnesemia", "hypoalbuminemia"]
    value: Quantity = Field(description="hemoglobin in g/dL, g/L or mmol/L; magnesium in "
                            "mg/dL, mmol/L or mEq/L; albumin in g/dL or g/L")
    lln: Quantity | None = Field(default=None, description=_LLN_HELP)
    clinical_grade: StrictInt | None = Field(default=None, ge=2, le=5,
                                             description=_CLINICAL_GRADE_HELP)

    _clinical = field_validator("clinical_grade")(_check_clinical_grade)


class HypocalcemiaRequest(_Request):
    """Hypocalcemia: an albumin-corrected serum calcium or an ionized calcium, against the LLN."""

    term: Literal["hypocalcemia"]
    calcium: Literal["corrected", "ionized"] = Field(
        description="which calcium the value is: 'corrected' (albumin-corrected serum "
        "calcium, mg/dL or mmol/L) or 'ionized' (mmol/L); v5.0 gives different bounds")
    value: Quantity = Field(description="the calcium, e.g. '7.5 mg/dL' or '1.1 mmol/L'")
    lln: Quantity | None = Field(default=None, description=_LLN_HELP)
    clinical_grade: StrictInt | None = Field(default=None, ge=2, le=5,
                                             description=_CLINICAL_GRADE_HELP)

    _clinical = field_validator("clinical_grade")(_check_clinical_grade)


class HypokalemiaRequest(_Request):
    """Hypokalemia: potassium against the LLN; G1 and G2 share a range, symptoms decide."""

    term: Literal["hypokalemia"]
    value: Quantity = Field(description="potassium in mmol/L or mEq/L, e.g. '3.2 mmol/L'")
    lln: Quantity | None = Field(default=None, description=_LLN_HELP)
    symptomatic: StrictBool | None = Field(default=None, description=_SYMPTOMATIC_HELP)
    intervention_indicated: StrictBool | None = Field(
        default=None, description="whether an intervention (e.g. potassium replacement) is "
        "indicated; not given → may be not evaluable")
    clinical_grade: StrictInt | None = Field(default=None, ge=2, le=5,
                                             description=_CLINICAL_GRADE_HELP)

    _clinical = field_validator("clinical_grade")(_check_clinical_grade)


class HyponatremiaRequest(_Request):
    """Hyponatremia: sodium against the LLN; in 125-129 mmol/L symptoms decide G2 or G3."""

    term: Literal["hyponatremia"]
    value: Quantity = Field(description="sodium in mmol/L or mEq/L, e.g. '128 mmol/L'")
    lln: Quantity | None = Field(default=None, description=_LLN_HELP)
    symptomatic: StrictBool | None = Field(default=None, description=_SYMPTOMATIC_HELP)
    clinical_grade: StrictInt | None = Field(default=None, ge=2, le=5,
                                             description=_CLINICAL_GRADE_HELP)

    _clinical = field_validator("clinical_grade")(_check_clinical_grade)


class UrineOutputRequest(_Request):
    """Urine output decreased: the urine volume passed over a collection window."""

    term: Literal["urine_output_decreased"]
    volume: Quantity = Field(description="urine passed in the window, e.g. '60 mL'")
    hours: Quantity = Field(description="the collection window, e.g. '8 h' (G3 is < 80 mL in "
                            "8 h, G4 < 240 mL in 24 h; volumes are never scaled to another "
                            "window length)")


class HypotensionRequest(_Request):
    """Hypotension: the descriptors, the clinician's grade, or both (they must agree)."""

    term: Literal["hypotension"]
    symptomatic: StrictBool | None = Field(default=None, description="symptoms from the "
                                           "hypotension (G1 requires asymptomatic)")
    intervention: Literal[INTERVENTIONS] | None = Field(  # type: ignore[valid-type]
        default=None, description="intervention indicated: none, non_urgent (non-urgent "
        "medical intervention, G2), medical (G3) or urgent (G3; G4 with life-threatening "
        "consequences)")
    vasopressors: StrictBool | None = Field(default=None, description="vasopressors started "
                                            "for the hypotension: medical intervention, G3 at "
                                            "least")
    hospitalization_indicated: StrictBool | None = Field(default=None, description="G3")
    life_threatening: StrictBool | None = Field(default=None, description="life-threatening "
                                                "consequences (G4 with an urgent intervention)")
    grade: StrictInt | None = Field(default=None, ge=0, le=5, description="the clinician's "
                                    "grade; with descriptors it must agree with them")


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
        "instrumental ADL, 3 hospitalization or limiting self care ADL, 4 life-threatening, "
        "5 death")
    incontinence: StrictBool | None = Field(
        default=None, description="incontinence present; not a v5.0 criterion, not graded "
        "unless policy diarrhea_incontinence = grade_3")
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
    LabRequest | BloodCountRequest | LowLabRequest | HypocalcemiaRequest | HypokalemiaRequest
    | HyponatremiaRequest | UrineOutputRequest | HypotensionRequest | WeightGainRequest
    | FeverRequest | DiarrheaRequest | ClinicianGradeRequest
)

_MODELS: dict[str, type[_Request]] = {
    **dict.fromkeys(("creatinine_increased", "blood_bilirubin_increased", "ast_increased",
                     "alt_increased", "alkaline_phosphatase_increased", "ggt_increased"),
                    LabRequest),
    **dict.fromkeys(("platelet_count_decreased", "neutrophil_count_decreased",
                     "lymphocyte_count_decreased"), BloodCountRequest),
    **dict.fromkeys(("anemia", "hypomagnesemia", "hypoalbuminemia"), LowLabRequest),
    "hypocalcemia": HypocalcemiaRequest,
    "hypokalemia": HypokalemiaRequest,
    "hyponatremia": HyponatremiaRequest,
    "urine_output_decreased": UrineOutputRequest,
    "hypotension": HypotensionRequest,
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


class GradeTermsRequest(_Request):
    """JSON input of ``hdil2 grade --list`` (operation ``grade-terms``): no fields."""
