"""The advice hdil2 showed, stored beside the action it accompanied.

An :class:`Advice` row is the Decision as it was shown: the operation, the request and the
answer (value, reasons with their sources) as JSON, the rule-set version and the hdil2 version,
who was shown it and when. It is written once and never changed, so the record shows later what
was advised and why, even after the rules change.

The action rows point to it with a nullable foreign key (``DoseSlot.advice``,
``Course.advice``, ``calendar_advice`` and ``next_course_advice``, ``Toxicity.advice``,
``ResponseAssessment.advice``, ``QualityOfLife.advice``, ``Patient.risk_advice``) — chosen
over a generic relation so the database enforces the link and a cohort query joins it
directly. An action that departs from its advice carries ``departure_reason``.
"""

from __future__ import annotations

from django.db import models

from hdil2.registry.models.base import WriteOnceRecord


class Advice(WriteOnceRecord):
    """One Decision as shown (written once)."""

    operation = models.CharField(max_length=60, help_text="operation name, e.g. next-dose")
    value = models.CharField(max_length=80, blank=True, default="",
                             help_text="the answer's value (also inside answer)")
    request = models.JSONField(help_text="the request, as JSON")
    answer = models.JSONField(help_text="the answer: value, reasons with sources, details")
    ruleset_version = models.CharField(
        max_length=200, blank=True, default="",
        help_text="the rule sets, criteria, profile or variant used, with their versions")
    hdil2_version = models.CharField(max_length=40)

    class Meta:
        verbose_name = "advice"
        verbose_name_plural = "advice"
        ordering = ("created_at",)
