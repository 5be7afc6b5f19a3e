"""``hdil2 export fhir``: one registry patient as a FHIR R4 Bundle of mCODE resources.

:func:`patient_record` reads the patient's rows (voided rows left out) into the plain dicts
of :class:`hdil2.interop.fhir.PatientRecord`; :func:`hdil2.interop.fhir.build_bundle` makes
the Bundle. :func:`fhir_bundle` does both on the database named by ``db`` (a SQLite file or a
database URL, as ``--db``; ``None``: the configured default). See docs/fhir.md.
"""

from __future__ import annotations

from typing import Any

from hdil2.interop.fhir import PatientRecord, build_bundle
from hdil2.registry.errors import RegistryError

_PATIENT_FIELDS = (
    "id", "registry_id", "sex", "birth_date", "disease", "histology", "diagnosis_date",
    "tnm_edition", "stage_basis", "t", "n", "m", "stage_group", "ecog",
)


def patient_record(patient_code: str) -> PatientRecord:
    """The rows of the patient coded ``patient_code`` in the configured registry."""
    from hdil2.registry import models as m

    if not isinstance(patient_code, str) or not patient_code.strip():
        raise RegistryError("patient", "give the patient's registry code", patient_code)
    p = m.Patient.objects.active().filter(registry_id=patient_code.strip()).first()
    if p is None:
        raise RegistryError("patient", "no patient with this registry code", patient_code)
    patient: dict[str, Any] = {f: getattr(p, f) for f in _PATIENT_FIELDS}
    death = (m.FollowUp.objects.active().filter(patient=p, death_on__isnull=False)
             .order_by("-contact_on").values_list("death_on", flat=True).first())
    patient["death_on"] = death
    doses = [
        {"id": s.id, "course": s.cycle.course.number, "cycle": s.cycle.number,
         "number": s.number, "status": s.status, "scheduled_at": s.scheduled_at,
         "given_at": s.given_at, "dose_iu": s.dose_iu, "reason": s.reason}
        for s in m.DoseSlot.objects.active()
        .filter(cycle__course__patient=p, cycle__voided_at__isnull=True,
                cycle__course__voided_at__isnull=True)
        .select_related("cycle__course")
        .order_by("cycle__course__number", "cycle__number", "number")
    ]
    measurements = [
        {"id": x.id, "lesion": x.lesion.id, "lesion_id": x.lesion.lesion_id, "kind": x.lesion.kind,
         "organ": x.lesion.organ, "scanned_on": x.scan.scanned_on, "status": x.status,
         "longest_mm": x.longest_mm, "perpendicular_mm": x.perpendicular_mm,
         "short_axis_mm": x.short_axis_mm}
        for x in m.Measurement.objects.active()
        .filter(scan__patient=p, scan__voided_at__isnull=True, lesion__voided_at__isnull=True)
        .select_related("scan", "lesion").order_by("scan__scanned_on", "lesion__lesion_id")
    ]
    responses = list(
        m.ResponseAssessment.objects.active().filter(patient=p)
        .order_by("assessed_on", "id")
        .values("id", "criteria", "kind", "assessed_on", "response"))
    toxicities = list(
        m.Toxicity.objects.active().filter(patient=p).order_by("onset_at", "id")
        .values("id", "term", "meddra_code", "grade", "onset_at", "onset_precision",
                "resolved_at", "serious"))
    return {"patient": patient, "doses": doses, "measurements": measurements,
            "responses": responses, "toxicities": toxicities}


def export_patient(patient_code: str) -> dict[str, Any]:
    """The FHIR Bundle (JSON as a dict) of ``patient_code`` in the configured registry."""
    return build_bundle(patient_record(patient_code))


def fhir_bundle(db: str | None, patient_code: str) -> dict[str, Any]:
    """The FHIR Bundle of ``patient_code`` in the registry ``db`` (the ``--db`` value)."""
    from hdil2.registry import maintenance

    maintenance.setup(path=db)
    return export_patient(patient_code)
