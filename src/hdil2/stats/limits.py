"""Bounds on the work of the statistics and design requests.

Every ``hdil2 stats`` and ``hdil2 design`` request either answers within a stated time or is
refused at once, before any search starts, with an :class:`~hdil2.core.errors.InputError`
naming the field and saying why.  Each bound is a count of the work the request needs,
computed from its inputs in microseconds; the ``*_SECONDS`` constants are the time a request
at the bound is stated to take at most (the measured times, about half of it on a 2-core
machine, are in ``bench/README.md``).  docs/statistics.md and docs/trial-design.md list the
same bounds for users.

Survival data (``km``, ``logrank``, ``cox``) cost time in proportion to the rows read, so the
file's size bounds them; what grows faster than the rows is bounded here (groups, model
columns).
"""

from __future__ import annotations

#: Fisher exact size search and exact power (design two-proportions --method exact): cost
#: units (20,000 per power evaluation + margins × (350 + table support)) summed over the n1
#: the search scans, estimated before it starts.
EXACT_WORK = 1.5e8
EXACT_WORK_SECONDS = 10

#: Simon design search: nmax at most 1000 (binomial tables of nmax² entries); candidate
#: designs Σ (n − 1)(r_max + 1)² at most 1.5e8, and at most 4e6 at any one n (the arrays of
#: one n stay below about 200 MB).
SIMON_NMAX = 1000
SIMON_WORK = 1.5e8
SIMON_CELLS = 4.0e6
SIMON_WORK_SECONDS = 10

#: A given two-stage design (simon-oc, simon-stage1, simon-estimate): n at most 10,000.
SIMON_DESIGN_N = 10_000
SIMON_DESIGN_SECONDS = 2

#: Group sequential boundaries: kernel products per pass of the recursive integration at
#: most 2.5e7 (about 12 equally spaced analyses).  Conditional power makes three passes: at
#: most 1e8 per pass.
GS_WORK = 2.5e7
GS_WORK_SECONDS = 10
CP_WORK = 1.0e8
CP_WORK_SECONDS = 10

#: Two groups (stats compare): at most 1e8 patients per group (SciPy's Fisher test slows and
#: its conditional odds ratio overflows beyond), and a support of at most 5,000 tables for the
#: exact conditional odds ratio.
COMPARE_N = 100_000_000
COMPARE_SUPPORT = 5_000
COMPARE_SECONDS = 5

#: Cochran-Armitage trend: at most 10,000 ordered groups (linear; well under a second).
TREND_GROUPS = 10_000

#: Kaplan-Meier by group: at most 1,000 curves.  Log-rank: at most 1,000 groups and
#: rows × groups ≤ 2e7 (its per-time, per-group counts stay below about 300 MB).
KM_GROUPS = 1_000
LOGRANK_GROUPS = 1_000
LOGRANK_CELLS = 2.0e7

#: Cox regression: rows × model columns² ≤ 2.5e7 (checked before the model matrix is built).
COX_CELLS = 2.5e7
