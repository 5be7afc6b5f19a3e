"""CLI command of dose-hold advice: next-dose."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hdil2.cli import common

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.core.decision import Decision

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]

SCHEMAS: dict[str, str] = {
    "next-dose": "hdil2.clinical.holds.advice:NextDoseRequest",
    "dose-observations": "hdil2.clinical.holds.observations:DoseObservations",
}


def register(app: typer.Typer) -> None:
    """Add the next-dose command to the root app."""

    @app.command("next-dose")
    def next_dose_cmd(
        input: Annotated[str, typer.Argument(
            help="JSON request (schema: `hdil2 schema next-dose`), or - for stdin")],
        json_out: JsonOpt = False,
    ) -> None:
        """Give, hold or stop at the next scheduled dose, with reasons and what must recover."""
        from hdil2.clinical.holds.advice import NextDoseRequest

        req = common.load_model(NextDoseRequest, input)
        decision = req.advise()
        common.emit(decision, json_out, lambda con: _render_next_dose(con, decision))


_VALUE_STYLE = {"give": "bold green", "hold": "bold yellow", "not_evaluable": "bold magenta",
                "course_complete": "bold cyan"}


def _render_next_dose(con: Console, d: Decision[str]) -> None:
    from hdil2.cli.render import reasons_table

    style = _VALUE_STYLE.get(d.value, "bold red")
    con.print(f"Advice: [{style}]{d.value.upper().replace('_', ' ')}[/]")
    slot = d.details.get("next_slot")
    if slot is not None:
        con.print(f"Next slot {slot.index}: dose {slot.dose_in_cycle} of cycle {slot.cycle}, "
                  f"day {slot.day}, {slot.local:%a %d %b %Y %H:%M %Z}")
    for item in d.details.get("resume_when", ()):
        con.print(f"Resume when: {item}")
    missing = d.details.get("missing", ())
    if missing:
        con.print(f"[magenta]Unknown observations:[/] {', '.join(missing)}")
    reasons_table(con, d.reasons)


