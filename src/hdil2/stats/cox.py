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
score (log-rank) tests of all coefficients, matching ``summary(coxph(...))``.  Newton-Raphson
runs as R's does (convergence criterion, iteration limit and step halving of
``coxph.control``), so the estimate is R's own iterate.  No penalty, no robust variance, no
strata (the IL-2 analyses hdil2 reproduces need none).

Computation (:mod:`hdil2.stats._cox_kernel`): one sort by time; per Newton step the risk-set
sums are cumulative sums over the sorted rows, the Efron terms are formed only at tied event
times (elsewhere Efron is Breslow), and the information is one product Xᵀdiag(v)X rather than
a sum of n p × p matrices: O(n·p²) time and O(n·p) memory per step after an O(n log n) sort.

Covariates as R codes them (see :mod:`hdil2.stats._design`): text columns, and numeric columns
named in ``categorical``, become treatment-contrast indicators against a reference level (the
first in sort order unless ``reference`` names another), named as R names them; rows with a
missing covariate value are dropped and counted (R's ``na.omit``); constant and collinear
columns are refused with their names.  As R does, the fit works on centred and scaled
covariates and transforms the estimates back, so adding 10⁸ to a covariate changes neither its
coefficient nor its standard error; the partial likelihood, Newton's iterates and every test
are unchanged by the transformation.

Size bound: a model with n·p² above :data:`hdil2.stats.limits.COX_CELLS` (n rows, p model
columns) is refused before it is built (``InputError`` on ``covariates``), which keeps a fit
within seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Real, Result
from hdil2.stats._cox_kernel import CoxData
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


#: R's ``coxph.control`` ``toler.chol``: a pivot of the information matrix below this fraction
#: of its largest diagonal element is zero (the matrix is singular)
TOLER_CHOL = 2.0 ** (-52 * 0.75)


def _singular_column(info: Any) -> int | None:
    """The first column whose pivot in I = LDLᵀ is below ``TOLER_CHOL`` × max diag (R's
    ``cholesky2`` test), or None when I is positive definite."""
    import numpy as np

    a = np.array(info, dtype=float)
    top = float(np.max(np.diag(a), initial=0.0))
    eps = TOLER_CHOL * top if top > 0 else TOLER_CHOL
    for i in range(a.shape[0]):
        pivot = a[i, i]
        if not np.isfinite(pivot) or pivot < eps:
            return i
        a[i + 1:, i + 1:] -= np.outer(a[i + 1:, i], a[i, i + 1:]) / pivot
    return None


def _check_information(info: Any, beta: Any, names: Sequence[str]) -> None:
    """Refuse a singular information matrix, naming the covariate where it is singular."""
    k = _singular_column(info)
    if k is None:
        return
    if not beta.any():  # at β = 0: the design itself
        raise InputError("covariates", f"{names[k]} does not vary among the patients at risk "
                         "at the event times (given the covariates before it): its coefficient "
                         "is not identifiable")
    raise InputError("covariates", f"the estimate of {names[k]} is infinite (monotone "
                     "likelihood: a group has all or none of the events at risk)")


def _newton_step(info: Any, score: Any, beta: Any, names: Sequence[str]) -> Any:
    """The Newton step I⁻¹U, once I is known to be positive definite."""
    import numpy as np

    _check_information(info, beta, names)
    return np.linalg.solve(info, score)


def cox_ph(time: Any, event: Any, covariates: Any, names: Sequence[str] | None = None, *,
           categorical: Iterable[str] = (), reference: Mapping[str, Any] | None = None,
           ties: Ties | str = "efron", level: float = 0.95, max_iter: int = 20,
           tol: float = 1e-9) -> CoxModel:
    """Fit h(t | x) = h₀(t)·exp(xβ).

    ``covariates`` is a mapping (or data frame) of named columns — numbers, text, or ``None``
    for a missing value — or an n × p numeric matrix with column ``names``.  Text columns and
    the columns named in ``categorical`` are coded as treatment contrasts against the first
    level, or against ``reference[column]``.  ``ties`` is ``"efron"`` (default, as R) or
    ``"breslow"``.  Newton-Raphson stops when the relative change of the log partial likelihood
    is at most ``tol`` within ``max_iter`` iterations: R's ``coxph.control`` defaults (eps 1e-9,
    iter.max 20) and R's step halving, so the estimate is R's own iterate (to about 1e-13 on
    R's data sets) rather than one step further.
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
    data = CoxData(t, e, mm.x, ties)
    scale = data.scale
    p = scale.size
    beta = np.zeros(p)
    ll0, u0, i0 = data.evaluate(beta)
    # Newton-Raphson as R's coxph (coxfit6): a step that lowers ℓ (or is not finite) is
    # shrunk towards the last accepted β, by 2, then 3, 4, ... (each try counts as an
    # iteration); the fit has converged when ℓ changes by at most ``tol`` relative to the best.
    ll, u, info = ll0, u0, i0
    new = beta + _newton_step(info, u, beta, cols)
    halving = 0
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        ll_new, u_new, info_new = data.evaluate(new)
        finite = bool(np.isfinite(ll_new) and np.isfinite(u_new).all()
                      and np.isfinite(info_new).all())
        if finite and abs(ll_new - ll) <= tol * abs(ll_new):
            beta, ll, u, info = new, ll_new, u_new, info_new
            break
        if not finite or ll_new < ll:
            halving += 1
            new = (new + halving * beta) / (halving + 1)
        else:
            halving = 0
            beta, ll, u, info = new, ll_new, u_new, info_new
            new = beta + _newton_step(info, u, beta, cols)
    else:
        raise InputError("covariates", f"no convergence in {max_iter} iterations (is a "
                         "coefficient infinite, e.g. a group with no events?)")
    _check_information(info, beta, cols)
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
