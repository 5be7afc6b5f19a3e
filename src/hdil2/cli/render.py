"""Rich rendering shared by the CLI's human (non-JSON) output.

The rule of every human table: a number, a date, a time, a key or an identifier is never
wrapped in the middle (``42,000,│000 IU`` must not happen), at 80 columns or wider.  Columns
that hold such values are ``no_wrap``; only prose columns wrap, at spaces, and fold a word only
when that word alone is wider than the column.  :func:`table`, :func:`value_column` and
:func:`text_column` build tables that follow the rule; :func:`reasons_table` prints reasons as
a table on a wide console and as a list on a narrow one (a four-column table of prose cannot
fit 80 columns without breaking words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from hdil2.core.decision import Reason

_TAG_STYLE = {
    "verified": "green", "seed": "cyan", "memory": "yellow", "unverified": "red",
    "computed": "blue",
}

# below this console width reasons are printed as a list rather than a table
WIDE = 110


def table(title: str | None = None, **kwargs: Any) -> Table:
    """A left-titled table that never grows wider than the console."""
    from rich.table import Table

    kwargs.setdefault("title_justify", "left")
    kwargs.setdefault("expand", False)
    return Table(title=title, **kwargs)


def value_column(t: Table, header: str, *, right: bool = False, **kwargs: Any) -> None:
    """A column of numbers, dates, times, keys or identifiers: never wrapped mid-value.

    A cell may still hold several values on separate lines (``"\\n"``).
    """
    kwargs.setdefault("justify", "right" if right else "left")
    # if even the prose columns cannot make room, fold rather than cut: no value is lost
    t.add_column(header, no_wrap=True, overflow="fold", **kwargs)


def text_column(t: Table, header: str, **kwargs: Any) -> None:
    """A column of prose: wraps at spaces, folds only a word wider than the column."""
    t.add_column(header, overflow="fold", **kwargs)


_NUMBER_UNIT = re.compile(r"(?<=\d) (?=[A-Za-zµ%°])")


def wrap(text: str, width: int, indent: int = 0) -> str:
    """``text`` wrapped at spaces to ``width`` columns, ``indent`` spaces before each line.

    Words are never split (a word wider than the line overflows it), nor is a number separated
    from the unit that follows it ("42,000,000 IU", "1.2 mL").
    """
    import textwrap

    glued = _NUMBER_UNIT.sub("\u00a0", text)
    pad = " " * indent
    out = textwrap.fill(glued, max(20, width), initial_indent=pad, subsequent_indent=pad,
                        break_long_words=False, break_on_hyphens=False)
    return out.replace("\u00a0", " ")


def _tag(r: Reason) -> str:
    style = _TAG_STYLE.get(r.tag.value, "")
    return f"[{style}]{r.tag.value}[/]" if style else r.tag.value


def reasons_table(console: Console, reasons: Iterable[Reason], title: str = "Reasons") -> None:
    """Print reasons: rule, text, source and verification tag of each.

    On a console narrower than :data:`WIDE` each reason is a heading line (rule, source, tag)
    followed by its text, indented and wrapped at spaces; on a wider one, a table whose rule,
    source and tag columns never wrap.
    """
    from rich.markup import escape

    items = list(reasons)
    if console.width < WIDE:
        console.print(f"[bold]{escape(title)}[/]")
        for r in items:
            console.print(f"[dim]•[/] [dim]{escape(r.rule)}[/]  "
                          f"({escape(r.source)}, {_tag(r)})", soft_wrap=True)
            console.print(wrap(r.text, console.width - 1, indent=4), markup=False,
                          highlight=False, soft_wrap=True)
        return
    t = table(title, show_lines=False)
    value_column(t, "rule", style="dim")
    text_column(t, "why")
    value_column(t, "source")
    value_column(t, "tag")
    for r in items:
        t.add_row(escape(r.rule), escape(r.text), escape(r.source), _tag(r))
    console.print(t)
