"""The Django application configuration of the registry (label ``registry``)."""

from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """hdil2's registry: models, migrations, audit history."""

    name = "hdil2.registry"
    label = "registry"
    verbose_name = "hdil2 registry"
    default_auto_field = "django.db.models.BigAutoField"
