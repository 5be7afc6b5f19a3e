"""Operations of reference: the catalogue of the sources hdil2 cites.

Every reason hdil2 gives names a source key (``lee2000``, ``proleukin-label``, ``ctcae5`` …);
the ``sources`` operation resolves it to the full reference, the PubMed id and DOI where they
were checked, and what hdil2 takes from the source.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hdil2.app.operation import Operation, Spec
from hdil2.core.errors import InputError
from hdil2.core.result import output_schema
from hdil2.core.sources import SOURCES, SourceList


class SourcesRequest(BaseModel):
    """JSON input of ``hdil2 sources``: every catalogue entry, or the one called ``key``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str | None = Field(default=None, description="a source key, e.g. lee2000; omit to "
                            "list every source", examples=["lee2000"])


def sources(key: str | None = None) -> SourceList:
    """Every entry of the catalogue, or the one called ``key``.

    An unknown key is refused naming the field ``key``, with the nearest known keys.
    """
    if key is None:
        return SourceList(tuple(SOURCES.values()))
    if key not in SOURCES:
        import difflib

        near = difflib.get_close_matches(key, list(SOURCES), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise InputError("key", f"unknown source key {key!r}{hint} (`hdil2 sources` lists "
                         "every key)", key)
    return SourceList((SOURCES[key],))


def _sources() -> Spec:
    return Spec(SourcesRequest, lambda req, _site: sources(req.key),
                lambda: output_schema(SourceList))


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("sources", "the full reference of every source key hdil2 cites (or of one)",
              _sources, area="reference"),
)
