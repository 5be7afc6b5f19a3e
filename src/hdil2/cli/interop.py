"""``hdil2 export``: the registry in the interchange formats of other systems.

``hdil2 export sdtm --db ... --out DIR [--format csv|xpt] [--domains DM,EX,...]`` writes one
CDISC SDTM dataset per domain into ``DIR`` (docs/interchange.md); ``hdil2 export adam --db ...
--out DIR [--format csv|xpt] [--datasets ADSL,ADRS,...]`` the CDISC ADaM datasets ADSL, ADRS,
ADTTE and ADAE (docs/adam.md); ``hdil2 export fhir CODE --db ... [--out FILE]`` prints (or
writes) the FHIR R4 Bundle of one patient (docs/fhir.md).
Django and the writers are
imported inside the command only. A long export shows a progress bar on a terminal; ``--json``
prints one JSON document: the files written and their row counts.
"""

from __future__ import annotations

import sys
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
        # no --domains: the registry's default, which adds QS when it holds questionnaires
        doc = interchange.export_sdtm(out, fmt=fmt, domains=None if domains is None else codes,
                                      study=study, code_prefix=code_prefix, step=step)
    return {"database": conf.describe(settings), **doc}


def export_adam(db: str | None, out: str, fmt: str = "csv", datasets: str | None = None,
                study: str | None = None, code_prefix: str | None = None,
                as_json: bool = False) -> dict[str, Any]:
    """Export the registry as ADaM datasets; the options are checked before the database is
    opened."""
    from hdil2.core.errors import InputError
    from hdil2.interop.adam import dataset_codes
    from hdil2.registry import adam_export, conf, maintenance

    if fmt not in ("csv", "xpt"):
        raise InputError("format", "csv or xpt", fmt)
    codes = dataset_codes(datasets)
    settings = maintenance.setup(path=db)
    with _progress("exporting ADaM datasets", as_json) as step:
        doc = adam_export.export_adam(out, fmt=fmt, datasets=codes, study=study,
                                      code_prefix=code_prefix, step=step)
    return {"database": conf.describe(settings), **doc}


def _render(con: Any, doc: dict[str, Any], kind: str = "SDTM", key: str = "domains",
            column: str = "domain") -> None:
    from rich.table import Table

    table = Table(title=f"{kind} ({doc['format']}), study {doc['study']}, "
                  f"{doc['patients']} patients")
    for col in (column, "rows", "file"):
        table.add_column(col, justify="right" if col == "rows" else "left", no_wrap=True)
    for code, d in doc[key].items():
        table.add_row(code, str(d["rows"]), d["file"])
    con.print(table)


def register(app: typer.Typer) -> None:
    """Register ``hdil2 export`` and its commands."""
    export_app = typer.Typer(
        name="export", no_args_is_help=True,
        help="Export the registry: SDTM and ADaM datasets (CSV or SAS XPT), a patient's FHIR "
        "Bundle.")
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
            help="comma-separated domains (default all): "
            "DM,SUPPDM,EX,EC,AE,LB,VS,DS,TU,TR,RS")] = None,
        study: Annotated[str | None, typer.Option(help="STUDYID (default HDIL2)")] = None,
        code_prefix: Annotated[str | None, typer.Option(
            help="only patients whose registry code starts with this, e.g. demo2000-")] = None,
        json_out: JsonOption = False,
    ) -> None:
        """Write the registry as CDISC SDTM datasets (docs/interchange.md)."""
        doc = export_sdtm(db, out, fmt, domains, study, code_prefix, json_out)
        common.emit(doc, json_out, lambda con: _render(con, doc))

    @export_app.command("adam")
    def adam_cmd(
        out: Annotated[str, typer.Option("--out", help="directory the datasets are written to "
                                         "(created if missing; files of the same name are "
                                         "replaced)")],
        db: DbOption = None,
        fmt: Annotated[str, typer.Option("--format", help="csv or xpt (SAS transport v5)")
                       ] = "csv",
        datasets: Annotated[str | None, typer.Option(
            help="comma-separated datasets (default all): ADSL,ADRS,ADTTE,ADAE")] = None,
        study: Annotated[str | None, typer.Option(help="STUDYID (default HDIL2)")] = None,
        code_prefix: Annotated[str | None, typer.Option(
            help="only patients whose registry code starts with this, e.g. demo2000-")] = None,
        json_out: JsonOption = False,
    ) -> None:
        """Write the registry as CDISC ADaM datasets: ADSL, ADRS, ADTTE, ADAE (docs/adam.md)."""
        doc = export_adam(db, out, fmt, datasets, study, code_prefix, json_out)
        common.emit(doc, json_out, lambda con: _render(con, doc, "ADaM", "datasets",
                                                       "dataset"))

    @export_app.command("fhir")
    def fhir_cmd(
        patient: Annotated[str, typer.Argument(help="the patient's registry code")],
        db: DbOption = None,
        out: Annotated[str | None, typer.Option(
            "--out", help="write the Bundle to this JSON file (replaced if it exists) "
            "instead of printing it")] = None,
        json_out: JsonOption = False,
    ) -> None:
        """The patient's FHIR R4 Bundle following the mCODE profiles (docs/fhir.md)."""
        from pathlib import Path

        from hdil2.core.errors import InputError
        from hdil2.registry.fhir_export import fhir_bundle

        target = Path(out) if out is not None else None
        if target is not None and (target.is_dir() or not target.parent.is_dir()):
            raise InputError("out", "a file in an existing directory", out)
        bundle = fhir_bundle(db, patient)
        if target is None:
            sys.stdout.write(common.dumps(bundle) + "\n")
            return
        target.write_text(common.dumps(bundle) + "\n", encoding="utf-8")
        doc = {"patient": patient, "file": str(target),
               "resources": len(bundle.get("entry") or [])}
        common.emit(doc, json_out, lambda con: con.print(
            f"FHIR Bundle of {patient}: {doc['resources']} resources written to {target}",
            markup=False))
