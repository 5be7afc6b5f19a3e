"""EX (Exposure) and EC (Exposure as Collected): the IL-2 doses.

EX holds one row per dose given, as SDTMIG 3.4 asks of EX (the treatment the subject
received): ``EXDOSE`` in international units (``EXDOSU`` ``IU``), every 8 hours (``EXDOSFRQ``
``Q8H``), intravenous, ``EXSTDTC`` = ``EXENDTC`` = the time given (a bolus).

A dose held or not given has no EX row; it is kept in EC, which holds every scheduled dose slot
(``ECMOOD`` ``PERFORMED``, ``ECPRESP`` ``Y``): ``ECOCCUR`` ``Y`` with the dose for a dose given,
``N`` with the reason in ``ECREASOC`` for a dose held or not given. ``--SPID`` names the slot:
``C<course>-Y<cycle>-D<dose>``, so EX and EC rows of one dose share it.

``ECREASOC`` tells a hold from a dose not given (:func:`occur_reason`, read back by
:func:`read_reason`): a hold's reason as recorded (``HELD`` when there is none), a dose not
given ``NOT GIVEN`` or ``NOT GIVEN: <reason>``. A hold whose reason itself starts with one of
those words is written ``HELD: <reason>``, so every reason reads back as it was.

Rows are in the order of the times they carry (given, else scheduled), then course, cycle and
dose.
"""

from __future__ import annotations

from typing import Any

from hdil2.interop.sdtm.common import TREATMENT, Row, iso_datetime, number, subject_id

DOSE_FORM = "INJECTION, POWDER, LYOPHILIZED, FOR SOLUTION"


def slot_id(course: int, cycle: int, dose: int) -> str:
    """The sponsor-defined identifier of a dose slot: ``C1-Y2-D05``."""
    return f"C{course}-Y{cycle}-D{dose:02d}"


_HELD, _NOT_GIVEN = "HELD", "NOT GIVEN"


def occur_reason(status: str, reason: str | None) -> str:
    """``ECREASOC`` of a slot held or not given (see the module)."""
    reason = reason or ""
    if status == "held":
        if not reason:
            return _HELD
        if any(reason == w or reason.startswith(f"{w}: ") for w in (_HELD, _NOT_GIVEN)):
            return f"{_HELD}: {reason}"
        return reason
    return f"{_NOT_GIVEN}: {reason}" if reason else _NOT_GIVEN


def read_reason(text: str) -> tuple[str, str]:
    """The slot status (``held``/``not_given``) and reason of an ``ECREASOC`` (the inverse of
    :func:`occur_reason`)."""
    for word, status in ((_HELD, "held"), (_NOT_GIVEN, "not_given")):
        if text == word:
            return status, ""
        if text.startswith(f"{word}: "):
            return status, text[len(word) + 2:]
    return "held", text


def _slots(patient: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    out = [(c["number"], s) for c in patient.get("courses", ()) for s in c.get("slots", ())]
    return sorted(out, key=lambda cs: (
        cs[1]["given_at"] if cs[1]["status"] == "given" and cs[1].get("given_at")
        else cs[1]["scheduled_at"], cs[0], cs[1]["cycle"], cs[1]["number"]))


def ex_rows(patient: dict[str, Any], study: str) -> list[Row]:
    """One EX row per dose given, in time order."""
    zone, subj = patient["zone"], subject_id(patient, study)
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
    zone, subj = patient["zone"], subject_id(patient, study)
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
            "ECREASOC": "" if given else occur_reason(s["status"], s.get("reason")),
            "ECDOSE": number(s.get("dose_iu"), "dose_iu") if given else None,
            "ECDOSU": "IU" if given else "", "ECDOSFRQ": "Q8H", "ECROUTE": "INTRAVENOUS",
            "ECSTDTC": at, "ECENDTC": at})
    return out
