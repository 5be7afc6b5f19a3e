"""Agreement with a peer implementation: pharmaversesdtm's RECIST example data (Apache-2.0).

pharmaversesdtm's ``cases.json`` (peer data beside the project, found by
``tests/peer_data.py``) holds 24 evaluator histories (8 subjects × 3 readers)
with the expected overall response at 63 visits (RS computed from TR by the package's script)
and, for the investigator reads, the best overall response with and without confirmation and
the progression date derived by admiralonco (pharmaverseadam ``adrs_onco``).  See the README
in that folder for the one known disagreement and the visits that carry no expectation.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from typing import Any

import pytest

from hdil2.clinical.response import AssessmentRequest, assess
from peer_data import peer_path

DATA = peer_path("pharmaversesdtm")
CASES: list[dict[str, Any]] = json.loads((DATA / "cases.json").read_text(encoding="utf-8"),
                                         parse_float=Decimal)


def to_request(case: dict[str, Any], **extra: Any) -> AssessmentRequest:
    return AssessmentRequest.model_validate({
        "start_date": case["visits"][0]["date"],  # RANDDT = screening date in adrs_onco
        "lesions": case["lesions"],
        "visits": [{"date": v["date"], "lesions": v["lesions"], "new_lesions": v["new_lesions"],
                    "label": v["sdtm"]["VISIT"]} for v in case["visits"]],
        "params": case["params"], **extra,
    })


VISITS = [(c["id"], ev) for c in CASES for ev in c["expected"]["visits"]
          if ev["overall"] is not None]


def test_fixture_counts() -> None:
    assert len(CASES) == 24
    assert len(VISITS) == 63


@pytest.mark.parametrize(("case_id", "expected"), VISITS,
                         ids=[f"{cid}-{ev['date']}" for cid, ev in VISITS])
def test_visit_agrees_with_peer(case_id: str, expected: dict[str, Any]) -> None:
    case = next(c for c in CASES if c["id"] == case_id)
    got = {str(tp.date): tp for tp in assess(to_request(case)).timepoints}[expected["date"]]
    assert got.overall == expected["overall"]
    assert got.target == expected["target"]
    assert got.non_target == expected["non_target"]
    assert got.new_lesions == expected["new_lesions"]
    if expected["target_sum_mm"]:
        assert got.burden_mm == Decimal(expected["target_sum_mm"])


BOR_CASES = [c for c in CASES if "bor_unconfirmed" in c["expected"]]


def _adrs() -> dict[tuple[str, str], dict[str, str]]:
    with (DATA / "adrs_onco_bor.csv").open(encoding="utf-8") as f:
        return {(r["USUBJID"], r["PARAMCD"]): r for r in csv.DictReader(f)
                if r["PARAMCD"] != "OVR"}


@pytest.mark.parametrize("case", BOR_CASES, ids=[c["id"] for c in BOR_CASES])
def test_best_response_agrees_with_admiralonco(case: dict[str, Any]) -> None:
    a = assess(to_request(case))
    adrs = _adrs()
    subj = case["source"]["USUBJID"]
    assert a.bor_unconfirmed.value == adrs[(subj, "BOR")]["AVALC"] == \
        case["expected"]["bor_unconfirmed"]
    # confirmed: admiralonco tolerates one NE between a response and its confirmation, which
    # is this package's default policy (confirm_max_ne_between = 1)
    assert a.bor_confirmed.value == adrs[(subj, "CBOR")]["AVALC"]
    pd = adrs[(subj, "PD")]
    expected_pd = pd["ADT"] if pd["AVALC"] == "Y" else None
    got_pd = a.dates_unconfirmed.progression_date
    assert (str(got_pd) if got_pd else None) == expected_pd == case["expected"]["progression_date"]
    # responders (RSP / CRSP) agree too
    assert a.bor_unconfirmed.responder == (adrs[(subj, "RSP")]["AVALC"] == "Y")
    assert a.bor_confirmed.responder == (adrs[(subj, "CRSP")]["AVALC"] == "Y")


def test_one_ne_between_policy_decides_subject_1118() -> None:
    # PR (d42), NE (d63), PR (d84): admiralonco confirms; the strict reading gives SD
    case = next(c for c in CASES if c["id"] == "PV-01-701-1118-INV")
    assert assess(to_request(case)).bor_confirmed.value == "PR"
    strict = assess(to_request(case, policies={"confirm_max_ne_between": 0}))
    assert strict.bor_confirmed.value == "SD"


def test_known_disagreement_1133_radiologist_2() -> None:
    # after a CR a lesion reappears at 4.95 mm: the package says PR, RECIST 1.1 says PD
    case = next(c for c in CASES if c["id"] == "PV-01-701-1133-R2")
    excluded = case["excluded_visits"][0]
    assert (excluded["rs_value"], excluded["reference_value"]) == ("PR", "PD")
    date = excluded["date"]
    ours = {str(tp.date): tp.overall for tp in assess(to_request(case)).timepoints}
    assert ours[date] == "PD"
    peer = {str(tp.date): tp.overall for tp in assess(
        to_request(case, policies={"reappearance_after_cr": "sum_rules"})).timepoints}
    assert peer[date] == "PR"
