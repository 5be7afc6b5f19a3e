"""Albumin-corrected serum calcium and the two calcium factors (MSKCC, IMDC).

* Canonical unit mg/dL (docs/decisions.md#calcium-unit): a calcium in mmol/L is converted
  with × 4.008 before any comparison; its ULN is converted with the same factor, so "above ULN"
  is the same comparison as in the laboratory's own unit.
* Formula (policy ``calcium_correction``, unverified; docs/decisions.md#corrected-calcium-formula):

  - ``payne`` (default): Ca + 0.8 × (4.0 − albumin g/dL).  The 0.8 coefficient is the common
    clinical form; Payne 1973's abstract gives Ca − albumin + 4.0 (`payne1973`).
  - ``mskcc_0707``: Ca − 0.707 × (albumin − 3.4), reported for MSKCC work, unverified.

  The formula MSKCC and IMDC used could not be verified; every output names the formula.
* Missing albumin leaves the corrected calcium, and both factors, indeterminate: total
  calcium is never used silently in its place.
* MSKCC factor: corrected Ca > 10.0 mg/dL (so 2.50 mmol/L = 10.02 mg/dL counts).
  IMDC factor: corrected Ca > the laboratory's ULN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from hdil2.clinical.selection.models.base import Factor, exact_text, rounded
from hdil2.clinical.selection.models.policies import CALCIUM_CORRECTION, validate_policies
from hdil2.clinical.selection.patient import Patient
from hdil2.core.decision import Reason
from hdil2.core.quantity import Quantity
from hdil2.core.result import Result
from hdil2.core.sources import Tag

CA_MMOL_L_TO_MG_DL = Fraction("4.008")  # see docs/decisions.md#calcium-unit
MSKCC_CALCIUM_MG_DL = Fraction(10)  # corrected Ca > 10.0 mg/dL (motzer2002; verified)


@dataclass(frozen=True, slots=True)
class Formula:
    """Ca_corrected = Ca + coefficient × (reference − albumin), Ca in mg/dL, albumin in g/dL."""

    name: str
    coefficient: Fraction
    reference_g_dl: Fraction
    source: str
    tag: Tag
    text: str


FORMULAS: dict[str, Formula] = {
    "payne": Formula("payne", Fraction("0.8"), Fraction("4.0"), "payne1973", Tag.UNVERIFIED,
                     "Ca + 0.8 × (4.0 − albumin)"),
    "mskcc_0707": Formula("mskcc_0707", Fraction("0.707"), Fraction("3.4"), "motzer1999",
                          Tag.UNVERIFIED, "Ca − 0.707 × (albumin − 3.4)"),
}


def to_mg_dl(calcium: Quantity) -> Fraction:
    """A calcium quantity in mg/dL (mmol/L × 4.008)."""
    if calcium.dimension == "mmol/L":
        return calcium.exact("mmol/L") * CA_MMOL_L_TO_MG_DL
    return calcium.exact("mg/dL")


@dataclass(frozen=True, slots=True)
class ExactCalcium:
    """A corrected calcium and its ULN in mg/dL as exact fractions (for the comparisons)."""

    value_mg_dl: Fraction | None
    uln_mg_dl: Fraction | None
    formula: str
    missing: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class CorrectedCalcium(Result):
    """The corrected calcium as reported: mg/dL rounded half-up to 0.01, formula and reasons.

    ``status`` is ``incomplete`` when an input is missing (named in ``missing``); the factors
    compare the exact value (:func:`exact_corrected_calcium`), never this rounded one.
    """

    status: Literal["complete", "incomplete"]
    value_mg_dl: Decimal | None
    uln_mg_dl: Decimal | None
    formula: str
    missing: tuple[str, ...]
    reasons: tuple[Reason, ...]

    @classmethod
    def of(cls, exact: ExactCalcium) -> CorrectedCalcium:
        """The reported form of an exact corrected calcium."""
        return cls("incomplete" if exact.value_mg_dl is None else "complete",
                   None if exact.value_mg_dl is None else rounded(exact.value_mg_dl, "0.01"),
                   None if exact.uln_mg_dl is None else rounded(exact.uln_mg_dl, "0.01"),
                   exact.formula, exact.missing, exact.reasons)


def corrected_calcium(
    patient: Patient, policies: Mapping[str, Any] | None = None
) -> CorrectedCalcium:
    """The albumin-corrected calcium of ``patient`` as reported (mg/dL to 0.01)."""
    return CorrectedCalcium.of(exact_corrected_calcium(patient, policies))


def exact_corrected_calcium(
    patient: Patient, policies: Mapping[str, Any] | None = None
) -> ExactCalcium:
    """The albumin-corrected calcium of ``patient`` under the ``calcium_correction`` policy."""
    validate_policies(policies)
    name = CALCIUM_CORRECTION.resolve(policies)
    f = FORMULAS[name]
    reasons: list[Reason] = [CALCIUM_CORRECTION.reason(name)]
    ca, alb = patient.lab("calcium"), patient.lab("albumin")
    missing = tuple(p for p, v in (("labs.calcium", ca), ("labs.albumin", alb)) if v is None)
    uln = None if ca is None or ca.uln is None else to_mg_dl(ca.uln)
    if ca is None or alb is None:
        reasons.append(Reason(
            "calcium.corrected", f.source, tag=f.tag, inputs={"calcium": ca and str(ca.value),
                                                               "albumin": alb and str(alb.value)},
            text=f"{' and '.join(missing)} not recorded: corrected calcium not computed "
            "(total calcium is not used in its place)"))
        return ExactCalcium(None, uln, name, missing, tuple(reasons))
    ca_mg = to_mg_dl(ca.value)
    if ca.value.dimension == "mmol/L":
        reasons.append(Reason(
            "calcium.unit", "motzer2002", tag=Tag.COMPUTED,
            inputs={"calcium": str(ca.value)},
            text=f"calcium {ca.value} × 4.008 = {exact_text(ca_mg, '0.001')} mg/dL "
            "(docs/decisions.md#calcium-unit)"))
    alb_g_dl = alb.value.exact("g/dL")
    value = ca_mg + f.coefficient * (f.reference_g_dl - alb_g_dl)
    reasons.append(Reason(
        "calcium.corrected", f.source, tag=f.tag,
        inputs={"calcium_mg_dl": rounded(ca_mg, "0.001"),
                "albumin_g_dl": rounded(alb_g_dl, "0.001"), "formula": name},
        text=f"corrected calcium ({name}: {f.text}) = {exact_text(ca_mg, '0.001')} "
        f"{'+' if f.coefficient >= 0 else '−'} {exact_text(f.coefficient, '0.001')} × "
        f"({exact_text(f.reference_g_dl, '0.1', strip=False)} − {exact_text(alb_g_dl, '0.01')}) = "
        f"{exact_text(value, '0.001')} mg/dL"))
    return ExactCalcium(value, uln, name, (), tuple(reasons))


def calcium_above_10_factor(
    patient: Patient, policies: Mapping[str, Any] | None, *, model: str, source: str
) -> Factor:
    """MSKCC factor: corrected calcium > 10.0 mg/dL (exactly 10.0 is absent)."""
    key, label = "corrected_calcium_above_10", "corrected calcium > 10.0 mg/dL"
    cc = exact_corrected_calcium(patient, policies)
    rule = f"{model}.{key}"
    gone = ", ".join(cc.missing)
    if cc.value_mg_dl is None:
        return Factor(key, label, "indeterminate", None,
                      Reason(rule, source, f"corrected calcium not computed ({gone} "
                             "missing): factor indeterminate", {}, Tag.VERIFIED),
                      missing=cc.missing)
    present = cc.value_mg_dl > MSKCC_CALCIUM_MG_DL
    shown = f"{exact_text(cc.value_mg_dl, '0.01')} mg/dL ({cc.formula})"
    text = (f"corrected calcium {exact_text(cc.value_mg_dl, '0.001')} mg/dL ({cc.formula}) is "
            f"{'>' if present else '≤'} 10.0 mg/dL: factor {'present' if present else 'absent'}")
    return Factor(key, label, "present" if present else "absent", shown,
                  Reason(rule, source, text,
                         {"corrected_calcium_mg_dl": rounded(cc.value_mg_dl, "0.001"),
                          "formula": cc.formula}, Tag.VERIFIED))


def calcium_above_uln_factor(
    patient: Patient, policies: Mapping[str, Any] | None, *, model: str, source: str
) -> Factor:
    """IMDC factor: corrected calcium > the laboratory's ULN (equal to ULN is absent)."""
    key, label = "corrected_calcium_above_uln", "corrected calcium > ULN"
    cc = exact_corrected_calcium(patient, policies)
    rule = f"{model}.{key}"
    missing = list(cc.missing)
    if patient.lab("calcium") is not None and cc.uln_mg_dl is None:
        missing.append("labs.calcium.uln")
    if cc.value_mg_dl is None or cc.uln_mg_dl is None:
        return Factor(key, label, "indeterminate", None,
                      Reason(rule, source, f"{', '.join(missing)} missing: factor "
                             "indeterminate", {}, Tag.VERIFIED), missing=tuple(missing))
    present = cc.value_mg_dl > cc.uln_mg_dl
    shown = (f"{exact_text(cc.value_mg_dl, '0.01')} mg/dL ({cc.formula}); ULN "
             f"{exact_text(cc.uln_mg_dl, '0.01')} mg/dL")
    text = (f"corrected calcium {exact_text(cc.value_mg_dl, '0.001')} mg/dL ({cc.formula}) is "
            f"{'above' if present else 'not above'} the ULN {exact_text(cc.uln_mg_dl, '0.001')} "
            f"mg/dL: factor {'present' if present else 'absent'}")
    return Factor(key, label, "present" if present else "absent", shown,
                  Reason(rule, source, text,
                         {"corrected_calcium_mg_dl": rounded(cc.value_mg_dl, "0.001"),
                          "uln_mg_dl": rounded(cc.uln_mg_dl, "0.001"), "formula": cc.formula},
                         Tag.VERIFIED))
