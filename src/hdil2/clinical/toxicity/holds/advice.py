"""Advice for the next scheduled HD IL-2 dose: give, hold or stop - with reasons.

Given the course's calendar (:mod:`hdil2.clinical.treatment.calendar`), the doses recorded so
far (each
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
    no rule fired, but an unknown observation could make one fire - the advice is never
    "give" on unknown data;
``course_complete``
    every slot of the course has been recorded.

Unknown observations.  Each rule is a three-valued condition
(:mod:`hdil2.clinical.toxicity.holds.logic`): the known observations may already decide it (fired or
clear) or leave it open.  The advice is the least severe advice that every possible value of
the unknown observations leads to (``not_evaluable`` when that would be "give" but some value
would not give), and ``missing`` names exactly the unknown observations that could change the
advice: those for which two sets of values, differing in that observation only, lead to
different advice.  This is computed exactly by enumerating, for the open rules, one value per
class of values the rules tell apart (observations read by no open rule cannot matter, and
open rules that share no unknown observation are enumerated separately).  So a hold that is
already decided (SBP 85 mmHg) is a hold whatever the pressor trend, and a "hold" whose missing
list is not empty could still become a stop.

Holds in force (docs/decisions.md#holds-across-rest and #resume-bands): the rules that held
the last recorded slot are judged by their resume condition at the next slot, whatever the
cycle - across the rest between cycles too (SpO2 held at < 90 % resumes only when > 90 %).  A
hold ends with its course: when every slot is recorded the course is complete, and whether
and when to give another course is the after-course decision (``hdil2 next-course``); a new
course's first dose is judged by the hold conditions afresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from typing_extensions import TypedDict

from hdil2.clinical.toxicity.holds.logic import Cond, Env, completions, decisive_fields
from hdil2.clinical.toxicity.holds.observations import DoseObservations
from hdil2.clinical.toxicity.holds.rules import (
    DOMAINS,
    RULESET_VERSIONS,
    RULESETS,
    SPRINGER_HELD_SCOPE,
    STOP_SCOPE,
    Rule,
    environment,
)
from hdil2.clinical.treatment.calendar import (
    CourseCalendar,
    DoseSlot,
    StartTime,
    WardZone,
    course_calendar,
)
from hdil2.clinical.treatment.regimens import Q8hSchedule, regimen
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable
from hdil2.core.result import Result
from hdil2.core.sources import Tag

Value = Literal["give", "hold", "stop_cycle", "stop_course", "stop_permanently",
                "not_evaluable", "course_complete"]
_SEVERITY = {"give": 0, "hold": 2, "stop_cycle": 3, "stop_course": 4, "stop_permanently": 5}
_VALUE = {v: k for k, v in _SEVERITY.items()}

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
    first_dose: StartTime = Field(
        description="the course's first dose: local wall-clock time in the ward's zone "
        "(e.g. 2026-04-06T08:00), or with its UTC offset")
    tz: WardZone = Field(description="the ward's IANA Area/Location zone, e.g. 'America/New_York'")
    doses: tuple[DoseRecord, ...] = Field((), description="doses recorded so far, in order")
    observations: DoseObservations = Field(description="observations at the next dose")
    rulesets: tuple[Literal["label", "dutcher2014", "springerplus2015"], ...] = Field(
        ("label",), description="rule sets to apply; the label always applies")
    policies: dict[str, str | int] = Field(default_factory=dict)

    def advise(self) -> Decision[str]:
        return next_dose(self)


@dataclass(frozen=True, slots=True)
class SlotTally(Result):
    """Doses recorded as given and as held, and the slots there are (in a cycle or a course)."""

    given: int
    held: int
    slots: int


@dataclass(frozen=True, slots=True)
class DoseCounts(Result):
    """The tallies of each cycle (keyed by the cycle's number, as JSON keys are strings) and
    of the whole course."""

    cycles: Mapping[str, SlotTally]
    course: SlotTally


RuleResult = Literal["fired", "clear", "not_evaluated"]
CheckMode = Literal["hold", "resume"]


@dataclass(frozen=True, slots=True)
class RuleCheck(Result):
    """How one rule came out: ``fired``, ``clear`` or ``not_evaluated`` (unknown observations
    leave it open; ``missing`` names those that could change it).  ``mode`` is ``resume`` when
    the rule held the last slot and was judged by its resume condition."""

    rule: str
    result: RuleResult
    mode: CheckMode
    missing: tuple[str, ...]


class _EveryAdvice(TypedDict):
    """The details every advice has, ``course_complete`` included."""

    holds_in_force: list[str]
    counts: DoseCounts


class NextDoseDetails(_EveryAdvice, total=False):
    """The details of a next-dose decision (top-level keys of its JSON).

    Every advice has ``counts`` and ``holds_in_force`` (the rules that held the last recorded
    slot); every advice but ``course_complete`` also has the slot judged (``next_slot``), what
    must recover before a held dose resumes (``resume_when``), the unknown observations that
    could change the advice (``missing``), the rule sets applied with their versions
    (``rulesets``) and how each rule came out (``checks``).
    """

    next_slot: DoseSlot
    resume_when: list[str]
    missing: list[str]
    rulesets: dict[str, str]
    checks: list[RuleCheck]


@dataclass(frozen=True, slots=True)
class _Check:
    rule: Rule
    cond: Cond  # the hold condition, or the stay-held condition of a hold in force
    mode: CheckMode
    severity: int  # of the advice this rule gives when it fires
    counted: bool  # a SpringerPlus relative criterion (three at once stop)
    result: RuleResult
    missing: tuple[str, ...]  # unknown observations that could change this rule's result

    def summary(self) -> RuleCheck:
        return RuleCheck(self.rule.id, self.result, self.mode, self.missing)


def _check(rule: Rule, env: Env, in_force: frozenset[str], scope: str) -> _Check:
    mode: CheckMode = "hold"
    cond = rule.when
    if rule.id in in_force and rule.still_held is not None:
        cond, mode = rule.still_held, "resume"
    truth = cond.truth(env)
    result: RuleResult = (
        "not_evaluated" if truth is None else "fired" if truth else "clear")
    missing = tuple(sorted(decisive_fields(cond, env, DOMAINS))) if truth is None else ()
    counted = rule.ruleset == "springerplus2015" and rule.action == "relative"
    return _Check(rule, cond, mode, _SEVERITY[_action(rule, scope)], counted, result, missing)


Outcome = tuple[int, int]  # (most severe advice of the rules that fire, relative criteria, <= 3)


def _combine(a: set[Outcome], b: set[Outcome]) -> set[Outcome]:
    return {(max(x[0], y[0]), min(3, x[1] + y[1])) for x in a for y in b}


@dataclass(frozen=True, slots=True)
class _Outlook:
    """What the unknown observations leave open: the advice every completion can lead to
    (as severities) and the unknown observations that could change it."""

    possible: frozenset[int]
    decisive: tuple[str, ...]


def _outlook(checks: Sequence[_Check], env: Env, floor: int, counted: int,
             three_relative: int | None) -> _Outlook:
    """Enumerate the open rules, grouped by the unknown observations they share.

    ``floor`` is the severity already decided (fired rules, held-dose count), ``counted`` the
    SpringerPlus relative criteria that fired, ``three_relative`` the severity of its
    three-at-once stop (``None`` when that rule set is not chosen).
    """
    def final(p: Outcome) -> int:
        sev = max(floor, p[0])
        if three_relative is not None and counted + p[1] >= 3:
            sev = max(sev, three_relative)
        return sev

    open_checks = [c for c in checks if c.result == "not_evaluated"]
    groups: list[tuple[list[str], list[_Check]]] = []
    for chk in open_checks:
        unknown = {f for f in chk.cond.fields() if env.get(f) is None}
        joined = [g for g in groups if unknown & set(g[0])]
        for g in joined:
            groups.remove(g)
        groups.append((sorted(unknown.union(*(g[0] for g in joined))),
                       [chk, *(c for g in joined for c in g[1])]))
    tables: list[dict[tuple[Any, ...], Outcome]] = []
    for names, members in groups:
        table: dict[tuple[Any, ...], Outcome] = {}
        for assumed in completions(names, DOMAINS):
            full = {**env, **assumed}
            firing = [c for c in members if c.cond.truth(full)]
            table[tuple(assumed[f] for f in names)] = (
                max((c.severity for c in firing), default=0),
                min(3, sum(c.counted for c in firing)))
        tables.append(table)
    sets = [set(t.values()) for t in tables]
    prefix: list[set[Outcome]] = [{(0, 0)}]
    for ps in sets:
        prefix.append(_combine(prefix[-1], ps))
    suffix: list[set[Outcome]] = [{(0, 0)}]
    for ps in reversed(sets):
        suffix.append(_combine(suffix[-1], ps))
    suffix.reverse()
    decisive: set[str] = set()
    for i, ((names, _), table) in enumerate(zip(groups, tables, strict=True)):
        others = _combine(prefix[i], suffix[i + 1])
        for j, f in enumerate(names):
            by_rest: dict[tuple[Any, ...], set[Outcome]] = {}
            for key, outcome in table.items():
                by_rest.setdefault(key[:j] + key[j + 1:], set()).add(outcome)
            if any(len({final(_combine({p}, {q}).pop()) for p in outcomes}) > 1
                   for outcomes in by_rest.values() if len(outcomes) > 1 for q in others):
                decisive.add(f)
    return _Outlook(frozenset(final(p) for p in prefix[-1]), tuple(sorted(decisive)))


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


def _counts(cal: CourseCalendar, recs: Sequence[DoseRecord]) -> DoseCounts:
    slots: dict[int, int] = {}
    given: dict[int, int] = {}
    held: dict[int, int] = {}
    for slot in cal.slots:
        slots[slot.cycle] = slots.get(slot.cycle, 0) + 1
    for rec in recs:
        cycle = cal.slots[rec.slot - 1].cycle
        tally = given if rec.status == "given" else held
        tally[cycle] = tally.get(cycle, 0) + 1
    return DoseCounts(
        cycles={str(c): SlotTally(given.get(c, 0), held.get(c, 0), n)
                for c, n in sorted(slots.items())},
        course=SlotTally(sum(given.values()), sum(held.values()), len(cal.slots)))


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
    in_force = _in_force(recs)
    if len(recs) >= len(cal.slots):
        return _course_complete(cal, recs, counts, in_force)
    slot = cal.slots[len(recs)]
    scope = STOP_SCOPE.resolve(req.policies)
    env = environment(req.observations)
    checks = [_check(rule, env, in_force, scope) for name in rulesets for rule in RULESETS[name]]
    reasons: list[Reason] = []
    values: list[str] = []
    resume: list[str] = []
    for chk in checks:
        if chk.result != "fired":
            continue
        action = _action(chk.rule, scope)
        values.append(action)
        reasons.append(_fired_reason(chk, action, env, recs, slot, cal))
        if action == "hold" and chk.rule.resume:
            resume.append(chk.rule.resume)
    three_relative: int | None = None
    if "springerplus2015" in rulesets:
        values, reasons = _springer_aggregate(checks, recs, cal, slot, req, scope,
                                              values, reasons)
        three_relative = _SEVERITY["stop_cycle" if scope == "cycle" else "stop_course"]
    floor = max((_SEVERITY[v] for v in values), default=0)
    outlook = _outlook(checks, env, floor, sum(c.counted for c in checks if c.result == "fired"),
                       three_relative)
    missing = list(outlook.decisive)
    least = min(outlook.possible)
    value = _VALUE[least] if least > 0 or len(outlook.possible) == 1 else "not_evaluable"
    open_rules = [c.rule.id for c in checks if c.result == "not_evaluated"]
    if value == "give":
        text = f"none of the {len(checks)} rules of {', '.join(rulesets)} fires"
        if open_rules:
            text += (f"; {len(open_rules)} left open by unknown observations cannot change the "
                     "advice")
        reasons.append(Reason(
            rule="advice.all_clear", source="proleukin-label", tag=Tag.COMPUTED, text=text,
            inputs={"rules_checked": len(checks), "open": open_rules}))
    elif value == "not_evaluable":
        reasons.append(Reason(
            rule="advice.missing_observations", source="proleukin-label", tag=Tag.COMPUTED,
            text="cannot advise giving the dose: unknown, and could change the advice: "
            + ", ".join(missing), inputs={"missing": missing, "open": open_rules}))
    else:
        if least > floor:
            reasons.append(Reason(
                rule="advice.every_value", source="proleukin-label", tag=Tag.COMPUTED,
                text=f"whatever the values of the unknown observations, a rule fires: at least "
                f"{value.replace('_', ' ')}", inputs={"open": open_rules}))
        if missing:
            worse = sorted((_VALUE[v] for v in outlook.possible if v > least),
                           key=_SEVERITY.__getitem__)
            reasons.append(Reason(
                rule="advice.missing_observations", source="proleukin-label", tag=Tag.COMPUTED,
                text=f"{value.replace('_', ' ')} at least; could become "
                f"{' or '.join(w.replace('_', ' ') for w in worse)} depending on these unknown "
                f"observations: {', '.join(missing)}",
                inputs={"missing": missing, "open": open_rules}))
    if scope != STOP_SCOPE.default or any(v in ("stop_cycle", "stop_course") for v in values):
        reasons.append(STOP_SCOPE.reason(scope))
    reasons.append(_count_reason(counts, slot))
    details = NextDoseDetails(
        next_slot=slot,
        resume_when=resume,
        missing=missing,
        holds_in_force=sorted(in_force),
        counts=counts,
        rulesets={n: RULESET_VERSIONS[n] for n in rulesets},
        checks=[c.summary() for c in checks],
    )
    return Decision(value, tuple(reasons), details)


def _in_force(recs: Sequence[DoseRecord]) -> frozenset[str]:
    """The rules that held the last recorded slot: judged by their resume condition next,
    whatever the cycle (a hold is not dropped over the rest between cycles)."""
    if recs and recs[-1].status == "held":
        return frozenset(recs[-1].hold_rules)
    return frozenset()


def _course_complete(cal: CourseCalendar, recs: Sequence[DoseRecord], counts: DoseCounts,
                     in_force: frozenset[str]) -> Decision[str]:
    reasons = [Reason(
        rule="calendar.course_complete", source="proleukin-label", tag=Tag.VERIFIED,
        text=f"all {len(cal.slots)} slots of the course are recorded "
        f"({counts.course.given} given, {counts.course.held} held)",
        inputs={"recorded": len(recs)})]
    if in_force:
        reasons.append(Reason(
            rule="advice.hold_at_course_end", source="proleukin-label", tag=Tag.COMPUTED,
            text=f"the last slot was held ({', '.join(sorted(in_force))}); the hold ends with "
            "the course: another course is the after-course decision (hdil2 next-course, "
            "at least 7 weeks after discharge), and its first dose is judged by the hold "
            "conditions afresh", inputs={"hold_rules": sorted(in_force)}))
    details = NextDoseDetails(counts=counts, holds_in_force=sorted(in_force))
    return Decision("course_complete", tuple(reasons), details)


def _action(rule: Rule, scope: str) -> str:
    if rule.action == "relative":
        return "hold"
    if rule.action == "absolute":
        return "stop_cycle" if scope == "cycle" else "stop_course"
    return rule.action


def _fired_reason(chk: _Check, action: str, env: Env, recs: Sequence[DoseRecord],
                  slot: DoseSlot, cal: CourseCalendar) -> Reason:
    rule = chk.rule
    inputs = {f: jsonable(env.get(f)) for f in sorted(chk.cond.fields())}
    kind = {"relative": "relative criterion", "absolute": "absolute criterion"}.get(
        rule.action, "label row")
    if chk.mode == "resume":
        text = f"still held: resume only when {rule.resume} ({rule.criterion})"
        held_in = cal.slots[recs[-1].slot - 1].cycle
        if held_in != slot.cycle:
            text += (f"; held at slot {recs[-1].slot} in cycle {held_in}, the hold stays in "
                     "force across the rest between cycles")
    else:
        text = f"{kind}: {rule.criterion} → {action.replace('_', ' ')}"
        if action == "hold" and rule.resume:
            text += f"; resume when {rule.resume}"
    return Reason(rule=rule.id, source=rule.source, tag=rule.tag, text=text, inputs=inputs)


def _springer_aggregate(
    checks: Sequence[_Check], recs: Sequence[DoseRecord], cal: CourseCalendar, slot: DoseSlot,
    req: NextDoseRequest, scope: str, values: list[str], reasons: list[Reason],
) -> tuple[list[str], list[Reason]]:
    """SpringerPlus stop rules (docs/decisions.md#springerplus-variant): >= 3 relative
    criteria at once; 3 held doses."""
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


def _count_reason(counts: DoseCounts, slot: DoseSlot) -> Reason:
    cycle = counts.cycles[str(slot.cycle)]
    course = counts.course
    return Reason(
        rule="advice.counts", source="proleukin-label", tag=Tag.COMPUTED,
        text=f"next: slot {slot.index} = dose {slot.dose_in_cycle} of cycle {slot.cycle}, day "
        f"{slot.day}, {slot.local:%a %d %b %Y %H:%M %Z}; given so far {cycle.given} in this "
        f"cycle and {course.given} in the course (held {course.held})",
        inputs={"slot": slot.index, "cycle": slot.cycle})
