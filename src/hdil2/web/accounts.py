"""Users, roles and API tokens (``hdil2 users ...``): each change in one transaction, refused
with the field named when the input is wrong."""

from __future__ import annotations

from typing import Any

from hdil2.core.errors import InputError
from hdil2.web.roles import ROLES


def _roles(given: list[str]) -> list[str]:
    if not given:
        raise InputError("role", f"at least one of {', '.join(ROLES)}")
    out: list[str] = []
    for r in given:
        key = r.strip().lower().replace("-", "_").replace(" ", "_")
        if key not in ROLES:
            raise InputError("role", f"one of {', '.join(ROLES)}", r)
        if key not in out:
            out.append(key)
    return out


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise InputError("username", "no such user", username)
    return user


def add_user(username: str, roles: list[str], password: str) -> dict[str, Any]:
    """Create ``username`` with ``password`` (Django's password validators apply) and roles."""
    from django.contrib.auth import get_user_model, password_validation
    from django.contrib.auth.models import Group
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from hdil2.registry.users import _NAME

    wanted = _roles(roles)
    if not _NAME.match(username):
        raise InputError("username", "1-150 letters, digits or . @ + - _", username)
    model = get_user_model()
    if model.objects.filter(username=username).exists():
        raise InputError("username", "already exists (change roles with `hdil2 users roles`)",
                         username)
    candidate = model(username=username)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as e:
        raise InputError("password", " ".join(e.messages)) from None
    with transaction.atomic():
        user = model.objects.create_user(username=username, password=password)
        user.groups.set(Group.objects.filter(name__in=wanted))
    return {"username": username, "roles": wanted}


def set_roles(username: str, roles: list[str]) -> dict[str, Any]:
    """Replace the hdil2 roles of ``username``."""
    from django.contrib.auth.models import Group
    from django.db import transaction

    wanted = _roles(roles)
    with transaction.atomic():
        user = _user(username)
        others = user.groups.exclude(name__in=ROLES)
        user.groups.set([*others, *Group.objects.filter(name__in=wanted)])
    return {"username": username, "roles": wanted}


def list_users() -> dict[str, Any]:
    """Every user with a usable password (the people who can log in), with roles."""
    from django.contrib.auth import get_user_model

    rows = []
    for u in get_user_model().objects.order_by("username").prefetch_related("groups"):
        if not u.has_usable_password():
            continue  # the command line's system users cannot log in
        rows.append({"username": u.username, "active": u.is_active,
                     "roles": sorted(g.name for g in u.groups.all() if g.name in ROLES)})
    return {"users": rows}


def issue_token(username: str, name: str) -> dict[str, Any]:
    """A new API token for ``username`` (the token is in the answer, and nowhere else)."""
    from hdil2.web.models import ApiToken

    if not name.strip():
        raise InputError("name", "what the token is for")
    row, token = ApiToken.issue(_user(username), name.strip())
    return {"id": row.pk, "username": username, "name": row.name, "token": token}


def revoke_token(token_id: int) -> dict[str, Any]:
    """Revoke token ``token_id``."""
    from django.utils import timezone

    from hdil2.web.models import ApiToken

    n = ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    if not n:
        raise InputError("token_id", "no such unrevoked token", token_id)
    return {"id": token_id, "revoked": True}
