"""Error pages: 400, 403, 404, 500 and a refused CSRF token, each a page of the app (never a
traceback), or JSON under ``/api/``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string


def _page(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    try:
        body = render_to_string("web/error.html", {"status": status, "title": title,
                                                   "detail": detail}, request=request)
    except Exception:  # the error page itself must not fail
        body = f"<!doctype html><title>{status}</title><p>{title}</p>"
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 400, "Bad request", "The request could not be read.")


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 403, "Not allowed",
                 "Your role does not allow this. Ask an administrator if you need it.")


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 404, "Not found", "There is nothing at this address.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(request, 500, "Something went wrong",
                 "The error was logged; nothing was written. Try again or tell the "
                 "administrator.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, "Form expired",
                 "This form was open too long or in another login. Reload the page and enter "
                 "it again; nothing was written.")
