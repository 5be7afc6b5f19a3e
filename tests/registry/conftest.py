"""Fixtures of the registry tests: a migrated, fresh database per test module.

SQLite (a temporary file) by default; PostgreSQL when ``HDIL2_TEST_DATABASE_URL`` is set
(``postgresql://user@localhost:5432/dbname``; the database's ``public`` schema is dropped and
re-created for each module, so point it at a database used for nothing else).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TEST_URL_ENV = "HDIL2_TEST_DATABASE_URL"


def test_database_url() -> str | None:
    """The PostgreSQL URL the registry suite runs against, or ``None`` (SQLite)."""
    return os.environ.get(TEST_URL_ENV, "").strip() or None


test_database_url.__test__ = False  # type: ignore[attr-defined]  # not a test


def reset_postgres() -> None:
    """Empty the configured PostgreSQL database (drop and re-create schema public)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cur.execute("CREATE SCHEMA public")


def fresh_database(tmp_dir: Path) -> dict[str, Any]:
    """Configure an empty database (SQLite file in ``tmp_dir`` or the test PostgreSQL one),
    migrate it forward from nothing and return its settings."""
    from hdil2.registry import conf, maintenance

    url = test_database_url()
    if url:
        db = conf.configure(url=url)
        reset_postgres()
    else:
        db = conf.configure(path=str(tmp_dir / "registry.sqlite3"))
    maintenance.migrate(db)
    return db


@pytest.fixture(scope="module")
def registry_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A freshly migrated registry database for this test module (its Django settings)."""
    db = fresh_database(tmp_path_factory.mktemp("registry"))
    yield db
    from django.db import connections

    connections.close_all()


@pytest.fixture
def user(registry_db: dict[str, Any]) -> Callable[[str], Any]:
    """``user("nurse_a")``: that registry user (created on first use)."""
    from hdil2.registry.users import system_user

    return system_user
