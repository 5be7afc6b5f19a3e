"""The same simulation on a Dask cluster: chunks as tasks, the result identical to one process.

:func:`run_dask` runs a :class:`~hdil2.sim.engine.Simulation` on a Dask ``distributed``
cluster - an existing one (``scheduler="tcp://host:8786"``, a ``dask scheduler`` with
``dask worker`` processes started elsewhere) or a ``LocalCluster`` of ``workers`` processes
on this machine, started for the run and closed after it.

Each chunk of blocks (:func:`hdil2.sim.engine.chunks`) is one task running
:func:`hdil2.sim.engine.run_blocks` on a worker.  The results come back in whatever order the
workers finish them (the progress step counts them as they arrive) and are added up in block
order, so the totals - and the result - are the same to the last bit as
:func:`hdil2.sim.engine.run` in this process gives: block ``i`` draws from its own stream
whichever worker simulates it.

Memory is bounded: at most two chunks per worker thread are in flight or waiting for their turn
to be added up (a new chunk is submitted as one is added), so a run of 10^9 units never holds
10^4 pending tasks, and the totals are kept as they grow, not the blocks' statistics.  An
:class:`~hdil2.core.errors.InputError` raised on a worker (a parameter the simulation
refuses) is raised here as the same error naming the same field.

Dask is imported only here, inside :func:`run_dask`: the rest of hdil2 runs without it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from hdil2.core.errors import InputError
from hdil2.sim import engine

#: seconds to wait for the scheduler named by ``scheduler`` to answer
CONNECT_TIMEOUT_S = 10
#: tasks in flight per worker thread
IN_FLIGHT_PER_THREAD = 2
#: where a LocalCluster's scheduler serves its HTTP pages: this machine only, on a free port
#: (the default, port 8787, is taken when another cluster runs: Dask then warns on stderr)
LOCAL_HTTP = "127.0.0.1:0"


class _WorkerInputError(Exception):
    """An :class:`InputError` raised on a worker, carried back by value (field, message,
    value): ``InputError`` itself does not survive pickling (its constructor takes three
    arguments, its ``args`` hold one)."""


def _run_chunk(sim: engine.Simulation, seed: int, part: list[tuple[int, int]]
               ) -> list[Mapping[str, Any]]:
    """One task: :func:`engine.run_blocks` on a worker, its input errors made portable."""
    try:
        return engine.run_blocks(sim, seed, part)
    except InputError as e:
        value = e.value if e.value is None or isinstance(e.value, int | float | str) \
            else str(e.value)
        raise _WorkerInputError(e.field, e.message, value) from None


def _distributed() -> Any:
    """The ``distributed`` package (imported on first use; its API is untyped)."""
    import distributed

    return distributed


def local_worker_limit() -> int:
    """The most ``LocalCluster`` worker processes a run may start: this machine's cores."""
    return os.cpu_count() or 1


def check_target(scheduler: Any, workers: Any) -> tuple[str | None, int | None]:
    """Refuse a cluster that cannot be used: ``scheduler`` a non-empty address string,
    ``workers`` a whole number from 1 to the cores of this machine, not both."""
    if scheduler is not None and workers is not None:
        raise InputError("workers", "give workers (a local cluster) or scheduler (an "
                         "existing cluster), not both", workers)
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise InputError("scheduler", "a Dask scheduler address, e.g. tcp://host:8786",
                         scheduler)
    limit = local_worker_limit()
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or not 1 <= workers <= limit):
        raise InputError("workers", f"a whole number from 1 to {limit} (the cores of this "
                         "machine); for more, start a cluster and give its scheduler", workers)
    return (scheduler.strip() if isinstance(scheduler, str) else None), workers


def run_dask(sim: engine.Simulation, n: int, seed: int, *, chunk: int = engine.DEFAULT_CHUNK,
             scheduler: str | None = None, workers: int | None = None,
             step: engine.Step | None = None, units: str = "n",
             max_local: int | None = None) -> Any:
    """Simulate ``n`` units on a Dask cluster; the result of :func:`engine.run`, identical.

    ``scheduler``: the address of a running Dask scheduler; else ``workers``: the number of
    worker processes of a ``LocalCluster`` (one thread each) started for this run; with
    neither, the run is made in this process by :func:`engine.run`.  ``step(done, n)`` is
    called as each chunk's results arrive.  ``units`` is the name of ``n`` in an error
    (``trials``, ``patients``: the option a command line gave).  ``max_local``: the most
    units one local process may be asked for (``workers`` times as many on a ``LocalCluster``;
    no bound with ``scheduler``) - the bound of a command that must answer in seconds.
    """
    try:
        n, seed, chunk = engine.check_run(n, seed, chunk)
    except InputError as e:
        if e.field != "n":
            raise
        raise InputError(units, e.message, e.value) from None
    scheduler, workers = check_target(scheduler, workers)
    if max_local is not None and scheduler is None and n > max_local * (workers or 1):
        where = (f"{workers} local worker processes" if workers else "one process")
        raise InputError(units, f"at most {max_local * (workers or 1):,} on {where} "
                         f"({max_local:,} per process); a larger run needs a Dask cluster "
                         "(scheduler)", n)
    if scheduler is None and workers is None:
        return engine.run(sim, n, seed, chunk=chunk, step=step)

    dd = _distributed()
    if scheduler is not None:
        try:
            client = dd.Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
        except (OSError, TimeoutError, ValueError, TypeError) as e:
            raise InputError("scheduler", f"no Dask scheduler answered at this address "
                             f"within {CONNECT_TIMEOUT_S} s ({type(e).__name__}: {e})",
                             scheduler) from None
        with client:
            totals = _gather(client, sim, n, seed, chunk, step)
    else:
        import logging

        with dd.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                             dashboard_address=LOCAL_HTTP,
                             silence_logs=logging.CRITICAL) as cluster, \
                dd.Client(cluster) as client:
            totals = _gather(client, sim, n, seed, chunk, step)
    return sim.finish(sim.params, totals, n)


def _gather(client: Any, sim: engine.Simulation, n: int, seed: int, chunk: int,
            step: engine.Step | None) -> dict[str, Any]:
    """The blocks' statistics added up in block order, the chunks run as tasks on
    ``client``'s cluster.

    The chunks are submitted through a window of ``cap`` chunks (:data:`IN_FLIGHT_PER_THREAD`
    per worker thread): chunk ``k`` is submitted once every chunk before ``k - cap`` has been
    added up, so the tasks in flight and the chunks that arrived ahead of their turn are never
    more than ``cap`` together.  Chunks are added to the running totals in chunk order, as
    :func:`engine.add_up` adds them in :func:`engine.run`: the same sums to the last bit.
    """
    threads = sum(client.nthreads().values())
    cap = max(2, IN_FLIGHT_PER_THREAD * threads)
    todo: Iterator[tuple[int, list[tuple[int, int]]]] = enumerate(engine.chunks(n, chunk))
    where: dict[str, tuple[int, int]] = {}  # task key -> (chunk number, units)
    pending = _distributed().as_completed()
    waiting: dict[int, list[Mapping[str, Any]]] = {}  # chunk number -> its blocks' stats
    totals: dict[str, Any] = {}
    following = 0  # the next chunk to add to the totals
    submitted = 0

    def fill() -> None:
        nonlocal submitted
        while submitted < following + cap:
            nxt = next(todo, None)
            if nxt is None:
                return
            k, part = nxt
            future = client.submit(_run_chunk, sim, seed, part, pure=False)
            where[future.key] = (k, sum(keep for _, keep in part))
            pending.add(future)
            submitted += 1

    fill()
    done = 0
    try:
        for future in pending:
            try:
                part_stats = future.result()
            except _WorkerInputError as e:
                raise InputError(*e.args) from None
            k, units = where.pop(future.key)
            future.release()
            waiting[k] = part_stats
            while following in waiting:
                totals = engine.add_up([totals, *waiting.pop(following)])
                following += 1
            done += units
            if step is not None:
                step(done, n)
            fill()
    finally:
        for future in list(pending.futures):
            future.cancel()
    assert not waiting, "every chunk is added up"
    return totals
