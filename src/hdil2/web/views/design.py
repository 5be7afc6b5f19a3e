"""Design and statistics pages for the trial statistician: Simon two-stage designs, two
proportions (patients per group, or the power of given groups) and survival (events and
patients).

``/design/`` (``design``) lists the three forms; each has its own page (``design-simon``,
``design-two-proportions``, ``design-survival``), a GET form (nothing is written) that runs the
operation of the application layer - ``hdil2.app.run("design-simon", ...)`` and so on, the
same operations as ``hdil2 design simon``, ``two-proportions`` and ``survival`` - and shows
the answer as tables with the method, its sources and its reasons.  A refused value is shown
next to the field it names, every value kept as typed; htmx replaces the form and its result
in place, and the page works the same without JavaScript.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from hdil2.core.errors import InputError
from hdil2.web.roles import requires

F = TypeVar("F", bound=Callable[..., Any])
INT = re.compile(r"[+-]?\d+")


def _get_only(view: F) -> F:
    """Answer GET (and HEAD) only: 405 for any other method."""
    from django.views.decorators.http import require_GET

    return cast(F, require_GET(view))


@dataclass(frozen=True)
class Field:
    """One input of a form: the request field it fills, its label and how it is read."""

    name: str
    label: str
    kind: str = "float"  # "float", "int" or "choice"
    default: str = ""  # shown as the placeholder; the operation's default applies when empty
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False


SIDES = (("2", "2-sided"), ("1", "1-sided"))

FORMS: dict[str, dict[str, Any]] = {
    "design-simon": {
        "title": "Simon two-stage design",
        "intro": "Optimal, minimax and admissible two-stage designs for a single-arm phase II "
                 "trial: stop after stage 1 when too few patients respond.",
        "fields": (
            Field("p0", "p0: response rate of no interest (H0)", required=True,
                  help="e.g. 0.1"),
            Field("p1", "p1: response rate worth pursuing (H1)", required=True,
                  help="e.g. 0.3"),
            Field("alpha", "α (type I error)", default="0.05"),
            Field("beta", "β (type II error)", default="0.2"),
            Field("nmax", "largest total n searched", kind="int", default="100",
                  help="at most 1000"),
        ),
    },
    "design-two-proportions": {
        "title": "Two proportions",
        "intro": "Patients per group to compare two response rates; give n1 (and n2) for the "
                 "power of given groups instead.",
        "fields": (
            Field("p1", "p1: rate in group 1", required=True),
            Field("p2", "p2: rate in group 2", required=True),
            Field("alpha", "α", default="0.05"),
            Field("power", "target power", default="0.8"),
            Field("sides", "sides", kind="choice", default="2", choices=SIDES),
            Field("ratio", "ratio n2 / n1 (size only)", default="1"),
            Field("method", "method", kind="choice", default="normal", choices=(
                ("normal", "normal approximation"),
                ("normal_cc", "normal with continuity correction"),
                ("exact", "exact (Fisher)"))),
            Field("n1", "n1 (for power)", kind="int"),
            Field("n2", "n2 (for power; default n1)", kind="int"),
        ),
    },
    "design-survival": {
        "title": "Survival: events and patients",
        "intro": "Events and patients for a two-arm survival comparison; give a hazard ratio, "
                 "or hazards (λ1, λ2), or survival rates at a time.",
        "fields": (
            Field("hazard_ratio", "hazard ratio, group 1 vs 2"),
            Field("lambda1", "λ1: hazard of group 1 (per unit time)"),
            Field("lambda2", "λ2: hazard of group 2 (per unit time)"),
            Field("surv1", "survival of group 1 at the time below"),
            Field("surv2", "survival of group 2 at the time below"),
            Field("at_time", "time of these survival rates"),
            Field("alpha", "α", default="0.05"),
            Field("power", "power", default="0.8"),
            Field("sides", "sides", kind="choice", default="2", choices=SIDES),
            Field("ratio", "ratio n1 / n2", default="1"),
            Field("accrual", "accrual period"),
            Field("follow_up", "follow-up after accrual"),
            Field("dropout", "drop-out hazard", default="0"),
            Field("method", "method", kind="choice", default="schoenfeld", choices=(
                ("schoenfeld", "Schoenfeld"), ("freedman", "Freedman"),
                ("lachin_foulkes", "Lachin-Foulkes"))),
        ),
    },
}


def fmt(v: Any, digits: int = 4) -> str:
    """A number as the command line shows it: whole numbers plain, others to four decimals
    (four significant digits when very small or large), "—" when there is none."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "—"
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        if v.is_integer() and abs(v) < 1e9:
            return str(int(v))
        return f"{v:.{digits}g}" if abs(v) < 1e-3 or abs(v) >= 1e5 else f"{v:.{digits}f}"
    return str(v)


def parse(fields: tuple[Field, ...], query: Any) -> tuple[dict[str, str], dict[str, Any],
                                                          dict[str, str]]:
    """The values as typed, the request (empty fields left to the operation's defaults) and
    the errors by field."""
    values = {f.name: str(query.get(f.name, "")).strip() for f in fields}
    payload: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in fields:
        v = values[f.name]
        if not v:
            if f.required:
                errors[f.name] = "required"
            continue
        if f.kind == "int":
            if not INT.fullmatch(v):
                errors[f.name] = "a whole number"
                continue
            payload[f.name] = int(v)
        elif f.kind == "choice":
            allowed = [k for k, _ in f.choices]
            if v not in allowed:
                errors[f.name] = f"must be one of {', '.join(allowed)}"
                continue
            payload[f.name] = int(v) if f.name == "sides" else v
        else:
            try:
                x = float(v)
            except ValueError:
                errors[f.name] = "a number (e.g. 0.25)"
                continue
            if not math.isfinite(x):
                errors[f.name] = "a finite number"
                continue
            payload[f.name] = x
    return values, payload, errors


def _errors_of(e: InputError, names: set[str]) -> tuple[dict[str, str], list[str]]:
    """An operation's refusal by field of the form, and what names no field."""
    by_field: dict[str, str] = {}
    other: list[str] = []
    for err in getattr(e, "errors", None) or [e]:
        field = str(err.field).split(".")[0].split("[")[0]
        if field in names and field not in by_field:
            by_field[field] = err.message
        else:
            other.append(f"{err.field}: {err.message}")
    return by_field, other


def _reasons(res: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in res.to_dict().get("reasons", [])]


def _simon_result(res: Any) -> dict[str, Any]:
    rows = []
    for d in res.admissible:
        q = "—" if d.q_range is None else f"{d.q_range[0]:.3f}-{d.q_range[1]:.3f}"
        rows.append({"kind": d.kind or "—", "cells": [
            f"{d.r1}/{d.n1}", f"{d.r}/{d.n}", f"{d.en0:.2f}", f"{d.pet0:.4f}", f"{d.alpha:.4f}",
            f"{d.power:.4f}", q]})
    return {
        "caption": f"Simon two-stage designs: p0 {res.p0:g}, p1 {res.p1:g}, α {res.alpha:g}, "
                   f"β {res.beta:g} (n ≤ {res.nmax})",
        "stub": "design",
        "columns": ["r1/n1: stop if ≤ r1 respond of n1", "r/n: promising if > r of n",
                    "EN(p0)", "PET(p0)", "exact α", "power", "q range"],
        "rows": rows,
        "sentences": [f"Optimal: {res.optimal.rule()}.", f"Minimax: {res.minimax.rule()}."],
        "warnings": list(res.warnings),
        "method": res.method,
    }


def _pairs_result(caption: str, pairs: list[tuple[str, Any]], res: Any) -> dict[str, Any]:
    return {"caption": caption, "pairs": [(k, v if isinstance(v, str) else fmt(v))
                                          for k, v in pairs],
            "warnings": list(getattr(res, "warnings", []) or []), "method": res.method}


def _two_proportions_result(res: Any) -> dict[str, Any]:
    return _pairs_result(f"Two proportions: {res.p1:g} vs {res.p2:g} ({res.method})", [
        ("patients (group 1 + group 2)", f"{res.n1} + {res.n2}"),
        ("unrounded n1", res.n1_exact), ("power", res.power),
        ("α", f"{res.alpha:g} {res.sides}-sided")], res)


def _survival_result(res: Any) -> dict[str, Any]:
    per_arm = ("—" if res.patients_per_arm is None
               else " + ".join(fmt(x) for x in res.patients_per_arm))
    return _pairs_result(f"Survival design ({res.method})", [
        ("hazard ratio", res.hazard_ratio), ("events", res.events),
        ("patients", res.patients), ("patients per arm", per_arm),
        ("P(event)", res.event_probability), ("power", res.power),
        ("α", f"{res.alpha:g} {res.sides}-sided")], res)


RESULTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "design-simon": _simon_result,
    "design-two-proportions": _two_proportions_result,
    "design-survival": _survival_result,
}


def _form_page(request: HttpRequest, name: str) -> HttpResponse:
    from hdil2 import app

    spec = FORMS[name]
    fields: tuple[Field, ...] = spec["fields"]
    submitted = any(f.name in request.GET for f in fields)
    values, payload, errors = parse(fields, request.GET)
    if not submitted:
        errors = {}  # a blank form: nothing typed yet
    result: dict[str, Any] | None = None
    reasons: list[dict[str, Any]] = []
    other: list[str] = []
    if submitted and not errors:
        try:
            res = app.run(name, payload)
        except InputError as e:
            errors, other = _errors_of(e, {f.name for f in fields})
        else:
            result = RESULTS[name](res)
            reasons = _reasons(res)
    ctx = {"nav": "design", "name": name, "title": spec["title"], "intro": spec["intro"],
           "rows": [{"f": f, "value": values[f.name], "error": errors.get(f.name)}
                    for f in fields],
           "submitted": submitted, "errors": errors, "other": other, "result": result,
           "reasons": reasons}
    # a refused value answers 400; to htmx 200, which swaps only successful answers
    status = 400 if (errors or other) and not getattr(request, "htmx", False) else 200
    return render(request, "web/design_form.html", ctx, status=status)


@requires("read")
@_get_only
def design(request: HttpRequest) -> HttpResponse:
    """The index of the design and statistics forms."""
    forms = [{"name": k, "title": v["title"], "intro": v["intro"]} for k, v in FORMS.items()]
    return render(request, "web/design.html", {"nav": "design", "forms": forms})


@requires("read")
@_get_only
def design_simon(request: HttpRequest) -> HttpResponse:
    """Simon two-stage designs (``design-simon``)."""
    return _form_page(request, "design-simon")


@requires("read")
@_get_only
def design_two_proportions(request: HttpRequest) -> HttpResponse:
    """Patients per group, or power, to compare two proportions (``design-two-proportions``)."""
    return _form_page(request, "design-two-proportions")


@requires("read")
@_get_only
def design_survival(request: HttpRequest) -> HttpResponse:
    """Events and patients of a two-arm survival comparison (``design-survival``)."""
    return _form_page(request, "design-survival")


urlpatterns = [
    path("design/", design, name="design"),
    path("design/simon/", design_simon, name="design-simon"),
    path("design/two-proportions/", design_two_proportions, name="design-two-proportions"),
    path("design/survival/", design_survival, name="design-survival"),
]
