"""Entry pages of the ward: record an observation, record a toxicity with its CTCAE v5.0 grade
computed from the raw values as they are typed.

* ``/patients/<id>/observations/new/`` (``observation-new``): a laboratory result or vital sign
  of a code the hold rules or the screening read, its value and unit, the time taken (ward
  wall-clock time in a named IANA zone), the course, the reference limits ->
  :func:`hdil2.registry.services.record_observation`.
* ``/patients/<id>/toxicities/new/`` (``toxicity-new``): a CTCAE v5.0 term (``ctcae5``) with the
  fields its grading request takes (``hdil2 schema grade``) -> the ``grade`` operation ->
  :func:`hdil2.registry.services.record_toxicity`. A clinician-graded term offers its grades
  with the CTCAE text of each.
* ``/grade/preview/`` (``grade-preview``): the grade of the values typed so far (htmx, on every
  change), with the clause that fired and its reasons, or the error naming the field. It only
  asks the ``grade`` operation: it never writes.

Bad input shows the form again with every typed value kept and the error beside the field it
names; nothing is written, nothing is clamped or guessed. Every form works without JavaScript
(plain POST, redirect after post); htmx only makes the grade live.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from hdil2.core.errors import InputError
from hdil2.web.roles import requires
from hdil2.web.views.patient import View, ongoing_course, patient_zone

UTC = dt.UTC
only_post: Callable[[View], View] = require_POST
get_or_post: Callable[[View], View] = require_http_methods(["GET", "POST"])
#: a number as typed (the unit is a field of its own)
NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")

#: observation codes offered: (code, label, kind, usual unit). The vital signs are the codes
#: the hold rules read under another name (``OBSERVATION_FIELDS`` of the treatment use cases);
#: the laboratory codes are those the hold rules (``next-dose``) and the screening read.
OBSERVATION_CODES: tuple[tuple[str, str, str, str], ...] = (
    ("sbp", "systolic blood pressure", "vital", "mmHg"),
    ("heart_rate", "heart rate", "vital", "/min"),
    ("spo2", "SpO2", "vital", "%"),
    ("urine_output", "urine output", "vital", "mL/h"),
    ("creatinine", "creatinine", "lab", "mg/dL"),
    ("bilirubin", "total bilirubin", "lab", "mg/dL"),
    ("platelets", "platelets", "lab", "10^9/L"),
    ("bicarbonate", "bicarbonate (HCO3)", "lab", "mmol/L"),
    ("ast", "AST", "lab", "U/L"),
    ("alt", "ALT", "lab", "U/L"),
    ("ldh", "LDH", "lab", "U/L"),
    ("neutrophils", "neutrophils", "lab", "10^9/L"),
    ("hemoglobin", "haemoglobin", "lab", "g/dL"),
    ("calcium", "calcium", "lab", "mg/dL"),
    ("albumin", "albumin", "lab", "g/dL"),
    ("tsh", "TSH", "lab", "mIU/L"),
)
CODE_KIND = {c: kind for c, _, kind, _ in OBSERVATION_CODES}
ATTRIBUTIONS = ("unrelated", "unlikely", "possible", "probable", "definite")
#: form field of the page -> the field a use case's error names
SERVICE_FIELDS = {"course_id": "course", "taken_at": "taken_at", "onset_at": "onset_at"}
#: the grading request's fields carry this prefix in the toxicity form (the entry's own fields
#: such as ``grade`` or ``onset_at`` do not clash with them)
PREFIX = "r_"


# -- shared helpers ------------------------------------------------------------------------

@functools.cache
def zones() -> frozenset[str]:
    """The IANA zones a time may be entered in (fixed offsets are refused; see
    docs/decisions.md#iana-zones-only)."""
    return frozenset(available_timezones())


def ward_time(text: str, tz: str, field: str, zone_field: str = "tz") -> dt.datetime:
    """The instant of the wall-clock time ``text`` (``2025-03-05T06:00``) in zone ``tz``.

    A time that does not exist there (clocks go forward) or occurs twice (clocks go back) is
    refused, naming ``field``: never guessed.
    """
    tz = (tz or "").strip()
    if tz not in zones():
        raise InputError(zone_field, "an IANA time zone such as Europe/London or "
                         "America/New_York", tz)
    text = (text or "").strip()
    if not text:
        raise InputError(field, "the date and time are required")
    try:
        naive = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(field, "a date and time such as 2025-03-05T06:00", text) from None
    if naive.tzinfo is not None:
        raise InputError(field, "the ward's wall-clock time without an offset; the zone is "
                         "chosen beside it", text)
    try:
        zone = ZoneInfo(tz)
    except ZoneInfoNotFoundError:  # pragma: no cover - checked against zones() above
        raise InputError(zone_field, "an IANA time zone", tz) from None
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if back != naive:
            raise InputError(field, f"{text} does not exist in {tz} (the clocks go forward "
                             "then); check the time", text)
        raise InputError(field, f"{text} occurs twice in {tz} (the clocks go back then); "
                         "enter the time in UTC (zone UTC) instead", text)
    return first.astimezone(UTC)


def now_local(tz: str) -> str:
    """Now in zone ``tz`` as a ``datetime-local`` input value."""
    return dt.datetime.now(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def form_field(err: InputError, known: set[str], mapping: dict[str, str] | None = None) -> str:
    """The form field an error names (``""`` when it names none of ``known``)."""
    raw = str(err.field or "")
    head = raw.split(".", 1)[0].split("[", 1)[0]
    for name in (raw, head):
        name = (mapping or {}).get(name, name)
        if name in known:
            return name
    return ""


def _course_id(text: str, patient: Any) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError("course", "a course of this patient", text) from None


def _courses(patient: Any) -> list[Any]:
    return list(patient.courses.filter(voided_at__isnull=True).order_by("-number"))


def _err_text(err: Exception) -> str:
    return str(getattr(err, "message", "") or err)


# -- observation ---------------------------------------------------------------------------

OBSERVATION_FORM = ("code", "value", "unit", "taken_at", "tz", "course", "lln", "uln", "note")


def _observation_initial(patient: Any) -> dict[str, str]:
    tz = patient_zone(patient)
    course = ongoing_course(patient)
    return {"code": "", "value": "", "unit": "", "taken_at": now_local(tz), "tz": tz,
            "course": str(course.pk) if course is not None else "", "lln": "", "uln": "",
            "note": ""}


def _quantity(number: str, unit: str) -> str:
    return f"{number.strip()} {unit.strip()}".strip()


@requires("record")
@get_or_post
def observation_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a laboratory result or a vital sign (POST), or show the form (GET)."""
    from hdil2.registry import services
    from hdil2.registry.errors import RegistryError
    from hdil2.registry.models import Patient

    patient = get_object_or_404(Patient, pk=pk)
    values = _observation_initial(patient)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in OBSERVATION_FORM}
        checked = False
        try:
            code = values["code"].strip()
            if code not in CODE_KIND:
                raise InputError("code", "one of the codes listed", code)
            for name in ("value", "lln", "uln"):
                if (values[name].strip() or name == "value") \
                        and not NUMBER.match(values[name].strip()):
                    raise InputError(name, "a number such as 1.8 (the unit goes beside it)",
                                     values[name])
            if not values["unit"].strip():
                raise InputError("unit", "the unit is required (for example "
                                 f"{ {c: u for c, _, _, u in OBSERVATION_CODES}[code]})")
            taken = ward_time(values["taken_at"], values["tz"], "taken_at")
            checked = True  # the numbers are numbers: an error of "value" is its unit
            unit = values["unit"]
            limits = {name: _quantity(values[name], unit) if values[name].strip() else None
                      for name in ("lln", "uln")}
            out = services.record_observation(
                patient.pk, by=request.user, code=code, kind=CODE_KIND[code],
                value=_quantity(values["value"], unit), taken_at=taken,
                course_id=_course_id(values["course"], patient), note=values["note"].strip(),
                **limits)
        except (InputError, RegistryError) as e:
            name = form_field(e, set(OBSERVATION_FORM), SERVICE_FIELDS) or "form"
            if name == "value" and checked:
                name = "unit"
            errors[name] = _err_text(e)
            status = 400
        else:
            obs = out.rows[0]
            messages.success(request, f"Recorded {obs.code} {values['value'].strip()} "
                             f"{obs.unit} taken {values['taken_at']} {values['tz']}.")
            return redirect("patient", pk=patient.pk)
    return render(request, "web/entry_observation.html", {
        "nav": "patients", "patient": patient, "values": values, "errors": errors,
        "codes": OBSERVATION_CODES, "courses": _courses(patient),
    }, status=status)


# -- toxicity ------------------------------------------------------------------------------

@functools.cache
def term_listing() -> dict[str, Any]:
    """The CTCAE v5.0 terms (``grade-terms``) by key, as JSON."""
    from hdil2 import app
    from hdil2.registry.services._common import as_json

    listing = as_json(app.run("grade-terms", {}))
    return {t["key"]: t for t in listing["terms"]}


@functools.cache
def term_fields() -> dict[str, list[dict[str, Any]]]:
    """Each term's request fields from the ``grade`` input schema: name, kind (quantity,
    boolean, integer, choice), choices, description, required."""
    from hdil2 import app

    schema = app.operation("grade").input_schema()
    defs = schema["$defs"]
    mapping = schema["discriminator"]["mapping"]
    out: dict[str, list[dict[str, Any]]] = {}
    for term, ref in mapping.items():
        model = defs[ref.rsplit("/", 1)[1]]
        required = set(model.get("required", ()))
        fields = []
        for name, prop in model["properties"].items():
            if name in ("term", "policies"):
                continue
            variants = [v for v in prop.get("anyOf", [prop]) if v.get("type") != "null"]
            v = variants[0] if variants else {}
            choices: list[Any] = []
            if v.get("$ref", "").endswith("/Quantity"):
                kind, choices = "quantity", []
            elif v.get("type") == "boolean":
                kind, choices = "boolean", []
            elif "enum" in v or "const" in v:
                kind = "choice"
                choices = list(v.get("enum", [v.get("const")]))
            elif v.get("type") == "integer":
                kind, choices = "integer", []
                if name in ("grade", "clinical_grade"):
                    lo, hi = v.get("minimum", 0), v.get("maximum", 5)
                    kind, choices = "choice", list(range(lo, hi + 1))
            else:
                kind, choices = "text", []
            fields.append({"name": name, "kind": kind, "choices": choices,
                           "description": prop.get("description", ""),
                           "required": name in required})
        out[term] = fields
    return out


def _grade_choices(term: str, name: str, choices: list[Any]) -> list[tuple[str, str]]:
    """The options of a grade select: each allowed grade with its CTCAE v5.0 text."""
    entry = term_listing().get(term, {})
    texts = entry.get("grades", {})
    allowed = set(entry.get("allowed_grades", choices))
    out = []
    for g in choices:
        if isinstance(g, int) and name in ("grade", "clinical_grade") and g not in allowed:
            continue
        text = "no adverse event" if g == 0 else texts.get(str(g), "")
        out.append((str(g), f"G{g}: {text}" if text else f"G{g}"))
    return out


def _term_form(term: str, values: dict[str, str], errors: dict[str, str]
               ) -> list[dict[str, Any]]:
    """The request fields of ``term`` for the template, with the typed values."""
    rows = []
    for f in term_fields().get(term, []):
        name = PREFIX + f["name"]
        if f["kind"] == "choice" and f["name"] in ("grade", "clinical_grade"):
            options = _grade_choices(term, f["name"], f["choices"])
        elif f["kind"] == "choice":
            options = [(str(c), str(c).replace("_", " ")) for c in f["choices"]]
        elif f["kind"] == "boolean":
            options = [("yes", "yes"), ("no", "no")]
        else:
            options = []
        rows.append({**f, "input": name, "value": values.get(name, ""), "options": options,
                     "label": _field_label(f["name"]), "error": errors.get(name, "")})
    return rows


def grade_request(data: QueryDict | dict[str, str]) -> dict[str, Any]:
    """The ``grade`` request of the typed values: only fields given; booleans from yes/no,
    integers parsed (an error names the field)."""
    term = str(data.get("term", "")).strip()
    if term not in term_fields():
        raise InputError("term", "choose a CTCAE v5.0 term from the list", term)
    req: dict[str, Any] = {"term": term}
    for f in term_fields()[term]:
        raw = str(data.get(PREFIX + f["name"], "")).strip()
        if not raw:
            continue
        if f["kind"] == "boolean":
            if raw not in ("yes", "no"):
                raise InputError(f["name"], "yes or no", raw)
            req[f["name"]] = raw == "yes"
        elif f["kind"] == "integer" or (f["kind"] == "choice" and all(
                isinstance(c, int) for c in f["choices"])):
            try:
                req[f["name"]] = int(raw)
            except ValueError:
                raise InputError(f["name"], "a whole number", raw) from None
        else:
            req[f["name"]] = raw
    return req


def preview(data: QueryDict | dict[str, str]) -> dict[str, Any]:
    """The grade of the typed values (``grade`` operation; nothing is written): the decision
    as JSON, or the error naming the field."""
    from hdil2 import app
    from hdil2.registry.services._common import as_json

    try:
        req = grade_request(data)
        decision = app.run("grade", req)
    except InputError as e:
        return {"error": _err_text(e), "field": str(e.field or ""),
                "label": str(e.field or "").replace("_", " ")}
    answer = as_json(decision.to_dict())
    return {"decision": answer, "value": answer.get("value"),
            "graded": isinstance(answer.get("value"), int)}


TOXICITY_FORM = ("term", "onset_at", "tz", "course", "attribution", "serious", "grade",
                 "override_reason")


def _toxicity_context(patient: Any, values: dict[str, str], errors: dict[str, str],
                      shown: dict[str, Any] | None) -> dict[str, Any]:
    term = values.get("term", "")
    listing = term_listing()
    terms = sorted(listing.values(), key=lambda t: (t["method"] != "computed", t["name"]))
    return {
        "nav": "patients", "patient": patient, "values": values, "errors": errors,
        "terms": terms, "term": listing.get(term), "fields": _term_form(term, values, errors),
        "courses": _courses(patient), "attributions": ATTRIBUTIONS, "preview": shown,
        "grade_options": _grade_choices(term, "grade", list(range(0, 6))) if term else [],
    }


@requires("record")
@get_or_post
def toxicity_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a toxicity (POST; ``action=preview`` only computes the grade) or show the form
    (GET; ``?term=`` picks the term)."""
    from hdil2.registry import services
    from hdil2.registry.errors import RegistryError
    from hdil2.registry.models import Patient

    patient = get_object_or_404(Patient, pk=pk)
    tz = patient_zone(patient)
    course = ongoing_course(patient)
    values = {"term": request.GET.get("term", ""), "onset_at": now_local(tz), "tz": tz,
              "course": str(course.pk) if course is not None else "", "attribution": "",
              "serious": "", "grade": "", "override_reason": ""}
    if values["term"] and values["term"] not in term_fields():
        values["term"] = ""
    errors: dict[str, str] = {}
    shown = None
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in TOXICITY_FORM}
        values.update({k: v for k, v in request.POST.items() if k.startswith(PREFIX)})
        shown = preview(request.POST)
        if request.POST.get("action") != "preview":
            known = {*TOXICITY_FORM, *(PREFIX + f["name"]
                                       for f in term_fields().get(values["term"], []))}
            try:
                req = grade_request(request.POST)
                onset = ward_time(values["onset_at"], values["tz"], "onset_at")
                grade: int | None = None
                if values["grade"].strip():
                    try:
                        grade = int(values["grade"])
                    except ValueError:
                        raise InputError("grade", "a CTCAE grade 0-5", values["grade"]) \
                            from None
                out = services.record_toxicity(
                    patient.pk, by=request.user, request=req, onset_at=onset, grade=grade,
                    override_reason=values["override_reason"].strip() or None,
                    course_id=_course_id(values["course"], patient),
                    attribution=values["attribution"], serious=values["serious"] == "1")
            except (InputError, RegistryError) as e:
                mapping = {**SERVICE_FIELDS, **{f["name"]: PREFIX + f["name"] for f in
                                                term_fields().get(values["term"], [])}}
                name = form_field(e, known, mapping) or "form"
                errors[name] = _err_text(e)
                status = 400
            else:
                tox = out.rows[0]
                grade_word = "not graded" if tox.grade is None else f"grade {tox.grade}"
                messages.success(request, f"Recorded {tox.term}, {grade_word}, onset "
                                 f"{values['onset_at']} {values['tz']}.")
                return redirect("patient", pk=patient.pk)
    return render(request, "web/entry_toxicity.html",
                  _toxicity_context(patient, values, errors, shown), status=status)


@requires("record")
@only_post
def grade_preview(request: HttpRequest) -> HttpResponse:
    """The grade of the values typed so far (an htmx fragment); never writes."""
    return render(request, "web/entry_grade_preview.html", {"preview": preview(request.POST)})


#: how the grade request's field names read on the form (abbreviations as the CTCAE writes them)
FIELD_LABELS = {"uln": "ULN (upper limit of normal)", "lln": "LLN (lower limit of normal)"}


def _field_label(name: str) -> str:
    """The form label of a field of the grade request."""
    return FIELD_LABELS.get(name, name.replace("_", " "))


urlpatterns = [
    path("patients/<int:pk>/observations/new/", observation_new, name="observation-new"),
    path("patients/<int:pk>/toxicities/new/", toxicity_new, name="toxicity-new"),
    path("grade/preview/", grade_preview, name="grade-preview"),
]
