"""Toxicity: CTCAE v5.0 grading (``ctcae``) and dose-hold advice (``holds``)."""
