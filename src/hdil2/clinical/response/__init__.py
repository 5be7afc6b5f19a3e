"""Tumour response: RECIST 1.1, iRECIST, WHO and the NCI bidimensional criteria.

One module per concept: :mod:`.models` (lesions, visits, measurements), :mod:`.validation`
(structure and RECIST 1.1 baseline rules), :mod:`.recist11`, :mod:`.irecist`,
:mod:`.bidimensional` (WHO, and the NCI Surgery Branch criteria of Lee et al. 2000,
``lee2000``), :mod:`.bor` (best overall response with and without confirmation),
:mod:`.durations` and :mod:`.assess` (the one entry point).
"""

from hdil2.clinical.response.assess import Assessment, assess
from hdil2.clinical.response.bor import BestResponse, best_overall_response
from hdil2.clinical.response.models import (
    AssessmentRequest,
    Lesion,
    Measurement,
    NewLesion,
    Params,
    Visit,
)
from hdil2.clinical.response.timepoint import TimePoint

__all__ = [
    "Assessment",
    "AssessmentRequest",
    "BestResponse",
    "Lesion",
    "Measurement",
    "NewLesion",
    "Params",
    "TimePoint",
    "Visit",
    "assess",
    "best_overall_response",
]
