"""Clinical commands import only what they need: never numpy, pandas, matplotlib or Django."""

import subprocess
import sys
from pathlib import Path

import pytest

from peer_data import ROOT

RESPONSE_DATA = Path(__file__).resolve().parents[1] / "clinical" / "response" / "data"
DEMO_PATIENT = ROOT / "src/hdil2/clinical/selection/data/demo_patient.json"

HEAVY = ("numpy", "pandas", "scipy", "matplotlib", "django", "statsmodels", "lifelines")

PROBE = """
import sys, io, contextlib
from hdil2.cli.app import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main({args!r})
heavy = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})
print(code, ','.join(heavy))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["regimens", "--json"],
        ["dose", "--regimen", "hd-il2-600k", "--weight", "70 kg", "--json"],
        ["calendar", "--regimen", "hd-il2-600k", "--start", "2026-04-06T08:00", "--tz",
         "Europe/Paris", "--json"],
        ["sources", "lee2000", "--json"],
        ["schema", "next-dose"],
        ["schema", "assess"],
        ["screen", str(DEMO_PATIENT), "--json"],
        ["assess", str(RESPONSE_DATA / "example_visits.json"), "--json"],
        ["next-course", str(RESPONSE_DATA / "example_history.json"), "--json"],
        ["grade", "--term", "fever", "--value", "38.5 C", "--json"],
    ],
)
def test_clinical_command_stays_light(args: list[str]) -> None:
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "0"
    assert out[1:] == [], f"heavy modules imported: {out[1:]}"
