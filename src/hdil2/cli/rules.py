"""CLI command of the hold rules: rules (every hold and stop rule, as the advice applies it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hdil2.cli import common

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.clinical.toxicity.holds.rules import RuleEntry, RuleListing

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]


_LABEL = 8  # width of the field names in a rule's block ("when", "action", ...)


def register(app: typer.Typer) -> None:
    """Add the rules command to the root app."""

    @app.command("rules")
    def rules_cmd(
        ruleset: Annotated[str | None, typer.Option(
            "--set", help="one rule set: label, dutcher2014 or springerplus2015 (default: "
            "all)")] = None,
        reads: Annotated[str | None, typer.Option(
            help="only the rules that read this observation, e.g. spo2_pct")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Every hold and stop rule: threshold, action, resume condition and source."""
        listing = common.answer("rules", None, {"set": ruleset, "reads": reads})
        common.emit(listing, json_out, lambda con: render_rules(con, listing))


def _field(con: Console, name: str, text: str) -> None:
    """One line of a rule's block, its text wrapped under itself."""
    from hdil2.cli.render import wrap

    lines = wrap(text, con.width - 2 - _LABEL).splitlines() or [""]
    pad = " " * (2 + _LABEL)
    con.print(f"  {name:<{_LABEL}}{lines[0]}", markup=False, highlight=False)
    for line in lines[1:]:
        con.print(pad + line, markup=False, highlight=False)


def _rule(con: Console, e: RuleEntry) -> None:
    from rich.markup import escape

    con.print(f"[bold]{escape(e.id)}[/] ({escape(e.category)})", highlight=False)
    _field(con, "when", e.criterion)
    _field(con, "action", e.action_text)
    if e.resume is not None:
        _field(con, "resume", e.resume.text)
    _field(con, "source", f"{e.source}, {e.tag.value}")
    if e.retreatment_exclusion:
        _field(con, "course", f"also bars another course (hdil2 next-course toxicity "
                              f"{e.retreatment_exclusion})")
    con.print()


def render_rules(con: Console, listing: RuleListing) -> None:
    """The rules as blocks of a few labelled lines (80 columns and wider)."""
    from hdil2.cli.render import wrap

    def para(text: str, indent: int = 0) -> None:
        con.print(wrap(text, con.width, indent), markup=False, highlight=False)

    shown = [s for s in listing.rulesets if s.rules or listing.reads is None]
    if listing.reads is not None:
        para(f"Rules that read {listing.reads}:" if shown
             else f"No rule reads {listing.reads}.")
    for s in shown:
        con.print(f"[bold underline]{s.name}[/]", highlight=False)
        n = len(s.rules) + len(s.count_rules)
        para(f"{s.version} (source {s.source}); {n} rule{'' if n == 1 else 's'}")
        con.print()
        for e in s.rules:
            _rule(con, e)
        for c in s.count_rules:
            con.print(f"[bold]{c.id}[/]", highlight=False)
            _field(con, "when", c.text)
            _field(con, "action", "absolute criterion: stop, as any absolute criterion")
            _field(con, "source", f"{c.source}, {c.tag.value}")
            con.print()
    policies = listing.policies if any(s.name != "label" for s in shown) else ()
    for p in policies:
        para(f"policy {p.name} = {p.default} (choices: {', '.join(p.choices)}): {p.text}")
    if policies:
        con.print()
    if listing.retreatment_exclusions:
        para("Retreatment contraindications: the label rows that stop IL-2 permanently, as "
             "hdil2 next-course names them in a course's toxicities:")
        for x in listing.retreatment_exclusions:
            para(x.code, 2)
            para(f"{x.text} ({x.rule}; {x.source}, {x.tag.value})", 6)
