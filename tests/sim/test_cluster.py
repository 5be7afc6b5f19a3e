"""The same simulation on a Dask cluster (issue 15 item 5): chunks as tasks on a two-worker
LocalCluster (worker processes) give the result of one process, field for field, for chunks
of 10^3 and 10^5 trials; the seed alone decides the numbers; a worker's input error comes back
as the same InputError naming its field; a cluster that cannot be used is refused naming it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from hdil2.core.errors import InputError
from hdil2.sim import cluster, engine
from hdil2.sim.trials import simon_simulation

N = 200_000  # trials: 200 blocks of 1,000
# lee2000's era: the Simon optimal design for p0 0.1, p1 0.3 (simon1989, Table 1)
SIMON = simon_simulation(1, 10, 5, 29, 0.1)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster of two worker processes, one thread each (one per
    module: starting one takes seconds)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=cluster.LOCAL_HTTP,
                      silence_logs=logging.CRITICAL) as c:
        yield c.scheduler_address


@pytest.fixture(scope="module")
def local() -> dict[int, Any]:
    """engine.run in this process, chunk 100,000, for the seeds the tests use."""
    return {seed: engine.run(SIMON, N, seed) for seed in (7, 8)}


@pytest.mark.parametrize("chunk", [1_000, 100_000])
def test_item15_two_workers_give_the_single_process_result(scheduler: str, local: Any,
                                                           chunk: int) -> None:
    steps: list[tuple[int, int]] = []
    out = cluster.run_dask(SIMON, N, 7, chunk=chunk, scheduler=scheduler,
                           step=lambda done, n: steps.append((done, n)))
    assert out == local[7]  # every field, estimates and their Monte Carlo SEs to the bit
    assert out.to_dict() == local[7].to_dict()
    assert out.trials == N
    # one step per chunk as it arrives, ending with every trial done
    assert len(steps) == -(-N // chunk)
    assert steps[-1] == (N, N)
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_item15_the_seed_decides_the_numbers(scheduler: str, local: Any) -> None:
    again = cluster.run_dask(SIMON, N, 7, chunk=10_000, scheduler=scheduler)
    other = cluster.run_dask(SIMON, N, 8, chunk=10_000, scheduler=scheduler)
    assert again == local[7]
    assert other == local[8]
    assert other.reject != again.reject
    assert other.pet != again.pet


def test_item15_a_run_not_a_multiple_of_the_block(scheduler: str) -> None:
    """The last block is cut to the units asked for, on a worker as in this process."""
    n = 12_345
    assert cluster.run_dask(SIMON, n, 3, chunk=5_000, scheduler=scheduler) == \
        engine.run(SIMON, n, 3, chunk=5_000)


def test_item15_tasks_in_flight_are_capped(scheduler: str, monkeypatch: Any) -> None:
    """A run of many chunks never has more than two tasks per worker thread pending."""
    from distributed import Client

    most = 0
    real = Client.submit

    def counting(self: Any, *args: Any, **kw: Any) -> Any:
        nonlocal most
        future = real(self, *args, **kw)
        most = max(most, sum(1 for f in self.futures.values() if f.status == "pending"))
        return future

    monkeypatch.setattr(Client, "submit", counting)
    out = cluster.run_dask(SIMON, 100_000, 5, chunk=1_000, scheduler=scheduler)
    assert out == engine.run(SIMON, 100_000, 5)
    assert 0 < most <= 4  # 2 workers x 1 thread x 2


# a stand-in simulation whose block refuses its parameter (on the worker, as a real
# simulation refuses an input only a block can check)
def _refusing_block(params: Any, index: int, size: int, rng: Any) -> dict[str, Any]:
    if index == params["bad_block"]:
        raise InputError("dose_level", "not a level of this model", params["level"])
    return {"units": size}


def _finish(params: Any, totals: Any, n: int) -> Any:
    return totals


def test_item15_a_workers_input_error_is_the_same_input_error(scheduler: str) -> None:
    sim = engine.Simulation("refusing", {"bad_block": 7, "level": 9}, _refusing_block, _finish)
    with pytest.raises(InputError) as local_error:
        engine.run(sim, 10_000, 1, chunk=1_000)
    with pytest.raises(InputError) as e:
        cluster.run_dask(sim, 10_000, 1, chunk=1_000, scheduler=scheduler)
    assert type(e.value) is InputError
    assert (e.value.field, e.value.message, e.value.value) == \
        (local_error.value.field, local_error.value.message, local_error.value.value) == \
        ("dose_level", "not a level of this model", 9)


@pytest.mark.parametrize(("kw", "field"), [
    ({"workers": 0}, "workers"),
    ({"workers": -1}, "workers"),
    ({"workers": 10**6}, "workers"),
    ({"workers": 2.0}, "workers"),
    ({"workers": True}, "workers"),
    ({"workers": 2, "scheduler": "tcp://127.0.0.1:8786"}, "workers"),
    ({"scheduler": ""}, "scheduler"),
    ({"scheduler": 8786}, "scheduler"),
    ({"chunk": 1500, "workers": 2}, "chunk"),
])
def test_item15_a_cluster_that_cannot_be_used_is_refused(kw: dict[str, Any],
                                                         field: str) -> None:
    with pytest.raises(InputError) as e:
        cluster.run_dask(SIMON, 1000, 1, **kw)
    assert e.value.field == field


def test_item15_no_scheduler_at_the_address_is_refused_naming_it(monkeypatch: Any) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    with pytest.raises(InputError) as e:
        cluster.run_dask(SIMON, 1000, 1, scheduler=f"tcp://127.0.0.1:{port}")
    assert e.value.field == "scheduler"


def test_item15_without_a_cluster_the_run_is_made_here() -> None:
    assert cluster.run_dask(SIMON, 3000, 2) == engine.run(SIMON, 3000, 2)


def test_item15_a_local_bound_names_the_units_and_scales_with_workers(scheduler: str) -> None:
    """``max_local``: the most units per local process a command allows; a LocalCluster of N
    workers allows N times as many; a cluster given by its scheduler is not bounded."""
    with pytest.raises(InputError) as e:
        cluster.run_dask(SIMON, 5001, 1, units="trials", max_local=5000)
    assert e.value.field == "trials"
    with pytest.raises(InputError) as e:
        cluster.run_dask(SIMON, 10_001, 1, workers=2, units="trials", max_local=5000)
    assert e.value.field == "trials"
    assert cluster.run_dask(SIMON, 5000, 1, max_local=5000) == engine.run(SIMON, 5000, 1)
    assert cluster.run_dask(SIMON, 20_000, 1, scheduler=scheduler, max_local=5000) == \
        engine.run(SIMON, 20_000, 1)
