"""RECIST 1.1 time-point response: target, non-target, new lesions and the overall table.

Rules (``recist1.1``; thresholds verified against the guideline, the rest from memory where
marked "memory"):

* Target sum = Σ longest diameters of non-nodal targets + Σ short axes of nodal targets.  A
  lesion too small to measure counts 5 mm, a vanished one 0 mm (memory); a split lesion counts the
  sum of its fragments, merged lesions count on the merged mass (the absorbed ones 0 mm) (memory).
* Target PD: ``5 × sum ≥ 6 × nadir`` **and** ``sum − nadir ≥ 5 mm`` (nadir = smallest sum on
  study, baseline included); tested first.  CR: every non-nodal target gone and every nodal
  target < 10 mm short axis.  PR: ``10 × sum ≤ 7 × baseline``.  Otherwise SD.  A target not
  assessed makes the target NE, unless the measured ones already prove PD (their sum can only
  grow when the missing one is added).
* Non-target: unequivocal progression → PD; any not evaluated → NE; all gone (nodes < 10 mm)
  and markers normal where used → CR; otherwise NON-CR/NON-PD.
* New lesion (unequivocal) → PD.  An equivocal new lesion is not PD; if a later visit shows it
  unequivocally, PD is dated to the scan where it first appeared (memory).
* After an overall CR, the reappearance of any lesion is PD (policy ``reappearance_after_cr``;
  RECIST 1.1 Table 3 footnote and the RECIST FAQ); a node has reappeared only at ≥ 10 mm short
  axis (target) or with unequivocal progression (non-target), as the FAQ specifies.
* Overall response: :data:`OVERALL_TABLE`, the guideline's table for patients with target
  disease and its variant for non-target disease only.

All comparisons are exact (``Decimal`` millimetres, integer factors): no binary floats.
The fast kernels :func:`target_response` and :func:`overall_response` allocate nothing and
are what a simulator calls in bulk; :func:`assess_timepoints` adds the reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hdil2.clinical.response.models import AssessmentRequest, Lesion, Measurement, Visit
from hdil2.clinical.response.policies import REAPPEARANCE_AFTER_CR
from hdil2.clinical.response.timepoint import TimePoint
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

CR, PR, SD, PD, NE, NA = "CR", "PR", "SD", "PD", "NE", "NA"
NON_CR_NON_PD = "NON-CR/NON-PD"

TARGET_CATEGORIES = (CR, PR, SD, PD, NE, NA)
NON_TARGET_CATEGORIES = (CR, NON_CR_NON_PD, PD, NE, NA)
OVERALL_CATEGORIES = (CR, PR, SD, NON_CR_NON_PD, PD, NE)

TOO_SMALL_MM = Decimal(5)
NODE_NORMAL_BELOW_MM = Decimal(10)
PD_ABSOLUTE_MM = Decimal(5)
ZERO = Decimal(0)

# The target-sum thresholds of RECIST 1.1 section 4.3.1 as integer ratios, read by the kernels
# below (and printed by the rules reference, hdil2.report.rules_reference): PD when
# sum / nadir >= 6/5 (an increase of at least 20 %) and sum - nadir >= PD_ABSOLUTE_MM; PR when
# sum / baseline <= 7/10 (a decrease of at least 30 %).
PD_RATIO: tuple[int, int] = (6, 5)
PR_RATIO: tuple[int, int] = (7, 10)
_PD_NUM, _PD_DEN = PD_RATIO
_PR_NUM, _PR_DEN = PR_RATIO


# --- fast kernels ----------------------------------------------------------------------------

def is_target_pd(total: Decimal, nadir: Decimal) -> bool:
    """``total`` is ≥ 20 % above the nadir **and** at least 5 mm above it (both required)."""
    return _PD_DEN * total >= _PD_NUM * nadir and total - nadir >= PD_ABSOLUTE_MM


def target_response(total: Decimal, baseline: Decimal, nadir: Decimal, all_gone: bool) -> str:
    """Target category of a fully measured visit: PD, then CR, then PR, else SD."""
    if is_target_pd(total, nadir):
        return PD
    if all_gone:
        return CR
    if _PR_DEN * total <= _PR_NUM * baseline:
        return PR
    return SD


@dataclass(frozen=True, slots=True)
class OverallRow:
    """One row of the overall-response table; ``None`` in a column means 'any'."""

    rule: str
    target: frozenset[str] | None
    non_target: frozenset[str] | None
    new: bool | None
    overall: str
    text: str


def _one_of(*categories: str) -> frozenset[str]:
    """The categories a row of the table accepts."""
    return frozenset(categories)


_NON_PD = _one_of(CR, NON_CR_NON_PD, NE, NA)

# RECIST 1.1 section 4.3.4, Table 1 (target disease) and Table 2 (non-target disease only); the PD
# rows come first because any of them decides.  NA = no lesion of that kind at baseline.
OVERALL_TABLE: tuple[OverallRow, ...] = (
    OverallRow("recist1.1.overall.new_lesion", None, None, True, PD,
               "a new lesion is PD whatever the other lesions do"),
    OverallRow("recist1.1.overall.target_pd", _one_of(PD), None, None, PD,
               "target PD is overall PD"),
    OverallRow("recist1.1.overall.non_target_pd", None, _one_of(PD), None, PD,
               "unequivocal non-target progression is overall PD"),
    OverallRow("recist1.1.overall.cr_cr", _one_of(CR), _one_of(CR, NA), False, CR,
               "targets CR, non-targets CR (or none), no new lesion: CR"),
    OverallRow("recist1.1.overall.cr_non_cr", _one_of(CR), _one_of(NON_CR_NON_PD), False, PR,
               "targets CR but non-target disease persists: PR"),
    OverallRow("recist1.1.overall.cr_nt_ne", _one_of(CR), _one_of(NE), False, PR,
               "targets CR, non-targets not all evaluated: PR"),
    OverallRow("recist1.1.overall.pr", _one_of(PR), _NON_PD, False, PR,
               "targets PR, non-targets not PD (or not all evaluated), no new lesion: PR"),
    OverallRow("recist1.1.overall.sd", _one_of(SD), _NON_PD, False, SD,
               "targets SD, non-targets not PD (or not all evaluated), no new lesion: SD"),
    OverallRow("recist1.1.overall.ne", _one_of(NE), _NON_PD, False, NE,
               "targets not all evaluated (and not proven PD), non-targets not PD: NE"),
    OverallRow("recist1.1.overall.nt_only_cr", _one_of(NA), _one_of(CR), False, CR,
               "non-target disease only: all gone, no new lesion: CR"),
    OverallRow("recist1.1.overall.nt_only_non_cr", _one_of(NA), _one_of(NON_CR_NON_PD), False,
               NON_CR_NON_PD, "non-target disease only, persisting: NON-CR/NON-PD"),
    OverallRow("recist1.1.overall.nt_only_ne", _one_of(NA), _one_of(NE), False, NE,
               "non-target disease only, not all evaluated: NE"),
)


def _index() -> dict[tuple[str, str, bool], OverallRow]:
    out: dict[tuple[str, str, bool], OverallRow] = {}
    for t in TARGET_CATEGORIES:
        for n in NON_TARGET_CATEGORIES:
            for new in (False, True):
                if t == NA and n == NA:
                    continue
                for row in OVERALL_TABLE:
                    if ((row.target is None or t in row.target)
                            and (row.non_target is None or n in row.non_target)
                            and (row.new is None or row.new == new)):
                        out[(t, n, new)] = row
                        break
    return out


_OVERALL_INDEX = _index()


def overall_row(target: str, non_target: str, new: bool) -> OverallRow:
    """The table row that decides (target, non-target, new lesion)."""
    try:
        return _OVERALL_INDEX[(target, non_target, new)]
    except KeyError:
        raise ValueError(f"no RECIST 1.1 overall response for target={target}, "
                         f"non_target={non_target}, new={new}") from None


def overall_response(target: str, non_target: str, new: bool) -> str:
    """Overall time-point response from the three components (table lookup)."""
    return overall_row(target, non_target, new).overall


# --- lesion sizes ----------------------------------------------------------------------------

def target_size(les: Lesion, m: Measurement | None) -> Decimal | None:
    """The diameter a target contributes to the sum (mm), or ``None`` if not evaluated."""
    if m is None:
        return None
    status = m.effective_status
    if status == "not_evaluated":
        return None
    if status in ("absent", "merged"):
        return ZERO
    if status == "too_small":
        return TOO_SMALL_MM
    if m.fragments is not None:
        total = ZERO
        for f in m.fragments:
            part = f.sa_mm if les.is_lymph_node else f.ld_mm
            if part is None:
                return None
            total += part
        return total
    return m.sa_mm if les.is_lymph_node else m.ld_mm


def target_gone(les: Lesion, size: Decimal) -> bool:
    """Non-nodal: 0 mm; nodal: short axis < 10 mm (normal node)."""
    return size < NODE_NORMAL_BELOW_MM if les.is_lymph_node else size == 0


def non_target_present(les: Lesion, m: Measurement) -> bool:
    """A non-target lesion still there (a node measured < 10 mm short axis is normal)."""
    status = m.effective_status
    if status == "absent":
        return False
    if status == "measured" and les.is_lymph_node and m.sa_mm is not None:
        return m.sa_mm >= NODE_NORMAL_BELOW_MM
    return True


@dataclass(frozen=True, slots=True)
class TargetResult:
    category: str
    total: Decimal | None  # full sum (None when a target is missing)
    partial: Decimal  # sum of the measured targets
    missing: tuple[str, ...]
    present: tuple[str, ...]  # targets not gone (for the reappearance rule)
    rule: str


def evaluate_targets(
    targets: Sequence[Lesion], visit: Visit, baseline: Decimal, nadir: Decimal,
    after_cr: bool, reappearance: str,
) -> TargetResult:
    """Target category of one visit, with the rule that decided it."""
    total = ZERO
    missing: list[str] = []
    present: list[str] = []
    for les in targets:
        size = target_size(les, visit.lesions.get(les.id))
        if size is None:
            missing.append(les.id)
            continue
        total += size
        if not target_gone(les, size):
            present.append(les.id)
    reappeared = after_cr and bool(present) and reappearance == "pd"
    if missing:
        if is_target_pd(total, nadir):
            return TargetResult(PD, None, total, tuple(missing), tuple(present),
                                "recist1.1.target.pd_despite_missing")
        if reappeared:
            return TargetResult(PD, None, total, tuple(missing), tuple(present),
                                "recist1.1.target.reappearance_after_cr")
        return TargetResult(NE, None, total, tuple(missing), tuple(present),
                            "recist1.1.target.ne_missing")
    cat = target_response(total, baseline, nadir, not present)
    rule = f"recist1.1.target.{cat.lower()}"
    if reappeared and cat != PD:
        cat, rule = PD, "recist1.1.target.reappearance_after_cr"
    return TargetResult(cat, total, total, (), tuple(present), rule)


def _target_reason(r: TargetResult, baseline: Decimal, nadir: Decimal, v: int) -> Reason:
    inputs: dict[str, Any] = {"sum_mm": r.total if r.total is not None else None,
                              "baseline_mm": baseline, "nadir_mm": nadir}
    if r.missing:
        inputs["measured_sum_mm"] = r.partial
        inputs["not_evaluated"] = list(r.missing)
    s = r.total if r.total is not None else r.partial
    texts = {
        "recist1.1.target.pd": f"sum {s} mm is ≥ 20 % and ≥ 5 mm above the nadir {nadir} mm: PD",
        "recist1.1.target.cr": "every non-nodal target gone and every nodal target < 10 mm "
        f"short axis (sum {s} mm): CR",
        "recist1.1.target.pr": f"sum {s} mm ≤ 70 % of baseline {baseline} mm "
        "(≥ 30 % decrease): PR",
        "recist1.1.target.sd": f"sum {s} mm: not ≤ 70 % of baseline {baseline} mm and not "
        f"≥ 20 % plus 5 mm above the nadir {nadir} mm: SD",
        "recist1.1.target.pd_despite_missing": f"targets {', '.join(r.missing)} not evaluated, "
        f"but the measured targets already sum to {s} mm, ≥ 20 % and ≥ 5 mm above the nadir "
        f"{nadir} mm: PD",
        "recist1.1.target.ne_missing": f"target(s) {', '.join(r.missing)} not evaluated "
        f"(field visits[{v}].lesions.{r.missing[0] if r.missing else ''}) and the measured "
        f"ones ({s} mm) do not prove PD: NE",
        "recist1.1.target.reappearance_after_cr": f"after an overall CR, target(s) "
        f"{', '.join(r.present)} reappeared (sum {s} mm): PD, whatever the sum rules say",
    }
    source = "recist-faq" if r.rule.endswith("reappearance_after_cr") else "recist1.1"
    tag = Tag.MEMORY if r.rule.endswith("pd_despite_missing") else Tag.VERIFIED
    return Reason(rule=r.rule, source=source, tag=tag, text=texts[r.rule], inputs=inputs)


def evaluate_non_targets(
    non_targets: Sequence[Lesion], visit: Visit, after_cr: bool, reappearance: str, v: int,
) -> tuple[str, Reason | None]:
    """Non-target category of one visit and its reason (``NA`` without non-target lesions)."""
    if not non_targets:
        return NA, None
    progressed: list[str] = []
    missing: list[str] = []
    present: list[str] = []
    by_id = {les.id: les for les in non_targets}
    for les in non_targets:
        m = visit.lesions.get(les.id)
        if m is None or m.effective_status == "not_evaluated":
            missing.append(les.id)
            continue
        if m.effective_status == "unequivocal_progression":
            progressed.append(les.id)
        elif non_target_present(les, m):
            present.append(les.id)
    inputs = {"progressed": progressed, "not_evaluated": missing, "present": present,
              "tumour_markers": visit.tumour_markers}
    if progressed:
        return PD, Reason("recist1.1.non_target.pd", "recist1.1", inputs=inputs,
                          text=f"unequivocal progression of non-target {', '.join(progressed)}:"
                          " PD")
    # a node has 'reappeared' only when it progressed unequivocally (RECIST FAQ 'Abnormal lymph
    # node'); any other non-target lesion seen again after an overall CR is PD
    reappeared = [lid for lid in present if not by_id[lid].is_lymph_node]
    if after_cr and reappeared and reappearance == "pd":
        return PD, Reason("recist1.1.non_target.reappearance_after_cr", "recist-faq",
                          inputs=inputs, text=f"after an overall CR, non-target "
                          f"{', '.join(reappeared)} reappeared: PD")
    if missing:
        return NE, Reason("recist1.1.non_target.ne", "recist1.1", inputs=inputs,
                          text=f"non-target {', '.join(missing)} not evaluated (field "
                          f"visits[{v}].lesions.{missing[0]}): NE")
    if not present and visit.tumour_markers != "above_uln":
        return CR, Reason("recist1.1.non_target.cr", "recist1.1", inputs=inputs,
                          text="every non-target lesion gone (nodes < 10 mm)"
                          + ("" if visit.tumour_markers is None else ", markers normal")
                          + ": CR")
    why = (f"non-target {', '.join(present)} still present" if present
           else "tumour markers above the upper limit of normal")
    return NON_CR_NON_PD, Reason("recist1.1.non_target.non_cr_non_pd", "recist1.1",
                                 inputs=inputs, text=f"{why}: NON-CR/NON-PD")


def confirmed_new_lesion_ids(visits: Sequence[Visit]) -> frozenset[str]:
    """New-lesion ids seen unequivocally (present, not equivocal) at some visit."""
    return frozenset(n.id for v in visits[1:] for n in v.new_lesions
                     if n.status == "present" and not n.equivocal)


def first_unequivocal(visits: Sequence[Visit]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, v in enumerate(visits):
        for n in v.new_lesions:
            if n.status == "present" and not n.equivocal:
                out.setdefault(n.id, i)
    return out


def evaluate_new_lesions(
    visit: Visit, confirmed: frozenset[str], first_clear: Mapping[str, int],
    visits: Sequence[Visit], v: int,
) -> tuple[bool, Reason | None]:
    """Whether this visit shows a new lesion for RECIST 1.1, and why."""
    clear = [n.id for n in visit.new_lesions if n.status == "present" and not n.equivocal]
    backdated = [n.id for n in visit.new_lesions
                 if n.status == "present" and n.equivocal and n.id in confirmed]
    pending = [n.id for n in visit.new_lesions
               if n.status == "present" and n.equivocal and n.id not in confirmed]
    if clear:
        return True, Reason("recist1.1.new_lesion", "recist1.1", inputs={"new_lesions": clear},
                            text=f"unequivocal new lesion(s) {', '.join(clear)}: PD")
    if backdated:
        later = ", ".join(f"{i} on {visits[first_clear[i]].date}" for i in backdated)
        return True, Reason("recist1.1.new_lesion.equivocal_confirmed", "recist1.1",
                            tag=Tag.MEMORY, inputs={"new_lesions": backdated},
                            text=f"new lesion(s) equivocal here and confirmed later ({later}): "
                            "PD dated to this scan, where they first appeared")
    if pending:
        return False, Reason("recist1.1.new_lesion.equivocal", "recist1.1", tag=Tag.MEMORY,
                             inputs={"new_lesions": pending},
                             text=f"equivocal new lesion(s) {', '.join(pending)}: not PD unless "
                             "a later scan confirms them")
    return False, None


def measurement_notes(targets: Sequence[Lesion], visit: Visit) -> list[Reason]:
    """Reasons for the measurement conventions used at this visit (too small, split, merged)."""
    small, split, merged = [], [], []
    for les in targets:
        m = visit.lesions.get(les.id)
        if m is None:
            continue
        status = m.effective_status
        if status == "too_small":
            small.append(les.id)
        elif status == "merged":
            merged.append(f"{les.id} into {m.merged_into}")
        elif m.fragments is not None:
            split.append(les.id)
    out: list[Reason] = []
    if small:
        out.append(Reason("recist1.1.too_small_5mm", "recist-faq", tag=Tag.VERIFIED,
                          inputs={"lesions": small},
                          text=f"{', '.join(small)} present but too small to measure: counted "
                          "as 5 mm (a measurable lesion keeps its measurement, even < 5 mm)"))
    if split:
        out.append(Reason("recist1.1.split_lesion", "recist1.1", tag=Tag.MEMORY,
                          inputs={"lesions": split},
                          text=f"{', '.join(split)} split: the fragments' diameters are summed"))
    if merged:
        out.append(Reason("recist1.1.merged_lesions", "recist1.1", tag=Tag.MEMORY,
                          inputs={"lesions": merged},
                          text=f"merged lesions ({'; '.join(merged)}): the merged mass is "
                          "measured, the absorbed lesion counts 0 mm"))
    return out


def _overall_reason(row: OverallRow, t: str, n: str, new: bool) -> Reason:
    return Reason(rule=row.rule, source="recist1.1", tag=Tag.VERIFIED,
                  inputs={"target": t, "non_target": n, "new_lesions": new},
                  text=f"{row.text} → {row.overall}")


def assess_timepoints(req: AssessmentRequest, policies: Mapping[str, Any]) -> tuple[TimePoint, ...]:
    """RECIST 1.1 response at every visit after baseline (input already validated)."""
    reappearance = policies.get(REAPPEARANCE_AFTER_CR.name, REAPPEARANCE_AFTER_CR.default)
    targets = [les for les in req.lesions if les.kind == "target"]
    non_targets = [les for les in req.lesions if les.kind == "non-target"]
    base = req.visits[0]
    baseline = ZERO
    for les in targets:
        size = target_size(les, base.lesions.get(les.id))
        baseline += size if size is not None else ZERO
    nadir = baseline
    confirmed = confirmed_new_lesion_ids(req.visits)
    first_clear = first_unequivocal(req.visits)
    after_cr = False
    progressed = False
    out: list[TimePoint] = []
    for v in range(1, len(req.visits)):
        visit = req.visits[v]
        reasons: list[Reason] = []
        if targets:
            tr = evaluate_targets(targets, visit, baseline, nadir, after_cr, reappearance)
            t_cat, total = tr.category, tr.total
            reasons.append(_target_reason(tr, baseline, nadir, v))
            reasons.extend(measurement_notes(targets, visit))
        else:
            t_cat, total = NA, None
        n_cat, n_reason = evaluate_non_targets(non_targets, visit, after_cr, reappearance, v)
        if n_reason is not None:
            reasons.append(n_reason)
        new, new_reason = evaluate_new_lesions(visit, confirmed, first_clear, req.visits, v)
        if new_reason is not None:
            reasons.append(new_reason)
        row = overall_row(t_cat, n_cat, new)
        reasons.append(_overall_reason(row, t_cat, n_cat, new))
        out.append(TimePoint(
            index=v, date=visit.date, day=(visit.date - req.start_date).days, target=t_cat,
            non_target=n_cat, new_lesions=new, overall=row.overall, burden_mm=total,
            baseline_mm=baseline if targets else None, nadir_mm=nadir if targets else None,
            after_progression=progressed, reasons=tuple(reasons),
        ))
        if total is not None and total < nadir:
            nadir = total
        if row.overall != NE:
            after_cr = row.overall == CR
        if row.overall == PD:
            progressed = True
    return tuple(out)
