"""The report's input tables (issue 13): the CSV files a report reads name a bad cell by file,
column and row; written and read back they are the same tables; duration of response follows
RECIST 1.1's definition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from hdil2.core.errors import InputError
from hdil2.report import data as rd

D = dt.date


def _patients() -> pd.DataFrame:
    rows = [
        {"patient": "P1", "disease": "rcc", "sex": "male", "age": 54, "ecog": 0,
         "prior_therapy": "surgery;interferon", "start": D(2024, 1, 8), "courses": 2,
         "course_responses": ("PR", "CR"), "best_response": "CR", "os_days": 400,
         "os_event": False, "response_on": D(2024, 3, 1)},
        {"patient": "P2", "disease": "melanoma", "sex": "female", "age": 41, "ecog": 1,
         "prior_therapy": "", "start": D(2024, 2, 5), "courses": 1,
         "course_responses": ("NR",), "best_response": "NR", "os_days": 120,
         "os_event": True},
    ]
    df = pd.DataFrame([{c: r.get(c) for c in rd.PATIENTS} for r in rows], dtype=object)
    return df


def test_item13_csv_round_trip(tmp_path: Path) -> None:
    data = rd.CohortData(patients=_patients(), title="two")
    written = rd.write_csv(data, tmp_path / "tables")
    assert written == {"patients": 2}
    back = rd.read_csv(tmp_path / "tables")
    assert back.courses is None
    for col in rd.PATIENTS:
        got = [None if pd.isna(v) else v for v in back.patients[col].tolist()] \
            if col != "course_responses" else back.patients[col].tolist()
        want = [None if v is None else v for v in data.patients[col].tolist()]
        assert got == want, col
    # the file itself, as a user would write it: "" prior therapy means none was given
    text = (tmp_path / "tables" / "patients.csv").read_text()
    assert text.splitlines()[1].startswith("P1,rcc,")
    assert ",PR;CR," in text


@pytest.mark.parametrize(("cell_column", "cell", "field"), [
    ("age", "fifty", "patients.csv.age"),
    ("start", "2024-13-01", "patients.csv.start"),
    ("start", "01/02/2024", "patients.csv.start"),
    ("os_event", "maybe", "patients.csv.os_event"),
    ("course_responses", "PR;XX", "patients.csv.course_responses"),
    ("patient", "", "patients.csv.patient"),
])
def test_item13_a_bad_cell_is_named(tmp_path: Path, cell_column: str, cell: str,
                                    field: str) -> None:
    f = tmp_path / "patients.csv"
    values = {"patient": "P1", "age": "50", "start": "2024-01-02", "os_event": "true",
              "course_responses": "NR", cell_column: cell}
    f.write_text(",".join(values) + "\n" + ",".join(values.values()) + "\n")
    with pytest.raises(InputError) as e:
        rd.read_csv(f)
    assert e.value.field == field
    assert "row 2" in e.value.message


def test_item13_missing_column_repeated_patient_and_not_utf8(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text("code,age\nP1,4\n")
    with pytest.raises(InputError) as e:
        rd.read_csv(f)
    assert e.value.field == "patients.csv.patient"
    f.write_text("patient\nP1\nP1\n")
    with pytest.raises(InputError, match="row 3: each patient once"):
        rd.read_csv(f)
    f.write_bytes(b"patient\n\xff\xfe\n")
    with pytest.raises(InputError) as e:
        rd.read_csv(f)
    assert e.value.field == "patients.csv"
    with pytest.raises(InputError) as e:
        rd.read_csv(tmp_path / "absent.csv")
    assert e.value.field == "data"


def test_item13_check_table_names_the_column() -> None:
    df = _patients()
    df.loc[0, "age"] = "54"
    with pytest.raises(InputError) as e:
        rd.check_table("patients", df)
    assert e.value.field == "patients.age"
    with pytest.raises(InputError) as e:
        rd.check_table("courses", _patients())
    assert e.value.field == "courses.course"


def test_item13_duration_of_response_recist_definition() -> None:
    """RECIST 1.1 section 4.3.1: from the first date CR or PR is met to the first date
    progression is documented; death counts as the end too; otherwise censored at the last
    date known alive; no response, no duration."""
    assert rd.duration_of_response(D(2024, 3, 1), D(2024, 9, 1), None, D(2025, 1, 1)) == (
        184, True)
    assert rd.duration_of_response(D(2024, 3, 1), None, D(2024, 4, 1), D(2024, 4, 1)) == (
        31, True)
    assert rd.duration_of_response(D(2024, 3, 1), D(2024, 9, 1), D(2024, 5, 1), None) == (
        61, True)
    assert rd.duration_of_response(D(2024, 3, 1), None, None, D(2024, 12, 1)) == (275, False)
    assert rd.duration_of_response(None, D(2024, 9, 1), None, None) == (None, None)
    # a progression recorded before the response (the response of a later course) is not
    # its end
    assert rd.duration_of_response(D(2024, 3, 1), D(2024, 1, 1), None, D(2024, 6, 1)) == (
        92, False)
