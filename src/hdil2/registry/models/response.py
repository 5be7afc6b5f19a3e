"""Response assessments: per visit (time point) and best overall response, by criteria."""

from __future__ import annotations

from django.db import models

from hdil2.registry.models.base import ClinicalRecord
from hdil2.registry.models.patient import Patient

CRITERIA = [("recist1.1", "RECIST 1.1"), ("irecist", "iRECIST"), ("who", "WHO"),
            ("nci", "NCI bidimensional")]
#: every response value hdil2's criteria give, per visit and best overall (the categories of
#: :data:`hdil2.clinical.response.bor.SCHEMES`): RECIST 1.1 (``NON-CR/NON-PD`` for non-target
#: disease only), iRECIST, WHO (``NC``, no change) and the NCI bidimensional criteria of Lee et
#: al. 2000 (``lee2000``: ``MR``, a 25-49 % reduction, and ``NR``, no response)
RESPONSES = [(r, r) for r in (
    "CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE",
    "iCR", "iPR", "iSD", "NON-iCR/NON-iUPD", "iUPD", "iCPD",
    "NC", "MR", "NR")]


class ResponseAssessment(ClinicalRecord):
    """A response: of one visit (``kind="visit"``, with its scan) or the best of a course
    or of the whole treatment (``kind="best"``)."""

    KINDS = (("visit", "per visit"), ("best", "best overall response"),)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="responses")
    course = models.ForeignKey("registry.Course", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="responses")
    scan = models.ForeignKey("registry.Scan", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="responses")
    criteria = models.CharField(max_length=10, choices=CRITERIA)
    kind = models.CharField(max_length=5, choices=KINDS)
    assessed_on = models.DateField()
    response = models.CharField(max_length=16, choices=RESPONSES)
    response_computed = models.CharField(
        max_length=16, choices=RESPONSES, blank=True, default="",
        help_text="the response hdil2 computed from the measurements")
    override_reason = models.TextField(
        blank=True, default="", help_text="why the response recorded differs from the computed")
    confirmed = models.BooleanField(null=True, blank=True,
                                    help_text="CR/PR confirmed by a later assessment")
    advice = models.ForeignKey("registry.Advice", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")
    departure_reason = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "response assessment"
        ordering = ("patient_id", "assessed_on")
