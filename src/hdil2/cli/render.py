"""Rich rendering shared by the CLI's human (non-JSON) output."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.core.decision import Reason

_TAG_STYLE = {
    "verified": "green", "seed": "cyan", "memory": "yellow", "unverified": "red",
    "computed": "blue",
}


def reasons_table(console: Console, reasons: Iterable[Reason], title: str = "Reasons") -> None:
    """Print reasons as a table: rule, text, source and verification tag."""
    from rich.table import Table

    table = Table(title=title, show_lines=False, expand=False, title_justify="left")
    table.add_column("rule", style="dim", overflow="fold")
    table.add_column("why", overflow="fold")
    table.add_column("source", overflow="fold")
    table.add_column("tag")
    for r in reasons:
        style = _TAG_STYLE.get(r.tag.value, "")
        table.add_row(r.rule, r.text, r.source, f"[{style}]{r.tag.value}[/]")
    console.print(table)
