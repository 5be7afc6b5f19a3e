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
from decimal import getcontext
from fractions import Fraction
from functools import lru_cache

from hdil2.clinical.toxicity import operators
from hdil2.clinical.toxicity.operators import Exact
from hdil2.core.errors import InputError
from hdil2.core.quantity import Quantity, dimension

__all__ = ["fmt", "fmt_factor", "read", "read_limit"]


def fmt(x: Exact, places: int = 4) -> str:
    """An exact decimal if ``x`` has one (1.8, 0.05), else ``≈`` and ``places`` decimals.

    The text of :func:`hdil2.clinical.toxicity.operators.fmt`, character for character; a
    fraction or an integer is written from integers (the digits of ``n × 10^k / d``, rounded
    half to even as ``round`` rounds a fraction) instead of through :class:`~decimal.Decimal`
    division, and the text of each (numerator, denominator, places) is kept (a batch of
    requests writes the same limits and bounds again and again).  Anything else, and any
    number with more digits than the decimal context's precision (where the decimal division
    would round), is left to ``operators.fmt``.
    """
    t = type(x)
    if t is Fraction:
        text = _rational(x.numerator, x.denominator, places,  # type: ignore[union-attr]
                         getcontext().prec)
    elif t is int:
        text = _rational(x, 1, places, getcontext().prec)
    else:
        text = None
    return operators.fmt(x, places) if text is None else text


@lru_cache(maxsize=8192)
def _rational(n: int, d: int, places: int, precision: int) -> str | None:
    """:func:`fmt` of ``n/d`` (``d > 0``, in lowest terms), or None where it defers."""
    twos = (d & -d).bit_length() - 1  # d = 2^twos · 5^fives · rest
    rest, fives = d >> twos, 0
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest == 1:  # a terminating decimal: exactly n · (10^k / d) / 10^k
        k, approx = max(twos, fives), ""
        digits = abs(n) * (10**k // d)
    elif places > 0:  # rounded to ``places`` decimals, half to even
        k, approx = places, "≈"
        digits, remainder = divmod(abs(n) * 10**places, d)
        if remainder * 2 > d or (remainder * 2 == d and digits % 2 == 1):
            digits += 1
    else:
        return None
    text = str(digits)
    if len(text) > precision:
        return None
    if k:
        text = text.rjust(k + 1, "0")
        text = f"{text[:-k]}.{text[-k:]}".rstrip("0").rstrip(".")
    return f"{approx}-{text}" if n < 0 and digits else approx + text


def fmt_factor(x: Fraction) -> str:
    """A CTCAE factor as printed: ``1.0``, ``1.5``, ``1.05``, ``75.0``."""
    s = fmt(x)
    return s if "." in s else s + ".0"


@lru_cache(maxsize=256)  # the unit tuples of the criteria: a few dozen
def _dimensions(units: tuple[str, ...]) -> frozenset[str]:
    return frozenset(dimension(u) for u in units)


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
    if q.dimension not in _dimensions(accepted):
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
