"""Shared plumbing of the CLI: reading JSON input, printing output, reporting errors.

Contract (README "CLI"): ``--json`` prints one JSON document on stdout; input is a file path
or ``-`` for stdin; errors go to stderr, name the bad field and exit with status 2.  An
unexpected exception is reported as an internal error with status 70, never as a traceback.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INTERNAL = 70

M = TypeVar("M", bound="BaseModel")


# deepest nesting of arrays and objects read from a JSON input; hdil2's own documents nest
# fewer than ten levels, and Python's parser would fail at about a thousand with an internal error
MAX_JSON_DEPTH = 100

# a JSON string (skipped: brackets inside it are text) or one bracket
_JSON_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')

_CSV_READERS = "hdil2 stats km, hdil2 stats logrank and hdil2 stats cox (DATA.csv)"


def _display(path: str) -> str:
    return "standard input (-)" if path == "-" else path


def read_text(path: str, field: str = "input", what: str = "JSON") -> str:
    """The text of an input file (``-`` = stdin), refused with a message naming the file.

    A missing file, a directory, an unreadable file, an empty (or blank) one and a file that is
    not UTF-8 (a UTF-16 file, a UTF-8 byte-order mark, a stray Latin-1 byte) each have their own
    message.  ``what`` ("JSON", "CSV") is the kind of document the command expects.  Every
    command that reads a file goes through here, CSV readers included.
    """
    from hdil2.core.errors import InputError

    name = _display(path)
    data: bytes | str
    if path == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        data = buffer.read() if buffer is not None else sys.stdin.read()
    else:
        p = Path(path)
        if p.is_dir():
            raise InputError(field, f"{path} is a directory, not a {what} file")
        if not p.exists():
            raise InputError(field, f"file not found: {path}")
        try:
            data = p.read_bytes()
        except OSError as e:
            raise InputError(field, f"cannot read {path}: {e.strerror or e}") from None
    text = _decode(data, name, field) if isinstance(data, bytes) else data
    if text.startswith("\ufeff"):
        raise InputError(field, f"{name} starts with a UTF-8 byte-order mark; save it as "
                         "UTF-8 without BOM")
    if not text.strip():
        raise InputError(field, f"{name} is empty; expected a {what} document")
    return text


def _decode(data: bytes, name: str, field: str) -> str:
    """``data`` as UTF-8 text, or an :class:`InputError` saying which encoding it seems to be."""
    from hdil2.core.errors import InputError

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


def _nested_error(name: str, field: str = "input") -> Exception:
    from hdil2.core.errors import InputError

    return InputError(field, f"{name}: JSON nested deeper than {MAX_JSON_DEPTH} levels "
                      "(arrays and objects inside each other); no hdil2 input nests that deep")


def _looks_like_csv(path: str, text: str) -> bool:
    if path.lower().endswith((".csv", ".tsv")):
        return True
    first = next((line for line in text.splitlines() if line.strip()), "").strip()
    return ("," in first or "\t" in first) and first[:1] not in ("[", "{", '"')


def read_json(path: str, field: str = "input", model: type[Any] | None = None) -> Any:
    """Read a JSON document from ``path`` (``-`` = stdin); numbers with a fraction are Decimals.

    Refused with an :class:`InputError` naming the file: everything :func:`read_text` refuses,
    nesting deeper than :data:`MAX_JSON_DEPTH`, invalid JSON (with line and column), a CSV file
    (saying which commands read CSV) and integers too long for Python.  ``model`` is the
    pydantic model the document should become; its ``hdil2 schema`` name is quoted in messages.
    """
    from hdil2.core.errors import InputError

    text = read_text(path, field)
    name = _display(path)
    if json_depth(text) > MAX_JSON_DEPTH:
        raise _nested_error(name, field)
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        if _looks_like_csv(path, text):
            schema = _schema_name(model) if model is not None else None
            expected = f"hdil2 schema {schema}" if schema else "hdil2 schema"
            raise InputError(field, f"{name} looks like CSV, but this command reads one JSON "
                             f"document (its schema: {expected}); CSV is read by "
                             f"{_CSV_READERS}") from None
        raise InputError(
            field, f"{name}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"
        ) from None
    except RecursionError:
        raise _nested_error(name, field) from None
    except ValueError as e:  # an integer longer than Python converts (sys.int_info)
        raise InputError(field, f"{name}: a number has too many digits "
                         f"(more than {sys.get_int_max_str_digits()}): {e}") from None


def parse_model(model: type[M], data: Any) -> M:
    """Validate ``data`` against a pydantic model (errors are reported field by field)."""
    try:
        return model.model_validate(data)
    except RecursionError:
        raise _nested_error("input") from None


def _schema_name(model: type[Any]) -> str | None:
    """The ``hdil2 schema`` name of ``model``, if it is a CLI input."""
    from hdil2.cli.schema import schema_name

    return schema_name(model)


def load_model(model: type[M], path: str) -> M:
    """Read ``path`` and validate it as ``model``."""
    return parse_model(model, read_json(path, model=model))


def site_profile() -> Any:
    """The site profile of this run: ``--site FILE``, else the file named by ``HDIL2_SITE``."""
    import os

    from hdil2.app.profile import DEFAULT_PROFILE, load_profile

    path = _SITE.get("path") or os.environ.get("HDIL2_SITE")
    if not path:
        return DEFAULT_PROFILE
    return load_profile(read_text(path, "--site"), _display(path))


_SITE: dict[str, str | None] = {"path": None}


def answer(operation: str, path: str | None, options: dict[str, Any],
           required: dict[str, str] | None = None) -> Any:
    """Run ``operation`` on the JSON request in ``path`` or on ``options`` (never both).

    ``options`` maps request fields to option values (``None`` = not given); ``required``
    maps request fields to the option that must then be given and its hint.
    """
    from hdil2.app import operation as lookup
    from hdil2.core.errors import InputError

    op = lookup(operation)
    site = site_profile()
    given = {k: v for k, v in options.items() if v is not None and v != {} and v != []}
    if path is not None:
        if given:
            first = next(iter(given))
            raise InputError("input", "give either a JSON request or options, not both "
                             f"(got --{first.replace('_', '-')})")
        payload = read_json(path, model=op.request)
    else:
        filled = site.fill(op.name, op.request, given)
        for field, hint in (required or {}).items():
            if field not in filled:
                option, _, why = hint.partition(" ")
                raise InputError(option, why or "required")
        payload = given
    return op(payload, site)


def dumps(doc: Any) -> str:
    """The one JSON rendering used on stdout."""
    from hdil2.core.jsonable import jsonable

    return json.dumps(jsonable(doc), ensure_ascii=False, indent=2)


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def emit(doc: Any, as_json: bool, render: Callable[[Console], None]) -> None:
    """Print ``doc`` as JSON, or call ``render`` with a rich console."""
    if as_json:
        sys.stdout.write(dumps(doc) + "\n")
    else:
        render(console())


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "input"


def error_items(exc: BaseException) -> list[dict[str, str]] | None:
    """Field-named error items for an input error, or ``None`` if ``exc`` is not one."""
    from hdil2.core.errors import InputError, InputErrors

    if isinstance(exc, InputErrors):
        return [e.to_dict() for e in exc.errors]
    if isinstance(exc, InputError):
        return [exc.to_dict()]
    if type(exc).__name__ == "ValidationError" and hasattr(exc, "errors"):
        items = []
        for err in exc.errors():
            msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
            item = {"field": _loc(tuple(err.get("loc", ()))), "message": msg}
            if "input" in err and not isinstance(err["input"], dict | list):
                item["value"] = str(err["input"])[:80]
            items.append(item)
        return items
    return None


def report_usage_error(exc: BaseException) -> None:
    """A command-line usage error (unknown option, bad option value) as JSON on stderr.

    The field is the option or argument concerned when the error names one, else ``usage``.
    """
    param = getattr(exc, "param", None)
    field = (getattr(exc, "option_name", None)
             or next(iter(getattr(param, "opts", None) or []), None)
             or getattr(exc, "param_hint", None) or "usage")
    format_message = getattr(exc, "format_message", None)
    message = format_message() if callable(format_message) else str(exc)
    sys.stderr.write(json.dumps({"errors": [{"field": str(field), "message": message}]},
                                ensure_ascii=False) + "\n")


def report_error(exc: BaseException, as_json: bool) -> int:
    """Print ``exc`` on stderr the CLI's way and return the exit status."""
    items = error_items(exc)
    if items is None:
        text = f"internal error: {type(exc).__name__}: {exc}. This is a bug; please report it."
        if as_json:
            sys.stderr.write(json.dumps({"error": {"internal": text}}) + "\n")
        else:
            sys.stderr.write(f"error: {text}\n")
        return EXIT_INTERNAL
    if as_json:
        sys.stderr.write(json.dumps({"errors": items}, ensure_ascii=False) + "\n")
    else:
        for it in items:
            got = f" (got {it['value']})" if "value" in it else ""
            sys.stderr.write(f"error: {it['field']}: {it['message']}{got}\n")
    return EXIT_INPUT
