"""CLI commands of treatment planning: regimens, dose, calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hdil2.cli import common, jsonl

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.clinical.treatment.calendar import CourseCalendar
    from hdil2.clinical.treatment.dosing import DosePlan
    from hdil2.clinical.treatment.regimens import RegimenListing


JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]


def register(app: typer.Typer) -> None:
    """Add the treatment commands to the root app."""

    @app.command("regimens")
    def regimens_cmd(
        key: Annotated[str | None, typer.Argument(help="show one regimen in full")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """List the cited IL-2 regimens (or show one with every fact and policy)."""
        listing = common.answer("regimens", None, {"key": key})
        common.emit(listing, json_out, lambda con: _render_regimens(con, listing, key))

    @app.command("dose")
    def dose_cmd(
        input: Annotated[str | None, typer.Argument(
            help="JSON request file (schema: `hdil2 schema dose`), or - for stdin")] = None,
        regimen: Annotated[str | None, typer.Option(help="regimen key")] = None,
        weight: Annotated[str | None, typer.Option(help="pre-course weight, e.g. '70 kg'")] = None,
        height: Annotated[str | None, typer.Option(help="height, e.g. '175 cm'")] = None,
        sex: Annotated[str | None, typer.Option(help="female or male (ideal weight only)")] = None,
        bsa_formula: Annotated[str, typer.Option(help="mosteller or dubois")] = "mosteller",
        policy: Annotated[list[str] | None, typer.Option(
            help="override a named policy, NAME=VALUE (repeatable)")] = None,
        json_out: JsonOpt = False,
        jsonl_in: Annotated[bool, typer.Option("--jsonl", help=jsonl.JSONL_HELP)] = False,
    ) -> int | None:
        """Dose per administration, vials, volume, and totals per cycle and course."""
        from hdil2.app.operation import policy_overrides

        options = {
            "regimen": regimen, "weight": weight, "height": height, "sex": sex,
            "bsa_formula": None if bsa_formula == "mosteller" else bsa_formula,
            "policies": policy_overrides(policy)}
        if jsonl_in:
            return jsonl.run("dose", input, options)
        plan = common.answer("dose", input, options, required={
            "regimen": "--regimen required (see `hdil2 regimens`)",
            "weight": "--weight required, with its unit, e.g. '70 kg'"})
        common.emit(plan, json_out, lambda con: _render_dose(con, plan))
        return None

    _register_calendar(app)


def _register_calendar(app: typer.Typer) -> None:
    @app.command("calendar")
    def calendar_cmd(
        input: Annotated[str | None, typer.Argument(
            help="JSON request file (schema: `hdil2 schema calendar`), or - for stdin")] = None,
        regimen: Annotated[str | None, typer.Option(help="regimen key")] = None,
        start: Annotated[str | None, typer.Option(
            help="first dose, local wall-clock time, e.g. 2026-04-06T08:00")] = None,
        tz: Annotated[str | None, typer.Option(
            help="the ward's IANA time zone, e.g. America/New_York")] = None,
        cycles: Annotated[int | None, typer.Option(help="6-week cycles (s.c. regimen)")] = None,
        policy: Annotated[list[str] | None, typer.Option(
            help="override a named policy, NAME=VALUE (repeatable)")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Every scheduled dose of a course, in the ward's local time (DST changes flagged)."""
        from hdil2.app.operation import policy_overrides

        cal = common.answer("calendar", input, {
            "regimen": regimen, "first_dose": start, "tz": tz, "cycles": cycles,
            "policies": policy_overrides(policy)},
            required={"regimen": "--regimen required", "first_dose": "--start required",
                      "tz": "--tz required"})
        common.emit(cal, json_out, lambda con: _render_calendar(con, cal))


_AGENT_SHORT = {"aldesleukin": "IL-2", "interferon alfa-2b": "IFN alfa-2b"}


def flag_text(flag: str) -> str:
    """A calendar flag in words, e.g. ``dst_interval_7h`` -> ``7 h after the previous dose``."""
    if flag.startswith("dst_interval_"):
        hours = flag.removeprefix("dst_interval_").removesuffix("h")
        return f"{hours} h after the previous dose (clock change)"
    if flag.startswith("nonexistent_local_time:"):
        was, _, now = flag.split(":", 1)[1].partition("->")
        return f"{was} does not exist (clocks forward): given at {now}"
    if flag.startswith("ambiguous_local_time:"):
        _, hh, mm, which = flag.split(":")
        return f"{hh}:{mm} happens twice (clocks back): the {which.replace('_', ' ')}"
    if flag.startswith("after_day_"):
        return f"after day {flag.removeprefix('after_day_')}"
    return flag.replace("_", " ")


def _render_calendar(con: Console, cal: CourseCalendar) -> None:
    from rich.table import Table

    from hdil2.cli.render import reasons_table

    con.print(f"[bold]{cal.regimen}[/]: {len(cal.slots)} scheduled doses")
    offset = f"{cal.first_dose:%z}"
    con.print(f"first dose {cal.first_dose:%a %d %b %Y %H:%M %Z} "
              f"(UTC{offset[:3]}:{offset[3:5]}), ward time zone {cal.tz}")
    agents = {s.agent for s in cal.slots}
    t = Table(title_justify="left")
    t.add_column("#", justify="right", no_wrap=True)
    if len(agents) > 1:
        t.add_column("drug", no_wrap=True)
    for col in ("cycle", "dose", "day"):
        t.add_column(col, justify="right", no_wrap=True)
    t.add_column("local time", no_wrap=True)
    t.add_column("note", min_width=12)
    for s in cal.slots:
        row = [str(s.index)]
        if len(agents) > 1:
            row.append(_AGENT_SHORT.get(s.agent, s.agent))
        row += [str(s.cycle), str(s.dose_in_cycle), str(s.day),
                f"{s.local:%a %d %b %H:%M %Z}", "; ".join(flag_text(f) for f in s.flags)]
        t.add_row(*row)
    con.print(t)
    reasons_table(con, cal.reasons)


def _render_regimens(con: Console, listing: RegimenListing, key: str | None) -> None:
    from rich.table import Table

    from hdil2.cli.render import reasons_table

    t = Table(title="IL-2 regimens", title_justify="left")
    # keys, source keys and numbers never wrap; names and schedules wrap at spaces
    t.add_column("key", no_wrap=True)
    t.add_column("regimen (drugs as written)", min_width=14)
    t.add_column("schedule", min_width=12)
    t.add_column("sources", no_wrap=True)
    for r in listing.regimens:
        drugs = "\n".join(c.written for c in r.components)
        t.add_row(r.key, f"{r.name}\n[dim]{drugs}[/]", r.schedule_text, "\n".join(r.sources))
    con.print(t)
    if key:
        chosen = listing.regimens[0]
        reasons_table(con, chosen.reasons, "Facts")
        for p in chosen.policies:
            con.print(f"policy [bold]{p.name}[/] = {p.default!r} "
                      f"(choices {list(p.choices)}): {p.text}")
    else:
        for k, why in listing.not_provided.items():
            con.print(f"[dim]{k}: {why}[/]")


def _render_dose(con: Console, plan: DosePlan) -> None:
    from rich.table import Table

    from hdil2.cli.render import reasons_table

    con.print(f"[bold]{plan.regimen_name}[/]")
    if plan.weight_basis == "actual":
        weight = f"dosing weight {plan.weight_kg} kg (actual weight)"
    elif plan.weight_capped:
        weight = (f"dosing weight {plan.weight_kg} kg: the {plan.weight_basis} weight "
                  f"{plan.basis_weight_kg} kg is above actual weight, so actual weight is used")
    else:
        weight = (f"dosing weight {plan.weight_kg} kg ({plan.weight_basis} weight; actual "
                  f"{plan.actual_weight_kg} kg)")
    con.print(weight)
    if plan.bsa_m2 is not None:
        con.print(f"BSA {plan.bsa_m2:.2f} m² ({plan.bsa_formula})")
    for c in plan.components:
        # numbers never wrap: the value column is wide enough for the longest number and
        # wraps only at spaces
        t = Table(title=f"{c.agent}, {c.written}", title_justify="left", show_header=False)
        t.add_column("quantity", no_wrap=True, style="bold")
        t.add_column("value", min_width=24)
        t.add_row("per dose", f"{c.dose_iu:,} IU"
                  + ("" if c.dose_mg is None else f" ({c.dose_mg} mg)"))
        p = c.preparation
        if p is not None:
            t.add_row("vials per dose",
                      f"{p.vials} single-dose vial{'s' if p.vials != 1 else ''}, counted at "
                      f"{p.vial_drawable_iu:,} IU per vial ({_drawable_words(p.vial_drawable)})")
            t.add_row("volume to draw", f"{p.volume_ml} mL (18,000,000 IU/mL)")
            if p.concentration_ug_per_ml is not None:
                t.add_row("final concentration",
                          f"{p.concentration_ug_per_ml} µg/mL in {p.final_volume_ml} mL "
                          f"({p.diluent_ml} mL D5W)")
        for label, n, iu, vials in (
                ("max per cycle", c.doses_per_cycle, c.iu_per_cycle, c.vials_per_cycle),
                ("max per course", c.doses_per_course, c.iu_per_course, c.vials_per_course)):
            t.add_row(label, f"{n} doses, {iu:,} IU"
                      + ("" if vials is None else f", {vials} vials"))
        con.print(t)
    reasons_table(con, plan.reasons)


def _drawable_words(basis: str) -> str:
    if basis == "reconstituted":
        return "1.2 mL × 18 MIU/mL after reconstitution; policy vial_drawable"
    return "the labelled 22 MIU content; policy vial_drawable = nominal"
