"""Issue 12 items 2 and 5, with a peer's real datasets: the CDISC pilot study's SDTM (DM,
SUPPDM, AE, DS, LB, VS, as pharmaversesdtm ships it) and the package's RECIST example (TU, TR,
RS; reader INVESTIGATOR) import into ONE fresh registry; the pilot's EX (a xanomeline patch) is
refused whole; the responses the registry computes from the imported TR equal the expected
visit responses and best responses of ``cases.json`` for that reader (the confirmed best
response as admiralonco derives it, pharmaverseadam's ``adrs_onco``). Peer data is found
through ``tests/peer_data.py`` and copied only into a temporary folder."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hdil2.interop.sdtm.read import ImportRefused
from peer_data import peer_path

DATA = peer_path("pharmaversesdtm")
PILOT = ("dm", "suppdm", "ae", "ds", "lb", "vs")
RECIST = ("tu", "tr", "rs")
EVALUATOR = "INVESTIGATOR"
ZONE = "America/New_York"  # the pilot's sites are in the United States
CASES: list[dict[str, Any]] = [
    c for c in json.loads((DATA / "cases.json").read_text(encoding="utf-8"),
                          parse_float=Decimal)
    if c["source"]["evaluator"] == EVALUATOR]


def _folder(tmp: Path, *, with_ex: bool = False) -> Path:
    folder = tmp / ("with-ex" if with_ex else "pilot")
    folder.mkdir()
    for name in (*PILOT, *(("ex",) if with_ex else ())):
        shutil.copy(DATA / "sdtm" / f"{name}.csv.gz", folder)
    for name in RECIST:
        shutil.copy(DATA / f"{name}_onco_recist.csv", folder)
    return folder


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.db_table: m._base_manager.count()
            for m in apps.get_app_config("registry").get_models()}


def _import(folder: Path, by: Any) -> dict[str, Any]:
    from hdil2.registry.sdtm_import import import_sdtm

    return import_sdtm(folder, fmt="csv", zone=ZONE, by=by, evaluator=EVALUATOR,
                       partial_dates="first", criteria="recist1.1")


@pytest.fixture(scope="module")
def pilot(registry_db: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, Any]:
    """The fresh registry: first the refused import with EX (nothing written), then the
    import without it."""
    from hdil2.registry.users import system_user

    by = system_user("pilot_importer")
    tmp = tmp_path_factory.mktemp("pilot")
    before = _counts()
    with pytest.raises(ImportRefused) as refused:
        _import(_folder(tmp, with_ex=True), by)
    after_refusal = _counts()
    doc = _import(_folder(tmp), by)
    return {"by": by, "doc": doc, "refused": refused.value, "before": before,
            "after_refusal": after_refusal}


def test_item2_pilot_ex_is_refused_whole_naming_extrt(pilot: dict[str, Any]) -> None:
    assert pilot["after_refusal"] == pilot["before"]  # every table: nothing written
    problems = pilot["refused"].problems
    assert {p.column for p in problems} == {"EXTRT"}
    first = problems[0]
    assert (first.file, first.row) == ("ex.csv.gz", 1)
    # the pilot's arms: placebo and xanomeline patches
    assert {p.value for p in problems} == {"PLACEBO", "XANOMELINE"}
    assert first.reason == (f"hdil2 records aldesleukin doses only; EXTRT {first.value} is "
                            "another study's treatment")


def test_item2_pilot_and_recist_example_import_into_one_registry(
        pilot: dict[str, Any]) -> None:
    from hdil2.registry import models as m

    doc = pilot["doc"]
    assert doc["patients"] == 306  # every DM subject of the pilot
    d = doc["domains"]
    assert {c: d[c]["rows"] for c in d} == {
        "DM": 306, "SUPPDM": 1197, "AE": 1191, "DS": 850, "LB": 59580, "VS": 29643,
        "TU": 75, "TR": 546, "RS": 66}
    # the rows left out, each listed with its reason: the pilot's population flags
    # (SUPPDM), results that are not numbers (LB), tests not done (VS), the other readers
    # of the RECIST example (TU/TR/RS), repeated tumour states (TR)
    assert d["AE"]["imported"] == 1191
    assert d["DS"]["imported"] == 850
    assert d["SUPPDM"]["imported"] == 0
    assert {c: d[c]["other_evaluators"] for c in ("TU", "TR", "RS")} == {
        "TU": 50, "TR": 364, "RS": 44}
    assert len(doc["not_kept"]) == sum(x["not_kept"] for x in d.values())
    assert doc["registry_rows"]["observations"] == d["LB"]["imported"] + d["VS"]["imported"]
    # what the registry says of another study's subjects
    assert not m.Patient.objects.exclude(disease="").exists()  # never guessed
    ae = m.Toxicity.objects.all()
    assert ae.count() == 1191
    assert not ae.filter(grade__isnull=False).exists()  # the pilot has AESEV, no CTCAE grade
    assert set(ae.values_list("severity", flat=True)) == {"MILD", "MODERATE", "SEVERE"}
    assert ae.filter(onset_precision="day").count() == 1191  # AESTDTC are dates
    assert m.Disposition.objects.count() == 850
    assert m.Disposition.objects.filter(decod="RANDOMIZED").count() == 254


def test_item2_registry_responses_from_imported_tr_equal_the_expected(
        pilot: dict[str, Any]) -> None:
    from hdil2.registry import models as m
    from hdil2.registry.services._common import run
    from hdil2.registry.services.imaging import assessment_request

    with (DATA / "adrs_onco_bor.csv").open(encoding="utf-8") as f:
        adrs = {(r["USUBJID"], r["PARAMCD"]): r["AVALC"] for r in csv.DictReader(f)}
    assert len(CASES) == 8
    visits = 0
    for case in CASES:
        p = m.Patient.objects.get(registry_id=case["source"]["USUBJID"])
        stored = {r.scan.scanned_on.isoformat(): r for r in
                  m.ResponseAssessment.objects.filter(patient=p, kind="visit")
                  .select_related("scan")}
        for ev in case["expected"]["visits"]:
            if ev["overall"] is None:
                continue
            visits += 1
            # hdil2's assessment stored beside the imported RS, and the RS itself
            assert stored[ev["date"]].response_computed == ev["overall"], (case["id"], ev)
            assert stored[ev["date"]].response == ev["overall"], (case["id"], ev)
        # the registry's assessment use case from the imported rows (start: the baseline)
        start = dt.date.fromisoformat(case["visits"][0]["date"])
        req, _ = assessment_request(p, "recist1.1", start)
        result = run("assess", req)
        expected = case["expected"]
        subject = case["source"]["USUBJID"]
        assert result.bor_unconfirmed.value == expected["bor_unconfirmed"], case["id"]
        assert result.bor_unconfirmed.value == adrs[(subject, "BOR")], case["id"]
        # confirmed: as admiralonco derives it (pharmaverseadam adrs_onco CBOR)
        assert result.bor_confirmed.value == adrs[(subject, "CBOR")], case["id"]
        progression = result.dates_unconfirmed.progression_date
        assert (str(progression) if progression else None) == expected["progression_date"]
    assert visits == sum(1 for c in CASES for ev in c["expected"]["visits"]
                         if ev["overall"] is not None)
    assert visits > 0


def test_item2_pilot_rows_are_audited_as_the_importing_user(pilot: dict[str, Any]) -> None:
    from hdil2.registry import models as m

    by = pilot["by"]
    assert pilot["doc"]["history_rows"] == sum(pilot["doc"]["registry_rows"].values())
    for model in (m.Patient, m.Toxicity, m.Observation, m.Disposition, m.Scan,
                  m.Measurement, m.ResponseAssessment):
        assert model.objects.exclude(created_by=by).count() == 0, model.__name__
        assert model.history.filter(history_user=by, history_type="+").count() == \
            model.objects.count(), model.__name__
