"""The demo ward: eight synthetic patients on HD IL-2 *now*, for ``hdil2 serve --demo``.

Every row is written through the registry's use cases, as the ward would write it: each patient
is enrolled (``synthetic``, codes ``ward-01`` ... ``ward-08``), a course of ``hd-il2-600k`` is
planned in the ward zone America/New_York with its first dose chosen from ``now`` so that the
patients stand at different points of their course, and each slot already due was advised
(``advise_next_dose``, from the observations recorded before it and the bedside findings) and
recorded (``record_dose``). Then the observations before the next slot are recorded and its
advice is asked and stored, so that the ward board opens on advice that follows the label's
rules (``proleukin-label``):

=========  =======================================  ==========================================
patient    where in the course                      advice at the next slot
=========  =======================================  ==========================================
ward-01    day 1, first dose given                  give
ward-02    day 1, first dose due in about an hour   give
ward-03    cycle 1, six doses given                 hold: systolic BP 85 mmHg
                                                    (``label.sbp_below_90``)
ward-04    cycle 1, eight doses given               not evaluable: no creatinine since the
                                                    last dose
ward-05    cycle 1, dose 5 held (systolic BP 85     give (the hold resolved: systolic BP 116)
           mmHg), doses 6-9 given
ward-06    cycle 2, two doses given                 give
ward-07    cycle 1, dose 5 overdue (due 1 h 20 min  give (asked before it was due)
           before ``now``, not recorded)
ward-08    cycle 2, six doses given                 give
=========  =======================================  ==========================================

With ``patients`` above 8 (``load(patients=100)``, for the load benchmark and the board's
scale tests), the patients after the first eight (``ward-09``, ``ward-10``, ...) are all
"give" patients: systolic BP 118 mmHg, SpO2 97 % and a creatinine of 1.0 mg/dL before every
slot, nothing held, standing at spread-out points of their course (0 to 26 slots recorded),
their next slot due 10 minutes to 7 hours 10 minutes after ``now``. For every other one
(``ward-09``, ``ward-11``, ...) the advice at the next slot is asked and stored; for the others
only the observations before it are recorded (the nurse has not asked yet), so that the board
shows a mix of stored advice and previews.

The same ``now`` builds the same ward: the first doses, observation times and values follow
from it (wall-clock times in the ward zone, to the 5 minutes below). The data are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from hdil2.registry.errors import RegistryError

ZONE = "America/New_York"
REGIMEN = "hd-il2-600k"
PREFIX = "ward-"
#: the system user the demo ward is written as when no user is given
DEMO_USER = "hdil2-demo"

#: every yes/no (and none/0) bedside finding of the label's hold rules answered "no"
ALL_CLEAR: dict[str, Any] = {
    "atrial_fibrillation": False, "svt": False, "bradycardia_needing_treatment": False,
    "mental_status_change": False, "fit_fobt_positive": False, "bullous_dermatitis": False,
    "sepsis_unstable": False, "lethargy": "none", "hepatic_failure_signs": False,
    "sustained_vt": False, "uncontrolled_arrhythmia": False, "ischemia_or_chest_pain": False,
    "cardiac_tamponade": False, "intubated_hours": 0, "dialysis_hours": 0,
    "coma_or_toxic_psychosis_hours": 0, "seizures_repetitive": False,
    "bowel_ischemia_or_perforation": False, "gi_bleeding_requiring_surgery": False,
    "pressor_trend": "none", "oliguria_hours": 0, "creatinine_trend": "stable",
    "acidosis": False, "hyperkalemia": False, "severe_volume_overload": False,
}


@dataclass(frozen=True)
class Bed:
    """One demo patient: ``done`` slots recorded before the next one, which is due
    ``next_in`` after ``now`` (negative: overdue); ``held`` the slots held for a low systolic
    BP; ``next_sbp`` the systolic BP before the next slot; ``next_creatinine`` whether a
    creatinine was drawn since the last slot."""

    code: str
    disease: str
    sex: str
    weight_kg: int
    done: int
    next_in: dt.timedelta
    held: tuple[int, ...] = ()
    next_sbp: int = 118
    next_creatinine: bool = True
    ask: bool = True  # whether the advice at the next slot is asked (and stored)


H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)

BEDS: tuple[Bed, ...] = (
    Bed("ward-01", "rcc", "male", 70, 1, 3 * H),
    Bed("ward-02", "melanoma", "female", 62, 0, 1 * H),
    Bed("ward-03", "rcc", "male", 64, 6, 2 * H, next_sbp=85),
    Bed("ward-04", "melanoma", "male", 90, 8, 4 * H, next_creatinine=False),
    Bed("ward-05", "rcc", "female", 75, 9, 5 * H, held=(5,), next_sbp=116),
    Bed("ward-06", "melanoma", "female", 58, 16, 1 * H + 30 * M),
    Bed("ward-07", "rcc", "male", 100, 4, -(1 * H + 20 * M)),
    Bed("ward-08", "melanoma", "male", 68, 20, 6 * H),
)


def beds(patients: int = len(BEDS)) -> tuple[Bed, ...]:
    """The first ``patients`` beds: :data:`BEDS`, then "give" patients at spread-out points
    of their course (see the module's text)."""
    if isinstance(patients, bool) or not isinstance(patients, int) or patients < 1:
        raise RegistryError("patients", "a whole number of patients, at least 1")
    extra = []
    for k in range(max(0, patients - len(BEDS))):
        n = len(BEDS) + k + 1
        extra.append(Bed(f"ward-{n:02d}", ("rcc", "melanoma")[k % 2],
                         ("female", "male")[k % 2], 55 + (k * 7) % 40, (k * 11) % 27,
                         10 * M + (k * 47 * M) % (7 * H), ask=k % 2 == 0))
    return (BEDS + tuple(extra))[:patients]


def loaded() -> bool:
    """Whether the demo ward (patient ``ward-01``) is in the registry."""
    from hdil2.registry.models import Patient

    return Patient._base_manager.filter(registry_id=BEDS[0].code).exists()


def load(now: dt.datetime | None = None, *, by: Any = None,
         patients: int = len(BEDS)) -> list[Any]:
    """Admit the demo ward of ``patients`` patients (default 8: :data:`BEDS`; more: see
    :func:`beds`) as of ``now`` (default: the current time), written as ``by`` (default: the
    system user ``hdil2-demo``); returns the courses, in the order of :func:`beds`. Refused
    when the demo ward is already in the registry."""
    from django.db import transaction
    from django.utils import timezone

    from hdil2.registry.users import system_user

    admitted = beds(patients)
    if loaded():
        raise RegistryError("ward_demo", "the demo ward is already in the registry")
    at = now if now is not None else timezone.now()
    if at.tzinfo is None:
        raise RegistryError("now", "a time with its UTC offset")
    user = by if by is not None else system_user(DEMO_USER)
    with transaction.atomic():
        return [_admit(bed, at, user) for bed in admitted]


def _wall_offsets() -> list[dt.timedelta]:
    """Wall-clock time of each slot of an ``hd-il2-600k`` course after its first dose."""
    from hdil2 import app

    cal = app.run("calendar", {"regimen": REGIMEN, "first_dose": "2026-01-05T08:00",
                               "tz": ZONE})
    first = cal.slots[0].local.replace(tzinfo=None)
    return [s.local.replace(tzinfo=None) - first for s in cal.slots]


def first_dose_for(bed: Bed, now: dt.datetime) -> str:
    """The first dose (ward wall-clock text) that puts the bed's next slot ``next_in`` after
    ``now`` (to the 5 minutes below)."""
    target = (now + bed.next_in).astimezone(ZoneInfo(ZONE)).replace(tzinfo=None)
    target = target.replace(second=0, microsecond=0, minute=target.minute - target.minute % 5)
    first = target - _wall_offsets()[bed.done]
    return first.strftime("%Y-%m-%dT%H:%M")


def _vitals(svc: Any, patient: Any, course: Any, by: Any, taken: dt.datetime, sbp: int,
            creatinine: bool = True) -> None:
    iso = taken.isoformat()
    svc.record_observation(patient.pk, by=by, course_id=course.pk, kind="vital", code="sbp",
                           value=f"{sbp} mmHg", taken_at=iso)
    svc.record_observation(patient.pk, by=by, course_id=course.pk, kind="vital", code="spo2",
                           value="97 %", taken_at=iso)
    if creatinine:
        svc.record_observation(patient.pk, by=by, course_id=course.pk, kind="lab",
                               code="creatinine", value="1.0 mg/dL", taken_at=iso,
                               lln="0.6 mg/dL", uln="1.2 mg/dL")


def _admit(bed: Bed, now: dt.datetime, by: Any) -> Any:
    from hdil2.registry import services as svc
    from hdil2.registry.services.treatment import course_slots

    patient = svc.enrol(by=by, registry_id=bed.code, disease=bed.disease, sex=bed.sex,
                        synthetic=True).rows[0]
    course = svc.plan_course(patient.pk, by=by, regimen=REGIMEN,
                             first_dose=first_dose_for(bed, now), ward_tz=ZONE,
                             weight=f"{bed.weight_kg} kg").rows[1]
    slots = course_slots(course)
    for i, slot in enumerate(slots[: bed.done], start=1):
        due = slot.scheduled_at
        _vitals(svc, patient, course, by, due - 30 * M, 85 if i in bed.held else 118)
        advised = svc.advise_next_dose(course.pk, by=by, bedside=ALL_CLEAR,
                                       at=due - 15 * M).rows[0]
        if i in bed.held:
            svc.record_dose(advised.pk, advised.version, by=by, status="held")
        else:
            svc.record_dose(advised.pk, advised.version, by=by, status="given",
                            given_at=due + 5 * M, dose_iu=course.planned_dose_iu, vials=_vials(
                                course))
    pending = slots[bed.done]
    asked = min(now, pending.scheduled_at) - 15 * M
    _vitals(svc, patient, course, by, asked - 15 * M, bed.next_sbp, bed.next_creatinine)
    if bed.ask:
        svc.advise_next_dose(course.pk, by=by, bedside=ALL_CLEAR, at=asked)
    course.refresh_from_db()
    return course


def _vials(course: Any) -> int | None:
    """The vials per dose of the course's dose advice."""
    comps = (course.advice.answer.get("components") or []) if course.advice else []
    prep = comps[0].get("preparation") if comps else None
    return int(prep["vials"]) if prep and prep.get("vials") is not None else None
