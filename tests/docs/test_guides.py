"""The user guides (``docs/guides/*.md``, issue 16 item 2): their screenshots and the examples
that need state.

* Every image a guide shows exists; every PNG in ``docs/images/screens/`` is shown by a guide
  and named by a ``guide_shot("NAME")`` call of the browser tests (``tests/web/browser``), so a
  screenshot cannot be made by hand silently; each stays under 250 KB.
* The guides' relative links lead to pages of the site.
* Examples that need files or a registry are run here (each block is marked
  ``<!-- checked-by: tests/docs/test_guides.py::test_NAME -->``): the page's own ``json``
  blocks are written to the files its commands read, and its ``console`` blocks run through the
  CLI in a temporary directory at 80 columns.  A ``$ hdil2 ...`` line is followed by the output
  the page shows, compared line by line (trailing spaces ignored); a last line ``…`` means the
  page stops quoting there, and a ``…`` (or ``...``) inside a line stands for text that changes
  from run to run (a temporary path, a token, a file's size).  ``< FILE`` after a command is
  its standard input.
  Stateless ``console`` blocks without a marker are run by the generic runner of
  ``tests/docs/test_examples.py``.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from hdil2.cli.invoke import invoke

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "docs" / "guides"
SCREENS = ROOT / "docs" / "images" / "screens"
BROWSER_TESTS = ROOT / "tests" / "web" / "browser"
MAX_SCREEN_BYTES = 250 * 1024

NURSE = "nurse-pharmacist.md"
ONCOLOGIST = "oncologist.md"
STATISTICIAN = "statistician.md"
DATA_MANAGER = "data-manager.md"
ADMINISTRATOR = "administrator.md"
PAGES = ("index.md", NURSE, ONCOLOGIST, STATISTICIAN, DATA_MANAGER, ADMINISTRATOR)

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,})(?P<lang>[\w-]*)[^\n]*\n"
                   r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S)
MARKER = re.compile(r"<!--\s*checked-by:\s*(\S+?)\s*-->\s*$")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def page_text(name: str) -> str:
    return (GUIDES / name).read_text(encoding="utf-8")


def marked_blocks(page: str, test: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block of ``page`` marked as checked by ``test``."""
    text = page_text(page)
    out = []
    for m in FENCE.finditer(text):
        before = text[: m.start()].rstrip("\n").splitlines()
        previous = before[-1].strip() if before else ""
        mark = MARKER.search(previous)
        if mark and mark[1] == f"tests/docs/test_guides.py::{test}":
            out.append((m["lang"], m["body"]))
    assert out, f"{page}: no block is marked as checked by {test}"
    return out


def _matches(got: str, want: str) -> bool:
    """``want`` with each ``…`` (or ``...``, as the generic runner writes it) standing for any
    text equals ``got``."""
    parts = re.split(r"…|\.\.\.", want)
    if len(parts) == 1:
        return got == want
    return re.fullmatch(".*".join(re.escape(part) for part in parts), got) is not None


def _run(args: list[str], stdin: str, where: Path, *, fresh: bool) -> tuple[int, str, str]:
    """Run ``hdil2 args`` in-process, or (``fresh``) in a process of its own as a user runs it:
    the in-process CLI configures Django once, for the first registry command's needs."""
    if not fresh:
        return invoke(args, stdin)
    done = subprocess.run([sys.executable, "-m", "hdil2", *args], input=stdin, cwd=where,
                          capture_output=True, text=True, timeout=300, check=False)
    return done.returncode, done.stdout, done.stderr


def run_console(body: str, where: Path, *, fresh: bool = False) -> int:
    """Run every ``$ hdil2 ...`` line of a console block in ``where``; check what it prints
    (its standard output, then its standard error) against the lines the page shows.  Returns
    the number of commands run."""
    commands: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            assert commands, f"output before any command: {line!r}"
            commands[-1][1].append(line)
    for command, shown in commands:
        args = shlex.split(command)
        assert args[0] == "hdil2", command
        args = args[1:]
        stdin = ""
        if "<" in args:
            at = args.index("<")
            stdin = (where / args[at + 1]).read_text(encoding="utf-8")
            args = args[:at] + args[at + 2:]
        code, out, err = _run(args, stdin, where, fresh=fresh)
        assert code == 0, f"$ {command}\nexit {code}\n{err}"
        got = [line.rstrip() for line in (out + err).splitlines()]
        want = [line.rstrip() for line in shown]
        if want and want[-1] == "…":
            want = want[:-1]
            got = got[: len(want)]
        same = len(got) == len(want) and all(
            _matches(g, w) for g, w in zip(got, want, strict=True))
        assert same, (f"$ {command}\n--- the page shows:\n" + "\n".join(want)
                      + "\n--- the command printed:\n" + "\n".join(got))
    return len(commands)


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary working directory with a short path (so a path the CLI prints fits on its
    80-column line, as on the page), no registry from the environment."""
    where = Path(tempfile.mkdtemp(prefix="hdil2-")).resolve()
    monkeypatch.chdir(where)
    monkeypatch.setenv("COLUMNS", "80")
    for name in ("HDIL2_DATABASE_URL", "HDIL2_REGISTRY", "HDIL2_SITE"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield where
    finally:
        shutil.rmtree(where, ignore_errors=True)


def write_json_blocks(page: str, test: str, where: Path, names: list[str]) -> None:
    """Write the page's marked json blocks, in order, to the files ``names`` (checking each is
    JSON)."""
    blocks = [body for lang, body in marked_blocks(page, test) if lang == "json"]
    assert len(blocks) == len(names), (page, test, len(blocks))
    for body, name in zip(blocks, names, strict=True):
        json.loads(body)
        (where / name).write_text(body, encoding="utf-8")


def run_marked_consoles(page: str, test: str, where: Path, *, fresh: bool = False) -> int:
    ran = sum(run_console(body, where, fresh=fresh) for lang, body in marked_blocks(page, test)
              if lang == "console")
    assert ran, f"{page}: {test} ran no command"
    return ran


# --- screenshots ----------------------------------------------------------------------------


def _guide_shot_names() -> set[str]:
    """The names every ``*.guide_shot("NAME", ...)`` call of the browser tests saves."""
    names: set[str] = set()
    for path in BROWSER_TESTS.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "guide_shot" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                names.add(str(node.args[0].value))
    return names


def test_every_guide_image_exists_and_every_screenshot_is_shown_and_taken_by_a_test() -> None:
    shown: set[Path] = set()
    for name in PAGES:
        for target in IMAGE.findall(page_text(name)):
            path = (GUIDES / target).resolve()
            assert path.is_file(), f"{name}: image {target} does not exist"
            shown.add(path)
    screens = sorted(SCREENS.glob("*.png"))
    assert 6 <= len(screens) <= 10, [p.name for p in screens]
    taken = _guide_shot_names()
    for png in screens:
        assert png.resolve() in shown, f"{png.name} is shown by no guide"
        assert png.stem in taken, (f"{png.name}: no guide_shot({png.stem!r}) in "
                                   f"tests/web/browser - screenshots are taken by the tests")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png.name
        assert png.stat().st_size <= MAX_SCREEN_BYTES, (png.name, png.stat().st_size)
    assert {p.stem for p in screens} == taken, "a guide_shot name with no PNG committed"


def test_guide_links_lead_to_pages_of_the_site() -> None:
    from hdil2.app.schema_reference import PYTHON_API

    generated = {"reference/operations.md", "reference/rest-api.md", "rules/index.md",
                 *(f"reference/python/{module}.md" for _, module in PYTHON_API)}
    for name in PAGES:
        for target in LINK.findall(page_text(name)):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            assert not target.startswith("/"), f"{name}: absolute link {target}"
            file = target.split("#")[0]
            site_path = (Path("guides") / file).as_posix()
            resolved = (GUIDES / file).resolve()
            docs = (ROOT / "docs").resolve()
            assert resolved.is_relative_to(docs), f"{name}: {target} leaves docs/"
            relative = resolved.relative_to(docs).as_posix()
            assert resolved.is_file() or relative in generated, (
                f"{name}: link {target} ({site_path}) leads to no page")


# --- the oncologist ---------------------------------------------------------------------------


def test_oncologist_assess_example(workdir: Path) -> None:
    """RECIST 1.1 (``recist1.1``): 100 mm -> 70 mm is a 30 % decrease, PR, confirmed 35 days
    later (>= 28) at 66 mm; see oncologist.md."""
    write_json_blocks(ONCOLOGIST, "test_oncologist_assess_example", workdir, ["visits.json"])
    run_marked_consoles(ONCOLOGIST, "test_oncologist_assess_example", workdir)


def test_oncologist_next_course_example(workdir: Path) -> None:
    """A PR after course 1, discharged 2026-01-24: another course no earlier than 49 days later,
    2026-03-14 (the label's 7 weeks; ``proleukin-label``); see oncologist.md."""
    write_json_blocks(ONCOLOGIST, "test_oncologist_next_course_example", workdir,
                      ["history.json"])
    run_marked_consoles(ONCOLOGIST, "test_oncologist_next_course_example", workdir)


# --- the statistician -------------------------------------------------------------------------


def test_statistician_cohort_example(workdir: Path) -> None:
    """A 20-patient demo registry (seed 2000), its cohort summary and report; see
    statistician.md."""
    run_marked_consoles(STATISTICIAN, "test_statistician_cohort_example", workdir)
    assert (workdir / "report.html").stat().st_size > 0


# --- the data manager -------------------------------------------------------------------------


def test_data_manager_example(workdir: Path) -> None:
    """init, a 20-patient demo, check, SDTM/ADaM/FHIR export, the SDTM export imported into a
    fresh registry, backup and a restore into a scratch database; see data-manager.md."""
    run_marked_consoles(DATA_MANAGER, "test_data_manager_example", workdir)
    assert (workdir / "sdtm" / "dm.csv").is_file()
    assert (workdir / "adam" / "adsl.csv").is_file()
    bundle = json.loads((workdir / "M001.json").read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle"
    assert len(bundle["entry"]) == 84
    assert (workdir / "scratch.sqlite3").stat().st_size == (
        workdir / "registry-backup.sqlite3").stat().st_size


# --- the administrator ------------------------------------------------------------------------

PASSWORD = "correct horse battery staple 7"


def test_administrator_example(workdir: Path) -> None:
    """``serve --check`` on a new registry; users added (argon2), their roles changed and
    listed, an API token issued and revoked - each command in a process of its own, as an
    administrator runs them; see administrator.md."""
    (workdir / "password.txt").write_text(PASSWORD + "\n", encoding="utf-8")
    run_marked_consoles(ADMINISTRATOR, "test_administrator_example", workdir, fresh=True)


def _tasks_jobs() -> set[str]:
    spec = importlib.util.spec_from_file_location("hdil2_tasks_for_docs", ROOT / "tasks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return set(module.JOBS)


def test_administrator_install_commands() -> None:
    """The install blocks of administrator.md name real things: each ``python3 tasks.py JOB``
    a job of tasks.py, ``pip install .`` this repository's package (whose script is
    ``hdil2``), each ``hdil2 COMMAND --option`` an option of that command."""
    jobs = _tasks_jobs()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    seen = []
    for lang, body in marked_blocks(ADMINISTRATOR, "test_administrator_install_commands"):
        assert lang == "bash"
        for line in body.splitlines():
            words = shlex.split(line, comments=True)
            if not words:
                continue
            seen.append(words[0])
            if words[:2] == ["python3", "tasks.py"]:
                assert words[2] in jobs, line
            elif words[:3] == ["python3", "-m", "venv"]:
                assert len(words) == 4, line
            elif words[0].endswith("/bin/pip"):
                assert words[1:] == ["install", "."], line
                assert pyproject["project"]["name"] == "hdil2"
                assert pyproject["project"]["scripts"]["hdil2"] == "hdil2.cli.app:main"
            elif words[0].endswith("/bin/hdil2"):
                command = [w for w in words[1:] if not w.startswith("-")]
                code, helptext, err = invoke([*command, "--help"])
                assert code == 0, err
                for option in (w for w in words[1:] if w.startswith("--")):
                    assert option in helptext, (line, option)
            else:
                pytest.fail(f"administrator.md: an install command no test checks: {line}")
    assert "python3" in seen
    assert any(w.endswith("/bin/hdil2") for w in seen)
