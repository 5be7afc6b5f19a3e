"""Errors of the registry.

Every refusal the user can act on is an :class:`hdil2.core.errors.InputError` naming its field,
so the command line answers it with exit status 2 and the message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hdil2.core.errors import InputError


class RegistryError(InputError):
    """A registry operation refused (bad database option, unsafe change, missing author)."""


class StaleEdit(RegistryError):  # noqa: N818 - the name the registry's users read
    """An update made from an out-of-date copy of a row (optimistic concurrency).

    The edit is refused, never merged or overwritten. The message names who changed the row
    since it was read, when, and which fields (old -> new), so the user can reload and decide.
    """

    def __init__(
        self,
        record: str,
        read_version: int,
        current_version: int | None,
        changed_by: str | None,
        changed_at: dt.datetime | None,
        changes: list[tuple[str, Any, Any]],
    ) -> None:
        self.record = record
        self.read_version = read_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.changes = changes
        if current_version is None:
            message = (f"{record} was read at version {read_version} but no longer exists; "
                       "your edit was not saved")
        else:
            who = changed_by or "an unknown user"
            when = changed_at.isoformat() if changed_at else "an unknown time"
            what = "; ".join(f"{f}: {_show(o)} -> {_show(n)}" for f, o, n in changes)
            message = (
                f"{record} was changed by {who} at {when} (version {read_version} -> "
                f"{current_version}{': ' + what if what else ''}) after you read version "
                f"{read_version}; your edit was not saved: reload the record and apply it again"
            )
        super().__init__("version", message, read_version)


class DeletionRefused(RegistryError):  # noqa: N818 - a refusal, named as such
    """A clinical fact is never deleted: it is corrected, or voided with a reason."""

    def __init__(self, what: str) -> None:
        super().__init__(
            "delete",
            f"{what} cannot be deleted: clinical facts are corrected or voided with a reason "
            "(void(by=..., reason=...)), never deleted",
        )


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)
