"""The report document (issue 13): every section from whatever tables the data holds, what is
missing said in place, one self-contained HTML file and a PDF, the same bytes for the same
data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from hdil2.core.errors import InputError
from hdil2.report import data as rd
from hdil2.report import document


def _patients(n: int = 20) -> pd.DataFrame:
    rows = []
    for i in range(n):
        rows.append(dict.fromkeys(rd.PATIENTS) | {
            "patient": f"P{i:02d}", "disease": "rcc" if i % 2 else "melanoma",
            "sex": "male" if i % 3 else "female", "age": 40 + (7 * i) % 13,
            "ecog": (i // 2) % 2,
            "start": dt.date(2024, 1, 1) + dt.timedelta(days=7 * i), "courses": 1,
            "course_responses": ("PR",) if i % 4 == 0 else ("NR",),
            "best_response": "PR" if i % 4 == 0 else "NR",
            "os_days": 100 + (389 * i) % 701, "os_event": i % 5 != 0,
            "pfs_days": 50 + 20 * i, "pfs_event": True})
    return pd.DataFrame(rows, dtype=object)


def _tumour(patients: list[str], criteria: str, change: float) -> pd.DataFrame:
    rows = []
    for p in patients:
        rows.append({"patient": p, "criteria": criteria, "scanned_on": None, "day": -3,
                     "visit": 0, "burden_mm": 100.0, "change_pct": 0.0, "response": None})
        rows.append({"patient": p, "criteria": criteria, "scanned_on": None, "day": 60,
                     "visit": 1, "burden_mm": 100.0 + change, "change_pct": change,
                     "response": "PR" if change <= -30 else "SD"})
    return pd.DataFrame(rows, dtype=object)


def test_item13_patients_only_report_says_what_is_missing(tmp_path: Path) -> None:
    import html5lib

    rep = document.cohort_report(rd.CohortData(_patients(), title="Twenty"),
                                 generated="2026-12-01")
    shown = {it.key for it in rep.items if it.missing is None}
    assert {"characteristics", "responses-by-disease", "km-os", "km-pfs", "forest-os",
            "tempo-stop-reasons"} <= shown
    missing = {it.key: it.missing for it in rep.items if it.missing is not None}
    assert {"waterfall", "spider", "swimmer", "worst-grade", "quality-of-life",
            "km-dor"} <= set(missing)
    assert all(m.startswith("not shown: ") for m in missing.values())
    text = document.html(rep)
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(text)
    assert parser.errors == []
    assert text.count("<svg") == sum(it.kind == "figure" for it in rep.items
                                     if it.missing is None)
    # the sources the items cite, resolvable by ``hdil2 sources``, listed at the end
    assert {"lee2000", "kaplan1958", "cox1972"} <= set(rep.sources)
    assert document.write(rep, tmp_path / "r.pdf")["pages"] >= 1 + len(shown)


def test_item13_waterfall_uses_the_criteria_of_most_patients() -> None:
    pts = _patients(6)
    codes = list(pts["patient"])
    tumour = pd.concat([_tumour(codes[:4], "nci", -60.0), _tumour(codes[4:], "recist1.1",
                                                                   -35.0)])
    data = rd.CohortData(pts, tumour=tumour.reset_index(drop=True))
    assert document.main_criteria(data) == "nci"
    rep = document.cohort_report(data, generated="2026-12-01")
    fig = rep.item("waterfall").figure
    bars = sorted(a.get_gid() for a in fig.axes[0].patches if (a.get_gid() or "")
                  .startswith("bar:"))
    assert bars == [f"bar:{c}" for c in codes[:4]]


def test_item13_report_file_suffix_and_folder_are_checked(tmp_path: Path) -> None:
    rep = document.cohort_report(rd.CohortData(_patients(3)), generated="2026-12-01")
    for bad in (tmp_path / "r.docx", tmp_path / "absent" / "r.html"):
        with pytest.raises(InputError) as e:
            document.write(rep, bad)
        assert e.value.field == "out"
    with pytest.raises(InputError) as e:
        document.patient_report(rd.CohortData(_patients(3)), "nobody")
    assert e.value.field == "patient"


def test_item13_same_data_same_bytes() -> None:
    a = document.html(document.cohort_report(rd.CohortData(_patients()), generated="x"))
    b = document.html(document.cohort_report(rd.CohortData(_patients()), generated="x"))
    assert a == b
