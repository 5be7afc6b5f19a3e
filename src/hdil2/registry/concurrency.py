"""Optimistic concurrency: an edit applies only to the version it was made from.

Every clinical row carries ``version`` (1 when written, +1 per change). A form or a use case
reads a row with its version, and :func:`apply_edit` applies the user's changes only if the
row is still at that version; the check is made again inside the saving transaction by
:meth:`hdil2.registry.models.base.ClinicalRecord.save`, whose conditional
``UPDATE ... WHERE version = read`` is atomic on SQLite (writers serialised by
``BEGIN IMMEDIATE``) and on PostgreSQL (the row lock, then the condition re-checked on the
committed row). Two users editing one dose slot: the first save wins, the second is refused
with :class:`~hdil2.registry.errors.StaleEdit` naming who changed what and when; nothing is
overwritten and nothing merged silently.
"""

from __future__ import annotations

from typing import Any

from hdil2.registry.errors import StaleEdit


def apply_edit(model: Any, pk: Any, version: int, *, by: Any,
               change_reason: str | None = None, **changes: Any) -> Any:
    """Apply ``changes`` to row ``pk`` of ``model`` as ``by``, if it is still at ``version``.

    Returns the saved row (its version now ``version + 1``). Raises :class:`StaleEdit` if the
    row has moved on since ``version`` was read (or no longer exists).
    """
    row = model._base_manager.filter(pk=pk).first()
    if row is None:
        raise StaleEdit(f"{model._meta.verbose_name} {pk}", version, None, None, None, [])
    if row.version != version:
        row.version = version
        raise row._stale(row._state.db or "default", version)
    row.edit(by=by, change_reason=change_reason, **changes)
    return row
