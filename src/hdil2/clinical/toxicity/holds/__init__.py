"""Dose-hold decision support for HD IL-2: give, hold or stop at the next scheduled dose.

The label's withhold / discontinue table and, optionally, institutional criteria
(the 2014 consensus, a community-hospital variant) are versioned rule tables
(:mod:`hdil2.clinical.toxicity.holds.rules`);
:func:`~hdil2.clinical.toxicity.holds.advice.next_dose` applies them
to the latest bedside observations and the doses recorded so far.
"""

from hdil2.clinical.toxicity.holds.advice import NextDoseRequest, next_dose
from hdil2.clinical.toxicity.holds.observations import DoseObservations

__all__ = ["DoseObservations", "NextDoseRequest", "next_dose"]
