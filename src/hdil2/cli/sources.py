"""``hdil2 sources [KEY]``: the full reference of every source key hdil2 cites.

Every reason hdil2 prints names a source key (``lee2000``, ``proleukin-label``, ``ctcae5`` ...).
This command resolves it: authors, title, journal, year, volume and pages, the PubMed id and DOI
where they were checked, and what hdil2 takes from the source.  The policy decisions built on
these sources are explained in ``docs/decisions.md``.  It dispatches through the ``sources``
operation (:mod:`hdil2.app.reference`); with a KEY, ``--json`` prints that one entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hdil2.cli import common

if TYPE_CHECKING:
    from rich.console import Console

    from hdil2.core.sources import Source, SourceList



def _render(con: Console, chosen: list[Source]) -> None:
    import textwrap

    width = max(40, con.width - 1)
    for i, s in enumerate(chosen):
        if i:
            con.print()
        con.print(s.key, style="bold", markup=False)
        lines = [s.citation]
        ids = [f"PMID {s.pmid}" if s.pmid else "", f"doi:{s.doi}" if s.doi else "", s.url]
        if any(ids):
            lines.append("   ".join(x for x in ids if x))
        if s.uses:
            lines.append(f"uses: {s.uses}")
        if s.note:
            lines.append(f"note: {s.note}")
        for line in lines:
            # words are never split: a DOI or a number stays on one line
            text = textwrap.fill(line, width, initial_indent="  ", subsequent_indent="  ",
                                 break_long_words=False, break_on_hyphens=False)
            con.print(text, markup=False, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Register the sources command."""

    @app.command("sources")
    def sources_cmd(
        key: Annotated[str | None, typer.Argument(
            help="a source key, e.g. lee2000; omit to print every source")] = None,
        json_out: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Print the full reference of a cited source (or of every source) and what hdil2 uses."""
        listing: SourceList = common.answer("sources", None, {"key": key})
        chosen = list(listing.sources)
        doc = listing if key is None else chosen[0]
        common.emit(doc, json_out, lambda con: _render(con, chosen))
