"""The hold / stop rule tables, versioned and cited, written as data.

Three rule sets (the label's dose-modification rows and two institutions' criteria; see
docs/dose-holds.md, docs/decisions.md#resume-bands and #springerplus-variant):

``label`` (version ``proleukin-label/PLR+older``)
    The US label's withhold and permanently-discontinue rows.  Rows of the current (PLR) label
    are tagged *verified*; rows retrieved only from the older label are tagged *memory* and say
    so (renal, hepatic, skin, infection, lethargy).  Hold bands are deliberate
    (docs/decisions.md#resume-bands): hold when SpO2 < 90 %, resume only when SpO2 > 90 % - a
    held patient at exactly 90 % stays held; hold when creatinine > 4.5 mg/dL, resume only
    below 4.0.  A hold stays in force until its resume condition is met, across the rest
    between cycles too (docs/decisions.md#holds-across-rest).  The rows that stop IL-2
    permanently are also the label's retreatment contraindications
    (:func:`retreatment_exclusions`, read by the after-course decision).
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

Each row is data: its condition is built from :class:`~hdil2.clinical.toxicity.holds.logic.
Threshold` entries (an observation, one of the operators the CTCAE grading uses, an exact
bound), :class:`~hdil2.clinical.toxicity.holds.logic.Flag` and ``OneOf`` entries, combined with
all / any / not; its resume condition (:class:`Resume`) is data too.  The words of a row -
its criterion and its resume condition - are generated from those entries (:func:`describe`,
with the observations' words in :data:`NUMBER_WORDS`, :data:`CATEGORY_WORDS` and
:data:`FLAG_WORDS`), so the prose cannot drift from the thresholds; a row's ``note`` adds only
what the entries cannot say (which label, how a printed range was read).

A condition is three-valued (:mod:`hdil2.clinical.toxicity.holds.logic`) over the observations
in the rule's units (:func:`environment`); a row that the known observations do not decide is
*not evaluated*.  Comparisons are exact (``Fraction``).  ``hdil2 rules`` lists every row
(:func:`listing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hdil2.clinical.toxicity.holds.logic import (
    All,
    AnyOf,
    Cond,
    Flag,
    Not,
    OneOf,
    Threshold,
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
    none_of,
    walk,
)
from hdil2.clinical.toxicity.holds.observations import DoseObservations as Obs
from hdil2.clinical.toxicity.holds.observations import field_domain
from hdil2.clinical.toxicity.operators import SYMBOL, Op, fmt, with_unit
from hdil2.core.errors import InputError
from hdil2.core.policy import Policy
from hdil2.core.quantity import Quantity
from hdil2.core.result import Result
from hdil2.core.sources import Tag

Action = Literal["hold", "stop_course", "stop_permanently", "relative", "absolute"]
RuleSetName = Literal["label", "dutcher2014", "springerplus2015"]

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


# --- how the rules speak of each observation ------------------------------------------------------

#: a numeric observation: its words, with ``{}`` where the comparison goes, and its unit in the
#: rules' environment (:func:`environment`)
NUMBER_WORDS: dict[str, tuple[str, str]] = {
    "spo2_pct": ("SpO2 {}", "%"),
    "intubated_hours": ("intubation for {}", "h"),
    "o2_nasal_cannula_l_min": ("O2 by nasal cannula {} to keep SpO2 ≥ 95 %", "L/min"),
    "sbp_mmhg": ("systolic BP {}", "mmHg"),
    "phenylephrine_max_ug_kg_min": ("highest phenylephrine rate during the interval {}",
                                    "µg/kg/min"),
    "phenylephrine_at_dosing_ug_kg_min": ("phenylephrine at the time of dosing {}", "µg/kg/min"),
    "heart_rate_bpm": ("sinus rate {} persisting at dosing after correcting hypotension and "
                       "fever", "/min"),
    "coma_or_toxic_psychosis_hours": ("coma or toxic psychosis lasting {}", "h"),
    "diarrhea_ml_per_shift": ("diarrhoea {} in the last shift", "mL"),
    "shifts_with_diarrhea_1000ml": ("consecutive shifts (this one included) with ≥ 1000 mL "
                                    "diarrhoea {}", ""),
    "bilirubin": ("bilirubin {}", "mg/dL"),
    "platelets": ("platelets {}", "× 10⁹/L"),
    "weight_gain_pct": ("weight gain over baseline {}", "%"),
    "creatinine": ("serum creatinine {}", "mg/dL"),
    "creatinine_fall_mg_dl": ("creatinine fall since the hold {}", "mg/dL"),
    "urine_ml_per_h": ("urine output {}", "mL/h"),
    "oliguria_hours": ("urine output < 10 mL/h for {}", "h"),
    "urine_ml_per_shift": ("urine output {} per 8-h shift", "mL"),
    "dialysis_hours": ("renal failure requiring dialysis for {}", "h"),
    "bicarbonate": ("serum HCO3 {}", "mmol/L"),
}

#: a categorical observation: its words, with ``{}`` where the values go, and each value's words
CATEGORY_WORDS: dict[str, tuple[str, dict[str, str]]] = {
    "rales": ("rales (crackles) {} up the chest",
              {"none": "none of the way", "third": "a third of the way", "half": "half-way"}),
    "lethargy": ("{} lethargy or somnolence",
                 {"none": "no", "mild": "mild", "moderate": "moderate", "severe": "severe"}),
    "pressor_trend": ("vasopressor need {}", {"none": "none", "improving": "improving",
                                              "stable": "stable", "increasing": "increasing"}),
    "creatinine_trend": ("creatinine {}", {"falling": "falling", "stable": "stable",
                                           "rising": "rising"}),
}

#: a yes/no observation: what "yes" means
FLAG_WORDS: dict[str, str] = {
    "resting_dyspnea": "shortness of breath at rest",
    "o2_mask_40pct": "40 % mask needed to keep SpO2 ≥ 95 %",
    "on_pressors_for_hypotension": "hypotension requiring pressors",
    "atrial_fibrillation": "atrial fibrillation",
    "svt": "supraventricular tachycardia",
    "bradycardia_needing_treatment": "bradycardia that needs treatment or is recurrent or "
    "persistent",
    "sustained_vt": "sustained ventricular tachycardia (≥ 5 beats)",
    "ventricular_arrhythmia": "ventricular arrhythmia, including frequent PVCs or bigeminy",
    "uncontrolled_arrhythmia": "cardiac rhythm disturbance not controlled or unresponsive to "
    "management",
    "ischemia_or_chest_pain": "ECG changes of ischaemia or myocardial infarction, or angina / "
    "chest pain",
    "cardiac_enzymes_elevated": "raised CK-MB or troponin",
    "cardiac_tamponade": "cardiac tamponade",
    "mental_status_change": "mental status change, including moderate confusion or agitation",
    "mental_status_not_reversible_2h": "mental status changes not reversible in 2 hours",
    "seizures_repetitive": "repetitive or difficult-to-control seizures",
    "vivid_dreams": "vivid dreams",
    "mild_anxiety": "mild anxiety",
    "hallucinations": "hallucinations",
    "persistent_crying": "persistent crying",
    "fails_serial7s_or_world": "unable to subtract serial 7s or spell WORLD backward",
    "disorientation_or_lability": "disorientation, vivid dreams or emotional lability",
    "fit_fobt_positive": "FIT or FOBT (stool guaiac) positive",
    "bowel_ischemia_or_perforation": "bowel ischaemia or perforation",
    "gi_bleeding_requiring_surgery": "GI bleeding requiring surgery",
    "hepatic_failure_signs": "signs of hepatic failure (encephalopathy, increasing ascites, "
    "liver pain, hypoglycaemia)",
    "vomiting_refractory": "vomiting not responsive to medication",
    "ileus_or_distension": "ileus or abdominal distension",
    "distension_affecting_breathing": "severe abdominal distension affecting breathing",
    "severe_abdominal_pain": "severe, unrelenting abdominal pain",
    "heme_positive_secretions": "heme-positive (guaiac-positive) sputum, emesis or stool",
    "frank_blood": "frank blood in sputum, emesis or stool",
    "infection_suspected": "strong clinical suspicion of, or documented, infection",
    "sepsis_unstable": "sepsis syndrome, clinically unstable",
    "bullous_dermatitis": "bullous dermatitis or marked worsening of a pre-existing skin "
    "condition",
    "moist_desquamation": "moist desquamation",
    "extreme_tightness": "extreme tightness",
    "extreme_paresthesias": "extreme paraesthesias",
    "severe_volume_overload": "severe volume overload",
    "acidosis": "acidosis",
    "hyperkalemia": "hyperkalaemia",
}


def unit_of(field: str) -> str:
    """The unit of a numeric observation in the rules' environment."""
    return NUMBER_WORDS[field][1]


def _values_text(field: str, values: frozenset[str | bool]) -> str:
    words = CATEGORY_WORDS[field][1]
    chosen = [w for v, w in words.items() if v in values]
    if len(chosen) < 2:
        return "".join(chosen)
    return f"{', '.join(chosen[:-1])} or {chosen[-1]}"


def _bounds(parts: tuple[Threshold, ...]) -> str:
    field = parts[0].field
    template, unit = NUMBER_WORDS[field]
    cmp = " and ".join(f"{SYMBOL[p.op]} {fmt(p.value)}" for p in parts)
    return template.format(with_unit(cmp, unit))


def _same_field_thresholds(parts: tuple[Cond, ...]) -> tuple[Threshold, ...] | None:
    """``parts`` if they are all thresholds on one observation (a range), else ``None``."""
    ths = tuple(p for p in parts if isinstance(p, Threshold))
    if parts and len(ths) == len(parts) and len({t.field for t in ths}) == 1:
        return ths
    return None


def describe(cond: Cond) -> str:
    """A condition in words, generated from its entries: ``SpO2 < 90 %``; a range on one
    observation as ``sinus rate ≥ 100 and ≤ 130/min ...``; ``A or (B and C)``."""
    if isinstance(cond, Threshold):
        return _bounds((cond,))
    if isinstance(cond, Flag):
        return FLAG_WORDS[cond.field]
    if isinstance(cond, OneOf):
        return CATEGORY_WORDS[cond.field][0].format(_values_text(cond.field, cond.values))
    if isinstance(cond, All):
        same = _same_field_thresholds(cond.parts)
        if same is not None:
            return _bounds(same)
        return " and ".join(_nested(p) for p in cond.parts)
    if isinstance(cond, AnyOf):
        return " or ".join(_nested(p) for p in cond.parts)
    inner = cond.part
    if isinstance(inner, AnyOf) and all(isinstance(p, Flag) for p in inner.parts):
        return "none of: " + "; ".join(describe(p) for p in inner.parts)
    if isinstance(inner, Flag):
        return f"no {describe(inner)}"
    return f"not ({describe(inner)})"


def _nested(cond: Cond) -> str:
    """A part of a combination in words, in parentheses when it is a combination itself."""
    text = describe(cond)
    if isinstance(cond, AnyOf) and len(cond.parts) > 1:
        return f"({text})"
    if isinstance(cond, All) and len(cond.parts) > 1 \
            and _same_field_thresholds(cond.parts) is None:
        return f"({text})"
    return text


# --- rows ----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Resume:
    """When a held dose may resume.

    ``when`` is the condition, as data, for a row whose resume condition is not simply "the
    hold condition no longer holds" (a band: hold when SpO2 < 90 %, resume when SpO2 > 90 %);
    a patient held by the row stays held while it is not met.  ``words`` is what the source
    adds that hdil2 does not evaluate ("asymptomatic with full recovery to normal sinus
    rhythm"); with ``when`` given, they are shown after it.
    """

    when: Cond | None = None
    words: str = ""


@dataclass(frozen=True, slots=True)
class Retreatment:
    """A row that is also a retreatment contraindication: an earlier course with this event
    bars another course.  ``code`` names the event in a course record (``hdil2 next-course``);
    ``words`` is the contraindication's own wording where it is narrower than the row's
    condition (chest pain *with* ECG changes); ``tag`` how well the contraindication was
    checked (it may be better checked than the row's action)."""

    code: str
    tag: Tag
    words: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of a hold/stop table, as data.

    ``when`` is the row's condition; ``resumption`` when a held dose may resume; ``note`` what
    the entries cannot say.  The row's words (:attr:`criterion`, :attr:`resume`) are generated
    from the entries.
    """

    id: str
    ruleset: str
    system: str
    action: Action
    when: Cond
    source: str
    tag: Tag
    resumption: Resume | None = None
    note: str = ""
    retreatment: Retreatment | None = None

    @property
    def criterion(self) -> str:
        """The row's condition in words (generated), with its note."""
        text = describe(self.when)
        return f"{text} ({self.note})" if self.note else text

    @property
    def resume(self) -> str | None:
        """When a held dose may resume, in words (generated from the resume condition)."""
        r = self.resumption
        if r is None:
            return None
        if r.when is None:
            return r.words or None
        text = describe(r.when)
        extra = [*_band_notes(self.when, r.when), *([r.words] if r.words else [])]
        return f"{text} ({'; '.join(extra)})" if extra else text

    @property
    def still_held(self) -> Cond | None:
        """For a row with a resume condition of its own: the condition under which a patient
        held by this row stays held (its negation)."""
        r = self.resumption
        return Not(r.when) if r is not None and r.when is not None else None

    @property
    def needs(self) -> tuple[str, ...]:
        """The observations the row's condition reads."""
        return tuple(sorted(self.when.fields()))


def _band_notes(hold: Cond, resume: Cond) -> list[str]:
    """A held patient at exactly a shared bound stays held when both comparisons are strict
    (hold below 90, resume above 90): said in words, generated from the two entries."""
    out: list[str] = []
    holds = [c for c in walk(hold) if isinstance(c, Threshold)]
    for r in (c for c in walk(resume) if isinstance(c, Threshold)):
        for h in holds:
            if h.field == r.field and h.value == r.value and {h.op, r.op} == {"<", ">"}:
                out.append(f"a held patient at exactly "
                           f"{with_unit(fmt(r.value), unit_of(r.field))} stays held")
    return out


def _label(rid: str, system: str, action: Action, when: Cond, tag: Tag,
           resume: Resume | None = None, note: str = "",
           retreatment: Retreatment | None = None) -> Rule:
    return Rule(f"label.{rid}", "label", system, action, when, "proleukin-label", tag, resume,
                note, retreatment)


_REASSESS = Resume(words="reassess at the next scheduled dose")


def _d(rid: str, system: str, action: Action, when: Cond, tag: Tag = Tag.VERIFIED,
       note: str = "") -> Rule:
    return Rule(f"dutcher2014.{rid}", "dutcher2014", system, action, when, "dutcher2014", tag,
                _REASSESS if action == "relative" else None, note)


def _s(rid: str, system: str, action: Action, when: Cond, tag: Tag = Tag.VERIFIED,
       note: str = "") -> Rule:
    return Rule(f"springerplus2015.{rid}", "springerplus2015", system, action, when,
                "springerplus2015", tag, _REASSESS if action == "relative" else None, note)


# --- label -------------------------------------------------------------------------------------

_CREAT_EXTRAS = (flag("severe_volume_overload"), flag("acidosis"), flag("hyperkalemia"))
_CREAT_HOLD = any_(gt("creatinine", "4.5"), all_(ge("creatinine", "4"), any_(*_CREAT_EXTRAS)))
_CREAT_RESUME = Resume(all_(lt("creatinine", "4"), none_of(*_CREAT_EXTRAS)),
                       "fluid and electrolyte status stable")
_SBP_RESUME = Resume(all_(ge("sbp_mmhg", "90"),
                          is_("pressor_trend", "none", "improving", "stable")), "older label")
_OLIGURIA = all_(ge("oliguria_hours", "16"), is_("creatinine_trend", "rising"))
_OLIGURIA_RESUME = Resume(all_(gt("urine_ml_per_h", "10"),
                               any_(is_("creatinine_trend", "falling"),
                                    gt("creatinine_fall_mg_dl", "1"))))
_SINUS = Resume(words="asymptomatic with full recovery to normal sinus rhythm")
_OLDER = "older label"
_V, _M = Tag.VERIFIED, Tag.MEMORY

LABEL: tuple[Rule, ...] = (
    _label("atrial_fibrillation", "cardiovascular", "hold", flag("atrial_fibrillation"), _V,
           _SINUS),
    _label("svt", "cardiovascular", "hold", flag("svt"), _V, _SINUS),
    _label("bradycardia", "cardiovascular", "hold", flag("bradycardia_needing_treatment"), _V,
           _SINUS),
    _label("sbp_below_90", "cardiovascular", "hold", lt("sbp_mmhg", "90"), _V, _SBP_RESUME),
    _label("spo2_below_90", "respiratory", "hold", lt("spo2_pct", "90"), _V,
           Resume(gt("spo2_pct", "90"))),
    _label("mental_status_change", "neurologic", "hold", flag("mental_status_change"), _V,
           Resume(words="mental status change completely resolved")),
    _label("fit_fobt_positive", "gastrointestinal", "hold", flag("fit_fobt_positive"), _V,
           Resume(words="FIT/FOBT negative")),
    _label("creatinine_above_4_5", "renal", "hold", _CREAT_HOLD, _M, _CREAT_RESUME, _OLDER),
    _label("oliguria", "renal", "hold", _OLIGURIA, _M, _OLIGURIA_RESUME,
           "persistent oliguria; older label, which says for 16-24 h: read as at least 16 h"),
    _label("bullous_dermatitis", "skin", "hold", flag("bullous_dermatitis"), _M,
           Resume(words="all signs resolved"), "older label; avoid topical steroids"),
    _label("sepsis_unstable", "infection", "hold", flag("sepsis_unstable"), _M,
           Resume(words="sepsis resolved, clinically stable, infection under treatment"),
           _OLDER),
    _label("lethargy", "neurologic", "hold", is_("lethargy", "moderate", "severe"), _M,
           Resume(words="lethargy resolved"),
           "boxed warning: continuing may cause coma; older label"),
    _label("hepatic_failure", "hepatic", "stop_course", flag("hepatic_failure_signs"), _M,
           Resume(words="a new course only after full resolution, ≥ 7 weeks after the event "
                  "and discharge"), "stop for the rest of the course; older label"),
    # permanently discontinue: each is also a retreatment contraindication (older label,
    # contraindications; verified), named as a course record names it
    _label("sustained_vt", "cardiovascular", "stop_permanently", flag("sustained_vt"), _V,
           retreatment=Retreatment("sustained_vt", _V)),
    _label("uncontrolled_arrhythmia", "cardiovascular", "stop_permanently",
           flag("uncontrolled_arrhythmia"), _V,
           retreatment=Retreatment("uncontrolled_arrhythmia", _V)),
    _label("ischemia_or_chest_pain", "cardiovascular", "stop_permanently",
           flag("ischemia_or_chest_pain"), _V,
           retreatment=Retreatment("chest_pain_ecg_changes", _V,
                                   "chest pain with ECG changes consistent with angina or "
                                   "myocardial infarction")),
    _label("cardiac_tamponade", "cardiovascular", "stop_permanently", flag("cardiac_tamponade"),
           _V, retreatment=Retreatment("cardiac_tamponade", _V)),
    _label("intubation_over_72h", "respiratory", "stop_permanently",
           gt("intubated_hours", "72"), _V, retreatment=Retreatment("intubation_over_72h", _V)),
    _label("coma_or_psychosis_over_48h", "neurologic", "stop_permanently",
           gt("coma_or_toxic_psychosis_hours", "48"), _V,
           retreatment=Retreatment("coma_or_psychosis_over_48h", _V)),
    _label("seizures_repetitive", "neurologic", "stop_permanently",
           flag("seizures_repetitive"), _V, retreatment=Retreatment("repetitive_seizures", _V)),
    _label("bowel_ischemia_perforation", "gastrointestinal", "stop_permanently",
           flag("bowel_ischemia_or_perforation"), _V,
           retreatment=Retreatment("bowel_ischaemia_perforation", _V)),
    _label("gi_bleeding_surgery", "gastrointestinal", "stop_permanently",
           flag("gi_bleeding_requiring_surgery"), _V,
           retreatment=Retreatment("gi_bleeding_surgery", _V)),
    # the discontinue row is from the older label's dose modifications (memory); the same event
    # is among its checked retreatment contraindications (verified)
    _label("dialysis_over_72h", "renal", "stop_permanently", gt("dialysis_hours", "72"), _M,
           note=_OLDER, retreatment=Retreatment("dialysis_over_72h", _V)),
)


# --- institutional criteria ----------------------------------------------------------------------

_O2_HIGH = any_(gt("o2_nasal_cannula_l_min", "4"), flag("o2_mask_40pct"))
_INFERRED = "column inferred from flattened text"
_U = Tag.UNVERIFIED

DUTCHER2014: tuple[Rule, ...] = (
    _d("sinus_tachycardia_100_130", "cardiovascular", "relative",
       between("heart_rate_bpm", "100", "130")),
    _d("sinus_tachycardia_above_130", "cardiovascular", "absolute", gt("heart_rate_bpm", "130")),
    _d("ecg_ischemia", "cardiovascular", "absolute", flag("ischemia_or_chest_pain"),
       note="the table says ECG indications of ischaemia"),
    _d("atrial_fibrillation", "cardiovascular", "absolute", flag("atrial_fibrillation")),
    _d("svt", "cardiovascular", "absolute", flag("svt")),
    _d("ventricular_arrhythmia", "cardiovascular", "absolute", flag("ventricular_arrhythmia")),
    _d("cardiac_enzymes", "cardiovascular", "absolute", flag("cardiac_enzymes_elevated")),
    _d("moist_desquamation", "dermatologic", "absolute", flag("moist_desquamation")),
    _d("diarrhea_1000_one_shift", "gastrointestinal", "relative",
       eq("shifts_with_diarrhea_1000ml", "1")),
    _d("diarrhea_1000_two_shifts", "gastrointestinal", "absolute",
       ge("shifts_with_diarrhea_1000ml", "2")),
    _d("vomiting_refractory", "gastrointestinal", "absolute", flag("vomiting_refractory"), _U,
       _INFERRED),
    _d("ileus_distension", "gastrointestinal", "relative", flag("ileus_or_distension")),
    _d("distension_breathing", "gastrointestinal", "absolute",
       flag("distension_affecting_breathing")),
    _d("bilirubin_above_7", "gastrointestinal", "relative", gt("bilirubin", "7")),
    _d("abdominal_pain", "gastrointestinal", "absolute", flag("severe_abdominal_pain")),
    _d("phenylephrine_max_1_to_1_5", "hemodynamic", "relative",
       between("phenylephrine_max_ug_kg_min", "1", "1.5"), _U,
       "the table prints 1-1.5 and 1.5-2.0 µg/kg/min; 1.5 itself read as relative"),
    _d("phenylephrine_max_above_1_5", "hemodynamic", "absolute",
       gt("phenylephrine_max_ug_kg_min", "1.5"), _U,
       "the table prints 1.5-2.0 µg/kg/min; read as any rate above 1.5"),
    _d("phenylephrine_at_dosing_above_0_5", "hemodynamic", "relative",
       all_(gt("phenylephrine_at_dosing_ug_kg_min", "0.5"),
            le("phenylephrine_at_dosing_ug_kg_min", "0.8"))),
    _d("phenylephrine_at_dosing_above_0_8", "hemodynamic", "absolute",
       gt("phenylephrine_at_dosing_ug_kg_min", "0.8")),
    _d("heme_positive", "hemorrhagic", "relative", flag("heme_positive_secretions")),
    _d("frank_blood", "hemorrhagic", "absolute", flag("frank_blood")),
    _d("platelets_30_50k", "hemorrhagic", "relative", between("platelets", "30", "50")),
    _d("platelets_below_30k", "hemorrhagic", "absolute", lt("platelets", "30")),
    _d("infection", "infectious", "absolute", flag("infection_suspected")),
    _d("weight_gain_above_15", "musculoskeletal", "relative", gt("weight_gain_pct", "15")),
    _d("extreme_tightness", "musculoskeletal", "relative", flag("extreme_tightness")),
    _d("extreme_paresthesias", "musculoskeletal", "absolute", flag("extreme_paresthesias")),
    _d("vivid_dreams", "neurologic", "relative", flag("vivid_dreams")),
    _d("mild_anxiety", "neurologic", "relative", flag("mild_anxiety")),
    _d("hallucinations", "neurologic", "absolute", flag("hallucinations")),
    _d("persistent_crying", "neurologic", "absolute", flag("persistent_crying")),
    _d("mental_status_not_reversible", "neurologic", "absolute",
       flag("mental_status_not_reversible_2h")),
    _d("serial_sevens", "neurologic", "absolute", flag("fails_serial7s_or_world")),
    _d("resting_dyspnea", "pulmonary", "relative", flag("resting_dyspnea")),
    _d("o2_3_to_4_l", "pulmonary", "relative", between("o2_nasal_cannula_l_min", "3", "4")),
    _d("o2_above_4_l_or_mask", "pulmonary", "absolute", _O2_HIGH),
    _d("intubation", "pulmonary", "absolute", gt("intubated_hours", "0")),
    _d("rales_third", "pulmonary", "relative", is_("rales", "third")),
    _d("rales_half", "pulmonary", "absolute", is_("rales", "half"),
       note="the table says moist rales"),
    _d("urine_80_160", "renal", "relative", between("urine_ml_per_shift", "80", "160")),
    _d("urine_below_80", "renal", "absolute", lt("urine_ml_per_shift", "80")),
    _d("creatinine_2_5_to_2_9", "renal", "relative",
       all_(ge("creatinine", "2.5"), lt("creatinine", "3")),
       note="the table prints 2.5-2.9 mg/dL; values from 2.9 to 3 read as relative"),
    _d("creatinine_3_or_more", "renal", "absolute", ge("creatinine", "3")),
    _d("hco3_18_or_less", "renal", "absolute", le("bicarbonate", "18"), _U, _INFERRED),
)


SPRINGERPLUS2015: tuple[Rule, ...] = (
    _s("sinus_tachycardia_120_130", "cardiac", "relative",
       between("heart_rate_bpm", "120", "130")),
    _s("sinus_tachycardia_above_130", "cardiac", "absolute", gt("heart_rate_bpm", "130")),
    _s("ekg_ischemia", "cardiac", "absolute", flag("ischemia_or_chest_pain"),
       note="the table says EKG ischaemia"),
    _s("atrial_fibrillation", "cardiac", "absolute", flag("atrial_fibrillation")),
    _s("ventricular_arrhythmia", "cardiac", "absolute", flag("ventricular_arrhythmia")),
    _s("cardiac_enzymes", "cardiac", "absolute", flag("cardiac_enzymes_elevated")),
    _s("moist_desquamation", "dermatologic", "absolute", flag("moist_desquamation")),
    _s("diarrhea_above_1000", "gastrointestinal", "relative",
       gt("diarrhea_ml_per_shift", "1000")),
    _s("vomiting_refractory", "gastrointestinal", "absolute", flag("vomiting_refractory")),
    _s("abdominal_pain", "gastrointestinal", "absolute", flag("severe_abdominal_pain")),
    _s("abdominal_distension", "gastrointestinal", "absolute", flag("ileus_or_distension"),
       note="the table says abdominal distension"),
    _s("pressors", "hemodynamic", "absolute", flag("on_pressors_for_hypotension")),
    _s("guaiac_positive", "hemorrhage", "relative", flag("heme_positive_secretions")),
    _s("frank_blood", "hemorrhage", "absolute", flag("frank_blood")),
    _s("platelets_30_50k", "hemorrhage", "relative", between("platelets", "30", "50")),
    _s("platelets_below_30k", "hemorrhage", "absolute", lt("platelets", "30")),
    _s("infection", "infectious", "absolute", flag("infection_suspected")),
    _s("mental_status_change", "neurologic", "absolute", flag("mental_status_change")),
    _s("disorientation", "neurologic", "absolute", flag("disorientation_or_lability"), _U,
       "column inferred"),
    _s("resting_dyspnea", "pulmonary", "relative", flag("resting_dyspnea")),
    _s("crackles_third", "pulmonary", "relative", is_("rales", "third"),
       note="the table says crackles in more than a third but less than half of the chest"),
    _s("crackles_half", "pulmonary", "absolute", is_("rales", "half"),
       note="the table says crackles in more than half of the chest"),
    _s("o2_3_to_4_l", "pulmonary", "relative", between("o2_nasal_cannula_l_min", "3", "4"),
       note="the table says for saturations above 95 %"),
    _s("o2_above_4_l_or_mask", "pulmonary", "absolute", _O2_HIGH,
       note="the table says for saturations above 95 %"),
    _s("intubation", "pulmonary", "absolute", gt("intubated_hours", "0")),
    _s("urine_80_160_per_8h", "renal", "relative", between("urine_ml_per_shift", "80", "160")),
    _s("urine_below_80_per_8h", "renal", "absolute", lt("urine_ml_per_shift", "80")),
    _s("urine_10_20_per_h", "renal", "relative", between("urine_ml_per_h", "10", "20")),
    _s("urine_below_10_per_h", "renal", "absolute", lt("urine_ml_per_h", "10")),
    _s("creatinine_2_5_to_2_9", "renal", "relative",
       all_(ge("creatinine", "2.5"), lt("creatinine", "3")),
       note="the table prints 2.5-2.9 mg/dL; values from 2.9 to 3 read as relative"),
    _s("creatinine_3_or_more", "renal", "absolute", ge("creatinine", "3")),
    _s("weight_gain_15", "weight", "relative", ge("weight_gain_pct", "15"), _U,
       "the table prints 15 % over baseline: read as at least 15 %"),
)

RULESETS: dict[str, tuple[Rule, ...]] = {
    "label": LABEL,
    "dutcher2014": DUTCHER2014,
    "springerplus2015": SPRINGERPLUS2015,
}

ALL_RULES: tuple[Rule, ...] = tuple(r for rs in RULESETS.values() for r in rs)
RULES: dict[str, Rule] = {r.id: r for r in ALL_RULES}


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


# --- the label's retreatment contraindications, from the same rows ------------------------------

@dataclass(frozen=True, slots=True)
class RetreatmentExclusion(Result):
    """An event of an earlier course that bars another course of HD IL-2: ``code`` as a course
    record names it, the label row it comes from (``rule``), its words (generated from the
    row's condition, or the contraindication's own narrower wording), source and tag."""

    code: str
    rule: str
    text: str
    source: str
    tag: Tag


def retreatment_exclusions() -> dict[str, RetreatmentExclusion]:
    """The label's retreatment contraindications, by code: derived from the label rows that
    stop IL-2 permanently (each carries its :class:`Retreatment`)."""
    out: dict[str, RetreatmentExclusion] = {}
    for r in LABEL:
        x = r.retreatment
        if x is not None:
            out[x.code] = RetreatmentExclusion(x.code, r.id, x.words or describe(r.when),
                                               r.source, x.tag)
    return out


# --- listing the rules (``hdil2 rules``) ---------------------------------------------------------

TermOp = Literal["<", "<=", ">", ">=", "==", "in", "all", "any", "not"]


@dataclass(frozen=True, slots=True)
class Term(Result):
    """A condition as data.  A threshold: ``op`` one of ``< <= > >= ==``, ``field``, ``value``
    and ``unit``; a flag or category: ``op`` ``in``, ``field`` and ``values``; a combination:
    ``op`` ``all``, ``any`` or ``not`` and its ``parts``.  ``text`` is its words (generated)."""

    op: TermOp
    field: str | None
    value: Decimal | None
    values: tuple[str | bool, ...] | None
    unit: str | None
    text: str
    parts: tuple[Term, ...]


def _decimal(x: Fraction) -> Decimal:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    if Fraction(d) != x:  # pragma: no cover - every bound of the tables is a decimal
        raise ValueError(f"{x} has no exact decimal form")
    return d


def as_term(cond: Cond) -> Term:
    """A condition as :class:`Term` data (what ``hdil2 rules --json`` prints)."""
    text = describe(cond)
    if isinstance(cond, Threshold):
        return Term(cond.op, cond.field, _decimal(cond.value), None, unit_of(cond.field), text,
                    ())
    if isinstance(cond, Flag):
        return Term("in", cond.field, None, (True,), None, text, ())
    if isinstance(cond, OneOf):
        order = [v for v in CATEGORY_WORDS[cond.field][1] if v in cond.values]
        return Term("in", cond.field, None, tuple(order), None, text, ())
    if isinstance(cond, Not):
        return Term("not", None, None, None, None, text, (as_term(cond.part),))
    op: TermOp = "all" if isinstance(cond, All) else "any"
    return Term(op, None, None, None, None, text, tuple(as_term(p) for p in cond.parts))


ACTION_TEXT: dict[str, str] = {
    "hold": "hold the dose until the resume condition is met",
    "stop_course": "stop for the rest of the course",
    "stop_permanently": "stop IL-2 permanently (no retreatment)",
    "relative": "relative criterion: hold the dose",
    "absolute": f"absolute criterion: stop for the rest of the cycle, or of the course "
    f"(policy {STOP_SCOPE.name})",
}


@dataclass(frozen=True, slots=True)
class CountRule(Result):
    """A rule of a whole rule set that counts: stop when at least ``at_least`` of ``what``
    (the SpringerPlus variant's three relative criteria at once, three held doses)."""

    id: str
    ruleset: str
    action: Action
    what: str
    at_least: int
    text: str
    source: str
    tag: Tag

    @classmethod
    def of(cls, rid: str, ruleset: str, what: str, at_least: int, source: str,
           tag: Tag = Tag.VERIFIED) -> CountRule:
        return cls(rid, ruleset, "absolute", what, at_least,
                   f"{SYMBOL['>=']} {at_least} {what}", source, tag)


COUNT_RULES: dict[str, tuple[CountRule, ...]] = {
    "label": (),
    "dutcher2014": (),
    "springerplus2015": (
        CountRule.of("springerplus2015.three_relative", "springerplus2015",
                     "relative criteria met at once", 3, "springerplus2015"),
        CountRule.of("springerplus2015.three_held", "springerplus2015",
                     f"held doses, counted per cycle (or per course: policy "
                     f"{SPRINGER_HELD_SCOPE.name})", 3, "springerplus2015"),
    ),
}


@dataclass(frozen=True, slots=True)
class ResumeEntry(Result):
    """When a held dose may resume: its words (generated), the condition as data when the row
    has one of its own (a band), and what the source adds in words."""

    text: str
    when: Term | None
    words: str | None


@dataclass(frozen=True, slots=True)
class RuleEntry(Result):
    """One hold / stop row as ``hdil2 rules`` lists it."""

    id: str
    ruleset: str
    category: str
    action: Action
    action_text: str
    criterion: str
    when: Term
    reads: tuple[str, ...]
    resume: ResumeEntry | None
    note: str | None
    source: str
    tag: Tag
    retreatment_exclusion: str | None

    @classmethod
    def of(cls, r: Rule) -> RuleEntry:
        res = r.resumption
        resume = None if res is None or r.resume is None else ResumeEntry(
            r.resume, None if res.when is None else as_term(res.when), res.words or None)
        reads = sorted(r.when.fields() | (res.when.fields() if res and res.when else set()))
        return cls(r.id, r.ruleset, r.system, r.action, ACTION_TEXT[r.action], r.criterion,
                   as_term(r.when), tuple(reads), resume, r.note or None, r.source, r.tag,
                   r.retreatment.code if r.retreatment else None)


@dataclass(frozen=True, slots=True)
class RuleSetEntry(Result):
    """One rule set: its version, source, rows and counting rules."""

    name: str
    version: str
    source: str
    rules: tuple[RuleEntry, ...]
    count_rules: tuple[CountRule, ...]


@dataclass(frozen=True, slots=True)
class PolicyEntry(Result):
    """A named policy of the hold rules, its default and choices."""

    name: str
    default: str
    choices: tuple[str, ...]
    source: str
    text: str


@dataclass(frozen=True, slots=True)
class RuleListing(Result):
    """The hold and stop rules (``hdil2 rules``): the rule sets asked for (``set``; all when
    null), only the rows reading one observation when ``reads`` is given, the policies that
    shape them, and the label's retreatment contraindications derived from its rows."""

    set: RuleSetName | None
    reads: str | None
    rulesets: tuple[RuleSetEntry, ...]
    policies: tuple[PolicyEntry, ...]
    retreatment_exclusions: tuple[RetreatmentExclusion, ...]


class RulesRequest(BaseModel):
    """JSON input of ``hdil2 rules``: which rules to list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    set: RuleSetName | None = Field(
        None, description="one rule set (label, dutcher2014, springerplus2015); null = all")
    reads: str | None = Field(
        None, description="only the rules that read this observation (a field of "
        "`hdil2 schema dose-observations`, e.g. spo2_pct)")

    @field_validator("reads")
    @classmethod
    def _observation(cls, v: str | None) -> str | None:
        if v is not None and v not in Obs.model_fields:
            raise ValueError("not an observation of the hold rules (hdil2 schema "
                             "dose-observations lists them)")
        return v

    def list_rules(self) -> RuleListing:
        return listing(self.set, self.reads)


def listing(ruleset: str | None = None, reads: str | None = None) -> RuleListing:
    """Every rule of ``ruleset`` (all rule sets when ``None``), or only those whose condition
    or resume condition reads the observation ``reads``."""
    if ruleset is not None and ruleset not in RULESETS:
        raise InputError("set", f"unknown rule set; known: {', '.join(RULESETS)}", ruleset)
    if reads is not None and reads not in Obs.model_fields:
        raise InputError("reads", "not an observation of the hold rules (hdil2 schema "
                         "dose-observations lists them)", reads)
    names = list(RULESETS) if ruleset is None else [ruleset]
    sets = []
    for name in names:
        rows = tuple(e for e in (RuleEntry.of(r) for r in RULESETS[name])
                     if reads is None or reads in e.reads)
        counts = COUNT_RULES[name] if reads is None else ()
        source = "proleukin-label" if name == "label" else name
        sets.append(RuleSetEntry(name, RULESET_VERSIONS[name], source, rows, counts))
    policies = tuple(PolicyEntry(p.name, str(p.default), tuple(str(c) for c in p.choices),
                                 p.source, p.text) for p in (STOP_SCOPE, SPRINGER_HELD_SCOPE)
                     if ruleset != "label")
    exclusions = tuple(x for x in retreatment_exclusions().values()
                       if "label" in names and (reads is None or reads in RULES[x.rule].needs))
    chosen: RuleSetName | None = None if ruleset is None else _ruleset_name(ruleset)
    return RuleListing(chosen, reads, tuple(sets), policies, exclusions)


def _ruleset_name(name: str) -> RuleSetName:
    for known in ("label", "dutcher2014", "springerplus2015"):
        if name == known:
            return known
    raise InputError("set", f"unknown rule set; known: {', '.join(RULESETS)}", name)


def operators_used() -> frozenset[Op]:
    """The operators of every entry of every rule and resume condition."""
    out: set[Op] = set()
    for r in ALL_RULES:
        conds = [r.when] + ([r.resumption.when] if r.resumption and r.resumption.when else [])
        for c in conds:
            for node in walk(c):
                if isinstance(node, Threshold):
                    out.add(node.op)
                elif isinstance(node, Flag | OneOf):
                    out.add("in")
    return frozenset(out)
