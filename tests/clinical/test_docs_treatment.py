"""The worked numbers of docs/treatment.md are what the code produces."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hdil2.clinical.calendar import course_calendar
from hdil2.clinical.dosing import plan_dose
from hdil2.core.quantity import Quantity

DOC = (Path(__file__).resolve().parents[2] / "docs" / "treatment.md").read_text(encoding="utf-8")


def q(s: str) -> Quantity:
    return Quantity.parse(s, "test")


def test_dosing_numbers_in_the_doc() -> None:
    il2 = plan_dose("hd-il2-600k", q("70 kg"), q("175 cm")).il2
    assert il2.preparation is not None
    for shown, value in [("42,000,000 IU", f"{il2.dose_iu:,} IU"),
                         ("2.567 mg", f"{il2.dose_mg} mg"),
                         ("2.33 mL", f"{il2.preparation.volume_ml} mL"),
                         ("49.0 µg/mL", f"{il2.preparation.concentration_ug_per_ml} µg/mL"),
                         ("1,176,000,000 IU", f"{il2.iu_per_course:,} IU"),
                         ("56 vials", f"{il2.vials_per_course} vials")]:
        assert shown in DOC
        assert shown == value
    nci = plan_dose("hd-il2-720k", q("70 kg")).il2
    assert f"{nci.dose_iu:,} IU" == "50,400,000 IU"
    assert "50,400,000 IU" in DOC
    big = plan_dose("hd-il2-720k", q("100 kg")).il2.preparation
    assert big is not None
    assert big.concentration_ug_per_ml == Decimal("81.5")
    assert "81.5 µg/mL" in DOC
    arm = plan_dose("hd-il2-1.33mgm2", q("70 kg"), q("175 cm")).il2
    assert (f"{arm.dose_mg} mg", f"{arm.equivalent['iu_per_kg']:,}") == ("2.453 mg", "573,522")
    assert "2.453 mg = 573,522 IU/kg" in DOC


def test_dst_example_in_the_doc() -> None:
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 3, 5, 8, 0), "America/New_York")
    s = cal.slots[9]
    assert (s.index, s.local.strftime("%H:%M %Z %d"), s.hours_since_previous) == (
        10, "08:00 EDT 08", 7.0)
    assert "10th dose at 08:00 EDT on 8 March, 7 h" in DOC
