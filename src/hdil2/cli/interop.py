"""``hdil2 export``: the registry in the interchange formats of other systems.

``hdil2 export sdtm --db ... --out DIR [--format csv|xpt] [--domains DM,EX,...]`` writes one
CDISC SDTM dataset per domain into ``DIR`` (docs/interchange.md). Django and the writers are
imported inside the command only. A long export shows a progress bar on a terminal; ``--json``
prints one JSON document: the files written and their row counts.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hdil2.cli import common
from hdil2.cli.registry import DbOption, JsonOption, _progress


def export_sdtm(db: str | None, out: str, fmt: str = "csv", domains: str | None = None,
                study: str | None = None, code_prefix: str | None = None,
                as_json: bool = False) -> dict[str, Any]:
    """Export the registry as SDTM datasets; the options are checked before the database is
    opened."""
    from hdil2.core.errors import InputError
    from hdil2.interop.sdtm import domain_codes
    from hdil2.registry import conf, interchange, maintenance

    if fmt not in ("csv", "xpt"):
        raise InputError("format", "csv or xpt", fmt)
    codes = domain_codes(domains)
    settings = maintenance.setup(path=db)
    with _progress("exporting SDTM domains", as_json) as step:
        doc = interchange.export_sdtm(out, fmt=fmt, domains=codes, study=study,
                                      code_prefix=code_prefix, step=step)
    return {"database": conf.describe(settings), **doc}


def _render(con: Any, doc: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"SDTM ({doc['format']}), study {doc['study']}, "
                  f"{doc['patients']} patients")
    for col in ("domain", "rows", "file"):
        table.add_column(col, justify="right" if col == "rows" else "left", no_wrap=True)
    for code, d in doc["domains"].items():
        table.add_row(code, str(d["rows"]), d["file"])
    con.print(table)


def register(app: typer.Typer) -> None:
    """Register ``hdil2 export`` and its commands."""
    export_app = typer.Typer(name="export", no_args_is_help=True,
                             help="Export the registry: SDTM datasets (CSV or SAS XPT).")
    app.add_typer(export_app)

    @export_app.command("sdtm")
    def sdtm_cmd(
        out: Annotated[str, typer.Option("--out", help="directory the datasets are written to "
                                         "(created if missing; files of the same name are "
                                         "replaced)")],
        db: DbOption = None,
        fmt: Annotated[str, typer.Option("--format", help="csv or xpt (SAS transport v5)")
                       ] = "csv",
        domains: Annotated[str | None, typer.Option(
            help="comma-separated domains (default all): DM,EX,EC,AE,LB,VS,DS,RS")] = None,
        study: Annotated[str | None, typer.Option(help="STUDYID (default HDIL2)")] = None,
        code_prefix: Annotated[str | None, typer.Option(
            help="only patients whose registry code starts with this, e.g. demo2000-")] = None,
        json_out: JsonOption = False,
    ) -> None:
        """Write the registry as CDISC SDTM datasets (docs/interchange.md)."""
        doc = export_sdtm(db, out, fmt, domains, study, code_prefix, json_out)
        common.emit(doc, json_out, lambda con: _render(con, doc))
