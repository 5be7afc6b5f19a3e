"""CLI command of dose-hold advice: next-dose."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hdil2.cli import common, jsonl

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.core.decision import Decision

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]



def register(app: typer.Typer) -> None:
    """Add the next-dose command to the root app."""

    @app.command("next-dose")
    def next_dose_cmd(
        input: Annotated[str, typer.Argument(
            help="JSON request (schema: `hdil2 schema next-dose`), or - for stdin")],
        json_out: JsonOpt = False,
        jsonl_in: Annotated[bool, typer.Option("--jsonl", help=jsonl.JSONL_HELP)] = False,
    ) -> int | None:
        """Give, hold or stop at the next scheduled dose, with reasons and what must recover."""
        if jsonl_in:
            return jsonl.run("next-dose", input)
        decision = common.answer("next-dose", input, {})
        common.emit(decision, json_out, lambda con: _render_next_dose(con, decision))
        return None


_VALUE_STYLE = {"give": "bold green", "hold": "bold yellow", "not_evaluable": "bold magenta",
                "course_complete": "bold cyan"}


def _render_next_dose(con: Console, d: Decision[str]) -> None:
    from hdil2.cli.render import reasons_table, wrap

    def lines(text: str, indent: int = 0) -> None:
        con.print(wrap(text, con.width, indent), markup=False, highlight=False)

    style = _VALUE_STYLE.get(d.value, "bold red")
    con.print(f"Advice: [{style}]{d.value.upper().replace('_', ' ')}[/]")
    slot = d.details.get("next_slot")
    if slot is not None:
        lines(f"Next slot {slot.index}: dose {slot.dose_in_cycle} of cycle {slot.cycle}, "
              f"day {slot.day}, {slot.local:%a %d %b %Y %H:%M %Z}")
    in_force = d.details.get("holds_in_force", ())
    if in_force:
        head = ("Held at the last slot (the hold ends with the course):"
                if d.value == "course_complete" else
                "Held at the last slot, judged by the resume condition:")
        lines(head)
        lines(", ".join(in_force), 2)
    resume = d.details.get("resume_when", ())
    if resume:
        lines("Resume when:")
        for item in resume:
            lines(f"- {item}", 2)
    missing = d.details.get("missing", ())
    if missing:
        con.print("[magenta]Record before deciding (could change the advice):[/]"
                  if d.value == "not_evaluable" else
                  "[magenta]Unknown, and could make the advice more severe:[/]")
        lines(", ".join(missing), 2)
    reasons_table(con, d.reasons)
