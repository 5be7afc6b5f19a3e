"""Input checks before any response is computed: structure, then each criterion's baseline.

All problems are collected and raised together as :class:`~hdil2.core.errors.InputErrors`,
each naming its field as a dotted path (``visits[2].lesions.T01.sa_mm``).

RECIST 1.1 baseline rules (``recist1.1``; the thresholds verified):

* non-nodal target: longest diameter ≥ 10 mm on CT/MRI (≥ 2 × slice thickness when the slice is
  thicker than 5 mm; memory), ≥ 10 mm by caliper, ≥ 20 mm on chest X-ray;
* nodal target: short axis ≥ 15 mm; nodal non-target: 10 to < 15 mm is pathological, < 10 mm is
  normal and not a lesion;
* at most 5 targets in total and at most 2 per organ (all nodes one organ: policy
  ``nodes_one_organ``, from the RECIST FAQ).
"""

from __future__ import annotations

from decimal import Decimal

from hdil2.clinical.response.models import AssessmentRequest, Fragment, Lesion, Measurement
from hdil2.core.errors import InputError, InputErrors

TARGET_STATUSES = frozenset({"measured", "too_small", "absent", "not_evaluated", "merged"})
NON_TARGET_STATUSES = frozenset(
    {"present", "absent", "unequivocal_progression", "not_evaluated", "measured"})

MAX_TARGETS = 5
MAX_TARGETS_PER_ORGAN = 2
NODE_TARGET_MIN_SA = Decimal(15)
NODE_PATHOLOGICAL_SA = Decimal(10)
MIN_LD_CT = Decimal(10)
MIN_LD_XRAY = Decimal(20)
SLICE_RULE_ABOVE = Decimal(5)


def _raise(errors: list[InputError]) -> None:
    if errors:
        raise InputErrors(errors)


def _diameter_field(lesion: Lesion) -> str:
    return "sa_mm" if lesion.is_lymph_node else "ld_mm"


def check_structure(req: AssessmentRequest, bidimensional: bool = False) -> None:
    """Ids, dates, statuses and the diameters each lesion kind needs (all criteria)."""
    errors: list[InputError] = []
    ids: dict[str, Lesion] = {}
    for i, les in enumerate(req.lesions):
        if les.id in ids:
            errors.append(InputError(f"lesions[{i}].id", "duplicate lesion id", les.id))
        ids[les.id] = les
    for i in range(1, len(req.visits)):
        if req.visits[i].date <= req.visits[i - 1].date:
            errors.append(InputError(f"visits[{i}].date",
                                     "visits must be in strictly ascending date order",
                                     req.visits[i].date))
    base = req.visits[0]
    if base.new_lesions:
        errors.append(InputError("visits[0].new_lesions", "the baseline visit has no new lesions"))
    for lid in ids:
        if lid not in base.lesions:
            errors.append(InputError(f"visits[0].lesions.{lid}",
                                     "every baseline lesion needs its baseline record"))
    for v, visit in enumerate(req.visits):
        seen_new: set[str] = set()
        for n, new in enumerate(visit.new_lesions):
            if new.id in ids:
                errors.append(InputError(f"visits[{v}].new_lesions[{n}].id",
                                         "clashes with a baseline lesion id", new.id))
            if new.id in seen_new:
                errors.append(InputError(f"visits[{v}].new_lesions[{n}].id",
                                         "duplicate new-lesion id at this visit", new.id))
            seen_new.add(new.id)
        for lid, m in visit.lesions.items():
            path = f"visits[{v}].lesions.{lid}"
            les_or_none = ids.get(lid)
            if les_or_none is None:
                errors.append(InputError(path, "no baseline lesion has this id", lid))
                continue
            errors.extend(_check_measurement(les_or_none, m, path, visit.lesions, ids,
                                             bidimensional, baseline=v == 0))
    _raise(errors)


def _check_measurement(
    les: Lesion, m: Measurement, path: str, at_visit: dict[str, Measurement],
    ids: dict[str, Lesion], bidimensional: bool, baseline: bool,
) -> list[InputError]:
    errors: list[InputError] = []
    status = m.effective_status
    allowed = TARGET_STATUSES if les.kind == "target" else NON_TARGET_STATUSES
    if status not in allowed:
        errors.append(InputError(f"{path}.status",
                                 f"not a status of a {les.kind} lesion; use one of "
                                 f"{sorted(allowed)}", status))
        return errors
    if baseline and status not in ("measured", "present"):
        errors.append(InputError(f"{path}.status", "at baseline a lesion is measured (target) "
                                 "or present (non-target)", status))
    if status == "merged":
        into = m.merged_into or ""
        other = at_visit.get(into)
        if into == les.id or into not in ids or ids[into].kind != "target":
            errors.append(InputError(f"{path}.merged_into",
                                     "must name another target lesion", into))
        elif other is None or other.effective_status != "measured":
            errors.append(InputError(f"{path}.merged_into",
                                     f"the merged lesion {into} must be measured at this visit",
                                     into))
    if status != "measured":
        return errors
    if les.kind == "non-target":
        if not les.is_lymph_node or m.sa_mm is None:
            errors.append(InputError(f"{path}.status", "a non-target lesion is followed by "
                                     "status; only a node may carry sa_mm", status))
        return errors
    parts: tuple[Fragment | Measurement, ...] = (
        m.fragments if m.fragments is not None else (m,))
    for k, part in enumerate(parts):
        ppath = f"{path}.fragments[{k}]" if m.fragments is not None else path
        need = _diameter_field(les)
        # the nodal short axis is a RECIST 1.1 rule; WHO and NCI measure every lesion, nodes
        # included, as longest diameter × longest perpendicular (checked below)
        if not bidimensional and getattr(part, need) is None:
            which = "nodal" if les.is_lymph_node else "non-nodal"
            errors.append(InputError(f"{ppath}.{need}", f"required for a {which} target lesion"))
        if bidimensional and part.ld_mm is None:
            errors.append(InputError(f"{ppath}.ld_mm", "bidimensional criteria need the "
                                     "longest diameter"))
        if bidimensional and part.perp_mm is None and not (les.is_lymph_node
                                                           and part.sa_mm is not None):
            errors.append(InputError(f"{ppath}.perp_mm", "bidimensional criteria need the "
                                     "longest perpendicular diameter"))
    return errors


def recist_minimum_ld(les: Lesion) -> Decimal:
    """Smallest measurable longest diameter of a non-nodal lesion for its imaging method."""
    if les.method == "xray":
        return MIN_LD_XRAY
    if les.method in (None, "ct", "mri") and les.slice_mm is not None \
            and les.slice_mm > SLICE_RULE_ABOVE:
        return max(MIN_LD_CT, 2 * les.slice_mm)
    return MIN_LD_CT


def _organ(les: Lesion, nodes_one_organ: bool) -> str:
    if les.is_lymph_node and nodes_one_organ:
        return "lymph node"
    return " ".join(les.organ.lower().split())


def check_recist_baseline(req: AssessmentRequest, nodes_one_organ: bool) -> None:
    """RECIST 1.1 measurability and target-selection rules at the baseline visit."""
    errors: list[InputError] = []
    base = req.visits[0].lesions
    targets = [(i, les) for i, les in enumerate(req.lesions) if les.kind == "target"]
    if len(targets) > MAX_TARGETS:
        errors.append(InputError("lesions", f"{len(targets)} target lesions: RECIST 1.1 allows "
                                 f"at most {MAX_TARGETS} in total (recist1.1)", len(targets)))
    per_organ: dict[str, list[str]] = {}
    for _, les in targets:
        per_organ.setdefault(_organ(les, nodes_one_organ), []).append(les.id)
    for organ, lids in per_organ.items():
        if len(lids) > MAX_TARGETS_PER_ORGAN:
            errors.append(InputError("lesions", f"{len(lids)} targets in organ '{organ}' "
                                     f"({', '.join(lids)}): at most {MAX_TARGETS_PER_ORGAN} per "
                                     "organ (recist1.1)", organ))
    for les in req.lesions:
        m = base.get(les.id)
        if m is None:
            continue  # reported by check_structure
        path = f"visits[0].lesions.{les.id}"
        if les.kind == "target":
            size = _baseline_size(les, m)
            if size is None:
                continue
            if les.is_lymph_node and size < NODE_TARGET_MIN_SA:
                errors.append(InputError(f"{path}.sa_mm", f"a nodal target needs a short axis "
                                         f"≥ {NODE_TARGET_MIN_SA} mm; 10 to < 15 mm is a "
                                         "non-target node (recist1.1)", size))
            elif not les.is_lymph_node and size < (minimum := recist_minimum_ld(les)):
                how = les.method or "CT/MRI (method not given)"
                errors.append(InputError(f"{path}.ld_mm", f"not measurable: longest diameter "
                                         f"< {minimum} mm for {how} (recist1.1)", size))
        elif les.is_lymph_node and m.sa_mm is not None and m.sa_mm < NODE_PATHOLOGICAL_SA:
            errors.append(InputError(f"{path}.sa_mm", "a node with short axis < 10 mm is "
                                     "normal, not a lesion (recist1.1)", m.sa_mm))
    _raise(errors)


def _baseline_size(les: Lesion, m: Measurement) -> Decimal | None:
    field = _diameter_field(les)
    if m.fragments is not None:
        values = [getattr(f, field) for f in m.fragments]
        return None if any(x is None for x in values) else sum(values, Decimal(0))
    value: Decimal | None = getattr(m, field)
    return value
