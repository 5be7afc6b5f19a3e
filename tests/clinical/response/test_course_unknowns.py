"""Issue 8 item 11: a response (or shrinkage) not recorded is weighed value by value.

`next-course` used to read a missing response on an earlier course as "neither CR nor PD":
null then PR gave another course, though CR then PR stops (disease reappeared after a CR) and
NR then PR gives another course.  Now every value the model allows is tried; the answer is
decided only when all of them agree, otherwise it is not evaluable and names the field.

The oracle at the bottom re-reads the decision table of docs/course-policy.md (Lee et al.
2000, `lee2000`, with the Proleukin label's shrinkage rule and 7-week rest, `proleukin-label`)
as plain if-statements and enumerates the unknown values itself.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hdil2.clinical.response.next_course import CourseHistory, CourseRecord, advise
from hdil2.core.errors import InputError, InputErrors

DISCHARGE = dt.date(2024, 3, 1)


def hist(*responses: str | None, **last: Any) -> list[CourseRecord]:
    out = []
    for i, r in enumerate(responses):
        extra = last if i == len(responses) - 1 else {}
        out.append(CourseRecord(discharge_date=DISCHARGE + dt.timedelta(days=90 * i),
                                response=r, **extra))  # type: ignore[arg-type]
    return out


def test_item11_null_then_pr_is_not_evaluable_naming_the_field() -> None:
    # the two readings the issue contrasts
    assert advise(hist("CR", "PR")).value == "stop"
    assert advise(hist("NR", "PR")).value == "next_course"
    d = advise(hist(None, "PR"))
    assert d.value == "not_evaluable"
    assert d.details["missing"] == ["courses[0].response"]
    assert d.details["possible"] == ["next_course", "stop"]
    assert d.reasons[0].rule == "course.earlier_response_missing"
    assert "courses[0].response" in d.reasons[0].text
    assert "CR → stop, PR → next course" in d.reasons[0].text


def test_item11_every_value_agrees_then_decides() -> None:
    # NR after course 2: whatever course 1 gave (CR: reappearance; PR/MR: response lost; NR:
    # two courses without response; PD: progression) the advice is stop
    d = advise(hist(None, "NR"))
    assert d.value == "stop"
    assert d.reasons[0].rule == "course.every_value_agrees"
    assert "courses[0].response = CR or PR or MR or NR or PD" in d.reasons[0].text
    assert {r.rule for r in d.reasons[1:6]} == {
        "course.reappearance_after_cr", "course.response_lost",
        "lee2000.no_response_after_two", "lee2000.progressive_disease"}
    assert "stop_category" not in d.details  # the reasons for stopping differ
    # the course cap reached: stop whatever the last response
    d = advise(hist("PR", "PR", None), "cwg")
    assert (d.value, d.reasons[0].rule) == ("stop", "course.every_value_agrees")
    assert d.details["not_recorded"] == ["courses[2].response"]


def test_item11_shrinkage_is_weighed_too() -> None:
    # no shrinkage after course 1 leaves NR or PD: both stop
    d = advise(hist(None, shrinkage=False))
    assert (d.value, d.reasons[0].rule) == ("stop", "course.every_value_agrees")
    assert "courses[0].response = NR or PD" in d.reasons[0].text
    # NR after course 1 under the label policy: shrinkage decides
    d = advise(hist("NR"))
    assert (d.value, d.details["missing"]) == ("not_evaluable", ["courses[0].shrinkage"])
    assert d.reasons[0].rule == "label.shrinkage_missing"
    # a shrinkage that no rule reads is not mentioned
    d = advise(hist("PR"))
    assert (d.value, d.reasons[0].rule) == ("next_course", "lee2000.responding")
    assert "not_recorded" not in d.details


def test_item11_no_shrinkage_contradicts_a_response() -> None:
    with pytest.raises(InputErrors) as e:
        advise(hist("PR", shrinkage=False))
    assert e.value.errors[0].field == "courses[0].shrinkage"


def test_item11_too_many_unrecorded_responses_are_refused() -> None:
    with pytest.raises(InputError) as e:
        advise(hist(*[None] * 6))
    assert e.value.field == "courses"
    assert advise(hist(*[None] * 5)).value == "not_evaluable"


# --- the oracle ----------------------------------------------------------------------------

RESPONSES = ("CR", "PR", "MR", "NR", "PD")
RANK = {"CR": 0, "PR": 1, "MR": 2, "NR": 3, "PD": 4}


def oracle_complete(resp: list[str], shrink_last: bool, tox: bool, refused: bool,
                    pol: dict[str, Any]) -> str:
    """docs/course-policy.md's table, tried in order, on a complete history."""
    k, last = len(resp), resp[-1]
    if "PD" in resp or tox or refused:
        return "stop"
    if "CR" in resp:
        if last != "CR":
            return "stop"  # disease reappeared after a CR
        if k - (resp.index("CR") + 1) >= pol["consolidation_courses"]:
            return "stop"
    if pol["max_courses"] is not None and k >= pol["max_courses"]:
        return "stop"
    if last == "CR":
        return "consolidation_course"
    best = min(resp, key=RANK.__getitem__)
    if k >= 2 and not (best in ("CR", "PR") or (best == "MR" and pol["continue_on_mr"])):
        return "stop"
    if last == "NR" and best != "NR":
        return "stop"
    if last in ("PR", "MR"):
        return "next_course"
    if pol["retreat_stable_after_course1"]:
        return "next_course"
    return "next_course" if shrink_last else "stop"


def oracle(resp: list[str | None], shrink: list[bool | None], tox: bool, refused: bool,
           pol: dict[str, Any]) -> tuple[str, list[str]]:
    unknown = [f"courses[{i}].response" for i, r in enumerate(resp) if r is None]
    slots = [i for i, r in enumerate(resp) if r is None]
    last_open = shrink[-1] is None
    if last_open:
        unknown.append(f"courses[{len(resp) - 1}].shrinkage")
    table = {}
    for combo in itertools.product(*([RESPONSES] * len(slots)
                                     + ([(True, False)] if last_open else []))):
        r = list(resp)
        for i, v in zip(slots, combo, strict=False):
            r[i] = v
        s = list(shrink)
        if last_open:
            s[-1] = combo[-1]
        if any(si is False and ri in ("CR", "PR", "MR") for ri, si in zip(r, s, strict=True)):
            continue  # a CR, PR or MR is a shrinkage
        table[combo] = oracle_complete([str(x) for x in r], bool(s[-1]), tox, refused, pol)
    advice = set(table.values())
    if len(advice) == 1:
        return advice.pop(), []
    decisive = []
    for j, f in enumerate(unknown):
        groups: dict[tuple[Any, ...], set[str]] = {}
        for combo, a in table.items():
            groups.setdefault(combo[:j] + combo[j + 1:], set()).add(a)
        if any(len(g) > 1 for g in groups.values()):
            decisive.append(f)
    return "not_evaluable", decisive


VARIANTS = {
    "default": {"retreat_stable_after_course1": False, "continue_on_mr": True,
                "consolidation_courses": 1, "max_courses": None},
    "lee2000": {"retreat_stable_after_course1": True, "continue_on_mr": True,
                "consolidation_courses": 1, "max_courses": None},
    "lee2000-strict": {"retreat_stable_after_course1": True, "continue_on_mr": False,
                       "consolidation_courses": 1, "max_courses": None},
    "cwg": {"retreat_stable_after_course1": False, "continue_on_mr": True,
            "consolidation_courses": 1, "max_courses": 3},
}


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any]:
    k = draw(st.integers(1, 5))
    resp = draw(st.lists(st.one_of(st.sampled_from(RESPONSES), st.none()),
                         min_size=k, max_size=k))
    shrink = [draw(st.sampled_from([None, True, False])) for _ in range(k)]
    shrink = [None if s is False and r in ("CR", "PR", "MR") else s
              for r, s in zip(resp, shrink, strict=True)]
    overrides = draw(st.fixed_dictionaries({}, optional={
        "consolidation_courses": st.sampled_from([1, 2]),
        "max_courses": st.sampled_from([None, 2, 3, 4, 5]),
        "continue_on_mr": st.booleans(),
        "retreat_stable_after_course1": st.booleans()}))
    return {"resp": resp, "shrink": shrink, "variant": draw(st.sampled_from(sorted(VARIANTS))),
            "overrides": overrides, "tox": draw(st.sampled_from([False] * 5 + [True])),
            "refused": draw(st.sampled_from([False] * 5 + [True]))}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_item11_advice_and_missing_equal_the_oracle(h: dict[str, Any]) -> None:
    courses = []
    for i, (r, s) in enumerate(zip(h["resp"], h["shrink"], strict=True)):
        last = i == len(h["resp"]) - 1
        courses.append({"discharge_date": str(DISCHARGE + dt.timedelta(days=90 * i)),
                        "response": r, "shrinkage": s,
                        "toxicities": ["cardiac_tamponade"] if last and h["tox"] else [],
                        "refused": last and h["refused"]})
    d = CourseHistory.model_validate({"courses": courses, "variant": h["variant"],
                                      "policies": h["overrides"]}).advise()
    pol = {**VARIANTS[h["variant"]], **h["overrides"]}
    value, missing = oracle(h["resp"], h["shrink"], h["tox"], h["refused"], pol)
    assert d.value == value
    assert d.details.get("missing", []) == missing
