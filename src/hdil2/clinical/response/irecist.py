"""iRECIST time-point response (Seymour et al. 2017, ``irecist``; the iRECIST FAQ, ``recist-faq``).

Built on the RECIST 1.1 components of :mod:`~hdil2.clinical.response.recist11`:

* RECIST 1.1 PD in any category (target, non-target, new lesions) is **iUPD**, unconfirmed.
* The nadir is the smallest target sum on study (RECIST 1.1 section 4.3.1), baseline included
  and sums measured at iUPD and iCPD visits included; so is the new-lesion target sum's nadir
  (from the visit its lesions appeared; it starts afresh when another new-lesion target joins).
* The next assessment confirms it as **iCPD** when, compared with the iUPD assessment: the target
  sum grew by ≥ 5 mm further (when targets were the basis; increases add up, so the reference is
  the iUPD assessment itself); any further growth of non-target disease (when it was the basis;
  need not be unequivocal: ``increased_since_last``); the new lesions grew (new-lesion target sum
  + ≥ 5 mm, or any growth of a new non-target lesion); an additional new lesion appeared; or PD
  criteria are newly met in a category that was not the basis.
* A scan < 4 weeks after the iUPD does not count for confirmation unless it was done for new
  symptoms and shows an additional new lesion (RECIST FAQ); it is reported and skipped.
* Neither confirmation nor regression: the status **stays iUPD**.  When every category that
  made iUPD is out of PD at the next assessment, the response is iSD/iPR/iCR by the RECIST 1.1
  table and the **bar resets**: a later iUPD is judged afresh against the nadir.
* New lesions that caused iUPD and neither grow nor resolve: policy ``irecist_new_lesion_reset``
  (stay iUPD by default, or let the target response decide).  iCR needs every new lesion gone.
* New lesions are measurable (new-lesion target, NLT) when the longest diameter is ≥ 10 mm
  (nodes: short axis ≥ 15 mm), at most 5 in all and 2 per organ, chosen in order of appearance;
  their sum is kept apart from the baseline target sum.
* Continuing treatment after iUPD needs clinical stability: a clinical judgement, not computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hdil2.clinical.response.models import AssessmentRequest, NewLesion
from hdil2.clinical.response.policies import IRECIST_NEW_LESION_RESET, REAPPEARANCE_AFTER_CR
from hdil2.clinical.response.recist11 import (
    NA,
    NE,
    PD,
    PD_ABSOLUTE_MM,
    ZERO,
    evaluate_non_targets,
    evaluate_targets,
    overall_row,
    target_size,
)
from hdil2.clinical.response.timepoint import TimePoint
from hdil2.clinical.response.validation import (
    MAX_TARGETS,
    MAX_TARGETS_PER_ORGAN,
    MIN_LD_CT,
    NODE_TARGET_MIN_SA,
)
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

ICR, IPR, ISD, INN, IUPD, ICPD = "iCR", "iPR", "iSD", "NON-iCR/NON-iUPD", "iUPD", "iCPD"
_I = {"CR": ICR, "PR": IPR, "SD": ISD, "NON-CR/NON-PD": INN, "NE": NE}
CONFIRM_MIN_DAYS = 28


@dataclass
class _Pending:
    date: Any
    basis: frozenset[str]
    target_sum: Decimal | None
    nlt_sum: Decimal
    seen: frozenset[str]  # new lesions seen up to and including the iUPD visit


@dataclass
class _NewLesionBook:
    """New lesions seen so far; which are new-lesion targets (NLT)."""

    seen: set[str] = field(default_factory=set)
    nlt: list[str] = field(default_factory=list)
    nlt_organs: dict[str, int] = field(default_factory=dict)

    def admit(self, n: NewLesion) -> None:
        if n.id in self.seen:
            return
        self.seen.add(n.id)
        size = n.sa_mm if n.is_lymph_node else n.ld_mm
        limit = NODE_TARGET_MIN_SA if n.is_lymph_node else MIN_LD_CT
        organ = "lymph node" if n.is_lymph_node else " ".join(n.organ.lower().split())
        if (size is not None and size >= limit and len(self.nlt) < MAX_TARGETS
                and self.nlt_organs.get(organ, 0) < MAX_TARGETS_PER_ORGAN):
            self.nlt.append(n.id)
            self.nlt_organs[organ] = self.nlt_organs.get(organ, 0) + 1


def _nlt_sum(book: _NewLesionBook, present: Mapping[str, NewLesion]) -> Decimal:
    total = ZERO
    for lid in book.nlt:
        n = present.get(lid)
        if n is None or n.status == "absent":
            continue
        size = n.sa_mm if n.is_lymph_node else n.ld_mm
        total += size if size is not None else ZERO
    return total


def assess_timepoints(req: AssessmentRequest, policies: Mapping[str, Any]) -> tuple[TimePoint, ...]:
    """iRECIST response at every visit after baseline (input already validated)."""
    reappearance = policies.get(REAPPEARANCE_AFTER_CR.name, REAPPEARANCE_AFTER_CR.default)
    nl_reset = policies.get(IRECIST_NEW_LESION_RESET.name, IRECIST_NEW_LESION_RESET.default)
    targets = [les for les in req.lesions if les.kind == "target"]
    non_targets = [les for les in req.lesions if les.kind == "non-target"]
    baseline = ZERO
    for les in targets:
        size = target_size(les, req.visits[0].lesions.get(les.id))
        baseline += size if size is not None else ZERO
    nadir = baseline
    book = _NewLesionBook()
    nlt_nadir: Decimal | None = None
    pending: _Pending | None = None
    after_cr = False
    confirmed_on = None
    out: list[TimePoint] = []
    for v in range(1, len(req.visits)):
        visit = req.visits[v]
        day = (visit.date - req.start_date).days
        reasons: list[Reason] = []
        if confirmed_on is not None:
            out.append(TimePoint(v, visit.date, day, NA, NA, False, ICPD, None,
                                 baseline if targets else None, nadir if targets else None,
                                 True, (Reason("irecist.after_icpd", "irecist",
                                               text=f"progression confirmed (iCPD) on "
                                               f"{confirmed_on}: no further iRECIST assessment"),
                                        )))
            continue
        if targets:
            tr = evaluate_targets(targets, visit, baseline, nadir, after_cr, reappearance)
            t_cat, total, partial = tr.category, tr.total, tr.partial
        else:
            t_cat, total, partial = NA, None, ZERO
        n_cat, n_reason = evaluate_non_targets(non_targets, visit, after_cr, reappearance, v)
        present_new = {n.id: n for n in visit.new_lesions
                       if n.status == "present" and not n.equivocal}
        newly = sorted(lid for lid in present_new if lid not in book.seen)
        nlt_count = len(book.nlt)
        for n in visit.new_lesions:
            if n.status == "present" and not n.equivocal:
                book.admit(n)
        nlt_grew = len(book.nlt) > nlt_count
        nlt_now = _nlt_sum(book, present_new)
        nt_grew = [les.id for les in non_targets
                   if (m := visit.lesions.get(les.id)) is not None and m.increased_since_last]
        nlnt_grew = [lid for lid, n in present_new.items()
                     if lid not in book.nlt and n.increased_since_last]
        inputs: dict[str, Any] = {"target": t_cat, "non_target": n_cat, "target_sum_mm": total,
                                  "nadir_mm": nadir if targets else None,
                                  "new_lesions_now": sorted(present_new),
                                  "additional_new_lesions": newly, "nlt_sum_mm": nlt_now,
                                  "nlt_nadir_mm": nlt_nadir}
        if n_reason is not None:
            reasons.append(n_reason)
        cat: str
        if pending is None:
            basis = set()
            if t_cat == PD:
                basis.add("target")
            if n_cat == PD:
                basis.add("non_target")
            nlt_pd = (nlt_nadir is not None and bool(book.nlt)
                      and 5 * nlt_now >= 6 * nlt_nadir and nlt_now - nlt_nadir >= PD_ABSOLUTE_MM)
            if newly or nlt_pd:
                basis.add("new_lesions")
            if basis:
                cat = IUPD
                # with a target not evaluated, the measured sum (which already proves PD) is
                # the reference for the further 5 mm
                pending = _Pending(visit.date, frozenset(basis),
                                   total if total is not None else partial, nlt_now,
                                   frozenset(book.seen))
                reasons.append(Reason("irecist.iupd", "irecist", tag=Tag.VERIFIED, inputs=inputs,
                                      text=f"RECIST 1.1 progression by {', '.join(sorted(basis))}"
                                      ": iUPD (unconfirmed); confirm at the next assessment "
                                      "4-8 weeks later"))
            else:
                cat = _non_pd(t_cat, n_cat, bool(present_new), reasons, inputs)
        else:
            days = (visit.date - pending.date).days
            early = days < CONFIRM_MIN_DAYS
            if early and not (visit.for_new_symptoms and newly):
                cat = IUPD
                reasons.append(Reason("irecist.scan_too_early", "recist-faq", tag=Tag.VERIFIED,
                                      inputs={**inputs, "days_after_iupd": days},
                                      text=f"scan {days} days after the iUPD (< 4 weeks) and not "
                                      "a symptom-driven scan showing a new lesion: disregarded "
                                      "for confirmation; status stays iUPD"))
                out.append(_tp(v, visit, day, t_cat, n_cat, bool(present_new), cat, total,
                               baseline, nadir, targets, reasons))
                # still a measurement on study: it counts for the nadirs
                nadir, nlt_nadir = _next_nadirs(nadir, total, nlt_nadir, nlt_now, nlt_grew)
                continue
            # additional = new since the iUPD, including one first seen on a disregarded scan
            since_iupd = sorted(lid for lid in present_new if lid not in pending.seen)
            why = _confirmation(pending, t_cat, n_cat, total, partial, nadir, since_iupd,
                                nlt_now, nt_grew, nlnt_grew)
            if why:
                cat = ICPD
                confirmed_on = visit.date
                reasons.append(Reason("irecist.icpd", "irecist", tag=Tag.VERIFIED,
                                      inputs={**inputs, "iupd_date": str(pending.date),
                                              "iupd_target_sum_mm": pending.target_sum,
                                              "iupd_nlt_sum_mm": pending.nlt_sum},
                                      text=f"iUPD of {pending.date} confirmed: {'; '.join(why)}"
                                      ": iCPD"))
            else:
                still = []
                if t_cat == PD:
                    still.append("target sum still ≥ 20 % and 5 mm above the nadir")
                if n_cat == PD:
                    still.append("non-target progression persists")
                if "new_lesions" in pending.basis and present_new and nl_reset == "stay_iupd":
                    still.append("the new lesions persist (policy irecist_new_lesion_reset = "
                                 "stay_iupd)")
                if still:
                    cat = IUPD
                    reasons.append(Reason("irecist.stays_iupd", "irecist", tag=Tag.VERIFIED,
                                          inputs=inputs, text=f"neither confirmed nor regressed "
                                          f"({'; '.join(still)}): stays iUPD"))
                elif NE in (t_cat, n_cat):
                    cat = NE
                    reasons.append(Reason("irecist.ne_after_iupd", "irecist", inputs=inputs,
                                          text="not all lesions evaluated after iUPD: NE; the "
                                          "iUPD still awaits confirmation"))
                else:
                    cat = _non_pd(t_cat, n_cat, bool(present_new), reasons, inputs)
                    reasons.append(Reason("irecist.reset", "irecist", tag=Tag.VERIFIED,
                                          inputs=inputs, text=f"{cat} after the iUPD of "
                                          f"{pending.date}: the bar resets; a later iUPD is "
                                          "judged afresh against the nadir"))
                    pending = None
        out.append(_tp(v, visit, day, t_cat, n_cat, bool(present_new), cat, total, baseline,
                       nadir, targets, reasons))
        nadir, nlt_nadir = _next_nadirs(nadir, total, nlt_nadir, nlt_now, nlt_grew)
        if cat != NE:
            after_cr = cat == ICR
    return tuple(out)


def _next_nadirs(nadir: Decimal, total: Decimal | None, nlt_nadir: Decimal | None,
                 nlt_now: Decimal, nlt_grew: bool) -> tuple[Decimal, Decimal | None]:
    """The nadirs after a visit: the smallest sums on study, whatever the visit's category.

    RECIST 1.1 section 4.3.1 takes the smallest target sum on study as the reference for
    progression; iRECIST keeps that rule, so sums measured at iUPD (and iCPD) visits count too.
    The new-lesion target (NLT) sum starts afresh whenever a new NLT joins the set (the sum then
    covers other lesions); until then its nadir is its smallest value since it appeared.
    """
    if total is not None and total < nadir:
        nadir = total
    if nlt_grew or nlt_nadir is None:
        return nadir, nlt_now if nlt_grew else None
    return nadir, min(nlt_nadir, nlt_now)


def _tp(v: int, visit: Any, day: int, t_cat: str, n_cat: str, new: bool, cat: str,
        total: Decimal | None, baseline: Decimal, nadir: Decimal, targets: list[Any],
        reasons: list[Reason]) -> TimePoint:
    return TimePoint(v, visit.date, day, t_cat, n_cat, new, cat, total,
                     baseline if targets else None, nadir if targets else None,
                     False, tuple(reasons))


def _non_pd(t_cat: str, n_cat: str, new_present: bool, reasons: list[Reason],
            inputs: dict[str, Any]) -> str:
    row = overall_row(t_cat, n_cat, False)
    cat = _I[row.overall]
    text = f"{row.text} → {cat}"
    if cat == ICR and new_present:
        cat = IPR if t_cat != NA else INN
        text = f"targets and non-targets gone but earlier new lesions persist: {cat}, not iCR"
    reasons.append(Reason(row.rule.replace("recist1.1.", "irecist."), "irecist",
                          tag=Tag.VERIFIED, inputs=inputs, text=text))
    return cat


def _confirmation(
    p: _Pending, t_cat: str, n_cat: str, total: Decimal | None, partial: Decimal, nadir: Decimal,
    newly: list[str], nlt_now: Decimal, nt_grew: list[str], nlnt_grew: list[str],
) -> list[str]:
    why: list[str] = []
    if "target" in p.basis:
        now = total if total is not None else partial
        if p.target_sum is not None and now - p.target_sum >= PD_ABSOLUTE_MM:
            why.append(f"target sum {now} mm is ≥ 5 mm above {p.target_sum} mm at iUPD")
    elif t_cat == PD:
        now = total if total is not None else partial
        why.append(f"target sum {now} mm is ≥ 20 % and ≥ 5 mm above the nadir {nadir} mm: "
                   "target progression newly met (not a basis of the iUPD)")
    if "non_target" in p.basis:
        if nt_grew:
            why.append(f"non-target {', '.join(nt_grew)} grew further")
    elif n_cat == PD:
        why.append("non-target PD newly met (not a basis of the iUPD)")
    if newly:
        why.append(f"additional new lesion(s) {', '.join(newly)}")
    if "new_lesions" in p.basis:
        if nlt_now - p.nlt_sum >= PD_ABSOLUTE_MM:
            why.append(f"new-lesion target sum {nlt_now} mm is ≥ 5 mm above {p.nlt_sum} mm")
        if nlnt_grew:
            why.append(f"new non-target lesion(s) {', '.join(nlnt_grew)} grew")
    return why
