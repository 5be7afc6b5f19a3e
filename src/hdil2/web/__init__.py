"""The web application of the IL-2 team: ward board, course and dose calendar, observations and
toxicity entry, scans and response, cohort dashboard, design forms, and the JSON API under
``/api/v1``.

Django templates with htmx (vendored, no JavaScript build step); django-ninja for the API. Every
page and route dispatches through the registry's use cases (:mod:`hdil2.registry.services`) or
the application layer (:func:`hdil2.app.run`), so the ward sees the same Decision — value,
reasons, sources — as the command line. Access is by role (:mod:`hdil2.web.roles`); nothing is
served to an anonymous user but the login page and static files.

==========================  =====================================================
module                      what it holds
==========================  =====================================================
``settings``                Django settings (``DJANGO_SETTINGS_MODULE=hdil2.web.settings``)
``setup``                   configure Django in-process (CLI, tests) and migrate
``roles``                   roles, what each may do, the view decorator
``models``                  API tokens (stored hashed)
``views``                   the pages, a module per page
``api``                     the JSON API (django-ninja)
``server``                  ``hdil2 serve``: gunicorn on the registry, demo logins
==========================  =====================================================
"""
