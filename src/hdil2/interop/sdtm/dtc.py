"""SDTM ``--DTC`` values (ISO 8601, complete or partial, as SDTMIG 3.4 section 4.4 allows) read
back into the registry's dates and UTC times.

* ``YYYY-MM-DDThh:mm[:ss[.fff]]`` is a wall-clock time of the import's IANA zone (SDTM carries
  no zone; a value with its own offset, ``Z`` or ``+hh:mm``, is taken at that offset). A
  wall-clock time the zone skips (the spring-forward gap) is refused; one it repeats (the
  autumn fold) is read as the first of the two.
* ``YYYY-MM-DD``: a date (the registry stores the day only).
* Partial values (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DDThh``) are refused where the registry
  stores a date or a time, unless the import is told to impute them with ``"first"``: the
  earliest date or time the value allows (the first day of the month, January 1, minute 0),
  the convention of admiral's date imputation ``"first"``.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

_DTC = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:T(?P<H>\d{2})(?::(?P<M>\d{2})"
    r"(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?)?(?P<z>Z|[+-]\d{2}:\d{2})?)?)?)?$")

PARTIAL_POLICIES = ("refuse", "first")


class DtcError(ValueError):
    """A ``--DTC`` value that is not ISO 8601 or not precise enough (the reason is the text)."""


def parse_dtc(text: str, zone: ZoneInfo, *, need: str, partial: str = "refuse"
              ) -> dt.date | dt.datetime:
    """The date (``YYYY-MM-DD``) or aware UTC time (with a time of day) of ``text``.

    ``need`` is ``"date"`` (a date; a time of day is dropped: the registry keeps the day),
    ``"moment"`` (a time, or a date when only the day is known) or ``"time"`` (a time of day
    is required). ``partial`` is ``"refuse"`` or ``"first"`` (see the module).
    """
    m = _DTC.match(text)
    if m is None:
        raise DtcError("an ISO 8601 date or date and time (YYYY-MM-DD or YYYY-MM-DDThh:mm)")
    g = m.groupdict()
    impute = partial == "first"
    if g["d"] is None and not impute:
        raise DtcError("a complete date (YYYY-MM-DD): hdil2 stores the day; a partial date is "
                       "imputed only when the import is told to (partial dates 'first')")
    try:
        day = dt.date(int(g["y"]), int(g["m"] or 1), int(g["d"] or 1))
    except ValueError:
        raise DtcError("an ISO 8601 date that exists (YYYY-MM-DD)") from None
    if g["d"] is None or g["H"] is None:
        if need == "time":
            raise DtcError("a date and time to the minute (YYYY-MM-DDThh:mm)")
        return day
    if need == "date":
        return day
    if g["M"] is None and not impute:
        raise DtcError("a time to the minute (YYYY-MM-DDThh:mm); a time of hours only is "
                       "imputed only when the import is told to (partial dates 'first')")
    try:
        local = dt.datetime(day.year, day.month, day.day, int(g["H"]), int(g["M"] or 0),
                            int(g["S"] or 0), int((g["f"] or "0").ljust(6, "0")))
    except ValueError:
        raise DtcError("an ISO 8601 time that exists (hh:mm, hh 00-23)") from None
    if g["z"]:
        offset = dt.timedelta(0) if g["z"] == "Z" else (
            (1 if g["z"][0] == "+" else -1)
            * dt.timedelta(hours=int(g["z"][1:3]), minutes=int(g["z"][4:6])))
        return local.replace(tzinfo=dt.timezone(offset)).astimezone(dt.UTC)
    aware = local.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(dt.UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local:
        raise DtcError(f"a wall-clock time that exists in {zone.key} (this one falls in the "
                       "hour the clocks skip)")
    return utc
