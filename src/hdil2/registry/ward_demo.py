"""The demo ward: synthetic patients on treatment now (to be built)."""

from __future__ import annotations


def loaded() -> bool:
    """Whether the demo ward is in the registry."""
    return True


def load() -> None:
    """Admit the demo ward."""
