"""DS (Disposition): one row per course that has ended, the course named in ``DSSPID``.

``DSCAT`` ``DISPOSITION EVENT``; ``DSSTDTC`` the course's last day. ``DSDECOD`` from the
registry's discontinuation reason (the categories of Lee et al. 2000, ``lee2000``, Table 5)
into CDISC controlled terminology (codelist NCOMPLT): progressive disease → ``PROGRESSIVE
DISEASE``, IL-2 toxicity → ``ADVERSE EVENT``, death → ``DEATH``, complete response and other →
``OTHER``; a course completed without one → ``COMPLETED``. ``DSTERM`` keeps the registry's
words (and detail), so the category survives a round trip.
"""

from __future__ import annotations

from typing import Any

from hdil2.interop.sdtm.common import Row, iso_date, usubjid

DECODES = {
    "progressive_disease": ("PROGRESSIVE DISEASE", "PROGRESSIVE DISEASE"),
    "il2_toxicity": ("IL-2 TOXICITY", "ADVERSE EVENT"),
    "complete_response": ("COMPLETE RESPONSE", "OTHER"),
    "death": ("DEATH", "DEATH"),
    "other": ("OTHER", "OTHER"),
    "": ("COMPLETED", "COMPLETED"),
}


def rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The DS rows of one patient: each completed or discontinued course."""
    subj = usubjid(study, patient["code"])
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
    return out
