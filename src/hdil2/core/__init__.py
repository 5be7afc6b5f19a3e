"""Quantities and units, errors, decisions with reasons, and the source catalogue."""

from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import Hdil2Error, InputError
from hdil2.core.quantity import Quantity
from hdil2.core.sources import SOURCES, Source, Tag, source

__all__ = [
    "SOURCES",
    "Decision",
    "Hdil2Error",
    "InputError",
    "Quantity",
    "Reason",
    "Source",
    "Tag",
    "source",
]
