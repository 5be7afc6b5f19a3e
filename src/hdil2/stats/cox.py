"""Cox proportional-hazards regression with Efron (default) or Breslow ties.

Partial likelihood (``cox1972``) maximised by Newton-Raphson with step halving, as R
``survival::coxph`` (``r-survival``), from β = 0.  At each distinct event time tⱼ with dⱼ events
D, risk set R (time ≥ tⱼ), wᵢ = exp(xᵢβ) and S₀, S₁, S₂ the sums of w, w·x, w·xxᵀ over R
(A₀, A₁, A₂ over D):

* Breslow (``breslow1974``): ℓ = Σⱼ [Σ_D xβ − dⱼ log S₀];
* Efron (``efron1977``): ℓ = Σⱼ [Σ_D xβ − Σ_{l<dⱼ} log(S₀ − (l/dⱼ)A₀)], and likewise for the
  score and information with S₁ − (l/dⱼ)A₁ and S₂ − (l/dⱼ)A₂.

Reported: coefficients with model-based standard errors (inverse information), hazard ratios
with Wald intervals exp(β ± z·se), Wald z and two-sided P, and the likelihood-ratio, Wald and
score (log-rank) tests of all coefficients, matching ``summary(coxph(...))`` to 1e-6.  The sums
are reverse cumulative sums over the time-sorted data, so a fit is O(n log n + n p²) per
iteration.  No penalty, no robust variance, no strata (the IL-2 analyses hdil2 reproduces need
none).

Covariates as R codes them (see :mod:`hdil2.stats._design`): text columns, and numeric columns
named in ``categorical``, become treatment-contrast indicators against a reference level (the
first in sort order unless ``reference`` names another), named as R names them; rows with a
missing covariate value are dropped and counted (R's ``na.omit``); constant and collinear
columns are refused with their names.  As R does, the fit works on centred (and here also
scaled) covariates and transforms the estimates back, so adding 10⁸ to a covariate changes
neither its coefficient nor its standard error; the partial likelihood, Newton's iterates and
every test are unchanged by the transformation.

Size bound: the fit forms n·p² products per iteration (n rows, p model columns), so a model
with n·p² above :data:`hdil2.stats.limits.COX_CELLS` is refused before it is built
(``InputError`` on ``covariates``), which keeps a fit within seconds and a few hundred MB.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Real, Result
from hdil2.stats._design import Factor, model_matrix
from hdil2.stats._result import check_choice, check_level, why
from hdil2.stats._survdata import as_event, as_time

Ties = Literal["efron", "breslow"]


@dataclass(frozen=True, slots=True)
class CoxTerm(Result):
    """One coefficient of a Cox model."""

    name: str
    coef: float
    se: float
    hr: Real  # exp(coef) may overflow for a covariate on a tiny scale
    hr_lower: Real
    hr_upper: Real
    z: float
    p_value: float
    covariate: str = ""  # the input column the term comes from
    level: str | None = None  # categorical: the level compared with ...
    reference: str | None = None  # ... the reference level

    def label(self) -> str:
        """``x: Nonmaintained vs Maintained`` for an indicator, else the name."""
        if self.level is None:
            return self.name
        return f"{self.covariate}: {self.level} vs {self.reference}"


@dataclass(frozen=True, slots=True)
class GlobalTest(Result):
    """A test of all coefficients at once."""

    method: str
    statistic: float
    df: int
    p_value: float


@dataclass(frozen=True, slots=True, eq=False)
class CoxModel(Result):
    """A fitted Cox model."""

    method: str
    ties: str
    level: float
    n: int
    events: int
    terms: tuple[CoxTerm, ...]
    loglik_null: float
    loglik: float
    tests: tuple[GlobalTest, ...]
    iterations: int
    covariance: tuple[tuple[float, ...], ...]
    n_dropped: int  # rows dropped for a missing covariate value (R's na.omit)
    missing: dict[str, int]  # rows with a missing value, per covariate
    factors: tuple[Factor, ...]  # the coding of each categorical covariate
    reasons: tuple[Reason, ...]

    def term(self, name: str) -> CoxTerm:
        """The coefficient named ``name``."""
        for t in self.terms:
            if t.name == name:
                return t
        raise KeyError(name)


class _Prepared:
    """Time-sorted data and the index structure of the distinct event times."""

    def __init__(self, t: Any, e: Any, x: Any) -> None:
        import numpy as np

        order = np.argsort(t, kind="stable")
        self.t = t[order]
        self.e = e[order].astype(bool)
        self.x = x[order]
        _, first = np.unique(self.t, return_index=True)
        # first index of each row's time (the start of its risk set)
        self.first = first
        ev = np.nonzero(self.e)[0]
        ev_time_start = np.searchsorted(self.t, self.t[ev], side="left")
        times, grp, d = np.unique(ev_time_start, return_inverse=True, return_counts=True)
        self.ev = ev
        self.ev_grp = grp  # event row -> its event-time group
        self.grp_start = times  # risk set of group j = rows grp_start[j]:
        self.d = d.astype(float)
        # Efron expansion: one row per event, l = 0..d_j-1 within its group
        self.rep = np.repeat(np.arange(d.size), d)
        offsets = np.cumsum(d) - d
        self.phi = (np.arange(self.rep.size) - offsets[self.rep]) / self.d[self.rep]
        self.x_events = self.x[ev].sum(axis=0)


def _eval(prep: _Prepared, beta: Any, ties: str) -> tuple[float, Any, Any]:
    """Log partial likelihood, score and information at ``beta``."""
    import numpy as np

    x = prep.x
    eta = x @ beta
    m = float(eta.max())
    w = np.exp(eta - m)
    p = x.shape[1]
    wx = w[:, None] * x
    wxx = (wx[:, :, None] * x[:, None, :]).reshape(len(w), p * p)
    s0 = np.cumsum(w[::-1])[::-1][prep.grp_start]
    s1 = np.cumsum(wx[::-1], axis=0)[::-1][prep.grp_start]
    s2 = np.cumsum(wxx[::-1], axis=0)[::-1][prep.grp_start]
    nd = prep.d.size
    if ties == "breslow":
        d = prep.d
        ll = float(eta[prep.ev].sum() - np.sum(d * (np.log(s0) + m)))
        a = s1 / s0[:, None]
        score = prep.x_events - (d[:, None] * a).sum(axis=0)
        info = (d[:, None] * (s2 / s0[:, None])).sum(axis=0).reshape(p, p) - (
            (d[:, None] * a).T @ a)
        return ll, score, info
    g = prep.ev_grp
    a0 = np.bincount(g, weights=w[prep.ev], minlength=nd)
    a1 = np.stack([np.bincount(g, weights=wx[prep.ev, k], minlength=nd) for k in range(p)], 1)
    a2 = np.stack([np.bincount(g, weights=wxx[prep.ev, k], minlength=nd)
                   for k in range(p * p)], 1)
    r, phi = prep.rep, prep.phi
    s0l = s0[r] - phi * a0[r]
    s1l = s1[r] - phi[:, None] * a1[r]
    s2l = s2[r] - phi[:, None] * a2[r]
    ll = float(eta[prep.ev].sum() - np.sum(np.log(s0l) + m))
    a = s1l / s0l[:, None]
    score = prep.x_events - a.sum(axis=0)
    info = (s2l / s0l[:, None]).sum(axis=0).reshape(p, p) - a.T @ a
    return ll, score, info


def cox_ph(time: Any, event: Any, covariates: Any, names: Sequence[str] | None = None, *,
           categorical: Iterable[str] = (), reference: Mapping[str, Any] | None = None,
           ties: Ties | str = "efron", level: float = 0.95, max_iter: int = 50,
           tol: float = 1e-12) -> CoxModel:
    """Fit h(t | x) = h₀(t)·exp(xβ).

    ``covariates`` is a mapping (or data frame) of named columns — numbers, text, or ``None``
    for a missing value — or an n × p numeric matrix with column ``names``.  Text columns and
    the columns named in ``categorical`` are coded as treatment contrasts against the first
    level, or against ``reference[column]``.  ``ties`` is ``"efron"`` (default, as R) or
    ``"breslow"``.  Newton-Raphson stops when the relative change of the log partial likelihood
    is below ``tol`` (R uses 1e-9; the tighter default makes the estimates converge past R's
    printed digits).
    """
    import numpy as np
    from scipy.stats import chi2, norm

    t = as_time(time)
    e = as_event(event, t.size)
    ties = check_choice("ties", ties, ("efron", "breslow"))
    level = check_level(level)
    from hdil2.stats.limits import COX_CELLS

    mm = model_matrix(covariates, t.size, names, categorical=categorical,
                      reference=reference, max_cells=COX_CELLS)
    cols = [c.name for c in mm.columns]
    if mm.n_dropped:
        t, e = t[mm.keep], e[mm.keep]
    if e.sum() == 0:
        raise InputError("event", "a Cox model needs at least one event")
    # centre and scale (R centres; scaling only conditions Newton): β = βs / scale
    center = mm.x.mean(axis=0)
    xs = mm.x - center
    scale = np.abs(xs).mean(axis=0)
    xs /= scale
    prep = _Prepared(t, e, xs)
    p = xs.shape[1]
    beta = np.zeros(p)
    ll0, u0, i0 = _eval(prep, beta, ties)
    ll, u, info = ll0, u0, i0
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        try:
            step = np.linalg.solve(info, u)
        except np.linalg.LinAlgError:
            raise InputError("covariates", "information matrix is singular: covariates are "
                             "collinear") from None
        new = beta + step
        ll_new, u_new, info_new = _eval(prep, new, ties)
        halvings = 0
        while not ll_new >= ll - 1e-12 * abs(ll) and halvings < 30:
            step /= 2
            new = beta + step
            ll_new, u_new, info_new = _eval(prep, new, ties)
            halvings += 1
        converged = abs(ll_new - ll) <= tol * abs(ll_new)
        beta, ll, u, info = new, ll_new, u_new, info_new
        if converged:
            break
    else:
        raise InputError("covariates", f"no convergence in {max_iter} iterations (is a "
                         "coefficient infinite, e.g. a group with no events?)")
    cov_s = np.linalg.inv(info)
    # Monotone likelihood: ℓ has levelled off but Newton still moves β by a sizeable step
    # (the estimate is infinite, e.g. a group with every event); R warns, hdil2 refuses.
    # Judged on the scaled covariates, so every coefficient is on a comparable scale.
    last_step = cov_s @ u
    if not np.all(np.isfinite(beta)) or np.any(
            np.abs(last_step) > 1e-4 * np.maximum(1.0, np.abs(beta))):
        k = int(np.argmax(np.abs(last_step) / np.maximum(1.0, np.abs(beta))))
        raise InputError("covariates", f"the estimate of {cols[k]} is infinite (monotone "
                         "likelihood: a group has all or none of the events at risk)")
    lr = 2 * (ll - ll0)
    wald = float(beta @ info @ beta)  # invariant under the scaling
    score = float(u0 @ np.linalg.solve(i0, u0))
    beta = beta / scale
    cov = cov_s / np.outer(scale, scale)
    se = np.sqrt(np.diag(cov))
    z = float(norm.ppf(0.5 + level / 2))
    terms = tuple(
        CoxTerm(cols[k], float(beta[k]), float(se[k]), float(np.exp(beta[k])),
                float(np.exp(beta[k] - z * se[k])), float(np.exp(beta[k] + z * se[k])),
                float(beta[k] / se[k]), float(2 * norm.sf(abs(beta[k] / se[k]))),
                mm.columns[k].covariate, mm.columns[k].level, mm.columns[k].reference)
        for k in range(p))
    tests = tuple(GlobalTest(name, float(s), p, float(chi2.sf(s, p)))
                  for name, s in (("likelihood_ratio", lr), ("wald", wald),
                                  ("score_log_rank", score)))
    src = "efron1977" if ties == "efron" else "breslow1974"
    reasons = [
        why("stats.cox_ph", "cox1972",
            "; ".join(f"{tm.label()}: HR {tm.hr:.3g} ({100 * level:g} % CI {tm.hr_lower:.3g}-"
                      f"{tm.hr_upper:.3g}), P = {tm.p_value:.3g}" for tm in terms),
            n=int(t.size), events=int(e.sum())),
        why(f"stats.cox_ph.ties_{ties}", src,
            f"tied event times handled by the {ties.capitalize()} approximation"
            + (" (R's default)" if ties == "efron" else ""), ties=ties),
    ]
    if mm.factors:
        reasons.append(why(
            "stats.cox_ph.treatment_contrasts", "r-survival",
            "categorical covariates coded against a reference level (treatment contrasts, as "
            "R): " + "; ".join(f"{f.covariate}: reference {f.reference} (levels "
                               f"{', '.join(f.levels)})" for f in mm.factors),
            factors={f.covariate: list(f.levels) for f in mm.factors}))
    if mm.n_dropped:
        reasons.append(why(
            "stats.cox_ph.na_omit", "r-survival",
            f"{mm.n_dropped} row(s) with a missing covariate value left out, as R's na.omit ("
            + ", ".join(f"{c}: {k}" for c, k in mm.missing.items()) + ")",
            n_dropped=mm.n_dropped, missing=mm.missing))
    return CoxModel("cox_ph_partial_likelihood", ties, level, int(t.size), int(e.sum()),
                    terms, float(ll0), float(ll), tests, it,
                    tuple(tuple(r) for r in cov.tolist()), mm.n_dropped, dict(mm.missing),
                    mm.factors, tuple(reasons))
