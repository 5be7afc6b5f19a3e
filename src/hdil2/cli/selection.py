"""CLI commands of patient selection: ``hdil2 screen`` (registered by :mod:`hdil2.cli.app`).

``hdil2 screen patient.json [--profile NAME] [--policy NAME=VALUE] [--verbose] [--json]``
prints the eligibility verdict of one profile (with every criterion not met or unknown) and one
line per prognostic/predictive model (:func:`render_screening_summary`); ``--verbose`` adds the
full checklist and every model's factors, group, what its source reported for that group, and
the reasons (:func:`render_screening`).  Both fit 80 columns without cutting a number or a date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hdil2.cli import common, jsonl

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.clinical.selection.models.base import ModelResult
    from hdil2.clinical.selection.screening import Screening
    from hdil2.core.errors import InputError


JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]

_STATUS_STYLE = {
    "met": "green", "not_met": "red", "unknown": "yellow",
    "eligible": "bold green", "ineligible": "bold red", "incomplete": "bold yellow",
    "present": "red", "absent": "green", "indeterminate": "yellow",
}


def _patient_field(error: InputError) -> InputError:
    """``error`` with the field named as in the patient document the user wrote.

    The command reads the patient record alone and sends it as the request's ``patient``; a
    field of it is named as in the file (``labs.creatinine``, not ``patient.labs.creatinine``).
    """
    from hdil2.core.errors import InputError, InputErrors

    if isinstance(error, InputErrors):
        return InputErrors([_patient_field(e) for e in error.errors])
    if error.field == "patient":
        return InputError("input", error.message, error.value)
    if error.field.startswith("patient."):
        return InputError(error.field.removeprefix("patient."), error.message, error.value)
    return error


def register(app: typer.Typer) -> None:
    """Add the selection commands to the root app."""

    @app.command("screen")
    def screen_cmd(
        input: Annotated[str, typer.Argument(
            help="patient JSON file (schema: `hdil2 schema patient`), or - for stdin")],
        profile: Annotated[str, typer.Option(
            help="eligibility profile: label_minimum, atkins1993, cwg_phase3, lee2000_nci, "
            "clark2003_adjuvant, shablak2011")] = "label_minimum",
        policy: Annotated[list[str] | None, typer.Option(
            help="override a named policy, NAME=VALUE (repeatable), e.g. "
            "calcium_correction=mskcc_0707")] = None,
        stress_test_valid_days: Annotated[int | None, typer.Option(
            help="site setting: a stress test older than this many days before planned "
            "day 1 is stale (no default)")] = None,
        pft_valid_days: Annotated[int | None, typer.Option(
            help="site setting: PFTs older than this many days before planned day 1 are "
            "stale (no default)")] = None,
        verbose: Annotated[bool, typer.Option(
            "--verbose", "-v", help="the full checklist and every model's factors, "
            "outcomes and reasons")] = False,
        json_out: JsonOpt = False,
        jsonl_in: Annotated[bool, typer.Option("--jsonl", help=jsonl.JSONL_HELP + "; each line "
                                               "is one patient document, the options apply "
                                               "to every line")] = False,
    ) -> int | None:
        """Screen a patient: eligibility verdict and every selection model (details with
        --verbose)."""
        from hdil2.app import operation
        from hdil2.app.catalogue import document
        from hdil2.app.operation import policy_overrides
        from hdil2.core.errors import InputError

        options = {"profile": profile, "policies": policy_overrides(policy),
                   "settings": {k: v for k, v in (
                       ("stress_test_valid_days", stress_test_valid_days),
                       ("pft_valid_days", pft_valid_days)) if v is not None}}
        if jsonl_in:
            return jsonl.run("screen", input, request=lambda doc: {"patient": doc, **options},
                             refine=_patient_field)
        payload = {"patient": common.read_json(input, model=document("patient")), **options}
        try:
            result: Screening = operation("screen")(payload, common.site_profile())
        except InputError as e:
            raise _patient_field(e) from None
        common.emit(result, json_out, lambda con: (render_screening(con, result) if verbose
                                                   else render_screening_summary(con, result)))
        return None


def _style(status: str) -> str:
    return _style_text(status, status)


def _style_text(status: str, text: str) -> str:
    s = _STATUS_STYLE.get(status)
    return f"[{s}]{text}[/]" if s else text


def _verdict_line(con: Console, result: Screening) -> None:
    e = result.eligibility
    con.print(f"[bold]Patient {result.patient_id}[/]: {_style(e.verdict)} under profile "
              f"[bold]{e.profile}[/] ({e.title})")


def _score(r: ModelResult) -> str:
    if r.score is None:
        return ""
    return str(r.score.min) if r.score.min == r.score.max else f"{r.score.min}-{r.score.max}"


def render_screening_summary(con: Console, result: Screening) -> None:
    """The verdict, every criterion not met or unknown (one line each), one line per model.

    Nothing that changes the decision is left out: a failed or unknown criterion and a
    model's missing inputs are always shown; the reasons and outcomes are in
    :func:`render_screening` (``hdil2 screen --verbose``).
    """
    from rich import box
    from rich.table import Table

    from hdil2.clinical.selection.models.base import exact_text

    _verdict_line(con, result)
    e = result.eligibility
    for c in e.criteria:
        if c.status == "met":
            continue
        if c.status == "unknown" and c.missing:
            why = f"missing {', '.join(c.missing)}"
        else:
            why = "; ".join(r.text for r in c.reasons)
        con.print(f"  {c.id} {_style(c.status)}: {why}")
    t = Table(title="Models", title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    t.add_column("model", no_wrap=True)
    t.add_column("score", justify="right", no_wrap=True)
    t.add_column("group (missing inputs)", overflow="fold")
    for r in result.models:
        group = _style(r.group)
        if r.group == "indeterminate":
            group += f": {' or '.join(r.possible_groups)}"
        if r.missing:
            group += f" (missing {', '.join(r.missing)})"
        t.add_row(r.model, _score(r), group)
    con.print(t)
    cc = result.corrected_calcium
    if cc.value_mg_dl is not None:
        mg_dl = exact_text(cc.value_mg_dl, "0.01", strip=False)
        con.print(f"corrected calcium {mg_dl} mg/dL ({cc.formula})")
    else:
        con.print(f"corrected calcium not computed (missing {', '.join(cc.missing)})")
    con.print("[dim]reasons, factors and published outcomes: hdil2 screen --verbose[/]")


def render_screening(con: Console, result: Screening) -> None:
    """Everything: the checklist, every model's factors and outcomes, the policies."""
    from rich.table import Table

    from hdil2.cli.render import reasons_table
    from hdil2.clinical.selection.models.base import exact_text

    e = result.eligibility
    _verdict_line(con, result)
    missing_col = any(c.missing for c in e.criteria)
    t = Table(title="Eligibility checklist", title_justify="left", show_lines=True)
    t.add_column("id", no_wrap=True)
    t.add_column("criterion", overflow="fold")
    t.add_column("status", no_wrap=True)
    t.add_column("why", overflow="fold")
    if missing_col:
        t.add_column("missing", overflow="fold")
    for c in e.criteria:
        row = [c.id, c.title, _style(c.status), "\n".join(r.text for r in c.reasons)]
        if missing_col:
            row.append("\n".join(c.missing))
        t.add_row(*row)
    con.print(t)
    if e.missing:
        con.print(f"[yellow]missing for eligibility:[/] {', '.join(e.missing)}")

    con.print()
    con.print("[bold]Prognostic and predictive models[/]")
    for r in result.models:
        _render_model(con, r)
    cc = result.corrected_calcium
    if cc.value_mg_dl is not None:
        mg_dl = exact_text(cc.value_mg_dl, "0.01", strip=False)
        con.print(f"corrected calcium: {mg_dl} mg/dL ({cc.formula})")
    else:
        con.print(f"corrected calcium: not computed (missing {', '.join(cc.missing)})")
    for model, missing in result.summary.incomplete.items():
        con.print(f"[yellow]{model}[/]: missing {', '.join(missing)}")
    reasons_table(con, result.reasons, "Policies in force")


def _render_model(con: Console, r: ModelResult) -> None:
    from rich.table import Table

    head = f"[bold]{r.title}[/] [dim]({r.source})[/]: {_style(r.group)}"
    if r.score is not None:
        head += f", score {_score(r)}"
    if r.group == "indeterminate":
        head += f" — possible: {' or '.join(r.possible_groups)}"
    con.print()
    con.print(head)
    if r.factors:
        t = Table(show_header=True, title_justify="left", box=None, pad_edge=False)
        for col in ("factor", "value used", "status"):
            t.add_column(col, overflow="fold")
        for f in r.factors:
            t.add_row(f.label, f.value or "—", _style(f.status))
        con.print(t)
    if r.reasons and r.status != "not_applicable":
        con.print(f"  [dim]{r.reasons[-1].rule}:[/] {r.reasons[-1].text}")
    if r.missing:
        con.print(f"  [yellow]missing:[/] {', '.join(r.missing)}")
    for o in r.possible_outcomes:
        con.print(f"  [cyan]{o.source} reports for {o.group}:[/] {o.text}")
    for c in r.caveats:
        con.print(f"  [dim]note ({c.tag.value}): {c.text}[/]")
    if r.status == "not_applicable":
        con.print(f"  {r.reasons[0].text}")
