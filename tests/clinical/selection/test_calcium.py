"""Corrected calcium: formulas as named policies (D2), mmol/L conversion (D1), no fallback."""

from __future__ import annotations

from fractions import Fraction

import pytest

from hdil2.clinical.selection.models import corrected_calcium, exact_corrected_calcium
from hdil2.clinical.selection.models.calcium import CA_MMOL_L_TO_MG_DL, FORMULAS
from hdil2.core.errors import InputError

from .conftest import DELETE, Make


def test_payne_default(make: Make) -> None:
    p = make({"labs.calcium.value": "9.6 mg/dL", "labs.albumin.value": "3.5 g/dL"})
    cc = exact_corrected_calcium(p)
    assert cc.formula == "payne"
    assert cc.value_mg_dl == Fraction("10.0")  # 9.6 + 0.8 × (4.0 − 3.5)
    assert any(r.rule == "policy.calcium_correction" for r in cc.reasons)
    assert any("Ca + 0.8 × (4.0 − albumin)" in r.text for r in cc.reasons)


def test_mskcc_0707_alternative_is_marked_unverified(make: Make) -> None:
    p = make({"labs.calcium.value": "9.6 mg/dL", "labs.albumin.value": "3.5 g/dL"})
    cc = exact_corrected_calcium(p, {"calcium_correction": "mskcc_0707"})
    assert cc.value_mg_dl == Fraction("9.6") - Fraction("0.707") * Fraction("0.1")
    assert cc.formula == "mskcc_0707"
    assert FORMULAS["mskcc_0707"].tag.value == "unverified"
    assert any(r.tag.value == "unverified" and "site override" in r.text for r in cc.reasons)


def test_mmol_per_litre_converted_with_4_008(make: Make) -> None:
    assert Fraction("4.008") == CA_MMOL_L_TO_MG_DL
    lab = {"value": "2.50 mmol/L", "lln": "2.15 mmol/L", "uln": "2.55 mmol/L"}
    cc = exact_corrected_calcium(make({"labs.calcium": lab, "labs.albumin.value": "4.0 g/dL"}))
    assert cc.value_mg_dl == Fraction("10.02")
    assert cc.uln_mg_dl == Fraction("2.55") * Fraction("4.008")
    assert any(r.rule == "calcium.unit" for r in cc.reasons)


def test_albumin_in_g_per_litre(make: Make) -> None:
    alb = {"value": "35 g/L", "lln": "35 g/L", "uln": "50 g/L"}
    cc = exact_corrected_calcium(make({"labs.calcium.value": "9.6 mg/dL", "labs.albumin": alb}))
    assert cc.value_mg_dl == Fraction(10)


@pytest.mark.parametrize("gone", ["labs.albumin", "labs.calcium"])
def test_missing_input_is_named_never_total_calcium(make: Make, gone: str) -> None:
    cc = exact_corrected_calcium(make({gone: DELETE}))
    assert cc.value_mg_dl is None
    assert cc.missing == (gone,)
    reported = corrected_calcium(make({gone: DELETE}))
    assert reported.to_dict()["status"] == "incomplete"
    assert reported.value_mg_dl is None
    assert reported.missing == (gone,)


def test_unknown_formula_refused(make: Make) -> None:
    with pytest.raises(InputError) as e:
        corrected_calcium(make(), {"calcium_correction": "orrell"})
    assert e.value.field == "policy.calcium_correction"


def test_reported_value_is_rounded_half_up_to_hundredths(make: Make) -> None:
    """mskcc_0707: 9.6 − 0.707 × (3.5 − 3.4) = 9.5293 mg/dL exactly, reported as 9.53; the ULN
    2.55 mmol/L × 4.008 = 10.2204 mg/dL is reported as 10.22."""
    lab = {"value": "9.6 mg/dL", "lln": "8.5 mg/dL", "uln": "10.2 mg/dL"}
    p = make({"labs.calcium": lab, "labs.albumin.value": "3.5 g/dL"})
    cc = corrected_calcium(p, {"calcium_correction": "mskcc_0707"})
    assert cc.to_dict()["value_mg_dl"] == 9.53
    assert cc.status == "complete"
    lab = {"value": "2.50 mmol/L", "lln": "2.15 mmol/L", "uln": "2.55 mmol/L"}
    cc = corrected_calcium(make({"labs.calcium": lab, "labs.albumin.value": "4.0 g/dL"}))
    assert cc.to_dict()["uln_mg_dl"] == 10.22
    assert cc.to_dict()["value_mg_dl"] == 10.02
