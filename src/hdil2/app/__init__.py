"""The application layer: every operation hdil2 offers, in one catalogue for every caller.

``hdil2.app.run("dose", {"regimen": "hd-il2-600k", "weight": "70 kg"})`` validates the request
(errors name the field), applies the site profile, runs the clinical rule and returns its result;
``operation(name).input_schema()`` / ``.output_schema()`` give the JSON Schemas.  The CLI, the
JSON API, the registry's use cases and batch mode all dispatch through here
(docs/architecture.md).

At the label's 600,000 IU/kg, a 70 kg patient gets 42,000,000 IU per dose, drawn from two
vials:

    >>> from hdil2 import app
    >>> plan = app.run("dose", {"regimen": "hd-il2-600k", "weight": "70 kg"})
    >>> plan.il2.dose_iu, plan.il2.preparation.vials
    (Decimal('42000000'), 2)
    >>> app.operation("dose").output_schema()["title"]
    'dose (output)'
    >>> app.run("dose", {"regimen": "hd-il2-600k", "weight": 70})
    Traceback (most recent call last):
    ...
    hdil2.core.errors.InputError: weight: a unit is required: ...
"""

from hdil2.app.catalogue import AREAS, names, operation, operations, run
from hdil2.app.operation import Operation
from hdil2.app.profile import DEFAULT_PROFILE, SiteProfile, load_profile

__all__ = ["AREAS", "DEFAULT_PROFILE", "Operation", "SiteProfile", "load_profile", "names",
           "operation", "operations", "run"]
