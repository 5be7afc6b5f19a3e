"""Sample size and power against rpact 3.3.4 and the design of Clark et al. 2003 (clark2003)."""

from __future__ import annotations

import math

import pytest
from hdil2_stats_support import load_results

from hdil2.core.errors import InputError
from hdil2.stats.sample_size import (
    event_probability,
    fisher_power,
    hazard_from_survival,
    survival_size,
    two_proportions_power,
    two_proportions_size,
)

R = load_results("design_rpact")


def test_clark2003_power_with_34_per_arm() -> None:
    # clark2003: 2-year DFS 40 % → 70 % with 34/arm: normal-approximation power 0.71
    # (two-sided α 0.05) or 0.81 (one-sided α 0.05)
    two = two_proportions_power(0.7, 0.4, 34, alpha=0.05, sides=2)
    one = two_proportions_power(0.7, 0.4, 34, alpha=0.05, sides=1)
    assert f"{two.power:.2f}" == "0.71"
    assert f"{one.power:.2f}" == "0.81"
    assert one.method == "two_proportions_normal"


def test_clark2003_34_per_arm_is_one_sided_80_percent() -> None:
    # 34/arm is what a one-sided α 0.05, 80 % power, normal-approximation design gives once
    # 32.94 is rounded up (33) and the total made even-per-arm with a margin; two-sided needs 42
    one = two_proportions_size(0.7, 0.4, alpha=0.05, power=0.8, sides=1)
    two = two_proportions_size(0.7, 0.4, alpha=0.05, power=0.8, sides=2)
    assert one.n1 == 33
    assert two.n1 == 42
    assert one.n1 <= 34 < two.n1


@pytest.mark.parametrize("key", sorted(R.RATES))
def test_normal_size_matches_rpact(key: tuple[float, float, int, float]) -> None:
    p1, p2, sides, power = key
    res = two_proportions_size(p1, p2, alpha=0.05, power=power, sides=sides)
    assert res.n1_exact == pytest.approx(R.RATES[key][0], rel=1e-9)
    assert res.n1 == math.ceil(R.RATES[key][0])


def test_normal_power_matches_rpact() -> None:
    one = two_proportions_power(0.7, 0.4, 34, sides=1)
    assert one.power == pytest.approx(R.POWER_RATES[(0.7, 0.4, 34, 1)][0], rel=1e-9)
    # rpact's two-sided power differs from Φ(upper) + Φ(lower tail) by 2.3e-6 (0.7095480 vs
    # 0.7095457); both round to the 0.71 of the design check
    two = two_proportions_power(0.7, 0.4, 34, sides=2)
    assert two.power == pytest.approx(R.POWER_RATES[(0.7, 0.4, 34, 2)][0], rel=5e-6)


def test_continuity_correction_is_fleiss() -> None:
    res = two_proportions_size(0.7, 0.4, power=0.8, sides=1, method="normal_cc")
    raw = 32.9412401206542
    want = raw / 4 * (1 + math.sqrt(1 + 4 / (raw * 0.3))) ** 2
    assert res.n1_exact == pytest.approx(want, rel=1e-12)
    assert res.n1 == math.ceil(want)
    # and the power of that many patients reaches the target again
    assert two_proportions_power(0.7, 0.4, res.n1, sides=1, method="normal_cc").power >= 0.8


def test_exact_size_is_smallest_reaching_power() -> None:
    res = two_proportions_size(0.7, 0.4, power=0.8, sides=2, method="exact")
    assert fisher_power(0.7, 0.4, res.n1, res.n1, 0.05, 2) >= 0.8
    assert fisher_power(0.7, 0.4, res.n1 - 1, res.n1 - 1, 0.05, 2) < 0.8


def test_fisher_power_by_brute_force() -> None:
    from scipy.stats import binom, fisher_exact

    n = 8
    want = sum(binom.pmf(a, n, 0.7) * binom.pmf(b, n, 0.2)
               for a in range(n + 1) for b in range(n + 1)
               if fisher_exact([[a, n - a], [b, n - b]]).pvalue <= 0.05)
    assert fisher_power(0.7, 0.2, n, n, 0.05, 2) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize(("p1", "p2", "n1", "n2", "alpha", "sides"), [
    (0.6, 0.3, 23, 31, 0.05, 2), (0.15, 0.05, 40, 25, 0.05, 2), (0.5, 0.45, 30, 30, 0.1, 2),
    (0.7, 0.4, 34, 34, 0.05, 1), (0.2, 0.45, 17, 29, 0.025, 1), (0.9, 0.97, 35, 12, 0.05, 2),
])
def test_item15_fast_fisher_power_equals_every_table_summed(p1: float, p2: float, n1: int,
                                                            n2: int, alpha: float,
                                                            sides: int) -> None:
    # the tail-skipping, log-factorial power against the definition: every (x1, x2) table,
    # SciPy's Fisher P value, binomial weights
    from scipy.stats import binom, fisher_exact

    alt = "two-sided" if sides == 2 else ("greater" if p1 > p2 else "less")
    want = sum(binom.pmf(a, n1, p1) * binom.pmf(b, n2, p2)
               for a in range(n1 + 1) for b in range(n2 + 1)
               if fisher_exact([[a, n1 - a], [b, n2 - b]], alternative=alt).pvalue <= alpha)
    assert fisher_power(p1, p2, n1, n2, alpha, sides) == pytest.approx(want, rel=1e-9,
                                                                        abs=1e-14)


@pytest.mark.parametrize("name", sorted(R.SURVIVAL))
def test_survival_size_matches_rpact(name: str) -> None:
    ref = R.SURVIVAL[name]
    method = "freedman" if name.endswith("freedman") else "schoenfeld"
    if name.startswith("clark2003"):
        # pi1 = 0.3, pi2 = 0.6 are rpact's event probabilities by 2 years: DFS 70 % vs 40 %
        res = survival_size(lambda1=hazard_from_survival(0.7, 2),
                            lambda2=hazard_from_survival(0.4, 2), alpha=0.05, power=0.8,
                            sides=1, accrual=3, follow_up=2, method=method)
    else:
        res = survival_size(hazard_ratio=0.7, lambda2=math.log(2) / 12, alpha=0.025,
                            power=0.9, sides=1, accrual=24, follow_up=12,
                            dropout=-math.log(1 - 0.05) / 12, method=method)
    assert res.hazard_ratio == pytest.approx(ref["hazard_ratio"][0], rel=1e-12)
    assert res.lambda1 == pytest.approx(ref["lambda1"][0], rel=1e-12)
    assert res.events == pytest.approx(ref["events"][0], rel=1e-9)
    assert res.patients == pytest.approx(ref["subjects"][0], rel=1e-9)


def test_schoenfeld_events_textbook() -> None:
    # 4 (z_α/2 + z_β)² / log(HR)²: HR 0.5, two-sided 0.05, 80 % → 65.3 events
    res = survival_size(hazard_ratio=0.5, alpha=0.05, power=0.8, sides=2)
    assert res.events == pytest.approx(4 * (1.959964 + 0.841621) ** 2 / math.log(0.5) ** 2,
                                       rel=1e-6)
    assert res.patients is None


def test_lachin_foulkes_limits() -> None:
    # with complete follow-up (P(event) = 1) φ(λ) = λ², and the formula is the test of a
    # difference of exponential hazards with known variance λ²/n per arm
    from scipy.stats import norm

    lam1, lam2 = 0.2, 0.4
    res = survival_size(lambda1=lam1, lambda2=lam2, alpha=0.05, power=0.9, sides=2,
                        accrual=0, follow_up=1e4, method="lachin_foulkes")
    za, zb = norm.isf(0.025), norm.isf(0.1)
    lbar = 0.3
    want = (za * math.sqrt(lbar**2 * 4) + zb * math.sqrt(2 * lam1**2 + 2 * lam2**2)) ** 2 / (
        lam1 - lam2) ** 2
    assert res.patients == pytest.approx(want, rel=1e-9)
    # shorter follow-up needs more patients
    short = survival_size(lambda1=lam1, lambda2=lam2, alpha=0.05, power=0.9, sides=2,
                          accrual=2, follow_up=1, method="lachin_foulkes")
    assert short.patients is not None
    assert res.patients is not None
    assert short.patients > res.patients


def test_event_probability_limits() -> None:
    assert event_probability(0.1, 0, 1e6) == pytest.approx(1.0)
    assert event_probability(0.1, 0, 2) == pytest.approx(1 - math.exp(-0.2))
    # drop-out competes with the event
    assert event_probability(0.1, 0, 1e6, dropout=0.1) == pytest.approx(0.5)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"p1": 0.4, "p2": 0.4}, "p2"), ({"p1": 1.2, "p2": 0.4}, "p1"),
    ({"p1": 0.7, "p2": 0.4, "sides": 3}, "sides"), ({"p1": 0.7, "p2": 0.4, "ratio": 0}, "ratio"),
    ({"p1": 0.7, "p2": 0.4, "method": "arcsine"}, "method"),
])
def test_bad_proportion_inputs(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(InputError) as e:
        two_proportions_size(**kwargs)  # type: ignore[arg-type]
    assert e.value.field == field


def test_bad_survival_inputs() -> None:
    with pytest.raises(InputError) as e:
        survival_size(alpha=0.05)
    assert e.value.field == "hazard_ratio"
    with pytest.raises(InputError) as e:
        survival_size(hazard_ratio=1.0)
    assert e.value.field == "hazard_ratio"
    with pytest.raises(InputError) as e:
        survival_size(hazard_ratio=0.7, method="lachin_foulkes")
    assert e.value.field == "follow_up"
