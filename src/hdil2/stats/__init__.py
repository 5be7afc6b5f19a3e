"""Cohort statistics and trial design for the IL-2 papers (issue 5).

Pure functions over numbers and arrays; every result is a small frozen dataclass on
:class:`hdil2.core.result.Result` (its fields are its JSON form and give its JSON Schema) that
names its method and carries the reasons (source keys) for its numbers.  The requests of the
``stats-*`` and ``design-*`` operations of :mod:`hdil2.app` are in
:mod:`~hdil2.stats.requests`.

* :mod:`~hdil2.stats.proportions` — rates with Clopper-Pearson/Wilson intervals, Fisher exact
  and χ² comparisons, exact conditional odds ratio, risk difference, Cochran-Armitage trend.
* :mod:`~hdil2.stats.kaplan_meier`, :mod:`~hdil2.stats.logrank`, :mod:`~hdil2.stats.cox` —
  survival as R ``survival`` computes it; :mod:`~hdil2.stats.logrank_batch` — the two-group
  log-rank test of many simulated trials in one call.
* :mod:`~hdil2.stats.simon` — Simon two-stage designs, stage-1 decisions, UMVUE and exact
  inference after the trial.
* :mod:`~hdil2.stats.sample_size` — two proportions and survival (Schoenfeld, Freedman,
  Lachin-Foulkes).
* :mod:`~hdil2.stats.interim` — Lan-DeMets boundaries, conditional power, futility.
* :mod:`~hdil2.stats.limits` — the bound on each request's work: a request over it is refused
  before any work starts.

The names below are loaded on first use, so ``import hdil2.stats`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hdil2.stats.cox import CoxModel, cox_ph
    from hdil2.stats.interim import (
        ConditionalPower,
        GroupSequential,
        conditional_power,
        futility_decision,
        group_sequential,
    )
    from hdil2.stats.kaplan_meier import KaplanMeier, kaplan_meier, kaplan_meier_groups
    from hdil2.stats.logrank import LogRank, logrank_test
    from hdil2.stats.logrank_batch import LogRankBatch, logrank_batch
    from hdil2.stats.proportions import (
        binomial_ci,
        cochran_armitage,
        compare_proportions,
        rate,
    )
    from hdil2.stats.sample_size import (
        survival_size,
        two_proportions_power,
        two_proportions_size,
    )
    from hdil2.stats.simon import (
        SimonDesign,
        SimonInference,
        SimonSearch,
        simon_design,
        simon_designs,
        simon_inference,
        simon_stage1,
    )

# each name's module, imported on first use: ``import hdil2.stats`` loads no NumPy or SciPy
_LAZY: dict[str, str] = {
    "ConditionalPower": "interim",
    "CoxModel": "cox",
    "GroupSequential": "interim",
    "KaplanMeier": "kaplan_meier",
    "LogRank": "logrank",
    "LogRankBatch": "logrank_batch",
    "SimonDesign": "simon",
    "SimonInference": "simon",
    "SimonSearch": "simon",
    "binomial_ci": "proportions",
    "cochran_armitage": "proportions",
    "compare_proportions": "proportions",
    "conditional_power": "interim",
    "cox_ph": "cox",
    "futility_decision": "interim",
    "group_sequential": "interim",
    "kaplan_meier": "kaplan_meier",
    "kaplan_meier_groups": "kaplan_meier",
    "logrank_batch": "logrank_batch",
    "logrank_test": "logrank",
    "rate": "proportions",
    "simon_design": "simon",
    "simon_designs": "simon",
    "simon_inference": "simon",
    "simon_stage1": "simon",
    "survival_size": "sample_size",
    "two_proportions_power": "sample_size",
    "two_proportions_size": "sample_size",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ConditionalPower",
    "CoxModel",
    "GroupSequential",
    "KaplanMeier",
    "LogRank",
    "LogRankBatch",
    "SimonDesign",
    "SimonInference",
    "SimonSearch",
    "binomial_ci",
    "cochran_armitage",
    "compare_proportions",
    "conditional_power",
    "cox_ph",
    "futility_decision",
    "group_sequential",
    "kaplan_meier",
    "kaplan_meier_groups",
    "logrank_batch",
    "logrank_test",
    "rate",
    "simon_design",
    "simon_designs",
    "simon_inference",
    "simon_stage1",
    "survival_size",
    "two_proportions_power",
    "two_proportions_size",
]
