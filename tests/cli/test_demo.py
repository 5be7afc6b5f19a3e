"""The Quick start's main job: the demo walk-through runs every step and leaves its inputs."""

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hdil2.cli.app import main


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["demo", "--out", str(tmp_path)])
    assert code == 0, err.getvalue()
    text = out.getvalue()
    for heading in ("1. Screen", "2. Dose", "3. Calendar", "4. Grade", "5. Next dose", "6. Dose 7",
                    "7. Response", "8. Treat again"):
        assert heading in text
    assert "42,000,000 IU" in text
    assert "Advice: HOLD" in text
    assert "Advice: GIVE" in text
    assert "next_course" in text or "NEXT COURSE" in text.upper()
    assert json.loads((tmp_path / "patient.json").read_text())["id"] == "DEMO-0001"
    assert {p.name for p in tmp_path.iterdir()} >= {"patient.json", "next-dose-hold.json",
                                                    "next-dose-give.json"}
