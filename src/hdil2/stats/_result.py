"""Shared plumbing of the statistics results: JSON Schemas of arrays, reasons, input checks.

Every result of :mod:`hdil2.stats` is a small frozen dataclass on
:class:`hdil2.core.result.Result` (its fields are its JSON form; its JSON Schema follows from
the annotations) or a :class:`~hdil2.core.decision.Decision`.  JSON has no NaN or infinity: a
float that may be non-finite is annotated :data:`~hdil2.core.result.Real` and written as
``null`` (NaN: undefined) or ``"inf"`` / ``"-inf"`` (e.g. an odds ratio with a zero cell).
A Kaplan-Meier curve keeps its NumPy arrays (copying a million-row curve into tuples would
double its cost); they are annotated :data:`Numbers`, :data:`Integers` … so the schema says
"array of numbers".
Every result names its method (``method="fisher_exact_two_sided"``) and carries
:class:`~hdil2.core.decision.Reason` objects that cite the source of the method.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Annotated, Any

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable
from hdil2.core.sources import Tag

#: JSON Schemas of array items: a number, an integer, a number or null (NaN: undefined), and a
#: number or "inf" (an infinite standard error)
NUMBER: dict[str, Any] = {"type": "number"}
INTEGER: dict[str, Any] = {"type": "integer"}
NUMBER_OR_NULL: dict[str, Any] = {"type": ["number", "null"]}
NUMBER_OR_INF: dict[str, Any] = {"anyOf": [{"type": "number"}, {"enum": ["inf"]}]}


class _ArraySchema:
    """Annotation metadata: the JSON Schema of a NumPy array written as a JSON array."""

    __slots__ = ("items",)

    def __init__(self, items: dict[str, Any]) -> None:
        self.items = items

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "array", "items": dict(self.items)}

    def __repr__(self) -> str:
        return f"array({self.items})"


#: a NumPy array of numbers, of integers, of numbers or null (NaN), of numbers or "inf"
Numbers = Annotated[Any, _ArraySchema(NUMBER)]
Integers = Annotated[Any, _ArraySchema(INTEGER)]
NumbersOrNull = Annotated[Any, _ArraySchema(NUMBER_OR_NULL)]
NumbersOrInf = Annotated[Any, _ArraySchema(NUMBER_OR_INF)]


class _DecisionShape:
    """Annotation metadata: a nested :class:`~hdil2.core.decision.Decision` described by the
    JSON its ``to_dict`` writes (built when a schema is asked for: pydantic loads lazily)."""

    __slots__ = ("details", "title", "value")

    def __init__(self, value: Any, title: str, details: Any) -> None:
        self.value, self.title, self.details = value, title, details

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from typing import NotRequired, Required, get_type_hints

        from pydantic import ConfigDict
        from typing_extensions import TypedDict

        fields: dict[str, Any] = {"value": Required[self.value]}
        if self.details is not None:
            hints = get_type_hints(self.details, include_extras=True)
            required = getattr(self.details, "__required_keys__", frozenset(hints))
            for name, tp in hints.items():
                fields[name] = Required[tp] if name in required else NotRequired[tp]
        fields["reasons"] = Required[tuple[Reason, ...]]
        shape = TypedDict(self.title, fields, total=False)  # type: ignore[misc]
        shape.__pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[attr-defined]
        return handler.generate_schema(shape)


def decision_shape(value: Any, title: str, details: Any = None) -> Any:
    """Annotation metadata of a field holding a :class:`~hdil2.core.decision.Decision`.

    Its JSON is ``value``, the details at the top level and ``reasons``, as
    :func:`hdil2.core.result.decision_schema` describes a decision on its own; ``value`` is
    the type of the decision's value and ``details`` a ``TypedDict`` of its detail keys.
    """
    return _DecisionShape(value, title, details)


def why(rule: str, source: str, text: str, **inputs: Any) -> Reason:
    """A reason for a computed statistic (tag ``computed``)."""
    return Reason(rule=rule, source=source, text=text, inputs=jsonable(inputs), tag=Tag.COMPUTED)


def check_int(field: str, value: Any, minimum: int = 0) -> int:
    """An integer count ≥ ``minimum`` (bools and non-integral numbers are refused)."""
    import operator
    from decimal import Decimal

    if isinstance(value, bool):
        raise InputError(field, "must be an integer", value)
    if isinstance(value, float | Decimal):
        if not (math.isfinite(value) and value == int(value)):
            raise InputError(field, "must be an integer", value)
        out = int(value)
    else:
        try:
            out = operator.index(value)
        except TypeError:
            raise InputError(field, "must be an integer", value) from None
    if out < minimum:
        raise InputError(field, f"must be ≥ {minimum}", value)
    return out


def check_prob(field: str, value: Any, *, open_: bool = True) -> float:
    """A probability strictly inside (0, 1) (``open_=False``: the closed interval)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(field, "must be a number", value) from None
    if math.isnan(v) or (open_ and not 0.0 < v < 1.0) or (not open_ and not 0.0 <= v <= 1.0):
        bounds = "strictly between 0 and 1" if open_ else "between 0 and 1"
        raise InputError(field, f"must be {bounds}", value)
    return v


def check_level(value: Any, field: str = "level") -> float:
    """A confidence level strictly inside (0, 1)."""
    return check_prob(field, value)


def check_positive(field: str, value: Any) -> float:
    """A finite number > 0."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(field, "must be a number", value) from None
    if not math.isfinite(v) or v <= 0:
        raise InputError(field, "must be a finite number > 0", value)
    return v


def check_choice(field: str, value: str, choices: Iterable[str]) -> str:
    """One of ``choices`` (named in the error)."""
    opts = tuple(choices)
    if value not in opts:
        raise InputError(field, f"must be one of {', '.join(opts)}", value)
    return value
