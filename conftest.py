"""pytest collects the modules of ``src/hdil2`` for their doctests (``--doctest-modules``); the
registry's Django models can only be imported once Django is configured, so configure it first,
on a database file in a fresh temporary directory that collection never opens.  Kept at the
root of the repository (not in the package) so that it is not installed with hdil2.

Django is configured once per test session with the web application's settings (a superset of
the registry's apps): plain HTTP for the test client (no redirect to HTTPS), the test client's
host allowed, and a throwaway secret key.  The registry and web fixtures switch the database.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("HDIL2_SECRET_KEY", "tests-only-" + "k" * 40)
os.environ["HDIL2_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ["HDIL2_SSL_REDIRECT"] = "0"

from hdil2.registry import conf
from hdil2.web import setup

setup.configure(conf.database_settings(
    path=str(Path(tempfile.mkdtemp(prefix="hdil2-doctest-")) / "registry.sqlite3")))
