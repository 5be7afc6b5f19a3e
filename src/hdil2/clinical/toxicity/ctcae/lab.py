"""Grading a value against ULN / LLN / baseline and absolute bounds (creatinine, bilirubin,
AST, ALT, alkaline phosphatase, GGT, blood counts, hemoglobin, electrolytes, albumin, weight
gain), exactly, with the clause that fired in the reasons.

Rules (source key ``ctcae5``; thresholds in :mod:`hdil2.clinical.toxicity.ctcae.criteria`; see
docs/decisions.md#ctcae-boundary-forms and #creatinine-baseline-clause):

* grade = highest grade met over every clause that applies;
* a branch clause applies only in its branch: baseline normal (baseline <= ULN) or abnormal
  (baseline > ULN);
* a missing limit makes the term ``not_evaluable`` and names the field — unless **every**
  possible value of the missing limit gives the same grade, in which case the grade is
  reported with a reason saying so (e.g. creatinine > 6 x ULN is G4 whatever the baseline,
  because the baseline clause reaches only G3);
* where two grades share one value range (a
  :class:`~hdil2.clinical.toxicity.ctcae.criteria.CoCriterion`:
  hypokalemia G1/G2, hyponatremia 125-129 mmol/L G2/G3) the clinical words decide; a word not
  given that could change the grade makes it ``not_evaluable`` naming the field;
* the clinician's ``clinical_grade`` (the grade met by the clinical words of the text, such as
  "hospitalization indicated") can only raise the grade the value gives.

How "every possible value" is checked, exactly: each condition is ``x op k x L`` for a missing
limit ``L`` (or, for a branch, ``baseline <= ULN``), so the grade is a step function of ``L``
that can change only at ``L = x / k`` or at the other limit's value.  Evaluating the grade at
those points, at two points strictly inside every interval between them and at two points
beyond each end (two, so that two missing limits inside the same interval are tried in both
orders and equal) visits every region of the step function.  The property test in
``tests/clinical/ctcae`` checks the claim against random limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise, product
from math import lcm
from typing import Any

from hdil2.clinical.toxicity.ctcae.catalogue import TERMS
from hdil2.clinical.toxicity.ctcae.criteria import (
    DESCRIPTOR_GRADES,
    INTEGER_ORDER,
    NEGATION,
    REF_LABEL,
    SYMBOL,
    Clause,
    CoCriterion,
    LabCriteria,
    Threshold,
)
from hdil2.clinical.toxicity.ctcae.numbers import fmt, fmt_factor, read, read_limit
from hdil2.clinical.toxicity.ctcae.result import GradeValue, decision, span
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError, InputErrors
from hdil2.core.quantity import Quantity, dimension
from hdil2.core.sources import Tag

Limits = Mapping[str, Fraction]
_LIMIT_LABEL = {"uln": "ULN", "lln": "LLN", "baseline": "baseline"}
_BOUNDARY_DOC = "docs/decisions.md#ctcae-boundary-forms"


def applies(clause: Clause, lim: Limits) -> bool:
    """Whether a clause's branch holds (baseline abnormal means baseline > ULN)."""
    if clause.when == "always":
        return True
    normal = lim["baseline"] <= lim["uln"]
    return normal if clause.when == "baseline_normal" else not normal


def clause_grade(clause: Clause, x: Fraction, lim: Limits) -> Threshold | None:
    """The highest threshold of ``clause`` that ``x`` meets (``None``: no grade)."""
    ref = None if clause.ref == "absolute" else lim[clause.ref]
    met = [th for th in clause.thresholds if th.met(x, ref)]
    return max(met, key=lambda th: th.grade) if met else None


def grade_at(c: LabCriteria, x: Fraction, lim: Limits) -> int:
    """The grade from the value with every limit known."""
    g = 0
    for clause in c.clauses:
        if applies(clause, lim):
            th = clause_grade(clause, x, lim)
            if th is not None:
                g = max(g, th.grade)
    return g


def _scaled_points(critical: list[tuple[int, int]]) -> tuple[list[int], int]:
    """Sample points that visit every region of a step function with these breakpoints.

    ``critical`` holds the breakpoints as ``(numerator, denominator)`` pairs (denominator > 0,
    not necessarily reduced).  The points are the positive breakpoints, two points strictly
    inside every interval between them (a third and two thirds of the way), and two beyond each
    end (a third and two thirds of the smallest, twice and three times the largest).  They are
    returned multiplied by ``m``, three times a common multiple of the denominators, which makes
    every point an integer: the points are found, sorted and compared in integers, exactly.
    """
    positive = [(n, d) for n, d in critical if n > 0]
    if not positive:
        return [1, 2], 1
    m = 3 * lcm(*(d for _, d in positive))
    cs = sorted({n * (m // d) for n, d in positive})  # each a multiple of 3
    pts = set(cs)
    pts |= {cs[0] // 3, cs[0] * 2 // 3, cs[-1] * 2, cs[-1] * 3}
    for a, b in pairwise(cs):
        third = (b - a) // 3
        pts |= {a + third, a + 2 * third}
    return sorted(pts), m


def _clause_grades(clause: Clause, x: Fraction, pts: list[int], m: int) -> list[int]:
    """The grade ``clause`` gives at each point ``r = P / m`` of its reference (0: none).

    ``x op f × r`` with ``x = a/b`` and ``f = p/q`` is ``a·q·m op p·b·P`` (``b, q, m > 0``).
    """
    a, b = x.numerator, x.denominator
    tests = [(INTEGER_ORDER[th.op], a * th.factor.denominator * m, th.factor.numerator * b,
              th.grade) for th in clause.thresholds]
    out = []
    for p in pts:
        g = 0
        for fn, lhs, k, grade in tests:
            if grade > g and fn(lhs, k * p):
                g = grade
        out.append(g)
    return out


def possible_grades(
    c: LabCriteria, x: Fraction, known: Limits, missing: tuple[str, ...]
) -> set[int]:
    """Every grade some value of the missing limits would give (exact, see module doc).

    The grade is evaluated at every combination of sample points of the missing limits, in
    integers (:func:`_scaled_points`): each clause's grade at each point once, then the grade
    of each combination as the highest grade of the clauses whose branch holds there.
    """
    if not missing:
        return {grade_at(c, x, known)}
    a, b = x.numerator, x.denominator
    critical: list[tuple[int, int]] = []  # x / factor, and the branch's known limits
    for clause in c.clauses:
        if clause.ref in missing:
            for th in clause.thresholds:
                p, q = th.factor.numerator, th.factor.denominator
                if p == 0:
                    raise ZeroDivisionError(f"threshold factor 0 in {c.rule}")
                critical.append((a * q, b * p) if p > 0 else (-a * q, -b * p))
    if c.branched:
        critical += [(v.numerator, v.denominator) for k, v in known.items()
                     if k in ("uln", "baseline")]
    pts, m = _scaled_points(critical)
    grid = list(product(range(len(pts)), repeat=len(missing)))
    column = {name: k for k, name in enumerate(missing)}

    def scaled(name: str) -> list[int]:
        """The limit at each combination, times ``m`` (a known branch limit divides ``m``)."""
        if name in column:
            k = column[name]
            return [pts[combo[k]] for combo in grid]
        v = known[name]
        return [v.numerator * (m // v.denominator)] * len(grid)

    normal = ([bl <= ul for bl, ul in zip(scaled("baseline"), scaled("uln"), strict=True)]
              if c.branched else [])
    columns: list[list[int]] = [[0] * len(grid)]
    for clause in c.clauses:
        if clause.ref in column:
            at, k = _clause_grades(clause, x, pts, m), column[clause.ref]
            grades = [at[combo[k]] for combo in grid]
        else:  # an absolute clause, or one on a known limit: the same grade everywhere
            fired = clause_grade(clause, x, known)
            grades = [0 if fired is None else fired.grade] * len(grid)
        if clause.when != "always":
            keep = clause.when == "baseline_normal"
            grades = [g if n is keep else 0 for g, n in zip(grades, normal, strict=True)]
        columns.append(grades)
    return set(map(max, zip(*columns, strict=True)))


def cocriterion_grades(cc: CoCriterion, answers: Mapping[str, bool | None]) -> set[int]:
    """The grades a value in ``cc``'s shared range can have, given the clinical answers."""
    vals = [answers.get(f) for f in cc.fields]
    if any(v is True for v in vals):
        return {cc.to}
    if all(v is False for v in vals):
        return {cc.at}
    return {cc.at, cc.to}


def select_criteria(
    variants: tuple[LabCriteria, ...], value: Quantity, what: str, field: str = "value"
) -> LabCriteria:
    """The criteria set printed for the value's unit (anemia in g/dL or mmol/L ...)."""
    for c in variants:
        if value.dimension in {dimension(u) for u in c.accepted_units}:
            return c
    units = [u for c in variants for u in c.accepted_units]
    raise InputError(field, f"{what} must be in {' or '.join(units)} (the units CTCAE v5.0 "
                     f"prints its bounds in); got {value.unit}", str(value))


def grade_lab(
    c: LabCriteria,
    value: Quantity,
    limits: Mapping[str, Quantity | None],
    *,
    answers: Mapping[str, bool | None] | None = None,
    clinical_grade: int | None = None,
) -> Decision[GradeValue]:
    """Grade ``value`` with the limits given (``None`` = missing).

    ``answers`` are the clinical words of the term's co-criteria (``symptomatic`` ...;
    ``None`` = not assessed); ``clinical_grade`` the grade the clinician found met by the
    clinical words of the text.
    """
    term = TERMS[c.term]
    eq = dict(c.equivalents)
    x, unit = read(value, "value", c.units, c.unit, c.what, eq)
    if x < 0:
        raise InputError("value", f"{c.what} must not be negative", str(value))
    _check_range(c, x, unit, "value", value)
    descriptors = dict(DESCRIPTOR_GRADES.get(c.term, ()))
    if clinical_grade is not None and clinical_grade not in descriptors:
        raise InputError("clinical_grade", _clinical_grade_help(term.name, descriptors),
                         clinical_grade)
    known: dict[str, Fraction] = {}
    errors: list[InputError] = []
    for name in c.limits:
        q = limits.get(name)
        if q is None:
            continue
        try:
            known[name] = read_limit(q, name, value, unit, eq)
            if name == "baseline":
                _check_range(c, known[name], unit, name, q)
        except InputError as e:
            errors.append(e)
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    missing = tuple(n for n in c.limits if n not in known)
    by_value = possible_grades(c, x, known, missing)
    given = {k: v for k, v in (answers or {}).items() if v is not None}
    inputs: dict[str, Any] = {"value": str(value), **{n: str(limits[n]) for n in known},
                              **given}
    if clinical_grade is not None:
        inputs["clinical_grade"] = clinical_grade

    # co-criteria: the clinical words that split a shared value range
    possible: set[int] = set()
    for g in by_value:
        cc = next((k for k in c.cocriteria if k.at == g), None)
        possible |= {g} if cc is None else cocriterion_grades(cc, answers or {})
    if clinical_grade is not None:
        possible = {max(g, clinical_grade) for g in possible}
    asked = [f for cc in c.cocriteria if cc.at in by_value for f in cc.fields
             if (answers or {}).get(f) is None] if len(possible) > 1 else []

    reasons, fired_by = _reasons(c, value, x, unit, known, missing, by_value, possible, inputs)
    reasons += _cocriterion_reasons(c, x, unit, by_value, answers or {}, inputs)
    reasons += _descriptor_reasons(c, descriptors, clinical_grade, inputs)
    summary = _summary(c, by_value, possible, clinical_grade, missing, asked, fired_by, inputs)
    return decision(term, possible, [summary, *reasons], [*missing, *asked])


def _clinical_grade_help(name: str, descriptors: Mapping[int, str]) -> str:
    if not descriptors:
        return f"{name} has no clinical words in CTCAE v5.0: its grade comes from the value"
    opts = "; ".join(f"{g} ({words})" for g, words in descriptors.items())
    return f"the grade met by {name}'s clinical words, one of: {opts}"


def _check_range(c: LabCriteria, x: Fraction, unit: str, field: str, q: Quantity) -> None:
    if c.value_range is None:
        return
    lo, hi = c.value_range
    if not lo <= x <= hi:
        raise InputError(field, f"implausible {c.what}: must be between {lo} and {hi} {unit}; "
                         "check the value and its unit (nothing is clamped)", str(q))


@lru_cache(maxsize=4096)  # a batch states the same bounds of the same limits again and again
def _bound(th: Threshold, ref_label: str, ref: Fraction | None, unit: str) -> str:
    if ref is None:
        return f"{fmt_factor(th.factor)} {unit}"
    return f"{fmt_factor(th.factor)} × {ref_label} = {fmt(th.bound(ref))} {unit}"


def clause_text(
    c: LabCriteria, clause: Clause, x: Fraction, unit: str, lim: Limits
) -> tuple[str, int]:
    """One clause's verdict as a sentence, and its grade (0 = no grade from this clause)."""
    ref = None if clause.ref == "absolute" else lim[clause.ref]
    label = REF_LABEL[clause.ref]
    head = f"{clause.label}: {c.what} {fmt(x)} {unit}"
    if ref is not None:
        ratio = x / ref
        head += f" is {fmt(ratio, 2)} × {label} ({fmt(ref)} {unit})"
        if c.percent_change:
            change = (ratio - 1) * 100
            head += f", {'+' if change >= 0 else ''}{fmt(change, 1)} %"
    fired = clause_grade(clause, x, lim)
    ths = clause.thresholds
    if fired is None:
        first = ths[0]
        return f"{head}: {NEGATION[first.op]} {_bound(first, label, ref, unit)} → no grade", 0
    text = f"{head}: {SYMBOL[fired.op]} {_bound(fired, label, ref, unit)}"
    i = ths.index(fired)
    if i + 1 < len(ths):
        nxt = ths[i + 1]
        text += f" and {NEGATION[nxt.op]} {_bound(nxt, label, ref, unit)}"
    return f"{text} → G{fired.grade}", fired.grade


def _reasons(
    c: LabCriteria,
    value: Quantity,
    x: Fraction,
    unit: str,
    known: Limits,
    missing: tuple[str, ...],
    by_value: set[int],
    possible: set[int],
    inputs: dict[str, Any],
) -> tuple[list[Reason], list[str]]:
    """The clause-by-clause reasons, and the labels of the clauses that gave the grade."""
    detail: list[Reason] = []
    fired_by: list[str] = []
    eq = dict(c.equivalents)
    if value.unit in eq:
        detail.append(Reason(
            rule=f"{c.rule}.unit_identity", source="ctcae5", tag=Tag.VERIFIED, inputs=inputs,
            text=f"{value} read as {fmt(x)} {unit} (exact for {c.what}: 1 {value.unit} = "
            f"{fmt(eq[value.unit])} {unit})"))
    if c.branched and "uln" in known and "baseline" in known:
        normal = known["baseline"] <= known["uln"]
        b, u = fmt(known["baseline"]), fmt(known["uln"])
        detail.append(Reason(
            rule=f"{c.rule}.{'baseline_normal' if normal else 'baseline_abnormal'}",
            source="ctcae5", tag=c.tag, inputs=inputs,
            text=(f"baseline {b} {unit} ≤ ULN {u} {unit}: baseline normal, graded against ULN"
                  if normal else
                  f"baseline {b} {unit} > ULN {u} {unit}: baseline abnormal, graded against "
                  "baseline")
            + f" (abnormal means baseline > ULN, {_BOUNDARY_DOC})",
        ))
    for clause in c.clauses:
        if any(n not in known for n in clause.needs) or not applies(clause, known):
            continue
        text, g = clause_text(c, clause, x, unit, known)
        if (clause.key == "baseline_clause" and clause.when == "always" and g > 0
                and "uln" in known and x <= known["uln"]):
            text += (" (the baseline clause applies even within normal limits, "
                     "docs/decisions.md#creatinine-baseline-clause)")
        if g > 0 and g == max(by_value):
            fired_by.append(clause.label)
        detail.append(Reason(rule=f"{c.rule}.{clause.key}", source="ctcae5", tag=c.tag,
                             text=text, inputs=inputs))
    if missing:
        names = " and ".join(_LIMIT_LABEL[n] for n in missing)
        if len(by_value) == 1:
            detail.append(Reason(
                rule=f"{c.rule}.limit_not_needed", source="ctcae5", tag=Tag.COMPUTED,
                inputs={**inputs, "missing": list(missing)},
                text=f"{names} not given, but every possible value gives {span(by_value)}: "
                "graded anyway because the missing limit cannot change the grade "
                f"({_BOUNDARY_DOC})",
            ))
        elif len(possible) > 1:
            detail.append(Reason(
                rule=f"{c.rule}.missing_limit", source="ctcae5", tag=c.tag,
                inputs={**inputs, "missing": list(missing)},
                text=f"{names} not given: the value could give {span(by_value)} depending on "
                f"it; not evaluable until {' and '.join(missing)} is given",
            ))
        else:
            detail.append(Reason(
                rule=f"{c.rule}.limit_not_needed", source="ctcae5", tag=Tag.COMPUTED,
                inputs={**inputs, "missing": list(missing)},
                text=f"{names} not given: the value could give {span(by_value)}, but the "
                f"clinician's grade decides {span(possible)} whatever it is",
            ))
    return detail, fired_by


def _cocriterion_reasons(
    c: LabCriteria, x: Fraction, unit: str, by_value: set[int],
    answers: Mapping[str, bool | None], inputs: dict[str, Any],
) -> list[Reason]:
    out: list[Reason] = []
    for cc in c.cocriteria:
        if cc.at not in by_value:
            continue
        said = [f"{f.replace('_', ' ')}: {'yes' if answers[f] else 'no'}" for f in cc.fields
                if answers.get(f) is not None]
        head = (f"{c.what} {fmt(x)} {unit} is in {cc.band}, the range G{cc.at} and G{cc.to} "
                f"share: {cc.text} → G{cc.to}, otherwise G{cc.at}")
        gs = cocriterion_grades(cc, answers)
        if len(gs) == 1:
            tail = f"{'; '.join(said)} → G{next(iter(gs))}"
        else:
            unknown = [f for f in cc.fields if answers.get(f) is None]
            tail = (("; ".join(said) + "; ") if said else "") + (
                f"{' and '.join(unknown)} not given: G{cc.at} or G{cc.to}")
        out.append(Reason(rule=f"{c.rule}.{'_or_'.join(cc.fields)}", source="ctcae5",
                          tag=c.tag, inputs=inputs, text=f"{head}; {tail}"))
    return out


def _descriptor_reasons(
    c: LabCriteria, descriptors: Mapping[int, str], clinical_grade: int | None,
    inputs: dict[str, Any],
) -> list[Reason]:
    if not descriptors:
        return []
    if clinical_grade is not None:
        return [Reason(rule=f"{c.rule}.clinical_descriptor", source="ctcae5", tag=c.tag,
                       inputs=inputs,
                       text=f"G{clinical_grade} recorded by the clinician: "
                       f"{descriptors[clinical_grade]}")]
    words = "; ".join(f"{w} → G{g}" for g, w in descriptors.items())
    return [Reason(rule=f"{c.rule}.clinical_words_not_given", source="ctcae5", tag=c.tag,
                   inputs=inputs,
                   text=f"clinical words ({words}) not given as clinical_grade: graded from the "
                   "value; they can only raise the grade")]


def _summary(
    c: LabCriteria, by_value: set[int], possible: set[int], clinical_grade: int | None,
    missing: tuple[str, ...], asked: list[str], fired_by: list[str], inputs: dict[str, Any],
) -> Reason:
    term = TERMS[c.term]
    if len(possible) > 1:
        need = [*(m for m in missing), *asked]
        return Reason(rule=f"{c.rule}.not_evaluable", source="ctcae5", tag=c.tag, inputs=inputs,
                      text=f"{term.name} not evaluable ({span(possible)}): "
                      f"{' and '.join(need)} not given")
    g = next(iter(possible))
    if g == 0:
        how = "no criterion met"
    elif clinical_grade is not None and g == clinical_grade and g > max(by_value):
        how = "by the clinician's grade of the clinical words"
    elif g > max(by_value):
        cc = next(k for k in c.cocriteria if k.at in by_value)
        how = f"by the clinical words: {cc.text}"
    else:
        how = "highest grade met" + (f", by the {' and the '.join(fired_by)}" if fired_by
                                     else "")
    return Reason(rule=f"{c.rule}.grade", source="ctcae5", tag=term.tag_for(g), inputs=inputs,
                  text=f"{term.name} G{g} ({how}): {term.text(g)}")
