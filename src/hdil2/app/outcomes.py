"""Operations of outcomes: quality of life (the EORTC QLQ-C30) at each time point of a patient."""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation, Spec
from hdil2.core.result import output_schema


def _qlq_c30() -> Spec:
    from hdil2.clinical.outcomes.qlq_c30 import QlqC30Series, QlqC30SeriesRequest

    return Spec(QlqC30SeriesRequest, lambda req, _site: req.series(),
                lambda: output_schema(QlqC30Series))


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("qlq-c30", "EORTC QLQ-C30 (version 3.0) scores at each time point: global "
              "health status, five functional and three symptom scales, six single items",
              _qlq_c30, area="outcomes"),
)
