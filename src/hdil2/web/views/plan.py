"""The physician's pages: enrol a patient, screen them, plan a course, and the next-course advice
with the physician's decision beside it.

Every write needs the ``plan`` capability and is a POST (redirect after post); the pages that
only show need ``read``. Each page calls one use case of :mod:`hdil2.registry.services`; a
refusal (:class:`~hdil2.core.errors.InputError`) shows the form again with every typed value
kept and the message beside the field it names; a stale form
(:class:`~hdil2.registry.errors.StaleEdit`) shows who changed the record, and writes nothing.

The screening, the course plan (and its preview) and the next-course advice apply the server's
site profile (``HDIL2_SITE``: its policy overrides) as the API's rules routes do; a site profile
that cannot be read is a refusal naming ``HDIL2_SITE``, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse

from hdil2.core.errors import InputError
from hdil2.registry.errors import StaleEdit
from hdil2.web.roles import requires
from hdil2.web.site import site_profile

#: the ward zone a new course gets unless the physician picks another
DEFAULT_WARD_TZ = "America/New_York"
#: the fields of the enrolment form (all of :func:`hdil2.registry.services.enrol`'s simple
#: fields; the pathology and staging details are corrected on the record later)
ENROL_FIELDS = ("registry_id", "disease", "histology", "sex", "birth_date", "site",
                "diagnosis_date", "metastasis_date", "ecog", "karnofsky",
                "prior_systemic_lines", "prior_nephrectomy", "t", "n", "m", "stage_group")
INTEGER_FIELDS = ("ecog", "karnofsky", "prior_systemic_lines")
TRI_STATE = (("", "not recorded"), ("yes", "yes"), ("no", "no"))
WEIGHT_UNITS = ("kg", "lb")


ViewT = TypeVar("ViewT", bound=Callable[..., Any])


def allow(*methods: str) -> Callable[[ViewT], ViewT]:
    """Django's ``require_http_methods`` (405 for any other method), typed."""
    from django.views.decorators.http import require_http_methods

    return cast(Callable[[ViewT], ViewT], require_http_methods(list(methods)))


def url_or(name: str, pk: int, fallback: str) -> str:
    """The URL named ``name`` for ``pk`` (``fallback`` while that page is not installed)."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return fallback


def errors_of(e: InputError) -> dict[str, str]:
    """Field -> message of a refusal (every error of an :class:`InputErrors`)."""
    out: dict[str, str] = {}
    for one in getattr(e, "errors", None) or [e]:
        out.setdefault(one.field, one.message)
    return out


def conflict_of(e: StaleEdit) -> dict[str, Any]:
    """What the conflict box shows of a stale edit."""
    return {"record": e.record, "who": e.changed_by or "another user", "when": e.changed_at,
            "changes": [{"field": f, "old": o, "new": n} for f, o, n in e.changes],
            "message": str(e.message)}


def iu(value: Any) -> str:
    """A whole number of international units with thousands separators (42,000,000)."""
    from decimal import Decimal

    return f"{int(Decimal(str(value))):,}"


def _patient(pk: int) -> Any:
    from hdil2.registry.models import Patient

    return get_object_or_404(Patient.objects.active(), pk=pk)


def _tri(value: str, field: str) -> bool | None:
    if value in ("", None):
        return None
    if value in ("yes", "no"):
        return value == "yes"
    raise InputError(field, "yes, no, or not recorded", value)


# -- enrol -----------------------------------------------------------------------------------

def _enrol_choices() -> dict[str, Any]:
    from hdil2.registry.models.patient import DISEASES, HISTOLOGIES, SEXES

    return {"diseases": DISEASES, "histologies": HISTOLOGIES, "sexes": SEXES,
            "tri_state": TRI_STATE}


def _enrol_fields(data: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ENROL_FIELDS:
        raw = (data.get(name) or "").strip()
        if name in ("registry_id", "disease"):
            continue
        if raw == "":
            continue
        if name in INTEGER_FIELDS:
            try:
                fields[name] = int(raw)
            except ValueError:
                raise InputError(name, "a whole number", raw) from None
        elif name == "prior_nephrectomy":
            fields[name] = _tri(raw, name)
        else:
            fields[name] = raw
    return fields


@requires("plan")
@allow("GET", "POST")
def patient_new(request: HttpRequest) -> HttpResponse:
    """Enrol a patient (:func:`~hdil2.registry.services.enrol`), then open the patient."""
    from hdil2.registry import services

    values: dict[str, str] = {"disease": "rcc"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ENROL_FIELDS}
        try:
            fields = _enrol_fields(request.POST)
            out = services.enrol(by=request.user, registry_id=values["registry_id"].strip(),
                                 disease=values["disease"].strip(), **fields)
        except InputError as e:
            errors = errors_of(e)
        else:
            patient = out.rows[0]
            messages.success(request, f"Patient {patient.registry_id} enrolled.")
            return redirect(url_or("patient", patient.pk, f"/patients/{patient.pk}/"))
    return render(request, "web/plan_enrol.html", {
        "nav": "patients", "values": values, "errors": errors, **_enrol_choices()},
        status=400 if errors else 200)


# -- screen ----------------------------------------------------------------------------------

def _screen_context(patient: Any) -> dict[str, Any]:
    from hdil2.clinical.selection.eligibility import PROFILES
    from hdil2.registry.services.enrolment import RISK_MODELS

    advice = patient.risk_advice
    answer = advice.answer if advice is not None else None
    return {"patient": patient, "advice": advice, "answer": answer,
            "profiles": [(k, p.title) for k, p in PROFILES.items()],
            "risk_models": RISK_MODELS, "nav": "patients",
            "profile_used": (advice.request.get("profile") if advice is not None else None)}


@requires("plan")
@allow("GET", "POST")
def patient_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """Screen the patient (:func:`~hdil2.registry.services.screen`): the eligibility checklist
    of the chosen profile and every risk model with its group, reasons and missing inputs."""
    from hdil2.registry import services

    patient = _patient(pk)
    values = {"profile": "label_minimum", "planned_day1": "", "risk_model": "mskcc2002"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            services.screen(patient.pk, by=request.user, profile=values["profile"],
                            planned_day1=values["planned_day1"] or None,
                            risk_model=values["risk_model"], site=site_profile())
        except InputError as e:
            errors = errors_of(e)
        else:
            messages.success(request, f"Patient {patient.registry_id} screened.")
            return redirect("patient-screen", pk=patient.pk)
    ctx = _screen_context(patient)
    return render(request, "web/plan_screen.html", {**ctx, "values": values, "errors": errors},
                  status=400 if errors else 200)


# -- plan a course ---------------------------------------------------------------------------

def q8h_regimens() -> list[tuple[str, str]]:
    """The 8-hourly IL-2-only regimens the registry plans (key, name)."""
    from hdil2.clinical.treatment.regimens import REGIMENS, Q8hSchedule

    return [(k, r.name) for k, r in REGIMENS.items()
            if isinstance(r.schedule, Q8hSchedule) and len(r.components) == 1]


def _course_request(values: dict[str, str]) -> dict[str, Any]:
    weight = values["weight"]
    if not weight:
        raise InputError("weight", "the patient's weight (before the course)")
    if values["weight_unit"] not in WEIGHT_UNITS:
        raise InputError("weight_unit", "kg or lb", values["weight_unit"])
    if not values["first_dose"]:
        raise InputError("first_dose", "the date and time of the first dose, in the ward's "
                         "time zone")
    req: dict[str, Any] = {"regimen": values["regimen"], "first_dose": values["first_dose"],
                           "ward_tz": values["ward_tz"],
                           "weight": f"{weight} {values['weight_unit']}"}
    if values["height"]:
        req["height"] = f"{values['height']} cm"
    if values["sex"]:
        req["sex"] = values["sex"]
    return req


def _preview(req: dict[str, Any], site: Any = None) -> dict[str, Any]:
    """The dose and the calendar the plan would store (asked, nothing written), with the
    ``site`` profile's policies filled in as :func:`~hdil2.registry.services.plan_course`
    fills them."""
    from hdil2 import app
    from hdil2.registry.services._common import as_json, filled
    from hdil2.registry.services.treatment import _q8h

    _q8h(req["regimen"])
    dose_req: dict[str, Any] = {k: req[k] for k in ("regimen", "weight", "height", "sex")
                                if k in req}
    dose = app.run("dose", filled("dose", dose_req, site))
    try:
        calendar = app.run("calendar", filled("calendar", {
            "regimen": req["regimen"], "first_dose": req["first_dose"],
            "tz": req["ward_tz"]}, site))
    except InputError as e:
        if e.field == "tz":
            raise InputError("ward_tz", e.message, e.value) from None
        raise
    return summary(as_json(dose.to_dict()), as_json(calendar.to_dict()))


def summary(dose: dict[str, Any], calendar: dict[str, Any]) -> dict[str, Any]:
    """What the planning page shows of a dose plan and its calendar (their JSON)."""
    il2 = next(c for c in dose["components"] if c["agent"] == "aldesleukin")
    slots = calendar.get("slots", [])
    cycles: dict[int, list[dict[str, Any]]] = {}
    for s in slots:
        cycles.setdefault(s["cycle"], []).append(s)
    return {
        "regimen": dose.get("regimen_name") or dose.get("regimen"),
        "weight_kg": dose.get("basis_weight_kg"), "weight_basis": dose.get("weight_basis"),
        "dose_iu": il2["dose_iu"], "dose_text": iu(il2["dose_iu"]), "written": il2["written"],
        "vials": il2["preparation"]["vials"], "vials_per_course": il2.get("vials_per_course"),
        "doses": calendar.get("doses"), "tz": calendar.get("tz"),
        "cycles": [{"number": n, "first": ss[0]["local"], "last": ss[-1]["local"],
                    "slots": len(ss)} for n, ss in sorted(cycles.items())],
        "flagged": [s for s in slots if s.get("flags")],
        "reasons": dose.get("reasons", []),
    }


@requires("plan")
@allow("GET", "POST")
def course_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan the patient's next course (:func:`~hdil2.registry.services.plan_course`):
    ``action=preview`` shows the dose, vials and calendar without writing anything."""
    from hdil2.registry import services

    patient = _patient(pk)
    values = {"regimen": "hd-il2-600k", "weight": "", "weight_unit": "kg", "height": "",
              "sex": patient.sex, "first_dose": "", "ward_tz": DEFAULT_WARD_TZ}
    errors: dict[str, str] = {}
    preview = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            req = _course_request(values)
            site = site_profile()
            if request.POST.get("action") == "preview":
                preview = _preview(req, site)
            else:
                out = services.plan_course(patient.pk, by=request.user, site=site, **req)
        except InputError as e:
            errors = errors_of(e)
            if "tz" in errors:
                errors["ward_tz"] = errors.pop("tz")
        else:
            if preview is None:
                course = out.rows[1]
                shown = summary(out.advice.answer, out.rows[0].answer)
                messages.success(
                    request, f"Course {course.number} planned: {iu(shown['dose_iu'])} IU per "
                    f"dose ({shown['written']}), {shown['vials']} vials per dose, "
                    f"{shown['doses']} doses from {shown['cycles'][0]['first']} "
                    f"({shown['tz']}).")
                return redirect(url_or("course", course.pk, f"/courses/{course.pk}/"))
    return render(request, "web/plan_course.html", {
        "patient": patient, "values": values, "errors": errors, "preview": preview,
        "regimens": q8h_regimens(), "weight_units": WEIGHT_UNITS, "nav": "patients",
        "sexes": (("", "not recorded"), ("female", "female"), ("male", "male"))},
        status=400 if errors else 200)


# -- next course -----------------------------------------------------------------------------

FACTS = ("shrinkage", "refused", "intolerance")


def _decision_history(course: Any) -> list[dict[str, Any]]:
    rows = course.history.filter(history_change_reason__startswith="next-course decision")
    return [{"when": h.history_date, "who": h.history_user, "why": h.history_change_reason}
            for h in rows.order_by("-history_date", "-history_id")]


def _next_context(patient: Any) -> dict[str, Any]:
    from hdil2.registry.models import Course
    from hdil2.registry.services.courses import NEXT_COURSE_DECISIONS

    courses = list(Course.objects.active().filter(patient=patient).order_by("number"))
    last = courses[-1] if courses else None
    advice = last.next_course_advice if last is not None else None
    return {"patient": patient, "courses": courses, "last": last, "advice": advice,
            "answer": advice.answer if advice is not None else None,
            "decisions": NEXT_COURSE_DECISIONS, "tri_state": TRI_STATE, "facts": FACTS,
            "history": _decision_history(last) if last is not None else [],
            "nav": "patients"}


def _facts(data: Any, courses: list[Any]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for c in courses:
        f: dict[str, Any] = {}
        for key in FACTS:
            value = _tri(data.get(f"c{c.number}-{key}", ""), f"c{c.number}-{key}")
            if value is not None:
                f[key] = value
        if f:
            out[c.number] = f
    return out


@requires("read")
@allow("GET")
def next_course(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest next-course advice after the patient's last course, with its reasons, and
    the physician's decision beside it."""
    patient = _patient(pk)
    return render(request, "web/plan_next.html", {**_next_context(patient), "values": {},
                                                  "errors": {}})


@requires("plan")
@allow("POST")
def next_course_advise(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the next-course advice (:func:`~hdil2.registry.services.advise_next_course`)."""
    from hdil2.registry import services

    patient = _patient(pk)
    ctx = _next_context(patient)
    values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        services.advise_next_course(patient.pk, by=request.user,
                                    facts=_facts(request.POST, ctx["courses"]),
                                    site=site_profile())
    except InputError as e:
        return render(request, "web/plan_next.html", {**ctx, "values": values,
                                                      "errors": errors_of(e)}, status=400)
    messages.success(request, "Next-course advice asked.")
    return redirect("next-course", pk=patient.pk)


@requires("plan")
@allow("POST")
def next_course_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the physician's decision beside the advice
    (:func:`~hdil2.registry.services.record_next_course_decision`); one that departs from the
    advice needs a reason."""
    from hdil2.registry import services

    patient = _patient(pk)
    ctx = _next_context(patient)
    values = {k: request.POST.get(k, "") for k in ("decision", "departure_reason", "version")}
    if ctx["last"] is None:
        return render(request, "web/plan_next.html", {
            **ctx, "values": values, "errors": {"decision": "the patient has no course"}},
            status=400)
    try:
        version = int(values["version"])
    except ValueError:
        return render(request, "web/plan_next.html", {
            **ctx, "values": values, "errors": {"version": "reload the page"}}, status=400)
    try:
        services.record_next_course_decision(ctx["last"].pk, version, by=request.user,
                                             decision=values["decision"],
                                             departure_reason=values["departure_reason"])
    except StaleEdit as e:
        return render(request, "web/plan_next.html", {
            **ctx, "values": values, "errors": {}, "conflict": conflict_of(e)}, status=409)
    except InputError as e:
        return render(request, "web/plan_next.html", {**ctx, "values": values,
                                                      "errors": errors_of(e)}, status=400)
    messages.success(request, f"Decision recorded: {values['decision'].replace('_', ' ')}.")
    return redirect("next-course", pk=patient.pk)


urlpatterns = [
    path("patients/new/", patient_new, name="patient-new"),
    path("patients/<int:pk>/screen/", patient_screen, name="patient-screen"),
    path("patients/<int:pk>/courses/new/", course_new, name="course-new"),
    path("patients/<int:pk>/next-course/", next_course, name="next-course"),
    path("patients/<int:pk>/next-course/advise/", next_course_advise, name="next-course-advise"),
    path("patients/<int:pk>/next-course/decision/", next_course_decide,
         name="next-course-decision"),
]
