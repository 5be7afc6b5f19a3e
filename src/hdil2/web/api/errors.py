"""One shape for every refusal of the API, the CLI's ``--json`` error shape.

=======  =====================================================================================
status   when, and the body
=======  =====================================================================================
400      bad input: an :class:`~hdil2.core.errors.InputError` (or ``RegistryError``) of the
         clinical core or the registry, an invalid JSON body, a path or query parameter of the
         wrong type - ``{"errors": [{"field", "message", "value"?}]}``, each item naming the
         field by its dotted path, exactly as ``hdil2 ... --json`` writes them on stderr
401      no token and no session - ``{"detail": ...}``
403      the user's roles lack the capability, or a session's unsafe request without its CSRF
         token - ``{"detail": ...}``
404      no such row - ``{"detail": ...}``
405      a method the route does not take
409      :class:`~hdil2.registry.errors.StaleEdit`: the row changed since it was read -
         ``{"errors": [...], "conflict": {"record", "read_version", "current_version",
         "changed_by", "changed_at", "changes": [{"field", "old", "new"}]}}``; nothing written
500      an unexpected error - ``{"detail": ...}``, never a traceback (the error is logged)
=======  =====================================================================================

Validation errors are 400, not ninja's usual 422: one status for every bad input, as the
CLI has one exit status (2).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hdil2.core.errors import InputError, error_items, field_path

log = logging.getLogger("hdil2.web.api")


class ErrorItem(Schema):
    """One refused field: its dotted path, what is wrong, and the value given (if any)."""

    field: str
    message: str
    value: str | None = None


class Errors(Schema):
    """Bad input (400): every refused field."""

    errors: list[ErrorItem]


class Change(Schema):
    field: str
    old: Any = None
    new: Any = None


class ConflictDetail(Schema):
    record: str
    read_version: int
    current_version: int | None = None
    changed_by: str | None = None
    changed_at: str | None = None
    changes: list[Change]


class Conflict(Schema):
    """A stale edit (409): who changed the row, when and what; nothing was written."""

    errors: list[ErrorItem]
    conflict: ConflictDetail


class Detail(Schema):
    """A refusal without a field (401, 403, 404, 500)."""

    detail: str


#: the refusals every route may answer, for the OpenAPI document
REFUSALS: dict[int, Any] = {400: Errors, 401: Detail, 403: Detail}


def _json(api: NinjaAPI, request: HttpRequest, body: Any, status: int) -> HttpResponse:
    return api.create_response(request, body, status=status)


def conflict_body(exc: Any) -> dict[str, Any]:
    """The 409 body of a :class:`~hdil2.registry.errors.StaleEdit`."""
    from hdil2.core.jsonable import jsonable

    return {
        "errors": error_items(exc) or [],
        "conflict": {
            "record": exc.record, "read_version": exc.read_version,
            "current_version": exc.current_version, "changed_by": exc.changed_by,
            "changed_at": exc.changed_at.isoformat() if exc.changed_at else None,
            "changes": [{"field": f, "old": jsonable(_plain(o)), "new": jsonable(_plain(n))}
                        for f, o, n in exc.changes],
        },
    }


def _plain(value: Any) -> Any:
    try:
        from hdil2.core.jsonable import jsonable

        jsonable(value)
        return value
    except TypeError:
        return str(value)


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api``."""
    from hdil2.registry.errors import StaleEdit

    def input_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, StaleEdit):
            return _json(api, request, conflict_body(exc), 409)
        return _json(api, request, {"errors": error_items(exc) or []}, 400)

    def validation(request: HttpRequest, exc: Any) -> HttpResponse:
        items = []
        for err in exc.errors:
            loc = tuple(err.get("loc", ()))
            if loc and loc[0] in ("body", "query", "path"):
                loc = loc[1:]
            if loc and loc[0] == "payload":
                loc = loc[1:]
            items.append({"field": field_path(loc),
                          "message": str(err.get("msg", "invalid")).removeprefix(
                              "Value error, ")})
        return _json(api, request, {"errors": items}, 400)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _json(api, request, {"detail": str(exc)}, exc.status_code)

    def authentication(request: HttpRequest, exc: Any) -> HttpResponse:
        return _json(api, request, {"detail": "log in or send Authorization: Bearer <token>"},
                     401)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return _json(api, request, {"detail": str(exc) or "not found"}, 404)

    def unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return _json(api, request, {"detail": "internal error: it was logged; nothing was "
                                    "written. This is a bug; please report it."}, 500)

    def pydantic_error(request: HttpRequest, exc: Any) -> HttpResponse:
        items = error_items(exc)
        if items is None:
            return unexpected(request, exc)
        return _json(api, request, {"errors": items}, 400)

    import pydantic

    api.add_exception_handler(InputError, input_error)
    api.add_exception_handler(pydantic.ValidationError, pydantic_error)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(AuthenticationError, authentication)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Exception, unexpected)
