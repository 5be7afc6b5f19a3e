"""Who is asking: an API token (``Authorization: Bearer hdil2_...``) or the browser's session.

A token acts as its user, with that user's roles; its ``last_used_at`` is updated on each use.
CSRF is not checked for a token (a script sends no cookie a third-party page could ride on);
it is checked on every unsafe method (POST ...) authenticated by the session cookie, as for the
pages. A request with neither is refused with 401; a user whose roles lack the capability a
route needs (:mod:`hdil2.web.roles`) with 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from hdil2.web import roles

F = TypeVar("F", bound=Callable[..., Any])


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token issued by ``hdil2 users token``."""

    openapi_bearerFormat = "hdil2_..."  # noqa: N815 - ninja's attribute name

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from django.utils import timezone

        from hdil2.web.models import ApiToken, digest

        user = ApiToken.user_for(token)
        if user is None:
            return None
        ApiToken.objects.filter(key_digest=digest(token)).update(last_used_at=timezone.now())
        request.user = user  # the audit history names the token's user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; CSRF checked on unsafe methods (after the user is known,
    so an anonymous request is told 401, not a CSRF failure)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the csrftoken cookie's value in the "
                            "X-CSRFToken header (or use an API token)")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if key is None or user is None or not user.is_authenticated:
            return None
        return user


AUTH = [TokenAuth(), SessionAuth()]


def user_of(request: HttpRequest) -> Any:
    """The authenticated user of an API request (token or session), else ``None``."""
    auth = getattr(request, "auth", None)
    if auth is not None:
        return auth
    for method in AUTH:
        try:
            found = method(request)
        except HttpError:
            return None
        if found:
            return found
    return None


def need(request: HttpRequest, capability: str) -> Any:
    """The request's user if their roles give ``capability`` (403 otherwise)."""
    user = user_of(request)
    if user is None:
        raise HttpError(401, "log in or send Authorization: Bearer <token>")
    if not roles.can(user, capability):
        raise HttpError(403, f"your role does not allow this (needs the {capability!r} "
                        "capability)")
    return user


def requires(capability: str) -> Callable[[F], F]:
    """Decorate an API view: it runs only for a user with ``capability`` (403 otherwise); the
    view carries the capability as the pages' views do (:data:`hdil2.web.roles.ATTRIBUTE`)."""
    if capability not in roles.CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")

    def wrap(view: F) -> F:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            need(request, capability)
            return view(request, *args, **kwargs)

        setattr(guarded, roles.ATTRIBUTE, capability)
        return guarded  # type: ignore[return-value]

    return wrap
