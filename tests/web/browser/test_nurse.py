"""The nurse at the bedside, in the browser: the ward board, a course's dose calendar, the advice
with its reasons, a dose given, a dose held with its reason, observations, and a toxicity whose
CTCAE grade is computed as it is typed.

The demo ward (``hdil2 serve --demo``) is built by the label's rules (``proleukin-label``):
ward-01's next dose is advised ``give``; ward-03's systolic BP is 85 mmHg, so its next dose is
advised ``hold`` by rule ``label.sbp_below_90`` (hold for systolic BP below 90 mmHg).
"""

from __future__ import annotations

import re
from typing import Any

from .conftest import Tab, Tabs


def open_course(tab: Tab, code: str) -> None:
    """From the ward board, open the course of patient ``code``."""
    tab.page.goto("/ward/")
    tab.page.get_by_role("link", name=code, exact=True).click()
    tab.page.wait_for_load_state("load")
    assert re.search(r"/courses/\d+/$", tab.page.url), tab.page.url
    tab.step(f"course of {code}")


def answer_all_clear(tab: Tab) -> None:
    """Answer every bedside finding the label's hold rules read with its all-clear choice
    ("no", "none", "stable"; 0 hours)."""
    group = tab.page.get_by_role("group", name="Findings the label's hold rules read")
    for select in group.get_by_role("combobox").all():
        options = [o.strip() for o in select.locator("option").all_inner_texts()]
        clear = next(o for o in ("no", "none", "stable") if o in options)
        select.select_option(label=clear)
    for box in group.get_by_role("spinbutton").all():
        box.fill("0")


def pending_slot(tab: Tab) -> int:
    """The number of the pending slot, from the record button ("Record slot 7")."""
    name = tab.page.get_by_role("button", name=re.compile(r"^Record slot \d+$")).inner_text()
    return int(name.split()[-1])


def calendar_row(tab: Tab, slot: int) -> Any:
    table = tab.page.get_by_role("table", name=re.compile("^Dose calendar"))
    return table.get_by_role("row").filter(
        has=tab.page.get_by_role("rowheader", name=str(slot), exact=True))


def test_nurse_flow(tabs: Tabs) -> None:
    tab = tabs("nurse")
    page = tab.page
    # logging in opens the ward board
    assert page.get_by_role("heading", level=1).inner_text() == "Ward board"
    board = page.get_by_role("table", name=re.compile("^Next doses"))
    ward03 = board.get_by_role("row").filter(has=page.get_by_role("link", name="ward-03"))
    assert ward03.get_by_text("hold", exact=True).is_visible()
    ward03.get_by_text(re.compile(r"^Why \(")).click()
    assert ward03.get_by_text("label.sbp_below_90").is_visible()
    tab.step("ward board: ward-03 hold, its reasons open")
    tab.guide_shot("ward-board")

    # ward-01: ask the advice with the bedside findings, then record the dose as given
    open_course(tab, "ward-01")
    slot = pending_slot(tab)
    page.get_by_text("Get advice: bedside findings").click()
    answer_all_clear(tab)
    tab.step("bedside findings answered")
    page.get_by_role("button", name="Get advice").click()
    panel = page.locator("#pending")
    panel.get_by_text(re.compile(r"^Asked .* by demo-nurse")).wait_for()
    assert panel.locator(".decision .badge").first.inner_text() == "give"
    panel.get_by_text(re.compile(r"^Why \(")).first.click()
    tab.step("advice give with its reasons")
    tab.guide_shot("course-advice", focus=panel)
    page.get_by_label("Given", exact=True).check()
    assert page.get_by_label("Dose (IU)").input_value() != ""  # the planned dose, prefilled
    page.get_by_role("button", name=f"Record slot {slot}").click()
    row = calendar_row(tab, slot)
    row.get_by_text("given", exact=False).first.wait_for()
    assert "demo-nurse" in row.inner_text(), row.inner_text()
    tab.step(f"slot {slot} recorded as given")

    # ward-03: systolic BP 85 mmHg -> the stored advice is hold; record the hold with its reason
    open_course(tab, "ward-03")
    slot = pending_slot(tab)
    panel = page.locator("#pending")
    assert panel.locator(".decision .badge").first.inner_text() == "hold"
    # the reason is prefilled from the rule that fired
    assert "label.sbp_below_90" in page.get_by_label("Reason held").input_value()
    page.get_by_label("Held", exact=True).check()
    page.get_by_label("Reason held").fill("systolic BP 85 mmHg (label.sbp_below_90)")
    page.get_by_role("button", name=f"Record slot {slot}").click()
    row = calendar_row(tab, slot)
    row.get_by_text("systolic BP 85 mmHg").wait_for()
    assert "held" in row.inner_text().lower(), row.inner_text()
    tab.step(f"slot {slot} recorded as held with its reason")

    # observations of ward-03, from the patient's page
    page.get_by_role("link", name="Patient ward-03").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Patient ward-03")
    tab.step("patient ward-03")
    page.get_by_role("link", name="Record observation").click()
    page.wait_for_load_state("load")
    tab.step("observation form")
    page.get_by_label("Code").select_option(value="sbp")
    page.get_by_label("Value").fill("104")
    page.get_by_label("Unit").fill("mmHg")
    page.get_by_role("button", name="Record observation").click()
    page.wait_for_load_state("load")
    assert not page.locator("[aria-invalid=true]").count(), page.locator("main").inner_text()
    assert "/observations/new/" not in page.url, page.locator("main").inner_text()
    latest = page.get_by_role("table", name=re.compile("latest laboratory results"))
    assert re.search(r"sbp\s+104\s+mmHg", latest.get_by_role("row").nth(1).inner_text()), \
        latest.get_by_role("row").nth(1).inner_text()
    tab.step("observation recorded")

    # a toxicity graded from the values as they are typed (CTCAE v5.0 creatinine increased,
    # grade 2: >1.5 - 3.0 x ULN and >1.5 - 3.0 x baseline; 2.0 mg/dL is 1.67 x the ULN of 1.2
    # and 2.0 x the baseline of 1.0)
    page.get_by_role("link", name="Record toxicity").click()
    page.wait_for_load_state("load")
    page.get_by_label("CTCAE v5.0 term").select_option(label="Creatinine increased")
    form = page.locator("#tox-form")
    form.wait_for()
    tab.step("toxicity form for creatinine increased")
    form.get_by_label(re.compile(r"^Value")).press_sequentially("2.0 mg/dL")
    form.get_by_label(re.compile(r"^Uln|^Upper limit", re.I)).press_sequentially("1.2 mg/dL")
    form.get_by_label(re.compile(r"^Baseline")).press_sequentially("1.0 mg/dL")
    preview = page.locator("#grade-preview")
    preview.get_by_text(re.compile(r"grade 2 ")).wait_for()
    assert "grade 2 — Creatinine increased" in preview.inner_text(), preview.inner_text()
    tab.step("grade 2 computed as typed")
    tab.guide_shot("toxicity-grading")
    form.get_by_role("button", name="Record toxicity").click()
    page.wait_for_load_state("load")
    assert "/toxicities/new/" not in page.url, page.locator("main").inner_text()
    timeline = page.get_by_role("table", name=re.compile("^Courses, responses, toxicities"))
    tox = timeline.get_by_role("row").filter(has_text=re.compile("Creatinine increased", re.I))
    assert re.search(r"grade 2|G2", tox.first.inner_text(), re.I), tox.first.inner_text()
    tab.step("toxicity recorded")
