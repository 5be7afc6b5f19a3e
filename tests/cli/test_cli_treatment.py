"""The treatment commands end to end: JSON documents, schemas, errors naming fields."""

import json
from typing import Any

import jsonschema
import pytest

from hdil2.cli.invoke import invoke
from hdil2.cli.schema import json_schema, registry

run = invoke


def test_dose_json() -> None:
    """70 kg at the label's 600,000 IU/kg, prepared as the label directs (hand-computed).

    42,000,000 IU; 2.567 mg at 18 MIU = 1.1 mg; 2 vials (42.0 / 21.6 MIU per reconstituted
    vial = 1.94); 42 MIU / 18 MIU/mL = 2.33 mL drawn into 50 mL D5W = 52.33 mL, so
    2.567 mg / 52.33 mL = 49 µg/mL, inside the label's 30-70 µg/mL window; 14 doses per cycle
    and 28 per course.
    """
    code, out, err = run(["dose", "--regimen", "hd-il2-600k", "--weight", "70 kg", "--json"])
    assert code == 0, err
    doc = json.loads(out)
    il2 = doc["components"][0]
    assert il2["dose_iu"] == 42_000_000
    assert il2["dose_mg"] == 2.567
    assert (il2["doses_per_cycle"], il2["doses_per_course"]) == (14, 28)
    assert il2["iu_per_course"] == 28 * 42_000_000
    prep = il2["preparation"]
    assert prep["vials"] == 2
    assert prep["volume_ml"] == 2.33
    assert prep["final_volume_ml"] == 52.33
    assert prep["concentration_ug_per_ml"] == 49
    assert prep["warnings"] == []
    by_rule = {r["rule"]: r for r in doc["reasons"]}
    assert by_rule["dose.aldesleukin"]["source"] == "proleukin-label"
    assert "42,000,000 IU" in by_rule["dose.aldesleukin"]["text"]


def test_dose_request_file_validates_against_schema(tmp_path: Any) -> None:
    req = {"regimen": "hd-il2-720k", "weight": {"value": 70, "unit": "kg"}}
    jsonschema.validate(req, json_schema("dose"))
    p = tmp_path / "req.json"
    p.write_text(json.dumps(req))
    code, out, _ = run(["dose", str(p), "--json"])
    assert code == 0
    assert json.loads(out)["components"][0]["dose_iu"] == 50_400_000


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["dose", "--regimen", "hd-il2-600k", "--weight", "70"], "weight"),
        (["dose", "--regimen", "hd-il2-600k", "--weight", "700 kg"], "weight"),
        (["dose", "--regimen", "nope", "--weight", "70 kg"], "regimen"),
        (["dose", "--weight", "70 kg"], "--regimen"),
        (["calendar", "--regimen", "hd-il2-600k", "--start", "2026-03-08T02:30", "--tz",
          "America/New_York"], "first_dose"),
        (["calendar", "--regimen", "hd-il2-600k", "--start", "yesterday", "--tz", "Europe/London"],
         "first_dose"),
        (["dose", "missing-file.json"], "input"),
    ],
)
def test_bad_input_exit_2_and_names_field(args: list[str], field: str) -> None:
    code, out, err = run([*args, "--json"])
    assert code == 2
    assert out == ""
    errors = json.loads(err)["errors"]
    assert errors[0]["field"] == field
    code, _, err = run(args)
    assert code == 2
    assert err.startswith(f"error: {field}:")
    assert "Traceback" not in err


def test_negative_creatinine_is_refused() -> None:
    req = {"regimen": "hd-il2-600k", "first_dose": "2026-04-06T08:00", "tz": "Europe/London",
           "observations": {"creatinine": "-1.2 mg/dL", "spo2_pct": -3}}
    code, _, err = run(["next-dose", "-", "--json"], json.dumps(req))
    assert code == 2
    fields = {e["field"] for e in json.loads(err)["errors"]}
    assert fields == {"observations.spo2_pct", "observations.creatinine"}
    code, _, err = run(["grade", "--term", "creatinine_increased", "--value", "-1 mg/dL",
                        "--uln", "1.2 mg/dL", "--baseline", "1 mg/dL", "--json"])
    assert code == 2
    assert json.loads(err)["errors"][0]["field"] == "value"


def test_calendar_json_lists_28() -> None:
    """Label schedule from Mon 6 Apr 2026 08:00 in Paris (CEST, UTC+2): days 1-5 and 15-19."""
    code, out, _ = run(["calendar", "--regimen", "hd-il2-600k", "--start", "2026-04-06T08:00",
                        "--tz", "Europe/Paris", "--json"])
    assert code == 0
    doc = json.loads(out)
    assert doc["doses"] == 28
    slots = doc["slots"]
    assert [(s["day"], s["local"]) for s in (slots[0], slots[13], slots[14], slots[27])] == [
        (1, "2026-04-06T08:00:00+02:00"), (5, "2026-04-10T16:00:00+02:00"),
        (15, "2026-04-20T08:00:00+02:00"), (19, "2026-04-24T16:00:00+02:00")]


def test_every_schema_is_valid_json_schema() -> None:
    for name in registry():
        schema = json_schema(name)
        jsonschema.Draft202012Validator.check_schema(schema)


def test_regimens_and_schema_list() -> None:
    """The label's regimen and the NCI one (rosenberg1994: 720,000 IU/kg, 15 doses a cycle)."""
    code, out, _ = run(["regimens", "--json"])
    assert code == 0
    regimens = {r["key"]: r for r in json.loads(out)["regimens"]}
    label, nci = regimens["hd-il2-600k"], regimens["hd-il2-720k"]
    assert (label["components"][0]["amount"], label["components"][0]["unit"],
            label["components"][0]["basis"]) == (600000, "IU", "kg")
    assert (label["schedule"]["interval_hours"], label["schedule"]["cycle_start_days"],
            label["schedule"]["max_doses_per_cycle"],
            label["schedule"]["max_doses_per_course"]) == (8, [1, 15], 14, 28)
    assert nci["components"][0]["amount"] == 720000
    assert nci["schedule"]["max_doses_per_cycle"] == 15
    assert "il2-after-til" in json.loads(out)["not_provided"]
    code, out, _ = run(["schema", "--json"])
    assert {"dose", "calendar", "next-dose"} <= set(json.loads(out))


@pytest.mark.parametrize("args", [["dose", "--bogus"], ["no-such-command"], ["calendar", "-x"]])
def test_usage_errors_exit_2_without_traceback(args: list[str]) -> None:
    code, _, err = run(args)
    assert code == 2
    assert "Traceback" not in err
    assert "internal error" not in err


def test_area_command_table_matches_registrations() -> None:
    """app.AREA_COMMANDS (used to build only the invoked area) lists what each area registers."""
    import importlib

    import typer

    from hdil2.cli.app import AREA_COMMANDS

    for module, names in AREA_COMMANDS.items():
        app = typer.Typer()
        importlib.import_module(module).register(app)
        got = [c.name for c in app.registered_commands] + [
            g.typer_instance.info.name for g in app.registered_groups]
        assert sorted(got) == sorted(names), module
