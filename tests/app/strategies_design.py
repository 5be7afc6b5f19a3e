"""Hypothesis strategies of valid requests: trial design operations.

Each strategy draws requests an operation should answer, exercising every method and option:
Simon searches and given two-stage designs (stage-1 decisions at every point of stage 1,
inference after a stop at stage 1 or after stage 2), two proportions by size and by power with
the normal, continuity-corrected and exact methods, survival sizes from a hazard ratio, from
hazards or from survival rates with and without accrual, follow-up and drop-out, group
sequential designs with both spending functions and non-binding futility, and conditional
power from z, from binary counts or from events, with explicit boundaries or a fixed design's
α.  Sizes stay far inside the bounds of ``hdil2.stats.limits`` and small enough that 100
requests per operation take a few seconds (Simon's nmax ≤ 60, at most three analyses, the
exact Fisher method only for rates at least 0.25 apart).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

RATES = st.integers(1, 19).map(lambda k: k / 20)  # 0.05 … 0.95


@st.composite
def simon(draw: st.DrawFn) -> dict[str, Any]:
    p0 = draw(st.sampled_from((0.05, 0.1, 0.15, 0.2, 0.25, 0.3)))
    p1 = p0 + draw(st.sampled_from((0.2, 0.25, 0.3)))
    req: dict[str, Any] = {"p0": p0, "p1": round(p1, 2), "nmax": draw(st.integers(40, 60))}
    if draw(st.booleans()):
        req["alpha"] = draw(st.sampled_from((0.05, 0.1)))
    if draw(st.booleans()):
        req["beta"] = draw(st.sampled_from((0.1, 0.2)))
    return req


@st.composite
def design(draw: st.DrawFn) -> dict[str, Any]:
    """A two-stage design (r1/n1, r/n) with n ≤ 80."""
    n = draw(st.integers(2, 80))
    n1 = draw(st.integers(1, n - 1))
    r1 = draw(st.integers(0, n1 - 1))
    return {"r1": r1, "n1": n1, "r": draw(st.integers(r1, n - 1)), "n": n}


@st.composite
def simon_oc(draw: st.DrawFn) -> dict[str, Any]:
    return {**draw(design()), "p0": draw(RATES), "p1": draw(RATES)}


@st.composite
def simon_stage1(draw: st.DrawFn) -> dict[str, Any]:
    req = draw(design())
    evaluable = req["n1"]
    if draw(st.booleans()):
        evaluable = req["evaluable"] = draw(st.integers(0, req["n1"]))
    req["responses"] = draw(st.integers(0, evaluable))
    return req


@st.composite
def simon_estimate(draw: st.DrawFn) -> dict[str, Any]:
    req = {**draw(design()), "p0": draw(RATES)}
    req["x1"] = draw(st.integers(0, req["n1"]))
    if req["x1"] > req["r1"]:  # the trial went on to stage 2
        req["x2"] = draw(st.integers(0, req["n"] - req["n1"]))
    if draw(st.booleans()):
        req["alpha"] = draw(st.sampled_from((1e-6, 0.01, 0.05, 0.1, 0.25)))
    return req


@st.composite
def two_proportions(draw: st.DrawFn) -> dict[str, Any]:
    method = draw(st.sampled_from(("normal", "normal_cc", "exact")))
    p1 = draw(RATES)
    gap = draw(st.sampled_from((0.25, 0.3, 0.4)) if method == "exact"
               else st.sampled_from((0.05, 0.1, 0.2, 0.3)))
    p2 = round(p1 - gap, 2) if p1 - gap > 0.01 else round(p1 + gap, 2)
    if not 0 < p2 < 1:
        p2 = 0.5 if p1 != 0.5 else 0.2
    req: dict[str, Any] = {"p1": p1, "p2": p2, "method": method}
    if draw(st.booleans()):
        req["alpha"] = draw(st.sampled_from((0.01, 0.025, 0.05, 0.1)))
    if draw(st.booleans()):
        req["sides"] = draw(st.sampled_from((1, 2)))
    if draw(st.booleans()):  # power of given groups
        req["n1"] = draw(st.integers(2, 300))
        if draw(st.booleans()):
            req["n2"] = draw(st.integers(2, 300))
    else:
        if draw(st.booleans()):
            req["power"] = draw(st.sampled_from((0.7, 0.8, 0.9)))
        if draw(st.booleans()):
            req["ratio"] = draw(st.sampled_from((0.5, 1.0, 2.0)))
    return req


HAZARD_RATIOS = st.sampled_from((0.4, 0.5, 0.6, 0.7, 0.8, 1.25, 1.5, 2.0))


@st.composite
def survival_size(draw: st.DrawFn) -> dict[str, Any]:
    method = draw(st.sampled_from(("schoenfeld", "freedman", "lachin_foulkes")))
    req: dict[str, Any] = {"method": method}
    timed = method == "lachin_foulkes" or draw(st.booleans())
    given = draw(st.sampled_from(("hazard_ratio", "hazards", "survival")) if timed
                 else st.just("hazard_ratio"))
    if given == "hazard_ratio":
        req["hazard_ratio"] = draw(HAZARD_RATIOS)
        if timed:
            req["lambda2"] = draw(st.sampled_from((0.05, 0.1, 0.3, 0.5)))
    elif given == "hazards":
        req["lambda2"] = draw(st.sampled_from((0.05, 0.1, 0.3, 0.5)))
        req["lambda1"] = round(req["lambda2"] * draw(HAZARD_RATIOS), 6)
    else:
        s1, s2 = draw(st.lists(RATES, min_size=2, max_size=2, unique=True))
        req.update(surv1=s1, surv2=s2, at_time=draw(st.sampled_from((1, 2, 5, 12))))
    if timed:
        req["accrual"] = draw(st.sampled_from((0, 1, 2, 3)))
        req["follow_up"] = draw(st.sampled_from((1, 2, 5)))
        if draw(st.booleans()):
            req["dropout"] = draw(st.sampled_from((0.01, 0.05, 0.1)))
    if draw(st.booleans()):
        req["alpha"] = draw(st.sampled_from((0.01, 0.025, 0.05)))
    if draw(st.booleans()):
        req["power"] = draw(st.sampled_from((0.8, 0.9)))
    if draw(st.booleans()):
        req["sides"] = draw(st.sampled_from((1, 2)))
    if draw(st.booleans()):
        req["ratio"] = draw(st.sampled_from((0.5, 1.0, 2.0)))
    return req


# information fractions of up to three analyses: one or two take milliseconds, three about
# 0.3 s (the recursive integration), so one draw in ten has three
LOOKS = st.sampled_from(((1.0,), (0.5, 1.0), (0.25, 1.0), (0.75, 1.0), (0.1, 1.0), (0.6, 1.0),
                         (0.9, 1.0), (0.4, 1.0), (0.33, 1.0), (0.33, 0.67, 1.0)))


@st.composite
def group_sequential(draw: st.DrawFn) -> dict[str, Any]:
    rates = draw(LOOKS)
    req: dict[str, Any] = {"information_rates": list(rates)}
    if draw(st.booleans()):
        req["alpha"] = draw(st.sampled_from((0.005, 0.025, 0.05)))
    if draw(st.booleans()):
        req["beta"] = draw(st.sampled_from((0.1, 0.2, 0.3)))
    if draw(st.booleans()):
        req["spending"] = draw(st.sampled_from(("obrien_fleming", "pocock")))
    if draw(st.booleans()):
        req["futility_z"] = [draw(st.one_of(st.none(), st.sampled_from((-1.0, 0.0, 0.5))))
                             for _ in rates]
    return req


@st.composite
def conditional_power(draw: st.DrawFn) -> dict[str, Any]:
    mode = draw(st.sampled_from(("z", "binary", "survival")))
    req: dict[str, Any] = {}
    if mode == "binary":
        n1, n2 = draw(st.integers(5, 30)), draw(st.integers(5, 30))
        req["binary"] = {"x1": draw(st.integers(1, n1 - 1)), "n1": n1,
                         "x2": draw(st.integers(1, n2 - 1)), "n2": n2,
                         "planned_n1": n1 + draw(st.integers(5, 40)),
                         "planned_n2": n2 + draw(st.integers(5, 40)),
                         "p1": draw(st.sampled_from((0.5, 0.6, 0.7))),
                         "p2": draw(st.sampled_from((0.2, 0.3, 0.4)))}
    else:
        req["z"] = draw(st.floats(-3, 4, allow_nan=False))
        if mode == "survival":
            planned = draw(st.integers(50, 400))
            req["survival"] = {"events": draw(st.integers(10, planned * 4 // 5)),
                               "planned_events": planned,
                               "hazard_ratio": draw(st.sampled_from((0.6, 0.7, 0.8)))}
        else:
            req["information"] = draw(st.sampled_from((0.2, 0.3, 0.5, 0.65, 0.8)))
    if draw(st.booleans()):
        req["alpha"] = draw(st.sampled_from((0.01, 0.025, 0.05)))
    else:  # the boundaries still to come (all after any interim drawn above: > 0.8)
        looks = draw(st.sampled_from(((1.0,), (0.9, 1.0))))
        req["information_rates"] = list(looks)
        req["critical_values"] = [draw(st.sampled_from((1.96, 2.2, 2.5))) for _ in looks]
    if mode == "z" and draw(st.booleans()):
        req["design_drift"] = draw(st.sampled_from((1.5, 2.486, 3.0)))
    if draw(st.booleans()):
        req["futility_threshold"] = draw(st.sampled_from((0.05, 0.1, 0.2)))
    return req


STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "design-simon": simon(),
    "design-simon-oc": simon_oc(),
    "design-simon-stage1": simon_stage1(),
    "design-simon-estimate": simon_estimate(),
    "design-two-proportions": two_proportions(),
    "design-survival": survival_size(),
    "design-group-sequential": group_sequential(),
    "design-conditional-power": conditional_power(),
}
