"""The worked numbers of docs/treatment.md are what the code produces.

Each figure the page shows is checked twice: it is in the page, and the code gives it.  The
expected values are the page's own (hand arithmetic from the Proleukin label, `proleukin-label`,
and Devine 1974, `devine1974`), not values read back from the code.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest

from hdil2.clinical.treatment.calendar import course_calendar
from hdil2.clinical.treatment.dosing import plan_dose
from hdil2.clinical.treatment.regimens import REGIMENS
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity
from peer_data import ROOT

DOCS = ROOT / "docs"
DOC = (DOCS / "treatment.md").read_text(encoding="utf-8")
TEXT = " ".join(DOC.split())  # the page with line breaks folded, for phrases that wrap


def q(s: str) -> Quantity:
    return Quantity.parse(s, "test")


def test_dosing_numbers_in_the_doc() -> None:
    il2 = plan_dose("hd-il2-600k", q("70 kg"), q("175 cm")).il2
    p = il2.preparation
    assert p is not None
    for shown, value in [("42,000,000 IU (2.567 mg)", f"{il2.dose_iu:,} IU ({il2.dose_mg} mg)"),
                         ("2 single-dose vials, counted at 21,600,000 IU per vial",
                          f"{p.vials} single-dose vials, counted at {p.vial_drawable_iu:,} IU "
                          "per vial"),
                         ("2.33 mL", f"{p.volume_ml} mL"),
                         ("49.0 µg/mL in 52.33 mL",
                          f"{p.concentration_ug_per_ml} µg/mL in {p.final_volume_ml} mL"),
                         ("28 doses, 1,176,000,000 IU, 56 vials",
                          f"{il2.doses_per_course} doses, {il2.iu_per_course:,} IU, "
                          f"{il2.vials_per_course} vials")]:
        assert shown in TEXT
        assert shown == value
    nci = plan_dose("hd-il2-720k", q("70 kg")).il2
    assert nci.preparation is not None
    assert (f"{nci.dose_iu:,} IU", nci.preparation.vials, nci.preparation.volume_ml) == (
        "50,400,000 IU", 3, Decimal("2.80"))
    assert "50,400,000 IU (3 vials: 50.4 / 21.6 = 2.33, 2.80 mL)" in TEXT
    big = plan_dose("hd-il2-720k", q("100 kg")).il2.preparation
    assert big is not None
    assert big.concentration_ug_per_ml == Decimal("81.5")
    assert "4.4 mg in 54 mL = 81.5 µg/mL" in TEXT
    arm = plan_dose("hd-il2-1.33mgm2", q("70 kg"), q("175 cm")).il2
    assert (f"{arm.dose_mg} mg", f"{arm.equivalent['iu_per_kg']:,}") == ("2.453 mg", "573,522")
    assert "2.453 mg = 573,522 IU/kg" in TEXT


def test_item5_drawable_amount_example_in_the_doc() -> None:
    """36.5 kg × 600,000 = 21,900,000 IU: 2 vials at 21.6 MIU, 1 at the nominal 22 MIU;
    36 kg = 21,600,000 IU: 1 vial either way."""
    assert "36.5 kg at 600,000 IU/kg is 21,900,000 IU" in TEXT
    assert "2 vials at 21.6 MIU (1 vial at 22 MIU, `--policy vial_drawable=nominal`)" in TEXT
    assert "36 kg is exactly 21,600,000 IU: 1 vial either way" in TEXT
    for kg, reconstituted, nominal in (("36.5 kg", 2, 1), ("36 kg", 1, 1)):
        plan = plan_dose("hd-il2-600k", q(kg))
        alt = plan_dose("hd-il2-600k", q(kg), policies={"vial_drawable": "nominal"})
        assert plan.il2.preparation is not None
        assert alt.il2.preparation is not None
        assert (plan.il2.preparation.vials, alt.il2.preparation.vials) == (reconstituted,
                                                                           nominal)


def test_item4_weight_basis_example_in_the_doc() -> None:
    """165 cm / 2.54 = 64.96 in; 50 + 2.3 × 4.96 = 61.41 kg; 61.41 / 50 = 1.228."""
    assert "Devine ideal weight of 61.41 kg" in TEXT
    assert "22.8 % above his actual weight; he is dosed on 50 kg, 30,000,000 IU" in TEXT
    plan = plan_dose("hd-il2-600k", q("50 kg"), q("165 cm"), sex="male",
                     policies={"weight_basis": "ideal"})
    assert (plan.basis_weight_kg, plan.weight_kg, plan.il2.dose_iu) == (
        Decimal("61.41"), Decimal("50.00"), 30_000_000)
    assert "below 152.4 cm an ideal or adjusted basis is refused" in TEXT
    with pytest.raises(InputError):
        plan_dose("hd-il2-600k", q("50 kg"), q("150 cm"), sex="male",
                  policies={"weight_basis": "ideal"})


def test_dst_example_in_the_doc() -> None:
    cal = course_calendar("hd-il2-600k", dt.datetime(2026, 3, 5, 8, 0), "America/New_York")
    s = cal.slots[9]
    assert (s.index, s.local.strftime("%H:%M %Z %d"), s.hours_since_previous) == (
        10, "08:00 EDT 08", 7.0)
    assert "10th dose at 08:00 EDT on 8 March, 7 h after the 00:00 EST dose" in TEXT


def test_items1_2_3_first_dose_and_zone_examples_in_the_doc() -> None:
    ny = "America/New_York"
    for text, utc in (("2025-11-02T01:30-05:00", "06:30"), ("2025-11-02T01:30-04:00", "05:30")):
        assert f"`{text}`" in TEXT
        first = course_calendar("hd-il2-600k", dt.datetime.fromisoformat(text), ny).slots[0]
        assert f"{first.local.astimezone(dt.UTC):%H:%M}" == utc
        assert f"{utc} UTC" in TEXT
    assert "(`01:30-03:00` is refused)" in TEXT
    with pytest.raises(InputError):
        course_calendar("hd-il2-600k", dt.datetime.fromisoformat("2025-11-02T01:30-03:00"), ny)
    for zone in ("EST", "PST", "CET", "UTC", "Etc/GMT+5", "EST5EDT", "US/Eastern"):
        assert f"`{zone}`" in TEXT
        with pytest.raises(InputError):
            course_calendar("hd-il2-600k", dt.datetime(2026, 3, 5, 8), zone)
    for zone in ("America/New_York", "Europe/Berlin", "Australia/Sydney"):
        course_calendar("hd-il2-600k", dt.datetime(2026, 3, 5, 8), zone)


def test_regimen_and_policy_tables_are_complete() -> None:
    keys = set(re.findall(r"^\| `([a-z0-9._-]+)` \|", DOC, flags=re.MULTILINE))
    policies = {p for r in REGIMENS.values() for p in r.policies}
    assert keys == set(REGIMENS) | policies


def test_doc_links_resolve() -> None:
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>',
                             (DOCS / "decisions.md").read_text(encoding="utf-8")))
    links = re.findall(r"\(decisions\.md#([a-z0-9-]+)\)", DOC)
    assert links
    assert set(links) <= anchors
    for page in re.findall(r"\]\(([a-z-]+\.md)\)", DOC):
        assert (DOCS / page).is_file(), page


def test_item9_page_names_every_key_of_the_regimens_answer() -> None:
    """The page's description of `hdil2 regimens --json` names every key the answer has, and
    the answer it describes validates against the operation's output schema."""
    import jsonschema

    from hdil2 import app
    from hdil2.core.jsonable import jsonable

    op = app.operation("regimens")
    schema = op.output_schema()
    jsonschema.Draft202012Validator(schema).validate(jsonable(op({})))
    for part in (schema, schema["$defs"]["RegimenSummary"], schema["$defs"]["ComponentSummary"]):
        missing = [k for k in part["properties"] if f"`{k}`" not in DOC and f'"{k}"' not in DOC]
        assert not missing, missing
    assert "`hdil2 schema regimens --output`" in TEXT
