"""ADRS (Response Analysis Dataset): the overall response of each visit and the responses
admiralonco derives from them, per patient and criteria.

The input is the patient's SDTM RS rows (:mod:`hdil2.interop.sdtm.rs`: one ``OVRLRESP`` row
per response assessment of a visit, ``RSCAT`` the criteria); the derivations are hdil2's best
response code (:func:`hdil2.clinical.response.best_overall_response`, the code every other
part of hdil2 uses) run with admiralonco's conventions:

* ``OVR`` Overall Response by Investigator: one row per visit assessment, ``AVALC`` the
  response recorded.
* ``BOR`` Best Overall Response (confirmation not required) and ``CBOR`` Best Confirmed
  Overall Response: assessments up to the first progression; a CR or PR is confirmed by a CR
  (or CR/PR for a PR) at least 28 days later with at most one NE between; stable disease
  counts from 42 days after the reference start (RECIST 1.1 and iRECIST; the WHO and NCI
  criteria state no minimum) - admiralonco's template values, hdil2's defaults. ``ADT`` and
  the RS variables are those of the assessment that decided it. A patient with no assessment
  has ``AVALC`` ``MISSING`` (admiralonco's convention; hdil2's own best response says NE).
* ``RSP`` Response (confirmation not required): ``Y`` at the first CR or PR up to the first
  progression; ``CRSP`` Confirmed Response: ``Y`` when the CBOR is a CR or PR, dated as the
  CBOR (admiralonco's template).
* ``PD`` Disease Progression: ``Y`` at the first PD (iCPD for iRECIST), else ``N``.
* ``LSTA`` Last Disease Assessment: the last assessment of the visit.
* ``AVAL`` codes a response as admiralonco does: CR 1, PR 2, SD 3, NON-CR/NON-PD 4, PD 5,
  NE 6, MISSING 7; for the other criteria the same places (WHO NC 3; NCI MR 3, NR 4; iRECIST
  iCR 1, iPR 2, iSD 3, NON-iCR/NON-iUPD 4, iCPD 5; iUPD has no code and no ``AVAL``);
  ``Y``/``N`` parameters 1/0.

The reference start (day 0 of the stable-disease minimum, ``ADY`` day 1) is ``TRTSDT``, the
first dose given: a registry has no randomisation date, admiralonco's reference. A patient
never dosed has ``OVR`` rows only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hdil2.clinical.response import TimePoint, best_overall_response
from hdil2.clinical.response.assess import DEFAULT_MIN_SD_DAYS
from hdil2.clinical.response.bor import SCHEMES, BestResponse, Scheme
from hdil2.clinical.response.bor import counted as bor_counted
from hdil2.clinical.response.models import Params
from hdil2.clinical.response.policies import CONFIRM_MAX_NE_BETWEEN
from hdil2.interop.adam.common import Row, relative_day
from hdil2.interop.sdtm.rs import CATEGORIES

#: RSCAT → hdil2's criteria
CRITERIA = {v: k for k, v in CATEGORIES.items()}
PARCAT1, PARCAT2 = "Tumor Response", "Investigator"
PARAMS = {
    "OVR": "Overall Response by Investigator",
    "BOR": "Best Overall Response by Investigator (confirmation not required)",
    "CBOR": "Best Confirmed Overall Response by Investigator",
    "RSP": "Response by Investigator (confirmation not required)",
    "CRSP": "Confirmed Response by Investigator",
    "PD": "Disease Progression by Investigator",
    "LSTA": "Last Disease Assessment by Investigator",
}
MISSING = "MISSING"
CONFIRM_MIN_DAYS = Params().confirm_min_days
MAX_NE_BETWEEN = int(CONFIRM_MAX_NE_BETWEEN.default)
_SUBJECT = ("STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "SAFFL", "ARM",
            "ARMCD", "ACTARM", "ACTARMCD", "TRT01P", "TRT01A", "TRTSDT", "TRTEDT")
_RS = ("VISITNUM", "VISIT", "RSTESTCD", "RSTEST", "RSORRES", "RSSTRESC", "RSEVAL", "RSDTC",
       "RSSEQ")


def response_codes(scheme: Scheme) -> dict[str, int]:
    """``AVAL`` of each response category of a criterion (admiralonco's order)."""
    codes = {scheme.cr: 1, scheme.pr: 2, scheme.stable[0]: 3, scheme.progression[0]: 5,
             scheme.ne: 6, MISSING: 7}
    if len(scheme.stable) > 1:
        codes[scheme.stable[1]] = 4
    return codes


def _points(visits: Sequence[Row], start: dt.date) -> list[TimePoint]:
    """The visits as time points; :func:`best_overall_response` reads only their date, day
    (days since the reference start) and overall response."""
    return [TimePoint(index=i, date=v["ADT"], day=(v["ADT"] - start).days, target="",
                      non_target="", new_lesions=False, overall=v["AVALC"], burden_mm=None,
                      baseline_mm=None, nadir_mm=None, after_progression=False, reasons=())
            for i, v in enumerate(visits, start=1)]


def _source(visits: Sequence[Row], on: dt.date | None) -> Row | None:
    return next((v for v in visits if v["ADT"] == on), None) if on else None


def _row(base: Row, paramcd: str, avalc: str, aval: int | None, src: Row | None) -> Row:
    out = {**base, "PARAMCD": paramcd, "PARAM": PARAMS[paramcd], "AVALC": avalc,
           "AVAL": aval}
    if src is not None:
        out.update({k: src[k] for k in ("DOMAIN", "ADT", "ADY", "AVISIT", *_RS)})
    return out


def _bor_row(base: Row, paramcd: str, best: BestResponse | None, visits: Sequence[Row],
             codes: dict[str, int]) -> Row:
    if best is None:
        return _row(base, paramcd, MISSING, codes[MISSING], None)
    return _row(base, paramcd, best.value, codes.get(best.value), _source(visits, best.date))


def _flag_row(base: Row, paramcd: str, yes: bool, src: Row | None) -> Row:
    return _row(base, paramcd, "Y" if yes else "N", 1 if yes else 0, src if yes else None)


def criteria_rows(adsl: Row, rs_rows: Sequence[Row], rscat: str, *,
                  reference_start: dt.date | None = None, has_targets: bool = True,
                  min_sd_days: int | None = None) -> list[Row]:
    """The ADRS rows of one patient under one criteria (``rscat``, as in ``RSCAT``) from the
    patient's SDTM RS rows; ``reference_start`` defaults to ``TRTSDT``."""
    criteria = CRITERIA[rscat]
    scheme = SCHEMES[criteria]
    codes = response_codes(scheme)
    start = reference_start if reference_start is not None else adsl.get("TRTSDT")
    subject = {k: adsl.get(k) for k in _SUBJECT}
    base: Row = {**subject, "PARCAT1": PARCAT1, "PARCAT2": PARCAT2, "PARCAT3": rscat,
                 "ANL01FL": "Y"}
    visits: list[Row] = []
    for r in rs_rows:
        if r["RSTESTCD"] != "OVRLRESP" or r["RSCAT"] != rscat:
            continue
        adt = dt.date.fromisoformat(r["RSDTC"][:10])
        visits.append({"DOMAIN": "RS", "ADT": adt, "ADY": relative_day(start, adt),
                       "AVISIT": r["VISIT"], "AVALC": r["RSSTRESC"],
                       **{k: r.get(k) for k in _RS}})
    visits.sort(key=lambda v: (v["ADT"], v["VISITNUM"] or 0))
    out = [_row(base, "OVR", v["AVALC"], codes.get(v["AVALC"]), v) for v in visits]
    if start is None:
        return out
    points = _points(visits, start)
    kw: dict[str, Any] = {
        "min_sd_days": DEFAULT_MIN_SD_DAYS[criteria] if min_sd_days is None else min_sd_days,
        "confirm_min_days": CONFIRM_MIN_DAYS, "max_ne_between": MAX_NE_BETWEEN,
        "has_targets": has_targets}
    bor = best_overall_response(points, scheme, confirm=False, **kw) if points else None
    cbor = best_overall_response(points, scheme, confirm=True, **kw) if points else None
    counted = visits[:len(bor_counted(points, scheme))]
    first_pd = next((v for v in visits if v["AVALC"] == scheme.terminal), None)
    first_response = next((v for v in counted if v["AVALC"] in (scheme.cr, scheme.pr)), None)
    out += [
        _bor_row(base, "BOR", bor, visits, codes),
        _bor_row(base, "CBOR", cbor, visits, codes),
        _flag_row(base, "RSP", first_response is not None, first_response),
        _flag_row(base, "CRSP", cbor is not None and cbor.responder,
                  _source(visits, cbor.date if cbor else None)),
        _flag_row(base, "PD", first_pd is not None, first_pd),
    ]
    last = visits[-1] if visits else None
    out.append(_row(base, "LSTA", last["AVALC"] if last else "",
                    codes.get(last["AVALC"]) if last else None, last))
    return out


def rows(adsl: Row, rs_rows: Sequence[Row], *, has_targets: bool = True) -> list[Row]:
    """The ADRS rows of one patient: every criteria it has visit assessments under, in the
    order of ``RSCAT``, the rows ordered by parameter code and date, ``ASEQ`` 1, 2, ..."""
    cats = sorted({r["RSCAT"] for r in rs_rows if r["RSTESTCD"] == "OVRLRESP"})
    out: list[Row] = []
    for cat in cats:
        out.extend(criteria_rows(adsl, rs_rows, cat, has_targets=has_targets))
    out.sort(key=lambda r: (r["PARCAT3"], r["PARAMCD"], r.get("ADT") or dt.date.min,
                            r.get("VISITNUM") or 0))
    for i, r in enumerate(out, start=1):
        r["ASEQ"] = i
    return out
