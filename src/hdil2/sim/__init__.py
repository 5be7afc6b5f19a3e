"""In-silico IL-2 trials: virtual patients calibrated to the papers, course and selection
policies, Simon and randomized designs with their operating characteristics.

* :mod:`~hdil2.sim.engine` — the unit of randomness (a block of simulated trials or patients
  with its own random stream), chunks of blocks run in this process or on a Dask cluster, and
  the same result whatever the chunking or the number of workers.
* :mod:`~hdil2.sim.cluster` — the same run on a Dask cluster (a ``LocalCluster`` or a
  scheduler's address), chunks as tasks, identical numbers.
* :mod:`~hdil2.sim.model` — the virtual HD IL-2 patient as data with sources (``lee2000``
  Tables 3-5, selection groups, survival), every parameter overridable.
* :mod:`~hdil2.sim.cohort` — a cohort under a course policy (``lee2000``, ``lee2000-rule``,
  ``fixed:K``, ``stop-after-nr``, ``consolidate:C``).
* :mod:`~hdil2.sim.trials` — Simon two-stage, two-arm binary and two-arm time-to-event trials
  (accrual, drop-out, Lan-DeMets interims), each operating characteristic with its Monte Carlo
  standard error.

Everything here is vectorized: a block is simulated with NumPy arrays, never with a Python
loop per patient or per trial.
"""
