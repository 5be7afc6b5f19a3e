"""ADAE (Adverse Events Analysis Dataset): one row per toxicity, from the patient's SDTM AE
rows (:mod:`hdil2.interop.sdtm.ae`) and ADSL, as admiral's ADAE template derives it:

* ``ASTDTM``/``AENDTM``: onset and resolution from ``AESTDTC``/``AEENDTC`` (the ward's
  wall-clock time; empty when only the day is known), ``ASTDT``/``AENDT`` their dates, no
  imputation;
* ``ASTDY``/``AENDY``: the study day relative to ``TRTSDT`` (day 1 = the first dose's day, no
  day 0);
* ``TRTEMFL`` (admiral's ``derive_var_trtemfl`` as its template calls it: dates, a 30-day
  window): ``Y`` when ``TRTSDT <= ASTDT <= TRTEDT + 30 days``, else empty;
* ``AREL`` = ``AEREL``; ``AESER`` as recorded;
* hdil2's additions: ``AETOXGR`` (SDTM: the CTCAE v5.0 grade recorded), ``ATOXGR`` (the same
  grade, the analysis value) and ``ATOXGRN`` (it as a number). The pilot study behind
  pharmaverse grades by severity (``AESEV``/``ASEV``); hdil2 grades with CTCAE v5.0
  (``ctcae5``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hdil2.interop.adam.common import Row, relative_day

TRTEMFL_WINDOW_DAYS = 30
_SUBJECT = ("STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "SAFFL", "ARM",
            "ARMCD", "ACTARM", "ACTARMCD", "TRT01P", "TRT01A", "TRTSDT", "TRTEDT")


def treatment_emergent(start: dt.date | None, trtsdt: dt.date | None,
                       trtedt: dt.date | None) -> bool:
    """admiral's treatment-emergent rule on dates: the onset is on or after the first dose's
    day and at most 30 days after the last dose's day."""
    if start is None or trtsdt is None or trtedt is None:
        return False
    return trtsdt <= start <= trtedt + dt.timedelta(days=TRTEMFL_WINDOW_DAYS)


def _dtc(text: str) -> tuple[dt.date | None, dt.datetime | None]:
    """The date and (when the time is known) the date and time of an SDTM ``--DTC`` value
    (admiral's ``derive_vars_dt`` / ``derive_vars_dtm`` without imputation)."""
    if not text:
        return None, None
    if "T" not in text:
        return dt.date.fromisoformat(text), None
    moment = dt.datetime.fromisoformat(text)
    return moment.date(), moment


def rows(adsl: Row, ae_rows: Sequence[Row]) -> list[Row]:
    """The ADAE rows of one patient, one per SDTM AE row, in the same order."""
    trtsdt, trtedt = adsl.get("TRTSDT"), adsl.get("TRTEDT")
    out: list[Row] = []
    for ae in ae_rows:
        astdt, astdtm = _dtc(ae["AESTDTC"])
        aendt, aendtm = _dtc(ae["AEENDTC"])
        grade = ae["AETOXGR"] or ""
        out.append({
            **{k: adsl.get(k) for k in _SUBJECT}, "DOMAIN": "AE", "AESEQ": ae["AESEQ"],
            "AETERM": ae["AETERM"], "AEDECOD": ae["AEDECOD"], "AESTDTC": ae["AESTDTC"],
            "ASTDT": astdt, "ASTDTM": astdtm, "AEENDTC": ae["AEENDTC"], "AENDT": aendt,
            "AENDTM": aendtm, "ASTDY": relative_day(trtsdt, astdt),
            "AENDY": relative_day(trtsdt, aendt),
            "TRTEMFL": "Y" if treatment_emergent(astdt, trtsdt, trtedt) else "",
            "AESER": ae["AESER"], "AEREL": ae["AEREL"], "AREL": ae["AEREL"],
            "AETOXGR": grade, "ATOXGR": grade, "ATOXGRN": int(grade) if grade else None})
    return out
