"""Laboratory results and vital signs, each a decimal value with its unit and reference limits.

The value is stored as entered (``unit``) and with the unit's canonical spelling
(``unit_canonical``, :func:`hdil2.core.quantity.canonical_unit`); the reference limits are in
the same unit as the value. Times are stored in UTC.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

from hdil2.registry.models.base import ClinicalRecord, decimal_field, precision_field
from hdil2.registry.models.patient import Patient


class Observation(ClinicalRecord):
    """One laboratory result or vital sign of a patient at a time."""

    KINDS = (("lab", "laboratory"), ("vital", "vital sign"),)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="observations")
    course = models.ForeignKey("registry.Course", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="observations")
    kind = models.CharField(max_length=5, choices=KINDS)
    code = models.CharField(
        max_length=40, help_text="analyte or sign: creatinine, bilirubin, spo2, sbp, ...")
    name = models.CharField(
        max_length=80, blank=True, default="",
        help_text="the test's name as received (SDTM LBTEST/VSTEST); empty: hdil2's own name "
        "for the code")
    taken_at = models.DateTimeField(help_text="sample or measurement time (UTC)")
    taken_precision = precision_field("the sample or measurement time")
    value = decimal_field()
    unit = models.CharField(max_length=24, help_text="unit as entered")
    unit_canonical = models.CharField(max_length=24, help_text="canonical unit")
    lln = decimal_field(null=True, blank=True, help_text="lower limit of normal, same unit")
    uln = decimal_field(null=True, blank=True, help_text="upper limit of normal, same unit")
    note = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "observation"
        indexes = (models.Index(fields=["patient", "code", "taken_at"],
                                name="registry_obs_patient_code"),)

    def set_quantity(self, raw: Any, field: str = "value") -> None:
        """Set ``value``/``unit``/``unit_canonical`` from ``"1.1 mg/dL"`` or
        ``{"value": ..., "unit": ...}`` (refused with an error naming ``field``)."""
        from hdil2.core.quantity import Quantity

        q = Quantity.parse(raw, field)
        if isinstance(raw, dict):
            entered = str(raw.get("unit", q.unit)).strip()
        elif isinstance(raw, str):
            m = re.match(r"^\s*[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?\s*(.*?)\s*$", raw)
            entered = (m.group(1) if m else "") or q.unit
        else:
            entered = q.unit
        self.value = q.value
        self.unit = entered
        self.unit_canonical = q.unit
