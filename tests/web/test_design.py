"""Issue 14, the design and statistics pages: Simon two-stage designs against Simon (1989)
Table 1 (``simon1989``), two proportions and survival against ``hdil2 design`` for the same
inputs and against rpact's values stored with the statistics tests."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hdil2.cli.app import main

ROUTES = ("/design/", "/design/simon/", "/design/two-proportions/", "/design/survival/")


@pytest.fixture(scope="module")
def viewer(web_db: dict[str, Any], client_as: Any) -> Any:
    return client_as("viewer")


def _doc(content: bytes) -> Any:
    import html5lib

    return html5lib.parse(content, treebuilder="etree", namespaceHTMLElements=False)


def _rows(content: bytes) -> dict[str, list[str]]:
    """Row header -> cells of the result table."""
    table = _doc(content).find(".//table[@class='design-table']")
    assert table is not None
    out: dict[str, list[str]] = {}
    for tr in table.iter("tr"):
        th = tr.find("th[@scope='row']")
        if th is not None:
            out.setdefault("".join(th.itertext()).strip(),
                           ["".join(td.itertext()).strip() for td in tr.findall("td")])
    return out


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["design", *args, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return dict(json.loads(out.out))


def test_item2_simon_shows_simon1989_table1_designs(viewer: Any) -> None:
    r = viewer.get("/design/simon/", {"p0": "0.1", "p1": "0.3", "alpha": "0.05",
                                      "beta": "0.2"})
    assert r.status_code == 200, r.content[:800]
    rows = _rows(r.content)
    # Simon 1989 Table 1, p0 0.10, p1 0.30, α 0.05, β 0.20: optimal 1/10, 5/29 (EN(p0) 15.0,
    # PET(p0) 0.74); minimax 1/15, 5/25 (EN(p0) 19.5, PET(p0) 0.55)
    assert rows["optimal"][:2] == ["1/10", "5/29"]
    assert rows["minimax"][:2] == ["1/15", "5/25"]
    assert rows["optimal"][2].startswith("15.0")
    assert rows["optimal"][3].startswith("0.736")
    assert rows["minimax"][2].startswith("19.5")
    assert rows["minimax"][3].startswith("0.549")
    text = r.content.decode()
    assert 'href="/sources/#simon1989"' in text  # the method's source
    assert "stats.simon.optimal" in text
    assert 'value="0.1"' in text  # values kept


def test_item2_two_proportions_equals_the_cli(viewer: Any,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    # clark2003's 0.7 vs 0.4, one-sided: 33 per group (rpact getSampleSizeRates, stored with
    # the statistics tests), and the power of 34 per group 0.81
    cli = _cli(capsys, "two-proportions", "--p1", "0.7", "--p2", "0.4", "--sides", "1")
    r = viewer.get("/design/two-proportions/", {"p1": "0.7", "p2": "0.4", "sides": "1"})
    rows = _rows(r.content)
    assert rows["patients (group 1 + group 2)"] == [f"{cli['n1']} + {cli['n2']}"] == ["33 + 33"]
    assert rows["unrounded n1"] == [f"{cli['n1_exact']:.4f}"]
    assert rows["power"] == [f"{cli['power']:.4f}"]
    assert 'href="/sources/#' in r.content.decode()
    cli = _cli(capsys, "two-proportions", "--p1", "0.7", "--p2", "0.4", "--n1", "34",
               "--sides", "1")
    r = viewer.get("/design/two-proportions/", {"p1": "0.7", "p2": "0.4", "n1": "34",
                                                "sides": "1"})
    rows = _rows(r.content)
    assert rows["power"] == [f"{cli['power']:.4f}"]
    assert rows["power"][0].startswith("0.81")


def test_item2_survival_equals_the_cli(viewer: Any, capsys: pytest.CaptureFixture[str]) -> None:
    args = {"surv1": "0.7", "surv2": "0.4", "at_time": "2", "sides": "1", "accrual": "3",
            "follow_up": "2"}
    cli = _cli(capsys, "survival", "--surv1", "0.7", "--surv2", "0.4", "--at-time", "2",
               "--sides", "1", "--accrual", "3", "--follow-up", "2")
    r = viewer.get("/design/survival/", args)
    assert r.status_code == 200, r.content[:800]
    rows = _rows(r.content)
    assert rows["events"] == [f"{cli['events']:.4f}"]
    assert rows["events"][0].startswith("27.78")  # rpact getSampleSizeSurvival, stored
    assert rows["patients"] == [f"{cli['patients']:.4f}"]
    assert rows["hazard ratio"] == [f"{cli['hazard_ratio']:.4f}"]
    assert 'href="/sources/#schoenfeld1981"' in r.content.decode()


@pytest.mark.parametrize(("page", "query", "field"), [
    ("simon", {"p0": "abc", "p1": "0.3"}, "p0"),
    ("simon", {"p0": "0.4", "p1": "0.3"}, "p1"),  # refused by the operation: p1 > p0
    ("simon", {"p0": "0.1", "p1": "0.3", "nmax": "5000"}, "nmax"),
    ("simon", {"p0": "0.1", "p1": "0.3", "nmax": "12.5"}, "nmax"),
    ("simon", {"p1": "0.3"}, "p0"),
    ("two-proportions", {"p1": "0.7", "p2": "nan"}, "p2"),
    ("two-proportions", {"p1": "0.7", "p2": "0.4", "sides": "3"}, "sides"),
    ("survival", {"hazard_ratio": "x"}, "hazard_ratio"),
])
def test_item2_bad_input_names_the_field_and_keeps_the_values(
        viewer: Any, page: str, query: dict[str, str], field: str) -> None:
    r = viewer.get(f"/design/{page}/", query)
    assert r.status_code == 400
    text = r.content.decode()
    assert f'<p class="error" id="e-{field}">{field}: ' in text
    assert 'class="design-table"' not in text
    for name, value in query.items():
        if name != "sides":
            assert f'name="{name}" type="text" inputmode="' in text
            assert f'value="{value}"' in text
    # htmx gets the same form with 200 (htmx swaps only successful answers)
    h = viewer.get(f"/design/{page}/", query, HTTP_HX_REQUEST="true")
    assert h.status_code == 200
    assert f'id="e-{field}"' in h.content.decode()


def test_item2_index_links_the_three_forms(viewer: Any) -> None:
    r = viewer.get("/design/")
    assert r.status_code == 200
    for href in ("/design/simon/", "/design/two-proportions/", "/design/survival/"):
        assert f'href="{href}"'.encode() in r.content
    blank = viewer.get("/design/simon/")
    assert blank.status_code == 200
    assert b'class="error"' not in blank.content


@pytest.mark.parametrize("route", ROUTES)
def test_item2_routes_refuse_anonymous_and_no_role(web_db: dict[str, Any], client_as: Any,
                                                   route: str) -> None:
    r = client_as(None).get(route)
    assert r.status_code == 302
    assert r["Location"].startswith("/login/")
    assert client_as("").get(route).status_code == 403
    assert client_as("viewer").post(route).status_code == 405
