"""Dose per administration, vials, volume to draw, and totals per cycle and course.

Rules (the Proleukin label, `proleukin-label`; docs/decisions.md#vials-in-iu):

* IU is canonical.  A regimen written per kg is ``amount × dosing weight``; one written in
  mg/m² is ``amount × BSA`` converted to IU with the label's potency relation 18 MIU = 1.1 mg;
  one written in MIU/m² is ``amount × BSA``.  A mg/m² regimen is never re-expressed as IU/kg for
  dosing; the equivalent IU/kg is shown for comparison only.
* The dosing weight is actual weight unless the ``weight_basis`` policy says ideal or adjusted;
  an ideal or adjusted weight above actual weight is capped at actual weight
  (docs/decisions.md#dosing-weight-lesser).
* Vials are counted in IU: ``ceil(dose IU / drawable IU per vial)`` single-dose vials per dose,
  where the drawable amount is the ``vial_drawable`` policy: by default the label's
  reconstitution figures, 1.2 mL × 18 MIU/mL = 21.6 MIU (``nominal`` = 22 MIU;
  docs/decisions.md#vial-drawable-amount).  Every output names the amount used.  The volume to
  draw is ``dose IU / 18 MIU per mL`` after reconstitution with 1.2 mL.
* Compounding check for an IV infusion (a warning, not a stop): final concentration
  ``dose mg / (50 mL D5W + drug volume)`` outside 30-70 µg/mL gives variable delivery; a dose of
  at most 1.5 mg needs a smaller diluent volume.  70 kg at 600,000 IU/kg: 2.567 mg in 52.33 mL =
  49.0 µg/mL.  A subcutaneous dose is not diluted in D5W, so it gets no such check.
* Totals are the maxima the schedule allows (doses are held, never reduced).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hdil2.clinical.treatment.body import Bsa, BsaFormula, Sex, bsa, dosing_weight
from hdil2.clinical.treatment.product import PROLEUKIN, VIAL_DRAWABLE, Product
from hdil2.clinical.treatment.regimens import (
    Component,
    Q8hSchedule,
    Regimen,
    ScWeeklySchedule,
    regimen,
)
from hdil2.clinical.treatment.schedule_counts import sc_doses_per_cycle
from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.policy import check_overrides
from hdil2.core.quantity import Quantity
from hdil2.core.result import Result
from hdil2.core.sources import Tag


def round_to(value: Fraction, places: str) -> Decimal:
    """An exact value rounded half-up to ``places`` (e.g. ``"0.01"``) for output.

    Half-up, not the banker's rounding of ``Decimal``'s default context: 0.125 mL is shown as
    0.13 mL, as a pharmacist rounds.
    """
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return d.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _show(d: Decimal | Fraction, places: str = "0.001") -> str:
    if isinstance(d, Fraction):
        d = round_to(d, places)
    s = f"{d:,f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


@dataclass(frozen=True, slots=True)
class Preparation(Result):
    """How one aldesleukin dose is drawn up and (for an IV infusion) diluted.

    ``vials`` was counted at ``vial_drawable_iu`` IU per vial (``vial_drawable`` names the policy
    value: ``reconstituted`` = 1.2 mL × 18 MIU/mL, ``nominal`` = the labelled 22 MIU).  The
    dilution fields are ``None`` for a subcutaneous dose.
    """

    vials: int
    vial_drawable: str
    vial_drawable_iu: Decimal
    vial_nominal_iu: Decimal
    volume_ml: Decimal
    diluent_ml: Decimal | None
    final_volume_ml: Decimal | None
    concentration_ug_per_ml: Decimal | None
    warnings: tuple[Reason, ...]
    vial_reason: Reason


@dataclass(frozen=True, slots=True)
class ComponentDose(Result):
    """The dose of one drug of the regimen for this patient."""

    agent: str
    written: str  # the regimen's own expression, e.g. "600,000 IU/kg IV"
    dose_iu: Decimal
    dose_mg: Decimal | None  # aldesleukin only (display; IU is canonical)
    route: str
    infusion_minutes: int | None
    doses_per_cycle: int
    doses_per_course: int
    iu_per_cycle: Decimal
    iu_per_course: Decimal
    preparation: Preparation | None
    vials_per_cycle: int | None
    vials_per_course: int | None
    equivalent: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class DosePlan(Result):
    """Everything a pharmacist needs to prepare the regimen's doses, with the reasons."""

    regimen: str
    regimen_name: str
    weight_kg: Decimal  # the dosing weight
    weight_basis: str
    actual_weight_kg: Decimal
    basis_weight_kg: Decimal  # the basis's weight before the cap at actual weight
    weight_capped: bool
    bsa_m2: Decimal | None
    bsa_formula: str | None
    components: tuple[ComponentDose, ...]
    reasons: tuple[Reason, ...]

    @property
    def il2(self) -> ComponentDose:
        return next(c for c in self.components if c.agent == "aldesleukin")


def _counts(r: Regimen, overrides: Mapping[str, Any] | None) -> dict[str, tuple[int, int]]:
    """Maximum doses per cycle and per course for each agent."""
    s = r.schedule
    if isinstance(s, Q8hSchedule):
        return {c.agent: (s.max_doses_per_cycle, s.max_doses_per_course) for c in r.components}
    assert isinstance(s, ScWeeklySchedule)
    il2, ifn = sc_doses_per_cycle(r, overrides)
    return {"aldesleukin": (il2, il2), "interferon alfa-2b": (ifn, ifn)}


def prepare(dose_iu: Fraction, product: Product = PROLEUKIN,
            drawable: str = VIAL_DRAWABLE.default, route: str = "IV") -> Preparation:
    """Vials, volume and (IV only) final concentration for one dose (`proleukin-label`).

    ``drawable`` is the ``vial_drawable`` policy value; ``route`` ``"SC"`` skips the D5W
    dilution and its concentration checks.
    """
    per_vial = product.drawable_iu(drawable)
    vials = math.ceil(dose_iu / per_vial)
    volume = dose_iu / product.concentration_iu_per_ml
    mg = product.mg_of(dose_iu)
    vial_reason = Reason(
        rule="label.vial_count", source="proleukin-label", tag=Tag.COMPUTED,
        text=f"{_show(dose_iu, '1')} IU ÷ {_show(per_vial, '1')} IU per vial "
        + ("(1.2 mL × 18 MIU/mL after reconstitution, the label's figures)"
           if drawable == "reconstituted" else "(the labelled 22 MIU content)")
        + f" = {_show(dose_iu / per_vial, '0.01')} → {vials} single-dose "
        f"vial{'s' if vials != 1 else ''} (policy vial_drawable = {drawable!r})",
        inputs={"dose_iu": round_to(dose_iu, "1"), "vial_drawable_iu": round_to(per_vial, "1"),
                "vial_drawable": drawable})
    prep = Preparation(
        vials=vials, vial_drawable=drawable, vial_drawable_iu=round_to(per_vial, "1"),
        vial_nominal_iu=Decimal(product.vial_iu), volume_ml=round_to(volume, "0.01"),
        diluent_ml=None, final_volume_ml=None, concentration_ug_per_ml=None, warnings=(),
        vial_reason=vial_reason)
    if route != "IV":  # s.c. injection: no D5W dilution, no concentration window
        return prep
    diluent = Fraction(product.diluent_ml)
    final = diluent + volume
    conc = mg * 1000 / final
    lo, hi = product.window_ug_per_ml
    warnings: list[Reason] = []
    inputs = {"dose_mg": round_to(mg, "0.001"), "final_volume_ml": round_to(final, "0.01"),
              "concentration_ug_per_ml": round_to(conc, "0.1")}
    if mg <= Fraction(product.small_dose_mg):
        warnings.append(Reason(
            rule="label.small_dose_volume", source="proleukin-label", tag=Tag.VERIFIED,
            text=f"total dose {_show(mg)} mg is ≤ {product.small_dose_mg} mg: use a smaller D5W "
            "volume so the concentration stays within 30-70 µg/mL", inputs=inputs))
    if not lo <= conc <= hi:
        warnings.append(Reason(
            rule="label.concentration_window", source="proleukin-label", tag=Tag.VERIFIED,
            text=f"{_show(mg)} mg in {_show(final, '0.01')} mL = {_show(conc, '0.1')} µg/mL is "
            f"outside {lo}-{hi} µg/mL, where delivery is variable: adjust the D5W volume "
            "(warning, not a stop)", inputs=inputs))
    return dataclasses.replace(
        prep, diluent_ml=product.diluent_ml, final_volume_ml=round_to(final, "0.01"),
        concentration_ug_per_ml=round_to(conc, "0.1"), warnings=tuple(warnings))


def plan_dose(
    regimen_key: str,
    weight: Quantity,
    height: Quantity | None = None,
    sex: Sex | None = None,
    bsa_formula: BsaFormula = "mosteller",
    policies: Mapping[str, Any] | None = None,
    product: Product = PROLEUKIN,
) -> DosePlan:
    """Dose every component of ``regimen_key`` for a patient.

    ``weight`` and ``height`` are :class:`Quantity` values with units; ``height`` is needed for a
    per-m² regimen (and to show the mg/m² equivalent of a per-kg one).  ``policies`` overrides
    named policies of the regimen (``weight_basis`` ...).
    """
    r = regimen(regimen_key)
    check_overrides(r.policies, policies)
    reasons: list[Reason] = []
    basis_policy = r.policies["weight_basis"]
    basis = basis_policy.resolve(policies)
    reasons.append(basis_policy.reason(basis))
    cap_policy = r.policies["weight_basis_cap"]
    cap = cap_policy.resolve(policies)
    if basis != "actual":
        reasons.append(cap_policy.reason(cap))
    weight_used = dosing_weight(weight, basis, height, sex, cap)
    reasons.extend(weight_used.reasons)
    vial_policy = r.policies["vial_drawable"]
    drawable = vial_policy.resolve(policies)
    reasons.append(vial_policy.reason(drawable))
    needs_bsa = any(c.basis == "m²" for c in r.components)
    body: Bsa | None = None
    if height is None and needs_bsa:
        raise InputError("height", f"required: regimen {r.key} is dosed per m² of body surface")
    if height is not None:
        # BSA from the same weight as the per-kg dose (the dosing weight)
        body = bsa(Quantity.of(round_to(weight_used.kg, "0.0001"), "kg"), height, bsa_formula)
        reasons.append(body.reason)
    counts = _counts(r, policies)
    comps: list[ComponentDose] = []
    for c in r.components:
        comps.append(_dose_component(c, weight_used.kg, body, counts[c.agent], product, drawable,
                                     reasons))
    reasons.extend(r.reasons())
    return DosePlan(
        regimen=r.key, regimen_name=r.name, weight_kg=round_to(weight_used.kg, "0.01"),
        weight_basis=basis, actual_weight_kg=round_to(weight_used.actual_kg, "0.01"),
        basis_weight_kg=round_to(weight_used.basis_kg, "0.01"),
        weight_capped=weight_used.capped,
        bsa_m2=None if body is None else body.m2.quantize(Decimal("0.0001")),
        bsa_formula=None if body is None else body.formula,
        components=tuple(comps), reasons=tuple(reasons),
    )


def _dose_component(
    c: Component,
    kg: Fraction,
    body: Bsa | None,
    counts: tuple[int, int],
    product: Product,
    drawable: str,
    reasons: list[Reason],
) -> ComponentDose:
    amount = Fraction(c.amount)
    per_cycle, per_course = counts
    size = kg if c.basis == "kg" else (Fraction(body.m2) if body else None)
    assert size is not None  # per-m² regimens require height (checked by the caller)
    if c.unit == "IU":
        dose_iu = amount * size
        how = f"{c.label} × {_show(size, '0.0001')} {c.basis} = {_show(dose_iu, '1')} IU"
    else:  # written in mg per m²: convert with the label's potency relation (IU canonical)
        if c.agent != "aldesleukin":
            raise InputError("regimen", f"{c.agent} written in mg cannot be converted to IU")
        mg = amount * size
        dose_iu = product.iu_of(mg)
        how = (f"{c.label} × {_show(size, '0.0001')} m² = {_show(mg)} mg = "
               f"{_show(dose_iu, '1')} IU (18 MIU = 1.1 mg)")
    reasons.append(Reason(
        rule=f"dose.{c.agent.replace(' ', '_')}", source=c.fact.source, tag=c.fact.tag,
        text=how, inputs={"amount": c.amount, "unit": f"{c.unit}/{c.basis}",
                          "size": round_to(size, "0.0001")}))
    is_il2 = c.agent == "aldesleukin"
    prep = prepare(dose_iu, product, drawable, c.route) if is_il2 else None
    equivalent: dict[str, Decimal] = {}
    if is_il2:
        mg = product.mg_of(dose_iu)
        equivalent["iu_per_kg"] = round_to(dose_iu / kg, "1")
        equivalent["mg_per_kg"] = round_to(mg / kg, "0.0001")
        if body is not None:
            equivalent["mg_per_m2"] = round_to(mg / Fraction(body.m2), "0.001")
            equivalent["miu_per_m2"] = round_to(dose_iu / Fraction(body.m2) / 10**6, "0.01")
            equivalent["kg_per_m2"] = round_to(kg / Fraction(body.m2), "0.1")
            reasons.append(_equivalence_reason(c, dose_iu, kg, body, product))
        if prep is not None:
            reasons.append(prep.vial_reason)
            reasons.extend(prep.warnings)
    vials = prep.vials if prep else None
    return ComponentDose(
        agent=c.agent, written=c.label, dose_iu=round_to(dose_iu, "1"),
        dose_mg=round_to(product.mg_of(dose_iu), "0.001") if is_il2 else None,
        route=c.route, infusion_minutes=c.infusion_minutes,
        doses_per_cycle=per_cycle, doses_per_course=per_course,
        iu_per_cycle=round_to(dose_iu * per_cycle, "1"),
        iu_per_course=round_to(dose_iu * per_course, "1"),
        preparation=prep,
        vials_per_cycle=None if vials is None else vials * per_cycle,
        vials_per_course=None if vials is None else vials * per_course,
        equivalent=equivalent,
    )


# Atkins 1993 (`atkins1993`): "1.33 mg/m² (~600,000 IU/kg)": the ratio at which the two agree
_ATKINS1993_MG_M2 = Fraction("1.33")
_ATKINS1993_IU_KG = Fraction(600_000)


def break_even_kg_per_m2(product: Product = PROLEUKIN) -> Fraction:
    """Weight/BSA at which 1.33 mg/m² equals 600,000 IU/kg (36.3 kg/m², with 18 MIU = 1.1 mg)."""
    return product.iu_of(_ATKINS1993_MG_M2) / _ATKINS1993_IU_KG


def _equivalence_reason(
    c: Component, dose_iu: Fraction, kg: Fraction, body: Bsa, product: Product
) -> Reason:
    ratio = kg / Fraction(body.m2)
    even = break_even_kg_per_m2(product)
    mg = product.mg_of(dose_iu)
    if c.basis == "kg":
        text = (f"{c.label} = {_show(mg)} mg for this patient = "
                f"{_show(mg / Fraction(body.m2))} mg/m²; Atkins 1993's "
                "'1.33 mg/m² (~600,000 IU/kg)' "
                f"holds only when weight/BSA = {_show(even, '0.1')} kg/m² (this patient "
                f"{_show(ratio, '0.1')} kg/m²)")
    else:
        text = (f"{c.label} = {_show(dose_iu / kg, '1')} IU/kg for this patient (weight/BSA "
                f"{_show(ratio, '0.1')} kg/m²; 1.33 mg/m² equals 600,000 IU/kg only at "
                f"{_show(even, '0.1')} kg/m²); dosed as written in mg/m², not as IU/kg")
    inputs = {"weight_kg": round_to(kg, "0.01"), "bsa_m2": body.m2.quantize(Decimal("0.0001"))}
    return Reason(rule="dose.mg_m2_vs_iu_kg", source="atkins1993", tag=Tag.COMPUTED, text=text,
                  inputs=inputs)


class DoseRequest(BaseModel):
    """JSON input of ``hdil2 dose``: the regimen and the patient's body size, with units."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regimen: str = Field(description="regimen key (see `hdil2 regimens`)")
    weight: Quantity = Field(description="pre-course body weight, e.g. '70 kg'")
    height: Quantity | None = Field(
        default=None, description="height, e.g. '175 cm'; required for per-m² regimens")
    sex: Literal["female", "male"] | None = Field(
        default=None, description="needed only for the ideal/adjusted weight policies")
    bsa_formula: Literal["mosteller", "dubois"] = Field(
        default="mosteller", description="BSA formula; named in the output")
    policies: dict[str, str | int] = Field(
        default_factory=dict, description="overrides of the regimen's named policies")

    def plan(self) -> DosePlan:
        """Run :func:`plan_dose` on this request."""
        return plan_dose(self.regimen, self.weight, self.height, self.sex, self.bsa_formula,
                         self.policies)
