"""Lee et al. 2000 (lee2000) Tables 2-5 reproduced from a patient-level cohort, and the internal
inconsistencies of the printed tables (docs/course-policy.md), each as a test.

The cohort (``data/lee2000_cohort.csv``, built by ``data/make_lee2000_cohort.py``) has one row
per patient; :func:`hdil2.clinical.response.tempo.tempo_tables` — the function the registry and the
simulator call — must give back every printed count.
"""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from hdil2.clinical.response.next_course import CourseRecord, advise
from hdil2.clinical.response.tempo import PatientCourses, responders_traced, tempo_tables
from hdil2.core.errors import InputError

DATA = Path(__file__).resolve().parent / "data" / "lee2000_cohort.csv"


def load() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


ROWS = load()
PATIENTS = [PatientCourses(r["patient"], r["disease"], tuple(r["course_responses"].split(";")),
                           r["stop_reason"]) for r in ROWS]
TABLES = tempo_tables(PATIENTS)

# Tables 3 and 4 as printed (lee2000; "—" = 0).  transition: row -> counts by column.
PRINTED: dict[str, dict[int, dict[str, Any]]] = {
    "melanoma": {
        1: {"treated": 149, "response": {"NR": 128, "MR": 0, "PR": 18, "CR": 3}},
        2: {"treated": 63, "by_status": {"NR": 43, "PR": 17, "CR": 3},
            "columns": ["NR", "PR", "CR"],
            "rows": {"NR": [41, 0, 0], "MR": [0, 0, 0], "PR": [2, 16, 0], "CR": [0, 1, 3]}},
        3: {"treated": 20, "by_status": {"NR": 8, "PR": 11, "CR": 1},
            "columns": ["NR", "PR", "CR"],
            "rows": {"NR": [8, 0, 0], "MR": [0, 0, 0], "PR": [0, 10, 0], "CR": [0, 1, 1]}},
        4: {"treated": 4, "by_status": {"NR": 1, "PR": 3}, "columns": ["NR", "PR"],
            "rows": {"NR": [1, 0], "PR": [0, 3], "CR": [0, 0]}},
    },
    "rcc": {
        1: {"treated": 201, "response": {"NR": 166, "MR": 1, "PR": 30, "CR": 4}},
        2: {"treated": 96, "by_status": {"NR": 63, "MR": 1, "PR": 28, "CR": 4},
            "columns": ["NR", "MR", "PR", "CR"],
            "rows": {"NR": [60, 0, 0, 0], "MR": [1, 0, 0, 0], "PR": [2, 1, 25, 0],
                     "CR": [0, 0, 3, 4]}},
        3: {"treated": 38, "by_status": {"NR": 9, "MR": 1, "PR": 21, "CR": 7},
            "columns": ["NR", "MR", "PR", "CR"],
            "rows": {"NR": [9, 0, 0, 0], "MR": [0, 0, 0, 0], "PR": [0, 0, 13, 0],
                     "CR": [0, 1, 8, 7]}},
        4: {"treated": 10, "by_status": {"NR": 1, "PR": 7, "CR": 2},
            "columns": ["NR", "PR", "CR"],
            "rows": {"NR": [1, 0, 0], "PR": [0, 5, 0], "CR": [0, 2, 2]}},
    },
}
# Table 5 as printed, read with Death in column 1 and CR in columns 2-4 (reconstruction A)
TABLE5_PRINTED = {
    "progressive_disease": [176, 77, 17, 6],
    "il2_toxicity": [8, 5, 1, 1],
    "death": [3, 0, 0, 0],
    "complete_response": [0, 4, 19, 1],
    "other": [4, 15, 6, 7],
}
TABLE2 = {"melanoma": {"n": 149, "CR": 10, "PR": 13, "ORR_pct": "15.4"},
          "rcc": {"n": 201, "CR": 18, "PR": 20, "ORR_pct": "19.0"}}

CASES_34 = [(d, k) for d, courses in PRINTED.items() for k in courses]


@pytest.mark.parametrize(("disease", "course"), CASES_34)
def test_tables_3_and_4_every_printed_count(disease: str, course: int) -> None:
    printed = PRINTED[disease][course]
    got = TABLES.by_disease[disease][course - 1]
    assert got.course == course
    assert got.treated == printed["treated"]
    if course == 1:
        assert dict(got.response) == printed["response"]
        return
    for status, n in got.treated_by_status.items():
        assert n == printed["by_status"].get(status, 0)
    cols = printed["columns"]
    for row in ("NR", "MR", "PR", "CR"):
        printed_row = printed["rows"].get(row, [0] * len(cols))
        for col in ("NR", "MR", "PR", "CR"):
            expected = printed_row[cols.index(col)] if col in cols else 0
            assert got.transition[row][col] == expected, (row, col)


def test_every_transition_column_sums_to_treated_by_status() -> None:
    # consistent check of docs/course-policy.md, on the printed tables themselves
    for courses in PRINTED.values():
        for k, t in courses.items():
            if k == 1:
                assert sum(t["response"].values()) == t["treated"]
                continue
            assert sum(t["by_status"].values()) == t["treated"]
            for j, col in enumerate(t["columns"]):
                assert sum(r[j] for r in t["rows"].values()) == t["by_status"][col]


def test_table5_reproduced_except_the_two_other_cells() -> None:
    got = {r: list(c) for r, c in TABLES.discontinuation.items()}
    assert TABLES.still_on_treatment == 0
    for reason, printed in TABLE5_PRINTED.items():
        if reason == "other":
            continue
        assert got[reason] == printed, reason
    # inconsistency 2: the fixture needs Other = 7 after course 3 and 6 after course 4
    assert got["other"] == [4, 15, 7, 6]
    assert TABLE5_PRINTED["other"] == [4, 15, 6, 7]


def test_inconsistency_2_table5_column_totals() -> None:
    printed_totals = [sum(TABLE5_PRINTED[r][k] for r in TABLE5_PRINTED) for k in range(4)]
    assert printed_totals == [191, 101, 43, 15]
    # patients who stopped after course k = treated in k minus treated in k+1 (Tables 3 + 4)
    treated = [sum(PRINTED[d][k]["treated"] for d in PRINTED) for k in (1, 2, 3, 4)]
    expected = [treated[0] - treated[1], treated[1] - treated[2], treated[2] - treated[3],
                treated[3]]
    assert expected == [191, 101, 44, 14]
    assert sum(printed_totals) == sum(expected) == 350  # the grand total matches
    got_totals = [sum(TABLES.discontinuation[r][k] for r in TABLES.discontinuation)
                  for k in range(4)]
    assert got_totals == expected


def test_inconsistency_1_melanoma_complete_responses() -> None:
    traced = responders_traced(p for p in PATIENTS if p.disease == "melanoma")
    assert traced == {"CR": 5, "PR": 18}  # 3 after course 1, 1 in course 2, 1 in course 3
    assert (TABLE2["melanoma"]["CR"], TABLE2["melanoma"]["PR"]) == (10, 13)
    assert traced["CR"] + traced["PR"] == TABLE2["melanoma"]["CR"] + TABLE2["melanoma"]["PR"]
    # the fixture explains the 5 missing CRs as late regressions after the last course
    final = [r["final_response"] for r in ROWS if r["disease"] == "melanoma"]
    assert (final.count("CR"), final.count("PR")) == (10, 13)


def test_rcc_traced_responders_match_table2() -> None:
    traced = responders_traced(p for p in PATIENTS if p.disease == "rcc")
    assert traced == {"CR": 18, "PR": 20}
    assert traced == {k: TABLE2["rcc"][k] for k in ("CR", "PR")}
    # 38 = 34 after course 1 + 2 NR→PR + 1 MR→PR in course 2 + 1 NR→MR→CR in course 3
    t = TABLES.by_disease["rcc"]
    after1 = t[0].response["PR"] + t[0].response["CR"]
    assert after1 == 34
    assert after1 + t[1].transition["PR"]["NR"] + t[1].transition["PR"]["MR"] \
        + t[2].transition["CR"]["MR"] == 38


def test_melanoma_responders_after_course_1() -> None:
    # "21 of 23 with melanoma ... developed at least PRs after the first course"; 90 % overall
    t = TABLES.by_disease["melanoma"]
    after1 = t[0].response["PR"] + t[0].response["CR"]
    assert after1 == 21
    assert after1 + t[1].transition["PR"]["NR"] == 23
    assert round(Fraction(21 + 34, 23 + 38) * 100) == 90


def test_inconsistency_3_cr_discontinuations() -> None:
    # patients whose last traced status is CR, by courses completed
    by_course = [0, 0, 0, 0]
    for p in PATIENTS:
        if p.statuses[-1] == "CR":
            by_course[len(p.responses) - 1] += 1
    assert by_course == [0, 3, 16, 4]
    assert sum(by_course) == 23
    assert TABLE5_PRINTED["complete_response"] == [0, 4, 19, 1]
    assert sum(TABLE5_PRINTED["complete_response"]) == 24
    assert TABLE2["melanoma"]["CR"] + TABLE2["rcc"]["CR"] == 28


def test_inconsistency_4_other_is_exactly_the_32_unascertainable() -> None:
    # the text: "Other" covered intolerance and refusal AND 32 patients with unknown reasons
    assert sum(TABLE5_PRINTED["other"]) == 32
    assert sum(TABLES.discontinuation["other"]) == 32  # no room left for intolerance/refusal


def test_inconsistency_5_consolidation_twice() -> None:
    # the 4 RCC CRs after course 1 had course 2 (their consolidation), stayed CR, and all 7 RCC
    # CRs after course 2 received course 3: the text's rule would have stopped 4 of them
    rcc = TABLES.by_disease["rcc"]
    assert rcc[1].transition["CR"]["CR"] == 4
    assert rcc[2].treated_by_status["CR"] == 7
    history = [CourseRecord(discharge_date=f"2000-0{i}-05", response="CR")  # type: ignore[arg-type]
               for i in (1, 4)]
    assert advise(history).value == "stop"
    assert advise(history, overrides={"consolidation_courses": 2}).value == \
        "consolidation_course"


def test_inconsistency_6_rcc_orr_rounding() -> None:
    orr = Fraction(38, 201) * 100
    assert f"{float(orr):.1f}" == "18.9"
    assert TABLE2["rcc"]["ORR_pct"] == "19.0"
    # 19.0 = 9.0 % CR + 10.0 % PR, each rounded first
    assert f"{float(Fraction(18, 201) * 100):.1f}" == "9.0"
    assert f"{float(Fraction(20, 201) * 100):.1f}" == "10.0"
    assert f"{float(Fraction(23, 149) * 100):.1f}" == TABLE2["melanoma"]["ORR_pct"]


def test_no_response_to_third_course_after_two_nr() -> None:
    # 8 melanoma + 9 RCC patients with NR after two courses: none responded to a third
    third = [p for p in PATIENTS if len(p.statuses) >= 3 and p.statuses[:2] == ("NR", "NR")]
    assert len(third) == 17
    assert all(p.statuses[2] == "NR" for p in third)


def test_tempo_rejects_bad_records() -> None:
    with pytest.raises(InputError):
        PatientCourses("X", "rcc", ("SD",))
    with pytest.raises(InputError):
        PatientCourses("X", "rcc", ())
    with pytest.raises(InputError):
        tempo_tables([PatientCourses("X", "rcc", ("NR",)), PatientCourses("X", "rcc", ("NR",))])


def test_pd_is_tabulated_as_nr() -> None:
    t = tempo_tables([PatientCourses("A", "rcc", ("NR", "PD"), "progressive_disease")])
    assert t.by_disease["rcc"][1].transition["NR"]["NR"] == 1


def test_item9_tables_are_results_with_a_schema() -> None:
    """The tables' JSON form is their fields (no hand-written to_dict), and validates against
    the schema derived from them; Table 5's counts appear as computed above."""
    import jsonschema

    from hdil2.clinical.response.tempo import CourseTable, TempoTables
    from hdil2.core.result import Result, output_schema

    for cls in (CourseTable, TempoTables):
        assert issubclass(cls, Result)
        assert "to_dict" not in vars(cls)
    doc = TABLES.to_dict()
    jsonschema.validate(doc, output_schema(TempoTables))
    assert doc["discontinuation"] == {r: list(c) for r, c in TABLES.discontinuation.items()}
    assert doc["by_disease"]["rcc"][0]["treated"] == TABLES.by_disease["rcc"][0].treated
