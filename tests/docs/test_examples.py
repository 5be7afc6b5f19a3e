"""Every code example on every page of the site is run by a test (issue 16, done-when 2).

* ``console`` blocks whose commands are all ``$ hdil2 ...`` run here, in-process, at 80 columns
  from the repository's root: what a command prints (its standard output, then its standard
  error) is the lines the page shows after it.  A last shown line ``…`` means the page stops
  quoting there; ``...`` inside a shown line stands for any text (for values that change from
  run to run only).
* ``pycon`` blocks (and any block with ``>>>`` lines) run as doctests with ELLIPSIS, one
  namespace per page, in the page's order.
* Every other block, and any of the above that another test already runs, is preceded by
  ``<!-- checked-by: tests/path/test_x.py::test_name -->``; the meta-test below checks that the
  test exists and names the page (see ``tests/docs/README.md``).
"""

from __future__ import annotations

import ast
import doctest
import shlex
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from docs.examples import (
    ROOT,
    Block,
    blocks,
    commands,
    is_doctest,
    is_generic_console,
    line_matches,
    writes,
)
from hdil2.cli.app import main

BLOCKS = blocks()
GENERIC = [b for b in BLOCKS if b.marker is None and b.language == "console"
           and is_generic_console(b) and not writes(b)]
DOCTEST_PAGES: dict[str, list[Block]] = defaultdict(list)
for _b in BLOCKS:
    if _b.marker is None and _b.language != "console" and is_doctest(_b):
        DOCTEST_PAGES[_b.page].append(_b)


def test_the_site_has_examples() -> None:
    assert len(BLOCKS) > 100
    assert GENERIC, "no console block is left to the generic runner"


# ---- the generic console runner -----------------------------------------------------------

@pytest.mark.parametrize("block", GENERIC, ids=[b.where for b in GENERIC])
def test_console_block_prints_what_the_page_shows(
        block: Block, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "80")
    for cmd in commands(block):
        args = shlex.split(cmd.command, comments=True)
        code = main(args[1:])
        out = capsys.readouterr()
        got = [line.rstrip() for line in (out.out + out.err).splitlines()]
        want = [line.rstrip() for line in cmd.shown]
        for lines in (got, want):  # blank lines at the end are not shown
            while lines and not lines[-1]:
                lines.pop()
        if want and want[-1] == "…":
            want = want[:-1]
            got = got[: len(want)]
        assert code == 0 or out.err, f"{block.where}: {cmd.command} exited {code} silently"
        same = len(got) == len(want) and all(map(line_matches, want, got))
        assert same, (f"{block.where}: `{cmd.command}` printed\n" + "\n".join(got)
                      + "\n---- the page shows ----\n" + "\n".join(want))


# ---- pycon blocks as doctests -------------------------------------------------------------

@pytest.mark.parametrize("page", sorted(DOCTEST_PAGES))
def test_pycon_blocks_run_as_doctests(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    globs: dict[str, object] = {"__name__": "__main__"}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for block in DOCTEST_PAGES[page]:
        test = parser.get_doctest(block.text, globs, block.where, str(ROOT / "docs" / page),
                                  block.line)
        test.globs = globs  # one namespace for the whole page, in order
        result = runner.run(test, clear_globs=False)
        assert result.failed == 0, f"{block.where}: {result.failed} doctest example(s) failed"


# ---- the meta-test ------------------------------------------------------------------------

@cache
def _module(path: Path) -> tuple[ast.Module, str]:
    source = path.read_text(encoding="utf-8")
    return ast.parse(source), source


def _mentions(path: Path, function: str, file_name: str) -> bool | None:
    """Whether test ``function`` of ``path`` names ``file_name``; None when it does not exist.

    The function's source (decorators included) names the page, or uses a module-level name
    (a constant, a helper function, a fixture) whose definition names it, directly or through
    another such name.
    """
    tree, source = _module(path)
    defs: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defs[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        defs[n.id] = node
    if function not in defs or not isinstance(defs[function], ast.FunctionDef
                                              | ast.AsyncFunctionDef):
        return None

    def text(node: ast.AST) -> str:
        seg = ast.get_source_segment(source, node) or ""
        decos = getattr(node, "decorator_list", [])
        return seg + "".join(ast.get_source_segment(source, d) or "" for d in decos)

    seen: set[str] = set()
    todo = [function]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        node = defs[name]
        if file_name in text(node):
            return True
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        used |= {a.arg for n in ast.walk(node) if isinstance(n, ast.arguments)
                 for a in n.args + n.kwonlyargs}  # fixtures defined in the module
        todo.extend(u for u in used if u in defs and u not in seen)
    return False


def problem(block: Block) -> str | None:
    """Why ``block`` is not run by any test, or None when it is."""
    if not block.language:
        return "the fence has no language"
    if block.marker is not None:
        target, sep, name = block.marker.partition("::")
        name = name.split("[")[0]
        path = ROOT / target
        if not sep or not name or not target.startswith("tests/") or not target.endswith(".py"):
            return f"marker {block.marker!r} is not tests/<path>.py::<test_name>"
        if not path.is_file():
            return f"marker names {target}, which does not exist"
        mentions = _mentions(path, name, block.file_name)
        if mentions is None:
            return f"marker names {name}, which {target} does not define"
        if not mentions:
            return f"{block.marker} does not name the page ({block.file_name})"
        return None
    if block.language == "console":
        if is_generic_console(block) and writes(block):
            return ("a console block that writes a database or files needs a marker to a test "
                    "that runs it in a scratch directory")
        if is_generic_console(block):
            return None
        return "a console block whose commands are not all `$ hdil2 ...` needs a marker"
    if is_doctest(block):
        return None
    return f"a {block.language} block needs a <!-- checked-by: tests/...::test_name --> marker"


def test_every_block_of_every_page_is_run_by_a_test() -> None:
    problems = [f"{b.where}: {p}" for b in BLOCKS if (p := problem(b)) is not None]
    assert not problems, f"{len(problems)} block(s) no test runs:\n" + "\n".join(problems)


# ---- the mechanism itself can fail ----------------------------------------------------------

def test_parse_reads_indented_nested_and_marked_fences() -> None:
    from docs.examples import parse

    text = "\n".join([
        "!!! note", "", "    <!-- checked-by: tests/a.py::test_b -->", "", "    ```json",
        "    {\"a\": 1}", "    ```", "", "````markdown", "```console", "$ hdil2 x", "```",
        "````", "", "=== \"Tab\"", "    ```console", "    $ hdil2 rules", "    out", "    ```",
        "```", "plain", "```"])
    got = parse(text, "p.md")
    assert [(b.line, b.language, b.marker) for b in got] == [
        (5, "json", "tests/a.py::test_b"), (9, "markdown", None), (16, "console", None),
        (20, "", None)]
    assert got[0].text == '{"a": 1}\n'
    assert got[1].text == "```console\n$ hdil2 x\n```\n"
    assert [(c.command, c.shown) for c in commands(got[2])] == [("hdil2 rules", ("out",))]


def test_the_meta_test_names_each_kind_of_block_no_test_runs() -> None:
    def block(language: str, text: str, marker: str | None = None) -> Block:
        return Block(page="statistics.md", line=1, language=language, text=text, marker=marker)

    here = "tests/docs/test_examples.py"
    cases = {
        block("", "x\n"): "no language",
        block("json", "{}\n"): "needs a <!-- checked-by",
        block("console", "$ cat x\n"): "not all `$ hdil2",
        block("console", "$ hdil2 registry init\n"): "writes a database",
        block("console", "$ hdil2 dose --out x\n"): "writes a database",
        block("json", "{}\n", "tests/nowhere.py::test_x"): "does not exist",
        block("json", "{}\n", f"{here}::test_missing"): "does not define",
        block("json", "{}\n", f"{here}::test_the_site_has_examples"): "does not name the page",
        block("json", "{}\n", "tests/stats/test_docs.py"): "is not tests/<path>.py::<test_name>",
    }
    for b, why in cases.items():
        assert why in (problem(b) or ""), (b, problem(b))
    named = "tests/stats/test_docs.py::test_item21_console_example_prints_what_the_page_shows"
    assert problem(block("console", "$ hdil2 stats rate --x 1 --n 2\n")) is None
    assert problem(block("json", "{}\n", named)) is None
    assert problem(block("pycon", ">>> 1\n1\n")) is None
