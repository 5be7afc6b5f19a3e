"""Operations of dose holds: give, hold or stop at the next scheduled HD IL-2 dose.

The site profile fills ``next-dose``'s ``tz`` (the ward's zone) and ``rulesets`` (the
institutional hold rule sets the site applies beside the label) when a request leaves them out.
"""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation
from hdil2.clinical.toxicity.holds.advice import NextDoseDetails, NextDoseRequest, Value
from hdil2.core.decision import Decision
from hdil2.core.result import decision_schema


def _next_dose(req: NextDoseRequest, _site: Any) -> Decision[str]:
    return req.advise()


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("next-dose", "give, hold or stop at the next scheduled HD IL-2 dose, with reasons",
              NextDoseRequest, _next_dose,
              lambda: decision_schema(Value, NextDoseDetails, "NextDose"), area="holds"),
)
