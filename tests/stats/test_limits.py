"""Issue 8 item 15: every stats/design request answers within its stated bound or is refused at
once, naming the field.

For each bound (hdil2.stats.limits, listed in docs/trial-design.md and docs/statistics.md):
a request over it is refused in under a second, and a request just under it (its estimated
work at least 70 % of the budget) finishes within twice the stated seconds — the machine is
shared with other work, hence the factor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from hdil2.core.errors import InputError
from hdil2.stats import limits

FACTOR = 2  # slack over the stated seconds for a shared, busy machine


def _refused(call: Callable[[], Any], field: str) -> InputError:
    call_start = time.perf_counter()
    with pytest.raises(InputError) as e:
        call()
    elapsed = time.perf_counter() - call_start
    assert e.value.field == field
    assert elapsed < 1.0, f"refusal took {elapsed:.2f} s"
    return e.value


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = call()
    return out, time.perf_counter() - start


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    # import SciPy and build small caches first, so the timings below measure the work only
    from hdil2.stats.interim import group_sequential
    from hdil2.stats.proportions import compare_proportions
    from hdil2.stats.sample_size import two_proportions_size
    from hdil2.stats.simon import simon_designs

    two_proportions_size(0.7, 0.4, method="exact")
    simon_designs(0.1, 0.3, nmax=40)
    compare_proportions(5, 10, 3, 10)
    group_sequential([0.5, 1.0])


# ---- two proportions, exact (Fisher) ----------------------------------------------------

def test_item15_exact_size_for_close_proportions_refused_at_once() -> None:
    from hdil2.stats.sample_size import two_proportions_size

    err = _refused(lambda: two_proportions_size(0.51, 0.50, method="exact"), "method")
    assert "normal_cc" in err.message  # says what to do instead
    assert "work allowed" in err.message


@pytest.mark.slow
def test_item15_exact_size_0_6_vs_0_5_answers_within_the_bound() -> None:
    # took 65 s before (a minute, as the issue says); the answer is the smallest n1 whose
    # Fisher power reaches 0.8, checked on both sides
    from hdil2.stats.sample_size import fisher_power, two_proportions_size

    res, elapsed = _timed(lambda: two_proportions_size(0.6, 0.5, method="exact"))
    assert elapsed < FACTOR * limits.EXACT_WORK_SECONDS
    assert res.n1 == 404
    assert fisher_power(0.6, 0.5, 404, 404, 0.05, 2) >= 0.8 > fisher_power(0.6, 0.5, 403, 403,
                                                                           0.05, 2)


@pytest.mark.slow
def test_item15_largest_accepted_exact_search_within_the_bound() -> None:
    from hdil2.stats.sample_size import exact_search_work, two_proportions_size

    work = exact_search_work(0.576, 0.5, 0.05, 0.8, 2, 1.0)[0]
    assert 0.7 * limits.EXACT_WORK <= work <= limits.EXACT_WORK
    _, elapsed = _timed(lambda: two_proportions_size(0.576, 0.5, method="exact"))
    assert elapsed < FACTOR * limits.EXACT_WORK_SECONDS
    # a little closer is over the budget and refused before the search
    _refused(lambda: two_proportions_size(0.57, 0.5, method="exact"), "method")


@pytest.mark.slow
def test_item15_exact_power_bounded() -> None:
    from hdil2.stats.sample_size import fisher_work, two_proportions_power

    _refused(lambda: two_proportions_power(0.5, 0.45, 50_000, method="exact"), "n1")
    assert 0.7 * limits.EXACT_WORK <= fisher_work(0.5, 0.45, 40_000, 40_000) <= \
        limits.EXACT_WORK
    _, elapsed = _timed(lambda: two_proportions_power(0.5, 0.45, 40_000, method="exact"))
    assert elapsed < FACTOR * limits.EXACT_WORK_SECONDS


def test_item15_normal_methods_need_no_bound() -> None:
    from hdil2.stats.sample_size import two_proportions_power, two_proportions_size

    (res, elapsed) = _timed(lambda: two_proportions_size(0.5001, 0.5, method="normal_cc"))
    assert res.n1 > 10**8
    assert elapsed < 1.0
    assert _timed(lambda: two_proportions_power(0.5001, 0.5, 10**12))[1] < 1.0


# ---- Simon --------------------------------------------------------------------------------

def test_item15_simon_nmax_1000_refused_at_once_with_the_nmax_that_fits() -> None:
    from hdil2.stats.simon import simon_designs

    err = _refused(lambda: simon_designs(0.1, 0.3, nmax=1000), "nmax")
    assert "nmax ≤ 432 fits" in err.message
    _refused(lambda: simon_designs(0.1, 0.3, nmax=1001), "nmax")


@pytest.mark.slow
def test_item15_simon_largest_accepted_search_within_the_bound() -> None:
    from hdil2.stats.simon import _ump_min_n, search_work, simon_designs

    nlo = _ump_min_n(0.5, 0.7, 0.05, 0.2, 206)
    work = sum(search_work(0.5, 0.7, 0.05, 0.2, 206, nlo).values())
    assert 0.7 * limits.SIMON_WORK <= work <= limits.SIMON_WORK
    res, elapsed = _timed(lambda: simon_designs(0.5, 0.7, nmax=206))
    assert elapsed < FACTOR * limits.SIMON_WORK_SECONDS
    assert (res.optimal.n, res.minimax.n) == (43, 37)
    _refused(lambda: simon_designs(0.5, 0.7, nmax=207), "nmax")


def test_item15_simon_given_design_size_bounded() -> None:
    from hdil2.stats.simon import simon_design, simon_inference, simon_stage1

    _refused(lambda: simon_design(1000, 500_000, 150_000, 1_000_000, 0.1, 0.3), "n")
    _refused(lambda: simon_stage1(1000, 5000, 3000, 10**9, responses=3), "n")
    _refused(lambda: simon_inference(10, 100, 2000, 10**7, 0.1, 20, 30), "n")
    n = limits.SIMON_DESIGN_N
    _, elapsed = _timed(lambda: simon_inference(n // 20, n // 4, n // 5, n, 0.15, n // 20 + 5,
                                                n // 5 - n // 20))
    assert elapsed < FACTOR * limits.SIMON_DESIGN_SECONDS


# ---- cohort statistics ----------------------------------------------------------------------

def test_item15_compare_bounded() -> None:
    from hdil2.stats.proportions import compare_proportions

    _refused(lambda: compare_proportions(300_000, 1_000_000, 290_000, 1_000_000), "n1")
    _refused(lambda: compare_proportions(3, 10**9, 5, 10**9), "n1")
    # support exactly at the bound: min(n1, n2, responders, non-responders) + 1 = 5,000
    _, elapsed = _timed(lambda: compare_proportions(2_500, 4_999, 2_499, 5_000))
    assert elapsed < FACTOR * limits.COMPARE_SECONDS


def test_item15_trend_groups_bounded() -> None:
    from hdil2.stats.proportions import cochran_armitage

    k = limits.TREND_GROUPS
    _refused(lambda: cochran_armitage([1] * (k + 1), [3] * (k + 1)), "successes")
    assert _timed(lambda: cochran_armitage([1, 2] * (k // 2), [3] * k))[1] < 1.0


@pytest.mark.slow
def test_item15_group_sequential_bounded() -> None:
    from hdil2.stats.interim import grid_work, group_sequential

    _refused(lambda: group_sequential([0.5, 0.5001, 1.0]), "information_rates")
    _refused(lambda: group_sequential([i / 13 for i in range(1, 14)]), "information_rates")
    rates = [i / 12 for i in range(1, 13)]
    assert 0.7 * limits.GS_WORK <= grid_work(rates) <= limits.GS_WORK
    _, elapsed = _timed(lambda: group_sequential(rates))
    assert elapsed < FACTOR * limits.GS_WORK_SECONDS


@pytest.mark.slow
def test_item15_conditional_power_bounded() -> None:
    from hdil2.stats.interim import conditional_power, grid_work

    k = 40
    rates = [i / k for i in range(2, k + 1)]
    _refused(lambda: conditional_power(0.5, 1 / k, critical_values=[2.0] * len(rates),
                                       information_rates=rates, design_drift=2.8),
             "information_rates")
    k = 22
    rates = [i / k for i in range(2, k + 1)]
    assert 0.7 * limits.CP_WORK <= grid_work(rates, 1 / k) <= limits.CP_WORK
    _, elapsed = _timed(lambda: conditional_power(
        0.5, 1 / k, critical_values=[2.0] * len(rates), information_rates=rates,
        design_drift=2.8))
    assert elapsed < FACTOR * limits.CP_WORK_SECONDS


def test_item15_survival_groups_bounded() -> None:
    from hdil2.stats.kaplan_meier import kaplan_meier_groups
    from hdil2.stats.logrank import logrank_test

    n = 5_000
    ids = list(range(n))  # a patient identifier given as the group
    _refused(lambda: kaplan_meier_groups([1.0] * n, [1] * n, ids), "group")
    _refused(lambda: logrank_test([1.0] * n, [1] * n, ids), "group")


# ---- the CLI refuses with exit 2, naming the field ------------------------------------------

@pytest.mark.parametrize(("args", "field"), [
    (["design", "two-proportions", "--p1", "0.51", "--p2", "0.5", "--method", "exact"],
     "method"),
    (["design", "simon", "--p0", "0.1", "--p1", "0.3", "--nmax", "1000"], "nmax"),
    (["design", "group-sequential", "--rates", "0.5,0.5001,1"], "information_rates"),
    (["design", "simon-oc", "--r1", "1", "--n1", "10", "--r", "5", "--n", "100000", "--p0",
      "0.1", "--p1", "0.3"], "n"),
    (["stats", "compare", "--x1", "300000", "--n1", "1000000", "--x2", "290000", "--n2",
      "1000000"], "n1"),
])
def test_item15_cli_refuses_at_once(capsys: pytest.CaptureFixture[str], args: list[str],
                                    field: str) -> None:
    import json

    from hdil2.cli.app import main

    start = time.perf_counter()
    code = main([*args, "--json"])
    elapsed = time.perf_counter() - start
    err = json.loads(capsys.readouterr().err)
    assert code == 2
    assert err["errors"][0]["field"] == field
    # refused before any work: the work refused takes minutes; 5 s leaves room for the first
    # call's imports on a loaded shared machine (1.7 s seen with four test runs beside it)
    assert elapsed < 5.0


@pytest.mark.parametrize(("args", "texts", "values"), [
    (["design", "simon"], ["nmax ≤ 1000", "1.5e8 candidate designs", "within 10 s"],
     [limits.SIMON_NMAX == 1000, limits.SIMON_WORK == 1.5e8, limits.SIMON_WORK_SECONDS == 10]),
    (["design", "two-proportions"], ["1.5e8 work units", "within 10 s"],
     [limits.EXACT_WORK == 1.5e8, limits.EXACT_WORK_SECONDS == 10]),
    (["design", "simon-estimate"], ["n ≤ 10,000", "within 2 s"],
     [limits.SIMON_DESIGN_N == 10_000, limits.SIMON_DESIGN_SECONDS == 2]),
    (["design", "simon-oc"], ["n ≤ 10,000"], [limits.SIMON_DESIGN_N == 10_000]),
    (["design", "simon-stage1"], ["n ≤ 10,000"], [limits.SIMON_DESIGN_N == 10_000]),
    (["design", "group-sequential"], ["2.5e7 kernel products", "within 10 s"],
     [limits.GS_WORK == 2.5e7, limits.GS_WORK_SECONDS == 10]),
    (["design", "conditional-power"], ["1e8 kernel products", "within 10 s"],
     [limits.CP_WORK == 1e8, limits.CP_WORK_SECONDS == 10]),
    (["stats", "compare"], ["100,000,000", "5,000", "within 5 s"],
     [limits.COMPARE_N == 10**8, limits.COMPARE_SUPPORT == 5000,
      limits.COMPARE_SECONDS == 5]),
    (["stats", "trend"], ["10,000 groups"], [limits.TREND_GROUPS == 10_000]),
    (["stats", "km"], ["1,000 groups"], [limits.KM_GROUPS == 1000]),
    (["stats", "logrank"], ["1,000 groups", "2e7"],
     [limits.LOGRANK_GROUPS == 1000, limits.LOGRANK_CELLS == 2e7]),
    (["stats", "cox"], ["2.5e7"], [limits.COX_CELLS == 2.5e7]),
])
def test_item15_cli_help_states_the_bound(capsys: pytest.CaptureFixture[str], args: list[str],
                                          texts: list[str], values: list[bool]) -> None:
    import re

    from hdil2.cli.app import main

    assert all(values)  # the help quotes the bound the code enforces
    main([*args, "--help"])
    out = re.sub(r"\s+", " ", capsys.readouterr().out)
    for text in texts:
        assert text in out


@pytest.mark.parametrize(("args", "field"), [
    (["design", "survival", "--hazard-ratio", "0.7", "--ratio", "1e308"], "ratio"),
    (["design", "two-proportions", "--p1", "0.5", "--p2", "0.4", "--ratio", "1e-308"],
     "ratio"),
    (["design", "two-proportions", "--p1", "0.5", "--p2", "0.4", "--n1", "3", "--n2",
      "40000000", "--method", "exact"], "n2"),
    (["design", "two-proportions", "--p1", "0.5", "--p2", "0.4", "--n1", "40000", "--n2",
      "40000000", "--method", "exact"], "n1"),
    (["design", "simon-estimate", "--r1", "1", "--n1", "10", "--r", "5", "--n", "29", "--p0",
      "0.1", "--x1", "3", "--x2", "4", "--alpha", "1e-300"], "alpha"),
    (["design", "group-sequential", "--rates", "0.5,1", "--futility", "1e300,none"],
     "futility_z[0]"),
])
def test_item15_extreme_inputs_refused_not_crashed(capsys: pytest.CaptureFixture[str],
                                                   args: list[str], field: str) -> None:
    # found by fuzzing the design commands: an overflow, an 11 s exact power with a lopsided
    # allocation, a root search with no root; each is now refused at once
    import json

    from hdil2.cli.app import main

    start = time.perf_counter()
    code = main([*args, "--json"])
    assert time.perf_counter() - start < 1.0
    assert code == 2
    assert json.loads(capsys.readouterr().err)["errors"][0]["field"] == field
