"""The audit history of registry rows: every change, who made it, when, old -> new.

Every clinical model keeps its versions with django-simple-history (``history``); the history
row of a change is written in the same transaction as the change. :func:`changes` lists one
record's changes as (when, who, field, old, new), oldest first, the creation included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

#: bookkeeping fields left out of a change list (they change with every save)
BOOKKEEPING_DIFF = ("version", "updated_at", "updated_by")
_NOT_LISTED_AT_CREATION = (*BOOKKEEPING_DIFF, "id", "created_at", "created_by")


@dataclass(frozen=True)
class Change:
    """One field of one record changed by one save."""

    when: dt.datetime
    who: str | None
    field: str
    old: Any
    new: Any
    version: int
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"when": self.when.isoformat(), "who": self.who, "field": self.field,
                "old": _jsonable(self.old), "new": _jsonable(self.new),
                "version": self.version, "reason": self.reason}


def _jsonable(v: Any) -> Any:
    if v is None or isinstance(v, bool | int | str | list | dict):
        return v
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return str(v)


def changes(record: Any, *, include_creation: bool = True) -> list[Change]:
    """The changes of ``record`` oldest first: per save, each field whose value changed.

    A creation lists every field that was set (old ``None``) when ``include_creation``.
    """
    from hdil2.registry.models.base import user_label

    rows = list(record.history.order_by("history_date", "history_id"))
    out: list[Change] = []
    prev = None
    for row in rows:
        who = user_label(row.history_user)
        if prev is None:
            if include_creation:
                for f in row.tracked_fields:
                    if f.name in _NOT_LISTED_AT_CREATION:
                        continue
                    value = getattr(row, f.attname)
                    if value not in (None, "", [], {}):
                        out.append(Change(row.history_date, who, f.attname, None, value,
                                          row.version, row.history_change_reason))
        else:
            delta = row.diff_against(prev, excluded_fields=BOOKKEEPING_DIFF)
            for c in delta.changes:
                out.append(Change(row.history_date, who, _attname(row, c.field), c.old,
                                  c.new, row.version, row.history_change_reason))
        prev = row
    return out


def _attname(row: Any, field: str) -> str:
    try:
        return str(row.instance_type._meta.get_field(field).attname)
    except Exception:
        return field
