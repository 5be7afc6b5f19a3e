"""EX (Exposure) and EC (Exposure as Collected): the IL-2 doses.

EX holds one row per dose given, as SDTMIG 3.4 asks of EX (the treatment the subject
received): ``EXDOSE`` in international units (``EXDOSU`` ``IU``), every 8 hours (``EXDOSFRQ``
``Q8H``), intravenous, ``EXSTDTC`` = ``EXENDTC`` = the time given (a bolus).

A dose held or not given has no EX row; it is kept in EC, which holds every scheduled dose slot
(``ECMOOD`` ``PERFORMED``, ``ECPRESP`` ``Y``): ``ECOCCUR`` ``Y`` with the dose for a dose given,
``N`` with the reason in ``ECREASOC`` for a dose held or not given. ``--SPID`` names the slot:
``C<course>-Y<cycle>-D<dose>``, so EX and EC rows of one dose share it.
"""

from __future__ import annotations

from typing import Any

from hdil2.interop.sdtm.common import TREATMENT, Row, iso_datetime, number, usubjid

DOSE_FORM = "INJECTION, POWDER, LYOPHILIZED, FOR SOLUTION"


def slot_id(course: int, cycle: int, dose: int) -> str:
    """The sponsor-defined identifier of a dose slot: ``C1-Y2-D05``."""
    return f"C{course}-Y{cycle}-D{dose:02d}"


def _slots(patient: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    out = [(c["number"], s) for c in patient.get("courses", ()) for s in c.get("slots", ())]
    return sorted(out, key=lambda cs: (cs[1]["scheduled_at"], cs[0], cs[1]["cycle"],
                                       cs[1]["number"]))


def ex_rows(patient: dict[str, Any], study: str) -> list[Row]:
    """One EX row per dose given, in time order."""
    zone, subj = patient["zone"], usubjid(study, patient["code"])
    out: list[Row] = []
    for course, s in _slots(patient):
        if s["status"] != "given":
            continue
        at = iso_datetime(s["given_at"], zone, "given_at")
        out.append({
            "STUDYID": study, "DOMAIN": "EX", "USUBJID": subj,
            "EXSPID": slot_id(course, s["cycle"], s["number"]), "EXTRT": TREATMENT,
            "EXDOSE": number(s.get("dose_iu"), "dose_iu"), "EXDOSU": "IU",
            "EXDOSFRM": DOSE_FORM, "EXDOSFRQ": "Q8H", "EXROUTE": "INTRAVENOUS",
            "EXSTDTC": at, "EXENDTC": at})
    return out


def ec_rows(patient: dict[str, Any], study: str) -> list[Row]:
    """One EC row per dose slot given, held or not given (scheduled slots are not yet facts)."""
    zone, subj = patient["zone"], usubjid(study, patient["code"])
    out: list[Row] = []
    for course, s in _slots(patient):
        if s["status"] == "scheduled":
            continue
        given = s["status"] == "given"
        at = iso_datetime(s["given_at"] if given else s["scheduled_at"], zone,
                          "given_at" if given else "scheduled_at")
        out.append({
            "STUDYID": study, "DOMAIN": "EC", "USUBJID": subj,
            "ECSPID": slot_id(course, s["cycle"], s["number"]), "ECTRT": TREATMENT,
            "ECMOOD": "PERFORMED", "ECPRESP": "Y", "ECOCCUR": "Y" if given else "N",
            "ECREASOC": "" if given else (
                s.get("reason") or ("HELD" if s["status"] == "held" else "NOT GIVEN")),
            "ECDOSE": number(s.get("dose_iu"), "dose_iu") if given else None,
            "ECDOSU": "IU" if given else "", "ECDOSFRQ": "Q8H", "ECROUTE": "INTRAVENOUS",
            "ECSTDTC": at, "ECENDTC": at})
    return out
