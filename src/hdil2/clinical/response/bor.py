"""Best overall response, with and without confirmation, for every criterion.

Rules (``recist1.1`` Table 3; derivation order as in
``admiralonco``):

* Only assessments up to and including the first progression count (``PD``; ``iCPD`` for
  iRECIST).
* **Unconfirmed**: CR if any CR; else PR if any PR; else the best stable category (SD, or
  NON-CR/NON-PD for non-target disease only) among assessments at least ``min_sd_days`` after
  the start (a CR/PR counts as stable there); else PD if any; else NE.
* **Confirmed**: CR when a CR is followed by another CR at least ``confirm_min_days`` later with
  only CR or NE in between; PR when a PR is followed by a PR or CR at least ``confirm_min_days``
  later with only CR/PR/NE in between and no PR after a CR; NE assessments in between are
  limited by policy ``confirm_max_ne_between``.  Otherwise as unconfirmed from the stable step on,
  with an unconfirmed CR/PR counting as stable.
* WHO ("NC") and NCI ("MR", "NR") use the same derivation with their own categories
  (persistence ≥ 1 month = ``confirm_min_days``).

These are the rows of RECIST 1.1 Table 3: CR-CR → CR; CR-PD → SD if the SD minimum is met,
else PD; PR-NE → SD if met, else NE; and so on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from hdil2.clinical.response.timepoint import TimePoint
from hdil2.core.decision import Reason
from hdil2.core.result import Result
from hdil2.core.sources import Tag


@dataclass(frozen=True, slots=True)
class Scheme:
    """The category names of one criterion, best first."""

    name: str
    cr: str
    pr: str
    stable: tuple[str, ...]  # best first, e.g. ("SD", "NON-CR/NON-PD")
    progression: tuple[str, ...]  # BOR order among progression categories, e.g. ("PD",)
    terminal: str  # assessments after the first of these are not counted
    ne: str
    source: str

    def downgrade(self, has_targets: bool) -> str:
        """The stable category an unconfirmed CR/PR counts as."""
        if not has_targets and len(self.stable) > 1:
            return self.stable[1]
        return self.stable[0]


RECIST = Scheme("recist1.1", "CR", "PR", ("SD", "NON-CR/NON-PD"), ("PD",), "PD", "NE",
                "recist1.1")
IRECIST = Scheme("irecist", "iCR", "iPR", ("iSD", "NON-iCR/NON-iUPD"), ("iCPD", "iUPD"),
                 "iCPD", "NE", "irecist")
WHO = Scheme("who", "CR", "PR", ("NC",), ("PD",), "PD", "NE", "who1981")
NCI = Scheme("nci", "CR", "PR", ("MR", "NR"), ("PD",), "PD", "NE", "lee2000")

SCHEMES = {s.name: s for s in (RECIST, IRECIST, WHO, NCI)}


@dataclass(frozen=True, slots=True)
class BestResponse(Result):
    """A best overall response with the assessments that decided it.

    ``confirmation_required`` says whether it was derived with confirmation; ``date`` is the
    assessment that decided it, ``first_response_date`` the first date CR/PR criteria were met
    (a CR or PR only); ``responder`` (derived) is true for CR or PR (iCR or iPR).
    """

    value: str
    confirmation_required: bool
    date: dt.date | None
    first_response_date: dt.date | None
    confirmation_date: dt.date | None
    reasons: tuple[Reason, ...]
    responder: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "responder", self.value in ("CR", "PR", "iCR", "iPR"))


def counted(points: Sequence[TimePoint], scheme: Scheme) -> tuple[TimePoint, ...]:
    """Assessments up to and including the first terminal progression."""
    out: list[TimePoint] = []
    for tp in points:
        out.append(tp)
        if tp.overall == scheme.terminal:
            break
    return tuple(out)


def _confirmation(
    points: Sequence[TimePoint], i: int, scheme: Scheme, confirm_min_days: int, max_ne: int,
) -> TimePoint | None:
    """The assessment confirming the CR/PR at ``points[i]``, if any."""
    first = points[i]
    is_cr = first.overall == scheme.cr
    allowed = {scheme.cr, scheme.ne} if is_cr else {scheme.cr, scheme.pr, scheme.ne}
    good = {scheme.cr} if is_cr else {scheme.cr, scheme.pr}
    n_ne = 0
    seen_cr = False
    for tp in points[i + 1:]:
        if tp.overall not in allowed:
            return None
        if tp.overall == scheme.ne:
            n_ne += 1
            if n_ne > max_ne:
                return None
            continue
        if not is_cr and tp.overall == scheme.pr and seen_cr:
            return None  # PR after CR: the CR was not real
        seen_cr = seen_cr or tp.overall == scheme.cr
        if tp.overall in good and (tp.date - first.date).days >= confirm_min_days:
            return tp
    return None


def best_overall_response(
    points: Sequence[TimePoint], scheme: Scheme, *, confirm: bool, min_sd_days: int,
    confirm_min_days: int = 28, max_ne_between: int = 1, has_targets: bool = True,
) -> BestResponse:
    """Best overall response of a patient's assessments (after baseline)."""
    pts = counted(points, scheme)
    src = scheme.source
    settings = {"confirmation_required": confirm, "min_sd_days": min_sd_days,
                "confirm_min_days": confirm_min_days, "max_ne_between": max_ne_between}
    if not pts:
        return BestResponse(scheme.ne, confirm, None, None, None, (Reason(
            "bor.no_assessment", src, inputs=settings,
            text="no assessment after baseline: best response not evaluable (NE)"),))
    if confirm:
        for target_cat in (scheme.cr, scheme.pr):
            for i, tp in enumerate(pts):
                if tp.overall != target_cat:
                    continue
                conf = _confirmation(pts, i, scheme, confirm_min_days, max_ne_between)
                if conf is not None:
                    return BestResponse(target_cat, True, tp.date, tp.date, conf.date, (Reason(
                        f"bor.confirmed_{target_cat.lower()}", src, tag=Tag.VERIFIED,
                        inputs={**settings, "first": str(tp.date), "confirmed": str(conf.date)},
                        text=f"{target_cat} on {tp.date} confirmed by {conf.overall} on "
                        f"{conf.date}, {(conf.date - tp.date).days} days later "
                        f"(≥ {confirm_min_days}; at most {max_ne_between} NE between)"),))
    else:
        for target_cat in (scheme.cr, scheme.pr):
            for tp in pts:
                if tp.overall == target_cat:
                    return BestResponse(target_cat, False, tp.date, tp.date, None, (Reason(
                        f"bor.unconfirmed_{target_cat.lower()}", src, inputs=settings,
                        text=f"{target_cat} on {tp.date}: best response without "
                        "confirmation"),))
    down = scheme.downgrade(has_targets)
    best: tuple[int, TimePoint] | None = None
    for tp in pts:
        cat = tp.overall
        if cat in (scheme.cr, scheme.pr):
            cat = down
        if cat in scheme.stable and tp.day >= min_sd_days:
            rank = scheme.stable.index(cat)
            if best is None or rank < best[0]:
                best = (rank, tp)
    reasons: list[Reason] = []
    unconfirmed = [tp for tp in pts if tp.overall in (scheme.cr, scheme.pr)]
    if confirm and unconfirmed:
        reasons.append(Reason("bor.not_confirmed", src, inputs=settings,
                              text=f"{unconfirmed[0].overall} on {unconfirmed[0].date} was not "
                              f"confirmed ≥ {confirm_min_days} days later: it counts as {down}"))
    if best is not None:
        value = scheme.stable[best[0]]
        tp = best[1]
        reasons.append(Reason("bor.stable", src, inputs=settings, tag=Tag.VERIFIED,
                              text=f"{tp.overall} on {tp.date}, day {tp.day} ≥ the SD minimum "
                              f"{min_sd_days} days: {value}"))
        return BestResponse(value, confirm, tp.date, None, None, tuple(reasons))
    short = [tp for tp in pts if tp.overall not in scheme.progression and tp.overall != scheme.ne]
    if short:
        reasons.append(Reason("bor.sd_too_early", src, inputs=settings,
                              text=f"no stable assessment at or after day {min_sd_days} "
                              f"(last non-progression on day {short[-1].day})"))
    for cat in scheme.progression:
        for tp in pts:
            if tp.overall == cat:
                reasons.append(Reason(f"bor.{cat.lower()}", src, inputs=settings,
                                      text=f"{cat} on {tp.date}: best response {cat}"))
                return BestResponse(cat, confirm, tp.date, None, None, tuple(reasons))
    reasons.append(Reason("bor.ne", src, inputs=settings,
                          text="no assessment qualifies for a response, stable disease or "
                          "progression: NE"))
    return BestResponse(scheme.ne, confirm, pts[-1].date, None, None, tuple(reasons))
