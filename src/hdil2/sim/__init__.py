"""In-silico IL-2 trials: virtual patients calibrated to the papers, course and selection
policies, Simon and randomized designs with their operating characteristics.

* :mod:`~hdil2.sim.engine` — the unit of randomness (a block of simulated trials or patients
  with its own random stream), chunks of blocks run in this process or on a Dask cluster, and
  the same result whatever the chunking or the number of workers.

Everything here is vectorized: a block is simulated with NumPy arrays, never with a Python
loop per patient or per trial.
"""
