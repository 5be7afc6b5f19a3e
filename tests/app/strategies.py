"""Hypothesis strategies of valid requests, one per operation of the catalogue.

Each area has its module (``strategies_treatment`` …) with a ``STRATEGIES`` dict; each strategy
draws requests the operation should answer (plausible values, every option exercised).  A few may
still be refused by a rule that crosses fields, which the tests treat as "not a valid input"
rather than a failure.  A test fails when an operation has no strategy.
"""

from __future__ import annotations

import importlib
from typing import Any

from hypothesis import strategies as st

AREAS = ("treatment", "toxicity", "rules", "selection", "response", "stats", "design",
         "reference", "outcomes")

STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {}
for _area in AREAS:
    try:
        _module = importlib.import_module(f"{__package__}.strategies_{_area}")
    except ModuleNotFoundError:
        continue
    STRATEGIES.update(_module.STRATEGIES)
