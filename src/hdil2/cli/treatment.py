"""CLI commands of treatment planning: regimens, dose, calendar, grade, next-dose."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from hdil2.cli import common

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.clinical.calendar import CourseCalendar
    from hdil2.clinical.dosing import DosePlan
    from hdil2.core.decision import Decision

SCHEMAS: dict[str, str] = {
    "dose": "hdil2.clinical.dosing:DoseRequest",
    "calendar": "hdil2.clinical.calendar:CalendarRequest",
    "next-dose": "hdil2.clinical.holds.advice:NextDoseRequest",
    "dose-observations": "hdil2.clinical.holds.observations:DoseObservations",
    "grade": "hdil2.clinical.ctcae:GradeRequest",
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
    _register_grade(app)


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
