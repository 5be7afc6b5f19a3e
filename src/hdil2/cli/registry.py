"""``hdil2 registry``: create, migrate, check, back up and restore the registry database.

The database is the SQLite file in the user's data directory unless ``--db PATH`` (a file, or
a ``postgresql://`` URL), ``HDIL2_DATABASE_URL`` or ``HDIL2_REGISTRY`` names another (see
``docs/registry.md``). Django is imported inside the commands only, so the clinical commands
start without it. Long work (migrations, a backup or restore) shows a progress bar on a
terminal; ``--json`` prints one JSON document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hdil2.cli import common

if TYPE_CHECKING:
    from rich.console import Console

DbOption = Annotated[str | None, typer.Option(
    "--db", help="registry database: an SQLite file or a postgresql:// URL (default: "
    "HDIL2_DATABASE_URL, else HDIL2_REGISTRY, else registry.sqlite3 in the user data directory)")]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]


@contextmanager
def _progress(label: str, as_json: bool) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr (only on a terminal): yields ``step(done, total)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    con = common.console(stderr=True)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=con, transient=True, disable=as_json or not con.is_terminal)
    with bar:
        task = bar.add_task(label, total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield step


def _kv(con: Console, doc: dict[str, Any], keys: list[tuple[str, str]]) -> None:
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, title in keys:
        if key in doc and doc[key] not in (None, [], {}):
            value = doc[key]
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            table.add_row(title, str(value))
    con.print(table)


def _render_migrate(con: Console, doc: dict[str, Any]) -> None:
    _kv(con, doc, [("kind", "database"), ("location", "location")])
    applied = doc.get("applied") or []
    if doc.get("created"):
        con.print(f"registry created: {len(applied)} migrations applied", markup=False)
    elif applied:
        con.print(f"{len(applied)} migrations applied: {', '.join(applied)}", markup=False)
    else:
        con.print("schema already up to date; nothing to apply", markup=False)


def _render_check(con: Console, doc: dict[str, Any]) -> None:
    from rich.table import Table

    _kv(con, doc, [("kind", "database"), ("location", "location"), ("server_version", "server"),
                   ("schema", "schema"), ("pending_migrations", "pending"),
                   ("journal_mode", "journal mode"), ("foreign_keys", "foreign keys"),
                   ("integrity", "integrity"), ("ok", "ok")])
    rows = doc.get("counts") or {}
    if rows:
        table = Table(title="rows")
        for col in ("table", "total", "voided", "synthetic"):
            table.add_column(col, justify="left" if col == "table" else "right", no_wrap=True)
        for name, c in rows.items():
            table.add_row(name, str(c["total"]), str(c.get("voided", "")), str(c["synthetic"]))
        con.print(table)


def _render_backup(con: Console, doc: dict[str, Any]) -> None:
    _kv(con, doc, [("kind", "database"), ("source", "from"), ("destination", "to"),
                   ("bytes", "bytes"), ("safety_copy", "safety copy of the replaced database")])
    state = doc.get("state")
    if state:
        _render_check(con, state)


def register(app: typer.Typer) -> None:
    """Register ``hdil2 registry`` and its commands."""
    registry_app = typer.Typer(
        name="registry", no_args_is_help=True,
        help="The registry database: init, migrate, check, backup, restore, demo, cohort.")
    app.add_typer(registry_app)
    _register_maintenance(registry_app)
    from hdil2.cli import registry_cohort

    registry_cohort.register(registry_app)


def _register_maintenance(reg: typer.Typer) -> None:
    @reg.command("init")
    def init_cmd(db: DbOption = None, json_out: JsonOption = False) -> None:
        """Create the registry database (or bring an existing one up to date)."""
        from hdil2.registry import maintenance

        settings = maintenance.setup(path=db, must_exist=False)
        with _progress("migrating", json_out) as step:
            doc = maintenance.init(settings, lambda d, t, _w: step(d, t))
        common.emit(doc, json_out, lambda con: _render_migrate(con, doc))

    @reg.command("migrate")
    def migrate_cmd(db: DbOption = None, json_out: JsonOption = False) -> None:
        """Apply the registry's pending migrations."""
        from hdil2.registry import maintenance

        settings = maintenance.setup(path=db)
        with _progress("migrating", json_out) as step:
            doc = maintenance.migrate(settings, lambda d, t, _w: step(d, t))
        common.emit(doc, json_out, lambda con: _render_migrate(con, doc))

    @reg.command("check")
    def check_cmd(db: DbOption = None, json_out: JsonOption = False) -> None:
        """Report the database: kind, location, schema state, WAL and foreign keys, counts."""
        from hdil2.registry import maintenance

        settings = maintenance.setup(path=db)
        doc = maintenance.check(settings)
        common.emit(doc, json_out, lambda con: _render_check(con, doc))

    @reg.command("backup")
    def backup_cmd(
        destination: Annotated[str, typer.Argument(
            help="where to write the backup: a new path (an existing one is never overwritten)")],
        db: DbOption = None, json_out: JsonOption = False,
    ) -> None:
        """Back up the registry (SQLite online backup; PostgreSQL pg_dump -Fc)."""
        from hdil2.registry import maintenance

        settings = maintenance.setup(path=db)
        with _progress("backing up", json_out) as step:
            doc = maintenance.backup(settings, destination, step)
        common.emit(doc, json_out, lambda con: _render_backup(con, doc))

    @reg.command("restore")
    def restore_cmd(
        backup: Annotated[str, typer.Argument(help="a backup file written by registry backup")],
        replace: Annotated[bool, typer.Option(
            "--replace", help="replace a registry that already holds records (SQLite: a "
            "safety copy of it is written first)")] = False,
        db: DbOption = None, json_out: JsonOption = False,
    ) -> None:
        """Restore the registry from a backup file."""
        from hdil2.registry import maintenance

        settings = maintenance.setup(path=db, must_exist=False, connect=False)
        with _progress("restoring", json_out) as step:
            doc = maintenance.restore(settings, backup, replace, step)
        common.emit(doc, json_out, lambda con: _render_backup(con, doc))
