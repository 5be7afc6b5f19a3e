"""A griffe extension for the API reference: hdil2's docstrings cross-reference with Sphinx
roles (``:class:`~hdil2.core.decision.Decision```, ``:func:`grade```, ``:mod:`.models```);
each becomes a code span linked to the object's page when the site documents it (an optional
cross-reference of mkdocs-autorefs: no warning, plain code, when it does not)."""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|data|attr|exc|obj|const):`(?P<body>[^`]+)`")
TITLED = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^<>]+)>$")


def _member(scope: Any, name: str) -> str | None:
    head, _, rest = name.partition(".")
    while scope is not None:
        found = scope.members.get(head)
        if found is not None:
            return str(found.path) + ("." + rest if rest else "")
        scope = scope.parent
    return None


def _identifier(obj: Any, target: str) -> str:
    if target.startswith("."):  # a module relative to this package (Python's meaning)
        module = obj.module
        base = module.path if module.is_init_module else module.parent.path
        return str(base) + target
    if target.startswith("hdil2."):
        return target
    scope = obj if obj.is_class or obj.is_module else obj.parent
    return _member(scope, target) or target


def _replace(obj: Any, match: re.Match[str]) -> str:
    body = match["body"].strip()
    titled = TITLED.match(body)
    if titled:
        title, target = titled["title"], titled["target"].strip()
    else:
        target = body.lstrip("~!")
        title = target.rsplit(".", 1)[-1] if body.startswith("~") else target
    ident = _identifier(obj, target.lstrip("~!"))
    return (f'<autoref identifier="{html.escape(ident)}" optional>'
            f"<code>{html.escape(title)}</code></autoref>")


class SphinxRoles(griffe.Extension):
    """Rewrite the Sphinx roles of every docstring as optional cross-references."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ":" in obj.docstring.value:
            obj.docstring.value = ROLE.sub(lambda m: _replace(obj, m), obj.docstring.value)
