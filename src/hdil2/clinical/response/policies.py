"""Named policies of the response criteria: the choices the sources leave open.

Each is a :class:`~hdil2.core.policy.Policy` (what a source leaves open or unverified
becomes a policy, never a literal).  Every assessment states the value in force in its
reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hdil2.core.policy import Policy, check_overrides
from hdil2.core.sources import Tag

REAPPEARANCE_AFTER_CR = Policy(
    name="reappearance_after_cr",
    default="pd",
    choices=("pd", "sum_rules"),
    source="recist-faq",
    tag=Tag.VERIFIED,
    text="after an overall CR, the reappearance of any lesion is PD (RECIST 1.1 Table 3 "
    "footnote; RECIST FAQ 'Does a new lesion always result in PD?'); 'sum_rules' judges the "
    "reappeared disease by the sum rules only, as the pharmaversesdtm script does (it calls "
    "a 4.95 mm reappearance PR)",
)

CONFIRM_MAX_NE_BETWEEN = Policy(
    name="confirm_max_ne_between",
    default=1,
    choices=(0, 1),
    source="admiralonco",
    tag=Tag.UNVERIFIED,
    text="how many NE assessments may lie between a response and its confirmation; RECIST "
    "1.1 is silent, admiralonco tolerates one (default), 0 = the confirming scan must be the "
    "next assessment",
)

NODES_ONE_ORGAN = Policy(
    name="nodes_one_organ",
    default=True,
    choices=(True, False),
    source="recist-faq",
    tag=Tag.VERIFIED,
    text="for the ≤ 2 targets per organ rule all lymph nodes count as one organ (RECIST FAQ "
    "'Paired organs'); False = each organ label of a node counts separately (a protocol choice)",
)

WHO_PD_REFERENCE = Policy(
    name="who_pd_reference",
    default="lesion_nadir",
    choices=("lesion_nadir", "lesion_baseline", "sum_nadir"),
    source="who1981",
    tag=Tag.UNVERIFIED,
    text="WHO PD is a ≥ 25 % increase in one or more measurable lesions; the reference size is "
    "not fixed by WHO: default each lesion's smallest recorded product",
)

NCI_PD_RULE = Policy(
    name="nci_pd_rule",
    default="who",
    choices=("who", "none"),
    source="lee2000",
    tag=Tag.UNVERIFIED,
    text="Lee et al. 2000 (lee2000) defines no PD; default applies the WHO PD rule (any new "
    "lesion, non-target unequivocal progression, or a lesion ≥ 25 % above its reference)",
)

NCI_GROWING_REFERENCE = Policy(
    name="nci_growing_reference",
    default="lesion_nadir",
    choices=("lesion_nadir", "lesion_baseline"),
    source="lee2000",
    tag=Tag.UNVERIFIED,
    text="the PR of Lee et al. 2000 (lee2000) needs 'no new or growing lesions' without "
    "defining growth; default: a lesion whose product exceeds its smallest recorded product "
    "is growing",
)

IRECIST_NEW_LESION_RESET = Policy(
    name="irecist_new_lesion_reset",
    default="stay_iupd",
    choices=("stay_iupd", "target_response"),
    source="recist-faq",
    tag=Tag.UNVERIFIED,
    text="after an iUPD driven by new lesions that then neither grow nor resolve, the iRECIST "
    "FAQ allows both readings: the time point stays iUPD (default) or, with 'target_response', "
    "is iSD/iPR by the target and non-target response",
)

RECIST_POLICIES: dict[str, Policy] = {
    p.name: p for p in (REAPPEARANCE_AFTER_CR, CONFIRM_MAX_NE_BETWEEN, NODES_ONE_ORGAN)
}
IRECIST_POLICIES: dict[str, Policy] = {
    **RECIST_POLICIES, IRECIST_NEW_LESION_RESET.name: IRECIST_NEW_LESION_RESET,
}
WHO_POLICIES: dict[str, Policy] = {
    p.name: p for p in (WHO_PD_REFERENCE, CONFIRM_MAX_NE_BETWEEN)
}
NCI_POLICIES: dict[str, Policy] = {
    p.name: p for p in (NCI_PD_RULE, NCI_GROWING_REFERENCE, WHO_PD_REFERENCE,
                        CONFIRM_MAX_NE_BETWEEN)
}

POLICIES_BY_CRITERIA: dict[str, dict[str, Policy]] = {
    "recist1.1": RECIST_POLICIES, "irecist": IRECIST_POLICIES, "who": WHO_POLICIES,
    "nci": NCI_POLICIES,
}


def resolve(criteria: str, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The value in force of every policy of ``criteria`` (unknown names are refused)."""
    policies = POLICIES_BY_CRITERIA[criteria]
    check_overrides(policies, overrides)
    return {name: p.resolve(overrides) for name, p in policies.items()}
