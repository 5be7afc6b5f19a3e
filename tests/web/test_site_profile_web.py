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
