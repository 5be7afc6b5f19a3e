#!/usr/bin/env python3
"""Run hdil2's jobs with nothing but Python 3 installed.

    python3 tasks.py web       # the main job: the web application on the demo registry
    python3 tasks.py demo      # a walk-through of the command line on a demo patient
    python3 tasks.py test      # the whole test suite: ruff, mypy, import contracts, pytest
    python3 tasks.py test-postgres  # the registry suite again, on a throwaway PostgreSQL server
    python3 tasks.py fixtures  # regenerate the generated test fixtures (--check: compare only)
    python3 tasks.py docs      # build the documentation site into site/ (mkdocs build --strict)

``web`` runs ``hdil2 serve --demo``: it builds the demo registry (a synthetic cohort and a ward
of patients on treatment) in the user's data directory on first use, migrates it and serves it
with gunicorn on http://127.0.0.1:8000/, printing the URL and a login for each role; the
options after ``web`` go to ``hdil2 serve`` (``--port 8080``, ``--db FILE``, ``--check``).
Ctrl-C stops it.

The first run creates ``.venv`` beside this file and installs hdil2 from the package registry:
the web application and the demo need only hdil2's own dependencies, the tests add the ``dev``
extra (pytest, ruff, mypy ...). Later runs reuse ``.venv`` and reinstall when ``pyproject.toml``
changes or a job needs an extra that is not installed yet. The ``bench`` extra (the peer
libraries bench/ times hdil2 against) is never installed here: ``.venv/bin/pip install -e
'.[bench]'``. The fixtures job regenerates the R reference values only where ``Rscript`` is
installed and says so otherwise (``tests/README.md``). ``test-postgres`` runs ``tests/registry``
with ``HDIL2_TEST_DATABASE_URL`` pointing at the server ``.ci/postgres.sh`` starts (and stops
afterwards), or at the server that variable already names; it needs bash and PostgreSQL's server
programs (as root on Debian it installs them) and says so when ``tests/registry`` does not
exist.

``docs`` builds the documentation site into ``site/`` with ``mkdocs build --strict`` (any warning,
broken link or missing anchor fails it); ``docs --serve`` previews it on http://127.0.0.1:8001/;
``docs --screenshots`` retakes the guides' screenshots of the web application
(``docs/images/screens/``) by running the browser tests that take them; ``docs --png`` renders the
built site's home page and one rules-reference page with headless Chromium into
``docs/images/site/`` for the docs' README (both need Debian's ``/usr/bin/chromium``).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
MARKER = VENV / ".hdil2-installed"

# the extras each job needs on top of hdil2's own dependencies
EXTRAS: dict[str, tuple[str, ...]] = {
    "web": (), "demo": (), "test": ("dev",), "test-postgres": ("dev",), "fixtures": (),
    "docs": ("docs",),
}


def _digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _installed() -> set[str] | None:
    """The extras installed for the current pyproject.toml, or None if hdil2 needs installing."""
    try:
        state = json.loads(MARKER.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("pyproject") != _digest():
        return None
    return set(state.get("extras", []))


def ensure_env(extras: tuple[str, ...]) -> None:
    """Create the virtual environment and install hdil2 (with ``extras``) when needed."""
    have = _installed()
    if have is not None and set(extras) <= have:
        return
    if not PY.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # keep what an earlier job installed for the same pyproject.toml
    wanted = sorted(set(extras) | (have or set()))
    target = f"{ROOT}[{','.join(wanted)}]" if wanted else str(ROOT)
    print(f"installing hdil2{' with ' + ', '.join(wanted) if wanted else ''} into .venv ...",
          flush=True)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "-e", target], check=True)
    MARKER.write_text(json.dumps({"pyproject": _digest(), "extras": wanted}))


def run(*cmd: str, env: dict[str, str] | None = None) -> None:
    shown = [f"{k}={v}" for k, v in (env or {}).items()] + list(cmd)
    print("$", " ".join(shown), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, **env} if env else None)


def web(args: list[str]) -> None:
    """``hdil2 serve --demo`` in the foreground (Ctrl-C stops the server, not an error)."""
    try:
        run(str(BIN / "hdil2"), "serve", "--demo", *args)
    except KeyboardInterrupt:
        print("stopped", flush=True)


def demo(args: list[str]) -> None:
    run(str(BIN / "hdil2"), "demo", *args)


def test(args: list[str]) -> None:
    run(str(BIN / "ruff"), "check", "src", "tests", "bench", "tasks.py", "conftest.py",
        "docs")
    run(str(BIN / "mypy"))
    run(str(BIN / "lint-imports"))
    run(str(PY), "-m", "pytest", *args)


def test_postgres(args: list[str]) -> None:
    """The registry suite on PostgreSQL (``test`` has run it on SQLite)."""
    if not (ROOT / "tests" / "registry").is_dir():
        print("tests/registry does not exist: no registry suite to run on PostgreSQL", flush=True)
        return
    pytest = (str(PY), "-m", "pytest", "tests/registry", "-q", *args)
    url = os.environ.get("HDIL2_TEST_DATABASE_URL")
    if url:
        print("using the server HDIL2_TEST_DATABASE_URL names", flush=True)
        run(*pytest)
        return
    script = ("bash", str(ROOT / ".ci" / "postgres.sh"))
    print("$", *script, "start", flush=True)
    url = subprocess.run((*script, "start"), check=True, cwd=ROOT, stdout=subprocess.PIPE,
                         text=True).stdout.strip()
    try:
        run(*pytest, env={"HDIL2_TEST_DATABASE_URL": url})
    finally:
        print("$", *script, "stop", flush=True)
        subprocess.run((*script, "stop"), check=False, cwd=ROOT)


def fixtures(args: list[str]) -> None:
    run(str(PY), str(ROOT / "tests" / "make_fixtures.py"), *args)


def docs(args: list[str]) -> None:
    """Build the site strictly, preview it, or retake its screenshots and review images."""
    mkdocs = str(BIN / "mkdocs")
    # the theme's and a plugin's notices about MkDocs' successors: news, not warnings of the build
    env = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    if "--serve" in args:
        try:
            run(mkdocs, "serve", "--strict", "--dev-addr", "127.0.0.1:8001", env=env)
        except KeyboardInterrupt:
            print("stopped", flush=True)
        return
    if "--screenshots" in args:
        ensure_env(("docs", "dev"))
        run(str(PY), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/web/browser",
            env={"HDIL2_DOCS_SCREENSHOTS": str(ROOT / "docs" / "images" / "screens")})
    run(mkdocs, "build", "--strict", "--clean", env=env)
    if "--png" in args:
        ensure_env(("docs", "dev"))
        run(str(PY), str(ROOT / "docs" / "images" / "site" / "render.py"), str(ROOT / "site"))


JOBS = {"web": web, "demo": demo, "test": test, "test-postgres": test_postgres,
        "fixtures": fixtures, "docs": docs}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:
        print(__doc__)
        return 2
    ensure_env(EXTRAS[sys.argv[1]])
    try:
        JOBS[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as e:
        return e.returncode or 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
