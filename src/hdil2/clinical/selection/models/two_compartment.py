"""Two-compartment (integrated selection) model: pathology + CA-IX (`atkins2005`).

Favourable = Upton **good** (any CA-IX) **or** Upton **intermediate with high CA-IX**
(> 85 %); unfavourable = Upton poor, non-clear cell, or intermediate with low CA-IX
(`atkins2005`, verified).  Missing CA-IX matters only for an intermediate pathology group.

Numbers the model carries: the favourable compartment held 26 of 27 responders vs 18 of 39
non-responders (OR ≈ 30, P < 0.01; verified).  The text of Atkins et al. 2004 (`atkins2004`)
available to us reads "odds ratio 3 0, P = 0.01": text extraction lost the digit separator and
the "<" sign; the counts give OR ≈ 30 and Fisher P ≈ 1e-5.  Response by compartment is computed
from those counts: favourable 26/44, unfavourable 1/22.

Not prospectively validated in these sources; the prospective SELECT trial (`mcdermott2015`)
found no difference in response by this integrated selection model ("good-risk" 23 % vs
"poor-risk" 30 %, P = 0.39; verified).  Present it as hypothesis-generating.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hdil2.clinical.selection.models.base import (
    INDETERMINATE,
    Factor,
    ModelResult,
    Outcome,
    factor_status,
    rcc_only,
)
from hdil2.clinical.selection.models.caix import caix
from hdil2.clinical.selection.models.policies import validate_policies
from hdil2.clinical.selection.models.upton import upton
from hdil2.clinical.selection.patient import Patient
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

MODEL, SOURCE = "two_compartment", "atkins2005"
TITLE = "Two-compartment model (Upton pathology + CA-IX)"


@dataclass(frozen=True, slots=True)
class CompartmentCounts:
    """Responders and non-responders in the favourable compartment (`atkins2005`, verified)."""

    responders: int = 27
    responders_favourable: int = 26
    non_responders: int = 39
    non_responders_favourable: int = 18

    @property
    def favourable_n(self) -> int:
        return self.responders_favourable + self.non_responders_favourable

    @property
    def unfavourable_n(self) -> int:
        return self.responders + self.non_responders - self.favourable_n

    @property
    def unfavourable_responders(self) -> int:
        return self.responders - self.responders_favourable


COUNTS = CompartmentCounts()


def _pct(a: int, b: int) -> int:
    return round(Decimal(100 * a) / b)


OUTCOMES: dict[str, Outcome] = {
    "favourable": Outcome(
        "favourable", f"held {COUNTS.responders_favourable} of {COUNTS.responders} responders "
        f"vs {COUNTS.non_responders_favourable} of {COUNTS.non_responders} non-responders "
        f"(OR ≈ 30, P < 0.01); response {COUNTS.responders_favourable}/{COUNTS.favourable_n} "
        f"({_pct(COUNTS.responders_favourable, COUNTS.favourable_n)} %, derived); survival "
        "better (P = 0.01, atkins2004)", SOURCE, Tag.VERIFIED,
        {"responders": COUNTS.responders_favourable, "n": COUNTS.favourable_n,
         "response_pct": _pct(COUNTS.responders_favourable, COUNTS.favourable_n)}),
    "unfavourable": Outcome(
        "unfavourable", f"held {COUNTS.unfavourable_responders} of {COUNTS.responders} "
        f"responders; response {COUNTS.unfavourable_responders}/{COUNTS.unfavourable_n} "
        f"({_pct(COUNTS.unfavourable_responders, COUNTS.unfavourable_n)} %, derived)",
        SOURCE, Tag.VERIFIED,
        {"responders": COUNTS.unfavourable_responders, "n": COUNTS.unfavourable_n,
         "response_pct": _pct(COUNTS.unfavourable_responders, COUNTS.unfavourable_n)}),
}

CAVEATS = (
    Reason(f"{MODEL}.validation", "mcdermott2015", tag=Tag.VERIFIED,
           text="hypothesis-generating: the prospective SELECT trial found response did not "
           "differ by this integrated selection model (good-risk 23 % vs poor-risk 30 %, "
           "P = 0.39)"),
    Reason(f"{MODEL}.seed_print", "atkins2004", tag=Tag.SEED,
           text="the text of atkins2004 available to us reads 'odds ratio 3 0, P = 0.01'; "
           "the counts give OR ≈ 30 and Fisher P ≈ 1e-5, i.e. P < 0.01 (a text-extraction "
           "error)"),
)


def two_compartment(
    patient: Patient, policies: Mapping[str, Any] | None = None
) -> ModelResult:
    """Favourable or unfavourable compartment, from the Upton group and CA-IX."""
    validate_policies(policies)
    na = rcc_only(patient.disease, MODEL, TITLE, SOURCE)
    if na is not None:
        return na
    up = upton(patient)
    cx = caix(patient)
    ups = up.possible_groups
    cxs = cx.possible_groups
    possible: list[str] = []
    for g in ups:
        for c in cxs if g == "intermediate" else ("any",):
            fav = g == "good" or (g == "intermediate" and c == "high")
            name = "favourable" if fav else "unfavourable"
            if name not in possible:
                possible.append(name)
    possible.sort(key=("favourable", "unfavourable").index)

    good_status = factor_status(ups == ("good",), "good" not in ups)
    f1 = Factor(
        "upton_good", "Upton group good", good_status,
        f"Upton {up.group}", Reason(f"{MODEL}.upton_good", "upton2005", tag=Tag.VERIFIED,
                                    text=f"Upton group {up.group}", inputs={"upton": up.group}),
        () if good_status != "indeterminate" else up.missing)
    inter_only = ups == ("intermediate",)
    inter_possible = "intermediate" in ups
    high_known, low_known = cxs == ("high",), cxs == ("low",)
    st2 = factor_status(inter_only and high_known, not inter_possible or low_known)
    miss2: list[str] = []
    if st2 == "indeterminate":
        if not inter_only:
            miss2.extend(up.missing)
        if not (high_known or low_known):
            miss2.extend(cx.missing)
    f2 = Factor(
        "upton_intermediate_caix_high", "Upton intermediate with CA-IX > 85 %",
        st2,
        f"Upton {up.group}, CA-IX {cx.group}",
        Reason(f"{MODEL}.intermediate_caix_high", SOURCE, tag=Tag.VERIFIED,
               text=f"Upton {up.group}; CA-IX {cx.group}"
               + ("" if inter_possible else " (CA-IX not needed: not intermediate)"),
               inputs={"upton": up.group, "caix": cx.group}),
        tuple(dict.fromkeys(miss2)))
    group = possible[0] if len(possible) == 1 else INDETERMINATE
    reason = Reason(f"{MODEL}.group", SOURCE, tag=Tag.VERIFIED,
                    inputs={"upton": list(ups), "caix": list(cxs)},
                    text=f"Upton {'/'.join(ups)} with CA-IX {'/'.join(cxs)} → "
                    + (group if group != INDETERMINATE else
                       f"indeterminate ({' or '.join(possible)})"))
    return ModelResult.of(
        model=MODEL, title=TITLE, source=SOURCE, group=group, possible_groups=tuple(possible),
        factors=(f1, f2), outcomes=tuple(OUTCOMES[g] for g in possible),
        reasons=(*up.reasons, *cx.reasons, reason), caveats=(*CAVEATS, *up.caveats),
    )
