"""The response at one assessment (time point), shared by every criterion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from hdil2.core.decision import Reason
from hdil2.core.result import Result

ONE_DECIMAL = Decimal("0.1")


def pct_change(now: Decimal | None, ref: Decimal | None) -> Decimal | None:
    """Percent change of ``now`` from ``ref`` to 0.1 % (display only; rules compare exactly)."""
    if now is None or ref is None or ref == 0:
        return None
    return ((now - ref) * 100 / ref).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class TimePoint(Result):
    """One visit's response: the components, the overall category and why.

    ``index`` is the visit's number (the baseline is 0); ``target``, ``non_target`` and
    ``overall`` use the category names of the criterion (``NA`` = the patient has no lesion of
    that kind).  ``burden_mm`` is the target burden: the sum of diameters (RECIST, iRECIST, in
    mm) or the sum of products (WHO/NCI, in mm²); ``baseline_mm`` the baseline burden and
    ``nadir_mm`` the smallest burden before this visit (including baseline).  The changes from
    baseline and from the nadir, in per cent to 0.1 % (display only; the rules compare exactly),
    are derived.
    """

    index: int
    date: dt.date
    day: int
    target: str
    non_target: str
    new_lesions: bool
    overall: str
    burden_mm: Decimal | None
    baseline_mm: Decimal | None
    nadir_mm: Decimal | None
    after_progression: bool
    reasons: tuple[Reason, ...]
    change_from_baseline_pct: Decimal | None = field(init=False, default=None)
    change_from_nadir_pct: Decimal | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "change_from_baseline_pct",
                           pct_change(self.burden_mm, self.baseline_mm))
        object.__setattr__(self, "change_from_nadir_pct",
                           pct_change(self.burden_mm, self.nadir_mm))
