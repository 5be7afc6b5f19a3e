"""pytest collects the modules of ``src/hdil2`` for their doctests (``--doctest-modules``); the
registry's Django models can only be imported once Django is configured, so configure it first,
on a database file in a fresh temporary directory that collection never opens.  Kept at the
root of the repository (not in the package) so that it is not installed with hdil2."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hdil2.registry import conf

conf.configure(path=str(Path(tempfile.mkdtemp(prefix="hdil2-doctest-")) / "registry.sqlite3"))
