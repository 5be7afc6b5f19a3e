"""The dose calendar: 28 doses on days 1-5 and 15-19, caps, wall-clock times, DST.

docs/decisions.md#calendar-cycle and #calendar-wall-clock; the label (`proleukin-label`) for
the 14-dose cycles on days 1-5 and 15-19.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hdil2.clinical.treatment.calendar import course_calendar
from hdil2.core.errors import InputError

NY = "America/New_York"


def test_hd_course_lists_28_doses_at_the_right_local_times() -> None:
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 4, 6, 8, 0), NY)
    assert len(cal.slots) == 28
    c1, c2 = cal.cycle(1), cal.cycle(2)
    assert len(c1) == len(c2) == 14
    assert {s.day for s in c1} == {1, 2, 3, 4, 5}
    assert {s.day for s in c2} == {15, 16, 17, 18, 19}
    assert [s.local.strftime("%H:%M") for s in c1[:4]] == ["08:00", "16:00", "00:00", "08:00"]
    assert c1[-1].local == dt.datetime(2026, 4, 10, 16, 0, tzinfo=ZoneInfo(NY))  # 16:00 day 5
    assert c2[0].local == dt.datetime(2026, 4, 20, 8, 0, tzinfo=ZoneInfo(NY))  # day 15
    assert all(s.hours_since_previous in (None, 8.0) for s in cal.slots)
    assert cal.cap_dropped_slots == ()
    assert [s.index for s in cal.slots] == list(range(1, 29))


def test_cap_drops_the_15th_slot_when_starting_at_midnight() -> None:
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 4, 6, 0, 0), NY)
    assert len(cal.cycle(1)) == 14
    assert cal.cycle(1)[-1].local.strftime("%d %H:%M") == "10 08:00"
    assert [d.strftime("%d %H:%M") for d in cal.cap_dropped_slots] == ["10 16:00", "24 16:00"]
    assert any(r.rule == "calendar.cap_drops_slot" and "15 q8h slots" in r.text
               for r in cal.reasons)


def test_late_start_runs_into_day_6_and_is_flagged() -> None:
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 4, 6, 16, 0), NY)
    last = cal.cycle(1)[-1]
    assert (last.day, last.local.strftime("%H:%M")) == (6, "00:00")
    assert "after_day_5" in last.flags


def test_nci_policy_allows_15_per_cycle() -> None:
    cal = course_calendar("hd-il2-720k", dt.datetime(2026, 4, 6, 0, 0), NY)
    assert len(cal.cycle(1)) == 15
    assert len(cal.slots) == 30
    assert cal.cap_dropped_slots == ()
    moved = course_calendar("hd-il2-720k", dt.datetime(2026, 4, 6, 0, 0), NY,
                            {"nci_cycle2_start_day": 11})
    assert moved.cycle(2)[0].day == 11


def test_dst_in_the_rest_period_keeps_cycle2_wall_clock() -> None:
    """US DST starts 2026-03-08; cycle 2 keeps 08:00 local (a UTC grid would give 09:00)."""
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 3, 2, 8, 0), NY)
    assert cal.cycle(2)[0].local.strftime("%H:%M %Z") == "08:00 EDT"
    assert not any(s.flags for s in cal.slots)


def test_dst_inside_a_cycle_is_flagged_not_moved() -> None:
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 3, 5, 8, 0), NY)
    flagged = [s for s in cal.slots if s.flags]
    assert len(flagged) == 1
    s = flagged[0]
    assert s.local.strftime("%m-%d %H:%M") == "03-08 08:00"
    assert s.hours_since_previous == 7.0
    assert s.flags == ("dst_interval_7h",)
    # autumn: Europe/London falls back on 2026-10-25
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 10, 22, 8, 0), "Europe/London")
    s = next(x for x in cal.slots if x.flags)
    assert (s.local.strftime("%m-%d %H:%M"), s.hours_since_previous) == ("10-25 08:00", 9.0)


def test_nonexistent_and_ambiguous_slots() -> None:
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 3, 6, 2, 30), NY)
    gap = next(s for s in cal.slots if any("nonexistent" in f for f in s.flags))
    assert gap.local.strftime("%m-%d %H:%M") == "03-08 03:30"
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 10, 30, 1, 30), NY)
    amb = next(s for s in cal.slots if any("ambiguous" in f for f in s.flags))
    assert amb.local.utcoffset() == dt.timedelta(hours=-4)  # first occurrence (EDT)


def test_start_time_validation() -> None:
    with pytest.raises(InputError) as ei:
        course_calendar("hd-il2-600k", dt.datetime(2026, 3, 8, 2, 30), NY)
    assert ei.value.field == "first_dose"
    with pytest.raises(InputError, match="twice"):
        course_calendar("hd-il2-600k", dt.datetime(2026, 11, 1, 1, 30), NY)
    aware = dt.datetime(2026, 11, 1, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert course_calendar("hd-il2-600k", aware, NY).first_dose.utcoffset() == dt.timedelta(
        hours=-5)
    wrong = dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC)
    with pytest.raises(InputError, match="does not match"):
        course_calendar("hd-il2-600k", wrong, NY)
    with pytest.raises(InputError) as ei:
        course_calendar("hd-il2-600k", dt.datetime(2026, 4, 6, 8), "Mars/Olympus")
    assert ei.value.field == "tz"


def test_sc_weekly_template() -> None:
    cal = course_calendar("sc-il2-ifn", dt.datetime(2026, 4, 6, 8, 0), "Europe/London")
    il2 = [s for s in cal.slots if s.agent == "aldesleukin"]
    ifn = [s for s in cal.slots if s.agent == "interferon alfa-2b"]
    assert len(il2) == 22
    assert len(ifn) == 12
    assert [s.local.strftime("%d %H:%M") for s in il2[:3]] == ["06 08:00", "06 16:00",
                                                               "07 00:00"]
    assert sorted({s.day for s in il2}) == [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19,
                                            22, 23, 24, 25, 26]
    assert sorted({s.day for s in ifn})[:3] == [1, 3, 5]
    two = course_calendar("sc-il2-ifn", dt.datetime(2026, 4, 6, 8, 0), "Europe/London",
                          cycles=2)
    assert min(s.day for s in two.slots if s.cycle == 2) == 43  # 6-week cycle
    with pytest.raises(InputError):
        course_calendar("sc-il2-ifn", dt.datetime(2026, 4, 6, 8, 0), "Europe/London", cycles=7)


zones = st.sampled_from(["America/New_York", "Europe/London", "Australia/Sydney",
                         "Atlantic/Reykjavik", "Asia/Kolkata", "America/Santiago",
                         "Australia/Lord_Howe"])


@given(st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31)),
       zones)
def test_invariants_for_any_start(start: dt.datetime, tz: str) -> None:
    start = start.replace(second=0, microsecond=0)
    try:
        cal = course_calendar("hd-il2-600k", start, tz)
    except InputError:
        return  # nonexistent or ambiguous start: refused by design
    assert len(cal.slots) == 28
    for s in cal.slots:
        assert s.local.tzinfo is not None
        # every interval is 8 h unless flagged as a DST interval
        if s.hours_since_previous is not None and s.hours_since_previous != 8:
            assert any(f.startswith("dst_interval") for f in s.flags)
    c2 = cal.cycle(2)[0].local
    assert c2.replace(tzinfo=None) - cal.first_dose.replace(tzinfo=None) == dt.timedelta(
        days=14) or any("nonexistent" in f for f in cal.cycle(2)[0].flags)
    utc = [s.local.astimezone(dt.UTC) for s in cal.slots]
    assert utc == sorted(utc)


@given(st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31)),
       zones, st.sampled_from([0, 1]))
def test_item1_an_aware_first_dose_is_that_instant(start: dt.datetime, tz: str, fold: int) -> None:
    """Any first dose given with a UTC offset the zone uses there: dose 1 is exactly that
    instant, and every later dose of cycle 1 is a whole number of q8h steps of wall-clock time
    after it (a slot moved out of a daylight-saving gap is flagged)."""
    wall = start.replace(second=0, microsecond=0)
    aware = wall.replace(tzinfo=ZoneInfo(tz), fold=fold)
    offset = aware.utcoffset()
    assert offset is not None
    given = wall.replace(tzinfo=dt.timezone(offset))
    if aware.astimezone(dt.UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None) != wall:
        with pytest.raises(InputError) as ei:  # wall-clock time in a gap: no offset fits
            course_calendar("hd-il2-600k", given, tz)
        assert ei.value.field == "first_dose"
        return
    cal = course_calendar("hd-il2-600k", given, tz)
    assert cal.slots[0].local.astimezone(dt.UTC) == given.astimezone(dt.UTC)
    assert cal.first_dose.astimezone(dt.UTC) == given.astimezone(dt.UTC)
    for k, s in enumerate(cal.cycle(1)):
        if not any(f.startswith("nonexistent") for f in s.flags):
            assert s.local.replace(tzinfo=None) == wall + k * dt.timedelta(hours=8)
