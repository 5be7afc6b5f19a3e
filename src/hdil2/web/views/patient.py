"""The patient pages: the list (search by registry code, disease, on treatment), one patient
(demographics, the screening's eligibility and risk models with their reasons, a timeline of
courses, responses, toxicities, QLQ-C30 and follow-up) and the patient's audit history.

Every page only reads (capability ``read``). The action links a page shows depend on the
user's capabilities (``can.record``: record an observation or a toxicity; ``can.plan``: screen,
plan a course, scans).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET

from hdil2.web.roles import requires

#: patients per page of the list
PAGE_SIZE = 50
#: changes per page of the audit history
HISTORY_PAGE_SIZE = 100
UTC = dt.UTC
#: a view function (the method decorators of Django are untyped: typed here)
View = Callable[..., HttpResponse]
only_get: Callable[[View], View] = require_GET


def course_url(pk: int) -> str:
    """The course page of course ``pk`` (its named URL when the course pages are installed)."""
    try:
        return reverse("course", args=[pk])
    except NoReverseMatch:
        return f"/courses/{pk}/"


def patient_zone(patient: Any) -> str:
    """The zone the patient's times are shown in: the ward zone of the latest course, else the
    zone the patient's times were recorded in, else UTC."""
    course = (patient.courses.filter(voided_at__isnull=True).exclude(ward_tz="")
              .order_by("-number").first())
    if course is not None:
        return str(course.ward_tz)
    return str(patient.time_zone or "UTC")


def ongoing_course(patient: Any) -> Any:
    """The patient's ongoing course (the latest one if several), or ``None``."""
    return (patient.courses.filter(voided_at__isnull=True, status="ongoing")
            .order_by("-number").first())


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    """Completed years from ``birth`` to ``day`` (``None`` without a birth date)."""
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# -- the list ------------------------------------------------------------------------------

@requires("read")
@only_get
def patients(request: HttpRequest) -> HttpResponse:
    """Patients by registry code (prefix), disease and on-treatment, 50 a page."""
    from hdil2.registry.models import Course, Patient
    from hdil2.registry.models.patient import DISEASES

    code = request.GET.get("code", "").strip()
    disease = request.GET.get("disease", "")
    on_treatment = request.GET.get("on_treatment", "") == "1"
    errors: dict[str, str] = {}
    qs = Patient.objects.active().order_by("registry_id")
    if code:
        qs = qs.filter(registry_id__istartswith=code)
    if disease:
        if disease not in dict(DISEASES):
            errors["disease"] = "one of: " + ", ".join(k for k, _ in DISEASES)
        else:
            qs = qs.filter(disease=disease)
    ongoing = Course.objects.active().filter(status="ongoing")
    if on_treatment:
        qs = qs.filter(pk__in=ongoing.values("patient_id"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    treating = set(ongoing.filter(patient__in=list(page.object_list))
                   .values_list("patient_id", flat=True))
    rows = [{"patient": p, "on_treatment": p.pk in treating} for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/patients.html", {
        "nav": "patients", "page": page, "rows": rows, "code": code, "disease": disease,
        "on_treatment": on_treatment, "diseases": DISEASES, "errors": errors,
        "query": query.urlencode(),
    }, status=400 if errors else 200)


# -- one patient ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """One entry of the patient's timeline."""

    day: dt.date
    at: str
    kind: str
    what: str
    detail: str
    url: str = ""


def _screening(advice: Any) -> dict[str, Any] | None:
    """The eligibility and every risk model of a stored screening advice, each as a decision
    dict for ``web/_decision.html``."""
    if advice is None:
        return None
    answer = advice.answer or {}
    elig = answer.get("eligibility") or {}
    eligibility = {
        "title": elig.get("title", ""), "profile": elig.get("profile", ""),
        "criteria": elig.get("criteria", []),
        "decision": {"value": elig.get("verdict", ""), "reasons": elig.get("reasons", []),
                     "missing": elig.get("missing", [])},
    }
    models = []
    for m in answer.get("models", []):
        reasons = list(m.get("reasons", []))
        reasons += [f["reason"] for f in m.get("factors", []) if f.get("reason")]
        reasons += list(m.get("caveats", []))
        value = m.get("group") or m.get("status", "")
        models.append({
            "model": m.get("model", ""), "title": m.get("title", ""),
            "source": m.get("source", ""), "status": m.get("status", ""),
            "score": m.get("score"), "factors": m.get("factors", []),
            "outcome": m.get("outcome"),
            "decision": {"value": value, "reasons": reasons, "missing": m.get("missing", [])},
        })
    return {"advice": advice, "eligibility": eligibility, "models": models,
            "request": advice.request}


def _timeline(patient: Any, tz: str) -> list[Event]:
    """Courses, response assessments, toxicities, QLQ-C30 and follow-up by date."""
    zone = ZoneInfo(tz)

    def local(at: dt.datetime | None) -> tuple[dt.date | None, str]:
        if at is None:
            return None, ""
        here = at.astimezone(zone)
        return here.date(), here.strftime("%Y-%m-%d %H:%M %Z")

    events: list[Event] = []
    for c in patient.courses.filter(voided_at__isnull=True).order_by("number"):
        day, at = local(c.planned_start)
        if c.started_on is not None:
            day = c.started_on
        if day is None:
            day = c.created_at.astimezone(zone).date()
        detail = f"{c.regimen or 'regimen not recorded'}, {c.intent}, {c.status}"
        if c.discontinuation_reason:
            detail += f"; stopped: {c.get_discontinuation_reason_display()}"
        events.append(Event(day, at or day.isoformat(), "course", f"Course {c.number}",
                            detail, course_url(c.pk)))
    for r in patient.responses.filter(voided_at__isnull=True).order_by("assessed_on"):
        detail = f"{r.get_criteria_display()}, {r.get_kind_display()}"
        if r.response_computed and r.response_computed != r.response:
            detail += f"; computed {r.response_computed}, recorded with reason: " \
                      f"{r.override_reason}"
        if r.confirmed is not None:
            detail += "; confirmed" if r.confirmed else "; not confirmed"
        events.append(Event(r.assessed_on, r.assessed_on.isoformat(), "response",
                            f"Response {r.response}", detail))
    for t in patient.toxicities.filter(voided_at__isnull=True).order_by("onset_at"):
        day, at = local(t.onset_at)
        grade = "not graded" if t.grade is None else f"grade {t.grade}"
        detail = f"attribution {t.attribution or 'not recorded'}"
        if t.grade_computed is not None and t.grade_computed != t.grade:
            detail += f"; computed grade {t.grade_computed}, recorded with reason: " \
                      f"{t.override_reason}"
        if t.serious:
            detail += "; serious"
        events.append(Event(day or t.created_at.date(), at, "toxicity",
                            f"{t.term}: {grade}", detail))
    for q in patient.quality_of_life.filter(voided_at__isnull=True).order_by("completed_on"):
        score = q.advice.value if q.advice is not None else ""
        detail = f"global health status {score}" if score else "not scored"
        events.append(Event(q.completed_on, q.completed_on.isoformat(), "QLQ-C30",
                            f"QLQ-C30 {q.label}", detail))
    for f in patient.followups.filter(voided_at__isnull=True).order_by("contact_on"):
        parts = [f.get_vital_status_display()]
        for name in ("progression_on", "relapse_on", "death_on"):
            value = getattr(f, name)
            if value is not None:
                parts.append(f"{name.removesuffix('_on')} {value.isoformat()}")
        if f.death_cause:
            parts.append(f"cause {f.get_death_cause_display()}")
        if f.lost_to_follow_up:
            parts.append("lost to follow-up")
        events.append(Event(f.contact_on, f.contact_on.isoformat(), "follow-up",
                            "Follow-up", ", ".join(parts)))
    events.sort(key=lambda e: (e.day, e.at))
    return events


@requires("read")
@only_get
def patient(request: HttpRequest, pk: int) -> HttpResponse:
    """One patient: demographics, screening, timeline, latest observations, actions."""
    from hdil2.registry.models import Patient

    p = get_object_or_404(Patient, pk=pk)
    tz = patient_zone(p)
    today = dt.datetime.now(ZoneInfo(tz)).date()
    observations = list(p.observations.filter(voided_at__isnull=True)
                        .order_by("-taken_at", "-pk")[:20])
    return render(request, "web/patient.html", {
        "nav": "patients", "patient": p, "tz": tz, "age": age_on(p.birth_date, today),
        "screening": _screening(p.risk_advice), "timeline": _timeline(p, tz),
        "observations": observations, "ongoing": ongoing_course(p),
    })


# -- the audit history ---------------------------------------------------------------------

def _records(p: Any) -> list[Any]:
    """The patient's row and every row that belongs to it (voided rows included)."""
    from hdil2.registry import models as m

    rows: list[Any] = [p]
    direct = (m.PatientIdentifier, m.PriorTherapy, m.Course, m.Observation, m.Toxicity,
              m.Scan, m.Lesion, m.ResponseAssessment, m.QualityOfLife, m.FollowUp,
              m.Disposition)
    for model in direct:
        rows.extend(model._base_manager.filter(patient=p).order_by("pk"))
    rows.extend(m.Cycle._base_manager.filter(course__patient=p).order_by("pk"))
    rows.extend(m.DoseSlot._base_manager.filter(cycle__course__patient=p).order_by("pk"))
    rows.extend(m.Measurement._base_manager.filter(scan__patient=p).order_by("pk"))
    return rows


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


@requires("read")
@only_get
def patient_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change of the patient's rows, newest first: when, who, what (field: old -> new),
    the change reason."""
    from hdil2.registry import audit
    from hdil2.registry.models import Patient

    p = get_object_or_404(Patient, pk=pk)
    tz = patient_zone(p)
    entries = []
    seen: set[tuple[str, int]] = set()
    for row in _records(p):
        key = (row._meta.label, row.pk)
        if key in seen:
            continue
        seen.add(key)
        for c in audit.changes(row):
            entries.append({"when": c.when, "who": c.who or "unknown", "record": row.label(),
                            "field": c.field, "old": _shown(c.old), "new": _shown(c.new),
                            "created": c.old is None and c.version == 1,
                            "reason": c.reason or "", "version": c.version})
    entries.sort(key=lambda e: (e["when"], e["record"], e["field"]), reverse=True)
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/patient_history.html", {
        "nav": "patients", "patient": p, "tz": tz, "page": page,
    })


urlpatterns = [
    path("patients/", patients, name="patients"),
    path("patients/<int:pk>/", patient, name="patient"),
    path("patients/<int:pk>/history/", patient_history, name="patient-history"),
]
