"""Hypothesis strategies of valid requests: the hold-rule listing (``rules``).

Every request is answered: no rule set (all of them) or one, and no observation or any one of
the observations the hold rules read (a set and an observation no rule of it reads give an
empty list, which is still an answer).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


@st.composite
def rules(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.toxicity.holds.observations import DoseObservations

    req: dict[str, Any] = {}
    choice = draw(st.sampled_from([None, "label", "dutcher2014", "springerplus2015"]))
    if choice is not None or draw(st.booleans()):
        req["set"] = choice
    reads = draw(st.one_of(st.none(), st.sampled_from(sorted(DoseObservations.model_fields))))
    if reads is not None or draw(st.booleans()):
        req["reads"] = reads
    return req


STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "rules": rules(),
}
