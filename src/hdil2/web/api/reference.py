"""The REST API's reference for the documentation site, from the API the server runs.

:func:`openapi_json` is the OpenAPI 3.1 document the server serves at
``/api/v1/openapi.json`` (pretty-printed); :func:`openapi_page` renders it as a Markdown page:
authentication, the error shape, then every route with the capability it needs, its
parameters, request body and answers, and every schema the routes refer to. Both configure
Django themselves (:func:`hdil2.web.setup.configure`) when the process has not, so the
documentation build can call them; nothing is read from or written to a database.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: where the API is mounted
PREFIX = "/api/v1"

_REF = "#/components/schemas/"

#: HTTP methods in the order the page lists them under one path
_METHODS = ("get", "post", "put", "patch", "delete")


def ensure_django() -> None:
    """Configure Django if this process has not (:func:`hdil2.web.setup.configure_offline`)."""
    from hdil2.web.setup import configure_offline

    configure_offline()


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document as the server builds it for ``GET /api/v1/openapi.json``."""
    ensure_django()
    from ninja.responses import NinjaJSONEncoder

    from hdil2.web.api import api

    # the server's JSON encoding, read back: the document exactly as served
    text = json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder)
    doc: dict[str, Any] = json.loads(text)
    return doc


def openapi_json() -> str:
    """The OpenAPI 3.1 document served at ``/api/v1/openapi.json``, indented, keys in the
    server's order (the same text on every call)."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


def capabilities() -> dict[str, str]:
    """The capability each route needs, by ``"METHOD path"`` (``"POST /api/v1/rules/dose"``),
    read from the views as the server checks it (:mod:`hdil2.web.roles`)."""
    ensure_django()
    from hdil2.web import roles
    from hdil2.web.api import api

    by_id: dict[str, str] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                oid = op.operation_id or api.get_openapi_operation_id(op)
                by_id[oid] = getattr(op.view_func, roles.ATTRIBUTE, "")
    out: dict[str, str] = {}
    for path, methods in openapi_document()["paths"].items():
        for method, body in methods.items():
            out[f"{method.upper()} {path}"] = by_id.get(body.get("operationId", ""), "")
    return out


def route_anchor(method: str, path: str) -> str:
    """The anchor of a route on the page: ``post-rules-dose`` for ``POST /api/v1/rules/dose``,
    ``get-patients-patient-id`` for ``GET /api/v1/patients/{patient_id}``."""
    rest = path.removeprefix(PREFIX)
    return "-".join([method.lower(), *re.findall(r"[a-z0-9]+", rest.lower())])


def schema_anchor(name: str) -> str:
    """The anchor of a component schema on the page."""
    return "schema-" + name


def _schema_link(schema: Any) -> str:
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        name = schema["$ref"].removeprefix(_REF)
        return f"[`{name}`](#{schema_anchor(name)})"
    if isinstance(schema, dict) and schema:
        return "`" + json.dumps(schema, ensure_ascii=False) + "`"
    return "any JSON value"


def _type_of(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_type_of(s) for s in schema["anyOf"])
    if "$ref" in schema:
        return schema["$ref"].removeprefix(_REF)
    kind = str(schema.get("type", "any"))
    if "format" in schema:
        kind += f" ({schema['format']})"
    if "enum" in schema:
        kind += ": " + ", ".join(f"`{v}`" for v in schema["enum"])
    return kind


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _roles_of(capability: str) -> str:
    from hdil2.web import roles

    allowed = roles.CAPABILITIES.get(capability, frozenset())
    return ", ".join(roles.ROLE_LABELS[r] for r in roles.ROLES if r in allowed)


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _intro() -> list[str]:
    from hdil2.web import roles

    lines = [
        "# REST API",
        "",
        f"The web application answers JSON under `{PREFIX}`: every stateless operation of the "
        f"catalogue at `POST {PREFIX}/rules/<operation>` (the same request and answer as the "
        "command line's `--json`; see [Operations](operations.md)), and the registry's use "
        "cases, acting as the authenticated user. This page is made from the OpenAPI 3.1 "
        "document the server serves at "
        f"`GET {PREFIX}/openapi.json`; the same document is beside this page: "
        "[openapi.json](openapi.json). A running server also shows it as an interactive "
        f"page at `{PREFIX}/docs` (for a logged-in browser, served from the server's own "
        "files).",
        "",
        "## Authentication",
        "",
        "Every route needs an authenticated user, by one of two schemes:",
        "",
        "- **API token** (`TokenAuth`): the header `Authorization: Bearer hdil2_...` with a "
        "token issued by `hdil2 users token NAME`; the token acts as its user, with that "
        "user's roles. No CSRF token is needed.",
        "- **Session** (`SessionAuth`): the browser's session cookie after logging in to the "
        "web application; every POST must carry the `csrftoken` cookie's value in the "
        "`X-CSRFToken` header.",
        "",
        "A request with neither is refused with 401. Each route needs one capability; a user "
        "whose roles do not give it is refused with 403. The OpenAPI document itself needs "
        "`read`.",
        "",
        "| Capability | Roles that have it |",
        "|---|---|",
    ]
    for capability in roles.CAPABILITIES:
        lines.append(f"| `{capability}` | {_roles_of(capability)} |")
    lines += [
        "",
        "## Errors",
        "",
        "Every refusal has one shape, the command line's `--json` error shape:",
        "",
        "| Status | When | Body |",
        "|---|---|---|",
        "| 400 | bad input: a refused field, invalid JSON, a path or query parameter of the "
        "wrong type (one status for every bad input, as the command line has one exit "
        "status) | `{\"errors\": [{\"field\", \"message\", \"value\"}]}`, each field named by "
        f"its dotted path ([`Errors`](#{schema_anchor('Errors')})) |",
        "| 401 | no token and no session | `{\"detail\": ...}` "
        f"([`Detail`](#{schema_anchor('Detail')})) |",
        "| 403 | the user's roles lack the route's capability, or a session's POST without "
        "its CSRF token | `{\"detail\": ...}` |",
        "| 404 | no such row | `{\"detail\": ...}` |",
        "| 405 | a method the route does not take | |",
        "| 409 | a stale edit: the row changed since it was read (its `version`); nothing "
        "was written | `{\"errors\": [...], \"conflict\": {...}}` with who changed the row, "
        "when and what |",
        "| 500 | an unexpected error (logged; never a traceback) | `{\"detail\": ...}` |",
        "",
    ]
    return lines


def _route(method: str, path: str, op: dict[str, Any], capability: str) -> list[str]:
    lines = [f"### {method.upper()} `{path}` {{ #{route_anchor(method, path)} }}", ""]
    summary = op.get("summary") or ""
    if summary:
        lines += [summary[:1].upper() + summary[1:] + ".", ""]
    description = (op.get("description") or "").strip()
    if summary and description.startswith(summary):
        description = description.removeprefix(summary).strip()
    if description:
        lines += [description, ""]
    if capability:
        lines += [f"Needs the `{capability}` capability (roles: {_roles_of(capability)}).",
                  ""]
    params = op.get("parameters") or []
    if params:
        lines += ["| Parameter | In | Type | Required | Description |", "|---|---|---|---|---|"]
        for p in params:
            schema = p.get("schema", {})
            lines.append(f"| `{p['name']}` | {p['in']} | {_cell(_type_of(schema))} | "
                         f"{'yes' if p.get('required') else 'no'} | "
                         f"{_cell(p.get('description') or schema.get('description') or '')} |")
        lines.append("")
    body = op.get("requestBody")
    if body:
        schema = body.get("content", {}).get("application/json", {}).get("schema")
        lines += [f"Request body (JSON): {_schema_link(schema)}.", ""]
    lines += ["| Status | Answer | Body |", "|---|---|---|"]
    for status, answer in op.get("responses", {}).items():
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        shown = _schema_link(schema) if schema is not None else ""
        lines.append(f"| {status} | {_cell(answer.get('description', ''))} | {shown} |")
    lines.append("")
    return lines


def openapi_page() -> str:
    """Markdown of ``reference/rest-api.md``: the OpenAPI document as a page."""
    doc = openapi_document()
    needs = capabilities()
    lines = _intro()
    lines += ["## Routes", "", "| Method | Path | What it does | Capability |",
              "|---|---|---|---|"]
    routes: list[tuple[str, str, str, dict[str, Any]]] = []
    for path, methods in doc["paths"].items():
        for method in sorted(methods, key=lambda m: (*_METHODS, m).index(m)):
            op = methods[method]
            tag = (op.get("tags") or ["other"])[0]
            routes.append((tag, method, path, op))
    for _tag, method, path, op in routes:
        lines.append(f"| {method.upper()} | [`{path}`](#{route_anchor(method, path)}) | "
                     f"{_cell(op.get('summary', ''))} | "
                     f"`{needs.get(f'{method.upper()} {path}', '')}` |")
    lines.append("")
    tags: list[str] = []
    for tag, *_ in routes:
        if tag not in tags:
            tags.append(tag)
    for tag in tags:
        lines += [f"## {tag.capitalize()} routes", ""]
        if tag == "rules":
            lines += ["One route per stateless operation; the request and the answer are the "
                      "operation's, as on [Operations](operations.md).", ""]
        for t, method, path, op in routes:
            if t == tag:
                lines += _route(method, path, op, needs.get(f"{method.upper()} {path}", ""))
    lines += ["## Schemas", "",
              "The components of the OpenAPI document that the routes above refer to.", ""]
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        fence = "```json\n" + json.dumps(schema, indent=2, ensure_ascii=False) + "\n```"
        lines += [f'<a id="{schema_anchor(name)}"></a>', "", f'??? "{name}"', "",
                  _indent(fence), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
