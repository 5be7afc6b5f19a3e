"""Helpers shared by the ADaM builders: local dates and times, durations, sequence numbers.

Every date of an ADaM dataset is the ward's calendar date (the IANA zone of the patient's first
course, as in the SDTM export), every date and time its wall-clock time to the second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from hdil2.core.errors import InputError

Row = dict[str, Any]


def local_datetime(value: Any, zone: str, field: str) -> dt.datetime | None:
    """A UTC time as the naive wall-clock time of ``zone`` (to the second); a date (a time
    known to the day only) has none; ``None`` → ``None``."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return None
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise InputError(field, "a time-zone-aware date and time", value)
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)


def local_date(value: Any, zone: str, field: str) -> dt.date | None:
    """The ward's calendar date of a UTC time, or the date itself; ``None`` → ``None``."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = local_datetime(value, zone, field)
        return moment.date() if moment is not None else None
    if isinstance(value, dt.date):
        return value
    raise InputError(field, "a date or a time-zone-aware date and time", value)


def duration_days(start: dt.date | None, end: dt.date | None) -> int | None:
    """Days from ``start`` to ``end`` counting both: ``end - start + 1`` (admiral's
    ``derive_vars_duration`` with ``add_one = TRUE``, its default, which pharmaverse's ADTTE
    ``AVAL`` and ADSL ``TRTDURD`` use); ``None`` when either is missing."""
    if start is None or end is None:
        return None
    return (end - start).days + 1


def relative_day(start: dt.date | None, on: dt.date | None) -> int | None:
    """The study day of ``on`` relative to ``start`` (SDTMIG's --DY rule, which ADaM's
    ``ASTDY`` and ``ADY`` follow): day 1 is ``start``; there is no day 0, the day before
    ``start`` is day -1."""
    if start is None or on is None:
        return None
    days = (on - start).days
    return days + 1 if days >= 0 else days


def number_sequence(rows: Iterable[Row], name: str = "ASEQ") -> None:
    """Number the rows ``name`` 1, 2, ... within each subject, in the order given."""
    seen: dict[str, int] = {}
    for row in rows:
        k = row["USUBJID"]
        seen[k] = seen.get(k, 0) + 1
        row[name] = seen[k]
