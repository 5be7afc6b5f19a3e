"""The examples of the site's pages that no other test ran (issue 16, done-when 2).

Each test here is named by the ``<!-- checked-by: -->`` markers of the blocks it checks, and
picks those blocks by their marker, so a new block of the same kind only needs the marker:

* ``test_command_lines_run``: command lines shown without their output (a synopsis).  Every
  ``hdil2`` command runs in a scratch directory holding the files it names (made by ``INPUTS``
  from the page's own worked example or from the data hdil2 ships) and must succeed, print
  something, and, with ``--json``, print what its operation's output schema describes.
* ``test_command_lines_parse``: command lines that need what a test cannot have (PostgreSQL, a
  server, a Dask cluster, the pharmaverse files) or that run for minutes (100,000 virtual
  patients).  Every ``hdil2`` command is parsed by the CLI's own parser (the command exists,
  every option exists and every value has the option's type); the other programs are the
  ones ``EXTERNAL`` names, each checked as it says.
* ``test_python_snippet_runs``: the Python snippets at the top of the API pages run on the
  example document, the values their comments quote are the values, and the result's JSON
  document validates against the operation's output schema.
* the rest, one test per block, say what they check.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from docs.examples import ROOT, Block, blocks, commands
from hdil2.cli.invoke import invoke

BLOCKS = blocks()
RESPONSE_DATA = ROOT / "tests" / "clinical" / "response" / "data"


def marked(test: str) -> list[Block]:
    """The blocks whose marker names ``test`` of this module."""
    return [b for b in BLOCKS if b.marker == f"tests/docs/test_pages.py::{test}"]


def command_lines(block: Block) -> list[str]:
    """The command lines of a block: ``$`` lines of a console block, else every line that is
    not blank (continuation backslashes joined)."""
    if block.language == "console":
        return [c.command for c in commands(block)]
    out: list[str] = []
    for line in block.text.splitlines():
        if out and out[-1].endswith("\\"):
            out[-1] = out[-1][:-1].rstrip() + " " + line.strip()
        elif line.strip():
            out.append(line.strip())
    return out


def split(line: str) -> tuple[dict[str, str], list[str], str | None]:
    """(environment assignments, arguments, standard input file) of a shell line."""
    words = shlex.split(line, comments=True)
    env: dict[str, str] = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    stdin = None
    if "<" in words:
        i = words.index("<")
        stdin = words[i + 1]
        del words[i:i + 2]
    return env, words, stdin


# ---- synopses that run --------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A registry with five demo patients (the synthetic cohort, seed 2000), made once."""
    path = tmp_path_factory.mktemp("registry") / "registry.sqlite3"
    for args in (["registry", "init", "--db", str(path)],
                 ["registry", "demo", "--db", str(path), "--patients", "5"]):
        code, _, err = invoke(args)
        assert code == 0, err
    return path


@pytest.fixture(scope="module")
def demo_patients_csv(demo_registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The patients table of the five-patient demo registry, as ``--tables-out`` writes it."""
    out = tmp_path_factory.mktemp("tables")
    code, _, err = invoke(["report", "cohort", "--db", str(demo_registry),
                           "--out", str(out / "report.html"), "--tables-out", str(out)])
    assert code == 0, err
    return out / "patients.csv"


def _registry(tmp: Path, request: pytest.FixtureRequest) -> None:
    """registry.sqlite3: a copy of the five-patient demo registry (SQLite's backup, so what
    its write-ahead log holds is copied too)."""
    import sqlite3

    source = sqlite3.connect(request.getfixturevalue("demo_registry"))
    target = sqlite3.connect(tmp / "registry.sqlite3")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _report_inputs(tmp: Path, request: pytest.FixtureRequest) -> None:
    """registry.sqlite3 and patients.csv (the patients table of the same five patients)."""
    import shutil

    _registry(tmp, request)
    shutil.copyfile(request.getfixturevalue("demo_patients_csv"), tmp / "patients.csv")


def _default_registry(tmp: Path, request: pytest.FixtureRequest) -> None:
    """No ``--db``: the registry the environment names, here a file in the scratch directory
    (never the user's own)."""
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.delenv("HDIL2_DATABASE_URL", raising=False)
    monkeypatch.setenv("HDIL2_REGISTRY", str(tmp / "registry.sqlite3"))


def _questionnaires(tmp: Path, request: pytest.FixtureRequest) -> None:
    """questionnaires.json: the page's worked example."""
    (example,) = [b for b in BLOCKS if b.page == "quality-of-life.md" and b.language == "json"]
    (tmp / "questionnaires.json").write_text(example.text, encoding="utf-8")


def _copy(source: Path | Callable[[], str], name: str
          ) -> Callable[[Path, pytest.FixtureRequest], None]:
    def make(tmp: Path, request: pytest.FixtureRequest) -> None:
        text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source()
        (tmp / name).write_text(text, encoding="utf-8")
    return make


def _demo_patient() -> str:
    from importlib import resources
    return resources.files("hdil2.clinical.selection.data").joinpath(
        "demo_patient.json").read_text(encoding="utf-8")


def _who_example() -> str:
    """response.md's first WHO example: diameters and perpendiculars, so RECIST 1.1 and WHO
    both read it."""
    return next(b.text for b in BLOCKS if b.page == "response.md" and b.language == "json"
                and "perp_mm" in b.text)


INPUTS: dict[str, Callable[[Path, pytest.FixtureRequest], None]] = {
    "response.md": _copy(_who_example, "visits.json"),
    "course-policy.md": _copy(RESPONSE_DATA / "example_history.json", "history.json"),
    "selection.md": _copy(_demo_patient, "patient.json"),
    "quality-of-life.md": _questionnaires,
    "adam.md": _registry,
    "interchange.md": _registry,
    "figures.md": _report_inputs,
    "registry-demo.md": _default_registry,
}
NOT_RUN = {  # a command line run by no test, and why: parsed by the CLI's parser instead
    "hdil2 registry demo --seed 7 -n 10000": "10,000 patients take about a minute",
}
SLOW = {"figures.md", "registry-demo.md"}  # ~30 s and ~12 s


def _operation_schema(args: list[str]) -> dict[str, Any] | None:
    """The output schema of the operation a command line asks, if it names one."""
    from hdil2 import app

    names = set(app.operations())
    for name in (f"{args[0]}-{args[1]}" if len(args) > 1 else "", args[0]):
        if name in names:
            return app.operation(name).output_schema()
    return None


RUN = [pytest.param(b, id=b.where, marks=[pytest.mark.slow] if b.file_name in SLOW else [])
       for b in marked("test_command_lines_run")]


@pytest.mark.parametrize("block", RUN)
def test_command_lines_run(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           request: pytest.FixtureRequest) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    INPUTS[block.file_name](tmp_path, request)
    for line in command_lines(block):
        env, words, stdin = split(line)
        assert words[0] == "hdil2", f"{block.where}: {line}"
        assert not env, f"{block.where}: {line}"
        args = words[1:]
        if any(line.startswith(k) for k in NOT_RUN):
            parse_hdil2(args)
            continue
        feed = (tmp_path / stdin).read_text(encoding="utf-8") if stdin else ""
        before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
        code, out, err = invoke(args, feed)
        assert code == 0, f"{block.where}: {line}\n{err}"
        written = {p for p in tmp_path.rglob("*") if before.get(p) != p.stat().st_mtime_ns}
        assert out.strip() or written, f"{block.where}: {line} printed and wrote nothing"
        if "--out" in args:
            assert written, f"{block.where}: {line} wrote nothing"
        if "--json" in args:
            schema = _operation_schema(args)
            answer = json.loads(out)
            if schema is not None:
                jsonschema.validate(answer, schema)
        if args[:1] == ["schema"] and "--output" in args:
            from hdil2 import app
            assert json.loads(out) == app.operation(args[1]).output_schema(), line
        if args[:2] == ["registry", "cohort"] and block.file_name == "registry-demo.md":
            assert json.loads(out)["patients"] == 350, "the paper's 350 patients, seed 2000"


# ---- synopses that are parsed -------------------------------------------------------------

def _tasks_job(args: list[str]) -> None:
    """``python3 tasks.py JOB``: tasks.py has the job."""
    assert args[:1] == ["tasks.py"], args
    tree = ast.parse((ROOT / "tasks.py").read_text(encoding="utf-8"))
    jobs = next(n.value for n in tree.body if isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "JOBS" for t in n.targets))
    assert isinstance(jobs, ast.Dict)
    assert args[1] in {k.value for k in jobs.keys if isinstance(k, ast.Constant)}, args


def _dask(args: list[str]) -> None:
    """``dask scheduler`` / ``dask worker``: distributed's command has the options shown."""
    help_text = subprocess.run([str(Path(sys.executable).parent / "dask"), args[0], "--help"],
                               capture_output=True, text=True, timeout=120, check=True).stdout
    for option in (a for a in args if a.startswith("--")):
        assert option in help_text, (args, option)


def _postgresql(args: list[str]) -> None:
    """PostgreSQL's own tools: not run here (no server); the registry's backup and restore
    round trip through them is tests/registry/test_cli.py's PostgreSQL test."""


def _curl(args: list[str]) -> None:
    """curl: the URL's path is a route of the JSON API."""
    from urllib.parse import urlparse

    url = next(a for a in args if a.startswith("http"))
    path = urlparse(url).path
    assert path.startswith("/api/v1/"), url
    route = path.removeprefix("/api/v1")
    sources = [p.read_text(encoding="utf-8")
               for p in (ROOT / "src" / "hdil2" / "web" / "api").rglob("*.py")]
    assert any(f'"{route}"' in text or f'"{route}/"' in text for text in sources), url


EXTERNAL: dict[str, Callable[[list[str]], None]] = {
    "python3": _tasks_job,
    "dask": _dask,
    "createdb": _postgresql,
    "pg_dump": _postgresql,
    "pg_restore": _postgresql,
    "curl": _curl,
}


def parse_hdil2(args: list[str]) -> dict[str, Any]:
    """Parse ``hdil2 args`` with the CLI's own parser, running nothing; the leaf's parameters."""
    import typer

    from hdil2.cli.app import build_app

    def parse(cmd: Any, name: str, rest: list[str], parent: Any = None) -> dict[str, Any]:
        ctx = cmd.make_context(name, list(rest), parent=parent)
        if hasattr(cmd, "resolve_command"):
            more = list(getattr(ctx, "_protected_args", [])) + list(ctx.args)
            sub_name, sub, sub_args = cmd.resolve_command(ctx, more)
            assert sub is not None, args
            return parse(sub, sub_name or "", sub_args, ctx)
        return dict(ctx.params)

    return parse(typer.main.get_command(build_app(args)), "hdil2", args)


def test_the_parser_refuses_what_hdil2_refuses() -> None:
    """The parse check can fail: an unknown option, command or a value of the wrong type."""
    assert parse_hdil2(["registry", "demo", "--seed", "7", "-n", "10000"])["patients"] == 10000
    for bad in (["registry", "demo", "--sed", "7"], ["regstry", "init"],
                ["registry", "demo", "-n", "ten"]):
        with pytest.raises(Exception, match=r"(?i)no such|valid"):
            parse_hdil2(bad)


PARSE_ONLY = {  # page: why its synopses are parsed, not run
    "registry.md": "PostgreSQL",
    "sdtm-import.md": "the pharmaverse pilot files (peer data): the same import, with the same "
                      "options, is tests/registry/test_sdtm_import_pilot.py's",
    "simulation.md": "a Dask cluster; 100,000 virtual patients",
    "web.md": "a server on /srv and its API",
}
PARSE = marked("test_command_lines_parse")


@pytest.mark.parametrize("block", PARSE, ids=[b.where for b in PARSE])
def test_command_lines_parse(block: Block) -> None:
    assert block.file_name in PARSE_ONLY, f"{block.where}: say why it cannot run"
    lines = command_lines(block)
    assert lines, block.where
    for line in lines:
        _, words, _ = split(line)
        if words[0] == "cd":
            continue
        if words[0] == "hdil2":
            parse_hdil2(words[1:])
        else:
            assert words[0] in EXTERNAL, f"{block.where}: {words[0]} is neither hdil2 nor known"
            EXTERNAL[words[0]](words[1:])


# ---- the Python snippets of the API pages -------------------------------------------------

SNIPPETS: dict[str, tuple[Callable[[], str] | None, str, str]] = {
    # page: (the example document, the operation, the variable holding its result)
    "response.md": (_who_example, "assess", "result"),
    "course-policy.md": ((RESPONSE_DATA / "example_history.json").read_text, "next-course",
                         "decision"),
    "selection.md": (None, "screen", "result"),
    "toxicity-grading.md": (None, "grade", "decision"),
}
QUOTED = re.compile(r'^(?P<expr>[^#\s][^#]*?)\s+#\s*"(?P<value>[^"]*)"\s*$')
SNIPPET_BLOCKS = marked("test_python_snippet_runs")


@pytest.mark.parametrize("block", SNIPPET_BLOCKS, ids=[b.where for b in SNIPPET_BLOCKS])
def test_python_snippet_runs(block: Block) -> None:
    from hdil2 import app

    document, operation, variable = SNIPPETS[block.file_name]
    namespace: dict[str, Any] = {"__name__": "__main__"}
    if document is not None:
        namespace["document"] = json.loads(document())
    exec(compile(block.text, block.where, "exec"), namespace)
    checked = 0
    for line in block.text.splitlines():
        if m := QUOTED.match(line):
            value = eval(m.group("expr").split("=", 1)[-1] if re.match(
                r"^\w+\s*=[^=]", m.group("expr")) else m.group("expr"), namespace)
            assert str(getattr(value, "value", value)) == m.group("value"), line
            checked += 1
    answer = namespace[variable].to_dict()
    jsonschema.validate(json.loads(json.dumps(answer, default=str)),
                        app.operation(operation).output_schema())
    assert checked == QUOTES.get(block.text.split("\n", 1)[0] + block.file_name, checked)


QUOTES = {  # first line + page: how many quoted values the snippet's comments hold
    "import jsonselection.md": 2,
    "from hdil2.clinical.toxicity.ctcae import GradeRequest, TERMS, gradetoxicity-grading.md": 2,
}


# ---- one block each -----------------------------------------------------------------------

def _block(page: str, test: str) -> Block:
    (block,) = [b for b in marked(test) if b.file_name == page]
    return block


def test_architecture_package_tree_is_the_source_tree() -> None:
    """architecture.md's tree names every package of src/hdil2 and of hdil2.clinical, and no
    other."""
    block = _block("architecture.md", "test_architecture_package_tree_is_the_source_tree")
    top = set(re.findall(r"^  ([a-z_]+)/", block.text, re.M))
    clinical = set(re.findall(r"^    ([a-z_]+)/", block.text, re.M))
    src = ROOT / "src" / "hdil2"

    def packages(d: Path) -> set[str]:
        return {p.name for p in d.iterdir() if (p / "__init__.py").is_file()
                and p.name != "data"}

    assert top == packages(src)
    assert clinical == packages(src / "clinical")


def test_architecture_decision_example_is_the_next_dose_answer() -> None:
    """architecture.md's JSON is the next-dose advice for SpO2 89 % (dose-holds.md's base
    request, the unremarkable assessment, with SpO2 89 %): every key and value it shows."""
    from hdil2 import app

    shown = json.loads(_block("architecture.md",
                              "test_architecture_decision_example_is_the_next_dose_answer").text)
    base = re.search(r"Base request:\s*(?:<!--[^>]*-->\s*)?```json\n(\{.*?\})\n```",
                     (ROOT / "docs" / "dose-holds.md").read_text(encoding="utf-8"), re.S)
    assert base is not None
    request = json.loads(base.group(1))
    request["observations"]["spo2_pct"] = shown["reasons"][0]["inputs"]["spo2_pct"]
    answer = app.run("next-dose", request).to_dict()
    assert answer["value"] == shown["value"]
    assert answer["resume_when"] == shown["resume_when"]
    first = answer["reasons"][0]
    assert {k: first[k] for k in shown["reasons"][0]} == shown["reasons"][0]


def test_r_regeneration_commands_name_the_generators() -> None:
    """statistics.md: each ``Rscript X.R > X.py`` names a generator beside the tests and the
    fixture it wrote, and the fixture says which generator made it."""
    block = _block("statistics.md", "test_r_regeneration_commands_name_the_generators")
    lines = command_lines(block)
    assert lines[0].split() == ["cd", "tests/stats"]
    base = ROOT / "tests" / "stats"
    for line in lines[1:]:
        _, words, _ = split(line)
        assert words[0] == "Rscript", line
        assert words[2] == ">", line
        script, fixture = base / words[1], base / words[3]
        assert script.is_file(), line
        assert fixture.is_file(), line
        assert script.name in fixture.read_text(encoding="utf-8")[:2000], line


def test_web_banner_is_what_serve_prints(tmp_path: Path) -> None:
    """web.md's banner is what ``hdil2 serve --demo`` prints (``--check``: nothing served);
    ``…`` stands for the generated passwords."""
    block = _block("web.md", "test_web_banner_is_what_serve_prints")
    code, out, err = invoke(["serve", "--demo", "--check", "--db",
                             str(tmp_path / "registry.sqlite3")])
    assert code == 0, err
    got = [line.rstrip() for line in (out + err).splitlines()]
    start = next(i for i, line in enumerate(got) if line.startswith("hdil2 web application:"))
    want = block.text.splitlines()
    assert len(got) >= start + len(want)
    for w, g in zip(want, got[start:], strict=False):
        pattern = ".*".join(re.escape(part) for part in w.rstrip().split("…"))
        assert re.fullmatch(pattern, g), (w, g)
