"""``POST /api/v1/rules/<operation>``: every operation of the catalogue that needs no registry.

The routes are made from :func:`hdil2.app.operations`, so a new operation appears here by
itself. The body is the operation's request (its JSON Schema: ``hdil2 schema NAME``), read as
the CLI reads a request file (numbers with a fraction kept as exact decimals), filled with the
server's site profile (``HDIL2_SITE``) and validated; the answer is the operation's JSON exactly
as ``hdil2 ... --json`` prints it (the same Decision and Reason shape), its schema
``hdil2 schema NAME --output``. Needs the ``read`` capability: these routes write nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from hdil2.web import site
from hdil2.web.api import openapi
from hdil2.web.api.auth import requires
from hdil2.web.api.errors import REFUSALS

router = Router(tags=["rules"])


def body_of(request: HttpRequest, name: str) -> Any:
    """The JSON body of ``request`` (an empty body is ``{}``), decimals kept exact."""
    from hdil2.app import documents

    raw = request.body
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        from hdil2.core.errors import InputError

        raise InputError("body", "the request body is not UTF-8 JSON") from None
    if not text.strip():
        return {}
    return documents.loads(text, "the request body", "body", schema=name)


def answer(name: str, payload: Any) -> Any:
    """Run operation ``name`` on ``payload`` with the server's site profile; its JSON."""
    from hdil2.app import operation
    from hdil2.core.jsonable import jsonable

    return jsonable(operation(name)(payload, site.read()))


def _view(name: str) -> Callable[..., Any]:
    def view(request: HttpRequest) -> HttpResponse:
        from hdil2.web.api import api

        data = answer(name, body_of(request, name))
        return api.create_response(request, data, status=200)

    view.__name__ = "rule_" + name.replace("-", "_")
    view.__doc__ = f"Run {name!r} (as `hdil2 ... --json` does)."
    return requires("read")(view)


def register() -> None:
    """One route per operation of the catalogue that needs no registry."""
    from hdil2.app import operations

    for name, op in operations().items():
        if op.needs_registry:
            continue
        base = openapi.camel(name)
        request_ref = openapi.component(base + "Request", op.input_schema())
        answer_ref = openapi.component(base + "Answer", op.output_schema())
        extra = {
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": request_ref}}},
            "responses": {200: {"description": f"the answer of {name!r}",
                                "content": {"application/json": {"schema": answer_ref}}}},
        }
        router.add_api_operation(
            f"/{name}", ["POST"], _view(name), summary=op.summary,
            description=f"{op.summary}\n\nRequest: `hdil2 schema {name}`; answer: "
            f"`hdil2 schema {name} --output` (as `--json` prints it).",
            response={200: Any, **REFUSALS}, openapi_extra=extra,
            operation_id="rule_" + name.replace("-", "_"), url_name="rule-" + name)
