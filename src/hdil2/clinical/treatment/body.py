"""Body size: plausibility limits, body-surface area and the weight used for dosing.

* Weight must lie in 25-300 kg and height in 100-250 cm (inclusive); anything else is refused
  with an error naming the field — never clamped (docs/architecture.md).
* BSA by Mosteller, √(height × weight / 3600) (`mosteller1987`), or DuBois & DuBois,
  0.007184 × weight^0.425 × height^0.725 (`dubois1916`); the formula is named in every output
  (tag: memory).  Worked values: 175 cm / 70 kg → 1.845 / 1.848 m².
* Weight basis is a policy (the label, `proleukin-label`, says IU/kg without naming the weight;
  tag: unverified): actual (default), ideal (Devine, `devine1974`) or adjusted
  (ideal + 0.4 × (actual − ideal)).
* An ideal or adjusted weight never exceeds actual weight: the dose is computed on the lesser
  of the two, and the reasons show both (policy ``weight_basis_cap``, default ``actual``; a
  site may set ``none``) - see docs/decisions.md#dosing-weight-lesser.
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
WeightCap = Literal["actual", "none"]
Sex = Literal["female", "male"]

WEIGHT_RANGE_KG = (Fraction(25), Fraction(300))
HEIGHT_RANGE_CM = (Fraction(100), Fraction(250))
DEVINE_MIN_HEIGHT_CM = Fraction("152.4")  # 5 ft: Devine adds 2.3 kg per inch over 5 ft


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


def _decimal(f: Fraction) -> Decimal:
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
            m2 = (_decimal(w) * _decimal(h) / Decimal(3600)).sqrt()
            text = f"Mosteller BSA = √({_show(h)} cm × {_show(w)} kg / 3600) = {m2:.3f} m²"
            src = "mosteller1987"
        elif formula == "dubois":
            m2 = (Decimal("0.007184") * _decimal(w) ** Decimal("0.425")
                  * _decimal(h) ** Decimal("0.725"))
            text = (f"DuBois BSA = 0.007184 × {_show(w)}^0.425 × {_show(h)}^0.725 "
                    f"= {m2:.3f} m²")
            src = "dubois1916"
        else:
            raise InputError("bsa_formula", "must be 'mosteller' or 'dubois'", formula)
    reason = Reason(rule=f"bsa.{formula}", source=src, text=text, tag=Tag.MEMORY,
                    inputs={"weight_kg": _decimal(w), "height_cm": _decimal(h)})
    return Bsa(m2=m2, formula=formula, reason=reason)


def _show(f: Fraction) -> str:
    d = _decimal(f)
    return f"{d.normalize():f}" if d == d.quantize(Decimal("0.001")) else f"{d:.3f}"


@dataclass(frozen=True, slots=True)
class DosingWeight:
    """The weight a dose is computed from, and why.

    ``kg`` is the weight the dose uses; ``actual_kg`` the patient's actual weight;
    ``basis_kg`` the weight the basis gave before the cap (equal to ``kg`` unless capped).
    """

    kg: Fraction
    basis: WeightBasis
    reasons: tuple[Reason, ...]
    actual_kg: Fraction
    basis_kg: Fraction
    capped: bool = False


def dosing_weight(
    weight: Quantity,
    basis: WeightBasis = "actual",
    height: Quantity | None = None,
    sex: Sex | None = None,
    cap: WeightCap = "actual",
) -> DosingWeight:
    """The dosing weight under the ``weight_basis`` and ``weight_basis_cap`` policies.

    ``ideal`` is Devine's ideal body weight, 50 kg (male) or 45.5 kg (female) + 2.3 kg per inch
    over 5 feet (`devine1974`, tag: memory); ``adjusted`` is ideal + 0.4 × (actual − ideal).
    Both need height and sex; missing either is an error naming it, and so is a height below
    5 ft (152.4 cm), where the formula is not defined (it would go on subtracting 2.3 kg per
    inch, down to negative weights).  With ``cap="actual"`` (the
    default) an ideal or adjusted weight above actual weight is replaced by actual weight - the
    lesser of the two (docs/decisions.md#dosing-weight-lesser); ``cap="none"`` keeps the basis
    weight even when it is higher.  The reasons show both weights.
    """
    actual = weight_kg(weight)
    if basis == "actual":
        return DosingWeight(actual, basis, (Reason(
            rule="weight.actual", source="proleukin-label", tag=Tag.UNVERIFIED,
            text=f"dose per kg of actual (pre-course) body weight {_show(actual)} kg",
            inputs={"weight_kg": _decimal(actual)}),), actual, actual)
    if basis not in ("ideal", "adjusted"):
        raise InputError("policy.weight_basis", "must be actual, ideal or adjusted", basis)
    if cap not in ("actual", "none"):
        raise InputError("policy.weight_basis_cap", "must be actual or none", cap)
    if height is None:
        raise InputError("height", f"required for weight_basis={basis}")
    if sex is None:
        raise InputError("sex", f"required for weight_basis={basis} (female or male)")
    h_cm = height_cm(height)
    if h_cm < DEVINE_MIN_HEIGHT_CM:
        raise InputError(
            "height",
            f"Devine's ideal body weight is defined from 5 ft (152.4 cm) up, so weight_basis="
            f"{basis} cannot be computed for {_show(h_cm)} cm; use weight_basis=actual",
            str(height))
    inches = h_cm / Fraction("2.54")
    base = Fraction(50) if sex == "male" else Fraction("45.5")
    ibw = base + Fraction("2.3") * (inches - 60)
    reasons = [Reason(
        rule="weight.ideal_devine", source="devine1974", tag=Tag.MEMORY,
        text=f"Devine ideal body weight = {base} + 2.3 × ({_show(inches)} in − 60) = "
        f"{_show(ibw)} kg",
        inputs={"height_cm": _decimal(h_cm), "sex": sex})]
    chosen = ibw
    if basis == "adjusted":
        chosen = ibw + Fraction(2, 5) * (actual - ibw)
        reasons.append(Reason(
            rule="weight.adjusted", source="devine1974", tag=Tag.MEMORY,
            text=f"adjusted weight = {_show(ibw)} + 0.4 × ({_show(actual)} − {_show(ibw)}) = "
            f"{_show(chosen)} kg",
            inputs={"weight_kg": _decimal(actual)}))
    both = {"actual_kg": _decimal(actual), f"{basis}_kg": _decimal(chosen)}
    if chosen <= actual:
        reasons.append(Reason(
            rule="weight.basis_not_above_actual", source="proleukin-label", tag=Tag.COMPUTED,
            text=f"{basis} weight {_show(chosen)} kg is not above actual weight "
            f"{_show(actual)} kg: dose on the {basis} weight "
            "(see docs/decisions.md#dosing-weight-lesser)",
            inputs=both))
        return DosingWeight(chosen, basis, tuple(reasons), actual, chosen)
    over = _decimal((chosen / actual - 1) * 100).quantize(Decimal("0.1"))
    if cap == "actual":
        reasons.append(Reason(
            rule="weight.capped_at_actual", source="proleukin-label", tag=Tag.UNVERIFIED,
            text=f"{basis} weight {_show(chosen)} kg is above actual weight {_show(actual)} kg "
            f"(+{over} %): dose on actual weight {_show(actual)} kg, the lesser of the two "
            "(policy weight_basis_cap = 'actual'; see docs/decisions.md#dosing-weight-lesser)",
            inputs=both))
        return DosingWeight(actual, basis, tuple(reasons), actual, chosen, capped=True)
    reasons.append(Reason(
        rule="weight.basis_above_actual", source="proleukin-label", tag=Tag.UNVERIFIED,
        text=f"{basis} weight {_show(chosen)} kg is above actual weight {_show(actual)} kg "
        f"(+{over} %) and the site policy weight_basis_cap = 'none' doses on it anyway: "
        f"{over} % more IL-2 per kg of actual weight than the regimen states",
        inputs=both))
    return DosingWeight(chosen, basis, tuple(reasons), actual, chosen)
