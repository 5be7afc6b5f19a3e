"""EORTC QLQ-C30 version 3.0: its items and scales as data, and the scores of each time point.

Exactly as the EORTC QLQ-C30 Scoring Manual, 3rd edition (Fayers et al. 2001,
`eortc-qlq-c30-manual`) defines them for version 3.0:

* 30 items, answered 1 to 4 ("not at all" to "very much") for items 1-28 and 1 to 7 ("very
  poor" to "excellent") for items 29-30; the *range* of an item is its highest answer minus its
  lowest, 3 or 6.
* 15 scales (:data:`SCALES`): global health status/QoL QL2 (items 29, 30); five functional
  scales, PF2 physical (1-5), RF2 role (6, 7), EF emotional (21-24), CF cognitive (20, 25) and
  SF social (26, 27); three symptom scales, FA fatigue (10, 12, 18), NV nausea and vomiting
  (14, 15) and PA pain (9, 19); six single items, DY dyspnoea (8), SL insomnia (11), AP appetite
  loss (13), CO constipation (16), DI diarrhoea (17) and FI financial difficulties (28).
* The raw score RS of a scale is the mean of its items.  The score S is its linear
  transformation to 0-100: functional scales ``S = (1 - (RS - 1)/range) × 100`` (100 = best
  functioning); symptom scales, single items and global health status
  ``S = (RS - 1)/range × 100`` (100 = most symptoms, or best global health).
* Missing items: a scale is scored when at least half of its items are answered, from the
  items answered (the manual's "assume the missing items equal the mean of those present",
  which gives the same mean); with fewer than half it is missing.  A single item not answered
  is missing.  So PF2 needs 3 of its 5 items, EF 2 of 4, FA 2 of 3, a two-item scale 1.
* Versions differ: in versions 1.0 and 2.0 items 1-5 are answered yes/no (scale PF, range 1),
  and in version 1.0 items 6-7 too (scale RF); version 3.0 asks them on 1 to 4, scored as PF2
  and RF2 with range 3; QL2 names the revised global health status.  hdil2 scores version 3.0
  and refuses another version rather than scoring it with the wrong ranges.

Arithmetic is exact (:class:`~fractions.Fraction`); a result shows the raw score rounded
half-up to 4 decimal places, the score to 2, and the exact score as a fraction
(``score_exact``, e.g. ``"200/3"``).  The questionnaire itself is the EORTC's; hdil2 holds no
item wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Result
from hdil2.core.sources import Tag

SOURCE = "eortc-qlq-c30-manual"
VERSION = "3.0"

ScaleKind = Literal["global", "functional", "symptom", "single_item"]


@dataclass(frozen=True, slots=True)
class Item(Result):
    """One item of the questionnaire: its number and the answers it takes (``low``-``high``)."""

    number: int
    low: int
    high: int

    @property
    def range(self) -> int:
        """Highest answer minus lowest: 3 for items 1-28, 6 for items 29-30."""
        return self.high - self.low


#: the 30 items of version 3.0: 1-28 answered 1-4, 29-30 answered 1-7
ITEMS: tuple[Item, ...] = tuple(Item(n, 1, 7 if n >= 29 else 4) for n in range(1, 31))
_ITEM = {i.number: i for i in ITEMS}


@dataclass(frozen=True, slots=True)
class Scale(Result):
    """A scale of the questionnaire: code, name, kind, its items and their range."""

    code: str
    name: str
    kind: ScaleKind
    items: tuple[int, ...]
    item_range: int

    @property
    def needed(self) -> int:
        """Items that must be answered for a score: at least half of the scale's items."""
        return (len(self.items) + 1) // 2


#: the 15 scales of version 3.0, in the manual's order (global, functional, symptom, single)
SCALES: tuple[Scale, ...] = (
    Scale("QL2", "global health status/QoL", "global", (29, 30), 6),
    Scale("PF2", "physical functioning", "functional", (1, 2, 3, 4, 5), 3),
    Scale("RF2", "role functioning", "functional", (6, 7), 3),
    Scale("EF", "emotional functioning", "functional", (21, 22, 23, 24), 3),
    Scale("CF", "cognitive functioning", "functional", (20, 25), 3),
    Scale("SF", "social functioning", "functional", (26, 27), 3),
    Scale("FA", "fatigue", "symptom", (10, 12, 18), 3),
    Scale("NV", "nausea and vomiting", "symptom", (14, 15), 3),
    Scale("PA", "pain", "symptom", (9, 19), 3),
    Scale("DY", "dyspnoea", "single_item", (8,), 3),
    Scale("SL", "insomnia", "single_item", (11,), 3),
    Scale("AP", "appetite loss", "single_item", (13,), 3),
    Scale("CO", "constipation", "single_item", (16,), 3),
    Scale("DI", "diarrhoea", "single_item", (17,), 3),
    Scale("FI", "financial difficulties", "single_item", (28,), 3),
)
SCALE: dict[str, Scale] = {s.code: s for s in SCALES}


def _round(value: Fraction, places: str) -> Decimal:
    """``value`` rounded half-up to ``places`` (e.g. ``"0.01"``), trailing zeros kept."""
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return d.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _show(value: Fraction) -> str:
    """A raw score or score for a sentence: exact when it is, else to 4 places."""
    d = _round(value, "0.0001")
    s = f"{d:f}".rstrip("0").rstrip(".") if "." in f"{d:f}" else f"{d:f}"
    return s if Fraction(d) == value else f"{s}…"


def _check_answer(number: int, value: Any) -> int | None:
    """An answer of item ``number`` as given, or an :class:`InputError` naming the item."""
    item = _ITEM[number]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"answers.q{number}", f"item {number} is answered with a whole number "
                         f"{item.low} to {item.high}, or null when not answered", value)
    if not item.low <= value <= item.high:
        raise InputError(f"answers.q{number}", f"item {number} is answered {item.low} to "
                         f"{item.high}; {value} is not an answer", value)
    return value


def _formula(scale: Scale, rs: str) -> str:
    if scale.kind == "functional":
        return f"S = (1 − ({rs} − 1)/{scale.item_range}) × 100"
    return f"S = ({rs} − 1)/{scale.item_range} × 100"


_WHAT_100 = {"functional": "best functioning", "symptom": "most symptoms",
             "single_item": "most symptoms", "global": "best global health"}


@dataclass(frozen=True, slots=True)
class ScaleScore(Result):
    """The score of one scale at one time point.

    ``answered`` are the items used, ``not_answered`` the scale's items left blank;
    ``raw_score`` (mean of the items used, 4 places) and ``score`` (0-100, 2 places) are
    ``None`` when the scale is ``missing`` (fewer than half of its items answered);
    ``score_exact`` is the exact score as a fraction.
    """

    code: str
    name: str
    kind: ScaleKind
    items: tuple[int, ...]
    answered: tuple[int, ...]
    not_answered: tuple[int, ...]
    missing: bool
    raw_score: Decimal | None
    score: Decimal | None
    score_exact: str | None
    reasons: tuple[Reason, ...]

    @property
    def exact(self) -> Fraction | None:
        """The exact score, or ``None`` when missing."""
        return None if self.score_exact is None else Fraction(self.score_exact)


def score_scale(scale: Scale, answers: Mapping[int, int | None]) -> ScaleScore:
    """Score one scale from the answers by item number (`eortc-qlq-c30-manual`).

    ``answers`` must hold every item of the scale (``None`` = not answered); an answer outside
    its item's range is an :class:`InputError` naming the item.
    """
    values: dict[int, int] = {}
    for n in scale.items:
        if n not in answers:
            raise InputError(f"answers.q{n}", "required: the answer, or null when the item "
                             "was not answered")
        v = _check_answer(n, answers[n])
        if v is not None:
            values[n] = v
    answered = tuple(values)
    blank = tuple(n for n in scale.items if n not in values)
    given = {f"q{n}": values.get(n) for n in scale.items}
    title = f"{scale.code} {scale.name}"
    reasons: list[Reason] = []
    if len(answered) < scale.needed:
        if len(scale.items) == 1:
            text = f"{title}: item {scale.items[0]} not answered: the score is missing"
            rule = "eortc.qlq_c30.missing.single_item"
        else:
            text = (f"{title}: {len(answered)} of {len(scale.items)} items answered, fewer "
                    f"than half (at least {scale.needed} needed): the score is missing")
            rule = "eortc.qlq_c30.missing.half_items"
        reasons.append(Reason(rule=rule, source=SOURCE, tag=Tag.VERIFIED, text=text,
                              inputs={"items": given, "answered": len(answered),
                                      "needed": scale.needed}))
        return ScaleScore(scale.code, scale.name, scale.kind, scale.items, answered, blank,
                          True, None, None, None, tuple(reasons))
    if blank:
        reasons.append(Reason(
            rule="eortc.qlq_c30.missing.half_items", source=SOURCE, tag=Tag.VERIFIED,
            text=f"{title}: {len(answered)} of {len(scale.items)} items answered, at least "
            f"half: scored from the items answered ({', '.join(map(str, answered))}); "
            f"not answered: {', '.join(map(str, blank))}",
            inputs={"items": given, "answered": len(answered), "needed": scale.needed}))
    rs = Fraction(sum(values.values()), len(values))
    share = (rs - 1) / scale.item_range
    score = (1 - share) * 100 if scale.kind == "functional" else share * 100
    mean = (f"({' + '.join(str(values[n]) for n in answered)})/{len(answered)}"
            if len(answered) > 1 else f"item {answered[0]}")
    reasons.append(Reason(
        rule=f"eortc.qlq_c30.score.{scale.kind}", source=SOURCE, tag=Tag.VERIFIED,
        text=f"{title}: RS = {mean} = {_show(rs)}; {_formula(scale, _show(rs))} = "
        f"{_show(score)} (0-100, 100 = {_WHAT_100[scale.kind]})",
        inputs={"items": given, "raw_score": _round(rs, "0.0001"), "range": scale.item_range}))
    return ScaleScore(scale.code, scale.name, scale.kind, scale.items, answered, blank, False,
                      _round(rs, "0.0001"), _round(score, "0.01"), str(score), tuple(reasons))


def score_answers(answers: Mapping[int, int | None]) -> tuple[ScaleScore, ...]:
    """Every scale of :data:`SCALES` scored from the 30 answers by item number.

    ``answers`` holds items 1-30 exactly (``None`` = not answered); any other key, an answer
    outside its item's range or an absent item is an :class:`InputError` naming the item.
    """
    for key in answers:
        if key not in _ITEM:
            raise InputError(f"answers.q{key}", "not an item of the QLQ-C30 (items 1 to 30)")
    return tuple(score_scale(s, answers) for s in SCALES)


# --- results ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QlqC30Scores(Result):
    """The 15 scale scores of one completed questionnaire (one time point)."""

    date: dt.date
    label: str | None
    version: str
    items_answered: int
    scales: tuple[ScaleScore, ...]

    def scale(self, code: str) -> ScaleScore:
        """The score of the scale called ``code`` (``"PF2"`` …)."""
        return next(s for s in self.scales if s.code == code)


@dataclass(frozen=True, slots=True)
class ScoreRow(Result):
    """One time point as a row of the table: its scores (0-100, ``None`` = missing) by code."""

    date: dt.date
    label: str | None
    scores: Mapping[str, Decimal | None]


@dataclass(frozen=True, slots=True)
class QlqC30Series(Result):
    """A patient's questionnaires scored time point by time point, and the table of scores.

    ``scales`` defines the 15 scales; ``time_points`` holds each time point in full (with the
    reasons of each score); ``table`` the scores alone, a row per time point; ``reasons`` the
    rules applied throughout.
    """

    patient: str | None
    scales: tuple[Scale, ...]
    time_points: tuple[QlqC30Scores, ...]
    table: tuple[ScoreRow, ...]
    reasons: tuple[Reason, ...]


def _rules() -> tuple[Reason, ...]:
    return (
        Reason(rule="eortc.qlq_c30.version", source=SOURCE, tag=Tag.VERIFIED,
               text="scored as version 3.0: items 1-28 answered 1 to 4 (range 3), items 29-30 "
               "1 to 7 (range 6); physical and role functioning as PF2 and RF2",
               inputs={"version": VERSION}),
        Reason(rule="eortc.qlq_c30.transformation", source=SOURCE, tag=Tag.VERIFIED,
               text="RS = mean of the items answered; functional scales "
               "S = (1 − (RS − 1)/range) × 100; symptom scales, single items and global "
               "health status S = (RS − 1)/range × 100"),
        Reason(rule="eortc.qlq_c30.missing.half_items", source=SOURCE, tag=Tag.VERIFIED,
               text="a scale is scored when at least half of its items are answered, from "
               "those answered; otherwise, and for a single item not answered, it is missing"),
    )


# --- requests ---------------------------------------------------------------------------------

def _answer(number: int) -> Any:
    def check(value: Any) -> int | None:
        try:
            return _check_answer(number, value)
        except InputError as e:
            raise ValueError(e.message) from None

    item = _ITEM[number]
    scale = next(s for s in SCALES if number in s.items)
    return Annotated[int | None, Field(
        ge=item.low, le=item.high,
        description=f"item {number} ({scale.code}, {scale.name}): {item.low} to {item.high}, "
        "or null when not answered"), BeforeValidator(check)]


class Answers(BaseModel):
    """The 30 answers of one questionnaire; every item is given, null when not answered."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    q1: _answer(1)  # type: ignore[valid-type]
    q2: _answer(2)  # type: ignore[valid-type]
    q3: _answer(3)  # type: ignore[valid-type]
    q4: _answer(4)  # type: ignore[valid-type]
    q5: _answer(5)  # type: ignore[valid-type]
    q6: _answer(6)  # type: ignore[valid-type]
    q7: _answer(7)  # type: ignore[valid-type]
    q8: _answer(8)  # type: ignore[valid-type]
    q9: _answer(9)  # type: ignore[valid-type]
    q10: _answer(10)  # type: ignore[valid-type]
    q11: _answer(11)  # type: ignore[valid-type]
    q12: _answer(12)  # type: ignore[valid-type]
    q13: _answer(13)  # type: ignore[valid-type]
    q14: _answer(14)  # type: ignore[valid-type]
    q15: _answer(15)  # type: ignore[valid-type]
    q16: _answer(16)  # type: ignore[valid-type]
    q17: _answer(17)  # type: ignore[valid-type]
    q18: _answer(18)  # type: ignore[valid-type]
    q19: _answer(19)  # type: ignore[valid-type]
    q20: _answer(20)  # type: ignore[valid-type]
    q21: _answer(21)  # type: ignore[valid-type]
    q22: _answer(22)  # type: ignore[valid-type]
    q23: _answer(23)  # type: ignore[valid-type]
    q24: _answer(24)  # type: ignore[valid-type]
    q25: _answer(25)  # type: ignore[valid-type]
    q26: _answer(26)  # type: ignore[valid-type]
    q27: _answer(27)  # type: ignore[valid-type]
    q28: _answer(28)  # type: ignore[valid-type]
    q29: _answer(29)  # type: ignore[valid-type]
    q30: _answer(30)  # type: ignore[valid-type]

    def by_item(self) -> dict[int, int | None]:
        """The answers by item number."""
        return {n: getattr(self, f"q{n}") for n in range(1, 31)}


def _version(value: Any) -> Any:
    if value == VERSION:
        return value
    raise ValueError(
        f"hdil2 scores the QLQ-C30 version {VERSION} only (got {value!r}): in versions 1.0 "
        "and 2.0 items 1-5, and in 1.0 items 6-7, are answered yes/no and scored as PF and RF "
        "with range 1, not as PF2 and RF2")


class QlqC30Request(BaseModel):
    """One completed QLQ-C30 (version 3.0): the date and label of the time point, 30 answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date = Field(description="the date the questionnaire was completed")
    label: str | None = Field(default=None, max_length=80,
                              description="the time point, e.g. 'baseline' or 'week 6'")
    version: Annotated[Literal["3.0"], BeforeValidator(_version)] = Field(
        default="3.0", description="questionnaire version; only 3.0 is scored")
    answers: Answers = Field(description="items q1 to q30, each an answer or null")

    def scores(self) -> QlqC30Scores:
        """Score this questionnaire."""
        by_item = self.answers.by_item()
        return QlqC30Scores(self.date, self.label, self.version,
                            sum(v is not None for v in by_item.values()),
                            score_answers(by_item))


class QlqC30SeriesRequest(BaseModel):
    """JSON input of ``hdil2 qlq-c30``: a patient's questionnaires, in date order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    patient: str | None = Field(default=None, max_length=80,
                                description="the patient's study id (shown, never interpreted)")
    assessments: list[QlqC30Request] = Field(
        min_length=1, description="one completed questionnaire per time point, in date order")

    def series(self) -> QlqC30Series:
        """Score every time point; dates out of order are refused naming the later one."""
        for i in range(1, len(self.assessments)):
            before, now = self.assessments[i - 1].date, self.assessments[i].date
            if now < before:
                raise InputError(f"assessments[{i}].date", f"{now} is before the previous "
                                 f"time point ({before}): give the time points in date order",
                                 now)
        points = tuple(a.scores() for a in self.assessments)
        table = tuple(ScoreRow(p.date, p.label, {s.code: s.score for s in p.scales})
                      for p in points)
        return QlqC30Series(self.patient, SCALES, points, table, _rules())
