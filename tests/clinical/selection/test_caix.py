"""CA-IX > 85 %: threshold both sides; the counts reproduce OR 3.3 and Fisher P = 0.04."""

from __future__ import annotations

import pytest
from scipy.stats import fisher_exact

from hdil2.clinical.selection.models import caix
from hdil2.clinical.selection.models.caix import COUNTS, OUTCOMES

from .conftest import DELETE, Make


@pytest.mark.parametrize(("pct", "group"), [
    ("84.99", "low"), ("85", "low"), ("85.0", "low"), ("85.01", "high"), ("86", "high"),
    ("0", "low"), ("100", "high")])
def test_threshold_85_percent_exclusive(make: Make, pct: str, group: str) -> None:
    r = caix(make(caix_pct=pct))
    assert r.group == group
    assert r.status == "complete"
    assert r.factor("caix_above_85").counted is (group == "high")


def test_missing_caix_is_named(make: Make) -> None:
    r = caix(make(caix_pct=DELETE))
    assert r.group == "indeterminate"
    assert r.possible_groups == ("high", "low")
    assert r.missing == ("caix_pct",)


def test_counts_reproduce_seed_002() -> None:
    table = [[COUNTS.responders_high, COUNTS.responders - COUNTS.responders_high],
             [COUNTS.non_responders_high, COUNTS.non_responders - COUNTS.non_responders_high]]
    odds, p = fisher_exact(table)
    assert round(float(odds), 1) == 3.3  # atkins2004: "odds ratio = 3.3"
    assert round(float(p), 2) == 0.04  # atkins2004: "P = 0.04" (Fisher 0.0397)
    assert COUNTS.high_n == 41
    assert round(100 * 41 / 66) == 62
    assert round(100 * COUNTS.responders_high / COUNTS.responders) == 78  # 21/27 (78%)
    assert round(100 * COUNTS.non_responders_high / COUNTS.non_responders) == 51  # 20/39


def test_outcomes_carry_derived_rates_and_survival() -> None:
    assert (OUTCOMES["high"].figures["responders"], OUTCOMES["high"].figures["n"]) == (21, 41)
    assert (OUTCOMES["low"].figures["responders"], OUTCOMES["low"].figures["n"]) == (6, 25)
    assert OUTCOMES["high"].figures["median_survival_years"] == 3
    assert OUTCOMES["low"].figures["median_survival_years"] == 1
