"""Issue 12 item 2 (import): what the registry stores of an imported SDTM subject, and how every
reader copes with it - a disease not recorded, an event not graded (severity only), a time
known to the day only, dispositions, the study's identifier."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hdil2.core.errors import InputError

UTC = dt.UTC


@pytest.fixture(scope="module")
def imported(registry_db: dict[str, Any]) -> dict[str, Any]:
    """Two patients written as the import writes them: one of another study (disease not
    recorded, an AE with severity only, day-only times, a milestone), one with RCC."""
    from hdil2.registry import models as m
    from hdil2.registry.models.base import stored_time
    from hdil2.registry.users import system_user

    u = system_user("importer")
    other = m.Patient(registry_id="01-701-1015", sex="female", time_zone="America/New_York")
    other.save(by=u)
    m.PatientIdentifier(patient=other, system="CDISCPILOT01", value="01-701-1015").save(by=u)
    onset, onset_p = stored_time(dt.date(2014, 1, 3))
    m.Toxicity(patient=other, term="APPLICATION SITE ERYTHEMA",
               verbatim="APPLICATION SITE REDNESS", grade=None, severity="MILD",
               onset_at=onset, onset_precision=onset_p,
               resolved_at=dt.datetime(2014, 1, 9, 15, 30, tzinfo=UTC),
               attribution="PROBABLE").save(by=u)
    taken, taken_p = stored_time(dt.date(2014, 1, 2))
    m.Observation(patient=other, kind="lab", code="creatinine", name="", taken_at=taken,
                  taken_precision=taken_p, value=Decimal("79.56"), unit="umol/L",
                  unit_canonical="umol/L").save(by=u)
    m.Observation(patient=other, kind="lab", code="ANISO", name="Anisocytosis",
                  taken_at=dt.datetime(2014, 1, 2, 14, 40, tzinfo=UTC), value=Decimal(1),
                  unit="", unit_canonical="").save(by=u)
    m.Disposition(patient=other, category="PROTOCOL MILESTONE", term="RANDOMIZED",
                  decod="RANDOMIZED", date=dt.date(2014, 1, 2)).save(by=u)
    rcc = m.Patient(registry_id="RCC-1", disease="rcc", histology="clear_cell")
    rcc.save(by=u)
    return {"other": other, "rcc": rcc, "user": u}


def test_item2_patient_records_carry_what_the_import_stores(imported: dict[str, Any]) -> None:
    from hdil2.registry.interchange import patient_records

    (rec,) = patient_records("01-701")
    assert rec["disease"] == ""
    assert rec["zone"] == "America/New_York"  # no course: the patient's recorded zone
    assert rec["identifiers"] == {"CDISCPILOT01": "01-701-1015"}
    (tox,) = rec["toxicities"]
    assert tox["grade"] is None
    assert (tox["severity"], tox["verbatim"]) == ("MILD", "APPLICATION SITE REDNESS")
    # the onset is known to the day only: a date comes back, not midnight UTC
    assert type(tox["onset_at"]) is dt.date
    assert tox["onset_at"] == dt.date(2014, 1, 3)
    assert tox["resolved_at"] == dt.datetime(2014, 1, 9, 15, 30, tzinfo=UTC)
    labs = sorted(rec["observations"], key=lambda o: o["code"])
    assert [(o["code"], o["name"]) for o in labs] == [("ANISO", "Anisocytosis"),
                                                      ("creatinine", "")]
    assert type(labs[1]["taken_at"]) is dt.date
    assert isinstance(labs[0]["taken_at"], dt.datetime)
    assert rec["dispositions"] == [{"category": "PROTOCOL MILESTONE", "term": "RANDOMIZED",
                                    "decod": "RANDOMIZED", "date": dt.date(2014, 1, 2),
                                    "course": None}]
    (rcc,) = patient_records("RCC-")
    assert rcc["zone"] == "UTC"
    assert rcc["identifiers"] == {}
    assert rcc["dispositions"] == []


def test_item2_blank_disease_never_counts_as_rcc_or_melanoma(imported: dict[str, Any]) -> None:
    from hdil2.registry import cohort

    assert [r["patient"] for r in cohort.rows(cohort.CohortFilter(disease="rcc"))] == ["RCC-1"]
    assert cohort.rows(cohort.CohortFilter(disease="melanoma")) == []
    rows = cohort.rows()
    by_code = {r["patient"]: r for r in rows}
    assert by_code["01-701-1015"]["disease"] is None
    rates = cohort.response_rates(rows)
    assert set(rates) == {"not recorded", "rcc", "all"}
    assert rates["not recorded"]["n"] == 1
    assert rates["rcc"]["n"] == 1
    summary = cohort.summary()
    assert summary["patients"] == 2


def test_item2_screening_leaves_a_disease_not_recorded_missing(imported: dict[str, Any]) -> None:
    from hdil2.registry.services.enrolment import patient_document

    doc = patient_document(imported["other"])
    assert "diagnosis" not in doc  # never sent as "" nor guessed
    assert patient_document(imported["rcc"])["diagnosis"] == {"disease": "rcc",
                                                              "histology": "clear_cell"}


def test_item2_fhir_export_refuses_clearly_what_it_cannot_say(imported: dict[str, Any]) -> None:
    from hdil2.registry.fhir_export import export_patient

    # the FHIR primary cancer condition needs the disease; an ungraded event has no CTCAE
    # grade: a clear error naming the field, never a made-up value
    with pytest.raises(InputError) as e:
        export_patient("01-701-1015")
    assert "disease" in str(e.value)


def test_item2_null_grade_is_stored_as_no_grade(imported: dict[str, Any]) -> None:
    from hdil2.registry import models as m

    tox = m.Toxicity.objects.get(patient=imported["other"])
    assert tox.grade is None
    # a query for grade 3 or more never finds an event that is not graded
    assert not m.Toxicity.objects.filter(grade__gte=3).exists()
    assert m.Toxicity.objects.filter(severity="MILD").count() == 1


def test_item2_a_node_recorded_by_its_perpendicular_is_assessed_by_it(
        imported: dict[str, Any]) -> None:
    # RECIST 1.1 section 3.1: a node's short axis is its diameter perpendicular to the long
    # axis; SDTM TR rows of nodes often carry it as LPERP (the pharmaverse RECIST example)
    from hdil2.registry import services
    from hdil2.registry.services.imaging import assessment_request

    u = imported["user"]
    p = imported["rcc"]
    services.record_scan(p.pk, by=u, scanned_on="2025-01-06", modality="ct", baseline=True,
                         measurements=[{"lesion": "T01", "kind": "target",
                                        "organ": "lymph node", "nodal": True,
                                        "longest_mm": Decimal("33.28"),
                                        "perpendicular_mm": Decimal(32)}])
    services.record_scan(p.pk, by=u, scanned_on="2025-03-03", modality="ct",
                         measurements=[{"lesion": "T01", "longest_mm": Decimal("7.49"),
                                        "perpendicular_mm": Decimal(7)}])
    req, _ = assessment_request(p, "recist1.1", dt.date(2025, 1, 6))
    assert [v["lesions"]["T01"]["sa_mm"] for v in req["visits"]] == ["32", "7"]
    # a node of 7 mm short axis is normal: a complete response (RECIST 1.1 section 4.3.1)
    from hdil2.registry.services._common import run

    assert run("assess", req).visits[0].overall == "CR"
