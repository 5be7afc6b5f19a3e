"""The JSON API under ``/api/v1`` (django-ninja): OpenAPI at ``/api/v1/openapi.json``, docs at
``/api/v1/docs``; session (with CSRF) or ``Authorization: Bearer`` token authentication."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="hdil2", version="1", urls_namespace="api")
