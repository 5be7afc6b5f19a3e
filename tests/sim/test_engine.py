"""The simulation engine (issue 15 item 4): results deterministic for a seed and independent of
the chunk size; a block's stream independent of the others; bad runs refused naming the field."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hdil2.core.errors import InputError
from hdil2.sim import engine


def _block(params: Any, index: int, size: int, rng: Any) -> dict[str, Any]:
    x = rng.binomial(params["n"], params["p"], size=engine.BLOCK)[:size]
    return {"sum": int(x.sum()), "sq": float((x.astype(float) ** 2).sum()), "units": size}


def _finish(params: Any, totals: Any, n: int) -> dict[str, Any]:
    return {**totals, "n": n}


SIM = engine.Simulation("toy", {"n": 29, "p": 0.3}, _block, _finish)


@pytest.mark.parametrize("n", [1, 999, 1000, 1001, 250_000])
def test_item15_same_result_for_any_chunk_size(n: int) -> None:
    runs = [engine.run(SIM, n, 7, chunk=c) for c in (1000, 5000, 100_000)]
    assert runs[0] == runs[1] == runs[2]
    assert runs[0]["units"] == n


def test_item15_blocks_are_independent_streams() -> None:
    """Block i's numbers do not depend on how many blocks come before or after it, and two
    seeds or two blocks give different streams."""
    a = engine.block_rng(11, 3).random(5)
    assert np.array_equal(a, engine.block_rng(11, 3).random(5))
    assert not np.array_equal(a, engine.block_rng(11, 4).random(5))
    assert not np.array_equal(a, engine.block_rng(12, 3).random(5))
    # the first 1,000 units of a longer run are the run of 1,000 units
    assert engine.run(SIM, 1000, 5) == {**engine.run(SIM, 1000, 5, chunk=2000)}


def test_item15_expected_value_within_three_standard_errors() -> None:
    """Binomial(29, 0.3): mean 8.7, variance 6.09 - the engine's draws are what they claim."""
    n = 200_000
    out = engine.run(SIM, n, 2026)
    mean = out["sum"] / n
    se = np.sqrt(29 * 0.3 * 0.7 / n)
    assert abs(mean - 8.7) < 3 * se


@pytest.mark.parametrize(("field", "kw"), [
    ("n", {"n": 0, "seed": 1}), ("n", {"n": 10**10, "seed": 1}), ("n", {"n": 2.5, "seed": 1}),
    ("seed", {"n": 10, "seed": -1}), ("seed", {"n": 10, "seed": True}),
    ("chunk", {"n": 10, "seed": 1, "chunk": 1500}), ("chunk", {"n": 10, "seed": 1, "chunk": 0}),
])
def test_item15_bad_runs_are_refused(field: str, kw: dict[str, Any]) -> None:
    with pytest.raises(InputError) as e:
        engine.run(SIM, **kw)
    assert e.value.field == field
