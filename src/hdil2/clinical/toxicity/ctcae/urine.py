"""Urine output decreased (CTCAE v5.0, adults): graded from one urine collection, the volume
passed over a window of hours.

v5.0 (NCI's spreadsheet, source key ``ctcae5``): grade 3 "Adult: Oliguria (<80 ml in 8 hr)",
grade 4 "Adult: Anuria (<240 ml in 24 hr)"; no grade 1, 2 or 5.  The infant and child criteria
of the same cells are not graded (hdil2 treats adults).

Each criterion is a statement about a window of a set length, so hdil2 grades the window it is
given and **never scales a volume to another window length** (100 mL in 12 h is not "66.7 mL in
8 h": the 100 mL may all have been passed in the last four hours).  With ``V`` mL collected over
``H`` hours, and nothing assumed about the hours outside the window:

* ``H < 8`` — no 8-hour window lies inside it: not evaluable, whatever ``V``;
* grade 4 is met when ``H >= 24`` and ``V < 240`` (every 24-hour window inside it then holds
  less than 240 mL); grade 3 is met when ``H >= 8`` and ``V < 80`` (likewise);
* a window of exactly 8 h with ``V >= 80`` is grade 0 (its only 8-hour window is itself) —
  grade 4 needs 24 hours, which an 8-hour window does not show;
* otherwise an 8-hour (or, beyond 24 h, a 24-hour) window inside the collection may hold less
  than the bound even though the total does not: not evaluable, with the grades it could be
  (grade the 8-hour collections one by one instead).

The grade describes the window: a G3 window does not exclude G4 once the next 16 hours are
known, as a fever above 40 degrees C for 6 h is G3 until it has lasted 24 h.
"""

from __future__ import annotations

from fractions import Fraction

from hdil2.clinical.toxicity.ctcae.catalogue import TERMS
from hdil2.clinical.toxicity.ctcae.criteria import URINE_MAX_HOURS, URINE_WINDOWS
from hdil2.clinical.toxicity.ctcae.numbers import fmt
from hdil2.clinical.toxicity.ctcae.result import GradeValue, decision, span
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity

_RULE = "ctcae5.urine_output"


def millilitres(q: Quantity, field: str = "volume") -> Fraction:
    """A urine volume in mL, exactly; refused if negative or not a volume."""
    if q.dimension != "volume":
        raise InputError(field, f"a urine volume is required, e.g. '60 mL'; got unit {q.unit}",
                         str(q))
    v = q.exact("mL")
    if v < 0:
        raise InputError(field, "must not be negative", str(q))
    return v


def window_hours(q: Quantity, field: str = "hours") -> Fraction:
    """A collection window in hours, exactly: more than 0 and at most one week."""
    if q.dimension != "time":
        raise InputError(field, f"the collection window is a duration, e.g. '8 h'; got unit "
                         f"{q.unit}", str(q))
    h = q.exact("h")
    if not 0 < h <= URINE_MAX_HOURS:
        raise InputError(field, f"the collection window must be more than 0 and at most "
                         f"{URINE_MAX_HOURS} h (one week); got {fmt(h)} h", str(q))
    return h


def window_grades(v: Fraction, h: Fraction) -> tuple[set[int], str]:
    """The grades a collection of ``v`` mL over ``h`` hours can have, and why (module doc)."""
    (g3, v3, h3), (g4, v4, h4) = URINE_WINDOWS
    if h < h3:
        return {0, g3, g4}, (
            f"a window of {fmt(h)} h is shorter than {fmt(h3)} h: no {fmt(h3)}-hour window lies "
            f"inside it, so neither '<{fmt(v3)} mL in {fmt(h3)} h' nor '<{fmt(v4)} mL in "
            f"{fmt(h4)} h' can be judged (hdil2 does not scale volumes to another window)")
    if h >= h4 and v < v4:
        return {g4}, (f"{fmt(v)} mL in {fmt(h)} h: every {fmt(h4)}-hour window inside it holds "
                      f"< {fmt(v4)} mL → G{g4}")
    if v < v3:
        return {g3}, (f"{fmt(v)} mL in {fmt(h)} h: every {fmt(h3)}-hour window inside it holds "
                      f"< {fmt(v3)} mL → G{g3}"
                      + (f"; G{g4} needs {fmt(h4)} h" if h < h4 else ""))
    if h == h3:
        return {0}, (f"{fmt(v)} mL in {fmt(h3)} h: ≥ {fmt(v3)} mL → no grade for this window "
                     f"(G{g4} needs {fmt(h4)} h)")
    possible = {0, g3} if h <= h4 else {0, g3, g4}
    inner = (f"an {fmt(h3)}-hour window inside it may hold < {fmt(v3)} mL"
             + (f" and a {fmt(h4)}-hour window < {fmt(v4)} mL" if h > h4 else ""))
    met = (f"≥ {fmt(v4)} mL, so not G{g4}; " if h == h4 else
           f"≥ {fmt(v3)} mL, " if h < h4 else f"≥ {fmt(v4)} mL, ")
    return possible, (f"{fmt(v)} mL in {fmt(h)} h: {met}but {inner} though the total does not: "
                      f"{span(possible)}; grade each {fmt(h3)}-hour collection instead")


def grade_urine_output(volume: Quantity, hours: Quantity) -> Decision[GradeValue]:
    """Grade one urine collection (see the module doc)."""
    term = TERMS["urine_output_decreased"]
    v = millilitres(volume)
    h = window_hours(hours)
    inputs = {"volume": str(volume), "hours": str(hours)}
    possible, why = window_grades(v, h)
    reasons = [Reason(rule=f"{_RULE}.window", source="ctcae5", tag=term.tag, inputs=inputs,
                      text=why + " (adult criteria)")]
    if len(possible) == 1:
        g = next(iter(possible))
        summary = Reason(rule=f"{_RULE}.grade", source="ctcae5", tag=term.tag_for(g),
                         inputs=inputs, text=f"{term.name} G{g}: {term.text(g)}")
    else:
        summary = Reason(rule=f"{_RULE}.not_evaluable", source="ctcae5", tag=term.tag,
                         inputs=inputs,
                         text=f"{term.name} not evaluable ({span(possible)}) from this window")
    return decision(term, possible, [summary, *reasons])
