"""The course pages: the dose calendar, the advice for the pending slot, recording a dose or a
hold, and the printable medication administration record (MAR).

* ``/courses/<id>/`` (``course``, read): the course header (regimen, dose per administration
  in IU and mg, vials, the weight the dose is based on) and every slot of the calendar - its
  number, cycle and day, scheduled time in the ward's zone with its daylight-saving flag, and
  what happened (given / held / pending, by whom, when, why, any departure from the advice).
  For the pending slot: the advice shown for it with its reasons, "Get advice" and the form
  that records it.
* ``/courses/<id>/advise`` (``course-advise``, record, POST): asks ``advise_next_dose`` with
  the bedside findings that are not measurements (the observations come from the registry)
  and the server's site profile (``HDIL2_SITE``: its hold rule sets beside the label, its
  policies), as the API's rules routes apply it; the advice is stored and linked to the slot.
  A site profile that cannot be read is shown as an error naming ``HDIL2_SITE``.
* ``/slots/<id>/record`` (``slot-record``, record, POST): ``record_dose`` - given (time, dose
  in IU, vials) or held (reason, prefilled with the rules of the advice). A departure from the
  advice is refused until ``departure_reason`` is given; a stale copy (someone recorded the slot
  meanwhile) shows a conflict box and writes nothing. Everything typed is kept.
* ``/courses/<id>/mar/`` (``course-mar``, read): the medication administration record, with a
  print stylesheet.
* ``/courses/<id>/discharge`` (``course-discharge``, record, POST): ``record_discharge`` - the
  hospital discharge after the course, the date the label's rest of at least 7 weeks before
  another course counts from (``proleukin-label``). Recorded by the nurse (capability
  ``record``), as the ward records the doses; offered once a dose is given or held and until a
  discharge is recorded. Pending slots are recorded not given only when the form confirms it.
  After it, the page links to the patient's next-course advice.

The forms work without JavaScript (POST, then redirect); with htmx the live region of the page
(calendar and slot panel) is swapped in place.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hdil2.web.roles import requires
from hdil2.web.site import site_profile

F = TypeVar("F", bound=Callable[..., Any])


def only(method: str) -> Callable[[F], F]:
    """Allow one HTTP method (405 for any other): Django's ``require_http_methods``, typed."""
    return cast("Callable[[F], F]", require_http_methods([method]))


#: bedside findings measured as numbers that the forms do ask for: counters the ward knows
#: at the bedside ("0 if none"); every other number is an observation recorded with its unit
BEDSIDE_COUNTS = ("intubated_hours", "dialysis_hours", "coma_or_toxic_psychosis_hours",
                  "oliguria_hours", "shifts_with_diarrhea_1000ml")


@dataclass
class Finding:
    """One bedside finding of the next-dose request, as a form field."""

    name: str
    label: str
    kind: str  # "bool", "choice" or "count"
    choices: tuple[str, ...] = ()
    label_needs: bool = False
    value: str = ""
    error: str = ""


@functools.cache
def _finding_specs() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(name, label, kind, choices) of every bedside finding of the next-dose observations
    (yes/no findings, findings with named grades, and the counters of :data:`BEDSIDE_COUNTS`)."""
    from hdil2.clinical.toxicity.holds.observations import DoseObservations

    props = DoseObservations.model_json_schema()["properties"]
    out = []
    for name, spec in props.items():
        options = spec.get("anyOf", [spec])
        types = {o.get("type") for o in options}
        enum = next((tuple(o["enum"]) for o in options if o.get("enum")), ())
        label = spec.get("description") or name.replace("_", " ")
        if enum:
            out.append((name, label, "choice", enum))
        elif types <= {"boolean", "null"}:
            out.append((name, label, "bool", ()))
        elif name in BEDSIDE_COUNTS:
            out.append((name, label, "count", ()))
    return tuple(out)


@functools.cache
def _label_needs() -> frozenset[str]:
    """The findings the label's hold rules need (those missing from an empty request)."""
    from hdil2 import app

    d = app.run("next-dose", {"regimen": "hd-il2-600k", "first_dose": "2026-01-05T08:00",
                              "tz": "Europe/London", "observations": {}})
    return frozenset(d.details.get("missing") or ())


def findings(values: dict[str, str] | None = None,
             errors: dict[str, str] | None = None) -> list[Finding]:
    """The bedside findings as form fields (the label's first), with the values typed."""
    vals, errs, needs = values or {}, errors or {}, _label_needs()
    rows = [Finding(n, lab, kind, ch, n in needs, vals.get(n, ""), errs.get(f"bedside.{n}", ""))
            for n, lab, kind, ch in _finding_specs()]
    return sorted(rows, key=lambda f: not f.label_needs)


def bedside_from(post: Any) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The bedside findings posted (``bedside.<name>``; empty = not stated), the raw values,
    and errors by field."""
    out: dict[str, Any] = {}
    raw: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, _label, kind, choices in _finding_specs():
        text = str(post.get(f"bedside.{name}", "")).strip()
        raw[name] = text
        if not text:
            continue
        if kind == "bool":
            if text not in ("yes", "no"):
                errors[f"bedside.{name}"] = "yes, no, or not stated"
                continue
            out[name] = text == "yes"
        elif kind == "choice":
            if text not in choices:
                errors[f"bedside.{name}"] = "one of " + ", ".join(choices)
                continue
            out[name] = text
        else:
            out[name] = text  # a number, checked by the next-dose request
    return out, raw, errors


FLAG_WORDS = {"dst_interval": "daylight-saving change: {} since the previous dose",
              "ambiguous_local_time": "daylight-saving change: local time {} occurs twice "
                                      "({})",
              "nonexistent_local_time": "daylight-saving change: local time {} does not exist "
                                        "(given at {})"}


def flag_text(flag: str) -> str:
    """Words for a calendar flag (``dst_interval_9h`` -> daylight-saving change: 9 h ...)."""
    if flag.startswith("dst_interval_"):
        hours = flag.removeprefix("dst_interval_").removesuffix("h")
        return FLAG_WORDS["dst_interval"].format(f"{hours} h")
    head, _, rest = flag.partition(":")
    if head == "ambiguous_local_time":
        time, _, which = rest.rpartition(":")
        return FLAG_WORDS[head].format(time, which.replace("_", " "))
    if head == "nonexistent_local_time":
        wall, _, moved = rest.partition("->")
        return FLAG_WORDS[head].format(wall, moved)
    return flag.replace("_", " ")


def is_dst_flag(flag: str) -> bool:
    return flag.startswith(("dst_interval_", "ambiguous_local_time", "nonexistent_local_time"))


def calendar_slots(course: Any) -> dict[int, dict[str, Any]]:
    """Slot index in the course (1...) -> the stored calendar's slot (flags, day, ...)."""
    answer = course.calendar_advice.answer if course.calendar_advice_id else {}
    return {int(s["index"]): s for s in answer.get("slots", [])}


def dose_header(course: Any) -> dict[str, Any]:
    """Regimen, dose per administration (IU, mg), vials and weight, from the dose advice."""
    answer = course.advice.answer if course.advice_id else {}
    comp = (answer.get("components") or [{}])[0]
    prep = comp.get("preparation") or {}
    return {"regimen_name": answer.get("regimen_name") or course.regimen,
            "written": comp.get("written", ""), "dose_iu": course.planned_dose_iu,
            "dose_text": iu(course.planned_dose_iu), "dose_mg": comp.get("dose_mg"),
            "vials": prep.get("vials"),
            "weight_kg": answer.get("basis_weight_kg"),
            "weight_basis": answer.get("weight_basis", ""),
            "actual_weight_kg": answer.get("actual_weight_kg")}


def iu(value: Any) -> str:
    """``42,000,000 IU`` (empty for none)."""
    return "" if value is None else f"{int(value):,} IU"


def overdue_text(late: dt.timedelta) -> str:
    """``1 h 20 min`` (whole minutes)."""
    minutes = int(late.total_seconds() // 60)
    h, m = divmod(minutes, 60)
    return f"{h} h {m} min" if h else f"{m} min"


#: a slot is overdue when its scheduled time passed more than this long ago without a record
OVERDUE_AFTER = dt.timedelta(minutes=60)


@dataclass
class SlotRow:
    """One slot of the calendar as the pages show it."""

    slot: Any
    index: int
    flags: list[str]
    flag_words: list[str] = field(default_factory=list)
    dst: bool = False
    overdue: str = ""
    day: int | None = None

    @property
    def dose_text(self) -> str:
        return iu(self.slot.dose_iu)


def slot_rows(course: Any, now: dt.datetime | None = None) -> list[SlotRow]:
    """Every active slot of the course, in calendar order, with its flags and overdue text."""
    from hdil2.registry.services.treatment import course_slots

    now = now or timezone.now()
    cal = calendar_slots(course)
    rows = []
    for i, s in enumerate(course_slots(course), start=1):
        fl = list(cal.get(i, {}).get("flags") or [])
        late = now - s.scheduled_at
        rows.append(SlotRow(s, i, fl, [flag_text(f) for f in fl], any(map(is_dst_flag, fl)),
                            overdue_text(late) if s.status == "scheduled"
                            and late > OVERDUE_AFTER else "", cal.get(i, {}).get("day")))
    return rows


def _course(pk: int) -> Any:
    from hdil2.registry.models import Course

    return get_object_or_404(Course.objects.active().select_related(
        "patient", "advice", "calendar_advice"), pk=pk)


def _local_now(tz: str) -> str:
    return timezone.now().astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def ward_time(text: str, tz: str, name: str) -> dt.datetime:
    """A time typed in the ward's zone (``2026-11-01T08:05``, or with its UTC offset) as an
    aware datetime; a wall-clock time that does not exist or occurs twice in the zone (a
    daylight-saving change) is refused: give the UTC offset."""
    from hdil2.core.errors import InputError

    text = text.strip()
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(name, "a date and time in the ward's zone, e.g. 2026-04-07T08:05",
                         text) from None
    if value.tzinfo is not None:
        return value
    zone = ZoneInfo(tz)
    first, second = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise InputError(name, f"{text} occurs twice or not at all in {tz} (daylight-saving "
                         "change): add the UTC offset, e.g. " + first.isoformat(timespec="minutes"),
                         text)
    return first


def _hold_reason(advice: Any) -> str:
    if advice is None or advice.value == "give":
        return ""
    return ", ".join(c["rule"] for c in advice.answer.get("checks", [])
                     if c.get("result") == "fired")


def _entry_defaults(course: Any, pending: Any, header: dict[str, Any]) -> dict[str, str]:
    advice = pending.advice if pending is not None else None
    return {"status": "", "given_at": _local_now(course.ward_tz),
            "dose_iu": str(course.planned_dose_iu or ""),
            "vials": "" if header.get("vials") is None else str(header["vials"]),
            "reason": _hold_reason(advice), "departure_reason": ""}


def live_context(request: HttpRequest, course: Any, *, entry: dict[str, str] | None = None,
                 errors: dict[str, str] | None = None, bedside: dict[str, str] | None = None,
                 conflict: dict[str, Any] | None = None, done: str = "",
                 discharge: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the live region of the course page shows (calendar, pending slot panel,
    discharge)."""
    rows = slot_rows(course)
    pending = next((r for r in rows if r.slot.status == "scheduled"), None)
    header = dose_header(course)
    errs = errors or {}
    values = {**_entry_defaults(course, pending.slot if pending else None, header),
              **(entry or {})}
    return {"course": course, "patient": course.patient, "rows": rows, "pending": pending,
            "header": header, "entry": values, "errors": errs,
            "bedside_open": any(k.startswith("bedside.") or k == "course_id" for k in errs),
            "other_errors": {k: v for k, v in errs.items() if k not in FORM_FIELDS
                             and not k.startswith("bedside.")},
            "show_departure": bool(errs.get("departure_reason") or values["departure_reason"]),
            "findings": findings(bedside, errs), "conflict": conflict, "done": done,
            "advice": pending.slot.advice.answer if pending and pending.slot.advice else None,
            "advice_row": pending.slot.advice if pending else None,
            "open": course.status in ("planned", "ongoing"),
            "discharge": discharge_context(course, rows, **(discharge or {}))}


#: the fields of the discharge form
DISCHARGE_FIELDS = ("discharged_on", "close_pending", "version")


def discharge_context(course: Any, rows: list[SlotRow], *, entry: dict[str, str] | None = None,
                      errors: dict[str, str] | None = None,
                      conflict: dict[str, Any] | None = None) -> dict[str, Any]:
    """The discharge panel: offered once a dose is given or held and until a discharge is
    recorded; the pending slots the form would record not given; the values typed."""
    pending = [r for r in rows if r.slot.status == "scheduled"]
    values = {"discharged_on": timezone.now().astimezone(ZoneInfo(course.ward_tz)).date()
              .isoformat(), "close_pending": "", "version": str(course.version),
              **(entry or {})}
    errs = errors or {}
    return {"offered": any(r.slot.status in ("given", "held") for r in rows),
            "pending": len(pending), "first_pending": pending[0] if pending else None,
            "ask_close": bool(pending) and course.status in ("planned", "ongoing"),
            "entry": values, "errors": errs, "conflict": conflict,
            "other_errors": {k: v for k, v in errs.items()
                             if k not in ("discharged_on", "close_pending")}}


@requires("read")
@only("GET")
def course(request: HttpRequest, pk: int) -> HttpResponse:
    """The dose calendar of a course and the pending slot's advice and record form."""
    c = _course(pk)
    return render(request, "web/course.html", {**live_context(request, c), "nav": "patients"})


def _respond(request: HttpRequest, c: Any, ctx: dict[str, Any], status: int) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, "web/course_live.html", ctx)  # htmx swaps 200 only
    return render(request, "web/course.html", {**ctx, "nav": "patients"}, status=status)


@requires("record")
@only("POST")
def course_advise(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the next-dose advice for the pending slot with the bedside findings (stored)."""
    from hdil2.core.errors import InputError, InputErrors
    from hdil2.registry import services

    c = _course(pk)
    given, raw, errors = bedside_from(request.POST)
    if not errors:
        try:
            services.advise_next_dose(c.pk, by=request.user, bedside=given,
                                      site=site_profile())
        except InputErrors as e:
            errors = {_bedside_field(x.field): x.message for x in e.errors}
        except InputError as e:
            errors = {_bedside_field(e.field): e.message}
    if errors:
        ctx = live_context(request, c, bedside=raw, errors=errors)
        return _respond(request, c, ctx, 400)
    if request.headers.get("HX-Request"):
        c.refresh_from_db()
        return render(request, "web/course_live.html",
                      live_context(request, c, done="Advice stored for the pending slot."))
    return redirect(reverse("course", args=[c.pk]) + "#pending")


def _bedside_field(name: str) -> str:
    """The form field of an error of the next-dose request (``observations.x`` is a bedside
    finding ``bedside.x`` of this form)."""
    return "bedside." + name.removeprefix("observations.") if name.startswith(
        "observations.") else name


#: the fields the record form shows its errors beside
FORM_FIELDS = ("status", "given_at", "dose_iu", "vials", "reason", "departure_reason", "version",
               "course_id")
ENTRY_FIELDS = ("status", "given_at", "dose_iu", "vials", "reason", "departure_reason",
                "version")


@requires("record")
@only("POST")
def slot_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the slot given or held (``record_dose``); refusals come back on the form."""
    from hdil2.core.errors import InputError, InputErrors
    from hdil2.registry import services
    from hdil2.registry.errors import StaleEdit
    from hdil2.registry.models import DoseSlot

    slot = get_object_or_404(DoseSlot.objects.active().select_related("cycle__course"), pk=pk)
    c = _course(slot.cycle.course_id)
    entry = {k: str(request.POST.get(k, "")).strip() for k in ENTRY_FIELDS}
    errors: dict[str, str] = {}
    conflict = None
    try:
        kwargs = _record_args(entry, c.ward_tz)
        services.record_dose(slot.pk, kwargs.pop("version"), by=request.user, **kwargs)
    except StaleEdit as e:
        conflict = _conflict(slot, e, entry, c.ward_tz)
    except InputErrors as e:
        errors = {x.field: x.message for x in e.errors}
    except InputError as e:
        errors = {e.field: e.message}
    if conflict is not None or errors:
        ctx = live_context(request, c, entry=entry, errors=errors, conflict=conflict)
        return _respond(request, c, ctx, 409 if conflict else 400)
    number = f"slot {slot.cycle.number}.{slot.number}"
    if request.headers.get("HX-Request"):
        c.refresh_from_db()
        return render(request, "web/course_live.html", live_context(
            request, c, done=f"Recorded {number} as {entry['status']}."))
    return redirect(reverse("course", args=[c.pk]) + f"#slot-{slot.pk}")


def _record_args(entry: dict[str, str], tz: str) -> dict[str, Any]:
    from hdil2.core.errors import InputError

    try:
        version = int(entry["version"])
    except ValueError:
        raise InputError("version", "the version of the slot as read (reload the page)",
                         entry["version"]) from None
    status = entry["status"]
    if status not in ("given", "held"):
        raise InputError("status", "choose given or held", status)
    out: dict[str, Any] = {"version": version, "status": status,
                           "departure_reason": entry["departure_reason"] or None}
    if status == "held":
        out["reason"] = entry["reason"] or None
        return out
    if not entry["given_at"]:
        raise InputError("given_at", "a given dose needs the time it was given")
    out["given_at"] = ward_time(entry["given_at"], tz, "given_at")
    if not entry["dose_iu"]:
        raise InputError("dose_iu", "a given dose needs its dose in IU")
    out["dose_iu"] = entry["dose_iu"].replace(",", "")
    if entry["vials"]:
        try:
            vials = int(entry["vials"])
        except ValueError:
            raise InputError("vials", "a whole number of vials", entry["vials"]) from None
        if vials < 0:
            raise InputError("vials", "a whole number of vials, 0 or more", entry["vials"])
        out["vials"] = vials
    return out


def _conflict(slot: Any, e: Any, entry: dict[str, str], tz: str) -> dict[str, Any]:
    """What the conflict box shows: who changed the slot, when, to what; the user's entry."""
    from hdil2.registry.models import DoseSlot

    now = DoseSlot._base_manager.select_related("given_by").get(pk=slot.pk)
    when = e.changed_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z") \
        if e.changed_at else "an unknown time"
    who = e.changed_by or "someone"
    label = f"slot {slot.cycle.number}.{slot.number}"
    if now.status != "scheduled":
        what = f"{who} recorded {label} as {now.status}"
        if now.given_at:
            what += " at " + now.given_at.astimezone(ZoneInfo(tz)).strftime("%H:%M %Z")
        what += f" (saved {when})"
    else:
        what = f"{who} changed {label} at {when}"
    changes = [f"{f}: {o} -> {n}" for f, o, n in e.changes if f not in ("version",)]
    yours = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in entry.items()
                      if v and k != "version")
    return {"what": what, "changes": changes, "yours": yours, "current": now}


@requires("record")
@only("POST")
def course_discharge(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the hospital discharge after the course (``record_discharge``); refusals and a
    stale copy come back on the form with the values typed."""
    from hdil2.core.errors import InputError, InputErrors
    from hdil2.registry import services
    from hdil2.registry.errors import StaleEdit

    c = _course(pk)
    entry = {k: str(request.POST.get(k, "")).strip() for k in DISCHARGE_FIELDS}
    errors: dict[str, str] = {}
    conflict = None
    try:
        try:
            version = int(entry["version"])
        except ValueError:
            raise InputError("version", "the version of the course as read (reload the page)",
                             entry["version"]) from None
        services.record_discharge(c.pk, version, by=request.user,
                                  discharged_on=entry["discharged_on"],
                                  close_pending=entry["close_pending"] == "yes")
    except StaleEdit as e:
        conflict = _course_conflict(c, e, entry)
    except InputErrors as e:
        errors = {x.field: x.message for x in e.errors}
    except InputError as e:
        errors = {e.field: e.message}
    if conflict is not None or errors:
        c = _course(pk)
        ctx = live_context(request, c, discharge={"entry": entry, "errors": errors,
                                                  "conflict": conflict})
        return render(request, "web/course.html", {**ctx, "nav": "patients"},
                      status=409 if conflict else 400)
    return redirect(reverse("course", args=[c.pk]) + "#discharge")


def _course_conflict(c: Any, e: Any, entry: dict[str, str]) -> dict[str, Any]:
    """What the discharge conflict box shows: who changed the course, when, what; the entry."""
    when = e.changed_at.astimezone(ZoneInfo(c.ward_tz)).strftime("%Y-%m-%d %H:%M %Z") \
        if e.changed_at else "an unknown time"
    changes = [f"{f.replace('_', ' ')}: {o} -> {n}" for f, o, n in e.changes
               if f not in ("version", "updated_at", "updated_by")]
    yours = f"discharged on {entry['discharged_on'] or '(empty)'}" + (
        "; pending slots recorded not given" if entry["close_pending"] == "yes" else "")
    return {"what": f"{e.changed_by or 'someone'} changed course {c.number} at {when}",
            "changes": changes, "yours": yours}


@requires("read")
@only("GET")
def course_mar(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable medication administration record of a course."""
    c = _course(pk)
    return render(request, "web/mar.html", {
        "course": c, "patient": c.patient, "rows": slot_rows(c), "header": dose_header(c),
        "printed": timezone.now()})


urlpatterns = [
    path("courses/<int:pk>/", course, name="course"),
    path("courses/<int:pk>/advise", course_advise, name="course-advise"),
    path("courses/<int:pk>/mar/", course_mar, name="course-mar"),
    path("courses/<int:pk>/discharge", course_discharge, name="course-discharge"),
    path("slots/<int:pk>/record", slot_record, name="slot-record"),
]
