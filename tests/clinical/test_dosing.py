"""Dosing against the label's and the reference's worked numbers (reference §1.6-§1.8)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hdil2.clinical.body import bsa
from hdil2.clinical.dosing import break_even_kg_per_m2, plan_dose, prepare
from hdil2.clinical.product import PROLEUKIN
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity


def qty(s: str) -> Quantity:
    return Quantity.parse(s, "test")


def test_70kg_600k_label_dose() -> None:
    il2 = plan_dose("hd-il2-600k", qty("70 kg")).il2
    assert il2.dose_iu == 42_000_000
    assert il2.dose_mg == Decimal("2.567")  # label: 0.037 mg/kg
    assert il2.equivalent["mg_per_kg"] == Decimal("0.0367")
    assert il2.preparation is not None
    assert il2.preparation.vials == 2  # 42 MIU from 22 MIU vials
    assert il2.preparation.volume_ml == Decimal("2.33")  # 42 / 18 MIU per mL
    assert il2.preparation.concentration_ug_per_ml == Decimal("49.0")  # reference §1.8
    assert il2.preparation.warnings == ()
    assert (il2.doses_per_cycle, il2.doses_per_course) == (14, 28)
    assert il2.iu_per_course == 28 * 42_000_000
    assert il2.vials_per_course == 56


def test_70kg_720k_nci_dose() -> None:
    il2 = plan_dose("hd-il2-720k", qty("70 kg")).il2
    assert il2.dose_iu == 50_400_000
    assert il2.preparation is not None
    assert il2.preparation.vials == 3
    assert il2.preparation.volume_ml == Decimal("2.80")
    assert il2.equivalent["mg_per_kg"] == Decimal("0.0440")  # reference: 0.044 mg/kg
    assert (il2.doses_per_cycle, il2.doses_per_course) == (15, 30)  # rosenberg1994


def test_concentration_window_edges() -> None:
    # 100 kg at 600,000 IU/kg: 68.8 µg/mL, inside the window (reference §1.8 "edge")
    p = plan_dose("hd-il2-600k", qty("100 kg")).il2.preparation
    assert p is not None
    assert p.concentration_ug_per_ml == Decimal("68.8")
    assert p.warnings == ()
    # 100 kg at 720,000 IU/kg: 4.4 mg in 54 mL ≈ 81 µg/mL, outside: warned, not refused
    p = plan_dose("hd-il2-720k", qty("100 kg")).il2.preparation
    assert p is not None
    assert p.concentration_ug_per_ml == Decimal("81.5")
    assert [w.rule for w in p.warnings] == ["label.concentration_window"]


def test_small_dose_warning_at_1_5_mg() -> None:
    # 1.5 mg exactly = 1.5 × 18/1.1 MIU: the label's "≤ 1.5 mg" includes it
    iu = Fraction("1.5") * PROLEUKIN.iu_per_mg
    rules = [w.rule for w in prepare(iu).warnings]
    assert "label.small_dose_volume" in rules
    rules = [w.rule for w in prepare(iu + 1).warnings]
    assert "label.small_dose_volume" not in rules


@pytest.mark.parametrize(
    ("w", "h", "mosteller", "dubois"),
    [("70 kg", "175 cm", "1.845", "1.848"), ("50 kg", "160 cm", "1.491", "1.501"),
     ("100 kg", "180 cm", "2.236", "2.195")],
)
def test_bsa_worked_values(w: str, h: str, mosteller: str, dubois: str) -> None:
    assert round(bsa(qty(w), qty(h), "mosteller").m2, 3) == Decimal(mosteller)
    assert round(bsa(qty(w), qty(h), "dubois").m2, 3) == Decimal(dubois)


@pytest.mark.parametrize(
    ("w", "h", "mg_m2"), [("70 kg", "175 cm", "1.39"), ("60 kg", "165 cm", "1.33"),
                          ("100 kg", "180 cm", "1.64")],
)
def test_600k_as_mg_per_m2(w: str, h: str, mg_m2: str) -> None:
    """Reference §1.6: 600,000 IU/kg expressed in mg/m² for three patients."""
    il2 = plan_dose("hd-il2-600k", qty(w), qty(h)).il2
    assert round(il2.equivalent["mg_per_m2"], 2) == Decimal(mg_m2)


def test_seed000_remark_break_even() -> None:
    """1.33 mg/m² = 21.8 MIU/m² equals 600,000 IU/kg only at weight/BSA = 36.3 kg/m²."""
    assert round(PROLEUKIN.iu_of(Fraction("1.33")) / 10**6, 1) == Fraction("21.8")
    assert round(float(break_even_kg_per_m2()), 1) == 36.3
    plan = plan_dose("hd-il2-1.33mgm2", qty("70 kg"), qty("175 cm"))
    il2 = plan.il2
    assert il2.equivalent["mg_per_m2"] == Decimal("1.330")
    assert il2.equivalent["miu_per_m2"] == Decimal("21.76")
    # dosed as written, so this 37.9 kg/m² patient gets less than 600,000 IU/kg
    assert il2.equivalent["iu_per_kg"] < 600_000
    assert any(r.rule == "dose.mg_m2_vs_iu_kg" and "36.3" in r.text for r in plan.reasons)


def test_combination_arm_numbers() -> None:
    """Atkins 1993 IL-2/IFN arm: 0.8 mg/m² = 13.1 MIU/m² IL-2 and IFN 3 MIU/m²."""
    plan = plan_dose("il2-ifn-atkins1993", qty("70 kg"), qty("175 cm"))
    il2 = plan.il2
    assert round(il2.equivalent["miu_per_m2"], 1) == Decimal("13.1")
    ifn = next(c for c in plan.components if c.agent == "interferon alfa-2b")
    # computed on the unrounded BSA (reference §1.7), not on the 4-place display value
    exact_bsa = bsa(qty("70 kg"), qty("175 cm")).m2
    assert ifn.dose_iu == (3_000_000 * exact_bsa).quantize(Decimal(1))
    assert ifn.preparation is None
    tags = {r.rule: r.tag.value for r in plan.reasons}
    assert tags["dose.interferon_alfa-2b"] == "unverified"  # IFN route/frequency [U]


def test_sc_regimen_mg_display_and_counts() -> None:
    plan = plan_dose("sc-il2-ifn", qty("70 kg"), qty("175 cm"))
    il2 = plan.il2
    # 5 MIU/m² = 0.306 mg/m² (reference §1.6)
    assert round(il2.dose_mg / plan.bsa_m2, 3) == Decimal("0.306")  # type: ignore[operator]
    assert il2.doses_per_cycle == 3 + 4 + 5 * 3  # default week-1 layout policy
    alt = plan_dose("sc-il2-ifn", qty("70 kg"), qty("175 cm"),
                    policies={"sc_week1_layout": "day1_three_doses_plus_five_daily"})
    assert alt.il2.doses_per_cycle == 3 + 5 + 5 * 3


def test_per_m2_regimen_needs_height() -> None:
    with pytest.raises(InputError) as ei:
        plan_dose("sc-il2-ifn", qty("70 kg"))
    assert ei.value.field == "height"


@pytest.mark.parametrize(
    ("w", "h", "field"),
    [("700 kg", None, "weight"), ("24.9 kg", None, "weight"), ("300.1 kg", None, "weight"),
     ("70 kg", "99 cm", "height"), ("70 kg", "251 cm", "height"), ("70 cm", None, "weight")],
)
def test_implausible_body_size_refused(w: str, h: str | None, field: str) -> None:
    with pytest.raises(InputError) as ei:
        plan_dose("hd-il2-600k", qty(w), None if h is None else qty(h))
    assert ei.value.field == field


@pytest.mark.parametrize("w", ["25 kg", "300 kg"])
def test_weight_limits_inclusive(w: str) -> None:
    plan_dose("hd-il2-600k", qty(w))


def test_pounds_convert_exactly() -> None:
    il2 = plan_dose("hd-il2-600k", qty("154.3236 lb")).il2  # = 70.000 kg to 4 places
    assert abs(il2.dose_iu - 42_000_000) < 10


def test_unknown_regimen_and_policy() -> None:
    with pytest.raises(InputError) as ei:
        plan_dose("il2-after-til", qty("70 kg"))
    assert ei.value.field == "regimen"
    assert "no schedule" in ei.value.message
    with pytest.raises(InputError) as ei:
        plan_dose("hd-il2-600k", qty("70 kg"), policies={"nonsense": 1})
    assert ei.value.field == "policy.nonsense"
    with pytest.raises(InputError) as ei:
        plan_dose("hd-il2-600k", qty("70 kg"), policies={"weight_basis": "lean"})
    assert ei.value.field == "policy.weight_basis"


def test_ideal_and_adjusted_weight() -> None:
    # Devine: male 180 cm = 70.866 in → 50 + 2.3 × 10.866 = 74.99 kg
    ideal = plan_dose("hd-il2-600k", qty("120 kg"), qty("180 cm"), sex="male",
                      policies={"weight_basis": "ideal"})
    assert ideal.weight_kg == Decimal("74.99")
    adj = plan_dose("hd-il2-600k", qty("120 kg"), qty("180 cm"), sex="male",
                    policies={"weight_basis": "adjusted"})
    assert adj.weight_kg == Decimal("93.00")  # 74.9921 + 0.4 × 45.0079 = 92.9953
    with pytest.raises(InputError) as ei:
        plan_dose("hd-il2-600k", qty("120 kg"), qty("180 cm"),
                  policies={"weight_basis": "ideal"})
    assert ei.value.field == "sex"


@given(st.decimals(min_value=25, max_value=300, places=2))
def test_dose_is_linear_and_vials_suffice(kg: Decimal) -> None:
    il2 = plan_dose("hd-il2-600k", Quantity.of(kg, "kg")).il2
    assert il2.dose_iu == (600_000 * kg).quantize(Decimal(1))
    p = il2.preparation
    assert p is not None
    assert (p.vials - 1) * 22_000_000 < il2.dose_iu <= p.vials * 22_000_000
