"""Batch requests in the application layer (issue 10 item 4): one JSON request per line in,
one JSON answer per line out, in order; a refused line answers with its line number and the
others still run; the input is streamed, never loaded whole."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from hdil2 import app
from hdil2.app import documents
from hdil2.app.batch import MAX_LINE_BYTES, Tally, answer_lines, dumps_line, read_lines
from hdil2.app.operation import Operation, Spec
from hdil2.app.profile import SiteProfile
from hdil2.core.errors import InputError
from hdil2.core.jsonable import jsonable

from .strategies import STRATEGIES

BATCH_OPERATIONS = ("grade", "next-dose", "screen", "assess", "dose")


def single(name: str, line: str, site: SiteProfile | None = None) -> str:
    """One call per request, as ``hdil2 NAME FILE --json`` makes it, compacted."""
    answer = app.operation(name)(documents.loads(line, "request"), site)
    return json.dumps(jsonable(answer), ensure_ascii=False, separators=(",", ":"))


# CTCAE v5.0 (ctcae5) texts the answers are read against
CREATININE_G2 = {"term": "creatinine_increased", "value": "1.5 mg/dL", "uln": "1.2 mg/dL",
                 "baseline": "0.9 mg/dL"}  # > 1.5 x baseline (1.35): grade 2
PLATELETS_G3 = {"term": "platelet_count_decreased", "value": "40 10^9/L",
                "lln": "150 10^9/L"}  # < 50.0 - 25.0 x 10^9/L: grade 3
NEUTROPHILS_G4 = {"term": "neutrophil_count_decreased", "value": "400 /mm3",
                  "lln": "1500 /mm3"}  # < 500/mm3: grade 4


def test_item4_each_line_is_answered_in_order_as_a_single_request_would_be() -> None:
    lines = [json.dumps(d, ensure_ascii=False)
             for d in (CREATININE_G2, PLATELETS_G3, NEUTROPHILS_G4, CREATININE_G2)]
    out = list(answer_lines("grade", lines))
    assert [json.loads(o)["value"] for o in out] == [2, 3, 4, 2]
    assert out == [single("grade", line) for line in lines]
    assert all("\n" not in o for o in out)


def test_item4_a_refused_line_answers_with_its_number_and_the_others_still_run() -> None:
    lines: list[str | bytes] = [
        json.dumps(PLATELETS_G3),
        "",  # blank: refused, so output line k still answers input line k
        '{"term": "platelet_count_decreased", "value": "40"}',  # no unit
        "{'term': 'fever'}",  # not JSON
        '{"term": "oliguria", "volume": "60 mL", "hours": "8 h"}',  # not a v5.0 term
        "[" * 150 + "]" * 150,  # nested too deeply
        b'{"term": "fever", "value": "38.5 \xb0C"}',  # Latin-1, not UTF-8
        "\ufeff" + json.dumps(PLATELETS_G3),  # byte-order mark
        '[{"term": "fever", "value": "38.5 C"}]',  # an array, not a request
        json.dumps(CREATININE_G2),
    ]
    tally = Tally()
    out = [json.loads(o) for o in answer_lines("grade", lines, tally=tally)]
    assert len(out) == len(lines)
    assert out[0]["value"] == 3
    assert out[-1]["value"] == 2
    refused = {o["line"]: o["errors"] for o in out if "line" in o}
    assert sorted(refused) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert refused[2] == [{"field": "input",
                           "message": "the line is empty; expected a JSON document"}]
    assert refused[3][0]["field"] == "value"
    assert "unit" in refused[3][0]["message"]
    assert refused[4][0]["field"] == "input"
    assert refused[4][0]["message"].startswith("invalid JSON at column 2:")
    assert refused[5][0]["field"] == "term"
    assert "urine_output_decreased" in refused[5][0]["message"]
    assert "nested deeper than 100" in refused[6][0]["message"]
    assert "not UTF-8" in refused[7][0]["message"]
    assert "byte-order mark" in refused[8][0]["message"]
    assert "expected a JSON object" in refused[9][0]["message"]
    assert (tally.answered, tally.refused, tally.internal) == (2, 8, 0)
    assert tally.first_refused == [2, 3, 4, 5, 6, 7, 8, 9]


def test_item4_every_error_of_a_line_is_listed_with_the_single_request_fields() -> None:
    doc = {"term": "creatinine_increased", "value": "1.5 mg/dL", "uln": "1.2 µmol/L",
           "baseline": "0.9 U/L"}
    (out,) = answer_lines("grade", [json.dumps(doc)])
    with pytest.raises(InputError) as err:
        app.run("grade", doc)
    assert json.loads(out) == {"line": 1, "errors": err.value.to_dict()["errors"]}
    assert [e["field"] for e in json.loads(out)["errors"]] == ["uln", "baseline"]


class _Echo(BaseModel):
    n: int


def _fragile(req: _Echo, _site: Any) -> dict[str, int]:
    if req.n == 13:
        raise ZeroDivisionError("a bug")
    return {"n": req.n}


FRAGILE = Operation("fragile", "fails on 13", lambda: Spec(_Echo, _fragile, dict), area="test")


def test_item4_an_internal_error_answers_its_line_and_the_batch_goes_on() -> None:
    tally = Tally()
    out = [json.loads(o) for o in answer_lines(FRAGILE, ['{"n": 12}', '{"n": 13}', '{"n": 14}'],
                                               tally=tally)]
    assert out[0] == {"n": 12}
    assert out[2] == {"n": 14}
    assert out[1]["line"] == 2
    assert out[1]["error"]["internal"].startswith("internal error: ZeroDivisionError: a bug")
    assert (tally.answered, tally.refused, tally.internal) == (2, 0, 1)


def test_item4_lines_are_read_one_at_a_time() -> None:
    pulled: list[int] = []

    def lines() -> Iterator[str]:
        for i in range(1000):
            pulled.append(i)
            yield json.dumps(PLATELETS_G3)

    answers = answer_lines("grade", lines())
    for k in range(1, 4):
        next(answers)
        assert len(pulled) == k  # the next line is read only after this one is answered


def test_item4_read_lines_strips_line_ends_and_bounds_a_long_line() -> None:
    long = b"x" * 50
    stream = io.BytesIO(b'{"a": 1}\r\n' + long + b"\n" + b'{"b": 2}\n\n{"c": 3}')
    got = list(read_lines(stream, max_bytes=20))
    assert got[0] == b'{"a": 1}'
    assert got[2] == b'{"b": 2}'
    assert got[3] == b""
    assert got[4] == b'{"c": 3}'  # the last line needs no newline
    assert len(got) == 5
    assert len(got[1]) == 21
    (out,) = answer_lines(FRAGILE, [got[1]], max_bytes=20)
    assert json.loads(out)["errors"][0]["message"] == "the line is longer than 20 bytes"
    assert MAX_LINE_BYTES >= 1024 * 1024


def test_item4_the_site_profile_applies_to_every_line() -> None:
    site = SiteProfile(policies={"grade": {"diarrhea_incontinence": "grade_3"}})
    line = json.dumps({"term": "diarrhea", "stools_per_day": 3, "baseline_stools_per_day": 1,
                       "incontinence": True})
    (with_site,) = answer_lines("grade", [line], site)
    (without,) = answer_lines("grade", [line])
    assert json.loads(with_site)["value"] == 3  # the site keeps the older reading
    assert json.loads(without)["value"] == 1  # v5.0: +2 stools/day, incontinence not graded
    assert with_site == single("grade", line, site)


def test_item4_an_answer_never_looks_like_a_refusal() -> None:
    """Answers and refusals are told apart by the refusal's top-level "line"."""
    for name in BATCH_OPERATIONS:
        props = app.operation(name).output_schema().get("properties", {})
        assert not {"line", "errors", "error"} & set(props), name


@pytest.mark.parametrize("name", BATCH_OPERATIONS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_item4_batch_answers_equal_single_calls(name: str, data: st.DataObject) -> None:
    docs = [data.draw(STRATEGIES[name]) for _ in range(3)]
    lines = [json.dumps(jsonable(d), ensure_ascii=False) for d in docs]
    out = list(answer_lines(name, lines))
    for k, line in enumerate(lines):
        try:
            expected = single(name, line)
        except InputError as e:
            items = e.to_dict().get("errors", [e.to_dict()])
            expected = dumps_line({"line": k + 1, "errors": items})
        assert out[k] == expected
