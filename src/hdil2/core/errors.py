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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, used on stderr by the CLI and in API error bodies."""
        out: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.value is not None:
            out["value"] = str(self.value)
        return out


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
