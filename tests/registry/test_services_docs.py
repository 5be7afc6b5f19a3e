"""Issue 11 item 3: the worked example of docs/registry.md "Use cases" is what hdil2 does."""

from __future__ import annotations

import doctest
import re
from typing import Any

from peer_data import ROOT

PAGE = ROOT / "docs" / "registry.md"


def test_item3_docs_use_case_example_runs(registry_db: dict[str, Any]) -> None:
    text = PAGE.read_text(encoding="utf-8").split("## Use cases", 1)[1]
    block = re.search(r"```pycon\n(.*?)```", text, re.S)
    assert block is not None
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block.group(1), {}, "registry.md: Use cases", str(PAGE), 0)
    assert len(test.examples) >= 10
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0
