"""The fenced code blocks of the site's hand-written pages (issue 16).

``blocks()`` reads every Markdown page under ``docs/`` (``docs/README.md`` is the docs' own
notes, not a page of the site) and returns each fenced block with where it is, its language,
its text and the ``<!-- checked-by: tests/...py::test_name -->`` marker right before it, if any
(blank lines may stand between the marker and the fence).

Fences may be indented (inside an admonition, a tab or a list item) and may be longer than three
backticks or tildes; a fence closes only on a bare fence of the same character, at least as long
and indented no deeper than the text it opened, so a block that quotes another block is one
block.  The text is dedented by the opening fence's indentation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
NOT_PAGES = {"README.md"}

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_MARKER = re.compile(r"^\s*<!--\s*checked-by:\s*(?P<target>\S+?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block of a page."""

    page: str  # path under docs/, e.g. "guides/nurse.md"
    line: int  # 1-based line of the opening fence
    language: str  # first word of the info string ("" when the fence has none)
    text: str  # the lines between the fences, dedented by the fence's indentation
    marker: str | None  # "tests/x/test_y.py::test_name" or None

    @property
    def where(self) -> str:
        return f"docs/{self.page}:{self.line}"

    @property
    def file_name(self) -> str:
        """The page's file name as tests name it (``simulation.md``, ``nurse.md``)."""
        return Path(self.page).name


def pages() -> list[Path]:
    """Every hand-written page of the site, in a stable order."""
    return sorted(p for p in DOCS.rglob("*.md")
                  if p.relative_to(DOCS).as_posix() not in NOT_PAGES)


def parse(text: str, page: str) -> list[Block]:
    """The fenced blocks of one page's Markdown ``text``."""
    lines = text.splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.group("indent"), m.group("fence"), m.group("info")
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines):
            close = re.match(rf"^([ \t]*){re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", lines[i])
            if close and len(close.group(1)) <= len(indent):
                break
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        i += 1  # past the closing fence (or the end of the page: an unclosed block runs to it)
        out.append(Block(page=page, line=start + 1, language=(info.split() or [""])[0],
                         text="\n".join(body) + ("\n" if body else ""),
                         marker=_marker_before(lines, start)))
    return out


def _marker_before(lines: list[str], start: int) -> str | None:
    j = start - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j >= 0 and (m := _MARKER.match(lines[j])):
        return m.group("target")
    return None


def blocks() -> list[Block]:
    """Every fenced block of every hand-written page."""
    out: list[Block] = []
    for path in pages():
        out.extend(parse(path.read_text(encoding="utf-8"), path.relative_to(DOCS).as_posix()))
    return out


# ---- console blocks ----------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    """One ``$ command`` of a console block and the lines the page shows after it."""

    command: str
    shown: tuple[str, ...]


def commands(block: Block) -> list[Command]:
    """The ``$ `` commands of a console block (a trailing backslash continues a command)."""
    out: list[tuple[str, list[str]]] = []
    lines = block.text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1].rstrip() + " " + lines[i].strip()
            out.append((command, []))
        elif out:
            out[-1][1].append(line)
        i += 1
    return [Command(c, tuple(shown)) for c, shown in out]


# commands and options that write a database or files: never run from the repository's root
STATEFUL_COMMANDS = frozenset({"registry", "users", "serve", "import", "export", "report"})
WRITING_OPTIONS = frozenset({"--out", "--db", "--report", "--tables-out"})


def is_generic_console(block: Block) -> bool:
    """A console block the generic runner runs: its commands are all ``hdil2 ...``."""
    cmds = commands(block)
    return bool(cmds) and all(c.command.split()[:1] == ["hdil2"] for c in cmds)


def writes(block: Block) -> bool:
    """A console block with a command that writes a database or files."""
    for c in commands(block):
        words = c.command.split()
        if (len(words) > 1 and words[1] in STATEFUL_COMMANDS) or any(
                w.split("=")[0] in WRITING_OPTIONS for w in words):
            return True
    return False


def is_doctest(block: Block) -> bool:
    """A pycon block, or any block with ``>>>`` lines: run as a doctest."""
    return block.language == "pycon" or any(
        line.lstrip().startswith(">>>") for line in block.text.splitlines())


def line_matches(want: str, got: str) -> bool:
    """``want`` equals ``got``; in ``want``, ``...`` stands for any text within the line."""
    if "..." not in want:
        return want == got
    pattern = ".*".join(re.escape(part) for part in want.split("..."))
    return re.fullmatch(pattern, got, flags=re.S) is not None
