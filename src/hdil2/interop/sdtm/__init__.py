"""CDISC SDTM export and import of the registry's records (see docs/interchange.md).

* :mod:`~hdil2.interop.sdtm.spec` — each domain's variables (name, label, type, length, order).
* :func:`build` — the rows of each domain from plain patient records.
* :func:`write` — CSV or SAS transport (XPT version 5) files.
* :func:`read_datasets` and :func:`parse` (:mod:`~hdil2.interop.sdtm.read`) — SDTM files back
  into patient records, or :class:`ImportRefused` with every problem found.
"""

from hdil2.interop.sdtm.build import STUDY_ID, build, domain_codes
from hdil2.interop.sdtm.read import ImportRefused, Problem, parse, read_datasets
from hdil2.interop.sdtm.spec import DOMAINS, Domain, Variable
from hdil2.interop.sdtm.write import csv_text, write

__all__ = ["DOMAINS", "STUDY_ID", "Domain", "ImportRefused", "Problem", "Variable", "build",
           "csv_text", "domain_codes", "parse", "read_datasets", "write"]
