"""Cohort statistics and trial design (exact tests, survival, Simon two-stage, sample size)."""
