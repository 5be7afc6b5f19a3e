"""Issue 14: observation and toxicity entry, with the CTCAE v5.0 grade (ctcae5) computed from
the raw values as they are typed. The numbers are the CTCAE v5.0 text of Creatinine increased:
G1 >ULN - 1.5 x ULN; G2 >1.5 - 3.0 x baseline, >1.5 - 3.0 x ULN; G3 >3.0 x baseline,
>3.0 - 6.0 x ULN; G4 >6.0 x ULN."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from registry.helpers import dump as dump_all

UTC = dt.UTC
CREATININE = {"term": "creatinine_increased", "r_value": "2.0 mg/dL", "r_uln": "1.2 mg/dL",
              "r_baseline": "0.9 mg/dL"}
EVENT = {"onset_at": "2025-03-05T06:00", "tz": "Europe/London", "attribution": "probable"}


@pytest.fixture(scope="module")
def patient(web_db: dict[str, Any], make_user: Any) -> Any:
    from hdil2.registry import services
    from hdil2.registry.models import Course

    doctor = make_user("physician")
    p = services.enrol(by=doctor, registry_id="ENTRY-1", disease="rcc").rows[0]
    Course(patient=p, number=1, regimen="hd-il2-600k", ward_tz="Europe/London",
           status="ongoing").save(by=doctor)
    return p


def dump() -> dict[str, Any]:
    """Every row of the registry's tables (logins and sessions left out)."""
    return {k: v for k, v in dump_all().items() if k.startswith("registry_")}


def _tox_url(p: Any) -> str:
    return f"/patients/{p.pk}/toxicities/new/"


def _obs_url(p: Any) -> str:
    return f"/patients/{p.pk}/observations/new/"


def test_preview_creatinine_2_0_uln_1_2_baseline_0_9_is_grade_2_and_writes_nothing(
        client_as: Any, patient: Any) -> None:
    before = dump()
    r = client_as("nurse").post("/grade/preview/", CREATININE)
    assert r.status_code == 200
    text = r.content.decode()
    # 2.0 / 1.2 = 1.67 x ULN and 2.0 / 0.9 = 2.2 x baseline: both within >1.5 - 3.0
    assert "grade 2" in text
    assert "&gt;1.5 - 3.0 x baseline; &gt;1.5 - 3.0 x ULN" in text
    assert "ctcae5.creatinine.uln_clause" in text
    assert "ctcae5.creatinine.baseline_clause" in text
    assert dump() == before


def test_preview_exactly_3_0_x_uln_is_grade_2_and_just_above_is_grade_3(
        client_as: Any, patient: Any) -> None:
    c = client_as("nurse")
    at = {"term": "creatinine_increased", "r_value": "3.6 mg/dL", "r_uln": "1.2 mg/dL",
          "r_baseline": "1.2 mg/dL"}
    # 3.6 = 3.0 x ULN and 3.0 x baseline: "1.5 - 3.0 x" includes 3.0, so grade 2
    assert "grade 2" in c.post("/grade/preview/", at).content.decode()
    above = {**at, "r_value": "3.61 mg/dL"}  # > 3.0 x ULN: grade 3
    assert "grade 3" in c.post("/grade/preview/", above).content.decode()


def test_preview_without_baseline_is_not_evaluable_and_names_what_is_missing(
        client_as: Any, patient: Any) -> None:
    r = client_as("nurse").post("/grade/preview/", {
        "term": "creatinine_increased", "r_value": "2.0 mg/dL", "r_uln": "1.2 mg/dL"})
    text = r.content.decode()
    assert "Grade not evaluable" in text
    assert "G2, G3" in text
    assert "baseline" in text


def test_preview_bad_value_names_the_field(client_as: Any, patient: Any) -> None:
    r = client_as("nurse").post("/grade/preview/", {**CREATININE, "r_value": "2.0"})
    assert r.status_code == 200
    assert "value: expected a number followed by a unit" in r.content.decode()


def test_toxicity_is_recorded_with_grade_2(client_as: Any, make_user: Any,
                                           patient: Any) -> None:
    from hdil2.registry.models import Toxicity

    r = client_as("nurse").post(_tox_url(patient), {**CREATININE, **EVENT, "action": "record",
                                                    "course": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert r["Location"] == f"/patients/{patient.pk}/"
    tox = Toxicity.objects.filter(patient=patient).latest("pk")
    assert (tox.grade, tox.grade_computed, tox.override_reason) == (2, 2, "")
    assert tox.term == "Creatinine increased"
    assert tox.raw_values == {"term": "creatinine_increased", "value": "2.0 mg/dL",
                              "uln": "1.2 mg/dL", "baseline": "0.9 mg/dL"}
    # 06:00 in London on 5 March 2025 is GMT (UTC+0)
    assert tox.onset_at == dt.datetime(2025, 3, 5, 6, tzinfo=UTC)
    assert tox.created_by == make_user("nurse")
    assert tox.attribution == "probable"


def test_toxicity_bad_value_names_its_field_keeps_every_value_and_writes_nothing(
        client_as: Any, patient: Any) -> None:
    before = dump()
    form = {**CREATININE, **EVENT, "r_value": "2.0", "action": "record",
            "override_reason": "kept text"}
    r = client_as("nurse").post(_tox_url(patient), form)
    assert r.status_code == 400
    text = r.content.decode()
    assert 'id="t-value-err"' in text
    assert "a unit" in text
    for kept in ('value="2.0"', 'value="1.2 mg/dL"', 'value="0.9 mg/dL"',
                 'value="2025-03-05T06:00"', 'value="Europe/London"',
                 '<option value="probable" selected>', "kept text"):
        assert kept in text, kept
    assert dump() == before


def test_toxicity_other_grade_needs_a_reason(client_as: Any, patient: Any) -> None:
    before = dump()
    r = client_as("nurse").post(_tox_url(patient), {**CREATININE, **EVENT, "grade": "3",
                                                    "action": "record"})
    assert r.status_code == 400
    text = r.content.decode()
    assert 'id="t-reason-err"' in text
    assert "G2" in text
    assert '<option value="3" selected>' in text
    assert dump() == before


def test_compute_button_without_javascript_shows_the_grade_and_writes_nothing(
        client_as: Any, patient: Any) -> None:
    before = dump()
    r = client_as("nurse").post(_tox_url(patient), {**CREATININE, **EVENT,
                                                    "action": "preview"})
    assert r.status_code == 200
    assert "grade 2" in r.content.decode()
    assert dump() == before


def test_clinician_graded_term_offers_each_grade_with_its_ctcae_text(
        client_as: Any, patient: Any) -> None:
    from hdil2.registry.models import Toxicity

    c = client_as("nurse")
    page = c.get(_tox_url(patient) + "?term=capillary_leak_syndrome").content.decode()
    # CTCAE v5.0 Capillary leak syndrome G2: "Symptomatic; medical intervention indicated"
    assert "G2: Symptomatic; medical intervention indicated" in page
    r = c.post(_tox_url(patient), {"term": "capillary_leak_syndrome", "r_grade": "2",
                                   **EVENT, "action": "record"})
    assert r.status_code == 302
    tox = Toxicity.objects.filter(patient=patient, term="Capillary leak syndrome").get()
    assert (tox.grade, tox.grade_computed) == (2, 2)


def test_toxicity_form_preselects_the_ongoing_course(client_as: Any, patient: Any) -> None:
    course = patient.courses.get()
    text = client_as("nurse").get(_tox_url(patient) + "?term=creatinine_increased"
                                  ).content.decode()
    assert f'<option value="{course.pk}" selected>course 1 (ongoing)' in text
    assert 'hx-post="/grade/preview/"' in text
    assert 'aria-live="polite"' in text


def test_observation_is_recorded_in_the_ward_zone(client_as: Any, patient: Any) -> None:
    from hdil2.registry.models import Observation

    r = client_as("nurse").post(_obs_url(patient), {
        "code": "creatinine", "value": "1.8", "unit": "mg/dL", "uln": "1.2",
        "taken_at": "2025-07-01T06:00", "tz": "Europe/London", "course": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    obs = Observation.objects.filter(patient=patient).latest("pk")
    # 06:00 British Summer Time (UTC+1) is 05:00 UTC
    assert obs.taken_at == dt.datetime(2025, 7, 1, 5, tzinfo=UTC)
    assert (obs.code, obs.kind, str(obs.value.normalize()), obs.unit_canonical,
            str(obs.uln.normalize())) == ("creatinine", "lab", "1.8", "mg/dL", "1.2")


@pytest.mark.parametrize(("field", "form"), [
    ("value", {"value": "abc"}),
    ("unit", {"unit": "furlongs"}),
    ("taken_at", {"taken_at": "2025-03-30T01:30"}),  # UK clocks go forward 01:00 -> 02:00
    ("taken_at", {"taken_at": "2025-10-26T01:30"}),  # UK clocks go back: 01:30 twice
    ("tz", {"tz": "+01:00"}),
    ("code", {"code": "glucose_typo"}),
])
def test_observation_bad_input_names_the_field_keeps_values_writes_nothing(
        client_as: Any, patient: Any, field: str, form: dict[str, str]) -> None:
    before = dump()
    typed = {"code": "sbp", "value": "85", "unit": "mmHg", "taken_at": "2025-03-05T06:00",
             "tz": "Europe/London", "note": "after fluids", **form}
    r = client_as("nurse").post(_obs_url(patient), typed)
    assert r.status_code == 400
    text = r.content.decode()
    assert f'id="o-{ {"taken_at": "taken", "value": "value"}.get(field, field)}-err"' in text
    for name in ("value", "unit", "taken_at", "tz"):
        assert f'value="{typed[name]}"' in text
    assert "after fluids" in text
    assert dump() == before


@pytest.mark.parametrize("url", ["/patients/{pk}/observations/new/",
                                 "/patients/{pk}/toxicities/new/", "/grade/preview/"])
def test_entry_pages_refuse_viewer_and_anonymous(client_as: Any, patient: Any,
                                                 url: str) -> None:
    url = url.format(pk=patient.pk)
    before = dump()
    for method in ("get", "post"):
        assert getattr(client_as("viewer"), method)(url, CREATININE).status_code == 403
        assert getattr(client_as(""), method)(url, CREATININE).status_code == 403
        r = getattr(client_as(None), method)(url, CREATININE)
        assert r.status_code == 302
        assert r["Location"].startswith("/login/")
    assert dump() == before


def test_preview_refuses_get(client_as: Any, patient: Any) -> None:
    assert client_as("nurse").get("/grade/preview/").status_code == 405
