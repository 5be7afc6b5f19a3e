"""The site profile: what a ward or a trial decides once, passed explicitly to every operation.

A site sets the ward's time zone, the institutional hold rule sets it applies beside the label,
and overrides of named policies per operation (``{"dose": {"vial_drawable": "nominal"}}``).
The profile only fills what a request leaves out: a request's own value always wins, and a
policy the operation does not know is refused by the operation, naming it.

The CLI reads a profile from ``--site FILE`` or the file named by ``HDIL2_SITE``; the web app and
the registry will keep one per site.  Nothing reads it implicitly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from collections.abc import Mapping


def _ward_zone(tz: str) -> str:
    """The calendar's rule for a ward's zone (loaded only when a profile names one)."""
    from hdil2.clinical.treatment.calendar import zone_problem

    problem = zone_problem(tz)
    if problem is not None:
        raise ValueError(problem)
    return tz


class SiteProfile(BaseModel):
    """Settings and policy overrides of one site (JSON: ``hdil2 schema site-profile``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("default", description="the site's name, shown in reports")
    tz: Annotated[str, AfterValidator(_ward_zone)] | None = Field(
        None, description="the ward's IANA Area/Location time zone, used when a request "
        "gives none")
    hold_rulesets: tuple[Literal["label", "dutcher2014", "springerplus2015"], ...] | None = Field(
        None, description="institutional hold rule sets applied beside the label "
        "(dutcher2014, springerplus2015), used when a request gives none")
    policies: dict[str, dict[str, str | int | bool]] = Field(
        default_factory=dict, description="policy overrides per operation, e.g. "
        "{'dose': {'vial_drawable': 'nominal'}}; a request's own overrides win")

    def fill(self, operation: str, request: type[BaseModel], data: Mapping[str, Any]
             ) -> dict[str, Any]:
        """``data`` with the site's defaults for the fields ``request`` has and ``data`` lacks."""
        out = dict(data)
        fields = request.model_fields
        if self.tz is not None and "tz" in fields and out.get("tz") is None:
            out["tz"] = self.tz
        if self.hold_rulesets is not None and "rulesets" in fields and "rulesets" not in out:
            out["rulesets"] = list(self.hold_rulesets)
        site = self.policies.get(operation)
        if site and "policies" in fields:
            given = out.get("policies") or {}
            out["policies"] = {**site, **(given if isinstance(given, dict) else {})}
        return out


DEFAULT_PROFILE = SiteProfile()


def load_profile(text: str, name: str = "site profile") -> SiteProfile:
    """Parse a site profile from JSON text; errors name the field."""
    import json

    from hdil2.core.errors import InputError, from_validation_error

    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError("site", f"{name}: invalid JSON at line {e.lineno} column {e.colno}: "
                         f"{e.msg}") from None
    try:
        return SiteProfile.model_validate(data)
    except ValueError as e:
        mapped = from_validation_error(e, prefix="site")
        if mapped is None:
            raise
        raise mapped from None
