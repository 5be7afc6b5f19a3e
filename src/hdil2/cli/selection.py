"""CLI commands of the selection area (registered by :mod:`hdil2.cli.app`)."""

from __future__ import annotations

import typer

# name -> "module:Model" of every JSON input this area accepts (see `hdil2 schema`)
SCHEMAS: dict[str, str] = {}


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app (none yet)."""
