"""``hdil2 demo``: a walk-through of one course on a fictional demo patient.

Each step prints the exact ``hdil2`` command it runs and that command's output, so the demo
doubles as a tutorial: screening → dose → calendar → a toxicity grade → next-dose advice
(a hold, then a give) → tumour response after the course → treat again or stop.  The input
files are written to a directory (``--out``, default a temporary one) so every command can be
re-run by hand.  ``--verbose`` shows every detail of the screening step (the checklist, each
model's factors and reasons); ``--json`` prints one JSON document with each step's command and
its JSON result, like every other command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

# the ward of the demo and the time of the first dose on the planned day 1
DEMO_TZ = "America/New_York"
DEMO_FIRST_DOSE_TIME = "08:00"


def _demo_patient() -> dict[str, Any]:
    from importlib.resources import files

    text = files("hdil2.clinical.selection.data").joinpath("demo_patient.json").read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def _observations(spo2: int) -> dict[str, Any]:
    """A complete pre-dose assessment, unremarkable except for the SpO2 given."""
    flags = [
        "resting_dyspnea", "o2_mask_40pct", "on_pressors_for_hypotension", "atrial_fibrillation",
        "svt", "bradycardia_needing_treatment", "sustained_vt", "ventricular_arrhythmia",
        "uncontrolled_arrhythmia", "ischemia_or_chest_pain", "cardiac_enzymes_elevated",
        "cardiac_tamponade", "mental_status_change", "mental_status_not_reversible_2h",
        "seizures_repetitive", "vivid_dreams", "mild_anxiety", "hallucinations",
        "persistent_crying", "fails_serial7s_or_world", "disorientation_or_lability",
        "fit_fobt_positive", "bowel_ischemia_or_perforation", "gi_bleeding_requiring_surgery",
        "hepatic_failure_signs", "vomiting_refractory", "ileus_or_distension",
        "distension_affecting_breathing", "severe_abdominal_pain", "heme_positive_secretions",
        "frank_blood", "infection_suspected", "sepsis_unstable", "bullous_dermatitis",
        "moist_desquamation", "extreme_tightness", "extreme_paresthesias",
        "severe_volume_overload", "acidosis", "hyperkalemia",
    ]
    obs: dict[str, Any] = dict.fromkeys(flags, False)
    obs.update({
        "spo2_pct": spo2, "intubated_hours": 0, "o2_nasal_cannula_l_min": 2, "rales": "none",
        "sbp_mmhg": 98, "pressor_trend": "none", "phenylephrine_max_ug_kg_min": 0,
        "phenylephrine_at_dosing_ug_kg_min": 0, "heart_rate_bpm": 96,
        "coma_or_toxic_psychosis_hours": 0, "lethargy": "mild", "diarrhea_ml_per_shift": 300,
        "shifts_with_diarrhea_1000ml": 0, "bilirubin": "1.4 mg/dL", "platelets": "96 10^9/L",
        "weight_gain_pct": 6, "creatinine": "2.1 mg/dL", "creatinine_trend": "rising",
        "urine_ml_per_h": 45, "oliguria_hours": 0, "urine_ml_per_shift": 360,
        "dialysis_hours": 0, "bicarbonate": "21 mmol/L",
    })
    return obs


def _command_lines(argv: list[str], width: int) -> list[str]:
    """``$ hdil2 …`` broken between arguments (an option stays with its value) to ``width``."""
    words: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        shown = f"'{a}'" if " " in a else a
        if a.startswith("--") and i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            nxt = argv[i + 1]
            shown += " " + (f"'{nxt}'" if " " in nxt else nxt)
            i += 1
        words.append(shown)
        i += 1
    lines, line = [], "$ hdil2"
    for w in words:
        if len(line) + 1 + len(w) + 2 > width and line not in ("$ hdil2", "    "):
            lines.append(line + " \\")
            line = "    " + w
        else:
            line += " " + w
    return [*lines, line]


def _step(title: str, argv: list[str]) -> int:
    from rich.markup import escape

    from hdil2.cli.app import main
    from hdil2.cli.common import console

    con = console()
    con.rule(f"[bold]{escape(title)}")
    for line in _command_lines(argv, con.width):
        con.print(f"[dim]{escape(line)}[/]", soft_wrap=True)
    return main(argv)


def _json_step(title: str, argv: list[str]) -> dict[str, Any]:
    """Run one step with ``--json``; its result, or :class:`typer.Exit` with its status."""
    import sys

    from hdil2.cli.invoke import invoke

    code, out, err = invoke([*argv, "--json"])
    if code != 0:
        sys.stderr.write(err)
        raise typer.Exit(code)
    return {"title": title, "command": ["hdil2", *argv, "--json"], "result": json.loads(out)}


def register(app: typer.Typer) -> None:
    """Register the demo command."""

    @app.command("demo")
    def demo_cmd(
        out: Annotated[Path | None, typer.Option(
            help="directory for the demo's input files (default: a temporary directory)")
        ] = None,
        verbose: Annotated[bool, typer.Option(
            "--verbose", "-v", help="every detail of the screening step")] = False,
        json_out: Annotated[bool, typer.Option(
            "--json", help="one JSON document: each step's command and JSON result")] = False,
    ) -> None:
        """Walk through one HD IL-2 course on a fictional patient, command by command."""
        import tempfile

        directory = out if out is not None else Path(tempfile.mkdtemp(prefix="hdil2-demo-"))
        directory.mkdir(parents=True, exist_ok=True)
        patient = _demo_patient()
        start = f"{patient['planned_day1']}T{DEMO_FIRST_DOSE_TIME}"
        files = {
            "patient.json": patient,
            "next-dose-hold.json": {
                "regimen": "hd-il2-600k", "first_dose": start, "tz": DEMO_TZ,
                "doses": [{"slot": i, "status": "given"} for i in range(1, 7)],
                "observations": _observations(spo2=88)},
            "next-dose-give.json": {
                "regimen": "hd-il2-600k", "first_dose": start, "tz": DEMO_TZ,
                "doses": [*({"slot": i, "status": "given"} for i in range(1, 7)),
                          {"slot": 7, "status": "held",
                           "hold_rules": ["label.spo2_below_90"]}],
                "observations": _observations(spo2=93)},
        }
        files["visits.json"] = {
            "start_date": patient["planned_day1"],
            "lesions": [{"id": "T1", "organ": "lung", "kind": "target", "method": "ct",
                         "slice_mm": 5},
                        {"id": "T2", "organ": "lung", "kind": "target", "method": "ct",
                         "slice_mm": 5}],
            "visits": [
                {"date": "2024-05-28", "lesions": {"T1": {"ld_mm": 24}, "T2": {"ld_mm": 18}}},
                {"date": "2024-08-05", "lesions": {"T1": {"ld_mm": 14}, "T2": {"ld_mm": 10}}},
                {"date": "2024-09-09", "lesions": {"T1": {"ld_mm": 12}, "T2": {"ld_mm": 9}}},
            ],
        }
        files["history.json"] = {
            "courses": [{"start_date": patient["planned_day1"], "discharge_date": "2024-06-25",
                         "response": "PR", "shrinkage": True}],
        }
        for name, doc in files.items():
            (directory / name).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        d = str(directory)
        steps: list[tuple[str, list[str]]] = [
            ("1. Screen: eligibility and every prognostic / predictive model",
             ["screen", f"{d}/patient.json", *(["--verbose"] if verbose else [])]),
            ("2. Dose: 600,000 IU/kg for 70 kg, vials and volume",
             ["dose", "--regimen", "hd-il2-600k", "--weight", patient["weight"],
              "--height", patient["height"]]),
            ("3. Calendar: 28 doses on days 1-5 and 15-19 in the ward's time zone",
             ["calendar", "--regimen", "hd-il2-600k", "--start", start, "--tz", DEMO_TZ]),
            ("4. Grade a toxicity on day 3: creatinine 2.1 mg/dL (ULN 1.3, baseline 1.1)",
             ["grade", "--term", "creatinine_increased", "--value", "2.1 mg/dL",
              "--uln", "1.3 mg/dL", "--baseline", "1.1 mg/dL"]),
            ("5. Next dose after six given: SpO2 88 %",
             ["next-dose", f"{d}/next-dose-hold.json"]),
            ("6. Dose 7 held; at dose 8 SpO2 has recovered to 93 %",
             ["next-dose", f"{d}/next-dose-give.json"]),
            ("7. Response after course 1: RECIST 1.1 from the lesion measurements",
             ["assess", f"{d}/visits.json", "--criteria", "recist1.1"]),
            ("8. Treat again or stop? The course policy of Lee et al. 2000 (lee2000)",
             ["next-course", f"{d}/history.json"]),
        ]
        from hdil2.cli.common import console, dumps

        if json_out:
            doc = {"directory": d, "steps": [_json_step(t, a) for t, a in steps]}
            import sys

            sys.stdout.write(dumps(doc) + "\n")
            return
        for title, argv in steps:
            code = _step(title, argv)
            if code != 0:
                raise typer.Exit(code)
        from hdil2.cli.render import wrap

        con = console()
        con.print()
        con.print(wrap(f"The demo's input files are in {d} ; run any step again by hand.",
                       con.width - 1), markup=False, highlight=False, soft_wrap=True)
