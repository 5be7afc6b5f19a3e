"""Template filters shared by the pages: local times in the ward's zone, advice words."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import template

register = template.Library()

#: what the ward reads for each advice value (the value itself stays visible beside it)
ADVICE_WORDS = {
    "give": "give", "hold": "hold", "stop_course": "stop course",
    "stop_permanently": "stop permanently", "not_evaluable": "not evaluable",
    "course_complete": "course complete",
}


def local(value: dt.datetime | None, tz: str) -> str:
    """``value`` in zone ``tz`` as ``2026-12-01 08:00 EST``."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")


def advice_word(value: Any) -> str:
    """The ward's words for an advice value."""
    return ADVICE_WORDS.get(str(value), str(value).replace("_", " "))


def badge(value: Any) -> str:
    """The CSS class of an advice value's badge."""
    v = str(value)
    return "stop" if v.startswith("stop") else v


register.filter("local", local)
register.filter("advice_word", advice_word)
register.filter("badge", badge)
