"""The root ``hdil2`` command and its error boundary."""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

# pydantic scans installed entry points for plugins at first use (~12 ms); the CLI uses none
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from typing import Annotated

import typer

from hdil2.cli import common

# each area module and the top-level commands it registers (checked by the tests); a command
# line naming one of them loads and builds only that area, so a clinical command does not pay
# for the statistics commands' definitions
AREA_COMMANDS: dict[str, tuple[str, ...]] = {
    "hdil2.cli.treatment": ("regimens", "dose", "calendar"),
    "hdil2.cli.holds": ("next-dose",),
    "hdil2.cli.rules": ("rules",),
    "hdil2.cli.toxicity": ("grade",),
    "hdil2.cli.selection": ("screen",),
    "hdil2.cli.response": ("assess", "next-course"),
    "hdil2.cli.outcomes": ("qlq-c30",),
    "hdil2.cli.stats": ("stats", "design"),
    "hdil2.cli.schema": ("schema",),
    "hdil2.cli.sources": ("sources",),
    "hdil2.cli.demo": ("demo",),
    "hdil2.cli.registry": ("registry",),
    "hdil2.cli.interop": ("export",),
    "hdil2.cli.importing": ("import",),
    "hdil2.cli.report": ("report",),
    "hdil2.cli.simulate": ("simulate",),
    "hdil2.cli.web": ("serve", "users"),
}


def _areas(args: list[str] | None) -> list[ModuleType]:
    """The area modules to register: the one owning the command in ``args``, else all."""
    first = next((a for a in args or [] if not a.startswith("-")), None)
    names = [m for m, cmds in AREA_COMMANDS.items() if first in cmds] or list(AREA_COMMANDS)
    return [importlib.import_module(m) for m in names]


def build_app(args: list[str] | None = None) -> typer.Typer:
    """The typer application; with ``args``, only the area of the command they name."""
    app = typer.Typer(
        name="hdil2",
        help="Clinical decision support and outcomes analysis for high-dose interleukin-2.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback()
    def _root(
        site: Annotated[str | None, typer.Option(
            "--site", help="site profile (JSON: `hdil2 schema site-profile`): the ward's time "
            "zone, hold rule sets, policy overrides; default: the file named by HDIL2_SITE")
        ] = None,
    ) -> None:
        """Clinical decision support and outcomes analysis for high-dose interleukin-2."""
        common.set_site(site)

    for area in _areas(args):
        area.register(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and, as a script, exits with) the exit status."""
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args or "--jsonl" in args  # batch mode answers in JSON
    app = build_app(args)
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
        if as_json:
            common.report_usage_error(e)
        else:
            e.show()  # type: ignore[attr-defined]  # click.ClickException.show
        return int(getattr(e, "exit_code", 2))
    except Exception as e:  # the error boundary: input errors name their field
        return common.report_error(e, as_json)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())
