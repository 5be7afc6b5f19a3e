"""Issue 11 item 4: two concurrent edits of one dose slot: one wins, the other is refused."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest

from registry.helpers import UTC, patient_with_slot


def _edit_in_thread(slot_pk: int, username: str, changes: dict[str, Any],
                    barrier: threading.Barrier, results: dict[str, Any]) -> None:
    """Read the slot, wait until the other thread has read it too, then edit it; each thread
    has its own database connection (Django's connections are per thread)."""
    from django.db import connection

    from hdil2.registry.models import DoseSlot
    from hdil2.registry.users import system_user

    try:
        who = system_user(username)
        slot = DoseSlot.objects.get(pk=slot_pk)
        barrier.wait(timeout=30)
        slot.edit(by=who, **changes)
        results[username] = "saved"
    except Exception as e:
        results[username] = e
    finally:
        connection.close()


def test_item4_two_concurrent_edits_of_one_dose_slot_one_wins_one_refused(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import audit
    from hdil2.registry.errors import StaleEdit
    from hdil2.registry.models import DoseSlot

    slot = patient_with_slot(user("conc_writer"), "CONC1")
    user("conc_nurse_a")
    user("conc_nurse_b")
    given = {"status": "given", "given_at": dt.datetime(2025, 3, 3, 8, 5, tzinfo=UTC),
             "dose_iu": Decimal(43500000), "vials": 2}
    held = {"status": "held", "reason": "SpO2 89 %: withhold"}
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}
    threads = [
        threading.Thread(target=_edit_in_thread,
                         args=(slot.pk, "conc_nurse_a", given, barrier, results)),
        threading.Thread(target=_edit_in_thread,
                         args=(slot.pk, "conc_nurse_b", held, barrier, results)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert set(results) == {"conc_nurse_a", "conc_nurse_b"}
    winners = [u for u, r in results.items() if r == "saved"]
    losers = [u for u, r in results.items() if isinstance(r, StaleEdit)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    winner, loser = winners[0], losers[0]
    stale = results[loser]
    # the refusal names who changed the slot, when, and what
    assert stale.changed_by == winner
    assert stale.read_version == 1
    assert stale.current_version == 2
    assert winner in str(stale)
    assert "version 1 -> 2" in str(stale)
    assert stale.field == "version"
    row = DoseSlot.objects.get(pk=slot.pk)
    assert row.version == 2
    assert row.updated_by.get_username() == winner
    assert row.status == ("given" if winner == "conc_nurse_a" else "held")
    # the loser's edit left no trace: one creation and one change in the history
    assert row.history.count() == 2
    assert {c.who for c in audit.changes(row, include_creation=False)} == {winner}


def test_item4_stale_edit_message_names_who_what_when(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry.concurrency import apply_edit
    from hdil2.registry.errors import StaleEdit
    from hdil2.registry.models import DoseSlot

    a, b = user("stale_nurse_a"), user("stale_nurse_b")
    slot = patient_with_slot(a, "STALE1")
    mine = DoseSlot.objects.get(pk=slot.pk)
    theirs = DoseSlot.objects.get(pk=slot.pk)
    theirs.edit(by=b, status="held", reason="systolic 85 mmHg on pressors")
    with pytest.raises(StaleEdit) as e:
        mine.edit(by=a, status="given", given_at=dt.datetime(2025, 3, 3, 8, 5, tzinfo=UTC))
    text = str(e.value)
    assert "dose slot" in text
    assert "stale_nurse_b" in text
    assert "status: scheduled -> held" in text
    assert e.value.changed_at == DoseSlot.objects.get(pk=slot.pk).updated_at
    assert mine.version == 1  # the refused copy keeps the version it was read at
    assert DoseSlot.objects.get(pk=slot.pk).status == "held"
    # a form that read version 1 is refused the same way; from version 2 it applies
    with pytest.raises(StaleEdit):
        apply_edit(DoseSlot, slot.pk, 1, by=a, status="not_given")
    row = apply_edit(DoseSlot, slot.pk, 2, by=a, status="not_given",
                     reason="patient declined", change_reason="correction")
    assert row.version == 3
    assert DoseSlot.objects.get(pk=slot.pk).status == "not_given"
