"""Outcomes after treatment: quality of life (and, later, follow-up).

:mod:`.qlq_c30` scores the EORTC QLQ-C30 version 3.0 questionnaire at each time point of a
patient, exactly as the EORTC scoring manual defines it (`eortc-qlq-c30-manual`); Atkins et al.
2004 (`atkins2004`) report quality of life with it during HD IL-2 and low-dose IL-2 with
interferon.
"""

from hdil2.clinical.outcomes.qlq_c30 import (
    ITEMS,
    SCALES,
    Answers,
    QlqC30Request,
    QlqC30Scores,
    QlqC30Series,
    QlqC30SeriesRequest,
    Scale,
    ScaleScore,
    score_answers,
    score_scale,
)

__all__ = [
    "ITEMS",
    "SCALES",
    "Answers",
    "QlqC30Request",
    "QlqC30Scores",
    "QlqC30Series",
    "QlqC30SeriesRequest",
    "Scale",
    "ScaleScore",
    "score_answers",
    "score_scale",
]
