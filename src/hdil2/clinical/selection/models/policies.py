"""Named policies of the risk models: the unverified choices a site may change.

Each decision that used a policy carries its reason (``policy.<name>``), so the output always
says which formula, variant or conversion was in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hdil2.core.policy import Policy, check_overrides

CALCIUM_CORRECTION = Policy(
    name="calcium_correction",
    default="payne",
    choices=("payne", "mskcc_0707"),
    source="payne1973",
    text="albumin-corrected calcium formula (unverified; docs/decisions.md"
    "#corrected-calcium-formula). 'payne': "
    "Ca + 0.8 × (4.0 − albumin g/dL) (the common clinical form; Payne 1973's abstract gives "
    "Ca − albumin + 4.0); 'mskcc_0707': Ca − 0.707 × (albumin − 3.4), reported for MSKCC work, "
    "unverified. The formula MSKCC and IMDC used could not be verified",
)

PS_CONVERSION = Policy(
    name="performance_status_conversion",
    default="reference_table",
    choices=("reference_table", "none"),
    source="motzer2002",
    text="reading Karnofsky from ECOG (or ECOG from Karnofsky) when only one is recorded "
    "(unverified): 'reference_table' uses ECOG 0 ↔ KPS 90-100, ECOG 1 ↔ KPS 70-80 "
    "(so KPS < 80 stays indeterminate), ECOG 2-4 ↔ KPS ≤ 60; 'none' never converts",
)

NEGRIER_VARIANT = Policy(
    name="negrier_variant",
    default="negrier2005",
    choices=("negrier2005", "negrier2002"),
    source="negrier2005",
    text="rapid-progression factors (the two papers differ; unverified): 'negrier2005' "
    "(verified: hepatic metastases, interval < 1 year, > 1 site, elevated neutrophils; ≥ 3 → "
    "> 80 % probability) or 'negrier2002' as Atkins et al. 2004 (atkins2004) summarise it "
    "(liver metastases + > 1 site + disease-free interval < 1 year)",
)

NEGRIER_DFI_START = Policy(
    name="negrier_dfi_start",
    default="diagnosis",
    choices=("diagnosis", "nephrectomy"),
    source="negrier2005",
    text="start of the disease-free interval for the Negrier factor (unverified: the "
    "summary says 'date of nephrectomy/initial diagnosis'): 'diagnosis' (interval from the "
    "renal tumour, as negrier2005 words it) or 'nephrectomy'",
)

FAVOURABLE_HISTOLOGY_VARIANT = Policy(
    name="favourable_histology_variant",
    default="upton_proxy",
    choices=("upton_proxy", "upton_proxy_sarcomatoid"),
    source="chow2016",
    text="the Christie histology criteria are unverified: 'upton_proxy' "
    "= Upton good or intermediate; 'upton_proxy_sarcomatoid' also calls sarcomatoid features "
    "unfavourable (Chow 2016 growth-pattern wording)",
)

ORGAN_FUNCTION_RANGE = Policy(
    name="organ_function_range",
    default="within_range",
    choices=("within_range", "dysfunction_side"),
    source="atkins1993",
    text="'normal organ function' has no numeric limits in the trial reports (atkins1993, "
    "lee2000; unverified): 'within_range' checks LLN ≤ x ≤ ULN for every lab (read literally, "
    "docs/decisions.md#eligibility-ranges-and-windows); 'dysfunction_side' "
    "checks only the side that signals dysfunction (creatinine, bilirubin, AST, ALT ≤ ULN; "
    "platelets, neutrophils, haemoglobin ≥ LLN)",
)

SELECTION_POLICIES: dict[str, Policy] = {
    p.name: p for p in (
        CALCIUM_CORRECTION, PS_CONVERSION, NEGRIER_VARIANT, NEGRIER_DFI_START,
        FAVOURABLE_HISTOLOGY_VARIANT, ORGAN_FUNCTION_RANGE,
    )
}
"""Every named policy of patient selection (models and eligibility), by name."""


def validate_policies(policies: Mapping[str, Any] | None) -> None:
    """Refuse an unknown policy name or a value outside its choices (InputError naming it).

    Every model and checklist calls this first, so a misspelt override is an error, never a
    silent fall-back to the default.
    """
    check_overrides(SELECTION_POLICIES, policies)
    for name, value in (policies or {}).items():
        SELECTION_POLICIES[name].resolve({name: value})


__all__ = [
    "CALCIUM_CORRECTION",
    "FAVOURABLE_HISTOLOGY_VARIANT",
    "NEGRIER_DFI_START",
    "NEGRIER_VARIANT",
    "ORGAN_FUNCTION_RANGE",
    "PS_CONVERSION",
    "SELECTION_POLICIES",
    "validate_policies",
]
