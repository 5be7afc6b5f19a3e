"""Fixtures of the interchange tests: the registry tests' fresh database with a demo cohort."""

from __future__ import annotations

from typing import Any

import pytest

from registry.conftest import registry_db  # noqa: F401 - the fixture, shared

DEMO_SEED = 2000
DEMO_PATIENTS = 24


@pytest.fixture(scope="module")
def demo_db(registry_db: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """The module's registry holding a 24-patient synthetic cohort of seed 2000."""
    from hdil2.registry import demo

    demo.load(DEMO_SEED, DEMO_PATIENTS)
    return registry_db
