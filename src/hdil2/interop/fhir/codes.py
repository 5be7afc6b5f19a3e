"""The profiles, code systems and codes of the FHIR export, each with where it was checked.

Every code below was read in the HL7 mCODE implementation guide (STU3, 3.0.0, and the
current STU4, whose canonical URLs are the same) or in the FHIR R4 specification; the page is
named beside it. hdil2 sends a coding only when the code is checked; where no checked code
fits, the concept goes as text alone (a CodeableConcept with ``text``), which docs/fhir.md
lists.
"""

from __future__ import annotations

from typing import Final

MCODE: Final = "http://hl7.org/fhir/us/mcode/StructureDefinition/"

# profiles (meta.profile): the canonical URLs of the mCODE guide,
# e.g. https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-cancer-disease-status.html
PROFILE_PATIENT: Final = MCODE + "mcode-cancer-patient"
PROFILE_PRIMARY_CANCER: Final = MCODE + "mcode-primary-cancer-condition"
PROFILE_TNM_STAGE_GROUP: Final = MCODE + "mcode-tnm-stage-group"
PROFILE_MEDICATION_ADMINISTRATION: Final = MCODE + "mcode-cancer-related-medication-administration"
PROFILE_TUMOR_SIZE: Final = MCODE + "mcode-tumor-size"
#: a tumor (lesion) followed across scans, the focus of its sizes:
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-tumor.html
PROFILE_TUMOR: Final = MCODE + "mcode-tumor"
PROFILE_DISEASE_STATUS: Final = MCODE + "mcode-cancer-disease-status"
PROFILE_ECOG: Final = MCODE + "mcode-ecog-performance-status"

# extensions
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-histology-morphology-behavior.html
EXT_HISTOLOGY: Final = MCODE + "mcode-histology-morphology-behavior"
#: the date of diagnosis on the primary cancer (a must-support extension of the profile,
#: https://hl7.org/fhir/us/mcode/STU2.1/StructureDefinition-mcode-primary-cancer-condition-definitions.html;
#: the FHIR core extension condition-assertedDate)
EXT_ASSERTED_DATE: Final = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate"
#: the tumor's cancer condition (the tumor profile's relatedCondition), as in
#: https://hl7.org/fhir/us/mcode/STU2.1/BodyStructure-tumor-lobular-carcinoma-left-breast.html
EXT_RELATED_CONDITION: Final = MCODE + "mcode-related-condition"
#: FHIR core: why a required value is absent (code ``masked`` for the patient's name)
EXT_DATA_ABSENT: Final = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
#: the adverse-event grade of HL7's Adverse Event Clinical Research R4 backport guide (STU1):
#: https://hl7.org/fhir/uv/ae-research-backport-ig/STU1/StructureDefinition-ae-grade.html
EXT_AE_GRADE: Final = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/ae-grade"

# code systems
LOINC: Final = "http://loinc.org"
SNOMED: Final = "http://snomed.info/sct"
UCUM: Final = "http://unitsofmeasure.org"
ICD10CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
MEDDRA: Final = "http://terminology.hl7.org/CodeSystem/mdr"
#: CTCAE grades 0-5 as codes (HL7 CTCAE guide, draft):
#: https://build.fhir.org/ig/standardhealth/fsh-ae/CodeSystem-ctcae-grade-code-system.html
CTCAE_GRADE: Final = "http://hl7.org/fhir/us/ctcae/CodeSystem/ctcae-grade-code-system"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL: Final = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION: Final = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/condition-category"
AE_SERIOUSNESS: Final = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
AE_OUTCOME: Final = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"

# Observation.code of each profile (LOINC / SNOMED CT)
#: Size Tumor; https://hl7.org/fhir/us/mcode/STU3/Observation-tumor-size-jenny-m.html
TUMOR_SIZE: Final = (LOINC, "21889-1", "Size Tumor")
#: its components: greatest dimension and an additional dimension (same page, and
#: https://hl7.org/fhir/us/mcode/STU3/Observation-tumor-size-pathology.html)
TUMOR_SIZE_MAX: Final = (LOINC, "33728-7", "Size.maximum dimension in Tumor")
TUMOR_SIZE_ADDITIONAL: Final = (LOINC, "33729-5", "Size additional dimension in Tumor")
#: https://hl7.org/fhir/us/mcode/STU3/StructureDefinition-mcode-cancer-disease-status.html
DISEASE_STATUS: Final = (LOINC, "97509-4", "Cancer disease status")
#: https://hl7.org/fhir/us/mcode/STU3/Observation-ecog-performance-status-jenny-m.html
ECOG: Final = (LOINC, "89247-1", "ECOG Performance Status score")
#: the staging type of a TNM stage group: mcode-tnm-stage-group-staging-type-vs,
#: https://hl7.org/fhir/us/mcode/STU3/ValueSet-mcode-tnm-stage-group-staging-type-vs.html
STAGE_GROUP_CODE: Final = {
    "clinical": (SNOMED, "399537006", "Clinical TNM stage grouping"),
    "pathological": (SNOMED, "399588009", "Pathologic TNM stage grouping"),
    "": (SNOMED, "399390009", "TNM stage grouping"),
}
#: the staging method of the AJCC 8th edition (Observation.method of the stage group),
#: https://build.fhir.org/ig/HL7/fhir-mCODE-ig/Observation-tnm-pathologic-stage-group-jenny-m.html
AJCC8_METHOD: Final = (
    SNOMED, "897275008",
    "American Joint Commission on Cancer, Cancer Staging Manual, 8th edition neoplasm "
    "staging system (tumor staging)")
#: route of an aldesleukin dose (intravenous), as in the guide's administration examples:
#: https://hl7.org/fhir/us/mcode/STU3/MedicationAdministration-cancer-related-medication-admin-doxorubicin-jenny-m.html
ROUTE_IV: Final = (SNOMED, "47625008", "Intravenous route (qualifier value)")

#: the disease status value (mcode-condition-status-trend-vs and its "max" extension):
#: https://hl7.org/fhir/us/mcode/ValueSet-mcode-condition-status-trend-vs.html
STATUS_IMPROVED: Final = (SNOMED, "268910001", "Patient's condition improved (finding)")
STATUS_STABLE: Final = (SNOMED, "359746009", "Patient's condition stable (finding)")
STATUS_WORSENED: Final = (SNOMED, "271299001", "Patient's condition worsened (finding)")
STATUS_UNDETERMINED: Final = (SNOMED, "709137006", "Patient condition undetermined (finding)")
#: https://build.fhir.org/ig/HL7/fhir-mCODE-ig/ValueSet-mcode-condition-status-trend-max-vs.html
STATUS_FULL_REMISSION: Final = (
    SNOMED, "550991000124107", "Malignant neoplasm in full remission (disorder)")

#: a stored response (any criteria hdil2 keeps) -> the disease status it means. ``NR`` (no
#: response, Lee et al. 2000, ``lee2000``) joins stable disease and progression, so it says
#: nothing of the trend: undetermined. iUPD (unconfirmed progression) is still a worsening.
RESPONSE_STATUS: Final = {
    "CR": STATUS_FULL_REMISSION, "iCR": STATUS_FULL_REMISSION,
    "PR": STATUS_IMPROVED, "iPR": STATUS_IMPROVED, "MR": STATUS_IMPROVED,
    "SD": STATUS_STABLE, "iSD": STATUS_STABLE, "NC": STATUS_STABLE,
    "NON-CR/NON-PD": STATUS_STABLE, "NON-iCR/NON-iUPD": STATUS_STABLE,
    "PD": STATUS_WORSENED, "iUPD": STATUS_WORSENED, "iCPD": STATUS_WORSENED,
    "NE": STATUS_UNDETERMINED, "NR": STATUS_UNDETERMINED,
}

#: the primary cancer as ICD-10-CM, only where the category is certain: renal cell carcinoma
#: (C64, kidney except renal pelvis) and melanoma of the skin (C43, a cutaneous or acral
#: primary). Other melanomas (mucosal, uveal, unknown primary, unrecorded) go as text.
CONDITION_CODE: Final = {
    "rcc": (ICD10CM, "C64", "Malignant neoplasm of kidney, except renal pelvis"),
}
MELANOMA_OF_SKIN: Final = (ICD10CM, "C43", "Malignant melanoma of skin")
SKIN_HISTOLOGIES: Final = frozenset({"cutaneous", "acral"})
DISEASE_TEXT: Final = {"rcc": "renal cell carcinoma", "melanoma": "melanoma"}

#: UCUM's international unit
IU: Final = {"unit": "IU", "system": UCUM, "code": "[iU]"}
MM: Final = {"unit": "mm", "system": UCUM, "code": "mm"}


def coding(code: tuple[str, str, str]) -> dict[str, str]:
    """A FHIR Coding from ``(system, code, display)``."""
    system, value, display = code
    return {"system": system, "code": value, "display": display}


def concept(code: tuple[str, str, str], text: str | None = None) -> dict[str, object]:
    """A CodeableConcept with one coding (and ``text`` when given)."""
    out: dict[str, object] = {"coding": [coding(code)]}
    if text:
        out["text"] = text
    return out
