"""SDTM import, the pure half (issue 12 items 2 and 5): records -> build -> write (CSV, XPT) ->
read_datasets -> parse -> build gives the same rows, and the CSV files are byte-identical.

The records are small valid patients drawn by Hypothesis and the registry's synthetic demo
cohort (read from a fresh registry by ``interchange.patient_records``).
"""

from __future__ import annotations

import datetime as dt
import string
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hdil2.interop.sdtm import DOMAINS, build, lb, parse, read_datasets, rs, tumor, vs, write
from hdil2.interop.sdtm.write import xpt_text
from interop.conftest import DEMO_SEED

UTC = dt.UTC
ZONE = "Europe/London"
STUDY = "IL2-RT"
BASE = dt.datetime(2025, 3, 1, tzinfo=UTC)

# ---- a strategy of small valid patients ------------------------------------------------------

# printable ASCII without surrounding blanks (SAS transport keeps no trailing blanks)
_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,:;-/()<>=+'", min_size=1,
                max_size=30).map(str.strip).filter(bool)
_MAYBE_TEXT = st.one_of(st.just(""), _TEXT)
_TIME = st.integers(0, 60 * 24 * 400).flatmap(
    lambda m: st.sampled_from([0, 0, 0, 17]).map(
        lambda s: BASE + dt.timedelta(minutes=m, seconds=s)))
_DAY = st.integers(0, 400).map(lambda d: BASE.date() + dt.timedelta(days=d))
_MOMENT = st.one_of(_TIME, _DAY)
_DEC = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999"), places=3,
                   allow_nan=False, allow_infinity=False)


@st.composite
def _course(draw: st.DrawFn, number: int) -> dict[str, Any]:
    keys = draw(st.lists(st.tuples(st.integers(1, 2), st.integers(1, 15)), unique=True,
                         max_size=6))
    slots = []
    for cycle, n in keys:
        status = draw(st.sampled_from(["given", "held", "not_given", "scheduled"]))
        at = draw(_TIME)
        slots.append({"cycle": cycle, "number": n, "status": status, "scheduled_at": at,
                      "given_at": at if status == "given" else None,
                      "dose_iu": Decimal(draw(st.integers(1, 10**9))) if status == "given"
                      else None,
                      "reason": "" if status == "given" else draw(st.one_of(
                          _MAYBE_TEXT, st.sampled_from(["HELD", "NOT GIVEN", "HELD: x"])))})
    status = draw(st.sampled_from(["ongoing", "completed", "discontinued"]))
    reason = draw(st.sampled_from(["progressive_disease", "il2_toxicity", "complete_response",
                                   "death", "other"])) if status == "discontinued" else ""
    return {"number": number, "status": status, "regimen": "", "ward_tz": ZONE,
            "ended_on": draw(_DAY) if status != "ongoing" else None,
            "discontinuation_reason": reason,
            "discontinuation_detail": draw(_MAYBE_TEXT) if status != "ongoing" else "",
            "slots": slots}


@st.composite
def _observation(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["lab", "vital"]))
    tests = lb.TESTS if kind == "lab" else vs.TESTS
    known = draw(st.booleans())
    code = draw(st.sampled_from(sorted(tests))) if known else draw(
        st.sampled_from(["CRP", "FERRITIN", "PULSE"]))
    name = draw(st.one_of(st.just(""), st.just(tests[code][1]), _TEXT)) if known else draw(_TEXT)
    unit = draw(st.sampled_from(["mg/dL", "U/L", "mmHg", "10^9/L"]))
    return {"kind": kind, "code": code, "name": name, "taken_at": draw(_MOMENT),
            "value": draw(_DEC), "unit": unit, "unit_canonical": unit,
            "lln": draw(st.one_of(st.none(), _DEC)) if kind == "lab" else None,
            "uln": draw(st.one_of(st.none(), _DEC)) if kind == "lab" else None}


@st.composite
def _tumours(draw: st.DrawFn) -> dict[str, Any]:
    days = sorted(set(draw(st.lists(_DAY, max_size=3))))
    scans = [{"key": 100 + i, "date": d, "modality": draw(st.sampled_from(sorted(tumor.METHODS))),
              "label": draw(_MAYBE_TEXT), "visitnum": i + 1} for i, d in enumerate(days)]
    lesions = []
    for j, kind in enumerate(draw(st.lists(st.sampled_from(["target", "non-target", "new"]),
                                           max_size=3))):
        first = draw(st.sampled_from([None, *[s["key"] for s in scans]]))
        lesions.append({"lesion_id": f"L{j:02d}", "kind": kind,
                        "organ": draw(st.sampled_from(["lung", "liver", "lymph node"])),
                        "first_scan": first})
    measurements = []
    for s in scans:
        for les in lesions:
            if draw(st.booleans()):
                status = draw(st.sampled_from(sorted(tumor.STATES)))
                measurements.append({
                    "scan": s["key"], "lesion": les["lesion_id"], "status": status,
                    **{f: draw(st.one_of(st.none(), _DEC)) for f, _, _ in tumor.DIAMETERS}})
    responses = [{"criteria": draw(st.sampled_from(sorted(rs.CATEGORIES))), "kind": kind,
                  "assessed_on": draw(_DAY), "response": draw(st.sampled_from(rs.RESPONSES)),
                  "visitnum": draw(st.sampled_from([None, *[s["visitnum"] for s in scans]]))
                  if kind == "visit" else None,
                  "visit": draw(_MAYBE_TEXT).upper() if kind == "visit" else ""}
                 for kind in draw(st.lists(st.sampled_from(["visit", "best"]), max_size=3))]
    return {"scans": scans, "lesions": lesions, "measurements": measurements,
            "responses": responses}


@st.composite
def patients(draw: st.DrawFn) -> list[dict[str, Any]]:
    codes = draw(st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,8}", fullmatch=True),
                          min_size=1, max_size=3, unique_by=str.lower))
    out = []
    for code in codes:
        courses = [draw(_course(n)) for n in range(1, draw(st.integers(0, 2)) + 1)]
        toxicities = [{
            "term": draw(_TEXT).upper(), "verbatim": draw(_MAYBE_TEXT),
            "grade": draw(st.one_of(st.none(), st.integers(0, 5))),
            "severity": draw(st.sampled_from(["", "MILD", "MODERATE", "SEVERE"])),
            "onset_at": draw(_MOMENT), "resolved_at": draw(st.one_of(st.none(), _MOMENT)),
            "attribution": draw(st.sampled_from(["", "unrelated", "possible", "definite",
                                                 "REMOTE"])),
            "serious": draw(st.booleans())} for _ in range(draw(st.integers(0, 3)))]
        out.append({
            "code": code, "site": draw(_MAYBE_TEXT), "sex": draw(st.sampled_from(
                ["female", "male", ""])), "birth_date": draw(st.one_of(st.none(), _DAY)),
            "disease": draw(st.sampled_from(["rcc", "melanoma", ""])),
            "histology": draw(st.sampled_from(["", "clear_cell", "unknown_primary"])),
            "tnm_edition": draw(st.sampled_from(["", "8"])),
            "stage_group": draw(st.sampled_from(["", "IV"])),
            "ecog": draw(st.one_of(st.none(), st.integers(0, 4))), "zone": ZONE,
            "courses": courses, "toxicities": toxicities,
            "observations": draw(st.lists(_observation(), max_size=4)),
            "followups": [{"death_on": draw(_DAY)}] if draw(st.booleans()) else [],
            "dispositions": [{"category": "PROTOCOL MILESTONE", "term": draw(_TEXT).upper(),
                              "decod": "RANDOMIZED", "date": draw(st.one_of(st.none(), _DAY)),
                              "course": None} for _ in range(draw(st.integers(0, 2)))],
            **draw(_tumours())})
    return out


# ---- the round trip ---------------------------------------------------------------------------


def _xpt_rows(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The rows as a SAS transport file holds them (ASCII spellings, no trailing blanks)."""
    return {c: [{k: xpt_text(v).rstrip() if isinstance(v, str) else v for k, v in r.items()}
                for r in rs_] for c, rs_ in rows.items()}


def round_trip(records: list[dict[str, Any]], tmp: Path, fmt: str) -> None:
    first = build(records, study=STUDY)
    write(first, tmp / "a", fmt)  # type: ignore[arg-type]
    parsed = parse(read_datasets(tmp / "a", fmt), zone=ZONE)
    again = build(parsed, study=STUDY)
    if fmt == "csv":
        assert again == first
        write(again, tmp / "b", "csv")
        for code in DOMAINS:
            name = f"{code.lower()}.csv"
            assert (tmp / "a" / name).read_bytes() == (tmp / "b" / name).read_bytes(), code
    else:
        assert _xpt_rows(again) == _xpt_rows(first)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_item5_any_small_registry_survives_sdtm_csv_and_back(records: list[dict[str, Any]]
                                                             ) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        round_trip(records, Path(tmp), "csv")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_item5_any_small_registry_survives_sdtm_xpt_and_back(records: list[dict[str, Any]]
                                                             ) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        round_trip(records, Path(tmp), "xpt")


def test_item5_parse_answers_the_records_it_was_built_from() -> None:
    """Field for field, not only through build: what SDTM carries comes back as it was."""
    at = dt.datetime(2026, 6, 14, 19, 0, tzinfo=UTC)
    held = {"cycle": 1, "number": 2, "status": "not_given",
            "scheduled_at": at + dt.timedelta(hours=8), "given_at": None, "dose_iu": None,
            "reason": "course stopped"}
    given_ = {"cycle": 1, "number": 1, "status": "given", "scheduled_at": at, "given_at": at,
              "dose_iu": Decimal(50_400_000), "reason": ""}
    record = {
        "code": "P001", "site": "ward 7", "sex": "female", "birth_date": dt.date(1950, 6, 15),
        "disease": "melanoma", "histology": "acral", "tnm_edition": "8", "stage_group": "IV",
        "ecog": 1, "zone": ZONE,
        "courses": [{"number": 1, "status": "discontinued", "regimen": "", "ward_tz": ZONE,
                     "ended_on": dt.date(2026, 6, 15), "discontinuation_reason": "death",
                     "discontinuation_detail": "at home", "slots": [given_, held]}],
        "toxicities": [{"term": "Hypotension", "verbatim": "low blood pressure", "grade": None,
                        "severity": "MODERATE", "onset_at": dt.date(2026, 6, 15),
                        "resolved_at": None, "attribution": "probable", "serious": True}],
        "observations": [{"kind": "lab", "code": "creatinine", "name": "",
                          "taken_at": at - dt.timedelta(hours=6), "value": Decimal("1.04"),
                          "unit": "mg/dL", "unit_canonical": "mg/dL", "lln": None,
                          "uln": Decimal("1.2")}],
        "responses": [], "followups": [{"death_on": dt.date(2026, 6, 16)}],
        "scans": [], "lesions": [], "measurements": [],
        "dispositions": [{"category": "PROTOCOL MILESTONE", "term": "RANDOMIZED",
                          "decod": "RANDOMIZED", "date": dt.date(2026, 6, 1), "course": None}],
    }
    with tempfile.TemporaryDirectory() as tmp:
        write(build([record], study=STUDY), tmp, "csv")
        (back,) = parse(read_datasets(tmp), zone=ZONE)
    assert back["identifiers"] == {STUDY: f"{STUDY}-P001"}
    for key in ("code", "site", "sex", "birth_date", "disease", "histology", "tnm_edition",
                "stage_group", "ecog", "toxicities", "observations", "followups",
                "dispositions"):
        assert back[key] == record[key], key
    (course,) = back["courses"]
    assert course == record["courses"][0]


# ---- hdil2's synthetic cohort, read from a fresh registry -------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xpt"])
def test_item5_the_demo_cohort_survives_sdtm_and_back(demo_db: dict[str, Any], tmp_path: Path,
                                                      fmt: str) -> None:
    from hdil2.registry import interchange

    records = interchange.patient_records(f"demo{DEMO_SEED}-")
    assert records
    for p in records:  # one zone for the whole import (the demo's wards are in New York)
        assert p["zone"] == "America/New_York"
    first = build(records, study=STUDY)
    write(first, tmp_path / "a", fmt)  # type: ignore[arg-type]
    parsed = parse(read_datasets(tmp_path / "a", fmt), zone="America/New_York")
    again = build(parsed, study=STUDY)
    assert sum(len(r) for r in first.values()) > 1000
    if fmt == "csv":
        assert again == first
        write(again, tmp_path / "b", "csv")
        for code in DOMAINS:
            name = f"{code.lower()}.csv"
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    else:
        assert _xpt_rows(again) == _xpt_rows(first)


def test_item5_worked_example_of_the_import_docs_runs() -> None:
    import io
    import re

    text = (Path(__file__).resolve().parents[2] / "docs" / "interchange.md").read_text(
        encoding="utf-8")
    section = text.split("\n### Worked example (import)\n", 1)[1].split("\n## ", 1)[0]
    (program,) = re.findall(r"```python\n(.*?)```", section, re.S)
    (expected,) = re.findall(r"```text\n(.*?)```", section, re.S)
    buf = io.StringIO()
    exec(compile(program, "docs/interchange.md", "exec"),
         {"print": lambda *a, **kw: print(*a, **kw, file=buf)})
    assert buf.getvalue() == expected


def test_item5_export_writes_the_usubjid_the_registry_keeps_for_the_study() -> None:
    p = {"code": "01-701-1015", "zone": ZONE, "identifiers": {"CDISCPILOT01": "01-701-1015"}}
    assert build([p], study="CDISCPILOT01", domains=["DM"])["DM"][0]["USUBJID"] == "01-701-1015"
    assert build([p], study="HDIL2", domains=["DM"])["DM"][0]["USUBJID"] == "HDIL2-01-701-1015"
