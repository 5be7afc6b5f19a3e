"""Hypothesis strategies of valid requests: cohort statistics operations.

Each strategy draws requests an operation should answer, exercising every method and option:
rates with x ≤ n, 2×2 tables (zero cells included), ordered groups with and without scores,
and small survival data sets of random size with tied times, censoring, groups, strata and —
for Cox — numeric, text and numeric-categorical covariates with missing values and chosen
reference levels.  Sizes stay far inside the bounds of ``hdil2.stats.limits`` and small
enough that 100 requests per operation take a few seconds.  A few draws are still refused
(a Cox model whose likelihood is monotone, a trend with no successes), which the contract
test treats as "not a valid input".
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

LEVELS = st.sampled_from((0.8, 0.9, 0.95, 0.99))


@st.composite
def rate(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 500))
    req: dict[str, Any] = {"x": draw(st.integers(0, n)), "n": n}
    if draw(st.booleans()):
        req["level"] = draw(LEVELS)
    if draw(st.booleans()):
        req["method"] = draw(st.sampled_from(("clopper-pearson", "wilson")))
    return req


@st.composite
def compare(draw: st.DrawFn) -> dict[str, Any]:
    n1, n2 = draw(st.integers(1, 300)), draw(st.integers(1, 300))
    req: dict[str, Any] = {"x1": draw(st.integers(0, n1)), "n1": n1,
                           "x2": draw(st.integers(0, n2)), "n2": n2}
    if draw(st.booleans()):
        req["level"] = draw(LEVELS)
    return req


@st.composite
def trend(draw: st.DrawFn) -> dict[str, Any]:
    k = draw(st.integers(2, 8))
    totals = draw(st.lists(st.integers(1, 100), min_size=k, max_size=k))
    successes = [draw(st.integers(0, n)) for n in totals]
    req: dict[str, Any] = {"successes": successes, "totals": totals}
    if draw(st.booleans()):
        req["scores"] = draw(st.lists(st.floats(-10, 10, allow_nan=False), min_size=k,
                                      max_size=k, unique=True))
    return req


LABELS = st.sampled_from((("a", "b", "c", "d"), (0, 1, 2, 3), (1.5, 2.5, 3.5, 4.5),
                          ("IL-2", "observation", "IFN", "other")))


@st.composite
def survival_data(draw: st.DrawFn, min_size: int = 1) -> dict[str, Any]:
    """time (ties: whole days, or days with one decimal) and event (about a third censored)."""
    n = draw(st.integers(min_size, 60))
    step = draw(st.sampled_from((1.0, 0.1)))
    time = [draw(st.integers(0, 400)) * step for _ in range(n)]
    event = [int(draw(st.integers(0, 2)) > 0) for _ in range(n)]
    return {"time": time, "event": event}


def _labels(draw: st.DrawFn, n: int, k: int) -> list[Any]:
    names = draw(LABELS)[:k]
    return [names[draw(st.integers(0, k - 1))] for _ in range(n)]


@st.composite
def km(draw: st.DrawFn) -> dict[str, Any]:
    req = draw(survival_data())
    n = len(req["time"])
    if draw(st.booleans()):
        req["group"] = _labels(draw, n, draw(st.integers(1, 4)))
    if draw(st.booleans()):
        req["conf_type"] = draw(st.sampled_from(("log", "log-log", "plain")))
    if draw(st.booleans()):
        req["level"] = draw(LEVELS)
    if draw(st.booleans()):
        req["landmarks"] = draw(st.lists(st.floats(0, 500, allow_nan=False), max_size=3))
    return req


@st.composite
def logrank(draw: st.DrawFn) -> dict[str, Any]:
    req = draw(survival_data(min_size=4))
    n = len(req["time"])
    req["group"] = _labels(draw, n, draw(st.integers(2, 4)))
    if draw(st.booleans()):
        req["strata"] = _labels(draw, n, draw(st.integers(1, 3)))
    if draw(st.booleans()):
        req["rho"] = draw(st.sampled_from((0.0, 0.5, 1.0, 2.0)))
    return req


@st.composite
def cox(draw: st.DrawFn) -> dict[str, Any]:
    """Times that depend on the covariates (so the fit converges), with censoring and ties."""
    n = draw(st.integers(25, 60))
    age = [draw(st.integers(30, 80)) for _ in range(n)]
    arm = [draw(st.sampled_from(("IL-2", "observation"))) for _ in range(n)]
    ecog = [draw(st.integers(0, 2)) for _ in range(n)]
    hazard = [0.01 * (1.5 if a == "IL-2" else 1.0) * (1 + e / 2) * (1 + (g - 55) / 100)
              for a, e, g in zip(arm, ecog, age, strict=True)]
    u = [draw(st.floats(0.02, 0.98)) for _ in range(n)]
    time = [float(round(-math.log(x) / h)) for x, h in zip(u, hazard, strict=True)]
    event = [int(draw(st.integers(0, 3)) > 0) for _ in range(n)]
    columns: dict[str, list[Any]] = {"age": age, "arm": arm, "ecog": ecog}
    chosen = draw(st.lists(st.sampled_from(sorted(columns)), min_size=1, max_size=3,
                           unique=True))
    covariates: dict[str, list[Any]] = {c: list(columns[c]) for c in chosen}
    if draw(st.booleans()):  # a few missing values: those rows are left out (na.omit)
        col = draw(st.sampled_from(chosen))
        for i in draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)):
            covariates[col][i] = None
    req: dict[str, Any] = {"time": time, "event": event, "covariates": covariates}
    if "ecog" in chosen and draw(st.booleans()):
        req["categorical"] = ["ecog"]
        if draw(st.booleans()):
            req["reference"] = {"ecog": draw(st.sampled_from((0, 1, 2)))}
    if "arm" in chosen and draw(st.booleans()):
        req.setdefault("reference", {})["arm"] = draw(st.sampled_from(("IL-2", "observation")))
    if draw(st.booleans()):
        req["ties"] = draw(st.sampled_from(("efron", "breslow")))
    if draw(st.booleans()):
        req["level"] = draw(LEVELS)
    return req


STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "stats-rate": rate(),
    "stats-compare": compare(),
    "stats-trend": trend(),
    "stats-km": km(),
    "stats-logrank": logrank(),
    "stats-cox": cox(),
}
