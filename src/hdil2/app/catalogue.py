"""The catalogue of operations, loaded one area at a time.

Each area module (``hdil2.app.treatment`` …) defines ``OPERATIONS``, a tuple of
:class:`~hdil2.app.operation.Operation`.  :data:`AREAS` says which module holds which operation
names, so a caller asking for one operation imports only its area (a clinical command starts
without loading the statistics); a test checks that :data:`AREAS` and the modules agree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hdil2.app.operation import Operation
from hdil2.core.errors import InputError

if TYPE_CHECKING:
    from pydantic import BaseModel

AREAS: dict[str, tuple[str, ...]] = {
    "hdil2.app.treatment": ("regimens", "dose", "calendar"),
    "hdil2.app.toxicity": ("grade", "grade-terms"),
    "hdil2.app.holds": ("next-dose",),
    "hdil2.app.rules": ("rules",),
    "hdil2.app.reference": ("sources",),
    "hdil2.app.selection": ("screen",),
    "hdil2.app.response": ("assess", "next-course"),
    "hdil2.app.outcomes": ("qlq-c30",),
    "hdil2.app.stats": ("stats-rate", "stats-compare", "stats-trend", "stats-km",
                        "stats-logrank", "stats-cox"),
    "hdil2.app.design": ("design-simon", "design-simon-oc", "design-simon-stage1",
                         "design-simon-estimate", "design-two-proportions", "design-survival",
                         "design-group-sequential", "design-conditional-power"),
}


def _site_profile() -> type[BaseModel]:
    from hdil2.app.profile import SiteProfile

    return SiteProfile


def _dose_observations() -> type[BaseModel]:
    from hdil2.clinical.toxicity.holds.observations import DoseObservations

    return DoseObservations


def _patient() -> type[BaseModel]:
    from hdil2.clinical.selection.patient import Patient

    return Patient


def _survival() -> type[BaseModel]:
    from hdil2.stats.requests import SurvivalRequest

    return SurvivalRequest


#: JSON documents that are not an operation's request: a part of one (read on its own by a
#: command, e.g. ``hdil2 screen PATIENT.json``) or the site profile; loaded on demand
DOCUMENTS: dict[str, Callable[[], type[BaseModel]]] = {
    "site-profile": _site_profile,
    "dose-observations": _dose_observations,
    "patient": _patient,
    "stats-survival": _survival,
}


def document(name: str) -> type[BaseModel]:
    """The model of the JSON document called ``name`` (an operation's request or a part)."""
    if name in DOCUMENTS:
        return DOCUMENTS[name]()
    return operation(name).request


def _area_of(name: str) -> str:
    for module, members in AREAS.items():
        if name in members:
            return module
    raise InputError("operation", f"unknown operation {name!r}; known: {', '.join(names())}",
                     name)


def area_operations(module: str) -> dict[str, Operation[Any]]:
    """The operations of one area module, by name."""
    ops: tuple[Operation[Any], ...] = importlib.import_module(module).OPERATIONS
    return {op.name: op for op in ops}


def operation(name: str) -> Operation[Any]:
    """The operation called ``name`` (an :class:`InputError` naming it if unknown)."""
    return area_operations(_area_of(name))[name]


def names() -> list[str]:
    """Every operation name, sorted."""
    return sorted(n for ns in AREAS.values() for n in ns)


def operations() -> dict[str, Operation[Any]]:
    """Every operation, by name (imports every area)."""
    out: dict[str, Operation[Any]] = {}
    for module in AREAS:
        out.update(area_operations(module))
    return dict(sorted(out.items()))


def run(name: str, payload: Any, profile: Any = None) -> Any:
    """Validate ``payload`` for operation ``name`` and run it with the site ``profile``."""
    return operation(name)(payload, profile)
