"""The API reference of the documentation site: the public Python modules and the operations.

:data:`PYTHON_API` names the modules whose docstrings the site renders (one page each, with
mkdocstrings); :func:`operations_page` writes the page of every operation of the catalogue:
its summary, area, command line, REST route and the JSON Schemas of its input and output,
made from the same pydantic models the operation validates with, so the page cannot drift
from the code.
"""

from __future__ import annotations

import json
from typing import Any

from hdil2.app.catalogue import operations

#: (page title, dotted module) of every public module documented on the site, in the order of
#: the navigation: the application layer, the clinical rules, the statistics, the simulator,
#: the reports, the interchange formats and the core contracts
PYTHON_API: tuple[tuple[str, str], ...] = (
    ("Operations (hdil2.app)", "hdil2.app"),
    ("Operation catalogue", "hdil2.app.catalogue"),
    ("Operation", "hdil2.app.operation"),
    ("Site profile", "hdil2.app.profile"),
    ("Treatment: regimens", "hdil2.clinical.treatment.regimens"),
    ("Treatment: the product", "hdil2.clinical.treatment.product"),
    ("Treatment: dosing", "hdil2.clinical.treatment.dosing"),
    ("Treatment: dose calendar", "hdil2.clinical.treatment.calendar"),
    ("Toxicity: CTCAE v5.0 grading", "hdil2.clinical.toxicity.ctcae"),
    ("Toxicity: dose holds", "hdil2.clinical.toxicity.holds"),
    ("Selection: the patient", "hdil2.clinical.selection.patient"),
    ("Selection: eligibility", "hdil2.clinical.selection.eligibility"),
    ("Selection: screening", "hdil2.clinical.selection.screening"),
    ("Response", "hdil2.clinical.response"),
    ("Outcomes: EORTC QLQ-C30", "hdil2.clinical.outcomes"),
    ("Statistics", "hdil2.stats"),
    ("Statistics: proportions", "hdil2.stats.proportions"),
    ("Statistics: Kaplan-Meier", "hdil2.stats.kaplan_meier"),
    ("Statistics: log-rank", "hdil2.stats.logrank"),
    ("Statistics: Cox regression", "hdil2.stats.cox"),
    ("Design: Simon two-stage", "hdil2.stats.simon"),
    ("Design: sample size", "hdil2.stats.sample_size"),
    ("Design: group sequential", "hdil2.stats.interim"),
    ("Statistics: requests", "hdil2.stats.requests"),
    ("Simulation", "hdil2.sim"),
    ("Simulation: engine", "hdil2.sim.engine"),
    ("Simulation: virtual patient", "hdil2.sim.model"),
    ("Simulation: virtual cohort", "hdil2.sim.cohort"),
    ("Simulation: trials", "hdil2.sim.trials"),
    ("Reports", "hdil2.report"),
    ("Interchange: SDTM", "hdil2.interop.sdtm"),
    ("Interchange: ADaM", "hdil2.interop.adam"),
    ("Interchange: FHIR", "hdil2.interop.fhir"),
    ("Core: decisions and reasons", "hdil2.core.decision"),
    ("Core: errors", "hdil2.core.errors"),
    ("Core: sources", "hdil2.core.sources"),
    ("Core: results", "hdil2.core.result"),
    ("Core: quantities", "hdil2.core.quantity"),
)

#: the command line of an operation whose command is not ``hdil2 NAME`` (``stats-*`` and
#: ``design-*`` are ``hdil2 stats ...`` and ``hdil2 design ...``)
_COMMANDS: dict[str, str] = {
    "grade-terms": "hdil2 grade --list",
}

#: where the REST API serves the stateless operations
REST_PREFIX = "/api/v1/rules/"


def cli_command(name: str) -> str:
    """The command line that runs operation ``name`` (``design-simon`` -> ``hdil2 design
    simon``)."""
    if name in _COMMANDS:
        return _COMMANDS[name]
    for group in ("stats", "design"):
        if name.startswith(group + "-"):
            return f"hdil2 {group} {name.removeprefix(group + '-')}"
    return f"hdil2 {name}"


def rest_route(name: str) -> str:
    """The REST route of a stateless operation: ``POST /api/v1/rules/<name>``."""
    return f"POST {REST_PREFIX}{name}"


def rest_anchor(name: str) -> str:
    """The anchor of the operation's route on the REST API page (``post-rules-dose``)."""
    return "post-rules-" + name


def dumps(schema: Any) -> str:
    """A JSON Schema as the page prints it: indented, keys in the order the model gives."""
    return json.dumps(schema, indent=2, ensure_ascii=False)


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _schema_block(title: str, schema: Any) -> str:
    fence = "```json\n" + dumps(schema) + "\n```"
    return f'??? "{title}"\n\n{_indent(fence)}\n'


def operations_page() -> str:
    """Markdown of ``reference/operations.md``: every operation with its schemas."""
    ops = operations()
    lines = [
        "# Operations",
        "",
        "Every question hdil2 answers is an operation of one catalogue (`hdil2.app`): the "
        "command line, the REST API, batch mode and the registry all ask through it. Each "
        "operation validates its request against a pydantic model (a bad field is refused, "
        "naming it) and answers with a decision and its reasons or a result. The schemas "
        "below are made from those same models (`hdil2 schema NAME` prints the input's, "
        "`hdil2 schema NAME --output` the output's): JSON Schema draft 2020-12.",
        "",
        "| Operation | Area | What it answers |",
        "|---|---|---|",
    ]
    for name, op in ops.items():
        lines.append(f"| [`{name}`](#{name}) | {op.area} | {op.summary} |")
    lines.append("")
    for name, op in ops.items():
        lines += [f"## `{name}` {{ #{name} }}", "", op.summary[:1].upper() + op.summary[1:]
                  + ".", ""]
        lines.append(f"- Area: {op.area}")
        lines.append(f"- Command line: `{cli_command(name)}` (`--json` prints the output "
                     "below)")
        if op.needs_registry:
            lines.append("- REST API: through the registry's routes only")
        else:
            lines.append(f"- REST API: [`{rest_route(name)}`](rest-api.md#{rest_anchor(name)})")
        lines.append(f"- Schemas: `hdil2 schema {name}`, `hdil2 schema {name} --output`")
        lines.append("")
        lines.append(_schema_block("Input schema", op.input_schema()))
        lines.append(_schema_block("Output schema", op.output_schema()))
    return "\n".join(lines).rstrip("\n") + "\n"
