"""docs/adam.md (issue 12 item 3): its worked example runs and prints what the page says, and
the page names the derivation of every variable the export writes."""

from __future__ import annotations

import io
import re
from pathlib import Path

from hdil2.interop.adam import DATASETS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "adam.md"


def test_item3_worked_example_of_the_docs_runs() -> None:
    text = PAGE.read_text(encoding="utf-8")
    (program,) = re.findall(r"```python\n(.*?)```", text, re.S)
    (expected,) = re.findall(r"```text\n(.*?)```", text, re.S)
    buf = io.StringIO()
    exec(compile(program, "docs/adam.md", "exec"),
         {"print": lambda *a, **kw: print(*a, **kw, file=buf)})
    assert buf.getvalue() == expected


def test_item3_the_page_names_every_variable() -> None:
    text = PAGE.read_text(encoding="utf-8")
    named = set(re.findall(r"`([A-Z][A-Z0-9]{1,7})`", text))
    missing = {f"{code}.{n}" for code, ds in DATASETS.items() for n in ds.names
               if n not in named}
    assert missing == set()
