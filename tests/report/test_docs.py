"""docs/figures.md (issue 13): its worked example runs and prints what the page says (R's
numbers for the aml data: numbers at risk, log-rank P, medians), every image it shows is in
the repository, and every figure function it names exists."""

from __future__ import annotations

import importlib
import io
import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "figures.md"


def test_item13_the_worked_example_prints_what_the_page_says() -> None:
    text = PAGE.read_text(encoding="utf-8")
    program = re.findall(r"```python\n(.*?)```", text, re.S)[0]
    expected = re.findall(r"```text\n(.*?)```", text, re.S)[0]
    buf = io.StringIO()
    exec(compile(program, "docs/figures.md", "exec"),
         {"print": lambda *a, **kw: print(*a, **kw, file=buf)})
    assert buf.getvalue() == expected


def test_item13_every_image_shown_is_in_the_repository() -> None:
    text = PAGE.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert len(images) >= 9  # one per figure and the report's first page
    for rel in images:
        path = PAGE.parent / rel
        assert path.is_file(), rel
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", rel


def test_item13_every_function_named_exists() -> None:
    text = PAGE.read_text(encoding="utf-8")
    names = set(re.findall(r"`(hdil2\.report\.[a-z_.]+)\.([a-z_]+)\(", text.replace("\n", "")))
    assert len(names) >= 6
    for module, name in names:
        assert callable(getattr(importlib.import_module(module), name)), (module, name)
    for short in re.findall(r"`([a-z_]+_from)\(", text):
        modules = [importlib.import_module(f"hdil2.report.figures.{m}") for m in
                   ("survival", "forest", "tumour", "swimmer", "toxicity", "dose_intensity")]
        assert any(hasattr(m, short) for m in modules), short
