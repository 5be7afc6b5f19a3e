"""AE (Adverse Events): one row per toxicity recorded.

``AETERM`` and ``AEDECOD`` are the CTCAE v5.0 term (``ctcae5``; CTCAE terms are MedDRA lowest
level terms), ``AETOXGR`` the grade recorded (0-5), ``AESER`` ``Y``/``N``, ``AEREL`` the
attribution as recorded (``UNRELATED``, ``UNLIKELY``, ``POSSIBLE``, ``PROBABLE``,
``DEFINITE``). The CTCAE version (5.0) belongs in the define.xml, which names the dictionary.
"""

from __future__ import annotations

from typing import Any

from hdil2.interop.sdtm.common import Row, iso_datetime, usubjid


def rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The AE rows of one patient, by onset."""
    zone, subj = patient["zone"], usubjid(study, patient["code"])
    out: list[Row] = []
    for t in sorted(patient.get("toxicities", ()), key=lambda t: (t["onset_at"], t["term"])):
        out.append({
            "STUDYID": study, "DOMAIN": "AE", "USUBJID": subj,
            "AETERM": t["term"], "AEDECOD": t["term"],
            "AESER": "Y" if t.get("serious") else "N",
            "AEREL": (t.get("attribution") or "").upper(), "AETOXGR": str(t["grade"]),
            "AESTDTC": iso_datetime(t["onset_at"], zone, "onset_at"),
            "AEENDTC": iso_datetime(t.get("resolved_at"), zone, "resolved_at")})
    return out
