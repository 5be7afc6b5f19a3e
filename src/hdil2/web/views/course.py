"""The course pages (to be built)."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
