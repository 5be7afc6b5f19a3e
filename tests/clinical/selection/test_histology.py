"""Favourable histology (Shablak 2011 / Chow 2016, Upton-based proxy) and shablak2011's numbers."""

from __future__ import annotations

import pytest
from scipy.stats import binomtest, fisher_exact

from hdil2.clinical.selection.models import favourable_histology
from hdil2.clinical.selection.models.histology import OUTCOMES

from .conftest import DELETE, Make


@pytest.mark.parametrize(("alv", "gran", "pap", "hist", "group"), [
    (80, 0, False, "clear_cell", "favourable"),   # Upton good
    (30, 30, False, "clear_cell", "favourable"),  # Upton intermediate
    (30, 60, False, "clear_cell", "unfavourable"),  # Upton poor
    (80, 0, True, "clear_cell", "unfavourable"),
    (80, 0, False, "papillary", "unfavourable"),  # non-clear
])
def test_upton_proxy(make: Make, alv: int, gran: int, pap: bool, hist: str,
                     group: str) -> None:
    r = favourable_histology(make({"pathology.alveolar_pct": alv,
                                   "pathology.granular_pct": gran,
                                   "pathology.papillary_present": pap,
                                   "diagnosis.histology": hist}))
    assert r.group == group
    assert any(c.tag.value == "unverified" and "proxy" in c.text for c in r.caveats)


def test_indeterminate_only_when_the_proxy_depends_on_it(make: Make) -> None:
    # alveolar unknown with granular 0: good, intermediate or poor → both answers possible
    r = favourable_histology(make({"pathology.alveolar_pct": DELETE}))
    assert r.group == "indeterminate"
    assert r.missing == ("pathology.alveolar_pct",)
    # granular unknown but papillary present: poor whatever → unfavourable
    r = favourable_histology(make({"pathology.granular_pct": DELETE,
                                   "pathology.papillary_present": True}))
    assert r.group == "unfavourable"


@pytest.mark.parametrize(("sarc", "group"), [(True, "unfavourable"), (False, "favourable"),
                                             (None, "indeterminate")])
def test_sarcomatoid_variant(make: Make, sarc: bool | None, group: str) -> None:
    p = make({"pathology.sarcomatoid_present": DELETE if sarc is None else sarc})
    assert favourable_histology(p).group == "favourable"  # default proxy ignores it
    r = favourable_histology(p, {"favourable_histology_variant": "upton_proxy_sarcomatoid"})
    assert r.group == group
    if sarc is None:
        assert r.missing == ("pathology.sarcomatoid_present",)


def test_seed_004_numbers() -> None:
    fav = OUTCOMES["favourable"].figures
    assert round(100 * fav["prospective_responders"] / fav["prospective_n"], 1) == 52.5
    assert round(100 * fav["responders"] / fav["n"]) == 49  # 28/57
    assert round(100 * fav["complete"] / fav["n"]) == 25  # 14/57
    assert round(100 * fav["chow2016_responders"] / fav["chow2016_n"], 1) == 48.1
    unf = OUTCOMES["unfavourable"].figures
    assert round(100 * unf["unselected_responders"] / unf["unselected_n"]) == 27  # 8/30
    # derived (not stated): retrospective favourable = 57 − 40 = 17 with 28 − 21 = 7
    # responders; retrospective unfavourable = 30 − 17 = 13 with 8 − 7 = 1 responder
    retro_fav_n = fav["n"] - fav["prospective_n"]
    retro_fav_r = fav["responders"] - fav["prospective_responders"]
    assert (unf["n"], unf["responders"]) == (
        unf["unselected_n"] - retro_fav_n, unf["unselected_responders"] - retro_fav_r)
    assert OUTCOMES["unfavourable"].tag.value == "computed"


def test_reference_section_7_rows_12_and_ci() -> None:
    fav = OUTCOMES["favourable"].figures
    unf = OUTCOMES["unfavourable"].figures
    p = fisher_exact([[21, 19], [unf["unselected_responders"], 30 - 8]])[1]
    assert round(float(p), 3) == 0.049  # row 12: 21/40 vs 8/30
    ci = binomtest(fav["responders"], fav["n"]).proportion_ci(method="exact")
    assert (round(100 * ci.low, 1), round(100 * ci.high, 1)) == (35.6, 62.7)
