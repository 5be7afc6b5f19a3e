"""The URL configuration: the pages (a module of :mod:`hdil2.web.views` each) and ``/api/v1``."""

from __future__ import annotations

from django.urls import include, path

from hdil2.web.api import api
from hdil2.web.views import (
    accounts,
    cohort,
    course,
    design,
    entry,
    errors,
    health,
    patient,
    plan,
    scans,
    sources,
    ward,
)

urlpatterns = [
    path("", include(accounts.urlpatterns)),
    path("", include(ward.urlpatterns)),
    path("", include(patient.urlpatterns)),
    path("", include(course.urlpatterns)),
    path("", include(entry.urlpatterns)),
    path("", include(plan.urlpatterns)),
    path("", include(scans.urlpatterns)),
    path("", include(sources.urlpatterns)),
    path("", include(cohort.urlpatterns)),
    path("", include(design.urlpatterns)),
    path("", include(health.urlpatterns)),
    path("api/v1/", api.urls),
]

handler400 = errors.bad_request
handler403 = errors.forbidden
handler404 = errors.not_found
handler500 = errors.server_error
