"""UCLA SANI score (Leibovich 2003, `leibovich2003`): **factor capture only**.

Verified: 173 patients given nephrectomy and IL-2-based immunotherapy (1989-2000); the
independent factors were lymph-node status, constitutional symptoms, location of metastases,
sarcomatoid histology and TSH level, combined into a low / intermediate / high risk score.
Atkins et al. 2004 (`atkins2004`) describe the same analysis (node involvement, constitutional
symptoms, sarcomatoid histology, metastases outside bone-only / lung-only or at multiple sites,
TSH around 2 mIU/L with the comparison sign unreadable in the text available to us) and a
predicted 1-year survival from 1 % to 92 %.

**The point values, the TSH cut-off and its direction, and the group cut-offs are
unverified.  hdil2 does not compute the score**: it records each factor (present / absent /
indeterminate, with the value) and says in every output that the points are unverified.  The
TSH factor is always ``indeterminate`` (value shown, cut-off unknown).  The group is
``not_scored``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hdil2.clinical.selection.models.base import NOT_SCORED, Factor, ModelResult, rcc_only
from hdil2.clinical.selection.models.policies import validate_policies
from hdil2.clinical.selection.patient import Patient, metastatic_organ_count
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

MODEL, SOURCE = "ucla_sani", "leibovich2003"
TITLE = "UCLA SANI score (factor capture only; points unverified)"
SINGLE_SITE_ALLOWED = ("bone", "lung")

UNVERIFIED = Reason(
    f"{MODEL}.points_unverified", SOURCE, tag=Tag.UNVERIFIED,
    text="UCLA SANI point values, TSH cut-off/direction and risk-group cut-offs are "
    "unverified: hdil2 captures the factors and does not compute the score or a group "
    "(atkins2004: predicted 1-year survival ranged from 1 % to 92 %)")


def _nodes(patient: Patient) -> Factor:
    key, label, rule = "node_involvement", "lymph-node involvement", f"{MODEL}.node_involvement"
    n = None if patient.staging is None else patient.staging.n
    if n is None or n == "NX":
        return Factor(key, label, "indeterminate", n,
                      Reason(rule, SOURCE, f"N category {n or 'not recorded'}: indeterminate",
                             {"staging.n": n}, Tag.VERIFIED), ("staging.n",))
    present = n != "N0"
    edition = patient.staging.tnm_edition if patient.staging else None
    return Factor(key, label, "present" if present else "absent", n,
                  Reason(rule, SOURCE, f"{n} ({edition or 'edition not recorded'}): "
                         + ("nodes involved" if present else "no node involvement"),
                         {"staging.n": n, "tnm_edition": edition}, Tag.VERIFIED))


def _bool_factor(value: bool | None, key: str, label: str, path: str) -> Factor:
    rule = f"{MODEL}.{key}"
    if value is None:
        return Factor(key, label, "indeterminate", None,
                      Reason(rule, SOURCE, f"{path} not recorded: indeterminate", {path: None},
                             Tag.VERIFIED), (path,))
    return Factor(key, label, "present" if value else "absent", "yes" if value else "no",
                  Reason(rule, SOURCE, f"{label}: {'yes' if value else 'no'}", {path: value},
                         Tag.VERIFIED))


def _location(patient: Patient) -> Factor:
    key = "metastasis_location"
    label = "metastases outside bone-only / lung-only, or at multiple sites"
    rule = f"{MODEL}.{key}"
    sites = patient.metastatic_sites
    if sites is None:
        return Factor(key, label, "indeterminate", None,
                      Reason(rule, SOURCE, "metastatic sites not recorded: indeterminate",
                             {"metastatic_sites": None}, Tag.SEED), ("metastatic_sites",))
    count = metastatic_organ_count(sites)
    present = count > 1 or any(s not in SINGLE_SITE_ALLOWED for s in sites)
    shown = ", ".join(sites) or "none"
    text = (f"sites {shown}: " + ("multiple sites or a site other than bone/lung" if present
                                  else "bone-only or lung-only (or none)"))
    return Factor(key, label, "present" if present else "absent", shown,
                  Reason(rule, SOURCE, text, {"metastatic_sites": list(sites)}, Tag.SEED))


def _tsh(patient: Patient) -> Factor:
    key, label, rule = "tsh", "TSH level (cut-off unverified)", f"{MODEL}.tsh"
    lab = patient.lab("tsh")
    if lab is None:
        return Factor(key, label, "indeterminate", None,
                      Reason(rule, SOURCE, "TSH not recorded", {"tsh": None}, Tag.UNVERIFIED),
                      ("labs.tsh",))
    return Factor(key, label, "indeterminate", str(lab.value),
                  Reason(rule, SOURCE, f"TSH {lab.value} captured; atkins2004 places the cut-off "
                         "around 2 mIU/L but its direction is unreadable and the paper's "
                         "cut-off is unverified: not classified", {"tsh": str(lab.value)},
                         Tag.UNVERIFIED))


def ucla_sani(patient: Patient, policies: Mapping[str, Any] | None = None) -> ModelResult:
    """Capture the UCLA SANI factors; the score itself is not computed (points unverified)."""
    validate_policies(policies)
    na = rcc_only(patient.disease, MODEL, TITLE, SOURCE)
    if na is not None:
        return na
    sarc = None if patient.pathology is None else patient.pathology.sarcomatoid_present
    factors = (
        _nodes(patient),
        _bool_factor(patient.constitutional_symptoms, "constitutional_symptoms",
                     "constitutional symptoms", "constitutional_symptoms"),
        _location(patient),
        _bool_factor(sarc, "sarcomatoid", "sarcomatoid histology",
                     "pathology.sarcomatoid_present"),
        _tsh(patient),
    )
    caveats = [UNVERIFIED]
    if patient.had_nephrectomy is False:
        caveats.append(Reason(f"{MODEL}.cohort", SOURCE, tag=Tag.VERIFIED,
                              text="derived in patients who had a nephrectomy; this patient "
                              "has not"))
    reason = Reason(f"{MODEL}.group", SOURCE, tag=Tag.UNVERIFIED,
                    text="not scored: factors captured only (points unverified)")
    return ModelResult.of(
        model=MODEL, title=TITLE, source=SOURCE, group=NOT_SCORED, possible_groups=(),
        factors=factors, outcomes=(), reasons=(reason,), caveats=tuple(caveats),
    )
