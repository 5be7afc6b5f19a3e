"""Use cases of treatment: plan a course (dose and calendar), advise the next dose, record a
dose given or held, record an observation.

Each use case runs in one transaction: on any error nothing is written, no advice either.

* :func:`plan_course` asks ``dose`` (the dose per administration for the patient's weight) and
  ``calendar`` (every 8-hourly slot in the ward's time zone), and writes the course, its cycles
  and its scheduled dose slots, with both answers stored as advice.
* :func:`advise_next_dose` builds the ``next-dose`` request from the database - the course's
  regimen, first dose and ward zone, every slot recorded so far (given, or held with the rules
  that held it) and the patient's latest observations since the last recorded slot - asks
  it, stores the advice and links it to the slot it is for.
* :func:`preview_next_dose` gives the same advice without writing anything (for a page
  that only shows it).
* :func:`record_dose` records that slot given or held. An action that departs from the advice
  shown for the slot is refused without ``departure_reason``: given against "hold" or a stop,
  held against "give", anything against "not evaluable"; so is a dose that is not the planned
  dose. The reason is kept on the slot and in its audit history.
* :func:`record_observation` writes a laboratory result or a vital sign with its unit and
  reference limits.

The use cases that ask an operation a site profile affects take the site's
:class:`~hdil2.app.profile.SiteProfile` (``site``) as the CLI and the JSON API's rules routes
apply it: it fills what the request leaves out (the institutional hold rule sets applied beside
the label, the site's policy overrides), and the advice stores the FILLED request, so an audit
shows the rule sets and policies that were in force. Without a profile, the request models'
defaults apply (``next-dose``: the label's rules only).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from hdil2.core.errors import InputError
from hdil2.registry.services._common import (
    Outcome,
    aware,
    check_version,
    decimal_text,
    filled,
    get_row,
    reason_text,
    run,
    save_new,
    store_advice,
    ward_date,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hdil2.app.profile import SiteProfile

#: observation codes of the registry -> the field of the next-dose observations they fill
#: (a code that is itself a field name of those observations fills that field)
OBSERVATION_FIELDS: dict[str, str] = {
    "sbp": "sbp_mmhg",
    "spo2": "spo2_pct",
    "heart_rate": "heart_rate_bpm",
    "urine_output": "urine_ml_per_h",
}
#: next-dose fields that are quantities with a unit (sent as "value unit")
QUANTITY_FIELDS = ("creatinine", "bilirubin", "platelets", "bicarbonate")
#: a decision of the next-dose advice -> the actions that follow it without a departure reason
FOLLOWS_ADVICE: dict[str, tuple[str, ...]] = {
    "give": ("given",),
    "hold": ("held",),
    "stop_cycle": ("held",),
    "stop_course": ("held",),
    "stop_permanently": ("held",),
    "not_evaluable": (),
    "course_complete": (),
}


def _q8h(key: str) -> None:
    from hdil2.clinical.treatment.regimens import Q8hSchedule, regimen

    r = regimen(key)
    if not isinstance(r.schedule, Q8hSchedule) or len(r.components) != 1:
        raise InputError("regimen", f"{key} is not an 8-hourly IL-2-only regimen: the registry "
                         "plans and advises 8-hourly HD IL-2 courses only", key)


def plan_course(patient_id: int, *, by: Any, regimen: str, first_dose: str, ward_tz: str,
                weight: Any, height: Any = None, sex: str | None = None,
                intent: str = "metastatic", policies: dict[str, Any] | None = None,
                site: SiteProfile | None = None) -> Outcome:
    """Plan the patient's next course: its dose (``dose``) and its 8-hourly calendar
    (``calendar``, ``first_dose`` in the ward's wall-clock time, e.g. ``2025-03-03T08:00``).

    ``site``: the site profile whose ``dose`` and ``calendar`` policy overrides apply under
    ``policies`` (given overrides win); the stored requests are the filled ones.

    Writes the course (numbered after the patient's last), its cycles and every dose slot as
    scheduled; stores the dose advice (``Course.advice``) and the calendar
    (``Course.calendar_advice``). The outcome's decision is the dose plan.
    """
    from hdil2.registry.models import Course, Cycle, DoseSlot, Patient

    with transaction.atomic():
        patient = get_row(Patient, patient_id, "patient_id")
        _q8h(regimen)
        dose_req: dict[str, Any] = {"regimen": regimen, "weight": weight,
                                    "policies": dict(policies or {})}
        if height is not None:
            dose_req["height"] = height
        if sex is not None:
            dose_req["sex"] = sex
        dose_req = filled("dose", dose_req, site)
        plan = run("dose", dose_req)
        cal_req = filled("calendar", {"regimen": regimen, "first_dose": first_dose,
                                      "tz": ward_tz}, site)
        calendar = run("calendar", cal_req)
        il2 = plan.il2
        dose_advice = store_advice("dose", dose_req, plan, by=by, value=il2.dose_iu,
                                   ruleset_version=f"regimen {regimen}",
                                   synthetic=patient.synthetic)
        cal_advice = store_advice("calendar", cal_req, calendar, by=by,
                                  value=f"{calendar.doses} doses",
                                  ruleset_version=f"regimen {regimen}",
                                  synthetic=patient.synthetic)
        last = Course.objects.filter(patient=patient).order_by("-number").first()
        first_utc = calendar.slots[0].utc
        course = save_new(Course(
            patient=patient, number=(last.number + 1) if last else 1, regimen=regimen,
            intent=intent, status="planned", ward_tz=ward_tz, planned_start=first_utc,
            dosing_weight=Decimal(plan.basis_weight_kg), dosing_weight_unit="kg",
            dose_per_kg_iu=_per_kg(il2), planned_dose_iu=il2.dose_iu, advice=dose_advice,
            calendar_advice=cal_advice, synthetic=patient.synthetic), by)
        rows: list[Any] = [course]
        for n in sorted({s.cycle for s in calendar.slots}):
            slots = calendar.cycle(n)
            cycle = save_new(Cycle(course=course, number=n, starts_at=slots[0].utc,
                                   planned_slots=len(slots), synthetic=patient.synthetic), by)
            rows.append(cycle)
            for s in slots:
                rows.append(save_new(DoseSlot(
                    cycle=cycle, number=s.dose_in_cycle, scheduled_at=s.utc,
                    synthetic=patient.synthetic), by))
        return Outcome(plan, dose_advice, (cal_advice, *rows))


def _per_kg(il2: Any) -> Decimal | None:
    per_kg = il2.equivalent.get("iu_per_kg") if hasattr(il2, "equivalent") else None
    return Decimal(str(per_kg)) if per_kg is not None else None


def course_slots(course: Any) -> list[Any]:
    """The course's active dose slots in calendar order (cycle, then slot number)."""
    from hdil2.registry.models import DoseSlot

    return list(DoseSlot.objects.active().filter(cycle__course=course,
                                                 cycle__voided_at__isnull=True)
                .select_related("cycle", "advice").order_by("cycle__number", "number"))


def _hold_rules(slot: Any) -> tuple[str, ...]:
    """The rules that held ``slot``: those that fired in the advice shown for it."""
    if slot.advice is None or slot.advice.value == "give":
        return ()
    checks = slot.advice.answer.get("checks", [])
    return tuple(c["rule"] for c in checks if c.get("result") == "fired")


def _observation_fields(observations: Any) -> dict[str, Any]:
    """The latest of each code of ``observations`` (in time order), as next-dose observation
    fields."""
    from hdil2.clinical.toxicity.holds.observations import DoseObservations

    names = DoseObservations.model_fields
    out: dict[str, Any] = {}
    for o in observations:
        name = OBSERVATION_FIELDS.get(o.code, o.code)
        if name not in names:
            continue  # an observation no hold rule reads
        value = decimal_text(o.value)
        out[name] = f"{value} {o.unit_canonical}" if name in QUANTITY_FIELDS else value
    return out


def _observations(course: Any, since: dt.datetime | None, until: dt.datetime) -> dict[str, Any]:
    """The patient's latest observation of each code taken after ``since`` (the last recorded
    slot) and not after ``until``, as next-dose observation fields."""
    from hdil2.registry.models import Observation

    qs = Observation.objects.active().filter(patient=course.patient, taken_at__lte=until)
    if since is not None:
        qs = qs.filter(taken_at__gt=since)
    return _observation_fields(qs.order_by("taken_at", "pk"))


def _check_course(course: Any) -> None:
    """Refuse a course the next-dose advice cannot be asked for."""
    _q8h(course.regimen)
    if course.planned_start is None:
        raise InputError("course_id", f"{course.label()} has no planned first dose")
    if course.status in ("completed", "discontinued"):
        raise InputError("course_id", f"{course.label()} is {course.status}")


def _doses(course: Any, slots: list[Any]) -> tuple[list[dict[str, Any]], dt.datetime | None]:
    """The slots recorded so far as next-dose ``doses`` and the time after which observations
    count (the last recorded slot's time given, or scheduled; 24 h before the first slot when
    none is recorded)."""
    doses: list[dict[str, Any]] = []
    last_time: dt.datetime | None = None
    for i, s in enumerate(slots, start=1):
        if s.status == "scheduled":
            break
        if s.status == "not_given":
            raise InputError("course_id", f"slot {i} of {course.label()} was not given "
                             f"({s.reason}); the course is over")
        doses.append({"slot": i, "status": s.status,
                      "hold_rules": list(_hold_rules(s)) if s.status == "held" else []})
        last_time = s.given_at or s.scheduled_at
    pending = slots[len(doses)] if len(doses) < len(slots) else None
    if last_time is None and pending is not None:
        last_time = pending.scheduled_at - dt.timedelta(hours=24)
    return doses, last_time


def _request(course: Any, doses: list[dict[str, Any]], observed: dict[str, Any],
             bedside: dict[str, Any] | None, rulesets: Sequence[str] | None,
             site: SiteProfile | None) -> dict[str, Any]:
    """The ``next-dose`` request of the course (a bedside finding also recorded as an
    observation is refused), filled with the ``site``'s rule sets and policies (see
    :func:`filled`); ``rulesets`` given win over the site's."""
    from zoneinfo import ZoneInfo

    given = dict(bedside or {})
    for name in given:
        if name in observed:
            raise InputError(f"bedside.{name}", "also recorded as an observation since the "
                             "last slot; give it once (record or correct the observation)")
    tz = ZoneInfo(course.ward_tz)
    req: dict[str, Any] = {
        "regimen": course.regimen,
        "first_dose": course.planned_start.astimezone(tz).isoformat(),
        "tz": course.ward_tz, "doses": doses,
        "observations": {**observed, **given},
    }
    if rulesets is not None:
        req["rulesets"] = list(rulesets)
    return filled("next-dose", req, site)


def _next_dose_request(course_id: int, *, at: Any, bedside: dict[str, Any] | None,
                       rulesets: Sequence[str] | None, site: SiteProfile | None
                       ) -> tuple[Any, dict[str, Any], list[Any]]:
    """The course, the ``next-dose`` request built from the database (see
    :func:`advise_next_dose`) and the course's active slots. Reads only."""
    from django.utils import timezone

    from hdil2.registry.models import Course

    course = get_row(Course, course_id, "course_id")
    _check_course(course)
    until = aware(at, "at") if at is not None else timezone.now()
    slots = course_slots(course)
    doses, last_time = _doses(course, slots)
    observed = _observations(course, last_time, until)
    return course, _request(course, doses, observed, bedside, rulesets, site), slots


def preview_next_dose(course_id: int, *, at: Any = None, bedside: dict[str, Any] | None = None,
                      rulesets: Sequence[str] | None = None,
                      site: SiteProfile | None = None) -> Any:
    """The Decision :func:`advise_next_dose` would give now (or at ``at``), without writing
    anything: no advice is stored and no slot is changed (a page that only shows the advice,
    such as the ward board, asks this). ``rulesets`` and ``site`` as for
    :func:`advise_next_dose`."""
    _, req, _ = _next_dose_request(course_id, at=at, bedside=bedside, rulesets=rulesets,
                                   site=site)
    return run("next-dose", req)


def next_dose_requests(courses: list[Any], slots: dict[int, list[Any]], *, at: dt.datetime,
                       rulesets: Sequence[str] | None = None,
                       site: SiteProfile | None = None
                       ) -> dict[int, dict[str, Any] | InputError]:
    """The ``next-dose`` request :func:`preview_next_dose` would build at ``at`` for each of
    ``courses`` (active rows), by course id - or the :class:`InputError` that refuses it -
    in ONE query (the observations of every patient), whatever the number of courses.

    ``slots``: each course's active slots in calendar order (:func:`course_slots`'s order),
    by course id, with the advice of every held slot loaded (the rules that held it are read
    from it). Reads only; no bedside findings (as the ward board asks). Each request is
    filled with ``site``'s rule sets and policies (see :func:`filled`), so it is the whole
    question: an answer kept under it changes with the site profile.
    """
    from django.db.models import Q

    from hdil2.registry.models import Observation

    out: dict[int, dict[str, Any] | InputError] = {}
    since: dict[int, tuple[Any, list[dict[str, Any]], dt.datetime | None]] = {}
    for course in courses:
        try:
            _check_course(course)
            doses, last_time = _doses(course, slots.get(course.pk, []))
        except InputError as e:
            out[course.pk] = e
            continue
        since[course.pk] = (course, doses, last_time)
    if not since:
        return out
    which = Q()
    for course, _, last_time in since.values():
        which |= (Q(patient_id=course.patient_id, taken_at__gt=last_time)
                  if last_time is not None else Q(patient_id=course.patient_id))
    by_patient: dict[int, list[Any]] = {}
    for o in (Observation.objects.active().filter(which, taken_at__lte=at)
              .order_by("taken_at", "pk")):
        by_patient.setdefault(o.patient_id, []).append(o)
    for pk, (course, doses, last_time) in since.items():
        mine = [o for o in by_patient.get(course.patient_id, [])
                if last_time is None or o.taken_at > last_time]
        try:
            out[pk] = _request(course, doses, _observation_fields(mine), None, rulesets, site)
        except InputError as e:
            out[pk] = e
    return out


def preview_next_doses(courses: list[Any], slots: dict[int, list[Any]], *, at: dt.datetime,
                       rulesets: Sequence[str] | None = None,
                       site: SiteProfile | None = None) -> dict[int, Any]:
    """:func:`preview_next_dose` for many courses at once (see :func:`next_dose_requests`):
    the Decision of each course by id, or the :class:`InputError` that refuses it."""
    out: dict[int, Any] = {}
    for pk, req in next_dose_requests(courses, slots, at=at, rulesets=rulesets,
                                           site=site).items():
        if isinstance(req, InputError):
            out[pk] = req
            continue
        try:
            out[pk] = run("next-dose", req)
        except InputError as e:
            out[pk] = e
    return out


def advise_next_dose(course_id: int, *, by: Any, bedside: dict[str, Any] | None = None,
                     rulesets: Sequence[str] | None = None, at: Any = None,
                     site: SiteProfile | None = None) -> Outcome:
    """Advise the course's next dose slot (``next-dose``), from the database.

    The request holds the course's regimen, first dose (its UTC instant, with the ward's
    offset) and ward zone, every slot recorded so far (a held slot with the rules that fired in
    its advice), and the observations: the latest of each code recorded since the last
    recorded slot up to ``at`` (default now), plus the ``bedside`` findings that are not
    numbers (``{"mental_status_change": false, "pressor_trend": "none"}``), which are stored in
    the advice's request. A finding both recorded and given at the bedside is refused.

    The hold rule sets: ``rulesets`` when given, else the ``site`` profile's (the institutional
    sets it applies beside the label), else the label's alone; the site's ``next-dose`` policy
    overrides apply too. The advice stores the request so filled: it names the rule sets that
    were applied.

    Stores the advice and links it to the slot it is for (a versioned edit of the slot); the
    outcome's rows are that slot.
    """
    with transaction.atomic():
        course, req, slots = _next_dose_request(course_id, at=at, bedside=bedside,
                                                rulesets=rulesets, site=site)
        decision = run("next-dose", req)
        versions = decision.details.get("rulesets") or {}
        advice = store_advice(
            "next-dose", req, decision, by=by,
            ruleset_version="; ".join(f"{k}: {v}" for k, v in versions.items()),
            synthetic=course.synthetic)
        rows: tuple[Any, ...] = ()
        if decision.value != "course_complete":
            index = decision.details["next_slot"].index
            slot = slots[index - 1]
            slot.advice = advice
            slot._change_reason = f"next-dose advice {advice.pk}: {decision.value}"
            slot.save(by=by)
            rows = (slot,)
        return Outcome(decision, advice, rows)


def _advised(advice: Any) -> str:
    """What the advice said and why, for a refusal's message."""
    reasons = advice.answer.get("reasons", [])
    fired = [r for r in reasons if not str(r.get("rule", "")).startswith("policy.")]
    why = "; ".join(f"{r.get('text')} ({r.get('rule')}, {r.get('source')})" for r in fired[:4])
    missing = advice.answer.get("missing") or []
    if advice.value == "not_evaluable" and missing:
        why = (why + "; " if why else "") + "not known: " + ", ".join(missing)
    return f"the advice shown (advice {advice.pk}) was {advice.value!r}" + (
        f": {why}" if why else "")


def record_dose(slot_id: int, version: int, *, by: Any, status: str,
                given_at: Any = None, dose_iu: Any = None, vials: int | None = None,
                reason: str | None = None, departure_reason: str | None = None) -> Outcome:
    """Record dose slot ``slot_id`` (read at ``version``) as ``given`` or ``held``.

    Refused (nothing written): a slot already given or held (edit or void it instead); a
    given dose without its time or its dose in IU; an action that departs from the slot's
    advice, or a dose other than the planned one, without ``departure_reason``
    (:class:`InputError` on ``departure_reason`` saying what was advised and why); a slot with
    no advice shown, without ``departure_reason``; a stale ``version``
    (:class:`~hdil2.registry.errors.StaleEdit`). A held slot with no ``reason`` takes the
    rules that fired in its advice.
    """
    from hdil2.registry.models import DoseSlot

    with transaction.atomic():
        slot = get_row(DoseSlot, slot_id, "slot_id")
        slot = DoseSlot.objects.select_for_update(of=("self",)).select_related(
            "cycle__course", "advice").get(pk=slot.pk)
        check_version(slot, version)
        if status not in ("given", "held"):
            raise InputError("status", "given or held", status)
        if slot.status != "scheduled":
            raise InputError("status", f"{slot.label()} was already recorded as {slot.status}; "
                             "correct it with an edit, or void it, with a reason", status)
        departure = reason_text(departure_reason, "departure_reason")
        why_not = reason_text(reason, "reason")
        advice = slot.advice
        problems: list[str] = []
        if advice is None:
            problems.append("no next-dose advice was shown for this slot")
        elif status not in FOLLOWS_ADVICE.get(advice.value, ()):
            problems.append(f"recording it {status} departs from advice: {_advised(advice)}")
        if status == "given":
            when = aware(given_at, "given_at") if given_at is not None else None
            if when is None:
                raise InputError("given_at", "a given dose needs the time it was given")
            if dose_iu is None:
                raise InputError("dose_iu", "a given dose needs its dose in IU")
            try:
                iu = Decimal(str(dose_iu))
            except ArithmeticError:
                raise InputError("dose_iu", "a number of IU", dose_iu) from None
            if not iu.is_finite() or iu <= 0 or iu != iu.to_integral_value():
                raise InputError("dose_iu", "a positive whole number of IU", dose_iu)
            planned = slot.cycle.course.planned_dose_iu
            if planned is None or iu != planned:
                problems.append(f"the dose {iu:,} IU is not the planned dose "
                                f"{'(none planned)' if planned is None else f'{planned:,} IU'}")
            slot.given_at, slot.dose_iu, slot.vials = when, iu, vials
        else:
            if given_at is not None or dose_iu is not None or vials is not None:
                raise InputError("status", "a held dose has no time given, dose or vials")
            if not why_not and advice is not None:
                why_not = ", ".join(_hold_rules(slot))
            if not why_not:
                raise InputError("reason", "why the dose was held")
        if problems and not departure:
            raise InputError("departure_reason", "; ".join(problems)
                             + ": a departure from the advice needs a reason")
        slot.status = status
        slot.reason = why_not if status == "held" else (why_not or "")
        slot.given_by = by
        slot.departure_reason = departure if problems else ""
        slot._change_reason = (f"{status}" + (f"; departure: {departure}" if problems else ""))
        from hdil2.registry.models.base import validate

        validate(slot)
        slot.save(by=by)
        course = slot.cycle.course
        if course.status == "planned":
            course.status = "ongoing"
            course.started_on = course.started_on or ward_date(slot.scheduled_at,
                                                               course.ward_tz)
            course._change_reason = f"first slot recorded ({slot.label()})"
            course.save(by=by)
        return Outcome(None if advice is None else _shown(advice), advice, (slot,))


def _shown(advice: Any) -> Any:
    """The decision of a stored advice, as it was shown (its JSON)."""
    return _StoredDecision(advice.value, advice.answer)


class _StoredDecision:
    """A stored advice's decision: ``value`` and its JSON (``to_dict``)."""

    def __init__(self, value: str, answer: dict[str, Any]) -> None:
        self.value = value
        self._answer = answer

    def to_dict(self) -> dict[str, Any]:
        return dict(self._answer)

    def __repr__(self) -> str:
        return f"StoredDecision(value={self.value!r})"


def record_observation(patient_id: int, *, by: Any, code: str, value: Any, taken_at: Any,
                       kind: str = "lab", course_id: int | None = None, lln: Any = None,
                       uln: Any = None, note: str = "") -> Outcome:
    """Record a laboratory result or vital sign: ``value`` with its unit (``"1.8 mg/dL"``,
    ``{"value": "1.8", "unit": "mg/dL"}``); ``lln``/``uln`` in the same unit as the value."""
    from hdil2.core.quantity import Quantity
    from hdil2.registry.models import Course, Observation, Patient

    with transaction.atomic():
        patient = get_row(Patient, patient_id, "patient_id")
        course = get_row(Course, course_id, "course_id") if course_id is not None else None
        if course is not None and course.patient_id != patient.pk:
            raise InputError("course_id", f"{course.label()} is not this patient's", course_id)
        obs = Observation(patient=patient, course=course, kind=kind, code=code,
                          taken_at=aware(taken_at, "taken_at"), note=note,
                          synthetic=patient.synthetic)
        obs.set_quantity(value, "value")
        for name, raw in (("lln", lln), ("uln", uln)):
            if raw is None:
                continue
            q = Quantity.parse(raw, name)
            if q.unit != obs.unit_canonical:
                raise InputError(name, f"in the value's unit {obs.unit_canonical}, not {q.unit}",
                                 raw)
            setattr(obs, name, q.value)
        return Outcome(None, None, (save_new(obs, by),))
