"""Tempo of response: Lee et al. 2000 Tables 3, 4 and 5 tabulated from patient-level courses.

``lee2000`` (Lee et al., J Clin Oncol 2000) Tables 3 (melanoma) and 4 (renal cell cancer) give,
for each course k, the number treated and the response after courses 1..k by the response
after courses 1..k-1; Table 5 gives the reasons for stopping by the number of courses
completed.  This module makes the same tables from one record per patient, so the registry
(real patients) and the simulator (in-silico cohorts) produce them by one code path.

Layout (docs/course-policy.md): in a transition table the **columns** are the status before the
course (the status the patient was retreated in) and the **rows** the status after it.
Statuses are the NCI categories NR, MR, PR, CR (docs/response.md); the paper has no PD row, so
progression after a course is tabulated as NR ("anyone who did not achieve at least a 25 %
reduction", growth included), and the progression is recorded as the stopping reason
(Table 5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hdil2.core.errors import InputError
from hdil2.core.result import Result

STATUSES: tuple[str, ...] = ("NR", "MR", "PR", "CR")
STOP_REASONS: tuple[str, ...] = (
    "progressive_disease", "il2_toxicity", "death", "complete_response", "other",
)
_AS_STATUS = {"NR": "NR", "MR": "MR", "PR": "PR", "CR": "CR", "PD": "NR"}


@dataclass(frozen=True, slots=True)
class PatientCourses:
    """One patient: disease, response status after each course given, why treatment stopped.

    ``responses[k]`` is the response after courses 1..k+1 (relative to the pre-treatment
    baseline); ``stop_reason`` one of :data:`STOP_REASONS` or ``None`` (still on treatment).
    """

    patient: str
    disease: str
    responses: tuple[str, ...]
    stop_reason: str | None = None

    def __post_init__(self) -> None:
        if not self.responses:
            raise InputError(f"patients.{self.patient}.responses", "at least one course")
        for k, r in enumerate(self.responses):
            if r not in _AS_STATUS:
                raise InputError(f"patients.{self.patient}.responses[{k}]",
                                 f"must be one of {sorted(_AS_STATUS)}", r)
        if self.stop_reason is not None and self.stop_reason not in STOP_REASONS:
            raise InputError(f"patients.{self.patient}.stop_reason",
                             f"must be one of {list(STOP_REASONS)}", self.stop_reason)

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(_AS_STATUS[r] for r in self.responses)


def _zeros() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


@dataclass(frozen=True, slots=True)
class CourseTable(Result):
    """One course of Table 3 / 4.

    ``treated``: patients given course k; ``treated_by_status``: by status after course k-1
    (empty for course 1); ``transition[row][column]``: status after course k (row) by status
    before it (column); for course 1 ``response`` is the distribution after course 1.
    """

    course: int
    treated: int
    treated_by_status: Mapping[str, int]
    response: Mapping[str, int]
    transition: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TempoTables(Result):
    """Tables 3/4 per disease and Table 5 (pooled) of one cohort."""

    by_disease: Mapping[str, tuple[CourseTable, ...]]
    discontinuation: Mapping[str, tuple[int, ...]]  # reason -> count by courses completed
    still_on_treatment: int


def course_tables(patients: Iterable[PatientCourses]) -> tuple[CourseTable, ...]:
    """Table 3/4 layout for one group of patients (courses 1 to the most given)."""
    pts = list(patients)
    n_courses = max((len(p.responses) for p in pts), default=0)
    out: list[CourseTable] = []
    for k in range(1, n_courses + 1):
        treated = [p for p in pts if len(p.responses) >= k]
        after = _zeros()
        before = _zeros() if k > 1 else {}
        trans = {row: _zeros() for row in STATUSES} if k > 1 else {}
        for p in treated:
            s = p.statuses
            after[s[k - 1]] += 1
            if k > 1:
                before[s[k - 2]] += 1
                trans[s[k - 1]][s[k - 2]] += 1
        out.append(CourseTable(k, len(treated), before, after, trans))
    return tuple(out)


def tempo_tables(patients: Iterable[PatientCourses]) -> TempoTables:
    """Lee et al. 2000 Tables 3 and 4 (one per disease) and Table 5 (pooled) from patient
    records."""
    pts = list(patients)
    seen: set[str] = set()
    for p in pts:
        if p.patient in seen:
            raise InputError("patients", f"duplicate patient id {p.patient!r}", p.patient)
        seen.add(p.patient)
    diseases = sorted({p.disease for p in pts})
    by_disease = {d: course_tables(p for p in pts if p.disease == d) for d in diseases}
    n_courses = max((len(p.responses) for p in pts), default=0)
    table5 = {r: [0] * n_courses for r in STOP_REASONS}
    on = 0
    for p in pts:
        if p.stop_reason is None:
            on += 1
        else:
            table5[p.stop_reason][len(p.responses) - 1] += 1
    return TempoTables(by_disease, {r: tuple(c) for r, c in table5.items()}, on)


def responders_traced(patients: Iterable[PatientCourses]) -> dict[str, int]:
    """CR and PR counts by the status after each patient's last course (Tables 3-4 traced)."""
    out = {"CR": 0, "PR": 0}
    for p in patients:
        last = p.statuses[-1]
        if last in out:
            out[last] += 1
    return out
