"""Fixtures of the web application's tests: a migrated registry per module with the role groups,
users of each role, and Django test clients logged in as them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

PASSWORD = "correct horse battery staple 7"


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A freshly migrated registry (SQLite, or the test PostgreSQL database) with role groups."""
    from hdil2.web import roles
    from registry.conftest import fresh_database

    db = fresh_database(tmp_path_factory.mktemp("web"))
    roles.ensure_groups()
    yield db
    from django.db import connections

    connections.close_all()


@pytest.fixture(scope="module")
def make_user(web_db: dict[str, Any]) -> Callable[..., Any]:
    """``make_user("nurse")``: a user holding that role (``""``: no role), password
    :data:`PASSWORD`; ``make_user("nurse", "nurse_b")`` names it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(role: str, username: str | None = None) -> Any:
        name = username or f"test-{role or 'norole'}"
        model = get_user_model()
        user = model.objects.filter(username=name).first()
        if user is None:
            user = model.objects.create_user(username=name, password=PASSWORD)
            if role:
                user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture(scope="module")
def client_as(make_user: Callable[..., Any]) -> Callable[..., Any]:
    """``client_as("nurse")``: a Django test client logged in as a user with that role
    (``None``: anonymous); ``csrf=True`` enforces CSRF checks as a browser would meet them."""
    from django.test import Client

    def client(role: str | None, *, csrf: bool = False, username: str | None = None) -> Any:
        c = Client(enforce_csrf_checks=csrf)
        if role is not None:
            c.force_login(make_user(role, username))
        return c

    return client
