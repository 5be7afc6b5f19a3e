"""Negrier rapid progression: 2005 (default) and 2002 variants, thresholds and groups."""

from __future__ import annotations

from typing import Any

import pytest

from hdil2.clinical.selection.models import negrier_rapid_progression as negrier
from hdil2.clinical.selection.models.base import Score
from hdil2.core.errors import InputError

from .conftest import DELETE, Make

# demo patient: lung only, synchronous metastasis (interval 0 days → present), ANC normal
ZERO: dict[str, Any] = {"diagnosis_date": "2021-05-01", "metastasis_date": "2023-09-18",
                        "nephrectomy_date": "2021-05-20"}
PRESENT: dict[str, dict[str, Any]] = {
    "liver_metastases": {"metastatic_sites": ["liver"]},
    "interval_below_1y": {"diagnosis_date": "2023-01-01"},
    "more_than_one_site": {"metastatic_sites": ["lung", "bone"]},
    "neutrophils_above_uln": {"labs.neutrophils.value": "9 10^9/L"},
}


def test_zero(make: Make) -> None:
    r = negrier(make(ZERO))
    assert r.score == Score(0, 0)
    assert r.group == "not_high_risk"
    assert r.source == "negrier2005"


@pytest.mark.parametrize(("sites", "liver", "many"), [
    (["lung"], "absent", "absent"),
    (["liver"], "present", "absent"),
    (["liver", "lung"], "present", "present"),
    (["mediastinal_nodes", "other_nodes"], "absent", "absent"),  # one organ: lymph nodes
    (["mediastinal_nodes", "bone"], "absent", "present"),
    ([], "absent", "absent"),
])
def test_site_factors(make: Make, sites: list[str], liver: str, many: str) -> None:
    r = negrier(make(ZERO, metastatic_sites=sites))
    assert r.factor("liver_metastases").status == liver
    assert r.factor("more_than_one_site").status == many


@pytest.mark.parametrize(("dx", "expected"), [
    ("2022-09-18", "absent"),   # exactly one year before metastasis
    ("2022-09-19", "present"),
    ("2022-09-17", "absent"),
    ("2023-09-18", "present"),  # synchronous
])
def test_interval_boundary(make: Make, dx: str, expected: str) -> None:
    r = negrier(make(ZERO, diagnosis_date=dx))
    assert r.factor("interval_below_1y").status == expected


def test_interval_from_nephrectomy_policy(make: Make) -> None:
    p = make(ZERO, diagnosis_date="2021-01-01", nephrectomy_date="2022-09-19")
    assert negrier(p).factor("interval_below_1y").status == "absent"
    r = negrier(p, {"negrier_dfi_start": "nephrectomy"})
    assert r.factor("interval_below_1y").status == "present"
    assert any(x.rule == "policy.negrier_dfi_start" for x in r.reasons)
    q = make(ZERO, prior_nephrectomy=False, nephrectomy_date=DELETE)
    f = negrier(q, {"negrier_dfi_start": "nephrectomy"}).factor("interval_below_1y")
    assert f.status == "indeterminate"
    assert f.missing == ("nephrectomy_date",)


@pytest.mark.parametrize(("anc", "expected"), [("7.5", "absent"), ("7.6", "present")])
def test_neutrophils(make: Make, anc: str, expected: str) -> None:
    r = negrier(make(ZERO, **{"labs.neutrophils.value": f"{anc} 10^9/L"}))
    assert r.factor("neutrophils_above_uln").status == expected


@pytest.mark.parametrize(("keys", "group"), [
    ((), "not_high_risk"),
    (("interval_below_1y",), "not_high_risk"),
    (("interval_below_1y", "neutrophils_above_uln"), "not_high_risk"),
    (("interval_below_1y", "neutrophils_above_uln", "liver_metastases"), "high_risk"),
    (("interval_below_1y", "neutrophils_above_uln", "liver_metastases",
      "more_than_one_site"), "high_risk"),
])
def test_2005_group_boundary_at_three(make: Make, keys: tuple[str, ...], group: str) -> None:
    changes = dict(ZERO)
    sites: list[str] = []
    for k in keys:
        if k == "liver_metastases":
            sites.append("liver")
        elif k == "more_than_one_site":
            sites.append("bone")
        else:
            changes.update(PRESENT[k])
    if sites:
        changes["metastatic_sites"] = sites
    r = negrier(make(changes))
    assert r.score is not None
    assert r.score.min == len(keys)
    assert r.group == group
    if group == "high_risk":
        assert r.outcome is not None
        assert "> 80 %" in r.outcome.text


def test_2002_variant_needs_all_three(make: Make) -> None:
    policy = {"negrier_variant": "negrier2002"}
    three = make(ZERO, diagnosis_date="2023-01-01", metastatic_sites=["liver", "lung"])
    r = negrier(three, policy)
    assert r.source == "negrier2002"
    assert r.group == "high_risk"
    assert r.outcome is not None
    assert r.outcome.figures["median_survival_months"] == 6
    assert "neutrophils_above_uln" not in {f.key for f in r.factors}
    two = make(ZERO, diagnosis_date="2023-01-01", metastatic_sites=["liver"])
    assert negrier(two, policy).group == "not_high_risk"
    unknown = make(ZERO, diagnosis_date="2023-01-01", metastatic_sites=DELETE)
    r = negrier(unknown, policy)
    assert r.group == "indeterminate"
    assert r.missing == ("metastatic_sites",)
    assert any("mediastinal" in c.text for c in r.caveats)


def test_missing_sites_named(make: Make) -> None:
    r = negrier(make(ZERO, metastatic_sites=DELETE))
    assert r.missing == ("metastatic_sites",)
    assert r.possible_groups == ("not_high_risk",)  # at most 2 of 4 present
    assert r.group == "not_high_risk"


def test_unknown_variant_refused(make: Make) -> None:
    with pytest.raises(InputError) as e:
        negrier(make(), {"negrier_variant": "negrier1999"})
    assert e.value.field == "policy.negrier_variant"
