"""HL7 FHIR R4 export of a registry patient as mCODE resources (docs/fhir.md).

:func:`build_bundle` takes the patient's rows as plain dicts and gives the Bundle's JSON;
:mod:`hdil2.registry.fhir_export` reads the rows from the registry.
"""

from hdil2.interop.fhir.bundle import PatientRecord, build_bundle, references, resource_id

__all__ = ["PatientRecord", "build_bundle", "references", "resource_id"]
