"""pytest collects this package's modules for their doctests (``--doctest-modules``); Django
models can only be imported once Django is configured, so configure it first, on a database
file in a fresh temporary directory that collection never opens. Not part of the runtime."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hdil2.registry import conf

conf.configure(path=str(Path(tempfile.mkdtemp(prefix="hdil2-doctest-")) / "registry.sqlite3"))
