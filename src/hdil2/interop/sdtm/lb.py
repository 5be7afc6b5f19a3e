"""LB (Laboratory Test Results): one row per laboratory observation of the registry.

* ``LBTESTCD``/``LBTEST``: the registry's code in CDISC controlled terminology (codelists LBTESTCD
  and LBTEST, :data:`TESTS`), ``LBTEST`` the name received with it when there is one
  (``name``); a code without an entry is another study's test code, kept as received
  (imported with its name); one with neither is refused, naming it.
* ``LBORRES``/``LBORRESU``: the value and unit as entered; ``LBSTRESC``/``LBSTRESN``/``LBSTRESU``:
  the same value with the unit's canonical spelling (the registry stores no conversion).
* ``LBORNRLO``/``LBORNRHI`` and ``LBSTNRLO``/``LBSTNRHI``: the reference limits stored with the
  value (same unit); ``LBNRIND`` ``LOW``/``HIGH``/``NORMAL`` against them, compared exactly.
* ``LBBLFL`` ``Y``: the latest result of each test taken at or before the first dose given (a
  result with only its day known counts as taken at the start of that day).
* ``LBTOXGR``: the CTCAE v5.0 grade (``ctcae5``) hdil2 computes for the value, its ULN and the
  baseline (:func:`hdil2.clinical.toxicity.ctcae.grade_document`), for the tests CTCAE grades
  against the ULN and the baseline (:data:`GRADED`); empty when hdil2 answers not evaluable
  (for example, a creatinine without a baseline that could be grade 1, 2 or 3) and for the
  baseline row itself.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hdil2.core.errors import InputError
from hdil2.interop.sdtm.common import (
    Row,
    decimal_text,
    iso_datetime,
    moment_key,
    number,
    subject_id,
)

TESTS: dict[str, tuple[str, str]] = {
    "creatinine": ("CREAT", "Creatinine"),
    "bilirubin": ("BILI", "Bilirubin"),
    "ast": ("AST", "Aspartate Aminotransferase"),
    "alt": ("ALT", "Alanine Aminotransferase"),
    "alkaline_phosphatase": ("ALP", "Alkaline Phosphatase"),
    "ldh": ("LDH", "Lactate Dehydrogenase"),
    "albumin": ("ALB", "Albumin"),
    "calcium": ("CA", "Calcium"),
    "sodium": ("SODIUM", "Sodium"),
    "potassium": ("K", "Potassium"),
    "magnesium": ("MG", "Magnesium"),
    "phosphate": ("PHOS", "Phosphate"),
    "bicarbonate": ("BICARB", "Bicarbonate"),
    "glucose": ("GLUC", "Glucose"),
    "hemoglobin": ("HGB", "Hemoglobin"),
    "platelets": ("PLAT", "Platelet"),
    "neutrophils": ("NEUT", "Neutrophils"),
    "lymphocytes": ("LYM", "Lymphocytes"),
    "wbc": ("WBC", "Leukocytes"),
    "tsh": ("TSH", "Thyrotropin"),
}
#: registry code -> the CTCAE term hdil2 grades it with from the value, ULN and baseline
GRADED = {"creatinine": "creatinine_increased", "bilirubin": "blood_bilirubin_increased",
          "ast": "ast_increased", "alt": "alt_increased"}


def indicator(value: Decimal, lln: Decimal | None, uln: Decimal | None) -> str:
    """``LOW`` below the LLN, ``HIGH`` above the ULN, ``NORMAL`` within; ``""`` without limits."""
    if lln is not None and value < lln:
        return "LOW"
    if uln is not None and value > uln:
        return "HIGH"
    return "NORMAL" if (lln is not None or uln is not None) else ""


def toxicity_grade(code: str, obs: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    """hdil2's CTCAE grade of one result as ``LBTOXGR`` (``""`` when not graded)."""
    from hdil2.clinical.toxicity.ctcae import grade_document

    term = GRADED.get(code)
    if term is None or obs.get("uln") is None:
        return ""
    unit = obs["unit_canonical"]
    request: dict[str, Any] = {
        "term": term, "value": f"{decimal_text(obs['value'], 'value')} {unit}",
        "uln": f"{decimal_text(obs['uln'], 'uln')} {unit}"}
    if baseline is not None:
        request["baseline"] = (f"{decimal_text(baseline['value'], 'value')} "
                               f"{baseline['unit_canonical']}")
    try:
        decision = grade_document(request)
    except InputError:
        return ""
    return str(decision.value) if isinstance(decision.value, int) else ""


def baselines(observations: list[dict[str, Any]], first_dose: dt.datetime | None,
              zone: str = "UTC") -> dict[str, int]:
    """Code -> index (in ``observations``) of its baseline: the latest at or before the first
    dose given."""
    out: dict[str, int] = {}
    if first_dose is None:
        return out
    first = moment_key(first_dose, zone)
    for i, o in enumerate(observations):
        at = moment_key(o["taken_at"], zone)
        if at <= first:
            j = out.get(o["code"])
            if j is None or moment_key(observations[j]["taken_at"], zone) <= at:
                out[o["code"]] = i
    return out


def test_names(kind: str, o: dict[str, Any], tests: dict[str, tuple[str, str]]
               ) -> tuple[str, str]:
    """``--TESTCD`` and ``--TEST`` of an observation: hdil2's code in CDISC terms (the name
    received with it, if any, as ``--TEST``), or another study's code and name as received."""
    name = o.get("name") or ""
    if o["code"] in tests:
        testcd, test = tests[o["code"]]
        return testcd, name or test
    if not name:
        raise InputError("observation.code", f"a {kind} code hdil2 exports: "
                         + ", ".join(tests) + " (or another study's test code with its name)",
                         o["code"])
    return o["code"], name


def rows(patient: dict[str, Any], study: str, first_dose: dt.datetime | None) -> list[Row]:
    """The LB rows of one patient, by time and test."""
    zone, subj = patient["zone"], subject_id(patient, study)
    labs = sorted((o for o in patient.get("observations", ()) if o["kind"] == "lab"),
                  key=lambda o: (moment_key(o["taken_at"], zone), o["code"]))
    base = baselines(labs, first_dose, zone)
    out: list[Row] = []
    for i, o in enumerate(labs):
        testcd, test = test_names("laboratory", o, TESTS)
        value = number(o["value"], "value")
        assert value is not None
        lln, uln = number(o.get("lln"), "lln"), number(o.get("uln"), "uln")
        is_base = base.get(o["code"]) == i
        b = None if is_base or o["code"] not in base else labs[base[o["code"]]]
        out.append({
            "STUDYID": study, "DOMAIN": "LB", "USUBJID": subj, "LBTESTCD": testcd,
            "LBTEST": test, "LBORRES": decimal_text(value, "value"), "LBORRESU": o["unit"],
            "LBORNRLO": decimal_text(lln, "lln"), "LBORNRHI": decimal_text(uln, "uln"),
            "LBSTRESC": decimal_text(value, "value"), "LBSTRESN": value,
            "LBSTRESU": o["unit_canonical"], "LBSTNRLO": lln, "LBSTNRHI": uln,
            "LBNRIND": indicator(value, lln, uln), "LBBLFL": "Y" if is_base else "",
            "LBTOXGR": "" if is_base else toxicity_grade(o["code"], o, b),
            "LBDTC": iso_datetime(o["taken_at"], zone, "taken_at")})
    return out
