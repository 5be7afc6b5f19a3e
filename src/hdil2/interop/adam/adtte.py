"""ADTTE (Time-to-Event Analysis Dataset): overall survival, progression-free survival and
duration of response per patient, with admiral's conventions (its ``derive_param_tte`` and
admiralonco's ADTTE template, whose parameters pharmaverse's ``adtte_onco`` holds).

The origin ``STARTDT`` of OS and PFS is ``TRTSDT``, the first dose given (a registry has no
randomisation date, admiral's origin); a patient never dosed has no ADTTE rows. ``AVAL`` is in
days counting both ends, ``ADT - STARTDT + 1`` (admiral's ``derive_vars_duration`` default);
``CNSR`` is 0 for an event and 1 for a censored time. The event or censoring date goes in
``ADT`` with ``EVNTDESC`` (and ``CNSDTDSC`` when censored) and the record it came from in
``SRCDOM``/``SRCVAR``/``SRCSEQ``.

* ``OS`` Overall Survival: event ``Death`` at ``DTHDT`` (ADSL); else censored ``Alive`` (``Alive
  During Study``) at ``LSTALVDT`` (ADSL).
* ``PFS`` Progression Free Survival: event ``Disease Progression`` at the first progression,
  or ``Death`` at ``DTHDT``, whichever comes first; else censored at the last tumour
  assessment (``Last Tumor Assessment``, ADRS ``LSTA``), or at the origin when there is none
  (``Start of Treatment``, ADSL ``TRTSDT``; admiral: ``Randomization``). The first
  progression is the earlier of ADRS ``PD`` (the first PD response) and the progression the
  registry recorded at follow-up (ADSL ``PDDT``).
* ``RSD`` Duration of Response: for a patient whose best response (confirmation not required,
  as admiralonco's template) is a CR or PR, from its first date (ADRS ``RSP``) to progression
  or death as for PFS; else censored at the last tumour assessment.

The response parameters used are those of the patient's first criteria in ``PARCAT3`` order
(one criteria per patient in practice). A death or progression before the first dose, or a
response assessment after the death, is refused naming the patient and the variable: no
duration can be computed from dates that contradict each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hdil2.core.errors import InputError
from hdil2.interop.adam.common import Row, duration_days

_SUBJECT = ("STUDYID", "USUBJID", "AGE", "SEX", "ARM", "ARMCD", "ACTARM", "ACTARMCD")
PARAMS = {"OS": "Overall Survival", "PFS": "Progression Free Survival",
          "RSD": "Duration of Response"}

Event = tuple[dt.date, str, str | None, str, str, int | None]  # ADT EVNTDESC CNSDTDSC DOM VAR SEQ


def _first(adrs: Sequence[Row], paramcd: str) -> Row | None:
    cats = sorted({r["PARCAT3"] for r in adrs})
    return next((r for r in adrs if cats and r["PARCAT3"] == cats[0]
                 and r["PARAMCD"] == paramcd), None)


def _progression(adsl: Row, adrs: Sequence[Row]) -> Event | None:
    pd = _first(adrs, "PD")
    options: list[Event] = []
    if pd is not None and pd["AVALC"] == "Y" and pd.get("ADT") is not None:
        options.append((pd["ADT"], "Disease Progression", None, "ADRS", "ADT", pd["ASEQ"]))
    if adsl.get("PDDT") is not None:
        options.append((adsl["PDDT"], "Disease Progression", None, "ADSL", "PDDT", None))
    return min(options, key=lambda e: e[0]) if options else None


def _death(adsl: Row) -> Event | None:
    if adsl.get("DTHDT") is None:
        return None
    return (adsl["DTHDT"], "Death", None, "ADSL", "DTHDT", None)


def _last_assessment(adrs: Sequence[Row]) -> Event | None:
    lsta = _first(adrs, "LSTA")
    if lsta is None or lsta.get("ADT") is None:
        return None
    return (lsta["ADT"], "Last Tumor Assessment", "Last Tumor Assessment", "ADRS", "ADT",
            lsta["ASEQ"])


def _record(adsl: Row, paramcd: str, start: dt.date, event: Event, cnsr: int) -> Row:
    adt, desc, cnsdesc, dom, var, seq = event
    return {**{k: adsl.get(k) for k in _SUBJECT}, "ADT": adt, "PARAM": PARAMS[paramcd],
            "PARAMCD": paramcd, "AVAL": duration_days(start, adt), "STARTDT": start,
            "CNSR": cnsr, "EVNTDESC": desc, "CNSDTDSC": cnsdesc or "", "SRCDOM": dom,
            "SRCVAR": var, "SRCSEQ": seq}


def _pfs_like(adsl: Row, adrs: Sequence[Row], paramcd: str, start: dt.date,
              origin: Event) -> Row:
    events = [e for e in (_progression(adsl, adrs), _death(adsl)) if e is not None]
    if events:
        return _record(adsl, paramcd, start, min(events, key=lambda e: e[0]), 0)
    return _record(adsl, paramcd, start, _last_assessment(adrs) or origin, 1)


def check_dates(adsl: Row, adrs: Sequence[Row]) -> None:
    """Refuse event dates that contradict each other: a death or a progression before the first
    dose, or a response assessment after the death (nothing would be a duration then)."""
    start, death = adsl.get("TRTSDT"), adsl.get("DTHDT")
    subject = adsl.get("USUBJID")
    for name in ("DTHDT", "PDDT"):
        value = adsl.get(name)
        if value is not None and start is not None and value < start:
            raise InputError(f"{subject}.{name}", f"on or after the first dose ({start})",
                             value)
    assessed = [r["ADT"] for r in adrs if r.get("PARAMCD") == "OVR" and r.get("ADT")]
    if death is not None and assessed and max(assessed) > death:
        raise InputError(f"{subject}.DTHDT",
                         f"on or after the last response assessment ({max(assessed)})", death)


def rows(adsl: Row, adrs: Sequence[Row]) -> list[Row]:
    """The ADTTE rows of one patient (OS, PFS, and RSD for a responder), ``ASEQ`` 1, 2, ...;
    dates that contradict each other are refused (:func:`check_dates`)."""
    start = adsl.get("TRTSDT")
    if not isinstance(start, dt.date):
        return []
    check_dates(adsl, adrs)
    origin: Event = (start, "Start of Treatment", "Start of Treatment", "ADSL", "TRTSDT", None)
    death = _death(adsl)
    if death is not None:
        os_row = _record(adsl, "OS", start, death, 0)
    elif adsl.get("LSTALVDT") is not None:
        os_row = _record(adsl, "OS", start, (adsl["LSTALVDT"], "Alive", "Alive During Study",
                                             "ADSL", "LSTALVDT", None), 1)
    else:
        os_row = _record(adsl, "OS", start, origin, 1)
    out = [os_row, _pfs_like(adsl, adrs, "PFS", start, origin)]
    rsp = _first(adrs, "RSP")
    if rsp is not None and rsp["AVALC"] == "Y" and rsp.get("ADT") is not None:
        first: dt.date = rsp["ADT"]
        out.append(_pfs_like(adsl, adrs, "RSD", first, (first, "Last Tumor Assessment",
                                                        "Last Tumor Assessment", "ADRS",
                                                        "ADT", rsp["ASEQ"])))
    for i, r in enumerate(out, start=1):
        r["ASEQ"] = i
    return out
