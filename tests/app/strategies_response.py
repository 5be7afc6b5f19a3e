"""Hypothesis strategies of valid requests: tumour response (``assess``) and the advice after
each course (``next-course``).

Visit histories are drawn for every criteria (RECIST 1.1, iRECIST, WHO, NCI): up to five
measurable targets (nodal ones too, at most two per organ), non-target lesions followed by
status, every target measured by longest diameter, perpendicular and (nodes) short axis so each
criterion finds the diameters it reads, lesions that shrink, vanish, grow, split or merge, scans
not evaluated, and new lesions (equivocal ones, and ones seen again at later scans).  Course
histories are drawn for every policy variant: responses (some not recorded), shrinkage,
toxicities, refusals and single-policy overrides.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

CRITERIA = ("recist1.1", "irecist", "who", "nci")
ORGANS = ("liver", "lung", "kidney", "adrenal", "bone", "spleen", "pancreas")
# a patient's course: the size of the targets at each follow-up scan as a fraction of their
# baseline size, and the statuses of the non-targets (the second half of "mixed" progresses)
TRENDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "complete": (("0.6", "0.3", "0", "0", "0", "0"), ("present", "absent", "absent")),
    "partial": (("0.8", "0.65", "0.5", "0.5", "0.45", "0.5"), ("present", "present", "absent")),
    "stable": (("1", "0.95", "1.05", "0.9", "1.1", "1"), ("present",)),
    "progressive": (("1.1", "1.25", "1.5", "1.8", "2", "2.4"),
                    ("present", "unequivocal_progression")),
    "mixed": (("0.7", "0.6", "0.7", "0.9", "1.2", "1.5"), ("present", "present", "absent")),
}
TOXICITIES = ("sustained_vt", "cardiac_tamponade", "intubation_over_72h",
              "intubation_mental_status", "severe_renal_dysfunction")
DATES = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2027, 12, 31))


def _mm(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


def _sizes(ld: Decimal, node: bool) -> dict[str, Any]:
    """Every diameter of a lesion of longest diameter ``ld`` (so every criterion can read it)."""
    out: dict[str, Any] = {"ld_mm": _mm(ld), "perp_mm": _mm(ld * Decimal("0.7"))}
    if node:
        out["sa_mm"] = _mm(ld * Decimal("0.75"))
    return out


@st.composite
def _target_at(draw: st.DrawFn, base: Decimal, node: bool, factor: Decimal) -> dict[str, Any]:
    """A target at a follow-up scan: measured (sometimes split), gone, too small or unread."""
    kind = draw(st.integers(0, 29))
    if kind == 0:
        return {"status": "not_evaluated"}
    if kind == 1 and not node:
        return {"status": "too_small"}
    factor *= Decimal(draw(st.sampled_from(("0.9", "1", "1", "1.1"))))
    if factor == 0 and not node:
        return {"status": "absent"}
    ld = max(base * factor, Decimal(8))
    if kind == 2:
        half = ld / 2
        return {"fragments": [_sizes(half, node), _sizes(ld - half, node)]}
    return _sizes(ld, node)


@st.composite
def assess(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.response.policies import POLICIES_BY_CRITERIA

    criteria = draw(st.sampled_from(CRITERIA))
    n_targets = draw(st.integers(0, 5))
    n_non = draw(st.integers(0 if n_targets else 1, 3))
    lesions: list[dict[str, Any]] = []
    targets: dict[str, tuple[Decimal, bool]] = {}  # id -> (baseline longest diameter, node)
    for i in range(n_targets):
        node = sum(n for _, n in targets.values()) < 2 and draw(st.integers(0, 3)) == 0
        les: dict[str, Any] = {"id": f"T{i + 1}", "organ": "lymph node" if node else ORGANS[i],
                               "kind": "target", "is_lymph_node": node}
        if not node and draw(st.booleans()):
            les["method"] = draw(st.sampled_from(("ct", "mri")))
        lesions.append(les)
        low = 22 if node else 12  # a nodal target's short axis (0.75 × ld) is ≥ 15 mm
        targets[les["id"]] = (Decimal(draw(st.integers(low, 120))), node)
    for i in range(n_non):
        lesions.append({"id": f"NT{i + 1}", "organ": draw(st.sampled_from(ORGANS)),
                        "kind": "non-target"})
    first = draw(DATES)
    visits: list[dict[str, Any]] = [{
        "date": first.isoformat(),
        "lesions": {**{lid: _sizes(size, node) for lid, (size, node) in targets.items()},
                    **{f"NT{i + 1}": {"status": "present"} for i in range(n_non)}}}]
    day = first
    new_ids: list[str] = []
    solid = [lid for lid, (_, node) in targets.items() if not node]
    trend = draw(st.sampled_from(sorted(TRENDS)))
    factors, statuses = TRENDS[trend]
    for v in range(draw(st.integers(1, 6))):
        day += dt.timedelta(days=draw(st.integers(21, 70)))
        at: dict[str, Any] = {lid: draw(_target_at(size, node, Decimal(factors[v])))
                              for lid, (size, node) in targets.items()}
        if len(solid) >= 2 and draw(st.integers(0, 9)) == 0 and "ld_mm" in at[solid[0]]:
            at[solid[1]] = {"status": "merged", "merged_into": solid[0]}
        for i in range(n_non):
            nt: dict[str, Any] = {"status": draw(st.sampled_from(
                (*statuses, "not_evaluated") if draw(st.integers(0, 9)) == 0 else statuses))}
            if nt["status"] == "present" and draw(st.booleans()):
                nt["increased_since_last"] = draw(st.booleans())
            at[f"NT{i + 1}"] = nt
        visit: dict[str, Any] = {"date": day.isoformat(), "lesions": at,
                                 "label": f"week {(day - first).days // 7}"}
        new: list[dict[str, Any]] = []
        for nid in new_ids:  # new lesions are followed at later scans
            if draw(st.booleans()):
                new.append({"id": nid, "organ": "liver",
                            "ld_mm": draw(st.integers(5, 40)), "perp_mm": 4})
        if draw(st.integers(0, 3 if trend in ("progressive", "mixed") else 12)) == 0:
            nid = f"new{v + 1}"
            new_ids.append(nid)
            new.append({"id": nid, "organ": draw(st.sampled_from(ORGANS)),
                        "equivocal": draw(st.booleans()),
                        "ld_mm": draw(st.integers(5, 40)), "perp_mm": 4})
        if new:
            visit["new_lesions"] = new
        if draw(st.integers(0, 5)) == 0:
            visit["tumour_markers"] = draw(st.sampled_from(("normal", "above_uln")))
        visits.append(visit)
    req: dict[str, Any] = {
        "criteria": criteria,
        "start_date": (first + dt.timedelta(days=draw(st.integers(0, 14)))).isoformat(),
        "lesions": lesions, "visits": visits}
    params = draw(st.fixed_dictionaries({}, optional={
        "confirm_min_days": st.sampled_from((28, 30, 56)),
        "min_sd_days": st.sampled_from((0, 35, 42, 56))}))
    if params:
        req["params"] = params
    policies = POLICIES_BY_CRITERIA[criteria]
    names = draw(st.lists(st.sampled_from(sorted(policies)), max_size=3, unique=True))
    if names:
        req["policies"] = {n: draw(st.sampled_from(policies[n].choices)) for n in names}
    return req


@st.composite
def next_course(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.response.next_course import POLICIES, VARIANTS

    day = draw(DATES)
    courses: list[dict[str, Any]] = []
    n = draw(st.integers(1, 5))
    for k in range(n):
        start = day
        discharge = start + dt.timedelta(days=draw(st.integers(5, 14)))
        response = draw(st.one_of(st.sampled_from(("CR", "PR", "MR", "NR", "NR", "PD")),
                                  st.none()))
        course: dict[str, Any] = {"discharge_date": discharge.isoformat(), "response": response}
        if draw(st.booleans()):
            course["start_date"] = start.isoformat()
        if response in ("NR", "PD", None) and draw(st.booleans()):
            course["shrinkage"] = draw(st.booleans())
        elif response in ("CR", "PR", "MR") and draw(st.booleans()):
            course["shrinkage"] = True
        if draw(st.integers(0, 9)) == 0:
            course["toxicities"] = draw(st.lists(st.sampled_from(TOXICITIES), min_size=1,
                                                 max_size=2, unique=True))
        if k == n - 1 and draw(st.integers(0, 9)) == 0:
            course[draw(st.sampled_from(("refused", "intolerance")))] = True
        courses.append(course)
        day = discharge + dt.timedelta(days=draw(st.integers(35, 120)))
    req: dict[str, Any] = {"courses": courses, "variant": draw(st.sampled_from(sorted(VARIANTS)))}
    names = draw(st.lists(st.sampled_from(sorted(POLICIES)), max_size=2, unique=True))
    if names:
        req["policies"] = {name: draw(st.sampled_from(POLICIES[name].choices))
                           for name in names}
    return req


STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "assess": assess(),
    "next-course": next_course(),
}
