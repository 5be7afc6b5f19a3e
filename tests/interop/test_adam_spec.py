"""The ADaM datasets' variables against pharmaverse's ADaM (issue 12 item 3).

The expected names, order, types and labels come from outside hdil2: the pharmaverseadam
datasets (peer data, read through ``tests/peer_data.py``: their header gives the names and
order, the CSV quoting the type - a quoted value is character, an unquoted ``YYYY-MM-DD`` an R
``Date``, ``YYYY-MM-DD hh:mm:ss`` a date and time, anything else unquoted a number), the SDTM
labels of the pilot study (``pharmaversesdtm/sdtm/*.labels.csv``) for the variables ADaM takes
over from SDTM, and the labels pharmaverseadam documents for its ADaM variables (below).
"""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import pytest

from hdil2.interop.adam.spec import DATASETS
from peer_data import peer_path

ADAM = peer_path("pharmaverseadam")
SDTM = peer_path("pharmaversesdtm", "sdtm")
FILES = {"ADSL": "adsl", "ADRS": "adrs_onco", "ADTTE": "adtte_onco", "ADAE": "adae"}
#: the SDTM datasets each ADaM dataset takes variables from
SDTM_SOURCES = {"ADSL": ("dm",), "ADRS": ("rs_onco_irecist", "dm"), "ADTTE": ("dm",),
                "ADAE": ("ae", "dm")}

# The labels of pharmaverseadam's ADaM variables, as its data documentation states them
# (R/adsl.R, R/adrs_onco.R and R/adtte_onco.R of github.com/pharmaverse/pharmaverseadam,
# generated from its specification inst/extdata/adams-specs.xlsx; the R one-liner
# `sapply(pharmaverseadam::adsl, attr, "label")` prints the same). The peer folder holds the
# data without labels; where it gains `<name>.labels.csv` files those are used instead.
DOC_LABELS = {
    "TRT01P": "Planned Treatment for Period 01", "TRT01A": "Actual Treatment for Period 01",
    "TRTSDTM": "Datetime of First Exposure to Treatment",
    "TRTEDTM": "Datetime of Last Exposure to Treatment",
    "TRTSDT": "Date of First Exposure to Treatment",
    "TRTEDT": "Date of Last Exposure to Treatment",
    "TRTDURD": "Total Treatment Duration (Days)", "DTHDT": "Date of Death",
    "LSTALVDT": "Date Last Known Alive", "SAFFL": "Safety Population Flag",
    "PARAMCD": "Parameter Code", "PARAM": "Parameter", "PARCAT1": "Parameter Category 1",
    "PARCAT2": "Parameter Category 2", "PARCAT3": "Parameter Category 3",
    "ADT": "Analysis Date", "AVISIT": "Analysis Visit", "AVALC": "Analysis Value (C)",
    "AVAL": "Analysis Value", "ANL01FL": "Analysis Flag 01",
    "ASEQ": "Analysis Sequence Number", "EVNTDESC": "Event or Censoring Description",
    "SRCDOM": "Source Data", "SRCVAR": "Source Variable", "SRCSEQ": "Source Sequence Number",
    "CNSR": "Censor", "CNSDTDSC": "Censor Date Description",
    "STARTDT": "Time-to-Event Origin Date for Subject",
}

_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,]*)')
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _fields(line: str) -> list[tuple[str, bool]]:
    """The fields of one CSV line (no embedded newlines in these files), each with whether it
    was quoted."""
    out: list[tuple[str, bool]] = []
    pos = 0
    while True:
        m = _FIELD.match(line, pos)
        assert m is not None
        quoted = m.group(1) is not None
        out.append((m.group(1).replace('""', '"') if quoted else m.group(2), quoted))
        pos = m.end()
        if pos >= len(line) or line[pos] != ",":
            return out
        pos += 1


def _kind(values: list[tuple[str, bool]]) -> str | None:
    present = [(v, q) for v, q in values if q or v != ""]
    if not present:
        return None
    if any(q for _, q in present):
        return "text"
    if all(_DATETIME.fullmatch(v) for v, _ in present):
        return "datetime"
    if all(_DATE.fullmatch(v) for v, _ in present):
        return "date"
    for v, _ in present:
        float(v)
    return "number"


def peer_columns(code: str) -> dict[str, str | None]:
    """pharmaverseadam's variables of ``code`` in order, each with its kind (``None`` when
    every value is missing)."""
    with gzip.open(ADAM / f"{FILES[code]}.csv.gz", "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    names = [n for n, _ in _fields(lines[0])]
    rows = [_fields(line) for line in lines[1:]]
    assert all(len(r) == len(names) for r in rows)
    return {n: _kind([r[i] for r in rows]) for i, n in enumerate(names)}


def _labels_csv(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {r["variable"]: r["label"] for r in csv.DictReader(f)}


def peer_label(code: str, name: str) -> str | None:
    """The label pharmaverse gives ``name`` in ``code``: its ADaM labels file if the peer
    folder has one, else the SDTM label of a variable taken over from SDTM, else the label
    pharmaverseadam documents."""
    own = ADAM / f"{FILES[code]}.labels.csv"
    if own.exists():
        return _labels_csv(own).get(name)
    for sdtm in SDTM_SOURCES[code]:
        labels = _labels_csv(SDTM / f"{sdtm}.labels.csv")
        if name in labels:
            return labels[name]
    return DOC_LABELS.get(name)


PEER = {code: peer_columns(code) for code in DATASETS}
SHARED = [(code, v.name) for code, ds in DATASETS.items() for v in ds.variables
          if v.name in PEER[code]]


def test_item3_the_spec_is_well_formed() -> None:
    for ds in DATASETS.values():
        assert len(set(ds.names)) == len(ds.names)
        for v in ds.variables:
            assert re.fullmatch(r"[A-Z][A-Z0-9]{0,7}", v.name), v.name
            assert 0 < len(v.label) <= 40, v.name
            assert v.label.isascii(), v.name
        assert len(ds.label) <= 40


@pytest.mark.parametrize(("code", "name"), SHARED, ids=[f"{c}.{n}" for c, n in SHARED])
def test_item3_shared_variable_has_the_peer_type(code: str, name: str) -> None:
    peer = PEER[code][name]
    if peer is None:
        pytest.skip(f"every value of {code}.{name} is missing in pharmaverse: no type to read")
    if peer == "date" and name.endswith("DTM"):
        # R's CSV writer prints a date-time column whose times are all midnight as dates;
        # ADaMIG's naming rule (*DTM is a date and time) says which it is
        peer = "datetime"
    assert DATASETS[code].variable(name).kind == peer


@pytest.mark.parametrize(("code", "name"), SHARED, ids=[f"{c}.{n}" for c, n in SHARED])
def test_item3_shared_variable_has_the_peer_label(code: str, name: str) -> None:
    label = peer_label(code, name)
    if label is None:
        pytest.skip(f"pharmaverse states no label for {code}.{name} (its adae documentation "
                    "lists the names only): checked against no peer")
    assert DATASETS[code].variable(name).label == label


@pytest.mark.parametrize("code", list(DATASETS))
def test_item3_shared_variables_keep_the_peer_order(code: str) -> None:
    ours = [n for n in DATASETS[code].names if n in PEER[code]]
    theirs = [n for n in PEER[code] if n in DATASETS[code].names]
    assert ours == theirs


# ---- every difference, with its reason -------------------------------------------------------

_NOT_RECORDED = "the registry does not record it"
_NO_IMPUTATION = ("dates and times are recorded in full (doses to the minute): nothing is "
                  "imputed, so there is no imputation flag")
_NOT_YET = "not derived yet (derivable from variables hdil2 exports; a later item)"
_DEATH_DETAIL = ("the registry's follow-up records the death date only (DTHDT, DTHFL), not "
                 "its cause or the record it was collected in")
_ADSL_MERGE = ("an ADSL variable that pharmaverse copies onto every row; hdil2 keeps the "
               "identifiers, demographics, treatment and safety flag on each row and the "
               "rest in ADSL (a merge by USUBJID)")
_MEDDRA = ("MedDRA's hierarchy and codes: hdil2 records the CTCAE v5.0 term (ctcae5), whose "
           "MedDRA codes are not in hdil2 yet")


def _reasons() -> dict[tuple[str, str], str]:
    r: dict[tuple[str, str], str] = {}

    def add(code: str, names: str, reason: str) -> None:
        for n in names.split():
            r[(code, n)] = reason

    add("ADSL", "COUNTRY REGION1", "the registry records the site, not its country or region")
    add("ADSL", "RACE RACEGR1 ETHNIC", _NOT_RECORDED)
    add("ADSL", "RFPENDTC RFICDTC DMDTC DMDY", "the registry records no informed-consent, "
        "end-of-participation or demographics-collection date")
    add("ADSL", "SCRFDT FRVDT", "the registry holds treated patients: no screen failures "
        "or final retrieval visits")
    add("ADSL", "RANDDT", "a registry has no randomisation; TRTSDT (the first dose) is the "
        "origin of response and survival times")
    add("ADSL", "EOSSTT EOSDT", "a registry has no end of study; the end of treatment is "
        "DCTREAS and TRTEDT")
    add("ADSL", "DTHCAUS DTHCGR1 DTHDOM", _DEATH_DETAIL)
    add("ADSL", "DTHADY LDDTHELD LDDTHGR1 DTH30FL DTHA30FL DTHB30FL", _NOT_YET)
    add("ADSL", "DTHDTF TRTSTMF TRTETMF", _NO_IMPUTATION)
    add("ADSL", "AGEGR1", "the pilot study's protocol age groups (18-64, >64); an IL-2 "
        "registry has none")
    add("ADSL", "ITTFL", "hdil2's addition: every patient registered for treatment (a "
        "registry's intent-to-treat population)")
    add("ADSL", "DISEASE HISTOL TNMSTAGE ECOGBL", "hdil2's addition: the IL-2 prognostic "
        "facts (primary cancer, histology, stage, ECOG at registration), as in SUPPDM")
    add("ADSL", "NCOURSE DOSEGIV DOSEHLD CUMDOSE", "hdil2's addition: IL-2 exposure (courses, "
        "doses given and held, cumulative dose in IU), the outcome predictors of high-dose "
        "IL-2")
    add("ADSL", "DCTREAS", "hdil2's addition: why the last course was stopped (ADaMIG's "
        "DCTREAS), in the CDISC terms of SDTM DS")
    add("ADSL", "PDDT", "hdil2's addition: progression recorded at follow-up without a scan "
        "(an event of PFS and duration of response)")
    add("ADRS", "ADTF", _NO_IMPUTATION)
    add("ADRS", "ANL02FL", "admiralonco's flag of the assessments up to the first PD; hdil2 "
        "applies that cut in the BOR derivation itself")
    add("ADRS", "RSEVALID RSACPTFL", "one evaluator (the investigator): no reader ids or "
        "accepted-read flags")
    add("ADRS", "ADY", "hdil2's addition: the assessment's day from TRTSDT, the day the "
        "stable-disease minimum is counted on")
    add("ADAE", "AEBODSYS AEBDSYCD AELLT AELLTCD AEPTCD AEHLT AEHLTCD AEHLGT AEHLGTCD AESOC "
        "AESOCCD", _MEDDRA)
    add("ADAE", "ASTDTF ASTTMF AENDTF AENTMF", _NO_IMPUTATION)
    add("ADAE", "AESTDY AEENDY", "SDTM study days hdil2's AE does not carry; ASTDY and "
        "AENDY are the analysis days")
    add("ADAE", "ADURN ADURU AOCCIFL LDOSEDTM DOSEON DOSEU", _NOT_YET)
    add("ADAE", "AESDTH AESLIFE AESHOSP AESDISAB AESCONG AESCAN AESOD", "the registry "
        "records whether a toxicity is serious (AESER), not by which criterion")
    add("ADAE", "AESEV ASEV ASEVN", "the pilot study grades by severity; hdil2 grades with "
        "CTCAE v5.0 (AETOXGR, ATOXGR)")
    add("ADAE", "AEACN", "the registry records holds on the dose slots (SDTM EC), not per "
        "adverse event")
    add("ADAE", "AESPID AEOUT AEDTC", _NOT_RECORDED)
    add("ADAE", "AETOXGR ATOXGR ATOXGRN", "hdil2's addition: the CTCAE v5.0 grade (ctcae5), "
        "the analysis toxicity grade of ADaMIG's occurrence data structure")
    return r


REASONS = _reasons()


def test_item3_every_difference_with_pharmaverse_has_a_reason() -> None:
    adsl_names = set(PEER["ADSL"]) | set(DATASETS["ADSL"].names)
    found: dict[tuple[str, str], str] = {}
    for code, ds in DATASETS.items():
        for name in PEER[code]:
            if name in ds.names:
                continue
            if code != "ADSL" and name in adsl_names:
                found[(code, name)] = _ADSL_MERGE
            else:
                found[(code, name)] = REASONS.get((code, name), "UNEXPLAINED")
        for name in ds.names:
            if name not in PEER[code]:
                found[(code, name)] = REASONS.get((code, name), "UNEXPLAINED")
    assert [k for k, v in found.items() if v == "UNEXPLAINED"] == []
    assert set(REASONS) <= set(found), "a reason for a difference that no longer exists"
    # ADTTE has exactly pharmaverse's 20 variables, in its order
    assert DATASETS["ADTTE"].names == tuple(PEER["ADTTE"])
