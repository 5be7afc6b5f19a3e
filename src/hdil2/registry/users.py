"""Who writes to the registry: Django users; the command line writes as a named system user."""

from __future__ import annotations

import getpass
import os
import re
from typing import Any

from hdil2.registry.errors import RegistryError

ENV_USER = "HDIL2_USER"
_NAME = re.compile(r"^[\w.@+-]{1,150}$")


def system_user(name: str | None = None, field: str = "user") -> Any:
    """The user named ``name`` (else ``HDIL2_USER``, else the login name, else ``hdil2``),
    created without a password (it cannot log in to the web application) if new."""
    from django.contrib.auth import get_user_model

    if name is None:
        name = os.environ.get(ENV_USER, "").strip() or None
        field = ENV_USER if name else field
    if name is None:
        try:
            name = getpass.getuser()
        except Exception:
            name = "hdil2"
    if not _NAME.match(name):
        raise RegistryError(field, "a user name is 1-150 letters, digits or . @ + - _", name)
    model = get_user_model()
    user, created = model.objects.get_or_create(username=name)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
