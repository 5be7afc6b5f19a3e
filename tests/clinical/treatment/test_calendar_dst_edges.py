"""Daylight-saving edge times, first dose and later slots (issue 8 item 1).

docs/decisions.md#dst-edge-slots: a slot whose wall-clock time does not exist moves forward by
the gap, one that happens twice takes the first occurrence, each flagged; an explicit UTC offset
in the first dose is authoritative (dose 1 is that instant) and later slots keep its wall-clock
time.  A first dose without an offset must exist and happen once; an offset the zone does not
use at that local time is refused.

The oracle is the zones' published rules, written out by hand below (not zoneinfo): the UTC
instant of a local time is local - offset.

* America/New_York: EDT = UTC-4, EST = UTC-5.  2025-11-02 02:00 EDT -> 01:00 EST, so
  01:00-01:59 happens twice; 2026-03-08 02:00 EST -> 03:00 EDT, so 02:00-02:59 does not exist.
* Europe/Berlin: CEST = UTC+2, CET = UTC+1.  2025-10-26 03:00 CEST -> 02:00 CET (02:00-02:59
  twice); 2026-03-29 02:00 CET -> 03:00 CEST (02:00-02:59 missing).
* Australia/Sydney (southern hemisphere): AEDT = UTC+11, AEST = UTC+10.  2026-04-05 03:00 AEDT
  -> 02:00 AEST (02:00-02:59 twice); 2025-10-05 02:00 AEST -> 03:00 AEDT (02:00-02:59 missing).
"""

import datetime as dt
import json

import pytest

from hdil2.cli.invoke import invoke
from hdil2.clinical.treatment.calendar import CalendarRequest, course_calendar
from hdil2.core.errors import InputError

H = dt.timedelta(hours=1)
UTC = dt.UTC


def tzo(hours: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


# zone, day of the change, hour that is doubled or missing, offset before, offset after,
# an offset the zone never uses there
AMBIGUOUS = [
    ("America/New_York", dt.date(2025, 11, 2), 1, -4, -5, -3),
    ("Europe/Berlin", dt.date(2025, 10, 26), 2, 2, 1, 3),
    ("Australia/Sydney", dt.date(2026, 4, 5), 2, 11, 10, 12),
]
GAPS = [
    ("America/New_York", dt.date(2026, 3, 8), 2, -5, -4, -6),
    ("Europe/Berlin", dt.date(2026, 3, 29), 2, 1, 2, 0),
    ("Australia/Sydney", dt.date(2025, 10, 5), 2, 10, 11, 9),
]
MINUTES = range(0, 60)


def wall_at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def utc_of(wall: dt.datetime, offset_h: int) -> dt.datetime:
    """The instant of a local wall-clock time at a known offset, by hand."""
    return (wall - offset_h * H).replace(tzinfo=UTC)


def test_item1_issue_example_second_0130_is_0630z() -> None:
    """The issue's case: the second 01:30 in New York (EST) is 06:30Z, not 05:30Z."""
    req = CalendarRequest.model_validate({"regimen": "hd-il2-600k",
                                          "first_dose": "2025-11-02T01:30-05:00",
                                          "tz": "America/New_York"})
    cal = req.plan()
    first = cal.slots[0]
    assert first.local.astimezone(UTC) == dt.datetime(2025, 11, 2, 6, 30, tzinfo=UTC)
    assert cal.first_dose == first.local
    assert first.local.isoformat() == "2025-11-02T01:30:00-05:00"
    assert first.flags == ("ambiguous_local_time:01:30:second_occurrence",)
    # the next dose is 8 real hours later (09:30 EST), not a flagged 9 h
    assert cal.slots[1].local.astimezone(UTC) == dt.datetime(2025, 11, 2, 14, 30, tzinfo=UTC)
    assert cal.slots[1].hours_since_previous == 8.0
    assert cal.slots[1].flags == ()
    # the CLI says the same
    code, out, err = invoke(["calendar", "--regimen", "hd-il2-600k", "--start",
                             "2025-11-02T01:30-05:00", "--tz", "America/New_York", "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert doc["first_dose"] == "2025-11-02T01:30:00-05:00"
    assert doc["slots"][0]["utc"] == "2025-11-02T06:30:00+00:00"


@pytest.mark.parametrize(("tz", "day", "hour", "first", "second", "never"), AMBIGUOUS)
def test_item1_every_ambiguous_first_dose(tz: str, day: dt.date, hour: int, first: int,
                                          second: int, never: int) -> None:
    for minute in MINUTES:
        wall = wall_at(day, hour, minute)
        # without an offset: refused, the message says how to choose
        with pytest.raises(InputError, match="happens twice") as ei:
            course_calendar("hd-il2-600k", wall, tz)
        assert ei.value.field == "first_dose"
        # with either offset: dose 1 is exactly that instant
        for off, which, next_gap in ((first, "first", 9.0), (second, "second", 8.0)):
            cal = course_calendar("hd-il2-600k", wall.replace(tzinfo=tzo(off)), tz)
            s1, s2 = cal.slots[0], cal.slots[1]
            assert s1.local.astimezone(UTC) == utc_of(wall, off), (tz, wall, off)
            assert cal.first_dose.astimezone(UTC) == utc_of(wall, off)
            assert s1.local.replace(tzinfo=None) == wall
            assert s1.flags == (f"ambiguous_local_time:{wall:%H:%M}:{which}_occurrence",)
            # dose 2 keeps the wall-clock grid: 8 h later on the clock, after the change
            assert s2.local.astimezone(UTC) == utc_of(wall + 8 * H, second)
            assert s2.hours_since_previous == next_gap
            # cycle 2: same wall-clock time 14 days later, at the then-current offset
            c2 = cal.cycle(2)[0]
            assert c2.local.replace(tzinfo=None) == wall + dt.timedelta(days=14)
            assert c2.local.astimezone(UTC) == utc_of(wall + dt.timedelta(days=14), second)
        # an offset the zone does not use at that local time: refused, naming the field
        with pytest.raises(InputError, match="does not match") as ei:
            course_calendar("hd-il2-600k", wall.replace(tzinfo=tzo(never)), tz)
        assert ei.value.field == "first_dose"


@pytest.mark.parametrize(("tz", "day", "hour", "before", "after", "never"), GAPS)
def test_item1_every_nonexistent_first_dose(tz: str, day: dt.date, hour: int, before: int,
                                            after: int, never: int) -> None:
    for minute in MINUTES:
        wall = wall_at(day, hour, minute)
        with pytest.raises(InputError, match="does not exist") as ei:
            course_calendar("hd-il2-600k", wall, tz)
        assert ei.value.field == "first_dose"
        # no offset fits a time the clocks jump over; the message names the clock time
        for off in (before, after):
            with pytest.raises(InputError, match="does not exist") as ei:
                course_calendar("hd-il2-600k", wall.replace(tzinfo=tzo(off)), tz)
            assert ei.value.field == "first_dose"
        with pytest.raises(InputError) as ei:
            course_calendar("hd-il2-600k", wall.replace(tzinfo=tzo(never)), tz)
        assert ei.value.field == "first_dose"


@pytest.mark.parametrize(("tz", "day", "hour", "first", "second", "never"), AMBIGUOUS)
def test_item1_every_ambiguous_later_slot(tz: str, day: dt.date, hour: int, first: int,
                                          second: int, never: int) -> None:
    """A first dose two days earlier at the same clock time puts dose 7 on the doubled hour."""
    del never
    for minute in MINUTES:
        wall = wall_at(day, hour, minute)
        start = wall - dt.timedelta(days=2)
        for given in (start, start.replace(tzinfo=tzo(first))):
            cal = course_calendar("hd-il2-600k", given, tz)
            assert cal.slots[0].local.astimezone(UTC) == utc_of(start, first)
            s = cal.slots[6]
            assert s.local.replace(tzinfo=None) == wall
            assert s.local.astimezone(UTC) == utc_of(wall, first)  # first occurrence
            assert s.flags == (f"ambiguous_local_time:{wall:%H:%M}:first_occurrence",)
            assert s.hours_since_previous == 8.0
            after = cal.slots[7]
            assert after.local.astimezone(UTC) == utc_of(wall + 8 * H, second)
            assert after.hours_since_previous == 9.0
            assert after.flags == ("dst_interval_9h",)


@pytest.mark.parametrize(("tz", "day", "hour", "before", "after", "never"), GAPS)
def test_item1_every_nonexistent_later_slot(tz: str, day: dt.date, hour: int, before: int,
                                            after: int, never: int) -> None:
    """Dose 7 falls in the gap: it moves forward by the gap (1 h) and is flagged."""
    del never
    for minute in MINUTES:
        wall = wall_at(day, hour, minute)
        start = wall - dt.timedelta(days=2)
        for given in (start, start.replace(tzinfo=tzo(before))):
            cal = course_calendar("hd-il2-600k", given, tz)
            assert cal.slots[0].local.astimezone(UTC) == utc_of(start, before)
            s = cal.slots[6]
            moved = wall + H
            assert s.local.replace(tzinfo=None) == moved
            assert s.local.astimezone(UTC) == utc_of(moved, after)
            assert s.flags == (f"nonexistent_local_time:{wall:%H:%M}->{moved:%H:%M}",)
            assert s.hours_since_previous == 8.0
            nxt = cal.slots[7]
            assert nxt.local.astimezone(UTC) == utc_of(wall + 8 * H, after)
            assert nxt.hours_since_previous == 7.0
            assert nxt.flags == ("dst_interval_7h",)


@pytest.mark.parametrize(
    ("first_dose", "tz"),
    [("2025-11-02T01:30-03:00", "America/New_York"),
     ("2025-10-26T02:30+03:00", "Europe/Berlin"),
     ("2026-04-06T08:00+00:00", "America/New_York")],
)
def test_item1_mismatched_offset_refused_from_json_and_cli(first_dose: str, tz: str) -> None:
    req = {"regimen": "hd-il2-600k", "first_dose": first_dose, "tz": tz}
    code, out, err = invoke(["calendar", "-", "--json"], json.dumps(req))
    assert (code, out) == (2, "")
    assert json.loads(err)["errors"][0]["field"] == "first_dose"
    assert "does not match" in json.loads(err)["errors"][0]["message"]
    code, _, err = invoke(["calendar", "--regimen", "hd-il2-600k", "--start", first_dose,
                           "--tz", tz])
    assert code == 2
    assert err.startswith("error: first_dose: offset")
