"""Shared plumbing of the CLI: reading JSON input, printing output, reporting errors.

Contract (README "CLI"): ``--json`` prints one JSON document on stdout; input is a file path
or ``-`` for stdin; errors go to stderr, name the bad field and exit with status 2.  An
unexpected exception is reported as an internal error with status 70, never as a traceback.
"""

from __future__ import annotations

import json
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


def read_json(path: str, field: str = "input") -> Any:
    """Read a JSON document from ``path`` (``-`` = stdin); numbers with a fraction are Decimals."""
    from hdil2.core.errors import InputError

    if path == "-":
        text = sys.stdin.read()
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError(field, f"file not found: {path}", path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(field, f"cannot read {path}: {e}", path) from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        raise InputError(
            field, f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"
        ) from None


def parse_model(model: type[M], data: Any) -> M:
    """Validate ``data`` against a pydantic model (errors are reported field by field)."""
    return model.model_validate(data)


def load_model(model: type[M], path: str) -> M:
    """Read ``path`` and validate it as ``model``."""
    return parse_model(model, read_json(path))


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
