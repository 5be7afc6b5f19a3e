"""Quantities: units are required, refused when ambiguous, converted exactly."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [
        ("70 kg", Decimal(70), "kg"),
        ("70kg", Decimal(70), "kg"),
        ({"value": 70, "unit": "kg"}, Decimal(70), "kg"),
        ("175 cm", Decimal(175), "cm"),
        ("1.5 mg/dL", Decimal("1.5"), "mg/dL"),
        ("150 lbs", Decimal(150), "lb"),
        ("22 MU", Decimal(22), "MIU"),
        ("38.0 C", Decimal("38.0"), "°C"),
    ],
)
def test_parse(raw: object, value: Decimal, unit: str) -> None:
    q = Quantity.parse(raw, "x")
    assert q.value == value
    assert q.unit == unit


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (70, "unit is required"),
        ("70", "number followed by a unit"),
        ({"value": 70}, "unit is required"),
        ("70 furlongs", "unknown unit"),
        ("70 U", "Cetus"),
        ("kg 70", "number followed by a unit"),
        ({"value": "NaN", "unit": "kg"}, "finite"),
    ],
)
def test_refused_names_field(raw: object, fragment: str) -> None:
    with pytest.raises(InputError) as ei:
        Quantity.parse(raw, "weight")
    assert ei.value.field == "weight"
    assert fragment in ei.value.message


def test_exact_conversions() -> None:
    assert Quantity.parse("1 lb", "w").exact("kg") == Fraction("0.45359237")
    assert Quantity.parse("1 in", "h").exact("cm") == Fraction("2.54")
    assert Quantity.parse("1.8 m", "h").to("cm") == Decimal(180)
    with pytest.raises(InputError):
        Quantity.parse("1 kg", "w").exact("cm")


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**6), places=3))
def test_round_trip_kg_g(v: Decimal) -> None:
    q = Quantity.of(v, "kg")
    assert Quantity.of(q.to("g"), "g").to("kg") == v
