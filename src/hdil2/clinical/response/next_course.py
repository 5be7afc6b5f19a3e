"""After each HD IL-2 course: another course, a consolidation course, or stop.

The decision rules are data (:data:`COURSE_RULES`, in the order they are tried) and the open
choices are named variants (:data:`VARIANTS`) built from unverified policies, so a simulator
can compare alternatives and every decision says which variant and which rule decided (see
docs/course-policy.md).

Rules (``lee2000`` = Lee et al., J Clin Oncol 2000, tagged seed; ``proleukin-label`` = the
Proleukin label, tagged verified):

1. progressive disease at any assessment → stop (Lee et al. 2000: "once this occurred,
   treatment was stopped");
2. severe IL-2 toxicity not easily reversed (intubation for mental status change, severe
   arrhythmia, severe renal dysfunction) or any label retreatment contraindication → stop;
3. patient refusal or non-life-threatening intolerance → stop ("other" in Table 5);
4. disease reappearing after a CR (a response below CR after a CR) → stop as progression
   (derived: the RECIST 1.1 footnote applied to the course categories);
5. CR already consolidated (``consolidation_courses`` given after the first CR) → stop;
6. the course cap ``max_courses`` reached → stop (no cap in Lee et al. 2000);
7. CR for the first time → one consolidation course (Lee et al. 2000: "a consolidation course
   after a CR was achieved");
8. after ≥ 2 courses with no objective response → stop (0/17 responded to a third course);
   an MR allows another course when ``continue_on_mr`` (the one RCC patient with MR after two
   courses was retreated and reached CR);
9. a response (PR, MR) that was lost (NR after an earlier PR/MR) → stop: disease is no
   longer stable or regressing (derived);
10. PR or MR → another course until CR or intolerance;
11. after course 1, no response (NR): Lee et al. 2000 offered course 2 to stable patients;
    the label requires some tumour shrinkage → policy ``retreat_stable_after_course1``
    (default: label).

A response not recorded, and the last course's shrinkage when it is not recorded, are weighed
value by value (:func:`advise`): the advice is given only when every possible value leads to
it, otherwise it is ``not_evaluable`` and names the fields that decide.

Earliest next course: label, ≥ 7 weeks of rest from the date of hospital discharge,
inclusive: discharge date + 49 days (policy ``min_rest_days``; 56 = 8 weeks of the FDA pivotal
series, 84 = the 12-week interval of the Cytokine Working Group phase III trial,
``mcdermott2005``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from typing_extensions import TypedDict

from hdil2.clinical.toxicity.holds.rules import retreatment_exclusions
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError, InputErrors
from hdil2.core.policy import Policy, check_overrides
from hdil2.core.sources import Tag

CourseResponse = Literal["CR", "PR", "MR", "NR", "PD"]
Advice = Literal["next_course", "consolidation_course", "stop", "not_evaluable"]
StopCategory = Literal[
    "progressive_disease", "il2_toxicity", "complete_response", "other", "no_response",
    "max_courses",
]
RANK: dict[str, int] = {"CR": 0, "PR": 1, "MR": 2, "NR": 3, "PD": 4}


class _Always(TypedDict):
    variant: str
    courses_given: int


class NextCourseDetails(_Always, total=False):
    """The details of a next-course decision (its JSON keys besides ``value`` and ``reasons``).

    Always: ``variant`` and ``courses_given``.  With a next or consolidation course:
    ``next_course`` (its number) and ``earliest_start_date``.  With a stop: ``stop_category``.
    Once the rules read the responses: ``best_response`` and ``response`` (after the last
    course).  When something is not recorded: ``not_recorded`` (the unrecorded fields the
    rules read), and for ``not_evaluable`` ``missing`` (those whose value could change the
    advice) and ``possible`` (the advice their values could lead to).
    """

    best_response: CourseResponse
    response: CourseResponse
    stop_category: StopCategory
    next_course: int
    earliest_start_date: dt.date
    not_recorded: list[str]
    missing: list[str]
    possible: list[Literal["next_course", "consolidation_course", "stop"]]


# Label retreatment contraindications after an earlier course (older label, verified): the
# label's hold rows that stop IL-2 permanently (hdil2.clinical.toxicity.holds.rules), so the two
# lists cannot disagree; and the severe toxicities "not easily reversed" of Lee et al. 2000
# (lee2000, seed).
RETREATMENT_CONTRAINDICATIONS: dict[str, tuple[str, str, Tag]] = {
    **{code: (x.text, x.source, x.tag) for code, x in retreatment_exclusions().items()},
    "intubation_mental_status": ("mental status changes that required intubation", "lee2000",
                                 Tag.SEED),
    "severe_arrhythmia": ("severe cardiac arrhythmia", "lee2000", Tag.SEED),
    "severe_renal_dysfunction": ("severe renal dysfunction", "lee2000", Tag.SEED),
}
ToxicityCode = Literal[
    "sustained_vt", "uncontrolled_arrhythmia", "chest_pain_ecg_changes", "cardiac_tamponade",
    "intubation_over_72h", "dialysis_over_72h", "coma_or_psychosis_over_48h",
    "repetitive_seizures", "bowel_ischaemia_perforation", "gi_bleeding_surgery",
    "intubation_mental_status", "severe_arrhythmia", "severe_renal_dysfunction",
]


@dataclass(frozen=True, slots=True)
class CourseRule:
    """One row of the decision table (docs/course-policy.md)."""

    rule: str
    condition: str
    advice: Advice
    stop_category: StopCategory | None
    source: str
    tag: Tag


COURSE_RULES: tuple[CourseRule, ...] = (
    CourseRule("lee2000.progressive_disease", "progressive disease at any assessment", "stop",
               "progressive_disease", "lee2000", Tag.SEED),
    CourseRule("course.severe_toxicity", "severe toxicity not easily reversed, or a label "
               "retreatment contraindication, in any course", "stop", "il2_toxicity", "lee2000",
               Tag.SEED),
    CourseRule("lee2000.other", "patient refusal or non-life-threatening intolerance", "stop",
               "other", "lee2000", Tag.SEED),
    CourseRule("course.reappearance_after_cr", "a response below CR after a CR: disease "
               "reappeared", "stop", "progressive_disease", "recist-faq", Tag.COMPUTED),
    CourseRule("lee2000.cr_consolidated", "CR already consolidated", "stop",
               "complete_response", "lee2000", Tag.SEED),
    CourseRule("course.max_courses", "the course cap of the policy is reached", "stop",
               "max_courses", "lee2000", Tag.UNVERIFIED),
    CourseRule("lee2000.consolidation", "CR for the first time: one consolidation course",
               "consolidation_course", None, "lee2000", Tag.SEED),
    CourseRule("lee2000.no_response_after_two", "two or more courses without objective "
               "response", "stop", "no_response", "lee2000", Tag.SEED),
    CourseRule("course.response_lost", "an earlier PR/MR lost (NR now)", "stop", "no_response",
               "lee2000", Tag.COMPUTED),
    CourseRule("lee2000.responding", "PR or MR: another course until CR or intolerance",
               "next_course", None, "lee2000", Tag.SEED),
    CourseRule("lee2000.stable_after_course1", "no response after course 1: a second course "
               "(few alternatives)", "next_course", None, "lee2000", Tag.SEED),
    CourseRule("label.shrinkage_after_course1", "no objective response after course 1 but some "
               "tumour shrinkage: another course", "next_course", None, "proleukin-label",
               Tag.VERIFIED),
    CourseRule("label.no_shrinkage", "no tumour shrinkage after the last course: no further "
               "course", "stop", "no_response", "proleukin-label", Tag.VERIFIED),
)
RULES: dict[str, CourseRule] = {r.rule: r for r in COURSE_RULES}

# --- unverified policies and the named variants ------------------------------------------

RETREAT_STABLE_AFTER_COURSE1 = Policy(
    "retreat_stable_after_course1", False, (False, True), "proleukin-label",
    "Lee et al. 2000 offered a second course to patients with stable disease after course 1; "
    "the label asks for some tumour shrinkage: False = label", Tag.UNVERIFIED)
CONTINUE_ON_MR = Policy(
    "continue_on_mr", True, (True, False), "lee2000",
    "Lee et al. 2000's rule says 'no objective response after two courses: stop', yet its one "
    "patient with MR after two courses was retreated and reached CR", Tag.UNVERIFIED)
CONSOLIDATION_COURSES = Policy(
    "consolidation_courses", 1, (1, 2), "lee2000",
    "Lee et al. 2000's text gives one consolidation course after CR; its Table 4 shows RCC "
    "patients with two post-CR courses", Tag.UNVERIFIED)
MAX_COURSES = Policy(
    "max_courses", None, (None, 2, 3, 4, 5), "lee2000",
    "no maximum is stated in Lee et al. 2000 (its tables stop at 4); FDA pivotal series 2-5, "
    "Cytokine Working Group phase III ≤ 3 for responders", Tag.UNVERIFIED)
MIN_REST_DAYS = Policy(
    "min_rest_days", 49, (49, 56, 84), "proleukin-label",
    "rest from hospital discharge before the next course: label ≥ 7 weeks (49 days, inclusive); "
    "56 = 8 weeks (FDA pivotal series), 84 = 12 weeks (Cytokine Working Group phase III)",
    Tag.VERIFIED)

POLICIES: dict[str, Policy] = {p.name: p for p in (
    RETREAT_STABLE_AFTER_COURSE1, CONTINUE_ON_MR, CONSOLIDATION_COURSES, MAX_COURSES,
    MIN_REST_DAYS)}


@dataclass(frozen=True, slots=True)
class CoursePolicy:
    """A complete after-course policy: one value per named policy."""

    name: str
    description: str
    values: Mapping[str, Any]

    def resolved(self, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
        check_overrides(POLICIES, overrides)
        out = dict(self.values)
        for name, p in POLICIES.items():
            if overrides and name in overrides:
                out[name] = p.resolve(overrides)
        return out


VARIANTS: dict[str, CoursePolicy] = {
    "default": CoursePolicy(
        "default", "the defaults: Lee et al. 2000's rules with the label's shrinkage "
        "requirement after course 1 and its 7-week rest",
        {p.name: p.default for p in POLICIES.values()}),
    "lee2000": CoursePolicy(
        "lee2000", "Lee et al. 2000 as practised: a second course for stable disease after "
        "course 1",
        {**{p.name: p.default for p in POLICIES.values()},
         "retreat_stable_after_course1": True}),
    "lee2000-strict": CoursePolicy(
        "lee2000-strict", "Lee et al. 2000's stop rule read literally: MR after two courses "
        "stops",
        {**{p.name: p.default for p in POLICIES.values()},
         "retreat_stable_after_course1": True, "continue_on_mr": False}),
    "cwg": CoursePolicy(
        "cwg", "Cytokine Working Group phase III (mcdermott2005): up to 3 courses at 12-week "
        "intervals", {**{p.name: p.default for p in POLICIES.values()},
                      "max_courses": 3, "min_rest_days": 84}),
}


# --- input ------------------------------------------------------------------------------------

class CourseRecord(BaseModel):
    """One HD IL-2 course given, and what was seen after it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_date: dt.date | None = Field(default=None, description="day 1 of the course")
    discharge_date: dt.date = Field(description="hospital discharge after the course")
    response: CourseResponse | None = Field(
        description="response after this course, NCI categories vs pre-treatment baseline "
        "(docs/response.md): CR, PR, MR, NR or PD; null = not assessed yet (every possible "
        "value is then weighed)")
    shrinkage: bool | None = Field(
        default=None, description="any tumour shrinkage after the course (label retreatment "
        "rule); needed after course 1 with NR under the label policy")
    toxicities: tuple[ToxicityCode, ...] = Field(
        default=(), description="severe toxicities / retreatment contraindications")
    refused: bool = Field(default=False, description="the patient declines further IL-2")
    intolerance: bool = Field(
        default=False, description="stopping for non-life-threatening intolerance")


class CourseHistory(BaseModel):
    """Request of the ``next-course`` operation: the courses given so far, oldest first, the
    policy variant and single-policy overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    courses: tuple[CourseRecord, ...] = Field(description="courses given, oldest first")
    variant: str = Field(default="default", description=f"one of {list(VARIANTS)}")
    policies: dict[str, int | bool | None] = Field(
        default_factory=dict, description="overrides of single policies")

    @field_validator("courses")
    @classmethod
    def _not_empty(cls, v: tuple[CourseRecord, ...]) -> tuple[CourseRecord, ...]:
        if not v:
            raise ValueError("at least one course is needed")
        return v

    def advise(self) -> Decision[Advice]:
        return advise(self.courses, self.variant, self.policies)


def _check(courses: tuple[CourseRecord, ...]) -> None:
    errors: list[InputError] = []
    for i, c in enumerate(courses):
        if c.start_date is not None and c.discharge_date < c.start_date:
            errors.append(InputError(f"courses[{i}].discharge_date", "before the course start",
                                     c.discharge_date))
        if i and c.discharge_date <= courses[i - 1].discharge_date:
            errors.append(InputError(f"courses[{i}].discharge_date",
                                     "courses must be in date order", c.discharge_date))
        if not _consistent(c.response, c.shrinkage):
            errors.append(InputError(f"courses[{i}].shrinkage", f"no tumour shrinkage "
                                     f"contradicts the response {c.response}", c.shrinkage))
        if i and c.start_date is not None and c.start_date <= courses[i - 1].discharge_date:
            errors.append(InputError(f"courses[{i}].start_date",
                                     "starts before the previous course's discharge",
                                     c.start_date))
    if errors:
        raise InputErrors(errors)


def _reason(rule: CourseRule, text: str, **inputs: Any) -> Reason:
    """The reason for ``rule``; a toxicity stop cites where its toxicities come from (the
    label's contraindications or ``lee2000``'s severe toxicities) when they share one source."""
    source, tag = rule.source, rule.tag
    codes = inputs.get("toxicities") or ()
    cited = {RETREATMENT_CONTRAINDICATIONS[c][1:] for c in codes}
    if len(cited) == 1:
        source, tag = cited.pop()
    return Reason(rule=rule.rule, source=source, tag=tag, text=text, inputs=inputs)


def _consistent(response: str | None, shrinkage: bool | None) -> bool:
    """A CR, PR or MR is a tumour shrinkage: "no shrinkage" contradicts them."""
    return not (shrinkage is False and response in ("CR", "PR", "MR"))


@dataclass(frozen=True, slots=True)
class _Verdict:
    """The rule that decides a complete history, its sentence and inputs."""

    rule: str
    text: str
    inputs: Mapping[str, Any]
    details: Mapping[str, Any]

    @property
    def advice(self) -> Advice:
        return RULES[self.rule].advice


def _decide(courses: tuple[CourseRecord, ...], responses: tuple[CourseResponse, ...],
            shrinkage: bool, pol: Mapping[str, Any]) -> _Verdict:
    """The rule table, in order, applied to a history whose every response is known
    (``responses``) and whose last course's shrinkage is known."""
    k = len(courses)
    last = courses[-1]
    resp = responses[-1]

    def verdict(rule_id: str, text: str, **inputs: Any) -> _Verdict:
        return _Verdict(rule_id, text, inputs, details)

    details: dict[str, Any] = {}
    if "PD" in responses:
        i = responses.index("PD")
        return verdict("lee2000.progressive_disease",
                 f"progressive disease after course {i + 1}: stop; no further HD IL-2",
                 course=i + 1)
    tox = [(i, t) for i, c in enumerate(courses) for t in c.toxicities]
    if tox:
        names = "; ".join(f"{RETREATMENT_CONTRAINDICATIONS[t][0]} (course {i + 1})"
                          for i, t in tox)
        return verdict("course.severe_toxicity", f"{names}: no retreatment with HD IL-2",
                 toxicities=[t for _, t in tox])
    if last.refused or last.intolerance:
        why = "the patient declines further IL-2" if last.refused else \
            "non-life-threatening intolerance"
        return verdict("lee2000.other", f"{why}: stop (Table 5 'other')")
    best = min(responses, key=RANK.__getitem__)
    details = {"best_response": best, "response": resp}
    first_cr = responses.index("CR") if "CR" in responses else None
    if first_cr is not None and resp != "CR":
        return verdict("course.reappearance_after_cr",
                 f"CR after course {first_cr + 1}, {resp} after course {k}: disease "
                 "reappeared after a complete response, which is progression: stop",
                 first_cr_course=first_cr + 1, response=resp)
    if first_cr is not None and k - (first_cr + 1) >= pol["consolidation_courses"]:
        after = k - (first_cr + 1)
        return verdict("lee2000.cr_consolidated",
                 f"CR since course {first_cr + 1}, {after} consolidation course(s) given: "
                 "stop and follow up", first_cr_course=first_cr + 1,
                 consolidation_courses=pol["consolidation_courses"])
    if pol["max_courses"] is not None and k >= pol["max_courses"]:
        return verdict("course.max_courses",
                 f"{k} courses given, the cap of this policy is {pol['max_courses']}: stop",
                 max_courses=pol["max_courses"])
    if resp == "CR":
        return verdict("lee2000.consolidation",
                 f"CR after course {k} for the first time: give one consolidation course, "
                 "then stop", course=k)
    objective = best in ("CR", "PR") or (best == "MR" and pol["continue_on_mr"])
    if k >= 2 and not objective:
        extra = "" if best == "NR" else " (MR does not continue: policy continue_on_mr = False)"
        return verdict("lee2000.no_response_after_two",
                 f"no objective response after {k} courses{extra}: stop; in Lee et al. 2000 "
                 "none of 17 patients with two NR courses responded to a third",
                 best_response=best)
    if resp == "NR" and best != "NR":
        return verdict("course.response_lost",
                 f"{best} earlier, NR after course {k}: disease no longer stable or "
                 "regressing: stop", best_response=best)
    if resp in ("PR", "MR"):
        return verdict("lee2000.responding",
                 f"{resp} after course {k}: offer another course while tolerated, "
                 "until CR or intolerance", response=resp)
    # k == 1 and NR
    if pol["retreat_stable_after_course1"]:
        return verdict("lee2000.stable_after_course1",
                 "no response after course 1, disease not progressing: a second course may be "
                 "offered (Lee et al. 2000: few alternative treatments)")
    if shrinkage:
        return verdict("label.shrinkage_after_course1",
                 "NR after course 1 but some tumour shrinkage: another course (label)")
    return verdict("label.no_shrinkage",
             "NR after course 1 without tumour shrinkage: no further course (label)")


# at most this many unrecorded responses are weighed value by value (5 values each)
MAX_UNRECORDED_RESPONSES = 5
RESPONSES: tuple[CourseResponse, ...] = ("CR", "PR", "MR", "NR", "PD")


def advise(
    courses: tuple[CourseRecord, ...] | list[CourseRecord],
    variant: str = "default",
    overrides: Mapping[str, Any] | None = None,
) -> Decision[Advice]:
    """The advice after the last course in ``courses`` (oldest first), with its reasons.

    A response not recorded (``null``) and the last course's shrinkage when not recorded are
    weighed value by value: every value the model allows (CR, PR, MR, NR, PD; shrinkage yes or
    no; never a CR, PR or MR without shrinkage).  When every value leads to the same advice,
    that is the advice, and the first reason says so; otherwise the answer is
    ``not_evaluable`` and ``missing`` names exactly the fields whose value could change it.
    """
    courses = tuple(courses)
    if not courses:
        raise InputError("courses", "at least one course is needed")
    if variant not in VARIANTS:
        raise InputError("variant", f"must be one of {list(VARIANTS)}", variant)
    _check(courses)
    pol = VARIANTS[variant].resolved(overrides)
    k = len(courses)
    policy_reasons = [POLICIES[name].reason(value) for name, value in pol.items()]
    base: dict[str, Any] = {"variant": variant, "courses_given": k}

    unknown = [f"courses[{i}].response" for i, c in enumerate(courses) if c.response is None]
    if len(unknown) > MAX_UNRECORDED_RESPONSES:
        raise InputError("courses", f"{len(unknown)} responses are not recorded "
                         f"({', '.join(unknown)}); hdil2 weighs the possible values of at most "
                         f"{MAX_UNRECORDED_RESPONSES}: record the others", len(unknown))
    open_resp = [i for i, c in enumerate(courses) if c.response is None]
    if courses[-1].shrinkage is None:
        unknown.append(f"courses[{k - 1}].shrinkage")
    domains: list[tuple[Any, ...]] = [RESPONSES] * len(open_resp)
    if courses[-1].shrinkage is None:
        domains.append((True, False))
    table: dict[tuple[Any, ...], _Verdict] = {}
    for combo in itertools.product(*domains):
        responses = [c.response for c in courses]
        for i, r in zip(open_resp, combo, strict=False):
            responses[i] = r
        shrink = combo[-1] if courses[-1].shrinkage is None else courses[-1].shrinkage
        if not all(_consistent(r, c.shrinkage) for r, c in zip(responses, courses[:-1],
                                                                 strict=False)) \
                or not _consistent(responses[-1], shrink):
            continue
        known = tuple(r for r in responses if r is not None)
        table[combo] = _decide(courses, known, bool(shrink), pol)

    verdicts = list(table.values())
    first = verdicts[0]
    if all((x.rule, x.text, x.details) == (first.rule, first.text, first.details)
           for x in verdicts):
        return _decision(first, courses, pol, base, [], policy_reasons)
    # the unknown fields the verdict depends on at all, and those the advice depends on
    read = [j for j in range(len(unknown))
            if _changes(table, j, lambda x: (x.rule, x.text, tuple(x.details.items())))]
    fields = [unknown[j] for j in read]
    outcomes = _by_value(table, unknown, read)
    advices = {x.advice for x in verdicts}
    if len(advices) == 1:
        values = "; ".join(
            f"{unknown[j]} = " + " or ".join(
                _label(x) for x in sorted({combo[j] for combo in table}, key=_order))
            for j in read)
        agree = Reason(
            "course.every_value_agrees", "lee2000", tag=Tag.COMPUTED,
            inputs={"not_recorded": fields},
            text=f"not recorded: {', '.join(fields)}; every possible value ({values}) leads to "
            f"{first.advice.replace('_', ' ')}")
        by_text = {(x.rule, x.text): x for x in verdicts}
        category = {RULES[r].stop_category for r, _ in by_text}
        details = {**base, "not_recorded": fields}
        details.update({key: val for key, val in first.details.items()
                        if all(x.details.get(key) == val for x in verdicts)})
        if len(category) == 1 and None not in category:
            details["stop_category"] = category.pop()
        per_rule = []
        for x in by_text.values():
            cond = _when(table, unknown, read, x)
            per_rule.append(_reason(RULES[x.rule], f"if {cond}: {x.text}" if cond else x.text,
                                    **x.inputs))
        return _decision(first, courses, pol, details, [agree, *per_rule], policy_reasons,
                         own_reason=False)
    decisive = [unknown[j] for j in read if _changes(table, j, lambda x: x.advice)]
    reasons = []
    for f in decisive:
        i = int(f[f.index("[") + 1:f.index("]")])
        if f.endswith(".shrinkage"):
            reasons.append(Reason(
                "label.shrinkage_missing", "proleukin-label", tag=Tag.VERIFIED,
                inputs={"field": f}, text=f"the label allows another course after course "
                f"{i + 1} only with some tumour shrinkage; record whether there was any ({f}): "
                f"{outcomes[f]}"))
        elif i == k - 1:
            reasons.append(Reason(
                "course.response_missing", "lee2000", tag=Tag.SEED, inputs={"field": f},
                text=f"the response after course {k} is not recorded ({f}): assess it "
                f"(about 4-8 weeks after the course) before deciding: {outcomes[f]}"))
        else:
            reasons.append(Reason(
                "course.earlier_response_missing", "lee2000", tag=Tag.COMPUTED,
                inputs={"field": f}, text=f"the response after course {i + 1} is not "
                f"recorded ({f}) and the advice depends on it: {outcomes[f]}"))
    return Decision.of("not_evaluable", [*reasons, *policy_reasons], **base, missing=decisive,
                       not_recorded=fields,
                       possible=sorted(advices, key=RULE_ADVICE_ORDER.index))


RULE_ADVICE_ORDER: tuple[Advice, ...] = ("next_course", "consolidation_course", "stop")


def _changes(table: Mapping[tuple[Any, ...], _Verdict], j: int,
             key: Callable[[_Verdict], Hashable]) -> bool:
    """Whether two histories that differ in unknown field ``j`` only get a different
    ``key`` (the advice, or the whole verdict)."""
    groups: dict[tuple[Any, ...], set[Hashable]] = {}
    for combo, verdict in table.items():
        groups.setdefault(combo[:j] + combo[j + 1:], set()).add(key(verdict))
    return any(len(g) > 1 for g in groups.values())


def _label(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _order(value: Any) -> int:
    return RESPONSES.index(value) if value in RESPONSES else (0 if value is True else 1)


def _by_value(table: Mapping[tuple[Any, ...], _Verdict], unknown: list[str],
              read: list[int]) -> dict[str, str]:
    """For each unknown field read: each of its values and the advice it can lead to."""
    out: dict[str, str] = {}
    for j in read:
        seen: dict[Any, set[Advice]] = {}
        for combo, verdict in table.items():
            seen.setdefault(combo[j], set()).add(verdict.advice)
        out[unknown[j]] = ", ".join(
            f"{_label(val)} → "
            + " or ".join(a.replace("_", " ") for a in sorted(advs, key=RULE_ADVICE_ORDER.index))
            for val, advs in sorted(seen.items(), key=lambda kv: _order(kv[0])))
    return out


def _when(table: Mapping[tuple[Any, ...], _Verdict], unknown: list[str], read: list[int],
          verdict: _Verdict) -> str:
    """The values of the unknown fields under which ``verdict`` is the one ('' if under all)."""
    parts = []
    for j in read:
        every = {combo[j] for combo in table}
        vals = {combo[j] for combo, v in table.items()
                if (v.rule, v.text) == (verdict.rule, verdict.text)}
        if vals != every:
            parts.append(f"{unknown[j]} = "
                         + " or ".join(_label(x) for x in sorted(vals, key=_order)))
    return " and ".join(parts)


def _decision(verdict: _Verdict, courses: tuple[CourseRecord, ...], pol: Mapping[str, Any],
              details: Mapping[str, Any], first: list[Reason], policy_reasons: list[Reason],
              own_reason: bool = True) -> Decision[Advice]:
    """The decision of ``verdict``: its reason after ``first``, the details, the stop
    category or the next course and its earliest date, then the policies in force."""
    rule = RULES[verdict.rule]
    reasons = [*first]
    if own_reason:
        reasons.append(_reason(rule, verdict.text, **verdict.inputs))
    d = {**verdict.details, **details} if own_reason else dict(details)
    if own_reason and rule.stop_category is not None:
        d["stop_category"] = rule.stop_category
    if rule.advice in ("next_course", "consolidation_course"):
        last = courses[-1]
        rest = pol["min_rest_days"]
        earliest = last.discharge_date + dt.timedelta(days=rest)
        d["next_course"] = len(courses) + 1
        d["earliest_start_date"] = earliest
        reasons.append(Reason(
            "label.rest_after_discharge", MIN_REST_DAYS.source, tag=MIN_REST_DAYS.tag,
            inputs={"discharge_date": last.discharge_date, "min_rest_days": rest},
            text=f"discharged {last.discharge_date}: next course no earlier than "
            f"{earliest} (≥ {rest} days of rest, inclusive)"))
    return Decision.of(rule.advice, [*reasons, *policy_reasons], **d)
