"""Keeping the registry database: create, migrate, check, back up, restore.

The functions behind ``hdil2 registry init|migrate|check|backup|restore``; each takes the
database (see :mod:`hdil2.registry.conf`) and returns a JSON-ready dict. A database that cannot
be opened or reached is refused naming ``db``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hdil2.registry import conf
from hdil2.registry.errors import RegistryError

Step = Callable[[int, int, str], None]  # (done, total, what)


@contextmanager
def _reachable(db: dict[str, Any]) -> Iterator[None]:
    """Turn a database that cannot be opened into a refusal naming ``db``."""
    from django.db import DatabaseError

    try:
        yield
    except DatabaseError as e:
        where = conf.describe(db)["location"]
        raise RegistryError("db", f"cannot use the database {where}: {e}".strip()) from None


def setup(url: str | None = None, path: str | None = None,
          must_exist: bool = True, connect: bool = True) -> dict[str, Any]:
    """Configure Django on the chosen database and open a connection to it.

    With ``must_exist``, a SQLite file that is not there yet is refused (opening it would
    create an empty one) and the user is pointed at ``hdil2 registry init``. Without
    ``connect`` nothing is opened yet (a restore checks its file before touching the target).
    """
    from pathlib import Path

    db = conf.database_settings(url=url, path=path)
    if must_exist and db["ENGINE"].endswith("sqlite3") and not Path(db["NAME"]).exists():
        raise RegistryError("db", "no registry database here yet: create it with "
                            "`hdil2 registry init`", db["NAME"])
    db = conf.configure(url=url, path=path)
    if not connect:
        return db
    from django.db import connection

    with _reachable(db):
        connection.ensure_connection()
    return db


def _plan() -> list[Any]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return list(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def pending_migrations() -> list[str]:
    """The migrations not yet applied, ``app.name`` each, in order."""
    return [f"{m.app_label}.{m.name}" for m, backwards in _plan() if not backwards]


def migrate(db: dict[str, Any], step: Step | None = None) -> dict[str, Any]:
    """Apply every pending migration (each in its own transaction), then Django's
    post-migrate work (content types, permissions)."""
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    with _reachable(db):
        done: list[str] = []
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        total = len(plan)

        def progress(action: str, migration: Any = None, fake: bool = False) -> None:
            if action == "apply_success" and migration is not None:
                done.append(f"{migration.app_label}.{migration.name}")
                if step is not None:
                    step(len(done), total, done[-1])

        executor.progress_callback = progress
        emit_pre_migrate_signal(0, False, connection.alias,
                                apps=executor.loader.project_state().apps, plan=plan)
        if plan:
            executor.migrate(targets, plan=plan)
        emit_post_migrate_signal(0, False, connection.alias, plan=plan)
    return {**conf.describe(db), "applied": done, "pending": pending_migrations()}


def init(db: dict[str, Any], step: Step | None = None) -> dict[str, Any]:
    """Create the registry's tables (a new database) or bring an existing one up to date."""
    with _reachable(db):
        existed = _registry_migrated()
    out = migrate(db, step)
    out["created"] = not existed
    return out


def _registry_migrated() -> bool:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    return any(app == "registry" for app, _ in recorder.applied_migrations())


def counts() -> dict[str, dict[str, int]]:
    """Rows per clinical model: total, voided, synthetic."""
    from django.apps import apps
    from django.db.models import Count, Q

    out: dict[str, dict[str, int]] = {}
    for model in apps.get_app_config("registry").get_models():
        if model.__name__.startswith("Historical"):
            continue
        fields = {f.name for f in model._meta.concrete_fields}
        agg: dict[str, Any] = {"total": Count("pk")}
        if "voided_at" in fields:
            agg["voided"] = Count("pk", filter=Q(voided_at__isnull=False))
        agg["synthetic"] = Count("pk", filter=Q(synthetic=True))
        out[model._meta.model_name] = model._base_manager.aggregate(**agg)
    return out


def check(db: dict[str, Any]) -> dict[str, Any]:
    """The state of the registry database: kind, location (password masked), schema up to
    date or the pending migrations, SQLite's journal mode, foreign keys and integrity, row
    counts."""
    from django.db import connection

    with _reachable(db):
        out: dict[str, Any] = {**conf.describe(db)}
        pending = pending_migrations()
        out["schema"] = "up to date" if not pending else "migrations pending"
        out["pending_migrations"] = pending
        with connection.cursor() as cur:
            if connection.vendor == "sqlite":
                cur.execute("PRAGMA journal_mode")
                out["journal_mode"] = str(cur.fetchone()[0]).lower()
                cur.execute("PRAGMA foreign_keys")
                out["foreign_keys"] = bool(cur.fetchone()[0])
                cur.execute("PRAGMA quick_check")
                rows = [r[0] for r in cur.fetchall()]
                out["integrity"] = "ok" if rows == ["ok"] else "; ".join(rows[:5])
            else:
                cur.execute("SHOW server_version")
                out["server_version"] = str(cur.fetchone()[0])
                out["foreign_keys"] = True  # always enforced by PostgreSQL
        out["counts"] = counts() if _registry_migrated() and not pending else {}
    out["ok"] = not pending and out.get("integrity", "ok") == "ok" and (
        connection.vendor != "sqlite" or (out["journal_mode"] == "wal" and out["foreign_keys"]))
    return out


def backup(db: dict[str, Any], dest: str,
           progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Back up the registry to the new file ``dest``."""
    from hdil2.registry import backup as bk

    if db["ENGINE"].endswith("sqlite3"):
        return bk.sqlite_backup(db["NAME"], dest, progress).to_dict()
    return bk.pg_backup(db, dest).to_dict()


def restore(db: dict[str, Any], source: str, replace: bool = False,
            progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Restore the registry from the backup file ``source``; then report its state."""
    from django.db import connections

    from hdil2.registry import backup as bk

    if db["ENGINE"].endswith("sqlite3"):
        connections.close_all()
        result = bk.sqlite_restore(db["NAME"], source, replace, progress).to_dict()
    else:
        with _reachable(db):
            occupied = _registry_migrated() and any(
                c["total"] for c in counts().values())
        connections.close_all()
        result = bk.pg_restore(db, source, replace, occupied).to_dict()
    result["state"] = check(db)
    return result
