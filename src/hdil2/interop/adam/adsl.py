"""ADSL (Subject-Level Analysis Dataset): one row per patient.

Derived as admiral's ADSL template derives it, from the patient's SDTM DM row
(:mod:`hdil2.interop.sdtm.dm`) and the doses given:

* the DM variables as they are (``STUDYID`` ... ``ACTARMCD``; ``AGE`` completed years at the
  first dose);
* ``TRT01P`` = ``ARM`` and ``TRT01A`` = ``ACTARM`` (one period: the patient's IL-2 treatment);
* ``TRTSDTM``/``TRTEDTM``: the first and last dose given (the ward's wall-clock time),
  ``TRTSDT``/``TRTEDT`` their dates; ``TRTDURD`` = ``TRTEDT - TRTSDT + 1``;
* ``SAFFL`` ``Y`` when at least one dose was given, else ``N`` (admiral: any exposure);
  ``ITTFL`` ``Y`` for every patient registered (a registry has no randomisation: everyone
  enrolled for treatment is the intent-to-treat population);
* ``DTHDT`` the follow-up death date, ``DTHFL`` ``Y`` with it;
* ``LSTALVDT`` the last date the patient is known alive: the latest of each follow-up's
  "last known alive" date (its contact date when none is recorded) and the last dose given
  (admiral takes the latest of the dates that show the patient alive, the last dose among
  them);
* hdil2's additions: ``DISEASE``, ``HISTOL``, ``TNMSTAGE`` (as in SUPPDM), ``ECOGBL`` (the
  ECOG performance status at registration),
  ``NCOURSE`` (courses started), ``DOSEGIV``/``DOSEHLD`` (dose slots given / held),
  ``CUMDOSE`` (the sum of the doses given, IU), ``DCTREAS`` (the last course's
  discontinuation reason in CDISC terms, as in SDTM DS; empty when it was not discontinued)
  and ``PDDT`` (the earliest progression date recorded at follow-up).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hdil2.core.errors import InputError
from hdil2.interop.adam.common import Row, duration_days, local_datetime
from hdil2.interop.sdtm import dm, suppdm
from hdil2.interop.sdtm.ds import DECODES


def _dates(patient: dict[str, Any], key: str) -> list[dt.date]:
    return sorted(f[key] for f in patient.get("followups", ()) if f.get(key) is not None)


def last_known_alive(patient: dict[str, Any], last_dose: dt.date | None) -> dt.date | None:
    """``LSTALVDT``: the latest follow-up "last known alive" (else contact) date and the last
    dose given."""
    dates = [f.get("last_known_alive") or f.get("contact_on")
             for f in patient.get("followups", ())]
    known = [d for d in (*dates, last_dose) if d is not None]
    return max(known) if known else None


def row(patient: dict[str, Any], study: str) -> Row:
    """The ADSL row of one patient."""
    zone = patient["zone"]
    (d,) = dm.rows(patient, study)
    supp = {q["QNAM"]: q["QVAL"] for q in suppdm.rows(patient, study)}
    given = dm.given_times(patient)
    first = local_datetime(given[0], zone, "given_at") if given else None
    last = local_datetime(given[-1], zone, "given_at") if given else None
    trtsdt = first.date() if first else None
    trtedt = last.date() if last else None
    deaths = _dates(patient, "death_on")
    progressions = _dates(patient, "progression_on")
    courses = sorted(patient.get("courses", ()), key=lambda c: c["number"])
    slots = [s for c in courses for s in c.get("slots", ())]
    doses = [Decimal(s["dose_iu"]) for s in slots
             if s.get("status") == "given" and s.get("dose_iu") is not None]
    reason = ""
    if courses and courses[-1].get("status") == "discontinued":
        code = courses[-1].get("discontinuation_reason") or "other"
        if code not in DECODES:
            raise InputError("course.discontinuation_reason",
                             "one of " + ", ".join(k for k in DECODES if k), code)
        reason = DECODES[code][1]
    return {
        "STUDYID": study, "USUBJID": d["USUBJID"], "SUBJID": d["SUBJID"],
        "SITEID": d["SITEID"], "RFSTDTC": d["RFSTDTC"], "RFENDTC": d["RFENDTC"],
        "RFXSTDTC": d["RFXSTDTC"], "RFXENDTC": d["RFXENDTC"], "DTHDTC": d["DTHDTC"],
        "DTHFL": d["DTHFL"], "AGE": d["AGE"], "AGEU": d["AGEU"], "SEX": d["SEX"],
        "SAFFL": "Y" if given else "N", "ARM": d["ARM"], "ARMCD": d["ARMCD"],
        "ACTARM": d["ACTARM"], "ACTARMCD": d["ACTARMCD"], "TRT01P": d["ARM"],
        "TRT01A": d["ACTARM"], "TRTSDT": trtsdt, "TRTSDTM": first, "TRTEDT": trtedt,
        "TRTEDTM": last, "LSTALVDT": last_known_alive(patient, trtedt),
        "TRTDURD": duration_days(trtsdt, trtedt),
        "DTHDT": deaths[0] if deaths else None, "BRTHDTC": d["BRTHDTC"],
        "ITTFL": "Y", "DISEASE": supp.get("DISEASE", ""), "HISTOL": supp.get("HISTOL", ""),
        "TNMSTAGE": supp.get("TNMSTAGE", ""), "ECOGBL": patient.get("ecog"),
        "NCOURSE": len(courses),
        "DOSEGIV": sum(1 for s in slots if s.get("status") == "given"),
        "DOSEHLD": sum(1 for s in slots if s.get("status") == "held"),
        "CUMDOSE": sum(doses, Decimal(0)) if doses else None,
        "DCTREAS": reason, "PDDT": progressions[0] if progressions else None,
    }


def rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The ADSL rows (one) of one patient."""
    return [row(patient, study)]


def trt_start(adsl: Row) -> dt.date | None:
    """``TRTSDT`` of an ADSL row."""
    value = adsl.get("TRTSDT")
    return value if isinstance(value, dt.date) else None



