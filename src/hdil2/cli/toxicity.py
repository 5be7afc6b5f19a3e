"""CLI command of toxicity grading: grade (CTCAE v5.0)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from hdil2.cli import common, jsonl

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.clinical.toxicity.ctcae import TermListing
    from hdil2.core.decision import Decision

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]
JsonlOpt = Annotated[bool, typer.Option("--jsonl", help=jsonl.JSONL_HELP)]



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
        calcium: Annotated[str | None, typer.Option(
            help="hypocalcemia: which calcium the value is, corrected or ionized")] = None,
        volume: Annotated[str | None, typer.Option(
            help="urine output decreased: urine passed in the window, e.g. '60 mL'")] = None,
        hours: Annotated[str | None, typer.Option(
            help="urine output decreased: the collection window, e.g. '8 h'")] = None,
        symptomatic: Annotated[bool | None, typer.Option(
            "--symptomatic/--asymptomatic",
            help="hypokalemia, hyponatremia, hypotension: symptoms present")] = None,
        intervention_indicated: Annotated[bool | None, typer.Option(
            "--intervention-indicated/--no-intervention-indicated",
            help="hypokalemia: an intervention is indicated")] = None,
        intervention: Annotated[str | None, typer.Option(
            help="hypotension: none, non_urgent, medical or urgent")] = None,
        vasopressors: Annotated[bool | None, typer.Option(
            "--vasopressors/--no-vasopressors", help="hypotension: vasopressors started")
        ] = None,
        hospitalization_indicated: Annotated[bool | None, typer.Option(
            "--hospitalization-indicated/--no-hospitalization-indicated",
            help="hypotension: hospitalization indicated")] = None,
        life_threatening: Annotated[bool | None, typer.Option(
            "--life-threatening/--not-life-threatening",
            help="hypotension: life-threatening consequences")] = None,
        clinical_grade: Annotated[int | None, typer.Option(
            help="laboratory terms: the grade met by the clinical words of the text")] = None,
        grade: Annotated[int | None, typer.Option(help="clinician-chosen grade")] = None,
        list_terms: Annotated[bool, typer.Option("--list", help="list the graded terms")
                              ] = False,
        json_out: JsonOpt = False,
        jsonl_in: JsonlOpt = False,
    ) -> int | None:
        """CTCAE v5.0 grade of one toxicity, with the clause that fired."""
        options = {
            "term": term, "value": value, "uln": uln, "lln": lln, "baseline": baseline,
            "calcium": calcium, "volume": volume, "hours": hours, "symptomatic": symptomatic,
            "intervention_indicated": intervention_indicated, "intervention": intervention,
            "vasopressors": vasopressors, "hospitalization_indicated": hospitalization_indicated,
            "life_threatening": life_threatening, "clinical_grade": clinical_grade,
            "grade": grade}
        if jsonl_in:
            return jsonl.run("grade", input, {**options, "list": list_terms or None})
        if list_terms:
            listing = common.answer("grade-terms", None, {})
            common.emit(listing, json_out, lambda con: _render_terms(con, listing))
            return None
        decision = common.answer("grade", input, options,
                                 required={"term": "--term required (see `hdil2 grade --list`)"})
        common.emit(decision, json_out, lambda con: _render_grade(con, decision))
        return None


def _ranges(grades: list[int]) -> str:
    """``[0, 3, 4, 5]`` → ``"0, 3-5"``."""
    runs: list[list[int]] = []
    for g in grades:
        if runs and g == runs[-1][-1] + 1:
            runs[-1].append(g)
        else:
            runs.append([g])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _render_terms(con: Console, listing: TermListing) -> None:
    """Two lines per term: key and CTCAE name; how it is graded and its grades (80 columns)."""
    import textwrap

    from rich.markup import escape

    con.print(f"[bold]CTCAE {listing.version} terms[/]: grade texts from NCI's v5.0 "
              "spreadsheet (see --json)")
    for item in listing.terms:
        grades = _ranges(list(item.allowed_grades))
        how = (f"computed from {', '.join(item.inputs)}"
               if item.method == "computed" else "the clinician's grade")
        con.print(f"[bold]{item.key}[/] — {escape(item.name)}")
        con.print(textwrap.fill(f"{how}; grades {grades}", width=max(con.width, 40),
                                initial_indent="    ", subsequent_indent="    ",
                                break_long_words=False, break_on_hyphens=False),
                  style="dim", markup=False)
    con.print()
    for name, why in listing.not_terms.items():
        con.print(textwrap.fill(f"{name}: {why}", width=max(con.width, 40),
                                break_long_words=False, break_on_hyphens=False),
                  style="dim", markup=False)


def _render_grade(con: Console, d: Decision[Any]) -> None:
    from rich.markup import escape

    from hdil2.cli.render import reasons_table

    text = d.details.get("grade_text")
    con.print(f"{d.details.get('term', '')}: [bold]grade {d.value}[/]"
              + (f" — {escape(text)}" if text else ""))
    if d.details.get("missing"):
        con.print(f"[magenta]missing:[/] {', '.join(d.details['missing'])}")
    if d.details.get("possible_grades"):
        con.print(f"possible grades: {d.details['possible_grades']}")
    reasons_table(con, d.reasons)
