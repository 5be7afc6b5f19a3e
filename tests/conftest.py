"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from peer_data import peer_path


@pytest.fixture(scope="session")
def peer_data() -> Callable[..., Path]:
    """``peer_data("ctcae", "CTCAE_v5.0_2017-11-27.xlsx")``: a peer file, or skip/fail if absent."""
    return peer_path
