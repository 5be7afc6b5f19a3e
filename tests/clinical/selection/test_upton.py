"""Upton 2005 pathology model: classifier rules at every threshold (D3), missing data, numbers.

Numbers checked against reference §5.5 / §7 (computed there with SciPy from the paper's counts):
good 14/36 (39 %, exact CI 23.1-56.5), intermediate 15/77 (19 %, 11.3-30.1), poor 1/33 (3 %,
0.1-15.8); Cochran-Armitage trend z = -3.69; clear cell 30/146 vs variant 1/17, Fisher
P = 0.1995 (printed 0.20).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest, fisher_exact

from hdil2.clinical.selection.models import upton
from hdil2.clinical.selection.models.upton import COUNTS, OUTCOMES
from hdil2.clinical.selection.patient import Patient

from .conftest import DELETE, Make, patched


def path(alv: Any, gran: Any, pap: Any = False, hist: str = "clear_cell") -> dict[str, Any]:
    return {"pathology.alveolar_pct": alv, "pathology.granular_pct": gran,
            "pathology.papillary_present": pap, "diagnosis.histology": hist}


@pytest.mark.parametrize(("alv", "gran", "pap", "hist", "group"), [
    (80, 0, False, "clear_cell", "good"),
    (51, 0, False, "clear_cell", "good"),
    ("50.1", 0, False, "clear_cell", "good"),
    (50, 0, False, "clear_cell", "intermediate"),  # exactly 50 %: rule 6 (D3, flagged)
    ("49.9", 0, False, "clear_cell", "intermediate"),
    (70, 10, False, "clear_cell", "intermediate"),  # D3 worked example
    (70, "0.1", False, "clear_cell", "intermediate"),
    (30, 30, False, "clear_cell", "intermediate"),
    (30, 50, False, "clear_cell", "intermediate"),  # granular exactly 50 %: rule 6
    (30, "50.1", False, "clear_cell", "poor"),      # granular > 50 %
    (90, 60, False, "clear_cell", "poor"),
    (0, 0, False, "clear_cell", "poor"),            # no alveolar features (D3)
    ("0.1", 0, False, "clear_cell", "intermediate"),
    (80, 0, True, "clear_cell", "poor"),            # papillary features
    (80, 0, False, "papillary", "non_clear"),
    (80, 0, False, "chromophobe", "non_clear"),
])
def test_classifier(make: Make, alv: Any, gran: Any, pap: bool, hist: str, group: str) -> None:
    r = upton(make(path(alv, gran, pap, hist)))
    assert r.group == group
    assert r.status == "complete"
    assert r.outcome is not None
    assert r.outcome.group == group


@pytest.mark.parametrize(("alv", "gran", "flag"), [
    (50, 0, "upton2005.fifty_percent"), (30, 50, "upton2005.fifty_percent"),
    (70, 10, "upton2005.alveolar_with_some_granular")])
def test_edge_cases_flagged_unverified(make: Make, alv: int, gran: int, flag: str) -> None:
    r = upton(make(path(alv, gran)))
    assert r.group == "intermediate"
    caveat = next(c for c in r.caveats if c.rule == flag)
    assert caveat.tag.value == "unverified"
    assert "docs/decisions.md#upton-classifier" in caveat.text


def test_clear_cases_carry_no_edge_flag(make: Make) -> None:
    assert upton(make(path(30, 30))).caveats == ()


def test_papillary_decides_whatever_is_missing(make: Make) -> None:
    r = upton(make({"pathology": {"papillary_present": True}}))
    assert r.group == "poor"
    assert r.status == "incomplete"  # the percentages are still named as missing
    assert set(r.missing) == {"pathology.granular_pct", "pathology.alveolar_pct"}


def test_missing_alveolar_gives_every_reachable_group(make: Make) -> None:
    r = upton(make({"pathology.alveolar_pct": DELETE}))
    assert r.group == "indeterminate"
    assert r.possible_groups == ("good", "intermediate", "poor")
    assert r.missing == ("pathology.alveolar_pct",)


def test_missing_granular_with_high_alveolar(make: Make) -> None:
    r = upton(make({"pathology.granular_pct": DELETE}))
    assert r.possible_groups == ("good", "intermediate", "poor")
    assert r.missing == ("pathology.granular_pct",)
    # granular unknown but alveolar 30 %: good is impossible
    r = upton(make({"pathology.granular_pct": DELETE, "pathology.alveolar_pct": 30}))
    assert r.possible_groups == ("intermediate", "poor")


def test_missing_histology(make: Make) -> None:
    r = upton(make({"diagnosis.histology": DELETE}))
    assert r.possible_groups == ("good", "non_clear")
    assert r.missing == ("diagnosis.histology",)


def test_melanoma_not_applicable(make: Make) -> None:
    r = upton(make({"diagnosis": {"disease": "melanoma", "histology": "cutaneous"}}))
    assert r.status == "not_applicable"
    assert r.group == "not_applicable"


def test_published_counts_and_rates() -> None:
    assert {g: (c.responders, c.n) for g, c in COUNTS.items()} == {
        "good": (14, 36), "intermediate": (15, 77), "poor": (1, 33), "non_clear": (1, 17)}
    assert {g: o.figures["response_pct"] for g, o in OUTCOMES.items()} == {
        "good": 39, "intermediate": 19, "poor": 3, "non_clear": 6}
    assert [str(COUNTS[g].median_os_years) for g in ("good", "intermediate", "poor")] == [
        "2.87", "1.36", "0.87"]
    assert {g: (c.metastasis_responders, c.metastasis_n) for g, c in COUNTS.items()} == {
        "good": (5, 20), "intermediate": (2, 22), "poor": (0, 16), "non_clear": (0, 10)}


@pytest.mark.parametrize(("group", "low", "high"), [
    ("good", 23.1, 56.5), ("intermediate", 11.3, 30.1), ("poor", 0.1, 15.8)])
def test_exact_intervals_of_reference_section_7(group: str, low: float, high: float) -> None:
    c = COUNTS[group]
    ci = binomtest(c.responders, c.n).proportion_ci(method="exact")
    assert (round(100 * ci.low, 1), round(100 * ci.high, 1)) == (low, high)


def test_trend_across_groups_matches_reference() -> None:
    groups = ("good", "intermediate", "poor")
    r = np.array([COUNTS[g].responders for g in groups])
    n = np.array([COUNTS[g].n for g in groups])
    t = np.arange(3)
    p = r.sum() / n.sum()
    z = (t * (r - n * p)).sum() / np.sqrt(
        p * (1 - p) * ((n * t * t).sum() - (n * t).sum() ** 2 / n.sum()))
    assert round(float(z), 2) == -3.69


def test_clear_cell_vs_variant_reproduces_printed_p() -> None:
    clear = [COUNTS[g] for g in ("good", "intermediate", "poor")]
    resp, total = sum(c.responders for c in clear), sum(c.n for c in clear)
    assert (resp, total) == (30, 146)
    nc = COUNTS["non_clear"]
    p = fisher_exact([[resp, total - resp], [nc.responders, nc.n - nc.responders]])[1]
    assert round(float(p), 2) == 0.20  # upton2005: P = 0.20


def test_seed_002_summary_discrepancy_is_real() -> None:
    # atkins2004: 29/115 vs 2/50; the paper's counts give 29/113 (113 + 50 = 163 primaries)
    fav = [COUNTS["good"], COUNTS["intermediate"]]
    unf = [COUNTS["poor"], COUNTS["non_clear"]]
    assert (sum(c.responders for c in fav), sum(c.n for c in fav)) == (29, 113)
    assert (sum(c.responders for c in unf), sum(c.n for c in unf)) == (2, 50)
    assert 113 + 50 == 163 != 115 + 50


PCTS = st.sampled_from(["0", "0.1", "25", "49.9", "50", "50.1", "70", "100"])


@settings(max_examples=80, deadline=None)
@given(alv=PCTS, gran=PCTS, pap=st.booleans(),
       hist=st.sampled_from(["clear_cell", "papillary"]),
       drop=st.sets(st.sampled_from(["pathology.alveolar_pct", "pathology.granular_pct",
                                     "pathology.papillary_present", "diagnosis.histology"])))
def test_missing_inputs_give_a_sound_range(alv: str, gran: str, pap: bool, hist: str,
                                           drop: set[str]) -> None:
    full = patched(path(alv, gran, pap, hist))
    truth = upton(Patient.model_validate(full))
    partial = upton(Patient.model_validate(patched(dict.fromkeys(drop, DELETE), full)))
    assert truth.group in partial.possible_groups
    assert set(partial.missing) <= drop
