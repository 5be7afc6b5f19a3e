"""DM (Demographics): one row per patient.

* ``RFSTDTC``/``RFXSTDTC``: the first dose given; ``RFENDTC``/``RFXENDTC``: the last dose given
  (the registry's reference period is the treatment itself).
* ``AGE`` in whole years at the first dose (``AGEU`` ``YEARS``); empty without a birth date or
  a dose.
* ``SEX``: ``F``/``M``, ``U`` when not recorded (CDISC controlled terminology, codelist SEX).
* ``DTHDTC``/``DTHFL``: the death date of the follow-up, ``Y`` when there is one.
* One arm: every patient of the registry is treated with high-dose IL-2 (``ARMCD`` ``HDIL2``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hdil2.interop.sdtm.common import Row, iso_date, iso_datetime, subject_id

ARMCD = "HDIL2"
ARM = "High-dose interleukin-2 (aldesleukin)"
SEXES = {"female": "F", "male": "M", "": "U", None: "U"}


def given_times(patient: dict[str, Any]) -> list[dt.datetime]:
    """The times of every dose given to the patient, in order."""
    return sorted(s["given_at"] for c in patient.get("courses", ())
                  for s in c.get("slots", ()) if s.get("status") == "given")


def age_years(birth: dt.date, on: dt.date) -> int:
    """Completed years from ``birth`` to ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The DM row of one patient."""
    zone = patient["zone"]
    given = given_times(patient)
    first = iso_datetime(given[0], zone, "given_at") if given else ""
    last = iso_datetime(given[-1], zone, "given_at") if given else ""
    deaths = sorted(f["death_on"] for f in patient.get("followups", ()) if f.get("death_on"))
    birth = patient.get("birth_date")
    age = None
    if birth is not None and given:
        age = age_years(birth, dt.date.fromisoformat(first[:10]))
    sex = patient.get("sex")
    return [{
        "STUDYID": study, "DOMAIN": "DM", "USUBJID": subject_id(patient, study),
        "SUBJID": patient["code"], "RFSTDTC": first, "RFENDTC": last,
        "RFXSTDTC": first, "RFXENDTC": last,
        "DTHDTC": iso_date(deaths[0], "death_on") if deaths else "",
        "DTHFL": "Y" if deaths else "", "SITEID": patient.get("site") or "",
        "BRTHDTC": iso_date(birth, "birth_date"), "AGE": age,
        "AGEU": "YEARS" if age is not None else "", "SEX": SEXES.get(sex, "U"),
        "ARMCD": ARMCD, "ARM": ARM, "ACTARMCD": ARMCD if given else "",
        "ACTARM": ARM if given else "",
    }]
