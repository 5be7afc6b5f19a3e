"""Shared plumbing of the CLI: reading JSON input, printing output, reporting errors.

Contract (README "CLI"): ``--json`` prints one JSON document on stdout; input is a file path
or ``-`` for stdin; errors go to stderr, name the bad field and exit with status 2.  An
unexpected exception is reported as an internal error with status 70, never as a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hdil2.app import documents

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INTERNAL = 70



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
    return documents.text_of(data, name, field, what)


def read_json(path: str, field: str = "input", model: type[Any] | None = None) -> Any:
    """Read a JSON document from ``path`` (``-`` = stdin); numbers with a fraction are Decimals.

    Refused with an :class:`InputError` naming the file: everything :func:`read_text` refuses,
    nesting too deep (:data:`hdil2.app.documents.MAX_JSON_DEPTH`), invalid JSON, a CSV file
    (saying which commands read CSV) and integers too long for Python.  ``model`` is the
    pydantic model the document should become; its ``hdil2 schema`` name is quoted in messages.
    """

    text = read_text(path, field)
    return documents.loads(text, _display(path), field,
                           schema=(lambda: _schema_name(model)) if model is not None else None,
                           csv_named=path.lower().endswith((".csv", ".tsv")))


def _schema_name(model: type[Any]) -> str | None:
    """The ``hdil2 schema`` name of ``model``, if it is a CLI input."""
    from hdil2.cli.schema import schema_name

    return schema_name(model)


def site_profile() -> Any:
    """The site profile of this run: ``--site FILE``, else the file named by ``HDIL2_SITE``."""
    import os

    from hdil2.app.profile import DEFAULT_PROFILE, load_profile

    path = _SITE.get("path") or os.environ.get("HDIL2_SITE")
    if not path:
        return DEFAULT_PROFILE
    return load_profile(read_text(path, "--site"), _display(path))


_SITE: dict[str, str | None] = {"path": None}


def set_site(path: str | None) -> None:
    """Use the site profile in ``path`` for this run (``None``: ``HDIL2_SITE`` or none)."""
    _SITE["path"] = path


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
    from hdil2.core.errors import error_items

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
