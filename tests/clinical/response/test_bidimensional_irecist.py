"""WHO and NCI (lee2000) bidimensional criteria and iRECIST: the worked examples of the
clinical reference (§4.1, §4.2, §4.4) and boundary tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hdil2.clinical.response import AssessmentRequest, assess
from hdil2.core.errors import InputErrors

D0 = dt.date(2024, 1, 1)


def bi(ld: Any, perp: Any) -> dict[str, Any]:
    return {"ld_mm": str(ld), "perp_mm": str(perp)}


def request(lesions: list[dict[str, Any]], visits: list[tuple[int, dict[str, Any]]],
            new: dict[int, list[dict[str, Any]]] | None = None, **extra: Any
            ) -> AssessmentRequest:
    new = new or {}
    return AssessmentRequest.model_validate({
        "start_date": D0, "lesions": lesions,
        "visits": [{"date": D0 + dt.timedelta(days=d), "lesions": ms, "new_lesions": new.get(i, [])}
                   for i, (d, ms) in enumerate(visits)], **extra})


TWO = [{"id": "A", "organ": "liver", "kind": "target"},
       {"id": "B", "organ": "lung", "kind": "target"}]


def cats(req: AssessmentRequest, criteria: Any) -> list[str]:
    return [tp.overall for tp in assess(req, criteria).timepoints]


# --- NCI, lee2000 (reference §4.1) ---------------------------------------------------------

def test_nci_worked_example_pr_then_confirmed() -> None:
    # 30 × 20 + 20 × 15 = 900 mm²; 20 × 12 + 12 × 10 = 360 mm²: r = 0.60 → PR
    req = request(TWO, [(0, {"A": bi(30, 20), "B": bi(20, 15)}),
                        (60, {"A": bi(20, 12), "B": bi(12, 10)}),
                        (90, {"A": bi(20, 12), "B": bi(12, 10)})])
    a = assess(req, "nci")
    assert [tp.burden_mm for tp in a.timepoints] == [360, 360]
    assert [tp.overall for tp in a.timepoints] == ["PR", "PR"]
    assert a.bor_confirmed.value == "PR"  # ≥ 1 month later, still PR
    # the same PR seen once only is not a confirmed PR: it counts as MR
    once = request(TWO, [(0, {"A": bi(30, 20), "B": bi(20, 15)}),
                         (60, {"A": bi(20, 12), "B": bi(12, 10)})])
    assert assess(once, "nci").bor_confirmed.value == "MR"
    assert assess(once, "nci").bor_unconfirmed.value == "PR"


def test_nci_worked_example_mr() -> None:
    # SPD 550 mm² from 900: r = 0.389 → MR
    req = request(TWO, [(0, {"A": bi(30, 20), "B": bi(20, 15)}),
                        (60, {"A": bi(25, 16), "B": bi(15, 10)})])
    a = assess(req, "nci")
    assert a.timepoints[0].burden_mm == 550
    assert a.timepoints[0].overall == "MR"


@pytest.mark.parametrize(("a_prod", "expected"), [
    ((15, 10), "PR"),  # 150 + 300 = 450 = 50 % of 900 exactly
    ((151, 1), "MR"),  # 451: r just below 0.5
    ((375, 1), "MR"),  # 675 = 75 % of 900: r = 0.25 exactly
    ((376, 1), "NR"),  # r just below 0.25
])
def test_nci_thresholds_exact(a_prod: tuple[int, int], expected: str) -> None:
    req = request(TWO, [(0, {"A": bi(30, 20), "B": bi(20, 15)}),
                        (60, {"A": bi(*a_prod), "B": bi(20, 15)})])
    assert cats(req, "nci") == [expected]


def test_nci_new_lesion_is_never_mr() -> None:
    req = request(TWO, [(0, {"A": bi(30, 20), "B": bi(20, 15)}),
                        (60, {"A": bi(25, 16), "B": bi(15, 10)})],
                  new={1: [{"id": "X", "organ": "brain"}]})
    assert cats(req, "nci") == ["PD"]
    assert cats(req.model_copy(update={"policies": {"nci_pd_rule": "none"}}), "nci") == ["NR"]


# --- WHO (reference §4.2) ---------------------------------------------------------------------

def test_who_worked_example_growing_lesion_is_pd() -> None:
    # A 30 × 20 → 15 × 10 (600 → 150), B 20 × 15 → 20 × 19 (300 → 380): SPD −41 % but B +26.7 %
    req = request(TWO, [(0, {"A": bi(30, 20), "B": bi(20, 15)}),
                        (60, {"A": bi(15, 10), "B": bi(20, 19)})])
    assert cats(req, "who") == ["PD"]
    # under lee2000 it is not PR either (a growing lesion); with the default WHO PD rule: PD
    assert cats(req, "nci") == ["PD"]
    assert cats(req.model_copy(update={"policies": {"nci_pd_rule": "none"}}), "nci") == ["MR"]


@pytest.mark.parametrize(("b_after", "expected"), [((20, 18), "NC"), ((25, 15), "PD"),
                                                   ((24.9, 15), "NC")])
def test_who_25pct_lesion_boundary(b_after: tuple[Any, Any], expected: str) -> None:
    # B 300 mm² → 375 mm² is +25 % exactly: PD; 373.5 is not
    req = request(TWO, [(0, {"A": bi(30, 20), "B": bi(20, 15)}),
                        (60, {"A": bi(30, 20), "B": bi(*b_after)})])
    assert cats(req, "who") == [expected]


def test_who_reference_policy_lesion_nadir_vs_baseline() -> None:
    visits = [(0, {"A": bi(30, 20), "B": bi(20, 15)}), (60, {"A": bi(30, 20), "B": bi(10, 10)}),
              (120, {"A": bi(30, 20), "B": bi(13, 10)})]  # B: 300 → 100 → 130 (+30 % of nadir)
    assert cats(request(TWO, visits), "who") == ["NC", "PD"]
    base = request(TWO, visits, policies={"who_pd_reference": "lesion_baseline"})
    assert cats(base, "who") == ["NC", "NC"]


def test_who_cr_and_pr_need_four_weeks() -> None:
    req = request(TWO, [(0, {"A": bi(30, 20), "B": bi(20, 15)}),
                        (60, {"A": {"status": "absent"}, "B": {"status": "absent"}}),
                        (87, {"A": {"status": "absent"}, "B": {"status": "absent"}}),
                        (88, {"A": {"status": "absent"}, "B": {"status": "absent"}})])
    a = assess(req, "who")
    assert [tp.overall for tp in a.timepoints] == ["CR", "CR", "CR"]
    assert a.bor_confirmed.value == "CR"
    assert a.bor_confirmed.confirmation_date == D0 + dt.timedelta(days=88)


def test_bidimensional_needs_perpendicular() -> None:
    with pytest.raises(InputErrors) as e:
        assess(request(TWO, [(0, {"A": {"ld_mm": 30}, "B": bi(20, 15)})]), "who")
    assert e.value.errors[0].field == "visits[0].lesions.A.perp_mm"


def test_node_short_axis_stands_in_for_perpendicular() -> None:
    lesions = [{"id": "N", "organ": "node", "kind": "target", "is_lymph_node": True}]
    req = request(lesions, [(0, {"N": {"ld_mm": 30, "sa_mm": 20}}),
                            (60, {"N": {"ld_mm": 20, "sa_mm": 10}})])
    tp = assess(req, "who").timepoints[0]
    assert (tp.burden_mm, tp.overall) == (200, "PR")
    assert "who.node_short_axis" in [r.rule for r in tp.reasons]


# --- iRECIST (reference §4.4) ----------------------------------------------------------------

def _irecist(tp3: Any, tp4: Any, tp5: Any | None = None, day4: int = 161) -> list[str]:
    seq = [(0, {"T1": {"ld_mm": 50}}), (63, {"T1": {"ld_mm": 40}}), (126, {"T1": {"ld_mm": tp3}}),
           (day4, {"T1": {"ld_mm": tp4}})]
    if tp5 is not None:
        seq.append((day4 + 35, {"T1": {"ld_mm": tp5}}))
    return cats(request([{"id": "T1", "organ": "liver", "kind": "target"}], seq), "irecist")


def test_irecist_worked_example_sequential_increases_add_up() -> None:
    # baseline 50, nadir 40; TP3 50 → iUPD; TP4 54 (+4) → iUPD; TP5 56 (+6 in all) → iCPD
    assert _irecist(50, 54, 56) == ["iSD", "iUPD", "iUPD", "iCPD"]


def test_irecist_worked_example_reset() -> None:
    # TP4 = 36: −28 % vs baseline → iSD; the bar resets and the nadir becomes 36
    assert _irecist(50, 36) == ["iSD", "iUPD", "iSD"]
    # after the reset a later 45 mm (+25 % and +9 mm vs nadir 36) is a new iUPD, not iCPD
    assert _irecist(50, 36, 45) == ["iSD", "iUPD", "iSD", "iUPD"]


@pytest.mark.parametrize(("tp4", "expected"), [("54.9", "iUPD"), ("55", "iCPD")])
def test_irecist_5mm_confirmation_boundary(tp4: str, expected: str) -> None:
    assert _irecist(50, tp4)[-1] == expected


def test_irecist_scan_before_four_weeks_is_disregarded() -> None:
    assert _irecist(50, 60, day4=140) == ["iSD", "iUPD", "iUPD"]  # 14 days after iUPD


def test_irecist_new_lesion_iupd_confirmed_by_another_new_lesion() -> None:
    lesions = [{"id": "T1", "organ": "liver", "kind": "target"}]
    req = request(lesions, [(0, {"T1": {"ld_mm": 50}}), (63, {"T1": {"ld_mm": 30}}),
                            (126, {"T1": {"ld_mm": 30}}), (161, {"T1": {"ld_mm": 30}})],
                  new={2: [{"id": "X1", "organ": "lung", "ld_mm": 12}],
                       3: [{"id": "X1", "organ": "lung", "ld_mm": 12},
                           {"id": "X2", "organ": "bone", "ld_mm": 4}]})
    a = assess(req, "irecist")
    assert [tp.overall for tp in a.timepoints] == ["iPR", "iUPD", "iCPD"]
    # progression is dated to the iUPD that iCPD confirmed
    assert a.dates_unconfirmed.progression_date == D0 + dt.timedelta(days=126)
    assert a.bor_unconfirmed.value == "iPR"


def test_irecist_new_lesion_growth_and_reset_policy() -> None:
    lesions = [{"id": "T1", "organ": "liver", "kind": "target"}]
    def req(nl4: str, t4: int, **kw: Any) -> AssessmentRequest:
        return request(lesions, [(0, {"T1": {"ld_mm": 50}}), (63, {"T1": {"ld_mm": 40}}),
                                 (126, {"T1": {"ld_mm": 40}}), (161, {"T1": {"ld_mm": t4}})],
                       new={2: [{"id": "X1", "organ": "lung", "ld_mm": 12}],
                            3: [{"id": "X1", "organ": "lung", "ld_mm": nl4}]}, **kw)
    assert cats(req("17", 40), "irecist")[-1] == "iCPD"  # NLT +5 mm
    assert cats(req("16.9", 40), "irecist")[-1] == "iUPD"  # persists, not grown enough
    reset = req("12", 30, policies={"irecist_new_lesion_reset": "target_response"})
    assert cats(reset, "irecist")[-1] == "iPR"


def test_irecist_bor_examples_of_the_guideline() -> None:
    # Table 3 of iRECIST, example 8: iUPD then NE → iBOR iUPD
    lesions = [{"id": "T1", "organ": "liver", "kind": "target"}]
    req = request(lesions, [(0, {"T1": {"ld_mm": 40}}), (63, {"T1": {"ld_mm": 50}}),
                            (126, {"T1": {"status": "not_evaluated"}})])
    a = assess(req, "irecist")
    assert [tp.overall for tp in a.timepoints] == ["iUPD", "NE"]
    assert a.bor_unconfirmed.value == "iUPD"


def test_irecist_early_symptom_scan_with_new_lesion_confirms() -> None:
    lesions = [{"id": "T1", "organ": "liver", "kind": "target"}]
    base = [(0, {"T1": {"ld_mm": 50}}), (63, {"T1": {"ld_mm": 40}}),
            (126, {"T1": {"ld_mm": 50}})]
    early = AssessmentRequest.model_validate({
        "start_date": D0, "lesions": lesions,
        "visits": [*({"date": D0 + dt.timedelta(days=d), "lesions": ms} for d, ms in base),
                   {"date": D0 + dt.timedelta(days=140), "lesions": {"T1": {"ld_mm": 50}},
                    "for_new_symptoms": True, "new_lesions": [{"id": "X1", "organ": "brain"}]}]})
    assert cats(early, "irecist") == ["iSD", "iUPD", "iCPD"]
    routine = early.model_copy(update={"visits": (*early.visits[:3], early.visits[3].model_copy(
        update={"for_new_symptoms": False}))})
    assert cats(routine, "irecist") == ["iSD", "iUPD", "iUPD"]


# --- issue 8 item 12: the nadir includes the sums measured at iUPD visits ----------------------
# RECIST 1.1 section 4.3.1: the nadir is the smallest target sum on study.  iRECIST (Seymour et
# al. 2017, `irecist`): iUPD is confirmed (iCPD) by a further increase in the category behind the
# iUPD, or when RECIST 1.1 progression appears in a category that did not meet it at iUPD.

NT = [{"id": "T1", "organ": "liver", "kind": "target"},
      {"id": "N1", "organ": "bone", "kind": "non-target"}]


def _nt_iupd(t4: str) -> AssessmentRequest:
    """iUPD by non-target progression on day 126 while the target shrinks to a new nadir (30)."""
    return request(NT, [
        (0, {"T1": {"ld_mm": 50}, "N1": {"status": "present"}}),
        (63, {"T1": {"ld_mm": 40}, "N1": {"status": "present"}}),  # −20 %: iSD, nadir 40
        (126, {"T1": {"ld_mm": 30},  # −40 % vs baseline, new nadir 30
               "N1": {"status": "unequivocal_progression"}}),  # non-target PD → iUPD
        (161, {"T1": {"ld_mm": t4},  # 35 days after the iUPD
               "N1": {"status": "unequivocal_progression", "increased_since_last": False}}),
    ])


@pytest.mark.parametrize(("t4", "expected"), [
    ("36", "iCPD"),  # 5 × 36 = 180 = 6 × 30 (+20 % exactly) and +6 mm from the nadir 30: target PD
    ("35.9", "iUPD"),  # 5 × 35.9 = 179.5 < 180: +19.7 %, not target PD; non-target unchanged
    ("35", "iUPD"),  # +5 mm but +16.7 %: not target PD
])
def test_item12_target_sum_at_an_iupd_visit_is_the_nadir(t4: str, expected: str) -> None:
    a = assess(_nt_iupd(t4), "irecist")
    assert [tp.overall for tp in a.timepoints] == ["iSD", "iUPD", expected]
    last = a.timepoints[-1]
    assert last.nadir_mm == 30  # the sum measured at the iUPD visit, not the earlier 40
    if expected == "iCPD":
        assert last.change_from_nadir_pct == 20  # (36 − 30) / 30
        icpd = next(r for r in last.reasons if r.rule == "irecist.icpd")
        assert "target sum 36 mm is ≥ 20 % and ≥ 5 mm above the nadir 30 mm" in icpd.text
        assert a.dates_unconfirmed.progression_date == D0 + dt.timedelta(days=126)


def test_item12_reported_nadir_follows_the_smallest_sum_on_study() -> None:
    # iUPD by a new lesion on day 126 (target 30, a new nadir); day 161 target 32: stays iUPD
    # (the new lesion persists); the nadir reported at day 161 and day 196 is 30
    lesions = [{"id": "T1", "organ": "liver", "kind": "target"}]
    req = request(lesions, [(0, {"T1": {"ld_mm": 50}}), (63, {"T1": {"ld_mm": 40}}),
                            (126, {"T1": {"ld_mm": 30}}), (161, {"T1": {"ld_mm": 32}}),
                            (196, {"T1": {"ld_mm": 37}})],
                  new={2: [{"id": "X1", "organ": "lung", "ld_mm": 8}],
                       3: [{"id": "X1", "organ": "lung", "ld_mm": 8}],
                       4: [{"id": "X1", "organ": "lung", "ld_mm": 8}]})
    a = assess(req, "irecist")
    # day 196: 37 vs nadir 30 = +23.3 % and +7 mm: target PD, not the basis of the iUPD → iCPD
    assert [tp.overall for tp in a.timepoints] == ["iSD", "iUPD", "iUPD", "iCPD"]
    assert [tp.nadir_mm for tp in a.timepoints] == [50, 40, 30, 30]


def _nlt(x4: str) -> AssessmentRequest:
    lesions = [{"id": "T1", "organ": "liver", "kind": "target"}]
    return request(lesions, [(0, {"T1": {"ld_mm": 50}}), (63, {"T1": {"ld_mm": 40}}),
                             (126, {"T1": {"ld_mm": 40}}), (161, {"T1": {"ld_mm": 40}}),
                             (196, {"T1": {"ld_mm": 40}})],
                   new={2: [{"id": "X1", "organ": "lung", "ld_mm": 12}],
                        3: [{"id": "X1", "organ": "lung", "ld_mm": 16}],
                        4: [{"id": "X1", "organ": "lung", "ld_mm": x4}]},
                   policies={"irecist_new_lesion_reset": "target_response"})


@pytest.mark.parametrize(("x4", "expected"), [
    ("17", "iUPD"),  # NLT 12 at the iUPD visit is its nadir: 17 = +41.7 % and +5 mm → new iUPD
    ("16.9", "iSD"),  # +4.9 mm from 12: not RECIST 1.1 progression of the new-lesion targets
])
def test_item12_new_lesion_target_sum_at_the_iupd_visit_is_its_nadir(x4: str, expected: str
                                                                        ) -> None:
    # day 126: new lesion X1 12 mm (a new-lesion target) → iUPD; day 161: 16 mm (+4 mm, not
    # confirmed) and the target response decides (policy target_response) → iSD, the bar resets
    assert cats(_nlt(x4), "irecist") == ["iSD", "iUPD", "iSD", expected]


# --- issue 8 item 13: WHO / NCI measure a node like any lesion (longest × perpendicular) ------

NODE_AND_LIVER = [{"id": "N", "organ": "axilla", "kind": "target", "is_lymph_node": True},
                  {"id": "A", "organ": "liver", "kind": "target"}]


@pytest.mark.parametrize(("criteria", "expected"), [("who", "PR"), ("nci", "PR")])
def test_item13_bidimensional_node_needs_no_short_axis(criteria: str, expected: str) -> None:
    # N 40 × 25 = 1000 mm², A 30 × 20 = 600 mm²: SPD 1600; then N 25 × 20 = 500, A 20 × 15 = 300:
    # SPD 800 = 50 % of 1600 exactly (2 × 800 ≤ 1600): PR under WHO and under Lee et al. 2000
    req = request(NODE_AND_LIVER, [(0, {"N": bi(40, 25), "A": bi(30, 20)}),
                                   (60, {"N": bi(25, 20), "A": bi(20, 15)})])
    tp = assess(req, criteria).timepoints[0]  # type: ignore[arg-type]
    assert (tp.baseline_mm, tp.burden_mm, tp.overall) == (1600, 800, expected)
    assert "who.node_short_axis" not in [r.rule for r in tp.reasons]


@pytest.mark.parametrize(("n_after", "expected"), [((50, 25), "PD"), ((49.9, 25), "NC")])
def test_item13_bidimensional_node_growth_by_product(n_after: tuple[Any, Any], expected: str
                                                     ) -> None:
    # N 40 × 25 = 1000 mm² → 50 × 25 = 1250 mm²: +25 % exactly (4 × 1250 = 5 × 1000): WHO PD;
    # 49.9 × 25 = 1247.5 mm²: +24.75 %, no change
    req = request(NODE_AND_LIVER[:1], [(0, {"N": bi(40, 25)}), (60, {"N": bi(*n_after)})])
    assert cats(req, "who") == [expected]


def test_item13_recist_still_needs_the_nodal_short_axis() -> None:
    req = request(NODE_AND_LIVER, [(0, {"N": bi(40, 25), "A": {"ld_mm": 30}}),
                                   (60, {"N": bi(25, 20), "A": {"ld_mm": 20}})])
    for criteria in ("recist1.1", "irecist"):
        with pytest.raises(InputErrors) as e:
            assess(req, criteria)  # type: ignore[arg-type]
        assert [x.field for x in e.value.errors] == ["visits[0].lesions.N.sa_mm",
                                                     "visits[1].lesions.N.sa_mm"]


def test_additional_new_lesion_on_a_disregarded_early_scan_still_confirms_icpd() -> None:
    # day 126: new lesion X1 → iUPD; day 140 (14 days later, a routine scan): X2 appears, but a
    # scan < 4 weeks after the iUPD that was not done for new symptoms is disregarded for
    # confirmation (RECIST FAQ); day 182 (8 weeks after the iUPD): X2 is still there. It appeared
    # after the iUPD, so it is an additional new lesion and confirms iCPD (irecist, Table 2).
    lesions = [{"id": "T1", "organ": "liver", "kind": "target"}]
    x1 = {"id": "X1", "organ": "lung", "ld_mm": 8}
    x2 = {"id": "X2", "organ": "bone", "ld_mm": 9}
    req = request(lesions, [(0, {"T1": {"ld_mm": 50}}), (63, {"T1": {"ld_mm": 40}}),
                            (126, {"T1": {"ld_mm": 40}}), (140, {"T1": {"ld_mm": 40}}),
                            (182, {"T1": {"ld_mm": 40}})],
                  new={2: [x1], 3: [x1, x2], 4: [x1, x2]})
    a = assess(req, "irecist")
    assert [tp.overall for tp in a.timepoints] == ["iSD", "iUPD", "iUPD", "iCPD"]
    icpd = next(r for r in a.timepoints[-1].reasons if r.rule == "irecist.icpd")
    assert "additional new lesion(s) X2" in icpd.text
