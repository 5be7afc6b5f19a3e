"""Diarrhoea (CTCAE v5.0 "Diarrhea", source key ``ctcae5``; docs/decisions.md#ctcae-terms-checked).

Graded as the highest of:

* the increase in stools per day over baseline: < 4 (at least one) → G1, 4-6 → G2, ≥ 7 → G3;
* the increase in ostomy output compared with baseline: mild G1, moderate G2, severe G3;
* the clinician's grade from the descriptor criteria (limiting instrumental ADL G2;
  hospitalization or limiting self care ADL G3; life-threatening G4; death G5);
* incontinence — **not** by default: v5.0 grade 3 has no incontinence criterion (checked
  against NCI's spreadsheet), so it counts only if a site sets policy
  ``diarrhea_incontinence = "grade_3"``.

Without the baseline stool count the increase is unknown: every grade the possible baselines
(0 up to today's count) allow is listed and the term is ``not_evaluable`` unless they agree
(docs/decisions.md#ctcae-boundary-forms) or another criterion already gives a higher
grade.  Without stool counts and ostomy output the numeric part could be anything from G0 to
G3.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from itertools import product
from typing import Any

from hdil2.clinical.toxicity.ctcae.catalogue import TERMS
from hdil2.clinical.toxicity.ctcae.criteria import (
    DIARRHEA_INCONTINENCE,
    DIARRHEA_POLICIES,
    NEGATION,
    OSTOMY_GRADES,
    STOOL_THRESHOLDS,
    STOOLS_MAX,
    SYMBOL,
)
from hdil2.clinical.toxicity.ctcae.result import GradeValue, decision, span
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError
from hdil2.core.policy import check_overrides
from hdil2.core.sources import Tag

_RULE = "ctcae5.diarrhea"
_CLINICAL_GRADES = (2, 3, 4, 5)


def stool_grade(increase: int) -> int:
    """The grade of an increase in stools per day over baseline."""
    met = [th.grade for th in STOOL_THRESHOLDS if th.met(Fraction(increase), None)]
    return max(met, default=0)


def _count(n: int | None, field: str) -> int | None:
    if n is None:
        return None
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= STOOLS_MAX:
        raise InputError(field, f"a whole number of stools per day from 0 to {STOOLS_MAX}", n)
    return n


def grade_diarrhea(
    stools_per_day: int | None = None,
    baseline_stools_per_day: int | None = None,
    ostomy_output_increase: str | None = None,
    clinical_grade: int | None = None,
    incontinence: bool | None = None,
    policies: Mapping[str, Any] | None = None,
) -> Decision[GradeValue]:
    """Grade diarrhoea from whichever criteria were assessed (see the module doc)."""
    term = TERMS["diarrhea"]
    check_overrides(DIARRHEA_POLICIES, policies)
    incontinence_policy = DIARRHEA_INCONTINENCE.resolve(policies)
    s = _count(stools_per_day, "stools_per_day")
    b = _count(baseline_stools_per_day, "baseline_stools_per_day")
    if ostomy_output_increase is not None and ostomy_output_increase not in OSTOMY_GRADES:
        raise InputError("ostomy_output_increase", f"one of {', '.join(OSTOMY_GRADES)}",
                         ostomy_output_increase)
    if clinical_grade is not None and clinical_grade not in _CLINICAL_GRADES:
        raise InputError("clinical_grade", "the descriptor criteria give 2 (limiting "
                         "instrumental ADL), 3 (hospitalisation; limiting self-care ADL), 4 "
                         "(life-threatening) or 5 (death); G1 comes from counts or ostomy "
                         "output", clinical_grade)
    inputs: dict[str, Any] = {k: v for k, v in {
        "stools_per_day": s, "baseline_stools_per_day": b,
        "ostomy_output_increase": ostomy_output_increase, "clinical_grade": clinical_grade,
        "incontinence": incontinence}.items() if v is not None}
    reasons: list[Reason] = []
    missing: list[str] = []
    parts: list[set[int]] = []

    # stool count over baseline
    if s is not None and b is not None:
        inc = s - b
        g = stool_grade(inc)
        parts.append({g})
        reasons.append(Reason(rule=f"{_RULE}.stool_count", source="ctcae5", tag=term.tag,
                              inputs=inputs, text=_stool_text(s, b, inc, g)))
    elif s is not None:
        options = {stool_grade(s - base) for base in range(0, s + 1)}
        parts.append(options)
        missing.append("baseline_stools_per_day")
        reasons.append(Reason(
            rule=f"{_RULE}.missing_baseline", source="ctcae5", tag=term.tag, inputs=inputs,
            text=f"{s} stools per day but no baseline count: the increase could be 0 to {s} "
            f"({span(options)})"))
    elif ostomy_output_increase is None:
        parts.append({0, 1, 2, 3})
        missing += ["stools_per_day", "ostomy_output_increase"]
        reasons.append(Reason(
            rule=f"{_RULE}.missing_counts", source="ctcae5", tag=term.tag, inputs=inputs,
            text="neither stools per day nor ostomy output given: the count criteria could "
            "give G0 to G3"))

    # ostomy output
    if ostomy_output_increase is not None:
        g = OSTOMY_GRADES[ostomy_output_increase]
        parts.append({g})
        reasons.append(Reason(
            rule=f"{_RULE}.ostomy", source="ctcae5", tag=term.tag, inputs=inputs,
            text=f"{ostomy_output_increase} increase in ostomy output compared to baseline → "
            + (f"G{g}" if g else "no grade")))

    # descriptor criteria, recorded by the clinician
    if clinical_grade is not None:
        parts.append({clinical_grade})
        reasons.append(Reason(
            rule=f"{_RULE}.clinical_descriptor", source="ctcae5",
            tag=term.tag_for(clinical_grade), inputs=inputs,
            text=f"G{clinical_grade} recorded by the clinician: {term.text(clinical_grade)}"))

    # incontinence: not a v5.0 criterion; a site policy may count it
    if incontinence:
        reasons.append(DIARRHEA_INCONTINENCE.reason(incontinence_policy))
        counted = incontinence_policy == "grade_3"
        if counted:
            parts.append({3})
        reasons.append(Reason(
            rule=f"{_RULE}.incontinence", source="ctcae5", tag=Tag.VERIFIED, inputs=inputs,
            text="incontinence reported: "
            + ("counted as G3 (site policy)" if counted else
               "not graded — v5.0 grade 3 has no incontinence criterion")))

    possible = {max(combo) for combo in product(*parts)}
    if len(possible) == 1:
        g = next(iter(possible))
        summary = Reason(rule=f"{_RULE}.grade", source="ctcae5", tag=term.tag_for(g),
                         inputs=inputs,
                         text=f"Diarrhea G{g} (highest grade met): {term.text(g)}"
                         + (" — whatever the missing inputs" if missing else ""))
    else:
        summary = Reason(rule=f"{_RULE}.not_evaluable", source="ctcae5", tag=term.tag,
                         inputs=inputs,
                         text=f"Diarrhea not evaluable: could be {span(possible)}; give "
                         f"{' and '.join(missing) or 'the missing inputs'}")
    return decision(term, possible, [summary, *reasons], missing)


def _stool_text(s: int, b: int, inc: int, g: int) -> str:
    head = f"{s} stools per day vs baseline {b}: increase {inc}"
    met = [th for th in STOOL_THRESHOLDS if th.met(Fraction(inc), None)]
    if not met:
        first = STOOL_THRESHOLDS[0]
        return f"{head} {NEGATION[first.op]} {first.factor} → no grade"
    fired = met[-1]
    text = f"{head} {SYMBOL[fired.op]} {fired.factor}"
    i = STOOL_THRESHOLDS.index(fired)
    if i + 1 < len(STOOL_THRESHOLDS):
        nxt = STOOL_THRESHOLDS[i + 1]
        text += f" and {NEGATION[nxt.op]} {nxt.factor}"
    return f"{text} → G{g}"
