"""Dose-hold decision support for HD IL-2: give, hold or stop at the next scheduled dose.

The label's withhold / discontinue table and, optionally, institutional criteria
(the 2014 consensus, a community-hospital variant) are versioned rule tables
(:mod:`hdil2.clinical.toxicity.holds.rules`);
:func:`~hdil2.clinical.toxicity.holds.advice.next_dose` applies them
to the latest bedside observations and the doses recorded so far.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hdil2.clinical.toxicity.holds.advice import NextDoseRequest, next_dose
    from hdil2.clinical.toxicity.holds.observations import DoseObservations

__all__ = ["DoseObservations", "NextDoseRequest", "next_dose"]

# loaded on first use, so that reading the rule tables (the next-course policy does) does not
# load the dose calendar and the regimens
_LAZY = {"NextDoseRequest": "advice", "next_dose": "advice", "DoseObservations": "observations"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
