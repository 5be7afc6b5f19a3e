"""One patient's registry record as a FHIR R4 Bundle (type ``collection``) of mCODE resources.

Plain dicts in (:class:`PatientRecord`, as :mod:`hdil2.registry.fhir_export` reads them), the
Bundle's JSON out (a dict), checked by parsing it with the ``fhir.resources`` R4B models
before it is returned. No database and no Django here.

What goes out (docs/fhir.md lists each element and its code):

- ``Patient`` (mcode-cancer-patient): the pseudonymous registry code as identifier, sex,
  birth date, date of death (from follow-up);
- the primary cancer ``Condition`` (mcode-primary-cancer-condition): the disease, its
  histology (mcode-histology-morphology-behavior, as text), the date of diagnosis, and the
  stage as a reference to
- a TNM stage group ``Observation`` (mcode-tnm-stage-group) with the edition as its method;
- one ``MedicationAdministration`` (mcode-cancer-related-medication-administration) per dose
  slot given (``completed``, the dose in IU, the time given) or held / not given
  (``not-done``, the reason as ``statusReason``); slots still scheduled are not events and
  are left out;
- one TumorSize ``Observation`` (mcode-tumor-size) per measured lesion per scan, its focus
  the lesion as a ``BodyStructure`` (mcode-tumor, one per lesion);
- one CancerDiseaseStatus ``Observation`` (mcode-cancer-disease-status) per visit response;
- one ``AdverseEvent`` per toxicity, its CTCAE grade in the ae-grade extension;
- the ECOG performance status ``Observation`` (mcode-ecog-performance-status).

Resource ids are UUID version 5 of the registry code, the kind of row and the row's id, so two
exports of the same rows give the same ids; every reference is the ``urn:uuid:`` full URL of
an entry of the same Bundle.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypedDict

from hdil2.core.errors import InputError
from hdil2.interop.fhir import codes as c

#: the namespace of hdil2's FHIR resource ids (uuid5 of this URL)
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:hdil2:fhir")
#: the identifier system of the pseudonymous registry code
REGISTRY_SYSTEM = "urn:hdil2:registry-id"
#: the identifier system of a lesion (``<registry code>/<lesion id>``, e.g. ``.../T01``)
LESION_SYSTEM = "urn:hdil2:lesion-id"
#: the medication of every administration (hdil2 records aldesleukin only); sent as text,
#: docs/fhir.md says why no RxNorm code yet
ALDESLEUKIN = {"text": "aldesleukin (interleukin-2)"}


class PatientRecord(TypedDict, total=False):
    """One patient's rows as plain dicts (the registry's field names)."""

    patient: dict[str, Any]
    doses: list[dict[str, Any]]
    measurements: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    toxicities: list[dict[str, Any]]


def resource_id(registry_code: str, kind: str, row_id: object) -> str:
    """The stable id of a resource: uuid5 of ``<registry code>/<kind>/<row id>``."""
    return str(uuid.uuid5(NAMESPACE, f"{registry_code}/{kind}/{row_id}"))


def _num(value: Any) -> int | float:
    """A JSON number for a stored decimal (whole numbers as integers)."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return int(d)
    return float(d.normalize())


def _date(value: Any) -> str | None:
    return None if value in (None, "") else value.isoformat()


class _Builder:
    def __init__(self, code: str) -> None:
        self.code = code
        self.entries: list[dict[str, Any]] = []

    def add(self, kind: str, row_id: object, resource: dict[str, Any],
            profile: str | None) -> str:
        rid = resource_id(self.code, kind, row_id)
        body: dict[str, Any] = {"resourceType": resource.pop("resourceType"), "id": rid}
        if profile:
            body["meta"] = {"profile": [profile]}
        body.update({k: v for k, v in resource.items() if v not in (None, [], {}, "")})
        self.entries.append({"fullUrl": f"urn:uuid:{rid}", "resource": body})
        return f"urn:uuid:{rid}"


def _need(row: Mapping[str, Any], field: str, where: str) -> Any:
    value = row.get(field)
    if value in (None, ""):
        raise InputError(f"{where}.{field}", "is required for the FHIR export", value)
    return value


def build_bundle(record: PatientRecord) -> dict[str, Any]:
    """The FHIR R4 Bundle (JSON as a dict) of one patient's record.

    Raises :class:`InputError` naming the field when a row lacks what its resource needs
    (the patient's code and disease, a dose slot's status and time, a toxicity's grade).
    """
    p = record.get("patient") or {}
    code = str(_need(p, "registry_id", "patient"))
    disease = str(_need(p, "disease", "patient"))
    b = _Builder(code)

    patient = b.add("patient", p.get("id", code), {
        "resourceType": "Patient",
        "identifier": [{"system": REGISTRY_SYSTEM, "value": code}],
        # the registry is pseudonymous: the name US Core requires is absent, masked
        "name": [{"extension": [{"url": c.EXT_DATA_ABSENT, "valueCode": "masked"}]}],
        "gender": p.get("sex") or None,
        "birthDate": _date(p.get("birth_date")),
        "deceasedDateTime": _date(p.get("death_on")),
    }, c.PROFILE_PATIENT)
    subject = {"reference": patient}

    condition_id = resource_id(code, "condition", p.get("id", code))
    condition_ref = {"reference": f"urn:uuid:{condition_id}"}
    stage = _stage(b, p, subject, condition_ref)
    _condition(b, p, disease, subject, stage)
    _ecog(b, p, subject)
    for d in record.get("doses") or []:
        _dose(b, d, subject, condition_ref)
    tumors: dict[object, str] = {}
    for m in record.get("measurements") or []:
        _tumor_size(b, m, subject, condition_ref, tumors)
    for r in record.get("responses") or []:
        if r.get("kind") == "visit":
            _disease_status(b, r, subject, condition_ref)
    for t in record.get("toxicities") or []:
        _adverse_event(b, t, subject)
    bundle = {
        "resourceType": "Bundle",
        "id": resource_id(code, "bundle", code),
        "type": "collection",
        "entry": b.entries,
    }
    return _checked(bundle)


def _checked(bundle: dict[str, Any]) -> dict[str, Any]:
    """``bundle`` after the ``fhir.resources`` R4B models parsed it (their JSON form)."""
    import json

    from fhir.resources.R4B.bundle import Bundle

    parsed = Bundle.model_validate(bundle)
    out: dict[str, Any] = json.loads(parsed.model_dump_json())
    return out


def _condition(b: _Builder, p: Mapping[str, Any], disease: str, subject: dict[str, str],
               stage: str | None) -> str:
    histology = p.get("histology") or ""
    text = c.DISEASE_TEXT.get(disease, disease)
    if disease in c.CONDITION_CODE:
        code: dict[str, Any] = c.concept(c.CONDITION_CODE[disease], text)
    elif disease == "melanoma" and histology in c.SKIN_HISTOLOGIES:
        code = c.concept(c.MELANOMA_OF_SKIN, f"{histology} {text}")
    else:
        code = {"text": text}
    diagnosed = _date(p.get("diagnosis_date"))
    extension: list[dict[str, Any]] = []
    if diagnosed:
        extension.append({"url": c.EXT_ASSERTED_DATE, "valueDateTime": diagnosed})
    if histology:
        extension.append({"url": c.EXT_HISTOLOGY,
                          "valueCodeableConcept": {"text": histology.replace("_", " ")}})
    return b.add("condition", p.get("id", b.code), {
        "resourceType": "Condition",
        "extension": extension,
        "clinicalStatus": {"coding": [{"system": c.CONDITION_CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": c.CONDITION_VERIFICATION,
                                           "code": "confirmed"}]},
        "category": [{"coding": [{"system": c.CONDITION_CATEGORY,
                                  "code": "problem-list-item"}]}],
        "code": code,
        "subject": subject,
        "onsetDateTime": diagnosed,
        "stage": [{"assessment": [{"reference": stage}]}] if stage else None,
    }, c.PROFILE_PRIMARY_CANCER)


def _stage(b: _Builder, p: Mapping[str, Any], subject: dict[str, str],
           condition: dict[str, str]) -> str | None:
    group = (p.get("stage_group") or "").strip()
    if not group:
        return None
    basis = p.get("stage_basis") or ""
    edition = (p.get("tnm_edition") or "").strip()
    method: dict[str, Any] | None
    if edition == "8":
        method = c.concept(c.AJCC8_METHOD, "AJCC/UICC TNM, 8th edition")
    elif edition:
        method = {"text": f"AJCC/UICC TNM, edition {edition}"}
    else:
        method = None
    tnm = " ".join(f"{k.upper()}{p[k]}" for k in ("t", "n", "m") if p.get(k))
    return b.add("stage", p.get("id", b.code), {
        "resourceType": "Observation",
        "status": "final",
        "code": c.concept(c.STAGE_GROUP_CODE.get(basis, c.STAGE_GROUP_CODE[""])),
        "subject": subject,
        "focus": [condition],
        "effectiveDateTime": _date(p.get("diagnosis_date")),
        "valueCodeableConcept": {"text": f"stage {group}"},
        "method": method,
        "note": [{"text": tnm}] if tnm else None,
    }, c.PROFILE_TNM_STAGE_GROUP)


def _ecog(b: _Builder, p: Mapping[str, Any], subject: dict[str, str]) -> None:
    ecog = p.get("ecog")
    if ecog is None:
        return
    b.add("ecog", p.get("id", b.code), {
        "resourceType": "Observation",
        "status": "final",
        "code": c.concept(c.ECOG),
        "subject": subject,
        "valueInteger": int(ecog),
    }, c.PROFILE_ECOG)


def _dose(b: _Builder, d: Mapping[str, Any], subject: dict[str, str],
          condition: dict[str, str]) -> None:
    status = _need(d, "status", "dose")
    if status == "scheduled":
        return
    where = f"dose {d.get('id')}"
    if status == "given":
        at = _need(d, "given_at", where)
        dose_iu = _need(d, "dose_iu", where)
        resource: dict[str, Any] = {
            "status": "completed",
            "effectiveDateTime": at.isoformat(),
            "dosage": {"route": c.concept(c.ROUTE_IV),
                       "dose": {"value": _num(dose_iu), **c.IU}},
        }
    elif status in ("held", "not_given"):
        at = _need(d, "scheduled_at", where)
        reason = (d.get("reason") or "").strip() or status.replace("_", " ")
        resource = {
            "status": "not-done",
            "statusReason": [{"text": f"{status.replace('_', ' ')}: {reason}"}],
            "effectiveDateTime": at.isoformat(),
        }
    else:
        raise InputError(f"{where}.status", "is not one of scheduled, given, held, not_given",
                         status)
    label = (f"course {d.get('course')} cycle {d.get('cycle')} dose {d.get('number')}"
             if d.get("course") is not None else None)
    b.add("dose", _need(d, "id", "dose"), {
        "resourceType": "MedicationAdministration",
        "medicationCodeableConcept": ALDESLEUKIN,
        "subject": subject,
        "reasonReference": [condition],
        "note": [{"text": label}] if label else None,
        **resource,
    }, c.PROFILE_MEDICATION_ADMINISTRATION)


def _tumor(b: _Builder, m: Mapping[str, Any], subject: dict[str, str],
           condition: dict[str, str], tumors: dict[object, str]) -> str:
    """The BodyStructure (mcode-tumor) of a measurement's lesion, added once per lesion."""
    key = m.get("lesion") or m.get("lesion_id")
    if key in (None, ""):
        raise InputError(f"measurement {m.get('id')}.lesion", "names the lesion measured",
                         key)
    if key not in tumors:
        tumors[key] = b.add("lesion", key, {
            "resourceType": "BodyStructure",
            "extension": [{"url": c.EXT_RELATED_CONDITION, "valueReference": condition}],
            "identifier": [{"system": LESION_SYSTEM,
                            "value": f"{b.code}/{m.get('lesion_id') or key}"}],
            "location": {"text": m["organ"]} if m.get("organ") else None,
            "description": (f"{m.get('kind')} lesion {m.get('lesion_id')}"
                            if m.get("kind") else None),
            "patient": subject,
        }, c.PROFILE_TUMOR)
    return tumors[key]


def _tumor_size(b: _Builder, m: Mapping[str, Any], subject: dict[str, str],
                condition: dict[str, str], tumors: dict[object, str]) -> None:
    if m.get("status") != "present" or m.get("longest_mm") is None:
        return
    tumor = _tumor(b, m, subject, condition, tumors)
    components = [{"code": c.concept(c.TUMOR_SIZE_MAX),
                   "valueQuantity": {"value": _num(m["longest_mm"]), **c.MM}}]
    if m.get("perpendicular_mm") is not None:
        components.append({"code": c.concept(c.TUMOR_SIZE_ADDITIONAL),
                           "valueQuantity": {"value": _num(m["perpendicular_mm"]), **c.MM}})
    lesion = m.get("lesion_id") or ""
    b.add("measurement", _need(m, "id", "measurement"), {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": c.OBSERVATION_CATEGORY, "code": "imaging"}]}],
        "code": c.concept(c.TUMOR_SIZE),
        "subject": subject,
        "focus": [{"reference": tumor}],
        "effectiveDateTime": _date(_need(m, "scanned_on", "measurement")),
        "bodySite": {"text": m["organ"]} if m.get("organ") else None,
        "note": [{"text": f"lesion {lesion} ({m.get('kind') or 'lesion'})"}] if lesion else None,
        "component": components,
    }, c.PROFILE_TUMOR_SIZE)


def _disease_status(b: _Builder, r: Mapping[str, Any], subject: dict[str, str],
                    condition: dict[str, str]) -> None:
    response = str(_need(r, "response", "response"))
    criteria = r.get("criteria") or ""
    text = f"{response} ({criteria})" if criteria else response
    value = (c.concept(c.RESPONSE_STATUS[response], text) if response in c.RESPONSE_STATUS
             else {"text": text})
    b.add("response", _need(r, "id", "response"), {
        "resourceType": "Observation",
        "status": "final",
        "code": c.concept(c.DISEASE_STATUS),
        "subject": subject,
        "focus": [condition],
        "effectiveDateTime": _date(_need(r, "assessed_on", "response")),
        "valueCodeableConcept": value,
    }, c.PROFILE_DISEASE_STATUS)


def _adverse_event(b: _Builder, t: Mapping[str, Any], subject: dict[str, str]) -> None:
    where = f"toxicity {t.get('id')}"
    grade = t.get("grade")
    if grade is not None and (isinstance(grade, bool) or not isinstance(grade, int)
                              or not 0 <= grade <= 5):
        raise InputError(f"{where}.grade", "a CTCAE grade is a whole number 0-5", grade)
    onset = _need(t, "onset_at", where)
    # an event known to the day only (e.g. imported from another study's SDTM) keeps that
    # precision: FHIR's dateTime may be a date alone
    onset_text = (onset.date().isoformat() if t.get("onset_precision") == "day"
                  and isinstance(onset, dt.datetime) else onset.isoformat())
    term = str(_need(t, "term", where))
    event: dict[str, Any] = {"text": term}
    if t.get("meddra_code"):
        event["coding"] = [{"system": c.MEDDRA, "code": str(t["meddra_code"]),
                            "display": term}]
    serious = t.get("serious")
    b.add("toxicity", _need(t, "id", "toxicity"), {
        "resourceType": "AdverseEvent",
        # an event recorded without a CTCAE grade (another study's severity only) has no
        # grade extension rather than an invented grade
        "extension": None if grade is None else [{
            "url": c.EXT_AE_GRADE, "valueCodeableConcept": {
                "coding": [{"system": c.CTCAE_GRADE, "code": str(grade)}],
                "text": f"CTCAE v5.0 grade {grade}"}}],
        "actuality": "actual",
        "event": event,
        "subject": subject,
        "date": onset_text,
        "seriousness": (None if serious is None else {"coding": [{
            "system": c.AE_SERIOUSNESS, "code": "serious" if serious else "non-serious"}]}),
        "outcome": ({"coding": [{"system": c.AE_OUTCOME, "code": "resolved"}]}
                    if t.get("resolved_at") else None),
    }, None)


def references(bundle: Mapping[str, Any]) -> list[str]:
    """Every ``reference`` string inside the Bundle's resources (for checking they resolve)."""
    found: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, Mapping):
            for k, v in x.items():
                if k == "reference" and isinstance(v, str):
                    found.append(v)
                else:
                    walk(v)
        elif isinstance(x, Sequence) and not isinstance(x, str):
            for v in x:
                walk(v)

    for e in bundle.get("entry", []):
        walk(e.get("resource"))
    return found
