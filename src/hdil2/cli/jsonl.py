"""``--jsonl``: a command answers a JSON Lines file, one request per line (README "Batch").

The answering is :func:`hdil2.app.batch.answer_lines`; here the file (or standard input) is
read a line at a time and each answer written as soon as it is made, so memory stays bounded
whatever the number of lines.  Exit status: 0 when every line was answered, 2 when some lines
were refused (each answered in its place by its line number and errors; a summary goes to
stderr), 70 when a line hit an internal error.  A file that cannot be read at all is refused
as for a single request, before anything is written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hdil2.cli import common

if TYPE_CHECKING:
    from hdil2.core.errors import InputError

JSONL_HELP = ("read INPUT as JSON Lines: one request per line, one JSON answer per line on "
              "stdout, in order; a refused line is answered {\"line\": N, \"errors\": [...]} "
              "and the others still run (exit status 2 if any line was refused)")


def _lines(path: str) -> Iterator[bytes | str]:
    from hdil2.app.batch import read_lines
    from hdil2.core.errors import InputError

    if path == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        yield from (read_lines(buffer) if buffer is not None else sys.stdin)
        return
    p = Path(path)
    if p.is_dir():
        raise InputError("input", f"{path} is a directory, not a JSON Lines file")
    if not p.exists():
        raise InputError("input", f"file not found: {path}")
    try:
        stream = p.open("rb")
    except OSError as e:
        raise InputError("input", f"cannot read {path}: {e.strerror or e}") from None
    with stream:
        yield from read_lines(stream)


def run(operation: str, path: str | None, options: dict[str, Any] | None = None, *,
        request: Callable[[Any], Any] | None = None,
        refine: Callable[[InputError], InputError] | None = None) -> int:
    """Answer the JSON Lines in ``path`` (``-`` = stdin) with ``operation``; the exit status.

    ``options`` are the command's per-request options: with ``--jsonl`` the requests come from
    the lines only, so any option given is refused.  ``request`` and ``refine`` are passed to
    :func:`~hdil2.app.batch.answer_lines`.
    """
    from hdil2.app.batch import Tally, answer_lines
    from hdil2.core.errors import InputError

    given = [k for k, v in (options or {}).items() if v is not None and v != {} and v != []]
    if given:
        raise InputError("--jsonl", "with --jsonl every request comes from its line; give "
                         f"no request options (got --{given[0].replace('_', '-')})")
    if path is None:
        raise InputError("--jsonl", "a JSON Lines file of requests is required, or - for stdin")
    lines = _lines(path)
    first = next(lines, None)  # a file that cannot be opened is refused before any output

    def every() -> Iterator[bytes | str]:
        if first is not None:
            yield first
            yield from lines

    tally = Tally()
    out = sys.stdout
    try:
        for text in answer_lines(operation, every(), common.site_profile(), request=request,
                                 refine=refine, tally=tally):
            out.write(text)
            out.write("\n")
        out.flush()
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return _summary(tally)


def _summary(tally: Any) -> int:
    import json

    if not tally.refused and not tally.internal:
        return common.EXIT_OK
    shown = ", ".join(map(str, tally.first_refused))
    more = ", …" if tally.refused > len(tally.first_refused) else ""
    parts = []
    if tally.refused:
        which = "line" if tally.refused == 1 else "lines"
        parts.append(f"{tally.refused} of {tally.lines} lines refused ({which} {shown}{more}); "
                     "each is answered in its place with its line number")
    if tally.internal:
        parts.append(f"{tally.internal} of {tally.lines} lines failed with an internal error "
                     "(a bug; please report it)")
    sys.stderr.write(json.dumps({"errors": [{"field": "input", "message": "; ".join(parts)}]},
                                ensure_ascii=False) + "\n")
    return common.EXIT_INTERNAL if tally.internal else common.EXIT_INPUT
