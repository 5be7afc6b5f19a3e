"""The application layer's contract: one catalogue, schemas for every input and output, and
every output an operation gives validates against its own output schema."""

from __future__ import annotations

import importlib
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings

from hdil2 import app
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable

from .strategies import STRATEGIES

NAMES = app.names()


def test_areas_list_exactly_what_each_area_module_defines() -> None:
    for module, names in app.AREAS.items():
        defined = tuple(op.name for op in importlib.import_module(module).OPERATIONS)
        assert sorted(defined) == sorted(names), module


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    op = app.operation(name)
    jsonschema.Draft202012Validator.check_schema(op.input_schema())
    jsonschema.Draft202012Validator.check_schema(op.output_schema())


def test_every_operation_has_a_strategy_of_valid_requests() -> None:
    assert sorted(STRATEGIES) == NAMES


def test_unknown_operation_names_the_field() -> None:
    with pytest.raises(InputError, match="unknown operation 'dosage'") as err:
        app.operation("dosage")
    assert err.value.field == "operation"


@pytest.mark.parametrize("name", NAMES)
def test_outputs_validate_against_the_output_schema(name: str) -> None:
    """100 random valid requests per operation: each answer validates against the schema."""
    op = app.operation(name)
    validator = jsonschema.Draft202012Validator(op.output_schema())
    answered: list[int] = []
    tried: list[int] = []

    @settings(max_examples=100, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(STRATEGIES[name])
    def check(payload: dict[str, Any]) -> None:
        tried.append(1)
        try:
            result = op(payload)
        except InputError:
            assume(False)
            return
        doc = jsonable(result)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
        answered.append(1)

    check()
    # a finite request space (regimens, grade-terms) ends early; otherwise most are answered
    assert len(answered) >= 1
    assert 2 * len(answered) >= len(tried), f"only {len(answered)} of {len(tried)} answered"


def test_site_profile_fills_only_what_a_request_leaves_out() -> None:
    site = app.SiteProfile(tz="Europe/Berlin", policies={"dose": {"vial_drawable": "nominal"}})
    # 36.5 kg at 600,000 IU/kg = 21,900,000 IU: 1 vial at the nominal 22 MIU, 2 at 21.6 MIU
    plan = app.run("dose", {"regimen": "hd-il2-600k", "weight": "36.5 kg"}, site)
    assert plan.il2.preparation.vials == 1
    plan = app.run("dose", {"regimen": "hd-il2-600k", "weight": "36.5 kg",
                            "policies": {"vial_drawable": "reconstituted"}}, site)
    assert plan.il2.preparation.vials == 2
    cal = app.run("calendar", {"regimen": "hd-il2-600k", "first_dose": "2026-03-05T08:00"}, site)
    assert cal.tz == "Europe/Berlin"
    assert cal.slots[0].utc.isoformat() == "2026-03-05T07:00:00+00:00"  # CET = UTC+1 in March


def test_validation_errors_name_the_field_by_path() -> None:
    with pytest.raises(InputError) as err:
        app.run("dose", {"regimen": "hd-il2-600k", "weight": 70})
    assert err.value.field == "weight"
    assert "unit" in err.value.message




def test_cli_site_profile_fills_the_zone_and_refuses_a_bad_one(tmp_path: Any) -> None:
    from hdil2.cli.invoke import invoke

    site = tmp_path / "site.json"
    site.write_text('{"tz": "Europe/Berlin"}', encoding="utf-8")
    code, out, err = invoke(["--site", str(site), "calendar", "--regimen", "hd-il2-600k",
                             "--start", "2026-03-05T08:00", "--json"])
    assert code == 0, err
    assert '"first_dose": "2026-03-05T08:00:00+01:00"' in out
    site.write_text('{"tz": "EST"}', encoding="utf-8")
    code, _, err = invoke(["--site", str(site), "dose", "--regimen", "hd-il2-600k",
                           "--weight", "70 kg"])
    assert code == 2
    assert err.startswith("error: site.tz:")
    assert "America/New_York" in err
