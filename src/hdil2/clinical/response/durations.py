"""Dates and durations derived from the assessments: progression, time to and duration of response.

Rules (``recist1.1``; Lee et al. 2000, ``lee2000``, count from the first IL-2 dose):

* progression date = date of the first progression assessment (PD; for iRECIST the iUPD that
  iCPD later confirmed; tag memory); an equivocal new lesion confirmed later dates PD to its
  first scan;
* time to response = start → first date CR/PR criteria were met (of the confirmed response
  when confirmation is required);
* duration of response = first response date → progression (event), or → last assessment
  (censored) when no progression was seen;
* duration of stable disease = start → progression (or censored at the last assessment).

Durations are whole days between calendar dates (no clock): ``(end - start).days``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from hdil2.clinical.response.bor import BestResponse, Scheme, counted
from hdil2.clinical.response.timepoint import TimePoint
from hdil2.core.result import Result


@dataclass(frozen=True, slots=True)
class Duration(Result):
    """Days from ``start`` to ``end`` (derived); ``event`` False = censored at ``end``."""

    start: dt.date
    end: dt.date
    event: bool
    days: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "days", (self.end - self.start).days)


@dataclass(frozen=True, slots=True)
class Dates(Result):
    """The dates and durations of one patient's assessment."""

    progression_date: dt.date | None
    last_assessment_date: dt.date | None
    time_to_response: Duration | None
    duration_of_response: Duration | None
    duration_of_stable_disease: Duration | None


def progression_date(points: Sequence[TimePoint], scheme: Scheme) -> dt.date | None:
    """Date of the first progression assessment (for iRECIST: the iUPD that iCPD confirmed)."""
    pts = counted(points, scheme)
    if not pts or pts[-1].overall != scheme.terminal:
        return None
    if scheme.name == "irecist":
        # the iUPD run that the iCPD confirms starts at the latest iUPD not followed by a reset
        start = pts[-1].date
        for tp in reversed(pts[:-1]):
            if tp.overall == "iUPD":
                start = tp.date
            elif tp.overall != scheme.ne:
                break
        return start
    return pts[-1].date


def derive_dates(
    points: Sequence[TimePoint], scheme: Scheme, start: dt.date, best: BestResponse,
) -> Dates:
    """Progression date, time to response, duration of response and of stable disease."""
    pd_date = progression_date(points, scheme)
    last = points[-1].date if points else None
    ttr = dor = None
    if best.responder and best.first_response_date is not None:
        ttr = Duration(start, best.first_response_date, True)
        end = pd_date or last
        assert end is not None
        dor = Duration(best.first_response_date, end, pd_date is not None)
    sd = None
    if last is not None:
        sd = Duration(start, pd_date or last, pd_date is not None)
    return Dates(pd_date, last, ttr, dor, sd)
