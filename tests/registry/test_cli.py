"""Issue 11 items 4 and 8: ``hdil2 registry init|migrate|check|backup|restore``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from hdil2.cli.invoke import invoke
from registry.conftest import test_database_url
from registry.helpers import dump, patient_with_slot


def _json(args: list[str]) -> Any:
    code, out, err = invoke([*args, "--json"])
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def sqlite_registry(tmp_path: Path) -> str:
    """A new SQLite registry file (made by ``hdil2 registry init``), current connection on it."""
    path = str(tmp_path / "ward.sqlite3")
    doc = _json(["registry", "init", "--db", path])
    assert doc["created"] is True
    return path


def test_item8_init_creates_a_migrated_registry_and_is_idempotent(tmp_path: Path) -> None:
    path = str(tmp_path / "new.sqlite3")
    doc = _json(["registry", "init", "--db", path])
    assert doc["kind"] == "sqlite"
    assert doc["location"] == str(Path(path).resolve())
    assert "registry.0001_initial" in doc["applied"]
    assert doc["pending"] == []
    again = _json(["registry", "init", "--db", path])
    assert again["created"] is False
    assert again["applied"] == []
    code, out, _ = invoke(["registry", "migrate", "--db", path])
    assert code == 0
    assert "up to date" in out


def test_item8_check_reports_kind_schema_wal_foreign_keys_counts(sqlite_registry: str) -> None:
    from hdil2.registry.users import system_user

    patient_with_slot(system_user("check_nurse"), "CHK1")
    doc = _json(["registry", "check", "--db", sqlite_registry])
    assert doc["kind"] == "sqlite"
    assert doc["schema"] == "up to date"
    assert doc["journal_mode"] == "wal"
    assert doc["foreign_keys"] is True
    assert doc["integrity"] == "ok"
    assert doc["ok"] is True
    assert doc["counts"]["patient"] == {"total": 1, "voided": 0, "synthetic": 0}
    assert doc["counts"]["doseslot"]["total"] == 1
    code, out, _ = invoke(["registry", "check", "--db", sqlite_registry])
    assert code == 0
    assert "wal" in out
    assert "doseslot" in out


def test_item8_check_reports_pending_migrations(tmp_path: Path) -> None:
    # a database migrated up to the auth app only: the registry's migration is pending
    from django.core.management import call_command

    from hdil2.registry import conf

    path = str(tmp_path / "old.sqlite3")
    conf.configure(path=path)
    call_command("migrate", "auth", verbosity=0)
    doc = _json(["registry", "check", "--db", path])
    assert doc["schema"] == "migrations pending"
    assert "registry.0001_initial" in doc["pending_migrations"]
    assert doc["ok"] is False
    assert doc["counts"] == {}


def test_item8_missing_database_refused_with_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    for cmd in (["check"], ["migrate"], ["backup", str(tmp_path / "b")]):
        code, out, err = invoke(["registry", *cmd, "--db", str(missing), "--json"])
        assert code == 2, (cmd, err)
        assert out == ""
        assert json.loads(err)["errors"][0]["field"] == "db"
        assert "registry init" in err
    assert not missing.exists()  # checking did not create an empty database


def test_item8_unreachable_postgresql_refused_with_exit_2() -> None:
    code, _, err = invoke(["registry", "check", "--json", "--db",
                           "postgresql://nobody:pw@127.0.0.1:1/none"])
    assert code == 2
    item = json.loads(err)["errors"][0]
    assert item["field"] == "db"
    assert "pw@" not in err


def test_item4_backup_restore_round_trip_sqlite(sqlite_registry: str, tmp_path: Path) -> None:
    from hdil2.registry import conf
    from hdil2.registry.models import DoseSlot
    from hdil2.registry.users import system_user

    slot = patient_with_slot(system_user("bk_nurse"), "BK1")
    before = dump()
    backup = tmp_path / "registry-backup.sqlite3"
    doc = _json(["registry", "backup", str(backup), "--db", sqlite_registry])
    assert doc["destination"] == str(backup)
    assert backup.stat().st_size == doc["bytes"]
    # the backup is a self-contained file (no write-ahead log needed)
    assert sqlite3.connect(backup).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    # a backup never overwrites
    code, _, err = invoke(["registry", "backup", str(backup), "--db", sqlite_registry])
    assert code == 2
    assert "destination" in err
    # change the registry after the backup
    conf.configure(path=sqlite_registry)
    DoseSlot.objects.get(pk=slot.pk).edit(by=system_user("bk_nurse"), status="held",
                                          reason="after the backup")
    changed = dump()
    assert changed != before
    # restoring over records needs --replace
    code, _, err = invoke(["registry", "restore", str(backup), "--db", sqlite_registry,
                           "--json"])
    assert code == 2
    assert json.loads(err)["errors"][0]["field"] == "replace"
    doc = _json(["registry", "restore", str(backup), "--replace", "--db", sqlite_registry])
    assert doc["state"]["ok"] is True
    conf.configure(path=sqlite_registry)
    assert dump() == before
    # the replaced state was kept in a safety copy
    safety = Path(doc["safety_copy"])
    conf.configure(path=str(safety))
    assert dump() == changed
    # restore into a new file
    fresh = tmp_path / "fresh.sqlite3"
    _json(["registry", "restore", str(backup), "--db", str(fresh)])
    conf.configure(path=str(fresh))
    assert dump() == before


@pytest.mark.parametrize("content", [b"", b"not a database at all\n" * 10, b"SQLite format 3\x00"
                                     + b"\x00" * 200])
def test_item4_restore_refuses_a_file_that_is_no_registry_backup(
        tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    target = tmp_path / "target.sqlite3"
    code, out, err = invoke(["registry", "restore", str(bad), "--db", str(target), "--json"])
    assert code == 2, err
    assert out == ""
    assert json.loads(err)["errors"][0]["field"] == "backup"
    assert not target.exists()


def test_item4_restore_refuses_a_truncated_or_corrupted_backup(
        sqlite_registry: str, tmp_path: Path) -> None:
    backup = tmp_path / "good.sqlite3"
    _json(["registry", "backup", str(backup), "--db", sqlite_registry])
    data = backup.read_bytes()
    damaged = {
        "truncated_header": data[:100],
        "truncated_half": data[: len(data) // 2],
        "page_overwritten": data[:4096] + b"\xff" * 4096 + data[8192:],
    }
    for name, content in damaged.items():
        bad = tmp_path / f"{name}.sqlite3"
        bad.write_bytes(content)
        target = tmp_path / f"{name}-target.sqlite3"
        code, out, err = invoke(["registry", "restore", str(bad), "--db", str(target),
                                 "--json"])
        assert code == 2, (name, err)
        assert out == "", name
        assert json.loads(err)["errors"][0]["field"] == "backup", name
        assert not target.exists(), name


def test_item4_restore_refuses_an_sqlite_file_that_is_not_a_registry(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    code, _, err = invoke(["registry", "restore", str(other), "--db",
                           str(tmp_path / "t.sqlite3")])
    assert code == 2
    assert "not an hdil2 registry" in err


def test_item4_backup_restore_round_trip_postgresql(tmp_path: Path) -> None:
    import shutil

    url = test_database_url()
    if not url:
        pytest.skip("PostgreSQL round trip: set HDIL2_TEST_DATABASE_URL to a test database")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore are not on PATH")
    from hdil2.registry import conf
    from hdil2.registry.models import DoseSlot
    from hdil2.registry.users import system_user
    from registry.conftest import fresh_database

    fresh_database(tmp_path)
    slot = patient_with_slot(system_user("pg_nurse"), "PGBK1")
    before = dump()
    backup = tmp_path / "registry.dump"
    doc = _json(["registry", "backup", str(backup), "--db", url])
    assert doc["kind"] == "postgresql"
    assert backup.read_bytes()[:5] == b"PGDMP"
    conf.configure(url=url)
    DoseSlot.objects.get(pk=slot.pk).edit(by=system_user("pg_nurse"), status="held",
                                          reason="after the backup")
    assert dump() != before
    code, _, err = invoke(["registry", "restore", str(backup), "--db", url])
    assert code == 2
    assert "--replace" in err
    doc = _json(["registry", "restore", str(backup), "--replace", "--db", url])
    assert doc["state"]["ok"] is True
    conf.configure(url=url)
    assert dump() == before
