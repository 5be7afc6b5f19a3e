"""Hypothesis strategies of valid requests: outcomes (``qlq-c30``).

A patient's EORTC QLQ-C30 questionnaires: one to six time points in date order, each with the
30 answers in their ranges (1-4, items 29-30 1-7) and some items left unanswered (null), from
none to all, so scales are scored, scored from half their items, or missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st


@st.composite
def answers(draw: st.DrawFn) -> dict[str, int | None]:
    blank = draw(st.floats(0, 1))  # the share of items left unanswered
    out: dict[str, int | None] = {}
    for n in range(1, 31):
        high = 7 if n >= 29 else 4
        answered = draw(st.floats(0, 1)) >= blank
        out[f"q{n}"] = draw(st.integers(1, high)) if answered else None
    return out


@st.composite
def qlq_c30(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1)))
    gaps = draw(st.lists(st.integers(0, 120), min_size=0, max_size=5))
    dates = [start]
    for g in gaps:
        dates.append(dates[-1] + dt.timedelta(days=g))
    doc: dict[str, Any] = {"assessments": []}
    if draw(st.booleans()):
        doc["patient"] = draw(st.text(min_size=1, max_size=12))
    for i, d in enumerate(dates):
        a: dict[str, Any] = {"date": d.isoformat(), "answers": draw(answers())}
        if draw(st.booleans()):
            a["label"] = "baseline" if i == 0 else f"week {6 * i}"
        if draw(st.booleans()):
            a["version"] = "3.0"
        doc["assessments"].append(a)
    return doc


STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "qlq-c30": qlq_c30(),
}
