"""Issue 8 item 20: what installing hdil2 pulls in, and how the project states its licence.

lifelines and statsmodels are peers that bench/ times hdil2 against; nothing under src/ or
tests/ imports them, so they are a ``bench`` extra, not runtime dependencies (~150 MB).  The
demo installs hdil2's own dependencies only; the tests install ``dev``.  The licence uses the
PEP 639 form: an SPDX expression and the licence file.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PEERS = {"lifelines", "statsmodels"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_item20_peers_are_a_bench_extra_not_runtime_dependencies() -> None:
    runtime = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert runtime.isdisjoint(PEERS), runtime & PEERS
    assert {_name(r) for r in extras["bench"]} == PEERS
    assert {_name(r) for r in extras["dev"]}.isdisjoint(PEERS)


def test_item20_nothing_in_src_or_tests_imports_a_bench_peer() -> None:
    hits = [f"{p.relative_to(ROOT)}: {sorted(_imports(p) & PEERS)}"
            for folder in ("src", "tests") for p in sorted((ROOT / folder).rglob("*.py"))
            if _imports(p) & PEERS]
    assert hits == []


def test_item20_every_third_party_import_of_src_is_a_runtime_dependency() -> None:
    """A module src/ imports must be installed by ``pip install hdil2`` without extras."""
    runtime = {_name(r).replace("-", "_") for r in PYPROJECT["project"]["dependencies"]}
    import_names = {"python_dateutil": "dateutil", "django_simple_history": "simple_history",
                    "fhir.resources": "fhir", "django_ninja": "ninja", "django_axes": "axes",
                    "django_csp": "csp", "argon2_cffi": "argon2"}
    allowed = {import_names.get(n, n) for n in runtime} | {"hdil2", "pydantic_core", "click"}
    stdlib = set(__import__("sys").stdlib_module_names) | {"__future__"}
    used = {m for p in (ROOT / "src").rglob("*.py") for m in _imports(p)} - stdlib
    assert used <= allowed, used - allowed


def test_item20_bench_scripts_say_how_to_install_their_peers() -> None:
    for script in sorted((ROOT / "bench").glob("*.py")):
        if _imports(script) & PEERS:
            assert "[bench]" in script.read_text(encoding="utf-8"), script.name


def test_item20_licence_metadata_is_pep639() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "Apache-2.0"  # an SPDX expression, not a table
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text
    requires = PYPROJECT["build-system"]["requires"]
    setuptools = next(r for r in requires if _name(r) == "setuptools")
    major = int(re.search(r">=\s*(\d+)", setuptools).group(1))  # type: ignore[union-attr]
    assert major >= 77  # the first setuptools that reads PEP 639 licence fields


def test_item20_demo_installs_no_extra_and_tests_install_dev() -> None:
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    assert spec is not None
    assert spec.loader is not None
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    assert tasks.EXTRAS["demo"] == ()
    assert tasks.EXTRAS["test"] == ("dev",)
