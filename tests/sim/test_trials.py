"""Simulated trials (issue 15 item 3) against exact and published operating characteristics.

* Simon two-stage: every published design of tests/stats/test_simon.py (Simon 1989 as quoted,
  clinfun ``ph2simon`` and PhIIdesign, source key ``simon1989``): the simulated P(reject) at
  p0 and p1, PET(p0) and EN(p0) agree with the exact values of ``hdil2.stats.simon.simon_oc``
  (itself checked there against those R packages and an exact rational closed form) within 3
  Monte Carlo standard errors.
* Two arms, binary endpoint: the simulated power of the pooled z test agrees with the
  formula of ``hdil2 design two-proportions`` (``two_proportions_power``; Clark et al. 2003,
  ``clark2003``: 0.7 vs 0.4 with 34 per arm) and, exactly, with the power found by enumerating
  every pair of responder counts and testing each table with SciPy's Pearson chi-square (with
  and without Yates' correction): an implementation of the test that is not hdil2's.
* Two arms, time to event: power agrees with Schoenfeld's formula (``survival_size``) at the
  events and patients it gives; the expected events agree with the event model's
  expectation; type I error at HR 1 is α; with Lan-DeMets interims the overall type I error
  is still α, the first interim spends what ``group_sequential`` says, and E(N) < N.
Every comparison is to 3 Monte Carlo standard errors with a fixed seed (20,000 trials).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom, chi2_contingency, norm

from hdil2.core.errors import InputError
from hdil2.sim import engine
from hdil2.sim.trials import (
    simon_simulation,
    two_arm_binary_simulation,
    two_arm_survival_simulation,
)
from hdil2.stats.interim import group_sequential
from hdil2.stats.sample_size import event_probability, survival_size, two_proportions_power
from hdil2.stats.simon import simon_oc

TRIALS = 20_000
SEED = 2026

# (p0, p1, r1, n1, r, n): every design of tests/stats/test_simon.py - SIMON_1989 (simon1989 as
# quoted), CLINFUN (clinfun ph2simon's printed designs) and PHIIDESIGN (PhIIdesign's tests)
PUBLISHED_SIMON = sorted({
    (0.1, 0.3, 1, 10, 5, 29), (0.1, 0.3, 1, 15, 5, 25), (0.2, 0.4, 3, 13, 12, 43),
    (0.2, 0.4, 4, 18, 10, 33), (0.2, 0.4, 3, 14, 11, 38), (0.2, 0.4, 3, 17, 10, 37),
    (0.2, 0.4, 3, 19, 10, 36), (0.2, 0.35, 11, 53, 26, 99), (0.2, 0.35, 15, 68, 25, 95),
    (0.25, 0.45, 3, 14, 14, 44), (0.25, 0.45, 3, 15, 13, 40), (0.25, 0.45, 5, 23, 13, 39),
    (0.15, 0.45, 1, 6, 7, 25), (0.15, 0.45, 1, 10, 5, 16), (0.3, 0.5, 6, 19, 18, 45),
    (0.3, 0.5, 6, 20, 17, 42), (0.1, 0.3, 1, 14, 4, 21), (0.1, 0.3, 2, 15, 4, 22),
    (0.1, 0.3, 1, 14, 5, 25), (0.1, 0.3, 1, 12, 5, 26), (0.1, 0.3, 1, 11, 5, 27),
    (0.1, 0.3, 1, 11, 5, 28),
})


def _within(est: Any, exact: float, k: float = 3.0) -> None:
    assert abs(est.estimate - exact) <= k * est.mc_se, (est, exact)


@pytest.mark.parametrize(("p0", "p1", "r1", "n1", "r", "n"), PUBLISHED_SIMON)
def test_item3_simon_simulation_matches_exact_operating_characteristics(
        p0: float, p1: float, r1: int, n1: int, r: int, n: int) -> None:
    at0 = engine.run(simon_simulation(r1, n1, r, n, p0), TRIALS, SEED)
    at1 = engine.run(simon_simulation(r1, n1, r, n, p1), TRIALS, SEED + 1)
    pet0, en0, alpha = simon_oc(r1, n1, r, n, p0)
    _, _, power = simon_oc(r1, n1, r, n, p1)
    _within(at0.reject, alpha)  # type I error
    _within(at1.reject, power)
    _within(at0.pet, pet0)
    _within(at0.en, en0)
    assert at0.en.mc_se == pytest.approx((n - n1) * at0.pet.mc_se)
    assert (at0.exact_reject, at0.exact_pet, at0.exact_en) == (alpha, pet0, en0)


def test_item3_simon_extreme_rates_are_certain() -> None:
    """p = 0: every trial stops at stage 1 (0 ≤ r1); p = 1: every trial rejects (n > r)."""
    none = engine.run(simon_simulation(1, 10, 5, 29, 0.0), 3000, 1)
    assert (none.reject.estimate, none.pet.estimate, none.en.estimate) == (0.0, 1.0, 10.0)
    every = engine.run(simon_simulation(1, 10, 5, 29, 1.0), 3000, 1)
    assert (every.reject.estimate, every.pet.estimate, every.en.estimate) == (1.0, 0.0, 29.0)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_item3_simon_invariants(data: st.DataObject) -> None:
    """Any design and rate: a trial rejects only after stage 2 (P(reject) ≤ 1 − PET), n1 ≤
    EN ≤ n, and the chunking changes nothing."""
    n = data.draw(st.integers(2, 80))
    n1 = data.draw(st.integers(1, n - 1))
    r1 = data.draw(st.integers(0, n1 - 1))
    r = data.draw(st.integers(r1, n - 1))
    p = data.draw(st.floats(0.0, 1.0))
    sim = simon_simulation(r1, n1, r, n, p)
    res = engine.run(sim, 2500, 1, chunk=1000)
    assert res.reject.estimate + res.pet.estimate <= 1 + 1e-12  # counts / trials
    assert n1 <= res.en.estimate <= n
    assert res == engine.run(sim, 2500, 1, chunk=3000)


def test_item3_simon_same_seed_same_result_any_chunk() -> None:
    sim = simon_simulation(1, 10, 5, 29, 0.3)
    a = engine.run(sim, 12_500, 9, chunk=1000)
    b = engine.run(sim, 12_500, 9, chunk=13_000)
    assert a.to_dict() == b.to_dict()
    assert engine.run(sim, 12_500, 10).to_dict() != a.to_dict()
    json.dumps(a.to_dict())


# ---- two arms, binary ------------------------------------------------------------------


def test_item3_two_arm_binary_power_agrees_with_design_formula_clark2003() -> None:
    """clark2003: 2-year DFS 40 % vs 70 % with 34 per arm, two-sided α 0.05: the formula of
    ``hdil2 design two-proportions`` gives power 0.7095.  The formula is a normal
    approximation: the exact power of the z test it assumes (every pair of responder counts
    enumerated) is 0.7040 two-sided and 0.8284 one-sided (formula 0.8113) - the one-sided gap
    is about 6 Monte Carlo SE at 20,000 trials, so the one-sided simulation is checked against
    the exact power only (``test_item3_two_arm_binary_power_matches_exact_enumeration``)."""
    sim = engine.run(two_arm_binary_simulation(0.7, 0.4, 34, alpha=0.05, sides=2), TRIALS,
                     SEED)
    _within(sim.reject, two_proportions_power(0.7, 0.4, 34, alpha=0.05, sides=2).power)


def _exact_power(p1: float, p2: float, n1: int, n2: int, alpha: float, sides: int,
                 yates: bool) -> float:
    """Σ P(x1) P(x2) over the tables SciPy's chi-square test rejects (one-sided: p̂1 > p̂2
    and half the two-sided P at most α)."""
    total = 0.0
    for x1 in range(n1 + 1):
        for x2 in range(n2 + 1):
            if x1 + x2 in (0, n1 + n2):
                continue  # no test: a margin of zero
            table = [[x1, n1 - x1], [x2, n2 - x2]]
            p = chi2_contingency(table, correction=yates).pvalue
            one_sided = x1 / n1 > x2 / n2 and p / 2 <= alpha
            if (p <= alpha) if sides == 2 else one_sided:
                total += binom.pmf(x1, n1, p1) * binom.pmf(x2, n2, p2)
    return float(total)


@pytest.mark.parametrize(("test", "sides", "p1", "p2", "n1", "n2"), [
    ("normal", 2, 0.7, 0.4, 34, 34), ("normal", 1, 0.7, 0.4, 34, 34),
    ("normal_cc", 2, 0.7, 0.4, 34, 34), ("normal_cc", 1, 0.45, 0.2, 29, 17),
    ("normal", 2, 0.3, 0.3, 25, 40),  # type I error of the test itself (not α: discrete)
])
def test_item3_two_arm_binary_power_matches_exact_enumeration(
        test: str, sides: int, p1: float, p2: float, n1: int, n2: int) -> None:
    sim = engine.run(two_arm_binary_simulation(p1, p2, n1, n2, sides=sides, test=test),
                     TRIALS, SEED)
    exact = _exact_power(p1, p2, n1, n2, 0.05, sides, test == "normal_cc")
    _within(sim.reject, exact)
    assert sim.exact_reject == pytest.approx(exact, abs=1e-12)


def test_item3_two_arm_binary_same_seed_same_result_any_chunk() -> None:
    sim = two_arm_binary_simulation(0.7, 0.4, 34)
    assert engine.run(sim, 4500, 3, chunk=1000) == engine.run(sim, 4500, 3, chunk=5000)


# ---- two arms, time to event -------------------------------------------------------------

MEDIAN, ACCRUAL, FOLLOW_UP = 12.0, 24.0, 12.0
LAM = math.log(2) / MEDIAN


def _design(hr: float = 0.67, dropout: float = 0.0) -> tuple[int, float]:
    """Schoenfeld: patients (rounded up to an even number) and events for HR 0.67, 80 %
    power, two-sided α 0.05, with this accrual and follow-up."""
    s = survival_size(hazard_ratio=hr, lambda2=LAM, accrual=ACCRUAL, follow_up=FOLLOW_UP,
                      power=0.8, sides=2, dropout=dropout)
    assert s.events == pytest.approx(195.75, abs=0.01)  # (1.96 + 0.8416)² 4 / log(0.67)²
    assert s.patients is not None
    n = math.ceil(s.patients)
    return n + n % 2, s.events


def _schoenfeld_power(events: float, hr: float, alpha: float, sides: int) -> float:
    return float(norm.cdf(math.sqrt(events) / 2 * abs(math.log(hr)) - norm.isf(alpha / sides)))


def _expected_events(n: int, hr: float, dropout: float) -> float:
    return n / 2 * (event_probability(LAM * hr, ACCRUAL, FOLLOW_UP, dropout)
                    + event_probability(LAM, ACCRUAL, FOLLOW_UP, dropout))


@pytest.mark.parametrize("dropout", [0.0, 0.01])
def test_item3_two_arm_survival_power_agrees_with_schoenfeld(dropout: float) -> None:
    n, events = _design(dropout=dropout)
    if dropout == 0:
        assert n == 298  # 195.75 events / P(event) 0.6601 = 296.6 patients, even: 298
    sim = two_arm_survival_simulation(0.67, n=n, control_median=MEDIAN, accrual=ACCRUAL,
                                      follow_up=FOLLOW_UP, dropout_hazard=dropout)
    res = engine.run(sim, TRIALS, SEED)
    expected = _expected_events(n, 0.67, dropout)
    assert expected == pytest.approx(events, rel=0.01)
    _within(res.reject, _schoenfeld_power(expected, 0.67, 0.05, 2))
    _within(res.expected_events, expected)
    assert res.expected_patients.estimate == n
    assert res.expected_duration.estimate == pytest.approx(ACCRUAL + FOLLOW_UP)
    assert res.early_stop.estimate == 0


@pytest.mark.parametrize(("ratio", "dropout"), [(2.0, 0.02), (0.5, 0.0)])
def test_item3_two_arm_survival_allocation_and_dropout_give_the_expected_events(
        ratio: float, dropout: float) -> None:
    """n1/n2 = ratio; the events observed by the end are Σ n_g · P(event | λ_g), the event model
    of ``hdil2 design survival`` (uniform accrual, exponential event and drop-out times)."""
    sim = two_arm_survival_simulation(0.67, n=300, ratio=ratio, control_median=MEDIAN,
                                      accrual=ACCRUAL, follow_up=FOLLOW_UP,
                                      dropout_hazard=dropout)
    res = engine.run(sim, 10_000, SEED)
    assert (res.n1, res.n2) == ((200, 100) if ratio == 2 else (100, 200))
    _within(res.expected_events,
            res.n1 * event_probability(LAM * 0.67, ACCRUAL, FOLLOW_UP, dropout)
            + res.n2 * event_probability(LAM, ACCRUAL, FOLLOW_UP, dropout))


@pytest.mark.parametrize("sides", [1, 2])
def test_item3_two_arm_survival_type_one_error_is_alpha(sides: int) -> None:
    n, _ = _design()
    sim = two_arm_survival_simulation(1.0, n=n, control_hazard=LAM, accrual=ACCRUAL,
                                      follow_up=FOLLOW_UP, alpha=0.05, sides=sides)
    res = engine.run(sim, TRIALS, SEED)
    _within(res.reject, 0.05)
    _within(res.expected_events, _expected_events(n, 1.0, 0.0))


INTERIM_TRIALS = 10_000


@pytest.mark.parametrize(("fractions", "spending"), [
    ((0.5,), "obrien_fleming"), ((1 / 3, 2 / 3), "pocock")])
def test_item3_two_arm_survival_interims_keep_alpha(fractions: tuple[float, ...],
                                                    spending: str) -> None:
    n, events = _design()
    sim = two_arm_survival_simulation(1.0, n=n, control_median=MEDIAN, accrual=ACCRUAL,
                                      follow_up=FOLLOW_UP, interim_fractions=fractions,
                                      spending=spending, planned_events=events)
    res = engine.run(sim, INTERIM_TRIALS, SEED)
    _within(res.reject, 0.05)
    # the first interim spends what the Lan-DeMets function says (α/2 on each side)
    gs = group_sequential((*fractions, 1.0), alpha=0.025, spending=spending)
    _within(res.reject_by_analysis[0], 2 * gs.alpha_spent[0])
    assert res.interim_events == tuple(math.ceil(f * events) for f in fractions)
    assert res.early_stop.estimate == res.early_efficacy.estimate > 0


def test_item3_two_arm_survival_interim_shortens_the_trial_under_the_alternative() -> None:
    n, events = _design()
    seq = engine.run(two_arm_survival_simulation(
        0.67, n=n, control_median=MEDIAN, accrual=ACCRUAL, follow_up=FOLLOW_UP,
        interim_fractions=(0.5,), planned_events=events), INTERIM_TRIALS, SEED)
    assert seq.expected_patients.estimate + 3 * seq.expected_patients.mc_se < n
    assert seq.expected_duration.estimate + 3 * seq.expected_duration.mc_se < ACCRUAL + FOLLOW_UP
    assert seq.expected_events.estimate + 3 * seq.expected_events.mc_se < _expected_events(
        n, 0.67, 0.0)
    assert seq.early_stop.estimate > 0.1
    # an O'Brien-Fleming interim costs little power: near Schoenfeld's 80 %
    assert abs(seq.reject.estimate - _schoenfeld_power(_expected_events(n, 0.67, 0.0), 0.67,
                                                       0.05, 2)) < 0.02


def test_item3_two_arm_survival_non_binding_futility() -> None:
    """One-sided, futility when z < 0 at half the events: under H0 about half the trials stop
    (as ``group_sequential`` integrates it); the efficacy boundaries ignore the futility
    boundary, so with the same seed (the same trials) futility only takes rejections away."""
    n, events = _design()
    kw: dict[str, Any] = {"n": n, "control_median": MEDIAN, "accrual": ACCRUAL,
                          "follow_up": FOLLOW_UP, "sides": 1, "alpha": 0.025,
                          "interim_fractions": (0.5,), "planned_events": events}
    fut = engine.run(two_arm_survival_simulation(1.0, futility_z=(0.0,), **kw),
                     INTERIM_TRIALS, SEED)
    free = engine.run(two_arm_survival_simulation(1.0, **kw), INTERIM_TRIALS, SEED)
    gs = group_sequential((0.5, 1.0), alpha=0.025, futility_z=(0.0, None))
    assert gs.futility_stop_h0 is not None
    _within(fut.early_futility, gs.futility_stop_h0)
    assert free.early_futility.estimate == 0
    _within(free.reject, 0.025)
    assert fut.reject.estimate < free.reject.estimate
    assert fut.reject_by_analysis[0] == free.reject_by_analysis[0]
    assert fut.critical_z == free.critical_z


def test_item3_two_arm_survival_same_seed_same_result_any_chunk() -> None:
    sim = two_arm_survival_simulation(0.7, n=200, control_median=MEDIAN, accrual=ACCRUAL,
                                      follow_up=FOLLOW_UP, dropout_hazard=0.02,
                                      interim_fractions=(0.5,), futility_z=(-0.5,))
    a = engine.run(sim, 2500, 4, chunk=1000)
    b = engine.run(sim, 2500, 4, chunk=3000)
    assert a.to_dict() == b.to_dict()
    json.dumps(a.to_dict())
    assert engine.run(sim, 2500, 5).to_dict() != a.to_dict()


def test_item3_results_are_json_as_their_schema_says() -> None:
    import jsonschema

    for sim in (simon_simulation(1, 10, 5, 29, 0.1), two_arm_binary_simulation(0.1, 0.1, 10),
                two_arm_survival_simulation(0.7, n=100, control_median=12, accrual=12,
                                            follow_up=6, interim_fractions=(0.5,),
                                            futility_z=(0.0,))):
        res = engine.run(sim, 2000, 1)
        out = json.loads(json.dumps(res.to_dict()))
        jsonschema.validate(out, type(res).json_schema())
        assert out["reasons"][0]["source"] in ("simon1989", "fleiss1980", "mantel1966")


# ---- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "make"), [
    ("r1", lambda: simon_simulation(10, 10, 5, 29, 0.1)),
    ("r", lambda: simon_simulation(1, 10, 29, 29, 0.1)),
    ("p", lambda: simon_simulation(1, 10, 5, 29, 1.5)),
    ("n", lambda: simon_simulation(1, 10, 5, 10**6, 0.1)),
    ("test", lambda: two_arm_binary_simulation(0.7, 0.4, 34, test="exact")),
    ("sides", lambda: two_arm_binary_simulation(0.7, 0.4, 34, sides=3)),
    ("n2", lambda: two_arm_binary_simulation(0.7, 0.4, 34, 0)),
    ("control_median", lambda: two_arm_survival_simulation(
        0.7, n=100, control_median=12, control_hazard=0.05, accrual=1, follow_up=1)),
    ("control_median", lambda: two_arm_survival_simulation(
        0.7, n=100, accrual=1, follow_up=1)),
    ("hazard_ratio", lambda: two_arm_survival_simulation(
        0.0, n=100, control_median=12, accrual=1, follow_up=1)),
    ("n", lambda: two_arm_survival_simulation(
        0.7, n=10**6, control_median=12, accrual=1, follow_up=1)),
    ("ratio", lambda: two_arm_survival_simulation(
        0.7, n=10, ratio=100, control_median=12, accrual=1, follow_up=1)),
    ("follow_up", lambda: two_arm_survival_simulation(
        0.7, n=100, control_median=12, accrual=0, follow_up=0)),
    ("accrual", lambda: two_arm_survival_simulation(
        0.7, n=100, control_median=12, accrual=-1, follow_up=1)),
    ("interim_fractions[1]", lambda: two_arm_survival_simulation(
        0.7, n=100, control_median=12, accrual=1, follow_up=1, interim_fractions=(0.5, 0.4))),
    ("interim_fractions[0]", lambda: two_arm_survival_simulation(
        0.7, n=100, control_median=12, accrual=1, follow_up=1, interim_fractions=(1.0,))),
    ("futility_z", lambda: two_arm_survival_simulation(
        0.7, n=100, control_median=12, accrual=1, follow_up=1, interim_fractions=(0.5,),
        futility_z=(0.0, 0.0))),
    ("spending", lambda: two_arm_survival_simulation(
        0.7, n=100, control_median=12, accrual=1, follow_up=1, spending="obf")),
    ("dropout_hazard", lambda: two_arm_survival_simulation(
        0.7, n=100, control_median=12, accrual=1, follow_up=1, dropout_hazard=-0.1)),
])
def test_item3_bad_designs_are_refused_naming_the_field(field: str, make: Any) -> None:
    with pytest.raises(InputError) as e:
        make()
    assert e.value.field == field
