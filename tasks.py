#!/usr/bin/env python3
"""Run hdil2's jobs with nothing but Python 3 installed.

    python3 tasks.py demo    # the main job: a walk-through on a demo patient
    python3 tasks.py test    # the whole test suite: ruff, mypy, import contracts, pytest

The first run creates ``.venv`` beside this file and installs hdil2 with its extras from the
package registry; later runs reuse it (and reinstall when ``pyproject.toml`` changes).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
EXTRAS = "dev"


def _stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + EXTRAS.encode()).hexdigest()


def ensure_env() -> None:
    """Create the virtual environment and install hdil2 into it when needed."""
    marker = VENV / ".hdil2-installed"
    if marker.exists() and marker.read_text() == _stamp():
        return
    if not PY.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing hdil2 and its dependencies into .venv ...", flush=True)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run(
        [str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[{EXTRAS}]"], check=True
    )
    marker.write_text(_stamp())


def run(*cmd: str) -> None:
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def demo(args: list[str]) -> None:
    run(str(BIN / "hdil2"), "demo", *args)


def test(args: list[str]) -> None:
    run(str(BIN / "ruff"), "check", "src", "tests", "bench", "tasks.py")
    run(str(BIN / "mypy"))
    run(str(BIN / "lint-imports"))
    run(str(PY), "-m", "pytest", *args)


JOBS = {"demo": demo, "test": test}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:
        print(__doc__)
        return 2
    ensure_env()
    try:
        JOBS[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as e:
        return e.returncode or 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
