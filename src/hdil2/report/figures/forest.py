"""Forest plot of hazard ratios with their confidence intervals (Cox model).

:func:`forest_figure` draws one row per term, top to bottom in the order given: a square at
the hazard ratio (gid ``forest:<label>``) and a line from the lower to the upper limit of its
interval (gid ``forest-ci:<label>``) on a logarithmic axis, a vertical line at a hazard ratio
of 1 (no difference; gid ``forest-ref``), and on the right the text "HR (lower-upper)" (gid
``forest-text:<label>``) and the P value (gid ``forest-p:<label>``).  The terms are a fitted
:class:`hdil2.stats.cox.CoxModel` (Cox 1972, ``cox1972``; the numbers of R
``survival::coxph``, ``r-survival``: hazard ratio exp(b) with the Wald interval
exp(b +- z se) and the Wald P), or rows (label, hr, lower, upper, p).

:func:`cox_forest_from` fits :func:`hdil2.stats.cox_ph` to a cohort's overall survival (or
progression-free survival, duration of response) with the covariates disease (renal cell
carcinoma against melanoma), ECOG performance status (1 or more against 0), sex (female
against male) and age (per 10 years), and draws it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from hdil2.core.errors import InputError

#: the covariates :func:`cox_forest_from` knows how to code
COVARIATES = ("disease", "ecog", "sex", "age")
#: reference level of each categorical covariate
REFERENCES = {"disease": "melanoma", "sex": "male"}


def _format_p(p: float) -> str:
    if not p >= 0:
        return "-"
    if p < 0.001:
        return "<0.001"
    if p > 0.999:
        return ">0.999"
    return f"{p:.3f}"


def _number(field: str, v: Any) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise InputError(field, "must be a number", v) from None
    return x


def _rows(terms: Any) -> tuple[list[tuple[str, float, float, float, float]], float | None]:
    """(label, hr, lower, upper, p) rows of ``terms`` and the CI level when known."""
    import pandas as pd

    from hdil2.stats.cox import CoxModel

    if isinstance(terms, CoxModel):
        return ([(t.label(), float(t.hr), float(t.hr_lower), float(t.hr_upper),
                  float(t.p_value)) for t in terms.terms], terms.level)
    if isinstance(terms, pd.DataFrame):
        cols = ("label", "hr", "lower", "upper", "p")
        for c in cols:
            if c not in terms.columns:
                raise InputError(f"terms.{c}", f"column missing (needs {list(cols)})")
        raw = list(zip(*(terms[c].tolist() for c in cols), strict=True))
    elif isinstance(terms, Sequence) and not isinstance(terms, str):
        raw = list(terms)
    else:
        raise InputError("terms", "must be a CoxModel, a DataFrame or a list of (label, hr, "
                         "lower, upper, p)", type(terms).__name__)
    out = []
    for i, row in enumerate(raw):
        if not isinstance(row, Sequence) or isinstance(row, str) or len(row) != 5:
            raise InputError(f"terms[{i}]", "must be (label, hr, lower, upper, p)", row)
        label, *nums = row
        hr, lo, hi, p = (_number(f"terms[{i}].{name}", v)
                         for name, v in zip(("hr", "lower", "upper", "p"), nums, strict=True))
        out.append((str(label), hr, lo, hi, p))
    return out, None


def forest_figure(terms: Any, *, title: str | None = None, xlabel: str | None = None,
                  reference_line: float = 1.0, note: str | None = None) -> Any:
    """A forest plot of hazard ratios: ``terms`` a :class:`~hdil2.stats.cox.CoxModel` (each
    term labelled by :meth:`~hdil2.stats.cox.CoxTerm.label`), a list of
    (label, hr, lower, upper, p), or a DataFrame with those columns.

    Every hazard ratio and limit must be a positive finite number with
    lower <= hr <= upper, and P within [0, 1] (or NaN when not known); labels are unique.
    ``xlabel`` defaults to "Hazard ratio (95% CI)" (the model's level for a CoxModel);
    ``note`` is printed under the plot (gid ``forest-note``)."""
    from hdil2.report import style

    rows, level = _rows(terms)
    if not rows:
        raise InputError("terms", "no terms to plot")
    seen: set[str] = set()
    for i, (label, hr, lo, hi, p) in enumerate(rows):
        if label in seen:
            raise InputError(f"terms[{i}].label", "each label once", label)
        seen.add(label)
        for name, v in (("hr", hr), ("lower", lo), ("upper", hi)):
            if not (math.isfinite(v) and v > 0):
                raise InputError(f"terms[{i}].{name}", "must be a positive finite number", v)
        if not lo <= hr <= hi:
            raise InputError(f"terms[{i}]", "needs lower <= hr <= upper", (lo, hr, hi))
        if not (math.isnan(p) or 0 <= p <= 1):
            raise InputError(f"terms[{i}].p", "must be within [0, 1]", p)
    ref = _number("reference_line", reference_line)
    if not (math.isfinite(ref) and ref > 0):
        raise InputError("reference_line", "must be a positive finite number", reference_line)
    pct = f"{100 * (0.95 if level is None else level):g}%"
    if xlabel is None:
        xlabel = f"Hazard ratio ({pct} CI)"

    n = len(rows)
    lows = [r[2] for r in rows] + [ref]
    highs = [r[3] for r in rows] + [ref]
    lo_lim, hi_lim = min(lows) / 1.25, max(highs) * 1.25
    colour = style.GROUP_COLOURS[0]
    with style.rc():
        fig = style.figure(7.5, 1.3 + 0.32 * n + (0.3 if note else 0.0))
        grid = fig.add_gridspec(2 if note else 1, 2, width_ratios=[2.6, 1.6],
                                height_ratios=[1.0 + 0.32 * n, 0.3] if note else None)
        ax = fig.add_subplot(grid[0, 0])
        txt = fig.add_subplot(grid[0, 1], sharey=ax)
        ax.set_xscale("log")
        refline = ax.axvline(ref, color="#555555", linewidth=0.8, linestyle=(0, (4, 3)))
        refline.set_gid("forest-ref")
        trans = txt.get_yaxis_transform()
        for i, (label, hr, lo, hi, p) in enumerate(rows):
            y = n - 1 - i
            ci, = ax.plot([lo, hi], [y, y], color=colour, linewidth=1.3,
                          solid_capstyle="butt")
            ci.set_gid(f"forest-ci:{label}")
            pt, = ax.plot([hr], [y], linestyle="none", marker="s", markersize=6,
                          color=colour)
            pt.set_gid(f"forest:{label}")
            t1 = txt.text(0.02, y, f"{hr:.2f} ({lo:.2f}\u2013{hi:.2f})", ha="left",
                          va="center", transform=trans)
            t1.set_gid(f"forest-text:{label}")
            t2 = txt.text(0.98, y, _format_p(p), ha="right", va="center", transform=trans)
            t2.set_gid(f"forest-p:{label}")
        txt.text(0.02, n - 0.4, f"HR ({pct} CI)", ha="left", va="bottom", fontweight="bold",
                 transform=trans)
        txt.text(0.98, n - 0.4, "P", ha="right", va="bottom", fontweight="bold",
                 transform=trans)
        ax.set_xlim(lo_lim, hi_lim)
        ax.set_ylim(-0.7, n + 0.2)
        ax.set_yticks(range(n), [r[0] for r in reversed(rows)])
        ax.tick_params(axis="y", left=False)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(xlabel)
        _log_ticks(ax, lo_lim, hi_lim)
        txt.set_axis_off()
        if title:
            ax.set_title(title, loc="left")
        if note:
            box = fig.add_subplot(grid[1, :])
            box.set_axis_off()
            nt = box.text(0.0, 0.5, note, ha="left", va="center", fontsize=7.5,
                          color="#333333", wrap=True, transform=box.transAxes)
            nt.set_gid("forest-note")
    return fig


def _log_ticks(ax: Any, lo: float, hi: float) -> None:
    """Readable ticks on the hazard-ratio axis: 0.1, 0.2, 0.5, 1, 2, 5, 10, ... in range."""
    from matplotlib.ticker import NullFormatter, NullLocator

    cands = [m * 10.0 ** e for e in range(-4, 5) for m in (1.0, 2.0, 5.0)]
    ticks = [t for t in cands if lo <= t <= hi]
    if len(ticks) < 2:
        cands = [m * 10.0 ** e for e in range(-4, 5) for m in range(1, 10)]
        ticks = [t for t in cands if lo <= t <= hi]
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])


def cox_forest_from(data: Any, endpoint: str = "os",
                    covariates: Sequence[str] = COVARIATES, **kw: Any) -> Any:
    """Fit a Cox model of ``endpoint`` ("os", "pfs" or "dor") on the patients of ``data``
    (:class:`~hdil2.report.data.CohortData`) and draw its forest plot.

    Covariates, as coded (any other column of the patients table: a text column against its
    first level in sort order, a number per unit):

    * ``disease``: renal cell carcinoma against melanoma (reference);
    * ``ecog``: ECOG performance status 1 or more against 0;
    * ``sex``: female against male (reference);
    * ``age``: per 10 years (the hazard ratio of a patient 10 years older).

    Patients without the endpoint are left out; so are patients with a missing covariate
    (counted in the note under the plot, gid ``forest-note``).  A covariate with no value or
    a single value among the patients kept is left out of the model, and the note says so.
    Efron ties and Wald intervals, as R ``coxph``.  ``kw`` go to :func:`forest_figure`.
    """
    from hdil2.report.figures.survival import ENDPOINTS, group_name, label_text
    from hdil2.report.figures.survival import endpoint_rows as _endpoint_rows
    from hdil2.stats.cox import cox_ph

    if isinstance(covariates, str) or not isinstance(covariates, Sequence) or not covariates:
        raise InputError("covariates", "must be a list of columns of the patients table",
                         covariates)
    if len(set(covariates)) != len(covariates):
        raise InputError("covariates", "each covariate once", list(covariates))
    for i, c in enumerate(covariates):
        if c in (f"{endpoint}_days", f"{endpoint}_event", "patient"):
            raise InputError(f"covariates[{i}]", "not a covariate", c)
    rows = _endpoint_rows(data, endpoint, tuple(covariates))
    n_rows = len(rows)

    def coded(c: str, v: Any) -> Any:
        if v is None:
            return None
        if c == "ecog":
            return 1.0 if float(v) >= 1 else 0.0
        if c == "age":
            return float(v) / 10.0
        if isinstance(v, str):
            return v
        if isinstance(v, bool):
            return label_text(v)
        return float(v)

    values = {c: [coded(c, v) for v in rows[c].tolist()] for c in covariates}
    left_out: list[str] = []
    used = list(covariates)
    while True:
        keep = [all(values[c][i] is not None for c in used) for i in range(n_rows)]
        single = [c for c in used
                  if len({values[c][i] for i in range(n_rows) if keep[i]}) < 2]
        if not single:
            break
        for c in single:
            kept = sorted({label_text(values[c][i]) for i in range(n_rows) if keep[i]
                           and values[c][i] is not None})
            if c == "age":
                kept = [label_text(round(float(k) * 10)) for k in kept]
            elif c == "ecog":
                kept = ["ECOG \u22651" if k == "1" else "ECOG 0" for k in kept]
            left_out.append(f"{c} left out ({'no value' if not kept else 'one value'} "
                            f"among the patients{': ' + kept[0] if kept else ''})")
            used.remove(c)
    if not used:
        raise InputError("patients", "no rows to plot: no covariate has two or more values "
                         f"({'; '.join(left_out)})")
    idx = [i for i in range(n_rows) if keep[i]]
    if not idx:
        raise InputError("patients", "no rows to plot: every patient misses a covariate")
    cov = {c: [values[c][i] for i in idx] for c in used}
    reference = {c: REFERENCES[c] for c in used if c in REFERENCES and REFERENCES[c] in cov[c]}
    model = cox_ph(rows["time"].to_numpy()[idx], rows["event"].to_numpy()[idx], cov,
                   reference=reference)
    labels = []
    for t in model.terms:
        if t.covariate == "disease" and t.level is not None:
            labels.append(f"Disease: {group_name(t.level).lower()} vs "
                          f"{group_name(t.reference).lower()}")
        elif t.covariate == "sex" and t.level is not None:
            labels.append(f"Sex: {t.level} vs {t.reference}")
        elif t.covariate == "ecog":
            labels.append("ECOG \u22651 vs 0")
        elif t.covariate == "age":
            labels.append("Age (per 10 years)")
        else:
            labels.append(t.label())
    dropped = n_rows - len(idx)
    missing = {c: sum(1 for i in range(n_rows) if values[c][i] is None) for c in used}
    parts = [f"Cox model (Efron ties): {model.n} patients, {model.events} events"]
    if dropped:
        parts.append(f"{dropped} patient(s) left out for a missing covariate ("
                     + ", ".join(f"{c}: {k}" for c, k in missing.items() if k) + ")")
    parts.extend(left_out)
    kw.setdefault("title", f"{ENDPOINTS[endpoint]}: hazard ratios")
    kw.setdefault("note", "; ".join(parts))
    terms = [(lab, t.hr, t.hr_lower, t.hr_upper, t.p_value)
             for lab, t in zip(labels, model.terms, strict=True)]
    return forest_figure(terms, **kw)
