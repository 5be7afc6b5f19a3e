"""Peer data lives beside the project, in ``../shared/data/``, and is never copied into it.

Tests that check hdil2 against data nobody on this project wrote (pharmaverse SDTM and ADaM,
NCI's CTCAE v5.0 spreadsheet) find it through :func:`peer_path`.  On a user's machine without
that folder they are skipped with a reason that says where the data is expected; under
``CI=true`` (CI always has it) a missing folder is a failure, never a silent skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PEER_DATA = Path(os.environ.get("HDIL2_PEER_DATA", ROOT.parent / "shared" / "data"))


def peer_path(*parts: str) -> Path:
    """The path of a peer data file or folder; skip (or, under ``CI=true``, fail) when absent.

    Usable at collection time (module level) and inside tests alike.
    """
    path = PEER_DATA.joinpath(*parts)
    if path.exists():
        return path
    reason = (f"peer data {'/'.join(parts)} not found under {PEER_DATA} "
              "(set HDIL2_PEER_DATA to the folder holding pharmaversesdtm/, "
              "pharmaverseadam/ and ctcae/)")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)
