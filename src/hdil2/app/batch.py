"""Batch requests: one JSON request per line in, one JSON answer per line out (JSON Lines).

A data manager grading a 100,000-row laboratory extract, the web app's bulk upload and the
registry's nightly jobs all run here, through the same operations as a single request:

* every line of the input is one request, answered by one line of the output, **in order**:
  output line *k* answers input line *k*, so the answers can be put beside the input again;
* an answer is the operation's JSON form, exactly what ``hdil2 <command> FILE --json`` prints
  for that request, written on one line (``json.dumps`` with ``separators=(",", ":")``);
* a line that is refused is answered, in its place, by ``{"line": N, "errors": [{"field": ...,
  "message": ...}]}`` — its line number (counted from 1, every line counted) and the errors a
  single request would get — and the lines after it are still answered.  A blank line is
  refused too (it keeps the line numbers of input and output aligned).  An unexpected failure
  (a bug) is answered ``{"line": N, "error": {"internal": ...}}``;
* a line is parsed as one JSON document through :mod:`hdil2.app.documents` (UTF-8 only, no
  byte-order mark, nesting limit, exact decimals) and may be at most :data:`MAX_LINE_BYTES`
  long;
* memory is bounded: a line is read, answered and written before the next is read, whatever
  the number of lines.

:class:`Tally` counts the answered and refused lines, so a caller can say whether any line
failed (the CLI exits with status 0 when every line is answered, 2 when some were refused and
70 when one hit an internal error).

    >>> lines = ['{"term": "platelet_count_decreased", "value": "40 10^9/L", "lln": "150 10^9/L"}',
    ...          '{"term": "platelet_count_decreased", "value": "40"}']
    >>> tally = Tally()
    >>> out = list(answer_lines("grade", lines, tally=tally))
    >>> out[0][:11], out[1][:11]
    ('{"value":3,', '{"line":2,"')
    >>> tally.answered, tally.refused, tally.first_refused
    (1, 1, [2])
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from hdil2.app import documents
from hdil2.core.decision import Decision
from hdil2.core.errors import InputError, error_items
from hdil2.core.jsonable import jsonable
from hdil2.core.result import Result

if TYPE_CHECKING:
    from hdil2.app.operation import Operation
    from hdil2.app.profile import SiteProfile

#: longest line read (bytes, newline excluded); a longer line is refused without being kept
MAX_LINE_BYTES = 16 * 1024 * 1024

#: how the documents of a line are named in messages
LINE_NAME = "the line"

#: how many refused line numbers :class:`Tally` keeps (for a summary message)
FIRST_REFUSED = 10


@dataclass
class Tally:
    """What a batch did: lines answered, refused (bad input) and failed (internal error)."""

    answered: int = 0
    refused: int = 0
    internal: int = 0
    first_refused: list[int] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return self.answered + self.refused + self.internal

    def refuse(self, line: int) -> None:
        self.refused += 1
        if len(self.first_refused) < FIRST_REFUSED:
            self.first_refused.append(line)


def read_lines(stream: IO[bytes], max_bytes: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The lines of a binary stream, without their line ending, one at a time.

    A line longer than ``max_bytes`` is cut to ``max_bytes + 1`` bytes (the rest is read and
    dropped, never kept), so :func:`answer_lines` refuses it while memory stays bounded.
    """
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line in bounded pieces
                rest = stream.readline(max_bytes + 1)
                if not rest or rest.endswith(b"\n"):
                    break
            yield line
            continue
        yield line.rstrip(b"\r\n") if line.endswith(b"\n") else line


def load_line(line: str | bytes, max_bytes: int = MAX_LINE_BYTES) -> Any:
    """One line as a JSON value (numbers with a fraction as :class:`~decimal.Decimal`).

    Refused with an :class:`InputError` on ``input``: a line that is too long, not UTF-8 (or
    starts with a byte-order mark), blank, nested deeper than
    :data:`~hdil2.app.documents.MAX_JSON_DEPTH`, not one JSON document, or holding an integer
    too long for Python.
    """
    if isinstance(line, str):
        line = line.rstrip("\r\n")
        unit = "characters"
    else:
        line = line.rstrip(b"\r\n")
        unit = "bytes"
    if len(line) > max_bytes:
        raise InputError("input", f"{LINE_NAME} is longer than {max_bytes} {unit}")
    text = documents.text_of(line, LINE_NAME)
    if documents.json_depth(text) > documents.MAX_JSON_DEPTH:
        raise documents.nested_error(LINE_NAME)
    try:
        return _DECODER.decode(text)  # json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        raise InputError("input", f"invalid JSON at column {e.colno}: {e.msg} (each line "
                         "must be one JSON request)") from None
    except RecursionError:
        raise documents.nested_error(LINE_NAME) from None
    except ValueError as e:  # an integer longer than Python converts (sys.int_info)
        raise InputError("input", f"{LINE_NAME}: a number has too many digits "
                         f"(more than {sys.get_int_max_str_digits()}): {e}") from None


def _plain(result: Any) -> Any:
    """The JSON form of a result, as :func:`~hdil2.core.jsonable.jsonable` gives it.

    A :class:`~hdil2.core.decision.Decision`'s or a :class:`~hdil2.core.result.Result`'s
    ``to_dict`` already holds only plain JSON values, so it is not walked a second time.
    """
    if isinstance(result, Decision | Result):
        return result.to_dict()
    return jsonable(result)


def dumps_line(doc: Any) -> str:
    """One JSON document on one line: ``hdil2 … --json``'s output, compacted."""
    return _ENCODER.encode(doc)  # json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


# what json.loads and json.dumps build on every call given these options: built once
_DECODER = json.JSONDecoder(parse_float=Decimal)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def answer_lines(
    operation: str | Operation[Any],
    lines: Iterable[str | bytes],
    site: SiteProfile | None = None,
    *,
    request: Callable[[Any], Any] | None = None,
    refine: Callable[[InputError], InputError] | None = None,
    tally: Tally | None = None,
    max_bytes: int = MAX_LINE_BYTES,
) -> Iterator[str]:
    """Answer each line of ``lines`` with ``operation``: one JSON text per line, in order.

    ``request`` turns a line's JSON document into the operation's request (default: the
    document is the request; ``hdil2 screen --jsonl`` wraps a patient document with the
    command's options); ``refine`` rewrites an input error before it is reported (the screen
    command names a patient's fields as in the patient document).  ``tally`` counts the lines.
    The texts have no line ending.
    """
    from hdil2.app.catalogue import operation as lookup
    from hdil2.app.profile import DEFAULT_PROFILE

    op = lookup(operation) if isinstance(operation, str) else operation
    prof = site if site is not None else DEFAULT_PROFILE
    counts = tally if tally is not None else Tally()
    for number, line in enumerate(lines, start=1):
        try:
            doc = load_line(line, max_bytes)
            text = dumps_line(_plain(op(request(doc) if request is not None else doc, prof)))
        except Exception as e:  # every line is answered, whatever happened to the others
            err = refine(e) if refine is not None and isinstance(e, InputError) else e
            items = error_items(err)
            if items is None:
                counts.internal += 1
                text = dumps_line({"line": number, "error": {"internal": (
                    f"internal error: {type(err).__name__}: {err}. This is a bug; please "
                    "report it.")}})
            else:
                counts.refuse(number)
                text = dumps_line({"line": number, "errors": items})
        else:
            counts.answered += 1
        yield text
