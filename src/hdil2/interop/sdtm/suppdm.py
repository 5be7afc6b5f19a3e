"""SUPPDM (Supplemental Qualifiers for DM): what the registry knows of a patient that DM has no
variable for, one row per value recorded (an empty value has no row).

``QNAM`` / ``QLABEL``: ``DISEASE`` Primary Cancer (``RENAL CELL CARCINOMA``, ``MELANOMA``),
``HISTOL`` Histology (the registry's histology in words, upper case), ``TNMED`` TNM Edition,
``TNMSTAGE`` TNM Stage Group, ``ECOG`` ECOG Performance Status (at registration). ``QORIG``
``COLLECTED``; ``IDVAR``/``IDVARVAL`` empty (the qualifier is of the subject's DM row).
"""

from __future__ import annotations

from typing import Any

from hdil2.interop.sdtm.common import Row, subject_id

DISEASES = {"rcc": "RENAL CELL CARCINOMA", "melanoma": "MELANOMA"}
QUALIFIERS = (("disease", "DISEASE", "Primary Cancer"), ("histology", "HISTOL", "Histology"),
              ("tnm_edition", "TNMED", "TNM Edition"),
              ("stage_group", "TNMSTAGE", "TNM Stage Group"),
              ("ecog", "ECOG", "ECOG Performance Status"))


def _text(field: str, value: Any) -> str:
    if field == "disease":
        return DISEASES.get(value, str(value).upper())
    if field == "histology":
        return str(value).replace("_", " ").upper()
    return str(value)


def rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The SUPPDM rows of one patient."""
    subj = subject_id(patient, study)
    out: list[Row] = []
    for field, qnam, qlabel in QUALIFIERS:
        value = patient.get(field)
        if value is None or value == "":
            continue
        out.append({"STUDYID": study, "RDOMAIN": "DM", "USUBJID": subj, "IDVAR": "",
                    "IDVARVAL": "", "QNAM": qnam, "QLABEL": qlabel,
                    "QVAL": _text(field, value), "QORIG": "COLLECTED", "QEVAL": ""})
    return out
