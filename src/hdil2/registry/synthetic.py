"""A synthetic registry cohort consistent with Lee et al. 2000 (``lee2000``).

``generate(seed=2000)`` builds the demo registry's patients as plain frozen records (patient,
course, cycle, dose slot, observation, toxicity, scan, lesion, measurement, response
assessment, discontinuation, follow-up), every one marked ``synthetic=True``.  Nothing here is
a real patient; the same ``seed`` gives the same cohort, record for record.

What comes from the paper (``lee2000``, Lee et al., J Clin Oncol 2000), and what is assumed:

* **Patients and paths.**  ``n=None`` gives exactly the paper's 350 patients (149 melanoma,
  201 renal cell cancer).  Each patient follows one of the response paths of
  :data:`LEE2000_GROUPS`: the NCI response after each course (NR, MR, PR, CR), the reason for
  stopping (Table 5) and the final response (Table 2).  The paths are a decomposition of the
  transition counts of Tables 3 and 4; where the tables leave the choice open, the paper's text
  decides when it can (melanoma: of the two NR to PR patients of course 2, one "ultimately
  achieved a CR"; renal cell cancer: of the NR to PR (2) and NR to MR (1) patients, "one of
  these three attained a CR", read as the MR patient, who "was retreated and achieved a CR";
  the two renal patients treated in course 4 with CR are consolidation courses after a first
  CR after course 3).
* **Assumptions where the printed tables disagree with each other** (each is pinned by a test,
  and docs/registry-demo.md lists them): Table 5 is read with Death in column 1 and CR in
  columns 2-4, and its two "Other" cells of columns 3 and 4 are swapped (7, 6 instead of 6, 7):
  no reading of the printed numbers has column totals equal to the patients who stopped
  (191, 101, 44, 14), and the swap is the smallest change that does.  Table 5's CR row
  (4, 19, 1) cannot follow the CRs the course tables trace (3, 16, 4): four melanoma patients
  whose last course response is PR stop with reason "complete response", and three renal
  patients whose last response is CR stop with "other".  Table 2 reports 10 melanoma CRs and
  13 PRs where the course tables trace 5 and 18: five melanoma PR patients reach a CR after
  their last course (a late regression, seen at two follow-up scans).
* **Characteristics.**  Sex, age group, race and performance status are allocated with the
  exact counts of Table 1 per disease (age uniform within its group); weight and height are
  drawn from normal distributions by sex (men 83 ± 13 kg and 177 ± 7 cm, women 68 ± 12 kg and
  163 ± 6.5 cm, redrawn outside 45-140 kg and 145-200 cm) - synthetic, not from the paper.
* **Treatment.**  Regimen ``hd-il2-720k``: 720,000 IU/kg every 8 hours, the dose from the
  pre-course weight by :func:`~hdil2.clinical.treatment.dosing.plan_dose`, the slots from
  :func:`~hdil2.clinical.treatment.calendar.course_calendar` in the ward's zone
  (America/New_York; first doses at 08:00, 16:00 or 20:00).  The paper does not report the doses
  given; the Proleukin label (``proleukin-label``) reports a median of 20 of 28 doses in course
  1 for renal cell cancer and 18 for melanoma, so the doses given per cycle are drawn around
  those medians (per cycle: normal, mean 10.5 renal / 9 melanoma in cycle 1, one less in
  cycle 2, SD 2.5, kept within 3-15).  A cycle gives its doses and then holds the rest; one
  cycle in five also has a single hold in between.  Every held slot carries the label hold
  rule that held it (systolic BP below 90 mmHg, creatinine above 4.5 mg/dL, or persistent
  oliguria with a rising creatinine) and an observation that makes that rule fire (or, for a
  hold in force, keeps it held), and the first dose given after a hold an observation that
  meets the rule's resume condition - across the rest between cycles too.
* **Toxicities** are graded by hdil2's CTCAE v5.0 grader (``ctcae5``) from generated raw
  values (peak creatinine and bilirubin, platelet nadir, temperature, weight, stools, urine
  output, hypotension descriptors), consistent with the holds; only grades of at least 1 are
  kept.  A patient who stops for IL-2 toxicity has a grade 4 event in the last course.
* **Response.**  Target lesions (1-4 per patient) are measured bidimensionally at a baseline
  scan 7-28 days before the first dose and at a scan 73-80 days after each course's first dose
  ("2 months after treatment"); the next course starts 7-14 days after that scan.  Sizes are
  drawn so that hdil2's NCI criteria (``nci``) give the path's response: sum of products
  12-45 % of baseline for PR, 55-70 % for MR, 88-108 % for NR, all lesions gone for CR; an NR
  of a patient who stops for progression is a progression (a lesion grown 50-100 % over its
  smallest product, or a new lesion), which the tables count as NR.  Every stored response is
  hdil2's own classification of the stored measurements.  A responder's last response is
  confirmed at a follow-up scan 35-56 days later; a PR patient who stops for progression shows
  a new lesion 28-49 days after the last course's scan.  The three treatment-related deaths
  (Table 5) die during course 1, before any response scan: their course response is NR by the
  paper's rule ("anyone who did not achieve at least a 25 % reduction").
* **Follow-up** (synthetic distributions, not from the paper): progression at the scan that
  shows it; otherwise, after the last scan, exponential with median 3 months (no response) or
  the paper's median PR durations, 21 months (melanoma) and 36 months (renal cell cancer);
  complete responders do not progress (the paper's CRs were ongoing).  Death after progression,
  exponential with median 6 months (melanoma) or 10 months (renal cell cancer); the three
  treatment-related deaths during course 1.  First doses are uniform between 1 September 1985
  and 30 November 1996 (the paper's accrual), and follow-up is censored at 31 March 1998 (the
  paper's data cut-off, March 1998).

``n`` larger than 350 samples the same paths and characteristics proportionally (largest
remainder), for the 10,000-patient benchmark.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from hdil2.clinical.response.assess import assess
from hdil2.clinical.response.models import AssessmentRequest
from hdil2.clinical.response.tempo import PatientCourses
from hdil2.clinical.toxicity.ctcae import grade_document
from hdil2.clinical.treatment.calendar import course_calendar
from hdil2.clinical.treatment.dosing import plan_dose
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity

REGIMEN = "hd-il2-720k"
WARD_TZ = "America/New_York"
CRITERIA = "nci"
ACCRUAL_FIRST = dt.date(1985, 9, 1)
ACCRUAL_LAST = dt.date(1996, 11, 30)
CUTOFF = dt.date(1998, 3, 31)
DEFAULT_SEED = 2000
DISEASES = ("melanoma", "rcc")


# --- the paper's groups -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PathGroup:
    """Patients who share a path: disease, NCI response after each course (NR, MR, PR, CR),
    why treatment stopped (Table 5), how many, and the final response (Table 2: CR, PR or
    ``none``)."""

    disease: str
    responses: tuple[str, ...]
    stop_reason: str
    count: int
    final_response: str


def _g(disease: str, path: str, reason: str, count: int, final: str) -> PathGroup:
    return PathGroup(disease, tuple(path.split(";")), reason, count, final)


#: Lee et al. 2000 (``lee2000``) Tables 2-5 as 46 patient paths (the module docstring gives the
#: choices and assumptions).
LEE2000_GROUPS: tuple[PathGroup, ...] = (
    # ---- melanoma (149) ----
    # stop after course 1: NR 85, PR 1
    _g("melanoma", "NR", "progressive_disease", 80, "none"),
    _g("melanoma", "NR", "il2_toxicity", 2, "none"),
    _g("melanoma", "NR", "death", 1, "none"),
    _g("melanoma", "NR", "other", 2, "none"),
    _g("melanoma", "PR", "il2_toxicity", 1, "PR"),
    # stop after course 2: NR 33, PR 7, CR 3
    _g("melanoma", "NR;NR", "progressive_disease", 30, "none"),
    _g("melanoma", "NR;NR", "other", 3, "none"),
    _g("melanoma", "NR;PR", "complete_response", 1, "CR"),  # late CR (Table 5 col 2 CR = 4)
    _g("melanoma", "PR;PR", "il2_toxicity", 2, "PR"),
    _g("melanoma", "PR;PR", "other", 4, "PR"),
    _g("melanoma", "CR;CR", "complete_response", 3, "CR"),
    # stop after course 3: NR 7, PR 7, CR 2
    _g("melanoma", "NR;NR;NR", "progressive_disease", 7, "none"),
    _g("melanoma", "PR;PR;PR", "complete_response", 3, "CR"),  # late CR (col 3 CR = 19)
    _g("melanoma", "PR;PR;PR", "other", 4, "PR"),
    _g("melanoma", "NR;PR;CR", "complete_response", 1, "CR"),
    _g("melanoma", "PR;CR;CR", "complete_response", 1, "CR"),
    # stop after course 4: NR 1, PR 3
    _g("melanoma", "NR;NR;NR;NR", "progressive_disease", 1, "none"),
    _g("melanoma", "PR;PR;PR;PR", "il2_toxicity", 1, "PR"),
    _g("melanoma", "PR;PR;PR;PR", "other", 1, "PR"),
    _g("melanoma", "PR;PR;PR;PR", "other", 1, "CR"),  # late CR: melanoma Table 2 CR = 10
    # ---- renal cell cancer (201) ----
    # stop after course 1: NR 103, PR 2
    _g("rcc", "NR", "progressive_disease", 96, "none"),
    _g("rcc", "NR", "il2_toxicity", 3, "none"),
    _g("rcc", "NR", "death", 2, "none"),
    _g("rcc", "NR", "other", 2, "none"),
    _g("rcc", "PR", "il2_toxicity", 2, "PR"),
    # stop after course 2: NR 51, PR 7
    _g("rcc", "NR;NR", "progressive_disease", 47, "none"),
    _g("rcc", "NR;NR", "other", 4, "none"),
    _g("rcc", "NR;PR", "il2_toxicity", 2, "PR"),
    _g("rcc", "PR;PR", "il2_toxicity", 1, "PR"),
    _g("rcc", "PR;PR", "other", 4, "PR"),
    # stop after course 3: NR 8, PR 6, CR 14
    _g("rcc", "NR;NR;NR", "progressive_disease", 8, "none"),
    _g("rcc", "MR;PR;PR", "progressive_disease", 1, "PR"),
    _g("rcc", "PR;PR;PR", "progressive_disease", 1, "PR"),
    _g("rcc", "PR;PR;PR", "il2_toxicity", 1, "PR"),
    _g("rcc", "PR;PR;PR", "other", 3, "PR"),
    _g("rcc", "NR;MR;CR", "complete_response", 1, "CR"),
    _g("rcc", "PR;PR;CR", "complete_response", 6, "CR"),
    _g("rcc", "PR;CR;CR", "complete_response", 3, "CR"),
    _g("rcc", "CR;CR;CR", "complete_response", 4, "CR"),
    # stop after course 4: NR 1, PR 5, CR 4
    _g("rcc", "NR;NR;NR;NR", "progressive_disease", 1, "none"),
    _g("rcc", "PR;PR;PR;PR", "progressive_disease", 4, "PR"),
    _g("rcc", "PR;PR;PR;PR", "other", 1, "PR"),
    _g("rcc", "PR;PR;PR;CR", "other", 2, "CR"),
    _g("rcc", "PR;PR;CR;CR", "complete_response", 1, "CR"),
    _g("rcc", "PR;PR;CR;CR", "other", 1, "CR"),
)

#: Table 1 of ``lee2000`` (patients by characteristic and disease).
TABLE1: Mapping[str, Mapping[str, Mapping[str, int]]] = {
    "melanoma": {
        "sex": {"male": 99, "female": 50},
        "age_group": {"11-20": 3, "21-30": 21, "31-40": 52, "41-50": 37, "51-60": 25,
                      "61-70": 11},
        "race": {"asian": 0, "black": 1, "hispanic": 0, "other": 4, "white": 144},
        "ecog": {"0": 117, "1": 26, "2": 6, "3": 0},
    },
    "rcc": {
        "sex": {"male": 138, "female": 63},
        "age_group": {"11-20": 1, "21-30": 10, "31-40": 27, "41-50": 69, "51-60": 71,
                      "61-70": 23},
        "race": {"asian": 1, "black": 8, "hispanic": 2, "other": 8, "white": 182},
        "ecog": {"0": 146, "1": 44, "2": 10, "3": 1},
    },
}


# --- the records --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Patient:
    """One synthetic patient (``path_group`` indexes :data:`LEE2000_GROUPS`)."""

    id: str
    disease: str
    sex: str
    age_years: int
    age_group: str
    race: str
    ecog: int
    weight_kg: Decimal
    height_cm: Decimal
    first_dose: dt.datetime  # aware, in the ward's zone
    path_group: int
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class Course:
    """One course: its dose (from the pre-course weight), its slots, and its NCI response.

    ``response`` is hdil2's classification at the course's response scan (``PD`` possible),
    ``status`` the tables' category (PD counts as NR); ``response_scan`` is ``None`` only for
    a patient who died before the scan (then ``response`` is NR)."""

    patient: str
    number: int
    regimen: str
    first_dose: dt.datetime
    last_slot: dt.datetime
    weight_kg: Decimal
    dose_iu: Decimal
    vials_per_dose: int
    slots: int
    given: int
    held: int
    not_given: int
    response: str
    status: str
    response_scan: int | None
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class Cycle:
    """One cycle of a course and its slot counts."""

    patient: str
    course: int
    number: int
    first_slot: dt.datetime
    slots: int
    given: int
    held: int
    not_given: int
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class DoseSlot:
    """One scheduled q8h slot: given (with its dose), held (with the rule) or not given."""

    patient: str
    course: int
    cycle: int
    index: int  # 1-based in the course
    dose_in_cycle: int
    day: int
    scheduled: dt.datetime  # aware, ward's zone
    status: str  # given | held | not_given
    dose_iu: Decimal | None
    vials: int | None
    hold_rule: str | None
    note: str | None
    flags: tuple[str, ...]
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class Observation:
    """Bedside observations at a slot, as a ``DoseObservations`` document: the trigger of a
    hold (``purpose`` = hold), or the values meeting a hold's resume condition (resume)."""

    patient: str
    course: int
    slot: int
    at: dt.datetime
    purpose: str
    rule: str
    values: Mapping[str, Any]
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class Toxicity:
    """A CTCAE v5.0 toxicity of a course, graded by hdil2 from ``request`` (the raw values)."""

    patient: str
    course: int
    term: str
    grade: int
    onset: dt.date
    request: Mapping[str, Any]
    rule: str
    attribution: str = "IL-2"
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class Scan:
    """One imaging assessment (index 0 = baseline); ``course`` the course whose response it
    measures, or ``None`` (baseline, confirmation, follow-up)."""

    patient: str
    index: int
    date: dt.date
    purpose: str  # baseline | course_response | confirmation | follow_up
    course: int | None
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class Lesion:
    """A target lesion identified at baseline."""

    patient: str
    id: str
    organ: str
    kind: str = "target"
    is_lymph_node: bool = False
    method: str = "ct"
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class Measurement:
    """One lesion at one scan (``lesion`` is a baseline lesion, or a new one when ``new``)."""

    patient: str
    scan: int
    lesion: str
    status: str  # measured | absent | present (a new lesion)
    ld_mm: Decimal | None
    perp_mm: Decimal | None
    new: bool = False
    organ: str | None = None  # of a new lesion
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class ResponseAssessment:
    """hdil2's NCI response at one scan (``kind`` timepoint) or the patient's confirmed best
    response (``kind`` best, ``scan`` None)."""

    patient: str
    scan: int | None
    kind: str
    criteria: str
    value: str
    spd_mm2: Decimal | None
    baseline_spd_mm2: Decimal | None
    rule: str
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class Discontinuation:
    """Why treatment stopped after ``after_course`` courses (Table 5)."""

    patient: str
    after_course: int
    reason: str
    date: dt.date
    synthetic: bool = True


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Dates for survival: progression and death (``None`` = not observed by ``cutoff``)."""

    patient: str
    start: dt.date  # first dose
    cutoff: dt.date
    progression_date: dt.date | None
    death_date: dt.date | None
    cause_of_death: str | None
    vital_status: str  # alive | dead
    synthetic: bool = True

    @property
    def os_days(self) -> int:
        return ((self.death_date or self.cutoff) - self.start).days

    @property
    def os_event(self) -> bool:
        return self.death_date is not None

    @property
    def pfs_date(self) -> dt.date:
        return self.progression_date or self.death_date or self.cutoff

    @property
    def pfs_days(self) -> int:
        return (self.pfs_date - self.start).days

    @property
    def pfs_event(self) -> bool:
        return self.progression_date is not None or self.death_date is not None


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """Everything generated for one patient."""

    patient: Patient
    courses: tuple[Course, ...]
    cycles: tuple[Cycle, ...]
    slots: tuple[DoseSlot, ...]
    observations: tuple[Observation, ...]
    toxicities: tuple[Toxicity, ...]
    scans: tuple[Scan, ...]
    lesions: tuple[Lesion, ...]
    measurements: tuple[Measurement, ...]
    assessments: tuple[ResponseAssessment, ...]
    discontinuation: Discontinuation
    follow_up: FollowUp

    @property
    def group(self) -> PathGroup:
        return LEE2000_GROUPS[self.patient.path_group]

    def tempo(self) -> PatientCourses:
        """The patient as the tempo tables read it (course responses, stop reason)."""
        return PatientCourses(self.patient.id, self.patient.disease,
                              tuple(c.response for c in self.courses),
                              self.discontinuation.reason)

    @property
    def best_response(self) -> str:
        return next(a.value for a in self.assessments if a.kind == "best")


@dataclass(frozen=True)
class SyntheticCohort:
    """A generated cohort: the seed, and one :class:`PatientRecord` per patient."""

    seed: int
    records: tuple[PatientRecord, ...]
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.records)

    def counts(self) -> dict[str, int]:
        """How many records of each kind."""
        out = {"patients": len(self.records)}
        for name in ("courses", "cycles", "slots", "observations", "toxicities", "scans",
                     "lesions", "measurements", "assessments"):
            out[name] = sum(len(getattr(r, name)) for r in self.records)
        out["discontinuations"] = out["follow_ups"] = len(self.records)
        return out


# --- allocation -----------------------------------------------------------------------------

def largest_remainder(weights: Sequence[int], n: int) -> list[int]:
    """``n`` split in proportion to ``weights`` (Hamilton's method: floors, then the largest
    remainders, ties to the earlier weight); exact when ``n`` equals the weights' total."""
    total = sum(weights)
    if total <= 0:
        raise InputError("weights", "need a positive total", list(weights))
    floors = [w * n // total for w in weights]
    rems = sorted(range(len(weights)), key=lambda i: (-(weights[i] * n % total), i))
    for i in rems[: n - sum(floors)]:
        floors[i] += 1
    return floors


def _expand(counts: Mapping[str, int], n: int, rng: random.Random) -> list[str]:
    keys = list(counts)
    out = [k for k, m in zip(keys, largest_remainder([counts[k] for k in keys], n),
                             strict=True) for _ in range(m)]
    rng.shuffle(out)
    return out


# --- numbers --------------------------------------------------------------------------------

_TENTH = Decimal("0.1")


def _dec(x: float, q: Decimal = _TENTH) -> Decimal:
    return Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP)


def _gauss_within(rng: random.Random, mu: float, sd: float, lo: float, hi: float) -> float:
    while True:
        x = rng.gauss(mu, sd)
        if lo <= x <= hi:
            return x


def _days_exp(rng: random.Random, median_days: float) -> int:
    return max(1, round(rng.expovariate(math.log(2) / median_days)))


MONTH = 365.25 / 12


@cache
def _dose(weight: Decimal) -> tuple[Decimal, int]:
    plan = plan_dose(REGIMEN, Quantity.of(weight, "kg")).il2
    assert plan.preparation is not None
    return plan.dose_iu, plan.preparation.vials


def _grade(doc: Mapping[str, Any]) -> tuple[int, str]:
    return _grade_cached(tuple(sorted(doc.items())))


@cache
def _grade_cached(items: tuple[tuple[str, Any], ...]) -> tuple[int, str]:
    d = grade_document(dict(items))
    if not isinstance(d.value, int):
        raise RuntimeError(f"synthetic toxicity not gradable: {dict(items)}")
    return d.value, d.reasons[0].rule


# --- holds ------------------------------------------------------------------------------------

HOLD_RULES = ("label.sbp_below_90", "label.creatinine_above_4_5", "label.oliguria")
_HOLD_WEIGHTS = (0.6, 0.2, 0.2)


def _hold_values(rng: random.Random, rule: str) -> dict[str, Any]:
    """Observations that make ``rule`` fire (and keep a hold by it in force)."""
    if rule == "label.sbp_below_90":
        return {"sbp_mmhg": str(rng.randint(72, 88)), "pressor_trend": "increasing"}
    if rule == "label.creatinine_above_4_5":
        return {"creatinine": f"{_dec(rng.uniform(4.6, 6.4))} mg/dL"}
    return {"oliguria_hours": str(rng.randint(16, 24)), "creatinine_trend": "rising",
            "urine_ml_per_h": str(rng.randint(2, 9))}


def _resume_values(rng: random.Random, rule: str) -> dict[str, Any]:
    """Observations that meet ``rule``'s resume condition."""
    if rule == "label.sbp_below_90":
        return {"sbp_mmhg": str(rng.randint(92, 118)),
                "pressor_trend": rng.choice(("none", "improving", "stable"))}
    if rule == "label.creatinine_above_4_5":
        return {"creatinine": f"{_dec(rng.uniform(2.0, 3.9))} mg/dL",
                "severe_volume_overload": False, "acidosis": False, "hyperkalemia": False}
    return {"urine_ml_per_h": str(rng.randint(15, 60)), "creatinine_trend": "falling"}


def _cycle_pattern(rng: random.Random, given: int, slots: int) -> list[str]:
    if given <= slots - 2 and given >= 2 and rng.random() < 0.2:
        at = rng.randint(1, given - 1)  # one hold in between, after ``at`` doses
        return ["given"] * at + ["held"] + ["given"] * (given - at) + \
            ["held"] * (slots - given - 1)
    return ["given"] * given + ["held"] * (slots - given)


# --- lesions and sizes -------------------------------------------------------------------------

_ORGANS = {
    "melanoma": ("lung", "liver", "lymph node", "subcutaneous", "skin", "adrenal"),
    "rcc": ("lung", "kidney", "lymph node", "liver", "adrenal", "bone"),
}
_NEW_ORGANS = ("liver", "lung", "bone", "soft tissue")
_BANDS = {"PR": (0.12, 0.45), "MR": (0.55, 0.70), "NR": (0.88, 1.08)}
Sizes = dict[str, tuple[Decimal, Decimal]]


def _product(s: tuple[Decimal, Decimal]) -> Decimal:
    return s[0] * s[1]


def _scaled(base: Sizes, nadir: Mapping[str, Decimal], status: str, prev: Sizes | None,
            prev_ratio: float | None, rng: random.Random) -> tuple[Sizes, float]:
    """Sizes whose sum of products is in the band of ``status`` (PR, MR, NR) relative to
    baseline.  A responder after a responder shrinks further from the previous sizes (so no
    lesion grows: NCI PR needs no growing lesion); a stable lesion never grows 25 % above its
    smallest product (that would be progression)."""
    lo, hi = _BANDS[status]
    shrink = status != "NR" and prev is not None and prev_ratio is not None
    if shrink:
        assert prev_ratio is not None
        lo, hi = min(lo, prev_ratio / 2), min(hi, prev_ratio)
    ref = prev if shrink and prev is not None else base
    ref_ratio = prev_ratio if shrink and prev_ratio is not None else 1.0
    spd0 = sum((_product(s) for s in base.values()), Decimal(0))
    for _ in range(500):
        f = rng.uniform(lo, hi)
        out: Sizes = {}
        for lid, (ld, pp) in ref.items():
            j = rng.uniform(0.9, 1.0) if shrink else rng.uniform(0.92, 1.08)
            k = math.sqrt(f / ref_ratio * j)
            out[lid] = (_dec(float(ld) * k), _dec(float(pp) * k))
        spd = sum((_product(s) for s in out.values()), Decimal(0))
        if status == "NR":
            ok = all(4 * _product(s) < 5 * nadir[lid] for lid, s in out.items()) \
                and 4 * (spd0 - spd) < spd0
        elif status == "MR":
            ok = 4 * (spd0 - spd) >= spd0 and 2 * spd > spd0
        else:
            ok = spd > 0 and 2 * spd <= spd0 and all(_product(s) <= nadir[lid]
                                                     for lid, s in out.items())
        if ok:
            return out, float(spd / spd0)
    raise RuntimeError(f"no sizes found for {status}")  # pragma: no cover - generator bug


# --- one patient ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Spec:
    disease: str
    group: int
    sex: str
    age_group: str
    race: str
    ecog: int
    first_day: dt.date
    hour: int


def _specs(seed: int, n: int | None) -> list[_Spec]:
    rng = random.Random(f"hdil2-synthetic:{seed}")
    weights = [g.count for g in LEE2000_GROUPS]
    per_group = weights if n is None else largest_remainder(weights, n)
    specs: list[_Spec] = []
    span = (ACCRUAL_LAST - ACCRUAL_FIRST).days
    for disease in DISEASES:
        groups = [i for i, g in enumerate(LEE2000_GROUPS) if g.disease == disease
                  for _ in range(per_group[i])]
        rng.shuffle(groups)
        m = len(groups)
        t1 = TABLE1[disease]
        sexes = _expand(t1["sex"], m, rng)
        ages = _expand(t1["age_group"], m, rng)
        races = _expand(t1["race"], m, rng)
        ecogs = _expand(t1["ecog"], m, rng)
        for k in range(m):
            specs.append(_Spec(disease, groups[k], sexes[k], ages[k], races[k], int(ecogs[k]),
                               ACCRUAL_FIRST + dt.timedelta(days=rng.randint(0, span)),
                               rng.choice((8, 16, 20))))
    return specs


def _patient_id(disease: str, k: int, width: int) -> str:
    return f"{'M' if disease == 'melanoma' else 'R'}{k:0{width}d}"


def iter_records(seed: int = DEFAULT_SEED, n: int | None = None) -> Iterator[PatientRecord]:
    """The cohort one patient at a time (in enrolment order within each disease), so that a
    loader can stream 10,000 patients; :func:`generate` collects them."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InputError("seed", "a whole number", seed)
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise InputError("n", "a whole number of patients, at least 1", n)
    specs = _specs(seed, n)
    for disease in DISEASES:
        mine = sorted((s for s in specs if s.disease == disease),
                      key=lambda s: (s.first_day, s.hour, s.group))
        width = max(3, len(str(len(mine))))
        for k, spec in enumerate(mine, start=1):
            pid = _patient_id(disease, k, width)
            yield _Builder(seed, pid, spec).build()


def generate(seed: int = DEFAULT_SEED, n: int | None = None) -> SyntheticCohort:
    """The synthetic cohort: Lee et al. 2000's 350 patients (``n=None``) or ``n`` patients on
    the same paths in proportion; deterministic for ``seed``."""
    records = tuple(iter_records(seed, n))
    return SyntheticCohort(seed, records, {"n": len(records), "regimen": REGIMEN,
                                           "criteria": CRITERIA, "cutoff": CUTOFF})


class _Builder:
    """Builds one patient's records from its spec and its own random stream."""

    def __init__(self, seed: int, pid: str, spec: _Spec) -> None:
        self.rng = random.Random(f"hdil2-synthetic:{seed}:{pid}")
        self.pid = pid
        self.spec = spec
        self.group = LEE2000_GROUPS[spec.group]
        self.courses: list[Course] = []
        self.cycles: list[Cycle] = []
        self.slots: list[DoseSlot] = []
        self.observations: list[Observation] = []
        self.toxicities: list[Toxicity] = []
        self.scans: list[Scan] = []
        self.measurements: list[Measurement] = []

    # -- patient
    def _patient(self) -> Patient:
        rng, s = self.rng, self.spec
        lo, hi = (int(x) for x in s.age_group.split("-"))
        male = s.sex == "male"
        weight = _dec(_gauss_within(rng, 83 if male else 68, 13 if male else 12, 45, 140))
        height = _dec(_gauss_within(rng, 177 if male else 163, 7 if male else 6.5, 145, 200))
        first = dt.datetime.combine(s.first_day, dt.time(s.hour))
        return Patient(self.pid, s.disease, s.sex, rng.randint(lo, hi), s.age_group, s.race,
                       s.ecog, weight, height, first.replace(tzinfo=_zone()), s.group)

    def build(self) -> PatientRecord:
        rng, g = self.rng, self.group
        patient = self._patient()
        n_courses = len(g.responses)
        died = g.stop_reason == "death"
        # lesions and the baseline scan
        organs = list(_ORGANS[patient.disease])
        rng.shuffle(organs)
        lesions = tuple(Lesion(self.pid, f"T{i + 1}", organs[i], is_lymph_node=False)
                        for i in range(rng.randint(1, 4)))
        base: Sizes = {}
        for les in lesions:
            ld = rng.uniform(15, 70)
            base[les.id] = (_dec(ld), _dec(ld * rng.uniform(0.6, 1.0)))
        start_day = patient.first_dose.date()
        self._scan(start_day - dt.timedelta(days=rng.randint(7, 28)), "baseline", None, base)
        nadir = {lid: _product(s) for lid, s in base.items()}
        prev_ratio: float | None = None
        prev_sizes: Sizes | None = None
        last_sizes = base
        first = patient.first_dose.replace(tzinfo=None)
        death_date: dt.date | None = None
        progression: dt.date | None = None
        for k in range(1, n_courses + 1):
            status = g.responses[k - 1]
            last = k == n_courses
            stop_tox = last and g.stop_reason == "il2_toxicity"
            if died:
                death_date = first.date() + dt.timedelta(days=rng.randint(8, 20))
            self._course(patient, k, first, death_date, stop_tox)
            if died:
                break
            scan_day = first.date() + dt.timedelta(days=rng.randint(73, 80))
            if last and status == "NR" and g.stop_reason == "progressive_disease":
                last_sizes = self._progression(scan_day, "course_response", k, base, nadir,
                                               last_sizes)
                progression = scan_day
            elif status == "CR":
                last_sizes = self._scan(scan_day, "course_response", k, {})
            else:
                last_sizes, ratio = _scaled(base, nadir, status, prev_sizes, prev_ratio, rng)
                self._scan(scan_day, "course_response", k, last_sizes)
                prev_ratio, prev_sizes = (ratio, last_sizes) if status != "NR" else (None, None)
            for lid, s in last_sizes.items():
                nadir[lid] = min(nadir[lid], _product(s))
            if last_sizes == {}:
                nadir = dict.fromkeys(nadir, Decimal(0))
            if not last:
                first = dt.datetime.combine(scan_day + dt.timedelta(days=rng.randint(7, 14)),
                                            first.time())
        # after the last course
        final = g.responses[-1]
        last_scan = self.scans[-1].date
        if not died:
            if g.final_response == "CR" and final != "CR":  # late regression to CR
                d1 = last_scan + dt.timedelta(days=rng.randint(35, 56))
                self._scan(d1, "follow_up", None, {})
                self._scan(d1 + dt.timedelta(days=rng.randint(35, 56)), "confirmation", None, {})
            elif final in ("PR", "CR") and g.stop_reason == "progressive_disease":
                d1 = last_scan + dt.timedelta(days=rng.randint(28, 49))
                self._progression(d1, "follow_up", None, base, nadir, last_sizes, new=True)
                progression = d1
            elif final in ("PR", "CR"):
                self._scan(last_scan + dt.timedelta(days=rng.randint(35, 56)), "confirmation",
                           None, last_sizes)
        assessments = self._assess(lesions, patient.first_dose.date())
        courses = self._with_responses(assessments)
        best = next(a.value for a in assessments if a.kind == "best")
        expected_best = {"CR": "CR", "PR": "PR"}.get(g.final_response)
        if expected_best is not None and best != expected_best:  # pragma: no cover
            raise RuntimeError(f"{self.pid}: best response {best}, expected {expected_best}")
        if death_date is not None:
            stop_date = death_date
        elif g.stop_reason == "progressive_disease" and progression is not None:
            stop_date = progression
        else:
            stop_date = next(s.date for s in self.scans if s.course == len(courses))
        follow = self._follow_up(start_day, progression, death_date, self.scans[-1].date,
                                 g.final_response)
        return PatientRecord(
            patient, courses, tuple(self.cycles), tuple(self.slots), tuple(self.observations),
            tuple(self.toxicities), tuple(self.scans), lesions, tuple(self.measurements),
            assessments, Discontinuation(self.pid, len(courses), g.stop_reason, stop_date),
            follow)

    # -- scans
    def _scan(self, day: dt.date, purpose: str, course: int | None, sizes: Sizes,
              lesion_ids: Sequence[str] | None = None) -> Sizes:
        index = len(self.scans)
        self.scans.append(Scan(self.pid, index, day, purpose, course))
        ids = lesion_ids if lesion_ids is not None else (
            [m.lesion for m in self.measurements if m.scan == 0] if index else list(sizes))
        for lid in ids:
            if lid in sizes:
                ld, pp = sizes[lid]
                self.measurements.append(Measurement(self.pid, index, lid, "measured", ld, pp))
            else:
                self.measurements.append(Measurement(self.pid, index, lid, "absent", None, None))
        return sizes

    def _progression(self, day: dt.date, purpose: str, course: int | None, base: Sizes,
                     nadir: Mapping[str, Decimal], last: Sizes, new: bool | None = None
                     ) -> Sizes:
        rng = self.rng
        if new is None:
            new = rng.random() < 0.4
        sizes = dict(last) if last else {}
        if not new and sizes:
            lid = rng.choice(sorted(sizes))
            k = math.sqrt(float(nadir[lid] / _product(base[lid])) * rng.uniform(1.5, 2.0))
            sizes[lid] = (_dec(float(base[lid][0]) * k), _dec(float(base[lid][1]) * k))
            self._scan(day, purpose, course, sizes)
            return sizes
        self._scan(day, purpose, course, sizes)
        ld = rng.uniform(10, 25)
        self.measurements.append(Measurement(
            self.pid, len(self.scans) - 1, "N1", "present", _dec(ld),
            _dec(ld * rng.uniform(0.6, 1.0)), new=True, organ=rng.choice(_NEW_ORGANS)))
        return sizes

    # -- response
    def _assess(self, lesions: Sequence[Lesion], start: dt.date) -> tuple[
            ResponseAssessment, ...]:
        if len(self.scans) < 2:  # died before any response scan: no time point
            return (ResponseAssessment(self.pid, None, "best", CRITERIA, "NR", None, None,
                                       "synthetic.no_response_scan"),)
        a = assess(assessment_request(self.pid, start, lesions, self.scans, self.measurements))
        out = []
        for tp in a.visits:
            rule = next((r.rule for r in tp.reasons if r.rule.startswith("nci.")), "")
            out.append(ResponseAssessment(self.pid, tp.index, "timepoint", CRITERIA, tp.overall,
                                          tp.burden_mm, tp.baseline_mm, rule))
        bor = a.bor_confirmed
        out.append(ResponseAssessment(self.pid, None, "best", CRITERIA, bor.value, None, None,
                                      bor.reasons[0].rule if bor.reasons else "bor"))
        return tuple(out)

    def _with_responses(self, assessments: Sequence[ResponseAssessment]) -> tuple[Course, ...]:
        by_scan = {a.scan: a.value for a in assessments if a.kind == "timepoint"}
        out = []
        for c in self.courses:
            scan = next((s.index for s in self.scans if s.course == c.number), None)
            value = "NR" if scan is None else by_scan[scan]
            status = "NR" if value == "PD" else value
            if status != self.group.responses[c.number - 1]:  # pragma: no cover - generator bug
                raise RuntimeError(f"{self.pid} course {c.number}: {value}, expected "
                                   f"{self.group.responses[c.number - 1]}")
            out.append(_replace_course(c, value, status, scan))
        return tuple(out)

    # -- treatment
    def _course(self, patient: Patient, k: int, first: dt.datetime,
                death_date: dt.date | None, stop_tox: bool) -> None:
        rng, pid = self.rng, self.pid
        weight = patient.weight_kg if k == 1 else _dec(
            float(patient.weight_kg) * rng.uniform(0.96, 1.02))
        dose_iu, vials = _dose(weight)
        cal = course_calendar(REGIMEN, first, WARD_TZ)
        per_cycle: dict[int, list[Any]] = {}
        for s in cal.slots:
            per_cycle.setdefault(s.cycle, []).append(s)
        mu = 10.5 if patient.disease == "rcc" else 9.0
        statuses: list[str] = []
        for c, slots in sorted(per_cycle.items()):
            if death_date is not None and c > 1:
                statuses += ["not_given"] * len(slots)
                continue
            given = round(_gauss_within(rng, mu - (c - 1), 2.5, 2.5, 15.49))
            statuses += _cycle_pattern(rng, given, len(slots))
        rules: dict[int, str] = {}
        rule: str | None = None
        held_by: dict[str, list[dict[str, Any]]] = {}
        for i, st in enumerate(statuses):
            if st == "held":
                if i == 0 or statuses[i - 1] != "held":
                    rule = rng.choices(HOLD_RULES, _HOLD_WEIGHTS)[0]
                assert rule is not None
                rules[i] = rule
        counts: dict[int, list[int]] = {}
        for i, (s, st) in enumerate(zip(cal.slots, statuses, strict=True)):
            tally = counts.setdefault(s.cycle, [0, 0, 0])
            tally[("given", "held", "not_given").index(st)] += 1
            note = None
            if st == "held":
                values = _hold_values(rng, rules[i])
                held_by.setdefault(rules[i], []).append(values)
                self.observations.append(Observation(pid, k, s.index, s.local, "hold", rules[i],
                                                     values))
            elif st == "given" and i > 0 and statuses[i - 1] == "held":
                self.observations.append(Observation(
                    pid, k, s.index, s.local, "resume", rules[i - 1],
                    _resume_values(rng, rules[i - 1])))
            elif st == "not_given":
                note = f"course stopped: the patient died on {death_date}"
            self.slots.append(DoseSlot(
                pid, k, s.cycle, s.index, s.dose_in_cycle, s.day, s.local, st,
                dose_iu if st == "given" else None, vials if st == "given" else None,
                rules.get(i), note, s.flags))
        for c, slots in sorted(per_cycle.items()):
            g, h, ng = counts[c]
            self.cycles.append(Cycle(pid, k, c, slots[0].local, len(slots), g, h, ng))
        given = sum(v[0] for v in counts.values())
        held = sum(v[1] for v in counts.values())
        self.courses.append(Course(
            pid, k, REGIMEN, cal.slots[0].local, cal.slots[-1].local, weight, dose_iu, vials,
            len(cal.slots), given, held, len(cal.slots) - given - held, "", "", None))
        self._toxicities(patient, k, cal.slots[0].local.date(), weight, held_by, stop_tox)

    def _toxicities(self, patient: Patient, k: int, day1: dt.date, weight: Decimal,
                    held_by: Mapping[str, list[dict[str, Any]]], stop_tox: bool) -> None:
        rng = self.rng
        severe = rng.choice(("renal", "hypotension")) if stop_tox else None
        docs: list[dict[str, Any]] = []
        base_cr = _dec(rng.uniform(0.7, 1.2))
        if severe == "renal":
            peak = _dec(rng.uniform(7.5, 9.0))
        elif "label.creatinine_above_4_5" in held_by:
            peak = max(Decimal(v["creatinine"].split()[0])
                       for v in held_by["label.creatinine_above_4_5"])
        elif "label.oliguria" in held_by:
            peak = _dec(rng.uniform(2.5, 4.4))
        else:
            peak = _dec(float(base_cr) * rng.uniform(1.1, 3.0))
        docs.append({"term": "creatinine_increased", "value": f"{peak} mg/dL",
                     "uln": "1.2 mg/dL", "baseline": f"{base_cr} mg/dL"})
        if severe == "hypotension":
            docs.append({"term": "hypotension", "symptomatic": True, "intervention": "urgent",
                         "vasopressors": True, "hospitalization_indicated": True,
                         "life_threatening": True})
        elif "label.sbp_below_90" in held_by:
            docs.append({"term": "hypotension", "symptomatic": True, "intervention": "medical",
                         "vasopressors": True, "hospitalization_indicated": True,
                         "life_threatening": False})
        elif rng.random() < 0.6:
            docs.append({"term": "hypotension", "symptomatic": True,
                         "intervention": "non_urgent", "vasopressors": False,
                         "hospitalization_indicated": False, "life_threatening": False})
        if "label.oliguria" in held_by:
            docs.append({"term": "urine_output_decreased",
                         "volume": f"{rng.randint(20, 79)} mL", "hours": "8 h"})
        docs.append({"term": "fever", "value": f"{_dec(rng.uniform(37.6, 40.0))} °C"})
        docs.append({"term": "weight_gain",
                     "value": f"{_dec(float(weight) * rng.uniform(1.02, 1.16))} kg",
                     "baseline": f"{weight} kg"})
        docs.append({"term": "platelet_count_decreased",
                     "value": f"{rng.randint(35, 180)} 10^9/L", "lln": "150 10^9/L"})
        docs.append({"term": "blood_bilirubin_increased",
                     "value": f"{_dec(rng.uniform(0.6, 4.5))} mg/dL", "uln": "1.2 mg/dL",
                     "baseline": f"{_dec(rng.uniform(0.3, 1.0))} mg/dL"})
        docs.append({"term": "diarrhea", "stools_per_day": rng.randint(1, 9),
                     "baseline_stools_per_day": 1})
        for doc in docs:
            grade, rule = _grade(doc)
            if grade >= 1:
                self.toxicities.append(Toxicity(
                    self.pid, k, str(doc["term"]), grade,
                    day1 + dt.timedelta(days=rng.randint(1, 18)), doc, rule))

    # -- follow-up
    def _follow_up(self, start: dt.date, progression: dt.date | None,
                   death: dt.date | None, last_scan: dt.date, final: str) -> FollowUp:
        rng = self.rng
        mel = self.spec.disease == "melanoma"
        cause = None
        if death is not None:
            cause = "treatment-related"
        else:
            if progression is None and final != "CR":
                median = (21 if mel else 36) * MONTH if final == "PR" else 3 * MONTH
                progression = last_scan + dt.timedelta(days=_days_exp(rng, median))
            if progression is not None:
                death = progression + dt.timedelta(
                    days=_days_exp(rng, (6 if mel else 10) * MONTH))
                cause = "disease"
        if progression is not None and progression > CUTOFF:
            progression = None
        if death is not None and death > CUTOFF:
            death, cause = None, None
        return FollowUp(self.pid, start, CUTOFF, progression, death, cause,
                        "dead" if death is not None else "alive")


def _replace_course(c: Course, response: str, status: str, scan: int | None) -> Course:
    return Course(c.patient, c.number, c.regimen, c.first_dose, c.last_slot, c.weight_kg,
                  c.dose_iu, c.vials_per_dose, c.slots, c.given, c.held, c.not_given,
                  response, status, scan)


@cache
def _zone() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(WARD_TZ)


def assessment_request(patient: str, start: dt.date, lesions: Sequence[Lesion],
                       scans: Sequence[Scan], measurements: Sequence[Measurement]
                       ) -> AssessmentRequest:
    """The NCI assessment request of one patient's stored scans and measurements (the
    registry rebuilds the same request from its rows to recompute the response)."""
    by_scan: dict[int, list[Measurement]] = {}
    for m in measurements:
        by_scan.setdefault(m.scan, []).append(m)
    visits = []
    for s in sorted(scans, key=lambda s: s.index):
        ms = by_scan.get(s.index, [])
        visits.append({
            "date": s.date,
            "lesions": {m.lesion: ({"ld_mm": m.ld_mm, "perp_mm": m.perp_mm}
                                   if m.status == "measured" else {"status": m.status})
                        for m in ms if not m.new},
            "new_lesions": [{"id": m.lesion, "organ": m.organ or "unspecified",
                             "ld_mm": m.ld_mm, "perp_mm": m.perp_mm} for m in ms if m.new],
            "label": s.purpose,
        })
    try:
        return AssessmentRequest.model_validate({
            "criteria": CRITERIA, "start_date": start,
            "lesions": [{"id": les.id, "organ": les.organ, "kind": les.kind,
                         "is_lymph_node": les.is_lymph_node, "method": les.method}
                        for les in lesions],
            "visits": visits})
    except ValueError as e:
        raise InputError(f"patients.{patient}.scans", str(e)) from None
