"""Invariants of the ADRS and ADTTE derivations on random response histories (issue 12 item 3):
what must hold whatever the visits (RECIST 1.1 section 4.4 and admiralonco's parameter
definitions), checked with Hypothesis."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hdil2.core.errors import InputError
from hdil2.interop.adam import adrs, adtte

START = dt.date(2026, 1, 5)
RESPONSES = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE")


@st.composite
def histories(draw: Any) -> list[tuple[dt.date, str]]:
    gaps = draw(st.lists(st.integers(1, 60), min_size=0, max_size=8))
    day, out = 0, []
    for gap in gaps:
        day += gap
        out.append((START + dt.timedelta(days=day), draw(st.sampled_from(RESPONSES))))
    return out


def _rs(history: list[tuple[dt.date, str]]) -> list[dict[str, Any]]:
    return [{"RSTESTCD": "OVRLRESP", "RSTEST": "Overall Response", "RSCAT": "RECIST 1.1",
             "RSORRES": r, "RSSTRESC": r, "RSEVAL": "INVESTIGATOR", "RSDTC": str(d),
             "VISITNUM": i, "VISIT": f"V{i}", "RSSEQ": i}
            for i, (d, r) in enumerate(history, start=1)]


@settings(max_examples=300, deadline=None)
@given(histories(), st.none() | st.integers(1, 700))
def test_item3_adrs_and_adtte_invariants(history: list[tuple[dt.date, str]],
                                         death_day: int | None) -> None:
    subject = {"USUBJID": "S-1", "TRTSDT": START,
               "DTHDT": START + dt.timedelta(days=death_day) if death_day else None,
               "LSTALVDT": START + dt.timedelta(days=800)}
    rows = adrs.rows(subject, _rs(history))
    if not history:
        assert rows == []
        return
    by = {}
    for r in rows:
        by.setdefault(r["PARAMCD"], []).append(r)
    assert [int(r["ASEQ"]) for r in rows] == list(range(1, len(rows) + 1))
    assert len(by["OVR"]) == len(history)
    assert all(len(by[p]) == 1 for p in ("BOR", "CBOR", "RSP", "CRSP", "PD", "LSTA"))
    (bor,), (cbor,), (rsp,), (crsp,), (pd,) = (by[p] for p in ("BOR", "CBOR", "RSP", "CRSP",
                                                               "PD"))
    dates = [d for d, _ in history]
    first_pd = next((d for d, r in history if r == "PD"), None)
    counted = [r for d, r in history if first_pd is None or d <= first_pd]
    # BOR is CR if any CR up to the first PD, PR if any PR; confirmation never improves it
    if "CR" in counted:
        assert bor["AVALC"] == "CR"
    elif "PR" in counted:
        assert bor["AVALC"] == "PR"
    assert cbor["AVAL"] >= bor["AVAL"] or cbor["AVALC"] == bor["AVALC"]
    assert (rsp["AVALC"] == "Y") == (bor["AVALC"] in ("CR", "PR"))
    assert (crsp["AVALC"] == "Y") == (cbor["AVALC"] in ("CR", "PR"))
    assert crsp["AVALC"] == "N" or rsp["AVALC"] == "Y"
    assert (pd["AVALC"] == "Y") == (first_pd is not None)
    assert pd.get("ADT") == first_pd
    for r in (bor, cbor):
        assert r["ADT"] in dates
        assert first_pd is None or r["ADT"] <= first_pd
    if cbor["AVALC"] in ("CR", "PR"):  # confirmed: a later assessment at least 28 days on
        assert any(d >= cbor["ADT"] + dt.timedelta(days=28) for d in dates)
    if bor["AVALC"] in ("SD", "NON-CR/NON-PD"):  # stable disease counts from day 42
        assert (bor["ADT"] - START).days >= 42
    if death_day is not None and (subject["DTHDT"] < dates[-1]):
        with pytest.raises(InputError) as e:  # an assessment after the death: refused
            adtte.rows(subject, rows)
        assert e.value.field == "S-1.DTHDT"
        return
    tte = {r["PARAMCD"]: r for r in adtte.rows(subject, rows)}
    assert ("RSD" in tte) == (rsp["AVALC"] == "Y")
    for r in tte.values():
        assert r["AVAL"] == (r["ADT"] - r["STARTDT"]).days + 1 >= 1
        assert r["CNSR"] in (0, 1)
    pfs = tte["PFS"]
    events = [d for d in (first_pd, subject["DTHDT"]) if d is not None]
    if events:
        assert (pfs["CNSR"], pfs["ADT"]) == (0, min(events))
    else:
        assert (pfs["CNSR"], pfs["ADT"]) == (1, dates[-1])
    assert tte["OS"]["CNSR"] == (0 if death_day else 1)
