"""Kaplan-Meier estimate with Greenwood variance, its intervals, quantiles and landmarks.

Rules (``kaplan1958``, ``greenwood1926``; the numbers of R ``survival::survfit``,
``r-survival``, checked to 1e-6 in the tests):

* The curve has a row at every distinct observed time (event or censoring):
  S(t) = Π_{tᵢ ≤ t} (1 − dᵢ/nᵢ), with nᵢ the number still at risk (time ≥ tᵢ).
* ``std_err`` is Greenwood's standard error of −log S: √Σ dᵢ/(nᵢ(nᵢ − dᵢ)) (infinite once
  S = 0), as R's ``fit$std.err``.
* Interval transforms are chosen explicitly (``conf_type``):
  ``"log"`` (R's default) S·exp(±z·se), upper limit capped at 1;
  ``"log-log"`` exp(−exp(log(−log S) ± z·se/log S)), undefined where S is 0 or 1;
  ``"plain"`` S ± z·S·se, clipped to [0, 1].  Where S = 0 the interval is undefined (None).
* Quantiles (the median is the 0.5 quantile; ``brookmeyer1982`` intervals): the first time at
  which the curve is ≤ 1 − k.  If the curve sits exactly at 1 − k (within 1.5e-8, as R) over
  a horizontal segment, the midpoint of that segment is returned: from the time it reaches
  1 − k to the next time the curve drops, or to the last observed time if it never does.
  The interval is where the lower and the upper confidence curves cross 1 − k by the same rule;
  a limit is None when its curve never gets that low.
* Landmark survival at time t (e.g. 2-year DFS) is the curve at the last row ≤ t, with the
  number at risk being the subjects with time ≥ t (as R ``summary(fit, times=)``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Literal

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Result
from hdil2.stats._result import (
    Integers,
    Numbers,
    NumbersOrInf,
    NumbersOrNull,
    check_choice,
    check_level,
    why,
)
from hdil2.stats._survdata import SortedSurvival, as_event, as_labels, as_time, sort_survival

ConfType = Literal["log", "log-log", "plain"]
CONF_TYPES: tuple[str, ...] = ("log", "log-log", "plain")
_TOL = math.sqrt(2.220446049250313e-16)  # R's sqrt(.Machine$double.eps)


@dataclass(frozen=True, slots=True)
class Quantile(Result):
    """A survival-time quantile with its interval (None where undefined)."""

    prob: float
    estimate: float | None
    lower: float | None
    upper: float | None
    level: float
    conf_type: str


@dataclass(frozen=True, slots=True)
class Landmark(Result):
    """Survival at a fixed time with its interval and the number at risk."""

    time: float
    surv: float
    lower: float | None
    upper: float | None
    n_risk: int
    level: float
    conf_type: str


@dataclass(frozen=True, slots=True, eq=False)
class KaplanMeier(Result):
    """One Kaplan-Meier curve (NumPy arrays indexed by distinct observed time), its median and
    the landmark survival asked for (:meth:`with_landmarks`).

    ``std_err`` is infinite once S = 0 (written ``"inf"``); ``lower`` and ``upper`` are NaN
    where the interval is undefined (written ``null``).
    """

    time: Numbers
    n_risk: Integers
    n_event: Integers
    n_censor: Integers
    surv: Numbers
    std_err: NumbersOrInf
    lower: NumbersOrNull
    upper: NumbersOrNull
    level: float
    conf_type: str
    n: int
    events: int
    label: str
    median: Quantile
    method: str = "kaplan_meier_greenwood"
    landmarks: tuple[Landmark, ...] = ()

    def quantile(self, prob: float) -> Quantile:
        """The time by which a fraction ``prob`` has had the event (0.5: the median)."""
        if not 0.0 < 1.0 - float(prob) < 1.0:
            raise InputError("prob", "must be strictly between 0 and 1", prob)
        return _quantile(self.time, self.surv, self.lower, self.upper, float(prob),
                         self.level, self.conf_type)

    def with_landmarks(self, times: Sequence[float], field: str = "landmarks") -> KaplanMeier:
        """This curve with the landmark survival at each of ``times`` (see :meth:`at`)."""
        return dataclasses.replace(self, landmarks=self.at(times, field))

    def at(self, times: Sequence[float], field: str = "times") -> tuple[Landmark, ...]:
        """Landmark survival at each of ``times`` (e.g. 730 days for 2-year DFS).

        A time that is not a finite number ≥ 0 is refused, naming ``field[i]``.
        """
        import numpy as np

        out = []
        for i, t in enumerate(times):
            try:
                tt = float(t)
            except (TypeError, ValueError):
                raise InputError(f"{field}[{i}]", "must be a number", t) from None
            if not math.isfinite(tt) or tt < 0:
                raise InputError(f"{field}[{i}]", "must be a finite number ≥ 0", t)
            k = int(np.searchsorted(self.time, tt, side="right")) - 1
            j = int(np.searchsorted(self.time, tt, side="left"))  # first time ≥ t
            at_risk = int(self.n_risk[j]) if j < self.time.size else 0
            if k < 0:
                out.append(Landmark(tt, 1.0, 1.0 if self.conf_type != "log-log" else None,
                                    1.0 if self.conf_type != "log-log" else None, self.n,
                                    self.level, self.conf_type))
                continue
            lo, hi = float(self.lower[k]), float(self.upper[k])
            out.append(Landmark(tt, float(self.surv[k]), None if math.isnan(lo) else lo,
                                None if math.isnan(hi) else hi, at_risk, self.level,
                                self.conf_type))
        return tuple(out)

    def number_at_risk(self, times: Sequence[float]) -> tuple[int, ...]:
        """Subjects with time ≥ t, for each t (the row under a KM plot)."""
        return tuple(lm.n_risk for lm in self.at(times))

    def reasons(self) -> tuple[Reason, ...]:
        m = self.median
        med = "not reached" if m.estimate is None else f"{m.estimate:g}"
        return (why("stats.kaplan_meier", "kaplan1958",
                    f"{self.label}: {self.events} events in {self.n}; median {med} "
                    f"({100 * self.level:g} % CI {_fmt(m.lower)}-{_fmt(m.upper)}, "
                    f"{self.conf_type} transform, Greenwood variance)",
                    n=self.n, events=self.events, conf_type=self.conf_type),
                why("stats.kaplan_meier.greenwood", "greenwood1926",
                    "standard error of −log S by Greenwood's formula; median interval from "
                    "the crossing of the confidence curves (Brookmeyer-Crowley, as R)"),
                )


@dataclass(frozen=True, slots=True)
class KaplanMeierCurves(Result):
    """The curves of ``hdil2 stats km``: one per group (sorted labels) or one labelled ``all``."""

    method: str
    conf_type: str
    level: float
    curves: tuple[KaplanMeier, ...]


def _fmt(v: float | None) -> str:
    return "NA" if v is None else f"{v:g}"


def _quantile(time: Any, surv: Any, lower: Any, upper: Any, prob: float, level: float,
              conf_type: str) -> Quantile:
    p = 1.0 - prob
    return Quantile(prob, _cross(time, surv, p), _cross(time, lower, p), _cross(time, upper, p),
                    level, conf_type)


def _cross(time: Any, curve: Any, p: float) -> float | None:
    """R's quantile rule on one step curve (NaN entries never count as crossing)."""
    import numpy as np

    y = np.asarray(curve)
    ok = y <= p + _TOL  # False where y is NaN
    i = int(ok.argmax())
    if not ok[i]:
        return None
    if abs(y[i] - p) >= _TOL:
        return float(time[i])
    later = np.flatnonzero(y[i + 1:] < y[i] - _TOL)  # NaN never drops
    end = float(time[i + 1 + int(later[0])]) if later.size else float(time[-1])
    return (float(time[i]) + end) / 2


def kaplan_meier(time: Any, event: Any, *, conf_type: ConfType | str = "log",
                 level: float = 0.95, label: str = "all") -> KaplanMeier:
    """The Kaplan-Meier curve of (``time``, ``event``) with ``conf_type`` intervals."""

    t = as_time(time)
    e = as_event(event, t.size)
    conf_type = check_choice("conf_type", conf_type, CONF_TYPES)
    level = check_level(level)
    srt = sort_survival(t, e)
    return _km(srt.keys, srt, conf_type, level, label)


def _km(keys: Any, srt: SortedSurvival, conf_type: str, level: float,
        label: str) -> KaplanMeier:
    """The curve of one run of sorted keys (:func:`~hdil2.stats._survdata.sort_survival`).

    The keys sort by time with the event flag just below it, so equal keys are the rows of one
    (time, event) pair: their first positions give the counts, and a time's event rows, if
    any, are its last run.  Everything after the sort is a linear pass over the distinct keys.
    """
    import numpy as np

    n = keys.size
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    pos = new.nonzero()[0]  # first row of each distinct (time, event)
    kk = keys[pos]
    tk = kk >> 1
    q = pos.size
    new_t = np.empty(q, dtype=bool)
    new_t[0] = True
    np.not_equal(tk[1:], tk[:-1], out=new_t[1:])
    first = new_t.nonzero()[0]  # the first (time, event) run of each distinct time
    last = np.empty_like(first)  # its last (time, event) run: the events, if any
    np.subtract(first[1:], 1, out=last[:-1])
    last[-1] = q - 1
    start = pos[first]  # the first row of each time
    c = np.empty_like(start)  # one past its last row, then the rows of the time
    c[:-1] = start[1:]
    c[-1] = n
    d = pos[last]  # the first row of the last run, then its rows if they are events
    np.subtract(c, d, out=d)
    d *= np.bitwise_and(kk[last], 1, dtype=np.intp, casting="unsafe")
    c -= start
    c -= d
    n_risk = np.subtract(n, start, out=start)
    code = tk[first]
    code &= (1 << srt.time_bits) - 1  # without the group bits of a curve per group
    ut = srt.times(code)
    # the same arithmetic as S = Π (1 − d/n), √Σ d/(n(n − d)), written into fewer arrays
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = d / n_risk
        np.subtract(1.0, surv, out=surv)
        np.cumprod(surv, out=surv)
        # d / (n (n − d)): 0 where d = 0 (n > 0 always), infinite where every one left dies
        se = n_risk - d
        se *= n_risk
        se = d / se
        np.cumsum(se, out=se)
        np.sqrt(se, out=se)
        z = NormalDist().inv_cdf(0.5 + level / 2)
        if conf_type == "log":  # S exp(∓z se), the upper limit capped at 1
            lower = np.multiply(se, -z)
            np.exp(lower, out=lower)
            lower *= surv
            upper = np.multiply(se, z)
            np.exp(upper, out=upper)
            upper *= surv
            np.minimum(upper, 1.0, out=upper)
            bad = surv == 0
        elif conf_type == "log-log":
            ls = np.log(surv)
            lower = np.exp(-np.exp(np.log(-ls) - z * se / ls))
            upper = np.exp(-np.exp(np.log(-ls) + z * se / ls))
            bad = (surv == 0) | (surv == 1)
        else:
            lower = np.maximum(0.0, surv - z * surv * se)
            upper = np.minimum(1.0, surv + z * surv * se)
            bad = surv == 0
    lower[bad] = np.nan
    upper[bad] = np.nan
    n_risk, d, c = (a.astype(np.int64, copy=False) for a in (n_risk, d, c))
    for a in (ut, n_risk, d, c, surv, se, lower, upper):
        a.setflags(write=False)
    return KaplanMeier(ut, n_risk, d, c, surv, se, lower, upper, level=level,
                       conf_type=conf_type, n=int(n), events=int(d.sum()), label=label,
                       median=_quantile(ut, surv, lower, upper, 0.5, level, conf_type))


def kaplan_meier_groups(time: Any, event: Any, group: Any, *,
                        conf_type: ConfType | str = "log",
                        level: float = 0.95) -> dict[Any, KaplanMeier]:
    """One Kaplan-Meier curve per group label (sorted labels; at most 1,000 groups).

    One sort of keys packed as (group, time, event) orders every group's rows at once.
    """
    from hdil2.stats.limits import KM_GROUPS

    t = as_time(time)
    e = as_event(event, t.size)
    conf_type = check_choice("conf_type", conf_type, CONF_TYPES)
    level = check_level(level)
    codes, labels = as_labels(group, t.size, "group")
    if len(labels) > KM_GROUPS:
        raise InputError("group", f"{len(labels):,} groups: at most {KM_GROUPS:,} curves (is "
                         "the group column a patient identifier?)", len(labels))
    srt = sort_survival(t, e, outer=codes, n_outer=len(labels))
    bounds = srt.outer_bounds(len(labels))
    return {lab: _km(srt.keys[bounds[k]:bounds[k + 1]], srt, conf_type, level, str(lab))
            for k, lab in enumerate(labels)}
