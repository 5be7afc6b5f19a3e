"""Use cases of imaging: record a scan with its measurements, assess the response.

* :func:`record_scan` writes a scan and each lesion's measurement on it. Lesions are chosen
  at the baseline scan (target or non-target); a lesion first seen later is ``new``.
* :func:`assess_response` builds the ``assess`` request from the patient's stored lesions,
  scans and measurements with the chosen criteria (``recist1.1``, ``irecist``, ``who``,
  ``nci``), asks it, and stores the response of each visit and the best overall response
  (with confirmation) as :class:`ResponseAssessment` rows linked to one advice.
* :func:`override_response` records a response other than the computed one, with a reason
  (``override_reason``); the computed response stays beside it.

A lesion ``present`` with a diameter is sent to the criteria as measured; ``present`` without
one (a non-target lesion) as present; the other statuses as they are. A lymph node recorded
with its longest perpendicular diameter and no short axis is sent with that diameter as its
short axis: RECIST 1.1 section 3.1 measures a node by its short axis, the diameter
perpendicular to its long axis (SDTM TR rows of nodes often carry it as ``LPERP``, as the
pharmaversesdtm RECIST example does).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from hdil2.core.errors import InputError
from hdil2.registry.services._common import (
    Outcome,
    a_date,
    check_version,
    decimal_text,
    filled,
    get_row,
    reason_text,
    run,
    save_new,
    store_advice,
    ward_date,
)

if TYPE_CHECKING:
    from hdil2.app.profile import SiteProfile

MEASUREMENT_KEYS = ("lesion", "kind", "organ", "nodal", "status", "longest_mm",
                    "short_axis_mm", "perpendicular_mm")


def record_scan(patient_id: int, *, by: Any, scanned_on: Any, modality: str,
                measurements: list[dict[str, Any]], label: str = "", baseline: bool = False,
                course_id: int | None = None) -> Outcome:
    """Record a scan and its measurements: each ``{"lesion": "T01", "longest_mm": 42}``;
    a lesion not yet known also gives ``kind`` (target or non-target at baseline, new later),
    ``organ`` and ``nodal``."""
    from hdil2.registry.models import Course, Lesion, Measurement, Patient, Scan

    with transaction.atomic():
        patient = get_row(Patient, patient_id, "patient_id")
        course = get_row(Course, course_id, "course_id") if course_id is not None else None
        if course is not None and course.patient_id != patient.pk:
            raise InputError("course_id", f"{course.label()} is not this patient's", course_id)
        when = a_date(scanned_on, "scanned_on")
        if baseline and Scan.objects.active().filter(patient=patient, baseline=True).exists():
            raise InputError("baseline", "the patient already has a baseline scan")
        scan = save_new(Scan(patient=patient, course=course, scanned_on=when,
                             modality=modality, label=label, baseline=baseline,
                             synthetic=patient.synthetic), by)
        rows: list[Any] = [scan]
        if not isinstance(measurements, list) or not measurements:
            raise InputError("measurements", "at least one lesion's measurement")
        for i, m in enumerate(measurements):
            where = f"measurements[{i}]"
            if not isinstance(m, dict):
                raise InputError(where, "a JSON object", m)
            for key in m:
                if key not in MEASUREMENT_KEYS:
                    raise InputError(f"{where}.{key}", "not a measurement field; fields: "
                                     + ", ".join(MEASUREMENT_KEYS))
            lid = m.get("lesion")
            if not isinstance(lid, str) or not lid:
                raise InputError(f"{where}.lesion", "the lesion's id, e.g. T01", lid)
            lesion = Lesion.objects.active().filter(patient=patient, lesion_id=lid).first()
            if lesion is None:
                kind = m.get("kind")
                allowed = ("target", "non-target") if baseline else ("new",)
                if kind not in allowed:
                    raise InputError(f"{where}.kind", f"lesion {lid} is not known yet: on "
                                     f"{'a baseline' if baseline else 'a later'} scan it is "
                                     f"{' or '.join(allowed)}", kind)
                lesion = save_new(Lesion(
                    patient=patient, lesion_id=lid, kind=kind, organ=m.get("organ") or "",
                    nodal=bool(m.get("nodal", False)), first_scan=scan,
                    synthetic=patient.synthetic), by)
                rows.append(lesion)
            elif "kind" in m and m["kind"] != lesion.kind:
                raise InputError(f"{where}.kind", f"lesion {lid} is {lesion.kind}", m["kind"])
            rows.append(save_new(Measurement(
                scan=scan, lesion=lesion, status=m.get("status") or "present",
                longest_mm=m.get("longest_mm"), short_axis_mm=m.get("short_axis_mm"),
                perpendicular_mm=m.get("perpendicular_mm"), synthetic=patient.synthetic), by))
        return Outcome(None, None, tuple(rows))


def _measured(x: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    has_size = any(v is not None for v in (x.longest_mm, x.short_axis_mm, x.perpendicular_mm))
    if x.status != "present" or not has_size:
        out["status"] = x.status
    short = x.short_axis_mm
    if short is None and x.lesion.nodal:
        short = x.perpendicular_mm  # a node's short axis is perpendicular to its long axis
    for key, v in (("ld_mm", x.longest_mm), ("sa_mm", short),
                   ("perp_mm", x.perpendicular_mm)):
        if v is not None:
            out[key] = decimal_text(v)
    return out


def assessment_request(patient: Any, criteria: str, start_date: dt.date,
                       policies: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[Any]]:
    """The ``assess`` request of ``patient``'s stored scans (baseline first), and the scans."""
    from hdil2.registry.models import Lesion, Measurement, Scan

    scans = list(Scan.objects.active().filter(patient=patient).order_by("scanned_on", "pk"))
    if not scans or not scans[0].baseline:
        raise InputError("patient_id", "the patient's first scan is not a baseline scan")
    if len(scans) < 2:
        raise InputError("patient_id", "a response needs a scan after the baseline")
    lesions = list(Lesion.objects.active().filter(patient=patient).order_by("lesion_id"))
    by_scan: dict[int, list[Any]] = {}
    for x in (Measurement.objects.active().filter(scan__in=scans).select_related("lesion")
              .order_by("lesion__lesion_id")):
        by_scan.setdefault(x.scan_id, []).append(x)
    return build_request(criteria, start_date, scans, lesions, by_scan, policies), scans


def build_request(criteria: str, start_date: dt.date, scans: list[Any], lesions: list[Any],
                  by_scan: dict[Any, list[Any]], policies: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
    """The ``assess`` request of scans (baseline first; each with ``pk``, ``scanned_on``,
    ``label``), lesions (``lesion_id``, ``kind``, ``organ``, ``nodal``; by id) and each scan's
    measurements (``by_scan[scan.pk]``: ``lesion``, ``status`` and the diameters, by lesion
    id) - stored rows, or rows about to be stored (the SDTM import's)."""
    base = [les for les in lesions if les.kind != "new"]
    visits = []
    for s in scans:
        ms = by_scan.get(s.pk, [])
        visits.append({
            "date": s.scanned_on.isoformat(), "label": s.label or None,
            "lesions": {x.lesion.lesion_id: _measured(x) for x in ms if x.lesion.kind != "new"},
            "new_lesions": [{"id": x.lesion.lesion_id, "organ": x.lesion.organ or "unspecified",
                             "is_lymph_node": x.lesion.nodal,
                             "status": x.status if x.status in ("present", "absent",
                                                                "not_evaluated") else "present",
                             **{k: v for k, v in _measured(x).items() if k != "status"}}
                            for x in ms if x.lesion.kind == "new"],
        })
    return {"criteria": criteria, "start_date": start_date.isoformat(),
            "lesions": [{"id": les.lesion_id, "organ": les.organ or "unspecified",
                         "kind": les.kind, "is_lymph_node": les.nodal} for les in base],
            "visits": visits, "policies": dict(policies or {})}


def assess_response(patient_id: int, *, by: Any, criteria: str, start_date: Any = None,
                    policies: dict[str, Any] | None = None,
                    site: SiteProfile | None = None) -> Outcome:
    """Assess the patient's response from the stored scans with ``criteria``.

    ``start_date`` (the origin of the stable-disease minimum) defaults to the first dose of
    course 1. Writes one ``visit`` row per scan after the baseline and one ``best`` row (the
    best overall response with confirmation; the unconfirmed one is in the advice), each with
    the response computed, linked to the advice; the course of a visit is its scan's.

    ``site``: the site profile whose ``assess`` policy overrides apply under ``policies``
    (given overrides win); the advice stores the filled request.
    """
    from hdil2.registry.models import Course, Patient, ResponseAssessment

    with transaction.atomic():
        patient = get_row(Patient, patient_id, "patient_id")
        if start_date is None:
            first = Course.objects.active().filter(patient=patient, number=1).first()
            if first is None or (first.started_on is None and first.planned_start is None):
                raise InputError("start_date", "the patient has no course 1 with a first dose; "
                                 "give the start date")
            start = first.started_on or ward_date(first.planned_start, first.ward_tz)
        else:
            start = a_date(start_date, "start_date")
        req, scans = assessment_request(patient, criteria, start, policies)
        req = filled("assess", req, site)
        result = run("assess", req)
        best = result.bor_confirmed
        advice = store_advice("assess", req, result, by=by, value=best.value,
                              ruleset_version=f"criteria {criteria}",
                              synthetic=patient.synthetic)
        rows: list[Any] = []
        for scan, tp in zip(scans[1:], result.visits, strict=True):
            rows.append(save_new(ResponseAssessment(
                patient=patient, course=scan.course, scan=scan, criteria=criteria,
                kind="visit", assessed_on=scan.scanned_on, response=tp.overall,
                response_computed=tp.overall, advice=advice, synthetic=patient.synthetic), by))
        rows.append(save_new(ResponseAssessment(
            patient=patient, criteria=criteria, kind="best",
            assessed_on=best.date or scans[-1].scanned_on, response=best.value,
            response_computed=best.value, confirmed=best.responder or None, advice=advice,
            synthetic=patient.synthetic), by))
        return Outcome(result, advice, tuple(rows))


def response_values(criteria: str) -> tuple[str, ...]:
    """The responses ``criteria`` gives (best first, then not evaluable): RECIST 1.1
    (``recist1.1``), iRECIST (``irecist``), WHO (``who1981``), NCI bidimensional (``lee2000``)."""
    from hdil2.clinical.response.bor import SCHEMES

    s = SCHEMES.get(criteria)
    if s is None:
        raise InputError("criteria", "one of " + ", ".join(SCHEMES), criteria)
    return (s.cr, s.pr, *s.stable, *s.progression, s.ne)


def override_response(assessment_id: int, version: int, *, by: Any, response: str,
                      override_reason: str | None = None) -> Outcome:
    """Record ``response`` for assessment ``assessment_id`` (read at ``version``) in place of
    the one computed from the measurements.

    The response must be one its criteria give (:func:`response_values`). A response other
    than the computed one needs ``override_reason`` (refused, naming it, when blank); the
    computed response and its advice stay on the row (``response_computed``, ``advice``), and
    the audit history keeps who changed it, when and why. Recording the computed response
    again clears the override (a reason is kept in the history when given).
    """
    from hdil2.registry.models import ResponseAssessment
    from hdil2.registry.models.base import validate

    with transaction.atomic():
        row = get_row(ResponseAssessment, assessment_id, "assessment_id")
        row = ResponseAssessment.objects.select_for_update(of=("self",)).get(pk=row.pk)
        check_version(row, version)
        allowed = response_values(row.criteria)
        if response not in allowed:
            raise InputError("response", f"a {row.criteria} response: one of "
                             + ", ".join(allowed), response)
        reason = reason_text(override_reason, "override_reason")
        if response == row.response and reason == row.override_reason:
            raise InputError("response", f"{row.label()} already records {response}; "
                             "nothing to change", response)
        if response != row.response_computed and not reason:
            raise InputError("override_reason", f"{response} differs from the response "
                             f"computed from the measurements ({row.response_computed or 'none'}"
                             f", advice {row.advice_id}): an override needs a reason")
        before = row.response
        row.response = response
        row.override_reason = reason if response != row.response_computed else ""
        row._change_reason = (
            f"response {before} -> {response} (computed {row.response_computed or 'none'})"
            + (f"; override: {reason}" if reason else ""))
        validate(row)
        row.save(by=by)
        return Outcome(None, row.advice, (row,))
