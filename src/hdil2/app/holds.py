"""Operations of dose holds: give, hold or stop at the next scheduled HD IL-2 dose.

The site profile fills ``next-dose``'s ``tz`` (the ward's zone) and ``rulesets`` (the
institutional hold rule sets the site applies beside the label) when a request leaves them out.
"""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation, Spec
from hdil2.core.result import decision_schema


def _next_dose() -> Spec:
    from hdil2.clinical.toxicity.holds.advice import NextDoseDetails, NextDoseRequest, Value

    return Spec(NextDoseRequest, lambda req, _site: req.advise(),
                lambda: decision_schema(Value, NextDoseDetails, "NextDose"))


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("next-dose", "give, hold or stop at the next scheduled HD IL-2 dose, with reasons",
              _next_dose, area="holds"),
)
