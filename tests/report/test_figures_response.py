"""The waterfall and spider figures draw the response engine's change from baseline.

The tumour rows are built by running hdil2's response engine (``assess``) on

* hand-written RECIST 1.1 cases whose per cent changes follow from RECIST's own arithmetic (the
  sum of the target lesions' longest diameters, RECIST 1.1 section 4.3.1: a sum of 100 mm that
  becomes 70 mm is -30.0 %, exactly the partial-response threshold);
* pharmaversesdtm's RECIST example cases (peer data, skipped when absent), whose target sums
  per visit are the package's own;
* the synthetic cohort of Lee et al. 2000 (``lee2000``, NCI bidimensional criteria) for the
  spider plot.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_hex

from hdil2.clinical.response import AssessmentRequest, assess
from hdil2.core.errors import InputError
from hdil2.report import style
from hdil2.report.data import CohortData, check_table, empty
from hdil2.report.figures.tumour import (
    best_change,
    spider_figure,
    spider_from,
    waterfall_figure,
    waterfall_from,
)
from peer_data import peer_path

START = dt.date(2024, 1, 8)


# --- the engine's rows ---------------------------------------------------------------------

def tumour_rows(patient: str, req: AssessmentRequest) -> list[dict[str, Any]]:
    """The tumour table's rows of one assessment, as the registry stores them: the baseline
    (visit 0, change 0) and every visit the engine assessed."""
    a = assess(req)
    base = req.visits[0]
    first = a.visits[0] if a.visits else None
    rows = [{"patient": patient, "criteria": a.criteria, "scanned_on": base.date,
             "day": (base.date - req.start_date).days, "visit": 0,
             "burden_mm": None if first is None or first.baseline_mm is None
             else float(first.baseline_mm),
             "change_pct": 0.0, "response": None}]
    for tp in a.visits:
        rows.append({"patient": patient, "criteria": a.criteria, "scanned_on": tp.date,
                     "day": tp.day, "visit": tp.index,
                     "burden_mm": None if tp.burden_mm is None else float(tp.burden_mm),
                     "change_pct": (None if tp.change_from_baseline_pct is None
                                    else float(tp.change_from_baseline_pct)),
                     "response": tp.overall})
    return rows


def recist_case(sizes: list[int | None], weeks: int = 8) -> AssessmentRequest:
    """One patient with two liver target lesions of 60 and 40 mm at baseline (sum 100 mm), the
    sum ``sizes[k]`` at visit k (split 60:40; 0 = both gone; None = not evaluated), every
    ``weeks`` weeks after the first dose; the baseline scan a week before it."""
    visits = [{"date": START - dt.timedelta(days=7),
               "lesions": {"T1": {"ld_mm": sizes[0] * 3 // 5}, "T2": {"ld_mm": sizes[0] * 2 // 5}}}]
    for k, s in enumerate(sizes[1:], start=1):
        if s is None:
            lesions: dict[str, Any] = {"T1": {"status": "not_evaluated"},
                                       "T2": {"status": "not_evaluated"}}
        elif s == 0:
            lesions = {"T1": {"status": "absent"}, "T2": {"status": "absent"}}
        else:
            lesions = {"T1": {"ld_mm": Decimal(s) * 3 / 5}, "T2": {"ld_mm": Decimal(s) * 2 / 5}}
        visits.append({"date": START + dt.timedelta(weeks=weeks * k), "lesions": lesions})
    return AssessmentRequest.model_validate({
        "criteria": "recist1.1", "start_date": START,
        "lesions": [{"id": "T1", "organ": "liver", "kind": "target", "method": "ct"},
                    {"id": "T2", "organ": "lung", "kind": "target", "method": "ct"}],
        "visits": visits})


#: hand cases: baseline sum 100 mm, later sums; the best change by RECIST's arithmetic
#: ((sum - 100) / 100, per cent), and the confirmed best overall response RECIST 1.1 gives
HAND: dict[str, tuple[list[int | None], float | None, str]] = {
    "H-PR": ([100, 70, 70], -30.0, "PR"),  # -30 % exactly: PR, confirmed 8 weeks later
    "H-PD": ([100, 120], 20.0, "PD"),  # +20 % and +20 mm over the nadir (the baseline): PD
    "H-SD": ([100, 90, 95], -10.0, "SD"),  # the best is the smaller sum, not the last
    "H-CR": ([100, 0, 0], -100.0, "CR"),  # every target gone twice: -100 %
    "H-NE": ([100, None, 95], -5.0, "SD"),  # the unevaluated visit has no change: skipped
    "H-UP": ([100, 150, 250], 50.0, "PD"),  # +150 % later: the best is +50 %, no clamping
    "H-BL": ([100], None, "NE"),  # baseline only: no bar
}


@pytest.fixture(scope="module")
def hand() -> tuple[pd.DataFrame, dict[str, str]]:
    rows, bor = [], {}
    for pid, (sizes, _, _) in HAND.items():
        req = recist_case(sizes)
        rows += tumour_rows(pid, req)
        bor[pid] = assess(req).bor_confirmed.value
    return pd.DataFrame(rows), bor


def bars(fig: Any) -> list[tuple[str, float, float, str]]:
    """(patient, x, height, colour) of every bar, left to right."""
    ax = fig.axes[0]
    out = [(p.get_gid().split(":", 1)[1], p.get_x() + p.get_width() / 2, p.get_height(),
            to_hex(p.get_facecolor())) for p in ax.patches
           if (p.get_gid() or "").startswith("bar:")]
    return sorted(out, key=lambda b: b[1])


def thresholds(fig: Any) -> dict[str, float]:
    return {ln.get_gid(): ln.get_ydata()[0] for ln in fig.axes[0].lines
            if (ln.get_gid() or "").startswith("threshold:")}


def cohort(tumour: pd.DataFrame, bor: dict[str, str | None]) -> CohortData:
    codes = sorted(set(tumour["patient"]) | set(bor))
    pts = pd.DataFrame({c: [None] * len(codes) for c in empty("patients").columns},
                       dtype=object)
    pts["patient"] = codes
    pts["best_response"] = [bor.get(c) for c in codes]
    return CohortData(patients=pts, tumour=tumour)


# --- hand cases ------------------------------------------------------------------------------

def test_hand_cases_follow_recist_arithmetic(hand: tuple[pd.DataFrame, dict[str, str]]) -> None:
    tumour, bor = hand
    for pid, (_, _, response) in HAND.items():
        assert bor[pid] == response, pid
    best = best_change(tumour)
    assert dict(zip(best["patient"], best["best_change_pct"], strict=True)) == {
        pid: exp for pid, (_, exp, _) in HAND.items() if exp is not None}


def test_waterfall_bars_equal_the_engine(hand: tuple[pd.DataFrame, dict[str, str]]) -> None:
    tumour, bor = hand
    fig = waterfall_from(cohort(tumour, bor))
    drawn = bars(fig)
    # one bar per patient with a post-baseline change, H-BL (baseline only) has none
    assert [b[0] for b in drawn] == ["H-UP", "H-PD", "H-NE", "H-SD", "H-PR", "H-CR"]
    assert [b[2] for b in drawn] == [50.0, 20.0, -5.0, -10.0, -30.0, -100.0]
    assert [b[3] for b in drawn] == [to_hex(style.RESPONSE_COLOURS[bor[b[0]]]) for b in drawn]
    assert to_hex(style.RESPONSE_COLOURS["PR"]) == drawn[4][3]
    # RECIST 1.1 section 4.3.1: PR at a 30 % decrease, PD at a 20 % increase
    assert thresholds(fig) == {"threshold:pd": 20.0, "threshold:pr": -30.0}
    # no clamping: the axis holds the largest bar
    lo, hi = fig.axes[0].get_ylim()
    assert lo < -100.0
    assert hi > 50.0


def test_nci_thresholds_are_25_and_50() -> None:
    # NCI (lee2000) and WHO (who1981): PR at a 50 % decrease of the sum of products, PD at a
    # 25 % increase
    for criteria in ("nci", "who"):
        fig = waterfall_figure(["A", "B"], [-60.0, 10.0], ["PR", "NR"], criteria=criteria)
        assert thresholds(fig) == {"threshold:pd": 25.0, "threshold:pr": -50.0}
    fig = waterfall_figure(["A"], [-60.0], criteria="irecist")
    assert thresholds(fig) == {"threshold:pd": 20.0, "threshold:pr": -30.0}


def test_ties_sorted_by_patient_code() -> None:
    fig = waterfall_figure(["B", "A", "C"], [-10.0, -10.0, 5.0])
    assert [b[0] for b in bars(fig)] == ["C", "A", "B"]


def test_waterfall_recist_image(hand: tuple[pd.DataFrame, dict[str, str]],
                                image_matches: Any) -> None:
    tumour, bor = hand
    image_matches(waterfall_from(cohort(tumour, bor)), "waterfall_recist")


# --- pharmaversesdtm's RECIST example --------------------------------------------------------

def _pharmaverse() -> list[dict[str, Any]]:
    data = peer_path("pharmaversesdtm")
    return json.loads((data / "cases.json").read_text(encoding="utf-8"), parse_float=Decimal)


def _request(case: dict[str, Any]) -> AssessmentRequest:
    return AssessmentRequest.model_validate({
        "start_date": case["visits"][0]["date"],
        "lesions": case["lesions"],
        "visits": [{"date": v["date"], "lesions": v["lesions"],
                    "new_lesions": v["new_lesions"]} for v in case["visits"]],
        "params": case["params"]})


def _pct(now: Decimal, ref: Decimal) -> float:
    return float(((now - ref) * 100 / ref).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_waterfall_of_pharmaverse_cases() -> None:
    cases = _pharmaverse()
    rows, bor, engine = [], {}, {}
    for case in cases:
        req = _request(case)
        a = assess(req)
        rows += tumour_rows(case["id"], req)
        bor[case["id"]] = a.bor_confirmed.value
        changes = [tp.change_from_baseline_pct for tp in a.visits
                   if tp.change_from_baseline_pct is not None]
        if changes:
            engine[case["id"]] = float(min(changes))
    fig = waterfall_from(cohort(pd.DataFrame(rows), bor))
    drawn = bars(fig)
    assert {b[0]: b[2] for b in drawn} == engine
    # subjects 01-701-1034 and 01-701-1097 (3 readers each) have no target lesion: no bar
    assert len(drawn) == len(engine) == 18
    assert not any("1034" in b[0] or "1097" in b[0] for b in drawn)
    heights = [b[2] for b in drawn]
    assert heights == sorted(heights, reverse=True)
    assert all(b[3] == to_hex(style.response_colour(bor[b[0]])) for b in drawn)
    # the peer's own target sums: the baseline sum of RECIST 1.1 (longest diameter, a node's
    # short axis) and the visits' sums of pharmaversesdtm give the same best change where every
    # visit with a sum carries the peer's expectation (visits after PD carry none)
    checked = 0
    for case in cases:
        targets = {les["id"]: les["is_lymph_node"] for les in case["lesions"]
                   if les["kind"] == "target"}
        base = case["visits"][0]["lesions"]
        if not targets or any("ld_mm" not in base[t] and "sa_mm" not in base[t]
                              for t in targets):
            continue
        base_sum = sum(Decimal(str(base[t]["sa_mm" if node else "ld_mm"]))
                       for t, node in targets.items())
        sums = [Decimal(v["target_sum_mm"]) for v in case["expected"]["visits"]
                if v.get("target_sum_mm")]
        n_engine = sum(1 for r in rows if r["patient"] == case["id"] and r["visit"] >= 1
                       and r["change_pct"] is not None)
        if sums and len(sums) == n_engine:
            assert {b[0]: b[2] for b in drawn}[case["id"]] == min(_pct(s, base_sum)
                                                                  for s in sums), case["id"]
            checked += 1
    assert checked >= 10


# --- spider ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lee2000() -> CohortData:
    """The first 24 patients of each disease of the synthetic lee2000 cohort, their scans
    assessed by the NCI criteria."""
    from hdil2.registry.synthetic import assessment_request, generate

    records = generate().records
    chosen = [r for r in records if r.patient.id[1:] <= "024"]
    rows, bor = [], {}
    for r in chosen:
        start = r.patient.first_dose.date()
        rows += tumour_rows(r.patient.id, assessment_request(
            r.patient.id, start, r.lesions, r.scans, r.measurements))
        bor[r.patient.id] = r.best_response
    return cohort(pd.DataFrame(rows), bor)


def test_spider_lines_equal_the_engine(lee2000: CohortData) -> None:
    tumour = lee2000.tumour
    fig = spider_from(lee2000)
    lines = {ln.get_gid().split(":", 1)[1]: ln for ln in fig.axes[0].lines
             if (ln.get_gid() or "").startswith("spider:")}
    assert set(lines) == set(best_change(tumour)["patient"])
    responses = dict(zip(lee2000.patients["patient"], lee2000.patients["best_response"],
                         strict=True))
    for pid, line in lines.items():
        mine = tumour[(tumour["patient"] == pid)
                      & ((tumour["visit"] == 0) | tumour["change_pct"].notna())]
        mine = mine.sort_values("visit")
        assert list(line.get_xdata()) == [d / 7 for d in mine["day"]]
        assert list(line.get_ydata()) == list(mine["change_pct"])
        assert to_hex(line.get_color()) == to_hex(style.response_colour(responses[pid]))
    assert thresholds(fig) == {"threshold:pd": 25.0, "threshold:pr": -50.0}


def test_spider_image(lee2000: CohortData, image_matches: Any) -> None:
    image_matches(spider_from(lee2000), "spider")


def test_spider_months() -> None:
    t = pd.DataFrame({"patient": ["A", "A"], "criteria": ["nci", "nci"], "day": [-3, 73],
                      "visit": [0, 1], "change_pct": [0.0, -55.0]})
    line = next(ln for ln in spider_figure(t, time_unit="months").axes[0].lines
                if ln.get_gid() == "spider:A")
    assert list(line.get_xdata()) == [-3 / (365.25 / 12), 73 / (365.25 / 12)]


def test_many_patients_draw_one_collection_per_response(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    # above DETAIL_MAX patients the bars (lines) of one response are one collection
    from hdil2.report.figures import tumour

    monkeypatch.setattr(tumour, "DETAIL_MAX", 3)
    fig = waterfall_figure(["A", "B", "C", "D"], [10.0, -40.0, 5.0, -80.0],
                           ["PD", "PR", "SD", "PR"])
    cols = {c.get_gid(): c for c in fig.axes[0].collections}
    assert set(cols) == {"bars:PR", "bars:SD", "bars:PD"}
    drawn = {gid: [(path.vertices[0][0] + 0.4, path.vertices[1][1]) for path in c.get_paths()]
             for gid, c in cols.items()}
    assert drawn == {"bars:PD": [(0.0, 10.0)], "bars:SD": [(1.0, 5.0)],
                     "bars:PR": [(2.0, -40.0), (3.0, -80.0)]}
    assert to_hex(cols["bars:PR"].get_facecolor()[0]) == to_hex(style.RESPONSE_COLOURS["PR"])
    t = pd.DataFrame({"patient": list("AABBCCDD"), "criteria": ["nci"] * 8,
                      "day": [-7, 70] * 4, "visit": [0, 1] * 4,
                      "change_pct": [0.0, 10.0, 0.0, -60.0, 0.0, 5.0, 0.0, -80.0]})
    fig = spider_figure(t, best_response={"A": "NR", "B": "PR", "C": "NR", "D": "CR"})
    cols = {c.get_gid(): c for c in fig.axes[0].collections}
    assert set(cols) == {"spider:CR", "spider:PR", "spider:NR"}
    assert [p.vertices.tolist() for p in cols["spider:NR"].get_paths()] == [
        [[-1.0, 0.0], [10.0, 10.0]], [[-1.0, 0.0], [10.0, 5.0]]]


# --- invariants ------------------------------------------------------------------------------

changes = st.one_of(st.none(), st.floats(-100, 500, allow_nan=False).map(lambda x: round(x, 1)))


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text("ABCDEFGH", min_size=1, max_size=3),
                       st.lists(changes, max_size=4), max_size=12))
def test_waterfall_one_bar_per_patient_sorted(visits: dict[str, list[float | None]]) -> None:
    rows = [{"patient": p, "visit": 0, "change_pct": 0.0} for p in visits]
    rows += [{"patient": p, "visit": k, "change_pct": c}
             for p, cs in visits.items() for k, c in enumerate(cs, start=1)]
    best = best_change(pd.DataFrame(rows, columns=["patient", "visit", "change_pct"]))
    with_change = {p for p, cs in visits.items() if any(c is not None for c in cs)}
    assert set(best["patient"]) == with_change
    if not with_change:
        return
    drawn = bars(waterfall_figure(best["patient"].tolist(), best["best_change_pct"].tolist()))
    assert len(drawn) == len(with_change)
    heights = [b[2] for b in drawn]
    assert heights == sorted(heights, reverse=True)
    for p, _, h, _ in drawn:
        assert h == min(c for c in visits[p] if c is not None)


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize(("call", "field"), [
    (lambda: waterfall_figure(["A"], [1.0], criteria="mrecist"), "criteria"),
    (lambda: waterfall_figure(["A", "B"], [1.0]), "best_change_pct"),
    (lambda: waterfall_figure(["A"], [float("nan")]), "best_change_pct[0]"),
    (lambda: waterfall_figure(["A"], [-120.0]), "best_change_pct[0]"),
    (lambda: waterfall_figure(["A", "A"], [1.0, 2.0]), "patients"),
    (lambda: waterfall_figure([], []), "patients"),
    (lambda: waterfall_figure(["A"], [1.0], ["XR"]), "best_response[0]"),
    (lambda: best_change(pd.DataFrame({"patient": ["A"], "visit": [1]})),
     "tumour.change_pct"),
    (lambda: best_change(pd.DataFrame({"patient": ["A"], "visit": [1],
                                       "change_pct": ["ten"]})), "tumour.change_pct[0]"),
    (lambda: spider_figure(pd.DataFrame({"patient": ["A"], "criteria": ["nci"], "day": [0],
                                         "visit": [0], "change_pct": [0.0]}),
                           time_unit="years"), "time_unit"),
])
def test_bad_input_names_the_field(call: Any, field: str) -> None:
    with pytest.raises(InputError) as e:
        call()
    assert e.value.field == field


def test_from_refuses_missing_or_mixed_tumour(hand: tuple[pd.DataFrame, dict[str, str]]
                                              ) -> None:
    tumour, bor = hand
    data = cohort(tumour, bor)
    with pytest.raises(InputError) as e:
        waterfall_from(CohortData(patients=data.patients))
    assert e.value.field == "tumour"
    assert "no rows to plot" in e.value.message
    mixed = tumour.copy()
    mixed.loc[mixed["patient"] == "H-PD", "criteria"] = "irecist"
    with pytest.raises(InputError) as e:
        waterfall_from(CohortData(patients=data.patients, tumour=mixed))
    assert e.value.field == "criteria"
    assert [b[0] for b in bars(waterfall_from(CohortData(patients=data.patients, tumour=mixed),
                                              criteria="irecist"))] == ["H-PD"]
    with pytest.raises(InputError) as e:
        spider_from(CohortData(patients=data.patients, tumour=mixed))
    assert e.value.field == "criteria"
    only_baseline = tumour[tumour["visit"] == 0]
    with pytest.raises(InputError) as e:
        waterfall_from(CohortData(patients=data.patients, tumour=only_baseline))
    assert (e.value.field, e.value.message[:15]) == ("tumour", "no rows to plot")
    stranger = data.patients[data.patients["patient"] != "H-PR"]
    with pytest.raises(InputError) as e:
        waterfall_from(CohortData(patients=stranger, tumour=tumour))
    assert (e.value.field, e.value.value) == ("tumour.patient", "H-PR")
    check_table("tumour", tumour)  # the rows built here are a valid tumour table
