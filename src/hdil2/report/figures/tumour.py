"""Tumour size over time: the waterfall of best change from baseline and the spider plot.

Both figures draw the change of the target tumour burden from baseline, in per cent, as hdil2's
response engine computed it (``TimePoint.change_from_baseline_pct``, the ``change_pct`` column of
the ``tumour`` table): the sum of diameters for RECIST 1.1 (``recist1.1``) and iRECIST
(``irecist``), the sum of products of perpendicular diameters for the WHO (``who1981``) and NCI
(Lee et al. 2000, ``lee2000``) bidimensional criteria.

* :func:`best_change` - per patient the smallest change over the visits after baseline
  (visit 1 on), the usual convention of waterfall plots in oncology trials: a patient scanned
  only at baseline has no bar, and a visit without a change (not evaluable) is skipped.
* :func:`waterfall_figure` - one bar per patient, sorted from the largest increase to the
  largest decrease, coloured by the patient's best overall response, with dashed reference
  lines at the thresholds of the criteria (:data:`THRESHOLDS`).  Bars are never clamped: a
  change above +100 % extends the axis.
* :func:`spider_figure` - one line per patient of the change from baseline over time.

The reference lines are guides measured from baseline, and the response colours are the
engine's own classification: RECIST 1.1 progression is a 20 % increase over the smallest sum
(the nadir, not the baseline) and at least 5 mm, and WHO progression is a 25 % increase of one
lesion, so a bar may cross a line without taking its category.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from hdil2.core.errors import InputError
from hdil2.report import style
from hdil2.report.data import RESPONSES, CohortData, check_table

#: (progression, partial response) reference lines in per cent of the baseline burden, by
#: criteria: RECIST 1.1 section 4.3.1 (at least a 30 % decrease of the sum of diameters for a
#: partial response, a 20 % increase for progression), the same for iRECIST; the WHO criteria
#: (``who1981``) and Lee et al. 2000's NCI criteria (``lee2000``): a 50 % decrease of the sum of
#: products for a partial response, a 25 % increase for progression.
THRESHOLDS: Mapping[str, tuple[int, int]] = {
    "recist1.1": (20, -30), "irecist": (20, -30), "who": (25, -50), "nci": (25, -50),
}
#: what the burden of each criteria adds up
BURDEN: Mapping[str, str] = {
    "recist1.1": "sum of diameters", "irecist": "sum of diameters",
    "who": "sum of products", "nci": "sum of products",
}
#: up to this many patients, each bar (each line) is its own artist with the patient's gid;
#: above it, the bars (lines) of one best response are one collection, gid ``bars:<response>``
#: (``spider:<response>``; ``none`` when not assessed): the same picture, drawn and written
#: in a fraction of the time
DETAIL_MAX = 1000
#: days per unit of the time axes (a month is 365.25 / 12 days)
TIME_UNITS: Mapping[str, float] = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12}


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN, pandas.NA
    except TypeError:
        return True  # pandas.NA compares to NA, whose truth is ambiguous


def _frame(df: Any, table: str, columns: Sequence[str]) -> Any:
    """``df`` when it is a DataFrame holding ``columns``; else InputError naming the column."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise InputError(table, "must be a pandas DataFrame", type(df).__name__)
    for c in columns:
        if c not in df.columns:
            raise InputError(f"{table}.{c}", "column missing")
    return df


def _number(v: Any, field: str) -> float:
    if isinstance(v, bool) or _missing(v):
        raise InputError(field, "must be a number", v)
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise InputError(field, "must be a number", v) from None
    if not math.isfinite(x):
        raise InputError(field, "must be a finite number", v)
    return x


def _criteria(criteria: str, field: str = "criteria") -> str:
    if criteria not in THRESHOLDS:
        raise InputError(field, f"must be one of {list(THRESHOLDS)}", criteria)
    return criteria


def time_unit_days(time_unit: str) -> float:
    """Days per ``time_unit`` ("days", "weeks" or "months" of 365.25 / 12 days)."""
    if time_unit not in TIME_UNITS:
        raise InputError("time_unit", f"must be one of {list(TIME_UNITS)}", time_unit)
    return TIME_UNITS[time_unit]


def best_change(tumour: Any) -> Any:
    """Per patient, the smallest ``change_pct`` over the visits after baseline (visit >= 1).

    Returns a DataFrame (patient, best_change_pct), one row per patient with at least one
    post-baseline change, sorted by patient code.  Visits with no change (``None``: the visit
    was not evaluable or the baseline burden was 0) are skipped; the baseline row (visit 0)
    never counts.  This is the best (most negative) change of a waterfall plot, the usual
    convention of oncology trials; it is not the change at the visit of the best overall
    response.
    """
    import pandas as pd

    df = _frame(tumour, "tumour", ("patient", "visit", "change_pct"))
    best: dict[str, float] = {}
    for i, (p, visit, change) in enumerate(zip(df["patient"].tolist(), df["visit"].tolist(),
                                               df["change_pct"].tolist(), strict=True)):
        if not isinstance(p, str):
            raise InputError("tumour.patient", f"row {i + 1}: must be a patient code", p)
        v = _number(visit, f"tumour.visit[{i}]")
        if v < 0 or not v.is_integer():
            raise InputError("tumour.visit", f"row {i + 1}: a visit number 0, 1, 2, ...", visit)
        if v < 1 or _missing(change):
            continue
        x = _number(change, f"tumour.change_pct[{i}]")
        if x < -100:
            raise InputError("tumour.change_pct", f"row {i + 1}: a burden cannot shrink by "
                             "more than 100 %", change)
        best[p] = min(best.get(p, x), x)
    codes = sorted(best)
    return pd.DataFrame({"patient": codes, "best_change_pct": [best[c] for c in codes]})


def _responses(best_response: Any, n: int) -> list[str | None]:
    if best_response is None:
        return [None] * n
    out = list(best_response)
    if len(out) != n:
        raise InputError("best_response", f"one per patient: {len(out)} for {n} patients")
    res: list[str | None] = []
    for i, r in enumerate(out):
        if _missing(r):
            res.append(None)
        elif r in RESPONSES:
            res.append(r)
        else:
            raise InputError(f"best_response[{i}]", f"must be one of {list(RESPONSES)}", r)
    return res


def _legend(ax: Any, responses: Sequence[str | None], **kw: Any) -> None:
    from matplotlib.patches import Patch

    present = set(responses)
    handles = [Patch(facecolor=style.response_colour(r), label=r)
               for r in style.RESPONSE_ORDER if r in present]
    if None in present:
        handles.append(Patch(facecolor=style.response_colour(None), label="not assessed"))
    if handles:
        ax.legend(handles=handles, title="Best response", **kw)


def _thresholds(ax: Any, criteria: str) -> None:
    pd_line, pr_line = THRESHOLDS[criteria]
    for value, name, text in ((pd_line, "pd", f"+{pd_line} %"),
                              (pr_line, "pr", f"\u2212{-pr_line} %")):
        ax.axhline(value, color=style.OKABE_ITO["black"], linestyle="--", linewidth=0.8,
                   gid=f"threshold:{name}")
        ax.annotate(text, xy=(1.0, value), xycoords=("axes fraction", "data"),
                    xytext=(2, 0), textcoords="offset points", va="center", ha="left",
                    fontsize=7)


def waterfall_figure(patients: Sequence[str], best_change_pct: Sequence[float],
                     best_response: Sequence[str | None] | None = None, *,
                     criteria: str = "recist1.1") -> Any:
    """The waterfall plot: one bar per patient of the best change from baseline (per cent).

    Bars are sorted from the largest increase (left) to the largest decrease (right), ties by
    patient code; each bar (gid ``bar:<patient>``) is coloured by the patient's best overall
    response (``best_response``, one per patient, None when not assessed).  Dashed lines mark
    the thresholds of ``criteria`` (:data:`THRESHOLDS`: +20 % and -30 % for RECIST 1.1,
    section 4.3.1; +25 % and -50 % for the WHO and NCI bidimensional criteria, ``lee2000``;
    gids ``threshold:pd`` and ``threshold:pr``).  No value is clamped: a bar above +100 %
    extends the axis.  Patient codes label the bars when there are at most 40; above
    :data:`DETAIL_MAX` patients the bars of one response are one collection.
    """
    criteria = _criteria(criteria)
    codes = list(patients)
    values = list(best_change_pct)
    if len(codes) != len(values):
        raise InputError("best_change_pct", f"one per patient: {len(values)} for "
                         f"{len(codes)} patients")
    if not codes:
        raise InputError("patients", "no bars to draw")
    for i, c in enumerate(codes):
        if not isinstance(c, str) or not c:
            raise InputError(f"patients[{i}]", "must be a patient code", c)
    if len(set(codes)) != len(codes):
        dup = next(c for c in codes if codes.count(c) > 1)
        raise InputError("patients", "each patient once", dup)
    xs = [_number(v, f"best_change_pct[{i}]") for i, v in enumerate(values)]
    for i, x in enumerate(xs):
        if x < -100:
            raise InputError(f"best_change_pct[{i}]", "a burden cannot shrink by more than "
                             "100 %", values[i])
    responses = _responses(best_response, len(codes))
    order = sorted(range(len(codes)), key=lambda k: (-xs[k], codes[k]))

    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Rectangle

    with style.rc():
        fig = style.figure(7.0, 4.0)
        ax = fig.add_subplot()
        if len(codes) <= DETAIL_MAX:
            for pos, k in enumerate(order):
                ax.add_patch(Rectangle((pos - 0.4, 0.0), 0.8, xs[k], linewidth=0,
                                       facecolor=style.response_colour(responses[k]),
                                       gid=f"bar:{codes[k]}"))
        else:
            for r in (*style.RESPONSE_ORDER, None):
                verts = [[(pos - 0.4, 0.0), (pos - 0.4, xs[k]), (pos + 0.4, xs[k]),
                          (pos + 0.4, 0.0)] for pos, k in enumerate(order) if responses[k] == r]
                if verts:
                    ax.add_collection(PolyCollection(
                        verts, facecolors=style.response_colour(r), linewidths=0,
                        gid=f"bars:{r or 'none'}"), autolim=False)
        ax.axhline(0, color=style.OKABE_ITO["black"], linewidth=0.8)
        _thresholds(ax, criteria)
        pd_line, pr_line = THRESHOLDS[criteria]
        lo, hi = min(min(xs), pr_line), max(max(xs), pd_line)
        pad = 0.06 * (hi - lo)
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_xlim(-0.6, len(codes) - 0.4)
        if len(codes) <= 40:
            ax.set_xticks(range(len(codes)), [codes[k] for k in order], rotation=90,
                          fontsize=6)
        else:
            ax.set_xticks([])
        ax.set_xlabel(f"Patients (n = {len(codes)})")
        ax.set_ylabel(f"Best change in {BURDEN[criteria]}\nfrom baseline (%)")
        # beside the axes, as the spider's: inside, it hid the bars and the +20 % line
        _legend(ax, responses, loc="upper left", bbox_to_anchor=(1.07, 1.0))
    return fig


def _one_criteria(tumour: Any, criteria: str | None) -> str:
    recorded = sorted({c for c in tumour["criteria"].tolist() if not _missing(c)})
    if criteria is not None:
        _criteria(criteria)
        if criteria not in recorded:
            raise InputError("tumour", f"no rows to plot: no scan assessed by {criteria} "
                             f"(the table holds {recorded or 'none'})")
        return criteria
    if not recorded:
        raise InputError("tumour.criteria", "no criteria recorded: pass criteria")
    if len(recorded) > 1:
        raise InputError("criteria", f"the tumour table holds several criteria ({recorded}): "
                         "choose one")
    return _criteria(recorded[0], "tumour.criteria")


def _best_responses(data: CohortData) -> dict[str, str | None]:
    patients = check_table("patients", data.patients)
    return {p: (None if _missing(r) else r) for p, r in
            zip(patients["patient"].tolist(), patients["best_response"].tolist(), strict=True)}


def _tumour(data: CohortData, criteria: str | None) -> tuple[Any, str, dict[str, str | None]]:
    if data.tumour is None or len(data.tumour) == 0:
        raise InputError("tumour", "no rows to plot: no tumour measurements in the data")
    tumour = check_table("tumour", data.tumour)
    criteria = _one_criteria(tumour, criteria)
    rows = tumour[tumour["criteria"] == criteria]
    responses = _best_responses(data)
    unknown = sorted(set(rows["patient"].tolist()) - set(responses))
    if unknown:
        raise InputError("tumour.patient", "not in the patients table", unknown[0])
    return rows, criteria, responses


def waterfall_from(data: CohortData, criteria: str | None = None) -> Any:
    """The waterfall of a cohort: :func:`best_change` of ``data.tumour`` and the patients'
    ``best_response``.

    ``criteria`` picks the scans assessed by one criteria; unset, the table must hold one only
    (else InputError naming ``criteria``).
    """
    rows, criteria, responses = _tumour(data, criteria)
    best = best_change(rows)
    if len(best) == 0:
        raise InputError("tumour", "no rows to plot: no patient has a change from baseline "
                         "after the baseline scan")
    codes = best["patient"].tolist()
    return waterfall_figure(codes, best["best_change_pct"].tolist(),
                            [responses[c] for c in codes], criteria=criteria)


def spider_figure(tumour: Any, *, time_unit: str = "weeks",
                  best_response: Mapping[str, str | None] | None = None,
                  criteria: str | None = None) -> Any:
    """The spider plot: one line per patient of the change from baseline over time.

    A line (gid ``spider:<patient>``) joins the patient's scans in time order: the baseline
    (visit 0, drawn at 0 % at its day) and every later visit with a change (a visit without one,
    not evaluable, is skipped); days from the first dose are divided by 7 for weeks (or 365.25
    / 12 for months).  A patient with no change after baseline has no line.  The colour is the
    patient's best overall response (``best_response``: patient -> response; grey when not
    given).  Dashed lines mark the thresholds of ``criteria`` as in :func:`waterfall_figure`;
    unset, the table's own criteria (it must hold one only).  Above :data:`DETAIL_MAX`
    patients the lines of one response are one collection, without markers.
    """
    unit = time_unit_days(time_unit)
    df = _frame(tumour, "tumour", ("patient", "day", "visit", "change_pct", "criteria"))
    criteria = _one_criteria(df, criteria)
    responses = dict(best_response or {})
    for p, r in responses.items():
        if not _missing(r) and r not in RESPONSES:
            raise InputError(f"best_response.{p}", f"must be one of {list(RESPONSES)}", r)
    points: dict[str, list[tuple[float, float, float]]] = {}
    for i, (p, day, visit, change, crit) in enumerate(zip(
            df["patient"].tolist(), df["day"].tolist(), df["visit"].tolist(),
            df["change_pct"].tolist(), df["criteria"].tolist(), strict=True)):
        if crit != criteria:
            continue
        if not isinstance(p, str):
            raise InputError("tumour.patient", f"row {i + 1}: must be a patient code", p)
        v = _number(visit, f"tumour.visit[{i}]")
        d = _number(day, f"tumour.day[{i}]")
        if v == 0:
            x = 0.0 if _missing(change) else _number(change, f"tumour.change_pct[{i}]")
        elif _missing(change):
            continue
        else:
            x = _number(change, f"tumour.change_pct[{i}]")
        points.setdefault(p, []).append((v, d, x))
    lines = {p: sorted(pts) for p, pts in points.items() if any(v >= 1 for v, _, _ in pts)}
    if not lines:
        raise InputError("tumour", "no rows to plot: no patient has a change from baseline "
                         "after the baseline scan")
    drawn = sorted(lines)
    colours = [None if _missing(responses.get(p)) else responses.get(p) for p in drawn]

    from matplotlib.collections import LineCollection

    with style.rc():
        fig = style.figure(7.0, 4.0)
        ax = fig.add_subplot()
        if len(drawn) <= DETAIL_MAX:
            for p, r in zip(drawn, colours, strict=True):
                pts = lines[p]
                ax.plot([d / unit for _, d, _ in pts], [x for _, _, x in pts],
                        color=style.response_colour(r), marker="o", markersize=2.5,
                        linewidth=1.0, alpha=0.9, gid=f"spider:{p}")
        else:
            for resp in (*style.RESPONSE_ORDER, None):
                segs = [[(d / unit, x) for _, d, x in lines[p]]
                        for p, r in zip(drawn, colours, strict=True) if r == resp]
                if segs:
                    ax.add_collection(LineCollection(
                        segs, colors=style.response_colour(resp), linewidths=0.6, alpha=0.6,
                        gid=f"spider:{resp or 'none'}"))
            ax.autoscale_view()
        ax.axhline(0, color=style.OKABE_ITO["black"], linewidth=0.8)
        _thresholds(ax, criteria)
        ax.set_xlabel(f"Time from the first dose ({time_unit})")
        ax.set_ylabel(f"Change in {BURDEN[criteria]}\nfrom baseline (%)")
        ax.set_title(f"n = {len(drawn)} patient{'' if len(drawn) == 1 else 's'}", loc="left",
                     fontsize=8)
        _legend(ax, colours, loc="upper left", bbox_to_anchor=(1.07, 1.0))
    return fig


def spider_from(data: CohortData, criteria: str | None = None, *,
                time_unit: str = "weeks") -> Any:
    """The spider plot of a cohort: ``data.tumour``, coloured by ``patients.best_response``."""
    rows, criteria, responses = _tumour(data, criteria)
    return spider_figure(rows, time_unit=time_unit, best_response=responses,
                         criteria=criteria)
