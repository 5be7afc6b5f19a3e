"""Issue 14: the scans pages - the lesion table of a new scan, each visit's table, the response
against RECIST 1.1 (section 4.3.1: PR is a decrease of at least 30 % of the sum of diameters;
section 4.3.2: a new lesion is PD), the spider and waterfall figures, and a response recorded
in place of the computed one only with a reason."""

from __future__ import annotations

from typing import Any

import pytest


def _rows(rows: list[dict[str, str]]) -> dict[str, str]:
    return {f"m-{i}-{k}": v for i, r in enumerate(rows) for k, v in r.items()}


def _two_scans(client_as: Any, code: str, t01: str, t02: str,
               new: bool = False) -> int:
    """Enrol; baseline targets 60 + 40 = 100 mm; a later scan with T01, T02 (and a new lesion
    N01 when ``new``); assess by RECIST 1.1 from 2025-03-03. Returns the patient's id."""
    from hdil2.registry.models import Patient

    c = client_as("physician")
    assert c.post("/patients/new/", {"registry_id": code, "disease": "rcc"}).status_code == 302
    pk = Patient.objects.get(registry_id=code).pk
    r = c.post(f"/patients/{pk}/scans/new/", {
        "scanned_on": "2025-02-20", "modality": "ct", "label": "baseline", "baseline": "on",
        **_rows([{"lesion": "T01", "kind": "target", "organ": "lung", "longest_mm": "60"},
                 {"lesion": "T02", "kind": "target", "organ": "liver", "longest_mm": "40"},
                 {"lesion": "", "kind": "", "longest_mm": ""}])})
    assert r.status_code == 302, r.content.decode()[:3000]
    later = [{"lesion": "T01", "longest_mm": t01}, {"lesion": "T02", "longest_mm": t02}]
    if new:
        later.append({"lesion": "N01", "kind": "new", "organ": "bone", "status": "present"})
    r = c.post(f"/patients/{pk}/scans/new/", {
        "scanned_on": "2025-05-01", "modality": "ct", "label": "after course 1",
        **_rows(later)})
    assert r.status_code == 302, r.content.decode()[:3000]
    r = c.post(f"/patients/{pk}/response/assess/", {"criteria": "recist1.1",
                                                    "start_date": "2025-03-03"})
    assert r.status_code == 302, r.content.decode()[:3000]
    return int(pk)


def _visit_row(pk: int) -> Any:
    from hdil2.registry.models import ResponseAssessment

    return ResponseAssessment.objects.filter(patient_id=pk, kind="visit").latest("pk")


def test_issue14_sum_100_to_70_mm_is_minus_30_pct_pr_on_the_response_page(
        web_db: Any, client_as: Any) -> None:
    pk = _two_scans(client_as, "WEB-SC1", "42", "28")
    assert _visit_row(pk).response_computed == "PR"
    text = client_as("viewer").get(f"/patients/{pk}/response/?criteria=recist1.1"
                                   ).content.decode()
    assert '<span class="resp computed">PR</span>' in text
    assert "-30 %" in text
    assert "recist1.1.target.pr" in text
    # one PR not confirmed 28 days later counts as SD for the best response (recist1.1)
    assert '<strong class="resp computed">SD</strong>' in text
    scans = client_as("viewer").get(f"/patients/{pk}/scans/").content.decode()
    assert "after course 1" in scans
    assert "42 longest" in scans


def test_issue14_sum_100_to_71_mm_is_sd(web_db: Any, client_as: Any) -> None:
    pk = _two_scans(client_as, "WEB-SC2", "43", "28")
    assert _visit_row(pk).response_computed == "SD"
    text = client_as("viewer").get(f"/patients/{pk}/response/").content.decode()
    assert '<span class="resp computed">SD</span>' in text
    assert "-29 %" in text


def test_issue14_a_new_lesion_is_pd(web_db: Any, client_as: Any) -> None:
    pk = _two_scans(client_as, "WEB-SC3", "42", "28", new=True)
    assert _visit_row(pk).response_computed == "PD"
    text = client_as("viewer").get(f"/patients/{pk}/response/").content.decode()
    assert '<span class="resp computed">PD</span>' in text


def test_issue14_spider_and_waterfall_are_svg_images(web_db: Any, client_as: Any) -> None:
    pk = _two_scans(client_as, "WEB-SC4", "42", "28")
    c = client_as("viewer")
    page = c.get(f"/patients/{pk}/response/").content.decode()
    for which in ("spider", "waterfall"):
        assert f'<img src="/patients/{pk}/figures/{which}.svg"' in page
        r = c.get(f"/patients/{pk}/figures/{which}.svg")
        assert r.status_code == 200
        assert r["Content-Type"] == "image/svg+xml"
        assert b"<svg" in r.content
    assert b"bar:WEB-SC4" in c.get(f"/patients/{pk}/figures/waterfall.svg").content
    assert b"spider:WEB-SC4" in c.get(f"/patients/{pk}/figures/spider.svg").content
    assert c.get(f"/patients/{pk}/figures/other.svg").status_code == 404


def test_issue14_override_without_reason_names_it_and_writes_nothing(
        web_db: Any, client_as: Any) -> None:
    pk = _two_scans(client_as, "WEB-SC5", "43", "28")
    row = _visit_row(pk)
    c = client_as("physician")
    r = c.post(f"/patients/{pk}/response/{row.pk}/override/", {
        "response": "PR", "override_reason": "  ", "version": row.version})
    assert r.status_code == 400
    assert "override_reason" in r.content.decode()
    after = _visit_row(pk)
    assert (after.response, after.version) == ("SD", row.version)
    r = c.post(f"/patients/{pk}/response/{row.pk}/override/", {
        "response": "PD", "override_reason": "new bone lesion on review", "version":
        row.version})
    assert r.status_code == 302
    text = c.get(f"/patients/{pk}/response/").content.decode()
    assert '<span class="resp computed">SD</span>' in text
    assert '<span class="resp recorded">PD</span>' in text
    assert "new bone lesion on review" in text


def test_issue14_a_stale_override_form_shows_the_conflict(
        web_db: Any, client_as: Any, make_user: Any) -> None:
    from hdil2.registry import services

    pk = _two_scans(client_as, "WEB-SC6", "43", "28")
    row = _visit_row(pk)
    services.override_response(row.pk, row.version, by=make_user("physician", "dr-b"),
                               response="PD", override_reason="first reader")
    r = client_as("physician").post(f"/patients/{pk}/response/{row.pk}/override/", {
        "response": "PR", "override_reason": "second reader's text", "version": row.version})
    text = r.content.decode()
    assert r.status_code == 409
    assert "dr-b" in text
    assert "second reader&#x27;s text" in text
    assert _visit_row(pk).response == "PD"


def test_issue14_scan_bad_input_keeps_the_rows(web_db: Any, client_as: Any) -> None:
    from hdil2.registry.models import Patient, Scan

    c = client_as("physician")
    c.post("/patients/new/", {"registry_id": "WEB-SC7", "disease": "rcc"})
    pk = Patient.objects.get(registry_id="WEB-SC7").pk
    r = c.post(f"/patients/{pk}/scans/new/", {
        "scanned_on": "2025-02-20", "modality": "ct", "baseline": "on",
        **_rows([{"lesion": "T01", "kind": "target", "organ": "lung", "longest_mm": "6o"}])})
    assert r.status_code == 400
    text = r.content.decode()
    assert 'value="6o"' in text
    assert "longest_mm" in text
    # a lesion not known yet on a baseline scan needs its kind: the row is named
    r = c.post(f"/patients/{pk}/scans/new/", {
        "scanned_on": "2025-02-20", "modality": "ct", "baseline": "on",
        **_rows([{"lesion": "T01", "kind": "", "organ": "lung", "longest_mm": "60"}])})
    assert r.status_code == 400
    assert "measurements[0].kind" in r.content.decode()
    assert not Scan.objects.filter(patient_id=pk).exists()
    # the htmx row endpoint gives row 5 and the button for row 6
    row = c.get(f"/patients/{pk}/scans/row/?i=5").content.decode()
    assert 'name="m-5-lesion"' in row
    assert "i=6" in row


@pytest.mark.parametrize("role", ["nurse", "viewer"])
def test_issue14_scan_and_override_refuse_roles_without_plan(
        web_db: Any, client_as: Any, role: str) -> None:
    pk = _two_scans(client_as, f"WEB-SCR-{role}", "42", "28")
    row = _visit_row(pk)
    c = client_as(role)
    assert c.get(f"/patients/{pk}/scans/new/").status_code == 403
    assert c.post(f"/patients/{pk}/scans/new/", {"scanned_on": "2025-06-01"}
                  ).status_code == 403
    assert c.post(f"/patients/{pk}/response/assess/", {"criteria": "who"}).status_code == 403
    assert c.post(f"/patients/{pk}/response/{row.pk}/override/", {
        "response": "SD", "override_reason": "x", "version": row.version}).status_code == 403
    assert _visit_row(pk).response == "PR"
    assert c.get(f"/patients/{pk}/response/").status_code == 200


def test_issue14_scans_pages_send_anonymous_to_login(web_db: Any, client_as: Any) -> None:
    c = client_as(None)
    for url in ("/patients/1/scans/", "/patients/1/scans/new/", "/patients/1/response/",
                "/patients/1/figures/spider.svg"):
        r = c.get(url)
        assert r.status_code == 302, url
        assert "login" in r["Location"], url
