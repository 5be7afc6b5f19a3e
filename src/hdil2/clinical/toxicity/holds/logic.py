"""Three-valued conditions over the bedside observations (Kleene's strong logic).

A hold or stop row of a rule table is a :data:`Cond` written as data: a :class:`Threshold`
(one observation compared with a bound by one of the toxicity rules' operators,
:mod:`hdil2.clinical.toxicity.operators`; an unknown operator is an error), a :class:`Flag` (a
yes/no observation is yes), a :class:`OneOf` (a categorical observation takes one of some
values), and the connectives :class:`All`, :class:`AnyOf` and :class:`Not`.  A condition
is evaluated on an *environment*: every observation name mapped to its value in the rule's unit
(an exact :class:`~fractions.Fraction`, a category string or a bool) or to ``None`` when it was
not recorded.  The truth value is ``True``, ``False`` or ``None`` (unknown), with Kleene's
tables: ``A and B`` is false as soon as one side is false, true when both are true, else
unknown; ``A or B`` dually; ``not unknown`` is unknown.  So a row whose known inputs already
decide it is decided (a hold for SBP < 90 mmHg that needs the pressor trend only when SBP is
90 or more; an oliguria row that needs a rising creatinine cannot fire when creatinine is known
not to rise), and only the others are unknown.

Every numeric comparison splits its observation's values into cells (below a bound, at it,
above it); :func:`cells` gives one representative value per cell, so the whole range of values
an unknown observation could take can be enumerated exactly (:func:`completions`).  This is
what finds the unknown observations that could change an answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction

from hdil2.clinical.toxicity.operators import Comparison, compare, comparison, exact

Value = Fraction | str | bool
Env = Mapping[str, Value | None]
Truth = bool | None
Op = Comparison  # the operator of a threshold (kept for readers of older code)


def k_and(values: Iterable[Truth]) -> Truth:
    """Kleene conjunction: False if any is False, True if all are True, else unknown."""
    out: Truth = True
    for v in values:
        if v is False:
            return False
        if v is None:
            out = None
    return out


def k_or(values: Iterable[Truth]) -> Truth:
    """Kleene disjunction: True if any is True, False if all are False, else unknown."""
    out: Truth = False
    for v in values:
        if v is True:
            return True
        if v is None:
            out = None
    return out


def k_not(value: Truth) -> Truth:
    """Kleene negation: unknown stays unknown."""
    return None if value is None else not value


@dataclass(frozen=True, slots=True)
class Threshold:
    """``field op value`` for a numeric observation, compared exactly.

    ``value`` may be given as a decimal string, ``Decimal``, ``Fraction`` or ``int`` (never a
    float) and is kept as an exact fraction; ``op`` must be a numeric comparison of
    :mod:`hdil2.clinical.toxicity.operators` (an unknown operator is an ``InputError``).
    """

    field: str
    op: Comparison
    value: Fraction

    def __post_init__(self) -> None:
        comparison(self.op, "op", f"a threshold on {self.field}")
        if not isinstance(self.value, Fraction):
            object.__setattr__(self, "value", exact(self.value, f"{self.field}.value"))

    def truth(self, env: Env) -> Truth:
        x = env.get(self.field)
        if x is None:
            return None
        if isinstance(x, (str, bool)):
            raise TypeError(f"{self.field} is not numeric")
        return compare(x, self.op, self.value)

    def fields(self) -> frozenset[str]:
        return frozenset((self.field,))

    def cuts(self) -> dict[str, frozenset[Fraction]]:
        return {self.field: frozenset((self.value,))}


_YES: frozenset[str | bool] = frozenset((True,))


@dataclass(frozen=True, slots=True)
class Flag:
    """A yes/no observation is yes (the ``in`` operator with the one value *yes*)."""

    field: str

    @property
    def values(self) -> frozenset[str | bool]:
        return _YES

    def truth(self, env: Env) -> Truth:
        x = env.get(self.field)
        if x is None:
            return None
        return x in _YES

    def fields(self) -> frozenset[str]:
        return frozenset((self.field,))

    def cuts(self) -> dict[str, frozenset[Fraction]]:
        return {}


@dataclass(frozen=True, slots=True)
class OneOf:
    """A categorical observation takes one of ``values`` (the ``in`` operator)."""

    field: str
    values: frozenset[str | bool]

    def truth(self, env: Env) -> Truth:
        x = env.get(self.field)
        if x is None:
            return None
        return x in self.values

    def fields(self) -> frozenset[str]:
        return frozenset((self.field,))

    def cuts(self) -> dict[str, frozenset[Fraction]]:
        return {}


@dataclass(frozen=True, slots=True)
class All:
    """Every part is true (Kleene conjunction)."""

    parts: tuple[Cond, ...]

    def truth(self, env: Env) -> Truth:
        return k_and(p.truth(env) for p in self.parts)

    def fields(self) -> frozenset[str]:
        return frozenset().union(*(p.fields() for p in self.parts))

    def cuts(self) -> dict[str, frozenset[Fraction]]:
        return _merge(p.cuts() for p in self.parts)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one part is true (Kleene disjunction)."""

    parts: tuple[Cond, ...]

    def truth(self, env: Env) -> Truth:
        return k_or(p.truth(env) for p in self.parts)

    def fields(self) -> frozenset[str]:
        return frozenset().union(*(p.fields() for p in self.parts))

    def cuts(self) -> dict[str, frozenset[Fraction]]:
        return _merge(p.cuts() for p in self.parts)


@dataclass(frozen=True, slots=True)
class Not:
    """The part is false (Kleene negation)."""

    part: Cond

    def truth(self, env: Env) -> Truth:
        return k_not(self.part.truth(env))

    def fields(self) -> frozenset[str]:
        return self.part.fields()

    def cuts(self) -> dict[str, frozenset[Fraction]]:
        return self.part.cuts()


Cond = Threshold | Flag | OneOf | All | AnyOf | Not


def _merge(parts: Iterable[Mapping[str, frozenset[Fraction]]]) -> dict[str, frozenset[Fraction]]:
    out: dict[str, frozenset[Fraction]] = {}
    for p in parts:
        for k, v in p.items():
            out[k] = out.get(k, frozenset()) | v
    return out


# --- constructors used by the rule tables --------------------------------------------------------

def lt(field: str, bound: str) -> Threshold:
    return Threshold(field, "<", Fraction(bound))


def le(field: str, bound: str) -> Threshold:
    return Threshold(field, "<=", Fraction(bound))


def gt(field: str, bound: str) -> Threshold:
    return Threshold(field, ">", Fraction(bound))


def ge(field: str, bound: str) -> Threshold:
    return Threshold(field, ">=", Fraction(bound))


def eq(field: str, bound: str) -> Threshold:
    return Threshold(field, "==", Fraction(bound))


def between(field: str, low: str, high: str) -> All:
    """``low <= field <= high`` (both ends inclusive)."""
    return All((ge(field, low), le(field, high)))


def flag(field: str) -> Flag:
    """A yes/no observation is yes."""
    return Flag(field)


def is_(field: str, *values: str) -> OneOf:
    return OneOf(field, frozenset(values))


def all_(*parts: Cond) -> All:
    return All(parts)


def any_(*parts: Cond) -> AnyOf:
    return AnyOf(parts)


def not_(part: Cond) -> Not:
    return Not(part)


def none_of(*parts: Cond) -> Not:
    """None of the parts is true."""
    return Not(AnyOf(parts))


def walk(cond: Cond) -> Iterator[Cond]:
    """``cond`` and every condition inside it, depth first."""
    yield cond
    if isinstance(cond, All | AnyOf):
        for p in cond.parts:
            yield from walk(p)
    elif isinstance(cond, Not):
        yield from walk(cond.part)


# --- enumerating the values an unknown observation could take -------------------------------------

def cells(cut_points: Iterable[Fraction], low: Fraction | None = None,
          high: Fraction | None = None) -> tuple[Fraction, ...]:
    """One value per cell of the number line split at ``cut_points`` (below the first cut, each
    cut, between two cuts, above the last), within the field's limits ``[low, high]``."""
    pts = sorted(set(cut_points))
    if not pts:
        return (low if low is not None else Fraction(0),)
    below = pts[0] - 1 if low is None else max(low, pts[0] - 1)
    above = pts[-1] + 1 if high is None else min(high, pts[-1] + 1)
    reps = [below]
    for a, b in itertools.pairwise(pts):
        reps += [a, (a + b) / 2]
    reps += [pts[-1], above]
    return tuple(sorted({r for r in reps if (low is None or r >= low)
                         and (high is None or r <= high)}))


def completions(fields: Iterable[str], domains: Mapping[str, tuple[Value, ...]]
                ) -> Iterator[dict[str, Value]]:
    """Every combination of one value per field from ``domains`` (a cartesian product)."""
    names = sorted(fields)
    for combo in itertools.product(*(domains[f] for f in names)):
        yield dict(zip(names, combo, strict=True))


def decisive_fields(cond: Cond, env: Env, domains: Mapping[str, tuple[Value, ...]]
                    ) -> frozenset[str]:
    """The unknown fields of ``cond`` whose value can change its truth, given the known ones.

    ``cond`` is unknown on ``env``; a field counts when two completions of the unknown fields
    that differ in that field only give ``cond`` different truth values.
    """
    unknown = sorted(f for f in cond.fields() if env.get(f) is None)
    seen: dict[tuple[Value, ...], bool] = {}
    for assumed in completions(unknown, domains):
        seen[tuple(assumed[f] for f in unknown)] = bool(cond.truth({**env, **assumed}))
    out: set[str] = set()
    for i, f in enumerate(unknown):
        groups: dict[tuple[Value, ...], set[bool]] = {}
        for key, t in seen.items():
            groups.setdefault(key[:i] + key[i + 1:], set()).add(t)
        if any(len(g) > 1 for g in groups.values()):
            out.add(f)
    return frozenset(out)
