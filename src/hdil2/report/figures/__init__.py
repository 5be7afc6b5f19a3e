"""The figures of a report, each a function of plain arrays or DataFrames returning a
:class:`matplotlib.figure.Figure` drawn in :mod:`hdil2.report.style`.

Every artist that carries data has a ``gid`` naming it (e.g. ``km:rcc`` for a curve,
``at-risk:rcc:365`` for a number at risk), so tests and the web app can read back exactly what
was drawn.
"""
