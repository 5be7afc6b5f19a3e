"""Packaged data files of the clinical layer (read with :mod:`importlib.resources`).

* ``demo_patient.json`` — a fictional patient with metastatic clear-cell RCC who is suitable
  for HD IL-2; it validates against :class:`hdil2.clinical.selection.patient.Patient`.  Used by
  ``hdil2 demo`` and the documentation examples.
"""
