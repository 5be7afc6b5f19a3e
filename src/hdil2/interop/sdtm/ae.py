"""AE (Adverse Events): one row per toxicity recorded.

``AEDECOD`` is the CTCAE v5.0 term (``ctcae5``; CTCAE terms are MedDRA lowest level terms),
``AETERM`` the term as reported (``verbatim``; the CTCAE term when none was kept apart),
``AESEV`` the severity as received (``MILD``, ``MODERATE``, ``SEVERE``; empty for hdil2's own
toxicities, which are graded), ``AETOXGR`` the grade recorded (0-5; empty when the event was
not graded, e.g. one imported with a severity only), ``AESER`` ``Y``/``N``, ``AEREL`` the
attribution as recorded (``UNRELATED``, ``UNLIKELY``, ``POSSIBLE``, ``PROBABLE``,
``DEFINITE``, or another study's term as received). ``AESTDTC``/``AEENDTC``: the ward's
wall-clock time, or the day when only the day is known. The CTCAE version (5.0) belongs in the
define.xml, which names the dictionary. Rows are by onset, then term.
"""

from __future__ import annotations

from typing import Any

from hdil2.interop.sdtm.common import Row, iso_datetime, moment_key, subject_id


def rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The AE rows of one patient, by onset."""
    zone, subj = patient["zone"], subject_id(patient, study)
    out: list[Row] = []
    for t in sorted(patient.get("toxicities", ()),
                    key=lambda t: (moment_key(t["onset_at"], zone), t["term"])):
        grade = t.get("grade")
        out.append({
            "STUDYID": study, "DOMAIN": "AE", "USUBJID": subj,
            "AETERM": t.get("verbatim") or t["term"], "AEDECOD": t["term"],
            "AESEV": t.get("severity") or "", "AESER": "Y" if t.get("serious") else "N",
            "AEREL": (t.get("attribution") or "").upper(),
            "AETOXGR": "" if grade is None else str(grade),
            "AESTDTC": iso_datetime(t["onset_at"], zone, "onset_at"),
            "AEENDTC": iso_datetime(t.get("resolved_at"), zone, "resolved_at")})
    return out
