"""Interchange of the registry with other systems (pure: plain records in, rows and files out).

* :mod:`hdil2.interop.sdtm` turns the registry's records (plain dicts, read by
  :mod:`hdil2.registry.interchange`) into CDISC SDTM datasets and writes them as CSV or SAS
  transport (XPT v5) files (docs/interchange.md).
* :mod:`hdil2.interop.fhir` builds a patient's FHIR R4 Bundle (docs/fhir.md).

Nothing here imports Django.
"""
