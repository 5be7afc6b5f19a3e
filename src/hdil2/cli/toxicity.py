"""CLI command of toxicity grading: grade (CTCAE v5.0)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from hdil2.cli import common

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.core.decision import Decision

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]

SCHEMAS: dict[str, str] = {
    "grade": "hdil2.clinical.ctcae:GradeRequest",
}


def register(app: typer.Typer) -> None:
    """Add the grade command to the root app."""
    _register_grade(app)


def _register_grade(app: typer.Typer) -> None:
    @app.command("grade")
    def grade_cmd(
        input: Annotated[str | None, typer.Argument(
            help="JSON request (schema: `hdil2 schema grade`), or - for stdin")] = None,
        term: Annotated[str | None, typer.Option(help="CTCAE term, e.g. creatinine_increased")
                        ] = None,
        value: Annotated[str | None, typer.Option(help="measured value, e.g. '1.5 mg/dL'")
                         ] = None,
        uln: Annotated[str | None, typer.Option(help="upper limit of normal")] = None,
        lln: Annotated[str | None, typer.Option(help="lower limit of normal")] = None,
        baseline: Annotated[str | None, typer.Option(help="the patient's baseline value")
                            ] = None,
        grade: Annotated[int | None, typer.Option(help="clinician-chosen grade")] = None,
        list_terms: Annotated[bool, typer.Option("--list", help="list the graded terms")
                              ] = False,
        json_out: JsonOpt = False,
    ) -> None:
        """CTCAE v5.0 grade of one toxicity, with the clause that fired."""
        from hdil2.clinical import ctcae
        from hdil2.core.errors import InputError

        if list_terms:
            doc = {"version": ctcae.CTCAE_VERSION, "terms": ctcae.catalogue(),
                   "not_terms": dict(ctcae.NOT_TERMS)}
            common.emit(doc, json_out, lambda con: _render_terms(con, doc))
            return
        if input is not None:
            if term is not None:
                raise InputError("input", "give either a JSON request or options, not both")
            req = common.load_model(ctcae.GradeRequest, input)
        else:
            if term is None:
                raise InputError("--term", "required (see `hdil2 grade --list`)")
            raw: dict[str, Any] = {"term": term}
            for key, val in (("value", value), ("uln", uln), ("lln", lln),
                             ("baseline", baseline), ("grade", grade)):
                if val is not None:
                    raw[key] = val
            req = common.parse_model(ctcae.GradeRequest, raw)
        decision = ctcae.grade(req)
        common.emit(decision, json_out, lambda con: _render_grade(con, decision))


def _render_terms(con: Console, doc: dict[str, Any]) -> None:
    from rich.table import Table

    t = Table(title=f"CTCAE {doc['version']} terms", title_justify="left")
    for col in ("term", "graded", "inputs", "allowed grades", "tag"):
        t.add_column(col, overflow="fold")
    for item in doc["terms"]:
        t.add_row(str(item["key"]), str(item["method"]), ", ".join(item.get("inputs", ())),
                  ", ".join(str(g) for g in item.get("allowed_grades", ())),
                  str(item.get("tag", "")))
    con.print(t)
    for name, why in doc["not_terms"].items():
        con.print(f"[dim]{name}: {why}[/]")


def _render_grade(con: Console, d: Decision[Any]) -> None:
    from hdil2.cli.render import reasons_table

    text = d.details.get("grade_text")
    con.print(f"{d.details.get('term', '')}: [bold]grade {d.value}[/]"
              + (f" — {text}" if text else ""))
    if d.details.get("missing"):
        con.print(f"[magenta]missing:[/] {', '.join(d.details['missing'])}")
    if d.details.get("possible_grades"):
        con.print(f"possible grades: {d.details['possible_grades']}")
    reasons_table(con, d.reasons)
