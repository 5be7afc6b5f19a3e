"""``hdil2 report``: the cohort report and one patient's course history, as HTML or PDF.

``hdil2 report cohort [DATA] [--db ...] [filters] --out report.html|report.pdf`` builds the
report of the registry's patients (filtered as ``hdil2 registry cohort``) or, with ``DATA``, of
a CSV file of patients or a folder of table CSVs (docs/figures.md); ``--tables-out DIR`` also
writes the tables the report was made from as CSV files.  ``hdil2 report patient CODE --db
... --out FILE`` is one patient's report.  A progress bar shows on a terminal; ``--json``
prints what was written.  Django and matplotlib are imported inside the commands only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from hdil2.cli import common
from hdil2.cli.registry import DbOption, JsonOption
from hdil2.cli.registry_cohort import (
    CodePrefixOption,
    DiseaseOption,
    EcogOption,
    FromOption,
    RegimenOption,
    ResponseOption,
    RiskGroupOption,
    SyntheticOption,
    ToOption,
    filter_fields,
)

OutOption = Annotated[str, typer.Option(
    "--out", "-o", help="the report file to write: .html (one self-contained file) or .pdf")]


@contextmanager
def _bar(as_json: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar on stderr (only on a terminal): yields ``step(label, done, total)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    con = common.console(stderr=True)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=con, transient=True, disable=as_json or not con.is_terminal)
    with bar:
        task = bar.add_task("report", total=None)

        def step(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total)

        yield step


def _check_out(out: str) -> Path:
    from hdil2.core.errors import InputError

    p = Path(out)
    if p.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise InputError("out", "a report is written as .html or .pdf", out)
    if not p.parent.exists():
        raise InputError("out", "its folder does not exist", out)
    return p


def report_cohort(data_path: str | None, db: str | None, out: str,
                  tables_out: str | None = None, use_registry: bool = False,
                  title: str | None = None, as_json: bool = False,
                  **filters: Any) -> dict[str, Any]:
    """Build and write the cohort report; options are checked before anything is read."""
    from hdil2.core.errors import InputError
    from hdil2.report import data as rdata
    from hdil2.report import document

    path = _check_out(out)
    given = {k: v for k, v in filters.items() if v is not None}
    if data_path is not None and (use_registry or db is not None):
        raise InputError("data", "either a data file or the registry (--registry / --db), "
                         "not both", data_path)
    if data_path is not None and given:
        raise InputError(next(iter(given)), "filters apply to the registry; filter the data "
                         "file before", given[next(iter(given))])
    with _bar(as_json) as step:
        source: dict[str, Any]
        if data_path is not None:
            step("reading the data", 0, 1)
            data = rdata.read_csv(data_path, title=title)
            source = {"data": data_path}
        else:
            from hdil2.registry import cohort, conf, maintenance, report_data

            f = cohort.CohortFilter(**given).check()
            settings = maintenance.setup(path=db)
            done = iter(range(len(report_data.STEPS)))
            data = report_data.cohort_data(
                f, title=title or "Registry cohort",
                progress=lambda name: step(f"reading {name.replace('_', ' ')}", next(done),
                                           len(report_data.STEPS)))
            source = {"database": conf.describe(settings), "filters": f.to_dict()}
        written = rdata.write_csv(data, tables_out) if tables_out else None
        rep = document.cohort_report(data, progress=step)
        step("writing", 0, 1)
        doc = document.write(rep, path)
    return {**source, "patients": len(data.patients), **doc,
            **({"tables_out": tables_out, "tables": written} if written is not None else {})}


def report_patient(code: str, db: str | None, out: str, as_json: bool = False
                   ) -> dict[str, Any]:
    """Build and write one patient's report."""
    from hdil2.registry import conf, maintenance, report_data
    from hdil2.report import document

    path = _check_out(out)
    settings = maintenance.setup(path=db)
    with _bar(as_json) as step:
        step("reading the registry", 0, 1)
        data = report_data.patient_data(code)
        rep = document.patient_report(data, code, progress=step)
        doc = document.write(rep, path)
    return {"database": conf.describe(settings), "patient": code, **doc}


def _render(con: Any, doc: dict[str, Any]) -> None:
    con.print(f"[bold]{doc['out']}[/bold] ({doc['format']}, {doc['bytes']:,} bytes"
              + (f", {doc['pages']} pages" if "pages" in doc else "") + f"): "
              f"{len(doc['shown'])} tables and figures")
    for key, why in doc["missing"].items():
        con.print(f"  {key}: {why}")
    if doc.get("tables_out"):
        con.print(f"tables written to {doc['tables_out']}: "
                  + ", ".join(f"{k} {v:,}" for k, v in doc["tables"].items()))


def register(app: typer.Typer) -> None:
    """Register ``hdil2 report`` and its commands."""
    report_app = typer.Typer(
        name="report", no_args_is_help=True,
        help="Reports: the cohort's tables and figures, one patient's course history "
        "(HTML or PDF; docs/figures.md).")
    app.add_typer(report_app)

    @report_app.command("cohort")
    def cohort_cmd(
        data: Annotated[str | None, typer.Argument(
            help="a CSV file of patients, or a folder of table CSV files (docs/figures.md); "
            "default: the registry")] = None,
        out: OutOption = "report.html",
        db: DbOption = None,
        use_registry: Annotated[bool, typer.Option(
            "--registry", help="report on the registry (the default without DATA)")] = False,
        tables_out: Annotated[str | None, typer.Option(
            "--tables-out", help="also write the report's input tables as CSV files into "
            "this folder")] = None,
        title: Annotated[str | None, typer.Option(help="the report's title")] = None,
        disease: DiseaseOption = None,
        regimen: RegimenOption = None,
        ecog: EcogOption = None,
        start_from: FromOption = None,
        start_to: ToOption = None,
        response: ResponseOption = None,
        synthetic: SyntheticOption = None,
        code_prefix: CodePrefixOption = None,
        risk_group: RiskGroupOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """The cohort report: patient characteristics, response (Lee et al. 2000 Tables 2-5),
        survival, treatment, toxicity and quality of life, with their figures."""
        doc = report_cohort(data, db, out, tables_out, use_registry, title, json_out,
                            **filter_fields(
                                disease=disease, regimen=regimen, ecog=ecog,
                                start_from=start_from, start_to=start_to, response=response,
                                synthetic=synthetic, code_prefix=code_prefix,
                                risk_group=risk_group))
        common.emit(doc, json_out, lambda con: _render(con, doc))

    @report_app.command("patient")
    def patient_cmd(
        code: Annotated[str, typer.Argument(help="the patient's registry code")],
        out: OutOption = "patient.html",
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """One patient's report: courses, every dose slot, toxicities, scans and responses,
        quality of life."""
        doc = report_patient(code, db, out, json_out)
        common.emit(doc, json_out, lambda con: _render(con, doc))
