"""What the calendar accepts as a ward's zone and a first-dose time (issue 8 items 2 and 3).

Item 2 (docs/decisions.md#iana-zones-only): only IANA Area/Location zones, which keep a place's
civil time; abbreviations, fixed offsets, EST5EDT-style zones and old aliases are refused with
the Area/Location name to use.  Item 3 (docs/decisions.md#start-needs-time): a date alone is
refused, and so is every other lax form; the accepted forms are read exactly.
The same rules hold for a JSON request and for the command-line options.
"""

import datetime as dt
import json
from typing import Any

import pytest
from pydantic import ValidationError

from hdil2.cli.invoke import invoke
from hdil2.clinical.treatment.calendar import CalendarRequest, course_calendar
from hdil2.core.errors import InputError

NY = "America/New_York"


def request(**over: Any) -> dict[str, Any]:
    return {"regimen": "hd-il2-600k", "first_dose": "2026-03-05T08:00", "tz": NY, **over}


def json_errors(req: dict[str, Any]) -> list[dict[str, str]]:
    code, out, err = invoke(["calendar", "-", "--json"], json.dumps(req))
    assert (code, out) == (2, ""), (code, out)
    errors: list[dict[str, str]] = json.loads(err)["errors"]
    return errors


def cli(start: str, tz: str) -> tuple[int, str, str]:
    return invoke(["calendar", "--regimen", "hd-il2-600k", "--start", start, "--tz", tz])


# name -> the Area/Location name the message must suggest
REFUSED_ZONES = {
    "EST": "America/New_York", "PST": "America/Los_Angeles", "MST": "America/Denver",
    "HST": "Pacific/Honolulu", "CET": "Europe/Paris", "EET": "Europe/Athens",
    "WET": "Europe/Lisbon", "MET": "Europe/Berlin", "EST5EDT": "America/New_York",
    "CST6CDT": "America/Chicago", "MST7MDT": "America/Denver", "PST8PDT": "America/Los_Angeles",
    "US/Eastern": "America/New_York", "US/Pacific": "America/Los_Angeles",
    "UTC": "Europe/London", "GMT": "Europe/London", "Etc/UTC": "America/New_York",
    "Etc/GMT+5": "America/New_York", "posix/America/New_York": "America/New_York",
}


@pytest.mark.parametrize(("name", "suggest"), sorted(REFUSED_ZONES.items()))
def test_item2_fixed_offset_zones_refused_with_iana_name(name: str, suggest: str) -> None:
    with pytest.raises(InputError) as ei:
        course_calendar("hd-il2-600k", dt.datetime(2026, 3, 5, 8, 0), name)
    assert ei.value.field == "tz"
    assert suggest in ei.value.message
    # JSON request and command-line option: same field, same message, exit status 2
    errors = json_errors(request(tz=name))
    assert [e["field"] for e in errors] == ["tz"]
    assert errors[0]["message"] == ei.value.message
    code, out, err = cli("2026-03-05T08:00", name)
    assert (code, out) == (2, "")
    assert err.startswith("error: tz: ")
    assert suggest in err


def test_item2_est_march_course_would_be_an_hour_off() -> None:
    """Why: EST is a fixed UTC-5.  In a course from 5 March 2026, the 10th dose is at 08:00 on
    8 March, after New York's clocks went to EDT (UTC-4): 12:00Z.  An EST calendar would put it at
    08:00 EST = 13:00Z, 09:00 on the ward's clocks.  So EST is refused."""
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 3, 5, 8, 0), NY)
    tenth = cal.slots[9]
    assert tenth.local.astimezone(dt.UTC) == dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)
    with pytest.raises(InputError) as ei:
        course_calendar("hd-il2-600k", dt.datetime(2026, 3, 5, 8, 0), "EST")
    assert ei.value.field == "tz"


@pytest.mark.parametrize("name", ["America/New_York", "Europe/Berlin", "Australia/Sydney",
                                  "Asia/Kolkata", "America/Phoenix", "Australia/Lord_Howe",
                                  "America/Argentina/Buenos_Aires", "Atlantic/Reykjavik",
                                  "Europe/London"])
def test_item2_area_location_zones_accepted(name: str) -> None:
    req = CalendarRequest.model_validate(request(tz=name))
    assert req.plan().tz == name


def test_item2_unknown_zone_and_case_hint() -> None:
    errors = json_errors(request(tz="america/new_york"))
    assert errors[0]["field"] == "tz"
    assert "did you mean America/New_York?" in errors[0]["message"]
    errors = json_errors(request(tz="Mars/Olympus"))
    assert errors[0]["message"].startswith("unknown IANA time zone 'Mars/Olympus'")


def test_item3_date_only_start_refused() -> None:
    errors = json_errors(request(first_dose="2026-03-05"))
    assert errors[0]["field"] == "first_dose"
    assert errors[0]["message"].startswith("a start needs a time, e.g. 2026-03-05T08:00")
    code, out, err = cli("2026-03-05", NY)
    assert (code, out) == (2, "")
    assert err.startswith("error: first_dose: a start needs a time")
    with pytest.raises(ValidationError, match="a start needs a time"):
        CalendarRequest.model_validate(request(first_dose=dt.date(2026, 3, 5)))


@pytest.mark.parametrize("value", [
    "2026-03-05 8", "2026-03-05T8:00", "2026-03-05T08", "2026-03-05T0800", "20260305T0800",
    "20260305", "2026-W10-4", "2026-W10-4T08:00", "2026-064T08:00", "2026-03-05T08:00:00.5",
    "2026-03-05T24:00", "2026-02-30T08:00", "2026-03-05T08:00-0500", "2026-03-05T08:00 EST",
    "1700000000", 1700000000, 1700000000.0, True, "", "yesterday", "05/03/2026 08:00",
])
def test_item3_lax_starts_refused(value: Any) -> None:
    errors = json_errors(request(first_dose=value))
    assert [e["field"] for e in errors] == ["first_dose"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-05T08:00", dt.datetime(2026, 3, 5, 8, 0)),
    ("2026-03-05 08:00", dt.datetime(2026, 3, 5, 8, 0)),
    ("2026-03-05T08:00:30", dt.datetime(2026, 3, 5, 8, 0, 30)),
    ("2026-03-05T08:00-05:00", dt.datetime(2026, 3, 5, 8, 0,
                                           tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
    ("2026-03-05T13:00Z", dt.datetime(2026, 3, 5, 13, 0, tzinfo=dt.UTC)),
])
def test_item3_accepted_starts_read_exactly(text: str, expected: dt.datetime) -> None:
    req = CalendarRequest.model_validate(request(first_dose=text))
    assert req.first_dose == expected
    assert req.first_dose.utcoffset() == expected.utcoffset()


def test_item3_schema_pattern_matches_the_parser() -> None:
    """`hdil2 schema calendar` tells a JSON author the same rule the parser applies."""
    import jsonschema

    from hdil2.cli.schema import json_schema

    schema = json_schema("calendar")
    for good in ("2026-03-05T08:00", "2026-03-05 08:00", "2025-11-02T01:30-05:00"):
        jsonschema.validate(request(first_dose=good), schema)
    for bad in ("2026-03-05", "2026-03-05T08:00:00.5", "2026-W10-4T08:00"):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(request(first_dose=bad), schema)
