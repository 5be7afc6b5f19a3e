"""Eligibility checklists for HD IL-2 (the trials' criteria and the Proleukin label).

Each criterion of a profile evaluates to ``met``, ``not_met`` or ``unknown``.  Missing data
makes a criterion ``unknown`` and names the missing fields; it never makes it ``met``.
The verdict of a profile is

* ``eligible`` — every criterion met;
* ``ineligible`` — at least one criterion not met (all failures are listed, and the missing
  fields too, so the record can be completed);
* ``incomplete`` — nothing failed, but some criteria are unknown (all missing fields listed).

Profiles (``eligibility_profile``).  Every profile for metastatic disease
includes the label's safety criteria ``label_minimum`` (E4, E7, E9-E14) because the label
applies to every use of the drug; the trial profiles add their own criteria:

* ``label_minimum``: E1 (metastatic RCC or melanoma) + E4 E7 E9 E10 E11 E12 E13 E14
* ``atkins1993``: E1 (RCC) E2 (ECOG ≤ 1) E3 (normal organ function) + label safety
* ``cwg_phase3``: E1 (RCC) E2 (ECOG ≤ 1; trial stratified PS 0 vs 1) + label safety
* ``lee2000_nci``: E1 (RCC or melanoma) E5 E6 E8 E15 + label safety (no ECOG limit: the NCI
  series treated 17 patients with ECOG 2-3, ``lee2000``)
* ``clark2003_adjuvant``: A1 A2 (with A3) A4 A5 + E7 E9 E10 E11 E13 E14
* ``shablak2011``: E1 (RCC) E16 (first line, favourable histology) + label safety (optional
  profile)

Rules that settle what the sources leave open
(docs/decisions.md#eligibility-ranges-and-windows):

* "within normal range" is inclusive, LLN ≤ x ≤ ULN.  Which limits E3 checks is the
  policy ``organ_function_range``: ``within_range`` (default, the literal reading: both limits
  of every lab) or ``dysfunction_side`` (creatinine, bilirubin, AST, ALT ≤ ULN; platelets,
  neutrophils, haemoglobin ≥ LLN).
* the ≥ 30-day washout counts calendar days from the end of the last other therapy to the
  planned first dose (30 days passes); Lee et al. 2000 (`lee2000`) counted to protocol entry,
  and the reason shows the dates so a reader can check either.
* stress-test and PFT validity windows are site settings with no default
  (:class:`EligibilitySettings`).  Unset, the criterion reports the test date and leaves
  validity to the clinician; set, an older test makes the criterion ``unknown`` (stale).
* TNM categories are compared as recorded in their edition and never mapped (criterion A2;
  which edition a trial used is unverified).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hdil2.clinical.selection.models.factors import ECOG_TO_KPS
from hdil2.clinical.selection.models.histology import favourable_histology
from hdil2.clinical.selection.models.policies import (
    ORGAN_FUNCTION_RANGE,
    PS_CONVERSION,
    SELECTION_POLICIES,
    validate_policies,
)
from hdil2.clinical.selection.patient import RETREATMENT_EVENT_TEXT, LabValue, Patient
from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Result
from hdil2.core.sources import Tag

Status = Literal["met", "not_met", "unknown"]
Verdict = Literal["eligible", "ineligible", "incomplete"]

ECOG_MAX = 1  # ECOG 0-1 (atkins1993; the CWG phase III in atkins2004 stratified PS 0 vs 1)
WASHOUT_DAYS = 30  # ≥ 30 days without other therapy (lee2000), counted to planned day 1

# lab -> the limit that signals dysfunction ("uln": too high is abnormal; "lln": too low)
ORGAN_FUNCTION_LABS: dict[str, Literal["uln", "lln"]] = {
    "creatinine": "uln", "bilirubin": "uln", "ast": "uln", "alt": "uln",
    "platelets": "lln", "neutrophils": "lln", "hemoglobin": "lln",
}

ADJUVANT_T = ("T3b", "T3c", "T4")  # clark2003; compared as recorded, never mapped
ADJUVANT_N = ("N1", "N2", "N3")


@dataclass(frozen=True, slots=True)
class EligibilitySettings:
    """Site settings without defaults: validity windows of pre-treatment tests, in days.

    ``None`` = not set: the criterion reports the test date and leaves validity to the
    clinician.  A test dated more than the window before planned day 1 is stale.
    """

    stress_test_valid_days: int | None = None
    pft_valid_days: int | None = None

    def __post_init__(self) -> None:
        for name in ("stress_test_valid_days", "pft_valid_days"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
                raise InputError(f"settings.{name}", "must be a whole number of days ≥ 0", v)


@dataclass(frozen=True, slots=True)
class CriterionResult(Result):
    """One criterion evaluated for one patient: met, not met or unknown (naming what is
    missing), with the reasons."""

    id: str
    title: str
    status: Status
    missing: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Context:
    """What a criterion may read besides the patient."""

    diseases: tuple[str, ...]
    policies: Mapping[str, Any]
    settings: EligibilitySettings


Evaluator = Callable[[Patient, Context], tuple[Status, list[Reason], list[str]]]


@dataclass(frozen=True, slots=True)
class Criterion:
    """A checklist item: id and title, its source and its evaluator."""

    id: str
    title: str
    source: str
    tag: Tag
    evaluate: Evaluator


@dataclass(frozen=True, slots=True)
class Profile:
    """A named checklist: the criteria a source requires, and the diseases it covers."""

    key: str
    title: str
    source: str
    criteria: tuple[str, ...]
    diseases: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class EligibilityResult(Result):
    """A profile's verdict with every criterion, the failures and the missing fields.

    ``failed`` and ``unknown`` are the ids of the criteria not met and unknown; ``missing``
    every missing field of every criterion (first-seen order).  Built by :meth:`of`.
    """

    profile: str
    title: str
    verdict: Verdict
    failed: tuple[str, ...]
    unknown: tuple[str, ...]
    missing: tuple[str, ...]
    criteria: tuple[CriterionResult, ...]
    reasons: tuple[Reason, ...]

    @classmethod
    def of(cls, profile: str, title: str, verdict: Verdict,
           criteria: tuple[CriterionResult, ...], reasons: tuple[Reason, ...]
           ) -> EligibilityResult:
        """The result of ``criteria``: the failed, unknown and missing lists are derived."""
        seen: dict[str, None] = {}
        for c in criteria:
            for m in c.missing:
                seen.setdefault(m, None)
        return cls(profile, title, verdict,
                   tuple(c.id for c in criteria if c.status == "not_met"),
                   tuple(c.id for c in criteria if c.status == "unknown"),
                   tuple(seen), criteria, reasons)

    def criterion(self, cid: str) -> CriterionResult:
        return next(c for c in self.criteria if c.id == cid)


# --- helpers ------------------------------------------------------------------------------------

Evaluation = tuple[Status, list[Reason], list[str]]


def _reason(cid: str, source: str, text: str, tag: Tag, **inputs: Any) -> Reason:
    return Reason(f"eligibility.{cid}", source, text, inputs, tag)


def _none_of(patient: Patient, cid: str, source: str, tag: Tag, group: str,
             names: Sequence[tuple[str, str]]) -> Evaluation:
    """Criteria of the form "none of these conditions" read from a sub-record of booleans."""
    rec = getattr(patient, group)
    present, missing, reasons = [], [], []
    for name, words in names:
        value = None if rec is None else getattr(rec, name)
        path = f"{group}.{name}"
        if value is None:
            missing.append(path)
        elif value:
            present.append(words)
            reasons.append(_reason(cid, source, f"{words}: excludes", tag, **{name: True}))
        else:
            reasons.append(_reason(cid, source, f"no {words}", tag, **{name: False}))
    if present:
        return "not_met", reasons, missing
    if missing:
        reasons.append(_reason(cid, source, f"not recorded: {', '.join(missing)}", tag))
        return "unknown", reasons, missing
    return "met", reasons, missing


def metastatic_status(patient: Patient) -> tuple[bool | None, str]:
    """Is the disease metastatic now?  (value, explanation); ``None`` when unknown.

    Metastatic when the M category is M1, a metastasis date is recorded, or a metastatic site
    is listed; not metastatic only when the record says so explicitly (``metastatic_sites:
    []``, no metastasis date, M category not M1).
    """
    m = None if patient.staging is None else patient.staging.m
    sites = patient.metastatic_sites
    if m is not None and m.startswith("M1"):
        return True, f"M category {m}"
    if sites:
        return True, f"metastatic sites {', '.join(sites)}"
    if patient.metastasis_date is not None:
        return True, f"metastasis diagnosed {patient.metastasis_date}"
    if sites == []:
        return False, f"no metastatic site recorded (metastatic_sites = []; M {m or 'n/a'})"
    return None, "M category and metastatic sites not recorded"


def _within_limits(lab: LabValue, side: str) -> tuple[bool | None, list[str]]:
    unit = lab.value.unit
    value = lab.value.exact(unit)
    need = ("lln", "uln") if side == "both" else (side,)
    missing = [n for n in need if getattr(lab, n) is None]
    low_ok = high_ok = True
    if lab.lln is not None and "lln" in need:
        low_ok = lab.lln.exact(unit) <= value
    if lab.uln is not None and "uln" in need:
        high_ok = value <= lab.uln.exact(unit)
    if not (low_ok and high_ok):
        return False, missing
    return (None if missing else True), missing


def _test_validity(cid: str, source: str, tag: Tag, test_date: dt.date | None,
                   window: int | None, day1: dt.date | None, path: str,
                   setting: str) -> tuple[Status | None, Reason, list[str]]:
    if window is None:
        when = f"dated {test_date}" if test_date else "date not recorded"
        return None, _reason(cid, source, f"test {when}; validity window not set by the site "
                             f"(settings.{setting}): the clinician judges whether it is recent "
                             "enough (docs/decisions.md#eligibility-ranges-and-windows)",
                             Tag.UNVERIFIED, date=test_date), []
    missing = [name for name, v in ((f"{path}.date", test_date), ("planned_day1", day1))
               if v is None]
    if test_date is None or day1 is None:
        return "unknown", _reason(cid, source, f"validity window {window} days set, but "
                                  f"{' and '.join(missing)} not recorded", tag), missing
    age = (day1 - test_date).days
    if age > window:
        return "unknown", _reason(cid, source, f"test dated {test_date} is {age} days before "
                                  f"planned day 1 {day1}: older than the site's {window}-day "
                                  "window — stale, repeat it", tag, age_days=age,
                                  window_days=window), [f"{path}.date"]
    return None, _reason(cid, source, f"test dated {test_date}, {age} days before planned day 1: "
                         f"within the site's {window}-day window", tag, age_days=age,
                         window_days=window), []


# --- criteria -------------------------------------------------------------------------------------


def _metastatic_covered_disease(patient: Patient, ctx: Context) -> Evaluation:
    allowed = ctx.diseases
    words = " or ".join("RCC" if d == "rcc" else d for d in allowed)
    if patient.disease is None:
        return "unknown", [_reason("E1", "proleukin-label", "diagnosis not recorded",
                                   Tag.VERIFIED)], ["diagnosis.disease"]
    if patient.disease not in allowed:
        return "not_met", [_reason("E1", "proleukin-label", f"{patient.disease}: this profile "
                                   f"covers metastatic {words} only", Tag.SEED,
                                   disease=patient.disease)], []
    met, why = metastatic_status(patient)
    if met is None:
        return "unknown", [_reason("E1", "proleukin-label", f"{patient.disease}: {why}",
                                   Tag.VERIFIED)], ["staging.m", "metastatic_sites"]
    text = f"{patient.disease} with {why}: " + ("metastatic" if met else "not metastatic")
    return ("met" if met else "not_met"), [_reason("E1", "proleukin-label", text, Tag.VERIFIED,
                                                   disease=patient.disease)], []


def _ecog_0_1(patient: Patient, ctx: Context) -> Evaluation:
    if patient.ecog is not None:
        ok = patient.ecog <= ECOG_MAX
        return ("met" if ok else "not_met"), [_reason(
            "E2", "atkins1993", f"ECOG {patient.ecog} is {'≤' if ok else '>'} {ECOG_MAX}", Tag.SEED,
            ecog=patient.ecog)], []
    conversion = PS_CONVERSION.resolve(ctx.policies)
    if patient.karnofsky is None or conversion == "none":
        why = "ECOG not recorded" + ("" if patient.karnofsky is None else
                                     f"; KPS {patient.karnofsky} not converted (policy 'none')")
        return "unknown", [_reason("E2", "atkins1993", why, Tag.SEED)], ["ecog"]
    ecogs = [e for e, (lo, hi) in ECOG_TO_KPS.items() if lo <= patient.karnofsky <= hi]
    ok = max(ecogs) <= ECOG_MAX
    text = (f"ECOG not recorded; KPS {patient.karnofsky} % corresponds to ECOG "
            f"{'/'.join(map(str, ecogs))} (policy {PS_CONVERSION.name} = {conversion!r}, "
            f"unverified mapping): {'≤' if ok else '>'} {ECOG_MAX}")
    return ("met" if ok else "not_met"), [_reason("E2", "atkins1993", text, Tag.UNVERIFIED,
                                                  karnofsky=patient.karnofsky)], []


def _organ_function(cid: str) -> Evaluator:
    def evaluate(patient: Patient, ctx: Context) -> Evaluation:
        policy = ORGAN_FUNCTION_RANGE.resolve(ctx.policies)
        source = "clark2003" if cid == "A5" else "atkins1993"
        reasons, missing, failed = [], [], []
        for name, side in ORGAN_FUNCTION_LABS.items():
            lab = patient.lab(name)
            if lab is None:
                missing.append(f"labs.{name}")
                continue
            ok, gone = _within_limits(lab, "both" if policy == "within_range" else side)
            missing.extend(f"labs.{name}.{g}" for g in gone)
            limits = f"LLN {lab.lln or '?'}, ULN {lab.uln or '?'}"
            if ok is False:
                failed.append(name)
                text = f"{name} {lab.value} is outside the normal range ({limits})"
            elif ok is None:
                text = f"{name} {lab.value}: {' and '.join(g.upper() for g in gone)} not recorded"
            else:
                text = f"{name} {lab.value} within {limits} (inclusive)"
            reasons.append(_reason(cid, source, text, Tag.UNVERIFIED, value=str(lab.value),
                                   lln=lab.lln and str(lab.lln), uln=lab.uln and str(lab.uln),
                                   date=lab.date))
        if missing:
            reasons.append(_reason(cid, source, f"not recorded: {', '.join(missing)}", Tag.SEED))
        reasons.append(ORGAN_FUNCTION_RANGE.reason(policy))
        if failed:
            return "not_met", reasons, missing
        return ("unknown" if missing else "met"), reasons, missing
    return evaluate


def _no_active_cns_metastases(patient: Patient, ctx: Context) -> Evaluation:
    img = patient.brain_imaging
    if img is None:
        return "unknown", [_reason("E4", "lee2000", "no brain imaging recorded", Tag.SEED)], [
            "brain_imaging"]
    how = f"{(img.modality or 'modality not recorded').upper()} of {img.date or '?'}"
    if img.active_cns_metastases:
        return "not_met", [_reason("E4", "lee2000", f"{how} shows CNS metastases", Tag.SEED,
                                   active_cns_metastases=True)], []
    if img.date is None:
        return "unknown", [_reason("E4", "lee2000", "brain imaging without a date: its currency "
                                   "cannot be judged", Tag.SEED)], ["brain_imaging.date"]
    text = f"{how}: no active CNS metastases"
    if img.treated_cns_metastases:
        text += " (treated CNS metastases with a negative scan, as the label requires)"
    return "met", [_reason("E4", "proleukin-label" if img.treated_cns_metastases else "lee2000",
                           text, Tag.VERIFIED, date=img.date, modality=img.modality)], []


def _no_prior_il2(patient: Patient, ctx: Context) -> Evaluation:
    prior = patient.had_prior_il2
    if prior is None:
        return "unknown", [_reason("E5", "lee2000", "prior IL-2 not recorded", Tag.SEED)], [
            "prior_il2"]
    return ("not_met" if prior else "met"), [_reason(
        "E5", "lee2000", "prior IL-2: excluded from the NCI series" if prior else
        "no prior IL-2", Tag.SEED, prior_il2=prior)], []


def _washout_30_days(patient: Patient, ctx: Context) -> Evaluation:
    other = patient.had_other_therapy
    if other is False:
        return "met", [_reason("E6", "lee2000", "no other anticancer therapy before", Tag.SEED)], []
    if other is None:
        return "unknown", [_reason("E6", "lee2000", "prior other therapy not recorded",
                                   Tag.SEED)], ["prior_other_therapy"]
    last, day1 = patient.last_other_therapy_end_date, patient.planned_day1
    missing = [n for n, v in (("last_other_therapy_end_date", last),
                              ("planned_day1", day1)) if v is None]
    if last is None or day1 is None:
        return "unknown", [_reason("E6", "lee2000", f"{' and '.join(missing)} not recorded",
                                   Tag.SEED)], missing
    days = (day1 - last).days
    ok = days >= WASHOUT_DAYS
    earliest = last + dt.timedelta(days=WASHOUT_DAYS)
    text = (f"last other therapy ended {last}; planned day 1 {day1} is {days} days later "
            f"({'≥' if ok else '<'} {WASHOUT_DAYS}); earliest allowed day 1 {earliest}. Counted "
            "to the planned first dose (docs/decisions.md#eligibility-ranges-and-windows); "
            "lee2000 counted to protocol entry")
    return ("met" if ok else "not_met"), [_reason("E6", "lee2000", text, Tag.SEED, days=days,
                                                  last_other_therapy_end_date=last,
                                                  planned_day1=day1)], []


def _pretreatment_test_normal(cid: str, attr: str, setting: str, source: str, words: str
                              ) -> Evaluator:
    def evaluate(patient: Patient, ctx: Context) -> Evaluation:
        test = getattr(patient, attr)
        if test is None:
            return "unknown", [_reason(cid, source, f"no {words} recorded", Tag.SEED)], [attr]
        kind = getattr(test, "type", None)
        label = f"{words}{f' ({kind})' if kind else ''}"
        if test.result == "abnormal":
            return "not_met", [_reason(cid, source, f"{label} abnormal (the label contraindicates "
                                       "HD IL-2)", Tag.VERIFIED, result="abnormal")], []
        window = getattr(ctx.settings, setting)
        status, why, missing = _test_validity(cid, source, Tag.SEED, test.date, window,
                                              patient.planned_day1, attr, setting)
        reasons = [_reason(cid, source, f"{label} normal", Tag.VERIFIED, result="normal"), why]
        return (status or "met"), reasons, missing
    return evaluate


def _no_ischaemia_or_arrhythmia(patient: Patient, ctx: Context) -> Evaluation:
    return _none_of(patient, "E8", "lee2000", Tag.SEED, "comorbidities", (
        ("ischemic_heart_disease", "ischaemic heart disease"),
        ("significant_arrhythmia", "significant arrhythmia")))


def _no_severe_organ_disease(patient: Patient, ctx: Context) -> Evaluation:
    return _none_of(patient, "E9", "lee2000", Tag.SEED, "comorbidities", (
        ("severe_respiratory_disease", "severe respiratory disease"),
        ("severe_cardiovascular_disease", "severe cardiovascular disease"),
        ("severe_renal_disease", "severe renal disease"),
        ("severe_hepatic_disease", "significant hepatic impairment (current label)")))


def _no_allograft_or_il2_hypersensitivity(patient: Patient, ctx: Context) -> Evaluation:
    return _none_of(patient, "E11", "proleukin-label", Tag.VERIFIED, "comorbidities", (
        ("organ_allograft", "organ allograft"),
        ("il2_hypersensitivity", "hypersensitivity to IL-2 or a product component")))


def _no_retreatment_contraindication(patient: Patient, ctx: Context) -> Evaluation:
    prior = patient.had_prior_il2
    if prior is False:
        return "met", [_reason("E12", "proleukin-label", "no prior IL-2 course", Tag.VERIFIED)], []
    if prior is None:
        return "unknown", [_reason("E12", "proleukin-label", "prior IL-2 not recorded",
                                   Tag.VERIFIED)], ["prior_il2"]
    courses = patient.prior_il2_courses
    if courses is None:
        return "unknown", [_reason("E12", "proleukin-label", "prior IL-2 given but its courses "
                                   "and their severe events are not recorded", Tag.VERIFIED)], [
            "prior_il2_courses"]
    reasons, bad = [], False
    for i, c in enumerate(courses):
        for ev in c.events:
            bad = True
            reasons.append(_reason("E12", "proleukin-label", f"course {i + 1} "
                                   f"({c.start_date or 'date not recorded'}): "
                                   f"{RETREATMENT_EVENT_TEXT[ev]} — retreatment contraindicated",
                                   Tag.VERIFIED, course=i + 1, event=ev))
    if not bad:
        reasons.append(_reason("E12", "proleukin-label", f"{len(courses)} prior course(s) "
                               "without a retreatment-contraindicating event", Tag.VERIFIED))
    return ("not_met" if bad else "met"), reasons, []


def _no_untreated_bacterial_infection(patient: Patient, ctx: Context) -> Evaluation:
    inf = None if patient.comorbidities is None else patient.comorbidities.bacterial_infection
    if inf is None:
        return "unknown", [_reason("E13", "proleukin-label", "bacterial infection status not "
                                   "recorded", Tag.VERIFIED)], ["comorbidities.bacterial_infection"]
    ok = inf in ("none", "treated")
    text = {"none": "no bacterial infection", "treated": "bacterial infection treated",
            "untreated": "untreated bacterial infection: treat it before HD IL-2"}[inf]
    return ("met" if ok else "not_met"), [_reason("E13", "proleukin-label", text, Tag.VERIFIED,
                                                  bacterial_infection=inf)], []


def _pregnancy_excluded(patient: Patient, ctx: Context) -> Evaluation:
    preg = patient.pregnancy
    if preg is None:
        if patient.sex == "male":
            return "met", [_reason("E14", "proleukin-label", "male patient: pregnancy status not "
                                   "applicable", Tag.VERIFIED, sex="male")], []
        return "unknown", [_reason("E14", "proleukin-label", "pregnancy status not recorded",
                                   Tag.VERIFIED)], ["pregnancy"]
    if not preg.reproductive_potential:
        return "met", [_reason("E14", "proleukin-label", "not of reproductive potential",
                               Tag.VERIFIED)], []
    if preg.test_result is None:
        return "unknown", [_reason("E14", "proleukin-label", "reproductive potential: pregnancy "
                                   "test not recorded", Tag.VERIFIED)], ["pregnancy.test_result"]
    ok = preg.test_result == "negative"
    return ("met" if ok else "not_met"), [_reason(
        "E14", "proleukin-label", f"pregnancy test {preg.test_result}"
        f"{f' ({preg.test_date})' if preg.test_date else ''}", Tag.VERIFIED,
        test_result=preg.test_result, test_date=preg.test_date)], []


def _progressive_at_entry(patient: Patient, ctx: Context) -> Evaluation:
    prog = patient.progressive_at_entry
    if prog is None:
        return "unknown", [_reason("E15", "lee2000", "progression at entry not recorded",
                                   Tag.SEED)], ["progressive_at_entry"]
    return ("met" if prog else "not_met"), [_reason(
        "E15", "lee2000", "clinically progressive disease" if prog else
        "disease not progressive at entry (the NCI series required progression)", Tag.SEED,
        progressive_at_entry=prog)], []


def _first_line(cid: str, patient: Patient, source: str) -> tuple[bool | None, Reason, list[str]]:
    if patient.had_prior_il2:
        return False, _reason(cid, source, "prior IL-2 is prior systemic therapy", Tag.SEED), []
    n = patient.prior_systemic_lines
    if n is None:
        return None, _reason(cid, source, "prior systemic lines not recorded", Tag.SEED), [
            "prior_systemic_lines"]
    return n == 0, _reason(cid, source, f"{n} prior systemic line(s)" + (
        "" if n == 0 else ": not first line"), Tag.SEED, prior_systemic_lines=n), []


def _first_line_favourable_histology(patient: Patient, ctx: Context) -> Evaluation:
    first, why, missing = _first_line("E16", patient, "shablak2011")
    hist = favourable_histology(patient, ctx.policies)
    reasons = [why, _reason("E16", "shablak2011", f"histology {hist.group} (Upton-based proxy)",
                            Tag.UNVERIFIED, group=hist.group)]
    fav = {"favourable": True, "unfavourable": False}.get(hist.group)
    if first is False or fav is False:
        return "not_met", reasons, missing + list(hist.missing)
    if first is None or fav is None:
        return "unknown", reasons, missing + list(hist.missing)
    return "met", reasons, []


def _completely_resected_no_disease(patient: Patient, ctx: Context) -> Evaluation:
    res = patient.resection
    reasons: list[Reason] = []
    missing: list[str] = []
    fails: list[str] = []
    if patient.disease is None:
        missing.append("diagnosis.disease")
    elif patient.disease != "rcc":
        fails.append(f"{patient.disease} (the adjuvant trial enrolled RCC)")
    status = None if res is None else res.status
    ned = None if res is None else res.ned_after_surgery
    if status is None:
        missing.append("resection.status")
    elif status != "R0":
        fails.append(f"resection {status} (complete resection required)")
    sites = patient.metastatic_sites
    if sites:
        fails.append(f"metastatic disease present now ({', '.join(sites)}): not free of disease")
    elif ned is None:
        missing.append("resection.ned_after_surgery")
    elif not ned:
        fails.append("evidence of disease after surgery")
    for f in fails:
        reasons.append(_reason("A1", "clark2003", f, Tag.SEED))
    if fails:
        return "not_met", reasons, missing
    if missing:
        reasons.append(_reason("A1", "clark2003", f"not recorded: {', '.join(missing)}", Tag.SEED))
        return "unknown", reasons, missing
    reasons.append(_reason("A1", "clark2003", "completely resected RCC (R0), no evidence of "
                           "disease", Tag.SEED))
    return "met", reasons, []


def _locally_advanced(patient: Patient) -> tuple[bool | None, Reason, list[str]]:
    st = patient.staging
    t = None if st is None else st.t
    n = None if st is None else st.n
    edition = None if st is None else st.tnm_edition
    if edition is None:
        return None, _reason("A2", "clark2003", "TNM edition not recorded: the T and N categories "
                             "cannot be read (editions are never mapped)", Tag.UNVERIFIED,
                             t=t, n=n), ["staging.tnm_edition"]
    t_la = None if t in (None, "TX") else any(t.startswith(x) for x in ADJUVANT_T)
    n_la = None if n in (None, "NX") else any(n.startswith(x) for x in ADJUVANT_N)
    note = (f"pT {t or '?'} / pN {n or '?'} as recorded in {edition}; clark2003's categories "
            "(T3b-4, N1-3) belong to the trial's older edition (N3 exists only there; T3b "
            "changed meaning) and are compared as written, not mapped")
    if t_la or n_la:
        return True, _reason("A2", "clark2003", note + ": locally advanced", Tag.UNVERIFIED,
                             t=t, n=n, tnm_edition=edition), []
    missing = [f for f, v in (("staging.t", t_la), ("staging.n", n_la)) if v is None]
    if missing:
        return None, _reason("A2", "clark2003", note + f": {', '.join(missing)} not known",
                             Tag.UNVERIFIED, t=t, n=n, tnm_edition=edition), missing
    return False, _reason("A2", "clark2003", note + ": not T3b-4 and not N1-3", Tag.UNVERIFIED,
                          t=t, n=n, tnm_edition=edition), []


def _locally_advanced_or_resected_m1(patient: Patient, ctx: Context) -> Evaluation:
    la, why, missing = _locally_advanced(patient)
    m1 = None if patient.resection is None else patient.resection.m1_resected
    reasons = [why]
    if m1:
        reasons.append(_reason("A2", "clark2003", "resected metastatic disease (M1, "
                               "metastasectomy): eligible, analysed as a separate stratum (A3)",
                               Tag.SEED))
    if la or m1:
        return "met", reasons, []
    if m1 is None:
        missing.append("resection.m1_resected")
    if la is False and m1 is False:
        return "not_met", reasons, []
    return "unknown", reasons, missing


def _no_prior_systemic_therapy(patient: Patient, ctx: Context) -> Evaluation:
    first, why, missing = _first_line("A4", patient, "clark2003")
    return ("unknown" if first is None else "met" if first else "not_met"), [why], missing


CRITERIA: dict[str, Criterion] = {c.id: c for c in (
    Criterion("E1", "metastatic disease of a covered type", "proleukin-label", Tag.VERIFIED,
              _metastatic_covered_disease),
    Criterion("E2", "ECOG performance status ≤ 1", "atkins1993", Tag.SEED, _ecog_0_1),
    Criterion("E3", "normal organ function (labs within normal range)", "atkins1993", Tag.SEED,
              _organ_function("E3")),
    Criterion("E4", "no active CNS metastases on brain imaging", "lee2000", Tag.SEED,
              _no_active_cns_metastases),
    Criterion("E5", "no prior IL-2", "lee2000", Tag.SEED, _no_prior_il2),
    Criterion("E6", "≥ 30 days since other anticancer therapy", "lee2000", Tag.SEED,
              _washout_30_days),
    Criterion("E7", "cardiac stress test normal", "lee2000", Tag.SEED,
              _pretreatment_test_normal("E7", "cardiac_stress_test", "stress_test_valid_days",
                                        "lee2000", "cardiac stress test")),
    Criterion("E8", "no ischaemic heart disease or significant arrhythmia", "lee2000",
              Tag.SEED, _no_ischaemia_or_arrhythmia),
    Criterion("E9", "no severe respiratory, cardiovascular, renal or hepatic disease",
              "lee2000", Tag.SEED, _no_severe_organ_disease),
    Criterion("E10", "pulmonary function tests normal", "proleukin-label", Tag.VERIFIED,
              _pretreatment_test_normal("E10", "pulmonary_function_test", "pft_valid_days",
                                        "proleukin-label", "pulmonary function test")),
    Criterion("E11", "no organ allograft, no IL-2 hypersensitivity", "proleukin-label",
              Tag.VERIFIED, _no_allograft_or_il2_hypersensitivity),
    Criterion("E12", "no retreatment contraindication from a prior IL-2 course",
              "proleukin-label", Tag.VERIFIED, _no_retreatment_contraindication),
    Criterion("E13", "no untreated bacterial infection", "proleukin-label", Tag.VERIFIED,
              _no_untreated_bacterial_infection),
    Criterion("E14", "pregnancy status verified", "proleukin-label", Tag.VERIFIED,
              _pregnancy_excluded),
    Criterion("E15", "clinically progressive disease at entry", "lee2000", Tag.SEED,
              _progressive_at_entry),
    Criterion("E16", "first line with favourable histology", "shablak2011", Tag.SEED,
              _first_line_favourable_histology),
    Criterion("A1", "completely resected RCC, no evidence of disease", "clark2003", Tag.SEED,
              _completely_resected_no_disease),
    Criterion("A2", "locally advanced (T3b-4 or N1-3) or resected M1 (A3)", "clark2003",
              Tag.SEED, _locally_advanced_or_resected_m1),
    Criterion("A4", "no prior systemic therapy", "clark2003", Tag.SEED,
              _no_prior_systemic_therapy),
    Criterion("A5", "excellent organ function (labs within normal range)", "clark2003",
              Tag.SEED, _organ_function("A5")),
)}

LABEL_SAFETY: tuple[str, ...] = ("E4", "E7", "E9", "E10", "E11", "E12", "E13", "E14")

PROFILES: dict[str, Profile] = {prof.key: prof for prof in (
    Profile("label_minimum", "Proleukin label minimum (metastatic RCC or melanoma)",
            "proleukin-label", ("E1", *LABEL_SAFETY), ("rcc", "melanoma"),
            "the label's indication and safety criteria only"),
    Profile("atkins1993", "Atkins 1993 randomised phase II (metastatic RCC)", "atkins1993",
            ("E1", "E2", "E3", *LABEL_SAFETY), ("rcc",),
            "ECOG 0-1 and normal organ function, plus the label's safety criteria"),
    Profile("cwg_phase3", "Cytokine Working Group phase III (metastatic RCC)", "atkins2004",
            ("E1", "E2", *LABEL_SAFETY), ("rcc",),
            "performance status 0-1 (stratified), plus the label's safety criteria"),
    Profile("lee2000_nci", "NCI Surgery Branch series (metastatic RCC or melanoma)", "lee2000",
            ("E1", "E4", "E5", "E6", "E7", "E8", "E9", "E15", "E10", "E11", "E12", "E13",
             "E14"), ("rcc", "melanoma"),
            "no ECOG limit: the series treated 17 patients with ECOG 2-3 (lee2000)"),
    Profile("clark2003_adjuvant", "Clark 2003 adjuvant HD IL-2 after resection (RCC)",
            "clark2003", ("A1", "A2", "A4", "A5", "E7", "E9", "E10", "E11", "E13", "E14"),
            ("rcc",), "resected locally advanced or metastatic RCC; label safety criteria"),
    Profile("shablak2011", "Shablak 2011 histology-selected first line (metastatic RCC)",
            "shablak2011", ("E1", "E16", *LABEL_SAFETY), ("rcc",),
            "optional profile: first line and favourable histology"),
)}


def profile(key: str) -> Profile:
    """The profile named ``key``; an unknown name is an :class:`InputError`."""
    try:
        return PROFILES[key]
    except KeyError:
        raise InputError("profile", f"unknown profile {key!r}; known: {', '.join(PROFILES)}",
                         key) from None


def evaluate_criterion(
    cid: str,
    patient: Patient,
    *,
    diseases: tuple[str, ...] = ("rcc", "melanoma"),
    policies: Mapping[str, Any] | None = None,
    settings: EligibilitySettings | None = None,
) -> CriterionResult:
    """Evaluate one criterion (``"E2"``, ``"A1"`` ...) outside a profile."""
    validate_policies(policies)
    c = CRITERIA[cid]
    ctx = Context(diseases, dict(policies or {}), settings or EligibilitySettings())
    status, reasons, missing = c.evaluate(patient, ctx)
    return CriterionResult(c.id, c.title, status, tuple(dict.fromkeys(missing)),
                           tuple(reasons))


def check_policies(policies: Mapping[str, Any] | None) -> None:
    """Refuse unknown policy names and values not among a policy's choices."""
    validate_policies(policies)


def eligibility(
    patient: Patient,
    profile_key: str = "label_minimum",
    policies: Mapping[str, Any] | None = None,
    settings: EligibilitySettings | None = None,
) -> EligibilityResult:
    """Evaluate every criterion of ``profile_key`` and give the verdict."""
    prof = profile(profile_key)
    check_policies(policies)
    results = tuple(evaluate_criterion(c, patient, diseases=prof.diseases, policies=policies,
                                       settings=settings) for c in prof.criteria)
    statuses = {r.status for r in results}
    verdict: Verdict = ("ineligible" if "not_met" in statuses else
                        "incomplete" if "unknown" in statuses else "eligible")
    failed = [r.id for r in results if r.status == "not_met"]
    unknown = [r.id for r in results if r.status == "unknown"]
    text = {"eligible": f"all {len(results)} criteria of {prof.key} met",
            "ineligible": f"not met: {', '.join(failed)}"
            + (f"; also unknown: {', '.join(unknown)}" if unknown else ""),
            "incomplete": f"nothing failed; unknown: {', '.join(unknown)}"}[verdict]
    reason = Reason(f"eligibility.{prof.key}.verdict", prof.source, f"{verdict}: {text}",
                    {"failed": failed, "unknown": unknown}, Tag.COMPUTED)
    return EligibilityResult.of(prof.key, prof.title, verdict, results, (reason,))


__all__ = [
    "CRITERIA",
    "ORGAN_FUNCTION_RANGE",
    "PROFILES",
    "SELECTION_POLICIES",
    "CriterionResult",
    "EligibilityResult",
    "EligibilitySettings",
    "eligibility",
    "evaluate_criterion",
    "metastatic_status",
    "profile",
]
