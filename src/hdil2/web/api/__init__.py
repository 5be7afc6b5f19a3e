"""The JSON API under ``/api/v1`` (django-ninja): OpenAPI at ``/api/v1/openapi.json``, docs at
``/api/v1/docs``; session (with CSRF) or ``Authorization: Bearer`` token authentication.

* ``POST /api/v1/rules/<operation>`` - every stateless operation of the catalogue (dose,
  calendar, grade, next-dose, screen, assess, next-course, qlq-c30, stats-*, design-*, ...),
  the answer as ``hdil2 ... --json`` prints it (:mod:`hdil2.web.api.rules`);
* ``/api/v1/patients``, ``/courses``, ``/slots`` - the registry's use cases, acting as the
  authenticated user (:mod:`hdil2.web.api.registry`).

Authentication (:mod:`hdil2.web.api.auth`): a token (``hdil2 users token NAME``) or the
browser's session (CSRF token required on POST). Every route needs a role: reads and the
stateless rules ``read``; doses, observations and toxicities ``record``; enrolment,
screening, courses, scans, response and next-course advice ``plan``. The OpenAPI document needs
``read`` too (token or session); the docs page (Swagger UI, served from the app's own static
files) is for a logged-in browser and sends anyone else to the login page.

Errors: one shape (:mod:`hdil2.web.api.errors`); bad input is 400 with the CLI's
``{"errors": [{"field", "message", "value"}]}``.
"""

from __future__ import annotations

from typing import Any

from hdil2.web.api import errors, openapi
from hdil2.web.api.auth import AUTH


def _docs_guard(view: Any) -> Any:
    """The OpenAPI document and docs page need the ``read`` capability (401/403 as JSON)."""
    from functools import wraps

    from django.http import JsonResponse

    from hdil2.web import roles
    from hdil2.web.api.auth import user_of

    @wraps(view)
    def guarded(request: Any, *args: Any, **kwargs: Any) -> Any:
        user = user_of(request)
        if user is None:
            return JsonResponse({"detail": "log in or send Authorization: Bearer <token>"},
                                status=401)
        if not roles.can(user, "read"):
            return JsonResponse({"detail": "your role does not allow this (needs the 'read' "
                                 "capability)"}, status=403)
        return view(request, *args, **kwargs)

    setattr(guarded, roles.ATTRIBUTE, "read")
    return guarded


def _build() -> openapi.Hdil2API:
    from hdil2.web.api import registry, rules

    built = openapi.Hdil2API(
        title="hdil2", version="1", urls_namespace="api", auth=AUTH,
        description="Clinical decision support for high-dose interleukin-2: the stateless "
        "rules of the command line and the registry's use cases. Bad input: 400 with "
        "{\"errors\": [{\"field\", \"message\", \"value\"}]}; a stale edit: 409.",
        docs_decorator=_docs_guard)
    errors.install(built)
    rules.register()
    built.add_router("/rules", rules.router)
    built.add_router("", registry.router)
    return built


api = _build()

__all__ = ["api"]
