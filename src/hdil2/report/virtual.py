"""A simulated cohort as report tables: the first patients of a cohort simulation, one by one.

:func:`virtual_cohort` lists the first ``n`` virtual patients of
:func:`hdil2.sim.cohort.cohort_simulation` (the very patients the simulation's counts add up:
the same blocks and random streams, :func:`hdil2.sim.cohort.virtual_patients`) as a
:class:`~hdil2.report.data.CohortData` with a ``patients`` and a ``courses`` table, so the
report code draws its tables and figures - Lee et al. 2000 (``lee2000``) Tables 2-5, the reasons
for stopping, the survival curve - exactly as it does for the registry.

What the virtual patient has and has not:

* each course's response (NR, MR, PR, CR: the NCI categories of ``lee2000``), the reason the
  last course was stopped, and the best response over the courses;
* the doses given in each course of 28 (the model holds each dose with the probability that
  gives the label's median doses in course 1: :class:`hdil2.sim.model.DoseModel`);
* survival in months **from the end of treatment** (the model's time zero), censored at the
  simulation's follow-up; the report's "overall survival" is that time (the model has no
  calendar: no first-dose date, no course dates, no ages, no scans or toxicities, so those
  items say "not shown" with the reason);
* the regimen of ``lee2000`` (720,000 IU/kg every 8 hours, ``hd-il2-720k``).
"""

from __future__ import annotations

import math
from typing import Any

from hdil2.core.errors import InputError
from hdil2.report.data import COURSES, PATIENTS, CohortData
from hdil2.sim.model import DOSE_SLOTS as DOSES_PER_COURSE

#: the regimen of the patients the virtual model is calibrated to (lee2000)
REGIMEN = "hd-il2-720k"
#: days per month of the model's monthly survival grid (365.25 / 12)
DAYS_PER_MONTH = 365.25 / 12
#: most virtual patients a report lists
MAX_REPORTED = 20_000
#: a response ranks above another: CR > PR > MR > NR
_RANK = {"CR": 3, "PR": 2, "MR": 1, "NR": 0}


def virtual_cohort(sim: Any, n: int, seed: int, *, title: str | None = None) -> CohortData:
    """The first ``n`` patients of cohort simulation ``sim`` (``seed``) as report tables."""
    import pandas as pd

    from hdil2.sim.cohort import virtual_patients

    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_REPORTED:
        raise InputError("report_patients", f"a whole number from 1 to {MAX_REPORTED:,}", n)
    listed = virtual_patients(sim, n, seed)
    statuses, reasons = listed["statuses"], listed["reasons"]
    follow = float(listed["follow_up_months"])
    disease = sim.params.model.disease
    width = len(str(n))
    patients: list[dict[str, Any]] = []
    courses: list[dict[str, Any]] = []
    for i in range(n):
        code = f"V{i + 1:0{width}d}"
        story = [statuses[int(s)] for s in listed["story"][i] if s >= 0]
        why = reasons[int(listed["reason"][i])]
        months = float(listed["months"][i])
        died = months < follow
        days = round((months if died else follow) * DAYS_PER_MONTH)
        best = max(story, key=lambda r: _RANK[r]) if story else None
        row: dict[str, Any] = dict.fromkeys(PATIENTS)
        row.update({"patient": code, "disease": disease, "regimen": REGIMEN,
                    "courses": len(story), "course_responses": tuple(story),
                    "stop_reason": why, "best_response": best,
                    "os_days": days, "os_event": died})
        patients.append(row)
        for k, resp in enumerate(story, start=1):
            c: dict[str, Any] = dict.fromkeys(COURSES)
            given = int(listed["doses"][i][k - 1])
            c.update({"patient": code, "course": k, "regimen": REGIMEN, "response": resp,
                      "stop_reason": why if k == len(story) else None,
                      "doses_planned": DOSES_PER_COURSE, "doses_given": given,
                      "doses_held": DOSES_PER_COURSE - given})
            courses.append(c)
    if math.isnan(follow):  # pragma: no cover - the simulation refuses such a grid
        raise InputError("months", "a number of months", follow)
    return CohortData(
        patients=pd.DataFrame(patients, columns=list(PATIENTS)),
        courses=pd.DataFrame(courses, columns=list(COURSES)),
        title=title or f"Virtual cohort: {n:,} {disease} patients",
        filters={"policy": sim.params.policy, "selection": sim.params.selection or "none",
                 "seed": seed, "survival": "from the end of treatment"})
