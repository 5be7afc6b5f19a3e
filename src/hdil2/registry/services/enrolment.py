"""Use cases of enrolment: enrol a patient, screen them, record a follow-up contact.

* :func:`enrol` writes a patient (pseudonymous code, diagnosis, the selection fields).
* :func:`screen` builds the ``screen`` operation's patient document from the patient's row,
  their prior therapies and their latest laboratory observations (a field the registry does
  not hold stays missing - never guessed; the caller may add the work-up facts the registry
  does not store in ``extra``), asks it, stores the advice, and stores the risk group of a
  complete prognostic model result on the patient (``risk_group``, ``risk_model``,
  ``risk_advice``; an incomplete result leaves the group empty: not known).
* :func:`record_follow_up` writes a follow-up contact.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from hdil2.core.errors import InputError
from hdil2.registry.services._common import (
    Outcome,
    a_date,
    decimal_text,
    filled,
    get_row,
    run,
    save_new,
    store_advice,
)

if TYPE_CHECKING:
    from hdil2.app.profile import SiteProfile

PATIENT_FIELDS = (
    "site", "sex", "birth_date", "histology", "diagnosis_date", "metastasis_date",
    "metastatic_sites", "prior_nephrectomy", "nephrectomy_date", "constitutional_symptoms",
    "specimen", "alveolar_pct", "granular_pct", "papillary_present", "sarcomatoid_present",
    "caix_pct", "tnm_edition", "stage_basis", "t", "n", "m", "stage_group", "ecog", "karnofsky",
    "prior_systemic_lines", "synthetic",
)
#: laboratory codes the screening reads (the patient document's ``labs`` keys)
SCREEN_LABS = ("creatinine", "bilirubin", "ast", "alt", "ldh", "platelets", "neutrophils",
               "hemoglobin", "calcium", "albumin", "tsh")
#: the models whose result is a risk group the registry keeps
RISK_MODELS = ("mskcc2002", "mskcc1999", "imdc")
FOLLOW_UP_FIELDS = ("vital_status", "last_known_alive", "progression_on", "relapse_on",
                    "death_on", "death_cause")


def enrol(*, by: Any, registry_id: str, disease: str, **fields: Any) -> Outcome:
    """Enrol a patient: ``registry_id`` (pseudonymous), ``disease`` and any of
    :data:`PATIENT_FIELDS` (refused, naming it, for any other)."""
    from hdil2.registry.models import Patient

    for name in fields:
        if name not in PATIENT_FIELDS:
            raise InputError(name, "not a field enrolment sets; fields: "
                             + ", ".join(PATIENT_FIELDS))
    with transaction.atomic():
        if Patient._base_manager.filter(registry_id=registry_id).exists():
            raise InputError("registry_id", "a patient with this code is already enrolled",
                             registry_id)
        return Outcome(None, None, (save_new(Patient(registry_id=registry_id, disease=disease,
                                                     **fields), by),))


def _set(doc: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != "":
        doc[key] = value


def _labs(patient: Any, before: dt.date | None) -> dict[str, Any]:
    """The latest laboratory observation of each screening code (on or before ``before``)."""
    from hdil2.registry.models import Observation

    qs = Observation.objects.active().filter(patient=patient, kind="lab",
                                             code__in=SCREEN_LABS)
    out: dict[str, Any] = {}
    for o in qs.order_by("taken_at", "pk"):
        if before is not None and o.taken_at.date() > before:
            continue
        unit = o.unit_canonical
        lab: dict[str, Any] = {"value": f"{decimal_text(o.value)} {unit}",
                               "date": o.taken_at.date().isoformat()}
        if o.lln is not None:
            lab["lln"] = f"{decimal_text(o.lln)} {unit}"
        if o.uln is not None:
            lab["uln"] = f"{decimal_text(o.uln)} {unit}"
        out[o.code] = lab
    return out


def patient_document(patient: Any, planned_day1: dt.date | None = None) -> dict[str, Any]:
    """The ``screen`` operation's patient document of ``patient``: only what is stored."""
    doc: dict[str, Any] = {"id": patient.registry_id}
    _set(doc, "sex", patient.sex)
    _set(doc, "birth_date", patient.birth_date and patient.birth_date.isoformat())
    if patient.disease:  # a disease not recorded stays missing: never guessed
        diagnosis: dict[str, Any] = {"disease": patient.disease}
        _set(diagnosis, "histology", patient.histology)
        doc["diagnosis"] = diagnosis
    staging: dict[str, Any] = {}
    _set(staging, "tnm_edition", patient.tnm_edition)
    _set(staging, "basis", patient.stage_basis)
    for key in ("t", "n", "m"):
        _set(staging, key, getattr(patient, key))
    if staging:
        doc["staging"] = staging
    for key in ("ecog", "karnofsky", "prior_nephrectomy", "constitutional_symptoms",
                "prior_systemic_lines"):
        _set(doc, key, getattr(patient, key))
    for key in ("diagnosis_date", "nephrectomy_date", "metastasis_date"):
        value = getattr(patient, key)
        _set(doc, key, value and value.isoformat())
    if patient.metastatic_sites:
        doc["metastatic_sites"] = list(patient.metastatic_sites)
    pathology: dict[str, Any] = {}
    _set(pathology, "specimen", patient.specimen)
    for key in ("alveolar_pct", "granular_pct"):
        value = getattr(patient, key)
        _set(pathology, key, decimal_text(value) if value is not None else None)
    for key in ("papillary_present", "sarcomatoid_present"):
        _set(pathology, key, getattr(patient, key))
    if pathology:
        doc["pathology"] = pathology
    if patient.caix_pct is not None:
        doc["caix_pct"] = decimal_text(patient.caix_pct)
    if planned_day1 is not None:
        doc["planned_day1"] = planned_day1.isoformat()
    labs = _labs(patient, planned_day1)
    if labs:
        doc["labs"] = labs
    prior = list(patient.prior_therapies.filter(voided_at__isnull=True).order_by("start_date"))
    il2 = [p for p in prior if p.kind == "il2"]
    if il2:
        doc["prior_il2"] = True
        doc["prior_il2_courses"] = [
            {"start_date": p.start_date and p.start_date.isoformat(),
             "end_date": p.end_date and p.end_date.isoformat(),
             "regimen": p.agent or None, "events": list(p.events)} for p in il2]
    return doc


def screen(patient_id: int, *, by: Any, planned_day1: Any = None,
           profile: str = "label_minimum", policies: dict[str, Any] | None = None,
           extra: dict[str, Any] | None = None, risk_model: str = "mskcc2002",
           site: SiteProfile | None = None) -> Outcome:
    """Screen the patient (``screen``) from the registry's rows, store the advice, and keep
    the ``risk_model``'s group on the patient when that model's result is complete.

    ``extra`` adds work-up facts the registry does not store (``brain_imaging``,
    ``comorbidities``, ...); a key the registry already fills is refused, naming it.

    ``site``: the site profile whose ``screen`` policy overrides apply under ``policies``
    (given overrides win, as the CLI's ``--site`` and the API's rules route fill them); the
    advice stores the filled request, so it names the policies that were in force.
    """
    from hdil2.registry.models import Patient

    if risk_model not in RISK_MODELS:
        raise InputError("risk_model", f"one of {', '.join(RISK_MODELS)}", risk_model)
    with transaction.atomic():
        patient = get_row(Patient, patient_id, "patient_id")
        day1 = a_date(planned_day1, "planned_day1") if planned_day1 is not None else None
        doc = patient_document(patient, day1)
        for key, value in (extra or {}).items():
            if key in doc or key == "id":
                raise InputError(f"extra.{key}", "the registry fills this field from the "
                                 "patient's record; correct the record instead")
            doc[key] = value
        req = filled("screen", {"patient": doc, "profile": profile,
                                "policies": dict(policies or {})}, site)
        result = run("screen", req)
        advice = store_advice("screen", req, result, by=by,
                              value=result.eligibility.verdict,
                              ruleset_version=f"profile {profile}",
                              synthetic=patient.synthetic)
        model = result.model(risk_model)
        group = model.group if model.status == "complete" else ""
        patient.risk_group = group or ""
        patient.risk_model = risk_model
        patient.risk_advice = advice
        patient._change_reason = (f"screening advice {advice.pk}: {risk_model} "
                                  f"{group or 'not known (' + model.status + ')'}")
        patient.save(by=by)
        return Outcome(result, advice, (patient,))


def record_follow_up(patient_id: int, *, by: Any, contact_on: Any, **fields: Any) -> Outcome:
    """Record a follow-up contact: ``contact_on`` and any of :data:`FOLLOW_UP_FIELDS`."""
    from hdil2.registry.models import FollowUp, Patient

    for name in fields:
        if name not in FOLLOW_UP_FIELDS:
            raise InputError(name, "not a follow-up field; fields: "
                             + ", ".join(FOLLOW_UP_FIELDS))
    with transaction.atomic():
        patient = get_row(Patient, patient_id, "patient_id")
        dates = {k: a_date(v, k) for k, v in fields.items()
                 if k.endswith(("_on", "_alive")) and v is not None}
        if fields.get("vital_status") == "dead" and dates.get("death_on") is None:
            raise InputError("death_on", "a death needs its date")
        row = FollowUp(patient=patient, contact_on=a_date(contact_on, "contact_on"),
                       synthetic=patient.synthetic, **{**fields, **dates})
        return Outcome(None, None, (save_new(row, by),))
