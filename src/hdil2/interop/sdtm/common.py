"""Helpers shared by the SDTM domain builders: identifiers, ISO 8601 times, decimal text.

The registry's records arrive as plain dicts (see :mod:`hdil2.interop.sdtm.build`); a value
the SDTM row needs that has the wrong type is refused with an :class:`InputError` naming it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hdil2.core.errors import InputError

Row = dict[str, Any]

#: the investigational product, as the SDTM exposure domains name it
TREATMENT = "ALDESLEUKIN"


def usubjid(study: str, code: str) -> str:
    """The unique subject identifier: study identifier and registry code, joined by ``-``."""
    return f"{study}-{code}"


def subject_id(patient: dict[str, Any], study: str) -> str:
    """The patient's ``USUBJID`` in ``study``: the identifier the registry keeps for that study
    (``identifiers``, e.g. from an SDTM import), else :func:`usubjid` of its code."""
    ids = patient.get("identifiers") or {}
    known = ids.get(study)
    return known if isinstance(known, str) and known else usubjid(study, patient["code"])


def moment_key(value: Any, zone: str) -> tuple[dt.date, int, dt.datetime]:
    """Sort key of a time (aware datetime) or a day (date, when only the day is known): by the
    ward's calendar day, a day before the times of that day, then the time."""
    if isinstance(value, dt.datetime):
        local = value.astimezone(ZoneInfo(zone)) if value.tzinfo is not None else value
        return (local.date(), 1, value if value.tzinfo is not None
                else value.replace(tzinfo=dt.UTC))
    if isinstance(value, dt.date):
        return (value, 0, dt.datetime.min.replace(tzinfo=dt.UTC))
    raise InputError("time", "a date or a time-zone-aware date and time", value)


def iso_datetime(value: Any, zone: str, field: str) -> str:
    """A UTC time as ISO 8601 local wall-clock time of ``zone`` (``YYYY-MM-DDThh:mm``, with
    ``:ss`` only when the seconds are not zero); a date (only the day known) as
    ``YYYY-MM-DD``; ``None`` → ``""``."""
    if value is None:
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise InputError(field, "a time-zone-aware date and time", value)
    local = value.astimezone(ZoneInfo(zone))
    return local.strftime("%Y-%m-%dT%H:%M" if local.second == 0 else "%Y-%m-%dT%H:%M:%S")


def iso_date(value: Any, field: str) -> str:
    """A date as ISO 8601 ``YYYY-MM-DD``; ``None`` → ``""``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InputError(field, "a date", value)
    return value.isoformat()


def decimal_text(value: Any, field: str) -> str:
    """A decimal as plain text without trailing zeros (``1.200000`` → ``1.2``); ``None`` →
    ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise InputError(field, "a decimal number", value)
    d = Decimal(value)
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def number(value: Any, field: str) -> Decimal | None:
    """A numeric SDTM value (kept exact as a Decimal until written); ``None`` stays ``None``."""
    if value is None:
        return None
    return Decimal(decimal_text(value, field))


def sequence(rows: list[Row], code: str) -> list[Row]:
    """Number the rows ``--SEQ`` 1, 2, ... within each subject, in the order given."""
    seen: dict[str, int] = {}
    for row in rows:
        k = row["USUBJID"]
        seen[k] = seen.get(k, 0) + 1
        row[f"{code}SEQ"] = seen[k]
    return rows
