"""``hdil2 registry demo`` and ``hdil2 registry cohort``: the synthetic Lee et al. 2000 cohort,
and cohort statistics from the registry.

``register(registry_app)`` adds both commands to the ``registry`` sub-app.  Django is imported
inside the commands only (the clinical commands start without it).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hdil2.cli import common

if TYPE_CHECKING:
    from rich.console import Console

DbOption = Annotated[str | None, typer.Option(
    "--db", help="registry database: an SQLite file or a postgresql:// URL (default: "
    "HDIL2_DATABASE_URL, else HDIL2_REGISTRY, else registry.sqlite3 in the user data directory)")]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]

# the cohort filters (hdil2.registry.cohort.CohortFilter), shared by ``registry cohort`` and
# ``report cohort``
DiseaseOption = Annotated[str | None, typer.Option(help="melanoma or rcc")]
RegimenOption = Annotated[str | None, typer.Option(help="a regimen key")]
EcogOption = Annotated[int | None, typer.Option(help="performance status 0-4")]
FromOption = Annotated[dt.datetime | None, typer.Option(
    "--from", formats=["%Y-%m-%d"], help="first dose on or after (YYYY-MM-DD)")]
ToOption = Annotated[dt.datetime | None, typer.Option(
    "--to", formats=["%Y-%m-%d"], help="first dose on or before (YYYY-MM-DD)")]
ResponseOption = Annotated[str | None, typer.Option(
    help="best overall response: CR, PR, MR, NR, SD, PD or NE")]
SyntheticOption = Annotated[bool | None, typer.Option(
    "--synthetic/--real", help="only synthetic (demo) or only real patients")]
CodePrefixOption = Annotated[str | None, typer.Option(
    help="registry codes starting with, e.g. demo2000-")]
RiskGroupOption = Annotated[str | None, typer.Option(
    help="risk group stored by screening: favourable, intermediate or poor")]


def filter_fields(**options: Any) -> dict[str, Any]:
    """The cohort filter fields of the command-line options (dates from datetimes)."""
    for key in ("start_from", "start_to"):
        if options.get(key) is not None:
            options[key] = options[key].date()
    return options


def demo(db: str | None = None, seed: int = 2000, patients: int | None = None,
         as_json: bool = False) -> dict[str, Any]:
    """Load the synthetic cohort (progress bar on a terminal); the rows written by model.

    ``patients`` from 1 to ``hdil2.registry.demo.MAX_PATIENTS`` (100,000); any other number is
    refused, naming the field, before the database is opened.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from hdil2.core.errors import InputError
    from hdil2.registry import conf, maintenance
    from hdil2.registry import demo as loader

    if patients is not None and not 1 <= patients <= loader.MAX_PATIENTS:
        raise InputError("patients", f"a whole number of patients from 1 to "
                         f"{loader.MAX_PATIENTS:,}", patients)
    settings = maintenance.setup(path=db)
    con = common.console(stderr=True)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=con, transient=True, disable=as_json or not con.is_terminal)
    with bar:
        task = bar.add_task("loading synthetic patients", total=None)
        counts = loader.load(seed, patients,
                             step=lambda done, total: bar.update(task, completed=done,
                                                                 total=total))
    return {"database": conf.describe(settings), "seed": seed,
            "synthetic": True, "written": counts,
            "patients": counts.get("patients", 0),
            "code_prefix": f"demo{seed}-"}


def cohort(db: str | None = None, with_rows: bool = False, **filters: Any) -> dict[str, Any]:
    """The cohort summary document (filters, response rates, OS/PFS, tempo tables)."""
    from hdil2.registry import cohort as api
    from hdil2.registry import maintenance

    maintenance.setup(path=db)
    return api.summary(api.CohortFilter(**filters), with_rows=with_rows)


def _render_demo(con: Console, doc: dict[str, Any]) -> None:
    from rich.table import Table

    con.print(f"[bold]synthetic demo cohort[/bold] (seed {doc['seed']}): "
              f"{doc['patients']} patients, codes {doc['code_prefix']}...")
    table = Table("rows", "written", box=None)
    for name, n in doc["written"].items():
        table.add_row(name, f"{n:,}")
    con.print(table)


def _render_cohort(con: Console, doc: dict[str, Any]) -> None:
    from rich.table import Table

    con.print(f"[bold]{doc['patients']} patients[/bold]"
              + (f" ({', '.join(f'{k}={v}' for k, v in doc['filters'].items())})"
                 if doc["filters"] else ""))
    rates = Table("group", "n", "CR", "PR", "ORR (95 % exact CI)", box=None)
    for name, r in doc["response_rates"].items():
        orr = r.get("orr")
        ci = (f"{100 * orr['estimate']:.1f} % ({100 * orr['ci']['lower']:.1f}-"
              f"{100 * orr['ci']['upper']:.1f})" if orr else "-")
        rates.add_row(name, str(r["n"]), str(r["CR"]), str(r["PR"]), ci)
    con.print(rates)
    surv = Table("endpoint", "group", "n", "events", "median (days)", box=None)
    for endpoint in ("os", "pfs"):
        for name, s in doc[endpoint].items():
            med = s["median_days"]["estimate"] if s["median_days"] else None
            surv.add_row(endpoint.upper(), name, str(s["n"]), str(s["events"]),
                         "not reached" if med is None else f"{med:g}")
    con.print(surv)
    if doc["tempo"]:
        t5 = Table("stopped after course", *[str(k + 1) for k in range(
            len(next(iter(doc["tempo"]["discontinuation"].values()))))], box=None,
            title="reasons for stopping (Lee et al. 2000, Table 5 layout)")
        for reason, counts in doc["tempo"]["discontinuation"].items():
            t5.add_row(reason.replace("_", " "), *(str(c) for c in counts))
        con.print(t5)


def register(reg: typer.Typer) -> None:
    """Add ``demo`` and ``cohort`` to the ``hdil2 registry`` sub-app."""

    @reg.command("demo")
    def demo_cmd(
        db: DbOption = None,
        seed: Annotated[int, typer.Option(help="random seed of the synthetic cohort")] = 2000,
        patients: Annotated[int | None, typer.Option(
            "--patients", "-n",
            help="number of patients, 1 to 100,000 (default: Lee et al. 2000's 350; "
            "10,000 take about a minute)")] = None,
        json_out: JsonOption = False,
    ) -> None:
        """Load a synthetic cohort consistent with Lee et al. 2000 (every row marked
        synthetic; docs/registry-demo.md)."""
        doc = demo(db, seed, patients, json_out)
        common.emit(doc, json_out, lambda con: _render_demo(con, doc))

    @reg.command("cohort")
    def cohort_cmd(
        db: DbOption = None,
        disease: DiseaseOption = None,
        regimen: RegimenOption = None,
        ecog: EcogOption = None,
        start_from: FromOption = None,
        start_to: ToOption = None,
        response: ResponseOption = None,
        synthetic: SyntheticOption = None,
        code_prefix: CodePrefixOption = None,
        risk_group: RiskGroupOption = None,
        rows: Annotated[bool, typer.Option("--rows", help="include one row per patient")] = False,
        json_out: JsonOption = False,
    ) -> None:
        """Response rates (exact CIs), OS and PFS (Kaplan-Meier) and the tempo tables of the
        registry's patients, filtered."""
        doc = cohort(db, rows, **filter_fields(
            disease=disease, regimen=regimen, ecog=ecog, start_from=start_from,
            start_to=start_to, response=response, synthetic=synthetic,
            code_prefix=code_prefix, risk_group=risk_group))
        common.emit(doc, json_out, lambda con: _render_cohort(con, doc))
