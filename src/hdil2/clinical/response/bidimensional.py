"""WHO (``who1981``) and NCI Surgery Branch (Lee et al. 2000, ``lee2000``) bidimensional criteria.

Tumour burden is the **sum of products** (SPD) of the longest diameter and the longest
perpendicular diameter of every measured lesion (mm²).  For a lymph node the short axis is by
definition the longest perpendicular diameter in the axial plane, so ``sa_mm`` stands in when
``perp_mm`` is not given (and the reason says so).  A split lesion counts the sum of its
fragments' products; a vanished or merged-away lesion 0.  "Too small to measure" has no
bidimensional convention: that lesion is not evaluated.

WHO (``who1981``; tag verified):

* PD: any new lesion, unequivocal progression of non-measurable disease, or a ≥ 25 % increase of
  one or more measurable lesions (reference size: policy ``who_pd_reference``, default each
  lesion's smallest recorded product; exact test ``4 × p ≥ 5 × ref`` and ``p > ref``);
* CR: all disease gone; PR: ``2 × SPD ≤ SPD at baseline`` (≥ 50 % decrease); NC otherwise.
  CR and PR must be seen twice ≥ 4 weeks apart (best response, ``confirm_min_days``).

NCI, Lee et al. 2000 (``lee2000``; tag seed: what the paper states); ``r = (SPD₀ − SPD) / SPD₀``:

* CR: all disease gone, no new disease; PR: r ≥ 0.50 (``2 × SPD ≤ SPD₀``) with no new and no
  growing lesion (policy ``nci_growing_reference``); MR: 0.25 ≤ r < 0.50
  (``4 × (SPD₀ − SPD) ≥ SPD₀``) and no new lesion; NR otherwise;
* PD: not defined by the paper; the WHO rule by default (policy ``nci_pd_rule``);
* CR and PR must last ≥ 1 month (= ``confirm_min_days``, 28 by default; unverified).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from hdil2.clinical.response.models import AssessmentRequest, Lesion, Measurement, Visit
from hdil2.clinical.response.policies import (
    NCI_GROWING_REFERENCE,
    NCI_PD_RULE,
    WHO_PD_REFERENCE,
)
from hdil2.clinical.response.recist11 import (
    confirmed_new_lesion_ids,
    evaluate_new_lesions,
    first_unequivocal,
    non_target_present,
)
from hdil2.clinical.response.timepoint import TimePoint
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

ZERO = Decimal(0)


def _part_product(les: Lesion, ld: Decimal | None, perp: Decimal | None,
                  sa: Decimal | None) -> Decimal | None:
    if perp is None and les.is_lymph_node:
        perp = sa
    if ld is None or perp is None:
        return None
    return ld * perp


def lesion_product(les: Lesion, m: Measurement | None) -> Decimal | None:
    """Product of perpendicular diameters (mm²), or ``None`` when not evaluable."""
    if m is None:
        return None
    status = m.effective_status
    if status in ("absent", "merged"):
        return ZERO
    if status != "measured":  # not_evaluated, too_small
        return None
    if m.fragments is not None:
        total = ZERO
        for f in m.fragments:
            p = _part_product(les, f.ld_mm, f.perp_mm, f.sa_mm)
            if p is None:
                return None
            total += p
        return total
    return _part_product(les, m.ld_mm, m.perp_mm, m.sa_mm)


def grew_25pct(p: Decimal, ref: Decimal) -> bool:
    """A ≥ 25 % increase over ``ref`` (and a real increase, so 0 → 0 is not growth)."""
    return p > ref and 4 * p >= 5 * ref


def _non_target_state(non_targets: Sequence[Lesion], visit: Visit) -> tuple[
        list[str], list[str], list[str]]:
    progressed, missing, present = [], [], []
    for les in non_targets:
        m = visit.lesions.get(les.id)
        if m is None or m.effective_status == "not_evaluated":
            missing.append(les.id)
        elif m.effective_status == "unequivocal_progression":
            progressed.append(les.id)
        elif non_target_present(les, m):
            present.append(les.id)
    return progressed, missing, present


def assess_timepoints(
    req: AssessmentRequest, policies: Mapping[str, Any], criteria: str,
) -> tuple[TimePoint, ...]:
    """WHO or NCI response at every visit after baseline (input already validated)."""
    nci = criteria == "nci"
    source = "lee2000" if nci else "who1981"
    ref_policy = policies.get(WHO_PD_REFERENCE.name, WHO_PD_REFERENCE.default)
    pd_rule = policies.get(NCI_PD_RULE.name, "who") if nci else "who"
    growing_ref = policies.get(NCI_GROWING_REFERENCE.name, NCI_GROWING_REFERENCE.default)
    targets = [les for les in req.lesions if les.kind == "target"]
    non_targets = [les for les in req.lesions if les.kind == "non-target"]
    base = req.visits[0]
    base_p: dict[str, Decimal] = {}
    for les in targets:
        p = lesion_product(les, base.lesions.get(les.id))
        base_p[les.id] = p if p is not None else ZERO
    spd0 = sum(base_p.values(), ZERO)
    lesion_nadir = dict(base_p)
    spd_nadir = spd0
    confirmed = confirmed_new_lesion_ids(req.visits)
    first_clear = first_unequivocal(req.visits)
    progressed_before = False
    node_sa = [les.id for les in targets if les.is_lymph_node]
    out: list[TimePoint] = []
    for v in range(1, len(req.visits)):
        visit = req.visits[v]
        reasons: list[Reason] = []
        products: dict[str, Decimal] = {}
        missing: list[str] = []
        for les in targets:
            p = lesion_product(les, visit.lesions.get(les.id))
            if p is None:
                missing.append(les.id)
            else:
                products[les.id] = p
        spd = sum(products.values(), ZERO)
        # lesions grown ≥ 25 % over their reference (WHO PD)
        grown: list[str] = []
        for lid, p in products.items():
            ref = lesion_nadir[lid] if ref_policy == "lesion_nadir" else base_p[lid]
            if ref_policy != "sum_nadir" and grew_25pct(p, ref):
                grown.append(lid)
        sum_grown = ref_policy == "sum_nadir" and bool(targets) and grew_25pct(spd, spd_nadir)
        growing = [lid for lid, p in products.items()
                   if p > (lesion_nadir[lid] if growing_ref == "lesion_nadir" else base_p[lid])]
        nt_prog, nt_missing, nt_present = _non_target_state(non_targets, visit)
        new, new_reason = evaluate_new_lesions(visit, confirmed, first_clear, req.visits, v)
        if new_reason is not None:
            reasons.append(new_reason)
        inputs: dict[str, Any] = {"spd_mm2": spd if not missing else None,
                                  "baseline_spd_mm2": spd0, "grown_25pct": grown,
                                  "not_evaluated": missing + nt_missing, "new_lesions": new,
                                  "non_target_progression": nt_prog}
        pd_reasons = []
        if new:
            pd_reasons.append("a new lesion")
        if nt_prog:
            pd_reasons.append(f"unequivocal progression of {', '.join(nt_prog)}")
        if grown:
            pd_reasons.append(f"lesion(s) {', '.join(grown)} ≥ 25 % above their "
                              f"{'smallest' if ref_policy == 'lesion_nadir' else 'baseline'} "
                              "product")
        if sum_grown and not missing:
            pd_reasons.append(f"SPD {spd} mm² ≥ 25 % above its nadir {spd_nadir} mm²")
        all_gone = not missing and spd == 0 and not nt_present and not nt_missing and not new
        reduction_ok_pr = not missing and bool(targets) and 2 * spd <= spd0
        if pd_reasons and (pd_rule == "who"):
            cat, rule = "PD", f"{criteria}.pd"
            text = f"{'; '.join(pd_reasons)}: PD (WHO rule)"
        elif missing or nt_missing:
            cat, rule = "NE", f"{criteria}.ne"
            text = f"{', '.join(missing + nt_missing)} not evaluated: NE"
        elif all_gone:
            cat, rule = "CR", f"{criteria}.cr"
            text = "all known disease gone, no new lesion: CR (must persist ≥ 4 weeks)"
        elif nci:
            r_text = f"SPD {spd} mm² vs baseline {spd0} mm²"
            blocked = new or bool(nt_prog)  # only reachable with nci_pd_rule = none
            if reduction_ok_pr and not blocked and not growing:
                cat, rule = "PR", "nci.pr"
                text = f"{r_text}: reduction ≥ 50 %, no new or growing lesion: PR (must last " \
                       "≥ 1 month)"
            elif targets and 4 * (spd0 - spd) >= spd0 and not blocked:
                cat, rule = "MR", "nci.mr"
                text = f"{r_text}: reduction ≥ 25 %" + (
                    f" (≥ 50 % but lesion(s) {', '.join(growing)} grew, so not PR)"
                    if reduction_ok_pr else " and < 50 %") + ": MR"
            else:
                cat, rule = "NR", "nci.nr"
                text = f"{r_text}: reduction < 25 %, or a new or progressing lesion: NR"
        elif reduction_ok_pr:
            cat, rule = "PR", "who.pr"
            text = f"SPD {spd} mm² ≤ 50 % of baseline {spd0} mm², no progression: PR (must " \
                   "persist ≥ 4 weeks)"
        else:
            cat, rule = "NC", "who.nc"
            text = f"SPD {spd} mm² vs baseline {spd0} mm²: neither PR nor PD: no change (NC)"
        reasons.append(Reason(rule, source, tag=Tag.SEED if nci else Tag.VERIFIED,
                              inputs=inputs, text=text))
        used_sa = [lid for lid in node_sa if lid in products
                   and (m := visit.lesions.get(lid)) is not None and m.perp_mm is None
                   and m.effective_status == "measured"]
        if used_sa:
            reasons.append(Reason(f"{criteria}.node_short_axis", source, tag=Tag.COMPUTED,
                                  inputs={"lesions": used_sa},
                                  text=f"node(s) {', '.join(used_sa)}: short axis used as the "
                                  "longest perpendicular diameter"))
        t_cat = "NA" if not targets else ("NE" if missing else cat)
        n_cat = "NA" if not non_targets else (
            "PD" if nt_prog else "NE" if nt_missing else "NON-CR/NON-PD" if nt_present else "CR")
        out.append(TimePoint(
            index=v, date=visit.date, day=(visit.date - req.start_date).days, target=t_cat,
            non_target=n_cat, new_lesions=new, overall=cat,
            burden_mm=spd if not missing else None, baseline_mm=spd0 if targets else None,
            nadir_mm=spd_nadir if targets else None, after_progression=progressed_before,
            reasons=tuple(reasons)))
        for lid, p in products.items():
            if p < lesion_nadir[lid]:
                lesion_nadir[lid] = p
        if not missing and spd < spd_nadir:
            spd_nadir = spd
        if cat == "PD":
            progressed_before = True
    return tuple(out)
