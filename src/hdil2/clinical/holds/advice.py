"""Advice for the next scheduled HD IL-2 dose: give, hold or stop - with reasons.

Given the course's calendar (:mod:`hdil2.clinical.calendar`), the doses recorded so far (each
given or held, in slot order) and the latest observations, :func:`next_dose` returns a
:class:`~hdil2.core.decision.Decision` whose value is one of

``give``
    every rule of the chosen rule sets was evaluated and none fired;
``hold``
    a withhold rule (label) or a relative criterion (institutional) fired: skip this slot
    (held doses are skipped, not shifted); ``resume_when`` says what must recover;
``stop_cycle`` / ``stop_course``
    an institutional absolute criterion (scope = policy ``institutional_stop_scope``) or the
    label's hepatic-failure row: no further doses in this cycle / course;
``stop_permanently``
    a label row that ends IL-2 for good (also a retreatment contraindication);
``not_evaluable``
    no rule fired but some could not be evaluated: the missing observations are listed - the
    advice is never "give" on unknown data;
``course_complete``
    every slot of the course has been recorded.

Band rules (D10): while a dose is held by a rule that has a resume band, the resume condition is
applied instead of the hold condition (SpO2 held at < 90 %, resumed only when > 90 %).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hdil2.clinical.calendar import CourseCalendar, DoseSlot, course_calendar
from hdil2.clinical.holds.observations import DoseObservations
from hdil2.clinical.holds.rules import (
    RULESET_VERSIONS,
    RULESETS,
    SPRINGER_HELD_SCOPE,
    STOP_SCOPE,
    Rule,
)
from hdil2.clinical.regimens import Q8hSchedule, regimen
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable
from hdil2.core.sources import Tag

Value = Literal["give", "hold", "stop_cycle", "stop_course", "stop_permanently",
                "not_evaluable", "course_complete"]
_SEVERITY = {"give": 0, "not_evaluable": 1, "hold": 2, "stop_cycle": 3, "stop_course": 4,
             "stop_permanently": 5}

POLICIES = {STOP_SCOPE.name: STOP_SCOPE, SPRINGER_HELD_SCOPE.name: SPRINGER_HELD_SCOPE}


class DoseRecord(BaseModel):
    """One recorded dose slot: given or held (and, if held, the rules that held it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slot: int = Field(ge=1, description="1-based slot of the course calendar")
    status: Literal["given", "held"]
    at: dt.datetime | None = Field(None, description="time given (or of the hold decision)")
    hold_rules: tuple[str, ...] = Field(
        (), description="rule ids that held the dose (from the advice), if held")
    note: str | None = None

    @model_validator(mode="after")
    def _held_only(self) -> DoseRecord:
        if self.status == "given" and self.hold_rules:
            raise ValueError("hold_rules apply only to a held dose")
        return self


class NextDoseRequest(BaseModel):
    """JSON input of ``hdil2 next-dose``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regimen: str = Field(description="a q8h HD IL-2 regimen key")
    first_dose: dt.datetime = Field(
        description="wall-clock time of the course's first dose in the ward's time zone")
    tz: str = Field(description="the ward's IANA time zone, e.g. 'America/New_York'")
    doses: tuple[DoseRecord, ...] = Field((), description="doses recorded so far, in order")
    observations: DoseObservations = Field(description="observations at the next dose")
    rulesets: tuple[Literal["label", "dutcher2014", "springerplus2015"], ...] = Field(
        ("label",), description="rule sets to apply; the label always applies")
    policies: dict[str, str | int] = Field(default_factory=dict)

    def advise(self) -> Decision[str]:
        return next_dose(self)


@dataclass(frozen=True, slots=True)
class _Check:
    rule: Rule
    result: Literal["fired", "clear", "not_evaluated"]
    missing: tuple[str, ...]
    mode: Literal["hold", "resume"]


def _evaluate(rule: Rule, obs: DoseObservations, held_by: frozenset[str]) -> _Check:
    mode: Literal["hold", "resume"] = "hold"
    test = rule.test
    if rule.id in held_by and rule.still_held is not None:
        test, mode = rule.still_held, "resume"
    outcome = test(obs)
    if outcome is None:
        missing = tuple(f for f in rule.needs if getattr(obs, f) is None)
        return _Check(rule, "not_evaluated", missing or rule.needs, mode)
    return _Check(rule, "fired" if outcome else "clear", (), mode)


def _records(req: NextDoseRequest, cal: CourseCalendar) -> tuple[DoseRecord, ...]:
    recs = req.doses
    for i, r in enumerate(recs):
        if r.slot != i + 1:
            raise InputError(f"doses[{i}].slot", f"expected slot {i + 1}: every slot up to the "
                             "last recorded one needs a record (given or held)", r.slot)
        if r.slot > len(cal.slots):
            raise InputError(f"doses[{i}].slot", f"the course has {len(cal.slots)} slots",
                             r.slot)
        for rid in r.hold_rules:
            if not any(rid == rule.id for rs in RULESETS.values() for rule in rs):
                raise InputError(f"doses[{i}].hold_rules", f"unknown rule id {rid!r}", rid)
    return recs


def _counts(cal: CourseCalendar, recs: Sequence[DoseRecord]) -> dict[str, Any]:
    by_cycle: dict[int, dict[str, int]] = {}
    for slot in cal.slots:
        by_cycle.setdefault(slot.cycle, {"given": 0, "held": 0, "slots": 0})["slots"] += 1
    for rec in recs:
        c = cal.slots[rec.slot - 1].cycle
        by_cycle[c][rec.status] += 1
    return {
        "cycles": {str(c): v for c, v in sorted(by_cycle.items())},
        "course": {"given": sum(r.status == "given" for r in recs),
                   "held": sum(r.status == "held" for r in recs), "slots": len(cal.slots)},
    }


def next_dose(req: NextDoseRequest) -> Decision[str]:
    """The advice for the next scheduled dose (see the module docstring)."""
    r = regimen(req.regimen)
    if not isinstance(r.schedule, Q8hSchedule):
        raise InputError("regimen", f"{r.key} is not a q8h high-dose regimen; the hold rules "
                         "are for HD IL-2", r.key)
    for name in req.policies:
        if name not in POLICIES and name not in r.policies:
            raise InputError(f"policy.{name}", "unknown policy", name)
    cal_policies = {k: v for k, v in req.policies.items() if k in r.policies}
    cal = course_calendar(r.key, req.first_dose, req.tz, cal_policies)
    recs = _records(req, cal)
    counts = _counts(cal, recs)
    rulesets = ("label", *[x for x in req.rulesets if x != "label"])
    if len(recs) >= len(cal.slots):
        return Decision.of("course_complete", [Reason(
            rule="calendar.course_complete", source="proleukin-label", tag=Tag.VERIFIED,
            text=f"all {len(cal.slots)} slots of the course are recorded "
            f"({counts['course']['given']} given, {counts['course']['held']} held)",
            inputs={"recorded": len(recs)})], counts=counts)
    slot = cal.slots[len(recs)]
    prev = recs[-1] if recs else None
    held_by = frozenset(prev.hold_rules) if prev is not None and prev.status == "held" and \
        cal.slots[prev.slot - 1].cycle == slot.cycle else frozenset()
    checks = [_evaluate(rule, req.observations, held_by)
              for name in rulesets for rule in RULESETS[name]]
    scope = STOP_SCOPE.resolve(req.policies)
    reasons: list[Reason] = []
    values: list[str] = []
    resume: list[str] = []
    for chk in checks:
        if chk.result != "fired":
            continue
        action = _action(chk.rule, scope)
        values.append(action)
        reasons.append(_fired_reason(chk, action, req))
        if action == "hold" and chk.rule.resume:
            resume.append(chk.rule.resume)
    if "springerplus2015" in rulesets:
        values, reasons = _springer_aggregate(checks, recs, cal, slot, req, scope,
                                              values, reasons)
    missing = sorted({f for c in checks if c.result == "not_evaluated" for f in c.missing})
    if values:
        value = max(values, key=lambda v: _SEVERITY[v])
    elif missing:
        value = "not_evaluable"
        reasons.append(Reason(
            rule="advice.missing_observations", source="proleukin-label", tag=Tag.COMPUTED,
            text="cannot advise giving the dose: these observations are unknown: "
            + ", ".join(missing), inputs={"missing": missing}))
    else:
        value = "give"
        reasons.append(Reason(
            rule="advice.all_clear", source="proleukin-label", tag=Tag.COMPUTED,
            text=f"all {len(checks)} rules of {', '.join(rulesets)} evaluated; none fired",
            inputs={"rules_checked": len(checks)}))
    if scope != STOP_SCOPE.default or any(v in ("stop_cycle", "stop_course") for v in values):
        reasons.append(STOP_SCOPE.reason(scope))
    reasons.append(_count_reason(counts, slot))
    return Decision.of(
        value, reasons,
        next_slot=slot,
        resume_when=resume,
        missing=missing,
        counts=counts,
        rulesets={n: RULESET_VERSIONS[n] for n in rulesets},
        checks=[{"rule": c.rule.id, "result": c.result, "mode": c.mode,
                 "missing": list(c.missing)} for c in checks],
    )


def _action(rule: Rule, scope: str) -> str:
    if rule.action == "relative":
        return "hold"
    if rule.action == "absolute":
        return "stop_cycle" if scope == "cycle" else "stop_course"
    return rule.action


def _fired_reason(chk: _Check, action: str, req: NextDoseRequest) -> Reason:
    rule = chk.rule
    obs = req.observations
    inputs = {f: jsonable(getattr(obs, f)) for f in rule.needs}
    kind = {"relative": "relative criterion", "absolute": "absolute criterion"}.get(
        rule.action, "label row")
    if chk.mode == "resume":
        text = f"still held: resume only when {rule.resume} ({rule.criterion})"
    else:
        text = f"{kind}: {rule.criterion} → {action.replace('_', ' ')}"
        if action == "hold" and rule.resume:
            text += f"; resume when {rule.resume}"
    return Reason(rule=rule.id, source=rule.source, tag=rule.tag, text=text, inputs=inputs)


def _springer_aggregate(
    checks: Sequence[_Check], recs: Sequence[DoseRecord], cal: CourseCalendar, slot: DoseSlot,
    req: NextDoseRequest, scope: str, values: list[str], reasons: list[Reason],
) -> tuple[list[str], list[Reason]]:
    """SpringerPlus stop rules (D11): ≥ 3 relative criteria; 3 held doses."""
    stop = "stop_cycle" if scope == "cycle" else "stop_course"
    relatives = [c.rule.id for c in checks
                 if c.rule.ruleset == "springerplus2015" and c.rule.action == "relative"
                 and c.result == "fired"]
    if len(relatives) >= 3:
        values = [*values, stop]
        reasons = [*reasons, Reason(
            rule="springerplus2015.three_relative", source="springerplus2015",
            tag=Tag.VERIFIED, text=f"{len(relatives)} relative criteria at once (≥ 3): "
            "discontinue", inputs={"relative": relatives})]
    held_scope = SPRINGER_HELD_SCOPE.resolve(req.policies)
    held = sum(1 for r in recs if r.status == "held"
               and (held_scope == "course" or cal.slots[r.slot - 1].cycle == slot.cycle))
    if held >= 3:
        values = [*values, stop]
        reasons = [*reasons, Reason(
            rule="springerplus2015.three_held", source="springerplus2015", tag=Tag.VERIFIED,
            text=f"the scheduled dose has been held on {held} occasions (≥ 3, counted per "
            f"{held_scope}): discontinue", inputs={"held": held}),
            SPRINGER_HELD_SCOPE.reason(held_scope)]
    return values, reasons


def _count_reason(counts: Mapping[str, Any], slot: DoseSlot) -> Reason:
    cyc = counts["cycles"][str(slot.cycle)]
    course = counts["course"]
    return Reason(
        rule="advice.counts", source="proleukin-label", tag=Tag.COMPUTED,
        text=f"next: slot {slot.index} = dose {slot.dose_in_cycle} of cycle {slot.cycle}, day "
        f"{slot.day}, {slot.local:%a %d %b %Y %H:%M %Z}; given so far {cyc['given']} in this "
        f"cycle and {course['given']} in the course (held {course['held']})",
        inputs={"slot": slot.index, "cycle": slot.cycle})
