"""The registry as the report's tables: :func:`cohort_data` and :func:`patient_data`.

:func:`cohort_data` reads the patients that pass a :class:`~hdil2.registry.cohort.CohortFilter`
and returns a :class:`hdil2.report.data.CohortData` with its six tables, in the columns of
:mod:`hdil2.report.data`; voided rows are left out everywhere.  Each table is read with one
query (or a few) for the whole cohort, never one per patient.  How each column is made:

patients
    The rows of :func:`hdil2.registry.cohort.rows`, plus:
    ``age`` - completed years at the first dose of course 1, from the birth date (a 29
    February birthday falls on 1 March in other years); for a patient never dosed, completed
    years on the day the patient's record was created in the registry (its registration);
    ``None`` without a birth date.
    ``risk_group`` - the group stored by screening, ``None`` when not known.
    ``prior_therapy`` - the distinct kinds of the stored prior therapies, ``;``-joined in the
    order of :data:`hdil2.registry.models.patient.PRIOR_KINDS`; ``""`` (none) when no prior
    therapy is stored and the record says 0 prior systemic lines; ``None`` (not recorded)
    otherwise.
    ``metastatic_sites`` - the stored organ sites, ``;``-joined as stored; ``None`` when the
    list is empty (the registry cannot tell "no sites" from "not recorded").
    ``response_on`` - the date of the first stored visit assessment of CR or PR (iCR or iPR
    under iRECIST) under the patient's criteria (those of the latest visit assessment).
    ``dor_days`` / ``dor_event`` - :func:`hdil2.report.data.duration_of_response`.

courses
    One row per course: ``start_day`` from its ``started_on``, ``end_day`` from the date of
    its last given dose (in the ward's zone), else its ``ended_on``; ``doses_planned`` its
    dose slots (every status), ``doses_given`` / ``doses_held`` those given / held;
    ``response`` the course's response of the cohort rows (NR when not assessed, as Lee et
    al. 2000, ``lee2000``).

tumour
    For each patient with two or more scans and a first dose: hdil2's response engine
    (:meth:`hdil2.registry.cohort.StoredImaging.assess`, the request of the assessment use
    case) on the stored lesions and measurements, with the criteria of the patient's latest
    stored visit assessment.  The baseline row (visit 0, change 0.0) and one row per later
    scan: the target burden (:attr:`~hdil2.clinical.response.timepoint.TimePoint.burden_mm`,
    a sum of diameters or of products), its change from baseline in per cent and the visit's
    overall response.  The patients left out (no stored assessment, or the engine refused
    the stored measurements) are in the table's ``attrs["left_out"]``: code -> why.

toxicities
    ``onset_day`` from the onset's date in the ward's zone (the zone of the event's course,
    else of course 1, else the patient's recorded zone, else UTC); ``course`` the course whose
    dose window holds that date (from the date of its first dose slot to the later of its
    ``ended_on`` and its last slot's date, in the ward's zone), ``None`` before, between or
    after courses; ``dose_number`` the doses given (all courses) at or before the onset
    instant; ``grade`` ``None`` for an event recorded with a severity only.

quality_of_life
    The 15 scale scores of each questionnaire
    (:func:`hdil2.clinical.outcomes.qlq_c30.score_answers`, ``eortc-qlq-c30-manual``), each
    the exact score as a float, ``None`` when the scale is missing.

doses
    One row per dose slot; ``scheduled_at`` in ISO 8601 with the ward's offset.

Days are whole days from the first dose of course 1 (``started_on`` of course 1); ``None``
for a patient never dosed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from hdil2.core.errors import InputError
from hdil2.registry.cohort import CohortFilter, keyed_rows, stored_imaging

Progress = Callable[[str], None]

#: the tables in the order they are built (the names ``progress`` is called with)
STEPS = ("patients", "courses", "tumour", "toxicities", "quality_of_life", "doses")
#: responses that make a visit a response (the first one dates ``response_on``)
RESPONDED = frozenset({"CR", "PR", "iCR", "iPR"})


def cohort_data(filters: CohortFilter | None = None, *, title: str = "Cohort",
                progress: Progress | None = None) -> Any:
    """The report's :class:`~hdil2.report.data.CohortData` of the patients passing
    ``filters`` (all tables; see the module docstring); ``progress(name)`` is called before
    each table is built."""
    from hdil2.report.data import CohortData

    f = (filters or CohortFilter()).check()
    keyed, ids = keyed_rows(f)
    ctx = _Context(keyed, ids)
    build: dict[str, Callable[[], Any]] = {
        "patients": ctx.patients, "courses": ctx.courses_table, "tumour": ctx.tumour,
        "toxicities": ctx.toxicities, "quality_of_life": ctx.quality_of_life,
        "doses": ctx.doses}
    tables: dict[str, Any] = {}
    for name in STEPS:
        if progress is not None:
            progress(name)
        tables[name] = build[name]()
    return CohortData(title=title, filters=f.to_dict(), **tables)


def patient_data(code: str) -> Any:
    """:func:`cohort_data` of the one patient with registry code ``code``; an
    :class:`~hdil2.core.errors.InputError` naming ``patient`` when there is none."""
    from hdil2.registry import models as m

    if not isinstance(code, str) or not code:
        raise InputError("patient", "a registry code", code)
    if not m.Patient.objects.active().filter(registry_id=code).exists():
        raise InputError("patient", "no patient of the registry has this code", code)
    # the codes starting with ``code``, narrowed to ``code`` itself
    data = cohort_data(CohortFilter(code_prefix=code), title=f"Patient {code}").only({code})
    left_out = data.tumour.attrs.get("left_out", {})
    data.tumour.attrs["left_out"] = {k: v for k, v in left_out.items() if k == code}
    return replace(data, filters={"patient": code})


def _frame(name: str, rows: list[dict[str, Any]] | list[tuple[Any, ...]]) -> Any:
    """The table ``name`` of ``rows`` (dicts, or tuples in the table's column order)."""
    import pandas as pd

    from hdil2.report.data import TABLES, empty

    if not rows:
        return empty(name)
    if isinstance(rows[0], tuple):
        return pd.DataFrame.from_records(rows, columns=list(TABLES[name])).astype(object)
    return pd.DataFrame(rows, columns=list(TABLES[name]), dtype=object)


def _raw(qs: Any) -> list[tuple[Any, ...]]:
    """The rows of ``qs`` (a ``values_list`` query) as the database driver gives them, without
    Django's per-value converters (half a million dose slots read in a fraction of the time);
    the caller converts what it reads (:func:`_instant`)."""
    from django.db import connections

    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _instant(value: Any) -> dt.datetime | None:
    """A stored date-time as an aware UTC datetime: SQLite's text of the UTC wall time (how
    Django writes it with ``USE_TZ``), or the driver's aware datetime (PostgreSQL)."""
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or value.tzinfo is not None else \
            value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def _zone(name: str) -> dt.tzinfo:
    return _ZONES.setdefault(name, ZoneInfo(name) if name else dt.UTC)


_ZONES: dict[str, dt.tzinfo] = {}


def _completed_years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class _Context:
    """What the tables share: the cohort rows by patient id, the id subquery, courses."""

    def __init__(self, keyed: dict[int, dict[str, Any]], ids: Any) -> None:
        from hdil2.registry import models as m

        self.keyed = keyed
        self.ids = ids
        self.start = {pid: r["start"] for pid, r in keyed.items()}
        self.code = {pid: r["patient"] for pid, r in keyed.items()}
        #: active courses by patient, in course order: dicts of the course's columns
        self.courses: dict[int, list[dict[str, Any]]] = {pid: [] for pid in keyed}
        self.course_by_id: dict[int, dict[str, Any]] = {}
        for c in (m.Course.objects.active().filter(patient_id__in=ids)
                  .order_by("patient_id", "number")
                  .values("id", "patient_id", "number", "regimen", "started_on", "ended_on",
                          "ward_tz", "discontinuation_reason")):
            c["slots"] = []
            self.courses[c["patient_id"]].append(c)
            self.course_by_id[c["id"]] = c
        #: per patient: birth date, record created, risk group, prior systemic lines,
        #: metastatic sites, and its zone (course 1's ward, else the one recorded, else UTC)
        self.info: dict[int, tuple[Any, ...]] = {}
        self.zone: dict[int, str] = {}
        for pid, *info, zone in (
                m.Patient.objects.filter(id__in=ids)
                .values_list("id", "birth_date", "created_at", "risk_group",
                             "prior_systemic_lines", "metastatic_sites", "time_zone")):
            first = self.courses[pid][0] if self.courses[pid] else None
            self.info[pid] = tuple(info)
            self.zone[pid] = first["ward_tz"] if first and first["ward_tz"] else zone or ""
        self._slots_read = False
        self.criteria: dict[int, str] = {}
        self.visits: dict[int, list[tuple[dt.date, str, str]]] = {pid: [] for pid in keyed}
        for pid, on, criteria, response in (
                m.ResponseAssessment.objects.active()
                .filter(patient_id__in=ids, kind="visit").order_by("assessed_on", "pk")
                .values_list("patient_id", "assessed_on", "criteria", "response")):
            self.criteria[pid] = criteria  # the latest visit assessment's
            self.visits[pid].append((on, criteria, response))

    def slots(self) -> None:
        """Read every active dose slot of the active cycles, onto its course (once)."""
        from django.db import connections
        from django.db.models import TextField
        from django.db.models.functions import Cast

        from hdil2.registry import models as m

        if self._slots_read:
            return
        self._slots_read = True
        seen: dict[Any, dt.datetime | None] = {}
        qs = (m.DoseSlot.objects.active()
              .filter(cycle__course__patient_id__in=self.ids, cycle__voided_at__isnull=True)
              .order_by("cycle__course_id", "cycle__number", "number"))
        at_col: Any = "scheduled_at"
        given_col: Any = "given_at"
        if connections[qs.db].vendor == "sqlite":  # the stored text, parsed in C below
            at_col = Cast("scheduled_at", output_field=TextField())
            given_col = Cast("given_at", output_field=TextField())
        for course_id, cycle, number, at, status, given, iu, reason in _raw(qs.values_list(
                "cycle__course_id", "cycle__number", "number", at_col, "status", given_col,
                "dose_iu", "reason")):
            course = self.course_by_id.get(course_id)
            if course is None:
                continue
            if at not in seen:
                seen[at] = _instant(at)
            if given not in seen:
                seen[given] = _instant(given)
            course["slots"].append((course_id, cycle, number, seen[at], status, seen[given],
                                    None if iu is None else float(iu), reason))

    def day(self, pid: int, on: dt.date | None) -> int | None:
        start = self.start[pid]
        return None if start is None or on is None else (on - start).days

    # -- the tables ---------------------------------------------------------------------------

    def patients(self) -> Any:
        from hdil2.registry import models as m
        from hdil2.registry.models.patient import PRIOR_KINDS
        from hdil2.report.data import PATIENTS, duration_of_response

        order = {k: i for i, (k, _) in enumerate(PRIOR_KINDS)}
        kinds: dict[int, set[str]] = {}
        for pid, kind in (m.PriorTherapy.objects.active().filter(patient_id__in=self.ids)
                          .values_list("patient_id", "kind")):
            kinds.setdefault(pid, set()).add(kind)
        out: list[dict[str, Any]] = []
        for pid, r in self.keyed.items():
            born, created, risk, lines, sites = self.info[pid]
            on = r["start"] or (created.date() if created is not None else None)
            mine = kinds.get(pid)
            prior = (";".join(sorted(mine, key=lambda k: order.get(k, len(order)))) if mine
                     else "" if lines == 0 else None)
            criteria = self.criteria.get(pid)
            response_on = next((d for d, c, resp in self.visits[pid]
                                if c == criteria and resp in RESPONDED), None)
            dor, dor_event = duration_of_response(response_on, r["progression_on"],
                                                  r["death_on"], r["last_known_alive"])
            row = {k: r.get(k) for k in PATIENTS}
            row.update(
                age=_completed_years(born, on) if born and on else None,
                risk_group=risk or None, prior_therapy=prior,
                metastatic_sites=";".join(str(s) for s in sites) if sites else None,
                course_responses=tuple(r["course_responses"]), response_on=response_on,
                dor_days=dor, dor_event=dor_event)
            out.append(row)
        return _frame("patients", out)

    def courses_rows(self) -> list[dict[str, Any]]:
        self.slots()
        out: list[dict[str, Any]] = []
        for pid, courses in self.courses.items():
            responses = self.keyed[pid]["course_responses"]
            for c, response in zip(courses, responses, strict=True):
                zone = _zone(c["ward_tz"])
                given = [s for s in c["slots"] if s[4] == "given"]
                last = max((s[5] for s in given), default=None)
                end = last.astimezone(zone).date() if last is not None else c["ended_on"]
                out.append({
                    "patient": self.code[pid], "course": c["number"],
                    "regimen": c["regimen"] or None, "started_on": c["started_on"],
                    "ended_on": c["ended_on"], "start_day": self.day(pid, c["started_on"]),
                    "end_day": self.day(pid, end), "response": response,
                    "stop_reason": c["discontinuation_reason"] or None,
                    "doses_planned": len(c["slots"]), "doses_given": len(given),
                    "doses_held": sum(s[4] == "held" for s in c["slots"])})
        return out

    def courses_table(self) -> Any:
        return _frame("courses", self.courses_rows())

    def tumour(self) -> Any:
        out: list[dict[str, Any]] = []
        left_out: dict[str, str] = {}
        imaging = stored_imaging(self.ids)
        for pid, img in imaging.items():
            start = self.start.get(pid)
            if pid not in self.keyed or len(img.scans) < 2 or start is None:
                continue
            code = self.code[pid]
            criteria = self.criteria.get(pid)
            if criteria is None:
                left_out[code] = "no stored response assessment (its criteria are not known)"
                continue
            try:
                a = img.assess(criteria, start)
            except InputError as e:
                left_out[code] = f"the stored measurements were refused: {e}"
                continue
            base = img.scans[0].scanned_on
            baseline = a.visits[0].baseline_mm if a.visits else None
            out.append({"patient": code, "criteria": criteria, "scanned_on": base,
                        "day": (base - start).days, "visit": 0,
                        "burden_mm": None if baseline is None else float(baseline),
                        "change_pct": 0.0 if baseline else None, "response": None})
            for tp in a.visits:
                pct = tp.change_from_baseline_pct
                out.append({"patient": code, "criteria": criteria, "scanned_on": tp.date,
                            "day": tp.day, "visit": tp.index,
                            "burden_mm": None if tp.burden_mm is None else float(tp.burden_mm),
                            "change_pct": None if pct is None else float(pct),
                            "response": tp.overall})
        out.sort(key=lambda row: (row["patient"], row["visit"]))
        df = _frame("tumour", out)
        df.attrs["left_out"] = dict(sorted(left_out.items()))
        return df

    def toxicities(self) -> Any:
        import bisect

        from hdil2.registry import models as m

        self.slots()
        given: dict[int, list[dt.datetime]] = {}
        windows: dict[int, list[tuple[dt.date, dt.date, int]]] = {}
        for pid, courses in self.courses.items():
            times: list[dt.datetime] = []
            for c in courses:
                times.extend(s[5] for s in c["slots"] if s[4] == "given")
                if c["slots"]:
                    zone = _zone(c["ward_tz"])
                    first = c["slots"][0][3].astimezone(zone).date()
                    last = max(s[3] for s in c["slots"]).astimezone(zone).date()
                    end = max(last, c["ended_on"]) if c["ended_on"] else last
                    windows.setdefault(pid, []).append((first, end, c["number"]))
            given[pid] = sorted(times)
        out: list[dict[str, Any]] = []
        for pid, course_id, term, grade, onset, serious in (
                m.Toxicity.objects.active().filter(patient_id__in=self.ids)
                .order_by("onset_at", "pk")
                .values_list("patient_id", "course_id", "term", "grade", "onset_at",
                             "serious")):
            course = self.course_by_id.get(course_id) if course_id else None
            zone = _zone(course["ward_tz"] if course and course["ward_tz"]
                         else self.zone[pid])
            on = onset.astimezone(zone).date()
            within = [n for first, end, n in windows.get(pid, ()) if first <= on <= end]
            out.append({"patient": self.code[pid], "term": term, "grade": grade,
                        "onset_day": self.day(pid, on),
                        "course": within[0] if within else None,
                        "dose_number": bisect.bisect_right(given.get(pid, []), onset),
                        "serious": bool(serious)})
        out.sort(key=lambda row: row["patient"])
        return _frame("toxicities", out)

    def quality_of_life(self) -> Any:
        from hdil2.clinical.outcomes.qlq_c30 import score_answers
        from hdil2.registry import models as m

        items = [f"q{i}" for i in range(1, 31)]
        out: list[dict[str, Any]] = []
        for row in (m.QualityOfLife.objects.active().filter(patient_id__in=self.ids)
                    .order_by("completed_on", "pk")
                    .values_list("patient_id", "label", "completed_on", *items)):
            pid, label, on = row[:3]
            scores = score_answers(dict(zip(range(1, 31), row[3:], strict=True)))
            doc: dict[str, Any] = {"patient": self.code[pid], "label": label,
                                   "completed_on": on, "day": self.day(pid, on)}
            for s in scores:
                exact = s.exact
                doc[s.code] = None if exact is None else float(exact)
            out.append(doc)
        out.sort(key=lambda row: row["patient"])
        return _frame("quality_of_life", out)

    def doses(self) -> Any:
        self.slots()
        out: list[tuple[Any, ...]] = []
        for pid, courses in self.courses.items():
            code = self.code[pid]
            for c in courses:
                zone, k = _zone(c["ward_tz"]), c["number"]
                out.extend((code, k, cycle, number, at.astimezone(zone).isoformat(), status, iu,
                            reason or None)
                           for _, cycle, number, at, status, _given, iu, reason in c["slots"])
        return _frame("doses", out)
