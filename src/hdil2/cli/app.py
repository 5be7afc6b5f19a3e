"""The root ``hdil2`` command and its error boundary."""

from __future__ import annotations

import os
import sys

# pydantic scans installed entry points for plugins at first use (~12 ms); the CLI uses none
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

from hdil2.cli import (
    common,
    demo,
    response,
    schema,
    selection,
    stats,
    treatment,
)

AREAS = (treatment, selection, response, stats, schema, demo)


def build_app() -> typer.Typer:
    """The typer application with every area's commands registered."""
    app = typer.Typer(
        name="hdil2",
        help="Clinical decision support and outcomes analysis for high-dose interleukin-2.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    for area in AREAS:
        area.register(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and, as a script, exits with) the exit status."""
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    app = build_app()
    # typer vendors click; find its exception base class without importing click twice
    click_error: type[Exception] = next(
        c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
    )
    try:
        result = app(args=args, prog_name="hdil2", standalone_mode=False)
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("aborted\n")
        return 130
    except click_error as e:  # usage errors: typer's own message, exit status 2
        e.show()  # type: ignore[attr-defined]  # click.ClickException.show
        return int(getattr(e, "exit_code", 2))
    except Exception as e:  # the error boundary: input errors name their field
        return common.report_error(e, as_json)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())
