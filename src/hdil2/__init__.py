"""hdil2: clinical decision support and outcomes analysis for high-dose interleukin-2.

The clinical core (:mod:`hdil2.core`, :mod:`hdil2.clinical`) is pure Python over
``decimal``/``fractions`` and pydantic; statistics live in :mod:`hdil2.stats`.
"""

__version__ = "0.1.0"
