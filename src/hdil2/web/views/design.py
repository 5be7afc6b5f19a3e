"""The design pages (to be built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from hdil2.web.roles import requires


@requires("read")
def design(request: HttpRequest) -> HttpResponse:
    return render(request, "web/placeholder.html", {"title": "Design", "nav": "design"})


urlpatterns = [path("design/", design, name="design")]
