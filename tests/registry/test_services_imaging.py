"""Issue 11 item 3: record scans, assess response from the stored measurements; every response
value hdil2's criteria give is a valid stored response."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from registry.helpers import dump


def test_item3_every_response_value_of_the_criteria_is_accepted_by_full_clean(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.clinical.response.bor import SCHEMES
    from hdil2.clinical.response.recist11 import OVERALL_CATEGORIES
    from hdil2.registry import services
    from hdil2.registry.models import ResponseAssessment

    values = set(OVERALL_CATEGORIES)
    for s in SCHEMES.values():
        values |= {s.cr, s.pr, *s.stable, *s.progression, s.terminal, s.ne}
    # the NCI criteria of lee2000 give MR and NR, WHO gives NC (no change)
    assert {"MR", "NR", "NC", "NON-CR/NON-PD", "NON-iCR/NON-iUPD"} <= values
    p = services.enrol(by=user("svc_resp_values"), registry_id="RSP-V", disease="rcc").rows[0]
    for v in sorted(values):
        row = ResponseAssessment(patient=p, criteria="nci", kind="visit",
                                 assessed_on=dt.date(2025, 5, 1), response=v,
                                 response_computed=v)
        row.full_clean(exclude=["created_by", "updated_by"])
    bad = ResponseAssessment(patient=p, criteria="nci", kind="visit",
                             assessed_on=dt.date(2025, 5, 1), response="NN")
    with pytest.raises(Exception, match="response"):
        bad.full_clean(exclude=["created_by", "updated_by"])


def _scans(by: Any, code: str, after: tuple[str, str]) -> Any:
    from hdil2.registry import services

    p = services.enrol(by=by, registry_id=code, disease="rcc").rows[0]
    services.record_scan(p.pk, by=by, scanned_on="2025-02-20", modality="ct", baseline=True,
                         label="baseline", measurements=[
                             {"lesion": "T01", "kind": "target", "organ": "lung",
                              "longest_mm": 60, "perpendicular_mm": 40},
                             {"lesion": "T02", "kind": "target", "organ": "liver",
                              "longest_mm": 40, "perpendicular_mm": 30}])
    services.record_scan(p.pk, by=by, scanned_on="2025-05-01", modality="ct",
                         label="after course 1", measurements=[
                             {"lesion": "T01", "longest_mm": after[0], "perpendicular_mm": 30},
                             {"lesion": "T02", "longest_mm": after[1],
                              "perpendicular_mm": 20}])
    return p


def test_item3_recist_sum_100_to_65_mm_is_pr_minus_35_pct_stored_with_advice(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import services

    doctor = user("svc_recist")
    # RECIST 1.1 section 4.3.1: PR is at least a 30 % decrease in the sum of diameters;
    # 60 + 40 = 100 mm -> 39 + 26 = 65 mm is -35 %
    p = _scans(doctor, "RSP-R1", ("39", "26"))
    out = services.assess_response(p.pk, by=doctor, criteria="recist1.1",
                                   start_date="2025-03-03")
    visit, best = out.rows
    assert (visit.kind, visit.response, visit.response_computed) == ("visit", "PR", "PR")
    assert out.decision.visits[0].change_from_baseline_pct == -35
    assert visit.scan.label == "after course 1"
    # one PR, not confirmed by a later scan: the confirmed best response counts it as SD
    assert (best.kind, best.response) == ("best", "SD")
    assert out.advice.answer["bor_unconfirmed"]["value"] == "PR"
    assert out.advice.ruleset_version == "criteria recist1.1"
    assert visit.advice_id == best.advice_id == out.advice.pk
    assert out.advice.request["visits"][1]["lesions"]["T01"] == {"ld_mm": "39",
                                                                "perp_mm": "30"}


def test_item3_nci_bidimensional_minor_response_is_stored_as_mr(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import services

    doctor = user("svc_nci")
    # NCI criteria (lee2000): the sum of products 60x40 + 40x30 = 3600 mm2 falls to
    # 50x30 + 40x20 = 2300 mm2, -36 %: 25-49 % is a minor response (MR)
    p = _scans(doctor, "RSP-N1", ("50", "40"))
    out = services.assess_response(p.pk, by=doctor, criteria="nci", start_date="2025-03-03")
    assert out.rows[0].response == "MR"


def test_item3_scan_and_assessment_roll_back_entirely_on_error(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services

    doctor = user("svc_scan_rb")
    p = _scans(doctor, "RSP-RB", ("39", "26"))
    before = dump()
    with pytest.raises(InputError) as e:  # the second lesion is unknown and not marked new
        services.record_scan(p.pk, by=doctor, scanned_on="2025-07-01", modality="ct",
                             measurements=[{"lesion": "T01", "longest_mm": 30},
                                           {"lesion": "X9", "longest_mm": 12}])
    assert e.value.field == "measurements[1].kind"
    with pytest.raises(InputError) as e2:
        services.assess_response(p.pk, by=doctor, criteria="recist2",
                                 start_date="2025-03-03")
    assert e2.value.field == "criteria"
    assert dump() == before
