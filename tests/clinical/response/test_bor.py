"""Best overall response: every row of RECIST 1.1 Table 3 (best response when confirmation of
CR and PR is required), the unconfirmed derivation, durations, and property tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hdil2.clinical.response import AssessmentRequest, assess
from hdil2.clinical.response.bor import RECIST, best_overall_response
from hdil2.clinical.response.durations import derive_dates
from hdil2.clinical.response.timepoint import TimePoint

D0 = dt.date(2024, 1, 1)


def tps(*seq: tuple[int, str]) -> tuple[TimePoint, ...]:
    return tuple(TimePoint(i + 1, D0 + dt.timedelta(days=day), day, "NA", "NA", False, cat,
                           None, None, None, False, ()) for i, (day, cat) in enumerate(seq))


def bor(seq: tuple[TimePoint, ...], confirm: bool = True, min_sd: int = 42, **kw: Any) -> str:
    return best_overall_response(seq, RECIST, confirm=confirm, min_sd_days=min_sd, **kw).value


# RECIST 1.1 Table 3: (first, subsequent) → BOR, with the SD minimum met (first assessment on
# day 42, SD minimum 42 days) and not met (first assessment on day 21, SD minimum 42 days).
# The subsequent assessment is 28 days after the first (≥ 4 weeks: confirmation possible).
# "CR then PR/SD" is scored as CR then PD: disease reappearing after a true CR is PD (footnote).
TABLE3 = [
    # first, subsequent, BOR if SD minimum met, BOR if not met
    ("CR", "CR", "CR", "CR"),
    ("CR", "PD", "SD", "PD"),  # CR, PR and CR, SD rows: the second time point is PD (footnote)
    ("CR", "NE", "SD", "NE"),
    ("PR", "CR", "PR", "PR"),
    ("PR", "PR", "PR", "PR"),
    # Table 3 prints "PR, SD → SD" without the SD-duration proviso; the guideline's text requires
    # SD to be met at least once after the minimum interval, so before it the BOR is NE (as
    # admiralonco derives it)
    ("PR", "SD", "SD", "NE"),
    ("PR", "PD", "SD", "PD"),
    ("PR", "NE", "SD", "NE"),
    ("NE", "NE", "NE", "NE"),
]


@pytest.mark.parametrize(("first", "then", "met", "not_met"), TABLE3)
def test_table3_row(first: str, then: str, met: str, not_met: str) -> None:
    assert bor(tps((42, first), (70, then))) == met
    # SD minimum not met: first on day 21, second on day 49 (≥ 42 would count SD: use 50 min)
    assert bor(tps((21, first), (49, then)), min_sd=50) == not_met


def test_table3_cr_then_pr_from_lesions_is_pd_then_sd_or_pd() -> None:
    # the footnote row "CR, PR → SD, PD or PR": reappearing disease after CR is PD here
    def req(first_day: int) -> AssessmentRequest:
        return AssessmentRequest.model_validate({
            "start_date": D0, "lesions": [{"id": "T1", "organ": "liver", "kind": "target"}],
            "visits": [{"date": D0, "lesions": {"T1": {"ld_mm": 30}}},
                       {"date": D0 + dt.timedelta(days=first_day), "lesions": {"T1": {"ld_mm": 0}}},
                       {"date": D0 + dt.timedelta(days=first_day + 28),
                        "lesions": {"T1": {"ld_mm": 15}}}]})
    a = assess(req(42))
    assert [tp.overall for tp in a.timepoints] == ["CR", "PD"]
    assert a.bor_confirmed.value == "SD"
    assert assess(req(21)).bor_confirmed.value == "PD"


def test_confirmation_needs_28_days() -> None:
    assert bor(tps((42, "PR"), (69, "PR"))) == "SD"
    assert bor(tps((42, "PR"), (70, "PR"))) == "PR"
    assert bor(tps((42, "CR"), (69, "CR"))) == "SD"
    assert bor(tps((42, "CR"), (70, "CR"))) == "CR"
    assert bor(tps((42, "PR"), (69, "PR")), confirm_min_days=27) == "PR"


@pytest.mark.parametrize(("day", "expected"), [(41, "NE"), (42, "SD"), (43, "SD")])
def test_sd_minimum_boundary(day: int, expected: str) -> None:
    assert bor(tps((day, "SD")), confirm=False) == expected


def test_sd_then_pd_before_minimum_is_pd() -> None:
    assert bor(tps((21, "SD"), (35, "PD")), confirm=False) == "PD"


def test_only_assessments_up_to_first_pd_count() -> None:
    assert bor(tps((21, "SD"), (35, "PD"), (63, "PR"), (91, "PR")), confirm=False) == "PD"


def test_confirmed_cr_requires_only_cr_or_ne_between() -> None:
    # a PR between breaks the CR's confirmation; the PR itself is confirmed by the later CR
    assert bor(tps((42, "CR"), (56, "PR"), (84, "CR"))) == "PR"
    assert bor(tps((42, "CR"), (56, "PR"), (77, "CR"))) == "SD"
    assert bor(tps((42, "CR"), (56, "NE"), (84, "CR"))) == "CR"
    assert bor(tps((42, "CR"), (56, "NE"), (70, "NE"), (84, "CR"))) == "SD"  # two NE


def test_pr_confirmed_by_later_cr_and_no_pr_after_cr() -> None:
    assert bor(tps((42, "PR"), (70, "CR"))) == "PR"
    assert bor(tps((42, "PR"), (56, "CR"), (84, "PR"))) == "SD"


def test_ne_between_policy() -> None:
    seq = tps((42, "PR"), (63, "NE"), (84, "PR"))
    assert bor(seq, max_ne_between=1) == "PR"
    assert bor(seq, max_ne_between=0) == "SD"


def test_non_target_only_patient_downgrades_to_non_cr_non_pd() -> None:
    seq = tps((42, "CR"), (56, "NON-CR/NON-PD"))
    assert best_overall_response(seq, RECIST, confirm=True, min_sd_days=42,
                                 has_targets=False).value == "NON-CR/NON-PD"
    assert bor(seq, confirm=False) == "CR"


def test_no_assessment_is_ne() -> None:
    r = best_overall_response((), RECIST, confirm=True, min_sd_days=42)
    assert r.value == "NE"
    assert r.reasons[0].rule == "bor.no_assessment"


def test_durations() -> None:
    seq = tps((42, "PR"), (70, "PR"), (112, "SD"), (154, "PD"))
    b = best_overall_response(seq, RECIST, confirm=True, min_sd_days=42)
    d = derive_dates(seq, RECIST, D0, b)
    assert d.progression_date == D0 + dt.timedelta(days=154)
    assert d.time_to_response is not None
    assert d.time_to_response.days == 42
    assert d.duration_of_response is not None
    assert (d.duration_of_response.days, d.duration_of_response.event) == (112, True)
    open_seq = tps((42, "PR"), (70, "PR"), (112, "SD"))
    d2 = derive_dates(open_seq, RECIST, D0, best_overall_response(
        open_seq, RECIST, confirm=True, min_sd_days=42))
    assert d2.duration_of_response is not None
    assert (d2.duration_of_response.days, d2.duration_of_response.event) == (70, False)
    assert d2.progression_date is None


# --- property tests ----------------------------------------------------------------------------

CATS = ["CR", "PR", "SD", "PD", "NE", "NON-CR/NON-PD"]
RANK = {"CR": 0, "PR": 1, "SD": 2, "NON-CR/NON-PD": 3, "NE": 4, "PD": 5}


@st.composite
def sequences(draw: st.DrawFn) -> tuple[TimePoint, ...]:
    n = draw(st.integers(0, 8))
    gaps = draw(st.lists(st.integers(7, 60), min_size=n, max_size=n))
    cats = draw(st.lists(st.sampled_from(CATS), min_size=n, max_size=n))
    day, seq = 0, []
    for g, c in zip(gaps, cats, strict=True):
        day += g
        seq.append((day, c))
    return tps(*seq)


@settings(max_examples=400, deadline=None)
@given(sequences(), st.integers(0, 1), st.integers(0, 84))
def test_property_confirmed_responder_implies_unconfirmed(seq: tuple[TimePoint, ...],
                                                          max_ne: int, min_sd: int) -> None:
    conf = best_overall_response(seq, RECIST, confirm=True, min_sd_days=min_sd,
                                 max_ne_between=max_ne)
    unconf = best_overall_response(seq, RECIST, confirm=False, min_sd_days=min_sd,
                                   max_ne_between=max_ne)
    assert not conf.responder or unconf.responder
    assert RANK[unconf.value] <= RANK[conf.value]


@settings(max_examples=100, deadline=None)
@given(st.lists(sequences(), min_size=1, max_size=20))
def test_property_confirmed_orr_not_above_unconfirmed_orr(cohort: list[Any]) -> None:
    conf = sum(best_overall_response(s, RECIST, confirm=True, min_sd_days=42).responder
               for s in cohort)
    unconf = sum(best_overall_response(s, RECIST, confirm=False, min_sd_days=42).responder
                 for s in cohort)
    assert conf <= unconf


# lesion-level patients for the RECIST properties.  Only non-nodal targets measured in mm and
# status-only non-targets: the other absolute thresholds of RECIST 1.1 (a node is normal below
# 10 mm short axis, "too small to measure" is 5 mm, measurability needs 10 mm) would also move
# under a change of scale, and are tested at their boundaries elsewhere.
@st.composite
def patients(draw: st.DrawFn) -> dict[str, Any]:
    n_t = draw(st.integers(1, 3))
    lesions = [{"id": f"T{i}", "organ": f"organ{i}", "kind": "target"} for i in range(n_t)]
    has_nt = draw(st.booleans())
    if has_nt:
        lesions.append({"id": "NT", "organ": "bone", "kind": "non-target"})
    n_v = draw(st.integers(1, 5))
    tenth = st.integers(0, 800).map(lambda x: Decimal(x) / 10)
    # baseline 40-80 mm so that every scale factor ≥ 1/4 keeps the lesions measurable (≥ 10 mm,
    # an absolute threshold that validation, not the category, enforces)
    visits = [{"lesions": {f"T{i}": {"ld_mm": draw(st.integers(400, 800).map(
        lambda x: Decimal(x) / 10))} for i in range(n_t)}}]
    for _ in range(n_v):
        ms: dict[str, Any] = {f"T{i}": {"ld_mm": draw(tenth)} for i in range(n_t)}
        visits.append({"lesions": ms})
    for v in visits:
        if has_nt:
            v["lesions"]["NT"] = {"status": "present" if v is visits[0] else draw(
                st.sampled_from(["present", "absent", "unequivocal_progression"]))}
    day = 0
    for v in visits:
        v["date"] = D0 + dt.timedelta(days=day)
        day += draw(st.integers(21, 63))
    return {"start_date": D0, "lesions": lesions, "visits": visits}


def scaled(p: dict[str, Any], k: Decimal) -> dict[str, Any]:
    return {**p, "visits": [{**v, "lesions": {lid: ({"ld_mm": m["ld_mm"] * k} if "ld_mm" in m
                                                    else m) for lid, m in v["lesions"].items()}}
                            for v in p["visits"]]}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients(), st.integers(1, 20).map(lambda n: Decimal(n) / 4))
def test_property_scaling_changes_nothing_but_the_5mm_rule(p: dict[str, Any], k: Decimal
                                                           ) -> None:
    a = assess(AssessmentRequest.model_validate(p)).timepoints
    b = assess(AssessmentRequest.model_validate(scaled(p, k))).timepoints
    for x, y in zip(a, b, strict=True):
        if (x.target, x.non_target, x.overall) == (y.target, y.non_target, y.overall):
            continue
        # the first difference must come from the 5 mm absolute rule at this visit
        assert x.burden_mm is not None
        assert x.nadir_mm is not None
        assert y.burden_mm is not None
        assert y.nadir_mm is not None
        assert 5 * x.burden_mm >= 6 * x.nadir_mm  # the 20 % part holds in both
        assert (x.burden_mm - x.nadir_mm >= 5) != (y.burden_mm - y.nadir_mm >= 5)
        break


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients(), st.data())
def test_property_a_new_lesion_never_improves_a_response(p: dict[str, Any],
                                                         data: st.DataObject) -> None:
    i = data.draw(st.integers(1, len(p["visits"]) - 1))
    with_new = {**p, "visits": [
        {**v, "new_lesions": [{"id": "X1", "organ": "brain"}]} if j == i else v
        for j, v in enumerate(p["visits"])]}
    a = assess(AssessmentRequest.model_validate(p))
    b = assess(AssessmentRequest.model_validate(with_new))
    assert b.timepoints[i - 1].overall == "PD"
    for x, y in zip(a.timepoints[:i], b.timepoints[:i], strict=True):
        assert RANK[y.overall] >= RANK[x.overall]
    for which in ("bor_unconfirmed", "bor_confirmed"):
        assert RANK[getattr(b, which).value] >= RANK[getattr(a, which).value]
