"""The hold / stop rule tables, versioned and cited.

Three rule sets (clinical reference §1.9, decisions D10, D11):

``label`` (version ``proleukin-label/PLR+older``)
    The US label's withhold and permanently-discontinue rows.  Rows of the current (PLR) label
    are tagged *verified*; rows retrieved only from the older label are tagged *memory* and say
    so (renal, hepatic, skin, infection, lethargy).  Hold bands are deliberate (D10): hold when
    SpO2 < 90 %, resume only when SpO2 > 90 % - a held patient at exactly 90 % stays held; hold
    when creatinine > 4.5 mg/dL, resume only below 4.0.
``dutcher2014``
    The 2014 expert consensus Table 3: *relative* criteria hold the dose and reassess at the
    next slot; *absolute* criteria stop IL-2.  The table does not say whether "stop" ends the
    cycle or the course: a named policy (default: the cycle) [U].  Two items whose column was
    inferred from flattened text (vomiting unresponsive to drugs, HCO3 ≤ 18) are tagged
    unverified.
``springerplus2015``
    A community hospital's variant (D11): stop after ≥ 3 relative criteria, any absolute
    criterion, pressors for hypotension, neurological changes, or 3 held doses.  Kept separate
    from the consensus.

A rule needs certain observations; when one is unknown the rule is *not evaluated* and the
advice cannot be "give".  Comparisons are exact (``Fraction``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from hdil2.clinical.holds.observations import DoseObservations as Obs
from hdil2.clinical.policy import Policy
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity
from hdil2.core.sources import Tag

Action = Literal["hold", "stop_course", "stop_permanently", "relative", "absolute"]
Test = Callable[[Obs], bool | None]

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

# analyte-specific conversions to mg/dL [M: standard molar-mass factors]
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


def _f(x: str | int) -> Fraction:
    return Fraction(x)


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of a hold/stop table."""

    id: str
    ruleset: str
    system: str
    action: Action
    criterion: str  # the row, in words
    needs: tuple[str, ...]  # observation fields the test reads
    test: Test
    source: str
    tag: Tag
    resume: str | None = None  # when a held dose may resume
    still_held: Test | None = None  # for band rules: while held, True = stay held


def _flag(field: str) -> Test:
    def t(o: Obs) -> bool | None:
        v = getattr(o, field)
        return None if v is None else bool(v)
    return t


def _num(field: str, op: str, bound: str, bound2: str | None = None) -> Test:
    def t(o: Obs) -> bool | None:
        v = getattr(o, field)
        if v is None:
            return None
        x, b = Fraction(v), Fraction(bound)
        if op == "<":
            return x < b
        if op == "<=":
            return x <= b
        if op == ">":
            return x > b
        if op == ">=":
            return x >= b
        if op == "between":  # inclusive
            assert bound2 is not None
            return b <= x <= Fraction(bound2)
        if op == "above_upto":  # b < x <= bound2
            assert bound2 is not None
            return b < x <= Fraction(bound2)
        raise ValueError(op)
    return t


def _any(*tests: Test) -> Test:
    """True if any test is True; None if none is True and some are unknown."""
    def t(o: Obs) -> bool | None:
        results = [x(o) for x in tests]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    return t


# --- label -------------------------------------------------------------------------------------

def _creatinine(o: Obs) -> Fraction | None:
    return mg_dl(o.creatinine, "creatinine", "observations.creatinine")


def _creat_hold(o: Obs) -> bool | None:
    c = _creatinine(o)
    if c is None:
        return None
    if c > _f("4.5"):
        return True
    if c < 4:
        return False
    extras = (o.severe_volume_overload, o.acidosis, o.hyperkalemia)
    if any(e is True for e in extras):
        return True
    return None if any(e is None for e in extras) else False


def _creat_still_held(o: Obs) -> bool | None:
    c = _creatinine(o)
    if c is None:
        return None
    if c >= 4:
        return True
    extras = (o.severe_volume_overload, o.acidosis, o.hyperkalemia)
    if any(e is True for e in extras):
        return True
    return None if any(e is None for e in extras) else False


def _sbp_still_held(o: Obs) -> bool | None:
    if o.sbp_mmhg is None or o.pressor_trend is None:
        return None
    return Fraction(o.sbp_mmhg) < 90 or o.pressor_trend == "increasing"


def _oliguria(o: Obs) -> bool | None:
    if o.oliguria_hours is None:
        return None
    if Fraction(o.oliguria_hours) < 16:
        return False
    if o.creatinine_trend is None:
        return None
    return o.creatinine_trend == "rising"


def _oliguria_still_held(o: Obs) -> bool | None:
    if o.urine_ml_per_h is None:
        return None
    if Fraction(o.urine_ml_per_h) <= 10:
        return True
    falling = o.creatinine_trend == "falling" or (
        o.creatinine_fall_mg_dl is not None and Fraction(o.creatinine_fall_mg_dl) > 1)
    if falling:
        return False
    return None if o.creatinine_trend is None and o.creatinine_fall_mg_dl is None else True


def _lethargy(o: Obs) -> bool | None:
    return None if o.lethargy is None else o.lethargy in ("moderate", "severe")


_RECOVERED_SINUS = "asymptomatic with full recovery to normal sinus rhythm"
_L = "proleukin-label"

LABEL: tuple[Rule, ...] = (
    Rule("label.atrial_fibrillation", "label", "cardiovascular", "hold", "atrial fibrillation",
         ("atrial_fibrillation",), _flag("atrial_fibrillation"), _L, Tag.VERIFIED,
         _RECOVERED_SINUS),
    Rule("label.svt", "label", "cardiovascular", "hold", "supraventricular tachycardia",
         ("svt",), _flag("svt"), _L, Tag.VERIFIED, _RECOVERED_SINUS),
    Rule("label.bradycardia", "label", "cardiovascular", "hold",
         "bradycardia that needs treatment or is recurrent/persistent",
         ("bradycardia_needing_treatment",), _flag("bradycardia_needing_treatment"), _L,
         Tag.VERIFIED, _RECOVERED_SINUS),
    Rule("label.sbp_below_90", "label", "cardiovascular", "hold", "systolic BP < 90 mmHg",
         ("sbp_mmhg",), _num("sbp_mmhg", "<", "90"), _L, Tag.VERIFIED,
         "SBP ≥ 90 mmHg with stable or improving pressor need (older label)", _sbp_still_held),
    Rule("label.spo2_below_90", "label", "respiratory", "hold", "SpO2 < 90 %",
         ("spo2_pct",), _num("spo2_pct", "<", "90"), _L, Tag.VERIFIED,
         "SpO2 > 90 % (a held patient at exactly 90 % stays held)",
         _num("spo2_pct", "<=", "90")),
    Rule("label.mental_status_change", "label", "neurologic", "hold",
         "mental status change, including moderate confusion or agitation",
         ("mental_status_change",), _flag("mental_status_change"), _L, Tag.VERIFIED,
         "mental status change completely resolved"),
    Rule("label.fit_fobt_positive", "label", "gastrointestinal", "hold",
         "FIT or FOBT (stool guaiac) positive", ("fit_fobt_positive",),
         _flag("fit_fobt_positive"), _L, Tag.VERIFIED, "FIT/FOBT negative"),
    Rule("label.creatinine_above_4_5", "label", "renal", "hold",
         "serum creatinine > 4.5 mg/dL, or ≥ 4 mg/dL with severe volume overload, acidosis or "
         "hyperkalaemia (older label)",
         ("creatinine",), _creat_hold, _L, Tag.MEMORY,
         "creatinine < 4 mg/dL and fluid and electrolyte status stable", _creat_still_held),
    Rule("label.oliguria", "label", "renal", "hold",
         "persistent oliguria: urine < 10 mL/h for 16-24 h with rising creatinine (older label)",
         ("oliguria_hours", "creatinine_trend"), _oliguria, _L, Tag.MEMORY,
         "urine > 10 mL/h with creatinine falling by > 1.0 mg/dL or improving",
         _oliguria_still_held),
    Rule("label.bullous_dermatitis", "label", "skin", "hold",
         "bullous dermatitis or marked worsening of a pre-existing skin condition (older label; "
         "avoid topical steroids)", ("bullous_dermatitis",), _flag("bullous_dermatitis"), _L,
         Tag.MEMORY, "all signs resolved"),
    Rule("label.sepsis_unstable", "label", "infection", "hold",
         "sepsis syndrome, clinically unstable (older label)", ("sepsis_unstable",),
         _flag("sepsis_unstable"), _L, Tag.MEMORY,
         "sepsis resolved, clinically stable, infection under treatment"),
    Rule("label.lethargy", "label", "neurologic", "hold",
         "moderate-to-severe lethargy or somnolence: continuing may cause coma (boxed warning)",
         ("lethargy",), _lethargy, _L, Tag.MEMORY, "lethargy resolved"),
    Rule("label.hepatic_failure", "label", "hepatic", "stop_course",
         "signs of hepatic failure (encephalopathy, increasing ascites, liver pain, "
         "hypoglycaemia): stop for the rest of the course (older label)",
         ("hepatic_failure_signs",), _flag("hepatic_failure_signs"), _L, Tag.MEMORY,
         "a new course only after full resolution, ≥ 7 weeks after the event and discharge"),
    Rule("label.sustained_vt", "label", "cardiovascular", "stop_permanently",
         "sustained ventricular tachycardia (≥ 5 beats)", ("sustained_vt",),
         _flag("sustained_vt"), _L, Tag.VERIFIED),
    Rule("label.uncontrolled_arrhythmia", "label", "cardiovascular", "stop_permanently",
         "rhythm disturbance not controlled or unresponsive to management",
         ("uncontrolled_arrhythmia",), _flag("uncontrolled_arrhythmia"), _L, Tag.VERIFIED),
    Rule("label.ischemia_or_chest_pain", "label", "cardiovascular", "stop_permanently",
         "ECG changes of ischaemia or myocardial infarction, or angina / chest pain",
         ("ischemia_or_chest_pain",), _flag("ischemia_or_chest_pain"), _L, Tag.VERIFIED),
    Rule("label.cardiac_tamponade", "label", "cardiovascular", "stop_permanently",
         "cardiac tamponade", ("cardiac_tamponade",), _flag("cardiac_tamponade"), _L,
         Tag.VERIFIED),
    Rule("label.intubation_over_72h", "label", "respiratory", "stop_permanently",
         "intubation for more than 72 hours", ("intubated_hours",),
         _num("intubated_hours", ">", "72"), _L, Tag.VERIFIED),
    Rule("label.coma_or_psychosis_over_48h", "label", "neurologic", "stop_permanently",
         "coma or toxic psychosis lasting more than 48 hours",
         ("coma_or_toxic_psychosis_hours",), _num("coma_or_toxic_psychosis_hours", ">", "48"),
         _L, Tag.VERIFIED),
    Rule("label.seizures_repetitive", "label", "neurologic", "stop_permanently",
         "repetitive or difficult-to-control seizures", ("seizures_repetitive",),
         _flag("seizures_repetitive"), _L, Tag.VERIFIED),
    Rule("label.bowel_ischemia_perforation", "label", "gastrointestinal", "stop_permanently",
         "bowel ischaemia or perforation", ("bowel_ischemia_or_perforation",),
         _flag("bowel_ischemia_or_perforation"), _L, Tag.VERIFIED),
    Rule("label.gi_bleeding_surgery", "label", "gastrointestinal", "stop_permanently",
         "GI bleeding requiring surgery", ("gi_bleeding_requiring_surgery",),
         _flag("gi_bleeding_requiring_surgery"), _L, Tag.VERIFIED),
    Rule("label.dialysis_over_72h", "label", "renal", "stop_permanently",
         "renal failure requiring dialysis for more than 72 hours (older label)",
         ("dialysis_hours",), _num("dialysis_hours", ">", "72"), _L, Tag.MEMORY),
)


# --- institutional criteria ----------------------------------------------------------------------

def _plt(op: str, a: str, b: str | None = None) -> Test:
    def t(o: Obs) -> bool | None:
        p = platelets_e9(o.platelets)
        if p is None:
            return None
        if op == "<":
            return p < _f(a)
        assert b is not None
        return _f(a) <= p <= _f(b)
    return t


def _creat(op: str, a: str, b: str | None = None) -> Test:
    def t(o: Obs) -> bool | None:
        c = _creatinine(o)
        if c is None:
            return None
        if op == ">=":
            return c >= _f(a)
        assert b is not None
        return _f(a) <= c < _f(b)
    return t


def _bili_above_7(o: Obs) -> bool | None:
    b = mg_dl(o.bilirubin, "bilirubin", "observations.bilirubin")
    return None if b is None else b > 7


def _hco3_le_18(o: Obs) -> bool | None:
    h = mmol_l(o.bicarbonate)
    return None if h is None else h <= 18


def _o2_high(o: Obs) -> bool | None:
    return _any(_num("o2_nasal_cannula_l_min", ">", "4"), _flag("o2_mask_40pct"))(o)


def _rales(level: str) -> Test:
    def t(o: Obs) -> bool | None:
        return None if o.rales is None else o.rales == level
    return t


def _shifts(op: str, n: int) -> Test:
    def t(o: Obs) -> bool | None:
        v = o.shifts_with_diarrhea_1000ml
        if v is None:
            return None
        return v == n if op == "==" else v >= n
    return t


def _intubated(o: Obs) -> bool | None:
    return None if o.intubated_hours is None else o.intubated_hours > 0


_D = "dutcher2014"


def _d(rid: str, system: str, action: Action, criterion: str, needs: tuple[str, ...],
       test: Test, tag: Tag = Tag.VERIFIED) -> Rule:
    return Rule(f"dutcher2014.{rid}", "dutcher2014", system, action, criterion, needs, test,
                _D, tag, "reassess at the next scheduled dose" if action == "relative" else None)


DUTCHER2014: tuple[Rule, ...] = (
    _d("sinus_tachycardia_100_130", "cardiovascular", "relative",
       "sinus tachycardia 100-130/min persisting at dosing after correcting hypotension and fever",
       ("heart_rate_bpm",), _num("heart_rate_bpm", "between", "100", "130")),
    _d("sinus_tachycardia_above_130", "cardiovascular", "absolute",
       "sinus tachycardia > 130/min persisting at dosing", ("heart_rate_bpm",),
       _num("heart_rate_bpm", ">", "130")),
    _d("ecg_ischemia", "cardiovascular", "absolute", "ECG indications of ischaemia",
       ("ischemia_or_chest_pain",), _flag("ischemia_or_chest_pain")),
    _d("atrial_fibrillation", "cardiovascular", "absolute", "atrial fibrillation",
       ("atrial_fibrillation",), _flag("atrial_fibrillation")),
    _d("svt", "cardiovascular", "absolute", "supraventricular tachycardia", ("svt",),
       _flag("svt")),
    _d("ventricular_arrhythmia", "cardiovascular", "absolute",
       "ventricular arrhythmias, including PVCs and bigeminy", ("ventricular_arrhythmia",),
       _flag("ventricular_arrhythmia")),
    _d("cardiac_enzymes", "cardiovascular", "absolute", "elevated CK-MB or troponin",
       ("cardiac_enzymes_elevated",), _flag("cardiac_enzymes_elevated")),
    _d("moist_desquamation", "dermatologic", "absolute", "moist desquamation",
       ("moist_desquamation",), _flag("moist_desquamation")),
    _d("diarrhea_1000_one_shift", "gastrointestinal", "relative", "diarrhoea 1000 mL/shift",
       ("shifts_with_diarrhea_1000ml",), _shifts("==", 1)),
    _d("diarrhea_1000_two_shifts", "gastrointestinal", "absolute",
       "diarrhoea 1000 mL/shift on two shifts", ("shifts_with_diarrhea_1000ml",),
       _shifts(">=", 2)),
    _d("vomiting_refractory", "gastrointestinal", "absolute",
       "vomiting not responsive to medication (column inferred from flattened text)",
       ("vomiting_refractory",), _flag("vomiting_refractory"), Tag.UNVERIFIED),
    _d("ileus_distension", "gastrointestinal", "relative", "ileus / abdominal distension",
       ("ileus_or_distension",), _flag("ileus_or_distension")),
    _d("distension_breathing", "gastrointestinal", "absolute",
       "severe abdominal distension affecting breathing", ("distension_affecting_breathing",),
       _flag("distension_affecting_breathing")),
    _d("bilirubin_above_7", "gastrointestinal", "relative", "bilirubin > 7 mg/dL",
       ("bilirubin",), _bili_above_7),
    _d("abdominal_pain", "gastrointestinal", "absolute", "severe, unrelenting abdominal pain",
       ("severe_abdominal_pain",), _flag("severe_abdominal_pain")),
    _d("phenylephrine_max_1_to_1_5", "hemodynamic", "relative",
       "maximum phenylephrine 1-1.5 µg/kg/min during the interval (1.5 itself read as relative)",
       ("phenylephrine_max_ug_kg_min",),
       _num("phenylephrine_max_ug_kg_min", "between", "1", "1.5"), Tag.UNVERIFIED),
    _d("phenylephrine_max_above_1_5", "hemodynamic", "absolute",
       "maximum phenylephrine 1.5-2.0 µg/kg/min during the interval (read as > 1.5)",
       ("phenylephrine_max_ug_kg_min",), _num("phenylephrine_max_ug_kg_min", ">", "1.5"),
       Tag.UNVERIFIED),
    _d("phenylephrine_at_dosing_above_0_5", "hemodynamic", "relative",
       "phenylephrine > 0.5 µg/kg/min at the time of dosing",
       ("phenylephrine_at_dosing_ug_kg_min",),
       _num("phenylephrine_at_dosing_ug_kg_min", "above_upto", "0.5", "0.8")),
    _d("phenylephrine_at_dosing_above_0_8", "hemodynamic", "absolute",
       "phenylephrine > 0.8 µg/kg/min at the time of dosing",
       ("phenylephrine_at_dosing_ug_kg_min",),
       _num("phenylephrine_at_dosing_ug_kg_min", ">", "0.8")),
    _d("heme_positive", "hemorrhagic", "relative", "sputum, emesis or stool heme-positive",
       ("heme_positive_secretions",), _flag("heme_positive_secretions")),
    _d("frank_blood", "hemorrhagic", "absolute", "frank blood in sputum, emesis or stool",
       ("frank_blood",), _flag("frank_blood")),
    _d("platelets_30_50k", "hemorrhagic", "relative", "platelets 30,000-50,000/mm³",
       ("platelets",), _plt("between", "30", "50")),
    _d("platelets_below_30k", "hemorrhagic", "absolute", "platelets < 30,000/mm³",
       ("platelets",), _plt("<", "30")),
    _d("infection", "infectious", "absolute", "strong clinical suspicion of or documented "
       "infection", ("infection_suspected",), _flag("infection_suspected")),
    _d("weight_gain_above_15", "musculoskeletal", "relative", "weight gain > 15 %",
       ("weight_gain_pct",), _num("weight_gain_pct", ">", "15")),
    _d("extreme_tightness", "musculoskeletal", "relative", "extreme tightness",
       ("extreme_tightness",), _flag("extreme_tightness")),
    _d("extreme_paresthesias", "musculoskeletal", "absolute", "extreme paraesthesias",
       ("extreme_paresthesias",), _flag("extreme_paresthesias")),
    _d("vivid_dreams", "neurologic", "relative", "vivid dreams", ("vivid_dreams",),
       _flag("vivid_dreams")),
    _d("mild_anxiety", "neurologic", "relative", "mild anxiety", ("mild_anxiety",),
       _flag("mild_anxiety")),
    _d("hallucinations", "neurologic", "absolute", "hallucinations", ("hallucinations",),
       _flag("hallucinations")),
    _d("persistent_crying", "neurologic", "absolute", "persistent crying",
       ("persistent_crying",), _flag("persistent_crying")),
    _d("mental_status_not_reversible", "neurologic", "absolute",
       "mental status changes not reversible in 2 hours", ("mental_status_not_reversible_2h",),
       _flag("mental_status_not_reversible_2h")),
    _d("serial_sevens", "neurologic", "absolute",
       "unable to subtract serial 7s or spell WORLD backward", ("fails_serial7s_or_world",),
       _flag("fails_serial7s_or_world")),
    _d("resting_dyspnea", "pulmonary", "relative", "resting shortness of breath",
       ("resting_dyspnea",), _flag("resting_dyspnea")),
    _d("o2_3_to_4_l", "pulmonary", "relative", "3-4 L/min O2 by nasal cannula for SpO2 ≥ 95 %",
       ("o2_nasal_cannula_l_min",), _num("o2_nasal_cannula_l_min", "between", "3", "4")),
    _d("o2_above_4_l_or_mask", "pulmonary", "absolute",
       "> 4 L/min O2 by nasal cannula or 40 % by mask to keep SpO2 ≥ 95 %",
       ("o2_nasal_cannula_l_min", "o2_mask_40pct"), _o2_high),
    _d("intubation", "pulmonary", "absolute", "intubation", ("intubated_hours",), _intubated),
    _d("rales_third", "pulmonary", "relative", "rales 1/3 up the chest", ("rales",),
       _rales("third")),
    _d("rales_half", "pulmonary", "absolute", "moist rales 1/2 up the chest", ("rales",),
       _rales("half")),
    _d("urine_80_160", "renal", "relative", "urine output 80-160 mL/shift",
       ("urine_ml_per_shift",), _num("urine_ml_per_shift", "between", "80", "160")),
    _d("urine_below_80", "renal", "absolute", "urine < 80 mL/shift", ("urine_ml_per_shift",),
       _num("urine_ml_per_shift", "<", "80")),
    _d("creatinine_2_5_to_2_9", "renal", "relative",
       "creatinine 2.5-2.9 mg/dL (values in 2.9-3.0 read as relative)", ("creatinine",),
       _creat("band", "2.5", "3")),
    _d("creatinine_3_or_more", "renal", "absolute", "creatinine ≥ 3 mg/dL", ("creatinine",),
       _creat(">=", "3")),
    _d("hco3_18_or_less", "renal", "absolute",
       "HCO3 ≤ 18 mEq/L (column inferred from flattened text)", ("bicarbonate",), _hco3_le_18,
       Tag.UNVERIFIED),
)


_S = "springerplus2015"


def _s(rid: str, system: str, action: Action, criterion: str, needs: tuple[str, ...],
       test: Test, tag: Tag = Tag.VERIFIED) -> Rule:
    return Rule(f"springerplus2015.{rid}", "springerplus2015", system, action, criterion, needs,
                test, _S, tag, "reassess at the next scheduled dose" if action == "relative"
                else None)


SPRINGERPLUS2015: tuple[Rule, ...] = (
    _s("sinus_tachycardia_120_130", "cardiac", "relative", "sinus tachycardia, HR 120-130",
       ("heart_rate_bpm",), _num("heart_rate_bpm", "between", "120", "130")),
    _s("sinus_tachycardia_above_130", "cardiac", "absolute", "sinus tachycardia, HR > 130",
       ("heart_rate_bpm",), _num("heart_rate_bpm", ">", "130")),
    _s("ekg_ischemia", "cardiac", "absolute", "EKG ischaemia", ("ischemia_or_chest_pain",),
       _flag("ischemia_or_chest_pain")),
    _s("atrial_fibrillation", "cardiac", "absolute", "atrial fibrillation",
       ("atrial_fibrillation",), _flag("atrial_fibrillation")),
    _s("ventricular_arrhythmia", "cardiac", "absolute",
       "frequent PVCs, bigeminy, ventricular arrhythmia", ("ventricular_arrhythmia",),
       _flag("ventricular_arrhythmia")),
    _s("cardiac_enzymes", "cardiac", "absolute", "elevated cardiac enzymes",
       ("cardiac_enzymes_elevated",), _flag("cardiac_enzymes_elevated")),
    _s("moist_desquamation", "dermatologic", "absolute", "moist desquamation",
       ("moist_desquamation",), _flag("moist_desquamation")),
    _s("diarrhea_above_1000", "gastrointestinal", "relative", "diarrhoea > 1000 mL/shift",
       ("diarrhea_ml_per_shift",), _num("diarrhea_ml_per_shift", ">", "1000")),
    _s("vomiting_refractory", "gastrointestinal", "absolute", "refractory vomiting",
       ("vomiting_refractory",), _flag("vomiting_refractory")),
    _s("abdominal_pain", "gastrointestinal", "absolute", "unrelenting abdominal pain",
       ("severe_abdominal_pain",), _flag("severe_abdominal_pain")),
    _s("abdominal_distension", "gastrointestinal", "absolute", "abdominal distension",
       ("ileus_or_distension",), _flag("ileus_or_distension")),
    _s("pressors", "hemodynamic", "absolute", "hypotension requiring pressors",
       ("on_pressors_for_hypotension",), _flag("on_pressors_for_hypotension")),
    _s("guaiac_positive", "hemorrhage", "relative", "guaiac-positive stool, sputum or emesis",
       ("heme_positive_secretions",), _flag("heme_positive_secretions")),
    _s("frank_blood", "hemorrhage", "absolute", "frank blood in stools, sputum or emesis",
       ("frank_blood",), _flag("frank_blood")),
    _s("platelets_30_50k", "hemorrhage", "relative", "platelets 30,000-50,000/mm³",
       ("platelets",), _plt("between", "30", "50")),
    _s("platelets_below_30k", "hemorrhage", "absolute", "platelets < 30,000/mm³",
       ("platelets",), _plt("<", "30")),
    _s("infection", "infectious", "absolute", "strong clinical suspicion or documented",
       ("infection_suspected",), _flag("infection_suspected")),
    _s("mental_status_change", "neurologic", "absolute", "mental status changes",
       ("mental_status_change",), _flag("mental_status_change")),
    _s("disorientation", "neurologic", "absolute",
       "disorientation, vivid dreams, emotional lability (column inferred)",
       ("disorientation_or_lability",), _flag("disorientation_or_lability"), Tag.UNVERIFIED),
    _s("resting_dyspnea", "pulmonary", "relative", "resting dyspnoea", ("resting_dyspnea",),
       _flag("resting_dyspnea")),
    _s("crackles_third", "pulmonary", "relative", "crackles in > 1/3 but < 1/2 of the chest",
       ("rales",), _rales("third")),
    _s("crackles_half", "pulmonary", "absolute", "crackles in > 1/2 of the chest", ("rales",),
       _rales("half")),
    _s("o2_3_to_4_l", "pulmonary", "relative", "3-4 L oxygen for saturations > 95 %",
       ("o2_nasal_cannula_l_min",), _num("o2_nasal_cannula_l_min", "between", "3", "4")),
    _s("o2_above_4_l_or_mask", "pulmonary", "absolute",
       "> 4 L oxygen or 40 % mask for saturations > 95 %",
       ("o2_nasal_cannula_l_min", "o2_mask_40pct"), _o2_high),
    _s("intubation", "pulmonary", "absolute", "intubation", ("intubated_hours",), _intubated),
    _s("urine_80_160_per_8h", "renal", "relative", "urine output 80-160 mL/8 hours",
       ("urine_ml_per_shift",), _num("urine_ml_per_shift", "between", "80", "160")),
    _s("urine_below_80_per_8h", "renal", "absolute", "urine < 80 mL/8 hours",
       ("urine_ml_per_shift",), _num("urine_ml_per_shift", "<", "80")),
    _s("urine_10_20_per_h", "renal", "relative", "urine 10-20 mL/hour", ("urine_ml_per_h",),
       _num("urine_ml_per_h", "between", "10", "20")),
    _s("urine_below_10_per_h", "renal", "absolute", "urine < 10 mL/hour", ("urine_ml_per_h",),
       _num("urine_ml_per_h", "<", "10")),
    _s("creatinine_2_5_to_2_9", "renal", "relative", "creatinine 2.5-2.9 mg/dL",
       ("creatinine",), _creat("band", "2.5", "3")),
    _s("creatinine_3_or_more", "renal", "absolute", "creatinine ≥ 3 mg/dL", ("creatinine",),
       _creat(">=", "3")),
    _s("weight_gain_15", "weight", "relative", "weight gain 15 % over baseline (read as ≥ 15 %)",
       ("weight_gain_pct",), _num("weight_gain_pct", ">=", "15"), Tag.UNVERIFIED),
)

RULESETS: dict[str, tuple[Rule, ...]] = {
    "label": LABEL,
    "dutcher2014": DUTCHER2014,
    "springerplus2015": SPRINGERPLUS2015,
}
