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

Each visit goes through named steps, as in :mod:`~hdil2.clinical.response.recist11`:
:func:`recist_components` (the RECIST 1.1 target and non-target categories),
:func:`read_new_lesions` (new, additional and new-lesion-target lesions),
then without an open iUPD :func:`progression_basis` (what makes iUPD, :func:`iupd`) or
:func:`non_pd_response`; with one, :func:`disregarded_scan` (too early to confirm),
:func:`confirmation` (what confirms iCPD) and :func:`after_iupd` (iCPD, stays iUPD, NE or the
reset); :func:`next_nadirs` carries the nadirs to the next visit.  :func:`assess_timepoints`
runs them in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hdil2.clinical.response.models import AssessmentRequest, Lesion, NewLesion, Visit
from hdil2.clinical.response.policies import IRECIST_NEW_LESION_RESET, REAPPEARANCE_AFTER_CR
from hdil2.clinical.response.recist11 import (
    NA,
    NE,
    PD,
    PD_ABSOLUTE_MM,
    ZERO,
    evaluate_non_targets,
    evaluate_targets,
    is_target_pd,
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


# --- what is carried from visit to visit -----------------------------------------------------

@dataclass(frozen=True, slots=True)
class PendingIupd:
    """An unconfirmed progression (iUPD) awaiting confirmation, and its reference values."""

    date: dt.date
    basis: frozenset[str]  # the categories that made iUPD: target, non_target, new_lesions
    target_sum: Decimal | None  # the target sum at the iUPD (the measured part if incomplete)
    nlt_sum: Decimal  # the new-lesion target sum at the iUPD
    seen: frozenset[str]  # new lesions seen up to and including the iUPD visit


@dataclass
class NewLesionBook:
    """New lesions seen so far; which are new-lesion targets (NLT)."""

    seen: set[str] = field(default_factory=set)
    nlt: list[str] = field(default_factory=list)
    nlt_organs: dict[str, int] = field(default_factory=dict)

    def admit(self, n: NewLesion) -> None:
        """Record ``n``; it becomes an NLT if measurable and the 5 / 2-per-organ caps allow."""
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

    def nlt_sum(self, present: Mapping[str, NewLesion]) -> Decimal:
        """Sum of the new-lesion targets present now (an absent or unseen one counts 0)."""
        total = ZERO
        for lid in self.nlt:
            n = present.get(lid)
            if n is None or n.status == "absent":
                continue
            size = n.sa_mm if n.is_lymph_node else n.ld_mm
            total += size if size is not None else ZERO
        return total


@dataclass
class _Course:
    """The state of an assessment between visits."""

    nadir: Decimal  # smallest target sum on study, baseline included
    nlt_nadir: Decimal | None = None  # smallest new-lesion target sum since the set last grew
    pending: PendingIupd | None = None
    after_cr: bool = False  # the last evaluable overall response was iCR
    confirmed_on: dt.date | None = None  # date of the iCPD
    book: NewLesionBook = field(default_factory=NewLesionBook)


# --- the steps of one visit ------------------------------------------------------------------

def baseline_sum(targets: Sequence[Lesion], baseline: Visit) -> Decimal:
    """Sum of the target diameters at baseline (RECIST 1.1 rules; a missing one counts 0)."""
    total = ZERO
    for les in targets:
        size = target_size(les, baseline.lesions.get(les.id))
        total += size if size is not None else ZERO
    return total


@dataclass(frozen=True, slots=True)
class Components:
    """The RECIST 1.1 target and non-target categories of one visit, read for iRECIST."""

    target: str
    total: Decimal | None  # full target sum (None when a target is missing)
    partial: Decimal  # sum of the measured targets
    non_target: str
    non_target_reason: Reason | None
    non_target_grew: tuple[str, ...]  # non-targets recorded as grown since the last visit

    @property
    def measured_sum(self) -> Decimal:
        """The full target sum, or the measured part when a target was not evaluated."""
        return self.total if self.total is not None else self.partial


def recist_components(targets: Sequence[Lesion], non_targets: Sequence[Lesion], visit: Visit,
                      baseline: Decimal, nadir: Decimal, after_cr: bool, reappearance: str,
                      v: int) -> Components:
    """Target and non-target categories by RECIST 1.1 (``NA`` without lesions of the kind)."""
    if targets:
        tr = evaluate_targets(targets, visit, baseline, nadir, after_cr, reappearance)
        t_cat, total, partial = tr.category, tr.total, tr.partial
    else:
        t_cat, total, partial = NA, None, ZERO
    n_cat, n_reason = evaluate_non_targets(non_targets, visit, after_cr, reappearance, v)
    grew = tuple(les.id for les in non_targets
                 if (m := visit.lesions.get(les.id)) is not None and m.increased_since_last)
    return Components(t_cat, total, partial, n_cat, n_reason, grew)


@dataclass(frozen=True, slots=True)
class NewLesions:
    """The new lesions of one visit as iRECIST reads them (equivocal ones do not count)."""

    present: Mapping[str, NewLesion]  # unequivocal new lesions present now, by id
    additional: tuple[str, ...]  # first seen at this visit, sorted
    nlt_sum: Decimal  # sum of the new-lesion targets now
    nlt_joined: bool  # a new-lesion target joined at this visit (its sum starts afresh)
    grew: tuple[str, ...]  # new non-target lesions recorded as grown since the last visit

    def since(self, pending: PendingIupd) -> list[str]:
        """New lesions present now and not seen by the iUPD visit, including any first seen on
        a scan disregarded since."""
        return sorted(lid for lid in self.present if lid not in pending.seen)


def read_new_lesions(visit: Visit, book: NewLesionBook) -> NewLesions:
    """The visit's new lesions; records them in ``book`` (which may make them NLTs)."""
    present = {n.id: n for n in visit.new_lesions if n.status == "present" and not n.equivocal}
    additional = tuple(sorted(lid for lid in present if lid not in book.seen))
    before = len(book.nlt)
    for n in visit.new_lesions:
        if n.status == "present" and not n.equivocal:
            book.admit(n)
    grew = tuple(lid for lid, n in present.items()
                 if lid not in book.nlt and n.increased_since_last)
    return NewLesions(present, additional, book.nlt_sum(present), len(book.nlt) > before, grew)


def progression_basis(c: Components, new: NewLesions, book: NewLesionBook,
                      nlt_nadir: Decimal | None) -> frozenset[str]:
    """What makes RECIST 1.1 progression here (empty: none): target PD, non-target PD, an
    additional new lesion, or the new-lesion target sum ≥ 20 % and 5 mm above its nadir."""
    basis = set()
    if c.target == PD:
        basis.add("target")
    if c.non_target == PD:
        basis.add("non_target")
    nlt_pd = nlt_nadir is not None and bool(book.nlt) and is_target_pd(new.nlt_sum, nlt_nadir)
    if new.additional or nlt_pd:
        basis.add("new_lesions")
    return frozenset(basis)


def iupd(basis: frozenset[str], inputs: Mapping[str, Any]) -> Reason:
    """The reason of an iUPD (unconfirmed progression)."""
    return Reason("irecist.iupd", "irecist", tag=Tag.VERIFIED, inputs=dict(inputs),
                  text=f"RECIST 1.1 progression by {', '.join(sorted(basis))}: iUPD "
                  "(unconfirmed); confirm at the next assessment 4-8 weeks later")


def non_pd_response(t_cat: str, n_cat: str, new_present: bool, inputs: Mapping[str, Any]
                    ) -> tuple[str, Reason]:
    """iCR, iPR, iSD, NON-iCR/NON-iUPD or NE by the RECIST 1.1 table, with its reason.

    iCR needs every new lesion gone: with earlier new lesions still present it is iPR (or
    NON-iCR/NON-iUPD without targets).
    """
    row = overall_row(t_cat, n_cat, False)
    cat = _I[row.overall]
    text = f"{row.text} → {cat}"
    if cat == ICR and new_present:
        cat = IPR if t_cat != NA else INN
        text = f"targets and non-targets gone but earlier new lesions persist: {cat}, not iCR"
    return cat, Reason(row.rule.replace("recist1.1.", "irecist."), "irecist",
                       tag=Tag.VERIFIED, inputs=dict(inputs), text=text)


def disregarded_scan(pending: PendingIupd, visit: Visit, new: NewLesions,
                     inputs: Mapping[str, Any]) -> Reason | None:
    """Why a scan < 4 weeks after the iUPD does not count for confirmation, or ``None``.

    An early scan counts only when it was done for new symptoms and shows an additional new
    lesion (RECIST FAQ).
    """
    days = (visit.date - pending.date).days
    if days >= CONFIRM_MIN_DAYS or (visit.for_new_symptoms and new.additional):
        return None
    return Reason("irecist.scan_too_early", "recist-faq", tag=Tag.VERIFIED,
                  inputs={**inputs, "days_after_iupd": days},
                  text=f"scan {days} days after the iUPD (< 4 weeks) and not a symptom-driven "
                  "scan showing a new lesion: disregarded for confirmation; status stays iUPD")


def confirmation(
    p: PendingIupd, t_cat: str, n_cat: str, total: Decimal | None, partial: Decimal,
    nadir: Decimal, newly: list[str], nlt_now: Decimal, nt_grew: Sequence[str],
    nlnt_grew: Sequence[str],
) -> list[str]:
    """What confirms the iUPD ``p`` as iCPD at this visit (empty: nothing does).

    Growth of a basis category (target sum + 5 mm over the iUPD, any non-target growth, new
    lesions growing), an additional new lesion, or PD newly met in another category.
    """
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


def after_iupd(p: PendingIupd, c: Components, new: NewLesions, nadir: Decimal, nl_reset: str,
               inputs: Mapping[str, Any]) -> tuple[str, list[Reason], bool]:
    """The response at the next counted assessment after an iUPD: ``(category, reasons,
    reset)``.

    iCPD when confirmed; else iUPD while a basis is still in PD (or, by policy
    ``irecist_new_lesion_reset``, its new lesions persist); NE when lesions were not all
    evaluated; otherwise the RECIST 1.1 table's response, and the bar resets.
    """
    why = confirmation(p, c.target, c.non_target, c.total, c.partial, nadir, new.since(p),
                       new.nlt_sum, c.non_target_grew, new.grew)
    if why:
        return ICPD, [Reason("irecist.icpd", "irecist", tag=Tag.VERIFIED,
                             inputs={**inputs, "iupd_date": str(p.date),
                                     "iupd_target_sum_mm": p.target_sum,
                                     "iupd_nlt_sum_mm": p.nlt_sum},
                             text=f"iUPD of {p.date} confirmed: {'; '.join(why)}: iCPD")], False
    still = []
    if c.target == PD:
        still.append("target sum still ≥ 20 % and 5 mm above the nadir")
    if c.non_target == PD:
        still.append("non-target progression persists")
    if "new_lesions" in p.basis and new.present and nl_reset == "stay_iupd":
        still.append("the new lesions persist (policy irecist_new_lesion_reset = stay_iupd)")
    if still:
        return IUPD, [Reason("irecist.stays_iupd", "irecist", tag=Tag.VERIFIED,
                             inputs=dict(inputs), text="neither confirmed nor regressed "
                             f"({'; '.join(still)}): stays iUPD")], False
    if NE in (c.target, c.non_target):
        return NE, [Reason("irecist.ne_after_iupd", "irecist", inputs=dict(inputs),
                           text="not all lesions evaluated after iUPD: NE; the iUPD still "
                           "awaits confirmation")], False
    cat, reason = non_pd_response(c.target, c.non_target, bool(new.present), inputs)
    return cat, [reason, Reason("irecist.reset", "irecist", tag=Tag.VERIFIED,
                                inputs=dict(inputs), text=f"{cat} after the iUPD of "
                                f"{p.date}: the bar resets; a later iUPD is judged afresh "
                                "against the nadir")], True


def next_nadirs(nadir: Decimal, total: Decimal | None, nlt_nadir: Decimal | None,
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


def after_icpd(confirmed_on: dt.date) -> Reason:
    """The reason of every visit after the iCPD: no further assessment."""
    return Reason("irecist.after_icpd", "irecist", text=f"progression confirmed (iCPD) on "
                  f"{confirmed_on}: no further iRECIST assessment")


# --- every visit -----------------------------------------------------------------------------

def assess_timepoints(req: AssessmentRequest, policies: Mapping[str, Any]) -> tuple[TimePoint, ...]:
    """iRECIST response at every visit after baseline (input already validated)."""
    reappearance = policies.get(REAPPEARANCE_AFTER_CR.name, REAPPEARANCE_AFTER_CR.default)
    nl_reset = policies.get(IRECIST_NEW_LESION_RESET.name, IRECIST_NEW_LESION_RESET.default)
    targets = [les for les in req.lesions if les.kind == "target"]
    non_targets = [les for les in req.lesions if les.kind == "non-target"]
    baseline = baseline_sum(targets, req.visits[0])
    course = _Course(nadir=baseline)
    out: list[TimePoint] = []

    def point(v: int, c: Components | None, new_present: bool, cat: str,
              reasons: Sequence[Reason]) -> TimePoint:
        visit = req.visits[v]
        return TimePoint(
            index=v, date=visit.date, day=(visit.date - req.start_date).days,
            target=c.target if c else NA, non_target=c.non_target if c else NA,
            new_lesions=new_present, overall=cat, burden_mm=c.total if c else None,
            baseline_mm=baseline if targets else None,
            nadir_mm=course.nadir if targets else None, after_progression=c is None,
            reasons=tuple(reasons))

    for v in range(1, len(req.visits)):
        visit = req.visits[v]
        if course.confirmed_on is not None:
            out.append(point(v, None, False, ICPD, [after_icpd(course.confirmed_on)]))
            continue
        c = recist_components(targets, non_targets, visit, baseline, course.nadir,
                              course.after_cr, reappearance, v)
        new = read_new_lesions(visit, course.book)
        inputs: dict[str, Any] = {"target": c.target, "non_target": c.non_target,
                                  "target_sum_mm": c.total,
                                  "nadir_mm": course.nadir if targets else None,
                                  "new_lesions_now": sorted(new.present),
                                  "additional_new_lesions": list(new.additional),
                                  "nlt_sum_mm": new.nlt_sum, "nlt_nadir_mm": course.nlt_nadir}
        reasons = [c.non_target_reason] if c.non_target_reason is not None else []
        cat: str
        if course.pending is None:
            basis = progression_basis(c, new, course.book, course.nlt_nadir)
            if basis:
                cat = IUPD
                reasons.append(iupd(basis, inputs))
                # with a target not evaluated, the measured sum (which already proves PD) is
                # the reference for the further 5 mm
                course.pending = PendingIupd(visit.date, basis, c.measured_sum, new.nlt_sum,
                                             frozenset(course.book.seen))
            else:
                cat, reason = non_pd_response(c.target, c.non_target, bool(new.present), inputs)
                reasons.append(reason)
        else:
            early = disregarded_scan(course.pending, visit, new, inputs)
            if early is not None:
                reasons.append(early)
                out.append(point(v, c, bool(new.present), IUPD, reasons))
                # still a measurement on study: it counts for the nadirs
                course.nadir, course.nlt_nadir = next_nadirs(
                    course.nadir, c.total, course.nlt_nadir, new.nlt_sum, new.nlt_joined)
                continue
            cat, why, reset = after_iupd(course.pending, c, new, course.nadir, nl_reset, inputs)
            reasons.extend(why)
            if cat == ICPD:
                course.confirmed_on = visit.date
            if reset:
                course.pending = None
        out.append(point(v, c, bool(new.present), cat, reasons))
        course.nadir, course.nlt_nadir = next_nadirs(course.nadir, c.total, course.nlt_nadir,
                                                      new.nlt_sum, new.nlt_joined)
        if cat != NE:
            course.after_cr = cat == ICR
    return tuple(out)
