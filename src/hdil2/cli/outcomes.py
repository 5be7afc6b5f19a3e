"""CLI commands of outcomes: ``qlq-c30`` (EORTC QLQ-C30 scores per time point)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hdil2.cli import common

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.clinical.outcomes.qlq_c30 import QlqC30Series


JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]

# the scale and name columns (with their padding), and one score column
_FIXED_WIDTH = 34
_SCORE_WIDTH = 9


def register(app: typer.Typer) -> None:
    """Add the outcomes commands to the root app."""

    @app.command("qlq-c30")
    def qlq_c30_cmd(
        input: Annotated[str, typer.Argument(
            help="questionnaires JSON file (schema: `hdil2 schema qlq-c30`), or - for stdin")],
        verbose: Annotated[bool, typer.Option(
            "--verbose", "-v", help="the reasons of every score, not only of missing "
            "items")] = False,
        json_out: JsonOpt = False,
    ) -> None:
        """EORTC QLQ-C30 (version 3.0) scores at each time point: global health status, five
        functional and three symptom scales, six single items (0-100)."""
        series: QlqC30Series = common.answer("qlq-c30", input, {})
        common.emit(series, json_out, lambda con: _render(con, series, verbose))


def _score(value: object) -> str:
    return "-" if value is None else f"{value}"


def _render(con: Console, s: QlqC30Series, verbose: bool) -> None:
    from rich import box
    from rich.markup import escape

    from hdil2.cli.render import reasons_table, table, text_column, value_column

    who = f", patient {escape(s.patient)}" if s.patient else ""
    n = len(s.time_points)
    con.print(f"[bold]EORTC QLQ-C30 version 3.0{who}: {n} time point{'s' if n != 1 else ''}[/]")
    t = table("Time points", box=box.SIMPLE_HEAD)
    value_column(t, "#", right=True)
    value_column(t, "date")
    text_column(t, "label")
    value_column(t, "items answered", right=True)
    for i, p in enumerate(s.time_points, 1):
        t.add_row(f"#{i}", str(p.date), escape(p.label or "-"), f"{p.items_answered} of 30")
    con.print(t)
    per_table = max(1, (con.width - _FIXED_WIDTH) // _SCORE_WIDTH)
    for start in range(0, n, per_table):
        cols = range(start, min(n, start + per_table))
        title = "Scores (0-100)" if n <= per_table else (
            f"Scores (0-100), time points #{cols[0] + 1} to #{cols[-1] + 1}")
        t = table(title, box=box.SIMPLE_HEAD)
        value_column(t, "scale")
        text_column(t, "name")
        for i in cols:
            value_column(t, f"#{i + 1}", right=True)
        kind = ""
        for j, sc in enumerate(s.scales):
            if sc.kind != kind and j:
                t.add_section()
            kind = sc.kind
            t.add_row(sc.code, sc.name, *(_score(s.time_points[i].scales[j].score)
                                          for i in cols))
        con.print(t)
    con.print("Higher is better for global health status (QL2) and the functional scales, "
              "worse for the symptom scales and single items; - is missing (fewer than half "
              "of the scale's items answered).", soft_wrap=False)
    for i, p in enumerate(s.time_points, 1):
        reasons = [r for sc in p.scales for r in sc.reasons
                   if verbose or r.rule.startswith("eortc.qlq_c30.missing")]
        if reasons:
            reasons_table(con, reasons, f"#{i} {p.date}: "
                          + ("every score" if verbose else "missing items"))
    reasons_table(con, s.reasons, "Scoring rules")
