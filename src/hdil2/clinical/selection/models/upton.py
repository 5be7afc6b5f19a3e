"""Pathology model of response to IL-2 (Upton 2005, `upton2005`).

Classifier, applied in order (inputs: histology, alveolar %, granular %, papillary; verified):

1. not clear cell → ``non_clear`` (treated as unfavourable)
2. papillary features present → ``poor``
3. granular > 50 % → ``poor``
4. alveolar = 0 % → ``poor``
5. alveolar > 50 % and granular = 0 % → ``good``
6. otherwise → ``intermediate``

The classifier is authoritative and the paper's table wording ("alveolar and granular each
< 50 %") is a summary, so alveolar 70 % + granular 10 % is **intermediate**
(docs/decisions.md#upton-classifier).  Exactly 50 % alveolar or granular falls to rule 6
(intermediate) and is flagged unverified in the caveats.

Missing inputs make a rule indeterminate; the possible groups are those reachable by some
value of the missing inputs (a patient with papillary features is ``poor`` whatever the
percentages).

Outcomes (`upton2005`, primaries; response to IL-2 and median overall survival; verified): good
14/36 (39 %), 2.87 y; intermediate 15/77 (19 %), 1.36 y; poor 1/33 (3 %), 0.87 y; non-clear
1/17 (6 %).  Metastasis validation set: 5/20, 2/22, 0/16, non-clear 0/10.  Atkins et al.
2004 (`atkins2004`) summarise good + intermediate as 29/115 (25 %); the paper's counts give
29/113.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hdil2.clinical.selection.models.base import (
    INDETERMINATE,
    Factor,
    FactorStatus,
    ModelResult,
    Outcome,
    exact_text,
    rcc_only,
)
from hdil2.clinical.selection.models.policies import validate_policies
from hdil2.clinical.selection.patient import Patient
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

MODEL, SOURCE, TITLE = "upton2005", "upton2005", "Upton pathology model (response to IL-2)"
FIFTY = Decimal(50)


@dataclass(frozen=True, slots=True)
class UptonCounts:
    """Responders / patients of one group, as published (`upton2005`, verified)."""

    group: str
    responders: int
    n: int
    median_os_years: Decimal | None
    metastasis_responders: int
    metastasis_n: int


COUNTS: dict[str, UptonCounts] = {
    "good": UptonCounts("good", 14, 36, Decimal("2.87"), 5, 20),
    "intermediate": UptonCounts("intermediate", 15, 77, Decimal("1.36"), 2, 22),
    "poor": UptonCounts("poor", 1, 33, Decimal("0.87"), 0, 16),
    "non_clear": UptonCounts("non_clear", 1, 17, None, 0, 10),
}

GROUP_TEXT = {
    "good": "clear cell, alveolar > 50 %, no granular and no papillary features",
    "intermediate": "clear cell, neither good nor poor (alveolar and granular each ≤ 50 % in "
    "the paper's wording), no papillary",
    "poor": "clear cell with papillary features, > 50 % granular, or no alveolar features",
    "non_clear": "not clear cell (variant or indeterminate histology)",
}


def _outcome(c: UptonCounts) -> Outcome:
    pct = round(Decimal(100 * c.responders) / c.n)
    os = "" if c.median_os_years is None else f"; median OS {c.median_os_years} years"
    return Outcome(
        c.group, f"{GROUP_TEXT[c.group]}: response to IL-2 {c.responders}/{c.n} ({pct} %) in "
        f"primaries{os}; metastasis validation set {c.metastasis_responders}/{c.metastasis_n}",
        SOURCE, Tag.VERIFIED,
        {"responders": c.responders, "n": c.n, "response_pct": pct,
         "median_os_years": c.median_os_years,
         "metastasis_responders": c.metastasis_responders, "metastasis_n": c.metastasis_n})


OUTCOMES: dict[str, Outcome] = {g: _outcome(c) for g, c in COUNTS.items()}


def _factor(key: str, label: str, status: FactorStatus, value: str | None, text: str,
            inputs: Mapping[str, Any], missing: tuple[str, ...] = ()) -> Factor:
    return Factor(key, label, status, value,
                  Reason(f"{MODEL}.{key}", SOURCE, text, inputs, Tag.VERIFIED), missing)


def _rules(patient: Patient) -> list[tuple[Factor, str]]:
    path = patient.pathology
    hist = patient.histology
    alv = None if path is None else path.alveolar_pct
    gran = None if path is None else path.granular_pct
    pap = None if path is None else path.papillary_present

    if hist is None:
        r1 = _factor("non_clear_cell", "histology not clear cell", "indeterminate", None,
                     "histology not recorded: rule 1 indeterminate", {"histology": None},
                     ("diagnosis.histology",))
    else:
        clear = hist == "clear_cell"
        r1 = _factor("non_clear_cell", "histology not clear cell",
                     "absent" if clear else "present", hist,
                     f"histology {hist}: " + ("clear cell, rule 1 does not fire" if clear else
                                              "not clear cell → non-clear (unfavourable)"),
                     {"histology": hist})
    if pap is None:
        r2 = _factor("papillary", "papillary features", "indeterminate", None,
                     "papillary features not recorded: rule 2 indeterminate",
                     {"papillary_present": None}, ("pathology.papillary_present",))
    else:
        r2 = _factor("papillary", "papillary features", "present" if pap else "absent",
                     "yes" if pap else "no",
                     "papillary features present → poor" if pap else "no papillary features",
                     {"papillary_present": pap})
    if gran is None:
        r3 = _factor("granular_above_50", "granular > 50 %", "indeterminate", None,
                     "granular % not recorded: rule 3 indeterminate", {"granular_pct": None},
                     ("pathology.granular_pct",))
    else:
        r3 = _factor("granular_above_50", "granular > 50 %",
                     "present" if gran > FIFTY else "absent", f"granular {exact_text(gran)} %",
                     f"granular {exact_text(gran)} % is {'>' if gran > FIFTY else '≤'} 50 %"
                     + (" → poor" if gran > FIFTY else ""), {"granular_pct": gran})
    if alv is None:
        r4 = _factor("no_alveolar", "no alveolar features (0 %)", "indeterminate", None,
                     "alveolar % not recorded: rule 4 indeterminate", {"alveolar_pct": None},
                     ("pathology.alveolar_pct",))
    else:
        r4 = _factor("no_alveolar", "no alveolar features (0 %)",
                     "present" if alv == 0 else "absent", f"alveolar {exact_text(alv)} %",
                     f"alveolar {exact_text(alv)} %" + (" = 0 → poor" if alv == 0 else " > 0"),
                     {"alveolar_pct": alv})
    r5 = _rule5(alv, gran)
    return [(r1, "non_clear"), (r2, "poor"), (r3, "poor"), (r4, "poor"), (r5, "good")]


def _rule5(alv: Decimal | None, gran: Decimal | None) -> Factor:
    """Rule 5: alveolar > 50 % and granular = 0 % → good."""
    key, label = "alveolar_above_50_no_granular", "alveolar > 50 % and no granular features"
    inputs = {"alveolar_pct": alv, "granular_pct": gran}
    why: list[str] = []
    if alv is not None and alv <= FIFTY:
        why.append(f"alveolar {exact_text(alv)} % ≤ 50 %")
    if gran is not None and gran != 0:
        why.append(f"granular {exact_text(gran)} % > 0")
    if why:
        return _factor(key, label, "absent", None,
                       f"{' and '.join(why)}: rule 5 (good) does not fire", inputs)
    if alv is not None and gran is not None:
        return _factor(key, label, "present", f"alveolar {exact_text(alv)} %, granular 0 %",
                       f"alveolar {exact_text(alv)} % > 50 % and granular 0 % → good", inputs)
    missing = tuple(m for m, v in (("pathology.alveolar_pct", alv),
                                   ("pathology.granular_pct", gran)) if v is None)
    return _factor(key, label, "indeterminate", None,
                   f"{' and '.join(missing)} not recorded: rule 5 indeterminate", inputs, missing)


def _edge_caveats(patient: Patient, group: str) -> list[Reason]:
    path = patient.pathology
    if path is None or group != "intermediate":
        return []
    alv, gran = path.alveolar_pct, path.granular_pct
    out: list[Reason] = []
    if alv == FIFTY or gran == FIFTY:
        out.append(Reason(
            f"{MODEL}.fifty_percent", SOURCE, tag=Tag.UNVERIFIED,
            inputs={"alveolar_pct": alv, "granular_pct": gran},
            text="exactly 50 % alveolar or granular: the paper's wording does not settle this "
            "edge; classified intermediate by rule 6 (docs/decisions.md#upton-classifier)"))
    if alv is not None and gran is not None and alv > FIFTY and 0 < gran <= FIFTY:
        out.append(Reason(
            f"{MODEL}.alveolar_with_some_granular", SOURCE, tag=Tag.UNVERIFIED,
            inputs={"alveolar_pct": alv, "granular_pct": gran},
            text=f"alveolar {exact_text(alv)} % with granular {exact_text(gran)} %: not 'good' "
            "(granular present) and outside the table's 'each < 50 %' wording; the classifier is "
            "authoritative → intermediate (docs/decisions.md#upton-classifier)"))
    return out


def upton(patient: Patient, policies: Mapping[str, Any] | None = None) -> ModelResult:
    """The Upton 2005 pathology group (good / intermediate / poor / non_clear)."""
    validate_policies(policies)
    na = rcc_only(patient.disease, MODEL, TITLE, SOURCE)
    if na is not None:
        return na
    rules = _rules(patient)
    possible: list[str] = []
    fired = False
    for factor, group in rules:
        if factor.status == "present":
            if group not in possible:
                possible.append(group)
            fired = True
            break
        if factor.status == "indeterminate" and group not in possible:
            possible.append(group)
    if not fired and "intermediate" not in possible:
        possible.append("intermediate")
    order = ("good", "intermediate", "poor", "non_clear")
    possible.sort(key=order.index)
    group = possible[0] if len(possible) == 1 else INDETERMINATE
    if group == INDETERMINATE:
        text = f"rules indeterminate: possible groups {', '.join(possible)}"
    else:
        text = f"classifier rules 1-6 in order → {group}"
    reason = Reason(f"{MODEL}.group", SOURCE, text, {"possible_groups": possible}, Tag.VERIFIED)
    return ModelResult.of(
        model=MODEL, title=TITLE, source=SOURCE, group=group, possible_groups=tuple(possible),
        factors=tuple(f for f, _ in rules), outcomes=tuple(OUTCOMES[g] for g in possible),
        reasons=(reason,), caveats=tuple(_edge_caveats(patient, group)),
    )
