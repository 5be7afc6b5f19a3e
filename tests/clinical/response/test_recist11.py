"""RECIST 1.1 time-point response: the overall table, the worked examples of the clinical
reference (§4.3) and boundary tests at, below and above every threshold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hdil2.clinical.response import AssessmentRequest, assess
from hdil2.clinical.response.recist11 import (
    OVERALL_TABLE,
    is_target_pd,
    overall_response,
    overall_row,
    target_response,
)
from hdil2.core.errors import InputError, InputErrors

D0 = dt.date(2024, 1, 1)


def les(lid: str, organ: str = "liver", kind: str = "target", node: bool = False,
        **kw: Any) -> dict[str, Any]:
    return {"id": lid, "organ": organ, "kind": kind, "is_lymph_node": node, **kw}


def meas(x: Any) -> dict[str, Any]:
    """Shorthand: a number = measured diameter; a string = status; a dict as is."""
    if isinstance(x, dict):
        return x
    if isinstance(x, str) and not x[0].isdigit():
        return {"status": x}
    return {"ld_mm": str(x)}


def node(sa: Any) -> dict[str, Any]:
    return {"sa_mm": str(sa)}


def request(lesions: list[dict[str, Any]], visits: list[tuple[int, dict[str, Any]]],
            new: dict[int, list[dict[str, Any]]] | None = None, **extra: Any
            ) -> AssessmentRequest:
    new = new or {}
    return AssessmentRequest.model_validate({
        "start_date": D0,
        "lesions": lesions,
        "visits": [{"date": D0 + dt.timedelta(days=day),
                    "lesions": {k: meas(v) for k, v in ms.items()},
                    "new_lesions": new.get(i, [])}
                   for i, (day, ms) in enumerate(visits)],
        **extra,
    })


def overall(req: AssessmentRequest, **kw: Any) -> list[str]:
    return [tp.overall for tp in assess(req, **kw).timepoints]


# --- the overall-response table, row by row ---------------------------------------------------

TABLE_ROWS = [
    # target, non-target, new lesion, overall (RECIST 1.1 Table 1 and Table 2)
    ("CR", "CR", False, "CR"),
    ("CR", "NON-CR/NON-PD", False, "PR"),
    ("CR", "NE", False, "PR"),
    ("PR", "NON-CR/NON-PD", False, "PR"),
    ("PR", "NE", False, "PR"),
    ("PR", "CR", False, "PR"),
    ("SD", "NON-CR/NON-PD", False, "SD"),
    ("SD", "NE", False, "SD"),
    ("NE", "NON-CR/NON-PD", False, "NE"),
    ("NE", "CR", False, "NE"),
    ("PD", "CR", False, "PD"),
    ("PD", "NE", True, "PD"),
    ("CR", "PD", False, "PD"),
    ("SD", "PD", False, "PD"),
    ("CR", "CR", True, "PD"),
    ("SD", "NON-CR/NON-PD", True, "PD"),
    # no non-target lesions at baseline
    ("CR", "NA", False, "CR"),
    ("PR", "NA", False, "PR"),
    ("SD", "NA", False, "SD"),
    ("NE", "NA", False, "NE"),
    ("PD", "NA", False, "PD"),
    # non-target disease only (Table 2)
    ("NA", "CR", False, "CR"),
    ("NA", "NON-CR/NON-PD", False, "NON-CR/NON-PD"),
    ("NA", "NE", False, "NE"),
    ("NA", "PD", False, "PD"),
    ("NA", "NON-CR/NON-PD", True, "PD"),
]


@pytest.mark.parametrize(("target", "non_target", "new", "expected"), TABLE_ROWS)
def test_overall_table_row(target: str, non_target: str, new: bool, expected: str) -> None:
    assert overall_response(target, non_target, new) == expected


def test_every_table_row_is_reachable() -> None:
    used = {overall_row(t, n, new).rule for t, n, new, _ in TABLE_ROWS}
    assert used == {row.rule for row in OVERALL_TABLE}


def test_no_overall_without_any_lesion() -> None:
    with pytest.raises(ValueError, match=r"no RECIST 1\.1 overall"):
        overall_row("NA", "NA", False)


# the same rows end to end, from lesion data
def _patient(target_at_fu: Any, nt_at_fu: Any, new: bool) -> AssessmentRequest:
    return request(
        [les("T1"), les("T2", organ="lung"), les("N1", kind="non-target", organ="bone")],
        [(0, {"T1": 30, "T2": 20, "N1": "present"}),
         (56, {"T1": target_at_fu[0], "T2": target_at_fu[1], "N1": nt_at_fu})],
        new={1: [{"id": "X1", "organ": "brain"}]} if new else None)


@pytest.mark.parametrize(("t", "nt", "new", "expected"), [
    ((0, 0), "absent", False, "CR"),
    ((0, 0), "present", False, "PR"),
    ((0, 0), "not_evaluated", False, "PR"),
    ((20, 15), "present", False, "PR"),  # 35 ≤ 0.7 × 50
    ((20, 15), "not_evaluated", False, "PR"),
    ((30, 18), "present", False, "SD"),
    ((30, 18), "not_evaluated", False, "SD"),
    ((30, "not_evaluated"), "present", False, "NE"),
    ((40, 21), "present", False, "PD"),  # 61 ≥ 1.2 × 50 and +11 mm
    ((0, 0), "unequivocal_progression", False, "PD"),
    ((0, 0), "absent", True, "PD"),
])
def test_overall_rows_from_lesions(t: tuple[Any, Any], nt: str, new: bool, expected: str) -> None:
    assert overall(_patient(t, nt, new)) == [expected]


# --- worked examples of reference §4.3 ---------------------------------------------------------

def test_worked_example_1_sequence() -> None:
    req = request(
        [les("L1"), les("L2", organ="lung"), les("N1", organ="node", node=True)],
        [(0, {"L1": 40, "L2": 25, "N1": node(18)}),
         (42, {"L1": 30, "L2": 18, "N1": node(12)}),
         (84, {"L1": 25, "L2": 15, "N1": node(9)}),
         (126, {"L1": 28, "L2": 18, "N1": node(10)}),
         (168, {"L1": 32, "L2": 20, "N1": node(11)})])
    a = assess(req)
    assert [tp.burden_mm for tp in a.timepoints] == [60, 49, 56, 63]
    # The reference prints FU3 (56 mm) as "SD"; 56 mm is −32.5 % from baseline (≤ 58.1 mm), so
    # RECIST 1.1 gives PR: "neither sufficient shrinkage (compared to baseline) to qualify for
    # PR nor ..." defines SD (RECIST FAQ, 'The definition of SD: a clarification').  We follow
    # the guideline; the reference's FU3 label is reported as an inconsistency.
    assert [tp.overall for tp in a.timepoints] == ["SD", "PR", "PR", "PD"]
    assert a.timepoints[0].change_from_baseline_pct == Decimal("-27.7")
    assert a.timepoints[1].change_from_baseline_pct == Decimal("-41.0")
    assert a.timepoints[2].change_from_nadir_pct == Decimal("14.3")
    assert a.timepoints[3].change_from_nadir_pct == Decimal("28.6")
    assert a.bor_unconfirmed.value == "PR"
    assert a.dates_unconfirmed.progression_date == D0 + dt.timedelta(days=168)


def test_faq_continued_pr_from_nadir() -> None:
    # RECIST FAQ: baseline 165 mm, 63 mm at week 8, 65 mm at week 16 → continued PR
    req = request([les("T1"), les("T2", organ="lung")],
                  [(0, {"T1": 100, "T2": 65}), (56, {"T1": 40, "T2": 23}),
                   (112, {"T1": 41, "T2": 24})])
    assert overall(req) == ["PR", "PR"]


@pytest.mark.parametrize(("now", "expected"), [("19", "SD"), ("20", "PD"), ("19.9", "SD")])
def test_worked_example_2_five_mm_rule(now: str, expected: str) -> None:
    # nadir 15 mm: 19 mm = +26.7 % but +4 mm → SD; 20 mm = +33 % and +5 mm → PD
    req = request([les("T1")], [(0, {"T1": 25}), (42, {"T1": 15}), (84, {"T1": now})])
    assert overall(req) == ["PR", expected]


@pytest.mark.parametrize(("now", "expected"), [("70", "PR"), ("69.9", "PR"), ("70.1", "SD"),
                                               ("71", "SD")])
def test_worked_example_3_thirty_percent_exact(now: str, expected: str) -> None:
    req = request([les("T1"), les("T2", organ="lung")],
                  [(0, {"T1": 60, "T2": 40}), (42, {"T1": now, "T2": 0})])
    assert overall(req) == [expected]


def test_thirty_percent_is_exact_where_floats_fail() -> None:
    # 0.7 × 33.3 = 23.31 exactly; in binary floats 0.7 * 33.3 = 23.309999999999995
    assert 0.7 * 33.3 < 23.31
    req = request([les("T1")], [(0, {"T1": "33.3"}), (42, {"T1": "23.31"})])
    assert overall(req) == ["PR"]


def test_worked_example_4_nodal_cr() -> None:
    req = request([les("L1"), les("N1", organ="node", node=True)],
                  [(0, {"L1": 30, "N1": node(20)}), (42, {"L1": 0, "N1": node(8)})])
    tp = assess(req).timepoints[0]
    assert (tp.target, tp.overall, tp.burden_mm) == ("CR", "CR", 8)


@pytest.mark.parametrize(("sa", "expected"), [("9.9", "CR"), ("10", "PR"), ("10.1", "PR")])
def test_node_short_axis_cr_boundary(sa: str, expected: str) -> None:
    req = request([les("L1"), les("N1", organ="node", node=True)],
                  [(0, {"L1": 30, "N1": node(20)}), (42, {"L1": 0, "N1": node(sa)})])
    assert overall(req) == [expected]


@pytest.mark.parametrize(("measured", "expected"), [((40, 40), "PD"), ((20, 20), "NE")])
def test_worked_example_5_missing_lesion(measured: tuple[int, int], expected: str) -> None:
    req = request([les("T1"), les("T2", organ="lung"), les("T3", organ="bone")],
                  [(0, {"T1": 20, "T2": 15, "T3": 15}),
                   (42, {"T1": measured[0], "T2": measured[1], "T3": "not_evaluated"})])
    tp = assess(req).timepoints[0]
    assert tp.overall == expected
    assert tp.burden_mm is None
    if expected == "NE":
        assert any("visits[1].lesions.T3" in r.text for r in tp.reasons)


def test_missing_measurement_record_is_not_evaluated() -> None:
    req = request([les("T1"), les("T2", organ="lung")],
                  [(0, {"T1": 20, "T2": 15}), (42, {"T1": 10})])
    assert overall(req) == ["NE"]


def test_pd_precedes_pr() -> None:
    # baseline 100, nadir 50, now 65: −35 % vs baseline but +30 % and +15 mm vs nadir
    req = request([les("T1")], [(0, {"T1": 100}), (42, {"T1": 50}), (84, {"T1": 65})])
    assert overall(req) == ["PR", "PD"]


@pytest.mark.parametrize(("nadir", "now", "pd"), [
    ("25", "30", True),  # +20 % and +5 mm: both at the threshold
    ("25", "29.9", False),  # +19.6 %, +4.9 mm
    ("30", "35", False),  # +16.7 % though +5 mm
    ("30", "36", True),  # +20 % exactly and +6 mm
    ("10", "14.9", False),  # +49 % but +4.9 mm
    ("10", "15", True),
    ("0", "5", True),  # from a nadir of 0 mm: +5 mm
    ("0", "4.9", False),
])
def test_pd_kernel_boundaries(nadir: str, now: str, pd: bool) -> None:
    assert is_target_pd(Decimal(now), Decimal(nadir)) is pd


@pytest.mark.parametrize(("total", "expected"), [("70", "PR"), ("70.01", "SD"), ("69.99", "PR")])
def test_target_kernel_pr_boundary(total: str, expected: str) -> None:
    assert target_response(Decimal(total), Decimal(100), Decimal(100), False) == expected


# --- too small to measure, split and merged lesions -------------------------------------------

def test_too_small_counts_five_mm_and_is_not_cr() -> None:
    req = request([les("T1"), les("T2", organ="lung")],
                  [(0, {"T1": 20, "T2": 15}), (42, {"T1": "too_small", "T2": 0})])
    tp = assess(req).timepoints[0]
    assert (tp.burden_mm, tp.target, tp.overall) == (5, "PR", "PR")


def test_too_small_five_mm_enters_the_nadir_and_the_5mm_rule() -> None:
    # nadir 5 (too small) + 10 = 15 mm; then 5 + 14 = 19 (+4 mm: PR still); 5 + 15 = 20 → PD
    req = request([les("T1"), les("T2", organ="lung")],
                  [(0, {"T1": 20, "T2": 30}), (42, {"T1": "too_small", "T2": 10}),
                   (84, {"T1": "too_small", "T2": 14}), (126, {"T1": "too_small", "T2": 15})])
    assert overall(req) == ["PR", "PR", "PD"]


@pytest.mark.parametrize(("measured", "expected_sum"), [("4", 4), ("5", 5), ("6", 6)])
def test_measured_below_five_mm_is_used_as_measured(measured: str, expected_sum: int) -> None:
    # "if it is measurable, record the measurement" (RECIST FAQ): no rounding up to 5 mm
    req = request([les("T1")], [(0, {"T1": 20}), (42, {"T1": measured})])
    assert assess(req).timepoints[0].burden_mm == expected_sum


def test_split_lesion_sums_fragments() -> None:
    req = request([les("T1")], [(0, {"T1": 40}),
                                (42, {"T1": {"fragments": [{"ld_mm": 15}, {"ld_mm": 14}]}})])
    tp = assess(req).timepoints[0]
    assert (tp.burden_mm, tp.overall) == (29, "SD")


def test_merged_lesions_count_on_the_merged_mass() -> None:
    req = request([les("T1"), les("T2")],
                  [(0, {"T1": 20, "T2": 20}),
                   (42, {"T1": 30, "T2": {"status": "merged", "merged_into": "T1"}})])
    tp = assess(req).timepoints[0]
    assert (tp.burden_mm, tp.overall) == (30, "SD")


def test_merged_into_must_be_measured() -> None:
    with pytest.raises(InputErrors) as e:
        assess(request([les("T1"), les("T2")],
                       [(0, {"T1": 20, "T2": 20}),
                        (42, {"T1": "not_evaluated",
                              "T2": {"status": "merged", "merged_into": "T1"}})]))
    assert e.value.errors[0].field == "visits[1].lesions.T2.merged_into"


# --- new lesions and reappearance after CR ------------------------------------------------------

def test_new_lesion_is_pd_even_with_shrinking_targets() -> None:
    req = request([les("T1")], [(0, {"T1": 40}), (42, {"T1": 10})],
                  new={1: [{"id": "X1", "organ": "brain", "ld_mm": 3}]})
    tp = assess(req).timepoints[0]
    assert (tp.target, tp.new_lesions, tp.overall) == ("PR", True, "PD")


def test_equivocal_new_lesion_then_confirmed_dates_pd_back() -> None:
    req = request([les("T1")], [(0, {"T1": 40}), (42, {"T1": 20}), (84, {"T1": 19})],
                  new={1: [{"id": "X1", "equivocal": True}], 2: [{"id": "X1"}]})
    a = assess(req)
    assert [tp.overall for tp in a.timepoints] == ["PD", "PD"]
    assert a.dates_unconfirmed.progression_date == D0 + dt.timedelta(days=42)
    assert "recist1.1.new_lesion.equivocal_confirmed" in [r.rule for r in a.timepoints[0].reasons]


def test_equivocal_new_lesion_never_confirmed_is_not_pd() -> None:
    req = request([les("T1")], [(0, {"T1": 40}), (42, {"T1": 20}), (84, {"T1": 19})],
                  new={1: [{"id": "X1", "equivocal": True}], 2: [{"id": "X1", "status": "absent"}]})
    assert overall(req) == ["PR", "PR"]


def _cr_then(reappear: str, **kw: Any) -> list[str]:
    req = request([les("T1"), les("T2", organ="lung"), les("T3", organ="bone")],
                  [(0, {"T1": "19.57", "T2": "20.37", "T3": "19.6"}),
                   (21, {"T1": "14.55", "T2": "13.72", "T3": "12.87"}),
                   (42, {"T1": 0, "T2": 0, "T3": 0}),
                   (63, {"T1": reappear, "T2": 0, "T3": 0})], **kw)
    return overall(req)


def test_reappearance_after_cr_is_pd_by_default() -> None:
    # pharmaversesdtm 01-701-1133, radiologist 2: a lesion reappears at 4.95 mm after a CR
    assert _cr_then("4.95") == ["PR", "CR", "PD"]
    assert _cr_then("too_small") == ["PR", "CR", "PD"]


def test_reappearance_policy_sum_rules_matches_the_peer_script() -> None:
    # the package's own script calls it PR (4.95 mm ≤ 70 % of baseline, < 5 mm over nadir 0)
    assert _cr_then("4.95", policies={"reappearance_after_cr": "sum_rules"}) == ["PR", "CR", "PR"]
    # at 5 mm the 5 mm rule makes it PD under either reading
    assert _cr_then("5", policies={"reappearance_after_cr": "sum_rules"}) == ["PR", "CR", "PD"]


def test_non_target_reappearing_after_cr_is_pd() -> None:
    req = request([les("N1", kind="non-target")],
                  [(0, {"N1": "present"}), (42, {"N1": "absent"}), (84, {"N1": "present"})])
    assert overall(req) == ["CR", "PD"]


def test_tumour_markers_above_uln_block_non_target_cr() -> None:
    req = AssessmentRequest.model_validate({
        "start_date": D0, "lesions": [les("N1", kind="non-target")],
        "visits": [{"date": D0, "lesions": {"N1": {"status": "present"}}},
                   {"date": D0 + dt.timedelta(days=42), "lesions": {"N1": {"status": "absent"}},
                    "tumour_markers": "above_uln"}]})
    assert overall(req) == ["NON-CR/NON-PD"]


def test_nodal_non_target_below_10mm_counts_as_gone() -> None:
    # RECIST FAQ 'Abnormal lymph node': a non-target node has reappeared only if it progressed
    # unequivocally; back at 10 mm after an overall CR it is NON-CR/NON-PD, not PD
    req = request([les("N1", kind="non-target", node=True)],
                  [(0, {"N1": node(12)}), (42, {"N1": node("9.9")}), (84, {"N1": node(10)}),
                   (126, {"N1": "unequivocal_progression"})])
    assert overall(req) == ["CR", "NON-CR/NON-PD", "PD"]


def test_target_node_reappears_at_10mm_after_cr() -> None:
    req = request([les("N1", organ="node", node=True)],
                  [(0, {"N1": node(20)}), (42, {"N1": node(9)}), (84, {"N1": node("9.9")}),
                   (126, {"N1": node(10)})])
    assert overall(req) == ["CR", "CR", "PD"]  # 10 mm: +1 mm only, PD by reappearance


# --- baseline validation ---------------------------------------------------------------------

def _fields(exc: InputErrors) -> list[str]:
    return [e.field for e in exc.errors]


@pytest.mark.parametrize(("ld", "ok"), [("9.9", False), ("10", True)])
def test_measurability_ct_10mm(ld: str, ok: bool) -> None:
    req = request([les("T1")], [(0, {"T1": ld}), (42, {"T1": ld})])
    if ok:
        assess(req)
    else:
        with pytest.raises(InputErrors) as e:
            assess(req)
        assert _fields(e.value) == ["visits[0].lesions.T1.ld_mm"]


@pytest.mark.parametrize(("method", "slice_mm", "ld", "ok"), [
    ("xray", None, "19.9", False), ("xray", None, "20", True),
    ("ct", "8", "15.9", False), ("ct", "8", "16", True),  # 2 × slice thickness
    ("ct", "5", "10", True), ("caliper", None, "10", True),
])
def test_measurability_by_method(method: str, slice_mm: str | None, ld: str, ok: bool) -> None:
    extra = {"method": method} | ({"slice_mm": slice_mm} if slice_mm else {})
    req = request([les("T1", **extra)], [(0, {"T1": ld})])
    if ok:
        assess(req)
    else:
        with pytest.raises(InputErrors):
            assess(req)


@pytest.mark.parametrize(("sa", "ok"), [("14.9", False), ("15", True)])
def test_nodal_target_needs_15mm_short_axis(sa: str, ok: bool) -> None:
    req = request([les("N1", organ="node", node=True)], [(0, {"N1": node(sa)})])
    if ok:
        assess(req)
    else:
        with pytest.raises(InputErrors) as e:
            assess(req)
        assert _fields(e.value) == ["visits[0].lesions.N1.sa_mm"]


def test_normal_node_is_not_a_non_target_lesion() -> None:
    with pytest.raises(InputErrors):
        assess(request([les("N1", kind="non-target", node=True)], [(0, {"N1": node("9.9")})]))
    assess(request([les("N1", kind="non-target", node=True)], [(0, {"N1": node(10)})]))


def test_at_most_five_targets_and_two_per_organ() -> None:
    five = [les(f"T{i}", organ=o) for i, o in enumerate(["liver", "liver", "lung", "lung", "bone"])]
    base = {f"T{i}": 20 for i in range(5)}
    assess(request(five, [(0, base)]))
    six = [*five, les("T5", organ="skin")]
    with pytest.raises(InputErrors, match="at most 5"):
        assess(request(six, [(0, {**base, "T5": 20})]))
    three_liver = [les("T0"), les("T1"), les("T2")]
    with pytest.raises(InputErrors, match="organ 'liver'"):
        assess(request(three_liver, [(0, {"T0": 20, "T1": 20, "T2": 20})]))


def test_nodes_count_as_one_organ_by_policy() -> None:
    nodes = [les("N1", organ="neck", node=True), les("N2", organ="axilla", node=True),
             les("N3", organ="groin", node=True)]
    visits = [(0, {"N1": node(20), "N2": node(20), "N3": node(20)})]
    with pytest.raises(InputErrors, match="organ 'lymph node'"):
        assess(request(nodes, visits))
    assess(request(nodes, visits, policies={"nodes_one_organ": False}))


def test_structure_errors_name_fields() -> None:
    with pytest.raises(InputErrors) as e:
        assess(AssessmentRequest.model_validate({
            "start_date": D0,
            "lesions": [les("T1"), les("T1", organ="lung"), les("N1", kind="non-target")],
            "visits": [{"date": D0, "lesions": {"T1": {"ld_mm": 20}}},
                       {"date": D0, "lesions": {"T1": {"status": "present"}, "Z9": {"ld_mm": 3}},
                        "new_lesions": [{"id": "T1"}]}]}))
    assert set(_fields(e.value)) >= {"lesions[1].id", "visits[1].date", "visits[0].lesions.N1",
                                     "visits[1].new_lesions[0].id", "visits[1].lesions.T1.status",
                                     "visits[1].lesions.Z9"}


@pytest.mark.parametrize("bad", ["-1", "1000.1", "abc", True])
def test_implausible_diameter_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match="ld_mm"):
        request([les("T1")], [(0, {"T1": {"ld_mm": bad}})])


def test_unknown_policy_refused() -> None:
    with pytest.raises(InputError) as e:
        assess(request([les("T1")], [(0, {"T1": 20})], policies={"nope": 1}))
    assert e.value.field == "policy.nope"


def test_reasons_cite_known_sources_and_policies() -> None:
    a = assess(request([les("T1")], [(0, {"T1": 20}), (42, {"T1": 10})]))
    rules = [r.rule for r in a.reasons]
    assert "policy.reappearance_after_cr" in rules
    assert "recist1.1.baseline.method_not_given" in rules
    assert "bor.min_sd_days" in rules
    assert [r.rule for r in a.timepoints[0].reasons] == ["recist1.1.target.pr",
                                                         "recist1.1.overall.pr"]


@pytest.mark.parametrize(("measured", "expected"), [("30", "PD"), ("29.9", "NE")])
def test_ne_visit_boundary_partial_sum_proves_pd(measured: str, expected: str) -> None:
    # nadir 25 mm; a target not evaluated; the measured one alone at 30 mm is +20 % and +5 mm
    req = request([les("T1"), les("T2", organ="lung")],
                  [(0, {"T1": 20, "T2": 20}), (42, {"T1": 15, "T2": 10}),
                   (84, {"T1": measured, "T2": "not_evaluated"})])
    assert overall(req) == ["PR", expected]  # 25 mm ≤ 70 % of 40 mm: PR first


@pytest.mark.parametrize(("new", "expected"), [
    ({"id": "X1", "ld_mm": "0.5"}, "PD"),  # any unequivocal new lesion, however small
    ({"id": "X1", "status": "absent"}, "PR"),
    ({"id": "X1", "status": "not_evaluated"}, "PR"),
    ({"id": "X1", "equivocal": True}, "PR"),
])
def test_new_lesion_boundary(new: dict[str, Any], expected: str) -> None:
    req = request([les("T1")], [(0, {"T1": 40}), (42, {"T1": 20})], new={1: [new]})
    assert overall(req) == [expected]


def test_measurement_conventions_are_explained() -> None:
    req = request([les("T1"), les("T2"), les("T3", organ="lung")],
                  [(0, {"T1": 20, "T2": 20, "T3": 20}),
                   (42, {"T1": 30, "T2": {"status": "merged", "merged_into": "T1"},
                         "T3": "too_small"}),
                   (84, {"T1": {"fragments": [{"ld_mm": 10}, {"ld_mm": 9}]}, "T2": "absent",
                         "T3": "too_small"})])
    a = assess(req)
    assert [tp.burden_mm for tp in a.timepoints] == [35, 24]
    rules = [[r.rule for r in tp.reasons] for tp in a.timepoints]
    assert {"recist1.1.merged_lesions", "recist1.1.too_small_5mm"} <= set(rules[0])
    assert {"recist1.1.split_lesion", "recist1.1.too_small_5mm"} <= set(rules[1])
