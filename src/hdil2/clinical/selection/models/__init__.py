"""Prognostic and predictive models of patient selection.

One module per model, each a pure function ``model(patient, policies=None) -> ModelResult``:

=========================  =========================================  ==================
function                   model                                      source key
=========================  =========================================  ==================
``mskcc1999``              MSKCC 1999 (Motzer)                        ``motzer1999``
``mskcc2002``              MSKCC 2002 (Motzer; cited by atkins2004)    ``motzer2002``
``imdc``                   IMDC (Heng)                                ``heng2009``
``corrected_calcium``      albumin-corrected calcium (mg/dL)          ``payne1973``
``ucla_sani``              UCLA SANI — factor capture only            ``leibovich2003``
``upton``                  Upton pathology model                      ``upton2005``
``caix``                   CA-IX > 85 %                               ``atkins2005``
``two_compartment``        pathology + CA-IX                          ``atkins2005``
``favourable_histology``   Shablak/Chow (Upton-based proxy)           ``shablak2011``
``negrier_rapid_progression``  Negrier 2005 (default) / 2002          ``negrier2005``
=========================  =========================================  ==================

Policy decisions behind them: docs/decisions.md#calcium-unit,
docs/decisions.md#corrected-calcium-formula, docs/decisions.md#upton-classifier and
docs/decisions.md#one-year-arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hdil2.clinical.selection.models.base import Factor, ModelResult, Outcome
from hdil2.clinical.selection.models.caix import caix
from hdil2.clinical.selection.models.calcium import (
    CorrectedCalcium,
    corrected_calcium,
    exact_corrected_calcium,
)
from hdil2.clinical.selection.models.histology import favourable_histology
from hdil2.clinical.selection.models.imdc import imdc
from hdil2.clinical.selection.models.mskcc import mskcc1999, mskcc2002
from hdil2.clinical.selection.models.negrier import negrier_rapid_progression
from hdil2.clinical.selection.models.policies import SELECTION_POLICIES, validate_policies
from hdil2.clinical.selection.models.sani import ucla_sani
from hdil2.clinical.selection.models.two_compartment import two_compartment
from hdil2.clinical.selection.models.upton import upton
from hdil2.clinical.selection.patient import Patient

ModelFn = Callable[[Patient, Mapping[str, Any] | None], ModelResult]

MODELS: dict[str, ModelFn] = {
    "mskcc2002": mskcc2002,
    "mskcc1999": mskcc1999,
    "imdc": imdc,
    "ucla_sani": ucla_sani,
    "upton2005": upton,
    "caix": caix,
    "two_compartment": two_compartment,
    "favourable_histology": favourable_histology,
    "negrier_rapid_progression": negrier_rapid_progression,
}
"""Every model of the screening summary, in display order."""


__all__ = [
    "MODELS",
    "SELECTION_POLICIES",
    "CorrectedCalcium",
    "Factor",
    "ModelResult",
    "Outcome",
    "caix",
    "corrected_calcium",
    "exact_corrected_calcium",
    "favourable_histology",
    "imdc",
    "mskcc1999",
    "mskcc2002",
    "negrier_rapid_progression",
    "two_compartment",
    "ucla_sani",
    "upton",
    "validate_policies",
]
