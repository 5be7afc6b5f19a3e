"""Issue 9: ``assess`` and ``next-course`` are operations of the application layer, their
answers are Results / Decisions whose JSON form and JSON Schema follow from one declaration,
and the CLI options become fields of the request."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, get_type_hints

import jsonschema
import pytest

from hdil2 import app
from hdil2.cli.invoke import invoke
from hdil2.clinical.response import AssessmentRequest, assess
from hdil2.clinical.response.next_course import CourseHistory, NextCourseDetails
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable

DATA = Path(__file__).resolve().parent / "data"
VISITS = json.loads((DATA / "example_visits.json").read_text(encoding="utf-8"))
HISTORY = json.loads((DATA / "example_history.json").read_text(encoding="utf-8"))


def test_item9_assess_is_an_operation_and_reads_its_criteria_from_the_request() -> None:
    result = app.run("assess", {**VISITS, "criteria": "irecist"})
    assert result.criteria == "irecist"
    assert result == assess(AssessmentRequest.model_validate(VISITS), "irecist")
    assert app.run("assess", VISITS).criteria == "recist1.1"  # the default
    jsonschema.validate(jsonable(result), app.operation("assess").output_schema())


def test_item9_visit_json_is_the_time_point_fields() -> None:
    """The example's first follow-up: 30 + 18 + node 12 = 60 mm against 40 + 25 + 18 = 83 mm
    at baseline: (60 − 83) / 83 = −27.7 % (RECIST 1.1 section 4.3.1, SD: neither −30 % nor
    +20 %)."""
    doc = jsonable(app.run("assess", VISITS))
    first = doc["visits"][0]
    assert first["index"] == 1
    assert (first["burden_mm"], first["baseline_mm"], first["nadir_mm"]) == (60, 83, 83)
    assert first["change_from_baseline_pct"] == -27.7
    assert first["change_from_nadir_pct"] == -27.7
    assert first["overall"] == "SD"
    assert doc["bor_confirmed"]["confirmation_required"] is True
    assert doc["bor_confirmed"]["responder"] is True  # PR, confirmed
    dor = doc["dates_confirmed"]["duration_of_response"]
    assert dor["days"] == (dt.date.fromisoformat(dor["end"])
                           - dt.date.fromisoformat(dor["start"])).days


def test_item9_results_are_their_fields_without_hand_written_json() -> None:
    from hdil2.clinical.response.assess import Assessment
    from hdil2.clinical.response.bor import BestResponse
    from hdil2.clinical.response.durations import Dates, Duration
    from hdil2.clinical.response.timepoint import TimePoint
    from hdil2.core.result import Result

    for cls in (Assessment, TimePoint, BestResponse, Dates, Duration):
        assert issubclass(cls, Result), cls
        assert "to_dict" not in vars(cls), cls


def test_item9_next_course_is_an_operation() -> None:
    """PR after course 1, CR after course 2 (discharged 2024-04-15): one consolidation course
    (lee2000), no earlier than 49 days after discharge (label): 2024-06-03."""
    d = app.run("next-course", HISTORY)
    assert d == CourseHistory.model_validate(HISTORY).advise()
    assert d.value == "consolidation_course"
    assert d.details["earliest_start_date"] == dt.date(2024, 6, 3)
    jsonschema.validate(jsonable(d), app.operation("next-course").output_schema())


def test_item9_next_course_schema_lists_exactly_the_details_it_emits() -> None:
    schema = app.operation("next-course").output_schema()
    details = set(get_type_hints(NextCourseDetails))
    assert set(schema["properties"]) == {"value", "reasons", *details}
    assert set(schema["required"]) == {"value", "reasons", "variant", "courses_given"}
    assert details == {"variant", "courses_given", "best_response", "response",
                       "stop_category", "next_course", "earliest_start_date", "not_recorded",
                       "missing", "possible"}
    # nothing recorded after course 1: CR → consolidation (lee2000), PR/MR → another course,
    # NR → another course only with some shrinkage (label), PD → stop; so the response and
    # the shrinkage are both missing and every advice is possible
    d = app.run("next-course", {"courses": [{"discharge_date": "2024-01-30",
                                             "response": None}]})
    doc = jsonable(d)
    assert doc["value"] == "not_evaluable"
    assert doc["missing"] == ["courses[0].response", "courses[0].shrinkage"]
    assert doc["not_recorded"] == doc["missing"]
    assert doc["possible"] == ["next_course", "consolidation_course", "stop"]
    jsonschema.validate(doc, schema)


def test_item9_site_profile_fills_the_rest_policy_of_next_course() -> None:
    """A site resting 8 weeks: discharge 2024-04-15 + 56 days = 2024-06-10; the request's own
    override wins."""
    site = app.SiteProfile(policies={"next-course": {"min_rest_days": 56}})
    assert app.run("next-course", HISTORY, site).details["earliest_start_date"] == \
        dt.date(2024, 6, 10)
    own = {**HISTORY, "policies": {"min_rest_days": 84}}
    assert app.run("next-course", own, site).details["earliest_start_date"] == \
        dt.date(2024, 7, 8)


@pytest.mark.parametrize(("payload", "field"), [
    ({**VISITS, "criteria": "mrecist"}, "criteria"),
    ({**VISITS, "policies": {"nodes_one_organ": "maybe"}}, "policy.nodes_one_organ"),
    ({"courses": [{"discharge_date": "2024-01-30", "response": "XR"}]}, "courses[0].response"),
    ({**HISTORY, "variant": "nci"}, "variant"),
])
def test_item9_request_errors_name_the_field(payload: dict[str, Any], field: str) -> None:
    name = "assess" if "visits" in payload else "next-course"
    with pytest.raises(InputError) as e:
        app.run(name, payload)
    assert e.value.field == field


def test_item9_cli_options_become_fields_of_the_request(tmp_path: Path) -> None:
    """--criteria, --variant and --policy fill the request read from the file; an option wins
    over the file, and a file may now name its own criteria."""
    p = tmp_path / "visits.json"
    p.write_text(json.dumps({**VISITS, "criteria": "irecist"}))
    code, out, err = invoke(["assess", str(p), "--json"])
    assert code == 0, err
    assert json.loads(out)["criteria"] == "irecist"
    code, out, err = invoke(["assess", str(p), "--criteria", "recist1.1", "--json"])
    assert code == 0, err
    assert json.loads(out)["criteria"] == "recist1.1"
    h = tmp_path / "history.json"
    h.write_text(json.dumps({**HISTORY, "policies": {"min_rest_days": 84}}))
    code, out, err = invoke(["next-course", str(h), "--variant", "cwg", "--policy",
                             "min_rest_days=56", "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["variant"], doc["earliest_start_date"]) == ("cwg", "2024-06-10")
