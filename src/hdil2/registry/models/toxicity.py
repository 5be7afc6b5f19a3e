"""Adverse events graded with CTCAE v5.0 (``ctcae5``).

The grade stored is the one the clinical core computed from the raw values (``grade_computed``,
with the raw values kept in ``raw_values``) unless a clinician overrode it, which needs a reason
(``override_reason``). Attribution uses the usual five-step scale.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models

from hdil2.registry.models.base import ClinicalRecord, precision_field
from hdil2.registry.models.patient import Patient

#: the severity of an adverse event when it is not graded with CTCAE (SDTM AESEV, CDISC
#: codelist AESEV)
SEVERITIES = [("MILD", "mild"), ("MODERATE", "moderate"), ("SEVERE", "severe")]
ATTRIBUTIONS = [(a, a) for a in ("unrelated", "unlikely", "possible", "probable", "definite")]


class Toxicity(ClinicalRecord):
    """One adverse event of a patient, graded."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="toxicities")
    course = models.ForeignKey("registry.Course", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="toxicities")
    dose_slot = models.ForeignKey("registry.DoseSlot", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="toxicities",
                                  help_text="the dose slot it was recorded at, if any")
    term = models.CharField(max_length=120, help_text="CTCAE v5.0 term (an imported event: "
                            "its dictionary-derived term, AEDECOD)")
    verbatim = models.TextField(blank=True, default="",
                                help_text="the term as reported (AETERM); empty: the same as term")
    meddra_code = models.CharField(max_length=12, blank=True, default="")
    grade = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(5)],
        help_text="CTCAE grade recorded (0-5); empty: not graded (never counted as grade 3 "
        "or more)")
    severity = models.CharField(
        max_length=8, choices=SEVERITIES, blank=True, default="",
        help_text="severity as received when the event is not graded (SDTM AESEV)")
    grade_computed = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(5)],
        help_text="grade the clinical core computed from raw_values")
    override_reason = models.TextField(
        blank=True, default="", help_text="why the recorded grade differs from the computed")
    raw_values = models.JSONField(default=dict, blank=True,
                                  help_text="the values graded, as entered (with units)")
    onset_at = models.DateTimeField(help_text="onset (UTC)")
    onset_precision = precision_field("the onset")
    resolved_at = models.DateTimeField(null=True, blank=True, help_text="resolution (UTC)")
    resolved_precision = precision_field("the resolution")
    attribution = models.CharField(
        max_length=40, blank=True, default="",
        help_text="attribution to IL-2 on the five-step scale (unrelated, unlikely, possible, "
        "probable, definite; the toxicity use case accepts no other); an imported event keeps "
        "the causality as received (SDTM AEREL, for example NONE or REMOTE)")
    serious = models.BooleanField(default=False)
    advice = models.ForeignKey("registry.Advice", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+",
                               help_text="the grading advice shown")
    departure_reason = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "toxicity"
        verbose_name_plural = "toxicities"
        indexes = (models.Index(fields=["patient", "term"], name="registry_tox_patient_term"),)
