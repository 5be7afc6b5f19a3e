"""The documentation site builds strictly, offline, from the repository alone (issue 16).

The site is built once per session with ``mkdocs build --strict`` (the same build as ``python3
tasks.py docs`` and CI): any warning - a broken link, a link to a missing anchor, a page left out
of the navigation, a docstring mkdocstrings cannot read - fails it. The built HTML is then
checked for what a strict build does not see: an asset fetched from another host (the site must
work offline), a path of the machine that built it, and the generated pages' presence.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from peer_data import ROOT

DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**{k: v for k, v in os.environ.items()  # as on a developer's machine: no
                if not k.startswith(("DJANGO_", "HDIL2_"))},  # settings from another test
             "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc.stdout + proc.stderr


def test_the_site_builds_strictly_without_a_warning(site: tuple[Path, str]) -> None:
    root, log = site
    assert (root / "index.html").is_file()
    assert not re.search(r"^(WARNING|ERROR)", log, flags=re.M), log


class _Assets(HTMLParser):
    """The URLs a page loads by itself: scripts, stylesheets, icons, images, frames, media."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "video", "audio", "embed"}:
            self.urls.append(a.get("src") or "")
        elif tag == "link" and {"stylesheet", "icon", "preload", "modulepreload",
                                "preconnect"} & set((a.get("rel") or "").split()):
            self.urls.append(a.get("href") or "")


def test_the_site_loads_nothing_from_another_host(site: tuple[Path, str]) -> None:
    """No CDN: every script, stylesheet, font and image is a file of the site itself."""
    root, _ = site
    remote = []
    for page in root.rglob("*.html"):
        parser = _Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        remote += [f"{page.relative_to(root)}: {u}" for u in parser.urls
                   if re.match(r"(?i)([a-z]+:)?//", u)]
    for css in root.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        remote += [f"{css.relative_to(root)}: {u}"
                   for u in re.findall(r"@import\s+url\(['\"]?((?:https?:)?//[^)'\"]+)", text)]
    assert remote == []
    assert (root / "search" / "search_index.json").is_file()  # search runs in the browser


def test_the_site_names_no_path_of_the_machine_that_built_it(site: tuple[Path, str]) -> None:
    root, _ = site
    here = str(ROOT)
    leaks = [str(p.relative_to(root)) for p in root.rglob("*")
             if p.suffix in {".html", ".json", ".xml", ".js", ".txt"}
             and here in p.read_text(encoding="utf-8", errors="replace")]
    assert leaks == []


def test_the_generated_pages_are_in_the_site(site: tuple[Path, str]) -> None:
    from hdil2.app.schema_reference import PYTHON_API
    from hdil2.report.rules_reference import pages

    root, _ = site
    for path in pages():
        built = root / (path.removesuffix(".md").removesuffix("index") + "/index.html").lstrip("/")
        assert built.is_file(), path
    for page in ("reference/operations", "reference/rest-api", "changelog", "decisions"):
        assert (root / page / "index.html").is_file(), page
    assert (root / "reference" / "openapi.json").is_file()
    for _title, module in PYTHON_API:
        html = (root / "reference" / "python" / module / "index.html").read_text(encoding="utf-8")
        assert 'class="doc doc-' in html, module  # mkdocstrings rendered the module's members


def test_the_changelog_page_keeps_every_entry_and_links_inside_the_site() -> None:
    """CHANGELOG.md's links to docs/X become links to the page X; other files become code."""
    sys.path.insert(0, str(DOCS))
    try:
        from gen_pages import changelog  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(DOCS))
    source = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    page = changelog(source)
    assert page.count("\n- ") == source.count("\n- ")
    targets = re.findall(r"\]\(([^)\s]+)\)", page)
    assert targets, "the changelog links the pages it names"
    for target in targets:
        if re.match(r"[a-z]+:", target):
            continue
        assert (DOCS / target.split("#")[0]).is_file(), target
    assert changelog("see [docs/web.md](docs/web.md#roles)") == "see [docs/web.md](web.md#roles)"
    assert changelog("see [the bench](bench/README.md)") == "see the bench (`bench/README.md`)"


def _quick_start(text: str) -> list[str]:
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", text, flags=re.S)
    assert block, "no quick start block"
    return block.group(1).splitlines()


def test_home_quick_start_is_the_readmes() -> None:
    """The home page's two commands are the README's, and each runs a job tasks.py has."""
    sys.path.insert(0, str(ROOT))
    try:
        import tasks
    finally:
        sys.path.remove(str(ROOT))
    home = _quick_start((DOCS / "index.md").read_text(encoding="utf-8"))
    readme = _quick_start((ROOT / "README.md").read_text(encoding="utf-8"))
    assert home == readme
    assert len(home) == 2
    for line in home:
        job = re.match(r"python3 tasks\.py (\S+)", line)
        assert job, line
        assert job.group(1) in tasks.JOBS, line


def test_the_docs_readme_shows_the_site_rendered_by_chromium() -> None:
    """docs/README.md attaches a PNG of the home page and of a rules-reference page."""
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]*\]\((images/site/[^)]+\.png)\)", readme)
    assert sorted(shown) == ["images/site/home.png", "images/site/rules-holds.png"]
    for image in shown:
        data = (DOCS / image).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", image
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (1280, 900), image
