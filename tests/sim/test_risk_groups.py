"""Issue 15 item 1: survival of virtual patients by MSKCC risk group.

The numbers nobody here invented: Motzer et al. 2002 (``motzer2002``) print median overall
survival 30 / 14 / 5 months for the favourable / intermediate / poor MSKCC risk groups (463
interferon-treated patients).  The model gives a risk group's non-responders the group's
median; the test measures the simulated median of poor-risk non-responders against 5 months
within Monte Carlo error.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from hdil2.cli.invoke import invoke
from hdil2.core.errors import InputError
from hdil2.sim import engine
from hdil2.sim.cohort import cohort_simulation, virtual_patients
from hdil2.sim.model import LEE2000, RISK_GROUPS, STATUSES

#: motzer2002: median overall survival by MSKCC 2002 risk group, months (typed in)
MOTZER2002 = {"favourable": 30, "intermediate": 14, "poor": 5}


def test_item1_risk_groups_are_motzer2002s_medians() -> None:
    assert {g: r.median_os_months for g, r in RISK_GROUPS.items()} == MOTZER2002
    assert all(r.source == "motzer2002" for r in RISK_GROUPS.values())


@pytest.mark.parametrize(("group", "seed"), [("poor", 3), ("intermediate", 4)])
def test_item1_risk_group_non_responders_median_os_is_the_groups(group: str,
                                                                 seed: int) -> None:
    """Non-responders (NR after the last course, alive at the end of treatment) of a cohort
    in a risk group: sample median OS within 3 MC SE of the group's median (the SE of a
    sample median of an exponential: 1 / (2 f(m) sqrt(n)), f(m) = ln 2 / (2 m))."""
    sim = cohort_simulation(LEE2000, "lee2000", "rcc", risk_group=group, months=600)
    listed = virtual_patients(sim, 40_000, seed)
    story = listed["story"]
    last = np.array([row[row >= 0][-1] for row in story])
    alive = listed["reason"] != listed["reasons"].index("death")
    t = listed["months"][(last == STATUSES.index("NR")) & alive]
    want = MOTZER2002[group]
    se = 1 / (2 * (math.log(2) / (2 * want)) * math.sqrt(len(t)))
    assert len(t) > 20_000
    assert abs(float(np.median(t)) - want) <= 3 * se, (np.median(t), se)


def test_item1_responders_keep_the_models_survival() -> None:
    rcc = LEE2000.disease("rcc")
    poor = rcc.with_risk_group(RISK_GROUPS["poor"])
    nr, mr, pr, cr = poor.survival.median_months
    assert (nr, mr) == (5.0, 5.0)
    assert (pr, cr) == rcc.survival.median_months[2:]
    assert poor.survival.cure_fraction_cr == rcc.survival.cure_fraction_cr


def test_item1_the_rule_is_overridable() -> None:
    """Which statuses take the group's median is a field of the group."""
    rcc = LEE2000.disease("rcc")
    only_nr = replace(RISK_GROUPS["poor"], statuses=("NR",))
    assert rcc.with_risk_group(only_nr).survival.median_months[:2] == (
        5.0, rcc.survival.median_months[1])
    sim = cohort_simulation(LEE2000, "fixed:1", "rcc", risk_group=only_nr)
    assert sim.params.model.survival.median_months[0] == 5.0


def test_item1_risk_group_reasons_cite_motzer2002_and_the_transfer_assumption() -> None:
    r = engine.run(cohort_simulation(LEE2000, "lee2000", "rcc", risk_group="poor"), 1000, 1)
    assert r.risk_group == "poor"
    by_rule = {x.rule: x for x in r.reasons}
    group = by_rule["sim.cohort.risk_group"]
    assert group.source == "motzer2002"
    assert group.tag.value == "verified"
    assert "interferon" in group.text
    assert "5 months" in group.text
    transfer = by_rule["sim.cohort.risk_group.transfer"]
    assert transfer.source == "motzer2002"
    assert transfer.tag.value == "unverified"
    assert "HD IL-2" in transfer.text
    assert "assum" in transfer.text


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"risk_group": "terrible"}, "risk_group"),
    ({"risk_group": 3}, "risk_group"),
    ({"risk_group": "poor", "disease": "melanoma"}, "risk_group"),
])
def test_item1_bad_risk_group_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"model": LEE2000, "policy": "lee2000", "disease": "rcc",
                               **kwargs}
    with pytest.raises(InputError) as e:
        cohort_simulation(**args)  # type: ignore[arg-type]
    assert e.value.field == field


def test_item1_cli_risk_group_and_doses_in_json() -> None:
    import json

    code, out, err = invoke(["simulate", "cohort", "--risk-group", "poor", "--patients",
                             "3000", "--seed", "2", "--json"])
    assert code == 0, err
    doc = json.loads(out)
    want = engine.run(cohort_simulation(LEE2000, "lee2000", "rcc", risk_group="poor"), 3000, 2)
    assert doc == json.loads(json.dumps(want.to_dict()))
    assert doc["risk_group"] == "poor"
    assert doc["doses"][0]["course"] == 1
    assert len(doc["doses"][0]["held"]) == 28


def test_item1_cli_readable_shows_risk_group_and_dose_table() -> None:
    code, out, err = invoke(["simulate", "cohort", "--risk-group", "favourable", "--patients",
                             "3000", "--seed", "2"])
    assert code == 0, err
    assert "risk group favourable" in out
    assert "doses given in the course" in out
    assert "held" in out
    assert "motzer2002" in out


@pytest.mark.parametrize("args", [["--risk-group", "awful"],
                                  ["--risk-group", "poor", "--disease", "melanoma"]])
def test_item1_cli_bad_risk_group_exit_2(args: list[str]) -> None:
    import json

    code, out, err = invoke(["simulate", "cohort", *args, "--json"])
    assert code == 2, err
    assert out == ""
    assert json.loads(err)["errors"][0]["field"] == "risk_group"
