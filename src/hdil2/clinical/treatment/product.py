"""Aldesleukin (Proleukin) as supplied: vial, reconstitution, potency, dilution window.

All values are from the US label (`proleukin-label`, tag: verified) unless a field says
otherwise: each single-dose vial contains 22 × 10⁶ IU (1.3 mg); reconstituted with 1.2 mL
Sterile Water for Injection, each mL contains 18 × 10⁶ IU (1.1 mg).  IU is canonical
(docs/decisions.md#vials-in-iu): vials are counted in IU; milligrams are derived with the
label's potency relation 18 × 10⁶ IU = 1.1 mg and shown for compounding only.

**Drawable amount per vial** (policy ``vial_drawable``, docs/decisions.md#vial-drawable-amount).
The label's own reconstitution figures give 1.2 mL × 18 × 10⁶ IU/mL = 21.6 × 10⁶ IU that a
pharmacist can count on drawing from one vial; the nominal 22 × 10⁶ IU content is 0.4 × 10⁶ IU
more than those figures account for.  The default, ``reconstituted``, counts vials at 21.6 MIU
each, so a dose is never short of drug; ``nominal`` counts at 22 MIU.  The two differ only for
doses just above a multiple of 21.6 MIU (e.g. 21.9 MIU: 2 vials against 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from hdil2.core.policy import Policy
from hdil2.core.sources import Tag


@dataclass(frozen=True, slots=True)
class Product:
    """One single-dose vial product and its preparation rules."""

    name: str
    vial_iu: int  # IU per single-dose vial (nominal content)
    vial_mg: Decimal  # protein per vial as labelled (rounded on the label)
    reconstitution_ml: Decimal  # Sterile Water for Injection per vial
    concentration_iu_per_ml: int  # after reconstitution
    potency_iu: int  # potency relation: potency_iu IU ...
    potency_mg: Decimal  # ... = potency_mg mg of protein
    diluent: str
    diluent_ml: Decimal  # standard dilution volume
    window_ug_per_ml: tuple[int, int]  # final concentration window (outside: variable delivery)
    small_dose_mg: Decimal  # at or below this total dose, use a smaller diluent volume
    stability_hours: int  # reconstituted or diluted solution, 2-25 °C

    @property
    def iu_per_mg(self) -> Fraction:
        """IU per mg by the label's potency relation (18 MIU / 1.1 mg = 16.36 MIU/mg)."""
        return Fraction(self.potency_iu) / Fraction(self.potency_mg)

    @property
    def reconstituted_iu(self) -> Fraction:
        """IU in the reconstituted volume: 1.2 mL × 18 MIU/mL = 21.6 MIU per vial."""
        return Fraction(self.reconstitution_ml) * self.concentration_iu_per_ml

    def drawable_iu(self, basis: str) -> Fraction:
        """IU counted per vial under the ``vial_drawable`` policy value ``basis``."""
        if basis == "reconstituted":
            return self.reconstituted_iu
        if basis == "nominal":
            return Fraction(self.vial_iu)
        raise ValueError(f"unknown vial_drawable basis {basis!r}")

    def mg_of(self, iu: Fraction) -> Fraction:
        """Milligrams of protein in ``iu`` international units (display only)."""
        return iu / self.iu_per_mg

    def iu_of(self, mg: Fraction) -> Fraction:
        """International units in ``mg`` of protein (to dose a regimen written in mg/m²)."""
        return mg * self.iu_per_mg


PROLEUKIN = Product(
    name="Proleukin (aldesleukin) 22 × 10⁶ IU single-dose vial",
    vial_iu=22_000_000,
    vial_mg=Decimal("1.3"),
    reconstitution_ml=Decimal("1.2"),
    concentration_iu_per_ml=18_000_000,
    potency_iu=18_000_000,
    potency_mg=Decimal("1.1"),
    diluent="5% Dextrose (D5W); never Bacteriostatic Water or 0.9% sodium chloride",
    diluent_ml=Decimal(50),
    window_ug_per_ml=(30, 70),
    small_dose_mg=Decimal("1.5"),
    stability_hours=48,
)

VIAL_DRAWABLE = Policy(
    name="vial_drawable",
    default="reconstituted",
    choices=("reconstituted", "nominal"),
    source="proleukin-label",
    text="IU counted per single-dose vial: 'reconstituted' = the label's reconstitution "
    "figures, 1.2 mL × 18 MIU/mL = 21.6 MIU, so a dose is never short; 'nominal' = the "
    "labelled content, 22 MIU (see docs/decisions.md#vial-drawable-amount)",
    tag=Tag.COMPUTED,
)
