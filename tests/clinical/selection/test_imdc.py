"""IMDC (Heng 2009): six factors at their thresholds, groups 0 / 1-2 / 3-6, missing data."""

from __future__ import annotations

from typing import Any

import pytest

from hdil2.clinical.selection.models import imdc
from hdil2.clinical.selection.models.base import Score
from hdil2.clinical.selection.models.imdc import OUTCOMES

from .conftest import DELETE, Make

ZERO: dict[str, Any] = {"diagnosis_date": "2022-01-10", "metastasis_date": "2022-01-10"}

PRESENT: dict[str, dict[str, Any]] = {
    "kps_below_80": {"karnofsky": 70},
    "diagnosis_to_therapy_below_1y": {"diagnosis_date": "2023-09-18"},
    "hemoglobin_below_lln": {"labs.hemoglobin.value": "12 g/dL"},
    "corrected_calcium_above_uln": {"labs.calcium.value": "10.5 mg/dL"},
    "neutrophils_above_uln": {"labs.neutrophils.value": "8.0 10^9/L"},
    "platelets_above_uln": {"labs.platelets.value": "450 10^9/L"},
}


def test_published_outcomes_and_tags() -> None:
    fav = OUTCOMES["favourable"]
    assert fav.figures == {"median_os_months": "not reached", "os_2y_pct": 75, "group_n": 133}
    assert fav.tag.value == "verified"
    assert OUTCOMES["intermediate"].figures["median_os_months"] == 27
    assert OUTCOMES["poor"].figures["median_os_months"] == 8.8
    assert {OUTCOMES["intermediate"].tag.value, OUTCOMES["poor"].tag.value} == {"memory"}


def test_not_derived_in_il2_patients_is_said(make: Make) -> None:
    r = imdc(make(ZERO))
    assert any("not in IL-2" in c.text for c in r.caveats)


@pytest.mark.parametrize(("value", "expected"), [("7.4", "absent"), ("7.5", "absent"),
                                                 ("7.6", "present")])
def test_neutrophils_above_uln(make: Make, value: str, expected: str) -> None:
    r = imdc(make(ZERO, **{"labs.neutrophils.value": f"{value} 10^9/L"}))  # ULN 7.5
    assert r.factor("neutrophils_above_uln").status == expected


@pytest.mark.parametrize(("value", "expected"), [("399", "absent"), ("400", "absent"),
                                                 ("401", "present")])
def test_platelets_above_uln(make: Make, value: str, expected: str) -> None:
    r = imdc(make(ZERO, **{"labs.platelets.value": f"{value} 10^9/L"}))  # ULN 400
    assert r.factor("platelets_above_uln").status == expected


def test_platelets_in_per_mm3_convert_exactly(make: Make) -> None:
    lab = {"value": "400001 /mm3", "lln": "150000 /mm3", "uln": "400000 /mm3"}
    assert imdc(make(ZERO, **{"labs.platelets": lab})).factor(
        "platelets_above_uln").status == "present"


@pytest.mark.parametrize(("hb", "expected"), [("13.4", "present"), ("13.5", "absent")])
def test_hemoglobin_below_lln(make: Make, hb: str, expected: str) -> None:
    r = imdc(make(ZERO, **{"labs.hemoglobin.value": f"{hb} g/dL"}))
    assert r.factor("hemoglobin_below_lln").status == expected


@pytest.mark.parametrize(("ca", "alb", "expected"), [
    ("10.2 mg/dL", "4.0 g/dL", "absent"),    # corrected = ULN 10.2: not above
    ("10.21 mg/dL", "4.0 g/dL", "present"),
    ("9.8 mg/dL", "3.5 g/dL", "absent"),     # 9.8 + 0.4 = 10.2
    ("9.9 mg/dL", "3.5 g/dL", "present"),    # 10.3
])
def test_corrected_calcium_above_uln(make: Make, ca: str, alb: str, expected: str) -> None:
    p = make(ZERO, **{"labs.calcium.value": ca, "labs.albumin.value": alb})
    assert imdc(p).factor("corrected_calcium_above_uln").status == expected


@pytest.mark.parametrize(("ca", "expected"), [("2.55", "absent"), ("2.56", "present")])
def test_calcium_uln_in_mmol_per_litre(make: Make, ca: str, expected: str) -> None:
    # value and ULN both in mmol/L: converted with the same factor (D1), same comparison
    lab = {"value": f"{ca} mmol/L", "lln": "2.15 mmol/L", "uln": "2.55 mmol/L"}
    p = make(ZERO, **{"labs.calcium": lab, "labs.albumin.value": "4.0 g/dL"})
    assert imdc(p).factor("corrected_calcium_above_uln").status == expected


def test_calcium_without_uln_is_indeterminate(make: Make) -> None:
    f = imdc(make(ZERO, **{"labs.calcium.uln": DELETE})).factor("corrected_calcium_above_uln")
    assert f.status == "indeterminate"
    assert f.missing == ("labs.calcium.uln",)


@pytest.mark.parametrize("n", range(7))
def test_group_boundaries(make: Make, n: int) -> None:
    changes = dict(ZERO)
    for key in list(PRESENT)[:n]:
        changes.update(PRESENT[key])
    r = imdc(make(changes))
    assert r.score == Score(n, n)
    assert r.group == ("favourable" if n == 0 else "intermediate" if n <= 2 else "poor")
    assert sum(f.counted for f in r.factors) == n


def test_each_factor_alone_is_intermediate(make: Make) -> None:
    for key, change in PRESENT.items():
        r = imdc(make({**ZERO, **change}))
        assert [f.key for f in r.factors if f.counted] == [key]
        assert r.group == "intermediate"


def test_incomplete_names_the_missing_factor(make: Make) -> None:
    r = imdc(make(ZERO, **{"labs.neutrophils": DELETE, "karnofsky": 70}))
    assert r.status == "incomplete"
    assert r.missing == ("labs.neutrophils",)
    assert r.group == "intermediate"  # 1-2 either way
    r = imdc(make({**ZERO, **PRESENT["kps_below_80"], **PRESENT["platelets_above_uln"],
                   "labs.neutrophils": DELETE}))
    assert r.group == "indeterminate"
    assert r.possible_groups == ("intermediate", "poor")


@pytest.mark.parametrize(("kps", "expected"), [(70, "present"), (80, "absent")])
def test_kps_threshold(make: Make, kps: int, expected: str) -> None:
    assert imdc(make(ZERO, karnofsky=kps)).factor("kps_below_80").status == expected


@pytest.mark.parametrize(("diagnosed", "expected"), [
    ("2023-06-03", "absent"), ("2023-06-04", "present")])  # day 1 is 2024-06-03
def test_time_to_treatment_threshold(make: Make, diagnosed: str, expected: str) -> None:
    r = imdc(make(diagnosis_date=diagnosed, metastasis_date=diagnosed))
    assert r.factor("diagnosis_to_therapy_below_1y").status == expected
