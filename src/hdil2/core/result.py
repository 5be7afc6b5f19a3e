"""One result contract: a result's fields are its JSON form, and its JSON Schema follows.

Every answer hdil2 gives is either a :class:`~hdil2.core.decision.Decision` (a value with its
reasons and named details) or a frozen dataclass on :class:`Result`.  Both derive their JSON form
and their JSON Schema from the same declaration, so the CLI, the JSON API, the reports and the
registry print the same thing and an output schema can never drift from the output:

* a :class:`Result` subclass is written as its dataclass fields, in order, each turned into JSON
  by :func:`~hdil2.core.jsonable.jsonable` (decimals as numbers, dates ISO 8601, nested results
  as objects).  A value that belongs in the JSON is a field; nothing else is printed;
* its JSON Schema is generated from the field annotations by pydantic (``additionalProperties``
  false, every field required), with decimals as JSON numbers;
* a decision's schema is built by :func:`decision_schema` from the type of its value and a
  ``TypedDict`` of its details.

Floats that may be non-finite (a statistic's infinite odds ratio) are annotated :data:`Real`:
JSON has no NaN or infinity, so they are written as ``null`` or ``"inf"`` / ``"-inf"``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, get_type_hints

from hdil2.core.jsonable import jsonable

if TYPE_CHECKING:
    from pydantic import ConfigDict

_CONFIG: dict[str, Any] = {"extra": "forbid", "json_schema_serialization_defaults_required": True}


class _RealSchema:
    """Annotation metadata: the JSON Schema of a float that may be non-finite."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"anyOf": [{"type": "number"}, {"type": "null"}, {"enum": ["inf", "-inf"]}]}

    def __repr__(self) -> str:
        return "Real"


#: a float that may be NaN (written ``null``) or infinite (written ``"inf"`` / ``"-inf"``)
Real = Annotated[float, _RealSchema()]


class Result:
    """Base of every result dataclass: the fields are the JSON form (see the module doc)."""

    __slots__ = ()
    __pydantic_config__: ClassVar[ConfigDict] = _CONFIG  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every field, in declaration order, as plain JSON values."""
        return {f.name: jsonable(getattr(self, f.name))
                for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of :meth:`to_dict`'s output."""
        return output_schema(cls)


def _generator() -> type[Any]:
    from pydantic.json_schema import GenerateJsonSchema

    class _Schema(GenerateJsonSchema):
        def decimal_schema(self, schema: Any) -> Any:
            return {"type": "number"}

        def fraction_schema(self, schema: Any) -> Any:  # pragma: no cover - pydantic ≥ 2.10
            return {"type": "number"}

    return _Schema


@cache
def _adapter(tp: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(tp)


@cache
def _schema_cached(tp: Any) -> str:
    import json

    schema = _adapter(tp).json_schema(mode="serialization", schema_generator=_generator())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema)


def output_schema(tp: Any) -> dict[str, Any]:
    """The JSON Schema of values of type ``tp`` as hdil2 writes them (a fresh copy)."""
    import json

    return dict(json.loads(_schema_cached(tp)))


def decision_schema(value: Any, details: Any = None, title: str = "Decision") -> dict[str, Any]:
    """The JSON Schema of a :class:`~hdil2.core.decision.Decision` as its ``to_dict`` writes it.

    ``value`` is the type of the decision's value (e.g. ``Literal["give", "hold"]``);
    ``details`` a ``TypedDict`` of its details (``total=False`` keys are optional).  The
    result is one object with ``value``, the details at the top level and ``reasons``.
    """
    from typing import NotRequired, Required

    from pydantic import ConfigDict as _ConfigDict
    from typing_extensions import TypedDict

    from hdil2.core.decision import Reason

    fields: dict[str, Any] = {"value": Required[value]}
    if details is not None:
        hints = get_type_hints(details, include_extras=True)
        required = getattr(details, "__required_keys__", frozenset(hints))
        for name, tp in hints.items():
            fields[name] = Required[tp] if name in required else NotRequired[tp]
    fields["reasons"] = Required[tuple[Reason, ...]]
    shape = TypedDict(title, fields, total=False)  # type: ignore[misc]
    shape.__pydantic_config__ = _ConfigDict(extra="forbid")  # type: ignore[attr-defined]
    return output_schema(shape)


def fields_of(value: Any) -> Mapping[str, Any]:
    """The fields of a result dataclass by name (for renderers)."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
