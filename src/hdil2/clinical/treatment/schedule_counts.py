"""How many doses a regimen's schedule holds (used by dosing totals and the calendar)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hdil2.clinical.treatment.regimens import Regimen, ScWeeklySchedule


def sc_doses_per_cycle(r: Regimen, overrides: Mapping[str, Any] | None) -> tuple[int, int]:
    """(IL-2 doses, IFN doses) in one 6-week cycle of the s.c. regimen under its policies.

    Default layout (policy ``sc_week1_layout``; `atkins2004`, `mcdermott2005` leave the day layout
    open): week 1 = three q8h doses on day 1 and one on each of days
    2-5; weeks 2-4 = one dose on days 1-5.  Interferon thrice weekly for 4 weeks.
    """
    s = r.schedule
    if not isinstance(s, ScWeeklySchedule):
        raise TypeError(f"{r.key} has no weekly s.c. schedule")
    layout = r.policies["sc_week1_layout"].resolve(overrides)
    week1 = s.week1_day1_il2_doses + (
        s.il2_days_per_week - 1 if layout == "day1_three_doses_then_days2to5"
        else s.il2_days_per_week
    )
    il2 = week1 + s.il2_days_per_week * (s.treatment_weeks - 1)
    ifn = s.ifn_doses_per_week * s.treatment_weeks
    return il2, ifn
