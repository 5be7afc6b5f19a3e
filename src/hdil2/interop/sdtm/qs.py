"""QS (Questionnaires): the EORTC QLQ-C30 version 3.0 answers of each time point.

One row per item (30 per questionnaire), in item order, the time points by date and name:

* ``QSCAT`` ``EORTC QLQ-C30 V3.0``; ``QSTESTCD`` ``EOR0101`` .. ``EOR0130`` (item 1 .. 30).
  The test codes are those of CDISC Controlled Terminology for this instrument (codelist
  C161619 for ``QSTESTCD``, C161618 for ``QSTEST``) as public SDTM material shows them; the
  ``QSCAT`` text follows the CDISC short name of the instrument (as the sibling EORTC
  QLQ-C15-PAL V1.0 supplement names its own). Neither was checked against the published
  codelist files themselves: **not verified against the CDISC codelist**.
* ``QSTEST``: CDISC's test names paraphrase the EORTC's item wording, which hdil2 does not
  ship (the questionnaire is the EORTC's; see :mod:`hdil2.clinical.outcomes.qlq_c30`), and hdil2
  could not verify them; it writes the neutral ``QLQ-C30 item N``. A sponsor who needs the CDISC
  test names maps ``QSTESTCD`` to them.
* An answer: ``QSORRES`` the answer as the questionnaire shows it, ``QSSTRESC``/``QSSTRESN``
  its number, the convention of the CDISC supplements for the EORTC instruments (text in
  ``QSORRES``, the number in the standard results). Items 1-28: ``Not at all`` (1),
  ``A little`` (2), ``Quite a bit`` (3), ``Very much`` (4). Items 29-30 are a 1-7 scale whose
  points other than the two ends carry no words, so ``QSORRES`` is the number ``1`` .. ``7``
  (not verified against a CDISC supplement for the QLQ-C30).
* An item not answered: a row with the results empty and ``QSSTAT`` ``NOT DONE`` (SDTMIG 3.4's
  completion status for a test not done); ``QSREASND`` stays empty because the registry keeps
  no reason. So every time point has its 30 rows, and a questionnaire answered in part (or not
  at all) survives a round trip.
* ``VISIT``: the registry's name of the time point (``label``, e.g. ``baseline``); ``VISITNUM``
  1, 2, ... by date (then name) within the patient; ``QSDTC`` the date completed.

On import (:mod:`hdil2.interop.sdtm.parse`) the rows of one subject, ``QSDTC`` and ``VISIT``
form one questionnaire; an answer outside its item's range (1-4, or 1-7 for items 29-30), a
test code that is not an item of the QLQ-C30 and an item twice at one time point are refused.
A questionnaire not done (``QSTESTCD`` ``QSALL``) and the rows of another questionnaire
(another ``QSCAT``) are not kept (listed in the notes): the registry records completed
QLQ-C30 questionnaires only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hdil2.core.errors import InputError
from hdil2.interop.sdtm.common import Row, iso_date, subject_id

#: ``QSCAT`` of the EORTC QLQ-C30 version 3.0
CATEGORY = "EORTC QLQ-C30 V3.0"
#: the items, 1 .. 30
ITEMS = tuple(range(1, 31))
#: the test code of a questionnaire not done as a whole (SDTMIG's ``QSALL``)
NOT_DONE_ALL = "QSALL"
NOT_DONE = "NOT DONE"
#: the words of answers 1-4 (items 1-28)
FOUR = {1: "Not at all", 2: "A little", 3: "Quite a bit", 4: "Very much"}


def top(item: int) -> int:
    """The highest answer of ``item``: 4 for items 1-28, 7 for items 29-30."""
    return 7 if item >= 29 else 4


def item_code(item: int) -> str:
    """``EOR0101`` .. ``EOR0130``."""
    return f"EOR01{item:02d}"


def item_name(item: int) -> str:
    """The neutral test name hdil2 writes (see the module)."""
    return f"QLQ-C30 item {item}"


#: test code -> item
CODES = {item_code(i): i for i in ITEMS}


def answer_text(item: int, answer: int) -> str:
    """``QSORRES`` of an answer: its words for items 1-28, the number for items 29-30."""
    return FOUR[answer] if item <= 28 else str(answer)


def read_answer_text(item: int, text: str) -> int | None:
    """The answer ``QSORRES`` names (the words of 1-4 in any case, or the number itself);
    ``None`` when it names none of the item's answers."""
    t = " ".join(text.split()).lower()
    for n, words in FOUR.items():
        if item <= 28 and t == words.lower():
            return n
    if t.isdigit() and 1 <= int(t) <= top(item):
        return int(t)
    return None


def _answer(q: dict[str, Any], item: int) -> int | None:
    answers = q.get("answers") or {}
    a = answers.get(item)
    if a is None:
        return None
    if isinstance(a, bool) or not isinstance(a, int) or not 1 <= a <= top(item):
        raise InputError(f"quality_of_life.answers.{item}", f"an answer 1-{top(item)}", a)
    return a


def _key(q: dict[str, Any]) -> tuple[dt.date, str]:
    return (q["completed_on"], q.get("label") or "")


def rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The QS rows of one patient: 30 per questionnaire, questionnaires by date and name."""
    subj = subject_id(patient, study)
    out: list[Row] = []
    for visitnum, q in enumerate(sorted(patient.get("quality_of_life") or (), key=_key),
                                 start=1):
        day = iso_date(q["completed_on"], "completed_on")
        for item in ITEMS:
            a = _answer(q, item)
            out.append({
                "STUDYID": study, "DOMAIN": "QS", "USUBJID": subj,
                "QSTESTCD": item_code(item), "QSTEST": item_name(item), "QSCAT": CATEGORY,
                "QSORRES": "" if a is None else answer_text(item, a),
                "QSSTRESC": "" if a is None else str(a),
                "QSSTRESN": None if a is None else Decimal(a),
                "QSSTAT": NOT_DONE if a is None else "", "QSREASND": "",
                "VISITNUM": visitnum, "VISIT": q.get("label") or "", "QSDTC": day})
    return out
