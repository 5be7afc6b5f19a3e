"""Issue 11 item 7: EORTC QLQ-C30 version 3.0 scored as the EORTC scoring manual defines it.

The oracle is the EORTC QLQ-C30 Scoring Manual, 3rd edition (Fayers et al. 2001,
`eortc-qlq-c30-manual`):

* its Table 1 (scales of version 3.0: code, number of items, item range, item numbers), written
  out below as the manual prints it, not read back from hdil2;
* its technical summary: RS = (I1 + I2 + ... + In)/n; functional scales
  S = {1 - (RS - 1)/range} x 100; symptom scales/items and global health status
  S = {(RS - 1)/range} x 100;
* its worked examples, emotional functioning RS = (Q21 + Q22 + Q23 + Q24)/4,
  EF = {1 - (RS - 1)/3} x 100, and fatigue RS = (Q10 + Q12 + Q18)/3, FA = {(RS - 1)/3} x 100
  (the expected numbers below are that arithmetic done by hand);
* its missing-items rule: "if at least half of the items from the scale have been answered,
  assume that the missing items have values equal to the average of those items which are
  present"; otherwise the scale is missing.  The EORTC's own SAS macro (Van Steen and Curran
  1998) and the R package QoLR (scoring.QLQC30) implement it as "answered x 2 >= items".
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.strategies_outcomes import qlq_c30
from hdil2 import app
from hdil2.clinical.outcomes import SCALES, QlqC30SeriesRequest, score_answers, score_scale
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable

DATA = Path(__file__).parent / "data"

# Table 1 of the manual for version 3.0, as printed:
# (code, number of items, item range, version 3.0 item numbers, kind)
MANUAL_TABLE_1 = [
    ("QL2", 2, 6, (29, 30), "global"),
    ("PF2", 5, 3, (1, 2, 3, 4, 5), "functional"),
    ("RF2", 2, 3, (6, 7), "functional"),
    ("EF", 4, 3, (21, 22, 23, 24), "functional"),
    ("CF", 2, 3, (20, 25), "functional"),
    ("SF", 2, 3, (26, 27), "functional"),
    ("FA", 3, 3, (10, 12, 18), "symptom"),
    ("NV", 2, 3, (14, 15), "symptom"),
    ("PA", 2, 3, (9, 19), "symptom"),
    ("DY", 1, 3, (8,), "single_item"),
    ("SL", 1, 3, (11,), "single_item"),
    ("AP", 1, 3, (13,), "single_item"),
    ("CO", 1, 3, (16,), "single_item"),
    ("DI", 1, 3, (17,), "single_item"),
    ("FI", 1, 3, (28,), "single_item"),
]
FUNCTIONAL = {"PF2", "RF2", "EF", "CF", "SF"}
SYMPTOM = {"FA", "NV", "PA", "DY", "SL", "AP", "CO", "DI", "FI"}


def full(value_1_28: int | None = 1, value_29_30: int | None = 1, **items: int | None
         ) -> dict[int, int | None]:
    """All 30 answers by item number: items 1-28 and 29-30 set alike, then ``q<n>=`` ones."""
    out: dict[int, int | None] = {n: value_1_28 if n <= 28 else value_29_30
                                  for n in range(1, 31)}
    for key, v in items.items():
        out[int(key[1:])] = v
    return out


def scores(answers: dict[int, int | None]) -> dict[str, Decimal | None]:
    return {s.code: s.score for s in score_answers(answers)}


def doc(answers: dict[int, int | None], **extra: Any) -> dict[str, Any]:
    """A one-time-point ``qlq-c30`` request (JSON-shaped) from answers by item number."""
    point = {"date": "2024-01-08", "answers": {f"q{n}": v for n, v in answers.items()}}
    return {"assessments": [{**point, **extra}]}


# --- the manual's table and formulas --------------------------------------------------------

def test_item7_scales_are_the_manuals_table_1() -> None:
    got = [(s.code, len(s.items), s.item_range, s.items, s.kind) for s in SCALES]
    assert got == MANUAL_TABLE_1
    # every one of the 30 items belongs to exactly one scale
    assert sorted(n for s in SCALES for n in s.items) == list(range(1, 31))


def test_item7_manual_example_emotional_functioning() -> None:
    # Q21..Q24 = 2, 3, 1, 2: RS = 8/4 = 2; EF = {1 - (2 - 1)/3} x 100 = 200/3 = 66.67
    ef = next(s for s in score_answers(full(q21=2, q22=3, q23=1, q24=2)) if s.code == "EF")
    assert (ef.raw_score, ef.score, ef.score_exact) == (Decimal("2.0000"), Decimal("66.67"),
                                                        "200/3")
    # Q21..Q24 = 4, 3, 4, 4: RS = 15/4 = 3.75; EF = {1 - 2.75/3} x 100 = 25/3 = 8.33
    ef = next(s for s in score_answers(full(q21=4, q22=3, q23=4, q24=4)) if s.code == "EF")
    assert (ef.raw_score, ef.score, ef.score_exact) == (Decimal("3.7500"), Decimal("8.33"),
                                                        "25/3")


def test_item7_manual_example_fatigue() -> None:
    # Q10, Q12, Q18 = 2, 1, 2: RS = 5/3 = 1.6667; FA = {(5/3 - 1)/3} x 100 = 200/9 = 22.22
    fa = next(s for s in score_answers(full(q10=2, q12=1, q18=2)) if s.code == "FA")
    assert (fa.raw_score, fa.score, fa.score_exact) == (Decimal("1.6667"), Decimal("22.22"),
                                                        "200/9")
    # 3, 4, 4: RS = 11/3; FA = {(11/3 - 1)/3} x 100 = 800/9 = 88.89
    fa = next(s for s in score_answers(full(q10=3, q12=4, q18=4)) if s.code == "FA")
    assert (fa.score, fa.score_exact) == (Decimal("88.89"), "800/9")


def test_item7_global_health_status_uses_range_6() -> None:
    # Q29, Q30 = 5, 5: RS = 5; QL2 = {(5 - 1)/6} x 100 = 200/3 = 66.67
    assert scores(full(q29=5, q30=5))["QL2"] == Decimal("66.67")
    # 3, 4: RS = 3.5; QL2 = 2.5/6 x 100 = 125/3 = 41.67
    assert scores(full(q29=3, q30=4))["QL2"] == Decimal("41.67")
    # 6, 7: RS = 6.5; QL2 = 5.5/6 x 100 = 275/3 = 91.67
    assert scores(full(q29=6, q30=7))["QL2"] == Decimal("91.67")


def test_item7_single_items_take_four_values() -> None:
    # a single item: S = (answer - 1)/3 x 100: 0, 33.33, 66.67, 100
    got = [scores(full(q8=v))["DY"] for v in (1, 2, 3, 4)]
    assert got == [Decimal("0.00"), Decimal("33.33"), Decimal("66.67"), Decimal("100.00")]


def test_item7_extremes() -> None:
    best = scores(full(1, 1))     # no trouble, no symptom, global health "very poor"
    assert {c: best[c] for c in FUNCTIONAL} == dict.fromkeys(FUNCTIONAL, Decimal("100.00"))
    assert {c: best[c] for c in SYMPTOM} == dict.fromkeys(SYMPTOM, Decimal("0.00"))
    assert best["QL2"] == Decimal("0.00")
    worst = scores(full(4, 7))    # "very much" everywhere, global health "excellent"
    assert {c: worst[c] for c in FUNCTIONAL} == dict.fromkeys(FUNCTIONAL, Decimal("0.00"))
    assert {c: worst[c] for c in SYMPTOM} == dict.fromkeys(SYMPTOM, Decimal("100.00"))
    assert worst["QL2"] == Decimal("100.00")


# --- the half-items rule at its boundary ----------------------------------------------------

# (scale, answers of its items (None = not answered), expected score or None = missing);
# expected scores computed by hand from the manual's formulas over the items answered
HALF_ITEMS = [
    # PF2, 5 items: 3 answered is at least half -> scored; 2 answered -> missing
    # RS = (2 + 2 + 3)/3 = 7/3; PF2 = {1 - (7/3 - 1)/3} x 100 = (1 - 4/9) x 100 = 55.56
    ("PF2", {1: 2, 2: 2, 3: 3, 4: None, 5: None}, Decimal("55.56")),
    ("PF2", {1: 2, 2: 2, 3: None, 4: None, 5: None}, None),
    # EF, 4 items: 2 answered -> scored; 1 -> missing
    ("EF", {21: 3, 22: None, 23: 2, 24: None}, Decimal("50.00")),     # RS 2.5: (1-1.5/3)x100
    ("EF", {21: 3, 22: None, 23: None, 24: None}, None),
    # FA, 3 items: 2 answered -> scored; 1 -> missing
    ("FA", {10: 2, 12: None, 18: 4}, Decimal("66.67")),               # RS 3: 2/3 x 100
    ("FA", {10: 2, 12: None, 18: None}, None),
    # two-item scales: 1 answered -> scored; none -> missing
    ("RF2", {6: 2, 7: None}, Decimal("66.67")),                       # RS 2: (1-1/3)x100
    ("RF2", {6: None, 7: None}, None),
    ("CF", {20: None, 25: 4}, Decimal("0.00")),
    ("SF", {26: None, 27: 1}, Decimal("100.00")),
    ("NV", {14: 3, 15: None}, Decimal("66.67")),
    ("PA", {9: None, 19: 2}, Decimal("33.33")),
    ("QL2", {29: None, 30: 6}, Decimal("83.33")),                     # RS 6: 5/6 x 100
    ("QL2", {29: None, 30: None}, None),
    # single items: answered -> scored; not answered -> missing
    ("DY", {8: 3}, Decimal("66.67")),
    ("DY", {8: None}, None),
    ("FI", {28: None}, None),
]


@pytest.mark.parametrize(("code", "items", "expected"), HALF_ITEMS)
def test_item7_half_items_rule_at_its_boundary(code: str, items: dict[int, int | None],
                                               expected: Decimal | None) -> None:
    got = next(s for s in score_answers(full(**{f"q{n}": v for n, v in items.items()}))
               if s.code == code)
    assert got.score == expected
    assert got.missing is (expected is None)
    assert got.not_answered == tuple(n for n, v in items.items() if v is None)
    rules = {r.rule for r in got.reasons}
    if expected is None:
        assert got.raw_score is None
        assert got.score_exact is None
        assert rules <= {"eortc.qlq_c30.missing.half_items", "eortc.qlq_c30.missing.single_item"}
    elif got.not_answered:
        assert "eortc.qlq_c30.missing.half_items" in rules
    assert all(r.source == "eortc-qlq-c30-manual" for r in got.reasons)


# --- refused input --------------------------------------------------------------------------

@pytest.mark.parametrize(("item", "value"), [
    ("q1", 0), ("q12", 5), ("q28", 5), ("q28", -1), ("q29", 8), ("q30", 0), ("q29", 0),
    ("q12", 2.5), ("q12", 2.0), ("q12", True), ("q29", False), ("q12", "2"), ("q12", [2]),
])
def test_item7_out_of_range_answer_refused_naming_the_item(item: str, value: Any) -> None:
    d = doc(full(2, 4))
    d["assessments"][0]["answers"][item] = value
    with pytest.raises(InputError) as err:
        app.operation("qlq-c30")(d)
    assert err.value.field == f"assessments[0].answers.{item}"


def test_item7_answer_refused_in_the_second_time_point_names_its_index() -> None:
    d = doc(full(2, 4))
    d["assessments"].append({"date": "2024-02-19", "answers": {
        **d["assessments"][0]["answers"], "q12": 5}})
    with pytest.raises(InputError) as err:
        app.operation("qlq-c30")(d)
    assert err.value.field == "assessments[1].answers.q12"


def test_item7_absent_or_unknown_item_refused() -> None:
    d = doc(full(2, 4))
    del d["assessments"][0]["answers"]["q17"]
    with pytest.raises(InputError) as err:
        app.operation("qlq-c30")(d)
    assert err.value.field == "assessments[0].answers.q17"
    d = doc(full(2, 4))
    d["assessments"][0]["answers"]["q31"] = 2
    with pytest.raises(InputError) as err:
        app.operation("qlq-c30")(d)
    assert err.value.field == "assessments[0].answers.q31"


def test_item7_pure_function_refuses_like_the_request() -> None:
    with pytest.raises(InputError) as err:
        score_answers(full(q29=8))
    assert err.value.field == "answers.q29"
    with pytest.raises(InputError) as err:
        score_answers({**full(), 31: 1})
    assert err.value.field == "answers.q31"
    with pytest.raises(InputError) as err:
        score_scale(SCALES[1], {1: 1, 2: 1, 3: 1, 4: 1})  # PF2 without item 5
    assert err.value.field == "answers.q5"


@pytest.mark.parametrize("version", ["1.0", "2.0", "3", 3.0, 3, "3.0 ", None])
def test_item7_version_other_than_3_0_refused(version: Any) -> None:
    with pytest.raises(InputError) as err:
        app.operation("qlq-c30")(doc(full(2, 4), version=version))
    assert err.value.field == "assessments[0].version"


def test_item7_version_3_0_accepted_and_default() -> None:
    a = app.operation("qlq-c30")(doc(full(2, 4), version="3.0"))
    b = app.operation("qlq-c30")(doc(full(2, 4)))
    assert a.time_points[0].version == b.time_points[0].version == "3.0"


def test_item7_time_points_out_of_date_order_refused() -> None:
    d = doc(full(2, 4))
    d["assessments"].append({**d["assessments"][0], "date": "2024-01-07"})
    with pytest.raises(InputError) as err:
        app.operation("qlq-c30")(d)
    assert err.value.field == "assessments[1].date"


def test_item7_no_time_point_refused() -> None:
    with pytest.raises(InputError) as err:
        app.operation("qlq-c30")({"assessments": []})
    assert err.value.field == "assessments"


# --- the example series (also used by the CLI test) -------------------------------------------

def test_item7_example_series_by_hand() -> None:
    req = json.loads((DATA / "example_series.json").read_text(encoding="utf-8"))
    op = app.operation("qlq-c30")
    s = op(req)
    jsonschema.validate(jsonable(s), op.output_schema())
    # week 6, computed by hand from the manual's formulas:
    # PF2 items 1-3 = 3, 3, 2 (4, 5 blank): RS 8/3, {1 - (5/3)/3} x 100 = 400/9 = 44.44
    # QL2 = 3, 4: RS 3.5, 2.5/6 x 100 = 41.67; EF 21, 23 = 3, 2: RS 2.5 -> 50.00
    # FA only item 10 answered (1 of 3): missing; FI item 28 blank: missing
    week6 = s.table[1].scores
    assert (week6["PF2"], week6["QL2"], week6["EF"]) == (Decimal("44.44"), Decimal("41.67"),
                                                         Decimal("50.00"))
    assert week6["FA"] is None
    assert week6["FI"] is None
    assert [p.items_answered for p in s.time_points] == [30, 23]
    # baseline: PF2 2, 2, 1, 1, 1: RS 7/5, {1 - 0.4/3} x 100 = 260/3 = 86.67
    assert s.table[0].scores["PF2"] == Decimal("86.67")


# --- invariants (Hypothesis) ------------------------------------------------------------------

def answer_maps() -> st.SearchStrategy[dict[int, int | None]]:
    return st.fixed_dictionaries({
        n: st.one_of(st.none(), st.integers(1, 7 if n >= 29 else 4)) for n in range(1, 31)})


@settings(max_examples=200, deadline=None)
@given(answer_maps())
def test_item7_scores_in_0_100_and_exact_agrees(answers: dict[int, int | None]) -> None:
    for s in score_answers(answers):
        answered = [answers[n] for n in s.items if answers[n] is not None]
        assert s.missing is (2 * len(answered) < len(s.items))
        if s.missing:
            assert s.score is None
            continue
        assert s.score is not None
        assert s.exact is not None
        assert 0 <= s.exact <= 100
        assert abs(Fraction(s.score) - s.exact) <= Fraction(1, 200)


def _by_kind(code: str) -> str:
    return next(s.kind for s in SCALES if s.code == code)


@settings(max_examples=200, deadline=None)
@given(answer_maps(), st.integers(1, 30))
def test_item7_raising_an_answer_moves_each_kind_its_own_way(
        answers: dict[int, int | None], item: int) -> None:
    high = 7 if item >= 29 else 4
    before = answers[item]
    if before is None or before == high:
        answers[item] = 1 if before is None else high - 1
    lower = {s.code: s for s in score_answers(answers)}
    raised = {s.code: s for s in score_answers({**answers, item: answers[item] + 1})}  # type: ignore[operator]
    code = next(s.code for s in SCALES if item in s.items)
    lo, hi = lower[code].exact, raised[code].exact
    if lo is None:
        assert hi is None
        return
    assert hi is not None
    if _by_kind(code) == "functional":
        assert hi < lo     # more trouble: worse functioning
    else:
        assert hi > lo     # more symptom, or better global health
    # no other scale moves
    for c in lower:
        if c != code:
            assert lower[c].exact == raised[c].exact


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_item7_missing_items_equal_the_mean_of_those_present(data: st.DataObject) -> None:
    """The manual: assume the missing items equal the mean of those present.  So when that
    mean is a whole answer, filling the blanks with it never changes the score."""
    scale = data.draw(st.sampled_from([s for s in SCALES if len(s.items) > 1]))
    high = 7 if scale.code == "QL2" else 4
    blank = data.draw(st.lists(st.sampled_from(scale.items), unique=True,
                               max_size=len(scale.items) - scale.needed))
    present = [n for n in scale.items if n not in blank]
    mean = data.draw(st.integers(1, high))
    # answers of the present items with that mean: start from all = mean, then move pairs
    values = dict.fromkeys(present, mean)
    for _ in range(data.draw(st.integers(0, 4))):
        if len(present) < 2:
            break
        a, b = data.draw(st.lists(st.sampled_from(present), min_size=2, max_size=2,
                                  unique=True))
        if values[a] < high and values[b] > 1:
            values[a] += 1
            values[b] -= 1
    with_blanks = score_scale(scale, {**values, **dict.fromkeys(blank)})
    filled = score_scale(scale, {**values, **dict.fromkeys(blank, mean)})
    assert not with_blanks.missing
    assert with_blanks.exact == filled.exact
    assert with_blanks.score == filled.score


@settings(max_examples=50, deadline=None)
@given(qlq_c30())
def test_item7_time_points_kept_in_order(request: dict[str, Any]) -> None:
    series = QlqC30SeriesRequest.model_validate(request).series()
    want = [(dt.date.fromisoformat(a["date"]), a.get("label")) for a in request["assessments"]]
    assert [(p.date, p.label) for p in series.time_points] == want
    assert [(r.date, r.label) for r in series.table] == want
    for p, a in zip(series.time_points, request["assessments"], strict=True):
        assert p.items_answered == sum(v is not None for v in a["answers"].values())
        assert [s.code for s in p.scales] == [row[0] for row in MANUAL_TABLE_1]
