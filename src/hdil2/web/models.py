"""API tokens for scripts: ``Authorization: Bearer <token>`` on ``/api/v1``.

Only the SHA-256 digest of a token is stored (a token is 32 random bytes, so a fast digest is
enough: there is nothing to guess); the token itself is shown once, when created
(``hdil2 users token NAME``). A token acts as its user, with that user's roles, until revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models

PREFIX = "hdil2_"


def digest(token: str) -> str:
    """The stored form of ``token``."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """One API token of a user (stored as its digest)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="what the token is for")
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "web"
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"token {self.name!r} of {self.user}"

    @classmethod
    def issue(cls, user: Any, name: str) -> tuple[ApiToken, str]:
        """A new token for ``user``: the row and the token (shown once, never stored)."""
        token = PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(user=user, name=name, key_digest=digest(token))
        return row, token

    @classmethod
    def user_for(cls, token: str) -> Any:
        """The active user of an unrevoked ``token``, else ``None``."""
        if not token.startswith(PREFIX):
            return None
        row = (cls.objects.select_related("user")
               .filter(key_digest=digest(token), revoked_at__isnull=True).first())
        if row is None or not row.user.is_active:
            return None
        return row.user
