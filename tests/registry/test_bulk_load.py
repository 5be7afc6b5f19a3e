"""Issue 11 item 5: the demo loader's bulk path writes the rows Django itself would write.

The loader builds plain rows from each model's field list and writes them with
``executemany`` (bench/README.md: a 10,000-patient load).  These tests hold it to Django's ORM:
every stored row passes the model's own validation, its stored form is Django's form of the
value the ORM reads back, the times are the synthetic records' instants, the ids it reserved
leave the table's own id allocation working, and the sizes are bounded.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from hdil2.core.errors import InputError
from hdil2.registry import demo
from hdil2.registry import synthetic as syn

SEED, N = 41, 25


@pytest.fixture(scope="module")
def loaded(registry_db: dict[str, Any]) -> dict[str, int]:
    from hdil2.registry.users import system_user

    from .helpers import patient_with_slot

    patient_with_slot(system_user(), "BEFORE1")  # ids in use before the load
    return demo.load(SEED, N)


def _models() -> list[Any]:
    from hdil2.registry import models as m

    return [m.Patient, m.Course, m.Cycle, m.DoseSlot, m.Observation, m.Toxicity, m.Scan,
            m.Lesion, m.Measurement, m.ResponseAssessment, m.FollowUp]


def test_item5_bulk_rows_pass_the_models_validation(loaded: dict[str, int]) -> None:
    """Choices, lengths, validators, foreign keys: ``full_clean`` of every bulk-loaded row."""
    checked = 0
    for model in _models():
        rows = model.objects.filter(synthetic=True)
        assert rows.count() == loaded[str(model._meta.verbose_name_plural)], model
        for obj in rows:
            obj.full_clean()
            assert obj.version == 1
            assert obj.created_by_id == obj.updated_by_id is not None
            assert obj.voided_at is None
            checked += 1
    assert checked == sum(loaded.values()) > 2000


def test_item5_bulk_rows_are_stored_as_django_stores_them(loaded: dict[str, int]) -> None:
    """The stored column values equal Django's own conversion (``get_db_prep_save``) of the
    values the ORM reads back: the same text of datetimes, decimals and JSON on SQLite, the
    same typed values on PostgreSQL."""
    from django.db import connection

    q = connection.ops.quote_name
    for model in _models():
        fields = list(model._meta.concrete_fields)
        objs = {o.pk: o for o in model.objects.filter(synthetic=True)}
        sql = (f"SELECT {', '.join(q(f.column) for f in fields)} FROM "
               f"{q(model._meta.db_table)} WHERE {q('synthetic')} = %s")
        if connection.vendor == "sqlite":  # the stored text, without Django's converters
            import sqlite3

            with contextlib.closing(sqlite3.connect(connection.settings_dict["NAME"])) as raw:
                stored = raw.execute(sql.replace("%s", "?"), [True]).fetchall()
        else:
            with connection.cursor() as cur:
                cur.execute(sql, [True])
                stored = cur.fetchall()
        assert len(stored) == len(objs)
        for row in stored:
            obj = objs[row[0]]
            django = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
            for f, raw, want in zip(fields, row, django, strict=True):
                if hasattr(want, "obj"):  # psycopg's Jsonb wrapper: compare the JSON
                    want = want.obj
                assert _same(raw, want, f.get_internal_type() == "JSONField"), (
                    model.__name__, f.name, raw, want)


def _json(v: Any) -> Any:
    import json

    return json.loads(v) if isinstance(v, str) else v


def _same(raw: Any, want: Any, is_json: bool) -> bool:
    from decimal import Decimal

    if isinstance(want, Decimal) or isinstance(raw, Decimal):
        return raw is not None and want is not None and Decimal(str(raw)) == Decimal(str(want))
    if is_json:
        return bool(_json(raw) == _json(want))
    if isinstance(want, bool) or isinstance(raw, bool):
        return raw is not None and bool(raw) == bool(want)
    return bool(raw == want)


def test_item5_bulk_times_are_the_records_instants(loaded: dict[str, int]) -> None:
    """Every dose slot's scheduled time (and a given slot's time given) is the synthetic
    record's instant, whatever the ward's zone offset that day."""
    from hdil2.registry import models as m

    recs = syn.generate(SEED, N).records
    want = {(demo.patient_code(SEED, r.patient.id), s.course, s.cycle, s.dose_in_cycle):
            (s.scheduled, s.status, s.dose_iu) for r in recs for s in r.slots}
    got = {(s.cycle.course.patient.registry_id, s.cycle.course.number, s.cycle.number,
            s.number): (s.scheduled_at, s.given_at, s.status, s.dose_iu)
           for s in m.DoseSlot.objects.filter(synthetic=True).select_related(
               "cycle__course__patient")}
    assert set(got) == set(want)
    for key, (at, status, dose) in want.items():
        scheduled, given, stored_status, stored_dose = got[key]
        assert scheduled == at, key
        assert stored_status == status
        assert given == (at if status == "given" else None)
        assert stored_dose == dose


def test_item5_ids_after_a_bulk_load_come_from_the_tables_own_allocation(
        loaded: dict[str, int]) -> None:
    """Rows saved through the ORM after a bulk load get fresh ids (no collision with the
    reserved ones), and a second bulk load continues after them."""
    from hdil2.registry import models as m
    from hdil2.registry.users import system_user

    from .helpers import patient_with_slot

    top = m.DoseSlot.objects.order_by("-id").values_list("id", flat=True).first()
    slot = patient_with_slot(system_user(), "AFTER1")
    assert slot.pk > top
    again = demo.load(SEED + 1, 3)
    assert again["patients"] == 3
    assert m.DoseSlot.objects.filter(pk__gt=slot.pk).count() == again["dose slots"]
    assert m.Patient.objects.count() == N + 3 + 2


def test_item5_bulk_load_writes_no_history_rows(loaded: dict[str, int]) -> None:
    """Documented: the bulk-loaded rows have no audit-history rows; a later edit is audited."""
    from hdil2.registry import models as m
    from hdil2.registry.users import system_user

    fu = m.FollowUp.objects.filter(synthetic=True).first()
    assert fu is not None
    assert fu.history.count() == 0
    fu.edit(by=system_user(), death_cause_detail="checked", change_reason="test")
    assert fu.history.count() == 1


@pytest.mark.parametrize("n", [0, -1, demo.MAX_PATIENTS + 1, 10**9])
def test_item5_absurd_sizes_are_refused_before_anything_is_generated(
        registry_db: dict[str, Any], n: int) -> None:
    with pytest.raises(InputError) as e:
        demo.load(SEED + 2, n)
    assert e.value.field == "patients"
