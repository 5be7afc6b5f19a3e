"""``hdil2 schema [NAME] [--output]``: the JSON Schema of every operation's input and output."""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any

import typer

from hdil2.cli import common

SCHEMAS: dict[str, str] = {}

# schemas of JSON documents that are not an operation's request (a part of one, or the site
# profile), by name
_DOCUMENTS: dict[str, tuple[str, str]] = {
    "site-profile": ("hdil2.app.profile", "SiteProfile"),
    "dose-observations": ("hdil2.clinical.toxicity.holds.observations", "DoseObservations"),
    "patient": ("hdil2.clinical.selection.patient", "Patient"),
    "stats-survival": ("hdil2.stats.requests", "SurvivalRequest"),
}


def _legacy() -> dict[str, str]:
    """Input schemas of CLI areas not yet dispatched through the application layer."""
    from hdil2.cli import holds, response, selection, stats, toxicity, treatment

    out: dict[str, str] = {}
    for area in (treatment, holds, toxicity, selection, response, stats):
        out.update(area.SCHEMAS)
    return out


def registry() -> dict[str, str]:
    """Every schema name: the operations, their sub-documents and the site profile."""
    from hdil2.app import names

    out = dict.fromkeys(names(), "operation")
    out.update({k: f"{m}:{a}" for k, (m, a) in _DOCUMENTS.items()})
    out.update({k: v for k, v in _legacy().items() if k not in out})
    return dict(sorted(out.items()))


def _model(name: str) -> Any:
    from hdil2.app import names, operation

    if name in names():
        return operation(name).request
    target = registry().get(name)
    if target is None or target == "operation":
        return None
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


def schema_name(model: type[Any]) -> str | None:
    """The schema name under which ``model`` is printed, if any."""
    return next((k for k in registry() if _model(k) is model), None)


def json_schema(name: str, output: bool = False) -> dict[str, Any]:
    """The JSON Schema named ``name``: of the input, or with ``output`` of the result."""
    from hdil2.app import names, operation
    from hdil2.core.errors import InputError

    reg = registry()
    if name not in reg:
        raise InputError("NAME", f"unknown schema {name!r}; known: {', '.join(reg)}", name)
    if output:
        if name not in names():
            raise InputError("--output", f"{name!r} is not an operation; outputs exist for: "
                             f"{', '.join(names())}", name)
        return operation(name).output_schema()
    if name in names():
        return operation(name).input_schema()
    schema: dict[str, Any] = _model(name).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema.setdefault("title", name)
    return schema


def register(app: typer.Typer) -> None:
    @app.command("schema")
    def schema_cmd(
        name: Annotated[str | None, typer.Argument(help="schema name; omit to list them")] = None,
        output: Annotated[bool, typer.Option(
            "--output", help="the schema of the operation's output, not its input")] = False,
        json_out: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Print the JSON Schema of an operation's input (or, with --output, its output)."""
        if name is None:
            reg = registry()
            if json_out:
                sys.stdout.write(common.dumps(sorted(reg)) + "\n")
            else:
                for key in reg:
                    sys.stdout.write(f"{key}\n")
            return
        sys.stdout.write(common.dumps(json_schema(name, output)) + "\n")
