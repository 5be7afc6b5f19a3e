"""The WSGI application gunicorn serves (``hdil2.web.wsgi:application``)."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdil2.web.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
