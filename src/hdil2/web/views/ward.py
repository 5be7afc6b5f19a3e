"""The ward board: every patient with a course planned or ongoing, the next dose slot of each
with its time and the advice, sorted by the next slot's time.

* ``/ward/`` (``ward``, read): the page; its board refreshes itself every 60 s (htmx).
* ``/ward/board/`` (``ward-board``, read): the board alone (what the page fetches).

For each course: the patient's code and disease, the course and cycle, the next slot (its number
in the course, cycle and dose, its time in the ward's zone, flagged when the calendar flags a
daylight-saving change), whether it is overdue, the doses given and held in its cycle, and the
advice: the advice already stored for that slot (asked with "Get advice" on the course page),
else the advice ``preview_next_dose`` gives now from the observations recorded - shown, never
stored: a GET of the board writes nothing.

Overdue: the slot's scheduled time passed more than 60 minutes ago and nothing is recorded for
it ("overdue by 1 h 20 min").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from hdil2.web.roles import requires
from hdil2.web.views.course import only, slot_rows


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


def board_rows() -> list[BoardRow]:
    """The board's rows, sorted by the next slot's scheduled time (complete courses last)."""
    from hdil2.core.errors import InputError
    from hdil2.registry.models import Course
    from hdil2.registry.services import preview_next_dose
    from hdil2.registry.services._common import as_json

    now = timezone.now()
    courses = (Course.objects.active().filter(status__in=("planned", "ongoing"))
               .select_related("patient", "advice", "calendar_advice"))
    out = []
    for c in courses:
        rows = slot_rows(c, now)
        nxt = next((r for r in rows if r.slot.status == "scheduled"), None)
        cycle = nxt.slot.cycle.number if nxt else (rows[-1].slot.cycle.number if rows else None)
        in_cycle = [r.slot.status for r in rows if r.slot.cycle.number == cycle]
        advice: dict[str, Any] | None = None
        stored = None
        error = ""
        if nxt is not None and nxt.slot.advice is not None:
            stored = nxt.slot.advice
            advice = stored.answer
        elif nxt is not None:
            try:
                advice = as_json(preview_next_dose(c.pk, at=now).to_dict())
            except InputError as e:
                error = str(e)
        out.append(BoardRow(c, nxt, in_cycle.count("given"), in_cycle.count("held"), advice,
                            stored, error))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)  # courses with every slot recorded: last
    out.sort(key=lambda b: (b.next.slot.scheduled_at if b.next else far, b.course.pk))
    return out


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
