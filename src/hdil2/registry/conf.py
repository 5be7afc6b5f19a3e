"""Which database the registry uses, and Django's settings for it.

- **SQLite** by default: one file, ``registry.sqlite3`` in the user's data directory
  (``platformdirs.user_data_dir("hdil2")``), or the file named by ``HDIL2_REGISTRY`` or by the
  ``--db PATH`` option. Every connection runs in write-ahead-log mode (readers never block the
  writer) with foreign keys enforced and ``synchronous=FULL`` (a committed transaction survives
  a power cut); transactions start ``IMMEDIATE`` so two writers queue instead of deadlocking.
- **PostgreSQL** through a database URL: ``HDIL2_DATABASE_URL=postgresql://user:pass@host/db``
  (or ``--db`` given a URL), parsed by ``dj-database-url``.

An explicit argument wins over the environment; ``HDIL2_DATABASE_URL`` and ``HDIL2_REGISTRY``
set together are refused rather than one silently ignored.

:func:`configure` sets up Django once per process (idempotent) and, called again with another
database, switches the default connection to it (single-threaded use: the command line and the
tests). The web application has its own settings module listing ``hdil2.registry``.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

from hdil2.registry.errors import RegistryError

ENV_URL = "HDIL2_DATABASE_URL"
ENV_PATH = "HDIL2_REGISTRY"
FILE_NAME = "registry.sqlite3"

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL")
SQLITE_TIMEOUT_S = 30  # a writer waits this long for another writer's transaction to finish

_URL_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "simple_history",
    "hdil2.registry",
]


def default_path() -> Path:
    """The default SQLite file: ``registry.sqlite3`` in the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("hdil2", appauthor=False) / FILE_NAME


def _sqlite(path: Path, field: str, create_parent: bool) -> dict[str, Any]:
    if str(path) == ":memory:" or not str(path).strip():
        raise RegistryError(field, "the registry needs a database file, not an in-memory "
                            "database", str(path))
    path = path.expanduser()
    if path.is_dir():
        raise RegistryError(field, "is a directory; name the database file", str(path))
    if create_parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise RegistryError(field, "the directory of the database file does not exist",
                            str(path))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path.resolve()),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_TIMEOUT_S,
            "init_command": "; ".join(SQLITE_PRAGMAS),
        },
    }


def _from_url(url: str, field: str) -> dict[str, Any]:
    import dj_database_url

    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in _URL_SCHEMES:
        raise RegistryError(field, "a database URL starts postgresql:// (or sqlite:///PATH)",
                            mask_url(url))
    try:
        parsed: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as e:
        raise RegistryError(field, f"not a database URL: {e}", mask_url(url)) from None
    if scheme == "sqlite":  # sqlite:////absolute/path or sqlite:///relative/path
        return _sqlite(Path(str(parsed.get("NAME") or "")), field, create_parent=False)
    if not parsed.get("NAME"):
        raise RegistryError(field, "the URL names no database (postgresql://HOST/DBNAME)",
                            mask_url(url))
    parsed["CONN_MAX_AGE"] = 0
    return parsed


def database_settings(url: str | None = None, path: str | None = None) -> dict[str, Any]:
    """Django's ``DATABASES["default"]`` for the registry.

    ``path`` (the ``--db`` option; a value with ``://`` is read as a URL) or ``url`` if given,
    else ``HDIL2_DATABASE_URL``, else ``HDIL2_REGISTRY``, else the default file.
    """
    if url is not None and path is not None:
        raise RegistryError("db", "give a database file or a database URL, not both")
    if path is not None:
        if "://" in path:
            return _from_url(path, "db")
        return _sqlite(Path(path), "db", create_parent=False)
    if url is not None:
        return _from_url(url, "database_url")
    env_url = os.environ.get(ENV_URL, "").strip()
    env_path = os.environ.get(ENV_PATH, "").strip()
    if env_url and env_path:
        raise RegistryError(ENV_URL, f"{ENV_URL} and {ENV_PATH} are both set; unset one")
    if env_url:
        return _from_url(env_url, ENV_URL)
    if env_path:
        return _sqlite(Path(env_path), ENV_PATH, create_parent=False)
    return _sqlite(default_path(), "db", create_parent=True)


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``****``."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1****@", url)


def describe(db: dict[str, Any]) -> dict[str, str]:
    """The kind (``sqlite`` / ``postgresql``) and location of a database, password masked."""
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return {"kind": "sqlite", "location": str(db["NAME"])}
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    user = f"{db['USER']}:****@" if db.get("USER") and db.get("PASSWORD") else (
        f"{db['USER']}@" if db.get("USER") else "")
    return {"kind": "postgresql", "location": f"postgresql://{user}{host}{port}/{db['NAME']}"}


def configure(url: str | None = None, path: str | None = None) -> dict[str, Any]:
    """Set up Django for the registry on the chosen database; returns its settings.

    The first call configures Django (``settings.configure`` then ``django.setup``); a later
    call with another database closes this thread's connections and switches the default
    connection to it.
    """
    import django
    from django.conf import settings

    db = database_settings(url, path)
    if not settings.configured:
        settings.configure(
            INSTALLED_APPS=list(INSTALLED_APPS),
            DATABASES={"default": db},
            USE_TZ=True,
            TIME_ZONE="UTC",
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
            SIMPLE_HISTORY_HISTORY_ID_USE_UUID=False,
            LOGGING_CONFIG=None,
        )
        django.setup()
        return db
    django.setup()  # no-op once the apps are ready
    use_database(db)
    return db


def use_database(db: dict[str, Any]) -> None:
    """Point the default connection at ``db`` (closing the current thread's connections)."""
    from django.db import connections

    current = connections.settings["default"]
    if {k: current.get(k) for k in db} == db:
        return
    connections.close_all()
    new = connections.configure_settings({"default": dict(db)})["default"]
    connections.settings["default"] = new
    with contextlib.suppress(AttributeError):  # no connection opened yet in this thread
        del connections["default"]


def current() -> dict[str, Any]:
    """The settings of the default connection (after :func:`configure`)."""
    from django.db import connections

    return dict(connections.settings["default"])
