"""Issue 14: the patient pages - list (code prefix, disease, on treatment, 50 a page), one
patient (demographics, the stored screening with its reasons, timeline, actions by role) and the
audit history (who, when, old -> new, change reason)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest


@pytest.fixture(scope="module")
def cohort(web_db: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """Patients LIST-000 .. LIST-054 (rcc, LIST-054 on treatment), MEL-1 (melanoma), and
    SCR-1 screened (favourable by Motzer et al. 2002, mskcc2002), with a course and a
    creatinine toxicity recorded by the nurse."""
    from hdil2.registry import services
    from hdil2.registry.models import Course, Patient

    doctor = make_user("physician")
    for i in range(55):
        Patient(registry_id=f"LIST-{i:03d}", disease="rcc").save(by=doctor)
    last = Patient.objects.get(registry_id="LIST-054")
    Course(patient=last, number=1, regimen="hd-il2-600k", ward_tz="Europe/London",
           status="ongoing").save(by=doctor)
    Patient(registry_id="MEL-1", disease="melanoma").save(by=doctor)
    p = services.enrol(by=doctor, registry_id="SCR-1", disease="rcc", histology="clear_cell",
                       karnofsky=90, ecog=0, sex="female", birth_date="1960-05-17",
                       diagnosis_date="2020-01-15").rows[0]
    # Motzer et al. 2002: no factor (KPS 90, LDH 200 < 1.5 x 250, Hb 13 >= 12, Ca 9.5,
    # diagnosis more than a year before) -> favourable
    for code, value, lln, uln in [("ldh", "200 U/L", None, "250 U/L"),
                                  ("calcium", "9.5 mg/dL", None, None),
                                  ("albumin", "4.0 g/dL", None, None),
                                  ("hemoglobin", "13 g/dL", "12 g/dL", None)]:
        services.record_observation(p.pk, by=doctor, code=code, value=value, lln=lln, uln=uln,
                                    taken_at="2025-02-20T09:00+00:00")
    screened = services.screen(p.pk, by=doctor, planned_day1="2025-03-03")
    course = Course(patient=p, number=1, regimen="hd-il2-600k", ward_tz="America/New_York",
                    status="completed")
    course.save(by=doctor)
    nurse = make_user("nurse", "nurse_ana")
    tox = services.record_toxicity(
        p.pk, by=nurse, onset_at="2025-03-05T11:00+00:00", attribution="probable",
        course_id=course.pk, request={"term": "creatinine_increased", "value": "2.0 mg/dL",
                                      "uln": "1.2 mg/dL", "baseline": "0.9 mg/dL"}).rows[0]
    return {"patient": p, "advice": screened.advice, "course": course, "tox": tox}


def test_list_searches_by_code_prefix_and_pages_by_50(client_as: Any, cohort: Any) -> None:
    c = client_as("viewer")
    text = c.get("/patients/?code=list-").content.decode()
    assert "55 patients, page 1 of 2" in text
    assert len(re.findall(r'<a href="/patients/\d+/">LIST-', text)) == 50
    assert "MEL-1" not in text
    second = c.get("/patients/?code=list-&page=2").content.decode()
    assert len(re.findall(r'<a href="/patients/\d+/">LIST-', second)) == 5
    assert "Previous page" in second
    assert "code=list-" in second


def test_list_filters_disease_and_on_treatment(client_as: Any, cohort: Any) -> None:
    c = client_as("viewer")
    mel = c.get("/patients/?disease=melanoma").content.decode()
    assert "MEL-1" in mel
    assert "LIST-000" not in mel
    on = c.get("/patients/?on_treatment=1").content.decode()
    assert "LIST-054" in on
    assert "LIST-000" not in on
    assert "1 patient" in on
    assert c.get("/patients/?disease=gout").status_code == 400


def test_patient_page_shows_demographics_screening_with_reasons_and_timeline(
        client_as: Any, cohort: Any) -> None:
    p = cohort["patient"]
    text = client_as("viewer").get(f"/patients/{p.pk}/").content.decode()
    assert "<h1>Patient SCR-1" in text
    assert "1960-05-17" in text
    assert "renal cell carcinoma" in text
    assert "MSKCC 2002 (Motzer) prognostic model" in text
    assert "favourable" in text
    assert "median overall survival 30 months" in text  # Motzer et al. 2002, 0 factors
    assert "eligibility.label_minimum.verdict" in text  # the verdict's reasons shown
    assert 'href="/sources/#motzer2002"' in text
    course = cohort["course"]
    assert f'href="/courses/{course.pk}/"' in text
    assert "Creatinine increased: grade 2" in text
    # the toxicity's onset 11:00 UTC shown in the ward zone of the course: 06:00 EST
    assert "2025-03-05 06:00 EST" in text


@pytest.mark.parametrize(("role", "record", "plan"), [
    ("viewer", False, False), ("nurse", True, False), ("physician", True, True)])
def test_patient_actions_follow_the_role(client_as: Any, cohort: Any, role: str, record: bool,
                                         plan: bool) -> None:
    p = cohort["patient"]
    text = client_as(role).get(f"/patients/{p.pk}/").content.decode()
    assert (f'href="/patients/{p.pk}/toxicities/new/"' in text) is record
    assert (f'href="/patients/{p.pk}/observations/new/"' in text) is record
    assert (f'href="/patients/{p.pk}/screen/"' in text) is plan
    assert (f'href="/patients/{p.pk}/courses/new/"' in text) is plan


def test_history_shows_who_recorded_the_toxicity_and_the_change_reason(
        client_as: Any, cohort: Any) -> None:
    p, tox, advice = cohort["patient"], cohort["tox"], cohort["advice"]
    text = client_as("viewer").get(f"/patients/{p.pk}/history/").content.decode()
    row = re.search(rf"<td>nurse_ana</td>\s*<td>toxicity {tox.pk} .*?</tr>", text, re.S)
    assert row is not None
    assert f"screening advice {advice.pk}: mskcc2002 favourable" in text
    assert re.search(r"risk_group</th>\s*<td>— → favourable</td>", text)


def test_history_pages_by_100(client_as: Any, cohort: Any, make_user: Any) -> None:
    p = cohort["patient"]
    nurse = make_user("nurse", "nurse_ana")
    for i in range(110):  # 110 changes of one field, newest first: 109 .. 10 on page 1
        p.refresh_from_db()
        p.edit(by=nurse, site=f"site {i}", change_reason=f"moved {i}")
    c = client_as("viewer")
    first = c.get(f"/patients/{p.pk}/history/").content.decode()
    assert "page 1 of 2" in first
    assert "site 108 → site 109" in first
    assert ">moved 10<" in first
    assert ">moved 9<" not in first
    second = c.get(f"/patients/{p.pk}/history/?page=2").content.decode()
    assert ">moved 9<" in second
    assert ">moved 0<" in second


@pytest.mark.parametrize("url", ["/patients/", "/patients/{pk}/", "/patients/{pk}/history/"])
def test_patient_pages_refuse_anonymous_and_roleless(client_as: Any, cohort: Any,
                                                     url: str) -> None:
    url = url.format(pk=cohort["patient"].pk)
    r = client_as(None).get(url)
    assert r.status_code == 302
    assert r["Location"].startswith("/login/")
    assert client_as("").get(url).status_code == 403
    assert client_as("viewer").post(url).status_code == 405


def test_unknown_patient_is_404(client_as: Any, cohort: Any) -> None:
    assert client_as("viewer").get("/patients/999999/").status_code == 404


def test_age_is_completed_years() -> None:
    from hdil2.web.views.patient import age_on

    assert age_on(dt.date(1960, 5, 17), dt.date(2025, 5, 16)) == 64
    assert age_on(dt.date(1960, 5, 17), dt.date(2025, 5, 17)) == 65
    assert age_on(None, dt.date(2025, 5, 17)) is None


def test_every_page_of_the_synthetic_cohort_renders(client_as: Any, cohort: Any) -> None:
    from hdil2.registry import demo
    from hdil2.registry.models import Patient

    demo.load(11, 6)
    c = client_as("physician")
    demo_patients = Patient.objects.filter(registry_id__startswith="demo11-")
    assert demo_patients.count() == 6
    for p in demo_patients:
        page = c.get(f"/patients/{p.pk}/")
        assert page.status_code == 200, p.registry_id
        assert "<span class=\"tag\">synthetic data</span>" in page.content.decode()
        assert c.get(f"/patients/{p.pk}/history/").status_code == 200
        assert c.get(f"/patients/{p.pk}/toxicities/new/?term=fever").status_code == 200
        assert c.get(f"/patients/{p.pk}/observations/new/").status_code == 200
