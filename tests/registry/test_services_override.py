"""Issue 14: a physician records a response other than the computed one, or a next-course
decision other than the advice, with a reason; the computed value and the advice stay beside
the recorded one, and the audit history keeps who and why."""

from __future__ import annotations

from typing import Any

import pytest

from registry.helpers import dump


def _assessed(by: Any, code: str, after: tuple[int, int]) -> tuple[Any, Any]:
    """A patient with a baseline (target sum 60 + 40 = 100 mm) and one later scan, assessed by
    RECIST 1.1; returns the patient and the visit's assessment."""
    from hdil2.registry import services

    p = services.enrol(by=by, registry_id=code, disease="rcc").rows[0]
    services.record_scan(p.pk, by=by, scanned_on="2025-02-20", modality="ct", baseline=True,
                         measurements=[{"lesion": "T01", "kind": "target", "organ": "lung",
                                        "longest_mm": 60},
                                       {"lesion": "T02", "kind": "target", "organ": "liver",
                                        "longest_mm": 40}])
    services.record_scan(p.pk, by=by, scanned_on="2025-05-01", modality="ct",
                         measurements=[{"lesion": "T01", "longest_mm": after[0]},
                                       {"lesion": "T02", "longest_mm": after[1]}])
    out = services.assess_response(p.pk, by=by, criteria="recist1.1",
                                   start_date="2025-03-03")
    return p, out.rows[0]


def test_issue14_override_response_needs_a_reason_and_writes_nothing_without(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services

    doctor = user("ovr_doc")
    # RECIST 1.1 section 4.3.1: 100 -> 71 mm is -29 %, short of the 30 % decrease: SD
    _, visit = _assessed(doctor, "OVR-1", (43, 28))
    assert (visit.response, visit.response_computed) == ("SD", "SD")
    before = dump()
    for blank in (None, "", "   "):
        with pytest.raises(InputError) as e:
            services.override_response(visit.pk, visit.version, by=doctor, response="PR",
                                       override_reason=blank)
        assert e.value.field == "override_reason"
    assert dump() == before


def test_issue14_override_response_keeps_the_computed_one_and_the_history(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import services
    from hdil2.registry.models import ResponseAssessment

    doctor = user("ovr_doc2")
    _, visit = _assessed(doctor, "OVR-2", (43, 28))
    out = services.override_response(
        visit.pk, visit.version, by=doctor, response="PD",
        override_reason="unequivocal progression of a non-target bone lesion on review")
    row = ResponseAssessment.objects.get(pk=visit.pk)
    assert (row.response, row.response_computed) == ("PD", "SD")
    assert row.override_reason.startswith("unequivocal progression")
    assert row.advice_id == visit.advice_id == out.advice.pk
    latest = row.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == doctor
    assert "SD -> PD" in latest.history_change_reason
    assert "unequivocal progression" in latest.history_change_reason
    # back to the computed response: the override reason is cleared, the history keeps both
    services.override_response(row.pk, row.version, by=doctor, response="SD")
    row = ResponseAssessment.objects.get(pk=visit.pk)
    assert (row.response, row.override_reason) == ("SD", "")
    assert row.history.count() == 3


def test_issue14_override_response_refuses_another_criteria_s_word_and_a_stale_copy(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services
    from hdil2.registry.errors import StaleEdit

    doctor = user("ovr_doc3")
    _, visit = _assessed(doctor, "OVR-3", (42, 28))
    assert visit.response_computed == "PR"  # 100 -> 70 mm: -30 %, RECIST 1.1 PR
    before = dump()
    # MR is a response of the NCI criteria (lee2000), not of RECIST 1.1
    with pytest.raises(InputError) as e:
        services.override_response(visit.pk, visit.version, by=doctor, response="MR",
                                   override_reason="x")
    assert e.value.field == "response"
    with pytest.raises(StaleEdit):
        services.override_response(visit.pk, visit.version - 1 if visit.version > 1 else 99,
                                   by=doctor, response="SD", override_reason="review")
    assert dump() == before


def test_issue14_next_course_decision_departing_from_the_advice_needs_a_reason(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services
    from hdil2.registry.concurrency import apply_edit
    from hdil2.registry.models import Course

    doctor = user("ovr_doc4")
    p = services.enrol(by=doctor, registry_id="OVR-4", disease="rcc").rows[0]
    c = services.plan_course(p.pk, by=doctor, regimen="hd-il2-600k",
                             first_dose="2025-03-03T08:00", ward_tz="Europe/London",
                             weight="70 kg").rows[1]
    apply_edit(Course, c.pk, c.version, by=doctor, started_on="2025-03-03",
               discharged_on="2025-03-25")
    # no response recorded after course 1: lee2000 asks for it before deciding
    advice = services.advise_next_course(p.pk, by=doctor).advice
    assert advice.value == "not_evaluable"
    course = Course.objects.get(pk=c.pk)
    before = dump()
    with pytest.raises(InputError) as e:
        services.record_next_course_decision(course.pk, course.version, by=doctor,
                                             decision="stop", departure_reason=" ")
    assert e.value.field == "departure_reason"
    with pytest.raises(InputError) as e:
        services.record_next_course_decision(course.pk, course.version, by=doctor,
                                             decision="maybe", departure_reason="x")
    assert e.value.field == "decision"
    assert dump() == before
    services.record_next_course_decision(course.pk, course.version, by=doctor,
                                         decision="stop",
                                         departure_reason="patient declines further IL-2")
    course = Course.objects.get(pk=c.pk)
    assert course.departure_reason == "patient declines further IL-2"
    assert course.next_course_advice_id == advice.pk
    latest = course.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == doctor
    assert "stop" in latest.history_change_reason
    assert "not_evaluable" in latest.history_change_reason


def test_a_long_override_reason_is_kept_whole_in_the_history(
        registry_db: dict[str, Any], user: Any) -> None:
    """The change reason holds what the physician typed: a 600-character reason is stored whole
    (simple_history's default varchar(100) refused it on PostgreSQL, a DataError)."""
    from hdil2.registry import services
    from hdil2.registry.models import ResponseAssessment

    doctor = user("ovr_doc_long")
    _, visit = _assessed(doctor, "OVR-L", (43, 28))
    reason = "review of the bone scan with the radiologist: " + "x" * 554
    services.override_response(visit.pk, visit.version, by=doctor, response="PD",
                               override_reason=reason)
    row = ResponseAssessment.objects.get(pk=visit.pk)
    latest = row.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason.endswith(reason)
