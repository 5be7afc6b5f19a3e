"""Build the ADaM datasets from the registry's records (the plain patient dicts of
:func:`hdil2.interop.sdtm.build`), the way admiral builds them from SDTM: each patient's SDTM
rows (DM, SUPPDM, AE, RS) are built first with :mod:`hdil2.interop.sdtm`, then ADSL from DM,
SUPPDM and the doses given, ADAE from AE and ADSL, ADRS from RS and ADSL, ADTTE from ADSL and
ADRS.

Besides the keys SDTM reads, a patient's ``followups`` may carry ``progression_on``,
``last_known_alive`` and ``contact_on`` (ADSL ``PDDT`` and ``LSTALVDT``).

:func:`build` answers each requested dataset's rows (dicts keyed by the dataset's variables in
the order of :mod:`hdil2.interop.adam.spec`), patients in code order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hdil2.core.errors import InputError
from hdil2.interop.adam import adae, adrs, adsl, adtte
from hdil2.interop.adam.common import Row
from hdil2.interop.adam.spec import DATASETS
from hdil2.interop.sdtm import ae, rs
from hdil2.interop.sdtm.build import STUDY_ID
from hdil2.interop.sdtm.common import sequence


def dataset_codes(raw: str | Sequence[str] | None) -> tuple[str, ...]:
    """The datasets asked for (``"ADSL,ADRS"`` or a list; ``None`` → all), refused when
    unknown."""
    if raw is None:
        return tuple(DATASETS)
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    codes = tuple(dict.fromkeys(str(i).strip().upper() for i in items if str(i).strip()))
    unknown = [c for c in codes if c not in DATASETS]
    if unknown or not codes:
        raise InputError("datasets", "one or more of " + ", ".join(DATASETS), raw)
    return codes


def has_targets(patient: dict[str, Any]) -> bool:
    """Whether the patient has a target lesion (or no lesions recorded at all): a patient
    with non-target disease only has NON-CR/NON-PD as its stable category."""
    kinds = {les.get("kind") for les in patient.get("lesions", ())} - {"new"}
    return not kinds or "target" in kinds


def patient_rows(patient: dict[str, Any], study: str,
                 codes: Sequence[str]) -> dict[str, list[Row]]:
    """Each requested dataset's rows of one patient."""
    subject = adsl.row(patient, study)
    out: dict[str, list[Row]] = {"ADSL": [subject]}
    if "ADAE" in codes:
        out["ADAE"] = adae.rows(subject, sequence(ae.rows(patient, study), "AE"))
    if "ADRS" in codes or "ADTTE" in codes:
        responses = adrs.rows(subject, sequence(rs.rows(patient, study), "RS"),
                              has_targets=has_targets(patient))
        out["ADRS"] = responses
        out["ADTTE"] = adtte.rows(subject, responses)
    return out


def build(patients: Iterable[dict[str, Any]], *, study: str = STUDY_ID,
          datasets: Sequence[str] | None = None) -> dict[str, list[Row]]:
    """Each requested dataset's rows, in the spec's variable order."""
    if not isinstance(study, str) or not study.strip() or len(study) > 200:
        raise InputError("study", "a study identifier (1-200 characters)", study)
    codes = dataset_codes(datasets)
    out: dict[str, list[Row]] = {c: [] for c in codes}
    for p in sorted(patients, key=lambda p: p["code"]):
        rows = patient_rows(p, study, codes)
        for c in codes:
            out[c].extend(rows[c])
    for c in codes:
        names = DATASETS[c].names
        out[c] = [{n: r.get(n) for n in names} for r in out[c]]
    return out
