"""The generated pages of the documentation site, written at build time by mkdocs-gen-files.

Nothing here is kept by hand: the rules reference is rendered from the catalogues the code runs
(``hdil2.report.rules_reference``), the operations' page from the catalogue of operations and
their pydantic models (``hdil2.app.schema_reference``), the REST API page and ``openapi.json``
from the OpenAPI document the server serves (``hdil2.web.api.reference``), the Python API pages
from the public modules' docstrings (mkdocstrings), and the changelog from ``CHANGELOG.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

import mkdocs_gen_files

from hdil2.app.schema_reference import PYTHON_API, operations_page
from hdil2.report.rules_reference import pages as rules_pages
from hdil2.web.setup import configure_offline

configure_offline()  # the JSON API below is a Django application: settings, no database

from hdil2.web.api.reference import openapi_json, openapi_page  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def changelog(text: str) -> str:
    """CHANGELOG.md for the site: links to ``docs/X`` point at the page X of the site; a link
    to any other file of the repository becomes its path in code (the site holds docs/ only)."""

    def link(m: re.Match[str]) -> str:
        label, target = m.group(1), m.group(2)
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        if target.startswith("docs/"):
            return f"[{label}]({target.removeprefix('docs/')})"
        return f"{label} (`{target}`)" if label != target else f"`{target}`"

    return re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", link, text)


def write(path: str, text: str) -> None:
    with mkdocs_gen_files.open(path, "w") as f:
        f.write(text)


def main() -> None:
    """Write every generated page into the build (never into docs/ itself)."""
    for path, text in rules_pages().items():
        write(path, text)
    write("reference/operations.md", operations_page())
    write("reference/rest-api.md", openapi_page())
    write("reference/openapi.json", openapi_json())
    for title, module in PYTHON_API:
        write(f"reference/python/{module}.md", f"# {title}\n\n::: {module}\n")
    write("changelog.md", changelog((ROOT / "CHANGELOG.md").read_text(encoding="utf-8")))


# mkdocs-gen-files runs this file with runpy.run_path during a build; importing it (the tests
# import changelog) writes nothing
if __name__ == "<run_path>":
    main()
