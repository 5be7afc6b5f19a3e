"""Screens the user guides show that the flows do not pass through: the login page, and a hold
that departs from the advice with the form asking for the departure's reason.

The flows in ``test_nurse.py`` and ``test_physician.py`` save the other guide screenshots with
:meth:`Tab.guide_shot` when ``HDIL2_DOCS_SCREENSHOTS`` is set; these tests check their pages
(CSP, axe-core) whether it is set or not, and write nothing to the registry.
"""

from __future__ import annotations

import re

from .conftest import Tabs


def test_login_page_for_the_guides(tabs: Tabs) -> None:
    tab = tabs(None)
    page = tab.page
    tab.goto("/login/", "login page")
    page.get_by_label("User name").fill(tab.server.logins["nurse"][0])
    assert page.get_by_role("button", name="Log in").is_visible()
    tab.step("login page, user name typed")
    tab.guide_shot("login")


def test_a_hold_against_the_advice_asks_its_reason(tabs: Tabs) -> None:
    """ward-02's next dose is advised *give* (the demo ward stores that advice); recording it
    held departs from the advice, so the form comes back asking why - and, until a reason is
    given, nothing is written."""
    tab = tabs("nurse")
    page = tab.page
    page.goto("/ward/")
    page.get_by_role("link", name="ward-02", exact=True).click()
    page.wait_for_load_state("load")
    panel = page.locator("#pending")
    assert panel.locator(".decision .badge").first.inner_text() == "give"
    button = page.get_by_role("button", name=re.compile(r"^Record slot \d+$"))
    slot = button.inner_text()
    page.get_by_label("Held", exact=True).check()
    page.get_by_label("Reason held").fill("patient declined this dose")
    button.click()
    reason = page.get_by_label(re.compile("^Departure reason"))
    reason.wait_for()
    reason.fill("patient declined this dose; attending informed")
    tab.step("hold against the advice: departure reason asked")
    tab.guide_shot("hold-departure", focus=panel)
    # nothing recorded yet: the slot is still pending
    assert page.get_by_role("button", name=slot).is_visible()
