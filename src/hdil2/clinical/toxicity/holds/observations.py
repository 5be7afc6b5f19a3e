"""What the nurse records before each HD IL-2 dose (the inputs of the hold rules).

Every field is optional: a field left out is *unknown*, never assumed normal.  A rule that the
known fields do not decide is "not evaluated", and the advice cannot be "give" while such a rule
could still fire; the unknown fields that could change the advice are listed.  Laboratory values
carry units (:class:`~hdil2.core.quantity.Quantity`); bedside values are in the unit their name
says.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from types import UnionType
from typing import Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hdil2.clinical.toxicity.holds.logic import Value, cells
from hdil2.core.quantity import Quantity

# laboratory fields: the units each accepts (checked when the observations are read)
LAB_UNITS: dict[str, tuple[str, ...]] = {
    "creatinine": ("mg/dL", "µmol/L"),
    "bilirubin": ("mg/dL", "µmol/L"),
    "platelets": ("10^9/L", "/mm³"),
    "bicarbonate": ("mmol/L", "mEq/L"),
}

YesNo = bool | None
Lethargy = Literal["none", "mild", "moderate", "severe"]
PressorTrend = Literal["none", "improving", "stable", "increasing"]
Trend = Literal["falling", "stable", "rising"]
Rales = Literal["none", "third", "half"]


class DoseObservations(BaseModel):
    """Observations at the time of the next scheduled dose (after correcting hypotension and
    fever where a rule says so)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- respiratory
    spo2_pct: Decimal | None = Field(None, ge=0, le=100, description="SpO2, %")
    intubated_hours: Decimal | None = Field(
        None, ge=0, description="hours intubated so far in this course; 0 if never")
    resting_dyspnea: YesNo = Field(None, description="shortness of breath at rest")
    o2_nasal_cannula_l_min: Decimal | None = Field(
        None, ge=0, description="nasal-cannula O2 needed for SpO2 >= 95 %, L/min; 0 if none")
    o2_mask_40pct: YesNo = Field(None, description="40 % mask needed for SpO2 >= 95 %")
    rales: Rales | None = Field(None, description="rales up the chest: none, third, half")
    # --- cardiovascular
    sbp_mmhg: Decimal | None = Field(None, gt=0, le=300, description="systolic BP, mmHg")
    pressor_trend: PressorTrend | None = Field(
        None, description="vasopressor need: none, improving, stable or increasing")
    on_pressors_for_hypotension: YesNo = None
    phenylephrine_max_ug_kg_min: Decimal | None = Field(
        None, ge=0, description="highest phenylephrine rate during the interval, µg/kg/min")
    phenylephrine_at_dosing_ug_kg_min: Decimal | None = Field(
        None, ge=0, description="phenylephrine rate at the time of dosing, µg/kg/min")
    heart_rate_bpm: Decimal | None = Field(
        None, gt=0, le=300,
        description="sinus rate persisting at dosing after correcting hypotension and fever")
    atrial_fibrillation: YesNo = None
    svt: YesNo = Field(None, description="supraventricular tachycardia")
    bradycardia_needing_treatment: YesNo = Field(
        None, description="bradycardia requiring treatment, or recurrent/persistent")
    sustained_vt: YesNo = Field(None, description="sustained ventricular tachycardia (>= 5 beats)")
    ventricular_arrhythmia: YesNo = Field(
        None, description="ventricular arrhythmia incl. frequent PVCs or bigeminy")
    uncontrolled_arrhythmia: YesNo = Field(
        None, description="rhythm disturbance not controlled or unresponsive to management")
    ischemia_or_chest_pain: YesNo = Field(
        None, description="ECG changes of ischaemia/MI, or angina / chest pain")
    cardiac_enzymes_elevated: YesNo = Field(None, description="raised CK-MB or troponin")
    cardiac_tamponade: YesNo = None
    # --- neurological
    mental_status_change: YesNo = Field(
        None, description="mental status change incl. moderate confusion or agitation")
    mental_status_not_reversible_2h: YesNo = None
    coma_or_toxic_psychosis_hours: Decimal | None = Field(
        None, ge=0, description="hours of coma or toxic psychosis; 0 if none")
    seizures_repetitive: YesNo = Field(None, description="repetitive or hard-to-control seizures")
    lethargy: Lethargy | None = Field(None, description="lethargy or somnolence")
    vivid_dreams: YesNo = None
    mild_anxiety: YesNo = None
    hallucinations: YesNo = None
    persistent_crying: YesNo = None
    fails_serial7s_or_world: YesNo = Field(
        None, description="cannot subtract serial 7s or spell WORLD backward")
    disorientation_or_lability: YesNo = Field(
        None, description="disorientation, vivid dreams or emotional lability")
    # --- gastrointestinal and hepatic
    fit_fobt_positive: YesNo = Field(None, description="FIT or FOBT (stool guaiac) positive")
    bowel_ischemia_or_perforation: YesNo = None
    gi_bleeding_requiring_surgery: YesNo = None
    hepatic_failure_signs: YesNo = Field(
        None, description="encephalopathy, increasing ascites, liver pain or hypoglycaemia")
    diarrhea_ml_per_shift: Decimal | None = Field(None, ge=0, description="mL in the last shift")
    shifts_with_diarrhea_1000ml: int | None = Field(
        None, ge=0, description="consecutive shifts (incl. this one) with >= 1000 mL diarrhoea")
    vomiting_refractory: YesNo = Field(None, description="vomiting not responsive to drugs")
    ileus_or_distension: YesNo = None
    distension_affecting_breathing: YesNo = None
    severe_abdominal_pain: YesNo = Field(None, description="severe, unrelenting abdominal pain")
    bilirubin: Quantity | None = Field(None, description="total bilirubin, e.g. '2.1 mg/dL'")
    # --- haemorrhagic, infection, skin, musculoskeletal
    heme_positive_secretions: YesNo = Field(
        None, description="heme-positive sputum, emesis or stool")
    frank_blood: YesNo = Field(None, description="frank blood in sputum, emesis or stool")
    platelets: Quantity | None = Field(None, description="e.g. '45 10^9/L' or '45000 /mm3'")
    infection_suspected: YesNo = Field(None, description="strong suspicion or documented")
    sepsis_unstable: YesNo = Field(None, description="sepsis syndrome, clinically unstable")
    bullous_dermatitis: YesNo = Field(
        None, description="bullous dermatitis or marked worsening of a skin condition")
    moist_desquamation: YesNo = None
    weight_gain_pct: Decimal | None = Field(None, description="weight gain over baseline, %")
    extreme_tightness: YesNo = None
    extreme_paresthesias: YesNo = None
    # --- renal
    creatinine: Quantity | None = Field(None, description="serum creatinine, e.g. '1.8 mg/dL'")
    creatinine_trend: Trend | None = None
    creatinine_fall_mg_dl: Decimal | None = Field(
        None, description="fall of creatinine since the hold, mg/dL (positive = falling)")
    severe_volume_overload: YesNo = None
    acidosis: YesNo = None
    hyperkalemia: YesNo = None
    urine_ml_per_h: Decimal | None = Field(None, ge=0, description="urine output, mL/h")
    oliguria_hours: Decimal | None = Field(
        None, ge=0, description="hours with urine output < 10 mL/h; 0 if none")
    urine_ml_per_shift: Decimal | None = Field(None, ge=0, description="urine in the 8-h shift")
    dialysis_hours: Decimal | None = Field(
        None, ge=0, description="hours of dialysis needed for renal failure; 0 if none")
    bicarbonate: Quantity | None = Field(None, description="serum HCO3, e.g. '20 mmol/L'")

    @field_validator("creatinine", "bilirubin", "platelets", "bicarbonate")
    @classmethod
    def _lab(cls, measured: Quantity | None, info: ValidationInfo) -> Quantity | None:
        """A laboratory value must be in one of its units and must not be negative."""
        if measured is None:
            return None
        name = str(info.field_name)
        units = LAB_UNITS[name]
        if measured.unit not in units:
            raise ValueError(f"{name} must be in {' or '.join(units)}, not {measured.unit}")
        if measured.value < 0:
            raise ValueError(f"{name} cannot be negative")
        return measured


def field_domain(name: str, cut_points: Iterable[Fraction]) -> tuple[Value, ...]:
    """One value for each class of values of observation ``name`` that the rules tell apart:
    no and yes for a yes/no field, every category of a categorical one, and for a number one
    value per cell between the rules' ``cut_points``, within the field's limits (laboratory
    values are never negative)."""
    info = DoseObservations.model_fields[name]
    kinds = [a for a in get_args(info.annotation) if a is not type(None)]
    if get_origin(info.annotation) not in (Union, UnionType) or len(kinds) != 1:
        raise TypeError(f"{name}: expected an optional field")
    kind = kinds[0]
    if kind is bool:
        return (False, True)
    if get_origin(kind) is Literal:
        return tuple(str(v) for v in get_args(kind))
    low: Fraction | None = Fraction(0) if kind is Quantity else None
    high: Fraction | None = None
    for m in info.metadata:
        for attr in ("ge", "gt"):
            if getattr(m, attr, None) is not None:
                low = Fraction(getattr(m, attr))
        if getattr(m, "le", None) is not None:
            high = Fraction(m.le)
    return cells(cut_points, low, high)
