"""The OpenAPI document: JSON Schemas of the operations placed among its components.

An operation's request and answer schemas (``hdil2 schema NAME`` and ``--output``) are JSON
Schema 2020-12 documents with their own ``$defs``; in the OpenAPI document each becomes a
component (``DoseRequest``, ``DoseAnswer``) and each of its definitions another, its references
rewritten to ``#/components/schemas/...``. A definition of the same name and content is shared;
one of the same name but other content is kept apart under its schema's name.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ninja import NinjaAPI

#: components added to the document beside ninja's own: name -> schema
COMPONENTS: dict[str, dict[str, Any]] = {}

_DEFS = "#/$defs/"
_COMPONENTS = "#/components/schemas/"


def camel(name: str) -> str:
    """``design-simon`` -> ``DesignSimon``; ``qlq-c30`` -> ``QlqC30``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name))


def _rewrite(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: _rewrite(v, names) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite(v, names) for v in node]
    if isinstance(node, str) and node.startswith(_DEFS) and node[len(_DEFS):] in names:
        # a "$ref", or a discriminator's mapping
        return _COMPONENTS + names[node[len(_DEFS):]]
    return node


def component(name: str, schema: dict[str, Any]) -> dict[str, str]:
    """Add ``schema`` (a JSON Schema with its ``$defs``) as component ``name``; the reference
    to it (``{"$ref": "#/components/schemas/NAME"}``)."""
    schema = copy.deepcopy(schema)
    schema.pop("$schema", None)
    defs: dict[str, Any] = schema.pop("$defs", {})
    names: dict[str, str] = {}
    for key, sub in defs.items():
        chosen = key if key not in (name,) else f"{name}_{key}"
        probe = _rewrite(sub, {k: k for k in defs})  # compare by content, names as written
        if chosen in COMPONENTS and COMPONENTS[chosen].get("x-hdil2-probe") != _key(probe):
            chosen = f"{name}_{key}"
        names[key] = chosen
    for key, sub in defs.items():
        body = _rewrite(sub, names)
        body["x-hdil2-probe"] = _key(_rewrite(sub, {k: k for k in defs}))
        COMPONENTS.setdefault(names[key], body)
    COMPONENTS[name] = _rewrite(schema, names)
    return {"$ref": _COMPONENTS + name}


def _key(schema: Any) -> str:
    import json

    return json.dumps(schema, sort_keys=True)


class Hdil2API(NinjaAPI):
    """NinjaAPI whose document carries the operations' schemas, and whose views are reached
    by token as well as by session (the login middleware does not redirect them: each
    checks its own authentication and answers 401)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, body in COMPONENTS.items():
            clean = {k: v for k, v in body.items() if k != "x-hdil2-probe"}
            schemas.setdefault(name, clean)
        return schema

    def _get_urls(self) -> list[Any]:
        urls: list[Any] = super()._get_urls()
        for pattern in urls:
            callback = getattr(pattern, "callback", None)
            if callback is None:
                continue
            if getattr(pattern, "name", "") == "api-root" and self.docs_decorator:
                callback = pattern.callback = self.docs_decorator(callback)
            if getattr(pattern, "name", "") != "openapi-view":
                # LoginRequiredMiddleware would send a token's request to the login page
                setattr(callback, "login_required", False)  # noqa: B010
        return urls
