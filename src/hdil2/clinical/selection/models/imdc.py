"""IMDC (Heng) prognostic model (`heng2009`).

Six factors (verified): Karnofsky < 80 %; time from diagnosis to treatment < 1 year; haemoglobin
< LLN; corrected calcium > ULN; neutrophils > ULN; platelets > ULN.  Groups: 0 favourable,
1-2 intermediate, 3-6 poor (verified).

Outcomes (645 patients on VEGF-targeted therapy): favourable median OS not reached, 2-year OS
75 % (verified); intermediate median 27 months, 2-year 53 %; poor median 8.8 months, 2-year
7 % (these two from memory, not re-checked).  The model was **not derived in IL-2-treated
patients**; every output says so.

Comparisons are exact and exclusive ("> ULN": a value equal to the ULN is absent); the
corrected calcium follows :mod:`hdil2.clinical.selection.models.calcium`; "< 1 year" is calendar
arithmetic from ``diagnosis_date`` to ``planned_day1`` (docs/decisions.md#one-year-arithmetic).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hdil2.clinical.selection.models.base import Band, ModelResult, Outcome, count_model, rcc_only
from hdil2.clinical.selection.models.calcium import calcium_above_uln_factor
from hdil2.clinical.selection.models.factors import interval_factor, kps_below_80, lab_factor
from hdil2.clinical.selection.models.policies import (
    CALCIUM_CORRECTION,
    PS_CONVERSION,
    validate_policies,
)
from hdil2.clinical.selection.patient import Patient
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

BANDS: tuple[Band, ...] = (
    Band("favourable", 0, 0), Band("intermediate", 1, 2), Band("poor", 3, None),
)

OUTCOMES: dict[str, Outcome] = {
    "favourable": Outcome(
        "favourable", "median overall survival not reached; 2-year OS 75 % (n = 133)",
        "heng2009", Tag.VERIFIED,
        {"median_os_months": "not reached", "os_2y_pct": 75, "group_n": 133}),
    "intermediate": Outcome(
        "intermediate", "median overall survival 27 months; 2-year OS 53 % (from memory, "
        "provisional)", "heng2009", Tag.MEMORY, {"median_os_months": 27, "os_2y_pct": 53}),
    "poor": Outcome(
        "poor", "median overall survival 8.8 months; 2-year OS 7 % (from memory, provisional)",
        "heng2009", Tag.MEMORY, {"median_os_months": 8.8, "os_2y_pct": 7}),
}


def imdc(patient: Patient, policies: Mapping[str, Any] | None = None) -> ModelResult:
    """IMDC risk group of ``patient`` with its six factors."""
    validate_policies(policies)
    model, source = "imdc", "heng2009"
    na = rcc_only(patient.disease, model, "IMDC (Heng) prognostic model", source)
    if na is not None:
        return na
    factors = [
        kps_below_80(patient, policies, model=model, source=source, tag=Tag.VERIFIED),
        interval_factor(
            patient, "diagnosis_date", "planned_day1", key="diagnosis_to_therapy_below_1y",
            label="time from diagnosis to treatment < 1 year", model=model, source=source,
            tag=Tag.VERIFIED),
        lab_factor(patient, "hemoglobin", op="<", limit="lln", model=model, source=source,
                   tag=Tag.VERIFIED),
        calcium_above_uln_factor(patient, policies, model=model, source=source),
        lab_factor(patient, "neutrophils", op=">", limit="uln", model=model, source=source,
                   tag=Tag.VERIFIED),
        lab_factor(patient, "platelets", op=">", limit="uln", model=model, source=source,
                   tag=Tag.VERIFIED),
    ]
    return count_model(
        model=model, title="IMDC (Heng) prognostic model", source=source, factors=factors,
        bands=BANDS, outcomes=OUTCOMES, band_source=source, band_tag=Tag.VERIFIED,
        extra_reasons=[CALCIUM_CORRECTION.reason(CALCIUM_CORRECTION.resolve(policies)),
                       PS_CONVERSION.reason(PS_CONVERSION.resolve(policies))],
        caveats=[Reason("imdc.cohort", source, tag=Tag.VERIFIED,
                        text="derived in 645 patients treated with VEGF-targeted therapy, not "
                        "in IL-2-treated patients: its survival figures do not describe HD IL-2")],
    )
