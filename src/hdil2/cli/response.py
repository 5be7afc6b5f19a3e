"""CLI commands of the response area: ``assess`` (tumour response) and ``next-course``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from hdil2.cli import common, jsonl

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.app.operation import Operation
    from hdil2.clinical.response.assess import Assessment
    from hdil2.core.decision import Decision


CRITERIA = ("recist1.1", "irecist", "who", "nci")

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]
PolicyOpt = Annotated[list[str] | None, typer.Option(
    "--policy", help="override a named policy, NAME=VALUE (repeatable)")]


def _value(text: str) -> Any:
    t = text.strip()
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    if t.lstrip("-").isdigit():
        return int(t)
    return t


def _policies(items: list[str] | None) -> dict[str, Any]:
    """``--policy NAME=VALUE`` options; true/false, none/null and integers are read as such."""
    from hdil2.app.operation import policy_overrides

    return {name: _value(v) if isinstance(v, str) else v
            for name, v in policy_overrides(items).items()}


def _request(op: Operation[Any], path: str, fields: dict[str, Any],
             policies: dict[str, Any]) -> Any:
    """The JSON request in ``path`` with the fields and policy overrides given as options
    (an option wins over the file)."""
    return _with_options(common.read_json(path, model=op.request), fields, policies)


def _with_options(doc: Any, fields: dict[str, Any], policies: dict[str, Any]) -> Any:
    """A request document with the fields and policy overrides given as options."""
    if not isinstance(doc, dict):
        return doc  # refused by the operation, naming what it expects
    doc = {**doc, **{k: v for k, v in fields.items() if v is not None}}
    if policies and isinstance(doc.get("policies", {}), dict):
        doc["policies"] = {**doc.get("policies", {}), **policies}
    return doc


def register(app: typer.Typer) -> None:
    """Add the response commands to the root app."""

    @app.command("assess")
    def assess_cmd(
        input: Annotated[str, typer.Argument(
            help="visits JSON (schema: `hdil2 schema assess`), or - for stdin")],
        criteria: Annotated[str | None, typer.Option(
            help="recist1.1, irecist, who, or nci (bidimensional, lee2000); default: the "
            "request's criteria, else recist1.1")] = None,
        policy: PolicyOpt = None,
        json_out: JsonOpt = False,
        jsonl_in: Annotated[bool, typer.Option("--jsonl", help=jsonl.JSONL_HELP + "; "
                                               "--criteria and --policy apply to every line")
                            ] = False,
    ) -> int | None:
        """Response at every visit, best overall response (confirmed and unconfirmed), dates."""
        from hdil2.app import operation
        from hdil2.core.errors import InputError

        if criteria is not None and criteria not in CRITERIA:
            raise InputError("--criteria", f"must be one of {', '.join(CRITERIA)}", criteria)
        fields, policies = {"criteria": criteria}, _policies(policy)
        if jsonl_in:
            return jsonl.run("assess", input,
                             request=lambda doc: _with_options(doc, fields, policies))
        op = operation("assess")
        result: Assessment = op(_request(op, input, fields, policies), common.site_profile())
        common.emit(result, json_out, lambda con: _render_assessment(con, result))
        return None

    @app.command("next-course")
    def next_course_cmd(
        input: Annotated[str, typer.Argument(
            help="course history JSON (schema: `hdil2 schema next-course`), or - for stdin")],
        variant: Annotated[str | None, typer.Option(
            help="policy variant: default, lee2000, lee2000-strict, cwg")] = None,
        policy: PolicyOpt = None,
        json_out: JsonOpt = False,
    ) -> None:
        """After the last course: next course, consolidation course or stop, with the reasons
        and the earliest date of the next course."""
        from hdil2.app import operation

        op = operation("next-course")
        decision: Decision[Any] = op(_request(op, input, {"variant": variant},
                                              _policies(policy)), common.site_profile())
        common.emit(decision, json_out, lambda con: _render_advice(con, decision))


def _fmt(x: Any) -> str:
    return "-" if x is None else str(x)


def _pct(x: Any) -> str:
    return "-" if x is None else f"{x:+}\N{NO-BREAK SPACE}%"


def visits_table(a: Assessment) -> Any:
    """The per-visit table of an assessment, compact enough for 80 columns.

    Dates and numbers never wrap (``no_wrap``); only the category columns may fold, and only
    when the terminal is narrower than the widest possible row.
    """
    from rich import box
    from rich.table import Table

    bidim = a.criteria in ("who", "nci")
    burden = "SPD mm²" if bidim else "sum mm"
    targets = any(tp.baseline_mm is not None for tp in a.visits)
    what = "sum of products" if bidim else "sum of diameters"
    t = Table(title=f"Response by {a.criteria}" + (f" (target burden: {what})" if targets
                                                    else " (no target lesions)"),
              title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 0))
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("date", no_wrap=True)
    t.add_column("day", justify="right", no_wrap=True)
    t.add_column("target", overflow="fold")
    t.add_column("non-target", overflow="fold")
    t.add_column("new", no_wrap=True)
    t.add_column("overall", overflow="fold")
    if targets:  # no target lesions: no burden to show
        t.add_column(burden, justify="right", no_wrap=True)
        t.add_column("vs base", justify="right", no_wrap=True)
        t.add_column("vs nadir", justify="right", no_wrap=True)
    for tp in a.visits:
        row = [str(tp.index), str(tp.date), str(tp.day), tp.target, tp.non_target,
               "yes" if tp.new_lesions else "no",
               tp.overall + (" *" if tp.after_progression else "")]
        if targets:
            row += [_fmt(tp.burden_mm), _pct(tp.change_from_baseline_pct),
                    _pct(tp.change_from_nadir_pct)]
        t.add_row(*row)
    return t


def _render_assessment(con: Console, a: Assessment) -> None:
    from hdil2.cli.render import reasons_table

    con.print(visits_table(a))
    if any(tp.after_progression for tp in a.visits):
        con.print("* after progression: not counted for best response")
    for b, d in ((a.bor_unconfirmed, a.dates_unconfirmed), (a.bor_confirmed, a.dates_confirmed)):
        kind = "confirmed" if b.confirmation_required else "unconfirmed"
        line = f"[bold]Best overall response ({kind}): {b.value}[/]"
        if b.first_response_date:
            line += f", first met {b.first_response_date}"
        if b.confirmation_date:
            line += f", confirmed {b.confirmation_date}"
        con.print(line)
        if d.duration_of_response is not None:
            dor = d.duration_of_response
            con.print(f"  duration of response {dor.days} days "
                      f"({'to progression' if dor.event else 'censored'} {dor.end})")
        reasons_table(con, b.reasons, f"Why ({kind})")
    pd = a.dates_unconfirmed.progression_date
    con.print(f"Progression date: {_fmt(pd)}; last assessment: "
              f"{_fmt(a.dates_unconfirmed.last_assessment_date)}")
    for tp in a.visits:
        reasons_table(con, tp.reasons, f"Visit {tp.index} ({tp.date}): {tp.overall}")
    reasons_table(con, a.reasons, "Policies and parameters")


def _render_advice(con: Console, d: Decision[Any]) -> None:
    from hdil2.cli.render import reasons_table

    det = d.details
    line = f"[bold]{d.value.replace('_', ' ')}[/] after course {det.get('courses_given')}"
    if "stop_category" in det:
        line += f" ({det['stop_category'].replace('_', ' ')})"
    con.print(line)
    if "earliest_start_date" in det:
        con.print(f"course {det['next_course']} no earlier than {det['earliest_start_date']}")
    if det.get("missing"):
        con.print("Record before deciding: " + ", ".join(det["missing"]))
    elif det.get("not_recorded"):
        con.print("Not recorded, weighed value by value: " + ", ".join(det["not_recorded"]))
    con.print(f"policy variant: {det.get('variant')}")
    reasons_table(con, d.reasons)
