"""After each HD IL-2 course: another course, a consolidation course, or stop (reference §6.1).

The decision rules are data (:data:`COURSE_RULES`, in the order they are tried) and the open
choices are named variants (:data:`VARIANTS`) built from [U] policies, so a simulator can
compare alternatives and every decision says which variant and which rule decided.

Rules (``lee2000`` = seed 003 [S]; ``proleukin-label`` [V]):

1. progressive disease at any assessment → stop (seed 003: "once this occurred, treatment
   was stopped");
2. severe IL-2 toxicity not easily reversed (intubation for mental status change, severe
   arrhythmia, severe renal dysfunction) or any label retreatment contraindication → stop;
3. patient refusal or non-life-threatening intolerance → stop ("other" in Table 5);
4. disease reappearing after a CR (a response below CR after a CR) → stop as progression
   [derived: the RECIST 1.1 footnote applied to the course categories];
5. CR already consolidated (``consolidation_courses`` given after the first CR) → stop;
6. the course cap ``max_courses`` reached → stop (no cap in seed 003);
7. CR for the first time → one consolidation course (seed 003: "a consolidation course after
   a CR was achieved");
8. after ≥ 2 courses with no objective response → stop (0/17 responded to a third course);
   an MR allows another course when ``continue_on_mr`` (the one RCC patient with MR after two
   courses was retreated and reached CR);
9. a response (PR, MR) that was lost (NR after an earlier PR/MR) → stop: disease is no
   longer stable or regressing [derived];
10. PR or MR → another course until CR or intolerance;
11. after course 1, no response (NR): seed 003 offered course 2 to stable patients; the label
    requires some tumour shrinkage → policy ``retreat_stable_after_course1`` (default: label).

Earliest next course: label, ≥ 7 weeks of rest from the date of hospital discharge,
inclusive: discharge date + 49 days (policy ``min_rest_days``; 56 = 8 weeks of the FDA pivotal
series, 84 = the 12-week interval of the Cytokine Working Group phase III trial).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hdil2.clinical.policy import Policy, check_overrides
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError, InputErrors
from hdil2.core.sources import Tag

CourseResponse = Literal["CR", "PR", "MR", "NR", "PD"]
Advice = Literal["next_course", "consolidation_course", "stop", "not_evaluable"]
StopCategory = Literal[
    "progressive_disease", "il2_toxicity", "complete_response", "other", "no_response",
    "max_courses",
]
RANK: dict[str, int] = {"CR": 0, "PR": 1, "MR": 2, "NR": 3, "PD": 4}

# Label retreatment contraindications after an earlier course (older label [V], reference
# §1.11) and seed 003's severe toxicities not easily reversed [S].
RETREATMENT_CONTRAINDICATIONS: dict[str, tuple[str, str, Tag]] = {
    "sustained_vt": ("sustained ventricular tachycardia (≥ 5 beats)", "proleukin-label",
                     Tag.VERIFIED),
    "uncontrolled_arrhythmia": ("cardiac rhythm disturbance not controlled or unresponsive to "
                                "management", "proleukin-label", Tag.VERIFIED),
    "chest_pain_ecg_changes": ("chest pain with ECG changes consistent with angina or "
                               "myocardial infarction", "proleukin-label", Tag.VERIFIED),
    "cardiac_tamponade": ("cardiac tamponade", "proleukin-label", Tag.VERIFIED),
    "intubation_over_72h": ("intubation for more than 72 hours", "proleukin-label",
                            Tag.VERIFIED),
    "dialysis_over_72h": ("renal failure requiring dialysis for more than 72 hours",
                          "proleukin-label", Tag.VERIFIED),
    "coma_or_psychosis_over_48h": ("coma or toxic psychosis lasting more than 48 hours",
                                   "proleukin-label", Tag.VERIFIED),
    "repetitive_seizures": ("repetitive or difficult-to-control seizures", "proleukin-label",
                            Tag.VERIFIED),
    "bowel_ischaemia_perforation": ("bowel ischaemia or perforation", "proleukin-label",
                                    Tag.VERIFIED),
    "gi_bleeding_surgery": ("GI bleeding requiring surgery", "proleukin-label", Tag.VERIFIED),
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
    """One row of the decision table (reference §6.1)."""

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

# --- [U] policies and the named variants -----------------------------------------------------

RETREAT_STABLE_AFTER_COURSE1 = Policy(
    "retreat_stable_after_course1", False, (False, True), "proleukin-label",
    "seed 003 offered a second course to patients with stable disease after course 1; the "
    "label asks for some tumour shrinkage (reference §1.10): False = label", Tag.UNVERIFIED)
CONTINUE_ON_MR = Policy(
    "continue_on_mr", True, (True, False), "lee2000",
    "seed 003's rule says 'no objective response after two courses: stop', yet its one patient "
    "with MR after two courses was retreated and reached CR (reference §6.1)", Tag.UNVERIFIED)
CONSOLIDATION_COURSES = Policy(
    "consolidation_courses", 1, (1, 2), "lee2000",
    "seed 003's text gives one consolidation course after CR; its Table 4 shows RCC patients "
    "with two post-CR courses (reference §6.3 item 5)", Tag.UNVERIFIED)
MAX_COURSES = Policy(
    "max_courses", None, (None, 2, 3, 4, 5), "lee2000",
    "no maximum is stated in seed 003 (its tables stop at 4); FDA pivotal series 2-5, Cytokine "
    "Working Group phase III ≤ 3 for responders", Tag.UNVERIFIED)
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
        "default", "the reference's defaults: seed 003's rules with the label's shrinkage "
        "requirement after course 1 and its 7-week rest",
        {p.name: p.default for p in POLICIES.values()}),
    "lee2000": CoursePolicy(
        "lee2000", "seed 003 as practised: a second course for stable disease after course 1",
        {**{p.name: p.default for p in POLICIES.values()},
         "retreat_stable_after_course1": True}),
    "lee2000-strict": CoursePolicy(
        "lee2000-strict", "seed 003's stop rule read literally: MR after two courses stops",
        {**{p.name: p.default for p in POLICIES.values()},
         "retreat_stable_after_course1": True, "continue_on_mr": False}),
    "cwg": CoursePolicy(
        "cwg", "Cytokine Working Group phase III (seed 002): up to 3 courses at 12-week "
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
        "(reference §4.1): CR, PR, MR, NR or PD; null = not assessed yet")
    shrinkage: bool | None = Field(
        default=None, description="any tumour shrinkage after the course (label retreatment "
        "rule); needed after course 1 with NR under the label policy")
    toxicities: tuple[ToxicityCode, ...] = Field(
        default=(), description="severe toxicities / retreatment contraindications")
    refused: bool = Field(default=False, description="the patient declines further IL-2")
    intolerance: bool = Field(
        default=False, description="stopping for non-life-threatening intolerance")


class CourseHistory(BaseModel):
    """JSON input of ``hdil2 next-course``: the courses given so far, oldest first."""

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
        if i and c.start_date is not None and c.start_date <= courses[i - 1].discharge_date:
            errors.append(InputError(f"courses[{i}].start_date",
                                     "starts before the previous course's discharge",
                                     c.start_date))
    if errors:
        raise InputErrors(errors)


def _reason(rule: CourseRule, text: str, **inputs: Any) -> Reason:
    return Reason(rule=rule.rule, source=rule.source, tag=rule.tag, text=text, inputs=inputs)


def advise(
    courses: tuple[CourseRecord, ...] | list[CourseRecord],
    variant: str = "default",
    overrides: Mapping[str, Any] | None = None,
) -> Decision[Advice]:
    """The advice after the last course in ``courses`` (oldest first), with its reasons."""
    courses = tuple(courses)
    if not courses:
        raise InputError("courses", "at least one course is needed")
    if variant not in VARIANTS:
        raise InputError("variant", f"must be one of {list(VARIANTS)}", variant)
    _check(courses)
    pol = VARIANTS[variant].resolved(overrides)
    k = len(courses)
    last = courses[-1]
    policy_reasons = [POLICIES[name].reason(value) for name, value in pol.items()]
    details: dict[str, Any] = {"variant": variant, "courses_given": k}

    def out(rule_id: str, text: str, **inputs: Any) -> Decision[Advice]:
        rule = RULES[rule_id]
        reasons = [_reason(rule, text, **inputs)]
        d = dict(details)
        if rule.stop_category is not None:
            d["stop_category"] = rule.stop_category
        if rule.advice in ("next_course", "consolidation_course"):
            rest = pol["min_rest_days"]
            earliest = last.discharge_date + dt.timedelta(days=rest)
            d["next_course"] = k + 1
            d["earliest_start_date"] = earliest
            reasons.append(Reason(
                "label.rest_after_discharge", MIN_REST_DAYS.source, tag=MIN_REST_DAYS.tag,
                inputs={"discharge_date": last.discharge_date, "min_rest_days": rest},
                text=f"discharged {last.discharge_date}: next course no earlier than "
                f"{earliest} (≥ {rest} days of rest, inclusive)"))
        return Decision.of(rule.advice, [*reasons, *policy_reasons], **d)

    # rules that need no response
    tox = [(i, t) for i, c in enumerate(courses) for t in c.toxicities]
    if any(c.response == "PD" for c in courses):
        i = next(i for i, c in enumerate(courses) if c.response == "PD")
        return out("lee2000.progressive_disease",
                   f"progressive disease after course {i + 1}: stop; no further HD IL-2",
                   course=i + 1)
    if tox:
        names = "; ".join(f"{RETREATMENT_CONTRAINDICATIONS[t][0]} (course {i + 1})"
                          for i, t in tox)
        return out("course.severe_toxicity", f"{names}: no retreatment with HD IL-2",
                   toxicities=[t for _, t in tox])
    if last.refused or last.intolerance:
        why = "the patient declines further IL-2" if last.refused else \
            "non-life-threatening intolerance"
        return out("lee2000.other", f"{why}: stop (Table 5 'other')")
    if last.response is None:
        return Decision.of("not_evaluable", [Reason(
            "course.response_missing", "lee2000", tag=Tag.SEED,
            inputs={"field": f"courses[{k - 1}].response"},
            text=f"the response after course {k} is not recorded (courses[{k - 1}].response): "
            "assess it (≈ 4-8 weeks after the course) before deciding"), *policy_reasons],
            **details, missing=f"courses[{k - 1}].response")
    responses = [c.response for c in courses]
    assessed = [r for r in responses if r is not None]
    best = min(assessed, key=RANK.__getitem__)
    details["best_response"] = best
    details["response"] = last.response
    first_cr = next((i for i, r in enumerate(responses) if r == "CR"), None)
    if first_cr is not None and last.response != "CR":
        return out("course.reappearance_after_cr",
                   f"CR after course {first_cr + 1}, {last.response} after course {k}: disease "
                   "reappeared after a complete response, which is progression: stop",
                   first_cr_course=first_cr + 1, response=last.response)
    if first_cr is not None and k - (first_cr + 1) >= pol["consolidation_courses"]:
        after = k - (first_cr + 1)
        return out("lee2000.cr_consolidated",
                   f"CR since course {first_cr + 1}, {after} consolidation course(s) given: "
                   "stop and follow up", first_cr_course=first_cr + 1,
                   consolidation_courses=pol["consolidation_courses"])
    if pol["max_courses"] is not None and k >= pol["max_courses"]:
        return out("course.max_courses",
                   f"{k} courses given, the cap of this policy is {pol['max_courses']}: stop",
                   max_courses=pol["max_courses"])
    if last.response == "CR":
        return out("lee2000.consolidation",
                   f"CR after course {k} for the first time: give one consolidation course, "
                   "then stop", course=k)
    objective = best in ("CR", "PR") or (best == "MR" and pol["continue_on_mr"])
    if k >= 2 and not objective:
        extra = "" if best == "NR" else " (MR does not continue: policy continue_on_mr = False)"
        return out("lee2000.no_response_after_two",
                   f"no objective response after {k} courses{extra}: stop; in seed 003 none of "
                   "17 patients with two NR courses responded to a third", best_response=best)
    if last.response == "NR" and best != "NR":
        return out("course.response_lost",
                   f"{best} earlier, NR after course {k}: disease no longer stable or "
                   "regressing: stop", best_response=best)
    if last.response in ("PR", "MR"):
        return out("lee2000.responding",
                   f"{last.response} after course {k}: offer another course while tolerated, "
                   "until CR or intolerance", response=last.response)
    # k == 1 and NR
    if pol["retreat_stable_after_course1"]:
        return out("lee2000.stable_after_course1",
                   "no response after course 1, disease not progressing: a second course may be "
                   "offered (seed 003: few alternative treatments)")
    if last.shrinkage is None:
        return Decision.of("not_evaluable", [Reason(
            "label.shrinkage_missing", "proleukin-label", tag=Tag.VERIFIED,
            inputs={"field": "courses[0].shrinkage"},
            text="NR after course 1: the label allows another course only with some tumour "
            "shrinkage; record whether there was any (courses[0].shrinkage)"), *policy_reasons],
            **details, missing="courses[0].shrinkage")
    if last.shrinkage:
        return out("label.shrinkage_after_course1",
                   "NR after course 1 but some tumour shrinkage: another course (label)")
    return out("label.no_shrinkage",
               "NR after course 1 without tumour shrinkage: no further course (label)")
