"""Operations of patient selection: screening (eligibility and every selection model)."""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation
from hdil2.clinical.selection.screening import Screening, ScreenRequest
from hdil2.core.result import output_schema


def _screen(req: ScreenRequest, _site: Any) -> Screening:
    return req.screen()


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("screen", "eligibility under one profile and every prognostic and predictive "
              "model for one patient", ScreenRequest, _screen,
              lambda: output_schema(Screening), area="selection"),
)
