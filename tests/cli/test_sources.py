"""Issue 8 item 18: ``hdil2 sources [KEY]`` resolves every source key a reason can cite.

The identifiers checked here are the publishers' and PubMed's records of the papers (DOI
prefixes and PubMed ids as printed on the articles), not values derived from hdil2.
"""

from __future__ import annotations

import json
import re

import pytest

from hdil2.cli.invoke import invoke
from hdil2.core.errors import InputError
from hdil2.core.sources import SOURCES

# identifiers as the journals and PubMed print them
PUBLISHED_IDS = {
    "recist1.1": ("19097774", "10.1016/j.ejca.2008.10.026"),
    "irecist": ("28271869", "10.1016/S1470-2045(17)30074-8"),
    "clark2003": ("12810695", "10.1200/JCO.2003.02.014"),
    "dutcher2014": ("31546315", "10.1186/s40425-014-0026-0"),
    "payne1973": ("4758544", "10.1136/bmj.4.5893.643"),
    "mosteller1987": ("3657876", "10.1056/NEJM198710223171717"),
}


def test_item18_every_key_prints_its_full_reference() -> None:
    code, out, err = invoke(["sources", "--json"])
    assert code == 0, err
    docs = {d["key"]: d for d in json.loads(out)["sources"]}
    assert set(docs) == set(SOURCES)
    for key, d in docs.items():
        # a paper has its year; software and living documents have a place to find them
        undated = ("proleukin-label", "r-survival", "rpact", "admiralonco", "admiral")
        assert re.search(r"\b(1[89]|20)\d\d\b", d["citation"]) or d["url"] \
            or key in undated, key
        assert d["uses"], f"{key}: what hdil2 takes from it is not stated"
        if d["doi"]:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", d["doi"]), key
        if d["pmid"]:
            assert re.fullmatch(r"[1-9]\d{0,8}", d["pmid"]), key


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_item18_each_key_resolves_in_human_and_json_form(key: str) -> None:
    code, out, err = invoke(["sources", key])
    assert code == 0, err
    assert out.splitlines()[0] == key
    assert "uses: " in out
    code, out, _ = invoke(["sources", key, "--json"])
    assert code == 0
    assert json.loads(out)["key"] == key


@pytest.mark.parametrize(("key", "ids"), sorted(PUBLISHED_IDS.items()))
def test_item18_published_identifiers(key: str, ids: tuple[str, str]) -> None:
    _, out, _ = invoke(["sources", key, "--json"])
    doc = json.loads(out)
    assert (doc["pmid"], doc["doi"]) == ids


def test_item18_lee2000_says_what_hdil2_takes_from_it() -> None:
    _, out, _ = invoke(["sources", "lee2000", "--json"])
    doc = json.loads(out)
    assert "successive courses" in doc["citation"]
    assert "J Clin Oncol 2000;18(10):1954-1959" in doc["citation"]
    assert "Tables 3-5" in doc["uses"]
    assert "retreatment" in doc["uses"]
    assert "bidimensional" in doc["uses"]


def test_item18_unknown_key_is_refused_with_a_suggestion() -> None:
    code, out, err = invoke(["sources", "lee200", "--json"])
    assert code == 2
    assert out == ""
    error = json.loads(err)["errors"][0]
    assert error["field"] == "key"  # the request field of the sources operation (issue 9)
    assert "lee2000" in error["message"]


def test_item18_no_output_names_a_developer_only_document() -> None:
    _, out, _ = invoke(["sources"])
    for pattern in (r"seeds? ?0\d\d", r"seeds?/", "§", r"\bD(1[0-9]|[1-9])\b", r"\.txt\b",
                    r"\[[VSMU]\]"):
        assert not re.search(pattern, out), pattern


def test_item18_sources_at_80_columns_never_split_an_identifier() -> None:
    import os

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        _, out, _ = invoke(["sources"])
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    assert max(len(line) for line in out.splitlines()) <= 80
    for s in SOURCES.values():
        if s.doi:
            assert f"doi:{s.doi}" in out


# ---- issue 9 item 1: sources is an operation of the application layer ----------------------

def test_item9_sources_is_an_operation_with_an_output_schema() -> None:
    import jsonschema

    from hdil2 import app

    op = app.operation("sources")
    listing = app.run("sources", {"key": "irecist"})
    assert [(s.key, s.pmid, s.doi) for s in listing.sources] == [
        ("irecist", *PUBLISHED_IDS["irecist"])]
    everything = app.run("sources", {})
    assert [s.key for s in everything.sources] == list(SOURCES)
    jsonschema.validate(everything.to_dict(), op.output_schema())
    with pytest.raises(InputError) as err:
        app.run("sources", {"key": "recist11"})
    assert err.value.field == "key"
    assert "recist1.1" in err.value.message
    with pytest.raises(InputError) as err:
        app.run("sources", {"key": "lee2000", "keys": ["x"]})
    assert err.value.field == "keys"


def test_item9_cli_prints_what_the_operation_answers() -> None:
    from hdil2 import app

    code, out, err = invoke(["sources", "--json"])
    assert code == 0, err
    assert json.loads(out) == app.run("sources", {}).to_dict()
    code, out, err = invoke(["sources", "payne1973", "--json"])
    assert code == 0, err
    assert json.loads(out) == app.run("sources", {"key": "payne1973"}).sources[0].to_dict()
    code, out, err = invoke(["schema", "sources", "--output"])
    assert code == 0, err
    assert json.loads(out)["title"] == "sources (output)"
