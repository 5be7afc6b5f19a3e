"""CLI start-up: clinical commands against a bare ``python -c pass`` in the same run.

    .venv/bin/python bench/cli_startup.py [--repeat 15]

Prints the median wall time of each command over ``--repeat`` runs and its ratio to the bare
interpreter and to the floor set by the CLI framework itself (typer, which since 0.28 coerces
parameters with pydantic), plus ``import numpy`` and ``import pandas`` as reference points for
what a clinical command must not pay.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

PY = sys.executable
CASES: list[tuple[str, list[str]]] = [
    ("python -c pass (peer)", [PY, "-c", "pass"]),
    ("typer + pydantic floor (peer)", [PY, "-c", "import typer, typer.main, pydantic; "
                                       "from pydantic import BaseModel, TypeAdapter"]),
    ("python -c 'import numpy' (reference)", [PY, "-c", "import numpy"]),
    ("python -c 'import pandas' (reference)", [PY, "-c", "import pandas"]),
    ("hdil2 regimens --json", [PY, "-m", "hdil2", "regimens", "--json"]),
    ("hdil2 dose --json", [PY, "-m", "hdil2", "dose", "--regimen", "hd-il2-600k", "--weight",
                           "70 kg", "--json"]),
    ("hdil2 calendar --json", [PY, "-m", "hdil2", "calendar", "--regimen", "hd-il2-600k",
                               "--start", "2026-04-06T08:00", "--tz", "America/New_York",
                               "--json"]),
    ("hdil2 grade --json", [PY, "-m", "hdil2", "grade", "--term", "creatinine_increased",
                            "--value", "1.5 mg/dL", "--uln", "1.2 mg/dL", "--json"]),
]


def median_seconds(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    base = floor = None
    print(f"{'command':42} {'median ms':>10} {'× bare':>8} {'× floor':>8}")
    for name, cmd in CASES:
        t = median_seconds(cmd, args.repeat)
        base = base or t
        if floor is None and "floor" in name:
            floor = t
        vs_floor = f"{t / floor:8.2f}" if floor else f"{'':8}"
        print(f"{name:42} {t * 1000:10.1f} {t / base:8.1f} {vs_floor}")


if __name__ == "__main__":
    main()
