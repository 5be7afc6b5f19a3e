"""The JSON API under /api/v1 (issue 14, JSON API): the stateless rules answer exactly as the
CLI's ``--json`` does, on numbers from the Proleukin label, the NCI CTCAE v5.0 table and Simon
(1989); the registry's use cases with token and session authentication, roles, 400/401/403/
404/409 in one shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from registry import helpers

API = "/api/v1"


def dump() -> dict[str, Any]:
    """Every table but the API tokens' (a token's use is stamped on it)."""
    tables = helpers.dump()
    tables.pop("web_apitoken")
    return tables


def _cli_json(args: list[str], stdin: str = "") -> Any:
    from hdil2.cli.invoke import invoke

    code, out, err = invoke([*args, "--json"], stdin)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def token_of(web_db: dict[str, Any], make_user: Callable[..., Any]) -> Callable[[str], str]:
    """``token_of("nurse")``: an API token of a user holding that role."""
    from hdil2.web.models import ApiToken

    made: dict[str, str] = {}

    def token(role: str) -> str:
        if role not in made:
            made[role] = ApiToken.issue(make_user(role, f"api-{role or 'norole'}"), "tests")[1]
        return made[role]

    return token


@pytest.fixture
def client() -> Any:
    from django.test import Client

    return Client()


def _post(client: Any, path: str, body: Any, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(API + path, json.dumps(body), content_type="application/json",
                       headers=headers)


def _get(client: Any, path: str, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(API + path, headers=headers)


# -- stateless rules ---------------------------------------------------------------------------

def test_dose_70kg_at_600000_iu_per_kg_is_42_million_iu_as_the_cli_prints(
        client: Any, token_of: Callable[[str], str]) -> None:
    """Proleukin label: 600,000 IU/kg; 70 kg -> 42,000,000 IU per dose."""
    req = {"regimen": "hd-il2-600k", "weight": "70 kg"}
    r = _post(client, "/rules/dose", req, token_of("viewer"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["components"][0]["dose_iu"] == 42_000_000
    assert body == _cli_json(["dose", "-"], json.dumps(req))


def test_grade_creatinine_twice_uln_and_baseline_is_ctcae_grade_2_as_the_cli_prints(
        client: Any, token_of: Callable[[str], str]) -> None:
    """CTCAE v5.0 creatinine increased: >1.5-3.0 x ULN (and x baseline) is grade 2."""
    req = {"term": "creatinine_increased", "value": "2.0 mg/dL", "uln": "1.0 mg/dL",
           "baseline": "1.0 mg/dL"}
    r = _post(client, "/rules/grade", req, token_of("viewer"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["value"] == 2
    assert {x["source"] for x in body["reasons"]} == {"ctcae5"}
    assert body == _cli_json(["grade", "-"], json.dumps(req))


def test_simon_optimal_for_p0_10_p1_30_is_1_10_5_29_as_the_cli_prints(
        client: Any, token_of: Callable[[str], str]) -> None:
    """Simon (1989), p0 0.10, p1 0.30, alpha 0.05, beta 0.20: optimal r1/n1 1/10, r/n 5/29."""
    req = {"p0": "0.1", "p1": "0.3", "alpha": "0.05", "beta": "0.2"}
    r = _post(client, "/rules/design-simon", req, token_of("viewer"))
    assert r.status_code == 200, r.content
    opt = r.json()["optimal"]
    assert (opt["r1"], opt["n1"], opt["r"], opt["n"]) == (1, 10, 5, 29)
    assert r.json() == _cli_json(["design", "simon", "-"], json.dumps(req))


def test_every_stateless_operation_of_the_catalogue_has_a_route_and_its_schemas() -> None:
    from hdil2.app import operations
    from hdil2.web.api import api

    doc = json.loads(json.dumps(api.get_openapi_schema(path_prefix=API + "/")))
    stateless = [n for n, op in operations().items() if not op.needs_registry]
    assert {"dose", "grade", "design-simon", "next-dose"} <= set(stateless)
    for name in stateless:
        post = doc["paths"][f"{API}/rules/{name}"]["post"]
        body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        answer = post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        for ref in (body, answer):
            assert ref.removeprefix("#/components/schemas/") in doc["components"]["schemas"]
    text = json.dumps(doc)
    assert "#/$defs/" not in text  # every reference resolves inside the document


def test_a_bad_field_is_400_naming_it_as_the_cli_does(
        client: Any, token_of: Callable[[str], str]) -> None:
    from hdil2.cli.invoke import invoke

    req = {"regimen": "hd-il2-600k", "weight": 70}
    r = _post(client, "/rules/dose", req, token_of("viewer"))
    assert r.status_code == 400
    code, _, err = invoke(["dose", "-", "--json"], json.dumps(req))
    assert code == 2
    assert r.json() == json.loads(err)
    assert r.json()["errors"][0]["field"] == "weight"


def test_invalid_json_and_a_bad_path_id_are_400_naming_the_field(
        client: Any, token_of: Callable[[str], str]) -> None:
    r = client.post(API + "/rules/dose", "{not json", content_type="application/json",
                    headers={"Authorization": f"Bearer {token_of('viewer')}"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "body"
    r = _get(client, "/patients/abc", token_of("viewer"))
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "patient_id"


def test_anonymous_is_401_and_a_user_without_role_403(
        client: Any, token_of: Callable[[str], str]) -> None:
    r = _post(client, "/rules/dose", {"regimen": "hd-il2-600k", "weight": "70 kg"})
    assert r.status_code == 401
    assert _get(client, "/patients").status_code == 401
    assert _get(client, "/openapi.json").status_code == 401
    assert _get(client, "/patients", "hdil2_not-a-token").status_code == 401
    assert _get(client, "/patients", token_of("")).status_code == 403


def test_the_openapi_document_declares_both_schemes_and_needs_a_login(
        client: Any, token_of: Callable[[str], str]) -> None:
    r = _get(client, "/openapi.json", token_of("viewer"))
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert doc["components"]["securitySchemes"]["SessionAuth"]["in"] == "cookie"


def test_the_docs_page_is_served_from_local_static_files_under_the_csp(
        client_as: Callable[..., Any]) -> None:
    anonymous = client_as(None).get(API + "/docs")
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    r = client_as("viewer").get(API + "/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert 'data-api-csrf="true"' in html  # "try it out" sends the session's CSRF token
    assert "script-src 'self'" in r["Content-Security-Policy"]


# -- registry ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def held_slot(web_db: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """A 70 kg patient's course, slot 1 advised 'hold' by the label's SBP < 90 mmHg rule."""
    from hdil2.registry import services

    doctor = make_user("physician", "api-doctor")
    p = services.enrol(by=doctor, registry_id="API-HOLD1", disease="rcc").rows[0]
    out = services.plan_course(p.pk, by=doctor, regimen="hd-il2-600k",
                               first_dose="2025-03-03T08:00", ward_tz="Europe/London",
                               weight="70 kg")
    services.record_observation(p.pk, by=doctor, code="sbp", kind="vital", value="85 mmHg",
                                taken_at="2025-03-03T07:30+00:00")
    advised = services.advise_next_dose(out.rows[1].pk, by=doctor, at="2025-03-03T07:45+00:00")
    assert advised.value == "hold"
    return {"patient": p.pk, "course": out.rows[1].pk, "slot": advised.rows[0].pk}


def test_a_viewer_token_cannot_record_a_dose(client: Any, token_of: Callable[[str], str],
                                             held_slot: dict[str, Any]) -> None:
    token = token_of("viewer")
    before = dump()
    r = _post(client, f"/slots/{held_slot['slot']}/record", {"version": 2, "status": "held"},
              token)
    assert r.status_code == 403
    assert dump() == before


def test_a_stale_version_is_409_with_who_and_nothing_written(
        client: Any, token_of: Callable[[str], str], held_slot: dict[str, Any]) -> None:
    from hdil2.registry.models import DoseSlot

    slot = DoseSlot.objects.get(pk=held_slot["slot"])
    token = token_of("nurse")
    before = dump()
    r = _post(client, f"/slots/{slot.pk}/record",
              {"version": slot.version - 1, "status": "held"}, token)
    assert r.status_code == 409, r.content
    body = r.json()
    assert body["errors"][0]["field"] == "version"
    assert body["conflict"]["changed_by"] == "api-doctor"
    assert body["conflict"]["current_version"] == slot.version
    assert dump() == before


def test_a_nurse_token_records_the_held_dose_with_the_label_rule(
        client: Any, token_of: Callable[[str], str], held_slot: dict[str, Any]) -> None:
    from hdil2.registry.models import DoseSlot

    slot = DoseSlot.objects.get(pk=held_slot["slot"])
    r = _post(client, f"/slots/{slot.pk}/record", {"version": slot.version, "status": "held"},
              token_of("nurse"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["decision"]["value"] == "hold"
    assert "label.sbp_below_90" in {x["rule"] for x in body["decision"]["reasons"]}
    assert body["rows"] == [{"table": "DoseSlot", "id": slot.pk, "version": slot.version + 1,
                             "label": slot.label()}]
    slot.refresh_from_db()
    assert (slot.status, slot.given_by.username) == ("held", "api-nurse")
    assert slot.reason == "label.sbp_below_90"
    course = _get(client, f"/courses/{held_slot['course']}", token_of("viewer")).json()
    first = course["cycles"][0]["slots"][0]
    assert (first["status"], first["version"], first["advice"]) == ("held", slot.version, "hold")
    assert course["planned_dose_iu"] == 42_000_000


def test_a_nurse_cannot_plan_a_course_and_a_physician_can(
        client: Any, token_of: Callable[[str], str], held_slot: dict[str, Any]) -> None:
    req = {"regimen": "hd-il2-600k", "first_dose": "2025-04-07T08:00",
           "ward_tz": "Europe/London", "weight": "70 kg"}
    path = f"/patients/{held_slot['patient']}/courses"
    assert _post(client, path, req, token_of("nurse")).status_code == 403
    r = _post(client, path, req, token_of("physician"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["decision"]["components"][0]["dose_iu"] == 42_000_000
    assert body["rows"][1]["table"] == "Course"
    assert body["advice_id"]


def test_no_such_row_is_404_and_a_wrong_method_405(
        client: Any, token_of: Callable[[str], str]) -> None:
    assert _get(client, "/patients/999999", token_of("viewer")).status_code == 404
    assert _get(client, "/courses/999999", token_of("viewer")).status_code == 404
    r = _post(client, "/slots/999999/record", {"version": 1, "status": "held"},
              token_of("nurse"))
    assert r.status_code == 404
    assert _get(client, "/slots/1/record", token_of("nurse")).status_code == 405


def test_a_session_post_needs_the_csrf_token_a_token_post_does_not(
        client_as: Callable[..., Any], token_of: Callable[[str], str]) -> None:
    req = json.dumps({"regimen": "hd-il2-600k", "weight": "70 kg"})
    browser = client_as("viewer", csrf=True)
    r = browser.post(API + "/rules/dose", req, content_type="application/json")
    assert r.status_code == 403
    browser.get(API + "/docs")  # sets the CSRF cookie, as a page does
    token = browser.cookies["csrftoken"].value
    r = browser.post(API + "/rules/dose", req, content_type="application/json",
                     headers={"X-CSRFToken": token})
    assert r.status_code == 200, r.content
    from django.test import Client

    r = Client(enforce_csrf_checks=True).post(
        API + "/rules/dose", req, content_type="application/json",
        headers={"Authorization": f"Bearer {token_of('viewer')}"})
    assert r.status_code == 200


def test_a_token_use_is_stamped(client: Any, token_of: Callable[[str], str]) -> None:
    from hdil2.web.models import ApiToken, digest

    tok = token_of("viewer")
    ApiToken.objects.filter(key_digest=digest(tok)).update(last_used_at=None)
    assert _get(client, "/patients", tok).status_code == 200
    assert ApiToken.objects.get(key_digest=digest(tok)).last_used_at is not None


def test_patients_list_filters_and_pages(client: Any, token_of: Callable[[str], str],
                                         held_slot: dict[str, Any]) -> None:
    r = _get(client, "/patients?q=API-HOLD&per_page=1", token_of("viewer"))
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    assert body["items"][0]["registry_id"] == "API-HOLD1"
    assert _get(client, "/patients?per_page=0", token_of("viewer")).json()["errors"][0][
        "field"] == "per_page"
