"""Issue 8 item 10: unknown observations, three-valued.

A row whose known inputs decide it is decided, in both directions; the missing list names the
unknown observations that could change the advice, never a known one.  The rows are those of
the Proleukin label (`proleukin-label`) and the 2014 consensus (`dutcher2014`); Kleene's
three-valued tables are the standard ones (S. C. Kleene, Introduction to Metamathematics, 1952,
strong connectives).
"""

import itertools
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hdil2.clinical.toxicity.holds.logic import cells, k_and, k_not, k_or
from hdil2.clinical.toxicity.holds.rules import ALL_RULES, DOMAINS

from .conftest import NORMAL
from .test_next_dose import advise


def without(*fields: str, **changes: Any) -> dict[str, Any]:
    return {k: v for k, v in {**NORMAL, **changes}.items() if k not in fields}


def held(rule: str) -> list[dict[str, Any]]:
    return [{"slot": 1, "status": "held", "hold_rules": [rule]}]


def check(d: Any, rule: str) -> dict[str, Any]:
    return dict(next(c.to_dict() for c in d.details["checks"] if c.rule == rule))


def test_item10_creatinine_4_2_with_acidosis_unknown_names_acidosis() -> None:
    d = advise(without("acidosis", creatinine="4.2 mg/dL"))
    assert (d.value, d.details["missing"]) == ("not_evaluable", ["acidosis"])
    d = advise(without("acidosis", "hyperkalemia", "severe_volume_overload",
                       creatinine="4.2 mg/dL"))
    assert d.details["missing"] == ["acidosis", "hyperkalemia", "severe_volume_overload"]
    assert check(d, "label.creatinine_above_4_5")["missing"] == d.details["missing"]
    # one co-criterion known present decides the row: hold, nothing missing
    d = advise(without("acidosis", "hyperkalemia", creatinine="4.2 mg/dL",
                       severe_volume_overload=True))
    assert (d.value, d.details["missing"]) == ("hold", [])


def test_item10_creatinine_below_4_decides_without_the_co_criteria() -> None:
    d = advise(without("acidosis", "hyperkalemia", "severe_volume_overload",
                       creatinine="3.9 mg/dL"))
    assert (d.value, d.details["missing"]) == ("give", [])
    assert check(d, "label.creatinine_above_4_5")["result"] == "clear"
    d = advise(without("acidosis", creatinine="4.6 mg/dL"))
    assert (d.value, d.details["missing"]) == ("hold", [])


def test_item10_held_for_sbp_85_with_pressor_trend_unknown_stays_held() -> None:
    d = advise(without("pressor_trend", sbp_mmhg=85), held("label.sbp_below_90"))
    assert (d.value, d.details["missing"]) == ("hold", [])
    c = check(d, "label.sbp_below_90")
    assert (c["result"], c["mode"]) == ("fired", "resume")
    # SBP recovered: now the pressor trend decides, and only it is missing
    d = advise(without("pressor_trend", sbp_mmhg=95), held("label.sbp_below_90"))
    assert (d.value, d.details["missing"]) == ("not_evaluable", ["pressor_trend"])


def test_item10_oliguria_cannot_fire_when_creatinine_is_known_not_to_rise() -> None:
    for trend in ("stable", "falling"):
        d = advise(without("oliguria_hours", creatinine_trend=trend))
        assert (d.value, d.details["missing"]) == ("give", [])
        assert check(d, "label.oliguria")["result"] == "clear"
    d = advise(without("oliguria_hours", creatinine_trend="rising"))
    assert (d.value, d.details["missing"]) == ("not_evaluable", ["oliguria_hours"])
    d = advise(without("creatinine_trend", oliguria_hours=20))
    assert (d.value, d.details["missing"]) == ("not_evaluable", ["creatinine_trend"])
    d = advise(without("creatinine_trend", oliguria_hours=10))
    assert (d.value, d.details["missing"]) == ("give", [])


def test_item10_oliguria_resume_needs_one_sign_of_recovery() -> None:
    rule = held("label.oliguria")
    # urine recovered; trend stable: only the size of the fall could still allow resuming
    d = advise(without("creatinine_fall_mg_dl", urine_ml_per_h=15, creatinine_trend="stable"),
               rule)
    assert (d.value, d.details["missing"]) == ("not_evaluable", ["creatinine_fall_mg_dl"])
    # creatinine known to be falling: resumes whatever the size of the fall
    d = advise(without("creatinine_fall_mg_dl", urine_ml_per_h=15, creatinine_trend="falling"),
               rule)
    assert (d.value, d.details["missing"]) == ("give", [])
    # urine still <= 10 mL/h: held whatever the creatinine does
    d = advise(without("creatinine_fall_mg_dl", "creatinine_trend", urine_ml_per_h=10), rule)
    assert (d.value, d.details["missing"]) == ("hold", [])


def test_item10_a_hold_lists_only_what_could_make_it_a_stop() -> None:
    d = advise(without("spo2_pct", "sustained_vt", "atrial_fibrillation", sbp_mmhg=80))
    assert (d.value, d.details["missing"]) == ("hold", ["sustained_vt"])
    assert any(r.rule == "advice.missing_observations" and "stop permanently" in r.text
               for r in d.reasons)


def test_item10_rows_of_other_rule_sets_can_make_a_co_criterion_irrelevant() -> None:
    # with the consensus criteria, creatinine >= 3 mg/dL stops the cycle, so the label's
    # co-criteria (which matter only from 4 mg/dL) cannot change the advice
    d = advise(without("creatinine", "acidosis"), rulesets=("label", "dutcher2014"))
    assert (d.value, d.details["missing"]) == ("not_evaluable", ["creatinine"])
    d = advise(without("creatinine", "acidosis"))
    assert (d.value, d.details["missing"]) == ("not_evaluable", ["acidosis", "creatinine"])


def test_item10_a_known_field_is_never_missing() -> None:
    d = advise(without("acidosis", "heart_rate_bpm", creatinine="4.2 mg/dL"),
               rulesets=("label", "dutcher2014"))
    # creatinine 4.2 >= 3: the consensus stops the cycle; nothing unknown can change that
    # except a permanent stop, and neither unknown field can cause one
    assert (d.value, d.details["missing"]) == ("stop_cycle", [])


T, F_, U = True, False, None


@pytest.mark.parametrize(("a", "b", "and_", "or_"), [
    (T, T, T, T), (T, F_, F_, T), (T, U, U, T),
    (F_, T, F_, T), (F_, F_, F_, F_), (F_, U, F_, U),
    (U, T, U, T), (U, F_, F_, U), (U, U, U, U),
])
def test_kleene_strong_tables(a: bool | None, b: bool | None, and_: bool | None,
                              or_: bool | None) -> None:
    assert k_and([a, b]) is and_
    assert k_or([a, b]) is or_


def test_kleene_negation() -> None:
    assert (k_not(True), k_not(False), k_not(None)) == (False, True, None)


def test_cells_one_value_per_class() -> None:
    f = Fraction
    assert cells([f(90)], f(0), f(100)) == (f(89), f(90), f(91))
    assert cells([f(4), f("4.5")]) == (f(3), f(4), f("4.25"), f("4.5"), f("5.5"))
    assert cells([f(0), f(72)], f(0)) == (f(0), f(36), f(72), f(73))
    assert cells([f("0.5")], f(0)) == (f(0), f("0.5"), f("1.5"))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_kleene_is_exact_on_every_rule(data: st.DataObject) -> None:
    """On these tables Kleene's value is the value every completion agrees on (no row is a
    tautology in disguise), so "not evaluated" means both outcomes are still possible."""
    rule = data.draw(st.sampled_from(ALL_RULES))
    cond = data.draw(st.sampled_from([c for c in (rule.when, rule.still_held) if c]))
    fields = sorted(cond.fields())
    env = {f: data.draw(st.one_of(st.none(), st.sampled_from(DOMAINS[f]))) for f in fields}
    unknown = [f for f in fields if env[f] is None]
    truths = set()
    for combo in itertools.product(*(DOMAINS[f] for f in unknown)):
        truths.add(bool(cond.truth({**env, **dict(zip(unknown, combo, strict=True))})))
    expected = truths.pop() if len(truths) == 1 else None
    assert cond.truth(env) is expected
