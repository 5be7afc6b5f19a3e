"""Favourable histology for HD IL-2 selection (Shablak 2011, Chow 2016).

Shablak et al. 2011 (`shablak2011`) selected patients by histological "risk groups" whose
criteria the abstract does not give; the same centre (`chow2016`, verified) describes them as
growth pattern (alveolar or solid vs papillary and/or sarcomatoid) and cytoplasm (clear vs
granular), with exact thresholds unverified.  hdil2 therefore implements an **Upton-based
proxy** (the default): Upton good or intermediate = favourable; poor or non-clear =
unfavourable.  Policy ``favourable_histology_variant``:

* ``upton_proxy`` (default) — the proxy above;
* ``upton_proxy_sarcomatoid`` — also calls any sarcomatoid feature unfavourable, following
  Chow's growth-pattern wording.

What the sources report: Shablak prospective favourable cohort 21/40 (52 %); all favourable
28/57 (49 %), complete response 14/57 (25 %); unselected 2003-2006 cohort 8/30 (27 %) (as
stated in the abstract); Chow: 51/106 (48.1 %), complete response 23/106 (21.6 %) (verified).
For unfavourable histology no rate is stated; if all 40 prospective patients were favourable
the retrospective cohort had 13 unfavourable patients with 1 responder — computed, not
stated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hdil2.clinical.selection.models.base import (
    INDETERMINATE,
    Factor,
    FactorStatus,
    ModelResult,
    Outcome,
    rcc_only,
)
from hdil2.clinical.selection.models.policies import FAVOURABLE_HISTOLOGY_VARIANT, validate_policies
from hdil2.clinical.selection.models.upton import upton
from hdil2.clinical.selection.patient import Patient
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

MODEL, SOURCE = "favourable_histology", "shablak2011"
TITLE = "Favourable histology for HD IL-2 (Shablak/Chow, Upton-based proxy)"

VARIANT = FAVOURABLE_HISTOLOGY_VARIANT

OUTCOMES: dict[str, Outcome] = {
    "favourable": Outcome(
        "favourable", "Shablak 2011: response 21/40 (52 %) in the prospectively selected "
        "favourable cohort; 28/57 (49 %) for all favourable patients, complete response 14/57 "
        "(25 %); Chow 2016 (same centre): 51/106 (48.1 %), complete response 23/106 (21.6 %)",
        SOURCE, Tag.SEED,
        {"responders": 28, "n": 57, "response_pct": 49, "complete": 14,
         "prospective_responders": 21, "prospective_n": 40,
         "chow2016_responders": 51, "chow2016_n": 106}),
    "unfavourable": Outcome(
        "unfavourable", "no rate stated; derived from shablak2011 if all 40 prospective patients "
        "were favourable: 1/13 responded among retrospective unfavourable patients (not "
        "stated by the paper); unselected patients 8/30 (27 %)", SOURCE, Tag.COMPUTED,
        {"responders": 1, "n": 13, "unselected_responders": 8, "unselected_n": 30}),
}

CAVEAT = Reason(
    f"{MODEL}.proxy", "chow2016", tag=Tag.UNVERIFIED,
    text="Upton-based proxy: the Christie histology criteria of Shablak 2011 / Chow 2016 are "
    "described in words only; their exact thresholds are unverified")


def favourable_histology(
    patient: Patient, policies: Mapping[str, Any] | None = None
) -> ModelResult:
    """Favourable or unfavourable histology for HD IL-2 (Upton-based proxy)."""
    validate_policies(policies)
    na = rcc_only(patient.disease, MODEL, TITLE, SOURCE)
    if na is not None:
        return na
    variant = VARIANT.resolve(policies)
    up = upton(patient)
    fav_upton = {"good", "intermediate"}
    ups = set(up.possible_groups)
    st: FactorStatus = ("present" if ups <= fav_upton else
                        "absent" if not ups & fav_upton else "indeterminate")
    factors = [Factor(
        "upton_good_or_intermediate", "Upton group good or intermediate", st,
        f"Upton {up.group}",
        Reason(f"{MODEL}.upton", "upton2005", tag=Tag.VERIFIED, inputs={"upton": up.group},
               text=f"Upton group {up.group}: "
               + {"present": "favourable by the proxy", "absent": "unfavourable by the proxy",
                  "indeterminate": "proxy indeterminate"}[st]),
        up.missing if st == "indeterminate" else ())]
    possible_fav = {"present": [True], "absent": [False], "indeterminate": [True, False]}[st]
    if variant == "upton_proxy_sarcomatoid":
        sarc = None if patient.pathology is None else patient.pathology.sarcomatoid_present
        sst: FactorStatus = "indeterminate" if sarc is None else (
            "present" if sarc else "absent")
        factors.append(Factor(
            "sarcomatoid", "sarcomatoid features (unfavourable)", sst,
            None if sarc is None else ("present" if sarc else "absent"),
            Reason(f"{MODEL}.sarcomatoid", "chow2016", tag=Tag.UNVERIFIED,
                   inputs={"sarcomatoid_present": sarc},
                   text="sarcomatoid features not recorded" if sarc is None else
                   ("sarcomatoid features → unfavourable" if sarc else
                    "no sarcomatoid features")),
            ("pathology.sarcomatoid_present",) if sarc is None else ()))
        sarc_options = [True, False] if sarc is None else [sarc]
        possible_fav = sorted({f and not s for f in possible_fav for s in sarc_options},
                              reverse=True)
    possible = tuple("favourable" if f else "unfavourable"
                     for f in dict.fromkeys(sorted(possible_fav, reverse=True)))
    group = possible[0] if len(possible) == 1 else INDETERMINATE
    reason = Reason(f"{MODEL}.group", SOURCE, tag=Tag.UNVERIFIED,
                    inputs={"upton": up.group, "variant": variant},
                    text=f"Upton-based proxy ({variant}) → {group}"
                    + (f" ({' or '.join(possible)})" if group == INDETERMINATE else ""))
    return ModelResult.of(
        model=MODEL, title=TITLE, source=SOURCE, group=group, possible_groups=possible,
        factors=tuple(factors), outcomes=tuple(OUTCOMES[g] for g in possible),
        reasons=(VARIANT.reason(variant), *up.reasons, reason), caveats=(CAVEAT, *up.caveats),
    )
