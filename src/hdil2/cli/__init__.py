"""The ``hdil2`` command line: every clinical rule and analysis, JSON in and out.

Each area registers its commands from its own module (``treatment``, ``holds``, ``toxicity``,
``selection``, ``response``, ``stats``, ``schema``, ``sources``, ``demo``; the table is
:data:`hdil2.cli.app.AREA_COMMANDS`).  Modules import only typer and the standard library at
the top so that a clinical command starts at once, and load their rules inside the command body.
"""
