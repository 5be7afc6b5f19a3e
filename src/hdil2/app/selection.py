"""Operations of patient selection: screening (eligibility and every selection model)."""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation, Spec
from hdil2.core.result import output_schema


def _screen() -> Spec:
    from hdil2.clinical.selection.screening import Screening, ScreenRequest

    return Spec(ScreenRequest, lambda req, _site: req.screen(), lambda: output_schema(Screening))


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("screen", "eligibility under one profile and every prognostic and predictive "
              "model for one patient", _screen, area="selection"),
)
