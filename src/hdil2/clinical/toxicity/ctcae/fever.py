"""Fever (CTCAE v5.0, source key ``ctcae5``): graded from the temperature, and above 40.0 °C from
how long it stayed there.

* G1: 38.0 - 39.0 °C (both ends inclusive: 38.0 → G1, 39.0 → G1);
* G2: > 39.0 - 40.0 °C (39.05 → G2, 40.0 → G2);
* G3: > 40.0 °C for ≤ 24 h; G4: > 40.0 °C for > 24 h (40.1 °C for 6 h → G3).  Above 40.0 °C
  without the duration the grade is ``not_evaluable`` (G3 or G4), naming
  ``duration_above_40c``;
* G5 (death related to fever) is the clinician's to record (``clinical_grade``).

°F is converted exactly, C = (F − 32) × 5/9, so 102.2 °F is exactly 39.0 °C (G1) and 102.3 °F
is G2 — the °F figures CTCAE prints are these conversions rounded to 0.1 °F.
"""

from __future__ import annotations

from fractions import Fraction

from hdil2.clinical.toxicity.ctcae.catalogue import TERMS
from hdil2.clinical.toxicity.ctcae.criteria import (
    FEVER_G4_HOURS,
    FEVER_RANGE_C,
    FEVER_THRESHOLDS,
    NEGATION,
    SYMBOL,
)
from hdil2.clinical.toxicity.ctcae.numbers import fmt, fmt_factor
from hdil2.clinical.toxicity.ctcae.result import GradeValue, decision, span
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity

_RULE = "ctcae5.fever"


def celsius(q: Quantity, field: str = "value") -> Fraction:
    """A body temperature in °C, exactly; refused outside 25-45 °C (plausibility, not CTCAE)."""
    if q.unit == "°C":
        c = Fraction(q.value)
    elif q.unit == "°F":
        c = (Fraction(q.value) - 32) * 5 / 9
    else:
        raise InputError(field, f"a temperature in °C or °F is required; got {q.unit}", str(q))
    lo, hi = FEVER_RANGE_C
    if not lo <= c <= hi:
        raise InputError(field, f"implausible body temperature: must be between {lo} and {hi} °C "
                         "(check the value and its unit; nothing is clamped)", str(q))
    return c


def hours(q: Quantity, field: str) -> Fraction:
    """A duration in hours, exactly; refused if negative or not a time."""
    if q.dimension != "time":
        raise InputError(field, f"a duration is required, e.g. '6 h'; got unit {q.unit}", str(q))
    h = q.exact("h")
    if h < 0:
        raise InputError(field, "must not be negative", str(q))
    return h


def grade_fever(
    value: Quantity, duration_above_40c: Quantity | None = None, clinical_grade: int | None = None
) -> Decision[GradeValue]:
    """Grade a temperature (see the module doc)."""
    term = TERMS["fever"]
    c = celsius(value)
    dur = None if duration_above_40c is None else hours(duration_above_40c, "duration_above_40c")
    if clinical_grade is not None and clinical_grade != 5:
        raise InputError("clinical_grade", "only 5 (death related to fever) is recorded by the "
                         "clinician; grades 1-4 are computed from the temperature", clinical_grade)
    inputs: dict[str, object] = {"value": str(value)}
    if duration_above_40c is not None:
        inputs["duration_above_40c"] = str(duration_above_40c)
    shown = f"{fmt(c)} °C" if value.unit == "°C" else (
        f"{fmt(Fraction(value.value))} °F = {fmt(c)} °C (exact: (F − 32) × 5/9)")
    met = [th for th in FEVER_THRESHOLDS if th.met(c, None)]
    fired = met[-1] if met else None
    reasons: list[Reason] = []
    missing: list[str] = []
    if fired is None:
        first = FEVER_THRESHOLDS[0]
        text = f"temperature {shown}: {NEGATION[first.op]} {fmt_factor(first.factor)} °C → no grade"
        possible = {0}
    else:
        text = f"temperature {shown}: {SYMBOL[fired.op]} {fmt_factor(fired.factor)} °C"
        i = FEVER_THRESHOLDS.index(fired)
        if i + 1 < len(FEVER_THRESHOLDS):
            nxt = FEVER_THRESHOLDS[i + 1]
            text += f" and {NEGATION[nxt.op]} {fmt_factor(nxt.factor)} °C → G{fired.grade}"
            possible = {fired.grade}
        else:
            text += " → G3 or G4 by duration"
            possible = {3, 4} if dur is None else {3 if dur <= FEVER_G4_HOURS else 4}
    reasons.append(Reason(rule=f"{_RULE}.temperature", source="ctcae5", tag=term.tag,
                          text=text, inputs=inputs))
    if possible == {3, 4}:
        missing.append("duration_above_40c")
        reasons.append(Reason(
            rule=f"{_RULE}.missing_duration", source="ctcae5", tag=term.tag, inputs=inputs,
            text="above 40.0 °C the grade depends on the duration (≤ 24 h G3, > 24 h G4): "
            "not evaluable until duration_above_40c is given"))
    elif fired is not None and fired.grade == 3 and dur is not None:
        g = next(iter(possible))
        reasons.append(Reason(
            rule=f"{_RULE}.duration", source="ctcae5", tag=term.tag, inputs=inputs,
            text=f"> 40.0 °C for {fmt(dur)} h: "
            + (f"≤ {FEVER_G4_HOURS} h → G3 (G4 if it lasts > {FEVER_G4_HOURS} h)" if g == 3
               else f"> {FEVER_G4_HOURS} h → G4")))
    if clinical_grade == 5:
        possible = {5}
        reasons.append(Reason(rule=f"{_RULE}.death", source="ctcae5", tag=term.tag_for(5),
                              inputs={**inputs, "clinical_grade": 5},
                              text="G5 recorded by the clinician: death related to fever"))
    if len(possible) == 1:
        g = next(iter(possible))
        summary = Reason(rule=f"{_RULE}.grade", source="ctcae5", tag=term.tag_for(g),
                         inputs=inputs, text=f"Fever G{g}: {term.text(g)}")
    else:
        summary = Reason(rule=f"{_RULE}.not_evaluable", source="ctcae5", tag=term.tag,
                         inputs=inputs,
                         text=f"Fever not evaluable: {span(possible)} depending on the duration")
    return decision(term, possible, [summary, *reasons], missing)
