"""Treatment planning: regimens, the product, body size, dosing and the q8h dose calendar."""
