"""Decisions that explain themselves.

Every clinical rule in hdil2 returns a :class:`Decision`: a value (``"hold"``, ``"PR"``,
``"eligible"``, a grade ...) and the :class:`Reason` objects that produced it.  A reason names
the rule that fired, the input values it used, the source key it rests on (from
:mod:`hdil2.core.sources`), how well that fact was verified (:class:`~hdil2.core.sources.Tag`)
and a sentence a clinician can read.  One JSON shape everywhere (docs/architecture.md):

    {"value": "hold",
     "reasons": [{"rule": "label.spo2_below_90", "inputs": {"spo2_pct": 89},
                  "source": "proleukin-label", "tag": "verified",
                  "text": "SpO2 89 % is below 90 %: withhold; resume when SpO2 > 90 %"}],
     "resume_when": "SpO2 > 90 %"}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from hdil2.core.jsonable import jsonable
from hdil2.core.result import Result
from hdil2.core.sources import SOURCES, Tag

T = TypeVar("T")


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


_AS_IS = frozenset({str, int, bool, type(None)})
_SEQUENCES = frozenset({list, tuple})
_MAPPINGS = frozenset({dict, MappingProxyType})


def _json(value: Any) -> Any:
    """``jsonable(value)``, taking the common cases of a reason directly: values that are JSON
    as they are, enums (by value), lists, tuples and dicts of them."""
    t = type(value)
    if t in _AS_IS:
        return value
    if t in _SEQUENCES:
        return [_json(v) for v in value]
    if t in _MAPPINGS:
        return {k if type(k) is str else str(k): _json(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return _json(value.value)
    return jsonable(value)


@dataclass(frozen=True, slots=True)
class Reason(Result):
    """Why a rule decided what it decided.

    ``rule`` is a stable dotted id (``"ctcae5.creatinine.baseline_clause"``); ``inputs`` the
    values the rule read; ``source`` a catalogue key; ``tag`` the verification tag of the fact;
    ``text`` one readable sentence.
    """

    rule: str
    source: str
    text: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    tag: Tag = Tag.VERIFIED

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise KeyError(f"Reason {self.rule!r} cites unknown source {self.source!r}")
        object.__setattr__(self, "inputs", _frozen(self.inputs))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: the fields in order, as :meth:`Result.to_dict` writes them.

        Written out field by field (a reason is the most frequent object of every answer), with
        plain strings and integers passed through and anything else given to ``jsonable``.
        """
        return {"rule": _json(self.rule), "source": _json(self.source), "text": _json(self.text),
                "inputs": _json(self.inputs),
                "tag": _json(self.tag)}



@dataclass(frozen=True, slots=True)
class Decision(Generic[T]):
    """A value with the reasons that produced it, and optional named details.

    ``details`` holds decision-specific fields that appear at the top level of the JSON
    (for example ``resume_when`` for a held dose).
    """

    value: T
    reasons: tuple[Reason, ...]
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reasons", tuple(self.reasons))
        object.__setattr__(self, "details", _frozen(self.details))
        for key in self.details:
            if key in ("value", "reasons"):
                raise ValueError(f"detail name {key!r} is reserved")

    @classmethod
    def of(
        cls, value: T, reasons: Iterable[Reason], **details: Any
    ) -> Decision[T]:
        """Build a decision; keyword arguments become ``details``."""
        return cls(value, tuple(reasons), details)

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct source keys cited, in order of first appearance."""
        seen: dict[str, None] = {}
        for r in self.reasons:
            seen.setdefault(r.source, None)
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": _json(self.value)}
        out.update({k: _json(v) for k, v in self.details.items()})
        out["reasons"] = [r.to_dict() for r in self.reasons]
        return out
