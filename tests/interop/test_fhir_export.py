"""FHIR R4 mCODE export of a registry patient (issue 12 item 4).

The demo cohort is loaded into a fresh registry; each patient's Bundle must parse with the
``fhir.resources`` R4B models, resolve every reference inside itself, keep its ids across
exports, carry each mCODE must-support element hdil2 has data for, and agree with the stored
rows (doses given, CTCAE grades) read through the ORM, not through the exporter.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hdil2.core.errors import InputError
from hdil2.interop.fhir import build_bundle, references, resource_id
from registry.conftest import registry_db, test_database_url  # noqa: F401 - a fixture

SEED = 1212
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def codes(registry_db: dict[str, Any]) -> list[str]:  # noqa: F811 - the imported fixture
    from hdil2.registry import demo
    from hdil2.registry import models as m

    demo.load(seed=SEED, n=6)
    return sorted(m.Patient.objects.filter(registry_id__startswith=f"demo{SEED}-")
                  .values_list("registry_id", flat=True))


def export(code: str) -> dict[str, Any]:
    from hdil2.registry.fhir_export import export_patient

    return export_patient(code)


def resources(bundle: dict[str, Any], kind: str, profile: str | None = None
              ) -> list[dict[str, Any]]:
    out = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]
    if profile is not None:
        out = [r for r in out if MCODE + profile in r.get("meta", {}).get("profile", [])]
    return out


def get(resource: dict[str, Any], path: str) -> Any:
    """The value at a dotted FHIR path (first item of each list), or None."""
    x: Any = resource
    for part in path.split("."):
        if isinstance(x, list):
            x = x[0] if x else None
        if not isinstance(x, dict):
            return None
        x = x.get(part)
    return x


def test_item4_bundle_parses_with_the_r4b_models(codes: list[str]) -> None:
    from fhir.resources.R4B.bundle import Bundle

    for code in codes:
        bundle = export(code)
        parsed = Bundle.model_validate(bundle)
        assert parsed.type == "collection"
        assert len(parsed.entry) == len(bundle["entry"]) > 2
        # the JSON the models write back is the JSON exported: nothing dropped or renamed
        assert json.loads(parsed.model_dump_json()) == bundle


def test_item4_every_reference_resolves_inside_the_bundle(codes: list[str]) -> None:
    for code in codes:
        bundle = export(code)
        full_urls = [e["fullUrl"] for e in bundle["entry"]]
        assert len(set(full_urls)) == len(full_urls)
        for e in bundle["entry"]:
            assert e["fullUrl"] == f"urn:uuid:{e['resource']['id']}"
        refs = references(bundle)
        assert refs, "a patient's resources point to the patient"
        assert set(refs) <= set(full_urls)


def test_item4_ids_are_stable_across_exports(codes: list[str]) -> None:
    first = [export(code) for code in codes]
    second = [export(code) for code in codes]
    assert first == second
    ids = [e["resource"]["id"] for b in first for e in b["entry"]]
    assert len(set(ids)) == len(ids), "ids are unique across patients"
    for b in first:
        for rid in (e["resource"]["id"] for e in b["entry"]):
            assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                r"[0-9a-f]{12}", rid), rid  # a version-5 UUID


def test_item4_doses_given_equal_completed_administrations(codes: list[str]) -> None:
    from hdil2.registry import models as m

    for code in codes:
        slots = m.DoseSlot.objects.filter(cycle__course__patient__registry_id=code)
        stored = Counter(slots.values_list("status", flat=True))
        bundle = export(code)
        given = resources(bundle, "MedicationAdministration",
                          "mcode-cancer-related-medication-administration")
        status = Counter(r["status"] for r in given)
        assert status["completed"] == stored["given"]
        assert status["not-done"] == stored["held"] + stored["not_given"]
        assert sum(status.values()) == len(given)
        # each completed administration carries the stored dose in IU, at the time given
        by_id = {r["id"]: r for r in given}
        for s in slots.filter(status="given"):
            r = by_id[resource_id(code, "dose", s.id)]
            assert r["dosage"]["dose"] == {"value": int(s.dose_iu), "unit": "IU",
                                           "system": "http://unitsofmeasure.org",
                                           "code": "[iU]"}
            assert r["effectiveDateTime"].replace("Z", "+00:00") == s.given_at.isoformat()
        for s in slots.filter(status="held"):
            r = by_id[resource_id(code, "dose", s.id)]
            assert s.reason in r["statusReason"][0]["text"]
            assert "dosage" not in r


def test_item4_ctcae_grade_equals_the_stored_grade(codes: list[str]) -> None:
    from hdil2.registry import models as m

    seen = 0
    for code in codes:
        bundle = export(code)
        events = {r["id"]: r for r in resources(bundle, "AdverseEvent")}
        rows = m.Toxicity.objects.filter(patient__registry_id=code)
        assert len(events) == rows.count()
        for t in rows:
            ae = events[resource_id(code, "toxicity", t.id)]
            grade = [x for x in ae["extension"] if x["url"].endswith("/ae-grade")]
            assert len(grade) == 1
            assert grade[0]["valueCodeableConcept"]["coding"][0]["code"] == str(t.grade)
            assert ae["event"]["text"] == t.term
            seen += 1
    assert seen > 0


#: Must-support elements of each mCODE profile hdil2 has data for, as read in the guide's
#: profile pages (STU3, same canonical URLs in STU4):
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-cancer-patient.html
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-primary-cancer-condition.html
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-cancer-related-medication-administration.html
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-tumor-size.html (and its
#: invariant: focus or specimen, STU2.1 StructureDefinition-mcode-tumor-size-definitions.html)
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-tumor-definitions.html
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-cancer-disease-status.html
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-ecog-performance-status.html
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-tnm-stage-group.html
#: (resource type, profile, element, only when this registry field is filled)
MUST_SUPPORT: list[tuple[str, str, str, str | None]] = [
    ("Patient", "mcode-cancer-patient", "identifier.value", None),
    ("Patient", "mcode-cancer-patient", "name.extension.valueCode", None),
    ("Patient", "mcode-cancer-patient", "gender", "sex"),
    ("Patient", "mcode-cancer-patient", "birthDate", "birth_date"),
    ("Condition", "mcode-primary-cancer-condition", "clinicalStatus.coding.code", None),
    ("Condition", "mcode-primary-cancer-condition", "verificationStatus.coding.code", None),
    ("Condition", "mcode-primary-cancer-condition", "category.coding.code", None),
    ("Condition", "mcode-primary-cancer-condition", "code", None),
    ("Condition", "mcode-primary-cancer-condition", "subject.reference", None),
    ("Condition", "mcode-primary-cancer-condition", "extension.url", "diagnosis_date"),
    ("Condition", "mcode-primary-cancer-condition", "extension.url", "histology"),
    ("Condition", "mcode-primary-cancer-condition", "stage.assessment.reference",
     "stage_group"),
    ("Observation", "mcode-tnm-stage-group", "status", "stage_group"),
    ("Observation", "mcode-tnm-stage-group", "code.coding.code", "stage_group"),
    ("Observation", "mcode-tnm-stage-group", "subject.reference", "stage_group"),
    ("Observation", "mcode-tnm-stage-group", "valueCodeableConcept.text", "stage_group"),
    ("Observation", "mcode-tnm-stage-group", "method", "tnm_edition"),
    ("Observation", "mcode-ecog-performance-status", "status", "ecog"),
    ("Observation", "mcode-ecog-performance-status", "code.coding.code", "ecog"),
    ("Observation", "mcode-ecog-performance-status", "subject.reference", "ecog"),
    ("Observation", "mcode-ecog-performance-status", "valueInteger", "ecog"),
    ("MedicationAdministration", "mcode-cancer-related-medication-administration",
     "status", None),
    ("MedicationAdministration", "mcode-cancer-related-medication-administration",
     "medicationCodeableConcept", None),
    ("MedicationAdministration", "mcode-cancer-related-medication-administration",
     "subject.reference", None),
    ("MedicationAdministration", "mcode-cancer-related-medication-administration",
     "effectiveDateTime", None),
    ("MedicationAdministration", "mcode-cancer-related-medication-administration",
     "reasonReference.reference", None),
    ("Observation", "mcode-tumor-size", "status", None),
    ("Observation", "mcode-tumor-size", "code.coding.code", None),
    ("Observation", "mcode-tumor-size", "subject.reference", None),
    ("Observation", "mcode-tumor-size", "effectiveDateTime", None),
    ("Observation", "mcode-tumor-size", "component.valueQuantity.value", None),
    ("Observation", "mcode-tumor-size", "focus.reference", None),
    ("BodyStructure", "mcode-tumor", "extension.valueReference.reference", None),
    ("BodyStructure", "mcode-tumor", "identifier.value", None),
    ("BodyStructure", "mcode-tumor", "patient.reference", None),
    ("Observation", "mcode-cancer-disease-status", "status", None),
    ("Observation", "mcode-cancer-disease-status", "code.coding.code", None),
    ("Observation", "mcode-cancer-disease-status", "subject.reference", None),
    ("Observation", "mcode-cancer-disease-status", "focus.reference", None),
    ("Observation", "mcode-cancer-disease-status", "effectiveDateTime", None),
    ("Observation", "mcode-cancer-disease-status", "valueCodeableConcept", None),
]


@pytest.fixture(scope="module")
def staged(codes: list[str]) -> str:
    """A demo RCC patient given a histology, a diagnosis date and a pathological stage."""
    import datetime as dt

    from hdil2.registry import models as m
    from hdil2.registry.users import system_user

    code = next(c for c in codes if "-R" in c)
    p = m.Patient.objects.get(registry_id=code)
    p.edit(by=system_user("fhir_test"), histology="clear_cell", diagnosis_date=dt.date(1991, 3, 4),
           tnm_edition="8", stage_basis="pathological", t="3a", n="0", m="1",
           stage_group="IV")
    return code


def test_item4_each_must_support_element_hdil2_has_data_for(codes: list[str], staged: str
                                                             ) -> None:
    from hdil2.registry import models as m

    checked: Counter[str] = Counter()
    for code in codes:
        patient = m.Patient.objects.get(registry_id=code)
        bundle = export(code)
        for kind, profile, element, field in MUST_SUPPORT:
            if field is not None and getattr(patient, field) in (None, ""):
                continue
            found = resources(bundle, kind, profile)
            for r in found:
                assert get(r, element) not in (None, "", [], {}), (code, profile, element)
                checked[profile] += 1
    # every profile was met with data at least once
    assert {p for _, p, _, _ in MUST_SUPPORT} <= set(checked)


def test_item4_stage_and_histology_use_the_guide_codes(staged: str) -> None:
    bundle = export(staged)
    (condition,) = resources(bundle, "Condition", "mcode-primary-cancer-condition")
    # ICD-10-CM C64: malignant neoplasm of kidney, except renal pelvis
    assert condition["code"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-10-cm"
    assert condition["code"]["coding"][0]["code"] == "C64"
    assert condition["onsetDateTime"] == "1991-03-04"
    asserted, histology = condition["extension"]
    assert asserted == {"url": "http://hl7.org/fhir/StructureDefinition/condition-assertedDate",
                        "valueDateTime": "1991-03-04"}
    assert histology["url"] == MCODE + "mcode-histology-morphology-behavior"
    assert histology["valueCodeableConcept"]["text"] == "clear cell"
    (stage,) = resources(bundle, "Observation", "mcode-tnm-stage-group")
    # the staging type of a pathological stage group (mcode-tnm-stage-group-staging-type-vs)
    assert stage["code"]["coding"][0] == {
        "system": "http://snomed.info/sct", "code": "399588009",
        "display": "Pathologic TNM stage grouping"}
    # AJCC 8th edition as the staging method, the code of the guide's own example
    assert stage["method"]["coding"][0]["code"] == "897275008"
    assert stage["valueCodeableConcept"]["text"] == "stage IV"
    assert stage["focus"][0]["reference"] == f"urn:uuid:{condition['id']}"
    assert condition["stage"][0]["assessment"][0]["reference"] == f"urn:uuid:{stage['id']}"


#: the mCODE condition-status-trend codes (and the "max" set's full remission), each stored
#: response category -> the SNOMED CT code its meaning selects
TREND = {
    "CR": "550991000124107", "PR": "268910001", "MR": "268910001", "SD": "359746009",
    "NON-CR/NON-PD": "359746009", "PD": "271299001", "NE": "709137006", "NR": "709137006",
    "iCR": "550991000124107", "iPR": "268910001", "iSD": "359746009", "iUPD": "271299001",
    "iCPD": "271299001", "NC": "359746009", "NON-iCR/NON-iUPD": "359746009",
}


def test_item4_disease_status_per_visit_response(codes: list[str]) -> None:
    from hdil2.registry import models as m
    from hdil2.registry.models.response import RESPONSES

    assert {r for r, _ in RESPONSES} == set(TREND), "every stored response has a status"
    seen = 0
    for code in codes:
        bundle = export(code)
        status = {r["id"]: r for r in resources(bundle, "Observation",
                                                "mcode-cancer-disease-status")}
        visits = m.ResponseAssessment.objects.filter(patient__registry_id=code, kind="visit")
        assert len(status) == visits.count()
        for a in visits:
            r = status[resource_id(code, "response", a.id)]
            assert r["code"]["coding"][0]["code"] == "97509-4"
            assert r["valueCodeableConcept"]["coding"][0]["code"] == TREND[a.response]
            assert r["valueCodeableConcept"]["text"].startswith(a.response)
            assert r["effectiveDateTime"] == a.assessed_on.isoformat()
            seen += 1
    assert seen > 0


def test_item4_tumor_size_per_measured_lesion(codes: list[str]) -> None:
    from hdil2.registry import models as m

    seen = 0
    for code in codes:
        bundle = export(code)
        sizes = {r["id"]: r for r in resources(bundle, "Observation", "mcode-tumor-size")}
        rows = m.Measurement.objects.filter(scan__patient__registry_id=code, status="present",
                                            longest_mm__isnull=False)
        assert len(sizes) == rows.count()
        for x in rows:
            r = sizes[resource_id(code, "measurement", x.id)]
            assert r["code"]["coding"][0]["code"] == "21889-1"
            longest = r["component"][0]
            assert longest["code"]["coding"][0]["code"] == "33728-7"
            assert Decimal(str(longest["valueQuantity"]["value"])) == x.longest_mm
            assert longest["valueQuantity"]["code"] == "mm"
            # its focus is the lesion's BodyStructure (mcode-tumor), one per lesion
            (focus,) = r["focus"]
            assert focus["reference"] == f"urn:uuid:{resource_id(code, 'lesion', x.lesion_id)}"
            seen += 1
        tumors = resources(bundle, "BodyStructure", "mcode-tumor")
        assert len(tumors) == len({x.lesion_id for x in rows})
        (condition,) = resources(bundle, "Condition")
        for t in tumors:
            assert t["extension"][0]["valueReference"]["reference"] == (
                f"urn:uuid:{condition['id']}")
    assert seen > 0


def test_item4_unknown_patient_is_refused_by_name(codes: list[str]) -> None:
    with pytest.raises(InputError) as e:
        export("nobody-here")
    assert e.value.field == "patient"


def test_item4_bad_records_are_refused_naming_the_field() -> None:
    with pytest.raises(InputError) as e:
        build_bundle({"patient": {"registry_id": "x1"}})
    assert e.value.field == "patient.disease"
    base = {"registry_id": "x1", "disease": "rcc"}
    with pytest.raises(InputError) as e:
        build_bundle({"patient": base, "toxicities": [
            {"id": 1, "term": "Hypotension", "grade": 6, "onset_at": None}]})
    assert e.value.field == "toxicity 1.grade"
    with pytest.raises(InputError) as e:
        build_bundle({"patient": base, "doses": [{"id": 2, "status": "given"}]})
    assert e.value.field == "dose 2.given_at"


def test_item4_an_ungraded_event_known_to_the_day_keeps_both() -> None:
    """An event imported from another study's SDTM (severity only, onset a date) is exported
    without a grade extension and with a date-only onset, not with an invented grade or time;
    a graded one keeps the CTCAE grade extension of the mCODE guide."""
    onset = dt.datetime(2014, 1, 3, tzinfo=dt.UTC)
    bundle = build_bundle({"patient": {"registry_id": "x1", "disease": "rcc"}, "toxicities": [
        {"id": 1, "term": "APPLICATION SITE ERYTHEMA", "grade": None, "onset_at": onset,
         "onset_precision": "day"},
        {"id": 2, "term": "Hypotension", "grade": 3, "onset_at": onset + dt.timedelta(hours=9),
         "onset_precision": "time"}]})
    ungraded, graded = resources(bundle, "AdverseEvent")
    assert "extension" not in ungraded
    assert ungraded["date"] == "2014-01-03"
    assert graded["extension"][0]["url"].endswith("/ae-grade")
    assert graded["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "3"
    assert graded["date"].startswith("2014-01-03T09:00:00")


@pytest.mark.skipif(test_database_url() is not None, reason="a SQLite file path as --db")
def test_item4_fhir_bundle_opens_the_database_named(codes: list[str],
                                                    registry_db: dict[str, Any]  # noqa: F811
                                                    ) -> None:
    from hdil2.registry.fhir_export import fhir_bundle

    assert fhir_bundle(str(registry_db["NAME"]), codes[0]) == export(codes[0])


def _doc_blocks() -> tuple[dict[str, Any], dict[str, Any]]:
    text = (ROOT / "docs" / "fhir.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 2, "docs/fhir.md has the record and the Bundle"
    return json.loads(blocks[0]), json.loads(blocks[1])


def test_item4_docs_worked_example_is_what_the_export_gives() -> None:
    import datetime as dt

    record, expected = _doc_blocks()
    p = record["patient"]
    for k in ("birth_date", "diagnosis_date", "death_on"):
        if p.get(k):
            p[k] = dt.date.fromisoformat(p[k])
    for d in record.get("doses", []):
        for k in ("scheduled_at", "given_at"):
            if d.get(k):
                d[k] = dt.datetime.fromisoformat(d[k])
    for t in record.get("toxicities", []):
        t["onset_at"] = dt.datetime.fromisoformat(t["onset_at"])
    for x in record.get("measurements", []) + record.get("responses", []):
        for k in ("scanned_on", "assessed_on"):
            if x.get(k):
                x[k] = dt.date.fromisoformat(x[k])
    assert build_bundle(record) == expected
