"""The SDTM variable metadata hdil2 emits: per domain, each variable's name, label, type,
maximum length and order, and the dataset label.

Names, labels and order follow the CDISC SDTM Implementation Guide 3.4 (SDTMIG 3.4); where the
pharmaverse SDTM datasets (the CDISC pilot study) carry the same variable, the label is the one
those files carry, and a test checks that they agree. Types are ``"Char"`` or ``"Num"`` (the two
SAS transport types). ``length`` is the longest value allowed: 8 for a ``--TESTCD``, 40 for a
``--TEST`` (SDTMIG 3.4 section 4.5.3.1 rules for test codes and names), 2 for ``DOMAIN``, and
200 (the SAS transport version 5 limit) otherwise; the files are written with each character
variable as long as its longest value, as the FDA's technical conformance guide asks.

QS (Questionnaires): ``QSSTAT`` is at most 8 (``NOT DONE``). The QS labels of ``STUDYID`` ..
``QSCAT`` were checked against SDTMIG 3.4's QS table; those of the result, status and timing
variables follow SDTMIG 3.4's naming of the same variables in the other Findings domains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

VarType = Literal["Char", "Num"]


@dataclass(frozen=True, slots=True)
class Variable:
    """One SDTM variable: name (at most 8 characters), label (at most 40), type, length."""

    name: str
    label: str
    type: VarType = "Char"
    length: int = 200


@dataclass(frozen=True, slots=True)
class Domain:
    """One SDTM dataset: its code (two letters; ``SUPP`` + two for supplemental qualifiers), its
    label and its variables in order."""

    code: str
    label: str
    variables: tuple[Variable, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The variable names, in order."""
        return tuple(v.name for v in self.variables)


def _c(name: str, label: str, length: int = 200) -> Variable:
    return Variable(name, label, "Char", length)


def _n(name: str, label: str) -> Variable:
    return Variable(name, label, "Num", 8)


def _ids(code: str) -> tuple[Variable, ...]:
    return (_c("STUDYID", "Study Identifier"), _c("DOMAIN", "Domain Abbreviation", 2),
            _c("USUBJID", "Unique Subject Identifier"), _n(f"{code}SEQ", "Sequence Number"))


DM = Domain("DM", "Demographics", (
    _c("STUDYID", "Study Identifier"), _c("DOMAIN", "Domain Abbreviation", 2),
    _c("USUBJID", "Unique Subject Identifier"), _c("SUBJID", "Subject Identifier for the Study"),
    _c("RFSTDTC", "Subject Reference Start Date/Time"),
    _c("RFENDTC", "Subject Reference End Date/Time"),
    _c("RFXSTDTC", "Date/Time of First Study Treatment"),
    _c("RFXENDTC", "Date/Time of Last Study Treatment"),
    _c("DTHDTC", "Date/Time of Death"), _c("DTHFL", "Subject Death Flag", 1),
    _c("SITEID", "Study Site Identifier"), _c("BRTHDTC", "Date/Time of Birth"),
    _n("AGE", "Age"), _c("AGEU", "Age Units"), _c("SEX", "Sex", 1),
    _c("ARMCD", "Planned Arm Code", 20), _c("ARM", "Description of Planned Arm"),
    _c("ACTARMCD", "Actual Arm Code", 20), _c("ACTARM", "Description of Actual Arm"),
))

SUPPDM = Domain("SUPPDM", "Supplemental Qualifiers for DM", (
    _c("STUDYID", "Study Identifier"), _c("RDOMAIN", "Related Domain Abbreviation", 2),
    _c("USUBJID", "Unique Subject Identifier"), _c("IDVAR", "Identifying Variable", 8),
    _c("IDVARVAL", "Identifying Variable Value"), _c("QNAM", "Qualifier Variable Name", 8),
    _c("QLABEL", "Qualifier Variable Label", 40), _c("QVAL", "Data Value"),
    _c("QORIG", "Origin"), _c("QEVAL", "Evaluator"),
))

EX = Domain("EX", "Exposure", (
    *_ids("EX"), _c("EXSPID", "Sponsor-Defined Identifier"),
    _c("EXTRT", "Name of Treatment"), _n("EXDOSE", "Dose"), _c("EXDOSU", "Dose Units"),
    _c("EXDOSFRM", "Dose Form"), _c("EXDOSFRQ", "Dosing Frequency per Interval"),
    _c("EXROUTE", "Route of Administration"),
    _c("EXSTDTC", "Start Date/Time of Treatment"), _c("EXENDTC", "End Date/Time of Treatment"),
))

EC = Domain("EC", "Exposure as Collected", (
    *_ids("EC"), _c("ECSPID", "Sponsor-Defined Identifier"),
    _c("ECTRT", "Name of Treatment"), _c("ECMOOD", "Mood"), _c("ECPRESP", "Pre-Specified", 1),
    _c("ECOCCUR", "Occurrence", 1), _c("ECREASOC", "Reason for Occur Value"),
    _n("ECDOSE", "Dose"), _c("ECDOSU", "Dose Units"),
    _c("ECDOSFRQ", "Dosing Frequency per Interval"), _c("ECROUTE", "Route of Administration"),
    _c("ECSTDTC", "Start Date/Time of Treatment"), _c("ECENDTC", "End Date/Time of Treatment"),
))

AE = Domain("AE", "Adverse Events", (
    *_ids("AE"), _c("AETERM", "Reported Term for the Adverse Event"),
    _c("AEDECOD", "Dictionary-Derived Term"), _c("AESEV", "Severity/Intensity"),
    _c("AESER", "Serious Event", 1),
    _c("AEREL", "Causality"), _c("AETOXGR", "Standard Toxicity Grade", 1),
    _c("AESTDTC", "Start Date/Time of Adverse Event"),
    _c("AEENDTC", "End Date/Time of Adverse Event"),
))

LB = Domain("LB", "Laboratory Test Results", (
    *_ids("LB"), _c("LBTESTCD", "Lab Test or Examination Short Name", 8),
    _c("LBTEST", "Lab Test or Examination Name", 40),
    _c("LBORRES", "Result or Finding in Original Units"), _c("LBORRESU", "Original Units"),
    _c("LBORNRLO", "Reference Range Lower Limit in Orig Unit"),
    _c("LBORNRHI", "Reference Range Upper Limit in Orig Unit"),
    _c("LBSTRESC", "Character Result/Finding in Std Format"),
    _n("LBSTRESN", "Numeric Result/Finding in Standard Units"),
    _c("LBSTRESU", "Standard Units"),
    _n("LBSTNRLO", "Reference Range Lower Limit-Std Units"),
    _n("LBSTNRHI", "Reference Range Upper Limit-Std Units"),
    _c("LBNRIND", "Reference Range Indicator"), _c("LBBLFL", "Baseline Flag", 1),
    _c("LBTOXGR", "Standard Toxicity Grade", 1),
    _c("LBDTC", "Date/Time of Specimen Collection"),
))

VS = Domain("VS", "Vital Signs", (
    *_ids("VS"), _c("VSTESTCD", "Vital Signs Test Short Name", 8),
    _c("VSTEST", "Vital Signs Test Name", 40),
    _c("VSORRES", "Result or Finding in Original Units"), _c("VSORRESU", "Original Units"),
    _c("VSSTRESC", "Character Result/Finding in Std Format"),
    _n("VSSTRESN", "Numeric Result/Finding in Standard Units"),
    _c("VSSTRESU", "Standard Units"), _c("VSDTC", "Date/Time of Measurements"),
))

DS = Domain("DS", "Disposition", (
    *_ids("DS"), _c("DSSPID", "Sponsor-Defined Identifier"),
    _c("DSTERM", "Reported Term for the Disposition Event"),
    _c("DSDECOD", "Standardized Disposition Term"), _c("DSCAT", "Category for Disposition Event"),
    _c("DSSTDTC", "Start Date/Time of Disposition Event"),
))

RS = Domain("RS", "Disease Response and Clin Classification", (
    *_ids("RS"), _c("RSTESTCD", "Assessment Short Name", 8),
    _c("RSTEST", "Assessment Name", 40), _c("RSCAT", "Category for Assessment"),
    _c("RSORRES", "Result or Finding in Original Units"),
    _c("RSSTRESC", "Character Result/Finding in Std Format"),
    _c("RSEVAL", "Evaluator"), _n("VISITNUM", "Visit Number"), _c("VISIT", "Visit Name"),
    _c("RSDTC", "Date/Time of Assessment"),
))

TU = Domain("TU", "Tumor/Lesion Identification", (
    *_ids("TU"), _c("TULNKID", "Link ID"),
    _c("TUTESTCD", "Tumor/Lesion ID Short Name", 8),
    _c("TUTEST", "Tumor/Lesion ID Test Name", 40), _c("TUORRES", "Tumor/Lesion ID Result"),
    _c("TUSTRESC", "Tumor/Lesion ID Result Std. Format"),
    _c("TULOC", "Location of the Tumor/Lesion"), _c("TUMETHOD", "Method of Identification"),
    _c("TUEVAL", "Evaluator"), _n("VISITNUM", "Visit Number"), _c("VISIT", "Visit Name"),
    _c("TUDTC", "Date/Time of Tumor/Lesion Identification"),
))

TR = Domain("TR", "Tumor/Lesion Results", (
    *_ids("TR"), _c("TRLNKID", "Link ID"),
    _c("TRTESTCD", "Tumor/Lesion Assessment Short Name", 8),
    _c("TRTEST", "Tumor/Lesion Assessment Test Name", 40),
    _c("TRORRES", "Result or Finding in Original Units"), _c("TRORRESU", "Original Units"),
    _c("TRSTRESC", "Character Result/Finding in Std Format"),
    _n("TRSTRESN", "Numeric Result/Finding in Standard Units"),
    _c("TRSTRESU", "Standard Units"),
    _c("TRMETHOD", "Method Used to Identify the Tumor/Lesion"), _c("TREVAL", "Evaluator"),
    _n("VISITNUM", "Visit Number"), _c("VISIT", "Visit Name"),
    _c("TRDTC", "Date/Time of Tumor/Lesion Measurement"),
))

QS = Domain("QS", "Questionnaires", (
    *_ids("QS"), _c("QSTESTCD", "Question Short Name", 8), _c("QSTEST", "Question Name", 40),
    _c("QSCAT", "Category of Question"), _c("QSORRES", "Finding in Original Units"),
    _c("QSSTRESC", "Character Result/Finding in Std Format"),
    _n("QSSTRESN", "Numeric Finding in Standard Units"), _c("QSSTAT", "Completion Status", 8),
    _c("QSREASND", "Reason Not Performed"), _n("VISITNUM", "Visit Number"),
    _c("VISIT", "Visit Name"), _c("QSDTC", "Date/Time of Finding"),
))

#: the domains the export writes when not told which (the registry's export of every domain)
DOMAINS: dict[str, Domain] = {d.code: d for d in (DM, SUPPDM, EX, EC, AE, LB, VS, DS, TU, TR,
                                                 RS)}
#: every domain hdil2 writes when asked and reads: :data:`DOMAINS` and QS (the QLQ-C30
#: answers), which joins :data:`DOMAINS` once the registry's records carry
#: ``quality_of_life``
ALL_DOMAINS: dict[str, Domain] = {**DOMAINS, "QS": QS}
