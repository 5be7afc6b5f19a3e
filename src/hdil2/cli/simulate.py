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
}


def _run(sim: Any, trials: int, seed: int, chunk: int | None, workers: int | None,
         scheduler: str | None, as_json: bool) -> Any:
    """Run ``sim`` here or on a Dask cluster, with a progress bar on a terminal."""
    from hdil2.sim import cluster, engine

    with _progress(f"simulating {sim.name}", as_json) as step:
        return cluster.run_dask(sim, trials, seed,
                                chunk=engine.DEFAULT_CHUNK if chunk is None else chunk,
                                scheduler=scheduler, workers=workers, step=step,
                                units="trials")


def _estimates(con: Console, res: Any) -> None:
    """The result's estimates, each with its Monte Carlo SE (and the exact value if known)."""
    import dataclasses

    from rich.table import Table

    from hdil2.sim.trials import Estimate

    rows = [(f.name, getattr(res, f.name)) for f in dataclasses.fields(res)
            if isinstance(getattr(res, f.name), Estimate)]
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

        Bound: n ≤ 10,000; up to 10^9 trials (about 10^7 a second per core).
        """
        from hdil2.sim.trials import simon_simulation

        sim = simon_simulation(r1, n1, r, n, p)
        res = _run(sim, trials, seed, chunk, workers, scheduler, json_out)
        common.emit(res, json_out, _render(
            res, f"Simon two-stage {res.r1}/{res.n1}, {res.r}/{res.n} at p {res.p:g}", seed))
