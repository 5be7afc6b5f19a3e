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
from typing import Any, Literal

from hdil2.core.decision import Reason
from hdil2.core.jsonable import jsonable
from hdil2.core.sources import Tag

FactorStatus = Literal["present", "absent", "indeterminate"]
ModelStatus = Literal["complete", "incomplete", "not_applicable"]

INDETERMINATE = "indeterminate"
NOT_APPLICABLE = "not_applicable"
NOT_SCORED = "not_scored"


def tri(present: bool, absent: bool) -> FactorStatus:
    """``present`` if ``present``, ``absent`` if ``absent``, else ``indeterminate``."""
    if present:
        return "present"
    return "absent" if absent else "indeterminate"


def num(value: Fraction | Decimal | int, places: str = "0.01", strip: bool = True) -> str:
    """Format an exact value for reason texts: rounded half-up, trailing zeros dropped."""
    if isinstance(value, int):
        return str(value)
    d = value if isinstance(value, Decimal) else (
        Decimal(value.numerator) / Decimal(value.denominator))
    s = f"{d.quantize(Decimal(places), rounding=ROUND_HALF_UP):f}"
    return s.rstrip("0").rstrip(".") if strip and "." in s else s


def dec(value: Fraction, places: str = "0.0001") -> Decimal:
    """An exact value as a Decimal rounded half-up to ``places`` (for reason inputs)."""
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return d.quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Factor:
    """One factor of a model as evaluated for this patient.

    ``status`` is ``present`` (the factor counts), ``absent`` or ``indeterminate`` (an input is
    missing, or the source leaves the reading open); ``value`` is the value used, in words;
    ``missing`` names the missing inputs by dotted path.
    """

    key: str
    label: str
    status: FactorStatus
    value: str | None
    reason: Reason
    missing: tuple[str, ...] = ()

    @property
    def counted(self) -> bool:
        """True when the factor is present and so counts toward the score/group."""
        return self.status == "present"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "label": self.label, "status": self.status,
            "counted": self.counted, "value": self.value, "missing": list(self.missing),
            "reason": self.reason.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a source reported for one group (medians, response counts ...)."""

    group: str
    text: str
    source: str
    tag: Tag
    figures: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "figures", MappingProxyType(dict(self.figures)))

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "text": self.text, "source": self.source,
                "tag": self.tag.value, "figures": jsonable(dict(self.figures))}


@dataclass(frozen=True, slots=True)
class ModelResult:
    """The result of one model for one patient."""

    model: str
    title: str
    source: str
    group: str
    possible_groups: tuple[str, ...]
    factors: tuple[Factor, ...]
    outcomes: tuple[Outcome, ...]  # one per possible group, in the order of possible_groups
    reasons: tuple[Reason, ...]
    caveats: tuple[Reason, ...] = ()
    score_min: int | None = None
    score_max: int | None = None
    status_override: ModelStatus | None = None

    @property
    def missing(self) -> tuple[str, ...]:
        """Every missing input named by any factor (first-seen order, no repeats)."""
        seen: dict[str, None] = {}
        for f in self.factors:
            for m in f.missing:
                seen.setdefault(m, None)
        return tuple(seen)

    @property
    def status(self) -> ModelStatus:
        if self.status_override is not None:
            return self.status_override
        return "incomplete" if self.missing else "complete"

    @property
    def outcome(self) -> Outcome | None:
        """The outcome reported for the group, when the group is determined."""
        if len(self.outcomes) == 1 and self.group not in (INDETERMINATE, NOT_APPLICABLE):
            return self.outcomes[0]
        return None

    def factor(self, key: str) -> Factor:
        return next(f for f in self.factors if f.key == key)

    def to_dict(self) -> dict[str, Any]:
        score = None
        if self.score_min is not None and self.score_max is not None:
            score = {"min": self.score_min, "max": self.score_max}
        outcome = self.outcome
        return {
            "model": self.model, "title": self.title, "source": self.source,
            "status": self.status, "group": self.group,
            "possible_groups": list(self.possible_groups), "score": score,
            "factors": [f.to_dict() for f in self.factors],
            "outcome": None if outcome is None else outcome.to_dict(),
            "possible_outcomes": [o.to_dict() for o in self.outcomes],
            "missing": list(self.missing),
            "caveats": [r.to_dict() for r in self.caveats],
            "reasons": [r.to_dict() for r in self.reasons],
        }


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
    return ModelResult(
        model=model, title=title, source=source, group=group, possible_groups=tuple(possible),
        factors=tuple(factors), outcomes=tuple(outcomes[g] for g in possible),
        reasons=(*extra_reasons, reason), caveats=tuple(caveats), score_min=lo, score_max=hi,
    )


def not_applicable(model: str, title: str, source: str, reason: Reason) -> ModelResult:
    """A model that does not apply to this patient (for example an RCC model in melanoma)."""
    return ModelResult(
        model=model, title=title, source=source, group=NOT_APPLICABLE, possible_groups=(),
        factors=(), outcomes=(), reasons=(reason,), status_override="not_applicable",
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
