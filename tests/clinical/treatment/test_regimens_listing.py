"""``regimens`` as an operation of the application layer (issue 9 items 1-3).

The listing is a :class:`~hdil2.core.result.Result` built in the clinical layer; its JSON is the
shape ``hdil2 regimens --json`` printed before, and every possible answer (every key, and the
full list: the request's whole domain) validates against the operation's output schema.  The
numbers checked are the label's (14 doses per cycle, 28 per course, `proleukin-label`) and the
NCI schedule's (15 per cycle, `rosenberg1994`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import jsonschema
import pytest

from hdil2 import app
from hdil2.clinical.treatment.dosing import round_to
from hdil2.clinical.treatment.regimens import REGIMENS
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable

# the keys `hdil2 regimens --json` printed before the operation existed (issue 8 shape)
REGIMEN_KEYS = ["key", "name", "setting", "components", "schedule", "schedule_text", "words",
                "max_courses", "policies", "sources", "reasons"]
COMPONENT_KEYS = ["agent", "written", "amount", "unit", "basis", "route", "infusion_minutes"]
POLICY_KEYS = ["name", "default", "choices", "source", "tag", "text"]


@pytest.mark.parametrize("key", [None, *REGIMENS])
def test_item9_every_regimens_answer_validates_against_its_output_schema(
        key: str | None) -> None:
    op = app.operation("regimens")
    listing = op({} if key is None else {"key": key})
    doc = jsonable(listing)
    jsonschema.Draft202012Validator(op.output_schema()).validate(doc)
    assert [r["key"] for r in doc["regimens"]] == ([key] if key else list(REGIMENS))
    assert (doc["not_provided"] == {}) == (key is not None)
    for r in doc["regimens"]:
        assert list(r) == REGIMEN_KEYS
        assert all(list(c) == COMPONENT_KEYS for c in r["components"])
        assert all(list(p) == POLICY_KEYS for p in r["policies"])


def test_item9_regimens_json_keeps_the_label_and_nci_numbers() -> None:
    doc = jsonable(app.run("regimens", {}))
    by_key = {r["key"]: r for r in doc["regimens"]}
    label, nci = by_key["hd-il2-600k"], by_key["hd-il2-720k"]
    assert label["components"][0] == {
        "agent": "aldesleukin", "written": "600,000 IU/kg IV", "amount": 600000, "unit": "IU",
        "basis": "kg", "route": "IV", "infusion_minutes": 15}
    assert label["schedule"] == {"kind": "q8h", "interval_hours": 8, "cycle_start_days": [1, 15],
                                 "cycle_days": 5, "max_doses_per_cycle": 14,
                                 "max_doses_per_course": 28}
    assert label["schedule_text"] == "q8h, cycles on days 1, 15 (5 days), ≤14/cycle, ≤28/course"
    assert (nci["schedule"]["max_doses_per_cycle"], nci["schedule"]["max_doses_per_course"]) == (
        15, 30)
    nci_day = next(p for p in nci["policies"] if p["name"] == "nci_cycle2_start_day")
    assert (nci_day["default"], nci_day["choices"]) == (15, [8, 9, 10, 11, 12, 13, 14, 15])
    sc = by_key["sc-il2-ifn"]
    assert sc["schedule"]["kind"] == "sc_weekly"
    assert sc["schedule_text"] == "weekly s.c. template, 4 weeks on in a 6-week cycle"
    assert sc["max_courses"] == 6
    assert "il2-after-til" in doc["not_provided"]


def test_ifn_alfa_alone_is_not_offered_and_the_comparator_arm_is_named() -> None:
    """Issue 11 item 7: atkins2004 gives interferon alfa alone only as a dose range ("thrice
    weekly doses in the 5- to 10-MU/M2 range"), no regimen; its phase III comparator arm is
    low-dose s.c. IL-2 + IFN, which hdil2 offers as sc-il2-ifn."""
    with pytest.raises(InputError) as err:
        app.run("regimens", {"key": "ifn-alfa"})
    assert "sc-il2-ifn" in err.value.message
    assert "sc-il2-ifn" in {r["key"] for r in app.run("regimens", {}).to_dict()["regimens"]}


def test_item9_unknown_regimen_key_names_the_request_field() -> None:
    with pytest.raises(InputError) as err:
        app.run("regimens", {"key": "il2-after-til"})
    assert err.value.field == "key"
    assert "tumour-infiltrating" in err.value.message  # says why it is not provided
    with pytest.raises(InputError) as err:
        app.run("regimens", {"regimen": "hd-il2-600k"})
    assert err.value.field == "regimen"  # an unknown request field is named, not ignored


def test_item9_round_to_rounds_half_up_as_a_pharmacist_does() -> None:
    """Issue 9 item 3: dosing's ``q`` is ``round_to``; half-up, not the banker's rounding."""
    assert round_to(Fraction(1, 8), "0.01") == Decimal("0.13")  # banker's: 0.12
    assert round_to(Fraction(5, 2), "1") == Decimal(3)  # banker's: 2
    assert round_to(Fraction(7, 3), "0.01") == Decimal("2.33")  # 42 MIU / 18 MIU/mL, in mL
