"""``/healthz/``: a cheap authenticated answer that the application and its database respond
(for monitoring, and the trivial endpoint the load benchmark compares the pages against)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from hdil2.web.roles import requires


@require_GET
@requires("read")
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"ok": true}`` once the database has answered a trivial query."""
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()
    return JsonResponse({"ok": True})


urlpatterns = [path("healthz/", healthz, name="healthz")]
