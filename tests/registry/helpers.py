"""Building blocks of the registry tests: a patient with one course, cycle and dose slot;
a table-by-table dump of the database for before/after comparisons."""

from __future__ import annotations

import datetime as dt
from typing import Any

UTC = dt.UTC


def patient_with_slot(by: Any, registry_id: str) -> Any:
    """A patient, course 1, cycle 1 and dose slot 1 (scheduled), all written by ``by``;
    returns the slot."""
    from hdil2.registry.models import Course, Cycle, DoseSlot, Patient

    p = Patient(registry_id=registry_id, disease="rcc", histology="clear_cell")
    p.save(by=by)
    c = Course(patient=p, number=1, regimen="hd-il2-600k", ward_tz="Europe/London")
    c.save(by=by)
    cy = Cycle(course=c, number=1, starts_at=dt.datetime(2025, 3, 3, 8, tzinfo=UTC))
    cy.save(by=by)
    s = DoseSlot(cycle=cy, number=1, scheduled_at=dt.datetime(2025, 3, 3, 8, tzinfo=UTC))
    s.save(by=by)
    return s


def dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the default database, each table sorted."""
    from django.db import connection

    out: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cur:
        for table in sorted(connection.introspection.table_names(cur)):
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out[table] = sorted(cur.fetchall(), key=repr)
    return out
