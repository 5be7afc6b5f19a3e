"""The physician in the browser: enrol and screen a patient, plan a course, record two scans,
see the response, record a dose and the discharge, see the next-course advice, depart from the
advice with a reason, open the cohort dashboard.

The numbers are RECIST 1.1's (``recist1.1``): one target lesion of 100 mm at baseline and 70 mm
after course 1 is a 30 % decrease of the sum of diameters, the threshold of a partial response
("at least a 30 % decrease", RECIST 1.1 section 4.3.1); and the label's dose (``proleukin-label``):
600,000 IU/kg for 70 kg is 42,000,000 IU per administration.
"""

from __future__ import annotations

import re
import secrets

from .conftest import Tab, Tabs


def submit(tab: Tab, button: str, step: str) -> None:
    tab.page.get_by_role("button", name=button, exact=True).click()
    tab.page.wait_for_load_state("load")
    invalid = tab.page.locator("[aria-invalid=true]")
    assert not invalid.count(), f"{step}: refused\n{tab.page.locator('main').inner_text()}"
    tab.step(step)


def record_scan(tab: Tab, day: str, label: str, rows: list[tuple[str, str, str, str]], *,
                baseline: bool, after_course: str | None = None) -> None:
    """Record a scan of (lesion, kind, site, longest mm) rows from the patient's scans page."""
    page = tab.page
    page.get_by_role("link", name="Record a scan").click()
    page.wait_for_load_state("load")
    page.get_by_label("Scan date", exact=True).fill(day)
    page.get_by_label("Visit label", exact=True).fill(label)
    box = page.get_by_label(re.compile("^Baseline scan"))
    if box.is_enabled():
        box.set_checked(baseline)
    if after_course is not None:
        page.get_by_label("After course", exact=True).select_option(label=after_course)
    for i, (lesion, kind, site, longest) in enumerate(rows, start=1):
        page.get_by_label(f"Row {i} lesion id", exact=True).fill(lesion)
        if kind:
            page.get_by_label(f"Row {i} kind (new lesions only)",
                              exact=True).select_option(value=kind)
        if site:
            page.get_by_label(f"Row {i} site", exact=True).fill(site)
        page.get_by_label(f"Row {i} longest diameter, mm", exact=True).fill(longest)
    tab.step(f"scan form {label}")
    submit(tab, "Record the scan", f"scan recorded: {label}")


def enrol(tab: Tab, disease: str = "melanoma") -> str:
    """Enrol a new patient through the enrol page; the patient page's URL."""
    page = tab.page
    tab.goto("/patients/new/", "enrol form")
    page.get_by_label("Registry code", exact=True).fill(f"browser-{secrets.token_hex(3)}")
    page.get_by_label("Disease", exact=True).select_option(label=disease)
    page.get_by_label("Sex", exact=True).select_option(label="female")
    page.get_by_label("Birth date", exact=True).fill("1961-03-14")
    page.get_by_label("ECOG performance status (0-4)", exact=True).fill("0")
    submit(tab, "Enrol", "enrolled")
    assert re.search(r"/patients/\d+/$", page.url), page.url
    return str(page.url)


def plan_course(tab: Tab, patient_url: str, *, preview: bool) -> None:
    """Plan a course of hd-il2-600k for 70 kg from the patient's page."""
    page = tab.page
    page.goto(patient_url)
    page.get_by_role("link", name="Plan course").click()
    page.wait_for_load_state("load")
    page.get_by_label("Regimen", exact=True).select_option(value="hd-il2-600k")
    page.get_by_label("Weight before the course", exact=True).fill("70")
    page.get_by_label("First dose (ward's local date and time)",
                      exact=True).fill("2026-01-05T08:00")
    page.get_by_label("Ward time zone (IANA name)", exact=True).fill("America/New_York")
    if preview:
        submit(tab, "Preview dose and calendar", "course preview")
        shown = page.get_by_role("region", name="Preview (nothing written)")
        assert re.search(r"42[,\u202f ]?000[,\u202f ]?000 IU", shown.inner_text()), \
            shown.inner_text()
        tab.guide_shot("course-preview", focus=shown)
    submit(tab, "Plan the course", "course planned")
    assert re.search(r"/courses/\d+/$", page.url), page.url


def test_physician_flow(tabs: Tabs) -> None:
    tab = tabs("physician")
    page = tab.page
    patient_url = enrol(tab)

    # screen
    page.get_by_role("link", name="Screen", exact=True).click()
    page.wait_for_load_state("load")
    page.get_by_label("Planned day 1", exact=True).fill("2026-01-05")
    submit(tab, "Screen", "screened")
    assert page.get_by_role("heading", name=re.compile("^Eligibility")).is_visible()
    assert page.get_by_role("table", name=re.compile("^Every model")).is_visible()
    tab.guide_shot("screening")

    # plan a course: preview (42,000,000 IU a dose), then plan
    plan_course(tab, patient_url, preview=True)

    # two scans: 100 mm at baseline, 70 mm after course 1
    page.goto(patient_url)
    page.get_by_role("link", name="Scans", exact=True).click()
    page.wait_for_load_state("load")
    tab.step("scans page")
    record_scan(tab, "2025-12-20", "baseline", [("T1", "target", "liver", "100")],
                baseline=True)
    record_scan(tab, "2026-03-02", "after course 1", [("T1", "", "", "70")], baseline=False,
                after_course="course 1")

    # response by RECIST 1.1: -30 % is a partial response
    page.get_by_role("link", name="Response", exact=True).click()
    page.wait_for_load_state("load")
    page.get_by_label("Criteria", exact=True).select_option(value="recist1.1")
    submit(tab, "Assess the response", "response assessed")
    visits = page.get_by_role("table", name=re.compile("^Each visit"))
    follow_up = visits.get_by_role("row").filter(has_text="after course 1")
    text = follow_up.inner_text()
    assert "-30" in text, text
    assert "PR" in text, text
    tab.guide_shot("response-spider", focus=page.get_by_role("heading", name="Figures"))

    # the cohort dashboard
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohort").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).is_visible()
    tab.step("cohort dashboard")
    tab.guide_shot("cohort-dashboard")


def test_physician_departs_from_the_next_course_advice_with_a_reason(tabs: Tabs) -> None:
    tab = tabs("physician")
    page = tab.page
    tab.run_axe = False  # test_physician_flow checks the enrol and plan pages
    patient_url = enrol(tab, "renal cell carcinoma")
    plan_course(tab, patient_url, preview=False)
    tab.run_axe = True
    # one dose given (no advice asked: the departure needs its reason), then the discharge on
    # the ward's today; the 27 pending slots are recorded not given, as the form confirms
    page.get_by_label("Given", exact=True).check()
    page.get_by_role("button", name="Record slot 1", exact=True).click()
    page.get_by_label(re.compile("^Departure reason")).fill(
        "dose given before the advice was asked (browser test)")
    tab.step("dose departs from the advice: reason asked")
    page.get_by_role("button", name="Record slot 1", exact=True).click()
    page.get_by_role("heading", name="Discharge", exact=True).wait_for()
    tab.step("slot 1 given; the discharge offered")
    assert page.get_by_label(re.compile("^Discharge date")).input_value()  # the ward's today
    page.get_by_label(re.compile("^Record the 27 pending slots as not given")).check()
    submit(tab, "Record the discharge", "discharge recorded")
    assert page.get_by_text(re.compile("^Discharged on 20")).is_visible()
    page.get_by_role("link", name=re.compile("^Next-course advice for ")).click()
    page.wait_for_load_state("load")
    tab.step("next-course page")
    page.get_by_role("button", name="Ask for the next-course advice").click()
    page.wait_for_load_state("load")
    tab.step("next-course advice asked")
    refusal = page.get_by_text(re.compile("has no discharge date"))
    assert not refusal.count(), refusal.first.inner_text()
    advised = page.locator(".advice-value").inner_text()
    decision = page.get_by_label("Decision", exact=True)
    other = next(o for o in decision.locator("option").all_inner_texts() if o != advised)
    decision.select_option(label=other)
    reason = "tumour board: the patient prefers to pause (browser test)"
    page.get_by_label("Reason for departing from the advice", exact=True).fill(reason)
    submit(tab, "Record the decision", "decision departing from the advice")
    assert page.get_by_text(f"Departure from the advice: {reason}").is_visible()
    assert page.locator(".advice-value").inner_text() == advised  # the advice stays shown
    tab.guide_shot("next-course-decision",
                   focus=page.get_by_role("heading", name="Advice after course 1"))
