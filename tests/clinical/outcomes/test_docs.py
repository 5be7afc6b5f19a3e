"""Issue 11 item 7: the worked example of docs/quality-of-life.md gets the scores the page shows,
through the application layer (output valid against `hdil2 schema qlq-c30 --output`), and the
page's scale table is the manual's Table 1 as written in test_qlq_c30.py."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema

from hdil2 import app
from hdil2.clinical.treatment.regimens import REGIMENS
from hdil2.core.jsonable import jsonable
from peer_data import ROOT

PAGE = ROOT / "docs" / "quality-of-life.md"
EXAMPLE = re.compile(r"```json\n(\{.*?\})\n```\s*\n(\| scale \|.*?)\n\n", re.S)
TABLE_ROW = re.compile(r"^\| (QL2|PF2|RF2|EF|CF|SF|FA|NV|PA|DY|SL|AP|CO|DI|FI) \| (.+) \|$",
                       re.M)


def _load_manual_table() -> list[tuple[str, int, int, tuple[int, ...], str]]:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "qlq_c30_manual", Path(__file__).with_name("test_qlq_c30.py"))
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return list(mod.MANUAL_TABLE_1)


def test_item7_docs_worked_example() -> None:
    text = PAGE.read_text(encoding="utf-8")
    examples = EXAMPLE.findall(text)
    assert len(examples) == 1
    request, table = examples[0]
    op = app.operation("qlq-c30")
    series = op(json.loads(request))
    jsonschema.validate(jsonable(series), op.output_schema())
    rows = TABLE_ROW.findall(table)
    assert [code for code, _ in rows] == [s.code for s in series.scales]
    for code, cells in rows:
        want = [None if c.strip() == "missing" else Decimal(c.strip())
                for c in cells.split("|")]
        assert [r.scores[code] for r in series.table] == want, code


def test_item7_docs_scale_table_is_the_manuals() -> None:
    text = PAGE.read_text(encoding="utf-8")
    table = text.split("| code | scale | kind | items | number of items | item range |")[1]
    rows = re.findall(r"^\| (\w+) \| [^|]+ \| ([^|]+) \| ([^|]+) \| (\d) \| (\d) \|$", table,
                      re.M)[:15]

    def items(cell: str) -> tuple[int, ...]:
        if "-" in cell:
            lo, hi = cell.split("-")
            return tuple(range(int(lo), int(hi) + 1))
        return tuple(int(x) for x in cell.split(","))

    got = [(code, int(n), int(rng), items(its), kind.strip().replace(" ", "_"))
           for code, kind, its, n, rng in rows]
    assert got == _load_manual_table()


def test_item7_docs_name_the_source_key_and_the_comparator() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert "`eortc-qlq-c30-manual`" in text
    assert "`sc-il2-ifn`" in text
    # the regimen the page points to exists and holds interferon alfa-2b
    sc = REGIMENS["sc-il2-ifn"]
    assert [c.agent for c in sc.components] == ["aldesleukin", "interferon alfa-2b"]
