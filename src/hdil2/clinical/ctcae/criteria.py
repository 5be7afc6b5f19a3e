"""Numeric CTCAE v5.0 criteria as data: every threshold of reference §3.2 in one place.

Conventions (reference §3.1, decisions D4-D6):

* Grade = the highest grade whose criteria are met; a semicolon in CTCAE means "or", so each
  semicolon-separated part is a :class:`Clause` and the grade is the highest over clauses.
* A range "> ULN - 3.0 × ULN" means ULN < x ≤ 3.0 × ULN.  Because the ranges of one clause tile
  the axis, a grade's range is met exactly when its lower bound is met and the next grade's is
  not; each :class:`Threshold` therefore stores only the bound that opens its grade:
  ``x > 1.0 × ULN`` opens G1, ``x > 3.0 × ULN`` opens G2 ...  A bare "1.5 - 3.0 × baseline"
  opens inclusively (``x ≥ 1.5 × baseline``, D5); "< LLN - 75.0" opens at ``x < LLN``.
* Creatinine's baseline clause fires even within normal limits (D4, pharmaverse admiral's
  ``atoxgr_criteria_ctcv5`` grades it the same way: ``AVAL > 1.5 × BASE`` → G2).
* Bilirubin and AST / ALT have two branches: baseline normal (baseline ≤ ULN: graded against
  ULN) or abnormal (baseline > ULN: graded against baseline), D5.
* Fever's G3 and G4 differ only in how long the temperature stayed above 40.0 °C.
* Diarrhoea is graded from the increase in stools per day over baseline and from ostomy
  output; "incontinence" is [U] for v5.0 and does not give G3 by default (D6).

Every comparison is exact: values are :class:`fractions.Fraction` and factors are decimal
strings turned into fractions, so 1.5 × 1.2 is 1.8 (in binary floats it is
1.7999999999999998 and a creatinine of exactly 1.5 × ULN would grade one too high).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from hdil2.clinical.policy import Policy
from hdil2.core.sources import Tag

Op = Literal[">", ">=", "<", "<="]
Ref = Literal["uln", "lln", "baseline", "absolute"]
When = Literal["always", "baseline_normal", "baseline_abnormal"]

OPS: dict[Op, Callable[[Fraction, Fraction], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}
NEGATION: dict[Op, str] = {">": "≤", ">=": "<", "<": "≥", "<=": ">"}
SYMBOL: dict[Op, str] = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}
REF_LABEL: dict[Ref, str] = {"uln": "ULN", "lln": "LLN", "baseline": "baseline", "absolute": ""}


@dataclass(frozen=True, slots=True)
class Threshold:
    """The bound that opens ``grade``: ``x op factor × reference`` (or ``x op factor``)."""

    grade: int
    op: Op
    factor: Fraction

    def bound(self, ref: Fraction | None) -> Fraction:
        """The bound in the value's unit (``ref`` is ``None`` for an absolute threshold)."""
        return self.factor if ref is None else self.factor * ref

    def met(self, x: Fraction, ref: Fraction | None) -> bool:
        return OPS[self.op](x, self.bound(ref))


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
class LabCriteria:
    """A term graded from a value against ULN / LLN / baseline and absolute bounds."""

    term: str  # catalogue key
    rule: str  # rule id prefix, e.g. "ctcae5.creatinine"
    what: str  # the measured thing, for messages
    units: tuple[str, ...]  # accepted units of the value (one per dimension)
    clauses: tuple[Clause, ...]
    tag: Tag
    unit: str | None = None  # compare in this unit; None = the value's own unit
    limits: tuple[str, ...] = ("uln", "baseline")
    value_range: tuple[Fraction, Fraction] | None = None  # plausibility in ``unit`` (not CTCAE)
    percent_change: bool = False  # describe the value as % change from baseline

    @property
    def branched(self) -> bool:
        return any(c.when != "always" for c in self.clauses)


_HEPATIC_NOTE = "baseline abnormal = baseline > ULN (D5)"


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
        Tag.VERIFIED,
    )


CREATININE = LabCriteria(
    "creatinine_increased", "ctcae5.creatinine", "creatinine", ("mg/dL", "µmol/L"),
    (
        Clause("uln_clause", "ULN clause", "uln",
               (t(1, ">", "1"), t(2, ">", "1.5"), t(3, ">", "3.0"), t(4, ">", "6.0"))),
        Clause("baseline_clause", "baseline clause", "baseline",
               (t(2, ">", "1.5"), t(3, ">", "3.0"))),
    ),
    Tag.MEMORY,
)

BILIRUBIN = _hepatic(
    "blood_bilirubin_increased", "ctcae5.bilirubin", "bilirubin", ("mg/dL", "µmol/L"),
    (t(1, ">", "1"), t(2, ">", "1.5"), t(3, ">", "3.0"), t(4, ">", "10.0")),
    (t(1, ">", "1.0"), t(2, ">", "1.5"), t(3, ">", "3.0"), t(4, ">", "10.0")),
)

_AMINOTRANSFERASE_NORMAL = (t(1, ">", "1"), t(2, ">", "3.0"), t(3, ">", "5.0"),
                            t(4, ">", "20.0"))
# D5: the bare "1.5 - 3.0 × baseline" of G1 is inclusive at 1.5
_AMINOTRANSFERASE_ABNORMAL = (t(1, ">=", "1.5"), t(2, ">", "3.0"), t(3, ">", "5.0"),
                              t(4, ">", "20.0"))

AST = _hepatic("ast_increased", "ctcae5.ast", "AST", ("U/L",),
               _AMINOTRANSFERASE_NORMAL, _AMINOTRANSFERASE_ABNORMAL)
ALT = _hepatic("alt_increased", "ctcae5.alt", "ALT", ("U/L",),
               _AMINOTRANSFERASE_NORMAL, _AMINOTRANSFERASE_ABNORMAL)

PLATELETS = LabCriteria(
    "platelet_count_decreased", "ctcae5.platelets", "platelet count", ("10^9/L", "/mm³"),
    (
        Clause("lln_clause", "LLN clause", "lln", (t(1, "<", "1"),)),
        Clause("absolute_clause", "absolute clause", "absolute",
               (t(2, "<", "75.0"), t(3, "<", "50.0"), t(4, "<", "25.0"))),
    ),
    Tag.MEMORY, unit="10^9/L", limits=("lln",),
)

# body weight plausibility of hdil2.clinical.body (25-300 kg), not a CTCAE fact
WEIGHT_GAIN = LabCriteria(
    "weight_gain", "ctcae5.weight_gain", "weight", ("kg",),
    (Clause("baseline_clause", "change from baseline", "baseline",
            (t(1, ">=", "1.05"), t(2, ">=", "1.10"), t(3, ">=", "1.20"))),),
    Tag.MEMORY, unit="kg", limits=("baseline",), value_range=(Fraction(25), Fraction(300)),
    percent_change=True,
)

LAB_CRITERIA: dict[str, LabCriteria] = {
    c.term: c for c in (CREATININE, BILIRUBIN, AST, ALT, PLATELETS, WEIGHT_GAIN)
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
    text="whether 'incontinence' is a CTCAE v5.0 diarrhoea G3 criterion is unverified "
    "(secondary sources disagree, reference D6); by default G3 comes from stool counts, ostomy "
    "output or the clinician's descriptor grade, never from incontinence alone",
    tag=Tag.UNVERIFIED,
)
DIARRHEA_POLICIES: dict[str, Policy] = {DIARRHEA_INCONTINENCE.name: DIARRHEA_INCONTINENCE}
