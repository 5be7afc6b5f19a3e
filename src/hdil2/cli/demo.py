"""``hdil2 demo``: a walk-through on a demo patient (filled in as capabilities land)."""

from __future__ import annotations

import typer

SCHEMAS: dict[str, str] = {}


def register(app: typer.Typer) -> None:
    """Register the demo command."""
