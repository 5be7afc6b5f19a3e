"""ADaM export of the registry (issue 12 items 3 and 6): the demo cohort's ADSL, ADRS, ADTTE
and ADAE.

The expected values come from outside the ADaM code: the spec's names, labels and types as the
files' readers (pyreadstat, pandas' ``read_sas``) report them, the registry's own survival
inputs (:func:`hdil2.registry.cohort.rows`, which ``hdil2 registry cohort`` and its
Kaplan-Meier curves use), the registry's stored responses and the SDTM export of the same
registry. The conventions themselves are checked against pharmaverse in
``test_adam_peer_derivations.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat
import pytest

from hdil2.core.errors import InputError
from hdil2.interop.adam import DATASETS, build, write
from interop.conftest import DEMO_PATIENTS, DEMO_SEED

PREFIX = f"demo{DEMO_SEED}-"
SAS_EPOCH = dt.date(1960, 1, 1)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def exported(demo_db: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, Path]:
    from hdil2.registry.adam_export import export_adam

    base = tmp_path_factory.mktemp("adam")
    export_adam(base / "csv", code_prefix=PREFIX)
    export_adam(base / "xpt", fmt="xpt", code_prefix=PREFIX)
    return {"csv": base / "csv", "xpt": base / "xpt"}


@pytest.fixture(scope="module")
def tables(exported: dict[str, Path]) -> dict[str, list[dict[str, str]]]:
    return {code: _read_csv(exported["csv"] / f"{code.lower()}.csv") for code in DATASETS}


@pytest.fixture(scope="module")
def cohort_rows(demo_db: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from hdil2.registry import cohort

    return {r["patient"]: r for r in cohort.rows(cohort.CohortFilter(code_prefix=PREFIX))}


# ---- the files' shape is the spec's -----------------------------------------------------------


@pytest.mark.parametrize("code", list(DATASETS))
def test_item3_csv_header_is_the_spec(exported: dict[str, Path], code: str) -> None:
    with (exported["csv"] / f"{code.lower()}.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert tuple(header) == DATASETS[code].names


@pytest.mark.parametrize("code", list(DATASETS))
def test_item3_xpt_names_labels_types_and_formats_are_the_spec(
        exported: dict[str, Path], code: str) -> None:
    ds = DATASETS[code]
    path = exported["xpt"] / f"{code.lower()}.xpt"
    frame, meta = pyreadstat.read_xport(str(path))
    assert tuple(meta.column_names) == ds.names
    assert meta.column_labels == [v.label for v in ds.variables]
    assert meta.table_name == code
    assert meta.file_label == ds.label
    types = {"Char": "string", "Num": "double"}
    assert meta.readstat_variable_types == {v.name: types[v.type] for v in ds.variables}
    for v in ds.variables:
        if v.kind == "date":
            assert meta.original_variable_types[v.name] == "DATE9."
        elif v.kind == "datetime":
            assert meta.original_variable_types[v.name] == "DATETIME20."
    assert len(frame) > 0
    # pandas reads the same file: dates as SAS day numbers
    sas = pd.read_sas(path, format="xport", encoding="ascii")
    assert tuple(sas.columns) == ds.names
    assert len(sas) == len(frame)


#: pandas' read_sas reads a SAS zero as the smallest IBM float (pandas-dev/pandas#50670, open);
#: pyreadstat reads the same bytes as 0
PANDAS_ZERO = 5.397605346934028e-79


@pytest.mark.parametrize("code", list(DATASETS))
def test_item3_csv_and_xpt_hold_the_same_values(
        exported: dict[str, Path], tables: dict[str, list[dict[str, str]]], code: str) -> None:
    ds = DATASETS[code]
    path = exported["xpt"] / f"{code.lower()}.xpt"
    raw, _ = pyreadstat.read_xport(str(path), disable_datetime_conversion=True)
    sas = pd.read_sas(path, format="xport", encoding="ascii")
    rows = tables[code]
    assert len(rows) == len(raw) == len(sas)
    for v in ds.variables:
        for text, value, other in zip((r[v.name] for r in rows), raw[v.name], sas[v.name],
                                      strict=True):
            if v.kind == "text":
                assert text == value == other
                continue
            assert (pd.isna(value) and pd.isna(other)) or value == other or (
                value == 0 and other == PANDAS_ZERO)
            if text == "":
                assert pd.isna(value)
            elif v.kind == "number":
                assert Decimal(text) == Decimal(repr(value))
            elif v.kind == "date":
                assert dt.date.fromisoformat(text) == SAS_EPOCH + dt.timedelta(days=value)
            else:
                moment = dt.datetime.fromisoformat(text)
                assert (moment - dt.datetime(1960, 1, 1)).total_seconds() == value


# ---- ADSL -----------------------------------------------------------------------------------


def test_item3_adsl_one_row_per_patient_its_exposure_from_sdtm(
        demo_db: dict[str, Any], tables: dict[str, list[dict[str, str]]],
        tmp_path: Path) -> None:
    from hdil2.registry import interchange

    interchange.export_sdtm(tmp_path, domains=["DM", "EX", "DS"], code_prefix=PREFIX)
    dm = {r["USUBJID"]: r for r in _read_csv(tmp_path / "dm.csv")}
    ex = _read_csv(tmp_path / "ex.csv")
    adsl = tables["ADSL"]
    assert len(adsl) == DEMO_PATIENTS == len(dm)
    for r in adsl:
        d = dm[r["USUBJID"]]
        for name in ("SUBJID", "SITEID", "AGE", "SEX", "ARM", "ACTARM", "DTHFL", "BRTHDTC"):
            assert r[name] == d[name]
        doses = [e for e in ex if e["USUBJID"] == r["USUBJID"]]
        assert int(r["DOSEGIV"]) == len(doses)
        assert Decimal(r["CUMDOSE"]) == sum(Decimal(e["EXDOSE"]) for e in doses)
        assert r["TRTSDT"] == d["RFXSTDTC"][:10]
        assert r["TRTEDT"] == d["RFXENDTC"][:10]
        assert r["TRTSDTM"][:16] == d["RFXSTDTC"]
        assert r["TRTEDTM"][:16] == d["RFXENDTC"]
        assert r["SAFFL"] == "Y"
        assert r["ITTFL"] == "Y"
        assert r["TRT01A"] == r["ACTARM"]
        assert r["DTHDT"] == d["DTHDTC"]
        days = (dt.date.fromisoformat(r["TRTEDT"]) - dt.date.fromisoformat(r["TRTSDT"])).days
        assert int(r["TRTDURD"]) == days + 1


# ---- ADTTE against the registry's survival inputs -------------------------------------------


def _tte(tables: dict[str, list[dict[str, str]]], code: str) -> dict[str, dict[str, str]]:
    return {r["USUBJID"]: r for r in tables["ADTTE"] if r["PARAMCD"] == code}


def test_item3_os_equals_the_registry_cohort(
        tables: dict[str, list[dict[str, str]]],
        cohort_rows: dict[str, dict[str, Any]]) -> None:
    os_rows = _tte(tables, "OS")
    assert len(os_rows) == len(cohort_rows) == DEMO_PATIENTS
    for code, c in cohort_rows.items():
        r = os_rows[f"HDIL2-{code}"]
        assert r["STARTDT"] == str(c["start"])
        # admiral counts both ends (AVAL = ADT - STARTDT + 1); the cohort's times are the
        # difference of the dates, what hdil2.stats' Kaplan-Meier takes
        assert int(r["AVAL"]) == c["os_days"] + 1
        assert int(r["CNSR"]) == (0 if c["os_event"] else 1)


# PFS censoring is the one place the conventions differ: admiral (and the FDA's guidance on
# PFS) censors at the last tumour assessment; the registry cohort's Kaplan-Meier input censors
# at the last date known alive. Events agree exactly.
def test_item3_pfs_events_equal_the_registry_cohort_censoring_differs(
        tables: dict[str, list[dict[str, str]]],
        cohort_rows: dict[str, dict[str, Any]]) -> None:
    pfs = _tte(tables, "PFS")
    adrs = tables["ADRS"]
    censored = 0
    for code, c in cohort_rows.items():
        r = pfs[f"HDIL2-{code}"]
        assert int(r["CNSR"]) == (0 if c["pfs_event"] else 1)
        if c["pfs_event"]:
            assert int(r["AVAL"]) == c["pfs_days"] + 1
            assert r["EVNTDESC"] in ("Disease Progression", "Death")
            continue
        censored += 1
        (lsta,) = [a for a in adrs if a["USUBJID"] == r["USUBJID"] and a["PARAMCD"] == "LSTA"]
        assert (r["ADT"], r["EVNTDESC"], r["SRCDOM"], r["SRCSEQ"]) == \
            (lsta["ADT"], "Last Tumor Assessment", "ADRS", lsta["ASEQ"])
        assert dt.date.fromisoformat(r["ADT"]) <= c["last_known_alive"]
    assert censored >= 1  # the demo cohort has a patient alive without progression


def test_item3_os_kaplan_meier_of_adtte_equals_the_cohorts(
        tables: dict[str, list[dict[str, str]]],
        cohort_rows: dict[str, dict[str, Any]]) -> None:
    from hdil2.stats.kaplan_meier import kaplan_meier

    os_rows = list(_tte(tables, "OS").values())
    ours = kaplan_meier([int(r["AVAL"]) - 1 for r in os_rows],
                        [int(r["CNSR"]) == 0 for r in os_rows])
    cohort = list(cohort_rows.values())
    theirs = kaplan_meier([c["os_days"] for c in cohort], [c["os_event"] for c in cohort])
    assert ours.to_dict() == theirs.to_dict()


# ---- ADRS against the registry's responses ---------------------------------------------------


def test_item3_adrs_ovr_rows_are_the_registry_visit_responses(
        demo_db: dict[str, Any], tables: dict[str, list[dict[str, str]]], tmp_path: Path
        ) -> None:
    from hdil2.registry import interchange

    interchange.export_sdtm(tmp_path, domains=["RS"], code_prefix=PREFIX)
    rs = [r for r in _read_csv(tmp_path / "rs.csv") if r["RSTESTCD"] == "OVRLRESP"]
    ovr = [r for r in tables["ADRS"] if r["PARAMCD"] == "OVR"]
    assert sorted((r["USUBJID"], r["RSDTC"], r["RSSTRESC"], r["RSSEQ"]) for r in rs) == \
        sorted((r["USUBJID"], r["ADT"], r["AVALC"], r["RSSEQ"]) for r in ovr)
    assert {r["PARCAT3"] for r in ovr} == {"NCI"}


def test_item3_adrs_confirmed_bor_equals_the_registry_best_response(
        tables: dict[str, list[dict[str, str]]],
        cohort_rows: dict[str, dict[str, Any]]) -> None:
    cbor = {r["USUBJID"]: r["AVALC"] for r in tables["ADRS"] if r["PARAMCD"] == "CBOR"}
    assert {f"HDIL2-{k}": c["best_response"] for k, c in cohort_rows.items()} == cbor


def test_item3_adrs_sequence_and_parameters(tables: dict[str, list[dict[str, str]]]) -> None:
    by_subject: dict[str, list[dict[str, str]]] = {}
    for r in tables["ADRS"]:
        by_subject.setdefault(r["USUBJID"], []).append(r)
    for rows in by_subject.values():
        assert [int(r["ASEQ"]) for r in rows] == list(range(1, len(rows) + 1))
        once = [r["PARAMCD"] for r in rows if r["PARAMCD"] != "OVR"]
        assert sorted(once) == ["BOR", "CBOR", "CRSP", "LSTA", "PD", "RSP"]


# ---- ADAE ------------------------------------------------------------------------------------


def test_item3_adae_rows_are_the_sdtm_ae_rows_with_the_grade(
        demo_db: dict[str, Any], tables: dict[str, list[dict[str, str]]], tmp_path: Path
        ) -> None:
    from hdil2.registry import interchange

    interchange.export_sdtm(tmp_path, domains=["AE"], code_prefix=PREFIX)
    ae = _read_csv(tmp_path / "ae.csv")
    adae = tables["ADAE"]
    assert len(adae) == len(ae) > 0
    for a, s in zip(adae, ae, strict=True):
        for name in ("USUBJID", "AESEQ", "AETERM", "AEDECOD", "AESTDTC", "AEENDTC", "AESER",
                     "AEREL", "AETOXGR"):
            assert a[name] == s[name]
        assert a["ATOXGR"] == a["AETOXGR"] == a["ATOXGRN"]
        assert a["ASTDT"] == s["AESTDTC"][:10]
        assert a["ASTDTM"].startswith(s["AESTDTC"])
        start = dt.date.fromisoformat(a["ASTDT"])
        first = dt.date.fromisoformat(a["TRTSDT"])
        last = dt.date.fromisoformat(a["TRTEDT"])
        assert a["TRTEMFL"] == ("Y" if first <= start <= last + dt.timedelta(days=30) else "")
        assert int(a["ASTDY"]) == (start - first).days + (1 if start >= first else 0)


# ---- refusals, the command, no Django --------------------------------------------------------


def test_item3_a_bad_value_is_refused_and_nothing_written(tmp_path: Path) -> None:
    row = dict.fromkeys(DATASETS["ADSL"].names)
    good = {**row, "STUDYID": "S", "USUBJID": "S-1", "TRTSDT": dt.date(2020, 1, 1)}
    bad = {**good, "TRTSDT": "2020-01-01"}
    with pytest.raises(InputError) as e:
        write({"ADTTE": [], "ADSL": [good, bad]}, tmp_path / "out")
    assert e.value.field == "ADSL[2].TRTSDT"
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError) as e:
        write({"ADSL": [{**good, "SITEID": "ward ≠ 7"}]}, tmp_path / "out", "xpt")
    assert e.value.field == "ADSL[1].SITEID"
    with pytest.raises(InputError) as e:
        build([], datasets="ADSL,ADXX")
    assert e.value.field == "datasets"


def test_item3_export_adam_command(demo_db: dict[str, Any], tmp_path: Path) -> None:
    from hdil2.cli.invoke import invoke

    db = demo_db["NAME"]
    code, out, err = invoke(["export", "adam", "--db", db, "--out", str(tmp_path / "x"),
                             "--format", "xpt", "--datasets", "adsl,adtte", "--json",
                             "--code-prefix", PREFIX])
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc["datasets"]) == {"ADSL", "ADTTE"}
    assert doc["datasets"]["ADSL"]["rows"] == DEMO_PATIENTS
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["adsl.xpt", "adtte.xpt"]
    for args, field in ((["--format", "sas"], "format"), (["--datasets", "ADSL,ADLB"],
                                                          "datasets")):
        code, out, err = invoke(["export", "adam", "--db", db, "--out", str(tmp_path / "y"),
                                 *args, "--json"])
        assert code == 2
        assert out == ""
        assert json.loads(err)["errors"][0]["field"] == field
    assert not (tmp_path / "y").exists()


def test_item3_interop_adam_builds_and_writes_without_django(tmp_path: Path) -> None:
    code = (
        "import sys, datetime as dt\n"
        "from hdil2.interop.adam import build, write\n"
        "u = dt.timezone.utc\n"
        "p = {'code': 'P1', 'zone': 'UTC', 'courses': [{'number': 1, 'status': 'completed',"
        " 'ended_on': dt.date(2026, 1, 2), 'slots': [{'cycle': 1, 'number': 1,"
        " 'status': 'given', 'scheduled_at': dt.datetime(2026, 1, 1, tzinfo=u),"
        " 'given_at': dt.datetime(2026, 1, 1, tzinfo=u), 'dose_iu': 1}]}]}\n"
        f"write(build([p]), {str(tmp_path)!r}, 'xpt')\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "adae.xpt", "adrs.xpt", "adsl.xpt", "adtte.xpt"]
