"""The batched two-group log-rank test (issue 15 item 4) against R survdiff and logrank_test.

R's numbers are those stored in results/survival_r.py (R survival 3.5-3 ``survdiff`` on the
aml, lung and veteran data, rho = 0); each trial of a batch must also equal
:func:`hdil2.stats.logrank_test` (itself checked against R ``survdiff``) on random data with
heavy ties, censoring and patients left out (NaN times), to 1e-10.
"""

from __future__ import annotations

import numpy as np
import pytest
from hdil2_stats_support import load_results, survival_case
from hypothesis import given, settings
from hypothesis import strategies as st

import hdil2.stats
from hdil2.core.errors import InputError
from hdil2.stats import logrank_batch as lb_module
from hdil2.stats.logrank import logrank_test
from hdil2.stats.logrank_batch import LogRankBatch, logrank_batch

REF = load_results("survival_r")
TOL = 1e-10

# R survdiff, rho = 0: the data, its group column and the level that is arm 1 (groups in R's
# order: the second level is arm 1, the first arm 0)
R_CASES = {"aml": ("aml", "x", "Nonmaintained"), "lung_sex": ("lung", "sex", 2),
           "veteran_trt": ("veteran", "trt", 2)}


def _close(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= TOL * max(1.0, abs(expected))


def _padded(cases: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The R data sets as rows of one batch, padded with NaN times (not in the analysis)."""
    frames = [survival_case(R_CASES[c][0]) for c in cases]
    width = max(len(f) for f in frames) + 3
    t = np.full((len(cases), width), np.nan)
    e = np.zeros((len(cases), width))
    a = np.zeros((len(cases), width), dtype=int)
    for i, (c, f) in enumerate(zip(cases, frames, strict=True)):
        k = len(f)
        t[i, :k] = f["time"]
        e[i, :k] = f["status"]
        a[i, :k] = (f[R_CASES[c][1]] == R_CASES[c][2]).astype(int)
        e[i, k:] = np.nan  # a left-out patient's event is ignored, whatever it is
        a[i, k:] = 1
    return t, e, a


def test_item4_matches_r_survdiff() -> None:
    cases = sorted(R_CASES)
    t, e, a = _padded(cases)
    res = logrank_batch(t, e, a)
    assert isinstance(res, LogRankBatch)
    for i, c in enumerate(cases):
        ref = REF.LOGRANK[(c, 0)]
        assert res.n[i] == len(survival_case(R_CASES[c][0]))
        assert res.events[i] == sum(ref["obs"])
        assert res.observed[i] == ref["obs"][1]
        np.testing.assert_allclose(res.expected[i], ref["exp"][1], rtol=TOL)
        np.testing.assert_allclose(res.variance[i], ref["var"][3], rtol=TOL)
        np.testing.assert_allclose(res.chisq[i], ref["chisq"][0], rtol=TOL)
        np.testing.assert_allclose(res.p_value[i], ref["pvalue"][0], rtol=TOL)
        # the sign: arm 1 has more events than expected in all three
        z = (ref["obs"][1] - ref["exp"][1]) / np.sqrt(ref["var"][3])
        np.testing.assert_allclose(res.z[i], z, rtol=TOL)
    # aml: Nonmaintained (arm 1) does worse, z > 0; swapping the arms gives z < 0
    swapped = logrank_batch(t, e, 1 - a)
    np.testing.assert_allclose(swapped.z, -res.z, rtol=TOL)
    np.testing.assert_allclose(swapped.observed, [REF.LOGRANK[(c, 0)]["obs"][0] for c in cases],
                               rtol=0)


def _random_batch(rng: np.random.Generator, trials: int, patients: int, *, ties: bool,
                  left_out: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if ties:  # few distinct times: heavy ties, events and censorings at the same time
        t = rng.integers(0, 6, (trials, patients)).astype(float)
    else:
        t = rng.exponential(1.0, (trials, patients))
    e = (rng.random((trials, patients)) < rng.uniform(0.1, 0.9, (trials, 1))).astype(float)
    a = (rng.random((trials, patients)) < 0.5).astype(int)
    out = rng.random((trials, patients)) < left_out
    t[out] = np.nan
    return t, e, a


def _check_against_logrank_test(t: np.ndarray, e: np.ndarray, a: np.ndarray,
                                res: LogRankBatch) -> int:
    """Each row equals logrank_test on its patients; the number of rows without information."""
    empty = 0
    arms = np.broadcast_to(a, t.shape)
    for i in range(t.shape[0]):
        k = ~np.isnan(t[i])
        assert res.n[i] == k.sum()
        assert res.events[i] == e[i, k].sum()
        if len(set(arms[i, k].tolist())) < 2 or e[i, k].sum() == 0:
            lr = None
        else:
            try:
                lr = logrank_test(t[i, k], e[i, k], arms[i, k])
            except InputError:  # logrank_test refuses data without information
                lr = None
        if lr is None or lr.variance[1][1] == 0:
            empty += 1
            assert res.variance[i] == 0
            assert res.observed[i] == res.expected[i]
            assert (res.chisq[i], res.p_value[i]) == (0.0, 1.0)
            assert np.isnan(res.z[i])
            continue
        assert res.observed[i] == lr.observed[1]
        assert _close(res.expected[i], lr.expected[1])
        assert _close(res.variance[i], lr.variance[1][1])
        assert _close(res.chisq[i], lr.chisq)
        assert _close(res.p_value[i], lr.p_value)
        assert _close(res.z[i] ** 2, lr.chisq)
        diff = lr.observed[1] - lr.expected[1]
        assert abs(diff) < TOL or np.sign(res.z[i]) == np.sign(diff)
    return empty


@pytest.mark.parametrize("ties", [True, False], ids=["ties", "distinct"])
@pytest.mark.parametrize("left_out", [0.0, 0.3])
def test_item4_each_trial_equals_logrank_test(ties: bool, left_out: float) -> None:
    rng = np.random.default_rng(15)
    t, e, a = _random_batch(rng, 400, 25, ties=ties, left_out=left_out)
    _check_against_logrank_test(t, e, a, logrank_batch(t, e, a))
    # one allocation for every trial, (N,)
    shared = a[0]
    _check_against_logrank_test(t, e, shared, logrank_batch(t, e, shared))


def test_item4_small_trials_cover_every_case() -> None:
    """Trials of 1-4 patients: no events, one arm absent, n = d at the only time, n = 1."""
    rng = np.random.default_rng(4)
    for patients in (1, 2, 3, 4):
        t, e, a = _random_batch(rng, 300, patients, ties=True, left_out=0.2)
        empty = _check_against_logrank_test(t, e, a, logrank_batch(t, e, a))
        assert 0 < empty < 300 or (patients == 1 and empty == 300)


def test_item4_trials_without_information() -> None:
    t = np.array([[1.0, 2.0, 3.0, 4.0],  # no events
                  [1.0, 2.0, 3.0, 4.0],  # arm 1 censored before arm 0's events
                  [3.0, 3.0, 1.0, 1.0],  # everyone at risk dies at the one event time
                  [1.0, 2.0, 3.0, 4.0]])  # events in both arms: informative
    e = np.array([[0, 0, 0, 0], [0, 0, 1, 1], [1, 1, 0, 0], [1, 1, 1, 1]])
    a = np.array([[0, 1, 0, 1], [1, 1, 0, 0], [0, 1, 0, 1], [0, 1, 0, 1]])
    res = logrank_batch(t, e, a)
    np.testing.assert_array_equal(res.variance[:3], 0.0)
    np.testing.assert_array_equal(res.chisq[:3], 0.0)  # R survdiff: chisq 0, "no test"
    assert np.isnan(res.z[:3]).all()  # 0/0: crosses no boundary
    np.testing.assert_array_equal(res.p_value[:3], 1.0)
    np.testing.assert_array_equal(res.observed[:3], res.expected[:3])
    assert res.variance[3] > 0
    # logrank_test refuses the first two (no events to compare) and gives 0 for the third
    for i in (0, 1):
        with pytest.raises(InputError):
            logrank_test(t[i], e[i], a[i])
    assert logrank_test(t[2], e[2], a[2]).chisq == 0.0


def test_item4_slices_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    t, e, a = _random_batch(rng, 50, 20, ties=True, left_out=0.1)
    whole = logrank_batch(t, e, a)
    monkeypatch.setattr(lb_module, "_SLICE", 60)  # 3 trials per slice
    sliced = logrank_batch(t, e, a)
    for name in ("n", "events", "observed", "expected", "variance", "chisq", "z", "p_value"):
        np.testing.assert_array_equal(getattr(sliced, name), getattr(whole, name))
    t[40, 5] = -1.0  # a bad time in a later slice is named by its place in the batch
    with pytest.raises(InputError) as err:
        logrank_batch(t, e, a)
    assert err.value.field == "time[40, 5]"


def test_item4_exported_lazily() -> None:
    # (once the submodule is imported, the package attribute of the same name is the module,
    # as for kaplan_meier: the lazy lookup itself is checked here)
    assert hdil2.stats.__getattr__("logrank_batch") is logrank_batch
    assert hdil2.stats.LogRankBatch is LogRankBatch
    assert "logrank_batch" in hdil2.stats.__all__
    assert "LogRankBatch" in hdil2.stats.__all__


def test_item4_result_json() -> None:
    res = logrank_batch([[1, 2, 3, 4], [1, 2, 3, 4]], [[1, 1, 0, 1], [0, 0, 0, 0]],
                        [0, 1, 0, 1])
    d = res.to_dict()
    assert d["method"] == "log_rank"
    assert d["n"] == [4, 4]
    assert d["events"] == [3, 0]
    assert d["z"][1] is None  # no information: NaN, written null
    assert d["chisq"][1] == 0.0
    import jsonschema

    jsonschema.validate(d, LogRankBatch.json_schema())
    assert d["reasons"][0]["source"] == "mantel1966"


TRIAL = st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from([0.0, 1.0, 2.0, 2.5, 7.0, np.nan]), min_size=n, max_size=n),
    st.lists(st.booleans(), min_size=n, max_size=n),
    st.lists(st.integers(0, 1), min_size=n, max_size=n),
    st.permutations(list(range(n)))))


@settings(max_examples=200, deadline=None)
@given(st.lists(TRIAL, min_size=1, max_size=6))
def test_item4_invariants(trials: list[tuple[list[float], list[bool], list[int], list[int]]]
                          ) -> None:
    """Swapping the arms flips z (and keeps χ², P); permuting a trial's patients changes
    nothing; and every trial equals logrank_test (or has no information)."""
    width = max(len(tr[0]) for tr in trials)
    t = np.full((len(trials), width), np.nan)
    e = np.zeros((len(trials), width), dtype=bool)
    a = np.zeros((len(trials), width), dtype=int)
    tp, ep, ap = t.copy(), e.copy(), a.copy()
    for i, (ti, ei, ai, perm) in enumerate(trials):
        k = len(ti)
        t[i, :k], e[i, :k], a[i, :k] = ti, ei, ai
        tp[i, :k], ep[i, :k], ap[i, :k] = (np.array(ti)[perm], np.array(ei)[perm],
                                           np.array(ai)[perm])
    res = logrank_batch(t, e, a)
    swapped = logrank_batch(t, e, 1 - a)
    np.testing.assert_allclose(swapped.z, -res.z, rtol=TOL, atol=TOL)  # NaN where NaN
    np.testing.assert_allclose(swapped.chisq, res.chisq, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(swapped.p_value, res.p_value, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(swapped.variance, res.variance, rtol=TOL, atol=TOL)
    np.testing.assert_array_equal(swapped.observed, res.events - res.observed)
    permuted = logrank_batch(tp, ep, ap)
    for name in ("n", "events", "observed", "expected", "variance", "chisq", "z", "p_value"):
        np.testing.assert_allclose(getattr(permuted, name), getattr(res, name), rtol=TOL,
                                   atol=TOL)
    _check_against_logrank_test(t, e.astype(float), a, res)


@pytest.mark.parametrize(("time", "event", "arm", "field"), [
    ([1.0, 2.0], [1, 0], [0, 1], "time"),  # one trial must still be (1, N)
    (np.zeros((0, 3)), np.zeros((0, 3)), [0, 1, 0], "time"),
    ([["a", "b"]], [[1, 0]], [0, 1], "time"),
    ([[1.0, -2.0]], [[1, 0]], [0, 1], "time[0, 1]"),
    ([[1.0, np.inf]], [[1, 0]], [0, 1], "time[0, 1]"),
    ([[1.0, 2.0], [-np.inf, 3.0]], [[1, 0], [1, 1]], [0, 1], "time[1, 0]"),
    ([[1.0, 2.0], [np.nan, np.inf]], [[1, 0], [1, 1]], [0, 1], "time[1, 1]"),  # NaN: left out
    ([[np.nan, 2.0], [-1.0, np.nan]], [[1, 0], [1, 1]], [0, 1], "time[1, 0]"),
    ([[1.0, 2.0]], [[1, 0, 1]], [0, 1], "event"),
    ([[1.0, 2.0]], [[1, 2]], [0, 1], "event[0, 1]"),
    ([[1.0, 2.0]], [[np.nan, 1]], [0, 1], "event[0, 0]"),  # NaN only for a left-out patient
    ([[1.0, 2.0]], [["x", "y"]], [0, 1], "event"),
    ([[1.0, 2.0]], [[1, 0]], [0, 1, 1], "arm"),
    ([[1.0, 2.0]], [[1, 0]], [0, 2], "arm[1]"),
    ([[1.0, 2.0], [3.0, 4.0]], [[1, 0], [1, 1]], [[0, 1], [1, -1]], "arm[1, 1]"),
    ([[1.0, 2.0]], [[1, 0]], ["a", "b"], "arm"),
])
def test_item4_bad_input_named(time: object, event: object, arm: object, field: str) -> None:
    with pytest.raises(InputError) as err:
        logrank_batch(time, event, arm)
    assert err.value.field == field
