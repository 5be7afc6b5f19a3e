"""Aldesleukin (Proleukin) as supplied: vial, reconstitution, potency, dilution window.

All values are from the US label (clinical reference §1.6, §1.8) [V] unless a field says
otherwise.  IU is canonical (reference D9): vials are counted in IU; milligrams are derived with
the label's potency relation 18 × 10⁶ IU = 1.1 mg and shown for compounding only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Product:
    """One single-dose vial product and its preparation rules."""

    name: str
    vial_iu: int  # IU per single-dose vial
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

    def mg_of(self, iu: Fraction) -> Fraction:
        """Milligrams of protein in ``iu`` international units (display only, D9)."""
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
