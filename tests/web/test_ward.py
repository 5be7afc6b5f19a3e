"""The ward board (``/ward/``, ``/ward/board/``) on the demo ward: the advice each patient's
next slot gets is what the Proleukin label's hold rules (``proleukin-label``) say; a GET writes
nothing; overdue slots and daylight-saving slots are flagged."""

from __future__ import annotations

import re
from typing import Any

import pytest

from registry.helpers import dump


def registry_rows() -> dict[str, Any]:
    """Every row of the registry's tables (login sessions and throttling left out)."""
    return {t: rows for t, rows in dump().items()
            if not t.startswith(("django_session", "axes_"))}


@pytest.fixture(scope="module")
def ward(web_db: dict[str, Any]) -> dict[str, Any]:
    from hdil2.registry import ward_demo

    return {c.patient.registry_id: c for c in ward_demo.load()}


def _rows(html: str) -> dict[str, str]:
    """The board's rows by patient code."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    out = {}
    for row in body.split("<tr>")[1:]:
        m = re.search(r">(ward-\d\d|[A-Z]+-[A-Z0-9-]+)</a>", row)
        assert m, row
        out[m.group(1)] = row
    return out


def test_board_shows_the_labels_advice_for_each_patient(ward: dict[str, Any],
                                                        client_as: Any) -> None:
    r = client_as("nurse").get("/ward/")
    assert r.status_code == 200
    rows = _rows(r.content.decode())
    # label: hold for systolic BP < 90 mmHg (ward-03's is 85), with its rule one click away
    assert 'class="badge hold">hold<' in rows["ward-03"]
    assert "<details" in rows["ward-03"]
    assert "label.sbp_below_90" in rows["ward-03"]
    # no creatinine since ward-04's last dose: not evaluable, saying what is not known
    assert "not evaluable" in rows["ward-04"]
    assert "Not known: creatinine" in rows["ward-04"]
    for code in ("ward-01", "ward-02", "ward-05", "ward-06", "ward-07", "ward-08"):
        assert 'class="badge give">give<' in rows[code], code
    # ward-05: dose 5 of cycle 1 held, doses 1-4 and 6-9 given
    assert "8 given, 1 held" in rows["ward-05"]
    assert "16" not in rows["ward-06"].split("given")[0][-6:]  # cycle 2 counts its own doses
    assert "2 given, 0 held" in rows["ward-06"]
    assert "course 1, cycle 2" in rows["ward-06"]
    # next slot: its number in the course, cycle and dose, time in the ward's zone
    assert "slot 17 (cycle 2, dose 3)" in rows["ward-06"]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d E[SD]T", rows["ward-01"])
    assert f'href="/courses/{ward["ward-03"].pk}/"' in rows["ward-03"]


def test_board_flags_the_overdue_slot_only(ward: dict[str, Any], client_as: Any) -> None:
    rows = _rows(client_as("viewer").get("/ward/board/").content.decode())
    # ward-07's slot 5 was due 1 h 20 min (to the 5 minutes) before the ward was loaded
    assert re.search(r"overdue by 1 h 2\d min", rows["ward-07"])
    assert [c for c, row in rows.items() if "overdue" in row] == ["ward-07"]


def test_board_is_sorted_by_the_next_slots_time(ward: dict[str, Any], client_as: Any) -> None:
    rows = _rows(client_as("viewer").get("/ward/board/").content.decode())
    demo = [c for c in rows if c.startswith("ward-")]
    assert demo == ["ward-07", "ward-02", "ward-06", "ward-03", "ward-01", "ward-04",
                    "ward-05", "ward-08"]


def test_a_get_of_the_board_writes_nothing_even_when_it_previews(
        ward: dict[str, Any], client_as: Any, make_user: Any) -> None:
    from hdil2.registry import services
    from hdil2.registry.models import Advice

    doctor = make_user("physician")
    p = services.enrol(by=doctor, registry_id="WARD-PREVIEW1", disease="rcc",
                       synthetic=True).rows[0]
    services.plan_course(p.pk, by=doctor, regimen="hd-il2-600k",
                         first_dose="2027-01-04T08:00", ward_tz="America/New_York",
                         weight="70 kg")
    services.record_observation(p.pk, by=doctor, kind="vital", code="sbp", value="85 mmHg",
                                taken_at="2027-01-04T07:30-05:00")
    client = client_as("nurse")
    n_advice = Advice.objects.count()
    before = registry_rows()
    for url in ("/ward/", "/ward/board/"):
        r = client.get(url)
        assert r.status_code == 200
    assert Advice.objects.count() == n_advice
    assert registry_rows() == before
    row = _rows(r.content.decode())["WARD-PREVIEW1"]
    # no advice stored for its first slot: the preview from the observations recorded up to
    # now (the bedside findings unknown): not evaluable, and not stored
    assert "preview from the observations recorded (not stored)" in row
    assert "not evaluable" in row


def test_board_flags_a_slot_on_the_november_2026_clock_change(
        ward: dict[str, Any], client_as: Any, make_user: Any) -> None:
    from hdil2.registry import services

    doctor = make_user("physician")
    p = services.enrol(by=doctor, registry_id="WARD-DST1", disease="melanoma",
                       synthetic=True).rows[0]
    # 01:30 on 2026-11-01 happens twice in New York (clocks go back at 02:00 EDT): the first
    services.plan_course(p.pk, by=doctor, regimen="hd-il2-600k",
                         first_dose="2026-11-01T01:30-04:00", ward_tz="America/New_York",
                         weight="70 kg")
    row = _rows(client_as("nurse").get("/ward/board/").content.decode())["WARD-DST1"]
    assert '<span class="dst">DST</span>' in row
    assert "local time 01:30 occurs twice" in row
    assert "2026-11-01 01:30 EDT" in row


def test_the_page_refreshes_its_board_every_minute_politely(ward: dict[str, Any],
                                                           client_as: Any) -> None:
    page = client_as("viewer").get("/ward/").content.decode()
    board = re.search(r'<div id="board"[^>]*>', page)
    assert board
    assert 'hx-get="/ward/board/"' in board.group(0)
    assert 'hx-trigger="every 60s"' in board.group(0)
    assert 'aria-live="polite"' in board.group(0)
    fragment = client_as("viewer").get("/ward/board/").content.decode()
    assert "<html" not in fragment
    assert "<table" in fragment


@pytest.mark.parametrize("url", ["/ward/", "/ward/board/"])
def test_the_board_refuses_anonymous_and_roleless_users_and_writes(
        url: str, ward: dict[str, Any], client_as: Any) -> None:
    r = client_as(None).get(url)
    assert r.status_code == 302
    assert r["Location"].startswith("/login/")
    assert client_as("").get(url).status_code == 403
    assert client_as("nurse").post(url).status_code == 405
