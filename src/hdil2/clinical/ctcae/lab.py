"""Grading a value against ULN / LLN / baseline and absolute bounds (creatinine, bilirubin,
AST, ALT, platelets, weight gain), exactly, with the clause that fired in the reasons.

Rules (reference §3.1-§3.2, D4, D5; thresholds in :mod:`hdil2.clinical.ctcae.criteria`):

* grade = highest grade met over every clause that applies;
* a branch clause applies only in its branch: baseline normal (baseline ≤ ULN) or abnormal
  (baseline > ULN);
* a missing limit makes the term ``not_evaluable`` and names the field — unless **every**
  possible value of the missing limit gives the same grade, in which case the grade is
  reported with a reason saying so (D5's allowed refinement; e.g. creatinine > 6 × ULN is G4
  whatever the baseline, because the baseline clause reaches only G3).

How "every possible value" is checked, exactly: each condition is ``x op k × L`` for a missing
limit ``L`` (or, for a branch, ``baseline ≤ ULN``), so the grade is a step function of ``L``
that can change only at ``L = x / k`` or at the other limit's value.  Evaluating the grade at
those points, at two points strictly inside every interval between them and at two points
beyond each end (two, so that two missing limits inside the same interval are tried in both
orders and equal) visits every region of the step function.  The property test in
``tests/clinical/ctcae`` checks the claim against random limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from itertools import pairwise, product

from hdil2.clinical.ctcae.catalogue import TERMS
from hdil2.clinical.ctcae.criteria import (
    NEGATION,
    REF_LABEL,
    SYMBOL,
    Clause,
    LabCriteria,
    Threshold,
)
from hdil2.clinical.ctcae.numbers import fmt, fmt_factor, read, read_limit
from hdil2.clinical.ctcae.result import GradeValue, decision, span
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError, InputErrors
from hdil2.core.quantity import Quantity
from hdil2.core.sources import Tag

Limits = Mapping[str, Fraction]
_LIMIT_LABEL = {"uln": "ULN", "lln": "LLN", "baseline": "baseline"}


def applies(clause: Clause, lim: Limits) -> bool:
    """Whether a clause's branch holds (D5: baseline abnormal means baseline > ULN)."""
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
    """The grade with every limit known."""
    g = 0
    for clause in c.clauses:
        if applies(clause, lim):
            th = clause_grade(clause, x, lim)
            if th is not None:
                g = max(g, th.grade)
    return g


def _points(critical: set[Fraction]) -> list[Fraction]:
    """Sample points that visit every region of a step function with these breakpoints."""
    cs = sorted(v for v in critical if v > 0)
    if not cs:
        return [Fraction(1), Fraction(2)]
    pts = set(cs)
    pts |= {cs[0] / 3, cs[0] * 2 / 3, cs[-1] * 2, cs[-1] * 3}
    for a, b in pairwise(cs):
        pts |= {a + (b - a) / 3, a + (b - a) * 2 / 3}
    return sorted(pts)


def possible_grades(
    c: LabCriteria, x: Fraction, known: Limits, missing: tuple[str, ...]
) -> set[int]:
    """Every grade some value of the missing limits would give (exact, see module doc)."""
    if not missing:
        return {grade_at(c, x, known)}
    critical: set[Fraction] = set()
    for clause in c.clauses:
        if clause.ref in missing:
            critical |= {x / th.factor for th in clause.thresholds}
    if c.branched:
        critical |= {v for k, v in known.items() if k in ("uln", "baseline")}
    pts = _points(critical)
    out: set[int] = set()
    for combo in product(pts, repeat=len(missing)):
        out.add(grade_at(c, x, {**known, **dict(zip(missing, combo, strict=True))}))
    return out


def grade_lab(
    c: LabCriteria, value: Quantity, limits: Mapping[str, Quantity | None]
) -> Decision[GradeValue]:
    """Grade ``value`` with the limits given (``None`` = missing)."""
    term = TERMS[c.term]
    x, unit = read(value, "value", c.units, c.unit, c.what)
    if x < 0:
        raise InputError("value", f"{c.what} must not be negative", str(value))
    _check_range(c, x, unit, "value", value)
    known: dict[str, Fraction] = {}
    errors: list[InputError] = []
    for name in c.limits:
        q = limits.get(name)
        if q is None:
            continue
        try:
            known[name] = read_limit(q, name, value, unit)
            if name == "baseline":
                _check_range(c, known[name], unit, name, q)
        except InputError as e:
            errors.append(e)
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    missing = tuple(n for n in c.limits if n not in known)
    possible = possible_grades(c, x, known, missing)
    inputs = {"value": str(value), **{n: str(limits[n]) for n in known}}
    reasons = _reasons(c, x, unit, known, missing, possible, inputs)
    return decision(term, possible, reasons, missing)


def _check_range(c: LabCriteria, x: Fraction, unit: str, field: str, q: Quantity) -> None:
    if c.value_range is None:
        return
    lo, hi = c.value_range
    if not lo <= x <= hi:
        raise InputError(field, f"implausible {c.what}: must be between {lo} and {hi} {unit}; "
                         "check the value and its unit (nothing is clamped)", str(q))


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
    x: Fraction,
    unit: str,
    known: Limits,
    missing: tuple[str, ...],
    possible: set[int],
    inputs: dict[str, str],
) -> list[Reason]:
    term = TERMS[c.term]
    detail: list[Reason] = []
    fired_by: list[str] = []
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
            + " (reference D5: abnormal means baseline > ULN)",
        ))
    for clause in c.clauses:
        if any(n not in known for n in clause.needs) or not applies(clause, known):
            continue
        text, g = clause_text(c, clause, x, unit, known)
        if (clause.key == "baseline_clause" and clause.when == "always" and g > 0
                and "uln" in known and x <= known["uln"]):
            text += " (the baseline clause applies even within normal limits, reference D4)"
        if g > 0 and g == max(possible):
            fired_by.append(clause.label)
        detail.append(Reason(rule=f"{c.rule}.{clause.key}", source="ctcae5", tag=c.tag,
                             text=text, inputs=inputs))
    if missing:
        names = " and ".join(_LIMIT_LABEL[n] for n in missing)
        if len(possible) == 1:
            detail.append(Reason(
                rule=f"{c.rule}.limit_not_needed", source="ctcae5", tag=Tag.COMPUTED,
                inputs={**inputs, "missing": list(missing)},
                text=f"{names} not given, but every possible value gives {span(possible)}: "
                "graded anyway because the missing limit cannot change the grade "
                "(reference D5)",
            ))
        else:
            detail.append(Reason(
                rule=f"{c.rule}.missing_limit", source="ctcae5", tag=c.tag,
                inputs={**inputs, "missing": list(missing)},
                text=f"{names} not given: the grade could be {span(possible)} depending on it; "
                f"not evaluable until {' and '.join(missing)} is given",
            ))
    if len(possible) == 1:
        g = next(iter(possible))
        how = ("no criterion met" if g == 0 else
               "highest grade met" + (f", by the {' and the '.join(fired_by)}" if fired_by
                                      else ""))
        summary = Reason(rule=f"{c.rule}.grade", source="ctcae5", tag=term.tag_for(g),
                         inputs=inputs, text=f"{term.name} G{g} ({how}): {term.text(g)}")
    else:
        summary = Reason(rule=f"{c.rule}.not_evaluable", source="ctcae5", tag=c.tag,
                         inputs=inputs,
                         text=f"{term.name} not evaluable: {' and '.join(missing)} missing")
    return [summary, *detail]
