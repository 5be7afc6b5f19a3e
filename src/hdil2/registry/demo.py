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

How the rows are written (the bulk-load path, used by this loader only): the rows of a chunk
of patients are built as plain tuples from the model's own field list (every field the record
does not set takes the model's default, converted by Django's own adapters for the
connection) and written with one ``executemany`` per table, parents before children, inside
the one transaction.  Row ids are reserved before the rows are written, so that children can
name their parents: on SQLite from the table's largest id (the load holds the write lock from
its ``BEGIN IMMEDIATE``), on PostgreSQL from the table's own sequence (``nextval``), so
concurrent writers never collide.  No Django model instance, ``save()`` or signal is involved,
which is what makes a 10,000-patient load fast (bench/README.md); the database's constraints
(foreign keys, unique and check constraints) still check every row.  Nothing about durability
changes: the SQLite connection keeps its WAL journal, ``synchronous=FULL`` and foreign keys,
and the load commits once.

The bulk load writes no audit-history rows: nothing has been edited yet, and every later change
is versioned and audited as usual.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hdil2.core.errors import InputError
from hdil2.registry import synthetic as syn

Step = Callable[[int, int], None]

#: patients generated and written per chunk (bounds the memory of a 10,000-patient load)
CHUNK = 500
#: the largest cohort a load accepts (10,000 patients: about 20 s to generate and 25 s to
#: write on SQLite; bench/README.md)
MAX_PATIENTS = 100_000
#: row ids reserved per PostgreSQL ``nextval`` round trip
_ID_BLOCK = 5000

_OBS_NUMERIC: dict[str, tuple[str, str, str]] = {  # field -> (kind, code, unit)
    "sbp_mmhg": ("vital", "sbp", "mmHg"),
    "creatinine": ("lab", "creatinine", "mg/dL"),
    "oliguria_hours": ("vital", "oliguria_hours", "h"),
    "urine_ml_per_h": ("vital", "urine_output", "mL/h"),
}
CREATININE_ULN = "1.2"  # mg/dL, the ULN the synthetic toxicities are graded against


#: the synthetic lesions' organ words that are not words of the screening's metastatic-site
#: vocabulary (``hdil2.clinical.selection.patient.MetastaticSite``), by disease; a kidney lesion of
#: a synthetic renal cell cancer patient is a metastasis to the other kidney by construction
_SITE_WORDS: dict[str, dict[str, str]] = {
    "melanoma": {"lymph node": "other_nodes", "subcutaneous": "soft_tissue",
                 "soft tissue": "soft_tissue", "kidney": "other"},
    "rcc": {"lymph node": "other_nodes", "subcutaneous": "soft_tissue",
            "soft tissue": "soft_tissue", "kidney": "contralateral_kidney"},
}


def metastatic_site(organ: str, disease: str) -> str:
    """The patient's metastatic site (the screening's vocabulary) of a synthetic lesion's
    organ, so that every demo patient can be screened."""
    return _SITE_WORDS.get(disease, {}).get(organ, organ)


def patient_code(seed: int, pid: str) -> str:
    """The registry code of synthetic patient ``pid`` of the cohort of ``seed``."""
    return f"demo{seed}-{pid}"


def load(seed: int = syn.DEFAULT_SEED, n: int | None = None, *, by: Any = None,
         step: Step | None = None,
         records: Iterable[syn.PatientRecord] | None = None) -> dict[str, int]:
    """Generate and write the synthetic cohort in one transaction; the rows written by model.

    ``by`` is the user the rows are written as (default: the system user); ``step(done,
    total)`` reports patients written.  ``records`` are the cohort's records when already
    generated (``synthetic.generate(seed, n).records``, the benchmark's case); they must be
    those of ``seed`` and ``n``.
    """
    from django.db import DEFAULT_DB_ALIAS, connections, transaction

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
    source = syn.iter_records(seed, n) if records is None else records
    done = 0
    with transaction.atomic():
        out = _Rows(connections[DEFAULT_DB_ALIAS], user.pk)
        chunk: list[syn.PatientRecord] = []
        for rec in source:
            chunk.append(rec)
            if len(chunk) == CHUNK:
                _write(chunk, seed, user.pk, out)
                done += len(chunk)
                chunk = []
                if step:
                    step(done, total)
        if chunk:
            _write(chunk, seed, user.pk, out)
            done += len(chunk)
            if step:
                step(done, total)
    return out.counts


def _sizes(n: int | None) -> range:
    if n is None:
        return range(sum(g.count for g in syn.LEE2000_GROUPS))
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_PATIENTS:
        raise InputError("patients", f"a whole number of patients from 1 to {MAX_PATIENTS:,}", n)
    return range(n)


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), ZoneInfo(syn.WARD_TZ))


def _prep(field: Any, conn: Any) -> Callable[[Any], Any]:
    """Django's own conversion of a value of ``field`` for the connection."""
    def prep(value: Any) -> Any:
        return field.get_db_prep_save(value, conn)
    return prep


def _decimal(prep: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A Decimal goes to the driver as it is (what Django's conversion gives it); any other
    value through Django's conversion."""
    def convert(value: Any) -> Any:
        return value if type(value) is Decimal else prep(value)
    return convert


def _json(ops: Any, encoder: Any) -> Callable[[Any], Any]:
    """Django's text (SQLite) or ``Jsonb`` (PostgreSQL) of a JSON value."""
    def convert(value: Any) -> Any:
        return ops.adapt_json_value(value, encoder)
    return convert


def _sqlite_datetime(ops: Any) -> Callable[[Any], Any]:
    """SQLite's text of an aware datetime: its UTC wall time without the offset, as Django's
    backend writes it (``str`` of the naive UTC datetime); anything else through Django.  The
    last conversion is kept: a dose given at its scheduled time converts once."""
    last: list[Any] = [None, None]

    def convert(value: Any) -> Any:
        if value is last[0]:
            return last[1]
        if type(value) is dt.datetime and value.utcoffset() is not None:
            text = str(value.astimezone(dt.UTC).replace(tzinfo=None))
        else:
            text = ops.adapt_datetimefield_value(value)
        last[0], last[1] = value, text
        return text
    return convert


class _Table:
    """The rows of one table waiting to be written: the model's concrete fields in order, each
    field's default already converted for the connection, the fields that need converting."""

    def __init__(self, model: Any, rows: _Rows) -> None:
        from django.db import models

        conn = rows.connection
        ops = conn.ops
        self.model = model
        self.owner = rows
        fields = list(model._meta.concrete_fields)
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.pk = self.index[model._meta.pk.attname]
        self.convert: list[Callable[[Any], Any] | None] = []
        for f in fields:
            if isinstance(f, models.DateTimeField):
                self.convert.append(rows.datetime)
            elif isinstance(f, models.DateField):
                self.convert.append(ops.adapt_datefield_value)
            elif isinstance(f, models.DecimalField):
                self.convert.append(_decimal(_prep(f, conn)))
            elif isinstance(f, models.JSONField):
                self.convert.append(_json(ops, f.encoder))
            else:
                self.convert.append(None)
        fixed = {"synthetic": rows.synthetic, "created_at": rows.now, "updated_at": rows.now,
                 "created_by_id": rows.user_id, "updated_by_id": rows.user_id, "version": 1}
        self.defaults: list[Any] = []
        for f, c in zip(fields, self.convert, strict=True):
            v = fixed[f.attname] if f.attname in fixed else (
                f.get_default() if f.has_default() or f.null else None)
            self.defaults.append(c(v) if c is not None and v is not None else v)
        quote = ops.quote_name
        self.sql = (f"INSERT INTO {quote(model._meta.db_table)} "
                    f"({', '.join(quote(f.column) for f in fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(fields))})")
        self.pending: list[list[Any]] = []
        self._ids: list[int] = []
        self._next: int | None = None

    def add(self, **values: Any) -> int:
        """Queue one row (attribute name -> value, the rest the model's defaults); its id."""
        row = self.defaults.copy()
        pk = self._id()
        row[self.pk] = pk
        index, convert = self.index, self.convert
        for name, v in values.items():
            i = index[name]
            c = convert[i]
            row[i] = c(v) if c is not None and v is not None else v
        self.pending.append(row)
        return pk

    def _id(self) -> int:
        meta = self.model._meta  # the key column: "id", or an audit-history table's history_id
        if self.owner.vendor == "sqlite":
            if self._next is None:
                self._next = self.owner.max_id(meta.db_table, meta.pk.column) + 1
            pk, self._next = self._next, self._next + 1
            return pk
        if not self._ids:
            self._ids = self.owner.reserve(meta.db_table, meta.pk.column, _ID_BLOCK)
            self._ids.reverse()
        return self._ids.pop()

    def flush(self) -> None:
        if not self.pending:
            return
        with self.owner.connection.cursor() as cur:
            cur.executemany(self.sql, self.pending)
        key = str(self.model._meta.verbose_name_plural)
        self.owner.counts[key] = self.owner.counts.get(key, 0) + len(self.pending)
        self.pending = []


class _Rows:
    """The tables of one load (in the order their rows are written: parents first)."""

    def __init__(self, connection: Any, user_id: int, *, synthetic: bool = True) -> None:
        from django.utils import timezone

        from hdil2.registry.errors import RegistryError

        self.synthetic = synthetic  # every row written is marked so (the demo's are)
        self.connection = connection
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise RegistryError("db", "the bulk loader writes to SQLite or PostgreSQL",
                                self.vendor)
        self.user_id = user_id
        self.now = timezone.now()
        #: the datetime conversion, one for every table (it keeps its last conversion)
        self.datetime = (_sqlite_datetime(connection.ops) if self.vendor == "sqlite"
                         else connection.ops.adapt_datetimefield_value)
        self.counts: dict[str, int] = {}
        self.tables: dict[Any, _Table] = {}

    def __getitem__(self, model: Any) -> _Table:
        if model not in self.tables:
            self.tables[model] = _Table(model, self)
        return self.tables[model]

    def max_id(self, table: str, column: str = "id") -> int:
        """SQLite: the largest id the table has used (its rows and its AUTOINCREMENT counter);
        called inside the load's write transaction, so no other writer can take ids meanwhile."""
        q = self.connection.ops.quote_name
        with self.connection.cursor() as cur:
            cur.execute(f"SELECT max({q(column)}) FROM {q(table)}")
            top = cur.fetchone()[0] or 0
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cur.fetchone()
        return max(int(top), int(seq[0]) if seq else 0)

    def reserve(self, table: str, column: str, k: int) -> list[int]:
        """PostgreSQL: ``k`` ids from the sequence of the table's key ``column``."""
        with self.connection.cursor() as cur:
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                        "FROM generate_series(1, %s)", [table, column, k])
            return [int(r[0]) for r in cur.fetchall()]

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()


def _birth_date(first_dose: dt.date, age_years: int) -> dt.date:
    """A birth date at which the patient is ``age_years`` old (completed years) on the first
    dose - the age of Table 1 of ``lee2000`` - on a day of the year that varies between
    patients (0-364 days before the birthday that makes the age exact)."""
    try:
        exact = first_dose.replace(year=first_dose.year - age_years)
    except ValueError:  # 29 February in a year that has none
        exact = first_dose.replace(year=first_dose.year - age_years, day=28)
    return exact - dt.timedelta(days=first_dose.toordinal() % 365)


def _write(chunk: Iterable[syn.PatientRecord], seed: int, user_id: int, out: _Rows) -> None:
    from hdil2.clinical.toxicity.ctcae import TERMS
    from hdil2.clinical.toxicity.holds.rules import RULESETS
    from hdil2.core.quantity import Quantity
    from hdil2.registry import models as m

    rules = {r.id: f"{r.id}: {r.criterion}" for r in RULESETS["label"]}
    recs = list(chunk)
    # the tables in the order they are written (parents first)
    patients, courses, cycles = out[m.Patient], out[m.Course], out[m.Cycle]
    slots, observations, toxicities = out[m.DoseSlot], out[m.Observation], out[m.Toxicity]
    scans, lesions, measurements = out[m.Scan], out[m.Lesion], out[m.Measurement]
    responses, follow_ups = out[m.ResponseAssessment], out[m.FollowUp]
    death_cause = {"disease": "disease", "treatment-related": "treatment"}
    for r in recs:
        p = r.patient
        pat = patients.add(
            registry_id=patient_code(seed, p.id), site="synthetic demo (lee2000)",
            sex=p.sex, disease=p.disease,
            birth_date=_birth_date(p.first_dose.date(), p.age_years),
            metastatic_sites=sorted({metastatic_site(les.organ, p.disease)
                                     for les in r.lesions}), ecog=p.ecog)
        course: dict[int, int] = {}
        for c in r.courses:
            last = c.number == len(r.courses)
            course[c.number] = courses.add(
                patient_id=pat, number=c.number, regimen=c.regimen, intent="metastatic",
                status="discontinued" if last else "completed", ward_tz=syn.WARD_TZ,
                planned_start=c.first_dose, started_on=c.first_dose.date(),
                ended_on=c.last_slot.date(), dosing_weight=c.weight_kg,
                dosing_weight_unit="kg", dose_per_kg_iu=720000,
                discontinuation_reason=r.discontinuation.reason if last else "",
                discontinuation_detail=(f"stopped after course {c.number} on "
                                        f"{r.discontinuation.date}" if last else ""))
        cycle: dict[tuple[int, int], int] = {}
        for cy in r.cycles:
            cycle[(cy.course, cy.number)] = cycles.add(
                course_id=course[cy.course], number=cy.number, starts_at=cy.first_slot,
                planned_slots=cy.slots)
        for s in r.slots:
            given = s.status == "given"
            reason = (rules[s.hold_rule] if s.status == "held" and s.hold_rule
                      else s.note or "")
            slots.add(cycle_id=cycle[(s.course, s.cycle)], number=s.dose_in_cycle,
                      scheduled_at=s.scheduled, status=s.status,
                      given_at=s.scheduled if given else None, dose_iu=s.dose_iu,
                      vials=s.vials, given_by_id=user_id if s.status != "not_given" else None,
                      reason=reason)
        for o in r.observations:
            other = {k: v for k, v in o.values.items() if k not in _OBS_NUMERIC}
            note = f"{o.purpose} {o.rule} at slot {o.slot} of course {o.course}" + (
                "; " + ", ".join(f"{k}={v}" for k, v in sorted(other.items())) if other else "")
            for k, v in o.values.items():
                if k not in _OBS_NUMERIC:
                    continue
                kind, code, unit = _OBS_NUMERIC[k]
                q = Quantity.parse(v if k == "creatinine" else f"{v} {unit}", k)
                observations.add(
                    patient_id=pat, course_id=course[o.course], kind=kind, code=code,
                    taken_at=o.at, value=q.value, unit=_entered_unit(v, q.unit),
                    unit_canonical=q.unit, note=note,
                    uln=CREATININE_ULN if k == "creatinine" else None)
        for t in r.toxicities:
            toxicities.add(
                patient_id=pat, course_id=course[t.course], term=TERMS[t.term].name,
                grade=t.grade, grade_computed=t.grade, raw_values=dict(t.request),
                onset_at=_noon(t.onset), attribution="probable", serious=t.grade >= 3)
        scan: dict[int, int] = {}
        for sc in r.scans:
            scan[sc.index] = scans.add(
                patient_id=pat, scanned_on=sc.date, modality="ct",
                label=sc.purpose.replace("_", " ") + (f" {sc.course}" if sc.course else ""),
                baseline=sc.index == 0, course_id=course[sc.course] if sc.course else None)
        lesion: dict[str, int] = {}
        for les in r.lesions:
            lesion[les.id] = lesions.add(
                patient_id=pat, lesion_id=les.id, kind=les.kind, organ=les.organ,
                nodal=les.is_lymph_node, first_scan_id=scan[0])
        for ms in r.measurements:
            if ms.new and ms.lesion not in lesion:
                lesion[ms.lesion] = lesions.add(
                    patient_id=pat, lesion_id=ms.lesion, kind="new", organ=ms.organ or "",
                    first_scan_id=scan[ms.scan])
        for ms in r.measurements:
            measurements.add(
                scan_id=scan[ms.scan], lesion_id=lesion[ms.lesion],
                status="absent" if ms.status == "absent" else "present",
                longest_mm=ms.ld_mm, perpendicular_mm=ms.perp_mm)
        by_index = {s.index: s for s in r.scans}
        for a in r.assessments:
            if a.kind == "timepoint":
                assert a.scan is not None
                sc = by_index[a.scan]
                responses.add(
                    patient_id=pat, scan_id=scan[a.scan],
                    course_id=course[sc.course] if sc.course else None, criteria=a.criteria,
                    kind="visit", assessed_on=sc.date, response=a.value,
                    response_computed=a.value)
            else:
                responses.add(
                    patient_id=pat, criteria=a.criteria, kind="best",
                    assessed_on=r.scans[-1].date, response=a.value, response_computed=a.value,
                    confirmed=True if a.value in ("CR", "PR") else None)
        fu = r.follow_up
        follow_ups.add(
            patient_id=pat, contact_on=fu.death_date or fu.cutoff,
            vital_status=fu.vital_status, last_known_alive=fu.death_date or fu.cutoff,
            progression_on=fu.progression_date, death_on=fu.death_date,
            death_cause=death_cause.get(fu.cause_of_death or "", ""))
    out.flush()


def _entered_unit(raw: Any, canonical: str) -> str:
    """The unit as entered: the text after the number (``Observation.set_quantity``'s rule)."""
    if isinstance(raw, str):
        found = re.match(r"^\s*[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?\s*(.*?)\s*$", raw)
        return (found.group(1) if found else "") or canonical
    return canonical
