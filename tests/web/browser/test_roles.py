"""What a role may not do, seen from the browser: a viewer has no button to record a dose and a
forced POST is refused (403, nothing written); a nurse has no link to plan a course and the page
and a forced POST are refused (403)."""

from __future__ import annotations

import re

from .conftest import Tab, Tabs


def csrf_token(tab: Tab) -> str:
    """The CSRF token the page gives htmx (``hx-headers`` on ``<body>``)."""
    headers = tab.page.locator("body").get_attribute("hx-headers") or ""
    found = re.search(r'"X-CSRFToken": "([^"]+)"', headers)
    assert found, headers
    return found[1]


def forced_post(tab: Tab, path: str, form: dict[str, str]) -> tuple[int, str]:
    """POST ``form`` to ``path`` with the user's session and a valid CSRF token."""
    response = tab.page.request.post(path, form=form, headers={
        "X-CSRFToken": csrf_token(tab), "Referer": tab.server.url + "/"},
        max_redirects=0)
    return response.status, response.text()


def test_a_viewer_cannot_record_a_dose(tabs: Tabs) -> None:
    tab = tabs("viewer")
    page = tab.page
    page.get_by_role("link", name="ward-08", exact=True).click()
    page.wait_for_load_state("load")
    tab.step("course of ward-08 as viewer")
    assert page.get_by_role("table", name=re.compile("^Dose calendar")).is_visible()
    assert page.get_by_role("button", name=re.compile("^Record slot")).count() == 0
    assert page.get_by_role("button", name="Get advice").count() == 0
    pending = page.locator("tr.current")
    slot_id = (pending.get_attribute("id") or "").removeprefix("slot-")
    assert slot_id.isdigit(), slot_id
    before = pending.inner_text()
    status, body = forced_post(tab, f"/slots/{slot_id}/record", {
        "status": "given", "given_at": "", "dose_iu": "40800000", "vials": "", "version": "1"})
    assert status == 403, (status, body[:2000])
    assert "Not allowed" in body, body[:2000]
    assert "Form expired" not in body, body[:2000]  # refused for the role, not for the CSRF
    page.reload()
    assert page.locator(f"#slot-{slot_id}").inner_text() == before  # nothing written
    tab.step("forced POST refused, slot unchanged")


def test_a_nurse_cannot_plan_a_course(tabs: Tabs) -> None:
    tab = tabs("nurse")
    page = tab.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.get_by_label("Registry code starts with").fill("ward-08")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="ward-08", exact=True).click()
    page.wait_for_load_state("load")
    tab.step("patient ward-08 as nurse")
    assert page.get_by_role("link", name="Plan course").count() == 0
    assert page.get_by_role("link", name="Screen", exact=True).count() == 0
    patient = re.search(r"/patients/(\d+)/$", page.url)
    assert patient, page.url
    tab.goto(f"/patients/{patient[1]}/courses/new/", "plan page refused", status=403)
    assert page.get_by_role("heading", level=1).inner_text() == "Not allowed"
    status, body = forced_post(tab, f"/patients/{patient[1]}/courses/new/", {
        "action": "plan", "regimen": "hd-il2-600k", "weight": "70", "weight_unit": "kg",
        "first_dose": "2027-01-04T08:00", "ward_tz": "America/New_York"})
    assert status == 403, (status, body[:2000])
    assert "Not allowed" in body, body[:2000]
    assert "Form expired" not in body, body[:2000]
