"""``hdil2 import``: data of other systems into the registry.

``hdil2 import sdtm DIR --db ... --zone ZONE [--evaluator X] [--format csv|xpt] [--json]``
reads the CDISC SDTM files of ``DIR`` and writes their subjects into the registry in one
transaction (docs/sdtm-import.md). A long import shows a progress bar on a terminal. Refused
files write nothing: the problems are printed as a table of file, row, column and reason (with
``--json``, as the usual error document on stderr), and the exit status is 2. Django and the
readers are imported inside the command only.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from hdil2.cli import common
from hdil2.cli.registry import DbOption, JsonOption, _progress


def import_sdtm(db: str | None, path: str, zone: str, fmt: str = "csv",
                evaluator: str | None = None, study: str | None = None,
                partial_dates: str = "refuse", criteria: str | None = None,
                as_json: bool = False) -> dict[str, Any]:
    """Import the SDTM files of ``path`` into the registry ``db`` as the command-line user;
    the options are checked before the database is opened."""
    from hdil2.clinical.treatment.calendar import zone as ward_zone
    from hdil2.core.errors import InputError
    from hdil2.registry import conf, maintenance
    from hdil2.registry.sdtm_import import import_sdtm as run_import
    from hdil2.registry.users import system_user

    if fmt not in ("csv", "xpt"):
        raise InputError("format", "csv or xpt", fmt)
    if partial_dates not in ("refuse", "first"):
        raise InputError("partial_dates", "refuse or first", partial_dates)
    ward_zone(zone, "zone")
    settings = maintenance.setup(path=db)
    with _progress("importing SDTM subjects", as_json) as step:
        doc = run_import(path, fmt=fmt, zone=zone, by=system_user(), evaluator=evaluator,
                         study=study, partial_dates=partial_dates, criteria=criteria,
                         step=step)
    return {"database": conf.describe(settings), **doc}


def _render(con: Any, doc: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"SDTM import ({doc['format']}, times in {doc['zone']}): "
                  f"{doc['patients']} patients")
    numbers = ("rows", "imported", "not kept", "other evaluators")
    for col in ("domain", "file", *numbers):
        table.add_column(col, justify="right" if col in numbers else "left", no_wrap=True)
    for code, d in doc["domains"].items():
        table.add_row(code, d["file"], str(d["rows"]), str(d["imported"]), str(d["not_kept"]),
                      str(d["other_evaluators"]))
    con.print(table)
    rows = ", ".join(f"{k} {v}" for k, v in doc["registry_rows"].items())
    con.print(f"registry rows written: {rows}; audit-history rows: {doc['history_rows']}")
    con.print(f"responses: {doc['responses_computed']} also computed by hdil2, "
              f"{doc['responses_differing']} differing from the response received")
    for code, names in doc["not_modelled"].items():
        con.print(f"{code}: variables not modelled (read, not stored): {', '.join(names)}")


def render_refused(problems: list[Any]) -> None:
    """The problems of a refused import as a table on stderr."""
    from rich.table import Table

    con = common.console(stderr=True)
    table = Table(title=f"import refused: {len(problems)} problem"
                  f"{'s' if len(problems) != 1 else ''}; nothing was written")
    for col in ("file", "row", "column", "reason", "value"):
        table.add_column(col, justify="right" if col == "row" else "left",
                         overflow="fold")
    for p in problems:
        table.add_row(p.file, str(p.row), p.column, p.reason,
                      "" if p.value is None else str(p.value))
    con.print(table)


def register(app: typer.Typer) -> None:
    """Register ``hdil2 import`` and its commands."""
    import_app = typer.Typer(
        name="import", no_args_is_help=True,
        help="Import into the registry: CDISC SDTM datasets (CSV or SAS XPT).")
    app.add_typer(import_app)

    @import_app.command("sdtm")
    def sdtm_cmd(
        path: Annotated[str, typer.Argument(help="directory of the SDTM files (*.csv, "
                                            "*.csv.gz or *.xpt), or one file")],
        zone: Annotated[str, typer.Option(
            "--zone", help="IANA time zone the files' times are in, e.g. Europe/London "
            "(SDTM carries none)")],
        db: DbOption = None,
        fmt: Annotated[str, typer.Option("--format", help="csv or xpt (SAS transport v5)")
                       ] = "csv",
        evaluator: Annotated[str | None, typer.Option(
            help="the reader kept from TU/TR/RS with several (--EVALID, else --EVAL, e.g. "
            "INVESTIGATOR)")] = None,
        study: Annotated[str | None, typer.Option(
            help="refuse rows of any other STUDYID")] = None,
        partial_dates: Annotated[str, typer.Option(
            help="refuse (default) or first: impute a partial date to its earliest day")
                                 ] = "refuse",
        criteria: Annotated[str | None, typer.Option(
            help="criteria of RS rows without RSCAT: recist1.1, irecist, who or nci")] = None,
        json_out: JsonOption = False,
    ) -> None:
        """Import CDISC SDTM datasets into the registry (docs/sdtm-import.md)."""
        from hdil2.interop.sdtm.read import ImportRefused

        try:
            doc = import_sdtm(db, path, zone, fmt, evaluator, study, partial_dates, criteria,
                              json_out)
        except ImportRefused as e:
            if json_out:
                raise
            render_refused(e.problems)
            sys.stderr.flush()
            raise typer.Exit(2) from None
        common.emit(doc, json_out, lambda con: _render(con, doc))
