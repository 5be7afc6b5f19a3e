"""Interchange of the registry with other systems: the registry side of :mod:`hdil2.interop`.

:func:`patient_records` reads the registry (voided rows left out) into the plain patient dicts
:func:`hdil2.interop.sdtm.build` takes; :func:`export_sdtm` builds the SDTM datasets and writes
them as CSV or SAS transport files (docs/interchange.md). Call
:func:`hdil2.registry.conf.configure` (or :func:`hdil2.registry.maintenance.setup`) first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Step = Callable[[int, int], None]


def patient_records(code_prefix: str | None = None) -> list[dict[str, Any]]:
    """Every patient (registry code starting with ``code_prefix``, if given) as a plain dict
    with its courses and dose slots, toxicities, observations, responses, follow-ups, scans,
    lesions, measurements, dispositions and EORTC QLQ-C30 questionnaires (``quality_of_life``:
    ``completed_on``, ``label``, ``answers`` item 1-30 -> answer or ``None``) - the dicts
    :func:`hdil2.interop.sdtm.build` takes.

    ``identifiers`` maps each identifier's issuer (a study id) to the subject's identifier
    there; ``zone`` is the ward's time zone of the first course, else the patient's recorded
    ``time_zone``, else UTC; a toxicity's onset and resolution and an observation's time are
    aware UTC datetimes, or dates when only the day is known."""
    from hdil2.registry import models as m
    from hdil2.registry.models.base import known_time

    pats = m.Patient.objects.active()
    if code_prefix:
        pats = pats.filter(registry_id__startswith=code_prefix)
    patients: dict[int, dict[str, Any]] = {}
    extra = ("disease", "histology", "tnm_edition", "stage_group", "ecog")
    for p in pats.values("id", "registry_id", "site", "sex", "birth_date", "time_zone",
                         *extra).order_by("registry_id"):
        patients[p["id"]] = {
            "code": p["registry_id"], "site": p["site"], "sex": p["sex"],
            "birth_date": p["birth_date"], **{k: p[k] for k in extra},
            "zone": p["time_zone"] or "UTC", "identifiers": {},
            "courses": [], "toxicities": [], "observations": [], "responses": [],
            "followups": [], "scans": [], "lesions": [], "measurements": [],
            "dispositions": [], "quality_of_life": []}
    chosen = pats.values("id")  # a subquery: no limit on the number of patients

    def for_patients(model: Any, *fields: str) -> Any:
        return model.objects.active().filter(patient_id__in=chosen).values("patient_id",
                                                                           *fields)

    for ident in for_patients(m.PatientIdentifier, "system", "value").order_by("id"):
        patients[ident["patient_id"]]["identifiers"][ident["system"]] = ident["value"]
    courses: dict[int, dict[str, Any]] = {}
    course_numbers: dict[int, int] = {}
    for c in for_patients(m.Course, "id", "number", "regimen", "status", "ward_tz", "ended_on",
                          "discontinuation_reason", "discontinuation_detail").order_by(
            "patient_id", "number"):
        rec = {k: c[k] for k in ("number", "regimen", "status", "ward_tz", "ended_on",
                                 "discontinuation_reason", "discontinuation_detail")}
        rec["slots"] = []
        courses[c["id"]] = rec
        course_numbers[c["id"]] = c["number"]
        patient = patients[c["patient_id"]]
        if not patient["courses"]:
            patient["zone"] = c["ward_tz"]
        patient["courses"].append(rec)
    slots = (m.DoseSlot.objects.active()
             .filter(cycle__course__patient_id__in=chosen, cycle__voided_at__isnull=True,
                     cycle__course__voided_at__isnull=True)
             .values("cycle__course_id", "cycle__number", "number", "status", "scheduled_at",
                     "given_at", "dose_iu", "reason").order_by("cycle__course_id", "id"))
    for s in slots:
        courses[s["cycle__course_id"]]["slots"].append({
            "cycle": s["cycle__number"], "number": s["number"], "status": s["status"],
            "scheduled_at": s["scheduled_at"], "given_at": s["given_at"],
            "dose_iu": s["dose_iu"], "reason": s["reason"]})
    tables: list[tuple[str, Any, tuple[str, ...]]] = [
        ("toxicities", m.Toxicity, ("term", "verbatim", "grade", "severity", "onset_at",
                                    "onset_precision", "resolved_at", "resolved_precision",
                                    "attribution", "serious")),
        ("observations", m.Observation, ("kind", "code", "name", "taken_at", "taken_precision",
                                         "value", "unit", "unit_canonical", "lln", "uln")),
        ("followups", m.FollowUp, ("death_on",)),
    ]
    for key, model, fields in tables:
        for row in for_patients(model, *fields).order_by("id"):
            for time in ("onset", "resolved", "taken"):
                if f"{time}_precision" in row:  # a time known to the day only: its date
                    at = f"{time}_at"
                    row[at] = known_time(row[at], row.pop(f"{time}_precision"))
            patients[row.pop("patient_id")][key].append(row)
    items = [f"q{i}" for i in range(1, 31)]
    for q in for_patients(m.QualityOfLife, "completed_on", "label", *items).order_by("id"):
        patients[q["patient_id"]]["quality_of_life"].append({
            "completed_on": q["completed_on"], "label": q["label"],
            "answers": {i: q[f"q{i}"] for i in range(1, 31)}})
    for d in for_patients(m.Disposition, "category", "term", "decod", "date",
                          "course_id").order_by("id"):
        patients[d["patient_id"]]["dispositions"].append({
            "category": d["category"], "term": d["term"], "decod": d["decod"],
            "date": d["date"], "course": course_numbers.get(d["course_id"])})
    visit_numbers: dict[int, dict[int, int]] = defaultdict(dict)
    for sc in for_patients(m.Scan, "id", "scanned_on", "modality", "label").order_by(
            "patient_id", "scanned_on", "id"):
        numbers = visit_numbers[sc["patient_id"]]
        numbers[sc["id"]] = len(numbers) + 1
        patients[sc["patient_id"]]["scans"].append({
            "key": sc["id"], "date": sc["scanned_on"], "modality": sc["modality"],
            "label": sc["label"], "visitnum": numbers[sc["id"]]})
    for les in for_patients(m.Lesion, "lesion_id", "kind", "organ", "first_scan_id").order_by(
            "id"):
        patients[les["patient_id"]]["lesions"].append({
            "lesion_id": les["lesion_id"], "kind": les["kind"], "organ": les["organ"],
            "first_scan": les["first_scan_id"]})
    measurements = (m.Measurement.objects.active().filter(scan__patient_id__in=chosen)
                    .filter(scan__voided_at__isnull=True, lesion__voided_at__isnull=True)
                    .values("scan__patient_id", "scan_id", "lesion__lesion_id", "status",
                            "longest_mm", "short_axis_mm", "perpendicular_mm").order_by("id"))
    for ms in measurements:
        patients[ms["scan__patient_id"]]["measurements"].append({
            "scan": ms["scan_id"], "lesion": ms["lesion__lesion_id"], "status": ms["status"],
            "longest_mm": ms["longest_mm"], "short_axis_mm": ms["short_axis_mm"],
            "perpendicular_mm": ms["perpendicular_mm"]})
    for r in for_patients(m.ResponseAssessment, "criteria", "kind", "assessed_on", "response",
                          "scan_id", "scan__label").order_by("id"):
        patients[r["patient_id"]]["responses"].append({
            "criteria": r["criteria"], "kind": r["kind"], "assessed_on": r["assessed_on"],
            "response": r["response"],
            "visitnum": visit_numbers[r["patient_id"]].get(r["scan_id"]),
            "visit": r["scan__label"] or ""})
    return list(patients.values())


def export_sdtm(out_dir: str | Path, *, fmt: str = "csv", domains: Sequence[str] | None = None,
                study: str | None = None, code_prefix: str | None = None,
                step: Step | None = None) -> dict[str, Any]:
    """Export the registry as SDTM datasets into ``out_dir``; answer what was written (each
    domain's file and row count). ``step(done, total)`` reports the domains written."""
    from hdil2.core.errors import InputError
    from hdil2.interop import sdtm
    from hdil2.interop.sdtm.write import check_datasets

    if fmt not in ("csv", "xpt"):
        raise InputError("format", "csv or xpt", fmt)
    codes = sdtm.domain_codes(domains)
    records = patient_records(code_prefix)
    if domains is None and "QS" not in codes and any(r.get("quality_of_life") for r in records):
        # QS is part of the default export whenever the registry holds questionnaires (an
        # empty QS file is not written: regulators ask for no empty datasets)
        codes = (*codes, "QS")
    datasets = sdtm.build(records, study=study or sdtm.STUDY_ID, domains=codes)
    check_datasets(datasets, fmt)  # every file is checked before the first is written
    files: dict[str, Any] = {}
    for i, code in enumerate(codes, start=1):
        (path,) = sdtm.write({code: datasets[code]}, out_dir, fmt,  # type: ignore[arg-type]
                             checked=True)
        files[code] = {"file": str(path), "rows": len(datasets[code])}
        if step:
            step(i, len(codes))
    return {"format": fmt, "study": study or sdtm.STUDY_ID, "patients": len(records),
            "out": str(out_dir), "domains": files}
