"""The scans pages: each visit's lesion table, a new scan with its lesion table, the response
of each visit and the best overall response with their reasons, a response recorded in place
of the computed one (with a reason), and the spider and waterfall figures.

Writes need the ``plan`` capability and are POSTs (redirect after post); pages that only show
need ``read``. The figures are SVG files drawn by :mod:`hdil2.report.figures.tumour` from the
latest stored assessment (the change of the target burden from baseline that the criteria
computed), shown as ``<img>``. The assessment applies the server's site profile
(``HDIL2_SITE``: its ``assess`` policy overrides); one that cannot be read is a refusal naming
``HDIL2_SITE``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from hdil2.core.errors import InputError
from hdil2.registry.errors import StaleEdit
from hdil2.web.roles import requires
from hdil2.web.site import site_profile
from hdil2.web.views.plan import _patient, allow, conflict_of, errors_of

#: blank lesion rows of a new scan's form (more are added one by one with htmx)
BLANK_ROWS = 5
MAX_ROWS = 60
ROW_FIELDS = ("lesion", "kind", "organ", "nodal", "status", "longest_mm", "short_axis_mm",
              "perpendicular_mm")
NUMBER_FIELDS = ("longest_mm", "short_axis_mm", "perpendicular_mm")
KINDS = ("target", "non-target", "new")
STATUSES = ("present", "absent", "not_evaluated", "unequivocal_progression", "too_small")
CRITERIA = (("recist1.1", "RECIST 1.1"), ("irecist", "iRECIST"), ("who", "WHO"),
            ("nci", "NCI bidimensional (Lee et al. 2000)"))


def _visits(patient: Any) -> list[dict[str, Any]]:
    from hdil2.registry.models import Measurement, Scan

    scans = list(Scan.objects.active().filter(patient=patient).order_by("scanned_on", "pk"))
    rows = (Measurement.objects.active().filter(scan__in=scans).select_related("lesion")
            .order_by("lesion__lesion_id"))
    by_scan: dict[int, list[Any]] = {}
    for m in rows:
        by_scan.setdefault(m.scan_id, []).append(m)
    return [{"scan": s, "measurements": by_scan.get(s.pk, [])} for s in scans]


@requires("read")
@allow("GET")
def scans(request: HttpRequest, pk: int) -> HttpResponse:
    """Each visit's lesion table: lesion, site, kind, longest diameter or short axis (nodes)
    in mm, status."""
    patient = _patient(pk)
    return render(request, "web/scans.html", {"patient": patient, "visits": _visits(patient),
                                              "nav": "patients"})


def _row(i: int, values: dict[str, str] | None = None,
         errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {"i": i, "v": values or {}, "e": errors or {}}


def _form_context(patient: Any, values: dict[str, str], rows: list[dict[str, Any]],
                  errors: dict[str, str]) -> dict[str, Any]:
    from hdil2.registry.models import Course, Lesion, Scan
    from hdil2.registry.models.imaging import MODALITIES

    has_baseline = Scan.objects.active().filter(patient=patient, baseline=True).exists()
    return {"patient": patient, "values": values, "rows": rows, "errors": errors,
            "kinds": KINDS, "statuses": STATUSES, "modalities": [m for m, _ in MODALITIES],
            "courses": Course.objects.active().filter(patient=patient).order_by("number"),
            "lesions": Lesion.objects.active().filter(patient=patient).order_by("lesion_id"),
            "has_baseline": has_baseline, "next_row": len(rows), "nav": "patients"}


def _number(raw: str, field: str) -> Decimal | None:
    if raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InputError(field, "a number of millimetres, e.g. 42 or 12.5", raw) from None
    if not value.is_finite() or value < 0:
        raise InputError(field, "a diameter in mm, 0 or more", raw)
    return value


def _measurements(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """The use case's measurements of the filled rows, and the form row of each."""
    out: list[dict[str, Any]] = []
    where: list[int] = []
    for r in rows:
        v = r["v"]
        if not any(v.get(k) for k in ROW_FIELDS if k != "status" and k != "nodal"):
            continue
        m: dict[str, Any] = {"lesion": v.get("lesion", "")}
        if v.get("kind"):
            m["kind"] = v["kind"]
            m["organ"] = v.get("organ", "")
            m["nodal"] = v.get("nodal") == "on"
        if v.get("status"):
            m["status"] = v["status"]
        for k in NUMBER_FIELDS:
            try:
                n = _number(v.get(k, ""), k)
            except InputError as e:
                r["e"][k] = e.message
                continue
            if n is not None:
                m[k] = n
        out.append(m)
        where.append(r["i"])
    return out, where


def _rows_of(data: Any) -> list[dict[str, Any]]:
    idx = sorted({int(k.split("-")[1]) for k in data
                  if k.startswith("m-") and k.count("-") >= 2 and k.split("-")[1].isdigit()})
    return [_row(i, {f: data.get(f"m-{i}-{f}", "").strip() for f in ROW_FIELDS})
            for i in idx[:MAX_ROWS]]


@requires("plan")
@allow("GET", "POST")
def scan_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a scan with its lesion table (:func:`~hdil2.registry.services.record_scan`)."""
    from hdil2.registry import services

    patient = _patient(pk)
    values = {"scanned_on": "", "modality": "ct", "label": "", "baseline": "", "course": ""}
    rows = [_row(i) for i in range(BLANK_ROWS)]
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        rows = _rows_of(request.POST) or rows
        measurements, where = _measurements(rows)
        bad = [r for r in rows if r["e"]]
        if bad:
            errors = {f"row {r['i'] + 1} {k}": m for r in bad for k, m in r["e"].items()}
        else:
            try:
                course_id = int(values["course"]) if values["course"] else None
                services.record_scan(patient.pk, by=request.user,
                                     scanned_on=values["scanned_on"] or None,
                                     modality=values["modality"], label=values["label"],
                                     baseline=values["baseline"] == "on",
                                     course_id=course_id, measurements=measurements)
            except InputError as e:
                errors = errors_of(e)
                for field, message in list(errors.items()):
                    if field.startswith("measurements[") and "]" in field:
                        n = int(field[len("measurements["):field.index("]")])
                        key = field[field.index("]") + 2:] or "lesion"
                        form_row = where[n] if n < len(where) else None
                        for r in rows:
                            if r["i"] == form_row:
                                r["e"][key] = message
            else:
                messages.success(request, f"Scan of {values['scanned_on']} recorded "
                                 f"({len(measurements)} lesions).")
                return redirect("scans", pk=patient.pk)
    return render(request, "web/scan_new.html", _form_context(patient, values, rows, errors),
                  status=400 if errors else 200)


@requires("plan")
@allow("GET")
def scan_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One more blank lesion row for the new-scan form (htmx), and the next add button."""
    _patient(pk)
    try:
        i = int(request.GET.get("i", ""))
    except ValueError:
        raise Http404("row number") from None
    if not 0 <= i < MAX_ROWS:
        raise Http404("row number")
    return render(request, "web/scan_row.html", {
        "r": _row(i), "kinds": KINDS, "statuses": STATUSES, "next_row": i + 1,
        "patient_pk": pk, "oob": True, "max_rows": MAX_ROWS})


# -- response ----------------------------------------------------------------------------------

def _latest(patient: Any, criteria: str | None) -> tuple[Any, list[Any]]:
    """The latest assessment's advice (of ``criteria``, or any) and its rows."""
    from hdil2.registry.models import ResponseAssessment

    qs = ResponseAssessment.objects.active().filter(patient=patient, advice__isnull=False)
    if criteria:
        qs = qs.filter(criteria=criteria)
    last = qs.order_by("-advice_id").first()
    if last is None:
        return None, []
    rows = list(qs.filter(advice_id=last.advice_id).select_related("scan", "advice")
                .order_by("kind", "assessed_on", "pk"))
    return last.advice, rows


def _response_context(patient: Any, criteria: str | None) -> dict[str, Any]:
    from hdil2.registry.services.imaging import response_values

    advice, rows = _latest(patient, criteria)
    answer = advice.answer if advice is not None else {}
    visits = [r for r in rows if r.kind == "visit"]
    shown = []
    for i, r in enumerate(visits):
        tp = answer.get("visits", [])[i] if i < len(answer.get("visits", [])) else {}
        shown.append({"row": r, "tp": tp})
    best = next((r for r in rows if r.kind == "best"), None)
    used = advice.request.get("criteria") if advice is not None else criteria
    return {"patient": patient, "advice": advice, "answer": answer, "visits": shown,
            "best": best, "criteria_used": used, "criteria": CRITERIA,
            "responses": response_values(used) if used else (), "nav": "patients"}


@requires("read")
@allow("GET")
def response(request: HttpRequest, pk: int) -> HttpResponse:
    """The response of each visit and the best overall response with their reasons (the
    latest assessment), the figures, and the recorded response beside the computed one."""
    patient = _patient(pk)
    criteria = request.GET.get("criteria") or None
    if criteria is not None and criteria not in dict(CRITERIA):
        criteria = None
    return render(request, "web/response.html", {**_response_context(patient, criteria),
                                                 "errors": {}, "values": {}})


@requires("plan")
@allow("POST")
def response_assess(request: HttpRequest, pk: int) -> HttpResponse:
    """Assess the response from the stored scans
    (:func:`~hdil2.registry.services.assess_response`)."""
    from hdil2.registry import services

    patient = _patient(pk)
    values = {k: request.POST.get(k, "").strip() for k in ("criteria", "start_date")}
    try:
        services.assess_response(patient.pk, by=request.user, criteria=values["criteria"],
                                 start_date=values["start_date"] or None,
                                 site=site_profile())
    except InputError as e:
        ctx = _response_context(patient, None)
        return render(request, "web/response.html", {**ctx, "errors": errors_of(e),
                                                     "values": values}, status=400)
    return redirect(f"/patients/{patient.pk}/response/?criteria={values['criteria']}")


@requires("plan")
@allow("POST")
def response_override(request: HttpRequest, pk: int, assessment: int) -> HttpResponse:
    """Record a response other than the computed one, with a reason
    (:func:`~hdil2.registry.services.override_response`)."""
    from hdil2.registry import services
    from hdil2.registry.models import ResponseAssessment

    patient = _patient(pk)
    row = ResponseAssessment.objects.active().filter(pk=assessment, patient=patient).first()
    if row is None:
        raise Http404("assessment")
    values = {k: request.POST.get(k, "") for k in ("response", "override_reason", "version")}
    values["assessment"] = str(assessment)
    ctx = _response_context(patient, row.criteria)
    try:
        version = int(values["version"])
        services.override_response(row.pk, version, by=request.user,
                                   response=values["response"],
                                   override_reason=values["override_reason"])
    except StaleEdit as e:
        return render(request, "web/response.html", {**ctx, "errors": {}, "values": values,
                                                     "conflict": conflict_of(e)}, status=409)
    except ValueError as e:  # InputError is a ValueError; int() of a bad version too
        errs = errors_of(e) if isinstance(e, InputError) else {"version": "reload the page"}
        return render(request, "web/response.html", {**ctx, "errors": errs, "values": values},
                      status=400)
    messages.success(request, f"Response recorded: {values['response']}.")
    return redirect(f"/patients/{patient.pk}/response/?criteria={row.criteria}")


def figure_svg(patient: Any, which: str) -> str:
    """The SVG of the patient's ``spider`` or ``waterfall`` figure from the latest stored
    assessment (an :class:`InputError` naming ``patient`` when there is nothing to draw)."""
    from hdil2.report import style
    from hdil2.report.data import RESPONSES
    from hdil2.report.figures import tumour

    advice, rows = _latest(patient, None)
    if advice is None:
        raise InputError("patient", "no response assessment to draw")
    answer = advice.answer
    criteria = advice.request["criteria"]
    best = next((r.response for r in rows if r.kind == "best"), None)
    colour = best if best in RESPONSES else None
    code = patient.registry_id
    changes = [(v["day"], v["index"], v["change_from_baseline_pct"])
               for v in answer.get("visits", []) if v.get("change_from_baseline_pct") is not None]
    if not changes:
        raise InputError("patient", "no visit with a change from baseline to draw")
    if which == "waterfall":
        fig = tumour.waterfall_figure([code], [float(min(c for _, _, c in changes))], [colour],
                                      criteria=criteria)
    else:
        import datetime as dt

        import pandas as pd

        start = advice.request["start_date"]
        base_day = (dt.date.fromisoformat(advice.request["visits"][0]["date"])
                    - dt.date.fromisoformat(start)).days
        df = pd.DataFrame({"patient": [code] * (len(changes) + 1),
                           "day": [base_day] + [d for d, _, _ in changes],
                           "visit": [0] + [i for _, i, _ in changes],
                           "change_pct": [0.0] + [float(c) for _, _, c in changes],
                           "criteria": [criteria] * (len(changes) + 1)})
        fig = tumour.spider_figure(df, best_response={code: colour}, criteria=criteria)
    return style.svg(fig)


@requires("read")
@allow("GET")
def response_figure(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    """``spider.svg`` or ``waterfall.svg`` of the patient's latest assessment."""
    if which not in ("spider", "waterfall"):
        raise Http404("figure")
    patient = _patient(pk)
    try:
        svg = figure_svg(patient, which)
    except InputError as e:
        raise Http404(e.message) from None
    return HttpResponse(svg, content_type="image/svg+xml")


urlpatterns = [
    path("patients/<int:pk>/scans/", scans, name="scans"),
    path("patients/<int:pk>/scans/new/", scan_new, name="scan-new"),
    path("patients/<int:pk>/scans/row/", scan_row, name="scan-row"),
    path("patients/<int:pk>/response/", response, name="response"),
    path("patients/<int:pk>/response/assess/", response_assess, name="response-assess"),
    path("patients/<int:pk>/response/<int:assessment>/override/", response_override,
         name="response-override"),
    path("patients/<int:pk>/figures/<str:which>.svg", response_figure, name="response-figure"),
]
