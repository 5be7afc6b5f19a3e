"""Named, configurable policies for facts the sources leave unverified or contested.

Where a fact is tagged unverified (or two sources disagree), hdil2 does not hard-code one
answer: it names a :class:`Policy` with a default, the permitted alternatives and the reason
for the uncertainty, and every decision that used it says which choice was in force.  The
policy decisions are explained in docs/decisions.md.

    >>> from hdil2.core.policy import Policy
    >>> basis = Policy("weight_basis", "actual", ("actual", "ideal", "adjusted"),
    ...                "proleukin-label", "the label says IU/kg without naming the weight")
    >>> basis.resolve(None), basis.resolve({"weight_basis": "ideal"})
    ('actual', 'ideal')
    >>> basis.reason("ideal").text
    "policy weight_basis = 'ideal' (site override): the label says IU/kg without naming the weight"
    >>> basis.resolve({"weight_basis": "lean"})
    Traceback (most recent call last):
    ...
    hdil2.core.errors.InputError: policy.weight_basis: must be one of ['actual', 'ideal', ...
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.sources import Tag


@dataclass(frozen=True, slots=True)
class Policy:
    """A choice a site may change: default, alternatives, where the doubt comes from."""

    name: str
    default: Any
    choices: tuple[Any, ...]
    source: str
    text: str
    tag: Tag = Tag.UNVERIFIED

    def resolve(self, overrides: Mapping[str, Any] | None) -> Any:
        """The value in force: the override if one is given (and permitted), else the default."""
        if overrides is None or self.name not in overrides:
            return self.default
        value = overrides[self.name]
        if value not in self.choices:
            raise InputError(
                f"policy.{self.name}",
                f"must be one of {list(self.choices)}",
                value,
            )
        return value

    def reason(self, value: Any) -> Reason:
        """The reason that records this policy's value in a decision."""
        state = "default" if value == self.default else "site override"
        return Reason(
            rule=f"policy.{self.name}",
            source=self.source,
            text=f"policy {self.name} = {value!r} ({state}): {self.text}",
            inputs={self.name: value},
            tag=self.tag,
        )


def check_overrides(
    policies: Mapping[str, Policy], overrides: Mapping[str, Any] | None
) -> None:
    """Refuse override names that are not policies of this rule set."""
    for name in overrides or {}:
        if name not in policies:
            raise InputError(
                f"policy.{name}",
                f"unknown policy; known: {', '.join(sorted(policies)) or 'none'}",
                name,
            )
