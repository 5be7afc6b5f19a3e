"""The comparison operators of the toxicity rules: one set for CTCAE grading and dose holds.

A CTCAE grade opens at a bound (``creatinine > 1.5 x ULN``) and a hold rule fires at one
(``SpO2 < 90 %``); both compare with the operators below and nothing else.  An operator not in
the set is an error (:func:`operator`, :func:`comparison`), never read as a guess.

Comparisons are exact: values and bounds are :class:`~fractions.Fraction`,
:class:`~decimal.Decimal` or ``int``; a binary ``float`` (or a ``bool``) is refused, because
``1.5 * 1.2`` is ``1.7999999999999998`` in floating point and would move a boundary.  The same
operator is written the same way everywhere (:data:`SYMBOL`, :func:`phrase`): ``SpO2 < 90 %``,
``creatinine ≥ 3 mg/dL``; :data:`NEGATION` writes the comparison that did not hold.

Example::

    >>> from decimal import Decimal
    >>> from fractions import Fraction
    >>> from hdil2.clinical.toxicity.operators import compare, phrase
    >>> phrase("SpO2", "<", 90, "%")
    'SpO2 < 90 %'
    >>> compare(Fraction("1.5") * Fraction("1.2"), "==", Decimal("1.8"))
    True
"""

from __future__ import annotations

import operator as _op
from collections.abc import Callable, Collection
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, get_args

from hdil2.core.errors import InputError

#: every operator of the toxicity rules: the five numeric comparisons and membership
Op = Literal["<", "<=", ">", ">=", "==", "in"]
#: the numeric comparisons (a threshold)
Comparison = Literal["<", "<=", ">", ">=", "=="]
#: the order comparisons (a CTCAE bound that opens a grade)
Order = Literal["<", "<=", ">", ">="]

OPERATORS: tuple[Op, ...] = get_args(Op)
COMPARISONS: tuple[Comparison, ...] = get_args(Comparison)
ORDERS: tuple[Order, ...] = get_args(Order)

#: how each operator is printed
SYMBOL: dict[Op, str] = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "in": "in"}
#: how the comparison that did *not* hold is printed (``x < 90`` false: ``≥ 90``)
NEGATION: dict[Op, str] = {"<": "≥", "<=": ">", ">": "≤", ">=": "<", "==": "≠", "in": "not in"}

Exact = Fraction | Decimal | int

_FUNCTIONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": _op.lt, "<=": _op.le, ">": _op.gt, ">=": _op.ge, "==": _op.eq,
}


def _unknown(op: object, known: tuple[str, ...], field: str, where: str) -> InputError:
    at = f" in {where}" if where else ""
    return InputError(field, f"unknown operator {op!r}{at}; known: {', '.join(known)}", op)


def operator(op: object, field: str = "op", where: str = "") -> Op:
    """``op`` if it is one of :data:`OPERATORS`, else an :class:`InputError` naming ``field``."""
    if isinstance(op, str) and op in OPERATORS:
        return op
    raise _unknown(op, OPERATORS, field, where)


def comparison(op: object, field: str = "op", where: str = "") -> Comparison:
    """``op`` if it is a numeric comparison (not ``in``), else an error naming ``field``."""
    if isinstance(op, str) and op in COMPARISONS:
        return op
    raise _unknown(op, COMPARISONS, field, where)


def order(op: object, field: str = "op", where: str = "") -> Order:
    """``op`` if it is an order comparison (``<``, ``<=``, ``>``, ``>=``), else an error."""
    if isinstance(op, str) and op in ORDERS:
        return op
    raise _unknown(op, ORDERS, field, where)


def exact(x: object, field: str = "value") -> Fraction:
    """``x`` as an exact fraction: a decimal string, ``Decimal``, ``Fraction`` or ``int``.

    A ``float`` or a ``bool`` is refused (a float is not the decimal it was written as).
    """
    if isinstance(x, bool | float):
        raise InputError(field, "a bound must be exact (a decimal string, Decimal, Fraction or "
                         f"int), not {type(x).__name__}", x)
    if isinstance(x, Fraction | int):
        return Fraction(x)
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise InputError(field, "a bound must be finite", x)
        return Fraction(x)
    if isinstance(x, str):
        try:
            return Fraction(Decimal(x.strip()))
        except ArithmeticError:
            raise InputError(field, "not a decimal number", x) from None
    raise InputError(field, f"expected a number, got {type(x).__name__}", x)


def compare(x: Exact, op: Comparison, bound: Exact) -> bool:
    """``x op bound``, exactly (a float on either side is a ``TypeError``)."""
    if isinstance(x, float) or isinstance(bound, float):
        raise TypeError("toxicity thresholds are compared exactly, never as binary floats")
    return _FUNCTIONS[op](x, bound)


def member(x: object, values: Collection[object]) -> bool:
    """The ``in`` operator: ``x`` is one of ``values``."""
    return x in values


def fmt(x: Exact, places: int = 4) -> str:
    """An exact decimal if ``x`` has one (1.8, 0.05), else ``≈`` and ``places`` decimals."""
    f = Fraction(x)
    d = f.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d == 1:
        s = f"{Decimal(f.numerator) / Decimal(f.denominator):f}"
        return s.rstrip("0").rstrip(".") if "." in s else s
    q = round(f, places)
    s = f"{Decimal(q.numerator) / Decimal(q.denominator):.{places}f}".rstrip("0").rstrip(".")
    return "≈" + s


def with_unit(number: str, unit: str) -> str:
    """A number and its unit: ``90 %``, ``4.5 mg/dL``, but ``130/min`` (a per-unit joins)."""
    if not unit:
        return number
    return f"{number}{unit}" if unit.startswith("/") else f"{number} {unit}"


def bound_text(op: Comparison, value: Exact, unit: str = "", *, negated: bool = False) -> str:
    """The comparison part of a phrase: ``< 90 %`` (or, negated, ``≥ 90 %``)."""
    sym = (NEGATION if negated else SYMBOL)[op]
    return f"{sym} {with_unit(fmt(value), unit)}"


def phrase(subject: str, op: Comparison, value: Exact, unit: str = "") -> str:
    """One comparison in words: ``phrase("SpO2", "<", 90, "%")`` is ``SpO2 < 90 %``."""
    return f"{subject} {bound_text(op, value, unit)}"
