"""SDTM QS: the EORTC QLQ-C30 version 3.0 answers out and back in (issue 12 items 2 and 5).

What the expected values rest on, from outside hdil2: SDTMIG 3.4's QS table (variable names,
labels of STUDYID .. QSCAT, types), the QLQ-C30 version 3.0 answer ranges and the scoring
manual's formulas (``eortc-qlq-c30-manual``: items 1-28 answered 1-4, items 29-30 1-7; the
global health status score ``(RS - 1) / 6 x 100``), and the CDISC test codes EOR0101 ..
EOR0130 (codelist C161619, as public SDTM material shows them; see the module's docstring for
what is not verified).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hdil2.clinical.outcomes.qlq_c30 import SCALE, score_scale
from hdil2.interop.sdtm import ImportRefused, build, parse, read_datasets, write
from hdil2.interop.sdtm.spec import ALL_DOMAINS, QS
from hdil2.interop.sdtm.write import xpt_text
from interop.test_sdtm_import_roundtrip import patients

ZONE = "Europe/London"
STUDY = "IL2-QS"
BOTH = ("DM", "QS")
ALL = tuple(ALL_DOMAINS)


def _answers(**given_: int | None) -> dict[int, int | None]:
    a: dict[int, int | None] = dict.fromkeys(range(1, 29), 1) | {29: 4, 30: 4}
    a.update({int(k[1:]): v for k, v in given_.items()})
    return a


def _patient(code: str = "P001", qol: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"code": code, "zone": ZONE, "quality_of_life": qol if qol is not None else [
        {"completed_on": dt.date(2026, 9, 1), "label": "week 12",
         "answers": _answers(q1=2, q2=None, q14=4, q28=3, q29=6, q30=5)},
        {"completed_on": dt.date(2026, 6, 1), "label": "baseline",
         "answers": _answers(q29=None, q30=7)},
    ]}


# ---- layout ------------------------------------------------------------------------------


def test_item2_qs_variables_are_sdtmig_34_names_labels_and_types() -> None:
    # SDTMIG 3.4, QS (Findings): the Req identifiers, then topic, synonym, grouping, results
    assert QS.label == "Questionnaires"
    assert QS.names == ("STUDYID", "DOMAIN", "USUBJID", "QSSEQ", "QSTESTCD", "QSTEST", "QSCAT",
                        "QSORRES", "QSSTRESC", "QSSTRESN", "QSSTAT", "QSREASND", "VISITNUM",
                        "VISIT", "QSDTC")
    labels = {v.name: v.label for v in QS.variables}
    assert labels["QSTESTCD"] == "Question Short Name"
    assert labels["QSTEST"] == "Question Name"
    assert labels["QSCAT"] == "Category of Question"
    assert labels["QSSEQ"] == "Sequence Number"
    types = {v.name: v.type for v in QS.variables}
    assert [n for n, t in types.items() if t == "Num"] == ["QSSEQ", "QSSTRESN", "VISITNUM"]
    lengths = {v.name: v.length for v in QS.variables}
    assert lengths["QSTESTCD"] == 8
    assert lengths["QSTEST"] == 40


def test_item2_qs_rows_of_a_hand_built_patient() -> None:
    rows = build([_patient()], study=STUDY, domains=BOTH)["QS"]
    assert len(rows) == 60  # 30 items x 2 time points
    assert [r["QSTESTCD"] for r in rows[:30]] == [f"EOR01{i:02d}" for i in range(1, 31)]
    assert [r["QSSEQ"] for r in rows] == list(range(1, 61))
    # time points by date: baseline (June) first, visit 1
    assert {(r["VISITNUM"], r["VISIT"], r["QSDTC"]) for r in rows[:30]} == {
        (1, "baseline", "2026-06-01")}
    assert {(r["VISITNUM"], r["VISIT"], r["QSDTC"]) for r in rows[30:]} == {
        (2, "week 12", "2026-09-01")}
    assert {r["QSCAT"] for r in rows} == {"EORTC QLQ-C30 V3.0"}
    assert {r["DOMAIN"] for r in rows} == {"QS"}
    assert {r["USUBJID"] for r in rows} == {f"{STUDY}-P001"}
    week12 = {int(r["QSTESTCD"][-2:]): r for r in rows[30:]}
    # an answer: the questionnaire's words of 1-4, the number in the standard results
    assert (week12[1]["QSORRES"], week12[1]["QSSTRESC"], week12[1]["QSSTRESN"]) == (
        "A little", "2", Decimal(2))
    assert week12[3]["QSORRES"] == "Not at all"
    assert week12[28]["QSORRES"] == "Quite a bit"
    assert week12[14]["QSORRES"] == "Very much"
    # items 29 and 30 are a 1-7 scale: the number itself
    assert (week12[29]["QSORRES"], week12[29]["QSSTRESN"]) == ("6", Decimal(6))
    assert (week12[30]["QSORRES"], week12[30]["QSSTRESC"]) == ("5", "5")
    # an item not answered: no result, QSSTAT NOT DONE
    assert (week12[2]["QSORRES"], week12[2]["QSSTRESC"], week12[2]["QSSTRESN"],
            week12[2]["QSSTAT"]) == ("", "", None, "NOT DONE")
    assert all(r["QSSTAT"] == "" for n, r in week12.items() if n != 2)
    baseline = {int(r["QSTESTCD"][-2:]): r for r in rows[:30]}
    assert baseline[29]["QSSTAT"] == "NOT DONE"
    assert baseline[30]["QSORRES"] == "7"
    assert all(r["QSREASND"] == "" for r in rows)


def test_item2_qs_test_names_are_neutral_and_fit() -> None:
    rows = build([_patient()], study=STUDY, domains=BOTH)["QS"]
    assert rows[0]["QSTEST"] == "QLQ-C30 item 1"
    assert rows[29]["QSTEST"] == "QLQ-C30 item 30"
    assert all(len(r["QSTEST"]) <= 40 and len(r["QSTESTCD"]) <= 8 for r in rows)


def test_item2_qs_is_written_only_when_asked_for_until_the_registry_carries_it() -> None:
    assert "QS" not in build([_patient()], study=STUDY)
    assert build([{"code": "P9", "zone": ZONE}], study=STUDY, domains=BOTH)["QS"] == []


@pytest.mark.parametrize("bad", [0, 5, True, "2", Decimal(2)])
def test_item2_an_answer_outside_its_item_is_refused_on_export(bad: Any) -> None:
    from hdil2.core.errors import InputError

    p = _patient(qol=[{"completed_on": dt.date(2026, 6, 1), "label": "baseline",
                       "answers": _answers(q7=bad)}])
    with pytest.raises(InputError, match=r"answers\.7"):
        build([p], study=STUDY, domains=BOTH)


def test_item2_qs_xpt_carries_the_sdtmig_labels(tmp_path: Path) -> None:
    write(build([_patient()], study=STUDY, domains=BOTH), tmp_path, "xpt")
    df, meta = pyreadstat.read_xport(str(tmp_path / "qs.xpt"))
    assert tuple(df.columns) == QS.names
    assert meta.file_label == "Questionnaires"
    assert meta.table_name == "QS"
    assert meta.column_names_to_labels == {v.name: v.label for v in QS.variables}
    assert len(df) == 60


def test_item2_global_health_status_of_the_answers_read_back() -> None:
    # the manual's global health status QL2: RS = mean(item 29, item 30) = (6 + 5) / 2 = 5.5;
    # S = (RS - 1) / 6 x 100 = 75
    with tempfile.TemporaryDirectory() as tmp:
        write(build([_patient()], study=STUDY, domains=BOTH), tmp, "csv")
        (back,) = parse(read_datasets(tmp), zone=ZONE)
    week12 = back["quality_of_life"][1]
    assert week12["label"] == "week 12"
    assert score_scale(SCALE["QL2"], week12["answers"]).score == Decimal("75.00")
    # baseline: item 29 not answered, item 30 = 7: one item of two is half, so scored from 7:
    # (7 - 1) / 6 x 100 = 100
    assert score_scale(SCALE["QL2"], back["quality_of_life"][0]["answers"]).score == Decimal(
        "100.00")


# ---- the round trip ----------------------------------------------------------------------


def test_item5_parse_gives_back_the_questionnaires() -> None:
    p = _patient()
    with tempfile.TemporaryDirectory() as tmp:
        write(build([p], study=STUDY, domains=BOTH), tmp, "csv")
        (back,) = parse(read_datasets(tmp), zone=ZONE)
    assert back["quality_of_life"] == sorted(p["quality_of_life"],
                                             key=lambda q: q["completed_on"])
    for q in back["quality_of_life"]:
        assert list(q["answers"]) == list(range(1, 31))
        assert all(a is None or type(a) is int for a in q["answers"].values())


_ANSWER = {i: st.one_of(st.none(), st.integers(1, 7 if i >= 29 else 4)) for i in range(1, 31)}
_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 -", min_size=1,
                 max_size=40).map(str.strip).filter(bool)


@st.composite
def _questionnaires(draw: st.DrawFn) -> list[dict[str, Any]]:
    keys = draw(st.lists(st.tuples(st.integers(0, 400), _LABEL), unique=True, max_size=3))
    return [{"completed_on": dt.date(2025, 3, 1) + dt.timedelta(days=d), "label": label,
             "answers": {i: draw(s) for i, s in _ANSWER.items()}} for d, label in keys]


@st.composite
def _with_qol(draw: st.DrawFn) -> list[dict[str, Any]]:
    return [p | {"quality_of_life": draw(_questionnaires())} for p in draw(patients())]


def _round_trip(records: list[dict[str, Any]], tmp: Path, fmt: str) -> None:
    first = build(records, study=STUDY, domains=ALL)
    write(first, tmp / "a", fmt)  # type: ignore[arg-type]
    parsed = parse(read_datasets(tmp / "a", fmt), zone=ZONE)
    for p, q in zip(sorted(records, key=lambda r: r["code"]), parsed, strict=True):
        assert q["quality_of_life"] == sorted(
            p["quality_of_life"], key=lambda x: (x["completed_on"], x["label"]))
    again = build(parsed, study=STUDY, domains=ALL)
    if fmt == "csv":
        assert again == first
        write(again, tmp / "b", "csv")
        for code in ALL:
            name = f"{code.lower()}.csv"
            assert (tmp / "a" / name).read_bytes() == (tmp / "b" / name).read_bytes(), code
    else:
        def shown(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
            return {c: [{k: xpt_text(v).rstrip() if isinstance(v, str) else v
                         for k, v in r.items()} for r in rs] for c, rs in rows.items()}
        assert shown(again) == shown(first)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_with_qol())
def test_item5_any_registry_with_questionnaires_survives_sdtm_csv_and_back(
        records: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _round_trip(records, Path(tmp), "csv")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_with_qol())
def test_item5_any_registry_with_questionnaires_survives_sdtm_xpt_and_back(
        records: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _round_trip(records, Path(tmp), "xpt")


# ---- malformed QS files --------------------------------------------------------------------


def _files(tmp: Path, edit: Any) -> Path:
    """hdil2's DM and QS of the hand-built patient as CSV, the QS rows changed by ``edit``."""
    write(build([_patient()], study=STUDY, domains=BOTH), tmp, "csv")
    path = tmp / "qs.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else list(QS.names))
        w.writeheader()
        w.writerows(rows)
    return tmp


def _refused(tmp: Path, edit: Any) -> list[tuple[str, int, str]]:
    with pytest.raises(ImportRefused) as e:
        parse(read_datasets(_files(tmp, edit)), zone=ZONE)
    return [(p.file, p.row, p.column) for p in e.value.problems]


def _set(row_no: int, **values: str) -> Any:
    def edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows[row_no - 1].update(values)
        return rows
    return edit


@pytest.mark.parametrize(("row", "values", "column"), [
    (1, {"QSSTRESN": "5", "QSSTRESC": "5", "QSORRES": "5"}, "QSSTRESN"),  # item 1: 1-4
    (1, {"QSSTRESN": "", "QSSTRESC": "0", "QSORRES": ""}, "QSSTRESC"),
    (29, {"QSSTRESN": "8", "QSSTRESC": "", "QSORRES": ""}, "QSSTRESN"),  # item 29: 1-7
    (30, {"QSSTRESN": "", "QSSTRESC": "", "QSORRES": "8"}, "QSORRES"),
    (1, {"QSSTRESN": "", "QSSTRESC": "", "QSORRES": "Extremely"}, "QSORRES"),
    (1, {"QSSTRESN": "2.5", "QSSTRESC": "", "QSORRES": ""}, "QSSTRESN"),
])
def test_item5_an_answer_out_of_range_is_refused_naming_file_row_column(
        tmp_path: Path, row: int, values: dict[str, str], column: str) -> None:
    assert ("qs.csv", row, column) in _refused(tmp_path, _set(row, **values))


def test_item5_results_that_disagree_are_refused(tmp_path: Path) -> None:
    # row 31: week 12, item 1, answered 2 ("A little")
    assert ("qs.csv", 31, "QSORRES") in _refused(tmp_path, _set(31, QSORRES="Very much"))


def test_item5_an_unknown_test_code_is_refused(tmp_path: Path) -> None:
    assert _refused(tmp_path, _set(5, QSTESTCD="EOR0131")) == [("qs.csv", 5, "QSTESTCD")]


def test_item5_an_item_twice_at_one_time_point_is_refused(tmp_path: Path) -> None:
    def twice(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        extra = dict(rows[2], QSSEQ="99")
        return [*rows, extra]
    assert _refused(tmp_path, twice) == [("qs.csv", 61, "QSTESTCD")]


def test_item5_a_result_beside_not_done_is_refused(tmp_path: Path) -> None:
    assert _refused(tmp_path, _set(1, QSSTAT="NOT DONE")) == [("qs.csv", 1, "QSSTAT")]


def test_item5_a_time_point_without_its_name_or_date_is_refused(tmp_path: Path) -> None:
    assert ("qs.csv", 4, "VISIT") in _refused(tmp_path, _set(4, VISIT=""))
    assert ("qs.csv", 4, "QSDTC") in _refused(tmp_path / "b", _set(4, QSDTC="2026-6-1"))
    assert ("qs.csv", 4, "VISIT") in _refused(tmp_path / "c", _set(4, VISIT="x" * 41))


def test_item5_a_qs_file_without_a_required_variable_is_refused(tmp_path: Path) -> None:
    def drop(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [{k: v for k, v in r.items() if k != "QSCAT"} for r in rows]
    assert ("qs.csv", 0, "QSCAT") in _refused(tmp_path, drop)


def test_item5_a_subject_without_dm_is_refused(tmp_path: Path) -> None:
    assert ("qs.csv", 7, "USUBJID") in _refused(tmp_path, _set(7, USUBJID="IL2-QS-P404"))


def test_item5_questionnaire_not_done_and_other_questionnaires_are_listed_not_kept(
        tmp_path: Path) -> None:
    def add(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        base = dict.fromkeys(rows[0], "") | {"STUDYID": STUDY, "DOMAIN": "QS",
                                             "USUBJID": rows[0]["USUBJID"]}
        return [*rows,
                base | {"QSSEQ": "100", "QSTESTCD": "QSALL", "QSTEST": "Questionnaires",
                        "QSCAT": "EORTC QLQ-C30 V3.0", "QSSTAT": "NOT DONE",
                        "QSREASND": "SUBJECT REFUSED", "VISIT": "week 24",
                        "QSDTC": "2026-12-01"},
                base | {"QSSEQ": "101", "QSTESTCD": "ACITM01", "QSTEST": "Word Recall Task",
                        "QSCAT": "ALZHEIMER'S DISEASE ASSESSMENT SCALE", "QSORRES": "4",
                        "QSSTRESC": "4", "QSSTRESN": "4", "VISIT": "WEEK 8",
                        "QSDTC": "2026-08-01"}]
    notes: list[Any] = []
    (back,) = parse(read_datasets(_files(tmp_path, add)), zone=ZONE, notes=notes)
    assert [(n.row, n.column) for n in notes] == [(61, "QSTESTCD"), (62, "QSCAT")]
    assert [q["label"] for q in back["quality_of_life"]] == ["baseline", "week 12"]


def test_item5_items_without_rows_are_not_answered(tmp_path: Path) -> None:
    # another study's file may leave the items not answered out instead of NOT DONE rows
    def only_answered(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [r for r in rows if r["QSSTAT"] != "NOT DONE"]
    (back,) = parse(read_datasets(_files(tmp_path, only_answered)), zone=ZONE)
    assert back["quality_of_life"] == sorted(_patient()["quality_of_life"],
                                             key=lambda q: q["completed_on"])
