"""DS (Disposition): one row per course that has ended, the course named in ``DSSPID``.

``DSCAT`` ``DISPOSITION EVENT``; ``DSSTDTC`` the course's last day. ``DSDECOD`` from the
registry's discontinuation reason (the categories of Lee et al. 2000, ``lee2000``, Table 5)
into CDISC controlled terminology (codelist NCOMPLT): progressive disease → ``PROGRESSIVE
DISEASE``, IL-2 toxicity → ``ADVERSE EVENT``, death → ``DEATH``, complete response and other →
``OTHER``; a course completed without one → ``COMPLETED``. ``DSTERM`` keeps the registry's
words (and detail), so the category survives a round trip (:func:`read_term`).

The patient's other disposition events (``dispositions``: e.g. an imported study's
``RANDOMIZED`` or ``COMPLETED`` milestones) follow, by date, with ``DSSPID`` empty and
``DSCAT``, ``DSTERM``, ``DSDECOD`` and ``DSSTDTC`` as recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hdil2.interop.sdtm.common import Row, iso_date, subject_id

DECODES = {
    "progressive_disease": ("PROGRESSIVE DISEASE", "PROGRESSIVE DISEASE"),
    "il2_toxicity": ("IL-2 TOXICITY", "ADVERSE EVENT"),
    "complete_response": ("COMPLETE RESPONSE", "OTHER"),
    "death": ("DEATH", "DEATH"),
    "other": ("OTHER", "OTHER"),
    "": ("COMPLETED", "COMPLETED"),
}


def read_term(text: str) -> tuple[str, str] | None:
    """The discontinuation reason (``""`` for a course completed) and detail of a course's
    ``DSTERM`` as :func:`rows` writes it; ``None`` when it is not one."""
    for reason, (term, _) in DECODES.items():
        if text == term:
            return reason, ""
        if text.startswith(f"{term}: "):
            return reason, text[len(term) + 2:]
    return None


def _disposition_key(d: dict[str, Any]) -> tuple[Any, ...]:
    date = d.get("date")
    return (date is None, date or dt.date.min, d.get("category") or "", d.get("term") or "",
            d.get("decod") or "")


def rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The DS rows of one patient: each completed or discontinued course."""
    subj = subject_id(patient, study)
    out: list[Row] = []
    for c in sorted(patient.get("courses", ()), key=lambda c: c["number"]):
        if c["status"] not in ("completed", "discontinued"):
            continue
        term, decod = DECODES[c.get("discontinuation_reason") or ""]
        detail = c.get("discontinuation_detail") or ""
        out.append({
            "STUDYID": study, "DOMAIN": "DS", "USUBJID": subj,
            "DSSPID": f"COURSE {c['number']}",
            "DSTERM": f"{term}: {detail}" if detail else term, "DSDECOD": decod,
            "DSCAT": "DISPOSITION EVENT", "DSSTDTC": iso_date(c.get("ended_on"), "ended_on")})
    for d in sorted(patient.get("dispositions") or (), key=_disposition_key):
        out.append({
            "STUDYID": study, "DOMAIN": "DS", "USUBJID": subj, "DSSPID": "",
            "DSTERM": d.get("term") or "", "DSDECOD": d.get("decod") or "",
            "DSCAT": d.get("category") or "", "DSSTDTC": iso_date(d.get("date"), "date")})
    return out
