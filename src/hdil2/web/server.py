"""``hdil2 serve``: migrate the registry, optionally build the demo registry, and serve the web
application with gunicorn (static files by WhiteNoise) on the chosen address.

The demo registry (``--demo``) is the synthetic Lee et al. 2000 cohort (``lee2000``) plus a ward of
patients on treatment now, and one demo login per role whose random passwords are kept beside the
database in ``demo-logins.json`` (readable by its owner only) and printed at every start.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hdil2.core.errors import InputError

DEMO_FILE = "demo.sqlite3"
LOGINS_FILE = "demo-logins.json"
DEMO_SEED = 2000


def demo_path() -> Path:
    """The demo registry's file: ``demo.sqlite3`` in the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("hdil2", appauthor=False) / DEMO_FILE


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def prepare(db_arg: str | None, *, demo: bool,
            say: Callable[[str], None] = print) -> dict[str, Any]:
    """Configure Django on the registry (``db_arg``: a file or URL; default the environment's,
    or the demo file with ``demo``), migrate it, create the role groups and, with ``demo``,
    load the demo cohort, the ward and the demo logins when absent. Returns the database."""
    from hdil2.registry import conf
    from hdil2.web import roles, setup

    if demo and db_arg is None:
        path = demo_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        db_arg = str(path)
    if db_arg is not None and "://" not in db_arg:
        Path(db_arg).expanduser().parent.mkdir(parents=True, exist_ok=True)
        if not demo and not Path(db_arg).expanduser().exists():
            raise InputError("db", "no registry database here yet: create it with "
                             "`hdil2 registry init`, or serve the demo with --demo", db_arg)
    db = conf.database_settings(path=db_arg) if db_arg is not None else None
    db = setup.configure(db)
    say(f"registry: {conf.describe(db)['location']}")
    done = setup.migrate(db)
    if done["applied"]:
        say(f"migrated: {len(done['applied'])} migrations applied")
    roles.ensure_groups()
    if demo:
        load_demo(db, say)
    return db


def load_demo(db: dict[str, Any], say: Callable[[str], None] = print) -> list[dict[str, str]]:
    """Load what the demo registry lacks (the cohort, the ward, the logins); return the logins."""
    from hdil2.registry import demo as cohort
    from hdil2.registry.models import Patient

    if not Patient.objects.filter(registry_id__startswith=f"demo{DEMO_SEED}-").exists():
        say("building the demo registry: the synthetic Lee et al. 2000 cohort (350 patients) ...")
        cohort.load(DEMO_SEED)
    from hdil2.registry import ward_demo

    if not ward_demo.loaded():
        say("admitting the demo ward: patients on treatment now ...")
        ward_demo.load()
    return demo_logins(db)


def _logins_path(db: dict[str, Any]) -> Path:
    if db["ENGINE"].endswith("sqlite3"):
        return Path(db["NAME"]).parent / LOGINS_FILE
    from platformdirs import user_data_path

    return user_data_path("hdil2", appauthor=False) / LOGINS_FILE


def demo_logins(db: dict[str, Any]) -> list[dict[str, str]]:
    """One login per role (``demo-nurse`` ...), created with a random password on first use and
    kept in ``demo-logins.json`` beside the database (mode 0600)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from hdil2.web.roles import ROLES

    path = _logins_path(db)
    known: dict[str, str] = {}
    if path.exists():
        known = json.loads(path.read_text())
    model = get_user_model()
    out: list[dict[str, str]] = []
    changed = False
    for role in ROLES:
        name = f"demo-{role.replace('_', '-')}"
        user, created = model.objects.get_or_create(username=name)
        if created or name not in known or not user.check_password(known[name]):
            known[name] = secrets.token_urlsafe(12)
            user.set_password(known[name])
            user.save()
            changed = True
        user.groups.add(Group.objects.get(name=role))
        out.append({"role": role, "username": name, "password": known[name]})
    if changed:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(known, f, indent=1)
    return out


def gunicorn_command(db: dict[str, Any], url: str | None, host: str, port: int,
                     workers: int) -> tuple[list[str], dict[str, str]]:
    """The gunicorn command line and environment serving ``db`` (a SQLite file, or the
    PostgreSQL database of ``url``; ``None``: as the environment says) on ``host:port``."""
    exe = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which(
        "gunicorn")
    cmd = [exe] if exe else [sys.executable, "-m", "gunicorn"]
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    cmd += ["hdil2.web.wsgi:application", "--bind", bind, "--workers", str(workers),
            "--threads", "4", "--worker-class", "gthread", "--timeout", "120",
            "--graceful-timeout", "10", "--access-logfile", "-", "--error-logfile", "-",
            "--no-control-socket"]
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "hdil2.web.settings"
    if db["ENGINE"].endswith("sqlite3"):
        env.pop("HDIL2_DATABASE_URL", None)
        env["HDIL2_REGISTRY"] = str(db["NAME"])
    elif url is not None:
        env.pop("HDIL2_REGISTRY", None)
        env["HDIL2_DATABASE_URL"] = url
    if is_loopback(host):
        # plain HTTP on this machine only; browsers treat loopback as a secure context, so the
        # Secure cookies still work
        env.setdefault("HDIL2_SSL_REDIRECT", "0")
    hosts = {h for h in env.get("HDIL2_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h}
    hosts.add(host.strip("[]"))
    env["HDIL2_ALLOWED_HOSTS"] = ",".join(sorted(hosts))
    return cmd, env


def check_port(port: int) -> None:
    if not 1 <= port <= 65535:
        raise InputError("port", "a TCP port from 1 to 65535", port)
