"""Every term hdil2 grades, checked against NCI's own CTCAE v5.0 spreadsheet.

``CTCAE_v5.0_2017-11-27.xlsx`` (NCI, 27 Nov 2017; source key ``ctcae5``) is read from the peer
data folder (never copied into the project).  For every catalogue term:

* the term exists in the spreadsheet under the catalogue's CTCAE name;
* the grades hdil2 allows (1-5) are exactly the grades the spreadsheet defines (a "-" cell
  means the grade does not exist for the term);
* each grade text in the catalogue equals the spreadsheet's cell, after normalising only
  whitespace (runs of spaces, line breaks, no-break spaces) and dash characters;
* the catalogue records the spreadsheet as the source of its texts.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

from hdil2.clinical.toxicity.ctcae import NOT_TERMS, TERMS, grade_document
from hdil2.core.errors import InputError
from peer_data import peer_path

openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is in the dev extra")

XLSX = peer_path("ctcae", "CTCAE_v5.0_2017-11-27.xlsx")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": "-", "\u2212": "-"})


def norm(text: str) -> str:
    """Whitespace and dash characters normalised; nothing else."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").translate(_DASHES)).strip()


@lru_cache(maxsize=1)
def spreadsheet() -> dict[str, dict[int, str | None]]:
    """CTCAE term -> {grade: text, or None for a "-" cell}."""
    wb = openpyxl.load_workbook(XLSX, read_only=True)
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = [norm(str(h)) for h in next(rows)]
    col = {h: i for i, h in enumerate(header)}
    out: dict[str, dict[int, str | None]] = {}
    for row in rows:
        if not row[col["CTCAE Term"]]:
            continue
        name = norm(str(row[col["CTCAE Term"]]))
        grades: dict[int, str | None] = {}
        for g in range(1, 6):
            cell = row[col[f"Grade {g}"]]
            text = norm(str(cell)) if cell is not None else ""
            grades[g] = None if text in ("", "-") else text
        assert name not in out, f"duplicate term {name!r} in the spreadsheet"
        out[name] = grades
    wb.close()
    return out


def test_the_spreadsheet_is_ctcae_v5() -> None:
    rows = spreadsheet()
    assert len(rows) == 837  # NCI: 837 terms in v5.0
    assert "Anemia" in rows


@pytest.mark.parametrize("key", sorted(TERMS))
def test_item7_catalogue_term_equals_the_nci_spreadsheet(key: str) -> None:
    t = TERMS[key]
    rows = spreadsheet()
    assert t.name in rows, f"{t.name!r} is not a CTCAE v5.0 term"
    row = rows[t.name]
    defined = tuple(g for g in range(1, 6) if row[g] is not None)
    assert tuple(g for g in t.allowed_grades if g) == defined
    for g in defined:
        assert norm(t.text(g)) == row[g], f"{t.name} grade {g}"
    assert t.text_source == "nci-ctcae5-xlsx"


def test_item6_urine_output_decreased_is_a_v5_term_and_graded() -> None:
    row = spreadsheet()["Urine output decreased"]
    assert row[3] is not None
    assert "Oliguria (<80 ml in 8 hr)" in row[3]
    assert row[4] is not None
    assert "Anuria (<240 ml in 24 hr)" in row[4]
    assert "urine_output_decreased" in TERMS
    assert "urine_output_decreased" not in NOT_TERMS


@pytest.mark.parametrize("name", sorted(NOT_TERMS))
def test_item6_refused_names_are_not_v5_terms(name: str) -> None:
    names = {n.lower() for n in spreadsheet()}
    assert name.replace("_", " ") not in names
    with pytest.raises(InputError) as e:
        grade_document({"term": name, "volume": "60 mL", "hours": "8 h"})
    assert "urine_output_decreased" in e.value.message


def test_item7_capillary_leak_grade_1_and_svt_grade_4_are_the_spreadsheets() -> None:
    rows = spreadsheet()
    assert rows["Capillary leak syndrome"][1] == "Asymptomatic"
    assert TERMS["capillary_leak_syndrome"].text(1) == "Asymptomatic"
    assert grade_document({"term": "capillary_leak_syndrome", "grade": 1}).value == 1
    assert rows["Supraventricular tachycardia"][4] == "Life-threatening consequences"
    assert TERMS["supraventricular_tachycardia"].text(4) == "Life-threatening consequences"


@pytest.mark.parametrize(("key", "words"), [
    # v5.0 grades these by clinical descriptors only (the spreadsheet has no value ranges),
    # so hdil2 records the clinician's grade instead of computing one from a value
    ("hypophosphatemia", "Oral replacement therapy indicated"),
    ("hyperglycemia", "Insulin therapy initiated"),
])
def test_item8_descriptor_only_terms_are_clinician_graded(key: str, words: str) -> None:
    row = spreadsheet()[TERMS[key].name]
    assert any(words in (row[g] or "") for g in range(1, 6))
    assert not any(re.search(r"mmol/L|mg/dL", row[g] or "") for g in range(1, 6))
    assert TERMS[key].method == "clinician"
