"""``/sources/``: the catalogue of source keys the reasons cite (as ``hdil2 sources``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from hdil2.web.roles import requires


@requires("read")
def sources(request: HttpRequest) -> HttpResponse:
    """Every source with its full reference; each an anchor (``/sources/#lee2000``)."""
    from hdil2.core.sources import SOURCES

    rows = [{"key": k, "citation": s.citation, "note": s.note, "pmid": s.pmid, "doi": s.doi,
             "uses": s.uses} for k, s in SOURCES.items()]
    return render(request, "web/sources.html", {"sources": rows})


urlpatterns = [path("sources/", sources, name="sources")]
