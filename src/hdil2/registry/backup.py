"""Backup and restore of the registry database.

**SQLite**: the online backup API (``sqlite3.Connection.backup``) copies the live database page
by page while other connections keep reading and writing; the copy is a consistent snapshot of
one moment. The copy is checked (``PRAGMA integrity_check``) before it is reported written.
A restore copies a checked backup back into the live file the same way; it refuses a file that
is not an SQLite database, fails the integrity check, or is not a registry, and it refuses to
replace a registry that holds rows unless asked to (``replace=True``), after first writing a
safety copy of the current database beside it.

**PostgreSQL**: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists --no-owner``
(the server's client programs, which must be on ``PATH``), with the connection taken from the
database URL and the password passed in the environment, never on the command line.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hdil2.registry.errors import RegistryError

SQLITE_HEADER = b"SQLite format 3\x00"
PAGES_PER_STEP = 256

Progress = Callable[[int, int], None]  # (pages copied, pages in total)


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore did."""

    kind: str
    source: str
    destination: str
    bytes: int
    safety_copy: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "source": self.source, "destination": self.destination,
                "bytes": self.bytes, "safety_copy": self.safety_copy}


def _progress_hook(progress: Progress | None) -> Callable[[int, int, int], None] | None:
    if progress is None:
        return None

    def hook(status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total)

    return hook


def _check_sqlite_file(path: Path, field: str) -> None:
    """Refuse ``path`` unless it is a sound SQLite database holding a registry."""
    if not path.exists():
        raise RegistryError(field, "no such file", str(path))
    if path.is_dir():
        raise RegistryError(field, "is a directory, not a backup file", str(path))
    with path.open("rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise RegistryError(field, "not an SQLite database (a registry backup is one)",
                                str(path))
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise RegistryError(field, "the database fails its integrity check: "
                                    + "; ".join(str(r[0]) for r in result[:5]), str(path))
            has_log = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                                  "name='django_migrations'").fetchone()
            apps = ({r[0] for r in con.execute("SELECT app FROM django_migrations")}
                    if has_log else set())
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise RegistryError(field, f"not a readable registry database ({e})", str(path)) from None
    if "registry" not in apps:
        raise RegistryError(field, "an SQLite database, but not an hdil2 registry", str(path))


def _has_rows(con: sqlite3.Connection) -> bool:
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'registry\\_%' "
            "ESCAPE '\\'")]
    except sqlite3.DatabaseError:
        return True
    return any(con.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() for t in tables)


def _destination(dest: str) -> tuple[Path, Path]:
    """A backup's new file and the partial file it is written to first (refused: a path that
    exists — a backup never overwrites — or whose directory does not)."""
    target = Path(dest).expanduser()
    if target.exists():
        raise RegistryError("destination", "exists; a backup never overwrites a file",
                            str(target))
    if not target.parent.is_dir():
        raise RegistryError("destination", "its directory does not exist", str(target))
    return target, target.with_name(target.name + ".partial")


def sqlite_backup(db_path: str, dest: str, progress: Progress | None = None) -> BackupResult:
    """Copy the live SQLite registry at ``db_path`` to the new file ``dest``."""
    source = Path(db_path)
    if not source.exists():
        raise RegistryError("db", "no registry database here yet (hdil2 registry init)",
                            str(source))
    target, partial = _destination(dest)
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(partial))
        try:
            src.backup(dst, pages=PAGES_PER_STEP, progress=_progress_hook(progress))
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    try:
        _check_sqlite_file(partial, "destination")
    except RegistryError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return BackupResult("sqlite", str(source), str(target), target.stat().st_size)


def sqlite_restore(db_path: str, backup: str, replace: bool = False,
                   progress: Progress | None = None) -> BackupResult:
    """Copy the backup file ``backup`` into the SQLite registry at ``db_path``."""
    source = Path(backup).expanduser()
    _check_sqlite_file(source, "backup")
    target = Path(db_path)
    safety: str | None = None
    if target.exists():
        live = sqlite3.connect(str(target))
        try:
            occupied = _has_rows(live)
        finally:
            live.close()
        if occupied and not replace:
            raise RegistryError(
                "replace", "the registry already holds records; restoring replaces all of "
                "them: pass --replace (a safety copy of the current database is kept)",
                str(target))
        if occupied:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            safety_path = target.with_name(f"{target.name}.before-restore-{stamp}")
            sqlite_backup(str(target), str(safety_path))
            safety = str(safety_path)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target), timeout=30)
        try:
            src.backup(dst, pages=PAGES_PER_STEP, progress=_progress_hook(progress))
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    finally:
        src.close()
    return BackupResult("sqlite", str(source), str(target), target.stat().st_size, safety)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a refusal naming it."""
    found = shutil.which(name)
    if found is None:
        raise RegistryError("db", f"{name} (PostgreSQL's client program) is not on PATH; "
                            "install the PostgreSQL client of the server's version")
    return found


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RegistryError("db", f"{what} failed: {proc.stderr.strip()[:500]}")


def pg_backup(db: dict[str, Any], dest: str) -> BackupResult:
    """``pg_dump --format=custom --file DEST`` of the registry's PostgreSQL database."""
    target, partial = _destination(dest)
    try:
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"],
             _pg_env(db), "pg_dump")
    except RegistryError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return BackupResult("postgresql", str(db.get("NAME")), str(target), target.stat().st_size)


def pg_restore(db: dict[str, Any], backup: str, replace: bool = False,
               occupied: bool = False) -> BackupResult:
    """``pg_restore --clean --if-exists --no-owner --dbname`` from a custom-format dump."""
    source = Path(backup).expanduser()
    if not source.is_file():
        raise RegistryError("backup", "no such file", str(source))
    with source.open("rb") as f:
        if f.read(5) != b"PGDMP":
            raise RegistryError("backup", "not a pg_dump custom-format file (pg_dump -Fc)",
                                str(source))
    if occupied and not replace:
        raise RegistryError(
            "replace", "the registry already holds records; restoring replaces all of them: "
            "pass --replace (back it up first)", str(db.get("NAME")))
    env = _pg_env(db)
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={env.get('PGDATABASE', '')}", str(source)], env, "pg_restore")
    return BackupResult("postgresql", str(source), str(db.get("NAME")), source.stat().st_size)
