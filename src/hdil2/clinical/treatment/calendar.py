"""The dose calendar: every scheduled dose of a course, in the ward's local time.

Rules (docs/decisions.md#calendar-cycle, #calendar-wall-clock, #dst-edge-slots):

* **Cycles.** A q8h cycle is up to ``max_doses_per_cycle`` consecutive 8-hourly slots from the
  cycle's first dose (14 by the label, `proleukin-label`: a first dose at 08:00 on day 1 gives
  the last at 16:00 on day 5; the NCI policy, `rosenberg1994`, allows 15).  Five calendar days
  hold 15 slots only when the first dose is at 00:00 - then the 14-dose cap drops the 15th slot
  (16:00 on day 5); the calendar names the dropped slot whenever there is one.
* **Cycle 2** starts at the same wall-clock time 14 days after cycle 1's first dose (day 15).
* **Held doses are skipped, not shifted**: the calendar is fixed when the course is planned; a
  held dose keeps its slot and the cycle still ends when its slots end.
* **Wall-clock times.** Doses are scheduled at wall-clock times in the ward's IANA time zone,
  as a medication administration record does.  Where a daylight-saving change makes the real
  interval from the previous dose 7 h or 9 h, the dose is *flagged*; it is never silently moved.
  A slot whose wall-clock time does not exist (spring forward) moves forward by the gap - e.g.
  02:30 becomes 03:30 - and is flagged; a slot whose wall-clock time happens twice (fall back)
  takes the first occurrence and is flagged.  A UTC 8-hour grid is never run across the rest
  period (it would move every cycle-2 dose by an hour).
* **The first dose is an instant.**  A first dose given with a UTC offset is exactly that
  instant (on a fall-back night, ``01:30-05:00`` is the second 01:30); later slots keep its
  wall-clock time in the ward's zone.  The offset must be one the ward's zone uses at that
  local time; a first dose without an offset must name a local time that exists and happens
  once.  A start needs a time of day (docs/decisions.md#start-needs-time).
* **Zones keep civil time.**  The zone is an IANA Area/Location name (``America/New_York``,
  ``Europe/Berlin``); fixed-offset names and abbreviations (``EST``, ``CET``, ``UTC``,
  ``Etc/GMT+5``, ``EST5EDT``) and old aliases (``US/Eastern``) are refused with the Area/Location
  name to use (docs/decisions.md#iana-zones-only): a ward's clocks follow daylight saving.
* The outpatient s.c. regimen follows its weekly template (`mcdermott2005`; named policies for
  the day layout the source leaves open).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from hdil2.clinical.treatment.regimens import Q8hSchedule, Regimen, ScWeeklySchedule, regimen
from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.policy import check_overrides
from hdil2.core.result import Result
from hdil2.core.sources import Tag

UTC = dt.UTC

# IANA's continent and ocean Areas; every zone that keeps a place's civil time is Area/Location
_AREAS = frozenset({"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
                    "Europe", "Indian", "Pacific"})
_UTC_LIKE = "Europe/London, Atlantic/Reykjavik or the ward's own city"
# what to use instead of a fixed-offset name, an abbreviation or an old alias
_SUGGEST: dict[str, str] = {
    "EST": "America/New_York", "EDT": "America/New_York", "EST5EDT": "America/New_York",
    "US/Eastern": "America/New_York", "US/Michigan": "America/Detroit",
    "US/East-Indiana": "America/Indiana/Indianapolis",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CST6CDT": "America/Chicago",
    "US/Central": "America/Chicago",
    "MST": "America/Denver (or America/Phoenix, which keeps standard time)",
    "MDT": "America/Denver", "MST7MDT": "America/Denver", "US/Mountain": "America/Denver",
    "US/Arizona": "America/Phoenix",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "PST8PDT": "America/Los_Angeles", "US/Pacific": "America/Los_Angeles",
    "AKST": "America/Anchorage", "US/Alaska": "America/Anchorage",
    "HST": "Pacific/Honolulu", "US/Hawaii": "Pacific/Honolulu",
    "Canada/Eastern": "America/Toronto", "Canada/Central": "America/Winnipeg",
    "Canada/Mountain": "America/Edmonton", "Canada/Pacific": "America/Vancouver",
    "Canada/Atlantic": "America/Halifax", "Canada/Newfoundland": "America/St_Johns",
    "CET": "Europe/Paris, Europe/Berlin or the ward's own city",
    "CEST": "Europe/Paris, Europe/Berlin or the ward's own city",
    "MET": "Europe/Paris, Europe/Berlin or the ward's own city",
    "EET": "Europe/Athens, Europe/Helsinki or the ward's own city",
    "WET": "Europe/Lisbon", "GB": "Europe/London", "BST": "Europe/London",
    "Eire": "Europe/Dublin", "NZ": "Pacific/Auckland", "Japan": "Asia/Tokyo",
    "UTC": _UTC_LIKE, "GMT": _UTC_LIKE, "UCT": _UTC_LIKE, "Zulu": _UTC_LIKE,
    "Universal": _UTC_LIKE, "Greenwich": _UTC_LIKE, "GMT0": _UTC_LIKE,
}
_LEGACY_AREAS = frozenset({"US", "Canada", "Brazil", "Chile", "Mexico", "Etc", "SystemV", "posix",
                           "right"})
_GENERIC = "the ward's Area/Location name, e.g. America/New_York or Europe/Berlin"


def _suggestion(name: str) -> str:
    if name in _SUGGEST:
        return _SUGGEST[name]
    if name.startswith(("posix/", "right/")):
        rest = name.split("/", 1)[1]
        if rest.partition("/")[0] in _AREAS:
            return rest
    return _GENERIC


def zone_problem(name: str) -> str | None:
    """Why ``name`` is not a time zone a ward's doses can be scheduled in, or ``None``.

    Accepted: IANA Area/Location names (Area = Africa, America, Antarctica, Arctic, Asia,
    Atlantic, Australia, Europe, Indian or Pacific) that the zone database knows.  Refused with
    the name to use: abbreviations and fixed offsets (EST, CET, UTC, Etc/GMT+5), the POSIX-style
    EST5EDT family and old aliases outside those Areas (US/Eastern).
    """
    area, sep, _ = name.partition("/")
    if not sep or area not in _AREAS:
        if name in _SUGGEST or area in _LEGACY_AREAS or _known(name):
            return (f"{name!r} is not an IANA Area/Location time zone; use {_suggestion(name)}. "
                    "Abbreviations (EST, CET), fixed offsets (UTC, Etc/GMT+5), EST5EDT-style "
                    "zones and old aliases (US/Eastern) are refused: a ward's clocks follow its "
                    "location's daylight-saving rules")
        return _unknown(name)
    if not _known(name):
        return _unknown(name)
    return None


def _unknown(name: str) -> str:
    near = _case_match(name)
    if near is not None and near.partition("/")[0] in _AREAS:
        hint = f"did you mean {near}?"
    else:
        hint = f"use {_GENERIC if near is None else _suggestion(near)}"
    return f"unknown IANA time zone {name!r}; {hint}"


def _known(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _case_match(name: str) -> str | None:
    from zoneinfo import available_timezones

    folded = name.casefold()
    return next((k for k in sorted(available_timezones()) if k.casefold() == folded), None)


def zone(name: str, field: str = "tz") -> ZoneInfo:
    """The IANA Area/Location time zone ``name`` (e.g. ``America/New_York``).

    Anything :func:`zone_problem` refuses is an :class:`InputError` naming ``field``.
    """
    problem = zone_problem(name)
    if problem is not None:
        raise InputError(field, problem, name)
    return ZoneInfo(name)


def _check_zone(name: str) -> str:
    problem = zone_problem(name)
    if problem is not None:
        raise ValueError(problem)
    return name


# YYYY-MM-DD, T (or a space), HH:MM, optional :SS, optional Z or ±HH:MM - nothing else
_START = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2})?([Zz]|[+-]\d{2}:\d{2})?")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}|\d{4}-W\d{2}-\d|\d{4}-\d{3}")
_EXAMPLE = "e.g. 2026-03-05T08:00 (or 2026-03-05T08:00-05:00 with the UTC offset)"


def parse_start(value: Any) -> dt.datetime:
    """A first-dose time read exactly, or ``ValueError`` saying what is expected.

    Text must be ``YYYY-MM-DDTHH:MM`` with optional seconds and an optional UTC offset (``Z`` or
    ``±HH:MM``); a date alone is refused - a start needs a time of day
    (docs/decisions.md#start-needs-time).  Numbers (epoch seconds), week dates, ordinal dates
    and partial times are refused rather than guessed.  A :class:`datetime.datetime` is taken as
    it is.
    """
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        raise ValueError(f"a start needs a time, {_EXAMPLE}; a date alone is not a dose time")
    if not isinstance(value, str):
        raise ValueError(f"expected the date and time as text, {_EXAMPLE}, not a "
                         f"{type(value).__name__}")
    text = value.strip()
    if _DATE_ONLY.fullmatch(text):
        raise ValueError(f"a start needs a time, {_EXAMPLE}; a date alone is not a dose time")
    if not _START.fullmatch(text):
        raise ValueError("expected YYYY-MM-DDTHH:MM (seconds and a UTC offset optional), "
                         f"{_EXAMPLE}")
    try:
        return dt.datetime.fromisoformat(text.upper())
    except ValueError as e:
        raise ValueError(f"not a valid date and time ({e}); {_EXAMPLE}") from None


StartTime = Annotated[dt.datetime, BeforeValidator(parse_start), WithJsonSchema({
    "type": "string", "pattern": f"^{_START.pattern}$",
    "examples": ["2026-04-06T08:00", "2025-11-02T01:30-05:00"]})]
"""A first-dose time for a request model: :func:`parse_start` applied before pydantic."""

WardZone = Annotated[str, AfterValidator(_check_zone)]
"""A ward's IANA Area/Location zone name for a request model (:func:`zone_problem`)."""


def _exists(wall: dt.datetime, tz: ZoneInfo) -> bool:
    aware = wall.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall


def _ambiguous(wall: dt.datetime, tz: ZoneInfo) -> bool:
    a = wall.replace(tzinfo=tz, fold=0)
    b = wall.replace(tzinfo=tz, fold=1)
    return a.utcoffset() != b.utcoffset() and _exists(wall, tz)


def _offset(d: dt.datetime) -> str:
    off = d.utcoffset()
    assert off is not None
    sign = "-" if off < dt.timedelta(0) else "+"
    minutes = abs(int(off.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def localize_start(start: dt.datetime, tz: ZoneInfo, field: str = "start") -> dt.datetime:
    """The first dose as an aware datetime in ``tz`` (docs/decisions.md#dst-edge-slots).

    A naive ``start`` is a wall-clock time in ``tz``; it must exist and must not be ambiguous
    (give the UTC offset to choose).  An aware ``start`` is authoritative - the first dose is
    that instant - but its offset must be one ``tz`` uses at that wall-clock time: a mismatch
    means the time zone or the offset is wrong, and a wall-clock time in a daylight-saving gap
    has no offset that fits.
    """
    wall = start.replace(tzinfo=None)
    when = f"{wall:%Y-%m-%d %H:%M}"
    if start.tzinfo is None:
        if not _exists(wall, tz):
            after = wall.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)
            raise InputError(field, f"{when} does not exist in {tz.key} (daylight-saving gap: "
                             f"the clocks jump over it); choose another time, e.g. "
                             f"{after:%H:%M}", start)
        if _ambiguous(wall, tz):
            a, b = (wall.replace(tzinfo=tz, fold=f) for f in (0, 1))
            raise InputError(field, f"{when} happens twice in {tz.key} (daylight-saving "
                             f"change); give the UTC offset: {wall:%Y-%m-%dT%H:%M}{_offset(a)} "
                             f"for the first, {wall:%Y-%m-%dT%H:%M}{_offset(b)} for the second",
                             start)
        return start.replace(tzinfo=tz)
    local = start.astimezone(tz)
    if local.replace(tzinfo=None) == wall:
        return local
    given = _offset(start)
    if not _exists(wall, tz):
        raise InputError(field, f"{when} does not exist in {tz.key} (daylight-saving gap), so "
                         f"no UTC offset fits it; {wall:%Y-%m-%dT%H:%M}{given} is "
                         f"{local:%Y-%m-%dT%H:%M}{_offset(local)} on the ward's clocks - enter "
                         "that or another time", start)
    offsets = sorted({_offset(wall.replace(tzinfo=tz, fold=f)) for f in (0, 1)})
    raise InputError(field, f"offset {given} does not match {tz.key} at {when} (its offset "
                     f"there is {' or '.join(offsets)}); {wall:%Y-%m-%dT%H:%M}{given} would be "
                     f"{local:%Y-%m-%dT%H:%M}{_offset(local)} on the ward's clocks - check the "
                     "time zone and the offset", start)


@dataclass(frozen=True, slots=True)
class DoseSlot(Result):
    """One scheduled dose: its place in the course and its time on the ward's clock and in UTC."""

    index: int  # 1-based within the course
    agent: str
    cycle: int  # 1-based
    dose_in_cycle: int  # 1-based
    day: int  # course day, day 1 = date of the first dose
    local: dt.datetime  # aware, in the ward's zone
    utc: dt.datetime  # the same instant in UTC
    hours_since_previous: float | None  # real elapsed time within the cycle
    flags: tuple[str, ...]

    @classmethod
    def at(cls, index: int, agent: str, cycle: int, dose_in_cycle: int, day: int,
           local: dt.datetime, hours_since_previous: float | None, flags: tuple[str, ...]
           ) -> DoseSlot:
        """A slot at the aware local time ``local`` (its UTC instant is derived)."""
        return cls(index, agent, cycle, dose_in_cycle, day, local, local.astimezone(UTC),
                   hours_since_previous, flags)


@dataclass(frozen=True, slots=True)
class CourseCalendar(Result):
    """Every scheduled dose of one course, with the reasons for its shape.

    ``cap_dropped_slots`` are the q8h slots inside the cycle's days that the dose cap drops;
    ``flags`` every flag raised on a slot (daylight-saving intervals, moved slots).
    """

    regimen: str
    tz: str
    first_dose: dt.datetime
    doses: int
    slots: tuple[DoseSlot, ...]
    cap_dropped_slots: tuple[dt.datetime, ...]
    flags: tuple[str, ...]
    reasons: tuple[Reason, ...]

    @classmethod
    def of(cls, regimen: str, tz: str, first_dose: dt.datetime, slots: tuple[DoseSlot, ...],
           dropped: tuple[dt.datetime, ...], reasons: tuple[Reason, ...]) -> CourseCalendar:
        """The calendar of ``slots`` (the count and the flags are derived)."""
        return cls(regimen, tz, first_dose, len(slots), slots, dropped,
                   tuple(sorted({f for s in slots for f in s.flags})), reasons)

    def cycle(self, n: int) -> tuple[DoseSlot, ...]:
        return tuple(s for s in self.slots if s.cycle == n)


def _place(wall: dt.datetime, tz: ZoneInfo, first: dt.datetime) -> tuple[dt.datetime, list[str]]:
    """Aware datetime for a wall-clock time, with DST flags (docs/decisions.md#dst-edge-slots).

    The first dose's own wall-clock time is the first dose: the instant entered (with its UTC
    offset, if one was given).  Any other wall-clock time that does not exist moves forward by
    the gap; one that happens twice takes the first occurrence; both are flagged.
    """
    flags: list[str] = []
    if wall == first.replace(tzinfo=None):
        if _ambiguous(wall, tz):
            which = ("first" if first.utcoffset() == wall.replace(tzinfo=tz, fold=0).utcoffset()
                     else "second")
            flags.append(f"ambiguous_local_time:{wall:%H:%M}:{which}_occurrence")
        return first, flags
    if not _exists(wall, tz):
        aware = wall.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)
        flags.append(f"nonexistent_local_time:{wall:%H:%M}->{aware:%H:%M}")
        return aware, flags
    if _ambiguous(wall, tz):
        flags.append(f"ambiguous_local_time:{wall:%H:%M}:first_occurrence")
    return wall.replace(tzinfo=tz, fold=0), flags


def _day(first: dt.datetime, local: dt.datetime) -> int:
    return (local.date() - first.date()).days + 1


def course_calendar(
    regimen_key: str,
    first_dose: dt.datetime,
    tz: str,
    policies: Mapping[str, Any] | None = None,
    cycles: int | None = None,
) -> CourseCalendar:
    """The scheduled doses of one course of ``regimen_key`` from ``first_dose``.

    ``first_dose`` is a wall-clock time in ``tz`` (or an aware datetime that agrees with it);
    ``cycles`` limits the number of 6-week cycles of the s.c. regimen (default 1).
    """
    r = regimen(regimen_key)
    check_overrides(r.policies, policies)
    ward = zone(tz)
    start = localize_start(first_dose, ward, "first_dose")
    if isinstance(r.schedule, Q8hSchedule):
        return _q8h(r, r.schedule, start, ward, policies)
    return _sc_weekly(r, r.schedule, start, ward, policies, 1 if cycles is None else cycles)


def _interval_flags(prev: dt.datetime | None, cur: dt.datetime, expected_h: int) -> tuple[
        float | None, list[str]]:
    if prev is None:
        return None, []
    hours = (cur.astimezone(UTC) - prev.astimezone(UTC)).total_seconds() / 3600
    if hours != expected_h:
        return hours, [f"dst_interval_{hours:g}h"]
    return hours, []


def _q8h(r: Regimen, s: Q8hSchedule, start: dt.datetime, ward: ZoneInfo,
         policies: Mapping[str, Any] | None) -> CourseCalendar:
    reasons: list[Reason] = []
    starts = list(s.cycle_start_days)
    if "nci_cycle2_start_day" in r.policies:
        p = r.policies["nci_cycle2_start_day"]
        day2 = p.resolve(policies)
        reasons.append(p.reason(day2))
        starts = [1, int(day2)]
    wall0 = start.replace(tzinfo=None)
    slots: list[DoseSlot] = []
    dropped: list[dt.datetime] = []
    step = dt.timedelta(hours=s.interval_hours)
    for c, start_day in enumerate(starts, start=1):
        cyc_wall = wall0 + dt.timedelta(days=start_day - 1)
        last_day = cyc_wall.date() + dt.timedelta(days=s.cycle_days - 1)
        prev: dt.datetime | None = None
        k = 0
        while True:
            wall = cyc_wall + k * step
            if k >= s.max_doses_per_cycle:
                if wall.date() <= last_day:  # inside the cycle's days, dropped by the cap
                    dropped.append(_place(wall, ward, start)[0])
                    k += 1
                    continue
                break
            local, flags = _place(wall, ward, start)
            hours, more = _interval_flags(prev, local, s.interval_hours)
            flags.extend(more)
            day = _day(start, local)
            if wall.date() > last_day:
                flags.append(f"after_day_{start_day + s.cycle_days - 1}")
            slots.append(DoseSlot.at(len(slots) + 1, "aldesleukin", c, k + 1, day, local, hours,
                                  tuple(flags)))
            prev = local
            k += 1
        if len(slots) >= s.max_doses_per_course:
            break
    slots = slots[: s.max_doses_per_course]
    reasons.extend(_q8h_reasons(r, s, start, slots, dropped))
    return CourseCalendar.of(r.key, ward.key, start, tuple(slots), tuple(dropped), tuple(reasons))


def _q8h_reasons(r: Regimen, s: Q8hSchedule, start: dt.datetime, slots: list[DoseSlot],
                 dropped: list[dt.datetime]) -> list[Reason]:
    src = r.facts[0].source
    first_days = sorted({x.day for x in slots if x.dose_in_cycle == 1})
    out = [Reason(
        rule="calendar.q8h_cycles", source="proleukin-label", tag=Tag.VERIFIED,
        text=f"q{s.interval_hours}h from the first dose at {start:%H:%M} on day 1; cycles start "
        f"on days {', '.join(str(d) for d in first_days)}"
        f" at the same wall-clock time; at most {s.max_doses_per_cycle} doses per cycle and "
        f"{s.max_doses_per_course} per course ({len(slots)} scheduled)",
        inputs={"first_dose": start, "regimen": r.key}),
        Reason(
        rule="calendar.held_doses_skipped", source=src, tag=Tag.MEMORY,
        text="a held dose keeps its slot and is skipped, not shifted; the cycle still ends on "
        "its last slot (standard practice, not label text)")]
    cycle1_end = start.date() + dt.timedelta(days=s.cycle_days - 1)
    first_cycle_dropped = sum(1 for d in dropped if d.date() <= cycle1_end)
    if dropped:
        out.append(Reason(
            rule="calendar.cap_drops_slot", source="proleukin-label", tag=Tag.VERIFIED,
            text=f"the {s.cycle_days} cycle days from a first dose at {start:%H:%M} hold "
            f"{s.max_doses_per_cycle + first_cycle_dropped} q8h slots; the cap of "
            f"{s.max_doses_per_cycle} per cycle drops the last: "
            + ", ".join(f"{d:%a %d %b %H:%M}" for d in dropped),
            inputs={"dropped": dropped}))
    else:
        out.append(Reason(
            rule="calendar.cap_drops_none", source="proleukin-label", tag=Tag.VERIFIED,
            text=f"from a first dose at {start:%H:%M} the {s.max_doses_per_cycle}-dose cap and "
            f"the cycle's days end together; no slot inside days 1-{s.cycle_days} is dropped",
            inputs={}))
    if any(f.startswith(("dst_", "nonexistent", "ambiguous")) for x in slots for f in x.flags):
        out.append(Reason(
            rule="calendar.dst_flagged", source="proleukin-label", tag=Tag.COMPUTED,
            text="a daylight-saving change falls inside the course: doses stay at their "
            "wall-clock times and the affected intervals are flagged; a wall-clock time that "
            "does not exist moves forward by the gap and one that happens twice takes the "
            "first occurrence (see docs/decisions.md#calendar-wall-clock and "
            "#dst-edge-slots)"))
    return out


def _sc_weekly(r: Regimen, s: ScWeeklySchedule, start: dt.datetime, ward: ZoneInfo,
               policies: Mapping[str, Any] | None, cycles: int) -> CourseCalendar:
    if cycles < 1 or (r.max_courses is not None and cycles > r.max_courses):
        raise InputError("cycles", f"must be between 1 and {r.max_courses}", cycles)
    layout_p = r.policies["sc_week1_layout"]
    ifn_p = r.policies["sc_ifn_days"]
    layout = layout_p.resolve(policies)
    ifn_days = [int(x) for x in str(ifn_p.resolve(policies)).split(",")]
    reasons = [layout_p.reason(layout), ifn_p.reason(",".join(map(str, ifn_days)))]
    wall0 = start.replace(tzinfo=None)
    planned: list[tuple[str, int, dt.datetime]] = []  # agent, cycle, wall
    for c in range(cycles):
        base = wall0 + dt.timedelta(weeks=s.cycle_weeks * c)
        for w in range(s.treatment_weeks):
            week = base + dt.timedelta(weeks=w)
            if w == 0:
                planned.extend(("aldesleukin", c + 1, week + dt.timedelta(hours=8 * i))
                               for i in range(s.week1_day1_il2_doses))
                days = (range(2, 2 + s.il2_days_per_week - 1)
                        if layout == "day1_three_doses_then_days2to5"
                        else range(2, 2 + s.il2_days_per_week))
            else:
                days = range(1, 1 + s.il2_days_per_week)
            planned.extend(("aldesleukin", c + 1, week + dt.timedelta(days=d - 1)) for d in days)
            planned.extend(("interferon alfa-2b", c + 1, week + dt.timedelta(days=d - 1))
                           for d in ifn_days)
    planned.sort(key=lambda p: (p[2], p[0]))
    slots: list[DoseSlot] = []
    counters: dict[tuple[str, int], int] = {}
    for agent, c, wall in planned:
        local, flags = _place(wall, ward, start)
        counters[(agent, c)] = counters.get((agent, c), 0) + 1
        slots.append(DoseSlot.at(len(slots) + 1, agent, c, counters[(agent, c)],
                              _day(start, local), local, None, tuple(flags)))
    reasons.extend(f.reason() for f in r.facts)
    reasons.extend(comp.fact.reason() for comp in r.components)
    return CourseCalendar.of(r.key, ward.key, start, tuple(slots), (), tuple(reasons))


class CalendarRequest(BaseModel):
    """JSON input of ``hdil2 calendar``.

    ``first_dose`` must carry a time of day and ``tz`` must be an IANA Area/Location zone; the
    first dose's offset (if any) is checked against the zone when the calendar is planned.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    regimen: str = Field(description="regimen key (see `hdil2 regimens`)")
    first_dose: StartTime = Field(
        description="first dose: wall-clock time in the ward's zone, e.g. 2026-04-06T08:00; "
        "with a UTC offset (2025-11-02T01:30-05:00) it is that exact instant")
    tz: WardZone = Field(
        description="the ward's IANA Area/Location time zone, e.g. 'America/New_York' "
        "(not EST, CET, UTC or Etc/...)")
    cycles: int | None = Field(None, ge=1, description="6-week cycles (s.c. regimen only)")
    policies: dict[str, str | int] = Field(default_factory=dict)

    def plan(self) -> CourseCalendar:
        return course_calendar(self.regimen, self.first_dose, self.tz, self.policies,
                               self.cycles)
