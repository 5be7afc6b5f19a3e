"""Configure Django with the web application's settings in this process (the command line, the
tests), and bring the database up to date."""

from __future__ import annotations

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
