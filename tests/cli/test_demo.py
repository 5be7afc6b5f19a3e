"""The Quick start's main job: the demo walk-through runs every step and leaves its inputs.

Every expected value below is worked by hand from the demo patient (70 kg, 175 cm; labs in
``hdil2/clinical/selection/data/demo_patient.json``) and the sources' own rules, not read back
from hdil2:

* screen: MSKCC 2002 (`motzer2002`) - KPS 90, LDH 210 < 1.5 × 250, Hb 14.1 ≥ 13.5, corrected
  calcium 9.4 + 0.8 × (4.0 − 3.9) = 9.48 ≤ 10 mg/dL, diagnosis 2023-09-18 to day 1 2024-06-03
  < 1 year → 1 factor: intermediate.  MSKCC 1999 (`motzer1999`): prior nephrectomy, so 0:
  favourable.  IMDC (`heng2009`): only time < 1 year → 1: intermediate.  Upton (`upton2005`):
  alveolar 80 % > 50 %, no granular, no papillary → good.  CA-IX 92 % > 85 % (`bui2003`) → high.
* dose: 600,000 IU/kg × 70 kg = 42,000,000 IU (`proleukin-label`); 42.0 MIU / 21.6 MIU per
  vial (1.2 mL × 18 MIU/mL) = 1.94 → 2 vials.
* calendar: 14 doses from Mon 3 Jun 2024 08:00 to Fri 7 Jun 16:00; cycle 2 from day 15,
  Mon 17 Jun 08:00, to Fri 21 Jun 16:00 (EDT, UTC−4): 28 doses.
* grade: creatinine 2.1 mg/dL = 1.62 × ULN 1.3 (> 1.5 - 3.0 × ULN) and 1.91 × baseline 1.1
  (> 1.5 - 3.0 × baseline) → grade 2 (`ctcae5`).
* next dose: SpO2 88 % < 90 % → hold, resume when SpO2 > 90 %; 93 % > 90 % → give (label).
* response: baseline sum 24 + 18 = 42 mm; 14 + 10 = 24 mm (−42.9 %) and 12 + 9 = 21 mm
  (−50.0 %) are both ≥ 30 % decreases → PR, PR; the second scan 35 days after the first
  (≥ 28) confirms it (`recist1.1`).
* next course: PR after course 1 → another course (`lee2000`), no earlier than discharge
  2024-06-25 + 49 days = 2024-08-13 (label: at least 7 weeks of rest).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hdil2.cli.invoke import invoke

STEPS = ("1. Screen", "2. Dose", "3. Calendar", "4. Grade", "5. Next dose", "6. Dose 7",
         "7. Response", "8. Treat again")


def _demo(tmp_path: Path, *extra: str) -> tuple[str, str]:
    code, out, err = invoke(["demo", "--out", str(tmp_path), *extra])
    assert code == 0, err
    return out, err


def _section(text: str, start: str, end: str | None) -> str:
    i = text.index(start)
    j = text.index(end, i) if end else len(text)
    return text[i:j]


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    text, _ = _demo(tmp_path)
    for heading in STEPS:
        assert heading in text
    sections = {s: _section(text, s, STEPS[i + 1] if i + 1 < len(STEPS) else None)
                for i, s in enumerate(STEPS)}
    assert "eligible" in sections["1. Screen"]
    assert "42,000,000 IU" in sections["2. Dose"]
    assert re.search(r"\b2 single-dose vials\b", sections["2. Dose"])
    assert "Fri 21 Jun 16:00 EDT" in sections["3. Calendar"]
    assert "grade 2" in sections["4. Grade"]
    assert "Advice: HOLD" in sections["5. Next dose"]
    assert "SpO2 > 90 %" in sections["5. Next dose"]
    assert "Advice: GIVE" in sections["6. Dose 7"]
    assert "PR" in sections["7. Response"]
    assert "next course after course 1" in sections["8. Treat again"]
    assert "2024-08-13" in sections["8. Treat again"]
    assert json.loads((tmp_path / "patient.json").read_text())["id"] == "DEMO-0001"
    assert {p.name for p in tmp_path.iterdir()} >= {"patient.json", "next-dose-hold.json",
                                                    "next-dose-give.json", "visits.json",
                                                    "history.json"}


def _models(result: dict[str, Any]) -> dict[str, str]:
    return {m["model"]: m["group"] for m in result["models"]}


def test_item19_demo_json_is_one_document_with_every_step(tmp_path: Path) -> None:
    code, out, err = invoke(["demo", "--out", str(tmp_path), "--json"])
    assert code == 0, err
    doc = json.loads(out)  # exactly one JSON document on stdout
    assert doc["directory"] == str(tmp_path)
    steps = doc["steps"]
    assert [s["title"][:len(h)] for s, h in zip(steps, STEPS, strict=True)] == list(STEPS)
    assert all(s["command"][0] == "hdil2" and s["command"][-1] == "--json" for s in steps)
    screen, dose, cal, grade, hold, give, assess, course = (s["result"] for s in steps)
    assert screen["eligibility"]["verdict"] == "eligible"
    models = _models(screen)
    assert models["mskcc2002"] == "intermediate"
    assert models["mskcc1999"] == "favourable"
    assert models["imdc"] == "intermediate"
    assert models["upton2005"] == "good"
    assert models["caix"] == "high"
    il2 = dose["components"][0]
    assert il2["dose_iu"] == 42_000_000
    assert il2["preparation"]["vials"] == 2
    assert cal["doses"] == 28
    assert [cal["slots"][i]["local"] for i in (0, 13, 14, 27)] == [
        "2024-06-03T08:00:00-04:00", "2024-06-07T16:00:00-04:00",
        "2024-06-17T08:00:00-04:00", "2024-06-21T16:00:00-04:00"]
    assert grade["value"] == 2
    assert hold["value"] == "hold"
    assert give["value"] == "give"
    assert [v["overall"] for v in assess["visits"]] == ["PR", "PR"]
    assert [v["change_from_baseline_pct"] for v in assess["visits"]] == [-42.9, -50.0]
    assert assess["bor_confirmed"]["value"] == "PR"
    assert course["value"] == "next_course"
    assert course["earliest_start_date"] == "2024-08-13"


def test_item19_demo_screening_step_is_compact_unless_verbose(tmp_path: Path) -> None:
    text, _ = _demo(tmp_path)
    screening = _section(text, STEPS[0], STEPS[1])
    for model in ("mskcc2002", "mskcc1999", "imdc", "upton2005", "caix", "two_compartment"):
        assert len(re.findall(rf"^\W*{model}\b", screening, re.MULTILINE)) == 1, model
    assert "Reasons" not in screening
    verbose, _ = _demo(tmp_path, "--verbose")
    detailed = _section(verbose, STEPS[0], STEPS[1])
    assert "$ hdil2 screen" in detailed
    assert "--verbose" in detailed
    assert len(detailed) > 2 * len(screening)


def test_item19_demo_at_80_columns_cites_nothing_outside_the_project(monkeypatch: Any) -> None:
    import tempfile

    monkeypatch.setenv("COLUMNS", "80")
    # a directory name as short as the demo's own default (/tmp/hdil2-demo-XXXXXXXX)
    with tempfile.TemporaryDirectory(prefix="hdil2-demo-") as short:
        text, _ = _demo(Path(short))
    assert max(len(line) for line in text.splitlines()) <= 80
    for pattern in (r"seeds? ?0\d\d", "§", r"\bD(1[0-9]|[1-9])\b", r"(?<![\w\]])\[[VSMU]\]"):
        assert not re.search(pattern, text), pattern
