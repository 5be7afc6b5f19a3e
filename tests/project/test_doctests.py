"""Issue 9 item 5: pytest runs the usage examples in the docstrings of ``src/hdil2``.

A docstring example that no longer works is a failing test, not a stale comment.  The examples
state facts from outside hdil2 (the avoirdupois pound is 0.45359237 kg; the label's 600,000
IU/kg for 70 kg is 42,000,000 IU; PubMed's id of RECIST 1.1), so they can fail.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib

from peer_data import ROOT

# modules whose docstrings show how they are used
WITH_EXAMPLES = (
    "src/hdil2/core/quantity.py::hdil2.core.quantity",
    "src/hdil2/core/jsonable.py::hdil2.core.jsonable.jsonable",
    "src/hdil2/core/policy.py::hdil2.core.policy",
    "src/hdil2/core/sources.py::hdil2.core.sources",
    "src/hdil2/app/__init__.py::hdil2.app",
    "src/hdil2/clinical/toxicity/ctcae/__init__.py::hdil2.clinical.toxicity.ctcae",
)


def test_item9_5_pytest_collects_the_doctests_of_src() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_options = options["tool"]["pytest"]["ini_options"]
    assert "src/hdil2" in pytest_options["testpaths"]
    assert "--doctest-modules" in pytest_options["addopts"].split()


def test_item9_5_every_module_with_an_example_is_collected() -> None:
    """Collection imports every module under src/hdil2 (none needs an optional dependency)."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only",
                           "-p", "no:cacheprovider", "src/hdil2"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    collected = set(done.stdout.split())
    for item in WITH_EXAMPLES:
        assert item in collected, item
