"""Reading graded quantities exactly, and writing them back for reasons.

Inputs arrive as :class:`~hdil2.core.quantity.Quantity` (decimal value + unit).  A value and the
limits it is compared with (ULN, LLN, baseline) must be in the same dimension — the same unit,
or units with an exact identity between them (10⁹/L and /mm³, kg and lb); there is no
analyte-specific conversion (mg/dL ↔ µmol/L), so a ULN in µmol/L for a creatinine in mg/dL is
refused with an error naming the ULN.  The one exception is an exact chemical identity a
criterion declares (potassium and sodium: 1 mEq/L = 1 mmol/L; magnesium: 1 mEq/L =
0.5 mmol/L).  Negative values are refused; limits must be positive.  Numbers are written back
with :func:`~hdil2.clinical.toxicity.operators.fmt`, the formatting the hold rules share.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from hdil2.clinical.toxicity.operators import fmt
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity, dimension

__all__ = ["fmt", "fmt_factor", "read", "read_limit"]


def fmt_factor(x: Fraction) -> str:
    """A CTCAE factor as printed: ``1.0``, ``1.5``, ``1.05``, ``75.0``."""
    s = fmt(x)
    return s if "." in s else s + ".0"


def _exact(q: Quantity, target: str, equivalents: Mapping[str, Fraction]) -> Fraction:
    if q.unit in equivalents:
        return Fraction(q.value) * equivalents[q.unit]
    return q.exact(target)


def read(
    q: Quantity, field: str, units: tuple[str, ...], unit: str | None, what: str,
    equivalents: Mapping[str, Fraction] | None = None,
) -> tuple[Fraction, str]:
    """``q`` as an exact fraction in ``unit`` (or its own unit), checked for its dimension.

    ``equivalents`` are analyte-specific exact identities into ``unit`` (for potassium,
    1 mEq/L = 1 mmol/L); the reasons then show the value in ``unit``.
    """
    eq = dict(equivalents or {})
    accepted = (*units, *eq)
    dims = {dimension(u) for u in accepted}
    if q.dimension not in dims:
        raise InputError(field, f"{what} must be in {' or '.join(accepted)} (or an exactly "
                         f"convertible unit); got {q.unit}", str(q))
    target = unit or q.unit
    return _exact(q, target, eq), target


def read_limit(
    q: Quantity, field: str, value: Quantity, target: str,
    equivalents: Mapping[str, Fraction] | None = None,
) -> Fraction:
    """A limit in the value's comparison unit; refused if its dimension differs or it is ≤ 0."""
    if q.dimension != value.dimension:
        raise InputError(
            field,
            f"unit {q.unit} does not match the value's unit {value.unit}: give the value and its "
            "limits in the same unit (hdil2 makes no analyte-specific conversion)",
            str(q),
        )
    x = _exact(q, target, dict(equivalents or {}))
    if x <= 0:
        raise InputError(field, "must be positive", str(q))
    return x
