"""Every route of the web application refuses anonymous and wrong-role users (issue 14, item 3).

The test walks ``hdil2.web.urls`` itself (every URLPattern and URLResolver, recursively; the
django-ninja API's operations included), so a page added later is checked without being listed
here.  For every route and every method (GET, POST, PUT, PATCH, DELETE):

* an anonymous user is sent to ``/login/`` (302, pages) or refused with 401 (``/api/``);
* a logged-in user without a role gets 403;
* a user of each role is let through exactly when ``hdil2.web.roles.can(role, capability)``
  holds for the capability the view declares (``@requires``), and gets 403 otherwise.

A method the route does not serve at all (405 for every role that may use the route) is no
leak: then a refused role may see 405 as well.  A view that declares no capability fails
``test_every_view_declares_a_capability`` (with its module named).  Whatever the role, no
request answers 5xx.

Path converters are filled with the id of a real row of a small registry (the synthetic cohort
of ``hdil2.registry.demo`` plus one course planned with the use case), so allowed roles reach
the view's own code, not a 404 before it.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

#: routes open to anonymous users, with the reason
PUBLIC = {
    "login": "the login page itself",
}
#: routes for any logged-in user, role or not, with the reason
ANY_USER = {
    "logout": "leaving needs no capability",
}
#: routes under /api/ that are HTML pages for people (anonymous: sent to the login page)
API_PAGES = {"api:openapi-view"}


@dataclass
class Route:
    """One URL pattern: its name, path template, the views (per method) and their capability."""

    name: str
    template: str
    callback: Callable[..., Any]
    #: method -> capability declared (None: none declared); "*" for a Django view
    capabilities: dict[str, str | None] = field(default_factory=dict)
    #: method -> the module that defines the view
    modules: dict[str, str] = field(default_factory=dict)

    @property
    def is_api(self) -> bool:
        """A JSON route (401 for anonymous users); the API's HTML docs page is a page."""
        return self.template.startswith("api/") and self.name not in API_PAGES


def _pattern_text(pattern: Any) -> str:
    text = str(pattern.pattern)
    if text.startswith("^"):  # a regular expression (re_path): keep its literal form
        text = text.lstrip("^").rstrip("$").replace("\\Z", "")
    return text


def _ninja_path_view(callback: Callable[..., Any]) -> Any:
    """The django-ninja PathView behind a URL pattern's callback, or None."""
    try:
        closure = inspect.getclosurevars(callback).nonlocals
    except TypeError:
        return None
    view = closure.get("self")
    return view if view is not None and hasattr(view, "operations") else None


def _capability(func: Any) -> str | None:
    from hdil2.web.roles import ATTRIBUTE

    seen = 0
    while func is not None and seen < 10:
        cap = getattr(func, ATTRIBUTE, None)
        if cap is not None:
            return str(cap)
        func = getattr(func, "__wrapped__", None) or getattr(func, "func", None)
        seen += 1
    return None


def _module(func: Any) -> str:
    inner = inspect.unwrap(func) if callable(func) else func
    inner = getattr(inner, "func", inner)  # functools.partial
    cls = getattr(inner, "view_class", None)
    return getattr(cls or inner, "__module__", "?") or "?"


def walk(patterns: list[Any] | None = None, prefix: str = "",
         namespace: str = "") -> Iterator[Route]:
    """Every route of the URL configuration (``hdil2.web.urls`` by default)."""
    if patterns is None:
        from django.urls import get_resolver

        patterns = get_resolver().url_patterns
    from django.urls import URLPattern, URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + _pattern_text(p), ns)
        elif isinstance(p, URLPattern):
            route = Route(f"{namespace}{p.name or '?'}", prefix + _pattern_text(p), p.callback)
            ninja = _ninja_path_view(p.callback)
            if ninja is not None:
                for op in ninja.operations:
                    for m in op.methods:
                        route.capabilities[m] = _capability(op.view_func)
                        route.modules[m] = _module(op.view_func)
            else:
                route.capabilities["*"] = _capability(p.callback)
                route.modules["*"] = _module(p.callback)
            yield route


ROUTES = sorted(walk(), key=lambda r: r.template)


def _declared(route: Route, method: str) -> str | None:
    """The capability a method of the route needs (None: none declared)."""
    if "*" in route.capabilities:
        return route.capabilities["*"]
    return route.capabilities.get(method)


def _serves(route: Route, method: str) -> bool:
    """Whether the route has a view for the method (a Django view: it decides itself)."""
    return "*" in route.capabilities or method in route.capabilities


# ---- a small registry and the users ----------------------------------------------------------

@pytest.fixture(scope="module")
def rows(web_db: dict[str, Any]) -> dict[str, Any]:
    """name -> a real row id of each kind a path may name."""
    from hdil2.registry import demo, services
    from hdil2.registry import models as m
    from hdil2.registry.users import system_user

    demo.load(14, 5)
    p = m.Patient.objects.order_by("pk").first()
    assert p is not None
    services.plan_course(p.pk, by=system_user("route_walk"), regimen="hd-il2-600k",
                         first_dose="2025-03-03T08:00", ward_tz="Europe/London",
                         weight="70 kg")
    ids: dict[str, Any] = {}
    for key, model in (("patient", m.Patient), ("course", m.Course), ("cycle", m.Cycle),
                       ("slot", m.DoseSlot), ("scan", m.Scan), ("lesion", m.Lesion),
                       ("observation", m.Observation), ("toxicity", m.Toxicity),
                       ("advice", m.Advice), ("response", m.ResponseAssessment),
                       ("qlq", m.QualityOfLife)):
        row = model.objects.order_by("-pk").first()
        ids[key] = row.pk if row is not None else 1
    ids["registry_id"] = p.registry_id
    from hdil2.web.models import ApiToken

    ids["token"] = ApiToken.objects.order_by("pk").first().pk if ApiToken.objects.exists() else 1
    return ids


_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def concrete(template: str, ids: dict[str, Any]) -> str:
    """The route's path with each converter filled by a real row id (by the parameter's name)."""
    def fill(m: re.Match[str]) -> str:
        conv, name = m.group("conv") or "str", m.group("name").lower()
        if conv == "uuid":
            return "00000000-0000-0000-0000-000000000001"
        if conv in ("str", "slug", "path") and not name.endswith(("id", "pk")):
            for key in ("registry_id", "key"):
                if key in name:
                    return str(ids.get("registry_id", "x"))
            return "lee2000" if "source" in name else "x"
        for key, value in ids.items():
            if key in name:
                return str(value)
        return str(ids["patient"])

    return "/" + _CONVERTER.sub(fill, template)


def _request(client: Any, method: str, url: str) -> Any:
    return getattr(client, method.lower())(url)


@pytest.fixture
def clients(client_as: Callable[..., Any]) -> dict[str | None, Any]:
    from hdil2.web.roles import ROLES

    # fresh clients per test: the walk posts to /logout/ too
    return {None: client_as(None), "": client_as(""), **{r: client_as(r) for r in ROLES}}


# ---- the walk ------------------------------------------------------------------------------

def test_the_walk_finds_the_routes() -> None:
    """The walk sees the pages and the API (a walk that found nothing would prove nothing)."""
    names = {r.name for r in ROUTES}
    assert {"login", "logout", "home", "ward", "sources"} <= names, sorted(names)
    assert any(r.is_api for r in ROUTES), "no /api/v1 route found"


def test_every_view_declares_a_capability() -> None:
    """Each view (each ninja operation) declares the capability it needs with @requires; the
    failure lists those that do not, with the module that defines them."""
    missing = []
    for r in ROUTES:
        if r.name.split(":")[-1] in PUBLIC or r.name.split(":")[-1] in ANY_USER:
            continue
        for method, cap in r.capabilities.items():
            if cap is None:
                missing.append(f"/{r.template} [{method}] {r.name} in {r.modules[method]}")
    assert not missing, "views without a declared capability:\n" + "\n".join(missing)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.name}:{r.template}")
def test_route_refuses_anonymous_and_wrong_roles(route: Route, rows: dict[str, Any],
                                                 clients: dict[str | None, Any]) -> None:
    from hdil2.web.roles import CAPABILITIES, ROLES

    short = route.name.split(":")[-1]
    if short in PUBLIC:
        pytest.skip(f"public: {PUBLIC[short]}")
    url = concrete(route.template, rows)
    problems: list[str] = []
    for method in METHODS:
        if not _serves(route, method):
            # a ninja path without an operation for this method: 405 for everybody
            for who in (None, "", *ROLES):
                r = _request(clients[who], method, url)
                if r.status_code not in (401, 405) or (who is not None
                                                       and r.status_code != 405):
                    problems.append(f"{method} {url} as {who!r}: {r.status_code}, want 405")
            continue
        cap = _declared(route, method)
        undeclared = cap is None and short not in ANY_USER
        if undeclared:
            problems.append(f"{method} {url}: the view declares no capability (@requires)")
        statuses: dict[str | None, int] = {}
        for who in (None, "", *ROLES) if not undeclared else (None,):
            r = _request(clients[who], method, url)
            statuses[who] = r.status_code
            if r.status_code >= 500:
                problems.append(f"{method} {url} as {who!r}: {r.status_code}")
            if who is None:
                if route.is_api:
                    ok = r.status_code in (401, 405)
                else:
                    ok = r.status_code == 302 and r["Location"].startswith("/login/")
                if not ok:
                    problems.append(f"{method} {url} anonymous: {r.status_code} "
                                    f"{r.get('Location', '')}")
        allowed = [w for w in ROLES if cap is not None and w in CAPABILITIES[cap]]
        if short in ANY_USER:
            allowed = ["", *ROLES]
        # the method is not served at all when every allowed role gets 405
        unserved = bool(allowed) and all(statuses[w] == 405 for w in allowed)
        for who in ("", *ROLES) if not undeclared else ():
            status = statuses[who]
            if who in allowed:
                if status in (401, 403):
                    problems.append(f"{method} {url} as {who!r} (may {cap}): {status}")
            elif not (status == 403 or (unserved and status == 405)):
                problems.append(f"{method} {url} as {who!r} (may not {cap}): {status}, want "
                                "403")
    where = ", ".join(sorted(set(route.modules.values())))
    assert not problems, f"/{route.template} ({where}):\n" + "\n".join(problems)


def test_logout_needs_no_role(client_as: Callable[..., Any]) -> None:
    """A logged-in user without a role can still log out (POST, back to the login page)."""
    c = client_as("", username="norole-logout")
    r = c.post("/logout/")
    assert r.status_code == 302
    assert r["Location"].startswith("/login")
    assert c.get("/ward/").status_code == 302  # logged out: sent to the login page again


# ---- the two refusals the issue names ---------------------------------------------------------

def _routes_needing(cap: str) -> list[Route]:
    return [r for r in ROUTES if any(c == cap for c in r.capabilities.values())]


def test_a_viewer_cannot_record_a_dose(rows: dict[str, Any],
                                       clients: dict[str | None, Any]) -> None:
    """Recording a dose needs "record" (nurse, physician): the viewer is refused on every route
    that records, with nothing written."""
    from hdil2.registry.models import DoseSlot
    from hdil2.web.roles import can

    viewer = clients["viewer"]
    user = viewer.get("/ward/").wsgi_request.user
    assert not can(user, "record")
    before = list(DoseSlot.objects.order_by("pk").values_list("pk", "status", "version"))
    routes = _routes_needing("record")
    refused = 0
    for r in routes:
        url = concrete(r.template, rows)
        for method in [m for m in ("POST", "PUT", "PATCH") if _serves(r, m)
                       and _declared(r, m) == "record"]:
            resp = _request(viewer, method, url)
            # 405: a method the route does not take at all (refused before the role)
            assert resp.status_code in (403, 405), (method, url, resp.status_code)
            refused += resp.status_code == 403
    assert refused or not routes
    after = list(DoseSlot.objects.order_by("pk").values_list("pk", "status", "version"))
    assert after == before
    if not any("slot" in r.template or "dose" in r.template for r in routes):
        pytest.skip("no dose-recording route yet; the roles table still forbids it")


def test_a_nurse_cannot_plan_a_course(rows: dict[str, Any],
                                      clients: dict[str | None, Any]) -> None:
    """Planning a course needs "plan" (physician only): the nurse is refused on every route
    that plans, and no course is written."""
    from hdil2.registry.models import Course
    from hdil2.web.roles import can

    nurse = clients["nurse"]
    user = nurse.get("/ward/").wsgi_request.user
    assert can(user, "record")
    assert not can(user, "plan")
    before = Course.objects.count()
    routes = _routes_needing("plan")
    refused = 0
    for r in routes:
        url = concrete(r.template, rows)
        for method in [m for m in ("POST", "PUT", "PATCH") if _serves(r, m)
                       and _declared(r, m) == "plan"]:
            resp = _request(nurse, method, url)
            # 405: a method the route does not take at all (refused before the role)
            assert resp.status_code in (403, 405), (method, url, resp.status_code)
            refused += resp.status_code == 403
    assert refused or not routes
    assert Course.objects.count() == before
    if not any("course" in r.template for r in routes):
        pytest.skip("no course-planning route yet; the roles table still forbids it")
