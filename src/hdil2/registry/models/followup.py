"""Follow-up: vital status, progression, relapse, death and its cause."""

from __future__ import annotations

from django.db import models

from hdil2.registry.models.base import ClinicalRecord
from hdil2.registry.models.patient import Patient

DEATH_CAUSES = [("disease", "the cancer"), ("treatment", "treatment-related"),
                ("other", "other"), ("unknown", "unknown")]


class FollowUp(ClinicalRecord):
    """One follow-up contact of a patient."""

    VITAL = (("alive", "alive"), ("dead", "dead"), ("unknown", "unknown"),)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="followups")
    contact_on = models.DateField(help_text="date of the contact")
    vital_status = models.CharField(max_length=7, choices=VITAL)
    last_known_alive = models.DateField(null=True, blank=True)
    progression_on = models.DateField(null=True, blank=True)
    relapse_on = models.DateField(null=True, blank=True,
                                  help_text="relapse after a complete response or resection")
    death_on = models.DateField(null=True, blank=True)
    death_cause = models.CharField(max_length=9, choices=DEATH_CAUSES, blank=True, default="")
    death_cause_detail = models.TextField(blank=True, default="")
    lost_to_follow_up = models.BooleanField(default=False)

    class Meta:
        verbose_name = "follow-up"
        ordering = ("patient_id", "contact_on")
        constraints = (models.CheckConstraint(
            condition=~models.Q(vital_status="dead") | models.Q(death_on__isnull=False),
            name="registry_followup_dead_has_date"),)
