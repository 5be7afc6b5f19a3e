"""Issue 11 item 4: a process killed with SIGKILL in the middle of a bulk load leaves the
database exactly as it was before the load."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from registry.conftest import test_database_url
from registry.helpers import dump, patient_with_slot

LOADER = Path(__file__).with_name("loader.py")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is a POSIX signal")
def test_item4_sigkill_during_bulk_load_leaves_database_as_before(
        registry_db: dict[str, Any], user: Any) -> None:
    from django.db import connections

    from hdil2.registry.models import DoseSlot, Patient

    patient_with_slot(user("before_load"), "KILL0")
    user("bulk_loader")  # the loader's user exists before, so the load adds only its rows
    before = dump()
    connections.close_all()
    url = test_database_url()
    target = {"url": url} if url else {"path": registry_db["NAME"]}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, str(LOADER), json.dumps(target)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line == b"LOADING\n", proc.stderr.read() if proc.stderr else line
        os.kill(proc.pid, signal.SIGKILL)  # mid-transaction, while it is still writing
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    after = dump()
    assert after == before
    assert not Patient.objects.filter(registry_id__startswith="LOAD").exists()
    # the database is sound and writable again
    patient_with_slot(user("after_load"), "KILL1")
    assert DoseSlot.objects.filter(cycle__course__patient__registry_id="KILL1").count() == 1
    if registry_db["ENGINE"].endswith("sqlite3"):
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("PRAGMA integrity_check")
            assert cur.fetchall() == [("ok",)]
