"""Quality of life: the EORTC QLQ-C30 answers of a patient at a time point.

Items 1-28 are answered 1-4 (not at all .. very much), items 29 and 30 are answered 1-7; an
unanswered item is empty. Scoring is the clinical core's (:mod:`hdil2.clinical.outcomes`).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from hdil2.registry.models.base import ClinicalRecord
from hdil2.registry.models.patient import Patient

_FOUR = [MinValueValidator(1), MaxValueValidator(4)]
_SEVEN = [MinValueValidator(1), MaxValueValidator(7)]


def _answers_in_range() -> models.Q:
    """Every answered item within its scale: 1-4 for items 1-28, 1-7 for items 29-30."""
    q = models.Q()
    for i in range(1, 31):
        top = 4 if i <= 28 else 7
        q &= models.Q(**{f"q{i}__isnull": True}) | models.Q(**{f"q{i}__range": (1, top)})
    return q


class QualityOfLife(ClinicalRecord):
    """One completed EORTC QLQ-C30 questionnaire (30 items, ``q1`` .. ``q30``)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT,
                                related_name="quality_of_life")
    course = models.ForeignKey("registry.Course", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="quality_of_life")
    completed_on = models.DateField()
    label = models.CharField(max_length=40, help_text="time point, e.g. baseline, week 12")
    q1 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q2 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q3 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q4 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q5 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q6 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q7 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q8 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q9 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q10 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q11 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q12 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q13 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q14 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q15 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q16 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q17 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q18 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q19 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q20 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q21 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q22 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q23 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q24 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q25 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q26 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q27 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q28 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_FOUR)
    q29 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_SEVEN)
    q30 = models.PositiveSmallIntegerField(null=True, blank=True, validators=_SEVEN)
    advice = models.ForeignKey("registry.Advice", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+",
                               help_text="the scores shown when the answers were recorded")

    class Meta:
        verbose_name = "quality-of-life questionnaire"
        ordering = ("patient_id", "completed_on")
        constraints = (models.CheckConstraint(condition=_answers_in_range(),
                                              name="registry_qlq_answers_in_range"),)

