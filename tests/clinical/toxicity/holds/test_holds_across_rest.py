"""Issue 8 item 9: a hold stays in force across the rest between cycles.

The Proleukin label (`proleukin-label`) says *withhold until* the resume condition is met; where
a row's resume condition differs from "the hold condition no longer holds" (a band: hold when
SpO2 < 90 %, resume only when SpO2 > 90 %), a held patient is judged by the resume condition at
the next scheduled dose, whatever the cycle (docs/decisions.md#holds-across-rest and
#resume-bands).  One case per rule of the rule tables that has a distinct resume condition,
enumerated from the rule data so a new band rule cannot go untested.
"""

from typing import Any

import pytest

from hdil2.clinical.toxicity.holds.rules import RULESETS

from .conftest import NORMAL
from .test_next_dose import advise, fired

BAND_RULES = sorted(r.id for rs in RULESETS.values() for r in rs if r.still_held is not None)

# rule id -> (observations that fire the hold, observations inside the band: the hold condition
# is false but the resume condition is not met, observations that meet the resume condition).
# Numbers from the label's rows: SpO2 hold < 90 %, resume > 90 %; creatinine hold > 4.5 mg/dL,
# resume < 4; SBP hold < 90 mmHg, resume SBP >= 90 with stable or improving pressor need;
# oliguria hold < 10 mL/h for 16-24 h with rising creatinine, resume > 10 mL/h with creatinine
# falling.
BAND_CASES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "label.spo2_below_90": ({"spo2_pct": 88}, {"spo2_pct": 90}, {"spo2_pct": "90.1"}),
    "label.creatinine_above_4_5": ({"creatinine": "4.6 mg/dL"}, {"creatinine": "4.2 mg/dL"},
                                   {"creatinine": "3.9 mg/dL"}),
    "label.sbp_below_90": ({"sbp_mmhg": 85},
                           {"sbp_mmhg": 95, "pressor_trend": "increasing"},
                           {"sbp_mmhg": 95, "pressor_trend": "stable"}),
    "label.oliguria": ({"oliguria_hours": 16, "creatinine_trend": "rising"},
                       {"oliguria_hours": 0, "urine_ml_per_h": 10,
                        "creatinine_trend": "falling"},
                       {"oliguria_hours": 0, "urine_ml_per_h": 11,
                        "creatinine_trend": "falling"}),
}


def given(*slots: int) -> list[dict[str, Any]]:
    return [{"slot": s, "status": "given"} for s in slots]


def held(slot: int, rule: str) -> dict[str, Any]:
    return {"slot": slot, "status": "held", "hold_rules": [rule]}


def test_item9_every_band_rule_has_a_case() -> None:
    assert set(BAND_CASES) == set(BAND_RULES)


@pytest.mark.parametrize("rule", BAND_RULES)
def test_item9_cases_fire_and_band_alone_gives(rule: str) -> None:
    fire, band, resumed = BAND_CASES[rule]
    d = advise({**NORMAL, **fire})
    assert (d.value, rule in fired(d)) == ("hold", True)
    # not held: inside the band the hold condition is false, so the dose is given
    assert advise({**NORMAL, **band}).value == "give"
    assert advise({**NORMAL, **resumed}).value == "give"


@pytest.mark.parametrize("rule", BAND_RULES)
def test_item9_hold_at_dose_14_stays_in_force_at_cycle_2_dose_1(rule: str) -> None:
    _, band, resumed = BAND_CASES[rule]
    history = [*given(*range(1, 14)), held(14, rule)]
    d = advise({**NORMAL, **band}, history)
    slot = d.details["next_slot"]
    assert (slot.cycle, slot.dose_in_cycle) == (2, 1)
    assert d.value == "hold"
    check = next(c for c in d.details["checks"] if c.rule == rule)
    assert (check.result, check.mode) == ("fired", "resume")
    assert any(r.rule == rule and r.text.startswith("still held") for r in d.reasons)
    assert advise({**NORMAL, **resumed}, history).value == "give"


@pytest.mark.parametrize("rule", BAND_RULES)
def test_item9_hold_within_cycle_2_and_across_two_held_slots(rule: str) -> None:
    _, band, _ = BAND_CASES[rule]
    # held at 13 and 14, still in force at 15
    assert advise({**NORMAL, **band}, [*given(*range(1, 13)), held(13, rule),
                                       held(14, rule)]).value == "hold"
    # within cycle 2 as within cycle 1
    assert advise({**NORMAL, **band}, [*given(*range(1, 17)), held(17, rule)]).value == "hold"


@pytest.mark.parametrize("rule", BAND_RULES)
def test_item9_resumed_hold_does_not_carry_over(rule: str) -> None:
    _, band, _ = BAND_CASES[rule]
    # held at dose 10, given 11-14 (the resume condition was met): cycle 2 starts afresh
    history = [*given(*range(1, 10)), held(10, rule), *given(11, 12, 13, 14)]
    d = advise({**NORMAL, **band}, history)
    assert d.value == "give"
    check = next(c for c in d.details["checks"] if c.rule == rule)
    assert check.mode == "hold"


def test_item9_hold_in_force_at_course_end_is_not_carried_into_a_new_course() -> None:
    history = [*given(*range(1, 28)), held(28, "label.spo2_below_90")]
    d = advise({**NORMAL, "spo2_pct": 90}, history)
    assert d.value == "course_complete"
    reason = next(r for r in d.reasons if r.rule == "advice.hold_at_course_end")
    assert "label.spo2_below_90" in reason.text
    assert "next-course" in reason.text
    assert d.details["holds_in_force"] == ["label.spo2_below_90"]
