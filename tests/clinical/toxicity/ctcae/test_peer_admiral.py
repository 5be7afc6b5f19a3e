"""hdil2's CTCAE grades against pharmaverse admiral's, on the pharmaverse ADLB example data.

``adlb.csv.gz`` (pharmaverseadam, Apache-2.0; read through ``peer_path``, never copied) holds
83,652 laboratory records that admiral graded with its **CTCAE v4.03** metadata
(``atoxgr_criteria_ctcv4``: ATOXGRL / ATOXGRH, term in ATOXDSCL / ATOXDSCH; source key
``admiral``).  hdil2 grades v5.0, so each term compares only the rows where the two versions
give the same grade, by a rule written below from the two versions' texts (not from hdil2's
code).  On those rows hdil2's grade must equal admiral's.

Rows with no admiral grade (a missing limit) are left out.  Terms hdil2 grades that the data
cannot check: anemia (admiral left hemoglobin ungraded here, a unit mismatch), neutrophil count
and hypomagnesemia (no such records), hypophosphatemia and hyperglycemia (v5.0 no longer grades
them by value).

Measured (rows compared / left out by the agreement rule / without an admiral grade):

==========================  ========  ========  =========
term                        compared  excluded  no grade
==========================  ========  ========  =========
creatinine_increased            1769       749          0
blood_bilirubin_increased       2408        88          6
ast_increased                   2330       174          0
alt_increased                   2390       114          0
alkaline_phosphatase_incr.      2415        99          0
ggt_increased                   2383       135          0
platelet_count_decreased        2475         0          0
lymphocyte_count_decreased      2440        40         18
hypocalcemia                    2518         0          0
hypokalemia                     2492         0          0
hyponatremia                    2498         0          0
hypoalbuminemia                 2504         0          0
==========================  ========  ========  =========
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pytest

from hdil2.clinical.toxicity.ctcae import NOT_EVALUABLE, grade_document
from peer_data import peer_path

ADLB = peer_path("pharmaverseadam", "adlb.csv.gz")

Row = dict[str, str]
KEEP = ("PARAMCD", "AVAL", "ANRLO", "ANRHI", "BASE", "ATOXGRL", "ATOXGRH", "ATOXDSCL",
        "ATOXDSCH")


def dec(x: str) -> Decimal:
    return Decimal(x)


def always(_: Row) -> bool:
    return True


# ---- agreement rules (v4.03 text vs v5.0 text) ----------------------------------------------


def creatinine_versions_agree(r: Row) -> bool:
    # v4.03 G1 is ">1 - 1.5 x baseline; >ULN - 1.5 x ULN"; v5.0 G1 is ">ULN - 1.5 x ULN" only.
    # G2-G4 are the same.  They differ exactly when the v4.03 baseline part alone gives G1:
    # baseline < value <= 1.5 x baseline and value <= ULN (v4.03 G1, v5.0 G0).
    v, b, uln = dec(r["AVAL"]), dec(r["BASE"]), dec(r["ANRHI"])
    return not (b < v <= Decimal("1.5") * b and v <= uln)


def baseline_normal(r: Row) -> bool:
    # v4.03 grades bilirubin, AST, ALT, ALP and GGT against ULN only; v5.0 does so only when
    # the baseline was normal (baseline <= ULN) and against the baseline when it was abnormal
    return r["BASE"] != "" and dec(r["BASE"]) <= dec(r["ANRHI"])


def lymphocytes_agree_with_cd4_criteria(r: Row) -> bool:
    # admiral graded the lymphocyte count with its "CD4 lymphocytes decreased" criteria
    # (<LLN - 0.5; <0.5 - 0.2; <0.2 - 0.05; <0.05 x 10e9/L); "Lymphocyte count decreased" is
    # <LLN - 0.8; <0.8 - 0.5; <0.5 - 0.2; <0.2.  Both give G1 below the LLN and G0 at or
    # above it, and agree nowhere below 0.8: compare counts of at least 0.8 x 10^9/L
    return dec(r["AVAL"]) >= Decimal("0.8")


@dataclass(frozen=True)
class Term:
    key: str
    paramcd: str
    admiral_term: str  # ATOXDSCL / ATOXDSCH admiral wrote
    low: bool  # graded in ATOXGRL (True) or ATOXGRH
    unit: str
    agree: Callable[[Row], bool] = always
    extra: dict[str, Any] = field(default_factory=dict)  # fixed request fields (see below)

    def request(self, r: Row) -> dict[str, Any]:
        doc: dict[str, Any] = {"term": self.key, "value": f"{r['AVAL']} {self.unit}",
                               **self.extra}
        limits = ("lln",) if self.low else ("uln", "baseline")
        src = {"lln": "ANRLO", "uln": "ANRHI", "baseline": "BASE"}
        for name in limits:
            if r[src[name]] != "":
                doc[name] = f"{r[src[name]]} {self.unit}"
        return doc


TERMS = [
    Term("creatinine_increased", "CREAT", "Creatinine increased", False, "µmol/L",
         creatinine_versions_agree),
    Term("blood_bilirubin_increased", "BILI", "Blood bilirubin increased", False, "µmol/L",
         baseline_normal),
    Term("ast_increased", "AST", "Aspartate aminotransferase increased", False, "U/L",
         baseline_normal),
    Term("alt_increased", "ALT", "Alanine aminotransferase increased", False, "U/L",
         baseline_normal),
    Term("alkaline_phosphatase_increased", "ALKPH", "Alkaline phosphatase increased", False,
         "U/L", baseline_normal),
    Term("ggt_increased", "GGT", "GGT increased", False, "U/L", baseline_normal),
    # the same text in v4.03 and v5.0
    Term("platelet_count_decreased", "PLAT", "Platelet count decreased", True, "10^9/L"),
    Term("lymphocyte_count_decreased", "LYMPH", "CD4 lymphocytes decreased", True, "10^9/L",
         lymphocytes_agree_with_cd4_criteria),
    # the same bounds in v4.03 and v5.0; admiral applies them to the total calcium of the
    # data (not albumin-corrected), so hdil2 is given the same number as "corrected": this
    # checks the bounds, not the chemistry
    Term("hypocalcemia", "CA", "Hypocalcemia", True, "mmol/L", extra={"calcium": "corrected"}),
    # v4.03 G2 "<LLN - 3.0 mmol/L; symptomatic; intervention indicated" and v5.0 G2
    # "Symptomatic with <LLN - 3.0 mmol/L; intervention indicated" share their range with G1;
    # admiral assumes the worst case (symptomatic or intervention indicated).  With the same
    # answer v5.0 agrees with v4.03 on every row
    Term("hypokalemia", "POTAS", "Hypokalemia", True, "mmol/L",
         extra={"symptomatic": True}),
    # v4.03 G3 "<130 - 120 mmol/L"; v5.0 splits 125-129 into G2 asymptomatic / G3
    # symptomatic; with "symptomatic" (admiral's v5.0 metadata assumes the same) they agree
    Term("hyponatremia", "SODIUM", "Hyponatremia", True, "mmol/L",
         extra={"symptomatic": True}),
    Term("hypoalbuminemia", "ALB", "Hypoalbuminemia", True, "g/L"),
]


@lru_cache(maxsize=1)
def read_adlb() -> tuple[int, dict[str, list[Row]]]:
    """The number of records, and the records of the parameters compared here."""
    wanted = {t.paramcd for t in TERMS}
    out: dict[str, list[Row]] = {p: [] for p in wanted}
    n = 0
    with gzip.open(ADLB, "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            n += 1
            if r["PARAMCD"] in wanted:
                out[r["PARAMCD"]].append({k: r[k] for k in KEEP})
    return n, out


def rows_by_param() -> dict[str, list[Row]]:
    return read_adlb()[1]


def test_the_data_is_the_documented_adlb() -> None:
    n, rows = read_adlb()
    assert n == 83652
    assert sum(len(v) for v in rows.values()) == 30045  # the twelve parameters used here


@pytest.mark.parametrize("t", TERMS, ids=[t.key for t in TERMS])
def test_item8_hdil2_equals_admiral_where_v403_and_v50_agree(
        t: Term, record_property: Callable[[str, object], None]) -> None:
    rows = rows_by_param()[t.paramcd]
    grade_col, term_col = ("ATOXGRL", "ATOXDSCL") if t.low else ("ATOXGRH", "ATOXDSCH")
    cache: dict[tuple[tuple[str, Any], ...], Any] = {}
    compared = excluded = ungraded = 0
    mismatches: list[tuple[dict[str, Any], Any, int]] = []
    for r in rows:
        assert r[term_col] == t.admiral_term
        if r[grade_col] == "":
            ungraded += 1
            continue
        if not t.agree(r):
            excluded += 1
            continue
        doc = t.request(r)
        key = tuple(sorted(doc.items()))
        if key not in cache:
            cache[key] = grade_document(doc).value
        ours, theirs = cache[key], int(Decimal(r[grade_col]))
        compared += 1
        if ours != theirs:
            mismatches.append((doc, ours, theirs))
    record_property("compared", compared)
    record_property("excluded", excluded)
    record_property("no_admiral_grade", ungraded)
    print(f"{t.key}: compared {compared}, excluded {excluded}, no admiral grade {ungraded}")
    assert compared >= 1000, "too few rows to mean anything"
    assert not mismatches, f"{len(mismatches)} rows differ, e.g. {mismatches[:3]}"
    assert NOT_EVALUABLE not in cache.values()


def test_item8_without_the_clinical_word_hdil2_does_not_assume_admirals_worst_case() -> None:
    # the rows where admiral's answer rests on its assumption: hdil2 asks instead
    potassium = [r for r in rows_by_param()["POTAS"] if r["ANRLO"] != ""
                 and Decimal("3.0") <= dec(r["AVAL"]) < dec(r["ANRLO"])]
    sodium = [r for r in rows_by_param()["SODIUM"]
              if Decimal(125) <= dec(r["AVAL"]) < Decimal(130)]
    assert potassium
    assert sodium
    for r in potassium:
        assert r["ATOXGRL"] == "2"
        d = grade_document({"term": "hypokalemia", "value": f"{r['AVAL']} mmol/L",
                            "lln": f"{r['ANRLO']} mmol/L"})
        assert d.details["possible_grades"] == [1, 2]
    for r in sodium:
        assert r["ATOXGRL"] == "3"
        d = grade_document({"term": "hyponatremia", "value": f"{r['AVAL']} mmol/L",
                            "lln": f"{r['ANRLO']} mmol/L"})
        assert d.details["possible_grades"] == [2, 3]
