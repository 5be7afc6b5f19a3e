"""After-course advice (Lee et al. 2000, `lee2000`; docs/course-policy.md): every rule of the
table, the variants, and the earliest date of the next course (label: ≥ 7 weeks after
discharge, inclusive)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hdil2.clinical.response.next_course import (
    COURSE_RULES,
    VARIANTS,
    CourseHistory,
    CourseRecord,
    advise,
)
from hdil2.core.errors import InputError, InputErrors

DISCHARGE = dt.date(2024, 3, 1)


def hist(*responses: str | None, **last: Any) -> list[CourseRecord]:
    out = []
    for i, r in enumerate(responses):
        extra = last if i == len(responses) - 1 else {}
        out.append(CourseRecord(discharge_date=DISCHARGE + dt.timedelta(days=90 * i),
                                response=r, **extra))  # type: ignore[arg-type]
    return out


def rule_of(d: Any) -> str:
    return str(d.reasons[0].rule)


@pytest.mark.parametrize(("responses", "last", "value", "rule", "category"), [
    (("PR", "PD"), {}, "stop", "lee2000.progressive_disease", "progressive_disease"),
    (("PD",), {}, "stop", "lee2000.progressive_disease", "progressive_disease"),
    (("PR",), {"toxicities": ("intubation_over_72h",)}, "stop", "course.severe_toxicity",
     "il2_toxicity"),
    (("PR",), {"toxicities": ("severe_renal_dysfunction",)}, "stop", "course.severe_toxicity",
     "il2_toxicity"),
    (("PR",), {"refused": True}, "stop", "lee2000.other", "other"),
    (("PR",), {"intolerance": True}, "stop", "lee2000.other", "other"),
    (("CR", "PR"), {}, "stop", "course.reappearance_after_cr", "progressive_disease"),
    (("CR", "CR"), {}, "stop", "lee2000.cr_consolidated", "complete_response"),
    (("PR", "CR", "CR"), {}, "stop", "lee2000.cr_consolidated", "complete_response"),
    (("CR",), {}, "consolidation_course", "lee2000.consolidation", None),
    (("PR", "PR", "CR"), {}, "consolidation_course", "lee2000.consolidation", None),
    (("NR", "NR"), {}, "stop", "lee2000.no_response_after_two", "no_response"),
    (("PR", "NR"), {}, "stop", "course.response_lost", "no_response"),
    (("PR",), {}, "next_course", "lee2000.responding", None),
    (("MR",), {}, "next_course", "lee2000.responding", None),
    (("NR", "MR"), {}, "next_course", "lee2000.responding", None),  # continue_on_mr
    (("PR", "PR", "PR", "PR"), {}, "next_course", "lee2000.responding", None),
    (("NR",), {"shrinkage": True}, "next_course", "label.shrinkage_after_course1", None),
    (("NR",), {"shrinkage": False}, "stop", "label.no_shrinkage", "no_response"),
])
def test_rule(responses: tuple[str, ...], last: dict[str, Any], value: str, rule: str,
              category: str | None) -> None:
    d = advise(hist(*responses, **last))
    assert d.value == value
    assert rule_of(d) == rule
    assert d.details.get("stop_category") == category


def test_every_rule_is_exercised_somewhere() -> None:
    fired = set()
    cases: list[tuple[list[CourseRecord], str, dict[str, Any]]] = [
        (hist("PD"), "default", {}), (hist("PR", toxicities=("cardiac_tamponade",)), "default",
                                      {}),
        (hist("PR", refused=True), "default", {}), (hist("CR", "NR"), "default", {}),
        (hist("CR", "CR"), "default", {}), (hist("PR", "PR", "PR"), "cwg", {}),
        (hist("CR"), "default", {}), (hist("NR", "NR"), "default", {}),
        (hist("MR", "NR"), "default", {}), (hist("PR"), "default", {}),
        (hist("NR"), "lee2000", {}), (hist("NR", shrinkage=True), "default", {}),
        (hist("NR", shrinkage=False), "default", {}),
    ]
    for h, variant, over in cases:
        fired.add(rule_of(advise(h, variant, over)))
    assert fired == {r.rule for r in COURSE_RULES}


def test_stable_after_course1_policy_switch() -> None:
    # lee2000 retreats stable disease after course 1; the label needs shrinkage
    assert advise(hist("NR"), "lee2000").value == "next_course"
    d = advise(hist("NR"), "default")
    assert d.value == "not_evaluable"
    assert d.details["missing"] == ["courses[0].shrinkage"]
    assert advise(hist("NR"), overrides={"retreat_stable_after_course1": True}).value == \
        "next_course"


def test_mr_after_two_courses_policy() -> None:
    assert advise(hist("NR", "MR")).value == "next_course"
    d = advise(hist("NR", "MR"), "lee2000-strict")
    assert (d.value, rule_of(d)) == ("stop", "lee2000.no_response_after_two")


def test_max_courses_policy() -> None:
    assert advise(hist("PR", "PR", "PR"), "cwg").value == "stop"
    assert advise(hist("PR", "PR"), "cwg").value == "next_course"
    assert advise(hist("PR", "PR", "PR")).value == "next_course"  # no cap in lee2000


def test_response_not_assessed_is_not_evaluable() -> None:
    d = advise(hist("PR", None))
    assert d.value == "not_evaluable"
    assert d.details["missing"] == ["courses[1].response"]
    assert d.reasons[0].rule == "course.response_missing"
    assert "CR → consolidation course, PR → next course" in d.reasons[0].text


@pytest.mark.parametrize(("variant", "days"), [("default", 49), ("cwg", 84)])
def test_earliest_next_course_date(variant: str, days: int) -> None:
    d = advise(hist("PR"), variant)
    assert d.details["earliest_start_date"] == DISCHARGE + dt.timedelta(days=days)
    assert d.details["next_course"] == 2


def test_seven_weeks_inclusive_boundary() -> None:
    d = advise(hist("PR"))
    earliest = d.details["earliest_start_date"]
    assert (earliest - DISCHARGE).days == 49  # day 49 itself is allowed: 7 full weeks
    assert earliest == dt.date(2024, 4, 19)
    assert advise(hist("PR"), overrides={"min_rest_days": 56}).details[
        "earliest_start_date"] == dt.date(2024, 4, 26)


def test_reasons_carry_the_policies_in_force() -> None:
    d = advise(hist("PR"))
    rules = [r.rule for r in d.reasons]
    assert rules[:2] == ["lee2000.responding", "label.rest_after_discharge"]
    assert "policy.retreat_stable_after_course1" in rules
    assert d.to_dict()["value"] == "next_course"


def test_bad_input_names_fields() -> None:
    with pytest.raises(InputError) as e:
        advise(hist("PR"), "nope")
    assert e.value.field == "variant"
    with pytest.raises(InputError) as e:
        advise(hist("PR"), overrides={"max_courses": 7})
    assert e.value.field == "policy.max_courses"
    bad = [CourseRecord(discharge_date=DISCHARGE, response="PR"),
           CourseRecord(discharge_date=DISCHARGE, response="PR")]
    with pytest.raises(InputErrors) as e2:
        advise(bad)
    assert e2.value.errors[0].field == "courses[1].discharge_date"
    with pytest.raises(ValueError, match="toxicities"):
        CourseHistory.model_validate({"courses": [{"discharge_date": "2024-01-01",
                                                   "response": "PR", "toxicities": ["itch"]}]})


def test_history_model_round_trip() -> None:
    h = CourseHistory.model_validate({"variant": "lee2000", "courses": [
        {"discharge_date": "2024-01-10", "response": "NR"}]})
    assert h.advise().value == "next_course"
    assert set(VARIANTS) >= {"default", "lee2000", "lee2000-strict", "cwg"}


@pytest.mark.parametrize(("toxicity", "source", "tag"), [
    ("intubation_over_72h", "proleukin-label", "verified"),  # a label contraindication row
    ("severe_renal_dysfunction", "lee2000", "seed"),  # Lee et al. 2000's "not easily reversed"
])
def test_toxicity_stop_cites_where_the_toxicity_comes_from(toxicity: str, source: str,
                                                           tag: str) -> None:
    from hdil2 import app

    d = app.run("next-course", {"courses": [{"discharge_date": "2024-01-30", "response": "PR",
                                             "toxicities": [toxicity]}]})
    assert (d.value, d.reasons[0].rule) == ("stop", "course.severe_toxicity")
    assert (d.reasons[0].source, d.reasons[0].tag.value) == (source, tag)
