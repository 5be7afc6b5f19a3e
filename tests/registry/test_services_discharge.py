"""Issue 14: the hospital discharge after a course (``record_discharge``), and the next-course
advice that counts the label's rest from it (``proleukin-label``: each course "separated by a
rest period of at least 7 weeks from the date of hospital discharge": discharge + 49 days).

The boundaries are the patient's presence on the ward: a discharge on the day of the last dose
given is possible, the day before is not (the patient was given a dose on the ward then), and a
discharge tomorrow has not happened yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from registry.helpers import dump

UTC = dt.UTC


def _course(by: Any, code: str, *, given: int = 1, first_dose: str = "2025-03-03T08:00",
            tz: str = "Europe/London") -> Any:
    """A planned course of hd-il2-600k (28 slots) with its first ``given`` slots given."""
    from hdil2.registry import services
    from hdil2.registry.models import Course, DoseSlot

    p = services.enrol(by=by, registry_id=code, disease="rcc").rows[0]
    course = services.plan_course(p.pk, by=by, regimen="hd-il2-600k", first_dose=first_dose,
                                  ward_tz=tz, weight="70 kg").rows[1]
    slots = list(DoseSlot.objects.filter(cycle__course=course).order_by(
        "cycle__number", "number"))
    for s in slots[:given]:
        services.record_dose(s.pk, s.version, by=by, status="given", given_at=s.scheduled_at,
                             dose_iu=course.planned_dose_iu,
                             departure_reason="no advice asked (test)")
    return Course.objects.get(pk=course.pk)


def _discharge(course: Any, by: Any, day: Any, **kw: Any) -> Any:
    from hdil2.registry import services

    return services.record_discharge(course.pk, course.version, by=by, discharged_on=day, **kw)


def test_discharge_boundaries_same_day_as_last_dose_not_the_day_before_not_tomorrow(
        registry_db: dict[str, Any], user: Any) -> None:
    from django.utils import timezone

    from hdil2.core.errors import InputError
    from hdil2.registry.models import Course

    nurse = user("dis_nurse")
    # slot 1 at 2025-03-03 08:00 London; slot 2 at 16:00; slot 3 at 2025-03-04 00:00 (ward date)
    course = _course(nurse, "DIS-1", given=3)
    before = dump()
    with pytest.raises(InputError) as e:
        _discharge(course, nurse, "2025-03-03", close_pending=True)
    assert e.value.field == "discharged_on"
    assert "2025-03-04" in str(e.value)  # the last dose's ward date is named
    assert dump() == before
    tomorrow = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=14))).date() \
        + dt.timedelta(days=1)  # tomorrow in every zone
    with pytest.raises(InputError) as e:
        _discharge(course, nurse, tomorrow.isoformat(), close_pending=True)
    assert e.value.field == "discharged_on"
    assert "future" in str(e.value)
    with pytest.raises(InputError) as e:
        _discharge(course, nurse, "2025-03-04T10:00")
    assert e.value.field == "discharged_on"
    assert dump() == before
    out = _discharge(course, nurse, "2025-03-04", close_pending=True)
    row = Course.objects.get(pk=course.pk)
    assert row.discharged_on == dt.date(2025, 3, 4)
    assert (row.status, row.ended_on) == ("completed", dt.date(2025, 3, 4))
    assert out.rows[0].pk == course.pk
    assert len(out.rows) == 1 + 25  # the 25 pending slots of the 28 recorded not given


def test_discharge_of_a_course_with_no_dose_is_refused_nothing_to_discharge_from(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError

    nurse = user("dis_nurse2")
    course = _course(nurse, "DIS-2", given=0)
    assert course.status == "planned"
    before = dump()
    with pytest.raises(InputError) as e:
        _discharge(course, nurse, "2025-03-10", close_pending=True)
    assert e.value.field == "course_id"
    assert "nothing to discharge from" in str(e.value)
    assert dump() == before


def test_discharge_with_slots_pending_needs_them_closed_and_completes_the_course(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry.models import Course, DoseSlot

    nurse = user("dis_nurse3")
    course = _course(nurse, "DIS-3", given=2)
    assert course.status == "ongoing"
    before = dump()
    with pytest.raises(InputError) as e:  # e.g. a discharge between the two cycles
        _discharge(course, nurse, "2025-03-08")
    assert e.value.field == "close_pending"
    assert "26 slot(s)" in str(e.value)
    assert dump() == before
    _discharge(course, nurse, "2025-03-08", close_pending=True)
    row = Course.objects.get(pk=course.pk)
    # completed on the ward date of its last dose given (slot 2: 2025-03-03 16:00 London)
    assert (row.status, row.ended_on, row.discharged_on) == (
        "completed", dt.date(2025, 3, 3), dt.date(2025, 3, 8))
    statuses = list(DoseSlot.objects.filter(cycle__course=course).values_list(
        "status", flat=True))
    assert (statuses.count("given"), statuses.count("not_given")) == (2, 26)
    assert row.history.first().history_change_reason.startswith("discharged on 2025-03-08")


def test_discharge_of_a_fully_recorded_course_completes_it_without_closing_anything(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry.models import Course

    nurse = user("dis_nurse4")
    course = _course(nurse, "DIS-4", given=28)
    out = _discharge(course, nurse, "2025-03-25")
    row = Course.objects.get(pk=course.pk)
    # slot 28 (cycle 2 dose 14): 2025-03-17 08:00 + 13 x 8 h = 2025-03-21 16:00 London
    assert (row.status, row.ended_on, row.discharged_on) == (
        "completed", dt.date(2025, 3, 21), dt.date(2025, 3, 25))
    assert len(out.rows) == 1


def test_discharge_of_a_discontinued_course_keeps_its_status(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import services
    from hdil2.registry.models import Course

    nurse = user("dis_nurse5")
    course = _course(nurse, "DIS-5", given=4)
    services.record_discontinuation(course.pk, course.version, by=nurse,
                                    reason="il2_toxicity", ended_on="2025-03-04")
    course = Course.objects.get(pk=course.pk)
    out = _discharge(course, nurse, "2025-03-06")
    row = Course.objects.get(pk=course.pk)
    assert (row.status, row.ended_on, row.discharged_on) == (
        "discontinued", dt.date(2025, 3, 4), dt.date(2025, 3, 6))
    assert len(out.rows) == 1  # its pending slots are left as they are


def test_discharge_stale_version_and_a_second_discharge_needs_a_reason(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services
    from hdil2.registry.errors import StaleEdit
    from hdil2.registry.models import Course

    nurse = user("dis_nurse6")
    course = _course(nurse, "DIS-6", given=28)
    stale = course.version
    _discharge(course, nurse, "2025-03-25")
    before = dump()
    with pytest.raises(StaleEdit) as e:
        services.record_discharge(course.pk, stale, by=nurse, discharged_on="2025-03-26")
    assert e.value.field == "version"
    assert "dis_nurse6" in str(e.value)
    assert dump() == before
    course = Course.objects.get(pk=course.pk)
    with pytest.raises(InputError) as e2:
        _discharge(course, nurse, "2025-03-26")
    assert e2.value.field == "reason"
    assert "2025-03-25" in str(e2.value)
    assert dump() == before
    _discharge(course, nurse, "2025-03-26", reason="discharge letter dated the 26th")
    row = Course.objects.get(pk=course.pk)
    assert row.discharged_on == dt.date(2025, 3, 26)
    assert row.history.first().history_change_reason == (
        "discharge corrected: 2025-03-25 -> 2025-03-26; reason: discharge letter dated the 26th")


def test_next_course_advice_after_the_discharge_counts_7_weeks_from_it(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services

    nurse = user("dis_nurse7")
    course = _course(nurse, "DIS-7", given=28)
    with pytest.raises(InputError) as e:
        services.advise_next_course(course.patient_id, by=nurse)
    assert e.value.field == "discharged_on"
    _discharge(course, nurse, "2025-03-25")
    p = course.patient_id
    services.record_scan(p, by=nurse, scanned_on="2025-02-20", modality="ct", baseline=True,
                         measurements=[{"lesion": "T01", "kind": "target", "organ": "lung",
                                        "longest_mm": 60, "perpendicular_mm": 40}])
    # NCI bidimensional criteria (lee2000): 60 x 40 = 2400 mm2 -> 30 x 30 = 900 mm2, -62.5 %:
    # a partial response (a decrease of at least 50 %)
    services.record_scan(p, by=nurse, scanned_on="2025-05-01", modality="ct",
                         course_id=course.pk,
                         measurements=[{"lesion": "T01", "longest_mm": 30,
                                        "perpendicular_mm": 30}])
    assert services.assess_response(p, by=nurse, criteria="nci").rows[0].response == "PR"
    out = services.advise_next_course(p, by=nurse)
    assert out.value == "next_course"
    # proleukin-label: at least 7 weeks of rest from the date of hospital discharge:
    # 2025-03-25 + 49 days = 2025-05-13 (not 2025-03-21 + 49 = 2025-05-09 from the last dose)
    assert str(out.decision.details["earliest_start_date"]) == "2025-05-13"
    assert out.advice.request["courses"] == [
        {"start_date": "2025-03-03", "discharge_date": "2025-03-25", "response": "PR"}]
