"""Scans, the lesions followed, and each lesion's measurement on each scan.

A lesion is chosen once (target, non-target, or new) and measured on every scan; the
measurements feed RECIST 1.1 (``recist1.1``: longest diameter, short axis for nodes), WHO and
NCI bidimensional criteria (the perpendicular diameter), and iRECIST (``irecist``).
"""

from __future__ import annotations

from django.db import models

from hdil2.registry.models.base import ClinicalRecord, decimal_field
from hdil2.registry.models.patient import Patient

MODALITIES = [(m, m) for m in ("ct", "mri", "pet_ct", "xray", "caliper", "ultrasound")]


class Scan(ClinicalRecord):
    """One imaging study (or clinical examination) of a patient."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="scans")
    course = models.ForeignKey("registry.Course", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="scans")
    scanned_on = models.DateField()
    modality = models.CharField(max_length=12, choices=MODALITIES, blank=True, default="",
                                help_text="empty: not recorded (an imported scan whose "
                                "method the SDTM rows do not give)")
    label = models.CharField(max_length=40, blank=True, default="",
                             help_text="visit label, e.g. baseline, after course 1")
    baseline = models.BooleanField(default=False)

    class Meta:
        verbose_name = "scan"
        ordering = ("patient_id", "scanned_on")


class Lesion(ClinicalRecord):
    """One lesion of a patient, followed across scans."""

    KINDS = (("target", "target"), ("non-target", "non-target"), ("new", "new"),)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="lesions")
    lesion_id = models.CharField(max_length=16, help_text="e.g. T01, NT01, N01")
    kind = models.CharField(max_length=10, choices=KINDS)
    organ = models.CharField(max_length=40, blank=True, default="")
    nodal = models.BooleanField(default=False, help_text="a lymph node (short axis counts)")
    first_scan = models.ForeignKey(Scan, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", help_text="scan it was first seen on")

    class Meta:
        verbose_name = "lesion"
        constraints = (models.UniqueConstraint(fields=["patient", "lesion_id"],
                                               name="registry_lesion_id_unique"),)


class Measurement(ClinicalRecord):
    """A lesion on a scan: its diameters in millimetres, or its status.

    A lesion seen and measured is ``present`` with its diameters; there is no separate
    "measured" status, so one word means "the lesion is there" for every lesion kind and a
    query never has to ask for two. The assessment use case sends a present lesion with a
    diameter to the criteria as measured, and a present one without (a non-target lesion)
    as present.
    """

    STATUSES = ((s, s.replace("_", " ")) for s in (
        "present", "absent", "not_evaluated", "unequivocal_progression", "too_small"))

    scan = models.ForeignKey(Scan, on_delete=models.PROTECT, related_name="measurements")
    lesion = models.ForeignKey(Lesion, on_delete=models.PROTECT, related_name="measurements")
    status = models.CharField(max_length=24, choices=STATUSES, default="present")
    longest_mm = decimal_field(null=True, blank=True, help_text="longest diameter, mm")
    short_axis_mm = decimal_field(null=True, blank=True, help_text="short axis (nodes), mm")
    perpendicular_mm = decimal_field(
        null=True, blank=True, help_text="longest perpendicular diameter (WHO/NCI), mm")

    class Meta:
        verbose_name = "measurement"
        constraints = (models.UniqueConstraint(fields=["scan", "lesion"],
                                               name="registry_measurement_unique"),)
