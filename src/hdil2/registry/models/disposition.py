"""Dispositions: a patient's milestones and disposition events other than a course's end.

A course's end is the course itself (its status, end date and discontinuation reason). A
:class:`Disposition` keeps the other events a study records for a subject, as an SDTM DS row
carries them (for example randomised, completed the study, screen failure, death): the
category (DSCAT), the reported term (DSTERM), the standardised term (DSDECOD) and the date
(DSSTDTC), optionally tied to a course.
"""

from __future__ import annotations

from django.db import models

from hdil2.registry.models.base import ClinicalRecord
from hdil2.registry.models.patient import Patient


class Disposition(ClinicalRecord):
    """One disposition event or milestone of a patient."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT,
                                related_name="dispositions")
    course = models.ForeignKey("registry.Course", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="dispositions")
    category = models.CharField(max_length=40, blank=True, default="",
                                help_text="e.g. DISPOSITION EVENT, PROTOCOL MILESTONE (DSCAT)")
    term = models.TextField(help_text="the event as reported (DSTERM)")
    decod = models.CharField(max_length=80, blank=True, default="",
                             help_text="the standardised term (DSDECOD), e.g. COMPLETED")
    date = models.DateField(null=True, blank=True, help_text="the event's date (DSSTDTC)")

    class Meta:
        verbose_name = "disposition"
        ordering = ("patient_id", "date")
