"""Body size: plausibility limits, body-surface area and the weight used for dosing.

* Weight must lie in 25-300 kg and height in 100-250 cm (inclusive); anything else is refused
  with an error naming the field — never clamped (DESIGN.md, issue "Foundation").
* BSA by Mosteller, √(height × weight / 3600) (`mosteller1987`), or DuBois & DuBois,
  0.007184 × weight^0.425 × height^0.725 (`dubois1916`); the formula is named in every output
  (reference §1.7 [M]).  Worked values: 175 cm / 70 kg → 1.845 / 1.848 m².
* Weight basis is a policy (reference §1.7 [U]): actual (default), ideal (Devine) or adjusted
  (ideal + 0.4 × (actual − ideal)).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Literal

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity
from hdil2.core.sources import Tag

BsaFormula = Literal["mosteller", "dubois"]
WeightBasis = Literal["actual", "ideal", "adjusted"]
Sex = Literal["female", "male"]

WEIGHT_RANGE_KG = (Fraction(25), Fraction(300))
HEIGHT_RANGE_CM = (Fraction(100), Fraction(250))


def _in_range(q: Quantity, unit: str, bounds: tuple[Fraction, Fraction], field: str) -> Fraction:
    try:
        value = q.exact(unit)
    except InputError:
        msg = f"expected a {unit} quantity, got unit {q.unit!r}"
        raise InputError(field, msg, str(q)) from None
    lo, hi = bounds
    if not lo <= value <= hi:
        raise InputError(
            field,
            f"implausible: must be between {lo} and {hi} {unit}; check the value and its unit "
            "(nothing is clamped)",
            str(q),
        )
    return value


def weight_kg(weight: Quantity, field: str = "weight") -> Fraction:
    """Weight in kg after the plausibility check (25-300 kg inclusive)."""
    return _in_range(weight, "kg", WEIGHT_RANGE_KG, field)


def height_cm(height: Quantity, field: str = "height") -> Fraction:
    """Height in cm after the plausibility check (100-250 cm inclusive)."""
    return _in_range(height, "cm", HEIGHT_RANGE_CM, field)


def _dec(f: Fraction) -> Decimal:
    return Decimal(f.numerator) / Decimal(f.denominator)


@dataclass(frozen=True, slots=True)
class Bsa:
    """A body-surface area and the formula that produced it."""

    m2: Decimal
    formula: BsaFormula
    reason: Reason


def bsa(weight: Quantity, height: Quantity, formula: BsaFormula = "mosteller") -> Bsa:
    """Body-surface area in m² (unrounded; round for display only)."""
    w = weight_kg(weight)
    h = height_cm(height)
    with localcontext() as ctx:
        ctx.prec = 28
        if formula == "mosteller":
            m2 = (_dec(w) * _dec(h) / Decimal(3600)).sqrt()
            text = f"Mosteller BSA = √({_fmt(h)} cm × {_fmt(w)} kg / 3600) = {m2:.3f} m²"
            src = "mosteller1987"
        elif formula == "dubois":
            m2 = Decimal("0.007184") * _dec(w) ** Decimal("0.425") * _dec(h) ** Decimal("0.725")
            text = (f"DuBois BSA = 0.007184 × {_fmt(w)}^0.425 × {_fmt(h)}^0.725 "
                    f"= {m2:.3f} m²")
            src = "dubois1916"
        else:
            raise InputError("bsa_formula", "must be 'mosteller' or 'dubois'", formula)
    reason = Reason(rule=f"bsa.{formula}", source=src, text=text, tag=Tag.MEMORY,
                    inputs={"weight_kg": _dec(w), "height_cm": _dec(h)})
    return Bsa(m2=m2, formula=formula, reason=reason)


def _fmt(f: Fraction) -> str:
    d = _dec(f)
    return f"{d.normalize():f}" if d == d.quantize(Decimal("0.001")) else f"{d:.3f}"


@dataclass(frozen=True, slots=True)
class DosingWeight:
    """The weight a dose is computed from, and why."""

    kg: Fraction
    basis: WeightBasis
    reasons: tuple[Reason, ...]


def dosing_weight(
    weight: Quantity,
    basis: WeightBasis = "actual",
    height: Quantity | None = None,
    sex: Sex | None = None,
) -> DosingWeight:
    """The dosing weight under the ``weight_basis`` policy.

    ``ideal`` is Devine's ideal body weight, 50 kg (male) or 45.5 kg (female) + 2.3 kg per inch
    over 5 feet (`devine1974` [M]); ``adjusted`` is ideal + 0.4 × (actual − ideal).  Both need
    height and sex; missing either is an error naming it.
    """
    actual = weight_kg(weight)
    if basis == "actual":
        return DosingWeight(actual, basis, (Reason(
            rule="weight.actual", source="proleukin-label", tag=Tag.UNVERIFIED,
            text=f"dose per kg of actual (pre-course) body weight {_fmt(actual)} kg",
            inputs={"weight_kg": _dec(actual)}),))
    if basis not in ("ideal", "adjusted"):
        raise InputError("policy.weight_basis", "must be actual, ideal or adjusted", basis)
    if height is None:
        raise InputError("height", f"required for weight_basis={basis}")
    if sex is None:
        raise InputError("sex", f"required for weight_basis={basis} (female or male)")
    h_cm = height_cm(height)
    inches = h_cm / Fraction("2.54")
    base = Fraction(50) if sex == "male" else Fraction("45.5")
    ibw = base + Fraction("2.3") * (inches - 60)
    reasons = [Reason(
        rule="weight.ideal_devine", source="devine1974", tag=Tag.MEMORY,
        text=f"Devine ideal body weight = {base} + 2.3 × ({_fmt(inches)} in − 60) = "
        f"{_fmt(ibw)} kg",
        inputs={"height_cm": _dec(h_cm), "sex": sex})]
    if basis == "ideal":
        return DosingWeight(ibw, basis, tuple(reasons))
    adj = ibw + Fraction(2, 5) * (actual - ibw)
    reasons.append(Reason(
        rule="weight.adjusted", source="devine1974", tag=Tag.MEMORY,
        text=f"adjusted weight = {_fmt(ibw)} + 0.4 × ({_fmt(actual)} − {_fmt(ibw)}) = "
        f"{_fmt(adj)} kg",
        inputs={"weight_kg": _dec(actual)}))
    return DosingWeight(adj, basis, tuple(reasons))
