"""CDISC ADaM export of the registry's records (see docs/adam.md).

* :mod:`~hdil2.interop.adam.spec` - each dataset's variables (name, label, type, order).
* :func:`build` - ADSL, ADRS, ADTTE and ADAE rows from plain patient records, through their
  SDTM rows (:mod:`hdil2.interop.sdtm`), with admiral's and admiralonco's conventions.
* :func:`write` - CSV or SAS transport (XPT version 5) files.
"""

from hdil2.interop.adam.build import build, dataset_codes
from hdil2.interop.adam.spec import DATASETS, AdamVariable, Dataset
from hdil2.interop.adam.write import csv_text, write

__all__ = ["DATASETS", "AdamVariable", "Dataset", "build", "csv_text", "dataset_codes",
           "write"]
