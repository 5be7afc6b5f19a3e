"""MSKCC (Motzer) prognostic models, 1999 and 2002.

Both count five factors and group 0 favourable / 1-2 intermediate / ≥ 3 poor (verified):

=====================================  =========================  ===========================
factor                                 MSKCC 1999 (`motzer1999`)  MSKCC 2002 (`motzer2002`)
=====================================  =========================  ===========================
Karnofsky performance status < 80 %    yes                        yes
LDH > 1.5 × ULN                        yes                        yes
haemoglobin < LLN                      yes                        yes
corrected calcium > 10.0 mg/dL         yes                        yes
fifth factor                           no prior nephrectomy (*)   diagnosis → therapy < 1 y
=====================================  =========================  ===========================

(*) from memory, not re-checked: provisional.

Outcomes: 2002 median overall survival 30 / 14 / 5 months (463 IFN-α-treated patients;
verified); 1999 20 / 10 / 4 months (670 patients; from memory, provisional).  Atkins et al.
2004 (`atkins2004`) describe the **2002** model and print 453 patients; the paper says 463 (a
typo in the review).

"Start of therapy" is the planned first HD IL-2 dose (``planned_day1``); "< 1 year" is
calendar arithmetic, exactly one year = absent (docs/decisions.md#one-year-arithmetic).
Karnofsky may be read from ECOG only under the ``performance_status_conversion`` policy (ECOG 1
stays indeterminate).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from hdil2.clinical.selection.models.base import (
    Band,
    Factor,
    ModelResult,
    Outcome,
    count_model,
    rcc_only,
)
from hdil2.clinical.selection.models.calcium import calcium_above_10_factor
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
LDH_MULTIPLE = Fraction("1.5")

OUTCOMES_2002: dict[str, Outcome] = {
    g: Outcome(g, f"median overall survival {m} months ({txt}; 463 patients given first-line "
               "IFN-α in 6 MSKCC trials)", "motzer2002", Tag.VERIFIED,
               {"median_os_months": m, "cohort_n": 463})
    for g, m, txt in (("favourable", 30, "0 factors"), ("intermediate", 14, "1-2 factors"),
                      ("poor", 5, "≥ 3 factors"))
}

OUTCOMES_1999: dict[str, Outcome] = {
    g: Outcome(g, f"median overall survival {m} months ({txt}; 670 patients in 24 MSKCC "
               "trials) — from memory, provisional", "motzer1999", Tag.MEMORY,
               {"median_os_months": m, "cohort_n": 670})
    for g, m, txt in (("favourable", 20, "0 factors"), ("intermediate", 10, "1-2 factors"),
                      ("poor", 4, "≥ 3 factors"))
}


def _common(patient: Patient, policies: Mapping[str, Any] | None, model: str,
            source: str) -> list[Factor]:
    return [
        kps_below_80(patient, policies, model=model, source=source, tag=Tag.VERIFIED),
        lab_factor(patient, "ldh", op=">", limit="uln", multiple=LDH_MULTIPLE, model=model,
                   source=source, tag=Tag.VERIFIED, key="ldh_above_1_5_uln"),
        lab_factor(patient, "hemoglobin", op="<", limit="lln", model=model, source=source,
                   tag=Tag.VERIFIED),
        calcium_above_10_factor(patient, policies, model=model, source=source),
    ]


def _policy_reasons(policies: Mapping[str, Any] | None) -> list[Reason]:
    return [CALCIUM_CORRECTION.reason(CALCIUM_CORRECTION.resolve(policies)),
            PS_CONVERSION.reason(PS_CONVERSION.resolve(policies))]


def _no_nephrectomy(patient: Patient) -> Factor:
    key, label = "no_prior_nephrectomy", "no prior nephrectomy"
    rule = f"mskcc1999.{key}"
    done = patient.had_nephrectomy
    if done is None:
        return Factor(key, label, "indeterminate", None,
                      Reason(rule, "motzer1999", "nephrectomy status not recorded: factor "
                             "indeterminate", {"prior_nephrectomy": None}, Tag.MEMORY),
                      missing=("prior_nephrectomy",))
    text = ("prior nephrectomy" + (f" on {patient.nephrectomy_date}" if patient.nephrectomy_date
                                   else "") + ": factor absent") if done else (
        "no prior nephrectomy: factor present")
    return Factor(key, label, "absent" if done else "present",
                  "nephrectomy done" if done else "no nephrectomy",
                  Reason(rule, "motzer1999", text, {"prior_nephrectomy": done}, Tag.MEMORY))


def mskcc2002(patient: Patient, policies: Mapping[str, Any] | None = None) -> ModelResult:
    """MSKCC 2002 (Motzer 2002): the model atkins2004 describes; medians 30/14/5 months."""
    validate_policies(policies)
    model, source = "mskcc2002", "motzer2002"
    na = rcc_only(patient.disease, model, "MSKCC 2002 (Motzer) prognostic model", source)
    if na is not None:
        return na
    factors = _common(patient, policies, model, source)
    factors.append(interval_factor(
        patient, "diagnosis_date", "planned_day1", key="diagnosis_to_therapy_below_1y",
        label="time from diagnosis to start of therapy < 1 year", model=model, source=source,
        tag=Tag.VERIFIED))
    return count_model(
        model=model, title="MSKCC 2002 (Motzer) prognostic model", source=source,
        factors=factors, bands=BANDS, outcomes=OUTCOMES_2002, band_source=source,
        band_tag=Tag.VERIFIED, extra_reasons=_policy_reasons(policies),
        caveats=[Reason("mskcc2002.cohort", source, tag=Tag.VERIFIED,
                        text="derived in 463 patients given first-line interferon-α, not "
                        "HD IL-2; atkins2004 prints 453 (typo)")],
    )


def mskcc1999(patient: Patient, policies: Mapping[str, Any] | None = None) -> ModelResult:
    """MSKCC 1999 (Motzer 1999): fifth factor no prior nephrectomy, medians 20/10/4 (memory)."""
    validate_policies(policies)
    model, source = "mskcc1999", "motzer1999"
    na = rcc_only(patient.disease, model, "MSKCC 1999 (Motzer) prognostic model", source)
    if na is not None:
        return na
    factors = _common(patient, policies, model, source)
    factors.append(_no_nephrectomy(patient))
    return count_model(
        model=model, title="MSKCC 1999 (Motzer) prognostic model", source=source,
        factors=factors, bands=BANDS, outcomes=OUTCOMES_1999, band_source=source,
        band_tag=Tag.VERIFIED, extra_reasons=_policy_reasons(policies),
        caveats=[Reason("mskcc1999.provisional", source, tag=Tag.MEMORY,
                        text="the fifth factor (no prior nephrectomy) and the medians 20/10/4 "
                        "months are from memory, not re-checked; "
                        "descriptions that give this model 'time from diagnosis < 1 year' mix "
                        "it with the 2002 model")],
    )
