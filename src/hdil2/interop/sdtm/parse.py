"""Parse SDTM rows into the registry's patient records: the inverse of
:func:`hdil2.interop.sdtm.build` (docs/interchange.md, "Import").

What each domain becomes:

* **DM**: one patient per subject. The registry code is ``USUBJID`` without a leading
  ``"<STUDYID>-"`` (else ``USUBJID`` itself) and must be a pseudonymous code (letters, digits,
  ``.``, ``_``, ``-``; at most 64; starting with a letter or digit); ``identifiers`` keeps
  ``{STUDYID: USUBJID}``. ``SITEID`` → site, ``SEX`` ``F``/``M`` → female/male (``U`` or empty:
  not recorded), ``BRTHDTC`` → birth date, ``DTHDTC`` → a follow-up with the death date. Every
  subject of another domain must have a DM row.
* **SUPPDM**: ``DISEASE``, ``HISTOL``, ``TNMED``, ``TNMSTAGE``, ``ECOG`` (other qualifiers are
  not modelled). A patient without ``DISEASE`` has disease ``""`` (not recorded, never guessed).
* **EX** / **EC**: the dose slots, named by ``--SPID`` ``C<course>-Y<cycle>-D<dose>``. A dose
  given (EX, or EC with ``ECOCCUR`` ``Y``): ``given_at`` = ``scheduled_at`` = ``EXSTDTC`` (SDTM
  carries no scheduled time; nothing else is invented); ``EXDOSE`` in ``IU``. A slot held or not
  given (EC, ``ECOCCUR`` ``N``): ``ECREASOC`` as hdil2 writes it (``HELD``, ``NOT GIVEN``, or
  ``NOT GIVEN: <reason>``; any other text is a hold's reason), at ``ECSTDTC``. A treatment other
  than aldesleukin is refused.
* **DS**: a row whose ``DSSPID`` is ``COURSE n`` is that course's end (status, last day,
  discontinuation reason and detail, from ``DSTERM`` as hdil2 writes it); every other row is a
  disposition (``DSCAT``, ``DSTERM``, ``DSDECOD``, ``DSSTDTC``).
* **AE**: a toxicity: ``AEDECOD`` the term, ``AETERM`` the verbatim term when it differs,
  ``AETOXGR`` the grade (empty: not graded), ``AESEV`` the severity, ``AESER``, ``AEREL`` (an
  attribution hdil2 does not know is kept as received), ``AESTDTC``/``AEENDTC``.
* **LB** / **VS**: an observation per numeric result: the test code hdil2 knows becomes its
  code (``CREAT`` → ``creatinine``); another code is kept as received, with its name. A row
  without a numeric result (``NOT DONE``, a qualitative result such as a colour, or a result
  below a limit such as ``<0.2``) is not kept, and is listed in ``notes``. ``LBBLFL``,
  ``LBNRIND`` and ``LBTOXGR`` are not read: hdil2 derives them on export.
* **TU** / **TR** / **RS**: lesions, scans (one per ``VISITNUM``, dated by ``TRDTC``) and their
  measurements (``LDIAM``, ``SAXIS``, ``LPERP`` in mm, ``TUMSTATE``), and the responses
  (``OVRLRESP`` per visit, ``BESTRSP`` best; ``RSCAT`` the criteria). With several evaluators
  (``--EVALID``, else ``--EVAL``) the import keeps the one it is told to (``evaluator``).
* **QS**: the EORTC QLQ-C30 version 3.0 questionnaires (``QSCAT`` ``EORTC QLQ-C30 V3.0``):
  the rows of one subject, ``QSDTC`` (the date) and ``VISIT`` (the time point's name, which
  the registry requires, at most 40 characters) are one questionnaire, ``quality_of_life``
  ``{"completed_on", "label", "answers": {1: .., 30: ..}}``. The answer is ``QSSTRESN``, else
  ``QSSTRESC``, else the words or number of ``QSORRES`` (:mod:`hdil2.interop.sdtm.qs`); when
  several are there they must agree. A row with no result (``QSSTAT`` ``NOT DONE``, or empty)
  is an item not answered (``None``), as is an item without a row. Refused: a test code other
  than ``EOR0101`` .. ``EOR0130``, an answer outside the item's range (1-4 for items 1-28,
  1-7 for items 29-30), a result beside ``QSSTAT`` ``NOT DONE``, an item twice at one time
  point. Not kept (listed in ``notes``): a questionnaire not done (``QSTESTCD`` ``QSALL``) and
  the rows of another questionnaire (another ``QSCAT``).

Times are read as wall-clock times of ``zone`` (see :mod:`hdil2.interop.sdtm.dtc`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hdil2.clinical.treatment.calendar import zone as ward_zone
from hdil2.core.errors import InputError
from hdil2.interop.sdtm import ds as ds_mod
from hdil2.interop.sdtm import ex as ex_mod
from hdil2.interop.sdtm import lb as lb_mod
from hdil2.interop.sdtm import qs as qs_mod
from hdil2.interop.sdtm import rs as rs_mod
from hdil2.interop.sdtm import suppdm as supp_mod
from hdil2.interop.sdtm import tumor as tumor_mod
from hdil2.interop.sdtm import vs as vs_mod
from hdil2.interop.sdtm.common import TREATMENT
from hdil2.interop.sdtm.dtc import PARTIAL_POLICIES, DtcError, parse_dtc
from hdil2.interop.sdtm.problems import Collector, Problem

Row = dict[str, Any]

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
SEXES = {"F": "female", "M": "male", "U": "", "": ""}
ATTRIBUTIONS = ("unrelated", "unlikely", "possible", "probable", "definite")
SEVERITIES = ("", "MILD", "MODERATE", "SEVERE")
_SPID = re.compile(r"^C(\d+)-Y(\d+)-D(\d+)$")
_COURSE = re.compile(r"^COURSE (\d+)$")
_DIAMETERS = {code: field for field, code, _ in tumor_mod.DIAMETERS}
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")


def _files(datasets: Mapping[str, Any]) -> dict[str, str]:
    known = getattr(datasets, "files", {})
    return {c: known.get(c, c.lower()) for c in datasets}


class _Parser:
    def __init__(self, datasets: Mapping[str, Sequence[Row]], zone: ZoneInfo,
                 evaluator: str | None, study: str | None, partial: str,
                 criteria: str | None) -> None:
        self.data = datasets
        self.zone = zone
        self.evaluator = evaluator
        self.study = study
        self.partial = partial
        self.criteria = criteria
        self.files = _files(datasets)
        self.out = Collector()
        self.notes: list[Problem] = []
        self.patients: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, str] = {}
        self.times: dict[tuple[str, str], Any] = {}  # --DTC text, need -> date or time
        self.first_seen: dict[tuple[str, int], tuple[str, int]] = {}  # scan -> domain, row

    # ---- helpers -------------------------------------------------------------------------

    def bad(self, code: str, i: int, column: str, reason: str, value: Any = None) -> None:
        self.out.add(self.files[code], i, column, reason, value)

    def note(self, code: str, i: int, column: str, reason: str, value: Any = None) -> None:
        self.notes.append(Problem(self.files[code], i, column, reason, value))

    def rows(self, code: str) -> list[tuple[int, Row]]:
        return list(enumerate(self.data.get(code, ()), start=1))

    def when(self, code: str, i: int, row: Row, column: str, need: str,
             required: bool = False) -> Any:
        text = str(row.get(column) or "")
        if not text:
            if required:
                self.bad(code, i, column, "a date" if need == "date" else "a date and time")
            return None
        key = (text, need)
        hit = self.times.get(key)
        if hit is not None:
            return hit
        try:
            self.times[key] = value = parse_dtc(text, self.zone, need=need,
                                                partial=self.partial)
        except DtcError as e:
            self.bad(code, i, column, str(e), text)
            return None
        return value

    def decimal(self, code: str, i: int, row: Row, column: str) -> Decimal | None:
        x = row.get(column)
        if x is None or x == "":
            return None
        if isinstance(x, Decimal) and x.is_finite():
            return x
        if isinstance(x, str) and _NUMBER.match(x.strip()):
            return Decimal(x.strip())
        self.bad(code, i, column, "a number", x)
        return None

    def subject(self, code: str, i: int, row: Row) -> dict[str, Any] | None:
        usubjid = str(row.get("USUBJID") or "")
        p = self.patients.get(usubjid)
        if p is None:
            self.bad(code, i, "USUBJID", "a subject of DM (every subject needs a DM row)",
                     usubjid)
        return p

    def study_ok(self, code: str, i: int, row: Row) -> None:
        if self.study is not None and row.get("STUDYID") != self.study:
            self.bad(code, i, "STUDYID", f"the study imported ({self.study})",
                     row.get("STUDYID"))

    # ---- DM, SUPPDM ----------------------------------------------------------------------

    def dm(self) -> None:
        if "DM" not in self.data:
            others = [c for c in self.data if self.data[c]]
            if others:
                self.out.add("", 0, "DM", "a DM dataset (every subject needs a DM row)")
            return
        for i, row in self.rows("DM"):
            self.study_ok("DM", i, row)
            studyid, usubjid = str(row.get("STUDYID") or ""), str(row.get("USUBJID") or "")
            if usubjid in self.patients:
                self.bad("DM", i, "USUBJID", "one DM row per subject", usubjid)
                continue
            code = usubjid[len(studyid) + 1:] if usubjid.startswith(f"{studyid}-") \
                and len(usubjid) > len(studyid) + 1 else usubjid
            if not CODE.match(code):
                self.bad("DM", i, "USUBJID", "a pseudonymous code (letters, digits, '.', '_' "
                         "or '-', at most 64, starting with a letter or digit) after the "
                         "study identifier", usubjid)
                continue
            if code in self.codes:
                self.bad("DM", i, "USUBJID", f"one subject per registry code ({code} is also "
                         f"{self.codes[code]})", usubjid)
                continue
            sex = str(row.get("SEX") or "")
            if sex not in SEXES:
                self.bad("DM", i, "SEX", "F, M or U (CDISC codelist SEX as hdil2 records it)",
                         sex)
            death = self.when("DM", i, row, "DTHDTC", "date")
            self.codes[code] = usubjid
            self.patients[usubjid] = {
                "code": code, "identifiers": {studyid: usubjid},
                "site": str(row.get("SITEID") or ""), "sex": SEXES.get(sex, ""),
                "birth_date": self.when("DM", i, row, "BRTHDTC", "date"),
                "disease": "", "histology": "", "tnm_edition": "", "stage_group": "",
                "ecog": None, "zone": self.zone.key, "courses": [], "toxicities": [],
                "observations": [], "responses": [], "followups": (
                    [{"death_on": death}] if death is not None else []),
                "scans": [], "lesions": [], "measurements": [], "dispositions": [],
                "quality_of_life": []}

    def suppdm(self) -> None:
        diseases = {v: k for k, v in supp_mod.DISEASES.items()}
        for i, row in self.rows("SUPPDM"):
            self.study_ok("SUPPDM", i, row)
            p = self.subject("SUPPDM", i, row)
            if p is None:
                continue
            qnam, qval = str(row.get("QNAM") or ""), str(row.get("QVAL") or "")
            if qnam == "DISEASE":
                if qval not in diseases:
                    self.bad("SUPPDM", i, "QVAL", "a primary cancer hdil2 records: "
                             + ", ".join(diseases), qval)
                else:
                    p["disease"] = diseases[qval]
            elif qnam == "HISTOL":
                p["histology"] = qval.lower().replace(" ", "_")
            elif qnam == "TNMED":
                p["tnm_edition"] = qval
            elif qnam == "TNMSTAGE":
                p["stage_group"] = qval
            elif qnam == "ECOG":
                if qval not in {"0", "1", "2", "3", "4", "5"}:
                    self.bad("SUPPDM", i, "QVAL", "an ECOG performance status 0-5", qval)
                else:
                    p["ecog"] = int(qval)
            else:
                self.note("SUPPDM", i, "QNAM", "a qualifier the registry does not model", qnam)

    # ---- EX, EC, DS ----------------------------------------------------------------------

    def course(self, p: dict[str, Any], number: int) -> dict[str, Any]:
        for old in p["courses"]:
            if old["number"] == number:
                course: dict[str, Any] = old
                return course
        c: dict[str, Any] = {
            "number": number, "status": "ongoing", "regimen": "", "ward_tz": self.zone.key,
            "ended_on": None, "discontinuation_reason": "", "discontinuation_detail": "",
            "slots": []}
        p["courses"].append(c)
        return c

    def treatment(self, code: str, i: int, row: Row) -> bool:
        trt = str(row.get(f"{code}TRT") or "")
        if trt.upper() != TREATMENT:
            self.bad(code, i, f"{code}TRT", "hdil2 records aldesleukin doses only; "
                     f"{code}TRT {trt} is another study's treatment", trt)
            return False
        return True

    def spid(self, code: str, i: int, row: Row) -> tuple[int, int, int] | None:
        m = _SPID.match(str(row.get(f"{code}SPID") or ""))
        if m is None:
            self.bad(code, i, f"{code}SPID", "the dose slot as hdil2 writes it: "
                     "C<course>-Y<cycle>-D<dose> (e.g. C1-Y2-D05)", row.get(f"{code}SPID"))
            return None
        return int(m[1]), int(m[2]), int(m[3])

    def dose(self, code: str, i: int, row: Row) -> Decimal | None:
        dose = self.decimal(code, i, row, f"{code}DOSE")
        unit = str(row.get(f"{code}DOSU") or "")
        if dose is None:
            self.bad(code, i, f"{code}DOSE", "the dose given (international units)")
            return None
        if dose < 0 or dose != dose.to_integral_value() or dose.adjusted() >= 14:
            self.bad(code, i, f"{code}DOSE", "a whole number of international units (at most "
                     "14 digits)", dose)
            return None
        if unit != "IU":
            self.bad(code, i, f"{code}DOSU", "IU (international units of aldesleukin)", unit)
            return None
        return dose.quantize(Decimal(1))

    def exposure(self) -> None:
        slots: dict[tuple[str, int, int, int], dict[str, Any]] = {}
        for i, row in self.rows("EX"):
            self.study_ok("EX", i, row)
            p = self.subject("EX", i, row)
            if not self.treatment("EX", i, row):
                continue
            key = self.spid("EX", i, row)
            at = self.when("EX", i, row, "EXSTDTC", "time", required=True)
            dose = self.dose("EX", i, row)
            if p is None or key is None or at is None or dose is None:
                continue
            k = (p["code"], *key)
            if k in slots:
                self.bad("EX", i, "EXSPID", "one EX row per dose slot", row.get("EXSPID"))
                continue
            slots[k] = s = {"cycle": key[1], "number": key[2], "status": "given",
                            "scheduled_at": at, "given_at": at, "dose_iu": dose, "reason": ""}
            self.course(p, key[0])["slots"].append(s)
        in_ec: set[tuple[str, int, int, int]] = set()
        for i, row in self.rows("EC"):
            self.study_ok("EC", i, row)
            p = self.subject("EC", i, row)
            if not self.treatment("EC", i, row):
                continue
            key = self.spid("EC", i, row)
            at = self.when("EC", i, row, "ECSTDTC", "time", required=True)
            occur = str(row.get("ECOCCUR") or "")
            if occur not in ("Y", "N"):
                self.bad("EC", i, "ECOCCUR", "Y (given) or N (held or not given)", occur)
                continue
            dose = self.dose("EC", i, row) if occur == "Y" else None
            if p is None or key is None or at is None:
                continue
            k = (p["code"], *key)
            if k in in_ec:
                self.bad("EC", i, "ECSPID", "one EC row per dose slot", row.get("ECSPID"))
                continue
            in_ec.add(k)
            if occur == "Y":
                if dose is None:
                    continue
                given = slots.get(k)
                if given is None:
                    slots[k] = s = {"cycle": key[1], "number": key[2], "status": "given",
                                    "scheduled_at": at, "given_at": at, "dose_iu": dose,
                                    "reason": ""}
                    self.course(p, key[0])["slots"].append(s)
                elif given["given_at"] != at or given["dose_iu"] != dose:
                    self.bad("EC", i, "ECSTDTC", "the time and dose of the EX row of the same "
                             "slot", row.get("ECSTDTC"))
                continue
            if k in slots:
                self.bad("EC", i, "ECOCCUR", "Y: EX has this slot as given", occur)
                continue
            status, reason = ex_mod.read_reason(str(row.get("ECREASOC") or ""))
            slots[k] = s = {"cycle": key[1], "number": key[2], "status": status,
                            "scheduled_at": at, "given_at": None, "dose_iu": None,
                            "reason": reason}
            self.course(p, key[0])["slots"].append(s)

    def disposition(self) -> None:
        for i, row in self.rows("DS"):
            self.study_ok("DS", i, row)
            p = self.subject("DS", i, row)
            if p is None:
                continue
            m = _COURSE.match(str(row.get("DSSPID") or ""))
            if m is None:
                p["dispositions"].append({
                    "category": str(row.get("DSCAT") or ""),
                    "term": str(row.get("DSTERM") or ""),
                    "decod": str(row.get("DSDECOD") or ""),
                    "date": self.when("DS", i, row, "DSSTDTC", "date"), "course": None})
                continue
            parsed = ds_mod.read_term(str(row.get("DSTERM") or ""))
            if parsed is None:
                self.bad("DS", i, "DSTERM", "a course's end as hdil2 writes it (COMPLETED, "
                         "PROGRESSIVE DISEASE, IL-2 TOXICITY, COMPLETE RESPONSE, DEATH or "
                         "OTHER, then ': ' and the detail)", row.get("DSTERM"))
                continue
            reason, detail = parsed
            c = self.course(p, int(m[1]))
            if c["status"] in ("completed", "discontinued"):
                self.bad("DS", i, "DSSPID", "one DS row per course", row.get("DSSPID"))
                continue
            c.update(status="discontinued" if reason else "completed",
                     ended_on=self.when("DS", i, row, "DSSTDTC", "date"),
                     discontinuation_reason=reason, discontinuation_detail=detail)

    # ---- AE, LB, VS ----------------------------------------------------------------------

    def adverse_events(self) -> None:
        for i, row in self.rows("AE"):
            self.study_ok("AE", i, row)
            p = self.subject("AE", i, row)
            term = str(row.get("AEDECOD") or "")
            verbatim = str(row.get("AETERM") or "")
            if not term:
                self.bad("AE", i, "AEDECOD", "the dictionary-derived term")
            grade_text = str(row.get("AETOXGR") or "")
            if grade_text not in ("", "0", "1", "2", "3", "4", "5"):
                self.bad("AE", i, "AETOXGR", "a CTCAE grade 0-5 (empty: not graded)",
                         grade_text)
                grade_text = ""
            severity = str(row.get("AESEV") or "")
            if severity not in SEVERITIES:
                self.bad("AE", i, "AESEV", "MILD, MODERATE or SEVERE (CDISC codelist AESEV)",
                         severity)
            serious = str(row.get("AESER") or "")
            if serious not in ("", "Y", "N"):
                self.bad("AE", i, "AESER", "Y or N", serious)
            onset = self.when("AE", i, row, "AESTDTC", "moment", required=True)
            resolved = self.when("AE", i, row, "AEENDTC", "moment")
            rel = str(row.get("AEREL") or "")
            if p is None or onset is None or not term:
                continue
            p["toxicities"].append({
                "term": term, "verbatim": "" if verbatim == term else verbatim,
                "grade": int(grade_text) if grade_text else None,
                "severity": severity, "onset_at": onset, "resolved_at": resolved,
                "attribution": rel.lower() if rel.lower() in ATTRIBUTIONS else rel,
                "serious": serious == "Y"})

    def observations(self, code: str, kind: str, tests: Mapping[str, tuple[str, str]]) -> None:
        by_testcd = {testcd: (ours, name) for ours, (testcd, name) in tests.items()}
        d = code
        for i, row in self.rows(code):
            self.study_ok(code, i, row)
            p = self.subject(code, i, row)
            testcd, test = str(row.get(f"{d}TESTCD") or ""), str(row.get(f"{d}TEST") or "")
            raw = str(row.get(f"{d}ORRES") or "").strip()
            if not raw:
                self.note(code, i, f"{d}ORRES", "no result (not kept)",
                          row.get(f"{d}STAT") or "")
                continue
            if not _NUMBER.match(raw):
                self.note(code, i, f"{d}ORRES", "not a number (the registry keeps numeric "
                          "results only; not kept)", raw)
                continue
            taken = self.when(code, i, row, f"{d}DTC", "moment", required=True)
            lln = uln = None
            if code == "LB":
                lln = self.decimal(code, i, row, "LBORNRLO")
                uln = self.decimal(code, i, row, "LBORNRHI")
            if p is None or taken is None:
                continue
            ours, name = by_testcd.get(testcd, (testcd, ""))
            unit = str(row.get(f"{d}ORRESU") or "")
            std_text = str(row.get(f"{d}STRESC") or "")
            same = std_text == raw or (_NUMBER.match(std_text.strip() or "x") is not None
                                       and Decimal(std_text.strip()) == Decimal(raw))
            p["observations"].append({
                "kind": kind, "code": ours, "name": "" if test == name and name else test,
                "taken_at": taken, "value": Decimal(raw), "unit": unit,
                "unit_canonical": str(row.get(f"{d}STRESU") or "") if same else unit,
                "lln": lln, "uln": uln})

    # ---- TU, TR, RS ----------------------------------------------------------------------

    def reader(self, code: str, row: Row) -> str:
        return str(row.get(f"{code}EVALID") or row.get(f"{code}EVAL") or "")

    def choose_evaluator(self) -> bool:
        """Whether TU/TR/RS can be read: one evaluator, or the one chosen is there."""
        found: dict[str, tuple[str, int, Row]] = {}
        for code in ("TU", "TR", "RS"):
            for i, row in self.rows(code):
                found.setdefault(self.reader(code, row), (code, i, row))
        if self.evaluator is None:
            if len(found) > 1:
                (code, i, row) = list(found.values())[1]
                column = f"{code}EVALID" if row.get(f"{code}EVALID") else f"{code}EVAL"
                self.bad(code, i, column, "one evaluator: these files hold several ("
                         + ", ".join(found) + "); the registry keeps one reader per scan, so "
                         "the import must be told which (evaluator)", self.reader(code, row))
                return False
            return True
        if found and self.evaluator not in found:
            code = next(iter(found.values()))[0]
            self.bad(code, 0, f"{code}EVAL", "an evaluator of the files: " + ", ".join(found),
                     self.evaluator)
            return False
        return True

    def mine(self, code: str) -> list[tuple[int, Row]]:
        if self.evaluator is None:
            return self.rows(code)
        return [(i, r) for i, r in self.rows(code) if self.reader(code, r) == self.evaluator]

    def visit_key(self, code: str, i: int, row: Row, required: bool = True) -> int | None:
        n = row.get("VISITNUM")
        if n is None or n == "":
            if required:
                self.bad(code, i, "VISITNUM", "the visit number of the scan")
            return None
        if not isinstance(n, Decimal) or not n.is_finite() or n != n.to_integral_value() \
                or n < 1 or n.adjusted() > 9:
            self.bad(code, i, "VISITNUM", "a whole visit number (1, 2, ...)", n)
            return None
        return int(n)

    def method(self, code: str, i: int, row: Row) -> str | None:
        text = str(row.get(f"{code}METHOD") or "")
        if not text:
            return None
        modalities = {v: k for k, v in tumor_mod.METHODS.items()}
        if text not in modalities:
            self.bad(code, i, f"{code}METHOD", "an imaging method hdil2 records: "
                     + ", ".join(modalities), text)
            return None
        return modalities[text]

    def scan(self, p: dict[str, Any], code: str, i: int, row: Row, visitnum: int,
             date: Any, modality: str | None) -> None:
        scans = {s["visitnum"]: s for s in p["scans"]}
        s = scans.get(visitnum)
        if s is None:
            s = {"key": visitnum, "date": date, "modality": modality or "",
                 "label": str(row.get("VISIT") or ""), "visitnum": visitnum}
            p["scans"].append(s)
            self.first_seen[(p["code"], visitnum)] = (code, i)
            return
        if date is not None:
            if s["date"] is None:
                s["date"] = date
            elif s["date"] != date:
                self.bad(code, i, f"{code}DTC", f"the date of visit {visitnum} in the other rows"
                         f" ({s['date']})", row.get(f"{code}DTC"))
        if modality and not s["modality"]:
            s["modality"] = modality

    def tumors(self) -> None:
        kinds = {v: k for k, v in tumor_mod.KINDS.items()}
        lesions: dict[tuple[str, str], dict[str, Any]] = {}
        for i, row in self.mine("TU"):
            self.study_ok("TU", i, row)
            p = self.subject("TU", i, row)
            if str(row.get("TUTESTCD") or "") != "TUMIDENT":
                self.note("TU", i, "TUTESTCD", "not a tumor identification (not kept)",
                          row.get("TUTESTCD"))
                continue
            kind = str(row.get("TUSTRESC") or row.get("TUORRES") or "")
            if kind not in kinds:
                self.bad("TU", i, "TUORRES", "TARGET, NON-TARGET or NEW", kind)
            visitnum = self.visit_key("TU", i, row, required=False)
            modality = self.method("TU", i, row)
            date = self.when("TU", i, row, "TUDTC", "date")
            lesion_id = str(row.get("TULNKID") or "")
            if p is None or kind not in kinds or not lesion_id:
                if not lesion_id:
                    self.bad("TU", i, "TULNKID", "the lesion's identifier")
                continue
            if (p["code"], lesion_id) in lesions:
                self.bad("TU", i, "TULNKID", "one TU row per lesion", lesion_id)
                continue
            if visitnum is not None:
                self.scan(p, "TU", i, row, visitnum, date, modality)
            lesions[(p["code"], lesion_id)] = les = {
                "lesion_id": lesion_id, "kind": kinds[kind],
                "organ": str(row.get("TULOC") or "").lower(), "first_scan": visitnum,
                "nodal": str(row.get("TULOC") or "").upper() == "LYMPH NODE"}
            p["lesions"].append(les)
        states = {v: k for k, v in tumor_mod.STATES.items()}
        measured: dict[tuple[str, int, str], dict[str, Any]] = {}
        for i, row in self.mine("TR"):
            self.study_ok("TR", i, row)
            p = self.subject("TR", i, row)
            testcd = str(row.get("TRTESTCD") or "")
            if testcd not in _DIAMETERS and testcd != "TUMSTATE":
                self.note("TR", i, "TRTESTCD", "not a diameter or tumor state (not kept)",
                          testcd)
                continue
            visitnum = self.visit_key("TR", i, row)
            date = self.when("TR", i, row, "TRDTC", "date", required=True)
            modality = self.method("TR", i, row)
            lesion_id = str(row.get("TRLNKID") or "")
            value: Any = None
            if testcd == "TUMSTATE":
                state = str(row.get("TRSTRESC") or row.get("TRORRES") or "")
                if state not in states:
                    self.bad("TR", i, "TRORRES", "a tumor state: " + ", ".join(states), state)
                value = states.get(state)
            else:
                value = self.decimal("TR", i, row, "TRORRES")  # the text, exact
                unit = str(row.get("TRORRESU") or "")
                if value is None or value < 0:
                    self.bad("TR", i, "TRORRES", "a diameter in mm", row.get("TRORRES"))
                    value = None
                elif unit != "mm":
                    self.bad("TR", i, "TRORRESU", "mm", unit)
                    value = None
            if p is None or visitnum is None or date is None or value is None:
                continue
            if (p["code"], lesion_id) not in lesions:
                self.bad("TR", i, "TRLNKID", "a lesion of TU (TULNKID)", lesion_id)
                continue
            self.scan(p, "TR", i, row, visitnum, date, modality)
            k = (p["code"], visitnum, lesion_id)
            m = measured.get(k)
            if m is None:
                measured[k] = m = {"scan": visitnum, "lesion": lesion_id, "status": None,
                                   "longest_mm": None, "short_axis_mm": None,
                                   "perpendicular_mm": None}
                p["measurements"].append(m)
            field = "status" if testcd == "TUMSTATE" else _DIAMETERS[testcd]
            if m[field] is not None:
                if m[field] == value:  # the same result twice: kept once
                    self.note("TR", i, "TRTESTCD", f"a repeat of the same {testcd} (kept once)",
                              testcd)
                else:
                    self.bad("TR", i, "TRTESTCD", f"one {testcd} per lesion and visit (another "
                             f"row has {m[field]})", testcd)
                continue
            m[field] = value
        for m in measured.values():
            if m["status"] is None:
                m["status"] = "present"
        for p in self.patients.values():
            for sc in p["scans"]:
                if sc["date"] is None:  # a TU visit without TUDTC and without TR rows
                    code, i = self.first_seen[(p["code"], sc["visitnum"])]
                    self.bad(code, i, f"{code}DTC", "the date of the scan (TUDTC, or TRDTC of "
                             "the same visit)")
        self.responses()

    def responses(self) -> None:
        categories = {v: k for k, v in rs_mod.CATEGORIES.items()}
        tests = {v[0]: k for k, v in rs_mod.TESTS.items()}
        for i, row in self.mine("RS"):
            self.study_ok("RS", i, row)
            p = self.subject("RS", i, row)
            testcd = str(row.get("RSTESTCD") or "")
            if testcd not in tests:
                self.note("RS", i, "RSTESTCD", "not an overall or best overall response (not "
                          "kept)", testcd)
                continue
            cat = str(row.get("RSCAT") or "")
            criteria = categories.get(cat) if cat else self.criteria
            if criteria is None:
                self.bad("RS", i, "RSCAT", "the response criteria (RECIST 1.1, iRECIST, WHO, "
                         "NCI), or the import told which (criteria)" if not cat else
                         "criteria hdil2 records: " + ", ".join(categories), cat)
            response = str(row.get("RSSTRESC") or row.get("RSORRES") or "")
            if response not in rs_mod.RESPONSES:
                self.bad("RS", i, "RSSTRESC", "a response hdil2 records: "
                         + ", ".join(rs_mod.RESPONSES), response)
            when = self.when("RS", i, row, "RSDTC", "date", required=True)
            kind = tests[testcd]
            visitnum = self.visit_key("RS", i, row, required=False) if kind == "visit" \
                else None
            if p is None or criteria is None or response not in rs_mod.RESPONSES or when is None:
                continue
            p["responses"].append({
                "criteria": criteria, "kind": kind, "assessed_on": when, "response": response,
                "visitnum": visitnum,
                "visit": str(row.get("VISIT") or "") if kind == "visit" else ""})

    # ---- QS -------------------------------------------------------------------------------

    def qs_answer(self, i: int, row: Row, item: int) -> tuple[bool, int | None]:
        """Whether the row's results are readable, and the answer (``None``: not answered)."""
        top = qs_mod.top(item)
        found: list[tuple[str, int]] = []
        ok = True
        n = row.get("QSSTRESN")
        if n is not None and n != "":
            if not isinstance(n, Decimal) or n != n.to_integral_value() or not 1 <= n <= top:
                self.bad("QS", i, "QSSTRESN", f"an answer 1-{top} (item {item})", n)
                ok = False
            else:
                found.append(("QSSTRESN", int(n)))
        c = str(row.get("QSSTRESC") or "").strip()
        if c:
            if not c.isdigit() or not 1 <= int(c) <= top:
                self.bad("QS", i, "QSSTRESC", f"an answer 1-{top} (item {item})", c)
                ok = False
            else:
                found.append(("QSSTRESC", int(c)))
        o = str(row.get("QSORRES") or "").strip()
        if o:
            a = qs_mod.read_answer_text(item, o)
            if a is None:
                self.bad("QS", i, "QSORRES", f"an answer of item {item}: " + (
                    ", ".join(f"{w} ({k})" for k, w in qs_mod.FOUR.items()) if item <= 28
                    else "1 to 7"), o)
                ok = False
            else:
                found.append(("QSORRES", a))
        for column, a in found[1:]:
            if a != found[0][1]:
                self.bad("QS", i, column, f"the same answer as {found[0][0]} ({found[0][1]})",
                         row.get(column))
                ok = False
        stat = str(row.get("QSSTAT") or "")
        if stat not in ("", qs_mod.NOT_DONE):
            self.bad("QS", i, "QSSTAT", "NOT DONE or empty (CDISC codelist ND)", stat)
            ok = False
        elif stat and found:
            self.bad("QS", i, "QSSTAT", "empty: the row has a result", stat)
            ok = False
        return ok, found[0][1] if found else None

    def questionnaires(self) -> None:
        seen: dict[tuple[str, Any, str], dict[str, Any]] = {}
        rows_of: dict[tuple[str, Any, str, int], int] = {}
        for i, row in self.rows("QS"):
            self.study_ok("QS", i, row)
            p = self.subject("QS", i, row)
            cat, testcd = str(row.get("QSCAT") or ""), str(row.get("QSTESTCD") or "")
            if testcd == qs_mod.NOT_DONE_ALL:
                self.note("QS", i, "QSTESTCD", "a questionnaire not done (the registry records "
                          "completed questionnaires only; not kept)", testcd)
                continue
            if cat != qs_mod.CATEGORY:
                self.note("QS", i, "QSCAT", f"another questionnaire than the {qs_mod.CATEGORY}"
                          " (not kept)", cat)
                continue
            item = qs_mod.CODES.get(testcd)
            if item is None:
                self.bad("QS", i, "QSTESTCD", "an item of the EORTC QLQ-C30 (EOR0101 .. "
                         "EOR0130; hdil2 derives the scale scores itself)", testcd)
                continue
            ok, answer = self.qs_answer(i, row, item)
            day = self.when("QS", i, row, "QSDTC", "date", required=True)
            label = str(row.get("VISIT") or "").strip()
            if not label:
                self.bad("QS", i, "VISIT", "the time point's name (the registry names each "
                         "questionnaire, e.g. baseline)")
            elif len(label) > 40:
                self.bad("QS", i, "VISIT", "a time point's name of at most 40 characters",
                         label)
            if p is None or not ok or day is None or not label or len(label) > 40:
                continue
            k = (p["code"], day, label)
            q = seen.get(k)
            if q is None:
                seen[k] = q = {"completed_on": day, "label": label,
                               "answers": dict.fromkeys(qs_mod.ITEMS)}
                p["quality_of_life"].append(q)
            other = rows_of.get((*k, item))
            if other is not None:
                self.bad("QS", i, "QSTESTCD", f"one row per item and time point (row {other} "
                         f"has {testcd} of {label} on {day} too)", testcd)
                continue
            rows_of[(*k, item)] = i
            q["answers"][item] = answer

    def run(self) -> list[dict[str, Any]]:
        self.dm()
        self.suppdm()
        self.exposure()
        self.disposition()
        self.adverse_events()
        self.observations("LB", "lab", lb_mod.TESTS)
        self.observations("VS", "vital", vs_mod.TESTS)
        if self.choose_evaluator():
            self.tumors()
        self.questionnaires()
        self.out.raise_any()
        for p in self.patients.values():
            p["courses"].sort(key=lambda c: c["number"])
            for c in p["courses"]:
                c["slots"].sort(key=lambda s: (s["cycle"], s["number"]))
            p["quality_of_life"].sort(key=lambda q: (q["completed_on"], q["label"]))
        return sorted(self.patients.values(), key=lambda p: p["code"])


def parse(datasets: Mapping[str, Sequence[Row]], *, zone: str, evaluator: str | None = None,
          study: str | None = None, partial_dates: str = "refuse", criteria: str | None = None,
          notes: list[Problem] | None = None) -> list[dict[str, Any]]:
    """The registry's patient records of SDTM rows (as :func:`read_datasets` answers them).

    ``zone``: the IANA zone the ``--DTC`` wall-clock times are in (SDTM carries none).
    ``evaluator``: the reader kept from TU/TR/RS with several (``--EVALID``, else ``--EVAL``).
    ``study``: refuse rows of another ``STUDYID``. ``partial_dates``: ``"refuse"`` (default)
    or ``"first"`` (impute the earliest date; :mod:`hdil2.interop.sdtm.dtc`). ``criteria``: the
    criteria of RS rows without ``RSCAT`` (``recist1.1``, ``irecist``, ``who``, ``nci``).
    ``notes``: if given, the rows not kept are appended to it (file, row, column, why).
    Refused with :class:`~hdil2.interop.sdtm.problems.ImportRefused` (every problem found).
    """
    if not isinstance(zone, str):
        raise InputError("zone", "the IANA time zone the times were written in", zone)
    tz = ward_zone(zone, "zone")  # an Area/Location zone (docs/decisions.md#iana-zones-only)
    if partial_dates not in PARTIAL_POLICIES:
        raise InputError("partial_dates", " or ".join(PARTIAL_POLICIES), partial_dates)
    if criteria is not None and criteria not in rs_mod.CATEGORIES:
        raise InputError("criteria", ", ".join(rs_mod.CATEGORIES), criteria)
    unknown = [c for c in datasets if c not in REQUIRED_DOMAINS]
    if unknown:
        raise InputError("datasets", "SDTM domains hdil2 imports: "
                         + ", ".join(REQUIRED_DOMAINS), unknown)
    parser = _Parser(datasets, tz, evaluator, study, partial_dates, criteria)
    result = parser.run()
    if notes is not None:
        notes.extend(parser.notes)
    return result


REQUIRED_DOMAINS = ("DM", "SUPPDM", "EX", "EC", "AE", "LB", "VS", "DS", "TU", "TR", "RS",
                    "QS")
