"""Issue 15 item 1: the virtual patient's doses within a course - hold incidence per dose.

The numbers nobody here invented: the Proleukin label (``proleukin-label``) reports that
patients received a median of 20 of the 28 scheduled doses of course 1 in renal cell cancer and
18 in melanoma.  The model holds each scheduled dose with a per-dose probability calibrated so
that the median of doses given in course 1 is the label's; the calibration is checked here by
exact binomial arithmetic (Fractions), the simulation against it within Monte Carlo error.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hdil2.core.errors import InputError
from hdil2.sim import engine
from hdil2.sim.cohort import cohort_simulation, virtual_patients
from hdil2.sim.model import DOSE_SLOTS, LEE2000, DoseModel

#: the label: median doses given in course 1, of 28 (typed in from proleukin-label)
LABEL_MEDIAN = {"rcc": 20, "melanoma": 18}
N = 100_000


def _binomial_cdf(k: int, n: int, p: Fraction) -> Fraction:
    return sum((math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k + 1)),
               Fraction(0))


def _is_median(m: int, n: int, p: Fraction) -> bool:
    """m is the (unique) median of Bin(n, p): P(X <= m - 1) < 1/2 < P(X <= m)."""
    return _binomial_cdf(m - 1, n, p) < Fraction(1, 2) < _binomial_cdf(m, n, p)


@pytest.fixture(scope="module")
def runs() -> dict[str, object]:
    return {d: engine.run(cohort_simulation(LEE2000, "lee2000", d), N, seed)
            for d, seed in (("rcc", 5), ("melanoma", 6))}


def test_item1_doses_model_holds_the_labels_medians_and_28_slots() -> None:
    assert DOSE_SLOTS == 28  # label: at most 14 doses per cycle, 28 per course
    for d, m in LABEL_MEDIAN.items():
        doses = LEE2000.disease(d).doses
        assert doses.median_doses_course1 == m
        assert doses.source == "proleukin-label"


@pytest.mark.parametrize("disease", sorted(LABEL_MEDIAN))
def test_item1_calibrated_hold_probability_gives_the_labels_median_exactly(
        disease: str) -> None:
    """Exact binomial: doses given ~ Bin(28, 1 - q) has median 20 (rcc) / 18 (melanoma)."""
    q = LEE2000.disease(disease).doses.hold_probabilities(1)[0]
    assert len(set(q)) == 1  # constant over the dose numbers (the documented assumption)
    p_given = 1 - Fraction(q[0]).limit_denominator(1000)
    assert _is_median(LABEL_MEDIAN[disease], DOSE_SLOTS, p_given)
    # and it is the closed form 1 - median / 28 (mean = median)
    assert q[0] == pytest.approx(1 - LABEL_MEDIAN[disease] / 28, abs=1e-15)


@given(st.integers(1, 27))
def test_item1_closed_form_calibration_holds_for_any_median(m: int) -> None:
    """For any label median m, q = 1 - m/28 makes m the exact median of Bin(28, 1 - q)."""
    q = DoseModel(median_doses_course1=m).hold_probabilities(1)[0][0]
    assert _is_median(m, DOSE_SLOTS, 1 - Fraction(q).limit_denominator(1000))


@pytest.mark.parametrize("disease", sorted(LABEL_MEDIAN))
def test_item1_simulated_median_doses_in_course1_is_the_labels(
        disease: str, runs: dict[str, object]) -> None:
    r = runs[disease]
    c1 = r.doses[0]  # type: ignore[attr-defined]
    assert c1.course == 1
    assert c1.median == LABEL_MEDIAN[disease]
    assert c1.median_low == c1.median_high == LABEL_MEDIAN[disease]  # MC interval
    # the mean of Bin(28, m/28) is m too
    assert abs(c1.mean.value - LABEL_MEDIAN[disease]) <= 3 * c1.mean.se
    assert sum(e.value for e in c1.distribution) == pytest.approx(1.0)


@pytest.mark.parametrize("disease", sorted(LABEL_MEDIAN))
def test_item1_held_incidence_per_dose_is_the_model_parameter(
        disease: str, runs: dict[str, object]) -> None:
    r = runs[disease]
    for c in r.doses:  # type: ignore[attr-defined]
        q = LEE2000.disease(disease).doses.hold_probabilities(c.course)[c.course - 1]
        assert len(c.held) == DOSE_SLOTS
        for j, e in enumerate(c.held):
            assert abs(e.value - q[j]) <= 3 * e.se, (c.course, j + 1)


def test_item1_increasing_hold_override_is_followed() -> None:
    """An override by dose number (here rising from 0 to 0.5 over the course) is simulated
    as given, dose by dose; course 2 uses the last row given."""
    rising = tuple(j / 54 for j in range(28))
    dm = LEE2000.disease("rcc")
    model = replace(LEE2000, diseases=(replace(dm, doses=replace(dm.doses, hold=(rising,))),))
    r = engine.run(cohort_simulation(model, "fixed:2", "rcc"), 20_000, 3)
    for c in r.doses:
        for j, e in enumerate(c.held):
            assert abs(e.value - rising[j]) <= 3 * e.se + 1e-12, (c.course, j + 1)
    assert r.doses[0].held[0].value == 0.0


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"median_doses_course1": 0}, "doses.median_doses_course1"),
    ({"median_doses_course1": 29}, "doses.median_doses_course1"),
    ({"median_doses_course1": 20.5}, "doses.median_doses_course1"),
    ({"median_doses_course1": 20, "hold": ((0.1,) * 27,)}, "doses.hold[0]"),
    ({"median_doses_course1": 20, "hold": ((1.5,) * 28,)}, "doses.hold[0]"),
    ({"median_doses_course1": 20, "hold": ()}, "doses.hold"),
])
def test_item1_bad_dose_model_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as e:
        DoseModel(**kwargs)  # type: ignore[arg-type]
    assert e.value.field == field


def test_item1_doses_same_seed_same_numbers_for_chunks_of_1e3_and_1e5() -> None:
    sim = cohort_simulation(LEE2000, "lee2000", "melanoma")
    a = engine.run(sim, 100_000, 12, chunk=1_000)
    b = engine.run(sim, 100_000, 12, chunk=100_000)
    assert a.doses == b.doses
    assert a == b


def test_item1_doses_reasons_cite_the_label_and_the_assumption() -> None:
    r = engine.run(cohort_simulation(LEE2000, "lee2000", "rcc"), 1000, 1)
    by_rule = {x.rule: x for x in r.reasons}
    label = by_rule["sim.cohort.doses"]
    assert label.source == "proleukin-label"
    assert label.tag.value == "verified"
    assumed = by_rule["sim.cohort.doses.model"]
    assert assumed.tag.value == "unverified"
    assert "assum" in assumed.text


def test_item1_listed_patients_doses_are_the_counted_ones() -> None:
    """virtual_patients' doses per course add up to the simulation's histogram."""
    sim = cohort_simulation(LEE2000, "lee2000", "rcc")
    n, seed = 2500, 4
    listed = virtual_patients(sim, n, seed)
    r = engine.run(sim, n, seed)
    for c in r.doses:
        given = listed["doses"][:, c.course - 1]
        given = given[given >= 0]
        assert len(given) == round(c.treated.value * n)
        for d, e in enumerate(c.distribution):
            assert round(e.value * len(given)) == int((given == d).sum())
