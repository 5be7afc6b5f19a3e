"""The worked example of docs/batch-requests.md prints what the page says (issue 10 item 4)."""

from __future__ import annotations

import re

from hdil2.cli.invoke import invoke
from peer_data import ROOT

DOC = ROOT / "docs" / "batch-requests.md"


def test_item4_the_documented_batch_answers_line_by_line() -> None:
    block = re.search(r"```console\n\$ cat labs.jsonl\n(.*?)\$ hdil2 grade --jsonl labs.jsonl\n"
                      r"(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block is not None
    lines, answers = block.group(1), block.group(2)
    code, out, err = invoke(["grade", "-", "--jsonl"], lines)
    assert out == answers
    assert code == 2  # one line refused
    assert "line 2" in err
