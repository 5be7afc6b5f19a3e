"""``hdil2 simulate``: in-silico trials, their operating characteristics with Monte Carlo errors.

``hdil2 simulate simon --r1 1 --n1 10 --r 5 --n 29 --p 0.1`` simulates trials of a Simon
two-stage design (docs/simulation.md).  Every simulation takes ``--trials`` (how many),
``--seed`` (the same seed gives the same numbers, whatever ``--chunk`` or the number of
workers), ``--chunk`` (units simulated at a time: memory), and runs in this process, on a Dask
``LocalCluster`` of ``--workers N`` processes, or on a running Dask cluster (``--scheduler
tcp://host:8786``).  A progress bar shows on a terminal; ``--json`` prints the result.  NumPy
and Dask are imported inside the commands only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hdil2.cli import common
from hdil2.cli.registry import _progress

if TYPE_CHECKING:
    from rich.console import Console

#: the seed of a run that names none
DEFAULT_SEED = 1
#: trials simulated unless --trials says otherwise
DEFAULT_TRIALS = 100_000
#: virtual patients simulated unless --patients says otherwise
DEFAULT_PATIENTS = 100_000
#: the most virtual patients a command simulates per local process (about 5 s)
MAX_LOCAL_PATIENTS = 1_000_000
#: two-arm binary trials per local process (about 2 s)
MAX_LOCAL_BINARY = 5_000_000
#: two-arm survival trials unless --trials says otherwise, and trials × patients × analyses
#: per local process (about 2 s)
DEFAULT_SURVIVAL_TRIALS = 10_000
MAX_LOCAL_PATIENT_TRIALS = 10_000_000

JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]
TrialsOpt = Annotated[int, typer.Option(
    "--trials", help="simulated trials (1 to 1,000,000,000)")]
SeedOpt = Annotated[int, typer.Option(
    "--seed", help="random seed (0 to 2^63 - 1): the same seed gives the same numbers")]
ChunkOpt = Annotated[int | None, typer.Option(
    "--chunk", help="trials simulated at a time, a multiple of 1,000 (default 100,000): "
    "bounds the memory, never changes the numbers")]
WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", help="run on a Dask LocalCluster of this many worker processes (at most the "
    "cores of this machine); same numbers as one process")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="run on the Dask cluster whose scheduler has this address "
    "(tcp://host:8786); same numbers as one process")]

# the row titles of the estimates of a simulated result
_LABELS = {
    "reject": "P(reject H0)",
    "pet": "P(early termination)",
    "en": "E(N), patients",
    "early_stop": "P(early stop)",
    "early_efficacy": "P(stop early, efficacy)",
    "early_futility": "P(stop early, futility)",
    "expected_patients": "E(patients enrolled)",
    "expected_events": "E(events)",
    "expected_duration": "E(duration)",
}


def _run(sim: Any, units: int, seed: int, chunk: int | None, workers: int | None,
         scheduler: str | None, as_json: bool, what: str = "trials",
         max_local: int | None = None) -> Any:
    """Run ``sim`` here or on a Dask cluster, with a progress bar on a terminal."""
    from hdil2.sim import cluster, engine

    with _progress(f"simulating {sim.name}", as_json) as step:
        return cluster.run_dask(sim, units, seed,
                                chunk=engine.DEFAULT_CHUNK if chunk is None else chunk,
                                scheduler=scheduler, workers=workers, step=step,
                                units=what, max_local=max_local)


def _estimates(con: Console, res: Any) -> None:
    """The result's estimates, each with its Monte Carlo SE (and the exact value if known)."""
    import dataclasses

    from rich.table import Table

    from hdil2.sim.trials import Estimate

    rows = [(f.name, getattr(res, f.name)) for f in dataclasses.fields(res)
            if isinstance(getattr(res, f.name), Estimate)]
    by = getattr(res, "reject_by_analysis", ())
    if len(by) > 1:  # group sequential: the rejections at each analysis
        rows[1:1] = [(f"P(reject at analysis {k})", e) for k, e in enumerate(by, 1)]
    exact = any(hasattr(res, f"exact_{name}") for name, _ in rows)
    t = Table(pad_edge=False)
    for c in ("", "simulated", "MC SE", *(("exact",) if exact else ())):
        t.add_column(c, no_wrap=True)
    for name, e in rows:
        cells = [_LABELS.get(name, name.replace("_", " ")), f"{e.estimate:.4f}",
                 f"{e.mc_se:.4f}"]
        if exact:
            x = getattr(res, f"exact_{name}", None)
            cells.append("—" if x is None else f"{x:.4f}")
        t.add_row(*cells)
    con.print(t)


def _render(res: Any, title: str, seed: int) -> Any:
    from hdil2.cli.render import reasons_table

    def render(con: Console) -> None:
        con.print(f"{title}: {res.trials:,} simulated trials, seed {seed}", style="bold")
        _estimates(con, res)
        reasons_table(con, res.reasons, "Method and source")

    return render


def register(app: typer.Typer) -> None:
    """Register ``hdil2 simulate`` and its commands."""
    sim_app = typer.Typer(
        name="simulate", no_args_is_help=True,
        help="In-silico trials: operating characteristics with their Monte Carlo errors, in "
        "this process or on a Dask cluster (docs/simulation.md).")
    app.add_typer(sim_app)

    @sim_app.command("simon")
    def simon_cmd(
        r1: Annotated[int, typer.Option(help="stage 1: stop if responses ≤ r1")],
        n1: Annotated[int, typer.Option(help="stage 1: patients")],
        r: Annotated[int, typer.Option(help="the end: reject H0 if responses > r")],
        n: Annotated[int, typer.Option(help="patients in all (both stages)")],
        p: Annotated[float, typer.Option(help="true response rate simulated (0 to 1): p0 "
                                         "gives the type I error, p1 the power")],
        trials: TrialsOpt = DEFAULT_TRIALS,
        seed: SeedOpt = DEFAULT_SEED,
        chunk: ChunkOpt = None,
        workers: WorkersOpt = None,
        scheduler: SchedulerOpt = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Simulated trials of a Simon two-stage design at response rate p: P(reject H0),
        P(early termination), E(N), each with its Monte Carlo SE, beside the exact values
        (`hdil2 design simon-oc`).

        Bound: n ≤ 10,000; up to 10^9 trials (a few million a second per core).
        """
        from hdil2.sim.trials import simon_simulation

        sim = simon_simulation(r1, n1, r, n, p)
        res = _run(sim, trials, seed, chunk, workers, scheduler, json_out)
        common.emit(res, json_out, _render(
            res, f"Simon two-stage {res.r1}/{res.n1}, {res.r}/{res.n} at p {res.p:g}", seed))

    two_arm = typer.Typer(
        name="two-arm", no_args_is_help=True,
        help="Randomized two-arm trials: a binary endpoint (two proportions) or time to event "
        "(log-rank, with interim analyses).")
    sim_app.add_typer(two_arm)

    @two_arm.command("binary")
    def binary_cmd(
        p1: Annotated[float, typer.Option(help="response rate of group 1 (experimental)")],
        p2: Annotated[float, typer.Option(help="response rate of group 2 (control)")],
        n1: Annotated[int, typer.Option(help="patients of group 1")],
        n2: Annotated[int | None, typer.Option(help="patients of group 2 (default n1)")] = None,
        alpha: Annotated[float | None, typer.Option(help="type I error (0.05)")] = None,
        sides: Annotated[int | None, typer.Option(help="1 or 2 (2)")] = None,
        test: Annotated[str | None, typer.Option(
            help="normal (pooled z, as hdil2 design two-proportions) or normal_cc (with "
            "Yates' correction)")] = None,
        trials: TrialsOpt = DEFAULT_TRIALS,
        seed: SeedOpt = DEFAULT_SEED,
        chunk: ChunkOpt = None,
        workers: WorkersOpt = None,
        scheduler: SchedulerOpt = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Simulated power (type I error when p1 = p2) of a two-arm comparison of response
        rates, with its Monte Carlo SE, beside the exact power of the test.

        Bound: 5,000,000 trials per local process (a few seconds); more with --scheduler.
        """
        from hdil2.sim.trials import two_arm_binary_simulation

        given: dict[str, Any] = {k: v for k, v in (
            ("alpha", alpha), ("sides", sides), ("test", test)) if v is not None}
        sim = two_arm_binary_simulation(p1, p2, n1, n2, **given)
        res = _run(sim, trials, seed, chunk, workers, scheduler, json_out,
                   max_local=MAX_LOCAL_BINARY)
        common.emit(res, json_out, _render(
            res, f"Two arms: {res.p1:g} ({res.n1}) vs {res.p2:g} ({res.n2}), {res.test} z test, "
            f"{res.sides}-sided α {res.alpha:g}", seed))

    @two_arm.command("survival")
    def survival_cmd(
        hazard_ratio: Annotated[float, typer.Option(
            "--hazard-ratio", help="hazard of group 1 (experimental) / group 2 (control)")],
        n: Annotated[int, typer.Option(help="patients per trial (both groups)")],
        accrual: Annotated[float, typer.Option(help="accrual period (months), entry uniform")],
        follow_up: Annotated[float, typer.Option(
            "--follow-up", help="follow-up after the accrual (months): the final analysis")],
        control_median: Annotated[float | None, typer.Option(
            "--control-median", help="median time to event of the control group (months)")
        ] = None,
        control_hazard: Annotated[float | None, typer.Option(
            "--control-hazard", help="or its hazard (per month)")] = None,
        ratio: Annotated[float | None, typer.Option(help="allocation n1/n2 (1)")] = None,
        dropout_hazard: Annotated[float | None, typer.Option(
            "--dropout-hazard", help="drop-out hazard per month, both groups (0)")] = None,
        alpha: Annotated[float | None, typer.Option(help="type I error (0.05)")] = None,
        sides: Annotated[int | None, typer.Option(help="1 or 2 (2)")] = None,
        interim_fractions: Annotated[str | None, typer.Option(
            "--interim-fractions", help="interim analyses at these fractions of the events "
            "expected at the end, e.g. 0.5,0.75")] = None,
        spending: Annotated[str | None, typer.Option(
            help="efficacy boundaries: obrien_fleming (default) or pocock (Lan-DeMets)")] = None,
        futility_z: Annotated[str | None, typer.Option(
            "--futility-z", help="non-binding futility boundary (z) per interim, or none, "
            "e.g. 0,none")] = None,
        trials: Annotated[int, typer.Option(
            "--trials", help="simulated trials (trials × n × analyses at most 10,000,000 "
            "per local process)")] = DEFAULT_SURVIVAL_TRIALS,
        seed: SeedOpt = DEFAULT_SEED,
        chunk: ChunkOpt = None,
        workers: WorkersOpt = None,
        scheduler: SchedulerOpt = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Simulated operating characteristics of a randomized time-to-event trial analysed by
        the log-rank test: type I error or power, rejections at each analysis, early stops,
        E(patients), E(events), E(duration), each with its Monte Carlo SE.

        Bound: trials × n × analyses ≤ 10,000,000 per local process (a few seconds); more
        with --scheduler.
        """
        from hdil2.sim.trials import two_arm_survival_simulation

        given: dict[str, Any] = {k: v for k, v in (
            ("control_median", control_median), ("control_hazard", control_hazard),
            ("ratio", ratio), ("dropout_hazard", dropout_hazard), ("alpha", alpha),
            ("sides", sides), ("spending", spending)) if v is not None}
        fractions = _list(interim_fractions, "interim_fractions")
        if fractions is not None:
            given["interim_fractions"] = fractions
        futility = _list(futility_z, "futility_z", none_ok=True)
        if futility is not None:
            given["futility_z"] = futility
        sim = two_arm_survival_simulation(hazard_ratio, n=n, accrual=accrual,
                                          follow_up=follow_up, **given)
        res = _run(sim, trials, seed, chunk, workers, scheduler, json_out,
                   max_local=max(1, MAX_LOCAL_PATIENT_TRIALS // _analysed_patients(sim)))
        common.emit(res, json_out, _render(
            res, f"Two arms, time to event: HR {res.hazard_ratio:g}, {res.n} patients "
            f"({res.n1} + {res.n2}), {res.sides}-sided α {res.alpha:g}", seed))

    @sim_app.command("cohort")
    def cohort_cmd(
        disease: Annotated[str, typer.Option(help="rcc or melanoma")] = "rcc",
        policy: Annotated[str, typer.Option(
            help="course policy: lee2000 (the paper's practice), lee2000-rule, fixed:K, "
            "stop-after-nr, consolidate:C (docs/simulation.md)")] = "lee2000",
        selection: Annotated[str | None, typer.Option(
            help="a selection group (pathology-good, ca9-favourable, favourable-histology, "
            "…; docs/simulation.md); default: the paper's patients")] = None,
        months: Annotated[int | None, typer.Option(
            help="survival followed for this many months (1 to 600; default 60)")] = None,
        risk_group: Annotated[str | None, typer.Option(
            "--risk-group", help="rcc: MSKCC 2002 risk group favourable, intermediate or poor "
            "(motzer2002): non-responders survive with the group's median (docs/"
            "simulation.md); default: the model's survival")] = None,
        patients: Annotated[int, typer.Option(
            "--patients", help="virtual patients (1 to 1,000,000 per local process; more "
            "on a Dask cluster)")] = DEFAULT_PATIENTS,
        seed: SeedOpt = DEFAULT_SEED,
        chunk: ChunkOpt = None,
        workers: WorkersOpt = None,
        scheduler: SchedulerOpt = None,
        json_out: JsonOpt = False,
        report: Annotated[Path | None, typer.Option(
            "--report", help="also write the report of the first virtual patients (.html or "
            ".pdf): lee2000's tables, reasons for stopping, survival - the report code of the "
            "registry")] = None,
        report_patients: Annotated[int | None, typer.Option(
            "--report-patients", help="virtual patients in the report (1 to 20,000; default "
            "the simulated patients, at most 1,000)")] = None,
    ) -> None:
        """A cohort of virtual HD IL-2 patients treated course by course under a policy:
        treated and responses per course, reasons for stopping, CR/PR/ORR and overall survival,
        each with its Monte Carlo SE (lee2000's Tables 3-5).

        Bound: 1,000,000 patients per local process (about 5 s); more with --scheduler.
        """
        from hdil2.core.errors import InputError
        from hdil2.sim.cohort import cohort_simulation
        from hdil2.sim.model import LEE2000

        options: dict[str, Any] = {} if months is None else {"months": months}
        sim = cohort_simulation(LEE2000, policy, disease, selection=selection,
                                risk_group=risk_group, **options)
        if report_patients is not None and report is None:
            raise InputError("report_patients", "only with --report")
        n_report = 0
        if report is not None:  # refuse a bad file name or size before the simulation runs
            from hdil2.report.document import check_out
            from hdil2.report.virtual import MAX_REPORTED

            check_out(report, "report")
            n_report = report_patients if report_patients is not None else min(patients, 1000)
            top = min(MAX_REPORTED, patients)
            if (isinstance(n_report, bool) or not isinstance(n_report, int)
                    or not 1 <= n_report <= top):
                raise InputError("report_patients", f"a whole number from 1 to {top:,} (the "
                                 "first of the simulated patients)", n_report)
        res = _run(sim, patients, seed, chunk, workers, scheduler, json_out, "patients",
                   MAX_LOCAL_PATIENTS)
        if report is not None:
            from hdil2.report import document
            from hdil2.report.virtual import virtual_cohort

            n = n_report
            data = virtual_cohort(sim, n, seed)
            written = document.write(document.cohort_report(data), report)
            show = _render_cohort(res, seed)

            def render(con: Console) -> None:
                show(con)
                con.print(f"report of {n:,} virtual patients: {written['out']}")

            common.emit({"simulation": res, "report": written}, json_out, render)
            return
        common.emit(res, json_out, _render_cohort(res, seed))


_STOPS = {"il2_toxicity": "IL-2 toxicity", "max_courses": "policy's last course"}


def _analysed_patients(sim: Any) -> int:
    """Patients analysed per simulated trial of a two-arm survival simulation: its patients
    times its analyses (interims and the final one) - the cost of a trial."""
    return int(sim.params.n) * len(sim.params.information_rates)


def _list(text: str | None, field: str, none_ok: bool = False) -> list[float | None] | None:
    """A comma-separated list of numbers (``none`` for no value where allowed)."""
    from hdil2.core.errors import InputError

    if text is None:
        return None
    out: list[float | None] = []
    for i, part in enumerate(text.split(",")):
        word = part.strip()
        if none_ok and word.lower() in ("none", "null", "-"):
            out.append(None)
            continue
        try:
            out.append(float(word))
        except ValueError:
            raise InputError(f"{field}[{i}]", "must be a number" + (" or none" if none_ok
                                                                      else ""), part) from None
    return out


def _pct(e: Any) -> str:
    return f"{100 * e.value:.2f} ± {100 * e.se:.2f}"


def _render_cohort(res: Any, seed: int) -> Any:
    from rich.table import Table

    from hdil2.cli.render import reasons_table

    def render(con: Console) -> None:
        who = f", selection {res.selection}" if res.selection else ""
        who += f", risk group {res.risk_group}" if res.risk_group else ""
        con.print(f"Cohort: {res.disease}, policy {res.policy}{who}: {res.patients:,} virtual "
                  f"patients, seed {seed}", style="bold")
        cells = [(c.treated, *(c.response[s] for s in ("CR", "PR", "MR", "NR")))
                 for c in res.courses]
        largest = max(e.se for row in cells for e in row)
        t = Table(pad_edge=False, title=f"% of patients (MC SE at most {100 * largest:.2f})",
                  title_justify="left")
        for c in ("course", "treated", "CR after it", "PR", "MR", "NR"):
            t.add_column(c, no_wrap=True, justify="right")
        for c, row in zip(res.courses, cells, strict=True):
            t.add_row(str(c.course), *(f"{100 * e.value:.2f}" for e in row))
        con.print(t)
        con.print(f"best response: CR {_pct(res.cr)} %, PR {_pct(res.pr)} %, ORR "
                  f"{_pct(res.orr)} %; courses per patient {res.mean_courses.value:.3f} ± "
                  f"{res.mean_courses.se:.3f}")
        median = ("not reached" if res.median_os_months is None
                  else f"{res.median_os_months} months")
        con.print(f"median overall survival: {median}")
        stops = Table(pad_edge=False, title="stopped after course k, % of patients",
                      title_justify="left")
        stops.add_column("reason", no_wrap=True)
        for k in range(len(res.courses)):
            stops.add_column(str(k + 1), no_wrap=True)
        for why, row in res.discontinuation.items():
            if any(e.value for e in row):
                stops.add_row(_STOPS.get(why, why.replace("_", " ")),
                              *(f"{100 * e.value:.2f}" for e in row))
        con.print(stops)
        _dose_tables(con, res.doses)
        reasons_table(con, res.reasons, "Method and source")

    return render


def _dose_tables(con: Console, doses: Any) -> None:
    """Doses given per course (median with its MC interval, mean ± MC SE) and the incidence of
    a held dose at each dose number (the two cycles side by side for up to 4 courses)."""
    from rich.table import Table

    if not doses:
        return
    given = Table(pad_edge=False, title="doses given in the course, of 28 (patients treated "
                  "in it)", title_justify="left")
    for c in ("course", "median", "95 % MC", "mean ± MC SE"):
        given.add_column(c, no_wrap=True, justify="right")
    for d in doses:
        given.add_row(str(d.course), str(d.median), f"{d.median_low}-{d.median_high}",
                      f"{d.mean.value:.3f} ± {d.mean.se:.3f}")
    con.print(given)
    largest = max(e.se for d in doses for e in d.held)
    held = Table(pad_edge=False, title=f"held, % of patients treated in course k (MC SE at "
                 f"most {100 * largest:.2f})", title_justify="left")
    slots = len(doses[0].held)
    sides = 2 if len(doses) <= 4 else 1  # the two cycles side by side when they fit 80 columns
    rows = slots // sides
    for _ in range(sides):
        held.add_column("dose", no_wrap=True, justify="right")
        for d in doses:
            held.add_column(f"k={d.course}", no_wrap=True, justify="right")
    for j in range(rows):
        row: list[str] = []
        for slot in range(j, slots, rows):
            row.append(str(slot + 1))
            row.extend(f"{100 * d.held[slot].value:.1f}" for d in doses)
        held.add_row(*row)
    con.print(held)
