"""VS (Vital Signs): one row per vital sign of the registry.

``VSTESTCD``/``VSTEST`` from CDISC controlled terminology (codelists VSTESTCD and VSTEST) where
it has the test; the IL-2 ward's urine output and hours of oliguria have no CDISC test and get
sponsor-defined codes (``URINEOUT``, ``OLIGHRS``), which the codelist (extensible) allows. A
code without an entry in :data:`TESTS` is another study's test code, kept as received with its
name (``name``; also written as ``VSTEST`` for a code hdil2 knows when it came with one); one
with neither is refused, naming it. The value and unit as entered go
to ``VSORRES``/``VSORRESU``, the same value with the canonical unit to
``VSSTRESC``/``VSSTRESN``/``VSSTRESU``.
"""

from __future__ import annotations

from typing import Any

from hdil2.interop.sdtm.common import (
    Row,
    decimal_text,
    iso_datetime,
    moment_key,
    number,
    subject_id,
)
from hdil2.interop.sdtm.lb import test_names

TESTS: dict[str, tuple[str, str]] = {
    "sbp": ("SYSBP", "Systolic Blood Pressure"),
    "dbp": ("DIABP", "Diastolic Blood Pressure"),
    "map": ("MAP", "Mean Arterial Pressure"),
    "heart_rate": ("HR", "Heart Rate"),
    "spo2": ("OXYSAT", "Oxygen Saturation"),
    "temperature": ("TEMP", "Temperature"),
    "respiratory_rate": ("RESP", "Respiratory Rate"),
    "weight": ("WEIGHT", "Weight"),
    "height": ("HEIGHT", "Height"),
    "urine_output": ("URINEOUT", "Urine Output"),
    "oliguria_hours": ("OLIGHRS", "Duration of Oliguria"),
}


def rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The VS rows of one patient, by time and test."""
    zone, subj = patient["zone"], subject_id(patient, study)
    out: list[Row] = []
    vitals = sorted((o for o in patient.get("observations", ()) if o["kind"] == "vital"),
                    key=lambda o: (moment_key(o["taken_at"], zone), o["code"]))
    for o in vitals:
        testcd, test = test_names("vital-sign", o, TESTS)
        value = number(o["value"], "value")
        out.append({
            "STUDYID": study, "DOMAIN": "VS", "USUBJID": subj, "VSTESTCD": testcd,
            "VSTEST": test, "VSORRES": decimal_text(value, "value"), "VSORRESU": o["unit"],
            "VSSTRESC": decimal_text(value, "value"), "VSSTRESN": value,
            "VSSTRESU": o["unit_canonical"],
            "VSDTC": iso_datetime(o["taken_at"], zone, "taken_at")})
    return out
