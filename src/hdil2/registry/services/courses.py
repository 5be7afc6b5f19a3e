"""Use cases after a course: advise the next course, record a discontinuation.

* :func:`advise_next_course` builds the ``next-course`` request from the patient's courses:
  each course's first day, discharge date and response (the NCI bidimensional response of the
  latest visit assessment linked to the course, Lee et al. 2000, ``lee2000``; a course with no
  such response is sent as not recorded, never assumed), plus the facts the registry does not
  code per course (``facts``: retreatment contraindications, refusal, intolerance,
  shrinkage). The advice is stored and linked to the last course
  (``Course.next_course_advice``).
* :func:`record_discontinuation` ends a course with one of the categories of Lee et al. 2000,
  Table 5. A stop that departs from the after-course advice shown (advice to give another
  course, a not-evaluable advice, or another stop category) needs ``departure_reason``; a
  death never does.
* :func:`record_next_course_decision` records the physician's decision after a course beside
  the advice; a decision that departs from it needs ``departure_reason``.
* :func:`record_discharge` records the hospital discharge after a course (the date the
  label's rest of at least 7 weeks before another course counts from, ``proleukin-label``) and
  completes an ongoing course whose every slot is recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from hdil2.core.errors import InputError
from hdil2.registry.services._common import (
    Outcome,
    a_date,
    check_version,
    filled,
    get_row,
    reason_text,
    run,
    store_advice,
    ward_date,
)

if TYPE_CHECKING:
    from hdil2.app.profile import SiteProfile

COURSE_RESPONSES = ("CR", "PR", "MR", "NR", "PD")
FACT_KEYS = ("toxicities", "refused", "intolerance", "shrinkage")
#: the stop category of the next-course advice -> the discontinuation reason that follows it
STOP_REASON = {"progressive_disease": "progressive_disease", "il2_toxicity": "il2_toxicity",
               "complete_response": "complete_response", "other": "other",
               "no_response": "other", "max_courses": "other"}


def advise_next_course(patient_id: int, *, by: Any, variant: str = "default",
                       policies: dict[str, Any] | None = None,
                       facts: dict[int, dict[str, Any]] | None = None,
                       site: SiteProfile | None = None) -> Outcome:
    """Advise after the patient's last course (``next-course``) from the stored courses.

    ``facts`` maps a course number to what the registry does not code per course
    (``{"toxicities": ["sustained_vt"], "refused": false, "intolerance": false,
    "shrinkage": true}``); they are stored in the advice's request.

    ``site``: the site profile whose ``next-course`` policy overrides apply under ``policies``
    (given overrides win); the advice stores the filled request.
    """
    from hdil2.registry.models import Course, Patient, ResponseAssessment

    with transaction.atomic():
        patient = get_row(Patient, patient_id, "patient_id")
        courses = list(Course.objects.active().filter(patient=patient).order_by("number"))
        if not courses:
            raise InputError("patient_id", "the patient has no course")
        given = dict(facts or {})
        numbers = {c.number for c in courses}
        for n, f in given.items():
            if n not in numbers:
                raise InputError(f"facts.{n}", "the patient has no such course", n)
            for key in f:
                if key not in FACT_KEYS:
                    raise InputError(f"facts.{n}.{key}", "one of " + ", ".join(FACT_KEYS))
        records: list[dict[str, Any]] = []
        for c in courses:
            if c.discharged_on is None:
                raise InputError("discharged_on", f"{c.label()} (number {c.number}) has no "
                                 "discharge date: record it on the course first")
            latest = (ResponseAssessment.objects.active()
                      .filter(course=c, kind="visit", criteria="nci")
                      .order_by("-assessed_on", "-pk").first())
            response = latest.response if latest is not None else None
            start = c.started_on or (ward_date(c.planned_start, c.ward_tz)
                                     if c.planned_start else None)
            records.append({
                "start_date": start.isoformat() if start else None,
                "discharge_date": c.discharged_on.isoformat(),
                "response": response if response in COURSE_RESPONSES else None,
                **given.get(c.number, {})})
        req = filled("next-course", {"courses": records, "variant": variant,
                                     "policies": dict(policies or {})}, site)
        decision = run("next-course", req)
        advice = store_advice("next-course", req, decision, by=by,
                              ruleset_version=f"variant {decision.details.get('variant')}",
                              synthetic=patient.synthetic)
        last = courses[-1]
        last.next_course_advice = advice
        last._change_reason = f"next-course advice {advice.pk}: {decision.value}"
        last.save(by=by)
        return Outcome(decision, advice, (last,))


def record_discontinuation(course_id: int, version: int, *, by: Any, reason: str,
                           ended_on: Any, detail: str = "",
                           departure_reason: str | None = None) -> Outcome:
    """End course ``course_id`` (read at ``version``) early with ``reason`` (Lee et al. 2000,
    Table 5: progressive_disease, il2_toxicity, complete_response, death, other)."""
    from hdil2.registry.models import Course
    from hdil2.registry.models.treatment import DISCONTINUATION_REASONS

    with transaction.atomic():
        course = get_row(Course, course_id, "course_id")
        course = Course.objects.select_for_update(of=("self",)).select_related(
            "next_course_advice").get(pk=course.pk)
        check_version(course, version)
        if reason not in dict(DISCONTINUATION_REASONS):
            raise InputError("reason", "one of " + ", ".join(dict(DISCONTINUATION_REASONS)),
                             reason)
        if course.status == "discontinued":
            raise InputError("reason", f"{course.label()} is already discontinued "
                             f"({course.discontinuation_reason})")
        departure = reason_text(departure_reason, "departure_reason")
        advice = course.next_course_advice
        departs = False
        if advice is not None and reason != "death":
            category = advice.answer.get("stop_category")
            departs = advice.value != "stop" or STOP_REASON.get(category) != reason
            if departs and not departure:
                why = "; ".join(f"{r.get('text')} ({r.get('rule')}, {r.get('source')})"
                                for r in advice.answer.get("reasons", [])[:2])
                raise InputError(
                    "departure_reason", f"stopping for {reason} departs from the advice shown "
                    f"(advice {advice.pk}): {advice.value}"
                    + (f" ({category})" if category else "") + f": {why}; a departure from "
                    "the advice needs a reason")
        course.status = "discontinued"
        course.discontinuation_reason = reason
        course.discontinuation_detail = detail
        course.ended_on = a_date(ended_on, "ended_on")
        course.departure_reason = departure if departs else course.departure_reason
        course._change_reason = f"discontinued: {reason}" + (
            f"; departure: {departure}" if departs else "")
        from hdil2.registry.models.base import validate

        validate(course)
        course.save(by=by)
        return Outcome(None, advice, (course,))



#: what a physician may decide after a course (the values of the next-course advice)
NEXT_COURSE_DECISIONS = ("next_course", "consolidation_course", "stop")


def record_next_course_decision(course_id: int, version: int, *, by: Any, decision: str,
                                departure_reason: str | None = None) -> Outcome:
    """Record the physician's decision after course ``course_id`` (read at ``version``) beside
    the next-course advice shown for it (``Course.next_course_advice``).

    ``decision`` is one of :data:`NEXT_COURSE_DECISIONS`. A decision other than the advice
    (or any decision against a not-evaluable advice) needs ``departure_reason`` (refused,
    naming it, when blank), kept on the course; the audit history keeps the decision, the
    advice it departs from, who and why. The advice itself is never changed.
    """
    from hdil2.registry.models import Course
    from hdil2.registry.models.base import validate

    with transaction.atomic():
        course = get_row(Course, course_id, "course_id")
        course = Course.objects.select_for_update(of=("self",)).select_related(
            "next_course_advice").get(pk=course.pk)
        check_version(course, version)
        advice = course.next_course_advice
        if advice is None:
            raise InputError("course_id", f"{course.label()} has no next-course advice: ask "
                             "for the advice before recording a decision", course_id)
        if decision not in NEXT_COURSE_DECISIONS:
            raise InputError("decision", "one of " + ", ".join(NEXT_COURSE_DECISIONS),
                             decision)
        reason = reason_text(departure_reason, "departure_reason")
        departs = decision != advice.value
        if departs and not reason:
            raise InputError("departure_reason", f"{decision} departs from the advice shown "
                             f"(advice {advice.pk}: {advice.value}): a departure from the "
                             "advice needs a reason")
        course.departure_reason = reason if departs else ""
        course._change_reason = (
            f"next-course decision: {decision} (advice {advice.pk}: {advice.value})"
            + (f"; departure: {reason}" if departs else "; follows the advice"))
        validate(course)
        course.save(by=by)
        return Outcome(None, advice, (course,))


def record_discharge(course_id: int, version: int, *, by: Any, discharged_on: Any,
                     close_pending: bool = False, reason: str | None = None) -> Outcome:
    """Record the hospital discharge after course ``course_id`` (read at ``version``).

    ``discharged_on`` is the ward's calendar date of the discharge. It is the date the label's
    rest before another course counts from ("at least 7 weeks from the date of hospital
    discharge", ``proleukin-label``), so it is checked, never guessed. Refused, naming the
    field, with nothing written:

    * a course with no dose given or held (``course_id``): there is nothing to discharge from;
    * a date before the ward date of the course's last dose given or held (the patient was on
      the ward then), or after the ward's today (``discharged_on``);
    * an ongoing course with slots still pending, unless ``close_pending`` confirms that they
      are recorded ``not_given`` (reason: the discharge) in the same transaction
      (``close_pending``): a discharge between the two cycles of a course is not the discharge
      after the course, and the rest before the next course must not count from it;
    * a course whose discharge is already recorded, without ``reason`` (a correction: the audit
      history keeps the old date, the new one, who and why);
    * a stale ``version`` (:class:`~hdil2.registry.errors.StaleEdit`).

    An ongoing course with no slot left pending becomes ``completed`` with ``ended_on`` the
    ward date of its last dose given or held; a discontinued or completed course keeps its
    status and end date and gets the discharge date.
    """
    from django.utils import timezone

    from hdil2.registry.models import Course
    from hdil2.registry.models.base import validate
    from hdil2.registry.services.treatment import course_slots

    with transaction.atomic():
        course = get_row(Course, course_id, "course_id")
        course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk)
        check_version(course, version)
        day = a_date(discharged_on, "discharged_on")
        if not isinstance(close_pending, bool):
            raise InputError("close_pending", "true or false", close_pending)
        correction = reason_text(reason, "reason")
        slots = course_slots(course)
        present = [s for s in slots if s.status in ("given", "held")]
        if not present:
            raise InputError("course_id", f"{course.label()} ({course.status}) has no dose "
                             "given or held: there is nothing to discharge from; record the "
                             "course's doses first", course_id)
        tz = course.ward_tz

        def on_ward(s: Any) -> Any:
            return ward_date(s.given_at if s.given_at is not None else s.scheduled_at, tz)

        last = max(present, key=on_ward)
        last_day = on_ward(last)
        today = ward_date(timezone.now(), tz)
        if day < last_day:
            raise InputError("discharged_on", f"{day} is before the last dose given or held "
                             f"(slot {last.cycle.number}.{last.number}, {last.status} on "
                             f"{last_day}, {tz}): the patient was on the ward then",
                             day.isoformat())
        if day > today:
            raise InputError("discharged_on", f"{day} is in the future (today is {today} "
                             f"in {tz})", day.isoformat())
        if course.discharged_on is not None and not correction:
            raise InputError("reason", f"{course.label()} was recorded as discharged on "
                             f"{course.discharged_on}; changing it needs a reason")
        pending = [s for s in slots if s.status == "scheduled"]
        closed: list[Any] = []
        if pending and course.status in ("planned", "ongoing"):
            if not close_pending:
                first = pending[0]
                raise InputError(
                    "close_pending", f"{len(pending)} slot(s) of {course.label()} are still "
                    f"pending (the first: slot {first.cycle.number}.{first.number}, due "
                    f"{ward_date(first.scheduled_at, tz)}"
                    "): record them, or confirm that they are recorded not given on discharge",
                    False)
            for s in pending:
                s = type(s).objects.select_for_update(of=("self",)).get(pk=s.pk)
                s.status = "not_given"
                s.reason = f"not given: discharged on {day}"
                s._change_reason = f"not given: discharged on {day} (course discharge)"
                validate(s)
                s.save(by=by)
                closed.append(s)
        what = [f"discharged on {day}"]
        if course.discharged_on is not None:
            what = [f"discharge corrected: {course.discharged_on} -> {day}; reason: "
                    f"{correction}"]
        if course.status in ("planned", "ongoing"):
            course.status = "completed"
            course.ended_on = last_day
            what.append(f"completed, last dose on {last_day}")
        if closed:
            what.append(f"{len(closed)} pending slot(s) recorded not given")
        course.discharged_on = day
        course._change_reason = "; ".join(what)
        validate(course)
        course.save(by=by)
        return Outcome(None, None, (course, *closed))
