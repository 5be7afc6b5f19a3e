"""CLI start-up: hdil2's commands against the floors set by Python, typer and SciPy, in one run.

    .venv/bin/python bench/cli_startup.py [--repeat 15]

Each command runs as a fresh process ``--repeat`` times, alternating with the others, and the
median wall time is printed with its ratio to three references measured in the same run:

* ``import typer`` — the issue's floor: the CLI framework imported, nothing run;
* a one-command typer app, run with two options — what any typer ≥ 0.28 command costs, since
  typer then coerces its parameters with pydantic;
* for the statistics, the same app importing only what a rate needs from SciPy
  (``scipy.special``'s ``betaincinv`` and ``ndtri``), and that import alone.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

PY = sys.executable

MINI_TYPER = """
import typer
app = typer.Typer()
@app.command()
def dose(regimen: str = typer.Option(...), weight: str = typer.Option(...),
         json_out: bool = typer.Option(False, "--json")) -> None:
    print('{"ok": true}')
app(["--regimen", "hd-il2-600k", "--weight", "70 kg", "--json"])
"""
SCIPY_SPECIAL = "from scipy.special import betaincinv, ndtri"

REFERENCES: dict[str, list[str]] = {
    "python -c pass": [PY, "-c", "pass"],
    "import typer": [PY, "-c", "import typer"],
    "one-command typer app, run": [PY, "-c", MINI_TYPER],
    "scipy.special (betaincinv, ndtri)": [PY, "-c", SCIPY_SPECIAL],
    "typer app + scipy.special": [PY, "-c", SCIPY_SPECIAL + "\n" + MINI_TYPER],
    "import numpy": [PY, "-c", "import numpy"],
    "import scipy.stats": [PY, "-c", "import scipy.stats"],
}
HDIL2: dict[str, tuple[list[str], str]] = {
    "hdil2 regimens --json": ([PY, "-m", "hdil2", "regimens", "--json"], "clinical"),
    "hdil2 dose --json": ([PY, "-m", "hdil2", "dose", "--regimen", "hd-il2-600k", "--weight",
                           "70 kg", "--json"], "clinical"),
    "hdil2 calendar --json": ([PY, "-m", "hdil2", "calendar", "--regimen", "hd-il2-600k",
                               "--start", "2026-04-06T08:00", "--tz", "America/New_York",
                               "--json"], "clinical"),
    "hdil2 grade --json": ([PY, "-m", "hdil2", "grade", "--term", "creatinine_increased",
                            "--value", "1.5 mg/dL", "--uln", "1.2 mg/dL", "--json"], "clinical"),
    "hdil2 stats rate --json": ([PY, "-m", "hdil2", "stats", "rate", "--x", "22", "--n", "96",
                                 "--json"], "stats"),
}


def run_all(repeat: int) -> dict[str, float]:
    cases = {**REFERENCES, **{k: v[0] for k, v in HDIL2.items()}}
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(repeat):  # alternate, so load on the machine hits every case alike
        for name, cmd in cases.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    t = run_all(args.repeat)
    print(f"{'reference':42} {'median ms':>10}")
    for name in REFERENCES:
        print(f"{name:42} {t[name] * 1000:10.1f}")
    print()
    print(f"{'command':28} {'ms':>7} {'× import typer':>15} {'× typer run':>12} "
          f"{'× scipy.special':>16} {'× typer+special':>16}")
    for name, (_, kind) in HDIL2.items():
        ms = t[name]
        row = (f"{name:28} {ms * 1000:7.1f} {ms / t['import typer']:15.2f} "
               f"{ms / t['one-command typer app, run']:12.2f}")
        if kind == "stats":
            row += (f" {ms / t['scipy.special (betaincinv, ndtri)']:16.2f}"
                    f" {ms / t['typer app + scipy.special']:16.2f}")
        print(row)


if __name__ == "__main__":
    main()
