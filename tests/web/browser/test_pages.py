"""The pages every user meets: login, the sources, the error pages, logging out -- each checked by
axe-core and for CSP reports (see conftest)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import Tabs


def test_anonymous_is_sent_to_the_login_page_which_is_accessible(tabs: Tabs) -> None:
    tab = tabs(None)
    tab.page.goto("/ward/")
    assert "/login/" in tab.page.url
    tab.step("ward sends anonymous to login")
    assert tab.page.get_by_role("heading", level=1).inner_text() == "Log in"


def test_a_wrong_password_is_refused_on_the_login_page(tabs: Tabs, server: Any) -> None:
    tab = tabs(None)
    tab.page.goto("/login/")
    tab.page.get_by_label("User name").fill(server.logins["nurse"][0])
    tab.page.get_by_label("Password").fill("not the password")
    tab.page.get_by_role("button", name="Log in").click()
    assert "/login/" in tab.page.url
    tab.step("wrong password refused")


def test_sources_and_error_pages_are_accessible(tabs: Tabs) -> None:
    tab = tabs("viewer")
    tab.goto("/sources/", "sources")
    assert tab.page.locator("#lee2000").count() == 1
    tab.goto("/no/such/page/", "not found", status=404)
    assert tab.page.get_by_role("heading", level=1).inner_text() == "Not found"


def test_logging_out_ends_the_session(tabs: Tabs) -> None:
    tab = tabs("viewer")
    tab.page.get_by_role("button", name="Log out").click()
    tab.page.wait_for_load_state("load")
    tab.step("logged out")
    tab.page.goto("/ward/")
    assert "/login/" in tab.page.url


def test_negative_control_axe_reports_an_unlabelled_input_and_a_bare_image(axe: Any) -> None:
    # the checker must be able to fail: a form field without a label is critical (WCAG 4.1.2),
    # an image without a text alternative critical (WCAG 1.1.1), in axe-core's own impact words
    page = ('<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
            '<h1>t</h1><input type="text" name="x"><img src="/static/none.png"></main></body>'
            '</html>')
    found = {v["id"]: v["impact"] for v in axe.violations(page)}
    assert found.get("label") == "critical", found
    assert found.get("image-alt") == "critical", found


def test_negative_control_an_inline_script_is_reported_as_a_csp_violation(tabs: Tabs) -> None:
    # the flows' contexts enforce the application's CSP (script-src 'self'): an inline script
    # is refused and the refusal reaches the console, which Tab.step turns into a failure
    tab = tabs(None)
    tab.goto("/login/", "login")
    from playwright.sync_api import Error

    with pytest.raises(Error):  # the tag never loads: the browser refused it
        tab.page.add_script_tag(content="document.title = 'inline'")
    assert tab.page.title() != "inline"
    with pytest.raises(AssertionError, match="broke the CSP"):
        tab.step("after an inline script", accessible=False)


def test_the_read_pages_a_viewer_opens_are_accessible(tabs: Tabs) -> None:
    # the pages the two flows do not pass through: the patient list, the audit history, the
    # printable medication administration record, the design page
    tab = tabs("viewer")
    page = tab.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.wait_for_load_state("load")
    tab.step("patient list")
    page.get_by_label("Registry code starts with").fill("ward-01")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="ward-01", exact=True).click()
    page.wait_for_load_state("load")
    tab.step("patient ward-01 as viewer")
    assert page.get_by_role("link", name="Record observation").count() == 0
    page.get_by_role("link", name="Audit history").click()
    page.wait_for_load_state("load")
    tab.step("audit history")
    page.go_back()
    page.get_by_role("link", name="Course 1", exact=True).click()
    page.wait_for_load_state("load")
    tab.step("course of ward-01 as viewer")
    page.get_by_role("link", name=re.compile("^Medication administration record")).click()
    page.wait_for_load_state("load")
    tab.step("printable MAR")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Design").click()
    page.wait_for_load_state("load")
    tab.step("design and statistics")
