"""The Django app of the web application (its API tokens, templates and static files)."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hdil2.web"
    label = "web"
    verbose_name = "hdil2 web application"
    default_auto_field = "django.db.models.BigAutoField"
