"""Issue 12 item 6: ``hdil2 import sdtm DIR --db ... --zone ZONE`` (SQLite files of its own)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hdil2.cli.invoke import invoke


def _ok(args: list[str]) -> Any:
    code, out, err = invoke([*args, "--json"])
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 6-patient demo registry (made by the CLI) and its SDTM export (CSV)."""
    tmp = tmp_path_factory.mktemp("cli")
    db = tmp / "source.sqlite3"
    _ok(["registry", "init", "--db", str(db)])
    _ok(["registry", "demo", "--db", str(db), "--seed", "5", "--patients", "6"])
    _ok(["export", "sdtm", "--db", str(db), "--out", str(tmp / "sdtm")])
    return {"tmp": tmp, "sdtm": tmp / "sdtm"}


def test_item6_import_sdtm_writes_the_subjects_and_refuses_them_twice(
        exported: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    db = exported["tmp"] / "target.sqlite3"
    _ok(["registry", "init", "--db", str(db)])
    monkeypatch.setenv("HDIL2_USER", "dm_cli")
    doc = _ok(["import", "sdtm", str(exported["sdtm"]), "--db", str(db),
               "--zone", "Europe/London"])
    assert doc["patients"] == 6
    assert doc["domains"]["DM"] == {"file": "dm.csv", "rows": 6, "imported": 6, "not_kept": 0,
                                    "other_evaluators": 0}
    assert doc["registry_rows"]["patients"] == 6
    assert doc["database"]["kind"] == "sqlite"
    from hdil2.registry.models import Patient

    assert {p.created_by.get_username() for p in Patient.objects.all()} == {"dm_cli"}
    # again: every subject is already there - a table of file, row, column, reason; exit 2
    code, out, err = invoke(["import", "sdtm", str(exported["sdtm"]), "--db", str(db),
                             "--zone", "Europe/London"])
    assert code == 2
    assert out == ""
    assert "import refused: 6 problems; nothing was written" in err
    for word in ("file", "row", "column", "reason", "dm.csv", "USUBJID"):
        assert word in err
    code, _, err = invoke(["import", "sdtm", str(exported["sdtm"]), "--db", str(db),
                           "--zone", "Europe/London", "--json"])
    assert code == 2
    errors = json.loads(err)["errors"]
    assert len(errors) == 6
    assert errors[0]["field"] == "dm.csv[1].USUBJID"


@pytest.mark.parametrize(("args", "field"), [
    (["--zone", "CET"], "zone"),
    (["--zone", "Europe/London", "--format", "sas"], "format"),
    (["--zone", "Europe/London", "--partial-dates", "middle"], "partial_dates"),
])
def test_item6_bad_options_exit_2_naming_them(exported: dict[str, Path], args: list[str],
                                              field: str) -> None:
    db = exported["tmp"] / "unused.sqlite3"
    code, _, err = invoke(["import", "sdtm", str(exported["sdtm"]), "--db", str(db), *args,
                           "--json"])
    assert code == 2
    assert json.loads(err)["errors"][0]["field"] == field
    assert not db.exists()  # refused before the database is opened


def test_item6_a_folder_without_sdtm_files_is_refused(exported: dict[str, Path]) -> None:
    empty = exported["tmp"] / "empty"
    empty.mkdir()
    db = exported["tmp"] / "empty.sqlite3"
    _ok(["registry", "init", "--db", str(db)])
    code, _, err = invoke(["import", "sdtm", str(empty), "--db", str(db),
                           "--zone", "Europe/London"])
    assert code == 2
    assert "import refused" in err
