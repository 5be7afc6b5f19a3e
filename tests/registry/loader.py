"""A bulk load run as a separate process by test_kill.py (killed with SIGKILL mid-load).

``python loader.py SETTINGS_JSON``: configures the registry on the given database, then writes
patients, courses and dose slots in ONE transaction, printing ``LOADING`` once a few hundred
rows are written, and keeps writing until it is killed.
"""

from __future__ import annotations

import datetime as dt
import json
import sys


def main() -> None:
    args = json.loads(sys.argv[1])
    from hdil2.registry import conf

    conf.configure(url=args.get("url"), path=args.get("path"))
    from django.db import transaction

    from hdil2.registry.models import Course, Cycle, DoseSlot, Patient
    from hdil2.registry.users import system_user

    loader = system_user("bulk_loader")
    start = dt.datetime(2025, 1, 6, 8, tzinfo=dt.UTC)
    written = 0
    with transaction.atomic():
        i = 0
        while True:
            i += 1
            p = Patient(registry_id=f"LOAD{i:06d}", disease="rcc", synthetic=True)
            p.save(by=loader)
            c = Course(patient=p, number=1, regimen="hd-il2-600k", ward_tz="UTC",
                       synthetic=True)
            c.save(by=loader)
            cy = Cycle(course=c, number=1, synthetic=True)
            cy.save(by=loader)
            for n in range(1, 6):
                DoseSlot(cycle=cy, number=n, scheduled_at=start + dt.timedelta(hours=8 * n),
                         synthetic=True).save(by=loader)
            written += 8
            if written >= 400 and written < 408:
                sys.stdout.write("LOADING\n")
                sys.stdout.flush()


if __name__ == "__main__":
    main()
