"""Issue 11 item 2: which database the registry uses, and SQLite's settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hdil2.registry import conf
from hdil2.registry.errors import RegistryError


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv(conf.ENV_URL, raising=False)
    monkeypatch.delenv(conf.ENV_PATH, raising=False)
    return monkeypatch


def test_item2_default_is_registry_sqlite3_in_user_data_dir(
        clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path))  # platformdirs' data directory on Linux
    db = conf.database_settings()
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(db["NAME"]) == (tmp_path / "hdil2" / "registry.sqlite3").resolve()
    assert (tmp_path / "hdil2").is_dir()
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "PRAGMA foreign_keys=ON" in db["OPTIONS"]["init_command"]


def test_item2_hdil2_registry_and_db_option_name_the_file(
        clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv(conf.ENV_PATH, str(tmp_path / "ward.sqlite3"))
    assert conf.database_settings()["NAME"] == str((tmp_path / "ward.sqlite3").resolve())
    # an explicit --db wins over the environment
    assert conf.database_settings(path=str(tmp_path / "x.db"))["NAME"] == str(
        (tmp_path / "x.db").resolve())


def test_item2_database_url_selects_postgresql(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv(conf.ENV_URL, "postgresql://il2:s3cret@db.example:5433/registry")
    db = conf.database_settings()
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db.example", 5433, "registry", "il2")
    described = conf.describe(db)
    assert described == {"kind": "postgresql",
                         "location": "postgresql://il2:****@db.example:5433/registry"}
    assert "s3cret" not in str(described)


@pytest.mark.parametrize(("kwargs", "env", "field"), [
    ({"path": "/no/such/dir/r.sqlite3"}, {}, "db"),
    ({"path": ":memory:"}, {}, "db"),
    ({"path": "mysql://u:p@h/db"}, {}, "db"),
    ({"url": "postgresql://u:p@h/db", "path": "x.sqlite3"}, {}, "db"),
    ({}, {"HDIL2_DATABASE_URL": "postgresql://h/db", "HDIL2_REGISTRY": "r.sqlite3"},
     "HDIL2_DATABASE_URL"),
    ({}, {"HDIL2_DATABASE_URL": "postgresql://h"}, "HDIL2_DATABASE_URL"),
])
def test_item2_bad_database_choice_refused_naming_the_field(
        clean_env: pytest.MonkeyPatch, kwargs: dict[str, str], env: dict[str, str],
        field: str) -> None:
    for k, v in env.items():
        clean_env.setenv(k, v)
    with pytest.raises(RegistryError) as e:
        conf.database_settings(**kwargs)
    assert e.value.field == field
    assert "p@" not in str(e.value)  # a password is never echoed


def test_item2_directory_refused(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="directory"):
        conf.database_settings(path=str(tmp_path))


def test_item2_mask_url() -> None:
    assert conf.mask_url("postgresql://a:b%40c@h:1/d") == "postgresql://a:****@h:1/d"
    assert conf.mask_url("postgresql://h/d") == "postgresql://h/d"


def test_item2_sqlite_connection_is_wal_with_foreign_keys(registry_db: dict[str, Any]) -> None:
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas; this run uses PostgreSQL")
    with connection.cursor() as cur:
        cur.execute("PRAGMA journal_mode")
        assert cur.fetchone()[0] == "wal"
        cur.execute("PRAGMA foreign_keys")
        assert cur.fetchone()[0] == 1
        cur.execute("PRAGMA synchronous")
        assert cur.fetchone()[0] == 2  # FULL
    # a dose slot of a cycle that does not exist is refused by the database itself
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("INSERT INTO registry_doseslot (synthetic, created_at, created_by_id, "
                    "updated_at, updated_by_id, version, void_reason, cycle_id, number, "
                    "scheduled_at, status, reason, departure_reason) VALUES (0, '2025-01-01', "
                    "999999, '2025-01-01', 999999, 1, '', 999999, 1, '2025-01-01', "
                    "'scheduled', '', '')")
