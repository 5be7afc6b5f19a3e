"""Security of the web application (issue 14, Build 3), each measure proved by a request:
argon2 hashing, ``manage.py check --deploy`` clean in the production settings, Secure and
HttpOnly cookies, CSRF on every unsafe request, login throttling (django-axes), the security
headers (CSP without inline script or style, HSTS, nosniff, Referrer-Policy, frame denial),
templates free of inline script, style and event handlers, error pages of the app's own, and
no asset loaded from another site."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from web.conftest import PASSWORD

WEB = Path(__file__).resolve().parents[2] / "src" / "hdil2" / "web"
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view: secret detail 12345")


# this module is also a URL configuration: the application's routes plus a view that raises
urlpatterns = [path("boom/", _boom), path("", include("hdil2.web.urls"))]
handler400 = "hdil2.web.views.errors.bad_request"
handler403 = "hdil2.web.views.errors.forbidden"
handler404 = "hdil2.web.views.errors.not_found"
handler500 = "hdil2.web.views.errors.server_error"


def _login(client: Any, username: str, password: str, **extra: Any) -> Any:
    return client.post("/login/", {"username": username, "password": password}, **extra)


# ---- passwords --------------------------------------------------------------------------------

def test_a_created_user_is_hashed_with_argon2(make_user: Callable[..., Any]) -> None:
    user = make_user("nurse", "argon-nurse")
    assert user.password.startswith("argon2$argon2id$"), user.password[:20]
    assert user.check_password(PASSWORD)


# ---- Django's deployment checklist -----------------------------------------------------------

def test_check_deploy_is_clean_in_production_settings(tmp_path: Path) -> None:
    """``manage.py check --deploy`` with the production settings as ``hdil2 serve`` gives them
    to gunicorn (HTTPS redirect on, a 50-character secret key): no issue at all."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HDIL2_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="hdil2.web.settings",
               HDIL2_SECRET_KEY="s3cr3t-" + "Zq9!xW2#" * 5 + "abc",
               HDIL2_REGISTRY=str(tmp_path / "registry.sqlite3"))
    assert len(env["HDIL2_SECRET_KEY"]) == 50
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy",
                           "--fail-level", "DEBUG"], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout, done.stdout


# ---- cookies ---------------------------------------------------------------------------------

def test_session_and_csrf_cookies_are_secure_and_httponly(make_user: Callable[..., Any]) -> None:
    """Logging in through the form over HTTPS sets both cookies Secure and HttpOnly."""
    from django.test import Client

    make_user("nurse", "cookie-nurse")
    c = Client(enforce_csrf_checks=True)
    page = c.get("/login/", secure=True)
    assert page.status_code == 200
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    r = c.post("/login/", {"username": "cookie-nurse", "password": PASSWORD,
                           "csrfmiddlewaretoken": csrf.value}, secure=True,
               headers={"Referer": "https://testserver/login/"})  # HTTPS: Referer checked
    assert r.status_code == 302, r.content[:300]
    session = r.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert "Secure" in r.cookies.output()


# ---- CSRF --------------------------------------------------------------------------------------

def test_login_without_csrf_token_is_refused(make_user: Callable[..., Any]) -> None:
    """The login form posted without its token: the app's 403 page, nobody logged in; with
    the token it passes."""
    from django.test import Client

    make_user("nurse", "csrf-nurse")
    c = Client(enforce_csrf_checks=True)
    r = _login(c, "csrf-nurse", PASSWORD)
    assert r.status_code == 403
    assert b"Form expired" in r.content
    assert "sessionid" not in r.cookies
    token = c.get("/login/").cookies["csrftoken"].value
    r = c.post("/login/", {"username": "csrf-nurse", "password": PASSWORD,
                           "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    assert c.get("/ward/").status_code == 200


def _unsafe_routes() -> list[str]:
    from web.test_routes import ROUTES, concrete

    ids = {"patient": 1, "registry_id": "x"}
    return sorted({concrete(r.template, ids) for r in ROUTES if r.name != "login"})


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_requests_without_csrf_token_write_nothing(
        method: str, client_as: Callable[..., Any]) -> None:
    """A logged-in user holding every role posting
    to every route without the CSRF token: refused with 403 or 405 on each, nothing written."""
    from hdil2.registry import demo
    from hdil2.registry.models import Patient
    from registry.helpers import dump

    if not Patient.objects.filter(registry_id__startswith="demo15-").exists():
        demo.load(15, 3)
    c = client_as("physician", csrf=True, username="csrf-physician")
    from django.contrib.auth.models import Group

    user = c.get("/ward/").wsgi_request.user
    user.groups.add(*Group.objects.all())  # every role: only CSRF can refuse
    before = dump()
    bad = []
    for url in _unsafe_routes():
        r = getattr(c, method)(url, {"x": "1"})
        if r.status_code not in (403, 405):
            bad.append(f"{method.upper()} {url}: {r.status_code}")
    after = dump()
    changed = [t for t in before if before[t] != after.get(t)
               and t not in ("django_session", "axes_accessattempt", "axes_accesslog")]
    assert not bad, "\n".join(bad)
    assert not changed, changed


# ---- login throttling ----------------------------------------------------------------------

def test_five_wrong_passwords_lock_the_user_name_from_that_address(
        make_user: Callable[..., Any]) -> None:
    """django-axes: after 5 failures for one user name from one address, the 6th attempt -
    with the right password - gets the locked page and no session; another address is not
    locked."""
    from django.test import Client

    make_user("nurse", "locked-nurse")
    c = Client()
    for _ in range(5):
        r = _login(c, "locked-nurse", "wrong password 123", REMOTE_ADDR="10.1.2.3")
        assert r.status_code in (200, 429)
        assert "sessionid" not in r.cookies
    r = _login(c, "locked-nurse", PASSWORD, REMOTE_ADDR="10.1.2.3")
    assert r.status_code == 429
    assert b"Too many failed logins" in r.content
    assert "sessionid" not in r.cookies
    assert c.get("/ward/").status_code == 302  # not logged in
    other = Client()
    r = _login(other, "locked-nurse", PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert r.status_code == 302
    assert other.get("/ward/").status_code == 200


def test_four_wrong_passwords_do_not_lock(make_user: Callable[..., Any]) -> None:
    from django.test import Client

    make_user("nurse", "unlucky-nurse")
    c = Client()
    for _ in range(4):
        assert _login(c, "unlucky-nurse", "wrong password 123",
                      REMOTE_ADDR="10.4.4.4").status_code == 200
    assert _login(c, "unlucky-nurse", PASSWORD, REMOTE_ADDR="10.4.4.4").status_code == 302


# ---- headers ---------------------------------------------------------------------------------

def _csp(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("url", ["/login/", "/ward/", "/sources/"])
def test_security_headers(url: str, client_as: Callable[..., Any]) -> None:
    r = client_as(None if url == "/login/" else "viewer").get(url, secure=True)
    assert r.status_code == 200
    csp = _csp(r)
    for directive in ("script-src", "style-src"):
        sources = csp.get(directive, csp.get("default-src"))
        assert sources, directive
        assert "'unsafe-inline'" not in sources
        assert "'unsafe-eval'" not in sources
        assert not [s for s in sources if s.startswith(("http", "*", "data:"))], sources
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["X-Frame-Options"] == "DENY"
    hsts = r["Strict-Transport-Security"]
    assert re.search(r"max-age=(\d+)", hsts)
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31_536_000  # type: ignore[union-attr]


def test_no_hsts_over_plain_http(client_as: Callable[..., Any]) -> None:
    """HSTS is sent on HTTPS responses only (a browser ignores it over HTTP anyway)."""
    r = client_as("viewer").get("/ward/")
    assert "Strict-Transport-Security" not in r


# ---- templates ----------------------------------------------------------------------------

INLINE = {
    "inline <script> with a body": re.compile(r"<script\b[^>]*>\s*[^<\s]", re.I),
    "style= attribute": re.compile(r"""\sstyle\s*=""", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "on*= event handler": re.compile(r"""\son[a-z]+\s*=\s*["'{]""", re.I),
    "hx-on attribute": re.compile(r"\b(?:data-)?hx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def _templates() -> list[Path]:
    found = sorted(TEMPLATES.rglob("*.html"))
    assert len(found) >= 5
    return found


def test_no_template_has_inline_script_style_or_handlers() -> None:
    """The CSP forbids inline script and style; a template that had them would break under
    it. The grep fails with the file, line and kind of each."""
    bad = []
    for f in _templates():
        for n, line in enumerate(f.read_text().splitlines(), 1):
            for what, pattern in INLINE.items():
                if pattern.search(line):
                    bad.append(f"{f.relative_to(WEB)}:{n}: {what}: {line.strip()[:100]}")
    assert not bad, "\n".join(bad)


def test_the_inline_grep_catches_each_kind() -> None:
    """Each pattern of the grep finds its kind (a grep that can never match proves nothing)."""
    samples = {
        "inline <script> with a body": "<script>alert(1)</script>",
        "style= attribute": '<p style="color:red">',
        "<style> element": "<style>p{}</style>",
        "on*= event handler": '<button onclick="x()">',
        "hx-on attribute": '<div hx-on:click="x">',
        "javascript: URL": '<a href="javascript:x()">',
    }
    for what, text in samples.items():
        assert INLINE[what].search(text), what
    assert not INLINE["inline <script> with a body"].search(
        '<script src="/static/hdil2/htmx-2.0.11.min.js" defer></script>')
    assert not INLINE["on*= event handler"].search('<a href="x" data-confirm="y">')


# ---- error pages ------------------------------------------------------------------------------

def _is_app_page(r: Any) -> None:
    body = r.content.decode()
    assert "<!doctype html>" in body.lower()
    assert "hdil2" in body
    assert "Traceback" not in body
    assert "secret detail 12345" not in body
    assert "File &quot;" not in body


def test_404_is_the_apps_page(client_as: Callable[..., Any]) -> None:
    r = client_as("viewer").get("/no/such/page/")
    assert r.status_code == 404
    _is_app_page(r)
    assert "Not found" in r.content.decode()


def test_403_is_the_apps_page(client_as: Callable[..., Any]) -> None:
    r = client_as("").get("/ward/")
    assert r.status_code == 403
    _is_app_page(r)
    assert "Not allowed" in r.content.decode()


def test_500_is_the_apps_page_never_a_traceback(make_user: Callable[..., Any]) -> None:
    """A view that raises: the app's 500 page, no traceback, no exception text."""
    from django.test import Client, override_settings

    with override_settings(ROOT_URLCONF=__name__):
        c = Client(raise_request_exception=False)
        c.force_login(make_user("viewer"))
        r = c.get("/boom/")
    assert r.status_code == 500
    _is_app_page(r)
    assert "Something went wrong" in r.content.decode()


def test_api_errors_are_json(client_as: Callable[..., Any]) -> None:
    r = client_as("viewer").get("/api/v1/no-such-route")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert "Traceback" not in r.content.decode()


# ---- no asset from another site ----------------------------------------------------------

_REMOTE = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.I)


def test_no_cdn_url_in_templates_or_static_files() -> None:
    """Templates and static files load nothing from another site: no http(s):// or
    protocol-relative URL (the vendored htmx has none either, outside its own comments)."""
    bad = []
    for f in [*_templates(), *sorted(STATIC.rglob("*"))]:
        if not f.is_file():
            continue
        text = f.read_text(errors="replace")
        if f.suffix == ".js":
            text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # its own comments
        for m in _REMOTE.finditer(text):
            bad.append(f"{f.relative_to(WEB)}: {text[max(0, m.start() - 30):m.end() + 20]!r}")
    assert not bad, "\n".join(bad)
    assert _REMOTE.search('<script src="https://unpkg.com/htmx.org"></script>')
    assert _REMOTE.search('<link href="//cdn.example.org/x.css">')


def test_static_files_are_served_to_anyone_with_a_long_cache() -> None:
    """WhiteNoise serves the app's CSS and the vendored htmx without a login."""
    from django.test import Client

    for name in ("hdil2/hdil2.css", "hdil2/htmx-2.0.11.min.js"):
        r = Client().get(f"/static/{name}")
        assert r.status_code == 200, name
        body = b"".join(r.streaming_content) if r.streaming else r.content
        assert body == (STATIC / name).read_bytes()
