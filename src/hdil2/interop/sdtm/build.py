"""Build the SDTM datasets from the registry's records (plain dicts).

:func:`build` takes one dict per patient, as :mod:`hdil2.registry.interchange` reads them:

``code``, ``site``, ``sex``, ``birth_date``, ``disease``, ``histology``, ``tnm_edition``,
``stage_group``, ``ecog``, ``zone`` (the IANA time zone times are written in:
the ward's, of the patient's first course), and lists ``courses`` (``number``, ``status``,
``ended_on``, ``discontinuation_reason``, ``discontinuation_detail`` and ``slots``: ``cycle``,
``number``, ``status``, ``scheduled_at``, ``given_at``, ``dose_iu``, ``reason``),
``toxicities`` (``term``, ``grade``, ``onset_at``, ``resolved_at``, ``attribution``,
``serious``), ``observations`` (``kind``, ``code``, ``taken_at``, ``value``, ``unit``,
``unit_canonical``, ``lln``, ``uln``), ``responses`` (``criteria``, ``kind``, ``assessed_on``,
``response``, ``visitnum``, ``visit``), ``followups`` (``death_on``), ``scans`` (``key``,
``date``, ``modality``, ``label``, ``visitnum``: 1, 2, ... by date), ``lesions``
(``lesion_id``, ``kind``, ``organ``, ``first_scan``: a scan's ``key``) and ``measurements``
(``scan``, ``lesion``: a ``lesion_id``, ``status``, ``longest_mm``, ``short_axis_mm``,
``perpendicular_mm``), ``quality_of_life`` (the EORTC QLQ-C30 version 3.0 questionnaires:
``completed_on`` a date, ``label`` the time point's name, e.g. ``baseline``, at most 40
characters, and ``answers`` a dict of every item 1 .. 30 to its answer, an int 1-4 for items
1-28 and 1-7 for items 29-30, or ``None`` when not answered; see
:mod:`hdil2.interop.sdtm.qs`). Times are aware UTC datetimes; dates are dates; numbers are
Decimals or ints.

It answers each requested domain's rows (dicts keyed by the domain's variables, in the order of
:mod:`hdil2.interop.sdtm.spec`), patients in code order, ``--SEQ`` numbered per subject.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from hdil2.core.errors import InputError
from hdil2.interop.sdtm import ae, dm, ds, ex, lb, qs, rs, suppdm, tumor, vs
from hdil2.interop.sdtm.common import Row, sequence
from hdil2.interop.sdtm.spec import ALL_DOMAINS, DOMAINS

STUDY_ID = "HDIL2"


def domain_codes(raw: str | Sequence[str] | None) -> tuple[str, ...]:
    """The domains asked for (``"DM,EX"`` or a list; ``None`` → those of :data:`DOMAINS`; QS
    only when asked for), refused when unknown."""
    if raw is None:
        return tuple(DOMAINS)
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    codes = tuple(dict.fromkeys(str(i).strip().upper() for i in items if str(i).strip()))
    unknown = [c for c in codes if c not in ALL_DOMAINS]
    if unknown or not codes:
        raise InputError("domains", "one or more of " + ", ".join(ALL_DOMAINS), raw)
    return codes


def _lb_rows(p: dict[str, Any], study: str) -> list[Row]:
    """LB rows, the baseline flag set against the first dose given."""
    given = dm.given_times(p)
    return lb.rows(p, study, given[0] if given else None)


# each domain's rows of one patient
_PATIENT_ROWS: dict[str, Callable[[dict[str, Any], str], list[Row]]] = {
    "DM": dm.rows, "SUPPDM": suppdm.rows, "EX": ex.ex_rows, "EC": ex.ec_rows, "AE": ae.rows,
    "LB": _lb_rows, "VS": vs.rows, "DS": ds.rows, "TU": tumor.tu_rows, "TR": tumor.tr_rows,
    "RS": rs.rows, "QS": qs.rows,
}


def _patient_rows(code: str, p: dict[str, Any], study: str) -> list[Row]:
    return _PATIENT_ROWS[code](p, study)


def build(patients: Iterable[dict[str, Any]], *, study: str = STUDY_ID,
          domains: Sequence[str] | None = None) -> dict[str, list[Row]]:
    """Each requested domain's rows, in the spec's variable order."""
    if not isinstance(study, str) or not study.strip() or len(study) > 200:
        raise InputError("study", "a study identifier (1-200 characters)", study)
    codes = domain_codes(domains)
    out: dict[str, list[Row]] = {c: [] for c in codes}
    for p in sorted(patients, key=lambda p: p["code"]):
        for c in codes:
            out[c].extend(_patient_rows(c, p, study))
    for c in codes:
        names = ALL_DOMAINS[c].names
        if f"{c}SEQ" in names:
            sequence(out[c], c)
        out[c] = [{n: r.get(n) for n in names} for r in out[c]]
    return out
