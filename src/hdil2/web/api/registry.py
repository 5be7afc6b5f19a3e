"""The registry's use cases over HTTP (:mod:`hdil2.registry.services`), acting as the user.

======================================  =========================================  ==========
route                                   use case                                   capability
======================================  =========================================  ==========
``GET /patients``                       list (filters ``disease``, ``risk_group``,  read
                                        ``q``, ``synthetic``; ``page``,
                                        ``per_page``)
``GET /patients/{id}``                  one patient, their courses                  read
``GET /courses/{id}``                   one course: cycles and slots with versions  read
``POST /courses/{id}/next-dose``        :func:`advise_next_dose`                    record
``POST /slots/{id}/record``             :func:`record_dose` (with ``version``)      record
``POST /courses/{id}/discharge``        :func:`record_discharge` (with ``version``) record
``POST /patients/{id}/observations``    :func:`record_observation`                  record
``POST /patients/{id}/toxicities``      :func:`record_toxicity`                     record
``POST /patients``                      :func:`enrol`                               plan
``POST /patients/{id}/screen``          :func:`screen`                              plan
``POST /patients/{id}/courses``         :func:`plan_course`                         plan
``POST /patients/{id}/scans``           :func:`record_scan`                         plan
``POST /patients/{id}/assess``          :func:`assess_response`                     plan
``POST /patients/{id}/next-course``     :func:`advise_next_course`                  plan
======================================  =========================================  ==========

A use case's answer: ``decision`` (the clinical core's answer as ``--json`` prints it, or
``null``), ``advice_id`` (the stored advice) and ``rows`` (each row written: its table, id and
version - the version to send with the next edit). Bodies are read as the CLI reads JSON
(decimals exact); a row that does not exist is 404; a stale ``version`` is 409 with who changed
the row, when and what, and nothing is written.

The next-dose advice, the course plan, the screening, the response assessment and the
next-course advice apply the server's site profile (``HDIL2_SITE``) as the rules routes do: its
hold rule sets beside the label (unless the body names ``rulesets``) and its policy overrides
(a body's own ``policies`` win); a site profile that cannot be read is a 400 naming
``HDIL2_SITE``, and nothing is written.
"""

# no "from __future__ import annotations": ninja reads the views' annotations at import
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel, ConfigDict, create_model

from hdil2.web.api import openapi
from hdil2.web.api.auth import requires
from hdil2.web.api.errors import REFUSALS, Conflict, Detail
from hdil2.web.site import site_profile

router = Router(tags=["registry"])

F = TypeVar("F", bound=Callable[..., Any])

ROW_REFUSALS: dict[int, Any] = {**REFUSALS, 404: Detail}


class Body(BaseModel):
    """A request body: unknown fields refused, naming them."""

    model_config = ConfigDict(extra="forbid")


# -- answers ---------------------------------------------------------------------------------

class RowOut(Schema):
    """A row written: its table, id and version (``null`` for a write-once row)."""

    table: str
    id: int
    version: int | None = None
    label: str


class OutcomeOut(Schema):
    """What a use case did: the decision (its JSON, or ``null``), the stored advice's id and
    the rows written, in the order written."""

    decision: Any = None
    advice_id: int | None = None
    rows: list[RowOut]


class CourseBrief(Schema):
    id: int
    number: int
    regimen: str
    status: str
    ward_tz: str
    planned_start: dt.datetime | None = None
    version: int


class PatientOut(Schema):
    id: int
    registry_id: str
    disease: str
    histology: str
    sex: str
    birth_date: dt.date | None = None
    risk_group: str
    risk_model: str
    synthetic: bool
    version: int
    voided_at: dt.datetime | None = None


class PatientDetail(PatientOut):
    fields: dict[str, Any]
    courses: list[CourseBrief]


class PatientPage(Schema):
    count: int
    page: int
    per_page: int
    items: list[PatientOut]


class SlotOut(Schema):
    id: int
    number: int
    scheduled_at: dt.datetime
    status: str
    given_at: dt.datetime | None = None
    dose_iu: int | None = None
    vials: int | None = None
    reason: str
    departure_reason: str
    advice_id: int | None = None
    advice: str | None = None
    version: int


class CycleOut(Schema):
    id: int
    number: int
    starts_at: dt.datetime | None = None
    planned_slots: int | None = None
    version: int
    slots: list[SlotOut]


class CourseOut(CourseBrief):
    patient_id: int
    intent: str
    planned_dose_iu: int | None = None
    dosing_weight: Decimal | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    cycles: list[CycleOut]


# -- bodies ----------------------------------------------------------------------------------

def _enrol_body() -> type[BaseModel]:
    """The enrolment body: ``registry_id``, ``disease`` and the patient fields enrolment sets,
    typed as the registry stores them."""
    from django.db import models

    from hdil2.registry.models import Patient
    from hdil2.registry.services.enrolment import PATIENT_FIELDS

    kinds: list[tuple[type[Any], Any]] = [
        (models.BooleanField, bool), (models.DateField, dt.date),
        (models.PositiveSmallIntegerField, int), (models.DecimalField, Decimal),
        (models.JSONField, list[str]), (models.CharField, str)]
    fields: dict[str, Any] = {"registry_id": (str, ...), "disease": (str, ...)}
    for name in PATIENT_FIELDS:
        f = Patient._meta.get_field(name)
        kind = next((t for cls, t in kinds if isinstance(f, cls)), str)
        fields[name] = (kind | None, Field(None, description=str(f.help_text or name)))
    model: type[BaseModel] = create_model("EnrolBody", __base__=Body, **fields)
    return model


EnrolBody = _enrol_body()


class ScreenBody(Body):
    planned_day1: dt.date | None = None
    profile: str = "label_minimum"
    policies: dict[str, Any] = {}
    extra: dict[str, Any] = Field({}, description="work-up facts the registry does not store "
                                  "(brain_imaging, comorbidities, ...)")
    risk_model: Literal["mskcc2002", "mskcc1999", "imdc"] = "mskcc2002"


class PlanCourseBody(Body):
    regimen: str = Field(..., examples=["hd-il2-600k"])
    first_dose: str = Field(..., description="ward wall-clock time", examples=["2025-03-03T08:00"])
    ward_tz: str = Field(..., examples=["Europe/London"])
    weight: str | Decimal = Field(..., examples=["70 kg"])
    height: str | Decimal | None = None
    sex: str | None = None
    intent: str = "metastatic"
    policies: dict[str, Any] = {}


class NextDoseBody(Body):
    bedside: dict[str, Any] = Field({}, description="bedside findings that are not numbers, "
                                    "e.g. {\"mental_status_change\": false}")
    rulesets: list[str] | None = Field(
        None, description="hold rule sets to apply (the label always applies); default: the "
        "server's site profile's (HDIL2_SITE), else the label's alone",
        examples=[["label", "dutcher2014"]])
    at: str | None = Field(None, description="ISO date-time with offset (default now)")


class RecordDoseBody(Body):
    version: int = Field(..., description="the slot's version as read")
    status: Literal["given", "held"]
    given_at: str | None = None
    dose_iu: int | str | None = None
    vials: int | None = None
    reason: str | None = None
    departure_reason: str | None = None


class DischargeBody(Body):
    version: int = Field(..., description="the course's version as read")
    discharged_on: dt.date = Field(..., description="the ward's date of the hospital discharge",
                                   examples=["2025-03-25"])
    close_pending: bool = Field(False, description="record the course's pending slots as not "
                                "given (refused while slots are pending without it)")
    reason: str | None = Field(None, description="why a recorded discharge date is changed")


class ObservationBody(Body):
    code: str = Field(..., examples=["creatinine"])
    value: str | Decimal | dict[str, Any] = Field(..., examples=["1.8 mg/dL"])
    taken_at: str = Field(..., examples=["2025-03-03T06:00+00:00"])
    kind: str = "lab"
    course_id: int | None = None
    lln: str | Decimal | dict[str, Any] | None = None
    uln: str | Decimal | dict[str, Any] | None = None
    note: str = ""


class ToxicityBody(Body):
    request: dict[str, Any] = Field(..., description="the grade operation's request "
                                    "(hdil2 schema grade)")
    onset_at: str
    grade: int | None = None
    override_reason: str | None = None
    course_id: int | None = None
    dose_slot_id: int | None = None
    resolved_at: str | None = None
    attribution: str = ""
    serious: bool = False


class ScanBody(Body):
    scanned_on: dt.date
    modality: str = Field(..., examples=["CT"])
    measurements: list[dict[str, Any]] = Field(..., examples=[[{
        "lesion": "T01", "kind": "target", "organ": "lung", "nodal": False,
        "longest_mm": 42}]])
    label: str = ""
    baseline: bool = False
    course_id: int | None = None


class AssessBody(Body):
    criteria: str = Field(..., examples=["recist1.1"])
    start_date: dt.date | None = None
    policies: dict[str, Any] = {}


class NextCourseBody(Body):
    variant: str = "default"
    policies: dict[str, Any] = {}
    facts: dict[int, dict[str, Any]] | None = None


# -- plumbing --------------------------------------------------------------------------------

def parse(request: HttpRequest, model: type[BaseModel]) -> dict[str, Any]:
    """The body of ``request`` validated by ``model``, as keyword arguments (fields given)."""
    from hdil2.core.errors import InputError, from_validation_error
    from hdil2.web.api.rules import body_of

    data = body_of(request, model.__name__)
    if not isinstance(data, dict):
        raise InputError("body", "a JSON object")
    try:
        parsed = model.model_validate(data)
    except ValueError as e:
        mapped = from_validation_error(e)
        if mapped is None:
            raise
        raise mapped from None
    return {k: getattr(parsed, k) for k in parsed.model_fields_set}


def _iso(kwargs: dict[str, Any], *names: str) -> dict[str, Any]:
    for n in names:
        if isinstance(kwargs.get(n), dt.date):
            kwargs[n] = kwargs[n].isoformat()
    return kwargs


def outcome(out: Any) -> dict[str, Any]:
    from hdil2.core.jsonable import jsonable

    return {
        "decision": None if out.decision is None else jsonable(out.decision),
        "advice_id": None if out.advice is None else out.advice.pk,
        "rows": [{"table": type(r).__name__, "id": r.pk, "version": getattr(r, "version", None),
                  "label": r.label() if hasattr(r, "label") else f"{type(r).__name__} {r.pk}"}
                 for r in out.rows],
    }


def exists(model_name: str, pk: int) -> None:
    """404 unless row ``pk`` of ``model_name`` exists (voided rows exist, and are refused by
    the use case naming why)."""
    from hdil2.registry import models

    model = getattr(models, model_name)
    if not model._base_manager.filter(pk=pk).exists():
        raise Http404(f"no {model._meta.verbose_name} {pk}")


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    ref = openapi.component(model.__name__, model.model_json_schema())
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}


def _post(path: str, model: type[BaseModel], *, summary: str, conflict: bool = False,
          missing: bool = True) -> Callable[[F], F]:
    responses: dict[int, Any] = {200: OutcomeOut, **(ROW_REFUSALS if missing else REFUSALS)}
    if conflict:
        responses[409] = Conflict
    decorate: Callable[[F], F] = router.post(path, response=responses, summary=summary,
                                             openapi_extra=body_doc(model))
    return decorate


# -- reads -----------------------------------------------------------------------------------

def _patient_out(p: Any) -> dict[str, Any]:
    return {k: getattr(p, k) for k in PatientOut.model_fields}


def _course_brief(c: Any) -> dict[str, Any]:
    return {k: getattr(c, k) for k in CourseBrief.model_fields}


class PatientFilters(Schema):
    disease: str | None = None
    risk_group: str | None = None
    q: str | None = Field(None, description="part of the registry code")
    synthetic: bool | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=200)


@router.get("/patients", response={200: PatientPage, **REFUSALS}, summary="patients")
@requires("read")
def patients(request: HttpRequest, filters: Query[PatientFilters]) -> Any:
    """Active patients, by registry code; filters and paging."""
    from hdil2.registry.models import Patient

    qs = Patient.objects.active().order_by("registry_id", "pk")
    if filters.disease:
        qs = qs.filter(disease=filters.disease)
    if filters.risk_group:
        qs = qs.filter(risk_group=filters.risk_group)
    if filters.q:
        qs = qs.filter(registry_id__icontains=filters.q)
    if filters.synthetic is not None:
        qs = qs.filter(synthetic=filters.synthetic)
    start = (filters.page - 1) * filters.per_page
    return {"count": qs.count(), "page": filters.page, "per_page": filters.per_page,
            "items": [_patient_out(p) for p in qs[start:start + filters.per_page]]}


@router.get("/patients/{patient_id}", response={200: PatientDetail, **ROW_REFUSALS},
            summary="one patient")
@requires("read")
def patient(request: HttpRequest, patient_id: int) -> Any:
    """The patient's record and courses."""
    from hdil2.core.jsonable import jsonable
    from hdil2.registry.models import Course, Patient
    from hdil2.registry.services.enrolment import PATIENT_FIELDS

    p = Patient._base_manager.filter(pk=patient_id).first()
    if p is None:
        raise Http404(f"no patient {patient_id}")
    courses = Course.objects.active().filter(patient=p).order_by("number")
    return {**_patient_out(p),
            "fields": {k: jsonable(getattr(p, k)) for k in PATIENT_FIELDS},
            "courses": [_course_brief(c) for c in courses]}


@router.get("/courses/{course_id}", response={200: CourseOut, **ROW_REFUSALS},
            summary="one course: its cycles and dose slots with their versions")
@requires("read")
def course(request: HttpRequest, course_id: int) -> Any:
    """The course, its cycles and every dose slot (status, advice, version)."""
    from hdil2.registry.models import Course, Cycle, DoseSlot

    c = Course._base_manager.filter(pk=course_id).first()
    if c is None:
        raise Http404(f"no course {course_id}")
    cycles = []
    for cy in Cycle.objects.active().filter(course=c).order_by("number"):
        slots = [{
            **{k: getattr(s, k) for k in ("id", "number", "scheduled_at", "status", "given_at",
                                          "vials", "reason", "departure_reason", "advice_id",
                                          "version")},
            "dose_iu": None if s.dose_iu is None else int(s.dose_iu),
            "advice": None if s.advice is None else s.advice.value,
        } for s in DoseSlot.objects.active().filter(cycle=cy).select_related("advice")
            .order_by("number")]
        cycles.append({"id": cy.pk, "number": cy.number, "starts_at": cy.starts_at,
                       "planned_slots": cy.planned_slots, "version": cy.version,
                       "slots": slots})
    return {**_course_brief(c), "patient_id": c.patient_id, "intent": c.intent,
            "planned_dose_iu": None if c.planned_dose_iu is None else int(c.planned_dose_iu),
            "dosing_weight": c.dosing_weight, "started_on": c.started_on,
            "ended_on": c.ended_on, "cycles": cycles}


# -- record (nurse) --------------------------------------------------------------------------

@_post("/courses/{course_id}/next-dose", NextDoseBody,
       summary="advise the course's next dose slot (stored, linked to the slot)")
@requires("record")
def next_dose(request: HttpRequest, course_id: int) -> Any:
    from hdil2.registry import services

    exists("Course", course_id)
    kw = parse(request, NextDoseBody)
    if kw.get("rulesets") is not None:
        kw["rulesets"] = tuple(kw["rulesets"])
    else:
        kw.pop("rulesets", None)
    return outcome(services.advise_next_dose(course_id, by=request.auth, site=site_profile(),
                                             **kw))


@_post("/slots/{slot_id}/record", RecordDoseBody, conflict=True,
       summary="record a dose slot given or held (with the slot's version)")
@requires("record")
def record_dose(request: HttpRequest, slot_id: int) -> Any:
    from hdil2.registry import services

    exists("DoseSlot", slot_id)
    kw = parse(request, RecordDoseBody)
    version = kw.pop("version")
    return outcome(services.record_dose(slot_id, version, by=request.auth, **kw))


@_post("/courses/{course_id}/discharge", DischargeBody, conflict=True,
       summary="record the hospital discharge after the course (with the course's version)")
@requires("record")
def discharge(request: HttpRequest, course_id: int) -> Any:
    from hdil2.registry import services

    exists("Course", course_id)
    kw = _iso(parse(request, DischargeBody), "discharged_on")
    version = kw.pop("version")
    return outcome(services.record_discharge(course_id, version, by=request.auth, **kw))


@_post("/patients/{patient_id}/observations", ObservationBody,
       summary="record a laboratory result or vital sign")
@requires("record")
def observation(request: HttpRequest, patient_id: int) -> Any:
    from hdil2.registry import services

    exists("Patient", patient_id)
    kw = parse(request, ObservationBody)
    return outcome(services.record_observation(patient_id, by=request.auth, **kw))


@_post("/patients/{patient_id}/toxicities", ToxicityBody,
       summary="grade (CTCAE) and record a toxicity")
@requires("record")
def toxicity(request: HttpRequest, patient_id: int) -> Any:
    from hdil2.registry import services

    exists("Patient", patient_id)
    kw = parse(request, ToxicityBody)
    return outcome(services.record_toxicity(patient_id, by=request.auth, **kw))


# -- plan (physician) ------------------------------------------------------------------------

@_post("/patients", EnrolBody, summary="enrol a patient", missing=False)
@requires("plan")
def enrol(request: HttpRequest) -> Any:
    from hdil2.registry import services

    kw = parse(request, EnrolBody)
    kw = {k: v for k, v in kw.items() if v is not None or k in ("registry_id", "disease")}
    return outcome(services.enrol(by=request.auth, **kw))


@_post("/patients/{patient_id}/screen", ScreenBody,
       summary="screen the patient (eligibility and risk models) from the registry")
@requires("plan")
def screen(request: HttpRequest, patient_id: int) -> Any:
    from hdil2.registry import services

    exists("Patient", patient_id)
    kw = _iso(parse(request, ScreenBody), "planned_day1")
    return outcome(services.screen(patient_id, by=request.auth, site=site_profile(), **kw))


@_post("/patients/{patient_id}/courses", PlanCourseBody,
       summary="plan the patient's next course (dose and 8-hourly calendar)")
@requires("plan")
def plan_course(request: HttpRequest, patient_id: int) -> Any:
    from hdil2.registry import services

    exists("Patient", patient_id)
    kw = parse(request, PlanCourseBody)

    return outcome(services.plan_course(patient_id, by=request.auth, site=site_profile(),
                                        **kw))


@_post("/patients/{patient_id}/scans", ScanBody, summary="record a scan and its measurements")
@requires("plan")
def scan(request: HttpRequest, patient_id: int) -> Any:
    from hdil2.registry import services

    exists("Patient", patient_id)
    kw = _iso(parse(request, ScanBody), "scanned_on")
    return outcome(services.record_scan(patient_id, by=request.auth, **kw))


@_post("/patients/{patient_id}/assess", AssessBody,
       summary="assess response (per visit and best) from the stored scans")
@requires("plan")
def assess(request: HttpRequest, patient_id: int) -> Any:
    from hdil2.registry import services

    exists("Patient", patient_id)
    kw = _iso(parse(request, AssessBody), "start_date")
    return outcome(services.assess_response(patient_id, by=request.auth, site=site_profile(),
                                            **kw))


@_post("/patients/{patient_id}/next-course", NextCourseBody,
       summary="advise after the patient's last course")
@requires("plan")
def next_course(request: HttpRequest, patient_id: int) -> Any:
    from hdil2.registry import services

    exists("Patient", patient_id)
    kw = parse(request, NextCourseBody)
    return outcome(services.advise_next_course(patient_id, by=request.auth,
                                               site=site_profile(), **kw))
