"""The physician's pages: screening, course planning, next course (to be built)."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
