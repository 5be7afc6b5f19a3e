"""``hdil2 schema [NAME] [--output]``: the JSON Schema of every operation's input and output."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from hdil2.cli import common


def registry() -> dict[str, str]:
    """Every schema name: "operation" (input and output) or "document" (input only)."""
    from hdil2.app import names
    from hdil2.app.catalogue import DOCUMENTS

    out = dict.fromkeys(names(), "operation")
    out.update(dict.fromkeys(DOCUMENTS, "document"))
    return dict(sorted(out.items()))


def schema_name(model: type[Any]) -> str | None:
    """The schema name under which ``model`` is printed, if any."""
    from hdil2.app.catalogue import document

    return next((k for k in registry() if document(k) is model), None)


def json_schema(name: str, output: bool = False) -> dict[str, Any]:
    """The JSON Schema named ``name``: of the input, or with ``output`` of the result."""
    from hdil2.app import names, operation
    from hdil2.app.catalogue import document
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
    schema: dict[str, Any] = document(name).model_json_schema()
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
