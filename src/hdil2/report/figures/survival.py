"""Kaplan-Meier curves with the numbers at risk under the axis, as oncologists read them.

:func:`km_figure` draws, for each group, the Kaplan-Meier estimate of the survival function
(``kaplan1958``) as computed by :func:`hdil2.stats.kaplan_meier_groups` (the numbers of R
``survival::survfit``, ``r-survival``):

* the curve, a step function continuous from the right that starts at (0, 1) and drops at
  each event time (gid ``km:<group>``; ``km:all`` without groups);
* its pointwise confidence band (Greenwood variance, ``greenwood1926``; the ``log`` transform
  by default, as R) as a shaded step band (gid ``km-ci:<group>``);
* a "+" on the curve at every time at which a patient is censored (gid ``km-censor:<group>``);
* the median survival time (the first time the curve is at or below 0.5, R's rule) as dashed
  guide lines from the curve to the axes, where the curve reaches 0.5 (gid ``median:<group>``);
* under the axis, a table of the numbers at risk (patients whose time is at or after t, as R
  ``summary(fit, times = t)$n.risk``): one row per group labelled in its colour, one text per
  chosen time (gid ``at-risk:<group>:<t in whole days>``);
* with two groups or more, the P value of the log-rank test (``mantel1966``, as R
  ``survdiff``) (gid ``logrank``): "Log-rank P = 0.012", or "P < 0.001".

Times are given in days.  ``time_unit`` changes the axis only: months are days / 30.4375 and
years days / 365.25 (the mean Gregorian month and year); the curve's x coordinates are the
times divided by that factor.

:func:`km_from` draws overall survival, progression-free survival or the duration of response
of a :class:`~hdil2.report.data.CohortData` (columns ``<endpoint>_days`` and
``<endpoint>_event`` of its patients table), by disease or another column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from hdil2.core.errors import InputError

#: days per axis unit
TIME_UNITS = {"days": 1.0, "months": 30.4375, "years": 365.25}
#: the endpoints of the patients table and their titles
ENDPOINTS = {"os": "Overall survival", "pfs": "Progression-free survival",
             "dor": "Duration of response"}
#: how a group value is shown (anything else is shown as it is)
GROUP_NAMES = {"rcc": "Renal cell carcinoma", "melanoma": "Melanoma",
               "not recorded": "not recorded"}
NOT_RECORDED = "not recorded"


def label_text(value: Any) -> str:
    """A group value as text: ``2`` for 2 and 2.0, text unchanged."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def group_name(value: Any) -> str:
    """The name shown for a group: ``rcc`` is "Renal cell carcinoma", ``melanoma``
    "Melanoma"; any other value as it is."""
    text = label_text(value)
    return GROUP_NAMES.get(text, text)


def format_p(p: float) -> str:
    """A P value as printed: ``P < 0.001``, ``P = 0.012``, ``P > 0.999`` (three decimals)."""
    if not p >= 0:  # NaN
        return "P not computable"
    if p < 0.001:
        return "P < 0.001"
    if p > 0.999:
        return "P > 0.999"
    return f"P = {p:.3f}"


def _unit_factor(time_unit: str) -> float:
    if time_unit not in TIME_UNITS:
        raise InputError("time_unit", f"must be one of {list(TIME_UNITS)}", time_unit)
    return TIME_UNITS[time_unit]


def _order(curves: dict[Any, Any], group_order: Sequence[Any] | None) -> list[Any]:
    """The groups in drawing order: ``group_order`` (each group once, by value or its text),
    else sorted with "not recorded" last."""
    keys = list(curves)
    if group_order is None:
        return sorted(keys, key=lambda k: label_text(k) == NOT_RECORDED)  # stable: sorted
    by_text = {label_text(k): k for k in keys}
    out: list[Any] = []
    for i, g in enumerate(group_order):
        text = label_text(g)
        if text not in by_text:
            raise InputError(f"group_order[{i}]", f"not a group of the data {list(by_text)}",
                             g)
        if by_text[text] in out:
            raise InputError(f"group_order[{i}]", "each group once", g)
        out.append(by_text[text])
    if len(out) != len(keys):
        missing = [label_text(k) for k in keys if k not in out]
        raise InputError("group_order", f"must list every group (missing {missing})")
    return out


#: tick spacings (axis unit) tried for each unit, smallest first: whole months in 3, 6, 12
#: ... and years in halves and wholes read better than the decimal steps of a generic locator
_TICK_SPACINGS = {
    "days": (1, 2, 5, 7, 10, 14, 30, 60, 90, 180, 365, 730, 1825, 3650, 7300),
    "months": (0.25, 0.5, 1, 2, 3, 6, 12, 24, 36, 60, 120, 240, 600),
    "years": (0.25, 0.5, 1, 2, 5, 10, 20, 50),
}


def _default_ticks(tmax_unit: float, time_unit: str) -> list[float]:
    """Major ticks of the time axis from 0 to the last observed time (in the axis unit): the
    smallest spacing of :data:`_TICK_SPACINGS` that gives at most 8 ticks."""
    spacings = _TICK_SPACINGS[time_unit]
    step = next((s for s in spacings if tmax_unit / s <= 7), spacings[-1])
    count = math.floor(tmax_unit / step + 1e-9)
    return [k * float(step) for k in range(count + 1)]


def _distinct_days(days: list[float]) -> list[float]:
    """``days`` without those that fall on a whole day already taken (tiny axes)."""
    seen: set[int] = set()
    out = []
    for d in days:
        if round(d) not in seen:
            seen.add(round(d))
            out.append(d)
    return out


def _checked_times(times: Sequence[float]) -> list[float]:
    """The at-risk times asked for: numbers ≥ 0, each whole day once."""
    if isinstance(times, str) or not isinstance(times, Sequence):
        raise InputError("at_risk_times", "must be a list of times in days", times)
    out: list[float] = []
    seen: set[int] = set()
    for i, t in enumerate(times):
        try:
            d = float(t)
        except (TypeError, ValueError):
            raise InputError(f"at_risk_times[{i}]", "must be a number", t) from None
        if not (math.isfinite(d) and d >= 0):
            raise InputError(f"at_risk_times[{i}]", "must be a finite number ≥ 0", t)
        if round(d) in seen:
            raise InputError(f"at_risk_times[{i}]", "each time once (to the whole day)", t)
        seen.add(round(d))
        out.append(d)
    return out


def _fmt_time(v: float, time_unit: str) -> str:
    return f"{v:.0f}" if time_unit == "days" else f"{v:.1f}"


def km_figure(time: Any, event: Any, group: Any = None, *,
              at_risk_times: Sequence[float] | None = None, time_unit: str = "months",
              conf_int: bool = True, show_median: bool = True, logrank: bool = True,
              level: float = 0.95, conf_type: str = "log", title: str | None = None,
              xlabel: str | None = None, ylabel: str = "Survival probability",
              group_order: Sequence[Any] | None = None) -> Any:
    """Kaplan-Meier curves of (``time`` in days, ``event`` 1/0) by ``group`` (one curve
    ``all`` when None), with the numbers at risk under the axis; a matplotlib Figure.

    ``at_risk_times`` are in days (default: the major ticks of the time axis from 0 to the
    last observed time); ``time_unit`` ("days", "months" = days / 30.4375, "years" =
    days / 365.25) changes the axis only.  ``conf_int`` draws the pointwise ``level``
    interval (``conf_type`` "log", "log-log" or "plain", as R), ``show_median`` the median
    guide lines, ``logrank`` the log-rank P when there are two groups or more.
    ``group_order`` orders the groups (colours, legend, rows of the table); default sorted,
    with "not recorded" last.  Bad input raises :class:`~hdil2.core.errors.InputError`
    naming the field (``time[3]``, ``event``, ``group``, ``time_unit``, ...).
    """
    import numpy as np

    from hdil2.report import style
    from hdil2.stats.kaplan_meier import kaplan_meier, kaplan_meier_groups
    from hdil2.stats.logrank import logrank_test

    factor = _unit_factor(time_unit)
    # positions, not a pandas index, number the rows an error names
    time, event, group = (v.to_numpy() if hasattr(v, "to_numpy") else v
                          for v in (time, event, group))
    if group is None:
        curves = {"all": kaplan_meier(time, event, conf_type=conf_type, level=level)}
    else:
        curves = kaplan_meier_groups(time, event, group, conf_type=conf_type, level=level)
    order = _order(curves, group_order)
    tmax_unit = max(float(c.time[-1]) for c in curves.values()) / factor

    p_text: str | None = None
    if logrank and group is not None and len(curves) >= 2:
        try:
            p_text = f"Log-rank {format_p(float(logrank_test(time, event, group).p_value))}"
        except InputError as e:  # e.g. no event while two groups are at risk
            p_text = f"Log-rank P not computable ({e.message.split(':')[0]})"

    k = len(order)
    table_h = 0.3 + 0.2 * k
    with style.rc():
        fig = style.figure(6.5, 4.0 + table_h)
        grid = fig.add_gridspec(2, 1, height_ratios=[4.0, table_h])
        ax = fig.add_subplot(grid[0])
        tab = fig.add_subplot(grid[1], sharex=ax)
        ticks_unit = _default_ticks(tmax_unit, time_unit)
        if at_risk_times is None:
            risk_days = _distinct_days([t * factor for t in ticks_unit])
        else:
            risk_days = _checked_times(at_risk_times)
        for i, lab in enumerate(order):
            c = curves[lab]
            gid = label_text(lab)
            colour = style.GROUP_COLOURS[i % len(style.GROUP_COLOURS)]
            ls = style.GROUP_LINESTYLES[i % len(style.GROUP_LINESTYLES)]
            x = np.concatenate(([0.0], np.asarray(c.time, dtype=float) / factor))
            y = np.concatenate(([1.0], np.asarray(c.surv, dtype=float)))
            med = c.median.estimate
            name = "All patients" if group is None else group_name(lab)
            med_text = ("not reached" if med is None
                        else f"{_fmt_time(med / factor, time_unit)} {time_unit}")
            line, = ax.step(x, y, where="post", color=colour, linestyle=ls,
                            label=f"{name} (median {med_text})")
            line.set_gid(f"km:{gid}")
            if conf_int:
                first = 1.0 if c.conf_type != "log-log" else math.nan
                lo = np.concatenate(([first], np.asarray(c.lower, dtype=float)))
                hi = np.concatenate(([first], np.asarray(c.upper, dtype=float)))
                band = ax.fill_between(x, lo, hi, step="post", color=colour, alpha=0.15,
                                       linewidth=0)
                band.set_gid(f"km-ci:{gid}")
            cens = np.asarray(c.n_censor) > 0
            marks, = ax.plot(np.asarray(c.time, dtype=float)[cens] / factor,
                             np.asarray(c.surv, dtype=float)[cens], linestyle="none",
                             marker="+", markersize=6, markeredgewidth=1.0, color=colour)
            marks.set_gid(f"km-censor:{gid}")
            if show_median and med is not None:
                m = med / factor
                guide, = ax.plot([0.0, m, m], [0.5, 0.5, 0.0], color=colour,
                                 linestyle=(0, (4, 3)), linewidth=0.8)
                guide.set_gid(f"median:{gid}")
            at = c.at(risk_days, field="at_risk_times")
            for t_days, lm in zip(risk_days, at, strict=True):
                txt = tab.text(t_days / factor, i, str(lm.n_risk), ha="center", va="center",
                               color=colour, fontsize=8)
                txt.set_gid(f"at-risk:{gid}:{round(t_days)}")
        if p_text is not None:
            ptxt = ax.text(0.02, 0.04, p_text,
                           transform=ax.transAxes, ha="left", va="bottom",
                           bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85,
                                 "pad": 1.5})
            ptxt.set_gid("logrank")
        right = max([tmax_unit] + [t / factor for t in risk_days]) or 1.0
        ax.set_xlim(0.0, right * 1.03)
        ax.set_xticks(ticks_unit)
        ax.set_ylim(0.0, 1.04)
        ax.set_ylabel(ylabel)
        ax.set_xlabel(xlabel if xlabel is not None else f"Time ({time_unit})")
        ax.legend(loc="best", frameon=True, facecolor="white", edgecolor="none",
                  framealpha=0.85)
        if title:
            ax.set_title(title)
        tab.set_ylim(k - 0.5, -0.5)
        names = ["All patients" if group is None else group_name(g) for g in order]
        tab.set_yticks(range(k), names)
        for i, tl in enumerate(tab.get_yticklabels()):
            tl.set_color(style.GROUP_COLOURS[i % len(style.GROUP_COLOURS)])
        tab.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
        tab.tick_params(axis="y", which="both", left=False, pad=10)
        for side in ("top", "right", "bottom", "left"):
            tab.spines[side].set_visible(False)
        tab.set_title("Number at risk", loc="left", fontsize=8)
    return fig


def _column(patients: Any, col: str) -> tuple[list[Any], list[bool]]:
    """The values of a column of the patients table and which are missing; a value of the
    wrong kind for a column of :data:`~hdil2.report.data.PATIENTS` is refused, naming it."""
    from hdil2.report.data import PATIENTS, _kind_ok

    values = patients[col].tolist()
    missing = [bool(m) for m in patients[col].isna().tolist()]
    kind = PATIENTS.get(col)
    if kind is not None:
        for i, (v, m) in enumerate(zip(values, missing, strict=True)):
            if not m and not _kind_ok(kind, v):
                raise InputError(f"patients.{col}", f"row {i + 1}: must be a {kind}", v)
    return values, missing


def endpoint_rows(data: Any, endpoint: str, extra: Sequence[str] = ()) -> Any:
    """The rows of ``data.patients`` with ``<endpoint>_days`` and ``<endpoint>_event`` known,
    as a DataFrame with columns ``time`` (float days), ``event`` (0/1) and the ``extra``
    columns as given.  Refuses an unknown endpoint, a missing column or a value of the wrong
    kind (naming ``patients.<column>``), and a table with no such row."""
    import pandas as pd

    if endpoint not in ENDPOINTS:
        raise InputError("endpoint", f"must be one of {list(ENDPOINTS)}", endpoint)
    patients = getattr(data, "patients", None)
    if patients is None:
        raise InputError("patients", "no rows to plot: the patients table is not in the data")
    if not isinstance(patients, pd.DataFrame):
        raise InputError("patients", "must be a pandas DataFrame", type(patients).__name__)
    days_col, event_col = f"{endpoint}_days", f"{endpoint}_event"
    for col in (days_col, event_col, *extra):
        if col not in patients.columns:
            raise InputError(f"patients.{col}", "column missing")
    columns = {col: _column(patients, col) for col in (days_col, event_col, *extra)}
    days, no_days = columns[days_col]
    events, no_event = columns[event_col]
    for i, d in enumerate(days):
        if not no_days[i] and float(d) < 0:
            raise InputError(f"patients.{days_col}", f"row {i + 1}: must be ≥ 0", d)
    keep = [i for i in range(len(days)) if not (no_days[i] or no_event[i])]
    if not keep:
        raise InputError("patients", f"no rows to plot: no patient has both {days_col} and "
                         f"{event_col}")
    out = pd.DataFrame({
        "time": [float(days[i]) for i in keep],
        "event": [1 if bool(events[i]) else 0 for i in keep],
    })
    for col in extra:
        vals, missing = columns[col]
        out[col] = pd.Series([None if missing[i] else vals[i] for i in keep], dtype=object)
    return out


def km_from(data: Any, endpoint: str = "os", by: str | None = "disease", **kw: Any) -> Any:
    """:func:`km_figure` of a cohort (:class:`~hdil2.report.data.CohortData`): the
    ``endpoint`` ("os", "pfs" or "dor") of each patient with ``<endpoint>_days`` and
    ``<endpoint>_event`` recorded (the others are left out), by the patients' column ``by``
    ("disease" by default; a missing value is the group "not recorded"; None: one curve).
    Days count from the first dose of course 1 (overall and progression-free survival) or
    from the response (duration of response).  ``kw`` go to :func:`km_figure`."""
    if by is not None and not isinstance(by, str):
        raise InputError("by", "must be a column of the patients table or None", by)
    rows = endpoint_rows(data, endpoint, () if by is None else (by,))
    group = None
    if by is not None:
        group = [NOT_RECORDED if v is None else label_text(v) for v in rows[by].tolist()]
    kw.setdefault("title", ENDPOINTS[endpoint])
    unit = kw.get("time_unit", "months")
    _unit_factor(unit)
    origin = "the response" if endpoint == "dor" else "the first dose"
    kw.setdefault("xlabel", f"{unit.capitalize()} from {origin}")
    return km_figure(rows["time"].to_numpy(), rows["event"].to_numpy(), group, **kw)
