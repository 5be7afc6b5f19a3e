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
    """The changes of ``record`` oldest first: per save, each field whose value changed
    (fields of one save in name order). A foreign key is shown as the related row's id, a
    user (``given_by``, ``voided_by``) as the user's name.

    A creation lists every field that was set (old ``None``) when ``include_creation``.
    """
    from hdil2.registry.models.base import user_label

    rows = list(record.history.order_by("history_date", "history_id"))
    show = _Shower(type(record))
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
                        out.append(Change(row.history_date, who, f.name, None,
                                          show(f.name, value), row.version,
                                          row.history_change_reason))
        else:
            delta = row.diff_against(prev, excluded_fields=BOOKKEEPING_DIFF)
            for c in delta.changes:
                out.append(Change(row.history_date, who, c.field, show(c.field, c.old),
                                  show(c.field, c.new), row.version,
                                  row.history_change_reason))
        prev = row
    return out


class _Shower:
    """Values as a change list shows them: users by name, other rows by id."""

    def __init__(self, model: Any) -> None:
        from django.conf import settings

        self.user_fields = {
            f.name for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
            and f.related_model._meta.label == settings.AUTH_USER_MODEL
        }
        self.names: dict[Any, str | None] = {}

    def __call__(self, field: str, value: Any) -> Any:
        if field not in self.user_fields or value is None:
            return value
        if value not in self.names:
            from django.contrib.auth import get_user_model

            user = get_user_model()._base_manager.filter(pk=value).first()
            self.names[value] = user.get_username() if user is not None else str(value)
        return self.names[value]
