"""The ADaM variable metadata hdil2 emits: per dataset, each variable's name, label, type,
maximum length, display format and order, and the dataset label.

Names, labels and order follow the pharmaverse ADaM example datasets (pharmaverseadam, derived
by admiral and admiralonco from the CDISC pilot study), whose variable order hdil2 keeps for
every variable both have; variables taken over from SDTM keep their SDTM label (ADaMIG 1.3
section 3.1). Variables pharmaverse does not have are documented in docs/adam.md with the
reason they are there.

Types are ``"Char"`` or ``"Num"`` (the two SAS transport types). A date (``kind="date"``) is a
numeric SAS date - days since 1960-01-01, display format ``DATE9.`` - in a transport file and
``YYYY-MM-DD`` in CSV, as pharmaverse's dates (R ``Date``) are; a date and time
(``kind="datetime"``, seconds since 1960-01-01 00:00, ``DATETIME20.``) is the ward's wall-clock
time, ``YYYY-MM-DDThh:mm:ss`` in CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hdil2.interop.sdtm.spec import Domain, Variable

VarType = Literal["Char", "Num"]
Kind = Literal["text", "number", "date", "datetime"]

#: SAS display formats of the date kinds
FORMATS = {"date": "DATE9.", "datetime": "DATETIME20."}


@dataclass(frozen=True, slots=True)
class AdamVariable:
    """One ADaM variable: name (at most 8 characters), label (at most 40), kind, length."""

    name: str
    label: str
    kind: Kind = "text"
    length: int = 200

    @property
    def type(self) -> VarType:
        """The SAS transport type: ``Char`` for text, ``Num`` for numbers, dates and times."""
        return "Char" if self.kind == "text" else "Num"

    @property
    def format(self) -> str | None:
        """The SAS display format (dates and times only)."""
        return FORMATS.get(self.kind)


@dataclass(frozen=True, slots=True)
class Dataset:
    """One ADaM dataset: its name (``ADSL``, ...), label and variables in order."""

    code: str
    label: str
    variables: tuple[AdamVariable, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The variable names, in order."""
        return tuple(v.name for v in self.variables)

    def variable(self, name: str) -> AdamVariable:
        """The variable called ``name``."""
        return next(v for v in self.variables if v.name == name)

    def as_text_domain(self) -> Domain:
        """The dataset as an SDTM-writer :class:`Domain` whose dates are text (for the CSV
        writer and the value checks of :mod:`hdil2.interop.sdtm.write`)."""
        return Domain(self.code, self.label, tuple(
            Variable(v.name, v.label, "Num", 8) if v.kind == "number"
            else Variable(v.name, v.label, "Char", v.length if v.kind == "text" else 19)
            for v in self.variables))


def _c(name: str, label: str, length: int = 200) -> AdamVariable:
    return AdamVariable(name, label, "text", length)


def _n(name: str, label: str) -> AdamVariable:
    return AdamVariable(name, label, "number", 8)


def _d(name: str, label: str) -> AdamVariable:
    return AdamVariable(name, label, "date", 8)


def _dt(name: str, label: str) -> AdamVariable:
    return AdamVariable(name, label, "datetime", 8)


STUDYID = _c("STUDYID", "Study Identifier")
USUBJID = _c("USUBJID", "Unique Subject Identifier")
SUBJID = _c("SUBJID", "Subject Identifier for the Study")
SITEID = _c("SITEID", "Study Site Identifier")
AGE = _n("AGE", "Age")
AGEU = _c("AGEU", "Age Units")
SEX = _c("SEX", "Sex", 1)
ARM = _c("ARM", "Description of Planned Arm")
ARMCD = _c("ARMCD", "Planned Arm Code", 20)
ACTARM = _c("ACTARM", "Description of Actual Arm")
ACTARMCD = _c("ACTARMCD", "Actual Arm Code", 20)
TRT01P = _c("TRT01P", "Planned Treatment for Period 01")
TRT01A = _c("TRT01A", "Actual Treatment for Period 01")
TRTSDT = _d("TRTSDT", "Date of First Exposure to Treatment")
TRTEDT = _d("TRTEDT", "Date of Last Exposure to Treatment")
SAFFL = _c("SAFFL", "Safety Population Flag", 1)
ASEQ = _n("ASEQ", "Analysis Sequence Number")

ADSL = Dataset("ADSL", "Subject-Level Analysis Dataset", (
    STUDYID, USUBJID, SUBJID, SITEID,
    _c("RFSTDTC", "Subject Reference Start Date/Time"),
    _c("RFENDTC", "Subject Reference End Date/Time"),
    _c("RFXSTDTC", "Date/Time of First Study Treatment"),
    _c("RFXENDTC", "Date/Time of Last Study Treatment"),
    _c("DTHDTC", "Date/Time of Death"), _c("DTHFL", "Subject Death Flag", 1),
    AGE, AGEU, SEX, SAFFL, ARM, ARMCD, ACTARM, ACTARMCD, TRT01P, TRT01A,
    TRTSDT, _dt("TRTSDTM", "Datetime of First Exposure to Treatment"),
    TRTEDT, _dt("TRTEDTM", "Datetime of Last Exposure to Treatment"),
    _d("LSTALVDT", "Date Last Known Alive"), _n("TRTDURD", "Total Treatment Duration (Days)"),
    _d("DTHDT", "Date of Death"), _c("BRTHDTC", "Date/Time of Birth"),
    # hdil2's additions (docs/adam.md)
    _c("ITTFL", "Intent-To-Treat Population Flag", 1),
    _c("DISEASE", "Primary Cancer"), _c("HISTOL", "Histology"),
    _c("TNMSTAGE", "TNM Stage Group"), _n("ECOGBL", "Baseline ECOG Performance Status"),
    _n("NCOURSE", "Number of Courses"), _n("DOSEGIV", "Number of Doses Given"),
    _n("DOSEHLD", "Number of Doses Held"), _n("CUMDOSE", "Cumulative Dose Given (IU)"),
    _c("DCTREAS", "Reason for Discontinuation of Treatment"),
    _d("PDDT", "Date of Progression at Follow-up"),
))

ADRS = Dataset("ADRS", "Response Analysis Dataset", (
    STUDYID, USUBJID, SUBJID, SITEID, _c("DOMAIN", "Domain Abbreviation", 2), ASEQ,
    AGE, AGEU, SEX, SAFFL, ARM, ARMCD, ACTARM, ACTARMCD, TRT01P, TRT01A, TRTSDT, TRTEDT,
    _d("ADT", "Analysis Date"), _c("AVISIT", "Analysis Visit"), _c("PARAM", "Parameter"),
    _c("PARAMCD", "Parameter Code", 8), _c("PARCAT1", "Parameter Category 1"),
    _c("PARCAT2", "Parameter Category 2"), _c("PARCAT3", "Parameter Category 3"),
    _n("AVAL", "Analysis Value"), _c("AVALC", "Analysis Value (C)"),
    _c("ANL01FL", "Analysis Flag 01", 1), _n("VISITNUM", "Visit Number"),
    _c("VISIT", "Visit Name"), _c("RSTESTCD", "Assessment Short Name", 8),
    _c("RSTEST", "Assessment Name", 40),
    _c("RSORRES", "Result or Finding in Original Units"),
    _c("RSSTRESC", "Character Result/Finding in Std Format"), _c("RSEVAL", "Evaluator"),
    _c("RSDTC", "Date/Time of Assessment"), _n("RSSEQ", "Sequence Number"),
    # hdil2's additions (docs/adam.md)
    _n("ADY", "Analysis Relative Day"),
))

ADTTE = Dataset("ADTTE", "Time-to-Event Analysis Dataset", (
    STUDYID, USUBJID, ASEQ, AGE, SEX, ARM, ARMCD, ACTARM, ACTARMCD,
    _d("ADT", "Analysis Date"), _c("PARAM", "Parameter"), _c("PARAMCD", "Parameter Code", 8),
    _n("AVAL", "Analysis Value"), _d("STARTDT", "Time-to-Event Origin Date for Subject"),
    _n("CNSR", "Censor"), _c("EVNTDESC", "Event or Censoring Description"),
    _c("CNSDTDSC", "Censor Date Description"), _c("SRCDOM", "Source Data"),
    _c("SRCVAR", "Source Variable", 8), _n("SRCSEQ", "Source Sequence Number"),
))

ADAE = Dataset("ADAE", "Adverse Events Analysis Dataset", (
    STUDYID, USUBJID, SUBJID, SITEID, _c("DOMAIN", "Domain Abbreviation", 2),
    AGE, AGEU, SEX, SAFFL, ARM, ARMCD, ACTARM, ACTARMCD, TRT01P, TRT01A, TRTSDT, TRTEDT,
    _n("AESEQ", "Sequence Number"), _c("AETERM", "Reported Term for the Adverse Event"),
    _c("AEDECOD", "Dictionary-Derived Term"),
    _c("AESTDTC", "Start Date/Time of Adverse Event"),
    _d("ASTDT", "Analysis Start Date"), _dt("ASTDTM", "Analysis Start Date/Time"),
    _c("AEENDTC", "End Date/Time of Adverse Event"),
    _d("AENDT", "Analysis End Date"), _dt("AENDTM", "Analysis End Date/Time"),
    _n("ASTDY", "Analysis Start Relative Day"), _n("AENDY", "Analysis End Relative Day"),
    _c("TRTEMFL", "Treatment Emergent Analysis Flag", 1), _c("AESER", "Serious Event", 1),
    _c("AEREL", "Causality"), _c("AREL", "Analysis Causality"),
    # hdil2's additions (docs/adam.md)
    _c("AETOXGR", "Standard Toxicity Grade", 1), _c("ATOXGR", "Analysis Toxicity Grade", 1),
    _n("ATOXGRN", "Analysis Toxicity Grade (N)"),
))

DATASETS: dict[str, Dataset] = {d.code: d for d in (ADSL, ADRS, ADTTE, ADAE)}
