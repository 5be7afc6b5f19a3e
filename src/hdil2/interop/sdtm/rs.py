"""RS (Disease Response): one row per response assessment of the registry.

``RSTESTCD`` ``OVRLRESP`` (Overall Response) for a visit, ``BESTRSP`` (Best Overall Response)
for a best overall response; ``RSCAT`` names the criteria as the pharmaverse oncology examples
do (``RECIST 1.1``, ``iRECIST``) and ``WHO``, ``NCI`` for the bidimensional criteria;
``RSORRES`` = ``RSSTRESC`` = the response recorded (``CR``, ``PR``, ...). ``VISITNUM``/``VISIT``
are the scan's position and label for a visit, empty for a best response. ``RSEVAL``
``INVESTIGATOR``.
"""

from __future__ import annotations

from typing import Any

from hdil2.interop.sdtm.common import Row, iso_date, subject_id

CATEGORIES = {"recist1.1": "RECIST 1.1", "irecist": "iRECIST", "who": "WHO", "nci": "NCI"}
#: the responses hdil2 records (the registry's, per visit and best): RECIST 1.1, iRECIST, WHO
#: (``NC``) and the NCI bidimensional criteria of Lee et al. 2000 (``lee2000``: ``MR``, ``NR``)
RESPONSES = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE", "iCR", "iPR", "iSD",
             "NON-iCR/NON-iUPD", "iUPD", "iCPD", "NC", "MR", "NR")
TESTS = {"visit": ("OVRLRESP", "Overall Response"), "best": ("BESTRSP", "Best Overall Response")}


def rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The RS rows of one patient: visits by date, then the best responses."""
    subj = subject_id(patient, study)
    out: list[Row] = []
    ordered = sorted(patient.get("responses", ()),
                     key=lambda r: (r["kind"] == "best", r["assessed_on"], r["criteria"]))
    for r in ordered:
        code, name = TESTS[r["kind"]]
        visit = r["kind"] == "visit"
        out.append({
            "STUDYID": study, "DOMAIN": "RS", "USUBJID": subj,
            "RSTESTCD": code, "RSTEST": name, "RSCAT": CATEGORIES[r["criteria"]],
            "RSORRES": r["response"], "RSSTRESC": r["response"], "RSEVAL": "INVESTIGATOR",
            "VISITNUM": r.get("visitnum") if visit else None,
            "VISIT": (r.get("visit") or "").upper() if visit else "",
            "RSDTC": iso_date(r["assessed_on"], "assessed_on")})
    return out
