"""``hdil2 registry demo``: load the synthetic Lee et al. 2000 cohort into the registry.

:func:`load` writes the cohort of :mod:`hdil2.registry.synthetic` (``seed``, ``n`` patients;
``n=None`` = the paper's 350) with ``bulk_create``, in one transaction: a load that fails or is
interrupted leaves the database as it was.  Every row is marked ``synthetic``; patients are
coded ``demo<seed>-M001`` / ``demo<seed>-R001`` so that cohorts of different seeds can sit side
by side, and loading the same seed twice is refused.  Call
:func:`hdil2.registry.conf.configure` (and migrate) first.

How the synthetic records map to the registry's rows (docs/registry-demo.md):

* a dose slot's ``number`` is its dose number within the cycle; a held slot's ``reason`` is the
  hold rule's id and words; a slot after a treatment-related death is ``not_given``;
* the observation that triggered a hold, or met its resume condition, becomes one row per
  numeric value (SBP, creatinine, hours of oliguria, urine output) at the slot's time, its
  ``note`` naming the purpose, the rule and the categorical values (pressor trend, creatinine
  trend, the yes/no findings);
* a toxicity keeps the values graded (``raw_values``) and the grade computed from them;
* each scan after baseline has an NCI response assessment (``kind`` visit), and each patient
  one best overall response (``kind`` best, confirmed for CR and PR); the stored responses are
  hdil2's classification of the stored measurements;
* the discontinuation reason (Table 5 of ``lee2000``) is on the patient's last course; one
  follow-up row per patient at the data cut-off (or the death).

The bulk load writes no audit-history rows: nothing has been edited yet, and every later change
is versioned and audited as usual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from hdil2.core.errors import InputError
from hdil2.registry import synthetic as syn

Step = Callable[[int, int], None]

#: rows written per bulk_create call
BATCH = 2000
#: patients generated and written per chunk (bounds the memory of a 10,000-patient load)
CHUNK = 250

_OBS_NUMERIC: dict[str, tuple[str, str, str]] = {  # field -> (kind, code, unit)
    "sbp_mmhg": ("vital", "sbp", "mmHg"),
    "creatinine": ("lab", "creatinine", "mg/dL"),
    "oliguria_hours": ("vital", "oliguria_hours", "h"),
    "urine_ml_per_h": ("vital", "urine_output", "mL/h"),
}
CREATININE_ULN = "1.2"  # mg/dL, the ULN the synthetic toxicities are graded against


def patient_code(seed: int, pid: str) -> str:
    """The registry code of synthetic patient ``pid`` of the cohort of ``seed``."""
    return f"demo{seed}-{pid}"


def load(seed: int = syn.DEFAULT_SEED, n: int | None = None, *, by: Any = None,
         step: Step | None = None) -> dict[str, int]:
    """Generate and write the synthetic cohort in one transaction; the rows written by model.

    ``by`` is the user the rows are written as (default: the system user); ``step(done,
    total)`` reports patients written.
    """
    from django.db import transaction

    from hdil2.registry import models as m
    from hdil2.registry.errors import RegistryError
    from hdil2.registry.users import system_user

    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InputError("seed", "a whole number", seed)
    total = len(_sizes(n))
    user = by if by is not None else system_user()
    if m.Patient.objects.filter(registry_id__startswith=f"demo{seed}-").exists():
        raise RegistryError("seed", f"the demo cohort of seed {seed} is already loaded "
                            f"(patients demo{seed}-...); choose another seed", seed)
    counts: dict[str, int] = {}
    done = 0
    with transaction.atomic():
        chunk: list[syn.PatientRecord] = []
        for rec in syn.iter_records(seed, n):
            chunk.append(rec)
            if len(chunk) == CHUNK:
                _write(chunk, seed, user, counts)
                done += len(chunk)
                chunk = []
                if step:
                    step(done, total)
        if chunk:
            _write(chunk, seed, user, counts)
            done += len(chunk)
            if step:
                step(done, total)
    return counts


def _sizes(n: int | None) -> range:
    if n is None:
        return range(sum(g.count for g in syn.LEE2000_GROUPS))
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError("n", "a whole number of patients, at least 1", n)
    return range(n)


def _utc(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC)


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), ZoneInfo(syn.WARD_TZ)).astimezone(dt.UTC)


def _bulk(model: Any, rows: list[Any], counts: dict[str, int]) -> list[Any]:
    out = model.objects.bulk_create(rows, batch_size=BATCH)
    key = str(model._meta.verbose_name_plural)
    counts[key] = counts.get(key, 0) + len(rows)
    return list(out)


def _write(chunk: Iterable[syn.PatientRecord], seed: int, user: Any,
           counts: dict[str, int]) -> None:
    from hdil2.clinical.toxicity.ctcae import TERMS
    from hdil2.clinical.toxicity.holds.rules import RULESETS
    from hdil2.registry import models as m

    rules = {r.id: r for r in RULESETS["label"]}
    recs = list(chunk)
    who = {"created_by": user, "updated_by": user, "synthetic": True}
    patients = _bulk(m.Patient, [m.Patient(
        registry_id=patient_code(seed, r.patient.id), site="synthetic demo (lee2000)",
        sex=r.patient.sex, disease=r.patient.disease,
        birth_date=dt.date(r.patient.first_dose.year - r.patient.age_years, 1, 1)
        + dt.timedelta(days=(r.patient.first_dose.date().toordinal() % 365)),
        metastatic_sites=sorted({les.organ for les in r.lesions}), ecog=r.patient.ecog,
        **who) for r in recs], counts)
    pat = {r.patient.id: p for r, p in zip(recs, patients, strict=True)}
    # courses and cycles
    course_rows, course_keys = [], []
    for r in recs:
        for c in r.courses:
            last = c.number == len(r.courses)
            course_rows.append(m.Course(
                patient=pat[r.patient.id], number=c.number, regimen=c.regimen,
                intent="metastatic", status="discontinued" if last else "completed",
                ward_tz=syn.WARD_TZ, planned_start=_utc(c.first_dose),
                started_on=c.first_dose.date(), ended_on=c.last_slot.date(),
                dosing_weight=c.weight_kg, dosing_weight_unit="kg", dose_per_kg_iu=720000,
                discontinuation_reason=r.discontinuation.reason if last else "",
                discontinuation_detail=(f"stopped after course {c.number} on "
                                        f"{r.discontinuation.date}" if last else ""),
                **who))
            course_keys.append((r.patient.id, c.number))
    course = dict(zip(course_keys, _bulk(m.Course, course_rows, counts), strict=True))
    cyc_rows, cyc_keys = [], []
    for r in recs:
        for cy in r.cycles:
            cyc_rows.append(m.Cycle(course=course[(r.patient.id, cy.course)], number=cy.number,
                                    starts_at=_utc(cy.first_slot), planned_slots=cy.slots,
                                    **who))
            cyc_keys.append((r.patient.id, cy.course, cy.number))
    cycle = dict(zip(cyc_keys, _bulk(m.Cycle, cyc_rows, counts), strict=True))
    slot_rows = []
    for r in recs:
        for s in r.slots:
            reason = ""
            if s.status == "held" and s.hold_rule:
                reason = f"{s.hold_rule}: {rules[s.hold_rule].criterion}"
            elif s.note:
                reason = s.note
            slot_rows.append(m.DoseSlot(
                cycle=cycle[(r.patient.id, s.course, s.cycle)], number=s.dose_in_cycle,
                scheduled_at=_utc(s.scheduled), status=s.status,
                given_at=_utc(s.scheduled) if s.status == "given" else None,
                dose_iu=s.dose_iu, vials=s.vials,
                given_by=user if s.status != "not_given" else None, reason=reason, **who))
    _bulk(m.DoseSlot, slot_rows, counts)
    # observations
    obs_rows = []
    for r in recs:
        for o in r.observations:
            other = {k: v for k, v in o.values.items() if k not in _OBS_NUMERIC}
            note = f"{o.purpose} {o.rule} at slot {o.slot} of course {o.course}" + (
                "; " + ", ".join(f"{k}={v}" for k, v in sorted(other.items())) if other else "")
            for k, v in o.values.items():
                if k not in _OBS_NUMERIC:
                    continue
                kind, code, unit = _OBS_NUMERIC[k]
                row = m.Observation(
                    patient=pat[r.patient.id], course=course[(r.patient.id, o.course)],
                    kind=kind, code=code, taken_at=_utc(o.at), value=0, unit=unit,
                    unit_canonical=unit, note=note, **who)
                row.set_quantity(v if k == "creatinine" else f"{v} {unit}", k)
                if k == "creatinine":
                    row.uln = CREATININE_ULN
                obs_rows.append(row)
    _bulk(m.Observation, obs_rows, counts)
    # toxicities
    _bulk(m.Toxicity, [m.Toxicity(
        patient=pat[r.patient.id], course=course[(r.patient.id, t.course)],
        term=TERMS[t.term].name, grade=t.grade, grade_computed=t.grade,
        raw_values=dict(t.request), onset_at=_noon(t.onset), attribution="probable",
        serious=t.grade >= 3, **who) for r in recs for t in r.toxicities], counts)
    # scans, lesions, measurements, responses
    scan_rows, scan_keys = [], []
    for r in recs:
        for sc in r.scans:
            label = sc.purpose.replace("_", " ") + (f" {sc.course}" if sc.course else "")
            scan_rows.append(m.Scan(
                patient=pat[r.patient.id], scanned_on=sc.date, modality="ct", label=label,
                baseline=sc.index == 0,
                course=course[(r.patient.id, sc.course)] if sc.course else None, **who))
            scan_keys.append((r.patient.id, sc.index))
    scan = dict(zip(scan_keys, _bulk(m.Scan, scan_rows, counts), strict=True))
    les_rows, les_keys = [], []
    for r in recs:
        for les in r.lesions:
            les_rows.append(m.Lesion(patient=pat[r.patient.id], lesion_id=les.id,
                                     kind=les.kind, organ=les.organ,
                                     nodal=les.is_lymph_node,
                                     first_scan=scan[(r.patient.id, 0)], **who))
            les_keys.append((r.patient.id, les.id))
        for ms in r.measurements:
            if ms.new and (r.patient.id, ms.lesion) not in les_keys:
                les_rows.append(m.Lesion(patient=pat[r.patient.id], lesion_id=ms.lesion,
                                         kind="new", organ=ms.organ or "",
                                         first_scan=scan[(r.patient.id, ms.scan)], **who))
                les_keys.append((r.patient.id, ms.lesion))
    lesion = dict(zip(les_keys, _bulk(m.Lesion, les_rows, counts), strict=True))
    _bulk(m.Measurement, [m.Measurement(
        scan=scan[(r.patient.id, ms.scan)], lesion=lesion[(r.patient.id, ms.lesion)],
        status="absent" if ms.status == "absent" else "present", longest_mm=ms.ld_mm,
        perpendicular_mm=ms.perp_mm, **who) for r in recs for ms in r.measurements], counts)
    resp_rows = []
    for r in recs:
        scans = {s.index: s for s in r.scans}
        for a in r.assessments:
            if a.kind == "timepoint":
                assert a.scan is not None
                sc = scans[a.scan]
                resp_rows.append(m.ResponseAssessment(
                    patient=pat[r.patient.id], scan=scan[(r.patient.id, a.scan)],
                    course=course[(r.patient.id, sc.course)] if sc.course else None,
                    criteria=a.criteria, kind="visit", assessed_on=sc.date, response=a.value,
                    response_computed=a.value, **who))
            else:
                resp_rows.append(m.ResponseAssessment(
                    patient=pat[r.patient.id], criteria=a.criteria, kind="best",
                    assessed_on=r.scans[-1].date, response=a.value, response_computed=a.value,
                    confirmed=True if a.value in ("CR", "PR") else None, **who))
    _bulk(m.ResponseAssessment, resp_rows, counts)
    _bulk(m.FollowUp, [m.FollowUp(
        patient=pat[r.patient.id], contact_on=r.follow_up.death_date or r.follow_up.cutoff,
        vital_status=r.follow_up.vital_status,
        last_known_alive=r.follow_up.death_date or r.follow_up.cutoff,
        progression_on=r.follow_up.progression_date, death_on=r.follow_up.death_date,
        death_cause={"disease": "disease", "treatment-related": "treatment"}.get(
            r.follow_up.cause_of_death or "", ""), **who) for r in recs], counts)
