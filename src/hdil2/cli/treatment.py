"""CLI commands of treatment planning: regimens, dose, calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from hdil2.cli import common

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.clinical.calendar import CourseCalendar
    from hdil2.clinical.dosing import DosePlan

SCHEMAS: dict[str, str] = {
    "dose": "hdil2.clinical.dosing:DoseRequest",
    "calendar": "hdil2.clinical.calendar:CalendarRequest",
}

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]


def _policies(items: list[str] | None) -> dict[str, Any]:
    from hdil2.core.errors import InputError

    out: dict[str, Any] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError("--policy", "expected NAME=VALUE", item)
        out[name.strip()] = int(value) if value.strip().isdigit() else value.strip()
    return out


def register(app: typer.Typer) -> None:
    """Add the treatment commands to the root app."""

    @app.command("regimens")
    def regimens_cmd(
        key: Annotated[str | None, typer.Argument(help="show one regimen in full")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """List the cited IL-2 regimens (or show one with every fact and policy)."""
        from hdil2.clinical.regimens import NOT_PROVIDED, REGIMENS, regimen

        chosen = [regimen(key)] if key else list(REGIMENS.values())
        doc = {
            "regimens": [_regimen_doc(r) for r in chosen],
            "not_provided": NOT_PROVIDED if key is None else {},
        }

        def render(con: Console) -> None:
            from rich.table import Table

            from hdil2.cli.render import reasons_table

            t = Table(title="IL-2 regimens", title_justify="left")
            for col in ("key", "name", "drugs", "schedule", "sources"):
                t.add_column(col, overflow="fold")
            for r in chosen:
                d = _regimen_doc(r)
                t.add_row(r.key, r.name, "\n".join(c["written"] for c in d["components"]),
                          d["schedule_text"], ", ".join(r.sources))
            con.print(t)
            if key:
                reasons_table(con, chosen[0].reasons(), "Facts")
                for p in chosen[0].policies.values():
                    con.print(f"policy [bold]{p.name}[/] = {p.default!r} "
                              f"(choices {list(p.choices)}): {p.text}")
            else:
                for k, why in NOT_PROVIDED.items():
                    con.print(f"[dim]{k}: {why}[/]")

        common.emit(doc, json_out, render)

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
    ) -> None:
        """Dose per administration, vials, volume, and totals per cycle and course."""
        from hdil2.clinical.dosing import DoseRequest
        from hdil2.core.errors import InputError

        if input is not None:
            if any(v is not None for v in (regimen, weight, height, sex)):
                raise InputError("input", "give either a JSON request or options, not both")
            req = common.load_model(DoseRequest, input)
        else:
            raw: dict[str, Any] = {"regimen": regimen, "weight": weight,
                                   "bsa_formula": bsa_formula, "policies": _policies(policy)}
            if regimen is None:
                raise InputError("--regimen", "required (see `hdil2 regimens`)")
            if weight is None:
                raise InputError("--weight", "required, with its unit, e.g. '70 kg'")
            if height is not None:
                raw["height"] = height
            if sex is not None:
                raw["sex"] = sex
            req = common.parse_model(DoseRequest, raw)
        plan = req.plan()
        common.emit(plan, json_out, lambda con: _render_dose(con, plan))

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
        from hdil2.clinical.calendar import CalendarRequest
        from hdil2.core.errors import InputError

        if input is not None:
            req = common.load_model(CalendarRequest, input)
        else:
            for name, val in (("--regimen", regimen), ("--start", start), ("--tz", tz)):
                if val is None:
                    raise InputError(name, "required")
            raw: dict[str, Any] = {"regimen": regimen, "first_dose": start, "tz": tz,
                                   "policies": _policies(policy)}
            if cycles is not None:
                raw["cycles"] = cycles
            req = common.parse_model(CalendarRequest, raw)
        cal = req.plan()
        common.emit(cal, json_out, lambda con: _render_calendar(con, cal))


def _render_calendar(con: Console, cal: CourseCalendar) -> None:
    from rich.table import Table

    from hdil2.cli.render import reasons_table

    con.print(f"[bold]{cal.regimen}[/]: {len(cal.slots)} scheduled doses from "
              f"{cal.first_dose:%a %d %b %Y %H:%M %Z} ({cal.tz})")
    t = Table(title_justify="left")
    for col in ("#", "drug", "cycle", "dose", "day", "local time", "flags"):
        t.add_column(col, overflow="fold")
    for s in cal.slots:
        t.add_row(str(s.index), s.agent, str(s.cycle), str(s.dose_in_cycle), str(s.day),
                  f"{s.local:%a %d %b %H:%M %Z}", ", ".join(s.flags))
    con.print(t)
    reasons_table(con, cal.reasons)


def _regimen_doc(r: Any) -> dict[str, Any]:
    from hdil2.clinical.regimens import Q8hSchedule

    s = r.schedule
    if isinstance(s, Q8hSchedule):
        text = (f"q{s.interval_hours}h, cycles on days {', '.join(map(str, s.cycle_start_days))}"
                f" ({s.cycle_days} days), ≤{s.max_doses_per_cycle}/cycle, "
                f"≤{s.max_doses_per_course}/course")
    else:
        text = (f"weekly s.c. template, {s.treatment_weeks} weeks on in a {s.cycle_weeks}-week "
                "cycle")
    return {
        "key": r.key, "name": r.name, "setting": r.setting,
        "components": [
            {"agent": c.agent, "written": c.label, "amount": c.amount, "unit": c.unit,
             "basis": c.basis, "route": c.route, "infusion_minutes": c.infusion_minutes}
            for c in r.components
        ],
        "schedule": s, "schedule_text": text, "words": dict(r.words),
        "max_courses": r.max_courses,
        "policies": [
            {"name": p.name, "default": p.default, "choices": list(p.choices),
             "source": p.source, "tag": p.tag.value, "text": p.text}
            for p in r.policies.values()
        ],
        "sources": list(r.sources),
        "reasons": [x.to_dict() for x in r.reasons()],
    }


def _render_dose(con: Console, plan: DosePlan) -> None:
    from rich.table import Table

    from hdil2.cli.render import reasons_table

    head = f"{plan.regimen_name} — dosing weight {plan.weight_kg} kg ({plan.weight_basis})"
    if plan.bsa_m2 is not None:
        head += f", BSA {plan.bsa_m2:.2f} m² ({plan.bsa_formula})"
    con.print(f"[bold]{head}[/]")
    t = Table(title_justify="left")
    for col in ("drug", "as written", "per dose", "vials", "draw", "final conc.",
                "max/cycle", "max/course"):
        t.add_column(col, overflow="fold")
    for c in plan.components:
        per = f"{c.dose_iu:,} IU" + (f"\n{c.dose_mg} mg" if c.dose_mg is not None else "")
        p = c.preparation
        t.add_row(
            c.agent, c.written, per,
            "-" if p is None else f"{p.vials} × 22 MIU",
            "-" if p is None else f"{p.volume_ml} mL",
            "-" if p is None else f"{p.concentration_ug_per_ml} µg/mL in {p.final_volume_ml} mL",
            f"{c.doses_per_cycle} doses\n{c.iu_per_cycle:,} IU"
            + ("" if c.vials_per_cycle is None else f"\n{c.vials_per_cycle} vials"),
            f"{c.doses_per_course} doses\n{c.iu_per_course:,} IU"
            + ("" if c.vials_per_course is None else f"\n{c.vials_per_course} vials"),
        )
    con.print(t)
    reasons_table(con, plan.reasons)
