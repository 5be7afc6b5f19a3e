"""A cohort of virtual HD IL-2 patients treated under a course policy.

:func:`cohort_simulation` makes a :class:`~hdil2.sim.engine.Simulation` (run it with
:func:`hdil2.sim.engine.run`): each block simulates 1,000 patients of one disease course by
course (NumPy arrays over the patients; the only loop is over the courses) and returns the
counts the paper tabulates - Tables 3-4 of Lee et al. 2000 (``lee2000``: treated per course by
status, response transitions) and Table 5 (reasons for stopping by courses completed) - the
status after the last course and deaths per month.  :class:`CohortSimulation` gives each as
an expected fraction of the cohort with its Monte Carlo standard error (a patient counts in
at most one cell of each course's table, so every cell is a proportion), and a life-table
survival curve on a monthly grid.

After course k a patient's fate is drawn from the model (:mod:`hdil2.sim.model`): the
patient's own stops (progression, IL-2 toxicity, death, "other") happen under every policy;
for the others the policy decides:

* ``lee2000`` - the paper's practice, as observed: the doctor's part of the fate (another
  course, or stop for "complete response") as drawn from the model.  The paper's written rule
  is not what its tables show (8 melanoma and 9 renal cell cancer patients were given a third
  course after two courses without response; most first CRs after course 3 were not
  consolidated), so the practice is encoded as data, not as a rule;
* ``lee2000-rule`` - the written rule, the ``lee2000`` variant of hdil2's next-course advice
  (:mod:`hdil2.clinical.response.next_course`), vectorized: NR after course 1 → another
  course; PR or MR → another course; a first CR → one consolidation course, then stop; NR
  after two or more courses without objective response, or a response lost → stop
  ("no_response");
* ``fixed:K`` - K courses unless the patient stops (``max_courses`` after course K);
* ``stop-after-nr`` - the practice, except that an NR after any course stops ("no_response");
* ``consolidate:C`` - the practice, except that a CR is given exactly C more courses after
  the first CR, then stops ("complete_response"); ``consolidate:1`` is "+1 after CR".

No policy gives more than :data:`MAX_COURSES` courses (``max_courses`` after the last).

**Doses.**  Every course a patient is given, each of its 28 scheduled doses is held or given
as the model's :class:`~hdil2.sim.model.DoseModel` says (all patients x courses x doses of a
block drawn at once, after the course and survival draws, so they change none of those).  Per
course (:class:`DoseEstimate`): among the patients treated in it, the incidence of a held dose
at each dose number 1-28, the distribution of doses given, its median with a 95 % Monte Carlo
interval (the distribution-free interval of a median: order statistics n/2 -+ 1.96 sqrt(n)/2)
and its mean with its Monte Carlo SE.

**Risk group.**  ``risk_group`` (renal cell cancer: a group of
:data:`~hdil2.sim.model.RISK_GROUPS`, MSKCC 2002) gives the non-responders the group's median
overall survival (:meth:`~hdil2.sim.model.DiseaseModel.with_risk_group`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Result
from hdil2.core.sources import Tag
from hdil2.sim.engine import BLOCK, Simulation
from hdil2.sim.model import (
    DOSE_SLOTS,
    FATES,
    LEE2000,
    PATIENT_STOPS,
    RISK_GROUPS,
    SELECTION_GROUPS,
    STATUSES,
    DiseaseModel,
    RiskGroup,
    VirtualPatientModel,
)

MAX_COURSES = 6
#: reasons for stopping: Table 5's and the policies' own
REASONS: tuple[str, ...] = ("progressive_disease", "il2_toxicity", "death", "complete_response",
                            "other", "no_response", "max_courses")
POLICY_NAMES = ("lee2000", "lee2000-rule", "fixed:K", "stop-after-nr", "consolidate:C")
DEFAULT_MONTHS = 60

_NR, _MR, _PR, _CR = range(4)
_FATE = {f: i for i, f in enumerate(FATES)}
_REASON = {r: i for i, r in enumerate(REASONS)}
_DISEASE = {"rcc": "renal cell cancer", "melanoma": "melanoma"}


@dataclass(frozen=True, slots=True)
class Estimate(Result):
    """A Monte Carlo estimate and its standard error."""

    value: float
    se: float


@dataclass(frozen=True, slots=True)
class CourseEstimate(Result):
    """One course of Table 3 / 4, as expected fractions of the cohort: ``treated``;
    ``treated_by_status`` (status before the course; empty for course 1); ``response`` (status
    after it); ``transition[after][before]`` (rows after, columns before, as the paper)."""

    course: int
    treated: Estimate
    treated_by_status: Mapping[str, Estimate]
    response: Mapping[str, Estimate]
    transition: Mapping[str, Mapping[str, Estimate]]


@dataclass(frozen=True, slots=True)
class SurvivalCurve(Result):
    """Life-table overall survival S(t) at months 0, 1, ..., with standard errors."""

    months: tuple[int, ...]
    survival: tuple[float, ...]
    se: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class DoseEstimate(Result):
    """The doses of one course, among the patients treated in it (``treated``: their fraction
    of the cohort): ``held[j]`` the incidence of a held dose at dose number j + 1;
    ``distribution[d]`` the fraction given d doses (d = 0..28); ``median`` doses given, with
    its 95 % Monte Carlo interval ``median_low``-``median_high``; ``mean`` with its MC SE."""

    course: int
    treated: Estimate
    held: tuple[Estimate, ...]
    distribution: tuple[Estimate, ...]
    median: int
    median_low: int
    median_high: int
    mean: Estimate


@dataclass(frozen=True, slots=True)
class CohortSimulation(Result):
    """The expected course tables (fractions of the cohort: multiply by a cohort's size for
    counts), reasons for stopping by courses completed, responses after the last course (CR,
    PR, objective), overall survival and its median (the first month with S(t) at most 0.5;
    ``None`` if not reached), each estimate with its Monte Carlo standard error."""

    disease: str
    policy: str
    selection: str | None
    patients: int
    courses: tuple[CourseEstimate, ...]
    discontinuation: Mapping[str, tuple[Estimate, ...]]
    mean_courses: Estimate
    cr: Estimate
    pr: Estimate
    orr: Estimate
    survival: SurvivalCurve
    median_os_months: int | None
    risk_group: str | None
    doses: tuple[DoseEstimate, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class CohortParams:
    """What a block needs (picklable): the disease model (selection and risk group applied),
    the policy as ``kind`` and its number, the survival grid."""

    model: DiseaseModel
    policy: str
    kind: str
    number: int
    selection: str | None
    months: int
    risk_group: RiskGroup | None = None


def parse_policy(policy: Any) -> tuple[str, int]:
    """``(kind, number)`` of a policy name (see the module docstring)."""
    if not isinstance(policy, str):
        raise InputError("policy", f"one of {list(POLICY_NAMES)}", policy)
    if policy in ("lee2000", "lee2000-rule", "stop-after-nr"):
        return policy, 0
    kind, _, num = policy.partition(":")
    if kind in ("fixed", "consolidate") and num.isdigit():
        k = int(num)
        lo = 1 if kind == "fixed" else 0
        hi = MAX_COURSES if kind == "fixed" else MAX_COURSES - 1
        if lo <= k <= hi:
            return kind, k
        raise InputError("policy", f"{kind}:K with K a whole number from {lo} to {hi}", policy)
    raise InputError("policy", f"one of {list(POLICY_NAMES)}", policy)


def cohort_simulation(model: VirtualPatientModel = LEE2000, policy: str = "lee2000",
                      disease: str = "rcc", *, selection: str | None = None,
                      months: int = DEFAULT_MONTHS,
                      risk_group: str | RiskGroup | None = None) -> Simulation:
    """The simulation of a cohort of ``disease`` patients of ``model`` under ``policy``,
    optionally selected into a group of :data:`~hdil2.sim.model.SELECTION_GROUPS`, optionally
    in a risk group (a name of :data:`~hdil2.sim.model.RISK_GROUPS` or a
    :class:`~hdil2.sim.model.RiskGroup` of one's own); survival on a grid of ``months``
    months."""
    kind, number = parse_policy(policy)
    if not isinstance(model, VirtualPatientModel):
        raise InputError("model", "a VirtualPatientModel", type(model).__name__)
    if not isinstance(disease, str):
        raise InputError("disease", "a disease name", disease)
    dm = model.disease(disease)
    if selection is not None:
        if selection not in SELECTION_GROUPS:
            raise InputError("selection", f"one of {sorted(SELECTION_GROUPS)}", selection)
        dm = dm.selected(SELECTION_GROUPS[selection])
    group: RiskGroup | None = None
    if risk_group is not None:
        if isinstance(risk_group, RiskGroup):
            group = risk_group
        elif isinstance(risk_group, str) and risk_group in RISK_GROUPS:
            group = RISK_GROUPS[risk_group]
        else:
            raise InputError("risk_group", f"one of {list(RISK_GROUPS)}", risk_group)
        dm = dm.with_risk_group(group)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 600:
        raise InputError("months", "a whole number from 1 to 600", months)
    params = CohortParams(dm, policy, kind, number, selection, months, group)
    return Simulation("cohort", params, _block, _finish)


# --- the block ------------------------------------------------------------------------------

def _draw(cum: Any, u: Any) -> Any:
    """Category index per unit: ``cum`` (units x categories) cumulative probabilities."""
    import numpy as np

    idx = (u[:, None] >= cum).sum(axis=1)
    return np.minimum(idx, cum.shape[1] - 1)


def _policy_continue(p: CohortParams, k: int, status: Any, best: Any, first_cr: Any,
                     fate: Any) -> tuple[Any, Any]:
    """For patients not stopped by themselves after course ``k`` (1-based): whether the
    policy gives another course, and if not, the reason (index in :data:`REASONS`)."""
    import numpy as np

    practice_go = fate == _FATE["continue"]
    practice_why = np.full(status.shape, _REASON["complete_response"])
    if p.kind == "lee2000":
        return practice_go, practice_why
    if p.kind == "fixed":
        go = np.full(status.shape, k < p.number)
        return go, np.full(status.shape, _REASON["max_courses"])
    if p.kind == "stop-after-nr":
        nr = status == _NR
        why = np.where(nr, _REASON["no_response"], practice_why)
        return practice_go & ~nr, why
    if p.kind == "consolidate":
        cr = first_cr > 0
        go = np.where(cr, k - first_cr < p.number, practice_go)
        return go, practice_why
    # lee2000-rule: the written rule (next_course, variant lee2000), in its order
    why = np.full(status.shape, _REASON["no_response"])
    go = np.zeros(status.shape, dtype=bool)
    decided = np.zeros(status.shape, dtype=bool)

    def rule(cond: Any, value: bool, reason: str) -> None:
        nonlocal go, why, decided
        new = cond & ~decided
        go = np.where(new, value, go)
        why = np.where(new & (not value), _REASON[reason], why)
        decided = decided | new

    rule((first_cr > 0) & (status != _CR), False, "progressive_disease")  # reappearance
    rule((first_cr > 0) & (k - first_cr >= 1), False, "complete_response")  # consolidated
    rule(status == _CR, True, "complete_response")  # first CR: consolidation
    objective = best != _NR  # CR, PR, or MR (continue_on_mr)
    rule(np.full(status.shape, k >= 2) & ~objective, False, "no_response")
    rule((status == _NR) & (best != _NR), False, "no_response")  # response lost
    rule((status == _PR) | (status == _MR), True, "no_response")
    rule(np.full(status.shape, k == 1) & (status == _NR), True, "no_response")
    return go, why


def _block(p: CohortParams, index: int, size: int, rng: Any) -> dict[str, Any]:
    return _simulate(p, size, rng)[0]


def _simulate(p: CohortParams, size: int, rng: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """One block: its counts, and each patient's story (the response after each course, -1
    once stopped; the reason for stopping; survival in months from the end of treatment)."""
    import numpy as np

    ns = len(STATUSES)
    m = p.model
    trans = np.array(m.transition_probabilities(MAX_COURSES)).cumsum(axis=-1)
    fates = np.array(m.fate_probabilities(MAX_COURSES)).cumsum(axis=-1)
    first = np.cumsum(np.array(m.first_response) / sum(m.first_response))
    rank = np.array([3, 2, 1, 0])  # NR worst ... CR best

    on = np.arange(BLOCK) < size
    status = np.zeros(BLOCK, dtype=np.int64)
    best = np.zeros(BLOCK, dtype=np.int64)
    first_cr = np.zeros(BLOCK, dtype=np.int64)  # course of the first CR, 0 = none
    courses = np.zeros(BLOCK, dtype=np.int64)
    reason = np.full(BLOCK, -1, dtype=np.int64)
    story = np.full((BLOCK, MAX_COURSES), -1, dtype=np.int8)
    treated_by = np.zeros((MAX_COURSES, ns), dtype=np.int64)
    response = np.zeros((MAX_COURSES, ns), dtype=np.int64)
    transition = np.zeros((MAX_COURSES, ns, ns), dtype=np.int64)
    stops = np.zeros((len(REASONS), MAX_COURSES), dtype=np.int64)
    for k in range(1, MAX_COURSES + 1):
        u_resp = rng.random(BLOCK)
        u_fate = rng.random(BLOCK)
        if k == 1:
            after = _draw(np.broadcast_to(first, (BLOCK, ns)), u_resp)
        else:
            after = _draw(trans[k - 2][status], u_resp)
            treated_by[k - 1] = np.bincount(status[on], minlength=ns)
            transition[k - 1] = np.bincount(after[on] * ns + status[on],
                                            minlength=ns * ns).reshape(ns, ns)
        response[k - 1] = np.bincount(after[on], minlength=ns)
        story[:, k - 1] = np.where(on, after, -1)
        status = np.where(on, after, status)
        best = np.where(on & ((k == 1) | (rank[after] < rank[best])), after, best)
        first_cr = np.where(on & (first_cr == 0) & (after == _CR), k, first_cr)
        courses = np.where(on, k, courses)
        fate = _draw(fates[k - 1][status], u_fate)
        own = np.isin(fate, [_FATE[f] for f in PATIENT_STOPS])
        go, why = _policy_continue(p, k, status, best, first_cr, fate)
        if k == MAX_COURSES:
            why = np.where(go, _REASON["max_courses"], why)
            go = np.zeros(BLOCK, dtype=bool)
        own_reason = np.array([_REASON.get(f, -1) for f in FATES])[fate]
        stop_why = np.where(own, own_reason, why)
        stopping = on & (own | ~go)
        reason = np.where(stopping, stop_why, reason)
        stops[:, k - 1] = np.bincount(stop_why[stopping], minlength=len(REASONS))
        on = on & ~stopping  # no early exit: every block draws the same numbers
    kept = np.arange(BLOCK) < size
    # survival from the end of treatment
    u_cure = rng.random(BLOCK)
    e = rng.standard_exponential(BLOCK)
    med = np.array(m.survival.median_months)[status]
    t = e * med / math.log(2)
    t = np.where((status == _CR) & (u_cure < m.survival.cure_fraction_cr), np.inf, t)
    t = np.where(reason == _REASON["death"], 0.0, t)
    died = kept & (t < p.months)
    deaths = np.bincount(np.floor(t[died]).astype(np.int64), minlength=p.months)
    # doses: every patient x course x dose of the block at once (drawn last, so the course and
    # survival draws above are those of a simulation without doses)
    hold = np.array(m.doses.hold_probabilities(MAX_COURSES), dtype=np.float64)
    held = rng.random((BLOCK, MAX_COURSES, DOSE_SLOTS)) < hold[None, :, :]
    treated = story >= 0  # (patients, courses); -1 = not treated (or beyond the block's size)
    held &= treated[:, :, None]
    given = np.where(treated, DOSE_SLOTS - held.sum(axis=2), -1)
    course_of = np.broadcast_to(np.arange(MAX_COURSES), given.shape)
    hist = np.bincount((course_of * (DOSE_SLOTS + 1) + given)[treated],
                       minlength=MAX_COURSES * (DOSE_SLOTS + 1))
    counts = {"treated_by": treated_by, "response": response, "transition": transition,
              "stops": stops, "final": np.bincount(status[kept], minlength=ns),
              "courses": int(courses[kept].sum()),
              "courses_sq": int((courses[kept] ** 2).sum()), "deaths": deaths,
              "held": held.sum(axis=0), "given": hist.reshape(MAX_COURSES, DOSE_SLOTS + 1)}
    return counts, {"story": story[:size], "reason": reason[:size], "months": t[:size],
                    "doses": given[:size]}


#: most virtual patients :func:`virtual_patients` lists (a report's sample, not a cohort's OC)
MAX_LISTED = 100_000


def virtual_patients(sim: Simulation, n: int, seed: int) -> dict[str, Any]:
    """The first ``n`` patients of cohort simulation ``sim`` with ``seed``, one by one: the very
    patients whose counts :func:`hdil2.sim.engine.run` adds up (the same blocks and streams).

    Returns arrays over the patients: ``story`` (n × :data:`MAX_COURSES`: the response after
    each course as an index of :data:`~hdil2.sim.model.STATUSES`, -1 once stopped), ``reason``
    (an index of :data:`REASONS`), ``months`` (survival from the end of treatment; ``inf``
    for a cured complete response), ``doses`` (n × :data:`MAX_COURSES`: doses given in each
    course, -1 if not treated), and the names ``statuses`` and ``reasons``.
    """
    import numpy as np

    from hdil2.sim.engine import block_rng, blocks, check_run

    if not isinstance(sim, Simulation) or not isinstance(sim.params, CohortParams):
        raise InputError("simulation", "a cohort simulation (cohort_simulation)",
                         type(sim).__name__)
    n, seed, _ = check_run(n, seed)
    if n > MAX_LISTED:
        raise InputError("patients", f"at most {MAX_LISTED:,} virtual patients are listed "
                         "one by one", n)
    parts = [_simulate(sim.params, size, block_rng(seed, index))[1]
             for index, size in blocks(n)]
    return {"story": np.concatenate([q["story"] for q in parts]),
            "reason": np.concatenate([q["reason"] for q in parts]),
            "months": np.concatenate([q["months"] for q in parts]),
            "doses": np.concatenate([q["doses"] for q in parts]),
            "statuses": STATUSES, "reasons": REASONS, "follow_up_months": sim.params.months}


# --- the result -----------------------------------------------------------------------------

def _prop(count: Any, n: int) -> Estimate:
    p = int(count) / n
    return Estimate(p, math.sqrt(p * (1 - p) / n))


def _finish(p: CohortParams, totals: Mapping[str, Any], n: int) -> CohortSimulation:
    resp, trans, by = totals["response"], totals["transition"], totals["treated_by"]
    last = max((k for k in range(MAX_COURSES) if resp[k].sum() > 0), default=0)
    out: list[CourseEstimate] = []
    for k in range(last + 1):
        out.append(CourseEstimate(
            k + 1, _prop(resp[k].sum(), n),
            {s: _prop(by[k][i], n) for i, s in enumerate(STATUSES)} if k else {},
            {s: _prop(resp[k][i], n) for i, s in enumerate(STATUSES)},
            {a: {b: _prop(trans[k][i][j], n) for j, b in enumerate(STATUSES)}
             for i, a in enumerate(STATUSES)} if k else {}))
    stops = totals["stops"]
    disc = {r: tuple(_prop(stops[i][k], n) for k in range(last + 1))
            for i, r in enumerate(REASONS)}
    mean = totals["courses"] / n
    var = max(totals["courses_sq"] / n - mean * mean, 0.0)
    final = totals["final"]
    cum = 0
    surv: list[float] = [1.0]
    for d in totals["deaths"]:
        cum += int(d)
        surv.append(1 - cum / n)
    se = tuple(math.sqrt(s * (1 - s) / n) for s in surv)
    median = next((t for t, s in enumerate(surv) if s <= 0.5), None)
    doses = tuple(_doses(k + 1, totals["held"][k], totals["given"][k], n)
                  for k in range(last + 1) if totals["given"][k].sum() > 0)
    return CohortSimulation(
        p.model.disease, p.policy, p.selection, n, tuple(out), disc,
        Estimate(mean, math.sqrt(var / n)), _prop(final[_CR], n), _prop(final[_PR], n),
        _prop(final[_CR] + final[_PR], n),
        SurvivalCurve(tuple(range(p.months + 1)), tuple(surv), se), median,
        risk_group=None if p.risk_group is None else p.risk_group.name, doses=doses,
        reasons=_reasons(p))


def _doses(course: int, held: Any, given: Any, n: int) -> DoseEstimate:
    """One course's doses from its held counts by dose number and its histogram of doses
    given (among the ``t`` patients treated in it)."""
    t = int(given.sum())
    counts = [int(c) for c in given]
    cum = [sum(counts[: d + 1]) for d in range(len(counts))]

    def at_rank(r: int) -> int:  # the dose count of the r-th smallest patient (1-based)
        r = min(max(r, 1), t)
        return next(d for d, c in enumerate(cum) if c >= r)

    half = 1.96 * math.sqrt(t) / 2
    mean = sum(d * c for d, c in enumerate(counts)) / t
    var = max(sum(d * d * c for d, c in enumerate(counts)) / t - mean * mean, 0.0)
    return DoseEstimate(
        course, _prop(t, n), tuple(_prop(h, t) for h in held),
        tuple(_prop(c, t) for c in counts), at_rank(math.ceil(t / 2)),
        at_rank(math.floor(t / 2 - half)), at_rank(math.ceil(t / 2 + 1 + half)),
        Estimate(mean, math.sqrt(var / t)))


def _reasons(p: CohortParams) -> tuple[Reason, ...]:
    m = p.model
    out = [
        Reason("sim.cohort.courses", m.source, tag=m.tag,
               inputs={"disease": m.disease, "patients": m.n_patients},
               text=f"response by course, treatment by status and reasons for stopping from "
               f"Lee et al. 2000 ({m.n_patients} {m.disease} patients; Tables 3-5; the split "
               "of Table 5 by disease and status is derived)"),
        Reason("sim.cohort.policy", "lee2000", tag=Tag.COMPUTED, inputs={"policy": p.policy},
               text=f"course policy {p.policy}: the patient's own stops (progression, "
               "toxicity, death, other) as in the paper, the decision to continue by the "
               "policy"),
        Reason("sim.cohort.survival", m.survival.source, tag=m.survival.tag,
               inputs={"median_months": list(m.survival.median_months),
                       "cure_fraction_cr": m.survival.cure_fraction_cr},
               text="overall survival exponential by the status after the last course, with "
               "a cure fraction for complete responders: assumed medians"),
    ]
    d = m.doses
    q = d.hold_probabilities(MAX_COURSES)
    out.append(Reason("sim.cohort.doses", d.source, tag=d.tag,
                      inputs={"median_doses_course1": d.median_doses_course1,
                              "scheduled": DOSE_SLOTS},
                      text=f"a median of {d.median_doses_course1} of the "
                      f"{DOSE_SLOTS} doses of course 1 given in "
                      f"{_DISEASE.get(m.disease, m.disease)}"))
    shape = ("each dose held with probability "
             f"{q[0][0]:.4f} = 1 - {d.median_doses_course1}/{DOSE_SLOTS}, which makes the "
             "label's the exact median of doses given (binomial); constant over doses and "
             "courses, independent of each other and of the response: an assumption"
             if d.hold is None else "hold probabilities by dose number and course as given "
             "(an override of the label's calibration): an assumption")
    out.append(Reason("sim.cohort.doses.model", d.source, tag=Tag.UNVERIFIED,
                      inputs={"hold_course1": list(q[0])}, text=shape))
    if p.risk_group is not None:
        rg = p.risk_group
        out.append(Reason("sim.cohort.risk_group", rg.source, tag=rg.tag,
                          inputs={"group": rg.name, "median_os_months": rg.median_os_months},
                          text=f"MSKCC 2002 risk group {rg.name}: median overall survival "
                          f"{rg.median_os_months:g} months in patients treated with "
                          "interferon-alfa, not HD IL-2"))
        out.append(Reason("sim.cohort.risk_group.transfer", rg.source, tag=Tag.UNVERIFIED,
                          inputs={"statuses": list(rg.statuses)},
                          text=f"assumed for HD IL-2: patients with status "
                          f"{', '.join(rg.statuses)} after the last course survive with the "
                          "group's median (from the end of treatment), the others with the "
                          "model's; the medians come from interferon, not HD IL-2"))
    if p.selection is not None:
        g = SELECTION_GROUPS[p.selection]
        out.append(Reason("sim.cohort.selection", g.source, tag=g.tag,
                          inputs={"group": g.name, "responders": g.responders,
                                  "patients": g.patients},
                          text=f"{g.text}: {g.responders}/{g.patients} responded; applied to "
                          "the response after course 1"))
    return tuple(out)
