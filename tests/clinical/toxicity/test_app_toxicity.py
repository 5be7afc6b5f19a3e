"""grade, grade-terms and next-dose as operations of the application layer (issue 9 items 1, 2).

What is checked: the answers through ``hdil2.app`` are the clinical answers (the grades of
CTCAE v5.0's own bounds, the label's and the consensus' hold rows), their JSON validates against
the operation's output schema and keeps the keys it had, and the site profile fills the ward's
zone, its hold rule sets and its grade policies only where a request leaves them out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hdil2 import app
from hdil2.cli.invoke import invoke
from hdil2.clinical.toxicity.ctcae import TERMS
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable

from .holds.conftest import NORMAL

BASE: dict[str, Any] = {"regimen": "hd-il2-600k", "first_dose": "2026-04-06T08:00",
                        "tz": "America/New_York", "doses": [], "observations": dict(NORMAL)}


def valid(name: str, result: Any) -> dict[str, Any]:
    """The JSON form of ``result``, after checking it against ``name``'s output schema."""
    doc = jsonable(result)
    jsonschema.Draft202012Validator(app.operation(name).output_schema()).validate(doc)
    return dict(doc)


def test_item9_grade_is_an_operation_with_its_details_in_the_schema() -> None:
    # creatinine 1.5 mg/dL: 1.25 x ULN 1.2 (G1), 1.67 x baseline 0.9 (> 1.5 - 3.0 x: G2)
    doc = valid("grade", app.run("grade", {"term": "creatinine_increased", "value": "1.5 mg/dL",
                                           "uln": "1.2 mg/dL", "baseline": "0.9 mg/dL"}))
    assert list(doc) == ["value", "term", "term_name", "method", "grade_text", "possible_grades",
                         "missing", "ctcae_version", "reasons"]
    assert (doc["value"], doc["possible_grades"], doc["grade_text"]) == (
        2, [2], ">1.5 - 3.0 x baseline; >1.5 - 3.0 x ULN")
    schema = app.operation("grade").output_schema()
    assert set(schema["required"]) == set(doc)
    # the schema refuses what CTCAE has not: a grade 6, a detail nobody emits
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid({**doc, "value": 6})
    assert not validator.is_valid({**doc, "grade": 2})
    missing = valid("grade", app.run("grade", {"term": "creatinine_increased",
                                                "value": "1.5 mg/dL", "uln": "1.2 mg/dL"}))
    assert (missing["value"], missing["grade_text"], missing["missing"]) == (
        "not_evaluable", None, ["baseline"])


def test_item9_grade_terms_lists_what_grade_list_printed() -> None:
    doc = valid("grade-terms", app.run("grade-terms", {}))
    assert list(doc) == ["version", "terms", "not_terms"]
    assert doc["version"] == "5.0"
    assert [t["key"] for t in doc["terms"]] == list(TERMS)
    assert set(doc["not_terms"]) == {"oliguria", "anuria"}
    entry = next(t for t in doc["terms"] if t["key"] == "sinus_tachycardia")
    assert list(entry) == ["key", "name", "method", "direction", "inputs", "allowed_grades",
                           "grades", "tag", "grade_tags", "note", "aliases", "source",
                           "text_source", "criteria_source"]
    assert entry["allowed_grades"] == [0, 1, 2, 3]  # v5.0: no grade 4 or 5
    assert set(entry["grades"]) == {"1", "2", "3"}
    with pytest.raises(InputError) as err:
        app.run("grade-terms", {"term": "fever"})
    assert err.value.field == "term"


def test_item9_next_dose_answers_validate_in_each_shape() -> None:
    give = valid("next-dose", app.run("next-dose", BASE))
    assert list(give) == ["value", "next_slot", "resume_when", "missing", "holds_in_force",
                          "counts", "rulesets", "checks", "reasons"]
    assert give["value"] == "give"
    assert give["counts"]["course"] == {"given": 0, "held": 0, "slots": 28}
    assert give["next_slot"]["index"] == 1
    # SpO2 88 % < 90 %: the label withholds, resume when SpO2 > 90 %
    hold = valid("next-dose", app.run("next-dose", {
        **BASE, "doses": [{"slot": 1, "status": "given"}],
        "observations": {**NORMAL, "spo2_pct": 88}}))
    assert hold["value"] == "hold"
    assert [w[:11] for w in hold["resume_when"]] == ["SpO2 > 90 %"]
    assert next(c for c in hold["checks"] if c["rule"] == "label.spo2_below_90") == {
        "rule": "label.spo2_below_90", "result": "fired", "mode": "hold", "missing": []}
    done = valid("next-dose", app.run("next-dose", {
        **BASE, "doses": [{"slot": i, "status": "given"} for i in range(1, 29)]}))
    assert list(done) == ["value", "counts", "holds_in_force", "reasons"]
    assert done["value"] == "course_complete"
    assert done["counts"]["cycles"] == {"1": {"given": 14, "held": 0, "slots": 14},
                                        "2": {"given": 14, "held": 0, "slots": 14}}
    schema = app.operation("next-dose").output_schema()
    assert set(schema["required"]) == {"value", "counts", "holds_in_force", "reasons"}


def test_item9_site_profile_fills_the_ward_zone_and_hold_rule_sets() -> None:
    site = app.SiteProfile(tz="Europe/Berlin", hold_rulesets=("dutcher2014",))
    request = {k: v for k, v in BASE.items() if k != "tz"}
    # creatinine 3.5 mg/dL: the label holds from 4 (with co-criteria) or above 4.5; the 2014
    # consensus stops at >= 3 mg/dL (absolute criterion, scope cycle by default)
    request["observations"] = {**NORMAL, "creatinine": "3.5 mg/dL"}
    d = app.run("next-dose", request, site)
    assert d.value == "stop_cycle"
    assert d.details["rulesets"].keys() == {"label", "dutcher2014"}
    assert d.details["next_slot"].utc.isoformat() == "2026-04-06T06:00:00+00:00"  # CEST
    # the request's own zone and rule sets win over the site's
    own = app.run("next-dose", {**request, "tz": "America/New_York", "rulesets": ["label"]},
                  site)
    assert own.value == "give"
    assert own.details["next_slot"].utc.isoformat() == "2026-04-06T12:00:00+00:00"  # EDT
    with pytest.raises(InputError) as err:  # no zone anywhere: named, never guessed
        app.run("next-dose", request)
    assert err.value.field == "tz"


def test_item9_site_grade_policy_applies_to_diarrhea_unless_the_request_sets_it() -> None:
    # 6 stools over a baseline of 2: an increase of 4 is G2 ("increase of 4 - 6 stools");
    # incontinence is not a v5.0 criterion unless policy diarrhea_incontinence = grade_3
    req = {"term": "diarrhea", "stools_per_day": 6, "baseline_stools_per_day": 2,
           "incontinence": True}
    site = app.SiteProfile(policies={"grade": {"diarrhea_incontinence": "grade_3"}})
    assert app.run("grade", req).value == 2
    assert app.run("grade", req, site).value == 3
    own = {**req, "policies": {"diarrhea_incontinence": "not_graded"}}
    assert app.run("grade", own, site).value == 2
    # a policy only diarrhea has does not touch another term
    assert app.run("grade", {"term": "fever", "value": "38.5 °C"}, site).value == 1


def test_item9_cli_next_dose_reads_the_site_profile(tmp_path: Path) -> None:
    site = tmp_path / "site.json"
    site.write_text(json.dumps({"tz": "Europe/Berlin", "hold_rulesets": ["dutcher2014"]}))
    req = tmp_path / "req.json"
    req.write_text(json.dumps({**{k: v for k, v in BASE.items() if k != "tz"},
                               "observations": {**NORMAL, "creatinine": "3.5 mg/dL"}}))
    code, out, err = invoke(["--site", str(site), "next-dose", str(req), "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert doc["value"] == "stop_cycle"
    assert doc["next_slot"]["local"] == "2026-04-06T08:00:00+02:00"
    code, _, err = invoke(["next-dose", str(req), "--json"])
    assert code == 2
    assert json.loads(err)["errors"][0]["field"] == "tz"


def test_item9_schema_names_the_toxicity_outputs_and_dose_observations() -> None:
    code, out, _ = invoke(["schema", "--json"])
    assert code == 0
    assert {"grade", "grade-terms", "next-dose", "dose-observations"} <= set(json.loads(out))
    for name in ("grade", "grade-terms", "next-dose"):
        code, out, err = invoke(["schema", name, "--output"])
        assert code == 0, err
        assert json.loads(out)["title"] == f"{name} (output)"
    code, out, _ = invoke(["schema", "dose-observations"])
    assert "spo2_pct" in json.loads(out)["properties"]
