"""Issue 11 item 6: cohort access for statistics - plain rows and a DataFrame from the
registry, filtered; response rates with exact intervals, Kaplan-Meier of OS and PFS from the
recorded dates, the tempo tables.  The database holds the synthetic lee2000 cohort (seed 2000)
plus one real-looking patient entered by hand, so the filters have something to leave out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hdil2.core.errors import InputError
from hdil2.registry import cohort, demo
from hdil2.registry import synthetic as syn
from hdil2.stats.kaplan_meier import kaplan_meier
from hdil2.stats.proportions import rate

from .helpers import patient_with_slot

SEED = 2000
GENERATED = {r.patient.id: r for r in syn.generate(SEED).records}


@pytest.fixture(scope="module")
def loaded(registry_db: dict[str, Any]) -> None:
    from hdil2.registry.users import system_user

    demo.load(SEED)
    patient_with_slot(system_user("nurse_a"), "REAL-001")  # not synthetic, one course


def _code(pid: str) -> str:
    return demo.patient_code(SEED, pid)


def test_item6_rows_are_plain_and_match_the_generated_records(loaded: None) -> None:
    rows = cohort.rows(cohort.CohortFilter(synthetic=True))
    assert len(rows) == 350
    for row in rows:
        rec = GENERATED[row["patient"].split("-", 1)[1]]
        f = rec.follow_up
        assert row["disease"] == rec.patient.disease
        assert row["regimen"] == "hd-il2-720k"
        assert row["start"] == rec.patient.first_dose.date()
        assert row["courses"] == len(rec.courses)
        assert row["stop_reason"] == rec.discontinuation.reason
        assert row["best_response"] == rec.best_response
        assert (row["os_days"], row["os_event"]) == (f.os_days, f.os_event)
        assert (row["pfs_days"], row["pfs_event"]) == (f.pfs_days, f.pfs_event)
        assert row["synthetic"] is True
    real = cohort.rows(cohort.CohortFilter(synthetic=False))
    assert [r["patient"] for r in real] == ["REAL-001"]
    assert real[0]["courses"] == 1
    assert real[0]["course_responses"] == ["NR"]  # no assessment: the paper's NR
    assert real[0]["os_days"] is None  # no follow-up yet: not in the survival analyses


@pytest.mark.parametrize(("filters", "expected"), [
    ({"disease": "melanoma", "synthetic": True}, 149),
    ({"disease": "rcc", "synthetic": True}, 201),
    ({"response": "CR"}, 28),
    ({"response": "PR", "disease": "rcc"}, 20),
    ({"regimen": "hd-il2-720k"}, 350),
    ({"regimen": "hd-il2-600k"}, 1),
    ({"ecog": 3}, 1),  # Table 1: one renal patient with performance status 3
    ({"code_prefix": f"demo{SEED}-R"}, 201),
])
def test_item6_filters(loaded: None, filters: dict[str, Any], expected: int) -> None:
    assert len(cohort.rows(cohort.CohortFilter(**filters))) == expected


def test_item6_date_filters_use_the_first_dose(loaded: None) -> None:
    lo, hi = dt.date(1990, 1, 1), dt.date(1992, 12, 31)
    got = {r["patient"] for r in cohort.rows(cohort.CohortFilter(start_from=lo, start_to=hi))}
    expected = {_code(pid) for pid, r in GENERATED.items()
                if lo <= r.patient.first_dose.date() <= hi}
    assert got == expected
    assert 50 < len(got) < 150


@pytest.mark.parametrize(("filters", "field"), [
    ({"disease": "lung"}, "disease"),
    ({"regimen": "nope"}, "regimen"),
    ({"ecog": 7}, "ecog"),
    ({"response": "XX"}, "response"),
    ({"start_from": dt.date(1995, 1, 1), "start_to": dt.date(1990, 1, 1)}, "start_to"),
    ({"risk_group": "favorable"}, "risk_group"),
])
def test_item6_bad_filters_are_refused_naming_the_field(loaded: None, filters: dict[str, Any],
                                                        field: str) -> None:
    with pytest.raises(InputError) as e:
        cohort.rows(cohort.CohortFilter(**filters))
    assert e.value.field == field


def test_item6_dataframe(loaded: None) -> None:
    df = cohort.frame(cohort.CohortFilter(disease="rcc", synthetic=True))
    assert len(df) == 201
    assert {"patient", "disease", "best_response", "os_days", "os_event", "pfs_days",
            "pfs_event", "course_responses"} <= set(df.columns)
    assert int(df["os_event"].sum()) == sum(GENERATED[p.split("-", 1)[1]].follow_up.os_event
                                            for p in df["patient"])


def test_item6_response_rates_with_exact_intervals(loaded: None) -> None:
    rates = cohort.response_rates(cohort.rows(cohort.CohortFilter(synthetic=True)))
    for disease, (n, cr, pr) in {"melanoma": (149, 10, 13), "rcc": (201, 18, 20),
                                 "all": (350, 28, 33)}.items():
        got = rates[disease]
        assert (got["n"], got["CR"], got["PR"]) == (n, cr, pr)
        assert got["orr"] == rate(cr + pr, n)  # Clopper-Pearson
        assert got["orr"].ci.lower < (cr + pr) / n < got["orr"].ci.upper
    assert f"{100 * rates['rcc']['orr'].estimate:.1f}" == "18.9"  # printed 19.0 (9.0 + 10.0)


def test_item6_survival_from_the_recorded_dates(loaded: None) -> None:
    rows = cohort.rows(cohort.CohortFilter(synthetic=True))
    for endpoint in ("os", "pfs"):
        curves = cohort.survival(rows, endpoint)
        assert set(curves) == {"melanoma", "rcc"}
        for disease, km in curves.items():
            mine = [GENERATED[r["patient"].split("-", 1)[1]].follow_up for r in rows
                    if r["disease"] == disease]
            t = [getattr(f, f"{endpoint}_days") for f in mine]
            e = [getattr(f, f"{endpoint}_event") for f in mine]
            ref = kaplan_meier(t, e)
            assert km.n == len(mine)
            assert km.events == sum(e)
            assert list(km.surv) == list(ref.surv)
        if endpoint == "pfs":  # most progress at the first response scan, 73-80 days
            assert 73 <= curves["melanoma"].median.estimate <= 80
        else:  # "a median survival of less than 1 year" without effective treatment
            assert 180 < curves["melanoma"].median.estimate < 365
    with pytest.raises(InputError):
        cohort.survival(rows, "dfs")


def test_item6_summary_document(loaded: None) -> None:
    import json

    doc = cohort.summary(cohort.CohortFilter(code_prefix=f"demo{SEED}-"))
    json.dumps(doc)  # plain JSON
    assert doc["patients"] == 350
    assert doc["filters"] == {"code_prefix": f"demo{SEED}-"}
    assert doc["tempo"]["discontinuation"]["death"] == [3, 0, 0, 0]
    assert doc["response_rates"]["all"]["CR"] == 28
    assert set(doc["os"]) == {"melanoma", "rcc"}
