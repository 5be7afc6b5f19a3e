"""Factor evaluators shared by several models: performance status, lab limits, intervals.

All comparisons are exact (:class:`~fractions.Fraction` via :meth:`Quantity.exact`), so
"LDH > 1.5 × ULN" at exactly 1.5 × ULN is absent, never a float artefact.

"< 1 year" between two dates uses calendar arithmetic (docs/decisions.md#one-year-arithmetic):
the factor is present when ``end < start + 1 year`` with ``dateutil.relativedelta`` (29
February + 1 year = 28 February); exactly one year is absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Literal

from dateutil.relativedelta import relativedelta

from hdil2.clinical.selection.models.base import Factor, exact_text
from hdil2.clinical.selection.models.policies import PS_CONVERSION
from hdil2.clinical.selection.patient import Patient
from hdil2.core.decision import Reason
from hdil2.core.sources import Tag

KPS_CUTOFF = 80  # KPS < 80 % (motzer1999, motzer2002, heng2009; verified)

# ECOG grade -> (lowest, highest) Karnofsky it corresponds to (unverified; a policy)
ECOG_TO_KPS: dict[int, tuple[int, int]] = {0: (90, 100), 1: (70, 80), 2: (0, 60), 3: (0, 60),
                                           4: (0, 60)}

LAB_LABELS: dict[str, str] = {
    "creatinine": "creatinine", "bilirubin": "bilirubin", "ast": "AST", "alt": "ALT",
    "ldh": "LDH", "platelets": "platelets", "neutrophils": "neutrophils",
    "hemoglobin": "haemoglobin", "calcium": "calcium", "albumin": "albumin", "tsh": "TSH",
}


def one_year_after(start: dt.date) -> dt.date:
    """``start`` + 1 calendar year; 29 February maps to 28 February."""
    result: dt.date = start + relativedelta(years=1)
    return result


def less_than_one_year(start: dt.date, end: dt.date) -> bool:
    """True when ``end`` falls before ``start`` + 1 year; exactly one year is False."""
    return end < one_year_after(start)


def kps_below_80(
    patient: Patient,
    policies: Mapping[str, Any] | None,
    *,
    model: str,
    source: str,
    tag: Tag,
) -> Factor:
    """Karnofsky performance status < 80 %; from ECOG only under the conversion policy."""
    key, label = "kps_below_80", "Karnofsky performance status < 80 %"
    rule = f"{model}.{key}"
    kps = patient.karnofsky
    if kps is not None:
        present = kps < KPS_CUTOFF
        text = f"KPS {kps} % is {'<' if present else '≥'} {KPS_CUTOFF} %: " + (
            "factor present" if present else "factor absent")
        return Factor(key, label, "present" if present else "absent", f"KPS {kps} %",
                      Reason(rule, source, text, {"karnofsky": kps}, tag))
    conversion = PS_CONVERSION.resolve(policies)
    ecog = patient.ecog
    if ecog is None or conversion == "none":
        why = ("Karnofsky not recorded" if ecog is None else
               f"Karnofsky not recorded; ECOG {ecog} not converted (policy "
               f"{PS_CONVERSION.name} = 'none')")
        return Factor(key, label, "indeterminate", None if ecog is None else f"ECOG {ecog}",
                      Reason(rule, source, f"{why}: factor indeterminate",
                             {"karnofsky": None, "ecog": ecog}, Tag.UNVERIFIED),
                      missing=("karnofsky",))
    low, high = ECOG_TO_KPS[ecog]
    inputs = {"karnofsky": None, "ecog": ecog, "kps_range": f"{low}-{high}"}
    if high < KPS_CUTOFF:
        status: Literal["present", "absent", "indeterminate"] = "present"
    elif low >= KPS_CUTOFF:
        status = "absent"
    else:
        status = "indeterminate"
    text = (f"Karnofsky not recorded; ECOG {ecog} corresponds to KPS {low}-{high} % "
            f"(policy {PS_CONVERSION.name} = {conversion!r}, unverified mapping): ")
    text += {"present": "below 80 %, factor present", "absent": "≥ 80 %, factor absent",
             "indeterminate": "spans the 80 % cut-off, factor indeterminate — record the "
             "Karnofsky score"}[status]
    return Factor(key, label, status, f"ECOG {ecog} (KPS {low}-{high} %)",
                  Reason(rule, source, text, inputs, Tag.UNVERIFIED),
                  missing=("karnofsky",) if status == "indeterminate" else ())


def lab_factor(
    patient: Patient,
    analyte: str,
    *,
    op: Literal[">", "<"],
    limit: Literal["uln", "lln"],
    multiple: Fraction = Fraction(1),
    model: str,
    source: str,
    tag: Tag,
    key: str | None = None,
) -> Factor:
    """A laboratory value compared with a multiple of its own LLN or ULN, exactly."""
    name = LAB_LABELS[analyte]
    times = "" if multiple == 1 else f"{exact_text(multiple)} × "
    label = f"{name} {op} {times}{limit.upper()}"
    key = key or f"{analyte}_{'above' if op == '>' else 'below'}_{limit}"
    rule = f"{model}.{key}"
    lab = patient.lab(analyte)
    if lab is None:
        return Factor(key, label, "indeterminate", None,
                      Reason(rule, source, f"{name} not recorded: factor indeterminate",
                             {analyte: None}, tag), missing=(f"labs.{analyte}",))
    bound = lab.uln if limit == "uln" else lab.lln
    if bound is None:
        return Factor(key, label, "indeterminate", f"{lab.value}",
                      Reason(rule, source, f"{name} {lab.value} has no {limit.upper()}: factor "
                             "indeterminate", {analyte: str(lab.value), limit: None}, tag),
                      missing=(f"labs.{analyte}.{limit}",))
    unit = lab.value.unit
    value = lab.value.exact(unit)
    threshold = multiple * bound.exact(unit)
    present = value > threshold if op == ">" else value < threshold
    ratio = (f" = {exact_text(value / bound.exact(unit))} × ULN"
             if limit == "uln" and bound.value != 0 else "")
    shown = f"{lab.value}{ratio} ({limit.upper()} {bound})"
    verb = {">": ("above", "not above"), "<": ("below", "not below")}[op]
    text = (f"{name} {lab.value} is {verb[0] if present else verb[1]} {times}{limit.upper()} "
            f"{bound} (threshold {exact_text(threshold)} {unit}, a value equal to it is "
            f"absent): factor {'present' if present else 'absent'}")
    inputs = {analyte: str(lab.value), limit: str(bound), "multiple": exact_text(multiple),
              "date": lab.date}
    return Factor(key, label, "present" if present else "absent", shown,
                  Reason(rule, source, text, inputs, tag))


def interval_factor(
    patient: Patient,
    start_field: str,
    end_field: str,
    *,
    key: str,
    label: str,
    model: str,
    source: str,
    tag: Tag,
) -> Factor:
    """``end − start < 1 year`` by calendar arithmetic; missing dates → indeterminate."""
    start: dt.date | None = getattr(patient, start_field)
    end: dt.date | None = getattr(patient, end_field)
    rule = f"{model}.{key}"
    missing = tuple(f for f, v in ((start_field, start), (end_field, end)) if v is None)
    if start is None or end is None:
        return Factor(key, label, "indeterminate", None,
                      Reason(rule, source, f"{' and '.join(missing)} not recorded: factor "
                             "indeterminate", {start_field: start, end_field: end}, tag),
                      missing=missing)
    anniversary = one_year_after(start)
    present = end < anniversary
    delta = relativedelta(end, start)
    span = f"{delta.years} y {delta.months} mo {delta.days} d"
    if end < start:
        span = f"{(start - end).days} days before {start_field}"
    text = (f"{start_field} {start} → {end_field} {end} ({span}); one year after {start} is "
            f"{anniversary}: "
            + ("< 1 year, factor present" if present else "≥ 1 year, factor absent"))
    return Factor(key, label, "present" if present else "absent", span,
                  Reason(rule, source, text, {start_field: start, end_field: end}, tag))
