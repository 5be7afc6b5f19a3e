"""The response at one assessment (time point), shared by every criterion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hdil2.core.decision import Reason
from hdil2.core.jsonable import jsonable

ONE_DECIMAL = Decimal("0.1")


def pct_change(now: Decimal | None, ref: Decimal | None) -> Decimal | None:
    """Percent change of ``now`` from ``ref`` to 0.1 % (display only; rules compare exactly)."""
    if now is None or ref is None or ref == 0:
        return None
    return ((now - ref) * 100 / ref).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class TimePoint:
    """One visit's response: the components, the overall category and why.

    ``target``, ``non_target`` and ``overall`` use the category names of the criterion
    (``NA`` = the patient has no lesion of that kind).  ``burden_mm`` is the target burden:
    the sum of diameters (RECIST, iRECIST, in mm) or the sum of products (WHO/NCI, in mm²);
    ``nadir_mm`` is the smallest burden before this visit (including baseline).
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

    @property
    def change_from_baseline_pct(self) -> Decimal | None:
        return pct_change(self.burden_mm, self.baseline_mm)

    @property
    def change_from_nadir_pct(self) -> Decimal | None:
        return pct_change(self.burden_mm, self.nadir_mm)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = jsonable({
            "visit": self.index, "date": self.date, "day": self.day, "target": self.target,
            "non_target": self.non_target, "new_lesions": self.new_lesions,
            "overall": self.overall, "burden": self.burden_mm, "baseline": self.baseline_mm,
            "nadir": self.nadir_mm, "change_from_baseline_pct": self.change_from_baseline_pct,
            "change_from_nadir_pct": self.change_from_nadir_pct,
            "after_progression": self.after_progression,
        })
        out["reasons"] = [r.to_dict() for r in self.reasons]
        return out
