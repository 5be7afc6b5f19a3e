"""Decisions carry reasons that cite catalogue sources."""

import json

import pytest

from hdil2.core.decision import Decision, Reason
from hdil2.core.sources import SOURCES, Tag

# every source key the clinical rules were first written against
REFERENCE_KEYS = [
    "atkins1993", "clark2003", "atkins2004", "lee2000", "shablak2011", "proleukin-label",
    "mcdermott2005", "rosenberg1994", "dutcher2014", "ctcae5", "recist1.1", "irecist",
    "who1981", "motzer1999", "motzer2002", "heng2009", "leibovich2003", "upton2005", "bui2003",
    "atkins2005", "negrier2002", "negrier2005", "chow2016",
]


def test_catalogue_holds_every_reference_key() -> None:
    assert set(REFERENCE_KEYS) <= set(SOURCES)


def test_item18_sources_name_no_file_outside_the_project() -> None:
    """The catalogue no longer records developer-only file names of the five source papers."""
    from hdil2.core.sources import SEED_PAPERS, Source

    assert "seed" not in Source.__dataclass_fields__
    assert set(SEED_PAPERS) == {"atkins1993", "clark2003", "atkins2004", "lee2000", "shablak2011"}
    assert set(SEED_PAPERS) <= set(SOURCES)


def test_unknown_source_is_refused() -> None:
    with pytest.raises(KeyError):
        Reason(rule="x", source="nobody2099", text="t")


def test_decision_json_shape() -> None:
    r = Reason(rule="label.spo2_below_90", source="proleukin-label",
               text="SpO2 89 % is below 90 %", inputs={"spo2_pct": 89}, tag=Tag.VERIFIED)
    d = Decision.of("hold", [r], resume_when="SpO2 > 90 %")
    doc = json.loads(json.dumps(d.to_dict()))
    assert doc == {
        "value": "hold",
        "resume_when": "SpO2 > 90 %",
        "reasons": [{"rule": "label.spo2_below_90", "inputs": {"spo2_pct": 89},
                     "source": "proleukin-label", "tag": "verified",
                     "text": "SpO2 89 % is below 90 %"}],
    }
    assert d.sources == ("proleukin-label",)


def test_reserved_detail_names() -> None:
    with pytest.raises(ValueError, match="reserved"):
        Decision("x", (), {"value": 1})
