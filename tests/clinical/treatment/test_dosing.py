"""Dosing against worked numbers computed by hand from the Proleukin label (`proleukin-label`):
22 MIU (1.3 mg) per vial; 1.2 mL of water gives 18 MIU (1.1 mg) per mL; 50 mL D5W; 30-70 µg/mL.
"""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hdil2.clinical.treatment.body import bsa
from hdil2.clinical.treatment.dosing import break_even_kg_per_m2, plan_dose, prepare
from hdil2.clinical.treatment.product import PROLEUKIN
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
    # 42 MIU / 21.6 MIU drawable per vial (1.2 mL × 18 MIU/mL) = 1.94 -> 2 vials
    assert il2.preparation.vials == 2
    assert il2.preparation.vial_drawable_iu == 21_600_000
    assert il2.preparation.volume_ml == Decimal("2.33")  # 42 / 18 MIU per mL
    # 42 MIU × 1.1 mg / 18 MIU = 2.5667 mg in 50 + 2.3333 mL = 49.04 µg/mL
    assert il2.preparation.concentration_ug_per_ml == Decimal("49.0")
    assert il2.preparation.warnings == ()
    assert (il2.doses_per_cycle, il2.doses_per_course) == (14, 28)
    assert il2.iu_per_course == 28 * 42_000_000
    assert il2.vials_per_course == 56


def test_70kg_720k_nci_dose() -> None:
    il2 = plan_dose("hd-il2-720k", qty("70 kg")).il2
    assert il2.dose_iu == 50_400_000
    assert il2.preparation is not None
    assert il2.preparation.vials == 3  # 50.4 / 21.6 = 2.33 (and 50.4 / 22 = 2.29) -> 3
    assert il2.preparation.volume_ml == Decimal("2.80")  # 50.4 / 18
    assert il2.equivalent["mg_per_kg"] == Decimal("0.0440")  # 720,000 × 1.1 / 18e6 = 0.044
    assert (il2.doses_per_cycle, il2.doses_per_course) == (15, 30)  # rosenberg1994


def test_concentration_window_edges() -> None:
    # 100 kg at 600,000 IU/kg: 60 MIU = 3.6667 mg in 53.33 mL = 68.75 µg/mL, inside 30-70
    p = plan_dose("hd-il2-600k", qty("100 kg")).il2.preparation
    assert p is not None
    assert p.concentration_ug_per_ml == Decimal("68.8")
    assert p.warnings == ()
    # 100 kg at 720,000 IU/kg: 72 MIU = 4.4 mg in 54 mL = 81.5 µg/mL, outside: warned, not refused
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
    """600,000 IU/kg in mg/m² (Mosteller BSA, 18 MIU = 1.1 mg) for three patients: e.g.
    70 kg: 42 MIU = 2.5667 mg / 1.8447 m² = 1.39 mg/m²."""
    il2 = plan_dose("hd-il2-600k", qty(w), qty(h)).il2
    assert round(il2.equivalent["mg_per_m2"], 2) == Decimal(mg_m2)


def test_atkins1993_remark_break_even() -> None:
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
    # computed on the unrounded BSA, not on the 4-place display value
    exact_bsa = bsa(qty("70 kg"), qty("175 cm")).m2
    assert ifn.dose_iu == (3_000_000 * exact_bsa).quantize(Decimal(1))
    assert ifn.preparation is None
    tags = {r.rule: r.tag.value for r in plan.reasons}
    assert tags["dose.interferon_alfa-2b"] == "unverified"  # IFN route/frequency unclear


def test_sc_regimen_mg_display_and_counts() -> None:
    plan = plan_dose("sc-il2-ifn", qty("70 kg"), qty("175 cm"))
    il2 = plan.il2
    # 5 MIU/m² × 1.1 mg / 18 MIU = 0.306 mg/m²
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


@pytest.mark.parametrize(
    ("w", "dose_iu", "vials", "volume_ml", "dose_mg", "conc", "warnings"),
    [
        # 25 kg × 600,000 = 15,000,000 IU; 15 / 21.6 = 0.69 -> 1 vial; 15 / 18 = 0.83 mL;
        # 15 × 1.1 / 18 = 0.917 mg (≤ 1.5 mg: smaller D5W volume); 916.7 µg / 50.83 mL = 18.0
        ("25 kg", 15_000_000, 1, "0.83", "0.917", "18.0",
         ["label.small_dose_volume", "label.concentration_window"]),
        # 300 kg × 600,000 = 180,000,000 IU; 180 / 21.6 = 8.33 -> 9 vials; 180 / 18 = 10.00 mL;
        # 180 × 1.1 / 18 = 11.000 mg; 11,000 µg / 60 mL = 183.3 µg/mL (outside 30-70)
        ("300 kg", 180_000_000, 9, "10.00", "11.000", "183.3",
         ["label.concentration_window"]),
    ],
)
def test_item21_weight_limits_inclusive_and_dosed(w: str, dose_iu: int, vials: int,
                                                  volume_ml: str, dose_mg: str, conc: str,
                                                  warnings: list[str]) -> None:
    """The plausibility limits 25 and 300 kg are accepted and dosed by the label's numbers
    (this test used to call plan_dose with no assertion)."""
    il2 = plan_dose("hd-il2-600k", qty(w)).il2
    p = il2.preparation
    assert p is not None
    assert il2.dose_iu == dose_iu
    assert p.vials == vials
    assert p.volume_ml == Decimal(volume_ml)
    assert il2.dose_mg == Decimal(dose_mg)
    assert p.concentration_ug_per_ml == Decimal(conc)
    assert [r.rule for r in p.warnings] == warnings


def test_pounds_convert_exactly() -> None:
    # 154.3236 lb × 0.45359237 kg/lb = 70.000007470932 kg; × 600,000 = 42,000,004.48 IU
    il2 = plan_dose("hd-il2-600k", qty("154.3236 lb")).il2
    assert il2.dose_iu == 42_000_004


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
    # the default counts 1.2 mL × 18 MIU/mL = 21.6 MIU per vial
    assert (p.vials - 1) * 21_600_000 < il2.dose_iu <= p.vials * 21_600_000
    nominal = plan_dose("hd-il2-600k", Quantity.of(kg, "kg"),
                        policies={"vial_drawable": "nominal"}).il2.preparation
    assert nominal is not None
    assert (nominal.vials - 1) * 22_000_000 < il2.dose_iu <= nominal.vials * 22_000_000
    assert nominal.vials <= p.vials


def test_item4_ideal_weight_above_actual_is_capped() -> None:
    """A 165 cm, 50 kg man.  Devine 1974 (`devine1974`): men 50 kg + 2.3 kg per inch over
    5 ft.  165 cm / 2.54 = 64.961 in, 4.961 in over 60: 50 + 2.3 × 4.961 = 61.41 kg, 22.8 %
    above his actual 50 kg.  Adjusted = 61.41 + 0.4 × (50 − 61.41) = 56.85 kg, also above.
    Rule (docs/decisions.md#dosing-weight-lesser): dose on the lesser, 50 kg -> 600,000 × 50
    = 30,000,000 IU, and the reasons show both weights."""
    for basis, basis_kg, shown in (("ideal", "61.41", "61.409 kg"),
                                   ("adjusted", "56.85", "56.846 kg")):
        plan = plan_dose("hd-il2-600k", qty("50 kg"), qty("165 cm"), sex="male",
                         policies={"weight_basis": basis})
        assert plan.weight_kg == Decimal("50.00")
        assert plan.il2.dose_iu == 30_000_000
        assert (plan.actual_weight_kg, plan.basis_weight_kg) == (Decimal("50.00"),
                                                                 Decimal(basis_kg))
        assert plan.weight_capped
        cap = next(r for r in plan.reasons if r.rule == "weight.capped_at_actual")
        assert "actual weight 50 kg" in cap.text
        assert shown in cap.text
        assert set(cap.inputs) == {"actual_kg", f"{basis}_kg"}
        assert any(r.rule == "policy.weight_basis_cap" for r in plan.reasons)
    # a site that explicitly doses above actual weight: 600,000 × 61.4094 = 36,845,669 IU
    site = plan_dose("hd-il2-600k", qty("50 kg"), qty("165 cm"), sex="male",
                     policies={"weight_basis": "ideal", "weight_basis_cap": "none"})
    assert site.weight_kg == Decimal("61.41")
    assert site.il2.dose_iu == 36_845_669
    assert not site.weight_capped
    assert any(r.rule == "weight.basis_above_actual" and "22.8 %" in r.text
               for r in site.reasons)


def test_item4_woman_heavier_and_lighter_than_ideal() -> None:
    """Devine for women: 45.5 kg + 2.3 kg per inch over 5 ft.  155 cm = 61.024 in, 1.024 in
    over 5 ft: 45.5 + 2.3 × 1.024 = 47.854 kg.  A 40 kg woman is dosed on her actual 40 kg
    (600,000 × 40 = 24,000,000 IU); a 70 kg woman on the ideal 47.854 kg
    (600,000 × 47.8543 = 28,712,598 IU)."""
    low = plan_dose("hd-il2-600k", qty("40 kg"), qty("155 cm"), sex="female",
                    policies={"weight_basis": "ideal"})
    assert (low.weight_kg, low.basis_weight_kg, low.il2.dose_iu) == (
        Decimal("40.00"), Decimal("47.85"), 24_000_000)
    high = plan_dose("hd-il2-600k", qty("70 kg"), qty("155 cm"), sex="female",
                     policies={"weight_basis": "ideal"})
    assert (high.weight_kg, high.weight_capped) == (Decimal("47.85"), False)
    assert high.il2.dose_iu == 28_712_598
    assert any(r.rule == "weight.basis_not_above_actual" for r in high.reasons)


def test_item4_devine_refused_below_five_feet() -> None:
    """Below 5 ft Devine's formula would subtract 2.3 kg per inch (100 cm woman: 45.5 +
    2.3 × (39.37 − 60) = −1.95 kg): refused, naming the height, instead of dosing on it."""
    for cm in ("100 cm", "152.3 cm"):
        with pytest.raises(InputError) as ei:
            plan_dose("hd-il2-600k", qty("50 kg"), qty(cm), sex="female",
                      policies={"weight_basis": "adjusted"})
        assert ei.value.field == "height"
        assert "152.4 cm" in ei.value.message
    five_ft = plan_dose("hd-il2-600k", qty("50 kg"), qty("152.4 cm"), sex="female",
                        policies={"weight_basis": "ideal"})
    assert five_ft.weight_kg == Decimal("45.50")  # 5 ft exactly: 45.5 kg, below 50 kg


@given(st.decimals(min_value=25, max_value=300, places=1),
       st.decimals(min_value=Decimal("152.4"), max_value=250, places=1),
       st.sampled_from(["female", "male"]), st.sampled_from(["ideal", "adjusted"]))
def test_item4_dosing_weight_never_exceeds_actual(kg: Decimal, cm: Decimal, sex: str,
                                                  basis: str) -> None:
    plan = plan_dose("hd-il2-600k", Quantity.of(kg, "kg"), Quantity.of(cm, "cm"),
                     sex=sex,  # type: ignore[arg-type]
                     policies={"weight_basis": basis})
    assert plan.weight_kg <= kg
    assert plan.il2.dose_iu <= 600_000 * kg
    assert plan.weight_kg == min(plan.basis_weight_kg, kg.quantize(Decimal("0.01")))


@pytest.mark.parametrize(
    ("kg", "reconstituted", "nominal"),
    [
        # 36 kg × 600,000 = 21,600,000 IU = exactly 1.2 mL × 18 MIU/mL: one vial either way
        ("36 kg", 1, 1),
        # 36.5 kg -> 21,900,000 IU: more than 21.6 MIU can be drawn, less than 22 MIU nominal
        ("36.5 kg", 2, 1),
        # 72 kg -> 43,200,000 IU = 2 × 21.6: two vials either way
        ("72 kg", 2, 2),
        # 72.5 kg -> 43,500,000 IU: 43.5 / 21.6 = 2.01 -> 3; 43.5 / 22 = 1.98 -> 2
        ("72.5 kg", 3, 2),
        # 70 kg -> 42,000,000 IU: 1.94 or 1.91 -> 2 either way
        ("70 kg", 2, 2),
        # 73 kg -> 43,800,000 IU (the example of docs/decisions.md#vial-drawable-amount):
        # 43.8 / 21.6 = 2.03 -> 3; 43.8 / 22 = 1.99 -> 2
        ("73 kg", 3, 2),
    ],
)
def test_item5_vials_counted_at_the_drawable_amount(kg: str, reconstituted: int,
                                                    nominal: int) -> None:
    """The label: 22 MIU per vial; reconstituted with 1.2 mL, 18 MIU per mL.  So 21.6 MIU is
    what the label's figures let a pharmacist draw (policy vial_drawable, default
    'reconstituted'); 'nominal' counts the labelled 22 MIU."""
    plan = plan_dose("hd-il2-600k", qty(kg))
    p = plan.il2.preparation
    assert p is not None
    assert (p.vials, p.vial_drawable, p.vial_drawable_iu) == (reconstituted, "reconstituted",
                                                              21_600_000)
    assert plan.il2.vials_per_course == 28 * reconstituted
    why = next(r for r in plan.reasons if r.rule == "label.vial_count")
    assert "21,600,000 IU per vial" in why.text
    assert "1.2 mL × 18 MIU/mL" in why.text
    assert any(r.rule == "policy.vial_drawable" for r in plan.reasons)
    alt = plan_dose("hd-il2-600k", qty(kg), policies={"vial_drawable": "nominal"})
    pa = alt.il2.preparation
    assert pa is not None
    assert (pa.vials, pa.vial_drawable, pa.vial_drawable_iu) == (nominal, "nominal", 22_000_000)
    assert "22,000,000 IU per vial" in next(r.text for r in alt.reasons
                                           if r.rule == "label.vial_count")


def test_item5_dose_json_names_the_drawable_amount() -> None:
    doc = plan_dose("hd-il2-600k", qty("36.5 kg")).to_dict()
    prep = doc["components"][0]["preparation"]
    assert prep["vials"] == 2
    assert prep["vial_drawable"] == "reconstituted"
    assert prep["vial_drawable_iu"] == 21_600_000
    assert prep["vial_nominal_iu"] == 22_000_000


def test_sc_dose_has_no_d5w_dilution() -> None:
    """A subcutaneous dose is injected, not infused in 50 mL D5W: no final concentration and
    no concentration-window warning (5 MIU/m² × 1.8447 m² = 9.22 MIU = 0.51 mL, one vial)."""
    p = plan_dose("sc-il2-ifn", qty("70 kg"), qty("175 cm")).il2.preparation
    assert p is not None
    assert (p.vials, p.volume_ml) == (1, Decimal("0.51"))
    assert (p.diluent_ml, p.final_volume_ml, p.concentration_ug_per_ml) == (None, None, None)
    assert p.warnings == ()
