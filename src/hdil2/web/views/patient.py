"""The patient pages (to be built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from hdil2.web.roles import requires


@requires("read")
def patients(request: HttpRequest) -> HttpResponse:
    return render(request, "web/placeholder.html", {"title": "Patients", "nav": "patients"})


urlpatterns = [path("patients/", patients, name="patients")]
