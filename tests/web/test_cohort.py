"""Issue 14, the cohort dashboard: the cohort report's tables and figures on the synthetic
Lee et al. 2000 (``lee2000``) cohort, filtered, with a CSV of every table.

The expected numbers are the paper's as printed: Table 2 (response) typed here - the same
numbers as ``tests/registry/test_synthetic.py`` TABLE2 - and the melanoma patients treated in
course 1 from ``tests/lee2000_printed.py`` (Table 3).
"""

from __future__ import annotations

import csv
import io
import time
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from lee2000_printed import TABLES34

SEED = 2000
# lee2000 Table 2 as printed: melanoma 149 patients, CR 10 (6.7 %), PR 13 (8.7 %),
# CR + PR 23 (15.4 %)
MELANOMA_TABLE2 = ["149", "10", "6.7", "13", "8.7", "23", "15.4"]
ROUTES = ("/cohort/", "/cohort/tables/responses-by-disease.csv",
          "/cohort/figures/km-os.svg", "/cohort/figures/km-os/")


@pytest.fixture(scope="module")
def cohort_db(web_db: dict[str, Any]) -> dict[str, Any]:
    from hdil2.registry import demo
    from hdil2.web.views import cohort

    demo.load(SEED)
    cohort.clear_caches()
    return web_db


@pytest.fixture(scope="module")
def viewer(cohort_db: dict[str, Any], client_as: Any) -> Any:
    return client_as("viewer")


def _doc(content: bytes) -> Any:
    import html5lib

    return html5lib.parse(content, treebuilder="etree", namespaceHTMLElements=False)


def _table_rows(doc: Any, key: str) -> dict[str, list[str]]:
    """Row label -> cells of the table ``table-<key>`` on the page."""
    table = doc.find(f".//table[@id='table-{key}']")
    assert table is not None, key
    out: dict[str, list[str]] = {}
    for body in table.findall("tbody"):
        for tr in body.findall("tr"):
            th = tr.find("th[@scope='row']")
            if th is not None:
                out["".join(th.itertext()).strip()] = ["".join(td.itertext()).strip()
                                                       for td in tr.findall("td")]
    return out


def test_item1_response_table_shows_lee2000_table2(viewer: Any) -> None:
    t0 = time.perf_counter()
    r = viewer.get("/cohort/")
    took = time.perf_counter() - t0
    assert r.status_code == 200, r.content[:800]
    rows = _table_rows(_doc(r.content), "responses-by-disease")
    assert rows["Melanoma"][:7] == MELANOMA_TABLE2
    assert int(rows["Melanoma"][0]) == sum(TABLES34["melanoma"][1]["response"].values())
    assert rows["Total"][0] == "350"
    # every table the report has is on the page, each with its CSV link
    for key in ("characteristics", "responses-by-regimen", "tempo-melanoma", "tempo-rcc",
                "tempo-stop-reasons", "stop-reasons", "worst-grade", "dose-intensity"):
        assert f'id="table-item-{key}"'.encode() in r.content, key
        assert f'href="/cohort/tables/{key}.csv"'.encode() in r.content, key
    # the demo cohort holds no questionnaire: said, as the report says it
    assert b"EORTC QLQ-C30 scales by time point: not shown: " in r.content
    assert took < 10, took  # the first (uncached) page of 350 patients


def test_item1_csv_download_has_the_same_numbers(viewer: Any) -> None:
    r = viewer.get("/cohort/tables/responses-by-disease.csv")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert 'filename="responses-by-disease.csv"' in r["Content-Disposition"]
    rows = {row[1]: row[2:] for row in csv.reader(io.StringIO(r.content.decode()))}
    assert rows["Melanoma"][:7] == MELANOMA_TABLE2
    assert rows["Total"][0] == "350"


def test_item1_disease_filter_shows_only_that_disease(viewer: Any) -> None:
    r = viewer.get("/cohort/", {"disease": "melanoma"})
    assert r.status_code == 200
    doc = _doc(r.content)
    rows = _table_rows(doc, "responses-by-disease")
    assert set(rows) == {"Melanoma", "Total"}
    assert rows["Total"][:7] == MELANOMA_TABLE2
    assert b"149 patients: disease melanoma" in r.content
    # the links carry the filter, and the CSV obeys it
    assert b'href="/cohort/tables/responses-by-disease.csv?disease=melanoma"' in r.content
    assert b'src="/cohort/figures/km-os.svg?disease=melanoma"' in r.content
    got = viewer.get("/cohort/tables/responses-by-disease.csv?disease=melanoma").content
    labels = [row[1] for row in csv.reader(io.StringIO(got.decode()))][1:]
    assert labels == ["Melanoma", "Total"]
    assert b'id="table-item-tempo-melanoma"' in r.content
    assert b'id="table-item-tempo-rcc"' not in r.content or b"tempo-rcc: not shown" in r.content


@pytest.mark.parametrize("name", ["km-os", "waterfall", "toxicity-incidence"])
def test_item1_figures_are_svg_images(viewer: Any, name: str) -> None:
    page = viewer.get("/cohort/").content.decode()
    assert f'<img src="/cohort/figures/{name}.svg"' in page
    r = viewer.get(f"/cohort/figures/{name}.svg")
    assert r.status_code == 200
    assert r["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(r.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # the image's own policy: no script, nothing loaded; matplotlib's style attributes allowed
    policy = r["Content-Security-Policy"]
    assert "script-src 'none'" in policy
    assert "default-src 'none'" in policy


def test_item1_every_figure_has_alt_text_and_the_page_no_inline_style(viewer: Any) -> None:
    from hdil2.report import document

    r = viewer.get("/cohort/")
    doc = _doc(r.content)
    figures = [s[0] for s in document._cohort_specs() if s[2] == "figure"]
    imgs = {img.get("src").split("?")[0]: img.get("alt") for img in doc.iter("img")}
    for name in figures:
        shown = f"/cohort/figures/{name}.svg" in imgs
        assert shown or f'id="fig-{name}"'.encode() in r.content, name
        if shown:
            assert len(imgs[f"/cohort/figures/{name}.svg"]) > 10, name
    assert b"style=" not in r.content
    assert b"<style" not in r.content
    assert b"<svg" not in r.content


def test_item1_figure_panel_answers_the_figure(viewer: Any) -> None:
    r = viewer.get("/cohort/figures/km-os/")
    assert r.status_code == 200
    assert b'<img src="/cohort/figures/km-os.svg" alt="Overall survival: ' in r.content
    # once drawn, the page shows it without asking htmx to load it
    page = viewer.get("/cohort/").content.decode()
    assert 'hx-get="/cohort/figures/km-os/"' not in page
    assert 'hx-get="/cohort/figures/km-pfs/"' in page or "fig-km-pfs" in page


def test_item1_figure_requests_do_not_query_the_cohort_again(viewer: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer.get("/cohort/")
    with CaptureQueriesContext(connection) as q:
        r = viewer.get("/cohort/figures/km-os.svg")
    assert r.status_code == 200
    cohort_reads = [x["sql"] for x in q.captured_queries
                    if "registry_patient" in x["sql"] and "COUNT" not in x["sql"].upper()]
    assert cohort_reads == []


def test_item1_missing_figure_says_why(viewer: Any) -> None:
    # risk group: the demo cohort stores none, so no patient is in any group
    r = viewer.get("/cohort/", {"risk_group": "poor"})
    assert r.status_code == 200
    assert b"0 patients: risk_group poor" in r.content
    assert b"not shown: " in r.content
    fig = viewer.get("/cohort/figures/km-os/", {"risk_group": "poor"})
    assert fig.status_code == 200
    assert b"Overall survival: not shown: " in fig.content
    img = viewer.get("/cohort/figures/km-os.svg", {"risk_group": "poor"})
    assert img.status_code == 404
    assert img["Content-Type"] == "image/svg+xml"
    assert b"not shown" in img.content
    ET.fromstring(img.content)


@pytest.mark.parametrize(("query", "field"), [
    ({"start_from": "2024-13-40"}, "start_from"),
    ({"start_to": "1 May 2024"}, "start_to"),
    ({"disease": "lung"}, "disease"),
    ({"regimen": "hd-il2-999k"}, "regimen"),
    ({"synthetic": "maybe"}, "synthetic"),
    ({"start_from": "2024-05-02", "start_to": "2024-05-01"}, "start_to"),
])
def test_item1_bad_filter_names_the_field_and_keeps_the_values(viewer: Any, query: dict[str, str],
                                                             field: str) -> None:
    r = viewer.get("/cohort/", query)
    assert r.status_code == 400
    text = r.content.decode()
    assert f'<p class="error" id="e-{field}">{field}: ' in text
    assert 'id="table-item-' not in text  # nothing shown for a refused filter
    for value in query.values():
        assert value in text  # kept as typed
    csv_r = viewer.get("/cohort/tables/responses-by-disease.csv", query)
    assert csv_r.status_code == 400
    assert f"{field}: ".encode() in csv_r.content
    assert viewer.get("/cohort/figures/km-os.svg", query).status_code == 400


def test_item1_unknown_table_or_figure_is_404(viewer: Any) -> None:
    assert viewer.get("/cohort/tables/nothing.csv").status_code == 404
    assert viewer.get("/cohort/figures/nothing.svg").status_code == 404
    assert viewer.get("/cohort/figures/characteristics.svg").status_code == 404
    assert viewer.get("/cohort/tables/km-os.csv").status_code == 404


@pytest.mark.parametrize("route", ROUTES)
def test_item1_routes_refuse_anonymous_and_no_role(cohort_db: dict[str, Any], client_as: Any,
                                                   route: str) -> None:
    r = client_as(None).get(route)
    assert r.status_code == 302
    assert r["Location"].startswith("/login/")
    assert client_as("").get(route).status_code == 403
    assert client_as("viewer").post(route).status_code == 405


def test_item1_a_write_to_the_registry_shows_on_the_next_page(viewer: Any) -> None:
    """The cache is keyed by the registry's state: one more patient shows at once."""
    from hdil2.registry import demo

    before = _table_rows(_doc(viewer.get("/cohort/").content), "responses-by-disease")
    assert before["Total"][0] == "350"
    demo.load(SEED + 1, 1)
    after = _table_rows(_doc(viewer.get("/cohort/").content), "responses-by-disease")
    assert after["Total"][0] == "351"
