"""Recording a dose with the keyboard alone (WCAG 2.1.1): from the ward board to the course and
the record form with Tab, Enter and Space only -- no mouse click, no script setting a value."""

from __future__ import annotations

import re

from .conftest import Tab, Tabs

#: the focused element: its tag, type and accessible text (its label's, or its own)
FOCUSED = """() => { const e = document.activeElement; if (!e) return ["", "", ""];
  const label = e.labels && e.labels.length ? e.labels[0].textContent : e.textContent;
  return [e.tagName.toLowerCase(), e.type || "", (label || "").trim()]; }"""


def tab_to(tab: Tab, tag: str, text: str | re.Pattern[str], *, limit: int = 300) -> None:
    """Press Tab until the element ``tag`` whose text is ``text`` has the focus."""
    seen = []
    for _ in range(limit):
        tab.page.keyboard.press("Tab")
        name, _kind, label = tab.page.evaluate(FOCUSED)
        seen.append(f"{name}:{label[:40]}")
        match = text.fullmatch(label) if isinstance(text, re.Pattern) else label == text
        if name == tag and match:
            return
    raise AssertionError(f"Tab never reached {tag} {text!r}; focus went through {seen[-60:]}")


def test_recording_a_dose_with_the_keyboard_alone(tabs: Tabs) -> None:
    tab = tabs("nurse")
    page = tab.page
    tab_to(tab, "a", "ward-06")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/courses/\d+/$"))
    page.wait_for_load_state("load")
    tab.step("course of ward-06 reached by keyboard")
    record = page.get_by_role("button", name=re.compile(r"^Record slot \d+$"))
    slot = int(record.inner_text().split()[-1])
    tab_to(tab, "input", "Given")
    page.keyboard.press("Space")
    assert page.get_by_label("Given", exact=True).is_checked()
    tab_to(tab, "button", f"Record slot {slot}")
    tab.step("record button focused by keyboard", accessible=False)
    page.keyboard.press("Enter")
    calendar = page.get_by_role("table", name=re.compile("^Dose calendar"))
    row = calendar.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=str(slot), exact=True))
    row.get_by_text("by demo-nurse").wait_for()
    assert "given" in row.inner_text().lower(), row.inner_text()
    tab.step(f"slot {slot} given, recorded by keyboard")
