"""A complete, unremarkable pre-dose assessment: every rule can be evaluated and none fires."""

from typing import Any

import pytest

NORMAL: dict[str, Any] = {
    "spo2_pct": 96, "intubated_hours": 0, "resting_dyspnea": False,
    "o2_nasal_cannula_l_min": 0, "o2_mask_40pct": False, "rales": "none",
    "sbp_mmhg": 112, "pressor_trend": "none", "on_pressors_for_hypotension": False,
    "phenylephrine_max_ug_kg_min": 0, "phenylephrine_at_dosing_ug_kg_min": 0,
    "heart_rate_bpm": 92, "atrial_fibrillation": False, "svt": False,
    "bradycardia_needing_treatment": False, "sustained_vt": False,
    "ventricular_arrhythmia": False, "uncontrolled_arrhythmia": False,
    "ischemia_or_chest_pain": False, "cardiac_enzymes_elevated": False,
    "cardiac_tamponade": False, "mental_status_change": False,
    "mental_status_not_reversible_2h": False, "coma_or_toxic_psychosis_hours": 0,
    "seizures_repetitive": False, "lethargy": "none", "vivid_dreams": False,
    "mild_anxiety": False, "hallucinations": False, "persistent_crying": False,
    "fails_serial7s_or_world": False, "disorientation_or_lability": False,
    "fit_fobt_positive": False, "bowel_ischemia_or_perforation": False,
    "gi_bleeding_requiring_surgery": False, "hepatic_failure_signs": False,
    "diarrhea_ml_per_shift": 200, "shifts_with_diarrhea_1000ml": 0,
    "vomiting_refractory": False, "ileus_or_distension": False,
    "distension_affecting_breathing": False, "severe_abdominal_pain": False,
    "bilirubin": "1.1 mg/dL", "heme_positive_secretions": False, "frank_blood": False,
    "platelets": "140 10^9/L", "infection_suspected": False, "sepsis_unstable": False,
    "bullous_dermatitis": False, "moist_desquamation": False, "weight_gain_pct": 4,
    "extreme_tightness": False, "extreme_paresthesias": False,
    "creatinine": "1.4 mg/dL", "creatinine_trend": "stable", "severe_volume_overload": False,
    "acidosis": False, "hyperkalemia": False, "urine_ml_per_h": 60, "oliguria_hours": 0,
    "urine_ml_per_shift": 480, "dialysis_hours": 0, "bicarbonate": "22 mmol/L",
}


@pytest.fixture
def normal() -> dict[str, Any]:
    return dict(NORMAL)
