"""Hypotension (CTCAE v5.0): graded from the clinical descriptors, or recorded from the
clinician's grade, or both (they must then agree).

v5.0 text (NCI's spreadsheet, source key ``ctcae5``):

* G1 "Asymptomatic, intervention not indicated"
* G2 "Non-urgent medical intervention indicated"
* G3 "Medical intervention indicated; hospitalization indicated"
* G4 "Life-threatening consequences and urgent intervention indicated"
* G5 "Death" (recorded by the clinician: ``grade`` 5)

Descriptors (each optional; ``None`` = not assessed):

* ``intervention`` — the intervention the hypotension needs: ``none``, ``non_urgent``
  (non-urgent medical intervention, G2), ``medical`` (G3) or ``urgent`` (G3; G4 together
  with life-threatening consequences);
* ``vasopressors`` — vasopressors started for the hypotension: read as "medical intervention
  indicated", so G3 at least.  The CTCAE text does not name vasopressors; this reading is the
  one HD IL-2 reports use ("hypotension requiring pressors" as a severe, dose-limiting
  toxicity, Atkins et al. 1993, ``atkins1993``) and is tagged ``memory``;
* ``hospitalization_indicated`` (G3), ``life_threatening`` (G4 with an urgent intervention —
  v5.0 joins the two with "and"), ``symptomatic`` (G1 requires asymptomatic).

The grade is the highest the descriptors meet.  A descriptor not given that could change the
grade makes it ``not_evaluable`` and is named; one that cannot is not asked for (a medical
intervention already gives G3, and G4 needs an urgent one, so ``life_threatening`` is not
needed then).  Symptomatic hypotension with no intervention indicated fits no v5.0 grade (G1
is asymptomatic, G2 needs an intervention): G1 or G2, for the clinician to decide.

With the clinician's ``grade`` as well: it must be one the descriptors allow (grade 5 always
is: death supersedes), else the request is refused naming ``grade`` — hdil2 does not choose
between two contradicting answers.  Consistent, the clinician's grade is the answer (it may
settle a descriptor left open).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import product
from typing import Any

from hdil2.clinical.toxicity.ctcae.catalogue import TERMS
from hdil2.clinical.toxicity.ctcae.result import GradeValue, decision, span
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError
from hdil2.core.sources import Tag

_RULE = "ctcae5.hypotension"
INTERVENTIONS = ("none", "non_urgent", "medical", "urgent")
FIELDS = ("symptomatic", "intervention", "vasopressors", "hospitalization_indicated",
          "life_threatening")
_DOMAIN: dict[str, tuple[Any, ...]] = {
    "symptomatic": (False, True),
    "intervention": INTERVENTIONS,
    "vasopressors": (False, True),
    "hospitalization_indicated": (False, True),
    "life_threatening": (False, True),
}


def _consistent(d: Mapping[str, Any]) -> bool:
    """Vasopressors are a medical intervention: not with 'none' or 'non_urgent'."""
    return not (d["vasopressors"] and d["intervention"] in ("none", "non_urgent"))


def descriptor_grades(d: Mapping[str, Any]) -> set[int]:
    """The grade(s) of one complete set of descriptors (two only in the v5.0 gap)."""
    if d["life_threatening"] and d["intervention"] == "urgent":
        return {4}
    if d["intervention"] in ("medical", "urgent") or d["vasopressors"] \
            or d["hospitalization_indicated"]:
        return {3}
    if d["intervention"] == "non_urgent":
        return {2}
    return {2, 1} if d["symptomatic"] else {1}


def possible_grades(given: Mapping[str, Any]) -> tuple[set[int], list[str]]:
    """Every grade the unknown descriptors allow, and the unknown ones that matter."""
    unknown = [f for f in FIELDS if given.get(f) is None]

    def complete(values: tuple[Any, ...]) -> dict[str, Any]:
        return {**{f: given[f] for f in FIELDS if f not in unknown},
                **dict(zip(unknown, values, strict=True))}

    results: dict[tuple[Any, ...], frozenset[int]] = {}
    for values in product(*(_DOMAIN[f] for f in unknown)):
        d = complete(values)
        if _consistent(d):
            results[values] = frozenset(descriptor_grades(d))
    possible = set().union(*results.values())
    needed: list[str] = []
    if len(possible) > 1:
        for i, f in enumerate(unknown):
            groups: dict[tuple[Any, ...], set[frozenset[int]]] = {}
            for values, gs in results.items():
                groups.setdefault(values[:i] + values[i + 1:], set()).add(gs)
            if any(len(v) > 1 for v in groups.values()):
                needed.append(f)
    return possible, needed


def _describe(given: Mapping[str, Any]) -> str:
    parts = []
    for f in FIELDS:
        v = given.get(f)
        if v is None:
            continue
        if f == "intervention":
            parts.append(f"intervention: {v.replace('_', '-')}")
        else:
            parts.append(f"{f.replace('_', ' ')}: {'yes' if v else 'no'}")
    return "; ".join(parts)


def grade_hypotension(
    *,
    symptomatic: bool | None = None,
    intervention: str | None = None,
    vasopressors: bool | None = None,
    hospitalization_indicated: bool | None = None,
    life_threatening: bool | None = None,
    grade: int | None = None,
) -> Decision[GradeValue]:
    """Grade hypotension (see the module doc)."""
    term = TERMS["hypotension"]
    given: dict[str, Any] = {
        "symptomatic": symptomatic, "intervention": intervention, "vasopressors": vasopressors,
        "hospitalization_indicated": hospitalization_indicated,
        "life_threatening": life_threatening,
    }
    if intervention is not None and intervention not in INTERVENTIONS:
        raise InputError("intervention", f"one of {', '.join(INTERVENTIONS)}", intervention)
    if grade is not None:
        if isinstance(grade, bool) or not isinstance(grade, int):
            raise InputError("grade", "a whole number 0-5", grade)
        term.check_grade(grade)
    if vasopressors and intervention in ("none", "non_urgent"):
        raise InputError("vasopressors", "vasopressors are a medical intervention: with "
                         f"vasopressors, intervention cannot be {intervention!r} (give "
                         "'medical' or 'urgent')", vasopressors)
    described = {k: v for k, v in given.items() if v is not None}
    if not described and grade is None:
        raise InputError("grade", "give the clinician's grade or the descriptors (symptomatic, "
                         "intervention, vasopressors, hospitalization_indicated, "
                         "life_threatening)", None)
    inputs: dict[str, Any] = {**described, **({"grade": grade} if grade is not None else {})}
    reasons: list[Reason] = []
    possible: set[int] = set()
    needed: list[str] = []
    if described:
        possible, needed = possible_grades(given)
        reasons.append(Reason(
            rule=f"{_RULE}.descriptors", source="ctcae5", tag=term.tag, inputs=inputs,
            text=f"{_describe(given)} → {span(possible)}"
            + (f"; {' and '.join(needed)} not given" if needed else "")))
        if vasopressors:
            reasons.append(Reason(
                rule=f"{_RULE}.vasopressors", source="atkins1993", tag=Tag.MEMORY,
                inputs=inputs,
                text="vasopressors are read as 'medical intervention indicated' (G3 at least); "
                "the CTCAE text does not name them, HD IL-2 reports count hypotension "
                "requiring pressors as severe"))
        if possible == {1, 2} and not needed:
            reasons.append(Reason(
                rule=f"{_RULE}.symptomatic_no_intervention", source="ctcae5", tag=term.tag,
                inputs=inputs,
                text="symptomatic hypotension with no intervention indicated fits no v5.0 "
                "grade (G1 is asymptomatic, G2 needs a non-urgent medical intervention): the "
                "clinician grades it (give grade)"))
            needed = ["grade"]
    if grade is not None:
        if described and grade != 5 and grade not in possible:
            raise InputError("grade", f"the clinician's grade {grade} disagrees with the "
                             f"descriptors ({_describe(given)}), which give {span(possible)}; "
                             "correct the grade or the descriptors", grade)
        agree = (" and agrees with the descriptors" if described and grade != 5 else
                 " (death related to hypotension)" if grade == 5 else "")
        reasons.append(Reason(
            rule=f"{_RULE}.clinician_grade", source="ctcae5", tag=term.tag_for(grade),
            inputs=inputs,
            text=f"G{grade} recorded by the clinician{agree}: {term.text(grade)}"))
        possible, needed = {grade}, []
    if len(possible) == 1:
        g = next(iter(possible))
        summary = Reason(rule=f"{_RULE}.grade", source="ctcae5", tag=term.tag_for(g),
                         inputs=inputs, text=f"Hypotension G{g}: {term.text(g)}")
    else:
        summary = Reason(rule=f"{_RULE}.not_evaluable", source="ctcae5", tag=term.tag,
                         inputs=inputs,
                         text=f"Hypotension not evaluable ({span(possible)}): give "
                         f"{' and '.join(needed)}")
    return decision(term, possible, [summary, *reasons], needed)
