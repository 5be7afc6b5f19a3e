"""The patient record that screening, eligibility and the risk models read.

One immutable pydantic model, :class:`Patient`, holds what the selection rules need
(retreatment contraindications, eligibility, prognostic and predictive models).  ``hdil2 demo``
and the future registry use the same model.

Rules of the record (see docs/architecture.md):

* **Missing means unknown.**  Every field except the pseudonymous ``id`` is optional and defaults
  to ``None`` = not recorded.  No rule reads a missing field as normal, absent or zero: a
  criterion becomes "unknown" and a risk factor "indeterminate", naming the missing field by
  its dotted path (``labs.ldh.uln``).  An explicit empty list (``metastatic_sites: []``) is a
  recorded "none"; ``null`` is "not recorded".
* **Units are explicit.**  Weight, height and every laboratory value are :class:`Quantity`
  values (``"70 kg"`` or ``{"value": 70, "unit": "kg"}``); a bare number is refused.  Each lab
  carries its own LLN/ULN in the same dimension as the value, and its date.
* **Implausible input is refused**, naming the field: weight outside 25-300 kg, height outside
  100-250 cm, a date before the birth date, a lab unit that cannot measure that analyte, a limit
  in another unit family than the value, LLN above ULN, a percentage outside 0-100, records that
  contradict each other (a nephrectomy date with ``prior_nephrectomy: false``).
* **Staging stores its TNM edition** (``staging.tnm_edition``) and is never mapped across
  editions: T3b and N3 mean different things in the 1987 and the 2017 editions.
* **Identity is pseudonymous only**: ``id`` is a study or registry code (letters, digits,
  ``.``, ``_``, ``-``; at most 64 characters).  No name, address or record number belongs here.

Field guide (which rule reads what) is in ``docs/selection.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hdil2.clinical.treatment.body import height_cm, weight_kg
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity

# --- reusable field types ---------------------------------------------------------------------

Percent = Annotated[Decimal, Field(ge=0, le=100)]
"""A percentage of a specimen, 0-100 inclusive (exact decimal)."""

PseudoId = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
]

Disease = Literal["rcc", "melanoma"]

RCC_HISTOLOGIES: tuple[str, ...] = (
    "clear_cell", "papillary", "chromophobe", "collecting_duct", "unclassified", "other_rcc",
)
MELANOMA_HISTOLOGIES: tuple[str, ...] = (
    "cutaneous", "acral", "mucosal", "uveal", "unknown_primary", "other_melanoma",
)
Histology = Literal[
    "clear_cell", "papillary", "chromophobe", "collecting_duct", "unclassified", "other_rcc",
    "cutaneous", "acral", "mucosal", "uveal", "unknown_primary", "other_melanoma",
]

MetastaticSite = Literal[
    "lung", "liver", "bone", "brain", "mediastinal_nodes", "other_nodes", "adrenal",
    "contralateral_kidney", "pancreas", "soft_tissue", "skin", "pleura", "peritoneum", "other",
]
"""Organ sites of metastasis.  ``mediastinal_nodes`` and ``other_nodes`` are one organ (lymph
nodes) when metastatic organ sites are counted (:func:`metastatic_organ_count`)."""

RetreatmentEvent = Literal[
    "sustained_ventricular_tachycardia",
    "uncontrolled_arrhythmia",
    "chest_pain_with_ecg_ischaemia",
    "cardiac_tamponade",
    "intubation_over_72h",
    "dialysis_over_72h",
    "coma_or_toxic_psychosis_over_48h",
    "repetitive_or_refractory_seizures",
    "bowel_ischaemia_or_perforation",
    "gi_bleeding_requiring_surgery",
]
"""Events of an earlier IL-2 course that contraindicate retreatment (older Proleukin label,
``proleukin-label``; verified)."""

RETREATMENT_EVENT_TEXT: dict[str, str] = {
    "sustained_ventricular_tachycardia": "sustained ventricular tachycardia (≥ 5 beats)",
    "uncontrolled_arrhythmia": "arrhythmia not controlled or unresponsive to management",
    "chest_pain_with_ecg_ischaemia": "chest pain with ECG changes of angina or infarction",
    "cardiac_tamponade": "cardiac tamponade",
    "intubation_over_72h": "intubation for more than 72 h",
    "dialysis_over_72h": "renal failure needing dialysis for more than 72 h",
    "coma_or_toxic_psychosis_over_48h": "coma or toxic psychosis lasting more than 48 h",
    "repetitive_or_refractory_seizures": "repetitive or difficult-to-control seizures",
    "bowel_ischaemia_or_perforation": "bowel ischaemia or perforation",
    "gi_bleeding_requiring_surgery": "GI bleeding requiring surgery",
}

_T = r"^T(X|0|is|a|[1-4][a-d]?)$"
_N = r"^N(X|0|[1-3][a-c]?)$"
_M = r"^M(X|0|1[a-d]?(\([01]\))?)$"

# analyte -> unit dimensions it may be written in (hdil2.core.quantity dimensions)
LAB_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "creatinine": ("mg/dL", "µmol/L"),
    "bilirubin": ("mg/dL", "µmol/L"),
    "ast": ("U/L",),
    "alt": ("U/L",),
    "ldh": ("U/L",),
    "platelets": ("count",),
    "neutrophils": ("count",),
    "hemoglobin": ("g/dL",),
    "calcium": ("mg/dL", "mmol/L"),
    "albumin": ("g/dL",),
    "tsh": ("mIU/L",),
}


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _quantity_error(e: InputError) -> ValueError:
    return ValueError(e.message)


# --- parts of the record ----------------------------------------------------------------------


class Diagnosis(_Record):
    """The cancer being treated: disease and histological type."""

    disease: Disease = Field(description="'rcc' (renal cell carcinoma) or 'melanoma'")
    histology: Histology | None = Field(
        default=None,
        description="histological type; RCC: clear_cell, papillary, chromophobe, "
        "collecting_duct, unclassified, other_rcc; melanoma: cutaneous, acral, mucosal, uveal, "
        "unknown_primary, other_melanoma",
    )

    @model_validator(mode="after")
    def _histology_fits_disease(self) -> Diagnosis:
        allowed = RCC_HISTOLOGIES if self.disease == "rcc" else MELANOMA_HISTOLOGIES
        if self.histology is not None and self.histology not in allowed:
            raise ValueError(
                f"histology {self.histology!r} is not a {self.disease} type; "
                f"expected one of {', '.join(allowed)}"
            )
        return self


class Staging(_Record):
    """TNM categories as recorded, with the edition they belong to (never mapped)."""

    tnm_edition: str | None = Field(
        default=None, min_length=1, max_length=80,
        description="the TNM/AJCC edition the categories were assigned in, e.g. 'AJCC 8th "
        "(2017)' or 'UICC 4th (1987)'; stored as given and never mapped to another edition",
    )
    basis: Literal["clinical", "pathological"] | None = Field(
        default=None, description="clinical (cTNM) or pathological (pTNM) staging")
    t: str | None = Field(default=None, pattern=_T, description="T category, e.g. 'T3b'")
    n: str | None = Field(default=None, pattern=_N, description="N category, e.g. 'N0'")
    m: str | None = Field(default=None, pattern=_M, description="M category, e.g. 'M1'")


class LabValue(_Record):
    """One laboratory result: value, the laboratory's own limits, and the sample date."""

    value: Quantity = Field(description="the result with its unit, e.g. '1.1 mg/dL'")
    lln: Quantity | None = Field(default=None, description="lower limit of normal")
    uln: Quantity | None = Field(default=None, description="upper limit of normal")
    date: dt.date | None = Field(default=None, description="sample date")

    @model_validator(mode="after")
    def _limits(self) -> LabValue:
        dim = self.value.dimension
        for name in ("lln", "uln"):
            limit: Quantity | None = getattr(self, name)
            if limit is not None and limit.dimension != dim:
                raise ValueError(
                    f"{name} {limit} is not in the same unit family as the value "
                    f"{self.value}; write both in one unit"
                )
        for name in ("value", "lln", "uln"):
            quantity: Quantity | None = getattr(self, name)
            if quantity is not None and quantity.value < 0:
                raise ValueError(f"{name} {quantity} is negative")
        if self.lln is not None and self.uln is not None:
            unit = self.value.unit
            if self.lln.exact(unit) > self.uln.exact(unit):
                raise ValueError(f"lln {self.lln} is above uln {self.uln}")
        return self


class Labs(_Record):
    """Pre-treatment laboratory values, each with its own limits and date."""

    creatinine: LabValue | None = Field(default=None, description="serum creatinine")
    bilirubin: LabValue | None = Field(default=None, description="total bilirubin")
    ast: LabValue | None = Field(default=None, description="aspartate aminotransferase")
    alt: LabValue | None = Field(default=None, description="alanine aminotransferase")
    ldh: LabValue | None = Field(default=None, description="lactate dehydrogenase")
    platelets: LabValue | None = Field(default=None, description="platelet count")
    neutrophils: LabValue | None = Field(
        default=None, description="absolute neutrophil count (ANC)")
    hemoglobin: LabValue | None = Field(default=None, description="haemoglobin")
    calcium: LabValue | None = Field(
        default=None, description="total serum calcium (mg/dL or mmol/L), uncorrected")
    albumin: LabValue | None = Field(default=None, description="serum albumin (g/dL or g/L)")
    tsh: LabValue | None = Field(default=None, description="thyrotropin (mIU/L)")

    @field_validator(*LAB_DIMENSIONS)
    @classmethod
    def _units(cls, lab: LabValue | None, info: ValidationInfo) -> LabValue | None:
        name = str(info.field_name)
        dims = LAB_DIMENSIONS[name]
        if lab is not None and lab.value.dimension not in dims:
            raise ValueError(
                f"unit {lab.value.unit!r} cannot measure {name}; use "
                f"{' or '.join(_dimension_units(d) for d in dims)}"
            )
        return lab


def _dimension_units(dim: str) -> str:
    return {"count": "10^9/L or /mm³", "g/dL": "g/dL or g/L"}.get(dim, dim)


class Pathology(_Record):
    """Histological features of the specimen read for the Upton model (``upton2005``)."""

    specimen: Literal["primary", "metastasis"] | None = Field(
        default=None, description="which tumour the features were read on")
    alveolar_pct: Percent | None = Field(
        default=None, description="alveolar architecture, % of the specimen (0-100)")
    granular_pct: Percent | None = Field(
        default=None, description="granular cytoplasm, % of the specimen (0-100)")
    papillary_present: bool | None = Field(
        default=None, description="any papillary features")
    sarcomatoid_present: bool | None = Field(
        default=None, description="any sarcomatoid features")


class BrainImaging(_Record):
    """The pre-treatment brain scan (criterion E4)."""

    date: dt.date | None = Field(default=None, description="scan date")
    modality: Literal["ct", "mri"] | None = Field(default=None, description="ct or mri")
    active_cns_metastases: bool = Field(
        description="does this scan show CNS metastases (untreated or not controlled)?")
    treated_cns_metastases: bool | None = Field(
        default=None, description="history of CNS metastases that were treated")


class StressTest(_Record):
    """Cardiac stress test and the clinician's interpretation (criterion E7)."""

    type: Literal["stress_ecg", "stress_radionuclide_ef", "thallium"] = Field(
        description="stress ECG, stress radionuclide ejection fraction or thallium scan")
    result: Literal["normal", "abnormal"] = Field(
        description="clinician's interpretation (numeric pass limits are unverified)")
    date: dt.date | None = Field(default=None, description="test date")


class PulmonaryFunctionTest(_Record):
    """Pulmonary function tests and the clinician's interpretation (criterion E10)."""

    result: Literal["normal", "abnormal"] = Field(
        description="clinician's interpretation (numeric pass limits are unverified)")
    date: dt.date | None = Field(default=None, description="test date")


class Comorbidities(_Record):
    """Conditions that exclude HD IL-2 (criteria E8, E9, E11, E13)."""

    ischemic_heart_disease: bool | None = None
    significant_arrhythmia: bool | None = None
    severe_respiratory_disease: bool | None = None
    severe_cardiovascular_disease: bool | None = None
    severe_renal_disease: bool | None = None
    severe_hepatic_disease: bool | None = None
    organ_allograft: bool | None = None
    il2_hypersensitivity: bool | None = Field(
        default=None, description="hypersensitivity to IL-2 or any component of the product")
    bacterial_infection: Literal["none", "treated", "untreated"] | None = Field(
        default=None, description="pre-existing bacterial infection: none, treated, untreated")


class Pregnancy(_Record):
    """Pregnancy status (current label: verify before treatment; criterion E14)."""

    reproductive_potential: bool = Field(description="person of reproductive potential?")
    test_result: Literal["negative", "positive"] | None = Field(
        default=None, description="pregnancy test result")
    test_date: dt.date | None = Field(default=None, description="pregnancy test date")


class PriorIl2Course(_Record):
    """An earlier IL-2 course and the severe events it caused (older Proleukin label)."""

    start_date: dt.date | None = Field(default=None, description="first dose of the course")
    end_date: dt.date | None = Field(default=None, description="last dose of the course")
    regimen: str | None = Field(default=None, max_length=80, description="regimen key or name")
    events: list[RetreatmentEvent] = Field(
        description="retreatment-contraindicating events during that course; [] = none")

    @model_validator(mode="after")
    def _order(self) -> PriorIl2Course:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self


class Resection(_Record):
    """Surgery before adjuvant therapy (criteria A1, A3)."""

    status: Literal["R0", "R1", "R2"] | None = Field(
        default=None, description="resection margin status")
    ned_after_surgery: bool | None = Field(
        default=None, description="no evidence of disease after surgery")
    m1_resected: bool | None = Field(
        default=None, description="metastatic disease completely resected (metastasectomy)")


# --- the record ---------------------------------------------------------------------------------


class Patient(_Record):
    """A patient considered for HD IL-2: everything the selection rules read.

    Every field but ``id`` may be missing (``null`` or absent) and then means *unknown*.
    """

    id: PseudoId = Field(description="pseudonymous study or registry code; never a name or MRN")
    sex: Literal["female", "male"] | None = Field(default=None, description="female or male")
    birth_date: dt.date | None = Field(default=None, description="date of birth")
    weight: Quantity | None = Field(default=None, description="pre-course weight, '70 kg'")
    height: Quantity | None = Field(default=None, description="height, '175 cm'")

    diagnosis: Diagnosis | None = None
    staging: Staging | None = None
    ecog: int | None = Field(default=None, ge=0, le=4, description="ECOG performance status")
    karnofsky: int | None = Field(
        default=None, ge=0, le=100, multiple_of=10, description="Karnofsky performance status")
    labs: Labs | None = None

    diagnosis_date: dt.date | None = Field(
        default=None, description="date of the initial diagnosis of the cancer")
    prior_nephrectomy: bool | None = Field(
        default=None, description="has the patient had a nephrectomy?")
    nephrectomy_date: dt.date | None = None
    metastasis_date: dt.date | None = Field(
        default=None, description="date metastatic disease was first diagnosed")
    planned_day1: dt.date | None = Field(
        default=None, description="planned first day (first dose) of HD IL-2")
    metastatic_sites: list[MetastaticSite] | None = Field(
        default=None, description="organ sites of metastasis now; [] = none")
    constitutional_symptoms: bool | None = Field(
        default=None, description="constitutional symptoms (UCLA SANI factor)")
    pathology: Pathology | None = None
    caix_pct: Percent | None = Field(
        default=None, description="carbonic anhydrase IX: % of tumour cells staining (IHC)")

    brain_imaging: BrainImaging | None = None
    cardiac_stress_test: StressTest | None = None
    pulmonary_function_test: PulmonaryFunctionTest | None = None
    comorbidities: Comorbidities | None = None
    pregnancy: Pregnancy | None = None

    prior_il2: bool | None = Field(default=None, description="any IL-2 before this plan?")
    prior_il2_courses: list[PriorIl2Course] | None = Field(
        default=None, description="earlier IL-2 courses and their severe events")
    prior_systemic_lines: int | None = Field(
        default=None, ge=0, le=20, description="number of prior systemic therapy lines")
    prior_other_therapy: bool | None = Field(
        default=None, description="any anticancer therapy other than IL-2 before this plan?")
    last_other_therapy_end_date: dt.date | None = Field(
        default=None, description="last day of the most recent other anticancer therapy")
    progressive_at_entry: bool | None = Field(
        default=None, description="clinically progressive disease at entry (NCI series)")
    resection: Resection | None = None

    # -- validation --------------------------------------------------------------------------

    @field_validator("weight", "height")
    @classmethod
    def _body_size(cls, v: Quantity | None, info: ValidationInfo) -> Quantity | None:
        """Weight 25-300 kg and height 100-250 cm, by the dosing module's own checks."""
        if v is not None:
            check = weight_kg if info.field_name == "weight" else height_cm
            try:
                check(v)
            except InputError as e:
                raise _quantity_error(e) from None
        return v

    @field_validator(
        "diagnosis_date", "nephrectomy_date", "metastasis_date", "planned_day1",
        "last_other_therapy_end_date",
    )
    @classmethod
    def _after_birth(cls, v: dt.date | None, info: ValidationInfo) -> dt.date | None:
        born = info.data.get("birth_date")
        if v is not None and born is not None and v < born:
            raise ValueError(f"{v} is before the birth date {born}")
        return v

    @field_validator("labs")
    @classmethod
    def _lab_dates(cls, v: Labs | None, info: ValidationInfo) -> Labs | None:
        born = info.data.get("birth_date")
        if v is not None and born is not None:
            for name in LAB_DIMENSIONS:
                lab: LabValue | None = getattr(v, name)
                if lab is not None and lab.date is not None and lab.date < born:
                    raise ValueError(f"{name}.date {lab.date} is before the birth date {born}")
        return v

    @field_validator("brain_imaging", "cardiac_stress_test", "pulmonary_function_test")
    @classmethod
    def _test_dates(cls, v: Any, info: ValidationInfo) -> Any:
        born = info.data.get("birth_date")
        if v is not None and born is not None and v.date is not None and v.date < born:
            raise ValueError(f"date {v.date} is before the birth date {born}")
        return v

    @field_validator("metastatic_sites")
    @classmethod
    def _unique_sites(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and len(set(v)) != len(v):
            raise ValueError("a metastatic site is listed twice")
        return v

    @field_validator("nephrectomy_date")
    @classmethod
    def _nephrectomy(cls, v: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if v is not None and info.data.get("prior_nephrectomy") is False:
            raise ValueError("a nephrectomy date is given but prior_nephrectomy is false")
        return v

    @field_validator("planned_day1")
    @classmethod
    def _day1(cls, v: dt.date | None, info: ValidationInfo) -> dt.date | None:
        dx = info.data.get("diagnosis_date")
        if v is not None and dx is not None and v < dx:
            raise ValueError(f"planned day 1 {v} is before the diagnosis date {dx}")
        return v

    @field_validator("prior_il2_courses")
    @classmethod
    def _courses(
        cls, v: list[PriorIl2Course] | None, info: ValidationInfo
    ) -> list[PriorIl2Course] | None:
        if v and info.data.get("prior_il2") is False:
            raise ValueError("prior IL-2 courses are listed but prior_il2 is false")
        born = info.data.get("birth_date")
        for i, course in enumerate(v or []):
            if born is not None and course.start_date is not None and course.start_date < born:
                raise ValueError(f"[{i}].start_date {course.start_date} is before the birth "
                                 f"date {born}")
        return v

    @field_validator("prior_systemic_lines")
    @classmethod
    def _lines(cls, v: int | None, info: ValidationInfo) -> int | None:
        """Prior IL-2 is a prior systemic line: "0 lines" with prior IL-2 is a contradiction."""
        if v == 0 and (info.data.get("prior_il2") or info.data.get("prior_il2_courses")):
            raise ValueError("0 prior systemic lines contradicts prior IL-2 (prior IL-2 is a "
                             "systemic line)")
        return v

    @field_validator("last_other_therapy_end_date")
    @classmethod
    def _other_therapy(cls, v: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if v is not None and info.data.get("prior_other_therapy") is False:
            raise ValueError("an end date of other therapy is given but prior_other_therapy "
                             "is false")
        return v

    # -- derived views (no defaults: None = unknown) -----------------------------------------

    @property
    def disease(self) -> str | None:
        """``"rcc"``, ``"melanoma"`` or ``None`` (unknown)."""
        return None if self.diagnosis is None else self.diagnosis.disease

    @property
    def histology(self) -> str | None:
        return None if self.diagnosis is None else self.diagnosis.histology

    def lab(self, name: str) -> LabValue | None:
        """The laboratory result ``name`` (a :class:`Labs` field) or ``None``."""
        if name not in LAB_DIMENSIONS:
            raise KeyError(name)
        return None if self.labs is None else getattr(self.labs, name)

    @property
    def had_nephrectomy(self) -> bool | None:
        """True with a nephrectomy date or ``prior_nephrectomy``; None when unknown."""
        if self.nephrectomy_date is not None:
            return True
        return self.prior_nephrectomy

    @property
    def had_prior_il2(self) -> bool | None:
        if self.prior_il2_courses:
            return True
        return self.prior_il2

    @property
    def had_other_therapy(self) -> bool | None:
        if self.last_other_therapy_end_date is not None:
            return True
        return self.prior_other_therapy


def metastatic_organ_count(sites: Iterable[str]) -> int:
    """Number of distinct metastatic organ sites (both node entries count as one organ)."""
    organs = {"lymph_nodes" if s in ("mediastinal_nodes", "other_nodes") else s for s in sites}
    return len(organs)
