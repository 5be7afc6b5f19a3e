"""``/healthz/``: a cheap authenticated answer that the application and its database respond
(for monitoring, and the trivial endpoint the load benchmark compares the pages against)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from hdil2.web.roles import requires


@requires("read")
def _healthz(request: HttpRequest) -> JsonResponse:
    """``{"ok": true}`` once the database has answered a trivial query."""
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()
    return JsonResponse({"ok": True})


#: GET (and HEAD) only: 405 for any other method
healthz: Any = require_GET(_healthz)

urlpatterns = [path("healthz/", healthz, name="healthz")]
