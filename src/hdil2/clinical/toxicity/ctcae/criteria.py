"""Numeric CTCAE v5.0 criteria as data: every threshold hdil2 grades by, in one place.

The thresholds are read from the grade texts of NCI's CTCAE v5.0 spreadsheet (source key
``ctcae5``; the texts are in :mod:`hdil2.clinical.toxicity.ctcae.catalogue`) and were compared with
pharmaverse admiral's machine-readable v5.0 grading metadata (``atoxgr_criteria_ctcv5``, source
key ``admiral``).  Conventions (docs/decisions.md#ctcae-boundary-forms and
#creatinine-baseline-clause):

* Grade = the highest grade whose criteria are met; a semicolon in CTCAE means "or", so each
  semicolon-separated part is a :class:`Clause` and the grade is the highest over clauses.
* A range ">ULN - 3.0 x ULN" means ULN < x <= 3.0 x ULN.  Because the ranges of one clause tile
  the axis, a grade's range is met exactly when its lower bound is met and the next grade's is
  not; each :class:`Threshold` therefore stores only the bound that opens its grade:
  ``x > 1.0 x ULN`` opens G1, ``x > 3.0 x ULN`` opens G2 ...  A bare "1.5 - 3.0 x baseline"
  opens inclusively (``x >= 1.5 x baseline``); "<LLN - 75.0" opens at ``x < LLN``.
* Creatinine's baseline clause fires even within normal limits (admiral grades it the same
  way: ``AVAL > 1.5 x BASE`` gives G2).
* Bilirubin, AST, ALT, alkaline phosphatase and GGT have two branches: baseline normal
  (baseline <= ULN: graded against ULN) or abnormal (baseline > ULN: graded against baseline).
* A laboratory term printed in several units (anemia in g/dL and mmol/L, hypocalcemia in
  mg/dL and mmol/L, hypomagnesemia in mg/dL and mmol/L) has one :class:`LabCriteria` per unit,
  each with the bounds v5.0 prints for that unit: they are not exact conversions of each other
  (hemoglobin 6.2 mmol/L is 9.99 g/dL), so hdil2 never converts between them.
* Where two grades share one value range and clinical words tell them apart (hypokalemia G1/G2,
  hyponatremia 125-129 mmol/L G2/G3), a :class:`CoCriterion` names the words as request
  fields; unknown, the grade is not evaluable unless the other inputs decide it.
* The other clinical words of a laboratory grade ("transfusion indicated", "hospitalization
  indicated", "life-threatening consequences", death) are the clinician's ``clinical_grade``
  (:data:`DESCRIPTOR_GRADES`); they can only raise the grade the value gives.
* Fever's G3 and G4 differ only in how long the temperature stayed above 40.0 degrees C.
* Diarrhoea is graded from the increase in stools per day over baseline and from ostomy
  output; v5.0 grade 3 has no incontinence criterion.
* Urine output decreased: < 80 mL in 8 h (G3), < 240 mL in 24 h (G4), adults.

Every comparison is exact, with the operators the dose-hold rules share
(:mod:`hdil2.clinical.toxicity.operators`; an unknown operator is an error): values are
:class:`fractions.Fraction` and factors are decimal strings turned into fractions, so 1.5 x 1.2
is 1.8 (in binary floats it is 1.7999999999999998 and a creatinine of exactly 1.5 x ULN
would grade one too high).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from operator import ge, gt, le, lt
from typing import Literal

from hdil2.clinical.toxicity.operators import NEGATION as NEGATION
from hdil2.clinical.toxicity.operators import SYMBOL as SYMBOL
from hdil2.clinical.toxicity.operators import Order, compare, order
from hdil2.core.policy import Policy
from hdil2.core.sources import Tag

# the bound that opens a grade is an order comparison of the shared operators
# (:mod:`hdil2.clinical.toxicity.operators`, also used by the dose-hold rules)
Op = Order
Ref = Literal["uln", "lln", "baseline", "absolute"]
When = Literal["always", "baseline_normal", "baseline_abnormal"]

REF_LABEL: dict[Ref, str] = {"uln": "ULN", "lln": "LLN", "baseline": "baseline", "absolute": ""}

# the order comparisons on integers (Threshold.met compares cross-multiplied fractions)
INTEGER_ORDER: dict[str, Callable[[int, int], bool]] = {"<": lt, "<=": le, ">": gt, ">=": ge}


@dataclass(frozen=True, slots=True)
class Threshold:
    """The bound that opens ``grade``: ``x op factor × reference`` (or ``x op factor``)."""

    grade: int
    op: Op
    factor: Fraction

    def __post_init__(self) -> None:
        order(self.op, "op", f"the CTCAE threshold of grade {self.grade}")

    def bound(self, ref: Fraction | None) -> Fraction:
        """The bound in the value's unit (``ref`` is ``None`` for an absolute threshold)."""
        return self.factor if ref is None else self.factor * ref

    def met(self, x: Fraction, ref: Fraction | None) -> bool:
        """``x op factor × ref`` (``x op factor`` without a reference), exactly.

        With fractions ``x = a/b``, ``factor = p/q`` and ``ref = n/d`` (positive denominators)
        it is ``a·q·d op p·n·b``, compared in integers without building the bound.
        """
        if type(x) is Fraction and (ref is None or type(ref) is Fraction):
            f = self.factor
            n, d = (1, 1) if ref is None else (ref.numerator, ref.denominator)
            return INTEGER_ORDER[self.op](x.numerator * f.denominator * d,
                                   f.numerator * n * x.denominator)
        return compare(x, self.op, self.bound(ref))


def t(grade: int, op: Op, factor: str) -> Threshold:
    """A threshold from its decimal text (exact: ``"1.5"`` is 3/2)."""
    return Threshold(grade, op, Fraction(factor))


@dataclass(frozen=True, slots=True)
class Clause:
    """One semicolon-separated part of a CTCAE row: thresholds against one reference."""

    key: str  # rule id suffix, e.g. "baseline_clause"
    label: str
    ref: Ref
    thresholds: tuple[Threshold, ...]  # in increasing grade
    when: When = "always"

    @property
    def needs(self) -> tuple[str, ...]:
        """The limits this clause reads (a branch clause also reads ULN and baseline)."""
        out: list[str] = [] if self.ref == "absolute" else [self.ref]
        if self.when != "always":
            out += [k for k in ("uln", "baseline") if k not in out]
        return tuple(out)

    @property
    def max_grade(self) -> int:
        return max(th.grade for th in self.thresholds)


@dataclass(frozen=True, slots=True)
class CoCriterion:
    """Two grades sharing one value range, told apart by clinical words of the v5.0 text.

    A value whose grade is ``at`` is graded ``to`` when any of ``fields`` is true and stays
    ``at`` when all are false; an unknown field that could change it makes the grade
    ``not_evaluable`` naming the field.
    """

    at: int
    to: int
    fields: tuple[str, ...]
    text: str  # the clinical words, e.g. "symptomatic or intervention indicated"
    band: str  # the shared range as v5.0 prints it, e.g. "<LLN - 3.0 mmol/L"


@dataclass(frozen=True, slots=True)
class LabCriteria:
    """A term graded from a value against ULN / LLN / baseline and absolute bounds."""

    term: str  # catalogue key
    rule: str  # rule id prefix, e.g. "ctcae5.creatinine"
    what: str  # the measured thing, for messages
    units: tuple[str, ...]  # accepted units of the value (one per dimension)
    clauses: tuple[Clause, ...]
    tag: Tag = Tag.VERIFIED
    unit: str | None = None  # compare in this unit; None = the value's own unit
    limits: tuple[str, ...] = ("uln", "baseline")
    value_range: tuple[Fraction, Fraction] | None = None  # plausibility in ``unit`` (not CTCAE)
    percent_change: bool = False  # describe the value as % change from baseline
    # analyte-specific exact identities into ``unit`` (potassium: 1 mEq/L = 1 mmol/L)
    equivalents: tuple[tuple[str, Fraction], ...] = ()
    cocriteria: tuple[CoCriterion, ...] = ()

    @property
    def branched(self) -> bool:
        return any(c.when != "always" for c in self.clauses)

    @property
    def accepted_units(self) -> tuple[str, ...]:
        return (*self.units, *(u for u, _ in self.equivalents))


def _hepatic(
    term: str, rule: str, what: str, units: tuple[str, ...], normal: tuple[Threshold, ...],
    abnormal: tuple[Threshold, ...],
) -> LabCriteria:
    return LabCriteria(
        term, rule, what, units,
        (
            Clause("uln_clause", "ULN clause (baseline normal)", "uln", normal, "baseline_normal"),
            Clause("baseline_clause", "baseline clause (baseline abnormal)", "baseline", abnormal,
                   "baseline_abnormal"),
        ),
    )


CREATININE = LabCriteria(
    "creatinine_increased", "ctcae5.creatinine", "creatinine", ("mg/dL", "µmol/L"),
    (
        Clause("uln_clause", "ULN clause", "uln",
               (t(1, ">", "1"), t(2, ">", "1.5"), t(3, ">", "3.0"), t(4, ">", "6.0"))),
        Clause("baseline_clause", "baseline clause", "baseline",
               (t(2, ">", "1.5"), t(3, ">", "3.0"))),
    ),
)

BILIRUBIN = _hepatic(
    "blood_bilirubin_increased", "ctcae5.bilirubin", "bilirubin", ("mg/dL", "µmol/L"),
    (t(1, ">", "1"), t(2, ">", "1.5"), t(3, ">", "3.0"), t(4, ">", "10.0")),
    (t(1, ">", "1.0"), t(2, ">", "1.5"), t(3, ">", "3.0"), t(4, ">", "10.0")),
)

_AMINOTRANSFERASE_NORMAL = (t(1, ">", "1"), t(2, ">", "3.0"), t(3, ">", "5.0"),
                            t(4, ">", "20.0"))
# the bare "1.5 - 3.0 x baseline" of G1 is inclusive at 1.5 (docs/decisions.md#ctcae-boundary-forms)
_AMINOTRANSFERASE_ABNORMAL = (t(1, ">=", "1.5"), t(2, ">", "3.0"), t(3, ">", "5.0"),
                              t(4, ">", "20.0"))

AST = _hepatic("ast_increased", "ctcae5.ast", "AST", ("U/L",),
               _AMINOTRANSFERASE_NORMAL, _AMINOTRANSFERASE_ABNORMAL)
ALT = _hepatic("alt_increased", "ctcae5.alt", "ALT", ("U/L",),
               _AMINOTRANSFERASE_NORMAL, _AMINOTRANSFERASE_ABNORMAL)

_ALP_GGT_NORMAL = (t(1, ">", "1"), t(2, ">", "2.5"), t(3, ">", "5.0"), t(4, ">", "20.0"))
# "2.0 - 2.5 x baseline" is inclusive at 2.0, as "1.5 - 3.0 x baseline" is for AST/ALT
_ALP_GGT_ABNORMAL = (t(1, ">=", "2.0"), t(2, ">", "2.5"), t(3, ">", "5.0"), t(4, ">", "20.0"))

ALKALINE_PHOSPHATASE = _hepatic(
    "alkaline_phosphatase_increased", "ctcae5.alkaline_phosphatase", "alkaline phosphatase",
    ("U/L",), _ALP_GGT_NORMAL, _ALP_GGT_ABNORMAL)
GGT = _hepatic("ggt_increased", "ctcae5.ggt", "GGT", ("U/L",), _ALP_GGT_NORMAL,
               _ALP_GGT_ABNORMAL)


def _low(
    term: str, rule: str, what: str, units: tuple[str, ...], unit: str,
    absolute: tuple[Threshold, ...], label: str = "", *,
    equivalents: tuple[tuple[str, Fraction], ...] = (),
    cocriteria: tuple[CoCriterion, ...] = (),
) -> LabCriteria:
    """A "decreased" term: G1 below the LLN, lower grades below absolute bounds."""
    suffix = f" ({label})" if label else ""
    return LabCriteria(
        term, rule, what, units,
        (
            Clause("lln_clause", "LLN clause", "lln", (t(1, "<", "1"),)),
            Clause("absolute_clause", f"absolute clause{suffix}", "absolute", absolute),
        ),
        unit=unit, limits=("lln",), equivalents=equivalents, cocriteria=cocriteria,
    )


_COUNT = ("10^9/L", "/mm³")

PLATELETS = _low("platelet_count_decreased", "ctcae5.platelets", "platelet count", _COUNT,
                 "10^9/L", (t(2, "<", "75.0"), t(3, "<", "50.0"), t(4, "<", "25.0")))
NEUTROPHILS = _low("neutrophil_count_decreased", "ctcae5.neutrophils", "neutrophil count",
                   _COUNT, "10^9/L", (t(2, "<", "1.5"), t(3, "<", "1.0"), t(4, "<", "0.5")))
LYMPHOCYTES = _low("lymphocyte_count_decreased", "ctcae5.lymphocytes", "lymphocyte count",
                   _COUNT, "10^9/L", (t(2, "<", "0.8"), t(3, "<", "0.5"), t(4, "<", "0.2")))

ANEMIA_G_DL = _low("anemia", "ctcae5.anemia", "hemoglobin", ("g/dL",), "g/dL",
                   (t(2, "<", "10.0"), t(3, "<", "8.0")), "g/dL and g/L")
ANEMIA_MMOL_L = _low("anemia", "ctcae5.anemia", "hemoglobin", ("mmol/L",), "mmol/L",
                     (t(2, "<", "6.2"), t(3, "<", "4.9")), "mmol/L")

HYPOCALCEMIA_CORRECTED_MG_DL = _low(
    "hypocalcemia", "ctcae5.hypocalcemia", "corrected serum calcium", ("mg/dL",), "mg/dL",
    (t(2, "<", "8.0"), t(3, "<", "7.0"), t(4, "<", "6.0")), "corrected calcium, mg/dL")
HYPOCALCEMIA_CORRECTED_MMOL_L = _low(
    "hypocalcemia", "ctcae5.hypocalcemia", "corrected serum calcium", ("mmol/L",), "mmol/L",
    (t(2, "<", "2.0"), t(3, "<", "1.75"), t(4, "<", "1.5")), "corrected calcium, mmol/L")
HYPOCALCEMIA_IONIZED = _low(
    "hypocalcemia", "ctcae5.hypocalcemia", "ionized calcium", ("mmol/L",), "mmol/L",
    (t(2, "<", "1.0"), t(3, "<", "0.9"), t(4, "<", "0.8")), "ionized calcium, mmol/L")

# potassium and sodium are monovalent: 1 mEq/L is exactly 1 mmol/L; magnesium is divalent
_MONOVALENT = (("mEq/L", Fraction(1)),)
_DIVALENT = (("mEq/L", Fraction(1, 2)),)

HYPOKALEMIA = _low(
    "hypokalemia", "ctcae5.hypokalemia", "potassium", ("mmol/L",), "mmol/L",
    (t(3, "<", "3.0"), t(4, "<", "2.5")), equivalents=_MONOVALENT,
    cocriteria=(CoCriterion(1, 2, ("symptomatic", "intervention_indicated"),
                            "symptomatic or intervention indicated", "<LLN - 3.0 mmol/L"),))
HYPOMAGNESEMIA_MG_DL = _low(
    "hypomagnesemia", "ctcae5.hypomagnesemia", "magnesium", ("mg/dL",), "mg/dL",
    (t(2, "<", "1.2"), t(3, "<", "0.9"), t(4, "<", "0.7")), "mg/dL")
HYPOMAGNESEMIA_MMOL_L = _low(
    "hypomagnesemia", "ctcae5.hypomagnesemia", "magnesium", ("mmol/L",), "mmol/L",
    (t(2, "<", "0.5"), t(3, "<", "0.4"), t(4, "<", "0.3")), "mmol/L", equivalents=_DIVALENT)
# 125-129 is 125 <= Na < 130 and 120-124 is 120 <= Na < 125 (the bands meet, see catalogue)
HYPONATREMIA = _low(
    "hyponatremia", "ctcae5.hyponatremia", "sodium", ("mmol/L",), "mmol/L",
    (t(2, "<", "130"), t(3, "<", "125"), t(4, "<", "120")), equivalents=_MONOVALENT,
    cocriteria=(CoCriterion(2, 3, ("symptomatic",), "symptomatic", "125-129 mmol/L"),))
HYPOALBUMINEMIA = _low("hypoalbuminemia", "ctcae5.hypoalbuminemia", "albumin", ("g/dL",),
                       "g/dL", (t(2, "<", "3"), t(3, "<", "2")))

# body weight plausibility of hdil2.clinical.treatment.body (25-300 kg), not a CTCAE fact
WEIGHT_GAIN = LabCriteria(
    "weight_gain", "ctcae5.weight_gain", "weight", ("kg",),
    (Clause("baseline_clause", "change from baseline", "baseline",
            (t(1, ">=", "1.05"), t(2, ">=", "1.10"), t(3, ">=", "1.20"))),),
    unit="kg", limits=("baseline",), value_range=(Fraction(25), Fraction(300)),
    percent_change=True,
)

LAB_CRITERIA: dict[str, LabCriteria] = {
    c.term: c for c in (CREATININE, BILIRUBIN, AST, ALT, ALKALINE_PHOSPHATASE, GGT, PLATELETS,
                        NEUTROPHILS, LYMPHOCYTES, HYPOKALEMIA, HYPONATREMIA, HYPOALBUMINEMIA,
                        WEIGHT_GAIN)
}

# terms printed in several units: one criteria set per unit (see the module doc)
UNIT_VARIANTS: dict[str, tuple[LabCriteria, ...]] = {
    "anemia": (ANEMIA_G_DL, ANEMIA_MMOL_L),
    "hypomagnesemia": (HYPOMAGNESEMIA_MG_DL, HYPOMAGNESEMIA_MMOL_L),
}
HYPOCALCEMIA: dict[str, tuple[LabCriteria, ...]] = {
    "corrected": (HYPOCALCEMIA_CORRECTED_MG_DL, HYPOCALCEMIA_CORRECTED_MMOL_L),
    "ionized": (HYPOCALCEMIA_IONIZED,),
}

# the clinical words of each laboratory grade, given by the clinician as ``clinical_grade``
DESCRIPTOR_GRADES: dict[str, tuple[tuple[int, str], ...]] = {
    "anemia": ((3, "transfusion indicated"),
               (4, "life-threatening consequences; urgent intervention indicated"),
               (5, "death")),
    "hypocalcemia": ((2, "symptomatic"), (3, "hospitalization indicated"),
                     (4, "life-threatening consequences"), (5, "death")),
    "hypokalemia": ((3, "hospitalization indicated"), (4, "life-threatening consequences"),
                    (5, "death")),
    "hypomagnesemia": ((4, "life-threatening consequences"), (5, "death")),
    "hyponatremia": ((4, "life-threatening consequences"), (5, "death")),
    "hypoalbuminemia": ((4, "life-threatening consequences; urgent intervention indicated"),
                        (5, "death")),
}

# ---- fever (°C; °F is converted exactly) ------------------------------------------------
FEVER_THRESHOLDS: tuple[Threshold, ...] = (t(1, ">=", "38.0"), t(2, ">", "39.0"),
                                           t(3, ">", "40.0"))
FEVER_G4_HOURS = Fraction(24)  # > 40.0 °C for > 24 h is G4; for ≤ 24 h G3
# plausibility of a measured body temperature (not a CTCAE fact): refuse outside it
FEVER_RANGE_C = (Fraction(25), Fraction(45))

# ---- diarrhoea -----------------------------------------------------------------------------
# increase in stools per day over baseline (an integer count)
STOOL_THRESHOLDS: tuple[Threshold, ...] = (t(1, ">", "0"), t(2, ">=", "4"), t(3, ">=", "7"))
OSTOMY_GRADES: dict[str, int] = {"none": 0, "mild": 1, "moderate": 2, "severe": 3}
STOOLS_MAX = 100  # plausibility of a stool count per day (not a CTCAE fact)

DIARRHEA_INCONTINENCE = Policy(
    name="diarrhea_incontinence",
    default="not_graded",
    choices=("not_graded", "grade_3"),
    source="ctcae5",
    text="CTCAE v5.0 diarrhea grade 3 has no incontinence criterion (checked against NCI's "
    "spreadsheet, whose change column records a clarification of grade 3), so by default G3 "
    "comes from stool counts, ostomy output or the clinician's descriptor grade, never from "
    "incontinence; 'grade_3' is for a site that keeps an older reading",
    tag=Tag.VERIFIED,
)
DIARRHEA_POLICIES: dict[str, Policy] = {DIARRHEA_INCONTINENCE.name: DIARRHEA_INCONTINENCE}

# ---- urine output decreased (adults) ------------------------------------------------------
# "Adult: Oliguria (<80 ml in 8 hr)" and "Adult: Anuria (<240 ml in 24 hr)": (grade, volume
# below which the window of exactly ``hours`` meets the grade, in mL, the window in hours)
URINE_WINDOWS: tuple[tuple[int, Fraction, Fraction], ...] = (
    (3, Fraction(80), Fraction(8)),
    (4, Fraction(240), Fraction(24)),
)
# plausibility of a collection window (not a CTCAE fact): up to one week
URINE_MAX_HOURS = Fraction(168)
