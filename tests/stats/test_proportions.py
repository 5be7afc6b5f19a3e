"""Proportions: the IL-2 papers' printed numbers at their precision, and R's values to 1e-6.

R's values (fisher.test, chisq.test, binom.test, prop.test, prop.trend.test) are in
results/proportions_r.py, printed by results/proportions_r.R beside it.
"""

from __future__ import annotations

import json
import math

import pytest
from hdil2_stats_support import load_results
from hypothesis import given
from hypothesis import strategies as st

from hdil2.core.errors import InputError
from hdil2.stats.proportions import binomial_ci, cochran_armitage, compare_proportions, rate

R = load_results("proportions_r")

# P values the papers print, recomputed: (label, x1, n1, x2, n2, printed P, digits printed)
FISHER_REPRODUCED = [
    ("atkins2004 ORR HD vs LD", 22, 96, 9, 96, "0.018", 3),
    ("mcdermott2005 final ORR", 22, 95, 9, 91, "0.018", 3),
    ("atkins2004 progression-free at 3 y", 9, 96, 2, 96, "0.06", 2),
    ("mcdermott2005 progression-free at 3 y", 10, 95, 3, 91, "0.082", 3),
    ("atkins2004 CA-IX high in responders", 21, 27, 20, 39, "0.04", 2),
    ("atkins2004 / upton2005 clear cell vs variant", 30, 146, 1, 17, "0.20", 2),
]


@pytest.mark.parametrize(("item", "x1", "n1", "x2", "n2", "printed", "digits"),
                         FISHER_REPRODUCED, ids=[r[0] for r in FISHER_REPRODUCED])
def test_fisher_two_sided_reproduces_the_papers(item: str, x1: int, n1: int, x2: int, n2: int,
                                          printed: str, digits: int) -> None:
    res = compare_proportions(x1, n1, x2, n2)
    assert res.tests[0].method == "fisher_exact_two_sided"
    assert f"{res.fisher_p:.{digits}f}" == printed


def test_two_compartment_fisher_is_1_2e_minus_5() -> None:
    # atkins2004's two-compartment model, 26/27 vs 18/39: printed "OR 3 0" (30, the PDF lost a
    # digit) and "P = 0.01", which the counts cannot give (Fisher 1.2e-5: "< 0.01" fits)
    res = compare_proportions(26, 27, 18, 39)
    assert f"{res.fisher_p:.1e}" == "1.2e-05"
    assert f"{res.test('chi2_yates').p_value:.1e}" == "6.8e-05"
    assert f"{res.test('chi2_pearson').p_value:.1e}" == "2.2e-05"
    assert f"{res.estimate('odds_ratio_sample').estimate:.1f}" == "30.3"


def test_ca_ix_odds_ratios() -> None:
    # atkins2004 CA-IX: printed "OR 3.3"; the sample OR is 21·19/(6·20) = 3.325, R's
    # conditional MLE 3.2645
    res = compare_proportions(21, 27, 20, 39)
    assert res.estimate("odds_ratio_sample").estimate == pytest.approx(3.325)
    assert res.estimate("odds_ratio_conditional_mle").estimate == pytest.approx(
        R.TWO_BY_TWO[(21, 27, 20, 39)]["or_cond"][0], abs=2.5e-4)


def test_pathology_model_odds_ratio() -> None:
    # atkins2004 / upton2005 pathology model: printed "OR 8.1"
    assert f"{compare_proportions(29, 115, 2, 50).estimate('odds_ratio_sample').estimate:.1f}" \
        == "8.1"


def test_zero_cell_odds_ratio_is_infinite_and_json_safe() -> None:
    # 9/9 vs 11/22 (atkins2004): the sample odds ratio is infinite
    res = compare_proportions(9, 9, 11, 22)
    assert res.estimate("odds_ratio_sample").estimate == float("inf")
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["estimates"][2]["estimate"] == "inf"


@pytest.mark.parametrize("key", sorted(R.TWO_BY_TWO))
def test_matches_r_fisher_and_chisq(key: tuple[int, int, int, int]) -> None:
    ref = R.TWO_BY_TWO[key]
    res = compare_proportions(*key)
    assert res.fisher_p == pytest.approx(ref["fisher_p"][0], rel=1e-6)
    for name in ("yates", "pearson"):
        t = res.test(f"chi2_{name}")
        if math.isnan(ref[name][1]):
            assert math.isnan(t.p_value)
            continue
        assert t.statistic == pytest.approx(ref[name][0], rel=1e-6)
        assert t.p_value == pytest.approx(ref[name][1], rel=1e-6)
    # R's fisher.test finds the conditional MLE and its limits with uniroot at its default
    # tolerance (1.2e-4, on ψ when ψ < 1 and on 1/ψ when ψ > 1), so R agrees only to that;
    # the definitions are checked to 1e-7 in test_conditional_odds_ratio_definition.
    est = res.estimate("odds_ratio_conditional_mle")
    assert est.ci is not None
    if key[0] + key[2] == 0:  # no successes at all: every ψ fits, R prints 0 by convention
        assert math.isnan(est.estimate)
        assert (est.ci.lower, est.ci.upper) == (0.0, math.inf)
        return
    for got, want in ((est.estimate, ref["or_cond"][0]), (est.ci.lower, ref["or_ci"][0]),
                      (est.ci.upper, ref["or_ci"][1])):
        if math.isinf(want) or want == 0:
            assert got == want
        elif want > 1:
            assert 1 / got == pytest.approx(1 / want, abs=2.5e-4)
        else:
            assert got == pytest.approx(want, abs=2.5e-4)


def test_conditional_odds_ratio_definition() -> None:
    # MLE: E[X | margins; ψ] = x.  Limits: P(X ≥ x; ψ_L) = P(X ≤ x; ψ_U) = 0.025.
    from scipy.stats import nchypergeom_fisher as nh

    res = compare_proportions(22, 96, 9, 96)
    est = res.estimate("odds_ratio_conditional_mle")
    assert est.ci is not None
    total, successes, row1, x = 192, 31, 96, 22
    assert nh.mean(total, successes, row1, est.estimate) == pytest.approx(x, rel=1e-9)
    assert nh.sf(x - 1, total, successes, row1, est.ci.lower) == pytest.approx(0.025, rel=1e-7)
    assert nh.cdf(x, total, successes, row1, est.ci.upper) == pytest.approx(0.025, rel=1e-7)


# exact 95 % (Clopper-Pearson) intervals of the papers' rates, in percent, to 1 decimal (each
# also checked against R's binom.test to 1e-6 in test_item21_rates_match_r)
CLOPPER_PEARSON = [
    (37, 255, "14.5", "10.4", "19.4"), (17, 255, "6.7", "3.9", "10.5"),
    (22, 96, "22.9", "15.0", "32.6"), (9, 96, "9.4", "4.4", "17.1"),
    (12, 71, "16.9", "9.0", "27.7"), (3, 28, "10.7", "2.3", "28.2"),
    (38, 201, "18.9", "13.7", "25.0"), (23, 149, "15.4", "10.0", "22.3"),
    (8, 30, "26.7", "12.3", "45.9"), (21, 40, "52.5", "36.1", "68.5"),
    (28, 57, "49.1", "35.6", "62.7"), (14, 36, "38.9", "23.1", "56.5"),
    (15, 77, "19.5", "11.3", "30.1"), (1, 33, "3.0", "0.1", "15.8"),
    (0, 17, "0.0", "0.0", "19.5"),  # lee2000: 0/17 responses, exact CI 0-19.5 %
]


@pytest.mark.parametrize(("x", "n", "pct", "lo", "hi"), CLOPPER_PEARSON)
def test_clopper_pearson_reference(x: int, n: int, pct: str, lo: str, hi: str) -> None:
    r = rate(x, n)
    assert r.ci.method == "clopper-pearson"
    assert (f"{100 * r.estimate:.1f}", f"{100 * r.ci.lower:.1f}", f"{100 * r.ci.upper:.1f}") \
        == (pct, lo, hi)


@pytest.mark.parametrize("key", sorted(R.RATES))
def test_intervals_match_r(key: tuple[int, int]) -> None:
    ref = R.RATES[key]
    for method, level, want in (("clopper-pearson", 0.95, ref["clopper_pearson"]),
                                ("clopper-pearson", 0.90, ref["clopper_pearson_90"]),
                                ("wilson", 0.95, ref["wilson"])):
        ci = binomial_ci(*key, level=level, method=method)
        assert ci.lower == pytest.approx(want[0], rel=1e-6, abs=1e-12)
        assert ci.upper == pytest.approx(want[1], rel=1e-6, abs=1e-12)


def test_upton_trend() -> None:
    # upton2005 (quoted by atkins2004): good 14/36, intermediate 15/77, poor 1/33: printed
    # z = −3.69, P = 0.0002; R's prop.trend.test χ² = z²
    t = cochran_armitage([14, 15, 1], [36, 77, 33])
    assert f"{t.z:.2f}" == "-3.69"
    assert f"{t.p_value:.4f}" == "0.0002"
    assert t.chi2 == pytest.approx(R.TREND["upton"][0], rel=1e-6)
    assert t.p_value == pytest.approx(R.TREND["upton"][1], rel=1e-6)
    t2 = cochran_armitage([14, 15, 1], [36, 77, 33], scores=[1, 2, 4])
    assert t2.chi2 == pytest.approx(R.TREND["upton_scores_1_2_4"][0], rel=1e-6)


@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_interval_contains_estimate(xn: tuple[int, int]) -> None:
    x, n = xn
    for method in ("clopper-pearson", "wilson"):
        ci = binomial_ci(x, n, method=method)
        assert 0.0 <= ci.lower <= x / n <= ci.upper <= 1.0


@pytest.mark.parametrize(("args", "field"), [
    ((5, 4), "x"), ((-1, 4), "x"), ((1, 0), "n"), ((1.5, 4), "x"), ((True, 4), "x"),
])
def test_bad_counts_name_the_field(args: tuple[object, object], field: str) -> None:
    with pytest.raises(InputError) as e:
        rate(*args)  # type: ignore[arg-type]
    assert e.value.field == field


def test_bad_level_and_method() -> None:
    with pytest.raises(InputError) as e:
        rate(1, 4, level=1.0)
    assert e.value.field == "level"
    with pytest.raises(InputError) as e:
        rate(1, 4, method="wald")
    assert e.value.field == "method"


@pytest.mark.parametrize("key", sorted(R.RATES))
def test_item21_rates_match_r(key: tuple[int, int]) -> None:
    # rate() against R's binom.test (estimate, exact interval) and prop.test (Wilson)
    ref = R.RATES[key]
    r = rate(*key)
    assert r.estimate == ref["estimate"][0]
    assert (r.ci.lower, r.ci.upper) == pytest.approx(tuple(ref["clopper_pearson"]), rel=1e-6,
                                                     abs=1e-12)
    w = rate(*key, method="wilson")
    assert (w.ci.lower, w.ci.upper) == pytest.approx(tuple(ref["wilson"]), rel=1e-6,
                                                     abs=1e-12)


# percentages the papers print, with R's binom.test estimate: (x, n, printed %)
PRINTED_PERCENTAGES = [
    (3, 28, "11"), (12, 71, "17"),  # atkins1993
    (37, 255, "15"), (17, 255, "7"), (20, 255, "8"), (22, 96, "23"), (9, 96, "9"),  # atkins2004
    (2, 50, "4"), (27, 66, "41"), (20, 66, "30"), (24, 66, "36"), (31, 66, "47"),
    (11, 66, "17"),
    (8, 30, "27"), (14, 57, "25"),  # shablak2011
    (21, 40, "52"),  # shablak2011 prints 52.5 % as 52 %
]


@pytest.mark.parametrize(("x", "n", "printed"), PRINTED_PERCENTAGES)
def test_item21_printed_percentages_are_r_estimates(x: int, n: int, printed: str) -> None:
    # the paper's rounding of R's estimate (round half to even for 52.5) and hdil2's estimate
    want = R.RATES[(x, n)]["estimate"][0]
    assert round(100 * want) == int(printed)
    assert rate(x, n).estimate == want
