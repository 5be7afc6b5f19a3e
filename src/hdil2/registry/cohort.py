"""Cohort access for statistics: the registry's patients as plain rows, and the analyses
:mod:`hdil2.stats` and the tempo tables make of them.

:func:`rows` queries the database (voided rows left out) with the filters of
:class:`CohortFilter` - disease, regimen, performance status, first-dose dates, best response,
synthetic or not - and returns one plain dict per patient:

``patient`` (registry code), ``disease`` (``None`` when not recorded), ``sex``, ``ecog``,
``regimen`` (of course 1), ``start`` (first dose of course 1), ``courses``,
``course_responses`` (the NCI response of each course, from the visit assessment linked to
it), ``stop_reason`` (the last course's discontinuation reason, Table 5 of ``lee2000``),
``best_response``, ``progression_on``, ``death_on``, ``last_known_alive``, and the survival
times from the first dose: ``os_days`` / ``os_event`` and ``pfs_days`` / ``pfs_event`` (an
event is progression or death; censored at the last date known alive), ``synthetic``.

A course with no response assessment (a patient who died during it) counts as NR, the rule of
Lee et al. 2000 ("anyone who did not achieve at least a 25 % reduction").  ``risk_group``
selects the patients whose stored risk group (``Patient.risk_group``, kept by the screening use
case from a complete prognostic model result, the model named in ``risk_model``) is that group;
a patient with no stored group is never counted in one.

:func:`frame` gives the rows as a pandas DataFrame; :func:`response_rates` (Clopper-Pearson
exact intervals), :func:`survival` (Kaplan-Meier of OS or PFS) and :func:`tempo` (Tables 3-5)
compute from rows; :func:`summary` is the JSON document of ``hdil2 registry cohort``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from hdil2.clinical.response.tempo import PatientCourses, TempoTables, tempo_tables
from hdil2.core.errors import InputError

RESPONSES = ("CR", "PR", "MR", "NR", "SD", "PD", "NE")
DISEASES = ("melanoma", "rcc")
RISK_GROUPS = ("favourable", "intermediate", "poor")
#: the group of rows whose value (a disease, a sex) is not recorded
NOT_RECORDED = "not recorded"


@dataclass(frozen=True, slots=True)
class CohortFilter:
    """Which patients: each filter left ``None`` does not restrict."""

    disease: str | None = None
    regimen: str | None = None
    ecog: int | None = None
    start_from: dt.date | None = None  # first dose of course 1 on or after
    start_to: dt.date | None = None  # ... on or before
    response: str | None = None  # best overall response
    synthetic: bool | None = None
    code_prefix: str | None = None  # registry codes starting with, e.g. "demo2000-"
    risk_group: str | None = None

    def check(self) -> CohortFilter:
        """Refuse a filter that cannot be applied, naming it."""
        if self.disease is not None and self.disease not in DISEASES:
            raise InputError("disease", f"must be one of {list(DISEASES)}", self.disease)
        if self.regimen is not None:
            from hdil2.clinical.treatment.regimens import regimen

            regimen(self.regimen)
        if self.ecog is not None and (isinstance(self.ecog, bool)
                                      or not isinstance(self.ecog, int)
                                      or not 0 <= self.ecog <= 4):
            raise InputError("ecog", "a performance status 0-4", self.ecog)
        if self.response is not None and self.response not in RESPONSES:
            raise InputError("response", f"must be one of {list(RESPONSES)}", self.response)
        if self.start_from and self.start_to and self.start_from > self.start_to:
            raise InputError("start_to", f"before start_from {self.start_from}", self.start_to)
        if self.risk_group is not None and self.risk_group not in RISK_GROUPS:
            raise InputError("risk_group", f"must be one of {list(RISK_GROUPS)}",
                             self.risk_group)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v)
                for k, v in asdict(self).items() if v is not None}


def rows(filters: CohortFilter | None = None) -> list[dict[str, Any]]:
    """One plain row per patient of the registry that passes ``filters`` (see the module
    docstring for the columns), ordered by registry code."""
    return list(keyed_rows(filters)[0].values())


def keyed_rows(filters: CohortFilter | None = None) -> tuple[dict[int, dict[str, Any]], Any]:
    """The rows of :func:`rows` by database id of the patient (in registry-code order), and
    the query of those ids (a subquery for ``patient_id__in``, so that a query of another
    table for the cohort is one query whatever its size)."""
    from hdil2.registry import models as m

    f = (filters or CohortFilter()).check()
    pats = m.Patient.objects.active()
    if f.disease is not None:
        pats = pats.filter(disease=f.disease)
    if f.ecog is not None:
        pats = pats.filter(ecog=f.ecog)
    if f.synthetic is not None:
        pats = pats.filter(synthetic=f.synthetic)
    if f.code_prefix:
        pats = pats.filter(registry_id__startswith=f.code_prefix)
    if f.risk_group is not None:
        pats = pats.filter(risk_group=f.risk_group)
    if f.regimen is not None:
        pats = pats.filter(courses__regimen=f.regimen, courses__voided_at__isnull=True)
    if f.start_from is not None or f.start_to is not None:
        first = m.Course.objects.active().filter(number=1)
        if f.start_from is not None:
            first = first.filter(started_on__gte=f.start_from)
        if f.start_to is not None:
            first = first.filter(started_on__lte=f.start_to)
        pats = pats.filter(id__in=first.values("patient_id"))
    if f.response is not None:
        best = m.ResponseAssessment.objects.active().filter(kind="best", response=f.response)
        pats = pats.filter(id__in=best.values("patient_id"))
    pats = pats.distinct()
    out: dict[int, dict[str, Any]] = {}
    for p in pats.order_by("registry_id").values("id", "registry_id", "disease", "sex", "ecog",
                                                  "synthetic"):
        out[p["id"]] = {
            "patient": p["registry_id"], "disease": p["disease"] or None,
            "sex": p["sex"] or None,
            "ecog": p["ecog"], "regimen": None, "start": None, "courses": 0,
            "course_responses": [], "stop_reason": None, "best_response": None,
            "progression_on": None, "death_on": None, "last_known_alive": None,
            "synthetic": p["synthetic"]}
    ids = pats.values("id")
    responses: dict[tuple[int, int], str] = {}
    for r in (m.ResponseAssessment.objects.active()
              .filter(patient_id__in=ids, kind="visit", course__isnull=False)
              .order_by("assessed_on").values("patient_id", "course__number", "response")):
        responses.setdefault((r["patient_id"], r["course__number"]), r["response"])
    for c in (m.Course.objects.active().filter(patient_id__in=ids).order_by("number")
              .values("patient_id", "number", "regimen", "started_on",
                      "discontinuation_reason")):
        row = out[c["patient_id"]]
        if c["number"] == 1:
            row["regimen"], row["start"] = c["regimen"], c["started_on"]
        row["courses"] += 1
        row["course_responses"].append(responses.get((c["patient_id"], c["number"]), "NR"))
        row["stop_reason"] = c["discontinuation_reason"] or None
    for b in (m.ResponseAssessment.objects.active().filter(patient_id__in=ids, kind="best")
              .order_by("assessed_on").values("patient_id", "response")):
        out[b["patient_id"]]["best_response"] = b["response"]
    for fu in (m.FollowUp.objects.active().filter(patient_id__in=ids).order_by("contact_on")
               .values("patient_id", "progression_on", "death_on", "last_known_alive",
                       "contact_on")):
        row = out[fu["patient_id"]]
        for key in ("progression_on", "death_on"):
            if fu[key] is not None and row[key] is None:
                row[key] = fu[key]
        alive = fu["last_known_alive"] or fu["contact_on"]
        if row["last_known_alive"] is None or alive > row["last_known_alive"]:
            row["last_known_alive"] = alive
    for row in out.values():
        _times(row)
    return out, ids


@dataclass(frozen=True, slots=True)
class ScanRow:
    """A stored scan as the request builder reads it."""

    pk: int
    scanned_on: dt.date
    label: str
    course_id: int | None


@dataclass(frozen=True, slots=True)
class LesionRow:
    """A stored lesion as the request builder reads it."""

    pk: int
    lesion_id: str
    kind: str
    organ: str
    nodal: bool


@dataclass(frozen=True, slots=True)
class MeasurementRow:
    """A stored measurement (of ``lesion`` on a scan) as the request builder reads it."""

    lesion: LesionRow
    status: str
    longest_mm: Any
    short_axis_mm: Any
    perpendicular_mm: Any


@dataclass(frozen=True, slots=True)
class StoredImaging:
    """A patient's active scans (by date, baseline first), active lesions (by lesion id) and
    each scan's active measurements (``by_scan[scan.pk]``)."""

    scans: list[ScanRow]
    lesions: list[LesionRow]
    by_scan: dict[int, list[MeasurementRow]]

    def request(self, criteria: str, start: dt.date) -> dict[str, Any]:
        """The ``assess`` request of these scans under ``criteria`` from the first dose
        ``start``: the one request builder of the registry
        (:func:`hdil2.registry.services.imaging.build_request`, the assessment use case's)."""
        from hdil2.registry.services.imaging import build_request

        return build_request(criteria, start, list(self.scans), list(self.lesions),
                             dict(self.by_scan))

    def assess(self, criteria: str, start: dt.date) -> Any:
        """hdil2's response engine (:func:`hdil2.clinical.response.assess.assess`) on the
        stored measurements; its visits are ``scans[1:]``."""
        from hdil2.clinical.response.assess import assess
        from hdil2.clinical.response.models import AssessmentRequest

        req = AssessmentRequest.model_validate(self.request(criteria, start))
        return assess(req, req.criteria)


def stored_imaging(patient_ids: Any) -> dict[int, StoredImaging]:
    """The stored imaging of the patients ``patient_ids`` (ids, or a query of ids) by patient
    id, in three queries (scans, lesions, measurements) whatever their number; voided rows
    (and the measurements of a voided scan or lesion) left out."""
    from hdil2.registry import models as m

    out: dict[int, StoredImaging] = {}
    scan_of: dict[int, int] = {}
    for pk, pid, on, label, course in (
            m.Scan.objects.active().filter(patient_id__in=patient_ids)
            .order_by("patient_id", "scanned_on", "pk")
            .values_list("pk", "patient_id", "scanned_on", "label", "course_id")):
        img = out.get(pid)
        if img is None:
            img = out[pid] = StoredImaging([], [], {})
        img.scans.append(ScanRow(pk, on, label, course))
        img.by_scan[pk] = []
        scan_of[pk] = pid
    lesions: dict[int, LesionRow] = {}
    for pk, pid, lid, kind, organ, nodal in (
            m.Lesion.objects.active().filter(patient_id__in=patient_ids)
            .order_by("patient_id", "lesion_id")
            .values_list("pk", "patient_id", "lesion_id", "kind", "organ", "nodal")):
        les = lesions[pk] = LesionRow(pk, lid, kind, organ, nodal)
        if pid in out:
            out[pid].lesions.append(les)
    for scan, lesion, status, ld, sa, perp in (
            m.Measurement.objects.active().filter(scan__patient_id__in=patient_ids)
            .order_by("pk")
            .values_list("scan_id", "lesion_id", "status", "longest_mm", "short_axis_mm",
                         "perpendicular_mm")):
        if scan in scan_of and lesion in lesions:
            out[scan_of[scan]].by_scan[scan].append(
                MeasurementRow(lesions[lesion], status, ld, sa, perp))
    return out


def stored_and_recomputed(filters: CohortFilter | None = None) -> list[dict[str, Any]]:
    """For each patient with NCI assessments: the stored responses (each visit's and the best)
    and the ones hdil2's NCI criteria give from the stored lesions, scans and measurements."""
    from hdil2.registry import models as m

    keyed, ids = keyed_rows(filters)
    stored: dict[int, dict[str, Any]] = {pid: {"visits": {}, "best": None} for pid in keyed}
    for pid, kind, scan, response in (
            m.ResponseAssessment.objects.active().filter(patient_id__in=ids, criteria="nci")
            .order_by("assessed_on", "pk").values_list("patient_id", "kind", "scan_id",
                                                       "response")):
        if kind == "best":
            stored[pid]["best"] = response
        else:
            stored[pid]["visits"][scan] = response
    imaging = stored_imaging(ids)
    out: list[dict[str, Any]] = []
    for pid, r in keyed.items():
        row: dict[str, Any] = {"patient": r["patient"], "stored": stored[pid],
                               "recomputed": None}
        img = imaging.get(pid)
        if img is not None and len(img.scans) >= 2 and r["start"] is not None:
            a = img.assess("nci", r["start"])
            row["recomputed"] = {
                "visits": {s.pk: tp.overall for s, tp in zip(img.scans[1:], a.visits,
                                                               strict=True)},
                "best": a.bor_confirmed.value}
        out.append(row)
    return out


def _times(row: dict[str, Any]) -> None:
    start, death, prog = row["start"], row["death_on"], row["progression_on"]
    last = row["last_known_alive"]
    if start is None or (death is None and last is None):
        row.update(os_days=None, os_event=None, pfs_days=None, pfs_event=None)
        return
    os_end = death or last
    pfs_end = prog or death or last
    row.update(os_days=(os_end - start).days, os_event=death is not None,
               pfs_days=(pfs_end - start).days, pfs_event=prog is not None or death is not None)


def frame(filters: CohortFilter | None = None) -> Any:
    """The rows of :func:`rows` as a pandas DataFrame (one row per patient)."""
    import pandas as pd

    data = rows(filters)
    df = pd.DataFrame(data, columns=list(data[0]) if data else None)
    return df


def group_name(value: Any) -> str:
    """The name of a group of rows: the value, ``not recorded`` for an empty one (a patient
    whose disease is not recorded is never counted under either disease)."""
    return NOT_RECORDED if value is None or value == "" else str(value)


def _groups(data: Sequence[dict[str, Any]], by: str | None) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in data:
        out.setdefault("all" if by is None else group_name(row[by]), []).append(row)
    return dict(sorted(out.items()))


def response_rates(data: Sequence[dict[str, Any]], by: str | None = "disease",
                   level: float = 0.95) -> dict[str, dict[str, Any]]:
    """CR, PR and objective response (CR + PR) rates with Clopper-Pearson exact intervals
    (:func:`hdil2.stats.rate`), per value of ``by`` (and overall)."""
    from hdil2.stats.proportions import rate

    groups = _groups(data, by)
    if by is not None and len(groups) > 1:
        groups["all"] = list(data)
    out: dict[str, dict[str, Any]] = {}
    for name, mine in groups.items():
        n = len(mine)
        cr = sum(r["best_response"] == "CR" for r in mine)
        pr = sum(r["best_response"] == "PR" for r in mine)
        out[name] = {"n": n, "CR": cr, "PR": pr}
        if n:
            out[name].update(cr_rate=rate(cr, n, level), pr_rate=rate(pr, n, level),
                             orr=rate(cr + pr, n, level))
    return out


def survival(data: Sequence[dict[str, Any]], endpoint: str = "os",
             by: str | None = "disease") -> dict[str, Any]:
    """Kaplan-Meier curves of overall (``os``) or progression-free (``pfs``) survival in days
    from the first dose, per value of ``by`` (:func:`hdil2.stats.kaplan_meier_groups`)."""
    from hdil2.stats.kaplan_meier import kaplan_meier, kaplan_meier_groups

    if endpoint not in ("os", "pfs"):
        raise InputError("endpoint", "must be os or pfs", endpoint)
    usable = [r for r in data if r[f"{endpoint}_days"] is not None]
    if not usable:
        return {}
    t = [r[f"{endpoint}_days"] for r in usable]
    e = [bool(r[f"{endpoint}_event"]) for r in usable]
    if by is None:
        return {"all": kaplan_meier(t, e)}
    return dict(kaplan_meier_groups(t, e, [group_name(r[by]) for r in usable]))


def tempo(data: Sequence[dict[str, Any]]) -> TempoTables:
    """Lee et al. 2000 Tables 3-5 of the rows (:func:`hdil2.clinical.response.tempo.
    tempo_tables`): the course responses and the stopping reason of each treated patient
    whose disease is recorded (the tables are per disease)."""
    return tempo_tables(PatientCourses(r["patient"], r["disease"], tuple(r["course_responses"]),
                                       r["stop_reason"])
                        for r in data if r["courses"] and r["disease"])


def summary(filters: CohortFilter | None = None, with_rows: bool = False) -> dict[str, Any]:
    """The JSON document of ``hdil2 registry cohort``: the filters, the number of patients,
    response rates, OS and PFS (median and events per disease), the tempo tables."""
    from hdil2.core.jsonable import jsonable

    f = filters or CohortFilter()
    data = rows(f)
    doc: dict[str, Any] = {"filters": f.to_dict(), "patients": len(data),
                           "response_rates": response_rates(data)}
    for endpoint in ("os", "pfs"):
        doc[endpoint] = {name: {"n": km.n, "events": km.events, "median_days": km.median}
                         for name, km in survival(data, endpoint).items()}
    doc["tempo"] = tempo(data) if data else None
    if with_rows:
        doc["rows"] = data
    out: dict[str, Any] = jsonable(doc)
    return out
