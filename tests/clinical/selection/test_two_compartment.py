"""Two-compartment model: every combination, missing CA-IX only when it matters, OR ≈ 30."""

from __future__ import annotations

from typing import Any

import pytest
from scipy.stats import fisher_exact

from hdil2.clinical.selection.models import two_compartment
from hdil2.clinical.selection.models.two_compartment import COUNTS, OUTCOMES

from .conftest import DELETE, Make

GOOD = {"pathology.alveolar_pct": 80, "pathology.granular_pct": 0}
INTERMEDIATE = {"pathology.alveolar_pct": 30, "pathology.granular_pct": 30}
POOR = {"pathology.alveolar_pct": 0, "pathology.granular_pct": 0}


@pytest.mark.parametrize(("pathology", "caix", "group"), [
    (GOOD, 92, "favourable"),
    (GOOD, 10, "favourable"),          # good: any CA-IX
    (INTERMEDIATE, "85.01", "favourable"),
    (INTERMEDIATE, 85, "unfavourable"),  # 85 % exactly is low
    (INTERMEDIATE, 40, "unfavourable"),
    (POOR, 99, "unfavourable"),
    ({"diagnosis.histology": "papillary"}, 99, "unfavourable"),
])
def test_compartments(make: Make, pathology: dict[str, Any], caix: Any, group: str) -> None:
    r = two_compartment(make({**pathology, "caix_pct": caix}))
    assert r.group == group
    assert r.status == "complete"


def test_missing_caix_matters_only_for_intermediate(make: Make) -> None:
    r = two_compartment(make({**GOOD, "caix_pct": DELETE}))
    assert r.group == "favourable"
    assert r.status == "complete"
    r = two_compartment(make({**POOR, "caix_pct": DELETE}))
    assert r.group == "unfavourable"
    assert r.status == "complete"
    r = two_compartment(make({**INTERMEDIATE, "caix_pct": DELETE}))
    assert r.group == "indeterminate"
    assert r.possible_groups == ("favourable", "unfavourable")
    assert r.missing == ("caix_pct",)


def test_unknown_pathology_with_high_caix(make: Make) -> None:
    # alveolar unknown, granular 10 %: Upton intermediate or poor; with high CA-IX that is
    # favourable or unfavourable — both reachable
    r = two_compartment(make({"pathology.alveolar_pct": DELETE,
                              "pathology.granular_pct": 10, "caix_pct": 95}))
    assert r.possible_groups == ("favourable", "unfavourable")
    assert r.missing == ("pathology.alveolar_pct",)
    # granular 0 %, alveolar unknown: good, intermediate or poor; CA-IX low
    r = two_compartment(make({"pathology.alveolar_pct": DELETE, "caix_pct": 20}))
    assert r.possible_groups == ("favourable", "unfavourable")


def test_counts_reproduce_the_odds_ratio_of_30() -> None:
    table = [[COUNTS.responders_favourable, COUNTS.responders - COUNTS.responders_favourable],
             [COUNTS.non_responders_favourable,
              COUNTS.non_responders - COUNTS.non_responders_favourable]]
    odds, p = fisher_exact(table)
    assert round(float(odds)) == 30  # atkins2004's "3 0" = 30
    assert p < 0.01  # consistent with "< 0.01", not with "= 0.01" (reference §7 row 7)
    assert round(100 * 26 / 27) == 96
    assert round(100 * 18 / 39) == 46
    assert (OUTCOMES["favourable"].figures["responders"],
            OUTCOMES["favourable"].figures["n"]) == (26, 44)
    assert (OUTCOMES["unfavourable"].figures["responders"],
            OUTCOMES["unfavourable"].figures["n"]) == (1, 22)


def test_select_trial_caveat(make: Make) -> None:
    r = two_compartment(make())
    assert any(c.source == "mcdermott2015" and "P = 0.39" in c.text for c in r.caveats)
