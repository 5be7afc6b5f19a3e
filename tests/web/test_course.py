"""The course page (``/courses/<id>/``), its actions (``/courses/<id>/advise``,
``/slots/<id>/record``) and the printable MAR (``/courses/<id>/mar/``), against the Proleukin
label (``proleukin-label``): 600,000 IU/kg per dose, 14 doses per cycle on days 1-5 and 15-19,
hold for systolic BP < 90 mmHg."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from registry.helpers import dump


def registry_rows() -> dict[str, Any]:
    """Every row of the registry's tables (logins, sessions and throttling left out)."""
    return {t: rows for t, rows in dump().items()
            if not t.startswith(("django_session", "axes_", "auth_"))}


@pytest.fixture(scope="module")
def ward(web_db: dict[str, Any]) -> dict[str, Any]:
    from hdil2.registry import ward_demo

    return {c.patient.registry_id: c for c in ward_demo.load()}


def _pending(course: Any) -> Any:
    from hdil2.registry.services.treatment import course_slots

    return next(s for s in course_slots(course) if s.status == "scheduled")


def _planned(by: Any, code: str, first_dose: str, weight: str = "70 kg") -> Any:
    from hdil2.registry import services

    p = services.enrol(by=by, registry_id=code, disease="rcc", synthetic=True).rows[0]
    return services.plan_course(p.pk, by=by, regimen="hd-il2-600k", first_dose=first_dose,
                                ward_tz="America/New_York", weight=weight).rows[1]


def _entry(html: str) -> dict[str, str]:
    """The values the record form shows (inputs and the held reason)."""
    out = dict(re.findall(r'<input type="(?:text|number)"[^>]*name="(\w+)" id="\w+" '
                          r'value="([^"]*)"', html))
    m = re.search(r'<textarea name="reason"[^>]*>([^<]*)</textarea>', html)
    out["reason"] = m.group(1) if m else ""
    return out


def test_header_shows_600k_per_kg_for_70_kg_as_42_million_iu(ward: dict[str, Any],
                                                              client_as: Any) -> None:
    c = ward["ward-01"]  # 70 kg
    r = client_as("viewer").get(f"/courses/{c.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    # label: 600,000 IU/kg x 70 kg = 42,000,000 IU = 2.567 mg (18 MIU = 1.1 mg); 2 vials
    assert "42,000,000 IU" in html
    assert "2.567 mg" in html
    assert "<dt>Vials per dose</dt><dd>2</dd>" in html
    assert "70 kg (actual weight" in html


def test_calendar_has_28_slots_on_days_1_to_5_and_15_to_19(
        ward: dict[str, Any], client_as: Any, make_user: Any) -> None:
    # label: 14 doses q8h per cycle, cycles on days 1-5 and 15-19 (from a first dose at 08:00
    # the 14th dose is the last of day 5)
    c = _planned(make_user("physician"), "COURSE-CAL1", "2027-01-04T08:00")
    html = client_as("viewer").get(f"/courses/{c.pk}/").content.decode()
    assert "Dose calendar: 28 slots" in html
    cells = re.findall(r'<tr id="slot-\d+"[^>]*>\s*<th scope="row">(\d+)</th>\s*'
                       r"<td>(\d) / (\d+)</td>\s*<td>(\d+)</td>", html)
    assert len(cells) == 28
    assert [int(n) for n, *_ in cells] == list(range(1, 29))
    for cycle, days in (("1", {1, 2, 3, 4, 5}), ("2", {15, 16, 17, 18, 19})):
        mine = [(int(dose), int(day)) for _, cy, dose, day in cells if cy == cycle]
        assert [d for d, _ in mine] == list(range(1, 15))
        assert {day for _, day in mine} == days


def test_recording_a_given_dose_as_nurse_moves_the_slot_to_given(
        ward: dict[str, Any], client_as: Any, make_user: Any) -> None:
    from hdil2.registry import audit
    from hdil2.registry.models import DoseSlot

    c = ward["ward-01"]
    slot = _pending(c)
    assert slot.advice.value == "give"
    nurse = client_as("nurse", username="nurse-ada")
    page = nurse.get(f"/courses/{c.pk}/").content.decode()
    entry = _entry(page)
    assert entry["dose_iu"] == "42000000"  # prefilled: the planned dose
    assert entry["vials"] == "2"
    r = nurse.post(f"/slots/{slot.pk}/record", {
        "status": "given", "given_at": entry["given_at"], "dose_iu": entry["dose_iu"],
        "vials": entry["vials"], "version": slot.version})
    assert r.status_code == 302
    assert r["Location"] == f"/courses/{c.pk}/#slot-{slot.pk}"
    row = DoseSlot.objects.get(pk=slot.pk)
    assert row.status == "given"
    assert row.given_by.username == "nurse-ada"
    assert row.dose_iu == 42000000
    changes = audit.changes(row, include_creation=False)
    assert any(ch.field == "status" and ch.new == "given" for ch in changes)
    assert make_user("nurse", "nurse-ada").pk in {h.history_user_id for h in row.history.all()}
    after = nurse.get(f"/courses/{c.pk}/").content.decode()
    assert "by nurse-ada" in after


def test_a_departure_without_reason_names_it_and_keeps_what_was_typed(
        ward: dict[str, Any], client_as: Any) -> None:
    from hdil2.registry.models import DoseSlot

    c = ward["ward-03"]  # hold advised: systolic BP 85 mmHg
    slot = _pending(c)
    assert slot.advice.value == "hold"
    nurse = client_as("nurse")
    page = nurse.get(f"/courses/{c.pk}/").content.decode()
    assert "label.sbp_below_90" in page  # the advice's reasons, and the hold reason prefilled
    assert re.search(r'<textarea name="reason"[^>]*>label\.sbp_below_90</textarea>', page)
    assert 'id="departure_reason"' not in page
    typed = {"status": "given", "given_at": "2026-12-01T23:58", "dose_iu": "38400000",
             "vials": "2", "version": slot.version}
    before = registry_rows()
    r = nurse.post(f"/slots/{slot.pk}/record", typed)
    assert r.status_code == 400
    html = r.content.decode()
    assert registry_rows() == before
    assert 'id="departure_reason"' in html
    assert 'id="err-departure_reason"' in html
    assert "'hold'" in html.replace("&#x27;", "'")
    for value in ("2026-12-01T23:58", "38400000"):
        assert f'value="{value}"' in html
    assert 'value="given" id="status-given" checked' in html
    # with a reason it is recorded, the departure kept on the slot
    r2 = nurse.post(f"/slots/{slot.pk}/record",
                    {**typed, "dose_iu": "38400000",
                     "departure_reason": "SBP 98 after a fluid bolus; attending agreed"})
    assert r2.status_code == 302
    row = DoseSlot.objects.get(pk=slot.pk)
    assert row.status == "given"
    assert row.departure_reason.startswith("SBP 98")


def test_holding_as_advised_takes_the_advices_rule(ward: dict[str, Any], make_user: Any,
                                                   client_as: Any) -> None:
    from hdil2.registry import services
    from hdil2.registry.models import DoseSlot

    nurse = make_user("nurse")
    now = dt.datetime.now(dt.UTC)
    first = (now + dt.timedelta(hours=3)).astimezone(ZoneInfo("America/New_York"))
    c = _planned(nurse, "COURSE-HOLD1", first.strftime("%Y-%m-%dT%H:00"))
    services.record_observation(c.patient_id, by=nurse, kind="vital", code="sbp",
                                value="85 mmHg", taken_at=now - dt.timedelta(minutes=10))
    client = client_as("nurse")
    r = client.post(f"/courses/{c.pk}/advise", {"bedside.mental_status_change": "no"})
    assert r.status_code == 302
    slot = _pending(c)
    assert slot.advice.value == "hold"
    assert "label.sbp_below_90" in [x["rule"] for x in slot.advice.answer["reasons"]]
    assert slot.advice.request["observations"]["mental_status_change"] is False
    entry = _entry(client.get(f"/courses/{c.pk}/").content.decode())
    assert entry["reason"] == "label.sbp_below_90"
    r = client.post(f"/slots/{slot.pk}/record", {"status": "held", "reason": entry["reason"],
                                                 "version": slot.version})
    assert r.status_code == 302
    row = DoseSlot.objects.get(pk=slot.pk)
    assert row.status == "held"
    assert row.reason == "label.sbp_below_90"


def test_a_stale_form_shows_the_conflict_and_writes_nothing(
        ward: dict[str, Any], client_as: Any) -> None:
    c = ward["ward-06"]
    slot = _pending(c)
    a = client_as("nurse", username="nurse-a")
    b = client_as("nurse", username="nurse-b")
    seen = _entry(a.get(f"/courses/{c.pk}/").content.decode())
    r = b.post(f"/slots/{slot.pk}/record", {
        "status": "given", "given_at": "2026-12-01T08:04", "dose_iu": str(c.planned_dose_iu),
        "vials": "2", "version": slot.version})
    assert r.status_code == 302
    before = registry_rows()
    mine = {"status": "given", "given_at": "2026-12-01T08:09",
            "dose_iu": seen["dose_iu"], "vials": "2", "version": slot.version}
    r = a.post(f"/slots/{slot.pk}/record", mine)
    assert r.status_code == 409
    assert registry_rows() == before
    html = r.content.decode()
    assert 'class="conflict"' in html
    assert "nurse-b recorded slot 2.3 as given at 08:04 EST" in html
    assert "nothing of yours was written" in html
    assert "given at 2026-12-01T08:09" in html
    # htmx: the same, swapped into the page (200: htmx swaps only successful responses)
    r = a.post(f"/slots/{slot.pk}/record", mine, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "<html" not in r.content.decode()
    assert 'class="conflict"' in r.content.decode()


def test_bad_input_names_the_field_and_keeps_the_values(ward: dict[str, Any],
                                                        client_as: Any) -> None:
    c = ward["ward-08"]
    slot = _pending(c)
    before = registry_rows()
    r = client_as("nurse").post(f"/slots/{slot.pk}/record", {
        "status": "given", "given_at": "yesterday evening", "dose_iu": "40800000",
        "vials": "2", "version": slot.version})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="err-given_at"' in html
    assert 'value="yesterday evening"' in html
    assert registry_rows() == before
    r = client_as("nurse").post(f"/slots/{slot.pk}/record", {"version": slot.version})
    assert 'id="err-status"' in r.content.decode()
    # a wall-clock time that happens twice in New York must carry its offset
    r = client_as("nurse").post(f"/slots/{slot.pk}/record", {
        "status": "given", "given_at": "2026-11-01T01:30", "dose_iu": "40800000",
        "version": slot.version})
    assert "occurs twice or not at all" in r.content.decode()
    assert registry_rows() == before


def test_an_htmx_record_swaps_the_live_region(ward: dict[str, Any], client_as: Any) -> None:
    c = ward["ward-02"]
    slot = _pending(c)
    r = client_as("nurse").post(f"/slots/{slot.pk}/record", {
        "status": "given", "given_at": "2026-12-02T09:00", "dose_iu": str(c.planned_dose_iu),
        "vials": "2", "version": slot.version}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    html = r.content.decode()
    assert html.startswith('<div id="course-live" aria-live="polite">')
    assert "Recorded slot 1.1 as given." in html
    page = client_as("viewer").get(f"/courses/{c.pk}/").content.decode()
    assert 'hx-target="#course-live"' not in page  # a viewer sees no form


def test_dst_a_course_across_the_november_2026_change_flags_the_slot(
        ward: dict[str, Any], client_as: Any, make_user: Any) -> None:
    c = _planned(make_user("physician"), "COURSE-DST1", "2026-10-30T06:00")
    html = client_as("viewer").get(f"/courses/{c.pk}/").content.decode()
    # 2026-11-01: New York's clocks go back at 02:00; 22:00 EDT -> 06:00 EST is 9 hours
    assert html.count('<span class="dst">DST</span>') == 1
    row7 = html.split('<th scope="row">7</th>', 1)[1].split("</tr>", 1)[0]
    assert '<span class="dst">DST</span>' in row7
    assert "daylight-saving change: 9 h since the previous dose" in html
    assert "2026-11-01 06:00 EST" in html
    mar = client_as("viewer").get(f"/courses/{c.pk}/mar/").content.decode()
    assert "2026-11-01 06:00 EST (DST: daylight-saving change: 9 h" in mar


def test_the_mar_lists_every_slot_with_who_gave_it_and_prints_without_navigation(
        ward: dict[str, Any], client_as: Any) -> None:
    from pathlib import Path

    import hdil2.web

    c = ward["ward-05"]
    r = client_as("viewer").get(f"/courses/{c.pk}/mar/")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count("<tr>") == 1 + 28  # header + every slot
    assert "label.sbp_below_90" in html  # dose 5 held, with the rule that held it
    assert "hdil2-demo" in html  # given by
    assert "42,000,000" not in html  # 75 kg
    assert "45,000,000 IU" in html  # label: 600,000 IU/kg x 75 kg
    assert "hdil2/ward.css" in html
    css = (Path(hdil2.web.__file__).parent / "static/hdil2/ward.css").read_text()
    assert "@media print" in css


@pytest.mark.parametrize("action", ["advise", "record"])
def test_advise_and_record_refuse_viewers_anonymous_and_gets(
        action: str, ward: dict[str, Any], client_as: Any) -> None:
    c = ward["ward-04"]
    slot = _pending(c)
    url = f"/courses/{c.pk}/advise" if action == "advise" else f"/slots/{slot.pk}/record"
    before = registry_rows()
    data = {"status": "held", "reason": "x", "version": slot.version}
    assert client_as("viewer").post(url, data).status_code == 403
    assert client_as("data_manager").post(url, data).status_code == 403
    r = client_as(None).post(url, data)
    assert r.status_code == 302
    assert r["Location"].startswith("/login/")
    assert client_as("nurse").get(url).status_code == 405
    assert registry_rows() == before


@pytest.mark.parametrize("suffix", ["", "mar/"])
def test_course_pages_refuse_anonymous_and_roleless(suffix: str, ward: dict[str, Any],
                                                    client_as: Any) -> None:
    url = f"/courses/{ward['ward-04'].pk}/{suffix}"
    assert client_as(None).get(url).status_code == 302
    assert client_as("").get(url).status_code == 403
    assert client_as("viewer").get(url).status_code == 200
    assert client_as("viewer").get("/courses/999999/").status_code == 404
