"""The cohort dashboard: the cohort report's tables and figures, filtered, with a CSV of every
table.

``/cohort/`` (``cohort``) is a GET form of the filters of
:class:`hdil2.registry.cohort.CohortFilter` (as ``hdil2 report cohort`` takes them: disease,
regimen of course 1, risk group stored by screening, first dose of course 1 from / to,
synthetic or real patients) above the report's items in the report's order
(:func:`hdil2.report.document.cohort_report` builds the same items, one code path): each table
as HTML (:meth:`hdil2.report.tables.Table.html`, no inline style) with a link to its CSV
(``/cohort/tables/<name>.csv?<the same filters>``, ``cohort-table``), each figure as an image
(``/cohort/figures/<name>.svg?<filters>``, ``cohort-figure``: SVG served as
``image/svg+xml``, since the page's Content Security Policy blocks inline SVG), and
"not shown: <why>" for an item the data cannot give.  A figure whose outcome is not known yet
is loaded by htmx from ``/cohort/figures/<name>/?<filters>`` (``cohort-figure-panel``), which
answers the figure or the reason it is not shown; without JavaScript the image is shown.

Speed: the cohort's data (:func:`hdil2.registry.report_data.cohort_data`, about 1.7 s for the
350 patients of the demo cohort), the built tables and each figure's SVG are kept in small
in-process LRU caches keyed by the filters and the registry's state (per table of the
registry: rows, largest id, latest change - every write changes one of them), so the page's
figure requests do not query the registry again and a second visit draws nothing again.
Figures are drawn one at a time (matplotlib's settings are process-wide).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from hdil2.core.errors import InputError
from hdil2.web.roles import requires

#: the filters of the page, in the form's order (names as CohortFilter's fields)
FILTERS = ("disease", "regimen", "risk_group", "start_from", "start_to", "synthetic")
DISEASE_CHOICES = (("melanoma", "Melanoma"), ("rcc", "Renal cell carcinoma"))
RISK_CHOICES = (("favourable", "favourable"), ("intermediate", "intermediate"),
                ("poor", "poor"))
SYNTHETIC_CHOICES = (("true", "synthetic (demo) patients only"), ("false", "real patients only"))
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

F = TypeVar("F", bound=Callable[..., Any])


def _get_only(view: F) -> F:
    """Answer GET (and HEAD) only: 405 for any other method."""
    from django.views.decorators.http import require_GET

    return cast(F, require_GET(view))


# ---- caches ---------------------------------------------------------------------------------

_LOCK = threading.RLock()


class _Lru:
    """A small least-recently-used map (call under :data:`_LOCK`)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        return None

    def put(self, key: Hashable, value: Any) -> Any:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        self.items.clear()


_DATA = _Lru(4)  # (filters, state) -> CohortData
_TABLES = _Lru(8)  # (filters, state) -> list of report items (tables, figure slots)
_FIGURES = _Lru(96)  # (filters, state, name) -> ("svg", text) or ("missing", why)


def clear_caches() -> None:
    """Forget every cached cohort, table and figure."""
    with _LOCK:
        for c in (_DATA, _TABLES, _FIGURES):
            c.clear()


def registry_state() -> tuple[Any, ...]:
    """The registry's state as the cohort sees it: per table the report reads, its number of
    rows, largest id and latest change (a write, a void or a correction changes one)."""
    from django.db.models import Count, Max

    from hdil2.registry import models as m

    out: list[Any] = []
    for model in (m.Patient, m.PriorTherapy, m.Course, m.Cycle, m.DoseSlot, m.Toxicity,
                  m.Scan, m.Lesion, m.Measurement, m.ResponseAssessment, m.QualityOfLife,
                  m.FollowUp):
        agg = model._base_manager.aggregate(n=Count("id"), last=Max("id"),
                                            changed=Max("updated_at"))
        out.append((model.__name__, agg["n"], agg["last"], agg["changed"]))
    return tuple(out)


# ---- filters --------------------------------------------------------------------------------

def parse_filters(query: Any) -> tuple[dict[str, str], Any, dict[str, str]]:
    """The form's values as typed (kept for the form), the checked
    :class:`~hdil2.registry.cohort.CohortFilter` (``None`` when a value is refused) and the
    errors by field."""
    from hdil2.clinical.treatment.regimens import REGIMENS
    from hdil2.registry.cohort import CohortFilter

    values = {k: str(query.get(k, "")).strip() for k in FILTERS}
    errors: dict[str, str] = {}
    given: dict[str, Any] = {}

    def choose(field: str, allowed: Any, what: str) -> None:
        v = values[field]
        if not v:
            return
        if v not in allowed:
            errors[field] = f"must be one of {', '.join(allowed)} ({what})"
        else:
            given[field] = v

    choose("disease", [k for k, _ in DISEASE_CHOICES], "the disease")
    choose("regimen", list(REGIMENS), "a regimen key")
    choose("risk_group", [k for k, _ in RISK_CHOICES], "the risk group stored by screening")
    for field in ("start_from", "start_to"):
        v = values[field]
        if not v:
            continue
        try:
            if not DATE.fullmatch(v):
                raise ValueError(v)
            given[field] = dt.date.fromisoformat(v)
        except ValueError:
            errors[field] = "a date as YYYY-MM-DD"
    syn = values["synthetic"]
    if syn:
        if syn not in ("true", "false"):
            errors["synthetic"] = "must be true (synthetic only) or false (real only)"
        else:
            given["synthetic"] = syn == "true"
    if errors:
        return values, None, errors
    try:
        return values, CohortFilter(**given).check(), {}
    except InputError as e:
        return values, None, {e.field: e.message}


def _query(f: Any) -> str:
    """The filters as a query string (the links of the tables and figures)."""
    doc = f.to_dict()
    if "synthetic" in doc:
        doc["synthetic"] = "true" if doc["synthetic"] else "false"
    return urlencode(doc)


def _key(f: Any) -> tuple[Any, ...]:
    return (tuple(sorted(f.to_dict().items())), registry_state())


def cohort_data(f: Any, key: tuple[Any, ...] | None = None) -> Any:
    """The report's data of the filtered cohort, from the cache when the registry has not
    changed since it was read."""
    from hdil2.registry import report_data

    key = key if key is not None else _key(f)
    with _LOCK:
        data = _DATA.get(key)
        if data is None:
            data = _DATA.put(key, report_data.cohort_data(f, title="Registry cohort"))
        return data


def _specs() -> list[Any]:
    from hdil2.report import document

    return document._cohort_specs()


def _spec(name: str, kind: str) -> Any:
    for spec in _specs():
        if spec[0] == name and spec[2] == kind:
            return spec
    raise Http404(f"no {kind} {name}")


def _items(f: Any, key: tuple[Any, ...]) -> list[dict[str, Any]]:
    """The page's items in the report's order: tables built (cached), figures as slots."""
    from hdil2.report import document

    with _LOCK:
        items = _TABLES.get(key)
        if items is not None:
            return list(items)
        data = cohort_data(f, key)
        built = {it.key: it for it in document._build(
            [s for s in _specs() if s[2] == "table"], data, None)}
        out: list[dict[str, Any]] = []
        for name, section, kind, title, caption, _ in _specs():
            if kind == "table":
                it = built[name]
                out.append({"key": name, "section": section, "kind": kind,
                            "title": it.title, "missing": it.missing,
                            "table": it.table})
            else:
                out.append({"key": name, "section": section, "kind": kind, "title": title,
                            "caption": caption, "alt": _alt(title, caption)})
        return list(_TABLES.put(key, out))


def _alt(title: str, caption: str) -> str:
    first = caption.split(". ")[0].split(" (")[0].rstrip(".")
    return f"{title}: {first[0].lower() + first[1:]}" if first else title


def figure_outcome(f: Any, key: tuple[Any, ...], name: str) -> tuple[str, str]:
    """``("svg", text)`` of figure ``name`` of the filtered cohort or ``("missing", why)``."""
    from hdil2.report import style

    spec = _spec(name, "figure")
    with _LOCK:
        known = _FIGURES.get((key, name))
        if known is not None:
            return (known[0], known[1])
        data = cohort_data(f, key)
        builder: Callable[[Any], Any] = spec[5]
        try:
            fig = builder(data)
        except InputError as e:
            return _FIGURES.put((key, name), ("missing", f"not shown: {e.message}"))
        return _FIGURES.put((key, name), ("svg", style.svg(fig, salt=name)))


def _known_figure(key: tuple[Any, ...], name: str) -> tuple[str, str] | None:
    with _LOCK:
        known = _FIGURES.get((key, name))
    return None if known is None else (known[0], known[1])


def _missing_svg(text: str) -> str:
    """A small SVG image that says why a figure is not shown (a browser shows it in place of
    the image when the page was loaded without JavaScript)."""
    import html

    return ('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="40" '
            'viewBox="0 0 640 40" role="img"><title>' + html.escape(text) + '</title>'
            '<text x="8" y="24" font-family="sans-serif" font-size="14" fill="#4a5560">'
            + html.escape(text) + "</text></svg>")


def _refused(request: HttpRequest, errors: dict[str, str]) -> HttpResponse:
    detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
    return render(request, "web/error.html", {"status": 400, "title": "Filter refused",
                                              "detail": detail}, status=400)


# ---- views ----------------------------------------------------------------------------------

@requires("read")
@_get_only
def cohort(request: HttpRequest) -> HttpResponse:
    """The dashboard: the filter form and the report's tables and figures of the cohort."""
    from hdil2.clinical.treatment.regimens import REGIMENS

    values, f, errors = parse_filters(request.GET)
    ctx: dict[str, Any] = {
        "nav": "cohort", "values": values, "errors": errors,
        "diseases": DISEASE_CHOICES, "risk_groups": RISK_CHOICES,
        "synthetic_choices": SYNTHETIC_CHOICES,
        "regimens": [(k, f"{k}: {r.name}") for k, r in REGIMENS.items()],
    }
    if f is None:
        return render(request, "web/cohort.html", ctx, status=400)
    key = _key(f)
    items = _items(f, key)
    query = _query(f)
    sections: list[dict[str, Any]] = []
    for it in items:
        it = dict(it)
        if it["kind"] == "table" and it["missing"] is None:
            it["html"] = it["table"].html()
        if it["kind"] == "figure":
            known = _known_figure(key, it["key"])
            it["state"] = "pending" if known is None else known[0]
            if known is not None and known[0] == "missing":
                it["missing"] = known[1]
        it["query"] = query
        if not sections or sections[-1]["title"] != it["section"]:
            sections.append({"title": it["section"], "items": []})
        sections[-1]["items"].append(it)
    data = cohort_data(f, key)
    ctx.update({"sections": sections, "query": query, "patients": len(data.patients),
                "filters": f.to_dict()})
    return render(request, "web/cohort.html", ctx)


@requires("read")
@_get_only
def cohort_table(request: HttpRequest, name: str) -> HttpResponse:
    """One table of the dashboard as CSV (the cells as shown), for the same filters."""
    _spec(name, "table")
    _, f, errors = parse_filters(request.GET)
    if f is None:
        return _refused(request, errors)
    key = _key(f)
    it = next(i for i in _items(f, key) if i["key"] == name)
    if it["missing"] is not None:
        return render(request, "web/error.html", {
            "status": 404, "title": it["title"], "detail": it["missing"]}, status=404)
    resp = HttpResponse(it["table"].csv(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return resp


@requires("read")
@_get_only
def cohort_figure(request: HttpRequest, name: str) -> HttpResponse:
    """One figure of the dashboard as SVG (``image/svg+xml``), for the same filters; a figure
    the data cannot give answers 404 with the reason."""
    _spec(name, "figure")
    _, f, errors = parse_filters(request.GET)
    if f is None:
        return _refused(request, errors)
    kind, text = figure_outcome(f, _key(f), name)
    title = _spec(name, "figure")[3]
    body = _missing_svg(f"{title}: {text}") if kind == "missing" else text
    resp = HttpResponse('<?xml version="1.0" encoding="utf-8"?>\n' + body,
                        content_type="image/svg+xml", status=404 if kind == "missing" else 200)
    # matplotlib writes styles as attributes; this image runs no script and loads nothing
    resp._csp_replace = {
        "default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "script-src": ["'none'"]}
    resp["Cache-Control"] = "private, max-age=60"
    return resp


@requires("read")
@_get_only
def cohort_figure_panel(request: HttpRequest, name: str) -> HttpResponse:
    """htmx: the figure's panel once it is known - the image, or why it is not shown."""
    spec = _spec(name, "figure")
    _, f, errors = parse_filters(request.GET)
    if f is None:
        return _refused(request, errors)
    kind, text = figure_outcome(f, _key(f), name)
    _, _, _, title, caption, _ = spec
    it = {"key": name, "title": title, "caption": caption, "alt": _alt(title, caption),
          "state": kind, "missing": text if kind == "missing" else None,
          "query": _query(f)}
    return render(request, "web/cohort_figure.html", {"it": it})


urlpatterns = [
    path("cohort/", cohort, name="cohort"),
    path("cohort/tables/<slug:name>.csv", cohort_table, name="cohort-table"),
    path("cohort/figures/<slug:name>.svg", cohort_figure, name="cohort-figure"),
    path("cohort/figures/<slug:name>/", cohort_figure_panel, name="cohort-figure-panel"),
]
