"""The registry: every patient, course, dose, hold, toxicity, scan and outcome in a database.

A Django app (label ``registry``) over SQLite by default and PostgreSQL through
``HDIL2_DATABASE_URL``. Nothing below this layer imports Django. Importing this package does
not import Django either: call :func:`hdil2.registry.conf.configure` first, then import
:mod:`hdil2.registry.models`. See ``docs/registry.md``.
"""
