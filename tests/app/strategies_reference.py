"""Hypothesis strategies of valid requests: reference operations (the source catalogue)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from hdil2.core.sources import SOURCES

STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    # every key of the catalogue, and the whole catalogue (no key, or key null)
    "sources": st.one_of(st.just({}), st.just({"key": None}),
                         st.sampled_from(sorted(SOURCES)).map(lambda k: {"key": k})),
}
