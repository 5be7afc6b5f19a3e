"""Invariants of the pure FHIR Bundle builder over generated records (issue 12 item 4).

For any patient record: the Bundle parses with the R4B models, every reference resolves
inside it, building twice gives the same Bundle, ids are unique, and the administrations and
adverse events match the rows one for one (doses given -> completed with the dose in IU;
held / not given -> not-done with the reason; each grade -> its ae-grade code).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hdil2.interop.fhir import build_bundle, references, resource_id

UTC = dt.UTC
times = st.datetimes(min_value=dt.datetime(1985, 1, 1), max_value=dt.datetime(2035, 1, 1),
                     timezones=st.just(UTC))
dates = st.dates(min_value=dt.date(1985, 1, 1), max_value=dt.date(2035, 1, 1))
RESPONSES = ["CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE", "iCR", "iPR", "iSD",
             "NON-iCR/NON-iUPD", "iUPD", "iCPD", "NC", "MR", "NR"]


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    n_doses = draw(st.integers(0, 20))
    doses = []
    for i in range(n_doses):
        status = draw(st.sampled_from(["scheduled", "given", "held", "not_given"]))
        at = draw(times)
        doses.append({
            "id": 100 + i, "course": 1, "cycle": 1 + i // 15, "number": 1 + i % 15,
            "status": status, "scheduled_at": at,
            "given_at": at if status == "given" else None,
            "dose_iu": draw(st.integers(1, 10**9)) if status == "given" else None,
            "reason": draw(st.text(min_size=0, max_size=20)) if status != "given" else ""})
    toxicities = [
        {"id": 500 + i, "term": draw(st.sampled_from(["Hypotension", "Diarrhea"])),
         "meddra_code": "", "grade": draw(st.integers(0, 5)), "onset_at": draw(times),
         "resolved_at": None, "serious": draw(st.none() | st.booleans())}
        for i in range(draw(st.integers(0, 5)))]
    responses = [
        {"id": 700 + i, "criteria": "recist1.1", "kind": draw(st.sampled_from(["visit", "best"])),
         "assessed_on": draw(dates), "response": draw(st.sampled_from(RESPONSES))}
        for i in range(draw(st.integers(0, 4)))]
    return {
        "patient": {"id": 1, "registry_id": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}",
                                                               fullmatch=True)),
                    "disease": draw(st.sampled_from(["rcc", "melanoma"])),
                    "histology": draw(st.sampled_from(["", "clear_cell", "cutaneous", "uveal"])),
                    "sex": draw(st.sampled_from(["", "female", "male"])),
                    "ecog": draw(st.none() | st.integers(0, 4)),
                    "stage_group": draw(st.sampled_from(["", "III", "IV"])),
                    "stage_basis": draw(st.sampled_from(["", "clinical", "pathological"])),
                    "tnm_edition": draw(st.sampled_from(["", "7", "8"]))},
        "doses": doses, "toxicities": toxicities, "responses": responses,
    }


@settings(max_examples=60, deadline=None)
@given(records())
def test_item4_bundle_invariants(record: dict[str, Any]) -> None:
    from fhir.resources.R4B.bundle import Bundle

    bundle = build_bundle(record)
    Bundle.model_validate(bundle)
    assert build_bundle(record) == bundle
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls)
    assert set(references(bundle)) <= set(urls)
    code = record["patient"]["registry_id"]
    by_id = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    stored = Counter(d["status"] for d in record["doses"])
    sent = Counter(r["status"] for r in by_id.values()
                   if r["resourceType"] == "MedicationAdministration")
    assert sent["completed"] == stored["given"]
    assert sent["not-done"] == stored["held"] + stored["not_given"]
    for d in record["doses"]:
        rid = resource_id(code, "dose", d["id"])
        if d["status"] == "scheduled":
            assert rid not in by_id
        elif d["status"] == "given":
            assert by_id[rid]["dosage"]["dose"]["value"] == d["dose_iu"]
        else:
            assert by_id[rid]["statusReason"][0]["text"].endswith(
                d["reason"].strip() or d["status"].replace("_", " "))
    for t in record["toxicities"]:
        ae = by_id[resource_id(code, "toxicity", t["id"])]
        assert ae["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == str(t["grade"])
    visits = {r["id"] for r in record["responses"] if r["kind"] == "visit"}
    status = [r for r in by_id.values() if r["resourceType"] == "Observation"
              and r["code"]["coding"][0]["code"] == "97509-4"]
    assert len(status) == len(visits)
