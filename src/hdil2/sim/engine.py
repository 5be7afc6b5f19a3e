"""Run a simulation block by block: reproducible for a seed, whatever the chunking.

A simulation is two pure functions of :class:`Simulation`:

* ``block(params, index, size, rng) -> dict[str, ndarray]``: simulate ``size`` units (trials
  or virtual patients) of block ``index`` with the NumPy generator ``rng`` and return their
  *sufficient statistics* - sums and counts, arrays of a shape that does not depend on
  ``size`` (e.g. the number of rejections, the sum of sample sizes, a 4 x 4 table of course
  transitions);
* ``finish(params, totals, n) -> result``: the result (estimates and their Monte Carlo
  standard errors) from the totals summed over all blocks and the number of units ``n``.

The unit of randomness is the block of :data:`BLOCK` units: block ``i`` draws from
``np.random.Generator(np.random.PCG64(SeedSequence(seed).spawn(...)[i]))`` - a stream of its
own, independent of every other block's - so a run of ``n`` units gives the same totals
whether its blocks are simulated one chunk at a time, in chunks of 10^3 or 10^5 units, in this
process or on any number of Dask workers (sums of integers are exact; sums of floats are
added in block order).  The last block is simulated whole and only its first units kept, so
``n`` need not be a multiple of :data:`BLOCK`.

Memory is bounded by the chunk: a chunk's blocks are simulated, reduced to their small
statistics and added to the totals before the next chunk starts, so 10^7 virtual patients
need no more memory than 10^5.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hdil2.core.errors import InputError

#: units (trials or patients) of one random stream
BLOCK = 1_000
#: units per chunk unless the caller chooses (a multiple of BLOCK)
DEFAULT_CHUNK = 100_000
#: the largest run a request may ask for
MAX_UNITS = 10**9

Step = Callable[[int, int], None]  # step(units done, units in all)


@dataclass(frozen=True)
class Simulation:
    """A simulation: its name, parameters (picklable, for Dask), ``block`` and ``finish``."""

    name: str
    params: Any
    block: Callable[[Any, int, int, Any], Mapping[str, Any]]
    finish: Callable[[Any, Mapping[str, Any], int], Any]


def check_run(n: Any, seed: Any, chunk: Any = DEFAULT_CHUNK) -> tuple[int, int, int]:
    """Refuse a run that cannot be made: ``n`` units from 1 to :data:`MAX_UNITS`, ``seed`` a
    whole number from 0 to 2^63 - 1, ``chunk`` a positive multiple of :data:`BLOCK`."""
    for field, v, lo, hi in (("n", n, 1, MAX_UNITS), ("seed", seed, 0, 2**63 - 1),
                             ("chunk", chunk, BLOCK, MAX_UNITS)):
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise InputError(field, f"a whole number from {lo:,} to {hi:,}", v)
    if chunk % BLOCK:
        raise InputError("chunk", f"a multiple of {BLOCK:,} (the units of one random stream)",
                         chunk)
    return n, seed, chunk


def block_rng(seed: int, index: int) -> Any:
    """The generator of block ``index`` of a run with ``seed``: the ``index``-th child of
    ``SeedSequence(seed)``, made directly (``spawn_key=(index,)``) so that no block needs the
    ones before it."""
    import numpy as np

    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed,
                                                                      spawn_key=(index,))))


def blocks(n: int) -> list[tuple[int, int]]:
    """(index, units kept) of every block of a run of ``n`` units."""
    full, rest = divmod(n, BLOCK)
    return [(i, BLOCK) for i in range(full)] + ([(full, rest)] if rest else [])


def _add(total: dict[str, Any], part: Mapping[str, Any]) -> None:
    for key, value in part.items():
        total[key] = value if key not in total else total[key] + value


def run_blocks(sim: Simulation, seed: int, chosen: list[tuple[int, int]]
               ) -> list[Mapping[str, Any]]:
    """The statistics of each of the blocks ``chosen`` (index, units kept): the work of one
    chunk (a Dask task).  They are added up by :func:`add_up` in block order, the same order
    whatever the chunks, so float sums are the same to the last bit."""
    return [sim.block(sim.params, index, keep, block_rng(seed, index))
            for index, keep in chosen]


def add_up(parts: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The totals of the blocks' statistics, added in the order given (block order)."""
    total: dict[str, Any] = {}
    for part in parts:
        _add(total, part)
    return total


def chunks(n: int, chunk: int) -> Iterator[list[tuple[int, int]]]:
    """The blocks of a run of ``n`` units, ``chunk // BLOCK`` blocks at a time."""
    todo = blocks(n)
    per = chunk // BLOCK
    for start in range(0, len(todo), per):
        yield todo[start:start + per]


def run(sim: Simulation, n: int, seed: int, *, chunk: int = DEFAULT_CHUNK,
        step: Step | None = None) -> Any:
    """Simulate ``n`` units in this process, chunk by chunk; the result of ``sim.finish``."""
    n, seed, chunk = check_run(n, seed, chunk)
    totals: dict[str, Any] = {}
    done = 0
    for part in chunks(n, chunk):
        # folded chunk by chunk, each block after the one before it: the same additions in
        # the same order as adding all blocks at the end, and memory bounded by the chunk
        totals = add_up([totals, *run_blocks(sim, seed, part)])
        done += sum(keep for _, keep in part)
        if step is not None:
            step(done, n)
    return sim.finish(sim.params, totals, n)
