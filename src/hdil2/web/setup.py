"""Configure Django with the web application's settings in this process (the command line, the
tests), and bring the database up to date."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any


def configure(db: dict[str, Any] | None = None, *, debug: bool | None = None) -> dict[str, Any]:
    """Configure Django with :func:`hdil2.web.settings.build` (once per process); later calls
    switch the default connection to ``db`` like :func:`hdil2.registry.conf.configure`.

    Returns the database settings in force.
    """
    import django
    from django.conf import settings

    from hdil2.registry import conf
    from hdil2.web.settings import build

    if db is None:
        db = conf.database_settings()
    if not settings.configured:
        settings.configure(**build(db, debug=debug))
        django.setup()
        return db
    django.setup()
    conf.use_database(db)
    return db


def migrate(db: dict[str, Any]) -> dict[str, Any]:
    """Apply every pending migration of the registry and of the web application (sessions,
    login throttling, API tokens)."""
    from hdil2.registry import maintenance

    return maintenance.migrate(db)


def configure_offline() -> None:
    """Configure Django if this process has not, for work that serves no request and opens no
    database: the documentation build imports the JSON API to render its OpenAPI document.
    The database is a file name in the temporary directory that is never opened, the secret key
    a throwaway one (nothing is signed). A process whose settings come from
    ``DJANGO_SETTINGS_MODULE`` (the served application) is left as it is."""
    from django.conf import settings

    if settings.configured:
        return
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        import django

        django.setup()  # the settings module the environment names
        return
    from hdil2.registry import conf

    db = conf.database_settings(path=str(Path(tempfile.gettempdir())
                                         / "hdil2-openapi-unused.sqlite3"))
    saved = os.environ.get("HDIL2_SECRET_KEY")
    if not saved:
        os.environ["HDIL2_SECRET_KEY"] = secrets.token_urlsafe(50)
    try:
        configure(db)
    finally:
        if not saved:
            os.environ.pop("HDIL2_SECRET_KEY", None)
