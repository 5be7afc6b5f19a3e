"""The API reference of the documentation site (issue 16 item 4): the operations page shows
every operation of the catalogue with the JSON Schemas its pydantic models give; the REST API
page shows every route of the OpenAPI document the server serves, with the capability the
server checks; the document beside the page is the one the server serves; every module of
the Python API reference imports and has a docstring."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from web.conftest import client_as, make_user, web_db  # noqa: F401 - the web fixtures

SECTION = re.compile(r"^## `(?P<name>[^`]+)` \{ #(?P<anchor>[^ }]+) \}$", re.M)
BLOCK = re.compile(r'^\?\?\? "(?P<title>[^"]+)"\n\n(?P<body>(?:    .*\n|\n)+)', re.M)
ROUTE = re.compile(r"^### (?P<method>[A-Z]+) `(?P<path>[^`]+)` \{ #(?P<anchor>[^ }]+) \}$",
                   re.M)


def _blocks(text: str) -> dict[str, Any]:
    """The JSON of each collapsible ``??? "title"`` block of ``text``, by title."""
    out: dict[str, Any] = {}
    for m in BLOCK.finditer(text):
        body = textwrap.dedent(m["body"]).strip()
        assert body.startswith("```json\n"), m["title"]
        assert body.endswith("\n```"), m["title"]
        assert m["title"] not in out, f"two blocks titled {m['title']!r}"
        out[m["title"]] = json.loads(body.removeprefix("```json\n").removesuffix("\n```"))
    return out


def _sections(page: str, pattern: re.Pattern[str]) -> list[tuple[re.Match[str], str]]:
    found = list(pattern.finditer(page))
    ends = [m.start() for m in found[1:]] + [len(page)]
    return [(m, page[m.end():end]) for m, end in zip(found, ends, strict=True)]


@pytest.fixture(scope="module")
def operations_page() -> str:
    from hdil2.app.schema_reference import operations_page

    return operations_page()


@pytest.fixture(scope="module")
def rest_page() -> str:
    from hdil2.web.api.reference import openapi_page

    return openapi_page()


def test_item4_every_operation_is_on_the_operations_page_with_the_schemas_of_its_models(
        operations_page: str) -> None:
    from hdil2.app import names, operation
    from hdil2.cli.schema import json_schema

    sections = {m["name"]: (m, body) for m, body in _sections(operations_page, SECTION)}
    assert sorted(sections) == names()
    assert len(names()) >= 26  # dose, grade, next-dose ... design-conditional-power
    for name, (m, body) in sections.items():
        assert m["anchor"] == name
        op = operation(name)
        blocks = _blocks(body)
        assert set(blocks) == {"Input schema", "Output schema"}, name
        model = op.request.model_json_schema()
        shown = dict(blocks["Input schema"])
        assert shown.pop("$schema") == "https://json-schema.org/draft/2020-12/schema"
        assert shown == {**model, "title": model.get("title", name)}, name
        assert blocks["Input schema"] == json_schema(name), name  # `hdil2 schema NAME`
        assert blocks["Output schema"] == json_schema(name, output=True), name
        assert op.summary[1:] in body  # its first letter capitalised
        assert f"- Area: {op.area}\n" in body


def test_item4_the_operations_page_names_commands_the_cli_has_and_routes_the_rest_page_has(
        operations_page: str, rest_page: str) -> None:
    import typer

    from hdil2.app import operations
    from hdil2.cli.app import build_app

    root = typer.main.get_command(build_app())
    anchors = {m["anchor"] for m in ROUTE.finditer(rest_page)}
    sections = {m["name"]: b for m, b in _sections(operations_page, SECTION)}
    for name, op in operations().items():
        body = sections[name]
        command = re.search(r"- Command line: `hdil2 ([^`]+)`", body)
        assert command, name
        words = command[1].split()
        cmd: Any = root
        while words and not words[0].startswith("-"):
            assert hasattr(cmd, "commands"), (name, command[1])  # a group of commands
            cmd = cmd.commands.get(words.pop(0))
            assert cmd is not None, f"{name}: no command `hdil2 {command[1]}`"
        for option in words:
            assert any(option in p.opts for p in cmd.params), (name, option)
        if not op.needs_registry:
            link = re.search(r"- REST API: \[`POST /api/v1/rules/([^`]+)`\]\(rest-api\.md#"
                             r"([^)]+)\)", body)
            assert link, name
            assert link[1] == name
            assert link[2] in anchors, name
    assert "[`grade-terms`](#grade-terms)" in operations_page
    assert "`hdil2 design simon`" in operations_page
    assert "`hdil2 grade --list`" in operations_page


def test_item4_every_route_of_the_openapi_document_is_on_the_rest_page(rest_page: str) -> None:
    from hdil2.web.api.reference import openapi_document

    doc = openapi_document()
    routes = {(m["method"], m["path"]): body for m, body in _sections(rest_page, ROUTE)}
    listed = {(method.upper(), path) for path, methods in doc["paths"].items()
              for method in methods}
    assert set(routes) == listed
    assert len(listed) >= 40
    for (method, path), body in routes.items():
        op = doc["paths"][path][method.lower()]
        assert op["summary"][1:] in body.split("\n\n")[1], (method, path)
        for status in op["responses"]:
            assert re.search(rf"^\| {status} \|", body, re.M), (method, path, status)
        for param in op.get("parameters", []):
            assert f"| `{param['name']}` | {param['in']} |" in body, (method, path)
        if "requestBody" in op:
            ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            name = ref.removeprefix("#/components/schemas/")
            assert f"Request body (JSON): [`{name}`](#schema-{name})" in body
    # the schemas the routes refer to, each as the document has it
    schemas = _blocks(rest_page[rest_page.index("\n## Schemas\n"):])
    assert schemas == doc["components"]["schemas"]
    for name in schemas:
        assert f'<a id="schema-{name}"></a>' in rest_page
    assert "[openapi.json](openapi.json)" in rest_page
    assert "cdn" not in rest_page.lower()


def test_item4_the_rest_page_shows_the_capability_the_server_checks(rest_page: str) -> None:
    """Each route's capability as the registry's routes are documented to need it
    (``hdil2.web.api.registry``) and as :mod:`hdil2.web.roles` gives it to roles."""
    routes = {(m["method"], m["path"]): body for m, body in _sections(rest_page, ROUTE)}
    expected = {
        ("GET", "/api/v1/patients"): "read",
        ("GET", "/api/v1/courses/{course_id}"): "read",
        ("POST", "/api/v1/slots/{slot_id}/record"): "record",
        ("POST", "/api/v1/patients/{patient_id}/toxicities"): "record",
        ("POST", "/api/v1/patients"): "plan",
        ("POST", "/api/v1/patients/{patient_id}/next-course"): "plan",
        ("POST", "/api/v1/rules/dose"): "read",
        ("POST", "/api/v1/rules/next-dose"): "read",
    }
    roles = {"read": "viewer, nurse, physician, data manager, administrator",
             "record": "nurse, physician", "plan": "physician"}
    for route, capability in expected.items():
        assert (f"Needs the `{capability}` capability (roles: {roles[capability]})."
                in routes[route]), route
    for route, body in routes.items():
        assert "Needs the `" in body, route  # no route without a declared capability


def test_item4_openapi_json_is_the_document_the_server_serves(
        client_as: Callable[..., Any]) -> None:  # noqa: F811
    from hdil2.web.api.reference import openapi_json

    text = openapi_json()
    r = client_as("viewer").get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert json.loads(text) == r.json()
    assert text == openapi_json()  # deterministic
    assert text.startswith('{\n  "openapi": "3.1')
    assert text.endswith("}\n")


def test_item4_every_module_of_the_python_api_imports_and_has_a_docstring() -> None:
    from hdil2.app.schema_reference import PYTHON_API

    modules = [m for _, m in PYTHON_API]
    titles = [t for t, _ in PYTHON_API]
    assert len(set(modules)) == len(modules)
    assert len(set(titles)) == len(titles)
    for module in modules:
        imported = importlib.import_module(module)
        assert (imported.__doc__ or "").strip(), f"{module} has no module docstring"
    # the public entry points the reference promises
    assert {"hdil2.app", "hdil2.app.catalogue", "hdil2.clinical.toxicity.ctcae",
            "hdil2.clinical.toxicity.holds", "hdil2.clinical.response", "hdil2.sim",
            "hdil2.report", "hdil2.interop.sdtm", "hdil2.interop.adam", "hdil2.interop.fhir",
            "hdil2.core.decision", "hdil2.core.errors", "hdil2.core.sources",
            "hdil2.core.result", "hdil2.core.quantity"} <= set(modules)


def test_item4_the_rest_reference_builds_in_a_process_without_django_settings(
        tmp_path: Path) -> None:
    code = ("from hdil2.web.setup import configure_offline\n"
            "configure_offline()\n"
            "from hdil2.web.api.reference import openapi_json, openapi_page\n"
            "import json\n"
            "doc = json.loads(openapi_json())\n"
            "assert '/api/v1/rules/dose' in doc['paths']\n"
            "assert '### POST `/api/v1/rules/dose`' in openapi_page()\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HDIL2_", "DJANGO_"))}
    env["HOME"] = str(tmp_path)  # no secret key file is written in the user's data directory
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not (tmp_path / "data").exists()
