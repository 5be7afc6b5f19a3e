"""Django settings of the web application, built from the environment.

``DJANGO_SETTINGS_MODULE=hdil2.web.settings`` (what ``hdil2 serve`` gives gunicorn) evaluates
:func:`build` at import; :func:`hdil2.web.setup.configure` passes the same dictionary to
``settings.configure`` in-process (the command line, the tests).

Production by default. ``HDIL2_WEB_DEBUG=1`` turns on Django's debug mode (local development
only: detailed error pages, cookies without ``Secure``, no HSTS).

=========================  ==========================================================
variable                   meaning
=========================  ==========================================================
``HDIL2_DATABASE_URL`` /   the registry database, as for every registry command
``HDIL2_REGISTRY``         (:mod:`hdil2.registry.conf`)
``HDIL2_SECRET_KEY``       Django's secret key; if unset, a random key is created once in
                           ``secret_key`` in the user's data directory (mode 0600)
``HDIL2_ALLOWED_HOSTS``    host names served, comma-separated (default
                           ``127.0.0.1,localhost``)
``HDIL2_SSL_REDIRECT``     ``0`` to serve plain HTTP (``hdil2 serve`` on the loopback
                           interface); default ``1``: HTTP requests redirected to HTTPS
``HDIL2_BEHIND_PROXY``     ``1`` when a TLS-terminating proxy sets ``X-Forwarded-Proto``
``HDIL2_WEB_DEBUG``        ``1``: development mode
=========================  ==========================================================

Security (Django's deployment checklist; ``manage.py check --deploy`` is clean): argon2 password
hashing; session and CSRF cookies ``Secure`` and ``HttpOnly`` outside debug; CSRF on every form
and htmx request (the token travels in the ``X-CSRFToken`` header htmx sends); login throttled by
django-axes (5 failures for a user name from one address lock it for 15 minutes); a Content
Security Policy without inline script or style (django-csp); HSTS outside debug;
``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``, ``X-Frame-Options: DENY``.
Every page needs a logged-in user (``LoginRequiredMiddleware``) and a role
(:mod:`hdil2.web.roles`).
"""

from __future__ import annotations

import os
import secrets
from typing import Any

ENV_SECRET = "HDIL2_SECRET_KEY"
ENV_HOSTS = "HDIL2_ALLOWED_HOSTS"
ENV_DEBUG = "HDIL2_WEB_DEBUG"
ENV_SSL_REDIRECT = "HDIL2_SSL_REDIRECT"
ENV_PROXY = "HDIL2_BEHIND_PROXY"

#: seconds a login lasts without activity: one 12-hour ward shift
SESSION_SECONDS = 12 * 3600
#: seconds browsers keep a static file whose name does not carry a version: one day
STATIC_MAX_AGE = 24 * 3600
#: a static file whose name carries its version (``htmx-2.0.11.min.js``): immutable
VERSIONED_FILE = r"-\d+\.\d+\.\d+(?:\.min)?\.(?:js|css)$"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    from hdil2.core.errors import InputError

    raise InputError(name, "1 or 0 (true or false)", value)


def secret_key() -> str:
    """``HDIL2_SECRET_KEY``, else the key kept in ``secret_key`` in the user's data directory
    (created with 50 random bytes, readable by its owner only, on first use)."""
    key = os.environ.get(ENV_SECRET, "").strip()
    if key:
        return key
    from platformdirs import user_data_path

    path = user_data_path("hdil2", appauthor=False) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def build(db: dict[str, Any] | None = None, *, debug: bool | None = None) -> dict[str, Any]:
    """The settings dictionary (upper-case names) for database ``db`` (default: the registry's
    database from the environment, as every registry command chooses it)."""
    from hdil2.registry.conf import INSTALLED_APPS, database_settings

    if debug is None:
        debug = _flag(ENV_DEBUG, False)
    if db is None:
        db = database_settings()
    hosts = [h.strip() for h in os.environ.get(ENV_HOSTS, "127.0.0.1,localhost").split(",")
             if h.strip()]
    secure = not debug
    return {
        "DEBUG": debug,
        "SECRET_KEY": secret_key(),
        "ALLOWED_HOSTS": hosts,
        "INSTALLED_APPS": [
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            *INSTALLED_APPS,
            "ninja",
            "django_htmx",
            "axes",
            "csp",
            "hdil2.web",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.auth.middleware.LoginRequiredMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "csp.middleware.CSPMiddleware",
            "django_htmx.middleware.HtmxMiddleware",
            "simple_history.middleware.HistoryRequestMiddleware",
            "axes.middleware.AxesMiddleware",
        ],
        "ROOT_URLCONF": "hdil2.web.urls",
        "WSGI_APPLICATION": "hdil2.web.wsgi.application",
        "TEMPLATES": [{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hdil2.web.roles.context",
            ]},
        }],
        "DATABASES": {"default": db},
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "USE_I18N": False,
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "SIMPLE_HISTORY_HISTORY_ID_USE_UUID": False,
        "LOGIN_URL": "login",
        "LOGIN_REDIRECT_URL": "ward",
        "LOGOUT_REDIRECT_URL": "login",
        "STATIC_URL": "/static/",
        # WhiteNoise serves the apps' static files where they lie: no collectstatic step
        "STATIC_ROOT": None,
        "WHITENOISE_USE_FINDERS": True,
        "WHITENOISE_AUTOREFRESH": debug,
        # a file whose name carries its version (htmx-2.0.11.min.js) never changes: cached for
        # good; the app's own CSS for a day (its name stays the same across releases)
        "WHITENOISE_MAX_AGE": 0 if debug else STATIC_MAX_AGE,
        "WHITENOISE_IMMUTABLE_FILE_TEST": VERSIONED_FILE,
        "PASSWORD_HASHERS": [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ],
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
             "OPTIONS": {"min_length": 10}},
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
        ],
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": 0.25,  # hours
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_VERBOSE": False,
        "AXES_LOCKOUT_TEMPLATE": "registration/locked_out.html",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": SESSION_SECONDS,
        "SESSION_SAVE_EVERY_REQUEST": True,
        "CSRF_COOKIE_SECURE": secure,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_FAILURE_VIEW": "hdil2.web.views.errors.csrf_failure",
        "SECURE_SSL_REDIRECT": secure and _flag(ENV_SSL_REDIRECT, True),
        "SECURE_PROXY_SSL_HEADER": (("HTTP_X_FORWARDED_PROTO", "https")
                                    if _flag(ENV_PROXY, False) else None),
        "SECURE_HSTS_SECONDS": 31_536_000 if secure else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": secure,
        "SECURE_HSTS_PRELOAD": secure,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "CONTENT_SECURITY_POLICY": {"DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'none'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'"],
        }},
        "NINJA_PAGINATION_PER_PAGE": 100,
        "LOGGING_CONFIG": None,
        "MESSAGE_STORAGE": "django.contrib.messages.storage.session.SessionStorage",
    }


if os.environ.get("DJANGO_SETTINGS_MODULE") == __name__:
    globals().update(build())
