"""Courses, their cycles, and the scheduled dose slots of each cycle.

A course of HD IL-2 is usually two cycles (Lee et al. 2000, ``lee2000``); each cycle is a run of
8-hourly dose slots (up to 15, ``proleukin-label``). A slot records what happened: given (when,
the dose in IU, the vials, by whom), held (why) or not given (why). The advice shown for a slot,
a course or an assessment is a stored :class:`~hdil2.registry.models.advice.Advice` the row
points to; ``departure_reason`` says why the action differs from it.

The discontinuation reason of a course uses the categories of Lee et al. 2000 (``lee2000``),
Table 5: progressive disease, IL-2 toxicity, complete response, death, other.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from hdil2.registry.models.base import ClinicalRecord, decimal_field
from hdil2.registry.models.patient import Patient

DISCONTINUATION_REASONS = [
    ("progressive_disease", "progressive disease"),
    ("il2_toxicity", "IL-2 toxicity"),
    ("complete_response", "complete response"),
    ("death", "death"),
    ("other", "other"),
]


class Course(ClinicalRecord):
    """One course of IL-2 of a patient (numbered 1, 2, ... per patient)."""

    STATUSES = (("planned", "planned"), ("ongoing", "ongoing"), ("completed", "completed"),
                ("discontinued", "discontinued"))

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    regimen = models.CharField(max_length=60, blank=True, default="",
                               help_text="regimen key (hdil2 regimens); empty: not known")
    intent = models.CharField(
        max_length=12, choices=[("metastatic", "metastatic"), ("adjuvant", "adjuvant")],
        default="metastatic")
    status = models.CharField(max_length=12, choices=STATUSES, default="planned")
    ward_tz = models.CharField(max_length=64, help_text="IANA time zone of the ward, e.g. "
                               "Europe/London (times are stored in UTC)")
    planned_start = models.DateTimeField(null=True, blank=True,
                                         help_text="first dose slot of cycle 1 (UTC)")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    dosing_weight = decimal_field(null=True, blank=True, help_text="weight the dose is based on")
    dosing_weight_unit = models.CharField(max_length=8, blank=True, default="",
                                          help_text="unit of the dosing weight as entered")
    dose_per_kg_iu = decimal_field(null=True, blank=True, help_text="IU per kg per dose")
    planned_dose_iu = models.DecimalField(
        max_digits=14, decimal_places=0, null=True, blank=True,
        help_text="IL-2 dose per administration as planned, international units")
    discharged_on = models.DateField(null=True, blank=True,
                                     help_text="hospital discharge after the course")
    discontinuation_reason = models.CharField(
        max_length=20, choices=DISCONTINUATION_REASONS, blank=True, default="",
        help_text="why the course ended early (Lee et al. 2000, Table 5 categories)")
    discontinuation_detail = models.TextField(blank=True, default="")
    advice = models.ForeignKey("registry.Advice", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+",
                               help_text="the dose advice shown when it was planned")
    calendar_advice = models.ForeignKey(
        "registry.Advice", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="the dose calendar shown when it was planned")
    next_course_advice = models.ForeignKey(
        "registry.Advice", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="the latest after-course advice shown (another course, consolidation, stop)")
    departure_reason = models.TextField(
        blank=True, default="", help_text="why the course departs from the advice shown")

    class Meta:
        verbose_name = "course"
        ordering = ("patient_id", "number")
        constraints = (models.UniqueConstraint(fields=["patient", "number"],
                                               name="registry_course_number_unique"),)


class Cycle(ClinicalRecord):
    """One cycle of a course (numbered 1, 2 within the course)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cycles")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    starts_at = models.DateTimeField(null=True, blank=True, help_text="first slot (UTC)")
    planned_slots = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(15)])

    class Meta:
        verbose_name = "cycle"
        ordering = ("course_id", "number")
        constraints = (models.UniqueConstraint(fields=["course", "number"],
                                               name="registry_cycle_number_unique"),)


class DoseSlot(ClinicalRecord):
    """One scheduled 8-hourly dose of a cycle and what happened to it."""

    STATUSES = (("scheduled", "scheduled"), ("given", "given"), ("held", "held"),
                ("not_given", "not given"))

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="slots")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    scheduled_at = models.DateTimeField(help_text="scheduled time (UTC)")
    status = models.CharField(max_length=10, choices=STATUSES, default="scheduled")
    given_at = models.DateTimeField(null=True, blank=True, help_text="time given (UTC)")
    dose_iu = models.DecimalField(max_digits=14, decimal_places=0, null=True, blank=True,
                                  help_text="dose given, international units")
    vials = models.PositiveSmallIntegerField(null=True, blank=True, help_text="vials used")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 help_text="who gave the dose or recorded the hold")
    reason = models.TextField(blank=True, default="",
                              help_text="why the dose was held or not given")
    advice = models.ForeignKey("registry.Advice", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+",
                               help_text="the next-dose advice shown for this slot")
    departure_reason = models.TextField(
        blank=True, default="", help_text="why the action departs from the advice shown")

    class Meta:
        verbose_name = "dose slot"
        ordering = ("cycle_id", "number")
        constraints = (
            models.UniqueConstraint(fields=["cycle", "number"],
                                    name="registry_slot_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="given") | models.Q(given_at__isnull=False),
                name="registry_slot_given_has_time"),
        )
