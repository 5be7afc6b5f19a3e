"""The server's site profile: the file ``HDIL2_SITE`` names, read once per change of the file.

:func:`read` gives it as the CLI reads ``--site`` (the stateless rules routes answer with it);
:func:`site_profile` is the same profile for the registry's use cases, a bad one refused as ONE
error naming ``HDIL2_SITE`` (pages and the registry API show it; nothing is advised without the
site's rules).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any


@cache
def _profile(path: str | None, stamp: float | None) -> Any:
    from pathlib import Path

    from hdil2.app import documents
    from hdil2.app.profile import DEFAULT_PROFILE, load_profile
    from hdil2.core.errors import InputError

    if not path:
        return DEFAULT_PROFILE
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InputError("HDIL2_SITE", f"cannot read the site profile {path}: "
                         f"{e.strerror or e}") from None
    return load_profile(documents.text_of(data, path, "HDIL2_SITE", "JSON"), path)


def read() -> Any:
    """The server's site profile: the file named by ``HDIL2_SITE`` (re-read when it changes),
    else the default profile - as the CLI chooses it without ``--site``."""
    path = os.environ.get("HDIL2_SITE") or None
    stamp = None
    if path:
        try:
            stamp = os.stat(path).st_mtime
        except OSError:
            stamp = None
    return _profile(path, stamp)


def site_profile() -> Any:
    """The server's site profile (:func:`read`: the file named by
    ``HDIL2_SITE``, else the default profile). One that cannot be read or is invalid is ONE
    :class:`~hdil2.core.errors.InputError` naming ``HDIL2_SITE`` (with the profile's own fields
    in its message), for a page or the API to show - never advice without the site's rules."""
    from hdil2.core.errors import InputError, InputErrors

    try:
        return read()
    except InputError as e:
        if e.field == "HDIL2_SITE" and not isinstance(e, InputErrors):
            raise
        items = e.errors if isinstance(e, InputErrors) else [e]
        raise InputError("HDIL2_SITE", "the site profile is invalid: " + "; ".join(
            f"{x.field}: {x.message}" for x in items)) from None
