"""What every clinical row of the registry has: author, version, void fields, audit history.

- ``synthetic``: demo and benchmark data are marked, so no analysis mistakes them for patients.
- ``created_at/by``, ``updated_at/by``: who wrote the row and who changed it last (Django users;
  the command line writes as a named system user, :func:`hdil2.registry.users.system_user`).
- ``version``: optimistic concurrency. Every save of an existing row first moves the stored
  version from the one this copy was read at to the next, in the same transaction; when the
  stored row has moved on (someone else saved it since), nothing is written and
  :class:`~hdil2.registry.errors.StaleEdit` names who changed what and when.
- ``voided_at/by``, ``void_reason``: a wrong fact is corrected (a versioned, audited edit) or
  voided with a reason; it is never deleted. ``delete()`` is refused on rows and on querysets,
  and so is ``QuerySet.update()``, which would bypass the version and the audit history.
- ``history``: django-simple-history keeps every version of the row (who, when, the values);
  :func:`hdil2.registry.audit.changes` lists them as (when, who, field, old, new).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.models import HistoricalRecords

from hdil2.core.errors import InputError, InputErrors
from hdil2.registry.errors import DeletionRefused, RegistryError, StaleEdit

#: the bookkeeping fields every clinical row has (not clinical content)
BOOKKEEPING = (
    "synthetic", "created_at", "created_by", "updated_at", "updated_by", "version",
    "voided_at", "voided_by", "void_reason",
)


#: how much of a stored time is known: the time itself, or only its day (an imported SDTM
#: ``--DTC`` of the form ``YYYY-MM-DD``; stored as midnight UTC of that day and read back as
#: the date, :func:`known_time`)
PRECISIONS = [("time", "date and time"), ("day", "day only")]


def precision_field(of: str) -> models.CharField:
    """The precision of the time field ``of`` (``time`` or ``day``)."""
    return models.CharField(max_length=4, choices=PRECISIONS, default="time",
                            help_text=f"how much of {of} is known: the time, or the day only")


def known_time(value: Any, precision: str) -> Any:
    """A stored time as it is known: the aware UTC datetime, or its date when only the day is
    known (``precision`` ``day``); ``None`` stays ``None``."""
    if value is None or precision != "day":
        return value
    return value.astimezone(dt.UTC).date()


def stored_time(value: Any) -> tuple[Any, str]:
    """What a time field stores for ``value`` and its precision: an aware datetime as it is
    (``time``), a date as midnight UTC of that day (``day``); ``None`` stays ``None``."""
    if value is None or isinstance(value, dt.datetime):
        return value, "time"
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), dt.UTC), "day"
    return value, "time"


def decimal_field(**kw: Any) -> models.DecimalField:
    """A decimal column: up to 20 digits, 6 after the point (exact up to 15 significant
    digits on SQLite, whose NUMERIC storage keeps 15)."""
    return models.DecimalField(max_digits=20, decimal_places=6, **kw)


class RecordQuerySet(models.QuerySet):
    """Querysets of clinical rows: no bulk delete, no bulk update; ``active()`` hides voided."""

    def active(self) -> RecordQuerySet:
        """Rows that are not voided."""
        return self.filter(voided_at__isnull=True)

    def voided(self) -> RecordQuerySet:
        """Rows that are voided."""
        return self.filter(voided_at__isnull=False)

    def delete(self) -> Any:
        raise DeletionRefused(str(self.model._meta.verbose_name_plural))

    delete.queryset_only = True  # type: ignore[attr-defined]

    def update(self, **kwargs: Any) -> int:
        raise RegistryError(
            "update",
            f"{self.model._meta.verbose_name_plural} are not updated in bulk: save each row "
            "(save(by=user)) so every change is versioned and kept in the audit history",
        )


RecordManager = models.Manager.from_queryset(RecordQuerySet)


def user_label(user: Any) -> str | None:
    """A user's name for messages (``None`` when unknown)."""
    if user is None:
        return None
    name = user.get_username() if hasattr(user, "get_username") else str(user)
    return str(name)


def validate(obj: models.Model, exclude: list[str] | None = None) -> None:
    """``obj.full_clean()`` with Django's errors as hdil2's :class:`InputError` per field."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as e:
        errors: list[InputError] = []
        for field, messages in e.message_dict.items():
            name = "record" if field == "__all__" else field
            for m in messages:
                errors.append(InputError(name, m, getattr(obj, field, None)
                                         if field != "__all__" else None))
        raise (errors[0] if len(errors) == 1 else InputErrors(errors)) from None


class ClinicalRecord(models.Model):
    """Abstract base of every clinical model (see the module docstring)."""

    synthetic = models.BooleanField(
        default=False, help_text="synthetic (demo or benchmark) data, not a patient's")
    created_at = models.DateTimeField(default=timezone.now, help_text="when the row was written")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        help_text="who wrote the row")
    updated_at = models.DateTimeField(default=timezone.now, help_text="when last changed")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        help_text="who changed it last")
    version = models.PositiveIntegerField(
        default=1, help_text="optimistic-concurrency version: 1 when written, +1 per change")
    voided_at = models.DateTimeField(null=True, blank=True, help_text="when voided")
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="who voided it")
    void_reason = models.TextField(blank=True, default="", help_text="why it was voided")

    # the change reason holds what the user typed (a departure or override reason): text, not
    # simple_history's default varchar(100), which PostgreSQL enforces and SQLite does not
    history = HistoricalRecords(inherit=True,
                                history_change_reason_field=models.TextField(null=True))
    objects: ClassVar[Any] = RecordManager()

    class Meta:
        abstract = True

    def label(self) -> str:
        """``dose slot 42``: the row as messages name it."""
        return f"{self._meta.verbose_name} {self.pk}"

    def save(self, *args: Any, by: Any = None, **kwargs: Any) -> None:
        """Write the row as ``by`` (a user); an existing row only from its current version.

        Raises :class:`StaleEdit` when the stored row has a newer version than this copy.
        """
        user = by if by is not None else getattr(self, "_history_user", None)
        if user is None or getattr(user, "pk", None) is None:
            raise RegistryError("by", f"every change to a {self._meta.verbose_name} names "
                                "who made it (a saved user)")
        self._history_user = user
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        read_version = self.version
        with transaction.atomic(using=using):
            now = timezone.now()
            if self._state.adding:
                if self.created_by_id is None:
                    self.created_by = user
                self.updated_by = user
                self.updated_at = self.created_at
                self.version = 1
            else:
                moved = (type(self)._base_manager.using(using)
                         .filter(pk=self.pk, version=read_version)
                         .update(version=F("version") + 1))
                if moved != 1:
                    raise self._stale(using, read_version)
                self.version = read_version + 1
                self.updated_at = now
                self.updated_by = user
                fields = kwargs.get("update_fields")
                if fields is not None:
                    kwargs["update_fields"] = {*fields, "version", "updated_at", "updated_by"}
            self._history_date = self.updated_at  # the audit row's time is the change's
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.version = read_version
                raise

    def _stale(self, using: str, read_version: int) -> StaleEdit:
        from hdil2.registry.audit import BOOKKEEPING_DIFF

        current = type(self)._base_manager.using(using).filter(pk=self.pk).first()
        if current is None:
            return StaleEdit(self.label(), read_version, None, None, None, [])
        rows = list(current.history.using(using).order_by("-history_date", "-history_id"))
        latest = rows[0] if rows else None
        before = next((r for r in rows if r.version == read_version), None)
        changes: list[tuple[str, Any, Any]] = []
        if latest is not None and before is not None:
            delta = latest.diff_against(before, excluded_fields=BOOKKEEPING_DIFF)
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        return StaleEdit(
            self.label(), read_version, current.version,
            user_label(latest.history_user) if latest is not None else None,
            latest.history_date if latest is not None else None,
            changes,
        )

    def edit(self, *, by: Any, change_reason: str | None = None, **changes: Any) -> None:
        """Correct fields of this row (validated, versioned, audited; ``change_reason`` is kept
        in the history with the change)."""
        names = {f.name for f in self._meta.concrete_fields}
        for name in changes:
            if name not in names or name in BOOKKEEPING or name == "id":
                raise RegistryError(name, f"a {self._meta.verbose_name} has no editable "
                                    f"field {name!r}")
        for name, value in changes.items():
            setattr(self, name, value)
        validate(self)
        if change_reason:
            self._change_reason = change_reason
        self.save(by=by)

    def void(self, *, by: Any, reason: str) -> None:
        """Void this row with a reason (it stays in the registry, marked, and in the history)."""
        if not isinstance(reason, str) or not reason.strip():
            raise RegistryError("void_reason", "voiding a clinical fact needs a reason")
        if self.voided_at is not None:
            raise RegistryError(
                "voided_at", f"{self.label()} was already voided at "
                f"{self.voided_at.isoformat()} by {user_label(self.voided_by)}")
        self.voided_at = timezone.now()
        self.voided_by = by
        self.void_reason = reason.strip()
        self._change_reason = f"voided: {reason.strip()}"
        self.save(by=by)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise DeletionRefused(self.label())


class WriteOnceRecord(models.Model):
    """Abstract base of rows written once and never changed (the advice shown)."""

    synthetic = models.BooleanField(default=False, help_text="synthetic (demo) data")
    created_at = models.DateTimeField(default=timezone.now, help_text="when it was written")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        help_text="who was shown it")

    objects: ClassVar[Any] = RecordManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, by: Any = None, **kwargs: Any) -> None:
        """Write the row once; a change to a written row is refused."""
        if not self._state.adding:
            raise RegistryError(self._meta.model_name or "record",
                                f"a stored {self._meta.verbose_name} is never changed")
        user = by if by is not None else (self.created_by if self.created_by_id else None)
        if user is None or getattr(user, "pk", None) is None:
            raise RegistryError("by", f"a {self._meta.verbose_name} names who was shown it")
        self.created_by = user
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise DeletionRefused(f"{self._meta.verbose_name} {self.pk}")
