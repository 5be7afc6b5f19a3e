"""The ward board at scale: a constant number of database queries whatever the number of
patients on treatment, and batching changes no advice - each patient's advice on the board is
the one ``preview_next_dose`` gives for that course (the Proleukin label's hold rules,
``proleukin-label``), or the advice stored for the slot."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


@pytest.fixture(scope="module")
def ward(web_db: dict[str, Any]) -> dict[str, Any]:
    """The demo ward of 10 patients (the eight of the demo - a hold, a not evaluable, an
    overdue slot, a held slot - then two "give" patients, one asked and one previewed)."""
    from django.utils import timezone

    from hdil2.registry import ward_demo

    now = timezone.now()
    courses = ward_demo.load(now, patients=10)
    return {"now": now, "courses": courses}


def _admit(k: int, now: dt.datetime, *, ask: bool, sbp: int = 118) -> Any:
    """One more patient, first dose due in a few hours, observations recorded before it; its
    advice asked (stored) when ``ask``."""
    from zoneinfo import ZoneInfo

    from hdil2.registry import services, ward_demo
    from hdil2.registry.users import system_user

    by = system_user("scale-test")
    p = services.enrol(by=by, registry_id=f"SCALE-{k:02d}", disease="rcc", sex="female",
                       synthetic=True).rows[0]
    first = (now + 1 * H + k * 7 * M).astimezone(ZoneInfo(ward_demo.ZONE))
    course = services.plan_course(p.pk, by=by, regimen=ward_demo.REGIMEN,
                                  first_dose=first.strftime("%Y-%m-%dT%H:%M"),
                                  ward_tz=ward_demo.ZONE, weight="70 kg").rows[1]
    taken = (now - 20 * M).isoformat()
    for kind, code, value in (("vital", "sbp", f"{sbp} mmHg"), ("vital", "spo2", "97 %"),
                              ("lab", "creatinine", "1.0 mg/dL")):
        services.record_observation(p.pk, by=by, course_id=course.pk, kind=kind, code=code,
                                    value=value, taken_at=taken)
    if ask:
        services.advise_next_dose(course.pk, by=by, bedside=ward_demo.ALL_CLEAR, at=now)
    return course


def _board_queries(client: Any) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        r = client.get("/ward/board/")
    assert r.status_code == 200
    return len(q), r.content.decode()


def test_board_queries_are_the_same_for_10_and_40_patients(ward: dict[str, Any],
                                                           client_as: Any) -> None:
    client = client_as("nurse")
    client.get("/ward/board/")  # the session's first request (its user) out of the way
    n10, html10 = _board_queries(client)
    assert html10.count("<tr>") - 1 == 10  # the header row, then a row per patient
    for k in range(30):
        _admit(k, ward["now"], ask=k % 2 == 0)
    n40, html40 = _board_queries(client)
    assert html40.count("<tr>") - 1 == 40
    assert n40 == n10
    assert n10 <= 12  # session and user, then courses, slots, advice, observations


def test_board_advice_equals_preview_next_dose_for_every_patient(ward: dict[str, Any]) -> None:
    from django.utils import timezone

    from hdil2.registry.services import preview_next_dose
    from hdil2.registry.services._common import as_json
    from hdil2.registry.services.treatment import course_slots
    from hdil2.web.views.ward import board_rows

    now = timezone.now()
    rows = board_rows(now)
    assert len(rows) >= 10
    previews = 0
    for b in rows:
        pending = next(s for s in course_slots(b.course) if s.status == "scheduled")
        assert b.next.slot.pk == pending.pk
        if pending.advice is not None:  # the advice asked for the slot, as stored
            assert b.stored.pk == pending.advice.pk
            assert b.advice == pending.advice.answer
        else:
            previews += 1
            assert b.stored is None
            assert b.advice == as_json(preview_next_dose(b.course.pk, at=now).to_dict())
    assert previews >= 1
    by_code = {b.course.patient.registry_id: b for b in rows}
    # label: ward-03's systolic BP 85 mmHg holds the dose; ward-04 has no creatinine
    assert by_code["ward-03"].advice["value"] == "hold"
    assert by_code["ward-04"].advice["value"] == "not_evaluable"


def test_a_new_observation_changes_the_previewed_advice(ward: dict[str, Any]) -> None:
    """The answers kept across requests are keyed by the whole request: an observation
    recorded after a preview changes the next preview (label: hold below 90 mmHg)."""
    from django.utils import timezone

    from hdil2.registry import services
    from hdil2.registry.users import system_user
    from hdil2.web.views.ward import board_rows

    course = _admit(90, ward["now"], ask=False)
    now = timezone.now()
    before = {b.course.pk: b for b in board_rows(now)}[course.pk]
    # the board previews without bedside findings: not evaluable, nothing fired
    assert before.stored is None
    assert before.advice["value"] == "not_evaluable"
    assert "label.sbp_below_90" not in [r["rule"] for r in before.advice["reasons"]]
    services.record_observation(course.patient_id, by=system_user("scale-test"),
                                course_id=course.pk, kind="vital", code="sbp",
                                value="85 mmHg", taken_at=(now - 1 * M).isoformat())
    after = {b.course.pk: b for b in board_rows(now)}[course.pk]
    assert after.advice["value"] == "hold"
    assert "label.sbp_below_90" in [r["rule"] for r in after.advice["reasons"]]
