"""SDTM import into the registry: the registry side of :mod:`hdil2.interop.sdtm.read`.

:func:`import_sdtm` reads a folder of SDTM files (CSV or SAS transport) with
:func:`hdil2.interop.sdtm.read.read_datasets`, parses them into the registry's patient records
(:func:`hdil2.interop.sdtm.read.parse`) and writes them with :func:`import_records`.
docs/sdtm-import.md walks through it.

:func:`import_records` writes the records (the dicts :func:`hdil2.registry.interchange.
patient_records` answers) in ONE transaction: all of them, or nothing.

* Refused, nothing written (:class:`~hdil2.interop.sdtm.read.ImportRefused`, every problem
  named): a subject already in the registry (its registry code, or its study identifier
  ``STUDYID``/``USUBJID`` held by another patient), two records with one code, a value the
  registry cannot store as it is (too long, not one of a field's choices, a naive time).
* Each subject becomes a patient whose code is the record's ``code``, with a
  ``PatientIdentifier`` (system ``STUDYID``, value ``USUBJID``) per study identifier, its
  time zone kept (``Patient.time_zone``) so its times are written back in the same wall-clock
  time.
* Rows are written the way the registry's bulk loader writes them (:mod:`hdil2.registry.demo`:
  plain rows, one ``executemany`` per table, in batches), each with its audit-history row
  (history type ``+``, who: the importing user, reason ``imported from SDTM``); every row's
  ``created_by`` is the importing user, and no row is marked synthetic.
* What the import derives, and nothing else: a course's first day (``started_on``, the day of
  its first dose given, in the ward's zone) and each cycle's first slot (``starts_at``); the
  earliest scan is the baseline scan; a death date becomes a follow-up of that day (``dead``).
* Responses: the response as received is stored (``response``); hdil2's own assessment of the
  imported lesions and measurements (the criteria of the response, the start date the first
  dose of course 1, else the baseline scan's date; the ``assess`` operation of the registry's
  use case :func:`hdil2.registry.services.imaging.assess_response`) is stored beside it
  (``response_computed``: the visit's response, and the confirmed best overall response), and
  ``override_reason`` says when the two differ. When hdil2 cannot assess the measurements
  (no scan after the baseline, a lesion without a measurement), ``response_computed`` stays
  empty.

Call :func:`hdil2.registry.conf.configure` (or :func:`hdil2.registry.maintenance.setup`) first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from hdil2.core.errors import InputError

Step = Callable[[int, int], None]

#: patients written per batch (one ``executemany`` per table and batch)
BATCH = 500
#: the audit-history reason of every imported row
REASON = "imported from SDTM"
#: the SDTM domain each kind of record comes from (a problem names it)
DOMAIN_OF = {
    "patient": "DM", "identifier": "DM", "course": "DS", "cycle": "EX", "slot": "EX",
    "toxicity": "AE", "observation": "LB", "scan": "TR", "lesion": "TU", "measurement": "TR",
    "response": "RS", "followup": "DM", "disposition": "DS", "quality": "QS",
}


@contextlib.contextmanager
def _no_cycle_collection() -> Any:
    """Pause Python's cyclic garbage collector while an import builds its rows (they hold no
    reference cycles; a 10,000-patient import allocates millions of objects, and collecting
    them over and over cost about a third of its time, bench/README.md)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Fields:
    """Checks the values of one model's rows against its fields before anything is written."""

    def __init__(self, model: Any) -> None:
        from django.db import models

        self.fields = {f.attname: f for f in model._meta.concrete_fields}
        self.text = {n for n, f in self.fields.items()
                     if isinstance(f, models.CharField | models.TextField)}
        self.when = {n for n, f in self.fields.items() if isinstance(f, models.DateTimeField)}
        self.day = {n for n, f in self.fields.items() if isinstance(f, models.DateField)
                    and not isinstance(f, models.DateTimeField)}
        self.number = {n for n, f in self.fields.items()
                       if isinstance(f, models.DecimalField)}
        self.whole = {n for n, f in self.fields.items() if isinstance(f, models.IntegerField)}
        self.choices = {n: {str(k) for k, _ in f.flatchoices} for n, f in self.fields.items()
                        if f.choices}

    def problems(self, values: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
        """(field, what it needs, value) for each value the field cannot store as it is."""
        out: list[tuple[str, str, Any]] = []
        for name, v in values.items():
            f = self.fields[name]
            if v is None:
                if not f.null:
                    out.append((name, "a value (the registry requires it)", v))
            elif name in self.text:
                if not isinstance(v, str):
                    out.append((name, "text", v))
                elif f.max_length is not None and len(v) > f.max_length:
                    out.append((name, f"at most {f.max_length} characters", v))
                elif name in self.choices and v not in self.choices[name] and not (
                        v == "" and f.blank):
                    out.append((name, "one of " + ", ".join(sorted(self.choices[name])), v))
                elif f.validators and v:
                    out.extend((name, msg, v) for msg in _invalid(f, v))
            elif name in self.when:
                if not isinstance(v, dt.datetime) or v.utcoffset() is None:
                    out.append((name, "a time-zone-aware date and time", v))
            elif name in self.day:
                if isinstance(v, dt.datetime) or not isinstance(v, dt.date):
                    out.append((name, "a date", v))
            elif name in self.number:
                if isinstance(v, bool) or not isinstance(v, Decimal | int):
                    out.append((name, "a decimal number", v))
                else:
                    d = Decimal(v)
                    exp = d.as_tuple().exponent
                    places = -exp if isinstance(exp, int) and exp < 0 else 0
                    if places > f.decimal_places or len(
                            str(abs(d.to_integral_value()))) > f.max_digits - f.decimal_places:
                        out.append((name, f"a number with at most {f.decimal_places} decimal "
                                    f"places and {f.max_digits - f.decimal_places} digits "
                                    "before the point", v))
            elif name in self.whole:
                if isinstance(v, bool) or not isinstance(v, int):
                    out.append((name, "a whole number", v))
                else:
                    out.extend((name, msg, v) for msg in _invalid(f, v))
        return out


def _invalid(field: Any, value: Any) -> list[str]:
    from django.core.exceptions import ValidationError

    try:
        field.run_validators(value)
    except ValidationError as e:
        return [str(m) for m in e.messages]
    return []


class _Writer:
    """Queues each row with its audit-history row (the bulk loader's tables) and checks it."""

    def __init__(self, user: Any, files: Mapping[str, str]) -> None:
        from django.db import connection

        from hdil2.interop.sdtm.problems import Collector
        from hdil2.registry import models as m
        from hdil2.registry.demo import _Rows

        self.rows = _Rows(connection, user.pk, synthetic=False)
        self.user_id = user.pk
        self.files = files
        self.problems = Collector()
        self.checks: dict[Any, _Fields] = {}
        self.tables: dict[Any, tuple[Any, Any]] = {}
        for model in (m.Patient, m.PatientIdentifier, m.Course, m.Cycle, m.DoseSlot,
                      m.Toxicity, m.Observation, m.Scan, m.Lesion, m.Measurement,
                      m.ResponseAssessment, m.FollowUp, m.Disposition, m.QualityOfLife):
            # the tables in the order they are written (parents first), each with its history
            self.tables[model] = (self.rows[model], self.rows[model.history.model])
            self.checks[model] = _Fields(model)

    def add(self, model: Any, what: str, subject: str, /, **values: Any) -> int:
        for field, need, value in self.checks[model].problems(values):
            domain = DOMAIN_OF[what]
            self.problems.add(self.files.get(domain, domain), 0, field,
                              f"patient {subject}: {need}", value)
        table, history = self.tables[model]
        pk: int = table.add(**values)
        history.add(id=pk, history_date=self.rows.now, history_type="+",
                    history_user_id=self.user_id, history_change_reason=REASON, **values)
        return pk

    def flush(self) -> None:
        self.problems.raise_any()
        self.rows.flush()


def _local_day(at: dt.datetime, zone: str) -> dt.date:
    return at.astimezone(ZoneInfo(zone)).date()


def _write_patient(p: Mapping[str, Any], w: _Writer) -> tuple[int, int]:
    """Queue the rows of one patient record; answer the responses computed and how many of
    them differ from the response received."""
    from hdil2.registry import models as m
    from hdil2.registry.models.base import stored_time

    code = str(p["code"])
    zone = str(p.get("zone") or "UTC")
    pat = w.add(m.Patient, "patient", code, registry_id=code, site=p.get("site") or "",
                sex=p.get("sex") or "", birth_date=p.get("birth_date"),
                disease=p.get("disease") or "", histology=p.get("histology") or "",
                tnm_edition=p.get("tnm_edition") or "", stage_group=p.get("stage_group") or "",
                ecog=p.get("ecog"), time_zone=zone)
    for system, value in (p.get("identifiers") or {}).items():
        w.add(m.PatientIdentifier, "identifier", code, patient_id=pat, system=system,
              value=value)
    courses: dict[int, int] = {}
    first_dose: dict[int, dt.date] = {}
    for c in p.get("courses") or ():
        ward = c.get("ward_tz") or zone
        given = sorted(s["given_at"] for s in c.get("slots") or ()
                       if s.get("status") == "given" and s.get("given_at") is not None)
        started = _local_day(given[0], ward) if given else None
        if started is not None:
            first_dose[c["number"]] = started
        courses[c["number"]] = cid = w.add(
            m.Course, "course", code, patient_id=pat, number=c["number"],
            regimen=c.get("regimen") or "", status=c.get("status") or "planned", ward_tz=ward,
            started_on=started, ended_on=c.get("ended_on"),
            discontinuation_reason=c.get("discontinuation_reason") or "",
            discontinuation_detail=c.get("discontinuation_detail") or "")
        cycles: dict[int, list[Mapping[str, Any]]] = {}
        for s in c.get("slots") or ():
            cycles.setdefault(s["cycle"], []).append(s)
        for number in sorted(cycles):
            slots = cycles[number]
            cy = w.add(m.Cycle, "cycle", code, course_id=cid, number=number,
                       starts_at=min(s["scheduled_at"] for s in slots))
            for s in slots:
                w.add(m.DoseSlot, "slot", code, cycle_id=cy, number=s["number"],
                      scheduled_at=s["scheduled_at"], status=s["status"],
                      given_at=s.get("given_at"), dose_iu=s.get("dose_iu"),
                      reason=s.get("reason") or "")
    for t in p.get("toxicities") or ():
        onset, onset_p = stored_time(t.get("onset_at"))
        resolved, resolved_p = stored_time(t.get("resolved_at"))
        w.add(m.Toxicity, "toxicity", code, patient_id=pat, term=t.get("term"),
              verbatim=t.get("verbatim") or "", grade=t.get("grade"),
              severity=t.get("severity") or "", onset_at=onset, onset_precision=onset_p,
              resolved_at=resolved, resolved_precision=resolved_p,
              attribution=t.get("attribution") or "", serious=bool(t.get("serious")))
    for o in p.get("observations") or ():
        taken, taken_p = stored_time(o.get("taken_at"))
        w.add(m.Observation, "observation", code, patient_id=pat, kind=o.get("kind"),
              code=o.get("code"), name=o.get("name") or "", taken_at=taken,
              taken_precision=taken_p, value=o.get("value"), unit=o.get("unit") or "",
              unit_canonical=o.get("unit_canonical") or "", lln=o.get("lln"),
              uln=o.get("uln"))
    # scans in date order (then visit number): the first is the baseline
    scans = sorted(p.get("scans") or (), key=lambda s: (s["date"], s.get("visitnum") or 0))
    scan_ids: dict[Any, int] = {}
    for i, s in enumerate(scans):
        scan_ids[s["key"]] = w.add(m.Scan, "scan", code, patient_id=pat, scanned_on=s["date"],
                                   modality=s.get("modality") or "",
                                   label=s.get("label") or "", baseline=i == 0)
    lesion_ids: dict[str, int] = {}
    for les in p.get("lesions") or ():
        lesion_ids[les["lesion_id"]] = w.add(
            m.Lesion, "lesion", code, patient_id=pat, lesion_id=les["lesion_id"],
            kind=les["kind"], organ=les.get("organ") or "", nodal=bool(les.get("nodal")),
            first_scan_id=scan_ids.get(les.get("first_scan")))
    for ms in p.get("measurements") or ():
        w.add(m.Measurement, "measurement", code, scan_id=scan_ids.get(ms["scan"]),
              lesion_id=lesion_ids.get(ms["lesion"]), status=ms.get("status") or "present",
              longest_mm=ms.get("longest_mm"), short_axis_mm=ms.get("short_axis_mm"),
              perpendicular_mm=ms.get("perpendicular_mm"))
    computed = _computed(p, scans, first_dose.get(1))
    by_visit = {s.get("visitnum"): s for s in scans}
    n_computed = n_differ = 0
    for r in p.get("responses") or ():
        scan = by_visit.get(r.get("visitnum")) if r["kind"] == "visit" else None
        if r["kind"] == "visit" and scan is None:
            w.problems.add(w.files.get("RS", "RS"), 0, "VISITNUM",
                           f"patient {code}: a visit with a scan (TU/TR rows of this visit)",
                           r.get("visitnum"))
            continue
        key = (r["criteria"], scan["key"] if scan is not None else None)
        mine = computed.get(key, "")
        n_computed += bool(mine)
        differs = bool(mine) and mine != r["response"]
        n_differ += differs
        w.add(m.ResponseAssessment, "response", code, patient_id=pat,
              scan_id=scan_ids[scan["key"]] if scan is not None else None,
              criteria=r["criteria"], kind=r["kind"], assessed_on=r["assessed_on"],
              response=r["response"], response_computed=mine,
              override_reason=(f"the response as received ({REASON}); hdil2's "
                               f"{r['criteria']} assessment of the imported measurements "
                               f"gives {mine}") if differs else "")
    for f in p.get("followups") or ():
        if f.get("death_on") is not None:
            w.add(m.FollowUp, "followup", code, patient_id=pat, contact_on=f["death_on"],
                  vital_status="dead", death_on=f["death_on"])
    for q in p.get("quality_of_life") or ():
        answers = q.get("answers") or {}
        w.add(m.QualityOfLife, "quality", code, patient_id=pat, completed_on=q["completed_on"],
              label=q.get("label") or "", **{f"q{i}": answers.get(i) for i in range(1, 31)})
    for d in p.get("dispositions") or ():
        w.add(m.Disposition, "disposition", code, patient_id=pat,
              course_id=courses.get(d["course"]) if d.get("course") is not None else None,
              category=d.get("category") or "", term=d.get("term") or "",
              decod=d.get("decod") or "", date=d.get("date"))
    return n_computed, n_differ


def _computed(p: Mapping[str, Any], scans: Sequence[Mapping[str, Any]],
              first_dose: dt.date | None) -> dict[tuple[str, Any], str]:
    """hdil2's responses of the imported measurements: (criteria, scan key) -> the visit's
    response, (criteria, None) -> the confirmed best overall response."""
    from hdil2.registry.services._common import run
    from hdil2.registry.services.imaging import build_request

    criteria = sorted({r["criteria"] for r in p.get("responses") or ()})
    if not criteria or len(scans) < 2:
        return {}
    lesions = {les["lesion_id"]: SimpleNamespace(
        lesion_id=les["lesion_id"], kind=les["kind"], organ=les.get("organ") or "",
        nodal=bool(les.get("nodal"))) for les in p.get("lesions") or ()}
    by_scan: dict[Any, list[Any]] = {}
    for ms in sorted(p.get("measurements") or (), key=lambda x: x["lesion"]):
        if ms["lesion"] in lesions:
            by_scan.setdefault(ms["scan"], []).append(SimpleNamespace(
                lesion=lesions[ms["lesion"]], status=ms.get("status") or "present",
                longest_mm=ms.get("longest_mm"), short_axis_mm=ms.get("short_axis_mm"),
                perpendicular_mm=ms.get("perpendicular_mm")))
    rows = [SimpleNamespace(pk=s["key"], scanned_on=s["date"], label=s.get("label") or "")
            for s in scans]
    start = first_dose or scans[0]["date"]
    out: dict[tuple[str, Any], str] = {}
    for c in criteria:
        req = build_request(c, start, rows,
                            sorted(lesions.values(), key=lambda les: les.lesion_id), by_scan)
        try:
            result = run("assess", req)
        except InputError:
            continue  # not assessable from what was imported: response_computed stays empty
        for scan, tp in zip(rows[1:], result.visits, strict=True):
            out[(c, scan.pk)] = str(tp.overall)
        out[(c, None)] = str(result.bor_confirmed.value)
    return out


def import_records(records: Iterable[Mapping[str, Any]], *, by: Any, step: Step | None = None,
                   files: Mapping[str, str] | None = None,
                   subject_rows: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Write patient records into the registry in one transaction (see the module); answer
    the rows written per table.

    ``by``: the importing user (every row's author and the history rows' user). ``step(done,
    total)`` reports the patients written. ``files`` (domain -> file name) and
    ``subject_rows`` (USUBJID -> its DM row) let a refusal name the file and row.
    Refused with :class:`~hdil2.interop.sdtm.read.ImportRefused`: nothing is written.
    """
    from django.db import transaction

    from hdil2.interop.sdtm.problems import Collector
    from hdil2.registry import models as m
    from hdil2.registry.errors import RegistryError

    if by is None or getattr(by, "pk", None) is None:
        raise RegistryError("by", "an import names who made it (a saved user)")
    recs = list(records)
    names = dict(files or {})
    rows_of = dict(subject_rows or {})
    dm = names.get("DM", "DM")
    total = len(recs)
    with _no_cycle_collection(), transaction.atomic():
        found = Collector()
        codes: dict[str, str] = {}
        for p in recs:
            code = str(p.get("code") or "")
            usubjid = next(iter((p.get("identifiers") or {}).values()), code)
            if code in codes:
                found.add(dm, rows_of.get(usubjid, 0), "USUBJID",
                          f"one subject per registry code ({code} is also {codes[code]})",
                          usubjid)
            codes[code] = usubjid
        known = _existing(m.Patient._base_manager, "registry_id", list(codes))
        for code in sorted(known):
            found.add(dm, rows_of.get(codes[code], 0), "USUBJID",
                      f"a subject not yet in the registry: patient {code} is already there "
                      "(an import adds new subjects only)", codes[code])
        idents = {(s, v): p["code"] for p in recs
                  for s, v in (p.get("identifiers") or {}).items()}
        taken = _existing(m.PatientIdentifier._base_manager, "value",
                          sorted({v for _, v in idents}), also=("system", "patient__registry_id"))
        for system, value, holder in sorted(taken):
            if (system, value) in idents and holder not in known:
                found.add(dm, rows_of.get(value, 0), "USUBJID",
                          f"a subject not yet in the registry ({system} {value} is patient "
                          f"{holder}'s identifier)", value)
        found.raise_any()
        w = _Writer(by, names)
        n_computed = n_differ = 0
        for done, p in enumerate(recs, start=1):
            c, d = _write_patient(p, w)
            n_computed += c
            n_differ += d
            if done % BATCH == 0 or done == total:
                w.flush()
                if step:
                    step(done, total)
        w.flush()
    counts = dict(w.rows.counts)
    history = sum(v for k, v in counts.items() if k.startswith("historical "))
    return {"patients": total,
            "rows": {k: v for k, v in sorted(counts.items())
                     if not k.startswith("historical ")},
            "history_rows": history,
            "responses_computed": n_computed, "responses_differing": n_differ}


def _existing(manager: Any, field: str, values: list[str],
              also: tuple[str, ...] = ()) -> set[Any]:
    """The ``field`` values (or, with ``also``, tuples of those fields and the value) of the
    rows whose ``field`` is one of ``values``, asked in chunks."""
    out: set[Any] = set()
    for i in range(0, len(values), 500):
        qs = manager.filter(**{f"{field}__in": values[i:i + 500]})
        if also:
            out.update((a, v, b) for a, b, v in qs.values_list(*also, field))
        else:
            out.update(qs.values_list(field, flat=True))
    return out


def import_sdtm(path: str | Path, *, fmt: str = "csv", zone: str, by: Any,
                evaluator: str | None = None, study: str | None = None,
                partial_dates: str = "refuse", criteria: str | None = None,
                step: Step | None = None) -> dict[str, Any]:
    """Read, parse and import the SDTM files of ``path`` (a folder, or one file) into the
    registry; answer what was imported per domain (rows read, imported, not kept, and left
    out as another evaluator's), the registry rows written, the variables the registry does
    not model and the rows not kept (with why).

    ``zone``: the IANA time zone the files' wall-clock times are in (SDTM carries none).
    ``evaluator``, ``study``, ``partial_dates``, ``criteria``: as
    :func:`hdil2.interop.sdtm.read.parse` takes them. Refused with
    :class:`~hdil2.interop.sdtm.read.ImportRefused` (file, row, column, reason of every
    problem; nothing written).
    """
    from hdil2.interop.sdtm.problems import Problem
    from hdil2.interop.sdtm.read import parse, read_datasets

    notes: list[Problem] = []
    with _no_cycle_collection():
        datasets = read_datasets(path, fmt)
        records = parse(datasets, zone=zone, evaluator=evaluator, study=study,
                        partial_dates=partial_dates, criteria=criteria, notes=notes)
    files = dict(datasets.files)
    subject_rows = {str(r.get("USUBJID") or ""): i
                    for i, r in enumerate(datasets.get("DM", ()), start=1)}
    written = import_records(records, by=by, step=step, files=files, subject_rows=subject_rows)
    dropped: dict[str, int] = {}
    by_file = {f: c for c, f in files.items()}
    for n in notes:
        code = by_file.get(n.file, n.file)
        dropped[code] = dropped.get(code, 0) + 1
    domains: dict[str, dict[str, Any]] = {}
    for code, rows in datasets.items():
        # rows of another reader than the evaluator chosen are left out (TU/TR/RS)
        others = 0 if evaluator is None or code not in ("TU", "TR", "RS") else sum(
            str(r.get(f"{code}EVALID") or r.get(f"{code}EVAL") or "") != evaluator
            for r in rows)
        domains[code] = {"file": files[code], "rows": len(rows),
                         "imported": len(rows) - dropped.get(code, 0) - others,
                         "not_kept": dropped.get(code, 0), "other_evaluators": others}
    return {
        "format": fmt, "zone": zone, "evaluator": evaluator, "patients": written["patients"],
        "domains": domains, "registry_rows": written["rows"],
        "history_rows": written["history_rows"],
        "responses_computed": written["responses_computed"],
        "responses_differing": written["responses_differing"],
        "not_modelled": {c: list(v) for c, v in datasets.extra.items() if v},
        "ignored_files": dict(datasets.ignored),
        "not_kept": [{"file": n.file, "row": n.row, "column": n.column, "reason": n.reason,
                      "value": n.value} for n in notes],
    }
