"""The stats and design operations of the application layer (issue 9 items 1 and 2).

Every ``hdil2 stats`` and ``hdil2 design`` command runs an operation of ``hdil2.app``; an
in-process caller (standing in for the JSON API) sends the same JSON and gets the same answer,
checked here against R and closed forms, not against the CLI alone.  Results derive their JSON
from their fields (no hand-written ``to_dict``).
"""

from __future__ import annotations

import csv
import importlib
import inspect
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hdil2_stats_support import load_results
from scipy.stats import norm

from hdil2 import app
from hdil2.cli.app import main
from hdil2.core.errors import InputError, InputErrors
from hdil2.core.jsonable import jsonable
from hdil2.core.result import Result

DATA = Path(__file__).resolve().parent / "data"
SURV = load_results("survival_r")
RPACT = load_results("design_rpact")

STATS = ("stats-rate", "stats-compare", "stats-trend", "stats-km", "stats-logrank", "stats-cox")
DESIGN = ("design-simon", "design-simon-oc", "design-simon-stage1", "design-simon-estimate",
          "design-two-proportions", "design-survival", "design-group-sequential",
          "design-conditional-power")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def columns(name: str) -> dict[str, list[str]]:
    """The columns of a CSV data set as text, read with the csv module (not by hdil2)."""
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {k: [r[k] for r in rows] for k in rows[0]}


# ---- the catalogue -------------------------------------------------------------------------

def test_item9_every_stats_and_design_operation_is_in_the_catalogue() -> None:
    assert set(STATS) | set(DESIGN) <= set(app.names())
    for name in STATS + DESIGN:
        op = app.operation(name)
        assert op.area == name.split("-")[0]
        assert op.output_schema()["title"] == f"{name} (output)"
        assert not op.needs_registry


@pytest.mark.parametrize("name", STATS + DESIGN)
def test_item9_schema_command_prints_input_and_output(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    import jsonschema

    for extra in ((), ("--output",)):
        code, out, err = run(capsys, "schema", name, *extra)
        assert code == 0, err
        jsonschema.Draft202012Validator.check_schema(json.loads(out))


def test_item9_survival_data_schema_still_served(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "stats-survival")
    assert code == 0
    assert set(json.loads(out)["required"]) == {"time", "event"}


def test_item9_cli_stats_holds_parsing_and_rendering_only() -> None:
    import hdil2.cli.stats as cli

    source = inspect.getsource(cli)
    assert not re.search(r"[\"']hdil2\.[\w.]+:\w+[\"']", source)  # no "module:attr" strings
    for banned in ("importlib", "parse_model", "load_model", "hdil2.stats.requests",
                   "model_copy", "interim_binary", "hazard_from_survival"):
        assert banned not in source, banned


COMMANDS = {
    "stats-rate": ["stats", "rate", "--x", "3", "--n", "10"],
    "stats-compare": ["stats", "compare", "--x1", "3", "--n1", "10", "--x2", "1", "--n2", "9"],
    "stats-trend": ["stats", "trend", "--successes", "1,2,4", "--totals", "9,9,9"],
    "stats-km": ["stats", "km", str(DATA / "aml.csv"), "--event", "status"],
    "stats-logrank": ["stats", "logrank", str(DATA / "aml.csv"), "--event", "status",
                      "--group", "x"],
    "stats-cox": ["stats", "cox", str(DATA / "aml.csv"), "--event", "status", "--covariates",
                  "x"],
    "design-simon": ["design", "simon", "--p0", "0.1", "--p1", "0.3", "--nmax", "40"],
    "design-simon-oc": ["design", "simon-oc", "--r1", "1", "--n1", "10", "--r", "5", "--n",
                        "29", "--p0", "0.1", "--p1", "0.3"],
    "design-simon-stage1": ["design", "simon-stage1", "--r1", "1", "--n1", "10", "--r", "5",
                            "--n", "29", "--responses", "2"],
    "design-simon-estimate": ["design", "simon-estimate", "--r1", "1", "--n1", "10", "--r", "5",
                              "--n", "29", "--p0", "0.1", "--x1", "1"],
    "design-two-proportions": ["design", "two-proportions", "--p1", "0.7", "--p2", "0.4"],
    "design-survival": ["design", "survival", "--hazard-ratio", "0.6"],
    "design-group-sequential": ["design", "group-sequential", "--rates", "0.5,1"],
    "design-conditional-power": ["design", "conditional-power", "--z", "1", "--information",
                                 "0.5", "--alpha", "0.025"],
}


def test_item9_every_command_runs_its_operation(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import hdil2.app

    asked: list[str] = []
    real = hdil2.app.operation

    def spy(name: str) -> Any:
        asked.append(name)
        return real(name)

    monkeypatch.setattr(hdil2.app, "operation", spy)
    assert sorted(COMMANDS) == sorted(STATS + DESIGN)
    for name, args in COMMANDS.items():
        asked.clear()
        run_json(capsys, *args)
        assert asked == [name], (name, asked)


def test_item9_results_have_no_hand_written_to_dict() -> None:
    import hdil2.stats._result as plumbing

    assert not hasattr(plumbing, "Result")  # the stats-only mixin is gone
    assert not hasattr(plumbing, "clean")
    found = []
    for module in ("proportions", "kaplan_meier", "logrank", "cox", "_design", "simon",
                   "sample_size", "interim"):
        mod = importlib.import_module(f"hdil2.stats.{module}")
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if cls.__module__ == mod.__name__ and issubclass(cls, Result):
                found.append(cls.__name__)
                assert "to_dict" not in vars(cls), cls
    assert {"KaplanMeier", "KaplanMeierCurves", "CoxModel", "LogRank", "TwoByTwo",
            "InterimAnalysis", "SimonSearch"} <= set(found)


# ---- the same JSON from the CLI and from an in-process caller ------------------------------

def test_item9_km_request_answers_as_the_csv_command(capsys: pytest.CaptureFixture[str]) -> None:
    cols = columns("aml.csv")
    req = {"time": [float(t) for t in cols["time"]], "event": [int(e) for e in cols["status"]],
           "group": cols["x"], "landmarks": [12, 24]}
    api = jsonable(app.run("stats-km", req))
    cli = run_json(capsys, "stats", "km", str(DATA / "aml.csv"), "--event", "status",
                   "--group", "x", "--at", "12,24")
    assert api == cli
    for curve in api["curves"]:
        ref = SURV.KM[("aml", f"x={curve['label']}", "log")]
        assert [curve["median"][k] for k in ("estimate", "lower", "upper")] == ref["median"]
        assert [m["surv"] for m in curve["landmarks"]] == pytest.approx(
            ref["landmark_surv"][:2], rel=1e-6)


def test_item9_logrank_request_answers_as_the_csv_command(
        capsys: pytest.CaptureFixture[str]) -> None:
    cols = columns("veteran.csv")
    req = {"time": [float(t) for t in cols["time"]], "event": [int(e) for e in cols["status"]],
           "group": [int(g) for g in cols["trt"]], "strata": cols["celltype"]}
    api = jsonable(app.run("stats-logrank", req))
    assert api == run_json(capsys, "stats", "logrank", str(DATA / "veteran.csv"), "--event",
                           "status", "--group", "trt", "--strata", "celltype")
    ref = SURV.LOGRANK[("veteran_trt_strata_celltype", 0)]
    assert api["chisq"] == pytest.approx(ref["chisq"][0], rel=1e-6)


def test_item9_cox_request_answers_as_the_csv_command(
        capsys: pytest.CaptureFixture[str]) -> None:
    cols = columns("lung.csv")
    req = {"time": [float(t) for t in cols["time"]],
           "event": [int(s) - 1 for s in cols["status"]],  # R's lung: 2 = dead, 1 = censored
           "covariates": {"age": [float(a) for a in cols["age"]],
                          "sex": [float(s) for s in cols["sex"]],
                          "ph.ecog": [None if v in ("", "NA") else float(v)
                                      for v in cols["ph.ecog"]]},
           "categorical": ["sex", "ph.ecog"]}
    api = jsonable(app.run("stats-cox", req))
    assert api == run_json(capsys, "stats", "cox", str(DATA / "lung.csv"), "--event", "status",
                           "--event-value", "2", "--censor-value", "1", "--covariates",
                           "age,sex,ph.ecog", "--categorical", "sex,ph.ecog")
    ref = SURV.COX_FACTOR["lung_age_sexf_ecogf"]
    assert [t["coef"] for t in api["terms"]] == pytest.approx(ref["coef"], rel=1e-6)
    assert (api["n_dropped"], api["missing"]) == (1, {"ph.ecog": 1})


def test_item9_survival_requests_refuse_what_their_method_ignores(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {"time": [5, 8, 12, 20, 25, 30], "event": [1, 1, 0, 1, 1, 0],
            "group": ["a", "a", "a", "b", "b", "b"]}
    # a Cox model has no strata and no groups, Kaplan-Meier no covariates: refused, never
    # ignored (a Cox fit that silently left out the strata would answer another question)
    with pytest.raises(InputErrors) as errs:
        app.run("stats-cox", {**data, "covariates": {"x": [1, 2, 3, 4, 5, 6]},
                              "strata": [1, 1, 1, 2, 2, 2]})
    assert [e.field for e in errs.value.errors] == ["group", "strata"]
    with pytest.raises(InputError) as err:
        app.run("stats-km", {**data, "covariates": {"x": [1, 2, 3, 4, 5, 6]}})
    assert err.value.field == "covariates"
    # a CSV column option with a JSON request names the option
    f = tmp_path / "km.json"
    f.write_text(json.dumps(data))
    code, _, err_text = run(capsys, "stats", "km", str(f), "--group", "arm", "--json")
    assert code == 2
    assert json.loads(err_text)["errors"][0]["field"] == "--group"
    # options are added to a JSON request
    d = run_json(capsys, "stats", "km", str(f), "--at", "10", "--conf-type", "plain")
    assert d["conf_type"] == "plain"
    assert [c["landmarks"][0]["time"] for c in d["curves"]] == [10, 10]


def test_item9_landmark_errors_name_the_request_field() -> None:
    with pytest.raises(InputError) as err:
        app.run("stats-km", {"time": [1, 2], "event": [1, 1], "landmarks": [3, -1]})
    assert err.value.field == "landmarks[1]"


# ---- trial design requests carry what the CLI used to compute ------------------------------

def test_item9_survival_design_from_survival_rates_in_a_request() -> None:
    res = app.run("design-survival", {"surv1": 0.7, "surv2": 0.4, "at_time": 2, "sides": 1,
                                      "accrual": 3, "follow_up": 2})
    assert res.events == pytest.approx(27.780251289725445, rel=1e-9)  # rpact, see results
    assert res.lambda1 == pytest.approx(-math.log(0.7) / 2, rel=1e-15)
    for bad, field in (({"surv1": 0.7, "surv2": 0.4}, "at_time"),
                       ({"at_time": 2}, "surv1"),
                       ({"surv1": 0.7, "surv2": 0.4, "at_time": 2, "lambda1": 0.1}, "surv1"),
                       ({"surv1": 1.2, "surv2": 0.4, "at_time": 2}, "surv1"),
                       ({"surv1": 0.7, "surv2": 0.4, "at_time": 0}, "at_time")):
        with pytest.raises(InputError) as err:
            app.run("design-survival", bad)
        assert err.value.field == field, bad


CLARK = {"x1": 5, "n1": 21, "x2": 8, "n2": 23, "planned_n1": 34, "planned_n2": 34, "p1": 0.7,
         "p2": 0.4}


def test_item9_conditional_power_from_binary_counts_in_a_request() -> None:
    res = app.run("design-conditional-power", {"binary": CLARK, "alpha": 0.05})
    # pooled z for 5/21 vs 8/23 and the drift 0.3/√(0.55·0.45·2/34), written out
    pbar = 13 / 44
    z = (5 / 21 - 8 / 23) / math.sqrt(pbar * (1 - pbar) * (1 / 21 + 1 / 23))
    theta, t, c = 0.3 / math.sqrt(0.55 * 0.45 * 2 / 34), 44 / 68, norm.isf(0.05)
    assert res.interim.z == pytest.approx(z, rel=1e-12)
    want = norm.sf((c - z * math.sqrt(t) - theta * (1 - t)) / math.sqrt(1 - t))
    assert res.conditional_power.under_design == pytest.approx(want, rel=1e-9)
    assert res.advice.value == "consider stopping for futility"


def test_item9_conditional_power_from_events_in_a_request() -> None:
    res = app.run("design-conditional-power", {
        "z": 1.0, "survival": {"events": 100, "planned_events": 331, "hazard_ratio": 0.7},
        "alpha": 0.025})
    theta, t, c = -math.log(0.7) * math.sqrt(331) / 2, 100 / 331, norm.isf(0.025)
    want = norm.sf((c - 1.0 * math.sqrt(t) - theta * (1 - t)) / math.sqrt(1 - t))
    assert res.conditional_power.under_design == pytest.approx(want, rel=1e-9)
    assert res.advice.value == "continue"


@pytest.mark.parametrize(("request_", "field"), [
    ({"binary": CLARK, "alpha": 0.05, "z": 1.0}, "z"),  # z comes from the counts
    ({"binary": CLARK, "alpha": 0.05, "information": 0.5}, "information"),
    ({"binary": {**CLARK, "x1": 22}, "alpha": 0.05}, "binary.x1"),
    ({"survival": {"events": 100, "planned_events": 331, "hazard_ratio": 0.7},
      "alpha": 0.025}, "z"),
    ({"z": 1.0, "information": 0.3, "alpha": 0.025,
      "survival": {"events": 100, "planned_events": 331, "hazard_ratio": 0.7}}, "information"),
    ({"z": 1.0, "survival": {"events": 400, "planned_events": 331, "hazard_ratio": 0.7},
      "alpha": 0.025}, "survival.events"),
    ({"z": 1.0, "information": 0.5, "alpha": 0.025, "critical_values": [1.96]}, "alpha"),
    ({"z": 1.0, "information": 0.5, "alpha": 0.6}, "alpha"),
    ({"z": 1.0, "information": 0.5}, "critical_values"),
    ({"z": 1.0, "alpha": 0.025}, "information"),
    ({"z": 1.0, "information": 0.5, "alpha": 0.025, "futility_threshold": 1.5},
     "futility_threshold"),
    ({"z": 1.0, "information": 0.5, "alpha": 0.025, "design_drift": math.inf},
     "design_drift"),
])
def test_item9_conditional_power_request_refusals_name_the_field(
        request_: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as err:
        app.run("design-conditional-power", request_)
    assert err.value.field == field


def test_conditional_power_refuses_an_infinite_design_drift() -> None:
    from hdil2.stats.interim import conditional_power

    with pytest.raises(InputError) as err:
        conditional_power(1.0, 0.5, critical_values=[1.96], information_rates=[1.0],
                          design_drift=math.inf)
    assert err.value.field == "design_drift"


def test_item9_stage1_decision_validates_against_its_schema() -> None:
    import jsonschema

    op = app.operation("design-simon-stage1")
    schema = op.output_schema()
    for responses, value in ((1, "stop"), (2, "continue")):
        doc = jsonable(op({"r1": 1, "n1": 10, "r": 5, "n": 29, "responses": responses}))
        jsonschema.validate(doc, schema)
        assert doc["value"] == value
        assert doc["rule"] == "stop if ≤ 1 responses in 10"
    with pytest.raises(jsonschema.ValidationError):  # the schema knows the three values
        jsonschema.validate({"value": "maybe", "rule": "", "reasons": []}, schema)
