"""What every use case shares: the result it returns, the advice it stores, the rows it reads.

A use case asks the clinical core through the application layer (:func:`hdil2.app.run`), then
stores the answer exactly as it was shown in an :class:`~hdil2.registry.models.Advice` row:
the operation, the request it was given, the answer's JSON (value, reasons with their sources,
details), the rule-set version and ``hdil2.__version__``. A later change of the rules changes
new advice only; the stored advice keeps what was advised and why.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hdil2.core.errors import InputError
from hdil2.registry.errors import RegistryError

if TYPE_CHECKING:
    from hdil2.app.profile import SiteProfile


@dataclass(frozen=True)
class Outcome:
    """What a use case returns: the clinical core's answer (a ``Decision``, or the operation's
    result for dose, calendar, screening, assessment and scores; ``None`` when the use case asks
    no clinical question), the :class:`Advice` row stored with it (``None`` likewise), and the
    rows written or changed, in the order written."""

    decision: Any
    advice: Any
    rows: tuple[Any, ...]

    @property
    def value(self) -> Any:
        """The decision's value (``None`` without a decision)."""
        return getattr(self.decision, "value", None)


def as_json(value: Any) -> Any:
    """``value`` as plain JSON (dates as ISO text, decimals as exact text, tuples as lists)."""
    from hdil2.core.jsonable import jsonable

    return json.loads(json.dumps(jsonable(value)))


def run(operation: str, request: dict[str, Any]) -> Any:
    """Ask the application layer (errors name the request's fields)."""
    from hdil2 import app

    return app.run(operation, request)


def filled(operation: str, request: dict[str, Any], site: SiteProfile | None) -> dict[str, Any]:
    """``request`` with what ``site`` decides for the fields it leaves out (its hold rule sets,
    its policy overrides of ``operation``), as :meth:`SiteProfile.fill` fills it for the CLI and
    the API; for ``next-dose``, a request still without ``rulesets`` then names the request
    model's default (the label), so the stored request always says which rule sets applied."""
    from hdil2 import app

    model = app.operation(operation).request
    out = site.fill(operation, model, request) if site is not None else dict(request)
    if operation == "next-dose" and "rulesets" not in out:
        out["rulesets"] = list(model.model_fields["rulesets"].default)
    return out


def store_advice(operation: str, request: dict[str, Any], answer: Any, *, by: Any,
                 value: Any = None, ruleset_version: str = "", synthetic: bool = False) -> Any:
    """Write the :class:`Advice` row of one answer as shown (written once, never changed)."""
    import hdil2
    from hdil2.registry.models import Advice

    shown = answer.to_dict() if hasattr(answer, "to_dict") else answer
    if value is None:
        value = getattr(answer, "value", "")
    advice = Advice(operation=operation, request=as_json(request), answer=as_json(shown),
                    value=str(value)[:80], ruleset_version=ruleset_version[:200],
                    hdil2_version=hdil2.__version__, synthetic=synthetic)
    advice.save(by=by)
    return advice


def get_row(model: Any, pk: Any, field: str) -> Any:
    """The active row ``pk`` of ``model`` (an :class:`InputError` naming ``field`` when there is
    none, or when it was voided)."""
    if isinstance(pk, bool) or not isinstance(pk, int):
        raise InputError(field, f"a {model._meta.verbose_name} id (an integer)", pk)
    row = model._base_manager.filter(pk=pk).first()
    if row is None:
        raise InputError(field, f"no {model._meta.verbose_name} {pk}", pk)
    if row.voided_at is not None:
        raise InputError(field, f"{row.label()} was voided ({row.void_reason}); it takes no "
                         "further records", pk)
    return row


def check_version(row: Any, version: Any) -> None:
    """Refuse an action on ``row`` read at another ``version`` (:class:`StaleEdit`)."""
    if isinstance(version, bool) or not isinstance(version, int):
        raise InputError("version", "the version of the record as read (an integer)", version)
    if row.version != version:
        row.version = version
        raise row._stale(row._state.db or "default", version)


def aware(value: Any, field: str) -> dt.datetime:
    """A timezone-aware datetime (ISO text or datetime); a naive time is refused."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise InputError(field, "an ISO date-time with its UTC offset, e.g. "
                             "2025-03-03T09:30+00:00", value) from None
    if not isinstance(value, dt.datetime):
        raise InputError(field, "a date-time with its UTC offset", value)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(field, "a time without its UTC offset is ambiguous: give the offset "
                         "(e.g. +00:00) or an aware datetime", value.isoformat())
    return value


def a_date(value: Any, field: str) -> dt.date:
    """A date (ISO text or date; a datetime is refused as ambiguous)."""
    if isinstance(value, dt.datetime):
        raise InputError(field, "a date, not a date-time", value.isoformat())
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(field, "an ISO date, e.g. 2025-03-03", value) from None
    if not isinstance(value, dt.date):
        raise InputError(field, "a date", value)
    return value


def reason_text(value: Any, field: str) -> str:
    """A non-empty reason (stripped), or ``""`` when none was given."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(field, "a reason, as text", value)
    return value.strip()


def fields_of(model: Any, given: dict[str, Any], allowed: tuple[str, ...], where: str
              ) -> dict[str, Any]:
    """The fields of ``given`` a use case may set (anything else is refused, naming it)."""
    for name in given:
        if name not in allowed:
            raise RegistryError(name, f"{where} does not set {name!r}; it sets: "
                                f"{', '.join(allowed)}")
    return dict(given)


def decimal_text(value: Decimal) -> str:
    """A decimal without trailing zeros (``Decimal('1.800000')`` -> ``'1.8'``)."""
    text = format(value.normalize(), "f")
    return text


def save_new(row: Any, by: Any) -> Any:
    """Validate and write a new row (errors name the field)."""
    from hdil2.registry.models.base import validate

    validate(row, exclude=["created_by", "updated_by"])
    row.save(by=by)
    return row


def ward_date(at: dt.datetime, ward_tz: str) -> dt.date:
    """The ward's calendar date of the instant ``at`` (the day a course starts on, and every
    report counts from): 20:00 in New York is that day there, though the next day in UTC."""
    from zoneinfo import ZoneInfo

    return at.astimezone(ZoneInfo(ward_tz)).date()
