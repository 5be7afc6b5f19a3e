"""Roles of the IL-2 team and what each may do.

A user's roles are the Django groups of these names (``hdil2 users add NAME --role nurse``); a
user may hold several. Each page and API route declares the one capability it needs:

============  ==========================================================  =====================
capability    what it allows                                              roles
============  ==========================================================  =====================
``read``      every page and read-only route                              every role
``record``    record doses and holds, observations, toxicities            nurse, physician
``plan``      screen, plan courses, record scans and assess response,     physician
              advise the next course, override advice with a reason
``data``      import and export (SDTM, ADaM, FHIR, CSV)                   data manager
``users``     manage users and their roles                                admin
============  ==========================================================  =====================

Anonymous users are sent to the login page (``LoginRequiredMiddleware``); a user without the
capability gets 403. A view without a declared capability is a defect, and a test walks the URL
configuration to prove every route declares one and refuses the roles without it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Final, TypeVar

ROLES: Final = ("viewer", "nurse", "physician", "data_manager", "admin")

ROLE_LABELS: Final = {"viewer": "viewer", "nurse": "nurse", "physician": "physician",
                      "data_manager": "data manager", "admin": "administrator"}

CAPABILITIES: Final[dict[str, frozenset[str]]] = {
    "read": frozenset(ROLES),
    "record": frozenset({"nurse", "physician"}),
    "plan": frozenset({"physician"}),
    "data": frozenset({"data_manager"}),
    "users": frozenset({"admin"}),
}

#: the attribute a view carries with the capability it needs
ATTRIBUTE: Final = "hdil2_capability"

F = TypeVar("F", bound=Callable[..., Any])


def roles_of(user: Any) -> frozenset[str]:
    """The hdil2 roles of ``user`` (none for an anonymous or inactive user), cached on it."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_hdil2_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._hdil2_roles = cached
    return cached


def can(user: Any, capability: str) -> bool:
    """Whether ``user`` holds a role with ``capability``."""
    return bool(roles_of(user) & CAPABILITIES[capability])


def requires(capability: str) -> Callable[[F], F]:
    """Decorate a view: it runs only for a user with ``capability`` (403 otherwise)."""
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")

    def wrap(view: F) -> F:
        @wraps(view)
        def guarded(request: Any, *args: Any, **kwargs: Any) -> Any:
            from django.core.exceptions import PermissionDenied

            if not can(request.user, capability):
                raise PermissionDenied(f"needs the {capability!r} capability")
            return view(request, *args, **kwargs)

        setattr(guarded, ATTRIBUTE, capability)
        return guarded  # type: ignore[return-value]

    return wrap


def context(request: Any) -> dict[str, Any]:
    """Template context: ``roles`` and ``can`` (``{% if can.record %}``) of the user."""
    user = getattr(request, "user", None)
    mine = roles_of(user)
    return {"roles": sorted(ROLE_LABELS[r] for r in mine),
            "can": {cap: bool(mine & who) for cap, who in CAPABILITIES.items()}}


def ensure_groups() -> None:
    """Create the role groups that do not exist yet."""
    from django.contrib.auth.models import Group

    for name in ROLES:
        Group.objects.get_or_create(name=name)
