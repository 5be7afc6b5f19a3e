"""Issue 16: the web app's bedside advice, the ward board's previews and the API's registry
route apply the server's site profile (``HDIL2_SITE``) as the API's rules routes do; a site
profile that cannot be read is a clear error naming ``HDIL2_SITE``, never a 500 and never
label-only advice.

The numbers: a heart rate of 110 bpm is the sinus tachycardia row "100-130" of the consensus
hold criteria (``dutcher2014``: hold) and fires no row of the Proleukin label
(``proleukin-label``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from registry import helpers

API = "/api/v1"
DUTCHER_HR = "dutcher2014.sinus_tachycardia_100_130"
TZ = "Europe/London"


def registry_rows() -> dict[str, Any]:
    """Every row of the registry's tables (users' last logins, sessions, throttling and token
    stamps left out)."""
    return {t: rows for t, rows in helpers.dump().items()
            if not t.startswith(("django_session", "axes_", "web_apitoken", "auth_user"))}


@pytest.fixture
def consensus_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HDIL2_SITE names a profile applying the consensus criteria beside the label."""
    path = tmp_path / "site.json"
    path.write_text(json.dumps({"name": "consensus ward",
                                "hold_rulesets": ["label", "dutcher2014"]}))
    monkeypatch.setenv("HDIL2_SITE", str(path))
    return path


@pytest.fixture(scope="module")
def token_of(web_db: dict[str, Any], make_user: Callable[..., Any]) -> Callable[[str], str]:
    from hdil2.web.models import ApiToken

    made: dict[str, str] = {}

    def token(role: str) -> str:
        if role not in made:
            made[role] = ApiToken.issue(make_user(role, f"site-api-{role}"), "tests")[1]
        return made[role]

    return token


def _course(make_user: Callable[..., Any], code: str) -> Any:
    """A course whose first slot is 3 h away, its observations taken 10 minutes ago: SBP 120,
    SpO2 97 %, creatinine 1.0 mg/dL (clear for the label) and a heart rate of 110 bpm."""
    from hdil2.registry import services

    nurse = make_user("nurse")
    now = dt.datetime.now(dt.UTC)
    first = (now + dt.timedelta(hours=3)).astimezone(ZoneInfo(TZ)).strftime("%Y-%m-%dT%H:00")
    p = services.enrol(by=nurse, registry_id=code, disease="rcc").rows[0]
    course = services.plan_course(p.pk, by=nurse, regimen="hd-il2-600k", first_dose=first,
                                  ward_tz=TZ, weight="70 kg").rows[1]
    taken = now - dt.timedelta(minutes=10)
    for obs, value in (("sbp", "120 mmHg"), ("spo2", "97 %"), ("heart_rate", "110 bpm")):
        services.record_observation(p.pk, by=nurse, code=obs, kind="vital", value=value,
                                    taken_at=taken)
    services.record_observation(p.pk, by=nurse, code="creatinine", value="1.0 mg/dL",
                                taken_at=taken)
    return course


def _pending(course: Any) -> Any:
    from hdil2.registry.models import DoseSlot

    return (DoseSlot.objects.filter(cycle__course=course, status="scheduled")
            .select_related("advice").order_by("cycle__number", "number").first())


def _board_row(client: Any, code: str) -> str:
    r = client.get("/ward/board/")
    assert r.status_code == 200
    rows = [row for row in r.content.decode().split("<tr>") if f">{code}</a>" in row]
    assert len(rows) == 1, code
    return rows[0]


def _post(client: Any, path: str, body: Any, token: str) -> Any:
    return client.post(API + path, json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def test_item16_course_advise_applies_the_sites_hold_rulesets(
        web_db: dict[str, Any], make_user: Any, client_as: Any, consensus_site: Path) -> None:
    c = _course(make_user, "SITE-WEB-ADV1")
    r = client_as("nurse").post(f"/courses/{c.pk}/advise", {"bedside.mental_status_change": "no"})
    assert r.status_code == 302
    advice = _pending(c).advice
    assert advice.value == "hold"
    assert DUTCHER_HR in [x["rule"] for x in advice.answer["reasons"]]
    assert advice.request["rulesets"] == ["label", "dutcher2014"]
    page = client_as("nurse").get(f"/courses/{c.pk}/").content.decode()
    assert DUTCHER_HR in page


def test_item16_ward_board_previews_follow_hdil2_site_and_are_not_served_stale(
        web_db: dict[str, Any], make_user: Any, client_as: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _course(make_user, "SITE-WEB-BOARD1")
    viewer = client_as("viewer")
    monkeypatch.delenv("HDIL2_SITE", raising=False)
    label = _board_row(viewer, "SITE-WEB-BOARD1")
    # the label alone: no row fires, and the bedside findings it reads are not recorded
    assert 'class="badge hold">hold<' not in label
    assert DUTCHER_HR not in label
    path = tmp_path / "site.json"
    path.write_text(json.dumps({"hold_rulesets": ["label", "dutcher2014"]}))
    monkeypatch.setenv("HDIL2_SITE", str(path))
    site = _board_row(viewer, "SITE-WEB-BOARD1")
    assert 'class="badge hold">hold<' in site
    assert DUTCHER_HR in site
    # the profile taken away again: the label's preview, not the kept consensus answer
    monkeypatch.delenv("HDIL2_SITE")
    assert _board_row(viewer, "SITE-WEB-BOARD1") == label


def test_item16_api_registry_route_applies_the_site_and_agrees_with_the_rules_route(
        web_db: dict[str, Any], make_user: Any, token_of: Callable[[str], str],
        consensus_site: Path) -> None:
    from django.test import Client

    from hdil2.registry.models import Advice

    c = _course(make_user, "SITE-WEB-API1")
    client = Client()
    r = _post(client, f"/courses/{c.pk}/next-dose",
              {"bedside": {"mental_status_change": False}}, token_of("nurse"))
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["decision"]["value"] == "hold"
    stored = Advice.objects.get(pk=out["advice_id"])
    assert stored.request["rulesets"] == ["label", "dutcher2014"]
    # the same facts through the stateless route, the site filling the rule sets there too
    facts = {k: v for k, v in stored.request.items() if k != "rulesets"}
    r2 = _post(client, "/rules/next-dose", facts, token_of("viewer"))
    assert r2.status_code == 200, r2.content
    assert r2.json() == out["decision"]
    # rule sets named in the body win over the site's
    c2 = _course(make_user, "SITE-WEB-API2")
    r3 = _post(client, f"/courses/{c2.pk}/next-dose",
               {"bedside": {"mental_status_change": False}, "rulesets": ["label"]},
               token_of("nurse"))
    assert r3.status_code == 200, r3.content
    assert r3.json()["decision"]["value"] != "hold"
    assert Advice.objects.get(pk=r3.json()["advice_id"]).request["rulesets"] == ["label"]


@pytest.mark.parametrize("content", [
    json.dumps({"hold_rulesets": ["label", "no-such-rules"]}),  # invalid profile
    "{not json",
    None,  # no such file
])
def test_item16_a_broken_hdil2_site_is_a_clear_error_naming_it(
        web_db: dict[str, Any], make_user: Any, client_as: Any,
        token_of: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        content: str | None) -> None:
    from django.test import Client

    code = f"SITE-WEB-BAD{len(content) if content else 0}"
    c = _course(make_user, code)
    path = tmp_path / "site.json"
    if content is not None:
        path.write_text(content)
    monkeypatch.setenv("HDIL2_SITE", str(path))
    before = registry_rows()
    page = client_as("nurse").post(f"/courses/{c.pk}/advise",
                                   {"bedside.mental_status_change": "no"})
    assert page.status_code == 400
    assert "HDIL2_SITE" in page.content.decode()
    api = _post(Client(), f"/courses/{c.pk}/next-dose", {}, token_of("nurse"))
    assert api.status_code == 400, api.content
    assert [e["field"] for e in api.json()["errors"]] == ["HDIL2_SITE"]
    assert registry_rows() == before  # no advice without the site's rules
    row = _board_row(client_as("viewer"), code)
    assert re.search(r'class="error">HDIL2_SITE: ', row)
    assert 'class="badge' not in row


# --- screen, assess, next-course and the plan page follow HDIL2_SITE's policies ---------------
#
# The numbers (see tests/registry/test_site_profile_advice.py): calcium 9.8 mg/dL with albumin
# 3.5 g/dL is 10.2 mg/dL corrected by the default formula (one MSKCC factor, motzer2002:
# intermediate) and 9.73 mg/dL by ``mskcc_0707`` (favourable); RECIST 1.1 PR, NE, PR is a
# confirmed PR when one NE may lie between (default) and SD with ``confirm_max_ne_between`` 0;
# the rest after discharge on 2025-03-25 is 49 days by the label (2025-05-13) and 84 days with
# ``min_rest_days`` 84 (2025-06-17); 600,000 IU/kg x 36.5 kg = 21,900,000 IU is 2 vials at the
# label's drawable 21.6 MIU per vial and 1 vial at the nominal 22 MIU (``vial_drawable``).

SITE_POLICIES = {"screen": {"calcium_correction": "mskcc_0707"},
                 "assess": {"confirm_max_ne_between": 0},
                 "next-course": {"min_rest_days": 84},
                 "dose": {"vial_drawable": "nominal"}}
PLAN_FORM = {"regimen": "hd-il2-600k", "weight": "36.5", "weight_unit": "kg",
             "first_dose": "2025-03-03T08:00", "ward_tz": TZ}


@pytest.fixture
def policy_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HDIL2_SITE names a profile overriding one policy of each operation."""
    path = tmp_path / "site.json"
    path.write_text(json.dumps({"name": "policy ward", "policies": SITE_POLICIES}))
    monkeypatch.setenv("HDIL2_SITE", str(path))
    return path


def test_item16_screen_page_applies_the_sites_policy(
        web_db: dict[str, Any], make_user: Any, client_as: Any, policy_site: Path) -> None:
    from hdil2.registry.models import Patient
    from registry.test_site_profile_advice import _screened_patient

    p = _screened_patient(make_user("physician"), "SITE-WEB-SCR1")
    r = client_as("physician").post(f"/patients/{p.pk}/screen/", {
        "profile": "label_minimum", "planned_day1": "2025-03-03", "risk_model": "mskcc2002"})
    assert r.status_code == 302, r.content.decode()[:2000]
    p = Patient.objects.get(pk=p.pk)
    assert p.risk_group == "favourable"
    assert p.risk_advice.request["policies"] == {"calcium_correction": "mskcc_0707"}
    assert str(p.risk_advice.answer["corrected_calcium"]["value_mg_dl"]) == "9.73"


def test_item16_api_assess_applies_the_sites_policy_and_the_bodys_wins(
        web_db: dict[str, Any], make_user: Any, token_of: Callable[[str], str],
        policy_site: Path) -> None:
    from django.test import Client

    from registry.test_site_profile_advice import _pr_ne_pr

    p = _pr_ne_pr(make_user("physician"), "SITE-WEB-ASS1")
    body = {"criteria": "recist1.1", "start_date": "2025-03-03"}
    r = _post(Client(), f"/patients/{p.pk}/assess", body, token_of("physician"))
    assert r.status_code == 200, r.content
    assert r.json()["decision"]["bor_confirmed"]["value"] == "SD"
    r2 = _post(Client(), f"/patients/{p.pk}/assess",
               {**body, "policies": {"confirm_max_ne_between": 1}}, token_of("physician"))
    assert r2.status_code == 200, r2.content
    assert r2.json()["decision"]["bor_confirmed"]["value"] == "PR"


def test_item16_assess_page_applies_the_sites_policy(
        web_db: dict[str, Any], make_user: Any, client_as: Any, policy_site: Path) -> None:
    from hdil2.registry.models import ResponseAssessment
    from registry.test_site_profile_advice import _pr_ne_pr

    p = _pr_ne_pr(make_user("physician"), "SITE-WEB-ASS2")
    r = client_as("physician").post(f"/patients/{p.pk}/response/assess/", {
        "criteria": "recist1.1", "start_date": "2025-03-03"})
    assert r.status_code == 302, r.content.decode()[:2000]
    best = ResponseAssessment.objects.get(patient=p, kind="best")
    assert best.response == "SD"
    assert best.advice.request["policies"] == {"confirm_max_ne_between": 0}


def test_item16_next_course_page_applies_the_sites_policy(
        web_db: dict[str, Any], make_user: Any, client_as: Any, policy_site: Path) -> None:
    from hdil2.registry.models import Course
    from registry.test_services_courses import _course_with_pr

    _, course = _course_with_pr(make_user("physician"), "SITE-WEB-NXT1")
    r = client_as("physician").post(f"/patients/{course.patient_id}/next-course/advise/", {})
    assert r.status_code == 302, r.content.decode()[:2000]
    advice = Course.objects.get(pk=course.pk).next_course_advice
    assert advice.value == "next_course"
    assert advice.answer["earliest_start_date"] == "2025-06-17"
    assert advice.request["policies"] == {"min_rest_days": 84}


def test_item16_plan_page_applies_the_sites_dose_policy(
        web_db: dict[str, Any], make_user: Any, client_as: Any, policy_site: Path) -> None:
    from hdil2.registry import services
    from hdil2.registry.models import Course

    p = services.enrol(by=make_user("physician"), registry_id="SITE-WEB-PLAN1",
                       disease="rcc").rows[0]
    c = client_as("physician")
    r = c.post(f"/patients/{p.pk}/courses/new/", {**PLAN_FORM, "action": "preview"})
    assert r.status_code == 200
    text = r.content.decode()
    assert "21,900,000 IU" in text
    assert re.search(r"<dt>Vials per dose</dt><dd>1\b", text)
    r = c.post(f"/patients/{p.pk}/courses/new/", {**PLAN_FORM, "action": "plan"})
    assert r.status_code == 302, r.content.decode()[:2000]
    course = Course.objects.get(patient=p)
    il2 = next(x for x in course.advice.answer["components"] if x["agent"] == "aldesleukin")
    assert (il2["dose_iu"], il2["preparation"]["vials"]) == (21_900_000, 1)
    assert course.advice.request["policies"] == {"vial_drawable": "nominal"}


def _bad_site_requests(make_user: Any, code: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, path, body) of every page and API route of these use cases, for one patient
    with a course (discharged, a PR) and scans."""
    from registry.test_services_courses import _course_with_pr

    p, _ = _course_with_pr(make_user("physician"), code)
    return [
        ("page", f"/patients/{p.pk}/screen/", {"profile": "label_minimum",
                                               "risk_model": "mskcc2002"}),
        ("page", f"/patients/{p.pk}/courses/new/", {**PLAN_FORM, "action": "preview"}),
        ("page", f"/patients/{p.pk}/courses/new/", {**PLAN_FORM, "action": "plan"}),
        ("page", f"/patients/{p.pk}/response/assess/", {"criteria": "nci"}),
        ("page", f"/patients/{p.pk}/next-course/advise/", {}),
        ("api", f"/patients/{p.pk}/screen", {}),
        ("api", f"/patients/{p.pk}/courses", {k: PLAN_FORM[k] for k in (
            "regimen", "first_dose", "ward_tz")} | {"weight": "36.5 kg"}),
        ("api", f"/patients/{p.pk}/assess", {"criteria": "nci"}),
        ("api", f"/patients/{p.pk}/next-course", {}),
    ]


@pytest.mark.parametrize("content", [
    json.dumps({"policies": {"screen": "mskcc_0707"}}),  # invalid profile (not a mapping)
    "{not json",
])
def test_item16_a_broken_hdil2_site_refuses_screen_plan_assess_and_next_course(
        web_db: dict[str, Any], make_user: Any, client_as: Any,
        token_of: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        content: str) -> None:
    from django.test import Client

    requests = _bad_site_requests(make_user, f"SITE-WEB-BADP{len(content)}")
    path = tmp_path / "site.json"
    path.write_text(content)
    monkeypatch.setenv("HDIL2_SITE", str(path))
    before = registry_rows()
    page = client_as("physician")
    for kind, url, body in requests:
        if kind == "page":
            r = page.post(url, body)
            assert r.status_code == 400, url
            assert "<code>HDIL2_SITE</code>" in r.content.decode(), url
        else:
            r = _post(Client(), url, body, token_of("physician"))
            assert r.status_code == 400, (url, r.content)
            assert [e["field"] for e in r.json()["errors"]] == ["HDIL2_SITE"], url
    assert registry_rows() == before
