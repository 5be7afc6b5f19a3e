"""Carbonic anhydrase IX (CA-IX) expression (`bui2003`, `atkins2005`).

High expression = **more than 85 %** of tumour cells CA-IX positive by IHC; 85.0 % exactly is
low (`bui2003`, verified).  The cut-off came from a survival-tree / bootstrap analysis of the
UCLA data, and the discussion of Atkins et al. 2004 (`atkins2004`) warns it may not be the best
boundary for treatment selection.

Numbers the model carries (`atkins2005`, verified; `atkins2004`): 66 patients, 27 responders;
high CA-IX in 21 of 27 responders vs 20 of 39 non-responders (OR 3.3, Fisher P = 0.04); median
survival 3 years (high) vs 1 year (low) (as `atkins2004` states).  Response rates by group are
computed from those counts: high 21/41, low 6/25.
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
    exact_text,
    rcc_only,
)
from hdil2.clinical.selection.models.policies import validate_policies
from hdil2.clinical.selection.patient import Patient
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

MODEL, SOURCE, TITLE = "caix", "atkins2005", "Carbonic anhydrase IX expression (> 85 %)"
CAIX_HIGH_ABOVE_PCT = Decimal(85)  # high = > 85 % (bui2003, verified); 85 % exactly is low


@dataclass(frozen=True, slots=True)
class CaixCounts:
    """The nested case-control counts of `atkins2005` (also in `atkins2004`; verified)."""

    responders: int = 27
    responders_high: int = 21
    non_responders: int = 39
    non_responders_high: int = 20
    median_survival_years_high: int = 3
    median_survival_years_low: int = 1

    @property
    def high_n(self) -> int:
        return self.responders_high + self.non_responders_high

    @property
    def low_n(self) -> int:
        return self.responders + self.non_responders - self.high_n

    @property
    def low_responders(self) -> int:
        return self.responders - self.responders_high


COUNTS = CaixCounts()


def _pct(a: int, b: int) -> int:
    return round(Decimal(100 * a) / b)


OUTCOMES: dict[str, Outcome] = {
    "high": Outcome(
        "high", f"high CA-IX in {COUNTS.responders_high} of {COUNTS.responders} responders vs "
        f"{COUNTS.non_responders_high} of {COUNTS.non_responders} non-responders (OR 3.3, "
        f"P = 0.04); response among high expressors {COUNTS.responders_high}/{COUNTS.high_n} "
        f"({_pct(COUNTS.responders_high, COUNTS.high_n)} %, derived); median survival "
        f"{COUNTS.median_survival_years_high} years (atkins2004)",
        SOURCE, Tag.VERIFIED,
        {"responders": COUNTS.responders_high, "n": COUNTS.high_n,
         "response_pct": _pct(COUNTS.responders_high, COUNTS.high_n),
         "median_survival_years": COUNTS.median_survival_years_high}),
    "low": Outcome(
        "low", f"response among low expressors {COUNTS.low_responders}/{COUNTS.low_n} "
        f"({_pct(COUNTS.low_responders, COUNTS.low_n)} %, derived from the case-control "
        f"counts); median survival {COUNTS.median_survival_years_low} year (atkins2004); survival "
        "beyond 5 years only in the high group",
        SOURCE, Tag.VERIFIED,
        {"responders": COUNTS.low_responders, "n": COUNTS.low_n,
         "response_pct": _pct(COUNTS.low_responders, COUNTS.low_n),
         "median_survival_years": COUNTS.median_survival_years_low}),
}

CAVEAT = Reason(
    f"{MODEL}.cutoff", "atkins2004", tag=Tag.SEED,
    text="the 85 % cut-off came from a survival-tree/bootstrap analysis of UCLA data and may "
    "not be the best boundary for selecting treatment (discussion of atkins2004); staining was "
    "mostly on primaries while metastases were treated")


def caix_factor(patient: Patient) -> Factor:
    """CA-IX > 85 % (present = high expression)."""
    key, label, rule = "caix_above_85", "CA-IX > 85 % of tumour cells", f"{MODEL}.caix_above_85"
    pct = patient.caix_pct
    if pct is None:
        return Factor(key, label, "indeterminate", None,
                      Reason(rule, "bui2003", "CA-IX staining not recorded: indeterminate",
                             {"caix_pct": None}, Tag.VERIFIED), ("caix_pct",))
    high = pct > CAIX_HIGH_ABOVE_PCT
    text = (f"CA-IX {exact_text(pct)} % is {'>' if high else '≤'} 85 %: "
            f"{'high' if high else 'low'} expression" + ("" if high or pct != 85 else
                                                         " (85 % exactly is low)"))
    return Factor(key, label, "present" if high else "absent", f"{exact_text(pct)} %",
                  Reason(rule, "bui2003", text, {"caix_pct": pct}, Tag.VERIFIED))


def caix(patient: Patient, policies: Mapping[str, Any] | None = None) -> ModelResult:
    """CA-IX expression group: ``high`` (> 85 %) or ``low`` (≤ 85 %)."""
    validate_policies(policies)
    na = rcc_only(patient.disease, MODEL, TITLE, SOURCE)
    if na is not None:
        return na
    f = caix_factor(patient)
    possible = {"present": ("high",), "absent": ("low",),
                "indeterminate": ("high", "low")}[f.status]
    group = possible[0] if len(possible) == 1 else INDETERMINATE
    reason = Reason(f"{MODEL}.group", "bui2003", f"CA-IX group {group}",
                    {"possible_groups": list(possible)}, Tag.VERIFIED)
    return ModelResult.of(
        model=MODEL, title=TITLE, source=SOURCE, group=group, possible_groups=possible,
        factors=(f,), outcomes=tuple(OUTCOMES[g] for g in possible), reasons=(reason,),
        caveats=(CAVEAT,),
    )
