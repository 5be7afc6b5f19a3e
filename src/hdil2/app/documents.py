"""JSON documents as every caller receives them: bytes or text in, plain values out.

The CLI reads a file, the web app a request body, batch mode a line: each turns it into a
request through here, so each refuses the same bad input with the same message naming the
document — text that is not UTF-8 (a UTF-16 file, a byte-order mark, a stray Latin-1 byte), an
empty document, nesting deeper than :data:`MAX_JSON_DEPTH`, invalid JSON (with line and column),
CSV where JSON is expected, and integers too long for Python.  Numbers with a fraction become
:class:`~decimal.Decimal`, so clinical thresholds compare exactly.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hdil2.core.errors import InputError

# deepest nesting of arrays and objects read from a JSON input; hdil2's own documents nest
# fewer than ten levels, and Python's parser would fail at about a thousand with an internal error
MAX_JSON_DEPTH = 100

# a JSON string (skipped: brackets inside it are text) or one bracket
_JSON_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')

CSV_READERS = "hdil2 stats km, hdil2 stats logrank and hdil2 stats cox (DATA.csv)"


def _decode(data: bytes, name: str, field: str) -> str:
    """``data`` as UTF-8 text, or an :class:`InputError` saying which encoding it seems to be."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise InputError(field, f"{name} starts with a UTF-8 byte-order mark; save it as "
                         "UTF-8 without BOM")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(data) >= 2 and (data[0] == 0) != (data[1] == 0))
    if utf16:
        raise InputError(field, f"{name} is UTF-16 text; save it as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(field, f"{name} is not UTF-8 text: byte 0x{data[e.start]:02x} at "
                         f"offset {e.start} (counted from 0) is not valid UTF-8; save the "
                         "file as UTF-8") from None


def text_of(data: bytes | str, name: str, field: str = "input", what: str = "JSON") -> str:
    """The text of a document: decoded, without byte-order mark, not empty."""
    text = _decode(data, name, field) if isinstance(data, bytes) else data
    if text.startswith("\ufeff"):
        raise InputError(field, f"{name} starts with a UTF-8 byte-order mark; save it as "
                         "UTF-8 without BOM")
    if not text.strip():
        raise InputError(field, f"{name} is empty; expected a {what} document")
    return text


def json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> int:
    """Deepest nesting of arrays/objects in JSON ``text`` (stops counting past ``limit``)."""
    depth = deepest = 0
    for token in _JSON_TOKENS.findall(text):
        if token in ("[", "{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif token in ("]", "}"):
            depth -= 1
    return deepest


def nested_error(name: str, field: str = "input") -> Exception:
    return InputError(field, f"{name}: JSON nested deeper than {MAX_JSON_DEPTH} levels "
                      "(arrays and objects inside each other); no hdil2 input nests that deep")


def _looks_like_csv(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "").strip()
    return ("," in first or "\t" in first) and first[:1] not in ("[", "{", '"')


def loads(text: str, name: str, field: str = "input",
          schema: str | Callable[[], str | None] | None = None, csv_named: bool = False) -> Any:
    """Parse one JSON document; refusals name ``name`` and ``field``.

    ``schema`` is the ``hdil2 schema`` name of the expected document, or a function giving it
    (called only when needed), quoted when a CSV arrives instead; ``csv_named`` says the
    document's name already marks it as CSV.
    """
    if json_depth(text) > MAX_JSON_DEPTH:
        raise nested_error(name, field)
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        if csv_named or _looks_like_csv(text):
            named = schema() if callable(schema) else schema
            expected = f"hdil2 schema {named}" if named else "hdil2 schema"
            raise InputError(field, f"{name} looks like CSV, but this command reads one JSON "
                             f"document (its schema: {expected}); CSV is read by "
                             f"{CSV_READERS}") from None
        raise InputError(
            field, f"{name}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"
        ) from None
    except RecursionError:
        raise nested_error(name, field) from None
    except ValueError as e:  # an integer longer than Python converts (sys.int_info)
        raise InputError(field, f"{name}: a number has too many digits "
                         f"(more than {sys.get_int_max_str_digits()}): {e}") from None
