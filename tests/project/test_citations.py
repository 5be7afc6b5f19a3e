"""Issue 8 item 18: every citation a user sees resolves inside the project.

Users get the repository and nothing else.  So nothing they can read (the package's code,
strings, docstrings and data; the docs; the README; the changelog; the benchmark notes) may
point at the team's own working documents, their section numbers, their verification brackets
or their decision numbers, or at a path on a developer's machine.  Every source key cited must
be in the catalogue (and ``hdil2 sources KEY`` must print it), every link to
``docs/decisions.md#...`` must land on an anchor there, and every relative Markdown link must
land on a file of the repository.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hdil2.cli.invoke import invoke
from hdil2.core.sources import SOURCES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "hdil2"
DECISIONS = ROOT / "docs" / "decisions.md"

# what users must never be pointed at
FORBIDDEN: dict[str, re.Pattern[str]] = {
    "a source paper by its working number": re.compile(r"seeds? ?0\d\d", re.IGNORECASE),
    "the folder of the source papers": re.compile(r"seeds?/"),
    "a section of the working reference": re.compile(r"reference ?§"),
    "the section sign": re.compile("§"),
    "a decision number": re.compile(r"\bD(1[0-9]|[1-9])\b"),
    "a verification bracket": re.compile(r"(?<![\w\]])\[[VSMU]\](?!\()"),
    "the design notes": re.compile(r"DESIGN\.md"),
    "the working reference": re.compile(r"clinical\.md"),
    "the shared folder": re.compile(r"\.\./shared|shared/(seeds|reference|data)\b"),
    "a private anchor file": re.compile(r"software-anchors"),
    "a path on a developer's machine": re.compile(r"(?<![\w.])/(work|root|home)/"),
}

TEXT_SUFFIXES = {".py", ".json", ".md", ".txt", ".toml", ".cfg", ".csv", ".R", ".typed"}


def _user_visible_files() -> dict[str, list[Path]]:
    areas = {
        "src": sorted(p for p in PACKAGE.rglob("*")
                      if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in
                      p.parts),
        "docs": sorted((ROOT / "docs").rglob("*.md")),
        "README.md": [ROOT / "README.md"],
        "CHANGELOG.md": [ROOT / "CHANGELOG.md"],
        "bench/README.md": [ROOT / "bench" / "README.md"],
    }
    return {k: [p for p in v if p.exists()] for k, v in areas.items()}


def _hits(paths: list[Path]) -> list[str]:
    out = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in FORBIDDEN.items():
                m = pattern.search(line)
                if m:
                    out.append(f"{path.relative_to(ROOT)}:{n}: {what} ({m.group(0)!r}): "
                               f"{line.strip()[:120]}")
    return out


@pytest.mark.parametrize("area", list(_user_visible_files()))
def test_item18_nothing_users_see_cites_a_working_document(area: str) -> None:
    hits = _hits(_user_visible_files()[area])
    assert not hits, f"{len(hits)} forbidden citation(s) in {area}:\n" + "\n".join(hits)


def test_item18_no_test_names_a_path_on_this_machine() -> None:
    pattern = FORBIDDEN["a path on a developer's machine"]
    hits = [f"{p.relative_to(ROOT)}:{n}: {line.strip()[:120]}"
            for p in sorted((ROOT / "tests").rglob("*.py"))
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line) and p != Path(__file__).resolve()]
    assert not hits, "\n".join(hits)


# ---- (b) every cited source key is in the catalogue -----------------------------------------

# author + year (+ suffix): lee2000, jung2004admissible
_KEYLIKE = re.compile(r"^[a-z]+\d{4}[a-z]*$")
# identifiers of the form name+year that are not source keys (models named for their year)
_NOT_SOURCE_KEYS = {"mskcc1999", "mskcc2002"}


def _string_constants(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _cited_in_python(path: Path) -> Iterator[tuple[str, str]]:
    """(key, where) for every source key a module passes as a source."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = (node.func.id if isinstance(node.func, ast.Name)
                    else node.func.attr if isinstance(node.func, ast.Attribute) else "")
            for kw in node.keywords:
                if kw.arg == "source" and isinstance(kw.value, ast.Constant) \
                        and isinstance(kw.value.value, str):
                    yield kw.value.value, f"{rel}:{node.lineno}"
                if kw.arg == "sources" and isinstance(kw.value, ast.Tuple | ast.List):
                    for elt in kw.value.elts:
                        if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                            yield elt.value, f"{rel}:{node.lineno}"
            if name == "Reason" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                    and isinstance(node.args[1].value, str):
                yield node.args[1].value, f"{rel}:{node.lineno}"
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.endswith("SOURCE"):
                    yield node.value.value, f"{rel}:{node.lineno}"


def _cited_in_json(value: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "source" and isinstance(v, str):
                yield v, where
            elif k == "sources" and isinstance(v, list):
                yield from ((s, where) for s in v if isinstance(s, str))
            else:
                yield from _cited_in_json(v, where)
    elif isinstance(value, list):
        for v in value:
            yield from _cited_in_json(v, where)


def _cited_in_markdown(path: Path) -> Iterator[tuple[str, str]]:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for token in re.findall(r"`([^`\s]+)`", line):
            if _KEYLIKE.match(token) and token not in _NOT_SOURCE_KEYS:
                yield token, f"{path.relative_to(ROOT)}:{n}"


def _all_citations() -> list[tuple[str, str]]:
    cited: list[tuple[str, str]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        cited += _cited_in_python(path)
    for path in sorted(PACKAGE.rglob("*.json")):
        cited += _cited_in_json(json.loads(path.read_text(encoding="utf-8")),
                                str(path.relative_to(ROOT)))
    for path in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]:
        cited += _cited_in_markdown(path)
    return cited


def test_item18_every_cited_source_key_is_in_the_catalogue() -> None:
    cited = _all_citations()
    assert len({k for k, _ in cited}) > 30  # the scan finds the package's citations at all
    unknown = sorted(f"{where}: {key!r}" for key, where in cited if key not in SOURCES)
    assert not unknown, "source keys not in hdil2.core.sources:\n" + "\n".join(unknown)


def test_item18_hdil2_sources_prints_every_cited_key() -> None:
    keys = sorted({k for k, _ in _all_citations() if k in SOURCES})
    for key in keys:
        code, out, err = invoke(["sources", key])
        assert code == 0, (key, err)
        assert out.startswith(key + "\n")
        assert SOURCES[key].citation.split(".")[0] in out.replace("\n  ", " ")


def test_item18_every_catalogue_entry_is_cited_somewhere() -> None:
    """A source nothing cites is either dead weight or a citation the scan cannot see."""
    cited = {k for k, _ in _all_citations()}
    text = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")
                     if p.name != "sources.py")
    uncited = sorted(k for k in SOURCES if k not in cited and k not in text)
    assert not uncited


# ---- (c) links to docs/decisions.md land on an anchor ---------------------------------------

def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    ids = set(re.findall(r"<a id=\"([^\"]+)\"></a>", text))
    heads = {_slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}
    return ids | heads


def _decision_links(text: str) -> Iterator[str]:
    for m in re.finditer(r"decisions\.md#([\w-]+)((?:,\s*#[\w-]+)*)", text):
        yield m.group(1)
        yield from re.findall(r"#([\w-]+)", m.group(2))


DECISION_SLUGS = {
    "calcium-unit", "corrected-calcium-formula", "upton-classifier",
    "creatinine-baseline-clause", "ctcae-boundary-forms", "ctcae-terms-checked",
    "calendar-cycle", "calendar-wall-clock", "vials-in-iu", "resume-bands",
    "springerplus-variant", "adjuvant-units", "eligibility-ranges-and-windows",
    "one-year-arithmetic", "dosing-weight-lesser", "dst-edge-slots", "holds-across-rest",
    "vial-drawable-amount", "iana-zones-only", "start-needs-time",
}


def test_item18_decisions_page_has_every_agreed_anchor() -> None:
    assert _anchors(DECISIONS) >= DECISION_SLUGS


def test_item18_every_link_to_a_decision_lands_on_an_anchor() -> None:
    anchors = _anchors(DECISIONS)
    bad = []
    found = set()
    files = [p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in (".py", ".json")]
    files += [*(ROOT / "docs").glob("*.md"), ROOT / "README.md"]
    for path in sorted(files):
        raw = path.read_text(encoding="utf-8")
        texts = [raw]
        if path.suffix == ".py":  # adjacent string literals are joined by the parser
            texts += list(_string_constants(ast.parse(raw)))
        for text in texts:
            slugs = list(_decision_links(text))
            found |= set(slugs)
            bad += [f"{path.relative_to(ROOT)}: #{slug}" for slug in slugs if slug not in anchors]
    assert len(found) >= 10  # the scan sees the links at all
    assert not bad, "links to missing anchors of docs/decisions.md:\n" + "\n".join(sorted(set(bad)))


def test_item18_decisions_state_policies_that_exist_with_their_defaults() -> None:
    """Each "**Policy.** `name`, default `value`" of decisions.md is a policy of the code."""
    import importlib
    import pkgutil

    import hdil2.clinical
    from hdil2.core.policy import Policy

    policies: dict[str, Policy] = {}
    for info in pkgutil.walk_packages(hdil2.clinical.__path__, "hdil2.clinical."):
        module = importlib.import_module(info.name)
        policies.update({v.name: v for v in vars(module).values() if isinstance(v, Policy)})
    stated = re.findall(r"`([a-z_0-9]+)`,\s+default\s+`([^`]+)`", DECISIONS.read_text("utf-8"))
    assert len(stated) >= 8
    wrong = [f"{name}: docs say default {default!r}, code has "
             f"{policies[name].default!r}" if name in policies else f"{name}: no such policy"
             for name, default in stated
             if name not in policies or str(policies[name].default) != default]
    assert not wrong, "\n".join(wrong)


# ---- (d) relative Markdown links land on files ----------------------------------------------

def _generated_pages() -> set[Path]:
    """The documentation site's pages that docs/gen_pages.py writes at build time (issue 16):
    links to them are checked by the site's strict build (tests/docs/test_site.py)."""
    from hdil2.app.schema_reference import PYTHON_API
    from hdil2.report.rules_reference import pages

    site = {*pages(), "reference/operations.md", "reference/rest-api.md",
            "reference/openapi.json", "changelog.md",
            *(f"reference/python/{module}.md" for _, module in PYTHON_API)}
    return {(ROOT / "docs" / p).resolve() for p in site}


def test_item18_relative_markdown_links_resolve() -> None:
    bad = []
    checked = 0
    generated = _generated_pages()
    for path in [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md",
                 ROOT / "bench" / "README.md"]:
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            checked += 1
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            file_part, _, fragment = target.partition("#")
            dest = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(ROOT)}: ({target})"
            if dest in generated:
                continue
            if not dest.exists():
                bad.append(f"{where}: no such file")
            elif not dest.is_relative_to(ROOT):
                bad.append(f"{where}: outside the repository")
            elif fragment and dest.suffix == ".md" and fragment not in _anchors(dest):
                bad.append(f"{where}: no anchor #{fragment}")
    assert checked >= 20
    assert not bad, "\n".join(bad)
