"""Rapid progression on cytokines (Negrier, French Immunotherapy Group).

Rapid progression = progression within 10 weeks of starting therapy.  Two factor lists exist
and differ (unverified which is right); policy ``negrier_variant`` chooses:

* ``negrier2005`` (default, verified): hepatic metastases; interval from the renal tumour to
  metastases < 1 year; > 1 metastatic site; elevated neutrophils (> ULN).  **≥ 3 factors →
  > 80 % probability of rapid progression** (group ``high_risk``; 0-2 ``not_high_risk``).
* ``negrier2002`` as Atkins et al. 2004 (`atkins2004`) summarise it: liver metastases, > 1
  metastatic site and disease-free interval < 1 year **together** gave a lower response rate
  and a median survival of about 6 months even on IL-2 + IFN-α (group ``high_risk`` when all
  three are present).
  That review also names mediastinal nodes (with liver metastases) and the type of
  immunotherapy as predictors; they are reported, not scored.

Interval: from ``diagnosis_date`` (default) or ``nephrectomy_date`` (policy
``negrier_dfi_start``) to ``metastasis_date``; "< 1 year" by calendar arithmetic
(docs/decisions.md#one-year-arithmetic).
Metastatic sites are counted as organs (both node entries are one organ).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hdil2.clinical.selection.models.base import (
    Band,
    Factor,
    ModelResult,
    Outcome,
    count_model,
    rcc_only,
)
from hdil2.clinical.selection.models.factors import interval_factor, lab_factor
from hdil2.clinical.selection.models.policies import (
    NEGRIER_DFI_START,
    NEGRIER_VARIANT,
    validate_policies,
)
from hdil2.clinical.selection.patient import Patient, metastatic_organ_count
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

MODEL = "negrier_rapid_progression"

BANDS_2005: tuple[Band, ...] = (Band("not_high_risk", 0, 2), Band("high_risk", 3, None))
BANDS_2002: tuple[Band, ...] = (Band("not_high_risk", 0, 2), Band("high_risk", 3, 3))

OUTCOMES_2005: dict[str, Outcome] = {
    "high_risk": Outcome(
        "high_risk", "≥ 3 of 4 factors: > 80 % probability of rapid progression (within 10 "
        "weeks of starting cytokines; 782-patient GFI database)", "negrier2005", Tag.VERIFIED,
        {"rapid_progression_probability_pct": "> 80"}),
    "not_high_risk": Outcome(
        "not_high_risk", "fewer than 3 factors: below the > 80 % high-risk threshold (the "
        "source gives no probability for this group here)", "negrier2005", Tag.VERIFIED, {}),
}
OUTCOMES_2002: dict[str, Outcome] = {
    "high_risk": Outcome(
        "high_risk", "liver metastases + > 1 site + disease-free interval < 1 year: lower "
        "response rate and median survival about 6 months, even on IL-2 + IFN-α (atkins2004's "
        "account of Negrier 2002)", "negrier2002", Tag.SEED, {"median_survival_months": 6}),
    "not_high_risk": Outcome(
        "not_high_risk", "not all three of liver metastases, > 1 site and disease-free "
        "interval < 1 year", "negrier2002", Tag.SEED, {}),
}


def _sites_factor(patient: Patient, key: str, label: str, source: str, tag: Tag,
                  *, liver: bool) -> Factor:
    rule = f"{MODEL}.{key}"
    sites = patient.metastatic_sites
    if sites is None:
        return Factor(key, label, "indeterminate", None,
                      Reason(rule, source, "metastatic sites not recorded: factor "
                             "indeterminate", {"metastatic_sites": None}, tag),
                      ("metastatic_sites",))
    if liver:
        present = "liver" in sites
        text = "liver metastases" if present else "no liver metastases"
        shown = ", ".join(sites) or "none"
    else:
        count = metastatic_organ_count(sites)
        present = count > 1
        text = f"{count} metastatic organ site{'s' if count != 1 else ''} " + (
            "(> 1)" if present else "(not > 1)")
        shown = f"{count} ({', '.join(sites) or 'none'})"
    return Factor(key, label, "present" if present else "absent", shown,
                  Reason(rule, source, f"{text}: factor {'present' if present else 'absent'}",
                         {"metastatic_sites": list(sites)}, tag))


def negrier_rapid_progression(
    patient: Patient, policies: Mapping[str, Any] | None = None
) -> ModelResult:
    """Rapid-progression risk under the ``negrier_variant`` policy (2005 by default)."""
    validate_policies(policies)
    variant = NEGRIER_VARIANT.resolve(policies)
    source = variant
    tag = Tag.VERIFIED if variant == "negrier2005" else Tag.SEED
    title = ("Rapid progression on cytokines (Negrier 2005)" if variant == "negrier2005" else
             "Rapid progression on cytokines (Negrier 2002, as summarised in atkins2004)")
    na = rcc_only(patient.disease, MODEL, title, source)
    if na is not None:
        return na
    start = NEGRIER_DFI_START.resolve(policies)
    start_field = "diagnosis_date" if start == "diagnosis" else "nephrectomy_date"
    factors = [
        _sites_factor(patient, "liver_metastases", "liver metastases", source, tag, liver=True),
        interval_factor(patient, start_field, "metastasis_date", key="interval_below_1y",
                        label=f"{start_field.removesuffix('_date')} to metastasis < 1 year",
                        model=MODEL, source=source, tag=tag),
        _sites_factor(patient, "more_than_one_site", "> 1 metastatic site", source, tag,
                      liver=False),
    ]
    reasons = [NEGRIER_VARIANT.reason(variant), NEGRIER_DFI_START.reason(start)]
    caveats: list[Reason] = []
    if variant == "negrier2005":
        factors.append(lab_factor(patient, "neutrophils", op=">", limit="uln", model=MODEL,
                                  source=source, tag=tag, key="neutrophils_above_uln"))
        bands, outcomes = BANDS_2005, OUTCOMES_2005
    else:
        bands, outcomes = BANDS_2002, OUTCOMES_2002
        sites = patient.metastatic_sites
        med = None if sites is None else "mediastinal_nodes" in sites
        caveats.append(Reason(
            f"{MODEL}.not_scored", "negrier2002", tag=Tag.SEED,
            inputs={"mediastinal_nodes": med},
            text="atkins2004 also names mediastinal nodes (with liver metastases) and the type "
            "of immunotherapy as predictors; reported, not scored (mediastinal nodes: "
            f"{'not recorded' if med is None else ('yes' if med else 'no')})"))
    caveats.append(Reason(
        f"{MODEL}.variants", "negrier2005", tag=Tag.UNVERIFIED,
        text="the 2002 and 2005 factor lists differ (mediastinal nodes / therapy type vs "
        "neutrophils); derived in cytokine-treated patients of the GFI database"))
    return count_model(
        model=MODEL, title=title, source=source, factors=factors, bands=bands,
        outcomes=outcomes, band_source=source, band_tag=tag, extra_reasons=reasons,
        caveats=caveats,
    )
