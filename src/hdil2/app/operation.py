"""An operation: one thing hdil2 can be asked, with its request, its answer and their schemas.

Every caller — the CLI, the JSON API, the registry's use cases, batch mode, a notebook — asks
through an :class:`Operation`: it validates the request (a pydantic model; errors name the field
by its path), fills in what the site profile decides (the ward's time zone, the hold rule sets,
policy overrides), runs the pure function of the clinical core or the statistics, and returns
its result — a :class:`~hdil2.core.decision.Decision` or a :class:`~hdil2.core.result.Result` —
whose JSON form and JSON Schema follow from one declaration (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from hdil2.core.errors import InputError, from_validation_error
from hdil2.core.jsonable import jsonable

if TYPE_CHECKING:
    from pydantic import BaseModel

    from hdil2.app.profile import SiteProfile

R = TypeVar("R")


@cache
def _spec(load: Callable[[], Spec]) -> Spec:
    return load()


class Spec(NamedTuple):
    """What an operation needs to run, loaded on first use: the request model, the function that
    answers a validated request (with the site profile) and the builder of the output schema."""

    request: type[BaseModel]
    handler: Callable[[Any, SiteProfile], Any]
    output: Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Operation(Generic[R]):
    """One operation of the catalogue.

    ``load`` returns the operation's :class:`Spec`; it imports the clinical or statistical
    modules the operation needs, so the catalogue itself is cheap and a process answering one
    operation loads only that operation's code.  ``needs_registry`` marks operations that read or
    write the registry (none of the clinical and statistical operations do).
    """

    name: str
    summary: str
    load: Callable[[], Spec]
    area: str
    needs_registry: bool = False

    @property
    def spec(self) -> Spec:
        """The loaded :class:`Spec` (loaded once per process)."""
        return _spec(self.load)

    @property
    def request(self) -> type[BaseModel]:
        """The pydantic model of the request."""
        return self.spec.request

    @property
    def handler(self) -> Callable[[Any, SiteProfile], R]:
        """The function answering a validated request."""
        return self.spec.handler

    def output(self) -> dict[str, Any]:
        """The output schema as built by the operation (see :meth:`output_schema`)."""
        return self.spec.output()

    def input_schema(self) -> dict[str, Any]:
        """JSON Schema (draft 2020-12) of the request."""
        schema: dict[str, Any] = self.request.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema.setdefault("title", self.name)
        return schema

    def output_schema(self) -> dict[str, Any]:
        """JSON Schema (draft 2020-12) of the result's JSON form."""
        schema = self.output()
        schema["title"] = f"{self.name} (output)"
        return schema

    def parse(self, payload: Any, profile: SiteProfile | None = None) -> Any:
        """Validate ``payload`` (a dict, or already a request) with the site's defaults.

        Raises :class:`~hdil2.core.errors.InputError` (or ``InputErrors``) naming each bad
        field by its path; nothing is clamped or guessed.
        """
        request = self.request
        if isinstance(payload, request):
            return payload
        if not isinstance(payload, Mapping):
            raise InputError("input", f"expected a JSON object for {self.name!r} "
                             f"(its schema: hdil2 schema {self.name}), got "
                             f"{type(jsonable(payload)).__name__}")
        data = dict(payload)
        if profile is not None:
            data = profile.fill(self.name, request, data)
        try:
            return request.model_validate(data)
        except RecursionError:
            raise InputError("input", "nested too deeply to be an hdil2 request") from None
        except ValueError as e:
            mapped = from_validation_error(e)
            if mapped is None:
                raise
            raise mapped from None

    def __call__(self, payload: Any, profile: SiteProfile | None = None) -> R:
        """Validate ``payload`` and run the operation."""
        from hdil2.app.profile import DEFAULT_PROFILE

        prof = profile if profile is not None else DEFAULT_PROFILE
        return self.handler(self.parse(payload, prof), prof)


def policy_overrides(items: list[str] | tuple[str, ...] | None, field: str = "--policy"
                     ) -> dict[str, str | int]:
    """Policy overrides written ``NAME=VALUE`` (digits become integers); errors name ``field``."""
    out: dict[str, str | int] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(field, "expected NAME=VALUE", item)
        v = value.strip()
        out[name.strip()] = int(v) if v.isdigit() else v
    return out
