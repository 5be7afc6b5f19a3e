"""The ward board: every patient with a course planned or ongoing, the next dose slot of each
with its time and the advice, sorted by the next slot's time.

* ``/ward/`` (``ward``, read): the page; its board refreshes itself every 60 s (htmx).
* ``/ward/board/`` (``ward-board``, read): the board alone (what the page fetches).

For each course: the patient's code and disease, the course and cycle, the next slot (its number
in the course, cycle and dose, its time in the ward's zone, flagged when the calendar flags a
daylight-saving change), whether it is overdue, the doses given and held in its cycle, and the
advice: the advice already stored for that slot (asked with "Get advice" on the course page),
else the advice ``preview_next_dose`` gives now from the observations recorded, with the server's
site profile (``HDIL2_SITE``: its hold rule sets beside the label, its policies) as the course
page's "Get advice" applies it - shown, never stored: a GET of the board writes nothing. A site
profile that cannot be read is shown on each previewed row as an error naming ``HDIL2_SITE``.

Overdue: the slot's scheduled time passed more than 60 minutes ago and nothing is recorded for
it ("overdue by 1 h 20 min").
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from hdil2.core.errors import InputError
from hdil2.web.roles import requires
from hdil2.web.site import site_profile
from hdil2.web.views.course import (
    OVERDUE_AFTER,
    SlotRow,
    calendar_slots,
    flag_text,
    is_dst_flag,
    only,
    overdue_text,
)


@dataclass(eq=False)
class BoardSlot:
    """A dose slot as the board reads it (the fields of ``DoseSlot`` it needs)."""

    FIELDS: ClassVar[tuple[str, ...]] = ("id", "cycle_id", "number", "scheduled_at", "status",
                                         "given_at", "reason", "advice_id")
    id: int
    cycle_id: int
    number: int
    scheduled_at: dt.datetime
    status: str
    given_at: dt.datetime | None
    reason: str
    advice_id: int | None
    cycle: Any = None
    advice: Any = None

    @property
    def pk(self) -> int:
        return self.id


@dataclass
class BoardRow:
    """One course on the board."""

    course: Any
    next: Any  # the SlotRow of the next slot, or None when every slot is recorded
    given: int
    held: int
    advice: dict[str, Any] | None
    stored: Any  # the stored Advice row shown, or None for a preview
    error: str = ""


def board_rows(now: dt.datetime | None = None) -> list[BoardRow]:
    """The board's rows at ``now`` (default: the current time), sorted by the next slot's
    scheduled time (complete courses last).

    A constant number of queries whatever the number of patients: the courses on treatment
    (with patient and calendar), their cycles, all their slots, the stored advice of their next
    slots and held slots, and - when some next slot has no stored advice - the observations
    the previews read (:func:`~hdil2.registry.services.treatment.next_dose_requests`). The
    previews are then computed in one pass, each exactly the advice ``preview_next_dose``
    gives for that course at ``now``.
    """
    from hdil2.registry.models import Advice, Course, Cycle, DoseSlot
    from hdil2.registry.services.treatment import next_dose_requests

    now = now or timezone.now()
    courses = list(Course.objects.active().filter(status__in=("planned", "ongoing"))
                   .select_related("patient", "calendar_advice").order_by("pk"))
    slots: dict[int, list[Any]] = {c.pk: [] for c in courses}
    if courses:
        cycles = {cy.pk: cy for cy in Cycle.objects.filter(
            course__in=[c.pk for c in courses], voided_at__isnull=True)}
        # the slots as plain rows (no model instance each: 28 a course), with the fields the
        # board and the next-dose request read
        for row in (DoseSlot.objects.active().filter(cycle__in=list(cycles))
                    .order_by("cycle__course_id", "cycle__number", "number")
                    .values_list(*BoardSlot.FIELDS)):
            s = BoardSlot(*row)
            s.cycle = cycles[s.cycle_id]
            slots[s.cycle.course_id].append(s)
    # the advice the board reads: the next slot's (shown) and the held slots' (their rules)
    pending = {pk: next((s for s in ss if s.status == "scheduled"), None)
               for pk, ss in slots.items()}
    wanted = {s.advice_id for pk, ss in slots.items() for s in ss
              if s.advice_id is not None and (s.status == "held" or s is pending[pk])}
    advices = {a.pk: a for a in Advice.objects.filter(pk__in=wanted)} if wanted else {}
    for ss in slots.values():
        for s in ss:
            if s.advice_id in advices:
                s.advice = advices[s.advice_id]
    preview = [c for c in courses
               if (p := pending[c.pk]) is not None and p.advice_id is None]
    requests: dict[int, dict[str, Any] | InputError] = {}
    if preview:
        try:
            site = site_profile()
        except InputError as e:
            requests = dict.fromkeys((c.pk for c in preview), e)
        else:
            requests = next_dose_requests(preview, slots, at=now, site=site)
    out = []
    for c in courses:
        ss = slots[c.pk]
        nxt_slot = pending[c.pk]
        nxt = _slot_row(c, ss, nxt_slot, now) if nxt_slot is not None else None
        cycle = nxt_slot.cycle.number if nxt_slot else (ss[-1].cycle.number if ss else None)
        in_cycle = [s.status for s in ss if s.cycle.number == cycle]
        advice: dict[str, Any] | None = None
        stored = None
        error = ""
        if nxt_slot is not None and nxt_slot.advice_id is not None:
            stored = nxt_slot.advice
            advice = stored.answer
        elif nxt_slot is not None:
            req = requests[c.pk]
            try:
                if isinstance(req, InputError):
                    raise req
                advice = json.loads(_advice_text(json.dumps(req, sort_keys=True)))
            except InputError as e:
                error = str(e)
        out.append(BoardRow(c, nxt, in_cycle.count("given"), in_cycle.count("held"), advice,
                            stored, error))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)  # courses with every slot recorded: last
    out.sort(key=lambda b: (b.next.slot.scheduled_at if b.next else far, b.course.pk))
    return out


def _slot_row(course: Any, slots: list[Any], slot: Any, now: dt.datetime) -> SlotRow:
    """The calendar row of ``slot`` (its index in the course, flags, overdue text), as the
    course page shows it."""
    index = slots.index(slot) + 1
    cal = calendar_slots(course).get(index, {})
    flags = list(cal.get("flags") or [])
    late = now - slot.scheduled_at
    return SlotRow(slot, index, flags, [flag_text(f) for f in flags],
                   any(map(is_dst_flag, flags)),
                   overdue_text(late) if late > OVERDUE_AFTER else "", cal.get("day"))


@functools.lru_cache(maxsize=2048)
def _advice_text(request: str) -> str:
    """The ``next-dose`` answer (JSON text) to ``request`` (its JSON text, keys sorted).

    Kept across requests of this process, keyed by the WHOLE request: the regimen, the first
    dose and ward zone, every slot recorded so far with the rules that held it, every
    observation since the last recorded slot, and the rule sets and policies - the request is
    already filled with the site profile, so a change of ``HDIL2_SITE`` changes the key.
    ``next-dose`` is a pure function of its request (it reads no clock, no database), so an
    answer kept under the same request is the answer it would give again; any new
    observation, recorded slot or correction changes the request, hence the key. A refusal is
    not kept.
    """
    from hdil2.registry.services._common import as_json, run

    return json.dumps(as_json(run("next-dose", json.loads(request)).to_dict()))


@requires("read")
@only("GET")
def ward(request: HttpRequest) -> HttpResponse:
    """The ward board page (the board refreshes itself every 60 s)."""
    return render(request, "web/ward.html", {"nav": "ward", "rows": board_rows(),
                                             "now": timezone.now()})


@requires("read")
@only("GET")
def ward_board(request: HttpRequest) -> HttpResponse:
    """The board alone (htmx refreshes the page's board with it)."""
    return render(request, "web/ward_board.html", {"rows": board_rows(),
                                                   "now": timezone.now()})


urlpatterns = [path("ward/", ward, name="ward"),
               path("ward/board/", ward_board, name="ward-board")]
