"""Shared shapes of the prognostic and predictive models.

Every model is a pure function of a :class:`~hdil2.clinical.selection.patient.Patient` returning a
:class:`ModelResult`: the group, every :class:`Factor` with the value used and whether it
counted, what the source reported for that group (:class:`Outcome`), the source key, the
caveats and the reasons.

Missing data (the general rule): a factor whose inputs are missing is
``indeterminate`` and names the missing fields.  A count-based model then reports the range of
possible scores and the groups they fall in; the group is ``"indeterminate"`` unless every
possible score falls in the same group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from hdil2.core.decision import Reason
from hdil2.core.result import Result
from hdil2.core.sources import Tag

FactorStatus = Literal["present", "absent", "indeterminate"]
ModelStatus = Literal["complete", "incomplete", "not_applicable"]

INDETERMINATE = "indeterminate"
NOT_APPLICABLE = "not_applicable"
NOT_SCORED = "not_scored"


def factor_status(present: bool, absent: bool) -> FactorStatus:
    """``present`` if ``present``, ``absent`` if ``absent``, else ``indeterminate``."""
    if present:
        return "present"
    return "absent" if absent else "indeterminate"


def exact_text(value: Fraction | Decimal | int, places: str = "0.01", strip: bool = True) -> str:
    """Format an exact value for reason texts: rounded half-up, trailing zeros dropped."""
    if isinstance(value, int):
        return str(value)
    d = value if isinstance(value, Decimal) else (
        Decimal(value.numerator) / Decimal(value.denominator))
    s = f"{d.quantize(Decimal(places), rounding=ROUND_HALF_UP):f}"
    return s.rstrip("0").rstrip(".") if strip and "." in s else s


def rounded(value: Fraction, places: str = "0.0001") -> Decimal:
    """An exact value as a Decimal rounded half-up to ``places`` (for reason inputs)."""
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return d.quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Factor(Result):
    """One factor of a model as evaluated for this patient.

    ``status`` is ``present`` (the factor counts), ``absent`` or ``indeterminate`` (an input is
    missing, or the source leaves the reading open); ``value`` is the value used, in words;
    ``missing`` names the missing inputs by dotted path; ``counted`` (derived) is true when the
    factor is present and so counts toward the score or group.
    """

    key: str
    label: str
    status: FactorStatus
    value: str | None
    reason: Reason
    missing: tuple[str, ...] = ()
    counted: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "missing", tuple(self.missing))
        object.__setattr__(self, "counted", self.status == "present")


#: a figure a source reported (a count, a median, a percentage in words)
Figure = int | float | Decimal | str | None


@dataclass(frozen=True, slots=True)
class Outcome(Result):
    """What a source reported for one group (medians, response counts ...)."""

    group: str
    text: str
    source: str
    tag: Tag
    figures: Mapping[str, Figure] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "figures", MappingProxyType(dict(self.figures)))


@dataclass(frozen=True, slots=True)
class Score(Result):
    """The range of possible scores of a count-based model (one value when complete)."""

    min: int
    max: int


@dataclass(frozen=True, slots=True)
class ModelResult(Result):
    """The result of one model for one patient.

    ``group`` is the group, ``"indeterminate"`` (several groups possible), ``"not_scored"`` or
    ``"not_applicable"``; ``possible_outcomes`` what the source reported for each possible
    group (in the order of ``possible_groups``) and ``outcome`` the one for the group when it is
    determined; ``missing`` every missing input named by any factor.  Built by :meth:`of`.
    """

    model: str
    title: str
    source: str
    status: ModelStatus
    group: str
    possible_groups: tuple[str, ...]
    score: Score | None
    factors: tuple[Factor, ...]
    outcome: Outcome | None
    possible_outcomes: tuple[Outcome, ...]
    missing: tuple[str, ...]
    caveats: tuple[Reason, ...]
    reasons: tuple[Reason, ...]

    @classmethod
    def of(
        cls,
        *,
        model: str,
        title: str,
        source: str,
        group: str,
        possible_groups: tuple[str, ...],
        factors: tuple[Factor, ...],
        outcomes: tuple[Outcome, ...],
        reasons: tuple[Reason, ...],
        caveats: tuple[Reason, ...] = (),
        score_min: int | None = None,
        score_max: int | None = None,
        status: ModelStatus | None = None,
    ) -> ModelResult:
        """A model's result: the status, outcome and missing inputs are derived.

        ``outcomes`` has one entry per possible group; ``status`` is given only for a model
        that does not apply (otherwise ``incomplete`` when an input is missing, else
        ``complete``).
        """
        seen: dict[str, None] = {}
        for f in factors:
            for m in f.missing:
                seen.setdefault(m, None)
        missing = tuple(seen)
        if status is None:
            status = "incomplete" if missing else "complete"
        outcome = (outcomes[0] if len(outcomes) == 1
                   and group not in (INDETERMINATE, NOT_APPLICABLE) else None)
        score = (Score(score_min, score_max)
                 if score_min is not None and score_max is not None else None)
        return cls(model, title, source, status, group, tuple(possible_groups), score,
                   tuple(factors), outcome, tuple(outcomes), missing, tuple(caveats),
                   tuple(reasons))

    def factor(self, key: str) -> Factor:
        return next(f for f in self.factors if f.key == key)


@dataclass(frozen=True, slots=True)
class Band:
    """A group of a count-based model: ``low ≤ score ≤ high`` (``high=None``: no upper end)."""

    group: str
    low: int
    high: int | None

    def holds(self, score: int) -> bool:
        return score >= self.low and (self.high is None or score <= self.high)

    @property
    def text(self) -> str:
        if self.high is None:
            return f"≥ {self.low}"
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


def band_of(bands: Sequence[Band], score: int) -> str:
    """The group whose band holds ``score`` (bands must cover every score ≥ 0)."""
    for b in bands:
        if b.holds(score):
            return b.group
    raise ValueError(f"no band holds score {score}")


def count_model(
    *,
    model: str,
    title: str,
    source: str,
    factors: Sequence[Factor],
    bands: Sequence[Band],
    outcomes: Mapping[str, Outcome],
    band_source: str,
    band_tag: Tag,
    extra_reasons: Iterable[Reason] = (),
    caveats: Iterable[Reason] = (),
) -> ModelResult:
    """Score a model that counts present factors and maps the count to a group.

    With indeterminate factors the score lies in ``[present, present + indeterminate]``; every
    group a score in that range can reach is possible.
    """
    present = sum(1 for f in factors if f.status == "present")
    unknown = sum(1 for f in factors if f.status == "indeterminate")
    lo, hi = present, present + unknown
    possible: list[str] = []
    for s in range(lo, hi + 1):
        g = band_of(bands, s)
        if g not in possible:
            possible.append(g)
    group = possible[0] if len(possible) == 1 else INDETERMINATE
    cuts = "; ".join(f"{b.text} → {b.group}" for b in bands)
    if lo == hi:
        text = f"{lo} of {len(factors)} factors present → {group} ({cuts})"
    else:
        text = (f"{lo} present and {unknown} indeterminate of {len(factors)} factors: score "
                f"{lo}-{hi}, possible groups {', '.join(possible)} ({cuts})")
    reason = Reason(rule=f"{model}.group", source=band_source, tag=band_tag, text=text,
                    inputs={"score_min": lo, "score_max": hi, "present": present,
                            "indeterminate": unknown})
    return ModelResult.of(
        model=model, title=title, source=source, group=group, possible_groups=tuple(possible),
        factors=tuple(factors), outcomes=tuple(outcomes[g] for g in possible),
        reasons=(*extra_reasons, reason), caveats=tuple(caveats), score_min=lo, score_max=hi,
    )


def not_applicable(model: str, title: str, source: str, reason: Reason) -> ModelResult:
    """A model that does not apply to this patient (for example an RCC model in melanoma)."""
    return ModelResult.of(
        model=model, title=title, source=source, group=NOT_APPLICABLE, possible_groups=(),
        factors=(), outcomes=(), reasons=(reason,), status="not_applicable",
    )


def rcc_only(patient_disease: str | None, model: str, title: str, source: str
             ) -> ModelResult | None:
    """The not-applicable result for a melanoma patient, else ``None`` (RCC or unknown)."""
    if patient_disease == "melanoma":
        return not_applicable(model, title, source, Reason(
            f"{model}.applicability", source, tag=Tag.VERIFIED,
            inputs={"disease": patient_disease},
            text="a renal cell carcinoma model: not applicable to melanoma"))
    return None
