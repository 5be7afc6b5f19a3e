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

Each visit goes through named steps, as in :mod:`~hdil2.clinical.response.recist11`:
:func:`measure_targets` (products and SPD), :func:`growth` (which lesions grew, against which
reference), :func:`read_non_targets`, the new lesions (RECIST 1.1's
:func:`~hdil2.clinical.response.recist11.evaluate_new_lesions`), :func:`progression` (what
makes PD), then :func:`overall_response` (PD, NE, CR, then :func:`nci_response` or
:func:`who_response`) and :func:`components` (the target and non-target columns).
:func:`assess_timepoints` runs them in order and carries the nadirs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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

# The bidimensional thresholds as integer ratios, read by the functions below (and printed by
# the rules reference, hdil2.report.rules_reference): a lesion grew (WHO PD) when
# product / reference >= 5/4 (at least 25 % larger); PR (WHO and NCI) when SPD / SPD at baseline
# <= 1/2 (a decrease of at least 50 %); NCI MR when (SPD0 - SPD) / SPD0 >= 1/4 (a decrease of at
# least 25 %).
GROWTH_RATIO: tuple[int, int] = (5, 4)
PR_RATIO: tuple[int, int] = (1, 2)
MR_REDUCTION: tuple[int, int] = (1, 4)


# --- lesion products -------------------------------------------------------------------------

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
    return p > ref and GROWTH_RATIO[1] * p >= GROWTH_RATIO[0] * ref


def baseline_products(targets: Sequence[Lesion], baseline: Visit) -> dict[str, Decimal]:
    """Each target's product at baseline (one not evaluable counts 0)."""
    out: dict[str, Decimal] = {}
    for les in targets:
        p = lesion_product(les, baseline.lesions.get(les.id))
        out[les.id] = p if p is not None else ZERO
    return out


# --- the steps of one visit ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Burden:
    """The measurable disease at one visit: each evaluated target's product and their sum."""

    products: Mapping[str, Decimal]  # evaluated targets only
    missing: tuple[str, ...]  # targets not evaluated
    spd: Decimal  # sum of the evaluated products (mm²)

    @property
    def complete(self) -> bool:
        return not self.missing


def measure_targets(targets: Sequence[Lesion], visit: Visit) -> Burden:
    """Every target's product at ``visit`` and the sum of products (SPD)."""
    products: dict[str, Decimal] = {}
    missing: list[str] = []
    for les in targets:
        p = lesion_product(les, visit.lesions.get(les.id))
        if p is None:
            missing.append(les.id)
        else:
            products[les.id] = p
    return Burden(products, tuple(missing), sum(products.values(), ZERO))


@dataclass(frozen=True, slots=True)
class Growth:
    """Which targets grew at one visit, each against the reference its rule names."""

    grown: tuple[str, ...]  # ≥ 25 % above the reference of policy who_pd_reference (WHO PD)
    sum_grown: bool  # SPD ≥ 25 % above its nadir (who_pd_reference = sum_nadir)
    growing: tuple[str, ...]  # above the reference of nci_growing_reference (blocks NCI PR)


def growth(b: Burden, base: Mapping[str, Decimal], lesion_nadir: Mapping[str, Decimal],
           spd_nadir: Decimal, has_targets: bool, pd_reference: str, growing_reference: str
           ) -> Growth:
    """The lesions grown ≥ 25 % (WHO PD) and those growing at all (NCI PR)."""
    grown: list[str] = []
    for lid, p in b.products.items():
        ref = lesion_nadir[lid] if pd_reference == "lesion_nadir" else base[lid]
        if pd_reference != "sum_nadir" and grew_25pct(p, ref):
            grown.append(lid)
    sum_grown = pd_reference == "sum_nadir" and has_targets and grew_25pct(b.spd, spd_nadir)
    growing = tuple(lid for lid, p in b.products.items()
                    if p > (lesion_nadir[lid] if growing_reference == "lesion_nadir"
                            else base[lid]))
    return Growth(tuple(grown), sum_grown, growing)


@dataclass(frozen=True, slots=True)
class NonTargets:
    """The non-target lesions at one visit."""

    progressed: tuple[str, ...]  # unequivocal progression
    missing: tuple[str, ...]  # not evaluated
    present: tuple[str, ...]  # still there (a node < 10 mm short axis is normal)


def read_non_targets(non_targets: Sequence[Lesion], visit: Visit) -> NonTargets:
    """Which non-target lesions progressed, were not evaluated, or are still present."""
    progressed, missing, present = [], [], []
    for les in non_targets:
        m = visit.lesions.get(les.id)
        if m is None or m.effective_status == "not_evaluated":
            missing.append(les.id)
        elif m.effective_status == "unequivocal_progression":
            progressed.append(les.id)
        elif non_target_present(les, m):
            present.append(les.id)
    return NonTargets(tuple(progressed), tuple(missing), tuple(present))


def progression(new: bool, nt: NonTargets, g: Growth, b: Burden, spd_nadir: Decimal,
                pd_reference: str) -> list[str]:
    """What makes WHO progression at this visit, in words (empty: nothing does)."""
    out = []
    if new:
        out.append("a new lesion")
    if nt.progressed:
        out.append(f"unequivocal progression of {', '.join(nt.progressed)}")
    if g.grown:
        out.append(f"lesion(s) {', '.join(g.grown)} ≥ 25 % above their "
                   f"{'smallest' if pd_reference == 'lesion_nadir' else 'baseline'} product")
    if g.sum_grown and b.complete:
        out.append(f"SPD {b.spd} mm² ≥ 25 % above its nadir {spd_nadir} mm²")
    return out


def nci_response(b: Burden, spd0: Decimal, has_targets: bool, new: bool, nt: NonTargets,
                 g: Growth) -> tuple[str, str, str]:
    """NCI (``lee2000``) PR, MR or NR of a fully evaluated visit that is neither PD nor CR:
    ``(category, rule, text)``."""
    r_text = f"SPD {b.spd} mm² vs baseline {spd0} mm²"
    reduction_ok_pr = has_targets and PR_RATIO[1] * b.spd <= PR_RATIO[0] * spd0
    blocked = new or bool(nt.progressed)  # only reachable with nci_pd_rule = none
    if reduction_ok_pr and not blocked and not g.growing:
        return "PR", "nci.pr", (f"{r_text}: reduction ≥ 50 %, no new or growing lesion: PR "
                                "(must last ≥ 1 month)")
    if has_targets and MR_REDUCTION[1] * (spd0 - b.spd) >= MR_REDUCTION[0] * spd0 \
            and not blocked:
        return "MR", "nci.mr", f"{r_text}: reduction ≥ 25 %" + (
            f" (≥ 50 % but lesion(s) {', '.join(g.growing)} grew, so not PR)"
            if reduction_ok_pr else " and < 50 %") + ": MR"
    return "NR", "nci.nr", f"{r_text}: reduction < 25 %, or a new or progressing lesion: NR"


def who_response(b: Burden, spd0: Decimal, has_targets: bool) -> tuple[str, str, str]:
    """WHO PR or NC of a fully evaluated visit that is neither PD nor CR:
    ``(category, rule, text)``."""
    if has_targets and PR_RATIO[1] * b.spd <= PR_RATIO[0] * spd0:
        return "PR", "who.pr", (f"SPD {b.spd} mm² ≤ 50 % of baseline {spd0} mm², no "
                                "progression: PR (must persist ≥ 4 weeks)")
    return "NC", "who.nc", (f"SPD {b.spd} mm² vs baseline {spd0} mm²: neither PR nor PD: no "
                            "change (NC)")


def overall_response(criteria: str, pd_rule: str, pd_reasons: Sequence[str], b: Burden,
                     nt: NonTargets, new: bool, g: Growth, spd0: Decimal, has_targets: bool
                     ) -> tuple[str, str, str]:
    """The visit's response: PD (WHO rule, unless ``nci_pd_rule`` = none), then NE, CR, and
    the criterion's own grades: ``(category, rule, text)``."""
    if pd_reasons and pd_rule == "who":
        return "PD", f"{criteria}.pd", f"{'; '.join(pd_reasons)}: PD (WHO rule)"
    if b.missing or nt.missing:
        return "NE", f"{criteria}.ne", f"{', '.join(b.missing + nt.missing)} not evaluated: NE"
    if b.spd == 0 and not nt.present and not new:
        return "CR", f"{criteria}.cr", ("all known disease gone, no new lesion: CR (must "
                                        "persist ≥ 4 weeks)")
    if criteria == "nci":
        return nci_response(b, spd0, has_targets, new, nt, g)
    return who_response(b, spd0, has_targets)


def node_short_axis(node_targets: Sequence[str], b: Burden, visit: Visit, criteria: str,
                    source: str) -> Reason | None:
    """The note that a node's short axis stood in for its perpendicular diameter, if it did."""
    used_sa = [lid for lid in node_targets if lid in b.products
               and (m := visit.lesions.get(lid)) is not None and m.perp_mm is None
               and m.effective_status == "measured"]
    if not used_sa:
        return None
    return Reason(f"{criteria}.node_short_axis", source, tag=Tag.COMPUTED,
                  inputs={"lesions": used_sa},
                  text=f"node(s) {', '.join(used_sa)}: short axis used as the longest "
                  "perpendicular diameter")


def components(cat: str, has_targets: bool, b: Burden, has_non_targets: bool, nt: NonTargets
               ) -> tuple[str, str]:
    """The target and non-target columns of the time point (``NA`` without such lesions)."""
    t_cat = "NA" if not has_targets else ("NE" if b.missing else cat)
    n_cat = "NA" if not has_non_targets else (
        "PD" if nt.progressed else "NE" if nt.missing else "NON-CR/NON-PD" if nt.present
        else "CR")
    return t_cat, n_cat


# --- every visit -----------------------------------------------------------------------------

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
    base_p = baseline_products(targets, req.visits[0])
    spd0 = sum(base_p.values(), ZERO)
    lesion_nadir = dict(base_p)
    spd_nadir = spd0
    confirmed = confirmed_new_lesion_ids(req.visits)
    first_clear = first_unequivocal(req.visits)
    progressed_before = False
    node_targets = [les.id for les in targets if les.is_lymph_node]
    out: list[TimePoint] = []
    for v in range(1, len(req.visits)):
        visit = req.visits[v]
        reasons: list[Reason] = []
        b = measure_targets(targets, visit)
        g = growth(b, base_p, lesion_nadir, spd_nadir, bool(targets), ref_policy, growing_ref)
        nt = read_non_targets(non_targets, visit)
        new, new_reason = evaluate_new_lesions(visit, confirmed, first_clear, req.visits, v)
        if new_reason is not None:
            reasons.append(new_reason)
        inputs: dict[str, Any] = {"spd_mm2": b.spd if b.complete else None,
                                  "baseline_spd_mm2": spd0, "grown_25pct": list(g.grown),
                                  "not_evaluated": list(b.missing + nt.missing),
                                  "new_lesions": new,
                                  "non_target_progression": list(nt.progressed)}
        pd_reasons = progression(new, nt, g, b, spd_nadir, ref_policy)
        cat, rule, text = overall_response(criteria, pd_rule, pd_reasons, b, nt, new, g, spd0,
                                           bool(targets))
        reasons.append(Reason(rule, source, tag=Tag.SEED if nci else Tag.VERIFIED,
                              inputs=inputs, text=text))
        note = node_short_axis(node_targets, b, visit, criteria, source)
        if note is not None:
            reasons.append(note)
        t_cat, n_cat = components(cat, bool(targets), b, bool(non_targets), nt)
        out.append(TimePoint(
            index=v, date=visit.date, day=(visit.date - req.start_date).days, target=t_cat,
            non_target=n_cat, new_lesions=new, overall=cat,
            burden_mm=b.spd if b.complete else None, baseline_mm=spd0 if targets else None,
            nadir_mm=spd_nadir if targets else None, after_progression=progressed_before,
            reasons=tuple(reasons)))
        for lid, p in b.products.items():
            if p < lesion_nadir[lid]:
                lesion_nadir[lid] = p
        if b.complete and b.spd < spd_nadir:
            spd_nadir = b.spd
        if cat == "PD":
            progressed_before = True
    return tuple(out)
