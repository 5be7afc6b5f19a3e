"""``hdil2 serve`` (the web application) and ``hdil2 users`` (its users, roles and API tokens).

Django is imported inside the commands only.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from hdil2.cli import common

DbOption = Annotated[str | None, typer.Option(
    "--db", help="registry database: an SQLite file or a postgresql:// URL (default: "
    "HDIL2_DATABASE_URL, else HDIL2_REGISTRY, else registry.sqlite3 in the user data directory; "
    "with --demo: demo.sqlite3 there)")]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]


def _web_registry(db: str | None) -> dict[str, Any]:
    """Configure Django with the web settings on an existing registry, migrated."""
    from hdil2.registry import conf
    from hdil2.web import roles, setup

    settings = conf.database_settings(path=db)
    if settings["ENGINE"].endswith("sqlite3"):
        from pathlib import Path

        from hdil2.core.errors import InputError

        if not Path(settings["NAME"]).exists():
            raise InputError("db", "no registry database here yet: create it with "
                             "`hdil2 registry init`", settings["NAME"])
    setup.configure(settings)
    setup.migrate(settings)
    roles.ensure_groups()
    return settings


def register(app: typer.Typer) -> None:
    """Register ``hdil2 serve`` and ``hdil2 users``."""

    @app.command("serve")
    def serve_cmd(
        db: DbOption = None,
        host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port")] = 8000,
        workers: Annotated[int, typer.Option(help="gunicorn worker processes (1-32)")] = 2,
        demo: Annotated[bool, typer.Option(
            "--demo", help="serve the demo registry (built on first use): the synthetic "
            "cohort, a ward of patients on treatment, a login per role")] = False,
        check: Annotated[bool, typer.Option(
            "--check", help="prepare the registry and print the logins, then exit")] = False,
        json_out: Annotated[bool, typer.Option(
            "--json", help="print the URL, the registry and the logins as JSON")] = False,
    ) -> None:
        """Serve the web application with gunicorn: migrate the registry first, print the URL
        (and, with --demo, a login for each role)."""
        from hdil2.core.errors import InputError
        from hdil2.web import server

        server.check_port(port)
        if not 1 <= workers <= 32:
            raise InputError("workers", "a whole number from 1 to 32", workers)
        con = common.console(stderr=True)
        db_settings = server.prepare(db, demo=demo, say=con.print)
        logins = server.demo_logins(db_settings) if demo else []
        shown = f"[{host}]" if ":" in host else host
        if json_out:
            from hdil2.registry import conf

            common.emit({"url": f"http://{shown}:{port}/",
                         "registry": conf.describe(db_settings)["location"],
                         "logins": logins, "served": not check}, True, lambda con: None)
        con.print(f"\n[bold]hdil2 web application:[/bold] http://{shown}:{port}/")
        if logins:
            con.print("demo logins (user name / password):")
            for row in logins:
                con.print(f"  {row['role']:<13} {row['username']:<18} {row['password']}")
        if not server.is_loopback(host):
            con.print("[yellow]not on the loopback interface: put a TLS-terminating proxy in "
                      "front (HTTP requests are redirected to HTTPS)[/yellow]")
        if check:
            return
        url = db if db is not None and "://" in db else None
        cmd, env = server.gunicorn_command(db_settings, url, host, port, workers)
        sys.stdout.flush()
        sys.stderr.flush()
        os.execvpe(cmd[0], cmd, env)

    users = typer.Typer(name="users", no_args_is_help=True,
                        help="Users of the web application: add, list, roles, API tokens.")
    app.add_typer(users)

    @users.command("add")
    def add_cmd(
        username: Annotated[str, typer.Argument(help="the login name")],
        role: Annotated[list[str], typer.Option(
            "--role", help="viewer, nurse, physician, data_manager or admin (repeatable)")],
        password_stdin: Annotated[bool, typer.Option(
            "--password-stdin", help="read the password from standard input")] = False,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Create a user with a password and roles (the password is asked for, hidden)."""
        from hdil2.web import accounts

        password = _password(password_stdin)
        _web_registry(db)
        doc = accounts.add_user(username, role, password)
        common.emit(doc, json_out, lambda con: con.print(
            f"user {doc['username']} added: {', '.join(doc['roles'])}"))

    @users.command("list")
    def list_cmd(db: DbOption = None, json_out: JsonOption = False) -> None:
        """The users who can log in, with their roles."""
        from hdil2.web import accounts

        _web_registry(db)
        doc = accounts.list_users()

        def render(con: Any) -> None:
            for u in doc["users"]:
                state = "" if u["active"] else " (inactive)"
                con.print(f"{u['username']:<20} {', '.join(u['roles']) or '-'}{state}")

        common.emit(doc, json_out, render)

    @users.command("roles")
    def roles_cmd(
        username: Annotated[str, typer.Argument(help="the login name")],
        role: Annotated[list[str], typer.Option(
            "--role", help="the user's roles from now on (repeatable)")],
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Set a user's roles."""
        from hdil2.web import accounts

        _web_registry(db)
        doc = accounts.set_roles(username, role)
        common.emit(doc, json_out, lambda con: con.print(
            f"user {doc['username']}: {', '.join(doc['roles'])}"))

    @users.command("token")
    def token_cmd(
        username: Annotated[str, typer.Argument(help="the login name")],
        name: Annotated[str, typer.Option("--name", help="what the token is for")],
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Issue an API token for a user (shown once; send it as `Authorization: Bearer`)."""
        from hdil2.web import accounts

        _web_registry(db)
        doc = accounts.issue_token(username, name)
        common.emit(doc, json_out, lambda con: con.print(
            f"token {doc['name']!r} for {doc['username']} (id {doc['id']}), shown once:\n"
            f"{doc['token']}"))

    @users.command("revoke")
    def revoke_cmd(
        token_id: Annotated[int, typer.Argument(help="the token's id")],
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Revoke an API token."""
        from hdil2.web import accounts

        _web_registry(db)
        doc = accounts.revoke_token(token_id)
        common.emit(doc, json_out, lambda con: con.print(f"token {doc['id']} revoked"))


def _password(from_stdin: bool) -> str:
    """The new password: a line of standard input, or asked twice (hidden) on a terminal."""
    from hdil2.core.errors import InputError

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InputError("password", "no terminal to ask on: give --password-stdin")
    import getpass

    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise InputError("password", "the two passwords differ")
    return first
