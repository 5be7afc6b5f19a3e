"""UCLA SANI: factor capture only; the output says the points are unverified."""

from __future__ import annotations

from typing import Any

import pytest

from hdil2.clinical.selection.models import ucla_sani

from .conftest import DELETE, Make


def test_not_scored_and_says_unverified(make: Make) -> None:
    r = ucla_sani(make())
    assert r.group == "not_scored"
    assert r.possible_groups == ()
    assert r.score is None
    assert r.outcome is None
    unverified = [c for c in r.caveats if c.tag.value == "unverified"]
    assert unverified
    assert "unverified" in unverified[0].text
    assert "does not compute the score" in unverified[0].text
    assert "unverified" in r.title


@pytest.mark.parametrize(("n", "expected"), [("N0", "absent"), ("N1", "present"),
                                             ("N2", "present"), ("NX", "indeterminate")])
def test_node_status(make: Make, n: str, expected: str) -> None:
    assert ucla_sani(make({"staging.n": n})).factor("node_involvement").status == expected


@pytest.mark.parametrize(("sites", "expected"), [
    (["lung"], "absent"), (["bone"], "absent"), (["lung", "bone"], "present"),
    (["liver"], "present"), (["other_nodes"], "present"), ([], "absent")])
def test_metastasis_location(make: Make, sites: list[str], expected: str) -> None:
    r = ucla_sani(make(metastatic_sites=sites))
    assert r.factor("metastasis_location").status == expected


def test_tsh_value_captured_never_classified(make: Make) -> None:
    f = ucla_sani(make()).factor("tsh")
    assert f.status == "indeterminate"
    assert f.value == "1.8 mIU/L"
    assert f.missing == ()
    assert ucla_sani(make({"labs.tsh": DELETE})).factor("tsh").missing == ("labs.tsh",)


@pytest.mark.parametrize(("changes", "key", "expected"), [
    ({"constitutional_symptoms": True}, "constitutional_symptoms", "present"),
    ({"constitutional_symptoms": DELETE}, "constitutional_symptoms", "indeterminate"),
    ({"pathology.sarcomatoid_present": True}, "sarcomatoid", "present"),
    ({"pathology.sarcomatoid_present": DELETE}, "sarcomatoid", "indeterminate"),
])
def test_boolean_factors(make: Make, changes: dict[str, Any], key: str, expected: str) -> None:
    assert ucla_sani(make(changes)).factor(key).status == expected


def test_cohort_caveat_without_nephrectomy(make: Make) -> None:
    r = ucla_sani(make(prior_nephrectomy=False, nephrectomy_date=DELETE))
    assert any(c.rule == "ucla_sani.cohort" for c in r.caveats)
