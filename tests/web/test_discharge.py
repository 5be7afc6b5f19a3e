"""The discharge after a course on the course page (``/courses/<id>/discharge``) and in the API
(``POST /api/v1/courses/{id}/discharge``): the date the label's rest of at least 7 weeks before
another course counts from (``proleukin-label``: "a rest period of at least 7 weeks from the date
of hospital discharge"), recorded by the ward (capability ``record``: nurse, physician).

Boundaries: a discharge on the ward date of the last dose given is accepted, the day before is
refused naming ``discharged_on`` (the patient was given a dose on the ward that day), tomorrow is
refused (it has not happened).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from registry.helpers import dump

API = "/api/v1"


def registry_rows() -> dict[str, Any]:
    """Every row of the registry's tables (logins, sessions, throttling, tokens left out)."""
    return {t: rows for t, rows in dump().items()
            if not t.startswith(("django_session", "axes_", "auth_", "web_apitoken"))}


def _course(by: Any, code: str, given: int) -> Any:
    """A course of hd-il2-600k from 2025-03-03 08:00 London (28 slots), ``given`` slots given
    (slot 3 is 2025-03-04 00:00 London: the last dose's ward date is 2025-03-04)."""
    from hdil2.registry import services
    from hdil2.registry.models import Course, DoseSlot

    p = services.enrol(by=by, registry_id=code, disease="rcc", synthetic=True).rows[0]
    course = services.plan_course(p.pk, by=by, regimen="hd-il2-600k",
                                  first_dose="2025-03-03T08:00", ward_tz="Europe/London",
                                  weight="70 kg").rows[1]
    for s in DoseSlot.objects.filter(cycle__course=course).order_by(
            "cycle__number", "number")[:given]:
        services.record_dose(s.pk, s.version, by=by, status="given", given_at=s.scheduled_at,
                             dose_iu=course.planned_dose_iu, departure_reason="test: no advice")
    return Course.objects.get(pk=course.pk)


@pytest.fixture(scope="module")
def nurse(make_user: Callable[..., Any]) -> Any:
    return make_user("nurse")


def _form(course: Any, day: str, close: bool = True, version: int | None = None
          ) -> dict[str, str]:
    return {"discharged_on": day, "close_pending": "yes" if close else "",
            "version": str(course.version if version is None else version)}


def test_the_course_page_offers_the_discharge_once_a_dose_is_recorded(
        client_as: Callable[..., Any], nurse: Any) -> None:
    none = _course(nurse, "DSC-P0", given=0)
    page = client_as("nurse").get(f"/courses/{none.pk}/").content.decode()
    assert 'id="discharge"' not in page  # nothing to discharge from
    one = _course(nurse, "DSC-P1", given=3)
    page = client_as("nurse").get(f"/courses/{one.pk}/").content.decode()
    assert f'action="/courses/{one.pk}/discharge"' in page
    assert re.search(r'<label for="discharged_on">Discharge date', page)
    assert "Record the 25 pending slots as not given (the first: slot 4, cycle 1" in page
    viewer = client_as("viewer").get(f"/courses/{one.pk}/").content.decode()
    assert 'id="discharge"' in viewer
    assert f'action="/courses/{one.pk}/discharge"' not in viewer


def test_discharge_the_day_before_the_last_dose_is_refused_and_keeps_the_values(
        client_as: Callable[..., Any], nurse: Any) -> None:
    course = _course(nurse, "DSC-B1", given=3)
    before = registry_rows()
    r = client_as("nurse").post(f"/courses/{course.pk}/discharge",
                                _form(course, "2025-03-03"))
    assert r.status_code == 400
    page = r.content.decode()
    assert re.search(r'id="discharged_on" value="2025-03-03"[^>]*aria-invalid="true"', page)
    assert re.search(r'id="err-discharged_on">2025-03-03 is before the last dose given or held '
                     r'\(slot 1\.3[^<]*on 2025-03-04', page), page
    assert re.search(r'id="close_pending" checked', page)  # the confirmation typed is kept
    assert registry_rows() == before


def test_discharge_tomorrow_is_refused(client_as: Callable[..., Any], nurse: Any) -> None:
    from django.utils import timezone

    course = _course(nurse, "DSC-B2", given=3)
    tomorrow = (timezone.now().astimezone(dt.timezone(dt.timedelta(hours=14))).date()
                + dt.timedelta(days=1)).isoformat()
    before = registry_rows()
    r = client_as("nurse").post(f"/courses/{course.pk}/discharge", _form(course, tomorrow))
    assert r.status_code == 400
    assert "is in the future" in r.content.decode()
    r = client_as("nurse").post(f"/courses/{course.pk}/discharge", _form(course, "4 March"))
    assert r.status_code == 400
    assert 'value="4 March"' in r.content.decode()
    assert registry_rows() == before


def test_pending_slots_are_closed_only_when_confirmed(
        client_as: Callable[..., Any], nurse: Any) -> None:
    course = _course(nurse, "DSC-B3", given=3)
    before = registry_rows()
    r = client_as("nurse").post(f"/courses/{course.pk}/discharge",
                                _form(course, "2025-03-04", close=False))
    assert r.status_code == 400
    assert re.search(r'id="err-close_pending">25 slot\(s\)', r.content.decode())
    assert registry_rows() == before


def test_discharge_on_the_day_of_the_last_dose_completes_the_course_and_links_the_advice(
        client_as: Callable[..., Any], nurse: Any) -> None:
    from hdil2.registry.models import Course

    course = _course(nurse, "DSC-OK", given=3)
    r = client_as("nurse").post(f"/courses/{course.pk}/discharge", _form(course, "2025-03-04"))
    assert r.status_code == 302
    assert r["Location"] == f"/courses/{course.pk}/#discharge"
    row = Course.objects.get(pk=course.pk)
    assert (row.discharged_on, row.status, row.ended_on) == (
        dt.date(2025, 3, 4), "completed", dt.date(2025, 3, 4))
    assert row.history.first().history_user.username == "test-nurse"
    page = client_as("viewer").get(f"/courses/{course.pk}/").content.decode()
    assert "Discharged on 2025-03-04" in page
    assert f'href="/patients/{course.patient_id}/next-course/"' in page
    assert f'action="/courses/{course.pk}/discharge"' not in page


def test_a_stale_discharge_form_shows_the_conflict_and_writes_nothing(
        client_as: Callable[..., Any], nurse: Any, make_user: Callable[..., Any]) -> None:
    from hdil2.registry import services

    course = _course(nurse, "DSC-ST", given=3)
    stale = course.version
    services.record_discharge(course.pk, course.version, by=make_user("physician"),
                              discharged_on="2025-03-05", close_pending=True)
    before = registry_rows()
    r = client_as("nurse").post(f"/courses/{course.pk}/discharge",
                                _form(course, "2025-03-06", version=stale))
    assert r.status_code == 409
    page = r.content.decode()
    assert "Conflict: nothing of yours was written" in page
    assert re.search(r"test-physician changed course 1 at 20\d\d-\d\d-\d\d \d\d:\d\d", page)
    assert "Your entry: discharged on 2025-03-06; pending slots recorded not given" in page
    assert "discharged on: None -&gt; 2025-03-05" in page
    assert registry_rows() == before


@pytest.mark.parametrize(("role", "status"), [
    (None, 302), ("", 403), ("viewer", 403), ("data_manager", 403), ("admin", 403)])
def test_discharge_refuses_anonymous_and_roles_without_record(
        client_as: Callable[..., Any], nurse: Any, role: str | None, status: int) -> None:
    course = _course(nurse, f"DSC-R{role}", given=1)
    before = registry_rows()
    r = client_as(role).post(f"/courses/{course.pk}/discharge", _form(course, "2025-03-03"))
    assert r.status_code == status
    if role is None:
        assert r["Location"].startswith("/login/")
    assert registry_rows() == before


def test_discharge_by_a_physician_and_get_is_405(
        client_as: Callable[..., Any], nurse: Any) -> None:
    course = _course(nurse, "DSC-PH", given=1)
    assert client_as("nurse").get(f"/courses/{course.pk}/discharge").status_code == 405
    r = client_as("physician").post(f"/courses/{course.pk}/discharge",
                                    _form(course, "2025-03-03"))
    assert r.status_code == 302


# -- the API ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def token_of(make_user: Callable[..., Any]) -> Callable[[str], str]:
    from hdil2.web.models import ApiToken

    made: dict[str, str] = {}

    def token(role: str) -> str:
        if role not in made:
            made[role] = ApiToken.issue(make_user(role, f"dapi-{role or 'norole'}"),
                                        "tests")[1]
        return made[role]

    return token


def _post(course_id: int, body: Any, token: str | None) -> Any:
    from django.test import Client

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(f"{API}/courses/{course_id}/discharge", json.dumps(body),
                         content_type="application/json", headers=headers)


def test_api_discharge_boundaries_roles_and_conflict(
        token_of: Callable[[str], str], nurse: Any) -> None:
    from hdil2.registry.models import Course

    course = _course(nurse, "DSC-API", given=3)
    body = {"version": course.version, "discharged_on": "2025-03-03", "close_pending": True}
    before = registry_rows()
    r = _post(course.pk, body, token_of("nurse"))
    assert r.status_code == 400, r.content
    assert r.json()["errors"][0]["field"] == "discharged_on"
    assert _post(course.pk, {**body, "discharged_on": "2025-03-04"},
                 token_of("viewer")).status_code == 403
    assert _post(course.pk, {**body, "discharged_on": "2025-03-04"}, None).status_code == 401
    r = _post(course.pk, {**body, "discharged_on": "2025-03-04", "close_pending": False},
              token_of("nurse"))
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "close_pending"
    assert _post(999_999, body, token_of("nurse")).status_code == 404
    assert registry_rows() == before
    r = _post(course.pk, {**body, "discharged_on": "2025-03-04"}, token_of("physician"))
    assert r.status_code == 200, r.content
    out = r.json()
    row = Course.objects.get(pk=course.pk)
    assert out["rows"][0] == {"table": "Course", "id": course.pk, "version": row.version,
                              "label": row.label()}
    assert len(out["rows"]) == 1 + 25
    assert (row.discharged_on, row.status) == (dt.date(2025, 3, 4), "completed")
    before = registry_rows()
    r = _post(course.pk, {**body, "discharged_on": "2025-03-05"}, token_of("nurse"))
    assert r.status_code == 409, r.content
    assert r.json()["conflict"]["changed_by"] == "dapi-physician"
    r = _post(course.pk, {**body, "version": row.version, "discharged_on": "2025-03-05"},
              token_of("nurse"))
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "reason"
    assert registry_rows() == before
