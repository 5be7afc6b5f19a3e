"""The fast paths of a batch of grade requests give what the general paths give (issue 10 item 4).

Each shortcut taken for speed keeps the general code it bypasses, which stays the
specification: the decimal formatting of thresholds, the exact comparison of a value with a
bound, the parsing of a quantity written as text, the JSON form of a reason and a decision, and
the lookup of a CTCAE term by alias.  Hypothesis compares the two on inputs the tests of the
rules do not reach (huge and negative numbers, repeating decimals, every comparison).
"""

from __future__ import annotations

import enum
import importlib
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hdil2.clinical.toxicity import operators
from hdil2.clinical.toxicity.ctcae.criteria import Threshold
from hdil2.clinical.toxicity.ctcae.numbers import fmt
from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable
from hdil2.core.quantity import Quantity

catalogue = importlib.import_module("hdil2.clinical.toxicity.ctcae.catalogue")

fractions = st.fractions(max_denominator=10**12) | st.fractions(
    min_value=-10**30, max_value=10**30, max_denominator=10**40)
ints = st.integers(min_value=-10**40, max_value=10**40)


@given(st.one_of(fractions, ints), st.integers(min_value=0, max_value=8))
def test_item4_fmt_writes_the_same_text_as_the_decimal_formatter(x: Fraction | int,
                                                                  places: int) -> None:
    assert fmt(x, places) == operators.fmt(x, places)


@pytest.mark.parametrize(("x", "text"), [
    (Fraction(9, 5), "1.8"), (Fraction(1, 20), "0.05"), (Fraction(1, 3), "≈0.3333"),
    (Fraction(-2, 3), "≈-0.6667"), (Fraction(1, 8), "0.125"), (250, "250"),
    (Fraction(-1, 300000), "≈0"), (Fraction(5, 1), "5")])
def test_item4_fmt_known_texts(x: Fraction | int, text: str) -> None:
    assert fmt(x) == text == operators.fmt(x)


@given(st.fractions(max_denominator=10**6), st.fractions(max_denominator=10**6))
def test_item4_fmt_beyond_the_decimal_precision_defers(x: Fraction, y: Fraction) -> None:
    with localcontext() as ctx:
        ctx.prec = 6  # fewer digits than many of these numbers have
        assert fmt(x * 10**9 + y) == operators.fmt(x * 10**9 + y)


@given(fractions, st.sampled_from(["<", "<=", ">", ">="]),
       st.fractions(min_value=0, max_value=1000, max_denominator=1000),
       st.one_of(st.none(), st.fractions(min_value=0, max_value=10**6, max_denominator=10**4)))
def test_item4_threshold_met_is_the_exact_comparison(x: Fraction, op: Any, factor: Fraction,
                                                     ref: Fraction | None) -> None:
    th = Threshold(grade=1, op=op, factor=factor)
    assert th.met(x, ref) == operators.compare(x, op, th.bound(ref))


TEXTS = st.builds(lambda v, u, sp: f"{v}{' ' if sp else ''}{u}",
                  st.decimals(allow_nan=False, allow_infinity=False, places=3,
                              min_value=-10**6, max_value=10**6),
                  st.sampled_from(["kg", "mg/dL", "µmol/L", "U/L", "x10^9/L", "g/L", "mmol/L",
                                   "cm", "%", "mmHg", "lbs", "furlongs", ""]),
                  st.booleans())


@given(TEXTS)
def test_item4_a_text_parsed_twice_is_the_quantity_parsed_once(text: str) -> None:
    try:
        fresh = Quantity.model_validate(Quantity._parse(text))  # type: ignore[operator]
    except (ValueError, InputError) as e:
        general: Any = ("refused", str(e).splitlines()[-1])
    else:
        general = (fresh.value, fresh.unit)
    for _ in range(2):  # the second time comes from the cache
        if general[0] == "refused":
            with pytest.raises(InputError):
                Quantity.parse(text, "x")
        else:
            q = Quantity.parse(text, "x")
            assert (q.value, q.unit) == general
            assert str(q.value) == str(general[0])  # the same digits, trailing zeros kept


def test_item4_a_cached_quantity_cannot_be_changed() -> None:
    q = Quantity.parse("1.2 mg/dL", "x")
    with pytest.raises(Exception, match="frozen"):
        q.value = Decimal(9)  # type: ignore[misc]
    assert Quantity.parse("1.2 mg/dL", "x").value == Decimal("1.2")


class _Colour(enum.Enum):
    RED = "red"


class _Level(enum.IntEnum):
    HIGH = 3


JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5),
                        st.decimals(allow_nan=False, allow_infinity=False),
                        st.floats(), st.fractions(),
                        st.sampled_from([_Colour.RED, _Level.HIGH]), st.dates())
VALUES = st.recursive(JSON_LEAVES, lambda kids: st.one_of(
    st.lists(kids, max_size=3), st.tuples(kids, kids),
    st.dictionaries(st.one_of(st.text(max_size=3), st.integers()), kids, max_size=3)),
    max_leaves=12)


def _same(a: Any, b: Any) -> bool:
    """Equal, NaN included (floats are compared by their text)."""
    return repr(a) == repr(b)


@given(VALUES, VALUES)
def test_item4_reason_and_decision_json_equal_the_general_conversion(value: Any,
                                                                     detail: Any) -> None:
    reason = Reason("rule-x", "ctcae5", "text", inputs={"v": value, "k": _Colour.RED})
    general = {k: jsonable(getattr(reason, k)) for k in ("rule", "source", "text", "inputs",
                                                          "tag")}
    assert _same(reason.to_dict(), general)
    decision = Decision(value, (reason,), details={"d": detail})
    expected = {"value": jsonable(value), "d": jsonable(detail), "reasons": [general]}
    assert _same(decision.to_dict(), expected)
    assert _same(jsonable(decision), expected)


def test_item4_every_alias_finds_the_term_the_first_alias_so_written_names() -> None:
    for alias in catalogue._ALIASES:
        k = catalogue.normalise_key(alias)
        if k in catalogue.TERMS:
            continue  # a term's own key wins over any alias
        first = next(key for a, key in catalogue._ALIASES.items()
                     if catalogue.normalise_key(a) == k)
        assert catalogue.term_key(alias) == first
        assert catalogue.term_key(f"  {alias.upper()} ") == first
