"""SDTM import refuses a bad file whole, naming file, row and column (issue 12 item 5).

Each malformed file starts as hdil2's own export of one patient (dosed, with a toxicity, labs,
a scan and a response) and gets one fault; the reasons are the ones the contract of the import
states. Hypothesis: whatever a row holds, parsing answers records or refuses with
``ImportRefused``, never another exception.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import string
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hdil2.core.errors import InputError
from hdil2.interop.sdtm import ImportRefused, build, parse, read_datasets, write

UTC = dt.UTC
ZONE = "Europe/London"
FIRST = dt.datetime(2026, 6, 14, 19, 0, tzinfo=UTC)


def _record() -> dict[str, Any]:
    slots = [{"cycle": 1, "number": n, "status": s,
              "scheduled_at": FIRST + dt.timedelta(hours=8 * n),
              "given_at": FIRST + dt.timedelta(hours=8 * n) if s == "given" else None,
              "dose_iu": Decimal(50_400_000) if s == "given" else None,
              "reason": "" if s == "given" else "systolic BP < 90 mmHg"}
             for n, s in ((1, "given"), (2, "held"), (3, "given"))]
    return {
        "code": "P001", "site": "ward 7", "sex": "female", "birth_date": dt.date(1950, 6, 15),
        "disease": "rcc", "histology": "clear_cell", "zone": ZONE,
        "courses": [{"number": 1, "status": "completed", "ended_on": dt.date(2026, 6, 20),
                     "discontinuation_reason": "", "slots": slots}],
        "toxicities": [{"term": "Hypotension", "grade": 3, "onset_at": FIRST,
                        "resolved_at": None, "attribution": "probable", "serious": False}],
        "observations": [{"kind": "lab", "code": "creatinine", "taken_at": FIRST,
                          "value": Decimal("1.1"), "unit": "mg/dL", "unit_canonical": "mg/dL",
                          "lln": None, "uln": Decimal("1.2")}],
        "responses": [{"criteria": "recist1.1", "kind": "visit",
                       "assessed_on": dt.date(2026, 8, 1), "response": "PR", "visitnum": 2,
                       "visit": "week 8"}],
        "scans": [{"key": 1, "date": dt.date(2026, 6, 1), "modality": "ct", "label": "baseline",
                   "visitnum": 1},
                  {"key": 2, "date": dt.date(2026, 8, 1), "modality": "ct", "label": "week 8",
                   "visitnum": 2}],
        "lesions": [{"lesion_id": "T01", "kind": "target", "organ": "lung", "first_scan": 1}],
        "measurements": [{"scan": 1, "lesion": "T01", "status": "present",
                          "longest_mm": Decimal(30)},
                         {"scan": 2, "lesion": "T01", "status": "present",
                          "longest_mm": Decimal(18)}],
        "followups": [],
    }


@pytest.fixture
def files(tmp_path: Path) -> Path:
    write(build([_record()], study="S1"), tmp_path, "csv")
    return tmp_path


def _edit(path: Path, change: Callable[[list[str], list[list[str]]], None]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    change(header, rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([header, *rows])


def _set(path: Path, row: int, column: str, value: str) -> None:
    def change(header: list[str], rows: list[list[str]]) -> None:
        rows[row - 1][header.index(column)] = value
    _edit(path, change)


def _where(e: pytest.ExceptionInfo[ImportRefused]) -> list[tuple[str, int, str]]:
    return [(p.file, p.row, p.column) for p in e.value.problems]


def _import(files: Path, **kw: Any) -> list[dict[str, Any]]:
    return parse(read_datasets(files), zone=ZONE, **kw)


def test_item5_the_unchanged_export_imports(files: Path) -> None:
    (p,) = _import(files)
    assert p["code"] == "P001"
    assert [s["status"] for s in p["courses"][0]["slots"]] == ["given", "held", "given"]


def test_item5_unknown_domain_is_refused_naming_the_file(files: Path) -> None:
    (files / "xx.csv").write_text('"STUDYID","DOMAIN","USUBJID"\n"S1","XX","S1-P001"\n',
                                  encoding="utf-8")
    with pytest.raises(ImportRefused) as e:
        read_datasets(files)
    assert _where(e) == [("xx.csv", 0, "DOMAIN")]
    assert e.value.problems[0].value == "XX"
    assert isinstance(e.value, InputError)  # the CLI answers exit status 2


def test_item5_missing_required_variable_is_refused_naming_it(files: Path) -> None:
    def drop_sex(header: list[str], rows: list[list[str]]) -> None:
        k = header.index("SEX")
        del header[k]
        for r in rows:
            del r[k]
    _edit(files / "dm.csv", drop_sex)
    with pytest.raises(ImportRefused) as e:
        read_datasets(files)
    assert _where(e) == [("dm.csv", 0, "SEX")]


def test_item5_wrong_type_is_refused_naming_row_and_column(files: Path) -> None:
    _set(files / "ex.csv", 2, "EXDOSE", "fifty million")
    with pytest.raises(ImportRefused) as e:
        read_datasets(files)
    assert _where(e) == [("ex.csv", 2, "EXDOSE")]
    assert e.value.problems[0].reason == "a number (a numeric variable)"


def test_item5_a_dose_for_an_unknown_subject_is_refused(files: Path) -> None:
    for domain in ("ex", "ec"):
        _set(files / f"{domain}.csv", 1, "USUBJID", "S1-P999")
    with pytest.raises(ImportRefused) as e:
        _import(files)
    assert _where(e) == [("ex.csv", 1, "USUBJID"), ("ec.csv", 1, "USUBJID")]
    assert e.value.problems[0].reason == "a subject of DM (every subject needs a DM row)"


def test_item5_a_date_that_is_not_iso_8601_is_refused(files: Path) -> None:
    _set(files / "ae.csv", 1, "AESTDTC", "14/06/2026 20:00")
    _set(files / "lb.csv", 1, "LBDTC", "2026-06-31")  # ISO's shape, a day that does not exist
    with pytest.raises(ImportRefused) as e:
        read_datasets(files)
    assert _where(e) == [("ae.csv", 1, "AESTDTC")]  # not ISO 8601's shape: refused on reading
    _set(files / "ae.csv", 1, "AESTDTC", "2026-06-14T20:00")
    with pytest.raises(ImportRefused) as e:
        _import(files)
    assert _where(e) == [("lb.csv", 1, "LBDTC")]
    assert "exists" in e.value.problems[0].reason


def test_item5_a_time_the_clocks_skip_is_refused(files: Path) -> None:
    _set(files / "ex.csv", 1, "EXSTDTC", "2026-03-29T01:30")  # London springs 01:00 -> 02:00
    with pytest.raises(ImportRefused) as e:
        _import(files)
    assert ("ex.csv", 1, "EXSTDTC") in _where(e)


def test_item5_another_treatment_is_refused_with_the_contracts_reason(files: Path) -> None:
    _set(files / "ex.csv", 2, "EXTRT", "PEMBROLIZUMAB")
    with pytest.raises(ImportRefused) as e:
        _import(files)
    assert _where(e) == [("ex.csv", 2, "EXTRT")]
    assert e.value.problems[0].reason == ("hdil2 records aldesleukin doses only; EXTRT "
                                          "PEMBROLIZUMAB is another study's treatment")


def test_item5_several_evaluators_unchosen_are_refused_naming_the_column(files: Path) -> None:
    def second_reader(header: list[str], rows: list[list[str]]) -> None:
        other = list(rows[-1])
        other[header.index("TREVAL")] = "INDEPENDENT ASSESSOR"
        other[header.index("TRSEQ")] = "99"
        rows.append(other)
    _edit(files / "tr.csv", second_reader)
    with pytest.raises(ImportRefused) as e:
        _import(files)
    assert _where(e) == [("tr.csv", 3, "TREVAL")]
    (p,) = _import(files, evaluator="INVESTIGATOR")
    assert len(p["measurements"]) == 2
    with pytest.raises(ImportRefused) as e:  # that reader identified no lesion in TU
        _import(files, evaluator="INDEPENDENT ASSESSOR")
    assert _where(e) == [("tr.csv", 3, "TRLNKID")]


def test_item5_duplicate_sequence_number_is_refused(files: Path) -> None:
    _set(files / "ec.csv", 2, "ECSEQ", "1")
    with pytest.raises(ImportRefused) as e:
        read_datasets(files)
    assert _where(e) == [("ec.csv", 2, "ECSEQ")]


def test_item5_every_problem_is_collected_not_only_the_first(files: Path) -> None:
    _set(files / "ex.csv", 1, "EXTRT", "PLACEBO")
    _set(files / "ae.csv", 1, "AETOXGR", "7")
    _set(files / "dm.csv", 1, "SEX", "X")
    with pytest.raises(ImportRefused) as e:
        _import(files)
    assert sorted(_where(e)) == [("ae.csv", 1, "AETOXGR"), ("dm.csv", 1, "SEX"),
                                 ("ex.csv", 1, "EXTRT")]
    assert e.value.to_dict()["errors"][0]["field"] == "dm.csv[1].SEX"


def test_item5_a_registry_code_that_is_not_pseudonymous_is_refused(files: Path) -> None:
    for name in ("dm", "suppdm", "ex", "ec", "ae", "lb", "ds", "tu", "tr", "rs"):
        def rename(header: list[str], rows: list[list[str]]) -> None:
            for r in rows:
                r[header.index("USUBJID")] = "S1-Jane Doe"
        _edit(files / f"{name}.csv", rename)
    with pytest.raises(ImportRefused) as e:
        _import(files)
    assert _where(e)[0] == ("dm.csv", 1, "USUBJID")


# ---- Hypothesis: any mutation of a row is answered or refused, never a crash -------------------

_ANY = st.one_of(
    st.just(""), st.text(alphabet=string.printable, max_size=12),
    st.sampled_from(["2026-06-14", "2026-06", "2026", "2026-06-14T20", "2026-06-14T25:00",
                     "2026-02-30", "ALDESLEUKIN", "Y", "N", "C1-Y1-D01", "C0-Y0-D00", "COURSE 1",
                     "NOT GIVEN", "HELD: x", "TARGET", "LDIAM", "TUMSTATE", "OVRLRESP", "PD",
                     "-1", "1e400", "NaN", "0", "IU", "S1-P001", "S1-", "DM"]),
    st.decimals(allow_nan=True, allow_infinity=True), st.none(), st.integers())


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("sdtm")
    write(build([_record()], study="S1"), out, "csv")
    return dict(read_datasets(out))


@settings(max_examples=300, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_item5_parse_answers_or_refuses_any_mutated_row(
        exported: dict[str, list[dict[str, Any]]], data: st.DataObject) -> None:
    datasets = {c: [dict(r) for r in rows] for c, rows in exported.items()}
    for _ in range(data.draw(st.integers(1, 4))):
        code = data.draw(st.sampled_from(sorted(c for c in datasets if datasets[c])))
        row = data.draw(st.sampled_from(datasets[code]))
        column = data.draw(st.sampled_from(sorted(row)))
        row[column] = data.draw(_ANY)
    kw = data.draw(st.fixed_dictionaries({}, optional={
        "evaluator": st.sampled_from(["INVESTIGATOR", "X"]),
        "partial_dates": st.just("first"), "criteria": st.just("recist1.1")}))
    with contextlib.suppress(ImportRefused):
        parse(datasets, zone=ZONE, **kw)


@settings(max_examples=60, deadline=None)
@given(cell=st.text(alphabet=string.printable + "éµ\u2265", max_size=20),
       which=st.sampled_from(["dm", "ex", "ec", "ae", "lb", "ds", "tu", "tr", "rs"]),
       column=st.integers(0, 20))
def test_item5_read_answers_or_refuses_any_mutated_csv_cell(cell: str, which: str,
                                                            column: int) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        write(build([_record()], study="S1"), base, "csv")

        def change(header: list[str], rows: list[list[str]]) -> None:
            rows[0][column % len(header)] = cell
        _edit(base / f"{which}.csv", change)
        with contextlib.suppress(ImportRefused):
            parse(read_datasets(base), zone=ZONE)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
                                   Decimal("-Infinity"), Decimal("1E+400"), Decimal("-1")],
                         ids=str)
def test_item5_a_number_no_file_should_hold_is_refused_not_a_crash(
        exported: dict[str, list[dict[str, Any]]], value: Decimal) -> None:
    """A SAS transport file can hold infinities; huge and negative numbers are refused where
    the registry cannot keep them (a dose, a visit number, a diameter)."""
    from hdil2.interop.sdtm import DOMAINS

    refused = 0
    for code, rows in exported.items():
        for v in DOMAINS[code].variables:
            if v.type != "Num" or not rows:
                continue
            datasets = {c: [dict(r) for r in rs] for c, rs in exported.items()}
            datasets[code][0][v.name] = value
            try:
                parse(datasets, zone=ZONE)
            except ImportRefused:
                refused += 1
    assert refused >= 3  # EXDOSE, ECDOSE, VISITNUM at least


def test_item5_a_scan_without_a_date_is_refused(files: Path) -> None:
    _set(files / "tu.csv", 1, "TUDTC", "")

    def no_baseline_measurement(header: list[str], rows: list[list[str]]) -> None:
        del rows[0]  # TR's row of the baseline scan
    _edit(files / "tr.csv", no_baseline_measurement)
    with pytest.raises(ImportRefused) as e:
        _import(files)
    assert _where(e) == [("tu.csv", 1, "TUDTC")]
