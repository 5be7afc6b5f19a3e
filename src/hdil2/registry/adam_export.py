"""ADaM export of the registry: the registry side of :mod:`hdil2.interop.adam`.

:func:`export_adam` reads the registry with :func:`hdil2.registry.interchange.patient_records`
(voided rows left out), adds to each patient's follow-ups what ADSL needs beyond SDTM (the
progression date and the last date known alive), builds the ADaM datasets and writes them as
CSV or SAS transport files (docs/adam.md). Call :func:`hdil2.registry.conf.configure` (or
:func:`hdil2.registry.maintenance.setup`) first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Step = Callable[[int, int], None]

#: the follow-up fields ADSL reads beyond the records' ``death_on``
FOLLOWUP_FIELDS = ("death_on", "progression_on", "last_known_alive", "contact_on")


def adam_records(code_prefix: str | None = None) -> list[dict[str, Any]]:
    """The registry's patient records (:func:`~hdil2.registry.interchange.patient_records`),
    each follow-up with its death and progression dates, last date known alive and contact
    date (in the order the follow-ups were recorded)."""
    from hdil2.registry import interchange
    from hdil2.registry import models as m

    records = interchange.patient_records(code_prefix)
    by_code = {r["code"]: r for r in records}
    followups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = (m.FollowUp.objects.active()
            .filter(patient__registry_id__in=m.Patient.objects.active()
                    .filter(registry_id__startswith=code_prefix or "")
                    .values("registry_id"))
            .values("patient__registry_id", *FOLLOWUP_FIELDS).order_by("id"))
    for f in rows:
        code = f.pop("patient__registry_id")
        if code in by_code:
            followups[code].append(f)
    for code, rec in by_code.items():
        rec["followups"] = followups.get(code, [])
    return records


def export_adam(out_dir: str | Path, *, fmt: str = "csv", datasets: Sequence[str] | None = None,
                study: str | None = None, code_prefix: str | None = None,
                step: Step | None = None) -> dict[str, Any]:
    """Export the registry as ADaM datasets into ``out_dir``; answer what was written (each
    dataset's file and row count). Every dataset is checked before the first file is written;
    ``step(done, total)`` reports the datasets written."""
    from hdil2.core.errors import InputError
    from hdil2.interop import adam
    from hdil2.interop.adam.write import check_datasets
    from hdil2.interop.sdtm import STUDY_ID

    if fmt not in ("csv", "xpt"):
        raise InputError("format", "csv or xpt", fmt)
    codes = adam.dataset_codes(datasets)
    records = adam_records(code_prefix)
    built = adam.build(records, study=study or STUDY_ID, datasets=codes)
    check_datasets(built, fmt)
    files: dict[str, Any] = {}
    for i, code in enumerate(codes, start=1):
        (path,) = adam.write({code: built[code]}, out_dir, fmt,  # type: ignore[arg-type]
                             checked=True)
        files[code] = {"file": str(path), "rows": len(built[code])}
        if step:
            step(i, len(codes))
    return {"format": fmt, "study": study or STUDY_ID, "patients": len(records),
            "out": str(out_dir), "datasets": files}
