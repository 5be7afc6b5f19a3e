"""Quantities with explicit units.

A :class:`Quantity` is a :class:`~decimal.Decimal` value and a unit string.  It is written in
JSON as ``"70 kg"`` or ``{"value": 70, "unit": "kg"}``; a bare number is refused (a missing
unit is never guessed).  Conversions are exact: each unit's factor to its dimension's
canonical unit is a :class:`~fractions.Fraction`, so 1 lb is exactly 0.45359237 kg.

Only conversions that are true identities are here.  Analyte-specific ones (creatinine
mg/dL to µmol/L) and potency ones (IU to mg of aldesleukin) belong to the rule that needs
them, where the factor can be cited; the Cetus "unit" is refused outright (see
docs/treatment.md).

The international avoirdupois pound is exactly 0.45359237 kg, so 154 lb is exactly
69.85322498 kg; a bare number is refused with an error naming the field:

    >>> from hdil2.core.quantity import Quantity
    >>> weight = Quantity.parse("154 lb", "weight")
    >>> weight.to("kg"), weight.dimension
    (Decimal('69.85322498'), 'mass')
    >>> str(Quantity.parse({"value": "1.2", "unit": "mL"}, "volume"))
    '1.2 mL'
    >>> Quantity.parse(70, "weight")
    Traceback (most recent call last):
    ...
    hdil2.core.errors.InputError: weight: a unit is required: write e.g. '70 kg' or ...
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    GetJsonSchemaHandler,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from hdil2.core.errors import InputError

# unit -> (dimension, factor to the dimension's canonical unit)
_UNITS: dict[str, tuple[str, Fraction]] = {
    # body mass and drug mass (canonical kg)
    "kg": ("mass", Fraction(1)),
    "g": ("mass", Fraction(1, 1000)),
    "mg": ("mass", Fraction(1, 10**6)),
    "µg": ("mass", Fraction(1, 10**9)),
    "lb": ("mass", Fraction("0.45359237")),
    # length (canonical cm)
    "m": ("length", Fraction(100)),
    "cm": ("length", Fraction(1)),
    "mm": ("length", Fraction(1, 10)),
    "in": ("length", Fraction("2.54")),
    # area (canonical m²)
    "m²": ("area", Fraction(1)),
    # biological activity of aldesleukin / interferon (canonical IU)
    "IU": ("activity", Fraction(1)),
    "MIU": ("activity", Fraction(10**6)),
    # volume (canonical mL)
    "mL": ("volume", Fraction(1)),
    "L": ("volume", Fraction(1000)),
    # time (canonical h)
    "h": ("time", Fraction(1)),
    "min": ("time", Fraction(1, 60)),
    "d": ("time", Fraction(24)),
    # laboratory and bedside units, each its own dimension (no analyte-free conversion)
    "mg/dL": ("mg/dL", Fraction(1)),
    "µmol/L": ("µmol/L", Fraction(1)),
    "g/dL": ("g/dL", Fraction(1)),
    "g/L": ("g/dL", Fraction(1, 10)),
    "U/L": ("U/L", Fraction(1)),
    "10^9/L": ("count", Fraction(1)),
    "/mm³": ("count", Fraction(1, 1000)),
    "%": ("percent", Fraction(1)),
    "mmHg": ("pressure", Fraction(1)),
    "/min": ("rate", Fraction(1)),
    "mL/h": ("flow", Fraction(1)),
    "mEq/L": ("mEq/L", Fraction(1)),
    "mmol/L": ("mmol/L", Fraction(1)),
    "°C": ("temperature", Fraction(1)),
    "°F": ("temperature_f", Fraction(1)),
    "µg/kg/min": ("dose_rate", Fraction(1)),
    "L/min": ("o2_flow", Fraction(1)),
    "mIU/L": ("mIU/L", Fraction(1)),
}

# spellings people type -> the canonical spelling above
_ALIASES: dict[str, str] = {
    "kilogram": "kg", "kilograms": "kg", "kgs": "kg",
    "gram": "g", "grams": "g",
    "ug": "µg", "mcg": "µg", "μg": "µg",
    "lbs": "lb", "pound": "lb", "pounds": "lb",
    "centimetre": "cm", "centimeter": "cm", "centimetres": "cm", "centimeters": "cm",
    "millimetre": "mm", "millimeter": "mm",
    "metre": "m", "meter": "m", "inch": "in", "inches": "in",
    "m2": "m²", "m^2": "m²", "sqm": "m²",
    "iu": "IU", "miu": "MIU", "mu": "MIU", "MU": "MIU", "x10^6 IU": "MIU", "10^6 IU": "MIU",
    "ml": "mL", "l": "L", "hr": "h", "hour": "h", "hours": "h", "day": "d", "days": "d",
    "minutes": "min",
    "mg/dl": "mg/dL", "umol/L": "µmol/L", "umol/l": "µmol/L", "μmol/L": "µmol/L",
    "g/dl": "g/dL", "g/l": "g/L", "u/l": "U/L", "IU/L": "U/L",
    "x10^9/L": "10^9/L", "10e9/L": "10^9/L", "×10^9/L": "10^9/L", "10^9/l": "10^9/L",
    "/mm3": "/mm³", "/uL": "/mm³", "/µL": "/mm³", "cells/mm3": "/mm³",
    "percent": "%", "mmhg": "mmHg", "bpm": "/min", "beats/min": "/min",
    "ml/h": "mL/h", "ml/hr": "mL/h", "mL/hr": "mL/h",
    "meq/L": "mEq/L", "mEq/l": "mEq/L", "mmol/l": "mmol/L",
    "C": "°C", "degC": "°C", "F": "°F", "degF": "°F",
    "mcg/kg/min": "µg/kg/min", "ug/kg/min": "µg/kg/min",
    "l/min": "L/min", "mIU/l": "mIU/L", "mU/L": "mIU/L",
}

_REFUSED: dict[str, str] = {
    "U": "a bare 'U' may be a Cetus or Roche unit; write IU (WHO international units). "
    "hdil2 does not convert between Cetus, Roche and international units",
    "units": "write IU (WHO international units); Cetus/Roche units are not converted",
}

# a number, then the unit: after a space anything ("140 10^9/L"); glued on, a non-digit ("70kg")
_TEXT = re.compile(
    r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)(?:\s+(\S.*?)|([^\d\s.,+-].*?))\s*$"
)


def canonical_unit(unit: str, field: str = "unit") -> str:
    """Return the canonical spelling of ``unit`` or raise :class:`InputError`."""
    u = unit.strip()
    if u in _REFUSED:
        raise InputError(field, _REFUSED[u], unit)
    u = _ALIASES.get(u, u)
    if u not in _UNITS:
        raise InputError(field, f"unknown unit {unit!r}", unit)
    return u


def _unit(unit: str) -> str:
    try:
        return canonical_unit(unit)
    except InputError as e:
        raise ValueError(e.message) from None


def dimension(unit: str) -> str:
    """The dimension (``"mass"``, ``"length"`` ...) of a canonical unit."""
    return _UNITS[canonical_unit(unit)][0]


def exact_decimal(raw: Any, field: str) -> Decimal:
    """Parse a JSON number or numeric string exactly (floats via their shortest repr).

    Booleans, non-numbers, NaN and infinities are an :class:`InputError` naming ``field``.
    """
    if isinstance(raw, bool):
        raise InputError(field, "expected a number", raw)
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            raise InputError(field, f"not a number: {raw!r}", raw) from None
    else:
        raise InputError(field, "expected a number", raw)
    if not value.is_finite():
        raise InputError(field, "must be a finite number", raw)
    return value


def _text_fields(text: str) -> dict[str, Any]:
    """The value and canonical unit of a quantity written as text (``"70 kg"``)."""
    m = _TEXT.match(text)
    if not m:
        raise ValueError(f"expected a number followed by a unit, such as '70 kg'; got {text!r}")
    number, spaced, glued = m.groups()
    unit = spaced if spaced is not None else glued
    return {"value": exact_decimal(number, "value"), "unit": _unit(unit)}


# quantities written as text are parsed once per text: a batch of laboratory requests repeats
# its limits ("1.2 mg/dL") thousands of times, and a Quantity is immutable
_CACHED_TEXT = 64  # longest text kept (characters); the cache holds at most 4096 of them


@lru_cache(maxsize=4096)
def _from_text(text: str) -> Quantity:
    """The quantity a text makes: its fields validated as :meth:`Quantity._parse` gives them."""
    return Quantity.model_validate(_text_fields(text))


class Quantity(BaseModel):
    """A decimal value with a unit; parsed from ``"70 kg"`` or ``{"value": 70, "unit": "kg"}``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: Decimal
    unit: str

    @model_validator(mode="wrap")
    @classmethod
    def _reuse(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """A short text seen before is the quantity made from it then (see ``_from_text``);
        anything else, and a text that is refused, goes through :meth:`_parse`."""
        if type(data) is str and len(data) <= _CACHED_TEXT:
            try:
                return _from_text(data)
            except ValueError:
                pass  # refused below, in the words of _parse
        return handler(data)

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        if isinstance(data, Quantity):
            return data
        if isinstance(data, str):
            return _text_fields(data)
        if isinstance(data, bool | int | float | Decimal):
            raise ValueError(
                f"a unit is required: write e.g. '{data} kg' or {{'value': {data}, 'unit': 'kg'}}"
            )
        if isinstance(data, dict):
            if "unit" not in data or data.get("unit") in (None, ""):
                raise ValueError("a unit is required (the 'unit' key is missing)")
            if "value" not in data:
                raise ValueError("the 'value' key is missing")
            extra = set(data) - {"value", "unit"}
            if extra:
                raise ValueError(f"unexpected keys {sorted(extra)}")
            unit = data["unit"]
            if not isinstance(unit, str):
                raise ValueError("'unit' must be a string")
            return {"value": exact_decimal(data["value"], "value"), "unit": _unit(unit)}
        raise ValueError("expected '70 kg' or {'value': 70, 'unit': 'kg'}")

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Both written forms: ``"70 kg"`` and ``{"value": 70, "unit": "kg"}``."""
        obj = handler.resolve_ref_schema(handler(core_schema))
        return {
            "title": "Quantity",
            "anyOf": [
                {"type": "string", "description": 'a number and its unit, e.g. "70 kg"',
                 "pattern": r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*\S"},
                obj,
            ],
        }

    @classmethod
    def of(cls, value: Decimal | int | str, unit: str) -> Quantity:
        """Construct from Python values (raises :class:`InputError` on a bad unit)."""
        return cls(value=exact_decimal(value, "value"), unit=canonical_unit(unit))

    @classmethod
    def parse(cls, raw: Any, field: str) -> Quantity:
        """Parse user input; any problem is an :class:`InputError` naming ``field``."""
        try:
            return cls.model_validate(raw)
        except InputError as e:
            raise InputError(field, e.message, e.value) from None
        except ValueError as e:  # pydantic.ValidationError is a ValueError
            errors = getattr(e, "errors", None)
            msg = errors()[0]["msg"] if callable(errors) else str(e)
            msg = msg.removeprefix("Value error, ")
            raise InputError(field, msg, raw) from None

    @property
    def dimension(self) -> str:
        return _UNITS[self.unit][0]

    def exact(self, unit: str) -> Fraction:
        """The value in ``unit`` as an exact fraction (same dimension required)."""
        target = canonical_unit(unit)
        if target == self.unit:  # the factor divided by itself
            return Fraction(self.value)
        dim, factor = _UNITS[self.unit]
        tdim, tfactor = _UNITS[target]
        if dim != tdim:
            raise InputError("unit", f"cannot convert {self.unit} to {target}", self.unit)
        return Fraction(self.value) * factor / tfactor

    def to(self, unit: str) -> Decimal:
        """The value in ``unit`` as a Decimal (exact to 28 significant digits)."""
        f = self.exact(unit)
        return Decimal(f.numerator) / Decimal(f.denominator)

    def __str__(self) -> str:
        return f"{self.value.normalize():f} {self.unit}"
