"""Errors that name the offending field.

Every refusal of input in hdil2 is an :class:`InputError` whose ``field`` is the dotted
path of the bad value (``"weight"``, ``"visits[2].lesions.T01.ld_mm"``), so the CLI, the
API and the web forms can point at it.  Nothing is clamped or guessed instead.
"""

from __future__ import annotations

from typing import Any


class Hdil2Error(Exception):
    """Base class of every error hdil2 raises on purpose."""


class InputError(Hdil2Error, ValueError):
    """Input that is missing, malformed or implausible.

    ``field`` names the input (dotted path); ``message`` says what is wrong and what
    would be accepted; ``value`` is the offending value when there is one.
    """

    def __init__(self, field: str, message: str, value: Any = None) -> None:
        self.field = field
        self.message = message
        self.value = value
        super().__init__(f"{field}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its attributes (a Dask worker's refusal reaches the client whole),
        whatever the subclass's constructor takes."""
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, used on stderr by the CLI and in API error bodies."""
        out: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.value is not None:
            out["value"] = str(self.value)
        return out


def _rebuild(cls: type[InputError], args: tuple[Any, ...], state: dict[str, Any]
             ) -> InputError:
    """An unpickled error: its class, exception arguments and attributes as they were."""
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


class InputErrors(InputError):  # noqa: N818 - a batch of InputError
    """Several input errors found at once (all are reported, not just the first)."""

    def __init__(self, errors: list[InputError]) -> None:
        if not errors:
            raise ValueError("InputErrors needs at least one error")
        self.errors = errors
        first = errors[0]
        super().__init__(first.field, "; ".join(str(e) for e in errors), first.value)

    def to_dict(self) -> dict[str, Any]:
        return {"errors": [e.to_dict() for e in self.errors]}


def field_path(loc: tuple[Any, ...] | list[Any], prefix: str = "") -> str:
    """A pydantic error location as hdil2's dotted field path: ``visits[2].lesions.T01``."""
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "input"


def from_validation_error(exc: BaseException, prefix: str = "") -> InputError | None:
    """An :class:`InputError` (or :class:`InputErrors`) for a pydantic validation error.

    Each error item becomes one field-named error: the path of the bad value, pydantic's
    message without its "Value error, " prefix, and the offending value when it is a scalar.
    Returns ``None`` when ``exc`` is not a validation error.  An :class:`InputError` raised
    inside a validator keeps its own field, placed under the item's path.
    """
    if isinstance(exc, InputError):
        return exc
    errors = getattr(exc, "errors", None)
    if type(exc).__name__ != "ValidationError" or not callable(errors):
        return None
    items: list[InputError] = []
    for err in errors():
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        value = err.get("input")
        scalar = None if isinstance(value, dict | list) else value
        if scalar is not None:
            scalar = str(scalar)[:80]
        items.append(InputError(field_path(tuple(err.get("loc", ())), prefix), msg, scalar))
    if not items:
        return None
    return items[0] if len(items) == 1 else InputErrors(items)


def error_items(exc: BaseException) -> list[dict[str, Any]] | None:
    """The field-named error items of a refused request, as the CLI and the batch answers
    write them (``None``: ``exc`` is not an input error)."""
    mapped = from_validation_error(exc)
    if mapped is None:
        return None
    if isinstance(mapped, InputErrors):
        return [e.to_dict() for e in mapped.errors]
    return [mapped.to_dict()]
