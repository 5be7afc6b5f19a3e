"""The hold / stop rule tables, versioned and cited.

Three rule sets (the label's dose-modification rows and two institutions' criteria; see
docs/dose-holds.md, docs/decisions.md#resume-bands and #springerplus-variant):

``label`` (version ``proleukin-label/PLR+older``)
    The US label's withhold and permanently-discontinue rows.  Rows of the current (PLR) label
    are tagged *verified*; rows retrieved only from the older label are tagged *memory* and say
    so (renal, hepatic, skin, infection, lethargy).  Hold bands are deliberate
    (docs/decisions.md#resume-bands): hold when SpO2 < 90 %, resume only when SpO2 > 90 % - a
    held patient at exactly 90 % stays held; hold when creatinine > 4.5 mg/dL, resume only
    below 4.0.  A hold stays in force until its resume condition is met, across the rest
    between cycles too (docs/decisions.md#holds-across-rest).
``dutcher2014``
    The 2014 expert consensus Table 3: *relative* criteria hold the dose and reassess at the
    next slot; *absolute* criteria stop IL-2.  The table does not say whether "stop" ends the
    cycle or the course: a named policy (default: the cycle; unverified).  Two items whose
    column was inferred from flattened text (vomiting unresponsive to drugs, HCO3 <= 18) are
    tagged unverified.
``springerplus2015``
    A community hospital's variant: stop after >= 3 relative criteria, any absolute criterion,
    pressors for hypotension, neurological changes, or 3 held doses.  Kept separate from the
    consensus (docs/decisions.md#springerplus-variant).

Each row is a three-valued condition (:mod:`hdil2.clinical.toxicity.holds.logic`) over the
observations
in the rule's units (:func:`environment`); a row that the known observations do not decide is
*not evaluated*.  Comparisons are exact (``Fraction``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from hdil2.clinical.toxicity.holds.logic import (
    Cond,
    Value,
    all_,
    any_,
    between,
    eq,
    flag,
    ge,
    gt,
    is_,
    le,
    lt,
    not_,
)
from hdil2.clinical.toxicity.holds.observations import DoseObservations as Obs
from hdil2.clinical.toxicity.holds.observations import field_domain
from hdil2.core.errors import InputError
from hdil2.core.policy import Policy
from hdil2.core.quantity import Quantity
from hdil2.core.sources import Tag

Action = Literal["hold", "stop_course", "stop_permanently", "relative", "absolute"]

RULESET_VERSIONS: dict[str, str] = {
    "label": "proleukin-label PLR Table 2 + older-label rows (2024)",
    "dutcher2014": "Dutcher et al. 2014, Table 3",
    "springerplus2015": "SpringerPlus 2015, Table 1",
}

STOP_SCOPE = Policy(
    name="institutional_stop_scope",
    default="cycle",
    choices=("cycle", "course"),
    source="dutcher2014",
    text="the consensus and SpringerPlus tables say 'stop'/'discontinue' without saying whether "
    "for the rest of the cycle or the course; default: the rest of the cycle",
)

SPRINGER_HELD_SCOPE = Policy(
    name="springerplus_held_scope",
    default="cycle",
    choices=("cycle", "course"),
    source="springerplus2015",
    text="'the scheduled dose has been held on 3 occasions' - counted within the current cycle "
    "by default, or over the course",
)

# analyte-specific conversions to mg/dL (the standard molar-mass factors; from memory)
_MG_DL_FACTORS: dict[str, Fraction] = {
    "creatinine": Fraction("88.4"),
    "bilirubin": Fraction("17.1"),
}


def mg_dl(q: Quantity | None, analyte: str, field: str) -> Fraction | None:
    """A creatinine or bilirubin value in mg/dL (µmol/L converted with the analyte's factor)."""
    if q is None:
        return None
    if q.unit == "mg/dL":
        return Fraction(q.value)
    if q.unit == "µmol/L":
        return Fraction(q.value) / _MG_DL_FACTORS[analyte]
    raise InputError(field, f"{analyte} must be in mg/dL or µmol/L", str(q))


def platelets_e9(q: Quantity | None) -> Fraction | None:
    """Platelets in 10^9/L (= thousands per mm³)."""
    if q is None:
        return None
    if q.dimension != "count":
        raise InputError("observations.platelets", "expected 10^9/L or /mm³", str(q))
    return q.exact("10^9/L")


def mmol_l(q: Quantity | None) -> Fraction | None:
    """Bicarbonate in mmol/L (= mEq/L for a monovalent ion)."""
    if q is None:
        return None
    if q.unit not in ("mmol/L", "mEq/L"):
        raise InputError("observations.bicarbonate", "expected mmol/L or mEq/L", str(q))
    return Fraction(q.value)


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of a hold/stop table.

    ``when`` is the row's condition; ``still_held``, for a row whose resume condition is not
    simply "the condition no longer holds" (a band), is the condition under which a patient
    held by this row stays held (the negation of the resume condition in ``resume``).
    """

    id: str
    ruleset: str
    system: str
    action: Action
    criterion: str  # the row, in words
    when: Cond
    source: str
    tag: Tag
    resume: str | None = None  # when a held dose may resume, in words
    still_held: Cond | None = None

    @property
    def needs(self) -> tuple[str, ...]:
        """The observations the row's condition reads."""
        return tuple(sorted(self.when.fields()))


def environment(obs: Obs) -> dict[str, Value | None]:
    """Every observation in the rules' units: numbers as exact fractions, creatinine and
    bilirubin in mg/dL, platelets in 10^9/L, bicarbonate in mmol/L; ``None`` when unknown."""
    env: dict[str, Value | None] = {}
    for name in Obs.model_fields:
        v = getattr(obs, name)
        if name in ("creatinine", "bilirubin"):
            env[name] = mg_dl(v, name, f"observations.{name}")
        elif name == "platelets":
            env[name] = platelets_e9(v)
        elif name == "bicarbonate":
            env[name] = mmol_l(v)
        elif v is None or isinstance(v, (bool, str)):
            env[name] = v
        else:
            env[name] = Fraction(v)
    return env


# --- label -------------------------------------------------------------------------------------

_CREAT_EXTRAS = any_(flag("severe_volume_overload"), flag("acidosis"), flag("hyperkalemia"))
_CREAT_HOLD = any_(gt("creatinine", "4.5"), all_(ge("creatinine", "4"), _CREAT_EXTRAS))
# resume: creatinine < 4 mg/dL and fluid and electrolyte status stable
_CREAT_STILL_HELD = any_(ge("creatinine", "4"), _CREAT_EXTRAS)
# resume: SBP >= 90 mmHg with stable or improving pressor need
_SBP_STILL_HELD = any_(lt("sbp_mmhg", "90"), is_("pressor_trend", "increasing"))
_OLIGURIA = all_(ge("oliguria_hours", "16"), is_("creatinine_trend", "rising"))
# resume: urine > 10 mL/h with creatinine falling by > 1.0 mg/dL or improving
_OLIGURIA_STILL_HELD = any_(
    le("urine_ml_per_h", "10"),
    not_(any_(is_("creatinine_trend", "falling"), gt("creatinine_fall_mg_dl", "1"))))
_LETHARGY = is_("lethargy", "moderate", "severe")

_RECOVERED_SINUS = "asymptomatic with full recovery to normal sinus rhythm"
_L = "proleukin-label"

LABEL: tuple[Rule, ...] = (
    Rule("label.atrial_fibrillation", "label", "cardiovascular", "hold", "atrial fibrillation",
         flag("atrial_fibrillation"), _L, Tag.VERIFIED,
         _RECOVERED_SINUS),
    Rule("label.svt", "label", "cardiovascular", "hold", "supraventricular tachycardia",
         flag("svt"), _L, Tag.VERIFIED, _RECOVERED_SINUS),
    Rule("label.bradycardia", "label", "cardiovascular", "hold",
         "bradycardia that needs treatment or is recurrent/persistent",
         flag("bradycardia_needing_treatment"), _L,
         Tag.VERIFIED, _RECOVERED_SINUS),
    Rule("label.sbp_below_90", "label", "cardiovascular", "hold", "systolic BP < 90 mmHg",
         lt("sbp_mmhg", "90"), _L, Tag.VERIFIED,
         "SBP ≥ 90 mmHg with stable or improving pressor need (older label)", _SBP_STILL_HELD),
    Rule("label.spo2_below_90", "label", "respiratory", "hold", "SpO2 < 90 %",
         lt("spo2_pct", "90"), _L, Tag.VERIFIED,
         "SpO2 > 90 % (a held patient at exactly 90 % stays held)",
         le("spo2_pct", "90")),
    Rule("label.mental_status_change", "label", "neurologic", "hold",
         "mental status change, including moderate confusion or agitation",
         flag("mental_status_change"), _L, Tag.VERIFIED,
         "mental status change completely resolved"),
    Rule("label.fit_fobt_positive", "label", "gastrointestinal", "hold",
         "FIT or FOBT (stool guaiac) positive", flag("fit_fobt_positive"), _L,
         Tag.VERIFIED, "FIT/FOBT negative"),
    Rule("label.creatinine_above_4_5", "label", "renal", "hold",
         "serum creatinine > 4.5 mg/dL, or ≥ 4 mg/dL with severe volume overload, acidosis or "
         "hyperkalaemia (older label)",
         _CREAT_HOLD, _L, Tag.MEMORY,
         "creatinine < 4 mg/dL and fluid and electrolyte status stable", _CREAT_STILL_HELD),
    Rule("label.oliguria", "label", "renal", "hold",
         "persistent oliguria: urine < 10 mL/h for 16-24 h with rising creatinine (older label)",
         _OLIGURIA, _L, Tag.MEMORY,
         "urine > 10 mL/h with creatinine falling by > 1.0 mg/dL or improving",
         _OLIGURIA_STILL_HELD),
    Rule("label.bullous_dermatitis", "label", "skin", "hold",
         "bullous dermatitis or marked worsening of a pre-existing skin condition (older label; "
         "avoid topical steroids)", flag("bullous_dermatitis"), _L,
         Tag.MEMORY, "all signs resolved"),
    Rule("label.sepsis_unstable", "label", "infection", "hold",
         "sepsis syndrome, clinically unstable (older label)", flag("sepsis_unstable"), _L,
         Tag.MEMORY,
         "sepsis resolved, clinically stable, infection under treatment"),
    Rule("label.lethargy", "label", "neurologic", "hold",
         "moderate-to-severe lethargy or somnolence: continuing may cause coma (boxed warning)",
         _LETHARGY, _L, Tag.MEMORY, "lethargy resolved"),
    Rule("label.hepatic_failure", "label", "hepatic", "stop_course",
         "signs of hepatic failure (encephalopathy, increasing ascites, liver pain, "
         "hypoglycaemia): stop for the rest of the course (older label)",
         flag("hepatic_failure_signs"), _L, Tag.MEMORY,
         "a new course only after full resolution, ≥ 7 weeks after the event and discharge"),
    Rule("label.sustained_vt", "label", "cardiovascular", "stop_permanently",
         "sustained ventricular tachycardia (≥ 5 beats)", flag("sustained_vt"), _L, Tag.VERIFIED),
    Rule("label.uncontrolled_arrhythmia", "label", "cardiovascular", "stop_permanently",
         "rhythm disturbance not controlled or unresponsive to management",
         flag("uncontrolled_arrhythmia"), _L, Tag.VERIFIED),
    Rule("label.ischemia_or_chest_pain", "label", "cardiovascular", "stop_permanently",
         "ECG changes of ischaemia or myocardial infarction, or angina / chest pain",
         flag("ischemia_or_chest_pain"), _L, Tag.VERIFIED),
    Rule("label.cardiac_tamponade", "label", "cardiovascular", "stop_permanently",
         "cardiac tamponade", flag("cardiac_tamponade"), _L,
         Tag.VERIFIED),
    Rule("label.intubation_over_72h", "label", "respiratory", "stop_permanently",
         "intubation for more than 72 hours", gt("intubated_hours", "72"), _L, Tag.VERIFIED),
    Rule("label.coma_or_psychosis_over_48h", "label", "neurologic", "stop_permanently",
         "coma or toxic psychosis lasting more than 48 hours",
         gt("coma_or_toxic_psychosis_hours", "48"),
         _L, Tag.VERIFIED),
    Rule("label.seizures_repetitive", "label", "neurologic", "stop_permanently",
         "repetitive or difficult-to-control seizures", flag("seizures_repetitive"), _L,
         Tag.VERIFIED),
    Rule("label.bowel_ischemia_perforation", "label", "gastrointestinal", "stop_permanently",
         "bowel ischaemia or perforation", flag("bowel_ischemia_or_perforation"), _L, Tag.VERIFIED),
    Rule("label.gi_bleeding_surgery", "label", "gastrointestinal", "stop_permanently",
         "GI bleeding requiring surgery", flag("gi_bleeding_requiring_surgery"), _L, Tag.VERIFIED),
    Rule("label.dialysis_over_72h", "label", "renal", "stop_permanently",
         "renal failure requiring dialysis for more than 72 hours (older label)",
         gt("dialysis_hours", "72"), _L, Tag.MEMORY),
)


# --- institutional criteria ----------------------------------------------------------------------

_O2_HIGH = any_(gt("o2_nasal_cannula_l_min", "4"), flag("o2_mask_40pct"))


_D = "dutcher2014"


def _d(rid: str, system: str, action: Action, criterion: str, when: Cond,
       tag: Tag = Tag.VERIFIED) -> Rule:
    return Rule(f"dutcher2014.{rid}", "dutcher2014", system, action, criterion, when,
                _D, tag, "reassess at the next scheduled dose" if action == "relative" else None)


DUTCHER2014: tuple[Rule, ...] = (
    _d("sinus_tachycardia_100_130", "cardiovascular", "relative",
       "sinus tachycardia 100-130/min persisting at dosing after correcting hypotension and fever",
       between("heart_rate_bpm", "100", "130")),
    _d("sinus_tachycardia_above_130", "cardiovascular", "absolute",
       "sinus tachycardia > 130/min persisting at dosing", gt("heart_rate_bpm", "130")),
    _d("ecg_ischemia", "cardiovascular", "absolute", "ECG indications of ischaemia",
       flag("ischemia_or_chest_pain")),
    _d("atrial_fibrillation", "cardiovascular", "absolute", "atrial fibrillation",
       flag("atrial_fibrillation")),
    _d("svt", "cardiovascular", "absolute", "supraventricular tachycardia", flag("svt")),
    _d("ventricular_arrhythmia", "cardiovascular", "absolute",
       "ventricular arrhythmias, including PVCs and bigeminy", flag("ventricular_arrhythmia")),
    _d("cardiac_enzymes", "cardiovascular", "absolute", "elevated CK-MB or troponin",
       flag("cardiac_enzymes_elevated")),
    _d("moist_desquamation", "dermatologic", "absolute", "moist desquamation",
       flag("moist_desquamation")),
    _d("diarrhea_1000_one_shift", "gastrointestinal", "relative", "diarrhoea 1000 mL/shift",
       eq("shifts_with_diarrhea_1000ml", "1")),
    _d("diarrhea_1000_two_shifts", "gastrointestinal", "absolute",
       "diarrhoea 1000 mL/shift on two shifts", ge("shifts_with_diarrhea_1000ml", "2")),
    _d("vomiting_refractory", "gastrointestinal", "absolute",
       "vomiting not responsive to medication (column inferred from flattened text)",
       flag("vomiting_refractory"), Tag.UNVERIFIED),
    _d("ileus_distension", "gastrointestinal", "relative", "ileus / abdominal distension",
       flag("ileus_or_distension")),
    _d("distension_breathing", "gastrointestinal", "absolute",
       "severe abdominal distension affecting breathing", flag("distension_affecting_breathing")),
    _d("bilirubin_above_7", "gastrointestinal", "relative", "bilirubin > 7 mg/dL",
       gt("bilirubin", "7")),
    _d("abdominal_pain", "gastrointestinal", "absolute", "severe, unrelenting abdominal pain",
       flag("severe_abdominal_pain")),
    _d("phenylephrine_max_1_to_1_5", "hemodynamic", "relative",
       "maximum phenylephrine 1-1.5 µg/kg/min during the interval (1.5 itself read as relative)",
       between("phenylephrine_max_ug_kg_min", "1", "1.5"), Tag.UNVERIFIED),
    _d("phenylephrine_max_above_1_5", "hemodynamic", "absolute",
       "maximum phenylephrine 1.5-2.0 µg/kg/min during the interval (read as > 1.5)",
       gt("phenylephrine_max_ug_kg_min", "1.5"),
       Tag.UNVERIFIED),
    _d("phenylephrine_at_dosing_above_0_5", "hemodynamic", "relative",
       "phenylephrine > 0.5 µg/kg/min at the time of dosing",
       all_(gt("phenylephrine_at_dosing_ug_kg_min", "0.5"),
            le("phenylephrine_at_dosing_ug_kg_min", "0.8"))),
    _d("phenylephrine_at_dosing_above_0_8", "hemodynamic", "absolute",
       "phenylephrine > 0.8 µg/kg/min at the time of dosing",
       gt("phenylephrine_at_dosing_ug_kg_min", "0.8")),
    _d("heme_positive", "hemorrhagic", "relative", "sputum, emesis or stool heme-positive",
       flag("heme_positive_secretions")),
    _d("frank_blood", "hemorrhagic", "absolute", "frank blood in sputum, emesis or stool",
       flag("frank_blood")),
    _d("platelets_30_50k", "hemorrhagic", "relative", "platelets 30,000-50,000/mm³",
       between("platelets", "30", "50")),
    _d("platelets_below_30k", "hemorrhagic", "absolute", "platelets < 30,000/mm³",
       lt("platelets", "30")),
    _d("infection", "infectious", "absolute", "strong clinical suspicion of or documented "
       "infection", flag("infection_suspected")),
    _d("weight_gain_above_15", "musculoskeletal", "relative", "weight gain > 15 %",
       gt("weight_gain_pct", "15")),
    _d("extreme_tightness", "musculoskeletal", "relative", "extreme tightness",
       flag("extreme_tightness")),
    _d("extreme_paresthesias", "musculoskeletal", "absolute", "extreme paraesthesias",
       flag("extreme_paresthesias")),
    _d("vivid_dreams", "neurologic", "relative", "vivid dreams", flag("vivid_dreams")),
    _d("mild_anxiety", "neurologic", "relative", "mild anxiety", flag("mild_anxiety")),
    _d("hallucinations", "neurologic", "absolute", "hallucinations", flag("hallucinations")),
    _d("persistent_crying", "neurologic", "absolute", "persistent crying",
       flag("persistent_crying")),
    _d("mental_status_not_reversible", "neurologic", "absolute",
       "mental status changes not reversible in 2 hours", flag("mental_status_not_reversible_2h")),
    _d("serial_sevens", "neurologic", "absolute",
       "unable to subtract serial 7s or spell WORLD backward", flag("fails_serial7s_or_world")),
    _d("resting_dyspnea", "pulmonary", "relative", "resting shortness of breath",
       flag("resting_dyspnea")),
    _d("o2_3_to_4_l", "pulmonary", "relative", "3-4 L/min O2 by nasal cannula for SpO2 ≥ 95 %",
       between("o2_nasal_cannula_l_min", "3", "4")),
    _d("o2_above_4_l_or_mask", "pulmonary", "absolute",
       "> 4 L/min O2 by nasal cannula or 40 % by mask to keep SpO2 ≥ 95 %",
       _O2_HIGH),
    _d("intubation", "pulmonary", "absolute", "intubation", gt("intubated_hours", "0")),
    _d("rales_third", "pulmonary", "relative", "rales 1/3 up the chest", is_("rales", "third")),
    _d("rales_half", "pulmonary", "absolute", "moist rales 1/2 up the chest", is_("rales", "half")),
    _d("urine_80_160", "renal", "relative", "urine output 80-160 mL/shift",
       between("urine_ml_per_shift", "80", "160")),
    _d("urine_below_80", "renal", "absolute", "urine < 80 mL/shift",
       lt("urine_ml_per_shift", "80")),
    _d("creatinine_2_5_to_2_9", "renal", "relative",
       "creatinine 2.5-2.9 mg/dL (values in 2.9-3.0 read as relative)",
          all_(ge("creatinine", "2.5"), lt("creatinine", "3"))),
    _d("creatinine_3_or_more", "renal", "absolute", "creatinine ≥ 3 mg/dL", ge("creatinine", "3")),
    _d("hco3_18_or_less", "renal", "absolute",
       "HCO3 ≤ 18 mEq/L (column inferred from flattened text)", le("bicarbonate", "18"),
       Tag.UNVERIFIED),
)


_S = "springerplus2015"


def _s(rid: str, system: str, action: Action, criterion: str, when: Cond,
       tag: Tag = Tag.VERIFIED) -> Rule:
    return Rule(f"springerplus2015.{rid}", "springerplus2015", system, action, criterion, when,
                _S, tag, "reassess at the next scheduled dose" if action == "relative"
                else None)


SPRINGERPLUS2015: tuple[Rule, ...] = (
    _s("sinus_tachycardia_120_130", "cardiac", "relative", "sinus tachycardia, HR 120-130",
       between("heart_rate_bpm", "120", "130")),
    _s("sinus_tachycardia_above_130", "cardiac", "absolute", "sinus tachycardia, HR > 130",
       gt("heart_rate_bpm", "130")),
    _s("ekg_ischemia", "cardiac", "absolute", "EKG ischaemia", flag("ischemia_or_chest_pain")),
    _s("atrial_fibrillation", "cardiac", "absolute", "atrial fibrillation",
       flag("atrial_fibrillation")),
    _s("ventricular_arrhythmia", "cardiac", "absolute",
       "frequent PVCs, bigeminy, ventricular arrhythmia", flag("ventricular_arrhythmia")),
    _s("cardiac_enzymes", "cardiac", "absolute", "elevated cardiac enzymes",
       flag("cardiac_enzymes_elevated")),
    _s("moist_desquamation", "dermatologic", "absolute", "moist desquamation",
       flag("moist_desquamation")),
    _s("diarrhea_above_1000", "gastrointestinal", "relative", "diarrhoea > 1000 mL/shift",
       gt("diarrhea_ml_per_shift", "1000")),
    _s("vomiting_refractory", "gastrointestinal", "absolute", "refractory vomiting",
       flag("vomiting_refractory")),
    _s("abdominal_pain", "gastrointestinal", "absolute", "unrelenting abdominal pain",
       flag("severe_abdominal_pain")),
    _s("abdominal_distension", "gastrointestinal", "absolute", "abdominal distension",
       flag("ileus_or_distension")),
    _s("pressors", "hemodynamic", "absolute", "hypotension requiring pressors",
       flag("on_pressors_for_hypotension")),
    _s("guaiac_positive", "hemorrhage", "relative", "guaiac-positive stool, sputum or emesis",
       flag("heme_positive_secretions")),
    _s("frank_blood", "hemorrhage", "absolute", "frank blood in stools, sputum or emesis",
       flag("frank_blood")),
    _s("platelets_30_50k", "hemorrhage", "relative", "platelets 30,000-50,000/mm³",
       between("platelets", "30", "50")),
    _s("platelets_below_30k", "hemorrhage", "absolute", "platelets < 30,000/mm³",
       lt("platelets", "30")),
    _s("infection", "infectious", "absolute", "strong clinical suspicion or documented",
       flag("infection_suspected")),
    _s("mental_status_change", "neurologic", "absolute", "mental status changes",
       flag("mental_status_change")),
    _s("disorientation", "neurologic", "absolute",
       "disorientation, vivid dreams, emotional lability (column inferred)",
       flag("disorientation_or_lability"), Tag.UNVERIFIED),
    _s("resting_dyspnea", "pulmonary", "relative", "resting dyspnoea", flag("resting_dyspnea")),
    _s("crackles_third", "pulmonary", "relative", "crackles in > 1/3 but < 1/2 of the chest",
       is_("rales", "third")),
    _s("crackles_half", "pulmonary", "absolute", "crackles in > 1/2 of the chest",
       is_("rales", "half")),
    _s("o2_3_to_4_l", "pulmonary", "relative", "3-4 L oxygen for saturations > 95 %",
       between("o2_nasal_cannula_l_min", "3", "4")),
    _s("o2_above_4_l_or_mask", "pulmonary", "absolute",
       "> 4 L oxygen or 40 % mask for saturations > 95 %",
       _O2_HIGH),
    _s("intubation", "pulmonary", "absolute", "intubation", gt("intubated_hours", "0")),
    _s("urine_80_160_per_8h", "renal", "relative", "urine output 80-160 mL/8 hours",
       between("urine_ml_per_shift", "80", "160")),
    _s("urine_below_80_per_8h", "renal", "absolute", "urine < 80 mL/8 hours",
       lt("urine_ml_per_shift", "80")),
    _s("urine_10_20_per_h", "renal", "relative", "urine 10-20 mL/hour",
       between("urine_ml_per_h", "10", "20")),
    _s("urine_below_10_per_h", "renal", "absolute", "urine < 10 mL/hour",
       lt("urine_ml_per_h", "10")),
    _s("creatinine_2_5_to_2_9", "renal", "relative", "creatinine 2.5-2.9 mg/dL",
       all_(ge("creatinine", "2.5"), lt("creatinine", "3"))),
    _s("creatinine_3_or_more", "renal", "absolute", "creatinine ≥ 3 mg/dL", ge("creatinine", "3")),
    _s("weight_gain_15", "weight", "relative", "weight gain 15 % over baseline (read as ≥ 15 %)",
       ge("weight_gain_pct", "15"), Tag.UNVERIFIED),
)

RULESETS: dict[str, tuple[Rule, ...]] = {
    "label": LABEL,
    "dutcher2014": DUTCHER2014,
    "springerplus2015": SPRINGERPLUS2015,
}

ALL_RULES: tuple[Rule, ...] = tuple(r for rs in RULESETS.values() for r in rs)


def _domains() -> dict[str, tuple[Value, ...]]:
    cuts: dict[str, frozenset[Fraction]] = {}
    read: set[str] = set()
    for r in ALL_RULES:
        for cond in (r.when, r.still_held):
            if cond is None:
                continue
            read |= cond.fields()
            for f, c in cond.cuts().items():
                cuts[f] = cuts.get(f, frozenset()) | c
    return {f: field_domain(f, cuts.get(f, frozenset())) for f in sorted(read)}


# for every observation a rule reads: one value per class of values the rules tell apart
DOMAINS: dict[str, tuple[Value, ...]] = _domains()
