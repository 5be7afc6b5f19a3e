"""``hdil2 schema [NAME]``: the JSON Schema of every JSON input the CLI accepts."""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any

import typer

from hdil2.cli import common

SCHEMAS: dict[str, str] = {}


def registry() -> dict[str, str]:
    """Every schema name of every area, mapped to ``"module:Model"``."""
    from hdil2.cli import holds, response, selection, stats, toxicity, treatment

    out: dict[str, str] = {}
    for area in (treatment, holds, toxicity, selection, response, stats):
        out.update(area.SCHEMAS)
    return dict(sorted(out.items()))


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema document named ``name``."""
    from hdil2.core.errors import InputError

    reg = registry()
    if name not in reg:
        raise InputError("NAME", f"unknown schema {name!r}; known: {', '.join(reg)}", name)
    module, attr = reg[name].split(":")
    model = getattr(importlib.import_module(module), attr)
    schema: dict[str, Any] = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema.setdefault("title", name)
    return schema


def register(app: typer.Typer) -> None:
    @app.command("schema")
    def schema_cmd(
        name: Annotated[str | None, typer.Argument(help="schema name; omit to list them")] = None,
        json_out: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Print the JSON Schema of a CLI input (omit NAME to list the names)."""
        if name is None:
            reg = registry()
            if json_out:
                sys.stdout.write(common.dumps(sorted(reg)) + "\n")
            else:
                for key, target in reg.items():
                    sys.stdout.write(f"{key:24} {target}\n")
            return
        sys.stdout.write(common.dumps(json_schema(name)) + "\n")
