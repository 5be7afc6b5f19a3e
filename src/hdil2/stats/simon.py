"""Simon's two-stage phase II designs (``simon1989``) and inference after them.

The design (Simon 1989): treat ``n1`` patients; stop for futility if at most ``r1`` respond;
otherwise treat ``n − n1`` more and call the treatment promising (reject H0: p ≤ p0) if more
than ``r`` of all ``n`` respond.  With X1 ~ Bin(n1, p) and X2 ~ Bin(n − n1, p):

* PET(p) = P(X1 ≤ r1), EN(p) = n1 + (1 − PET(p))(n − n1);
* P(reject | p) = Σ_{x1 > r1} P(X1 = x1) P(X2 > r − x1).

A design is feasible when P(reject | p0) ≤ α and P(reject | p1) ≥ 1 − β.  *Optimal* minimises
EN(p0), *minimax* minimises n (then EN(p0)), and the *admissible* designs (Jung, Lee, Kim &
George 2004, ``jung2004admissible``) minimise q·n + (1 − q)·EN(p0) for some weight q in [0, 1].

The search (:func:`simon_designs`) evaluates, for each total n, every first-stage size n1,
every r1 and every r at once from cumulative binomial tables: P(reject) for all (r1, r) is a
reverse cumulative sum over x1 of P(X1 = x1)·P(X2 > r − x1).  It prunes with exact bounds:
n starts at the smallest size at which the most powerful (randomised, Neyman-Pearson) single
test reaches the power, since no two-stage rule on n patients can beat it; r never exceeds the
single-stage critical value (the two-stage rejection region lies inside {X > r}); and
responses x1 > r all give P(X2 > r − x1) = 1, so they are lumped into one tail term.

For any (r1, n1, r, n), the minimal r with α met is the only candidate (a larger r lowers the
power and leaves EN unchanged), so each (n, n1, r1) yields at most one design.

Inference after a completed trial (:func:`simon_inference`):

* UMVUE of p (Jung & Kim 2004, ``jung2004``): x1/n1 after a stage-1 stop; after stage 2 with
  s responses in all, Σ C(n1−1, x1−1) C(n2, s−x1) / Σ C(n1, x1) C(n2, s−x1) over the stage-1
  counts x1 > r1 compatible with s (the Rao-Blackwellisation of the first patient's outcome).
* P value and exact interval (Koyama & Chen 2008, ``koyama2008``) under the stage-wise
  ordering of the sample space: a stage-2 outcome is more extreme than any stage-1 stop, and
  within a stage more responses are more extreme.  The P value is P_{p0}(outcome at least as
  extreme); the two-sided 1 − 2α interval inverts it (the one-sided 1 − α interval that matches
  the design takes its lower limit with upper limit 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any, Literal

from typing_extensions import TypedDict

from hdil2.core.decision import Decision, Reason
from hdil2.core.errors import InputError
from hdil2.core.result import Result
from hdil2.core.sources import Tag
from hdil2.stats._result import check_int, check_prob, why

_TOL = 1e-12  # floating slack on the α and power constraints (exact ties only)

Kind = Literal["optimal", "minimax", "admissible"]


@dataclass(frozen=True, slots=True)
class SimonDesign(Result):
    """One two-stage design with its exact operating characteristics at p0 and p1."""

    r1: int
    n1: int
    r: int
    n: int
    p0: float
    p1: float
    alpha: float  # exact P(reject | p0)
    power: float  # exact P(reject | p1)
    en0: float  # EN(p0)
    pet0: float  # PET(p0)
    en1: float
    pet1: float
    kind: str = ""
    q_range: tuple[float, float] | None = None  # weights q for which the design is admissible

    @property
    def n2(self) -> int:
        return self.n - self.n1

    def rule(self) -> str:
        """The design in words."""
        return (f"stage 1: treat {self.n1}; stop if ≤ {self.r1} respond. "
                f"Stage 2: treat {self.n2} more; promising if > {self.r} of {self.n} respond")


@dataclass(frozen=True, slots=True)
class SimonSearch(Result):
    """The result of a design search: optimal, minimax, admissible and per-n best designs."""

    p0: float
    p1: float
    alpha: float
    beta: float
    nmax: int
    optimal: SimonDesign
    minimax: SimonDesign
    admissible: tuple[SimonDesign, ...]
    by_n: tuple[SimonDesign, ...]  # the design of least EN(p0) for each feasible n
    method: str
    reasons: tuple[Reason, ...]
    warnings: tuple[str, ...]


def _check_design_args(p0: float, p1: float, alpha: float, beta: float) -> tuple[float, ...]:
    p0 = check_prob("p0", p0)
    p1 = check_prob("p1", p1)
    if not p1 > p0:
        raise InputError("p1", f"must be greater than p0 ({p0})", p1)
    alpha = check_prob("alpha", alpha)
    beta = check_prob("beta", beta)
    if alpha + beta >= 1:
        raise InputError("beta", "alpha + beta must be below 1", beta)
    return p0, p1, alpha, beta


@lru_cache(maxsize=32)
def _tables(p: float, nmax: int) -> tuple[Any, Any]:
    """pmf[m, x] = P(Bin(m, p) = x) and sf[m, k] = P(Bin(m, p) ≥ k), m, x, k ≤ nmax + 1."""
    import numpy as np
    from scipy.stats import binom

    m = np.arange(nmax + 1)[:, None]
    x = np.arange(nmax + 2)[None, :]
    pmf = binom.pmf(x, m, p)
    sf = binom.sf(x - 1, m, p)  # P(X ≥ k) = P(X > k - 1)
    pmf.setflags(write=False)
    sf.setflags(write=False)
    return pmf, sf


def _ump_min_n(p0: float, p1: float, alpha: float, beta: float, nmax: int) -> int:
    """Smallest n whose most powerful randomised level-α test of p0 vs p1 has power ≥ 1 − β."""
    import numpy as np

    pmf0, sf0 = _tables(p0, nmax)
    pmf1, sf1 = _tables(p1, nmax)
    for n in range(1, nmax + 1):
        # critical c: P0(X > c) ≤ α < P0(X ≥ c); randomise at X = c
        tail = sf0[n, 1 : n + 2]  # P0(X > c) for c = 0..n
        c = int(np.argmax(tail <= alpha))
        gamma = (alpha - sf0[n, c + 1]) / pmf0[n, c] if pmf0[n, c] > 0 else 0.0
        power = sf1[n, c + 1] + gamma * pmf1[n, c]
        if power >= 1 - beta - _TOL:
            return n
    return nmax + 1


def _best_for_n(n: int, p0: float, p1: float, alpha: float, beta: float,
                nmax: int) -> tuple[int, int, int, float, float] | None:
    """(r1, n1, r, α, power) of least EN(p0) among feasible designs of total size n."""
    import numpy as np

    pmf0, sf0 = _tables(p0, nmax)
    pmf1, sf1 = _tables(p1, nmax)
    # r is at most the single-stage critical value at n (two-stage region ⊂ {X > r}) and at most
    # the largest r with P1(X > r) ≥ 1 − β.
    r_alpha = int(np.argmax(sf0[n, 1 : n + 2] <= alpha + _TOL))
    power_ok = np.nonzero(sf1[n, 1 : n + 1] >= 1 - beta - _TOL)[0]
    if power_ok.size == 0:
        return None
    rmax = min(r_alpha, int(power_ok[-1]))
    n1s = np.arange(1, n)
    n2s = n - n1s
    xs = np.arange(rmax + 1)  # x1 = 0..rmax; x1 > rmax lumped
    rs = np.arange(rmax + 1)
    k = np.clip(rs[None, :] - xs[:, None] + 1, 0, nmax + 1)  # P(X2 ≥ r - x1 + 1)
    best: tuple[float, int, int, int, float, float] | None = None
    out = []
    for pmf, sf in ((pmf0, sf0), (pmf1, sf1)):
        b = pmf[n1s][:, : rmax + 1]  # (n1, x1)
        tail = sf[n1s, rmax + 1]  # P(X1 > rmax)
        s2 = sf[n2s][:, k]  # (n1, x1, r)
        m = b[:, :, None] * s2
        # A[n1, r1, r] = Σ_{x1 > r1} m[n1, x1, r] + tail
        rev = np.cumsum(m[:, ::-1, :], axis=1)[:, ::-1, :]
        a = np.empty_like(m)
        a[:, :-1, :] = rev[:, 1:, :]
        a[:, -1, :] = 0.0
        a += tail[:, None, None]
        out.append(a)
    a0, a1 = out
    valid = (rs[None, None, :] >= rs[None, :, None]) & (a0 <= alpha + _TOL)
    valid &= (rs[None, :, None] < n1s[:, None, None])  # r1 < n1
    has = valid.any(axis=2)
    ridx = np.argmax(valid, axis=2)  # minimal feasible r for each (n1, r1)
    power = np.take_along_axis(a1, ridx[:, :, None], axis=2)[:, :, 0]
    feas = has & (power >= 1 - beta - _TOL)
    if not feas.any():
        return None
    pet0 = np.cumsum(pmf0[n1s][:, : rmax + 1], axis=1)  # P0(X1 ≤ r1)
    en0 = n1s[:, None] + (1 - pet0) * n2s[:, None]
    en0 = np.where(feas, en0, np.inf)
    i, j = np.unravel_index(int(np.argmin(en0)), en0.shape)
    alpha_ex = float(np.take_along_axis(a0, ridx[:, :, None], axis=2)[i, j, 0])
    best = (float(en0[i, j]), int(n1s[i]), int(j), int(ridx[i, j]), alpha_ex, float(power[i, j]))
    _, n1, r1, r, a_ex, pw = best
    return r1, n1, r, a_ex, pw


def search_work(p0: float, p1: float, alpha: float, beta: float, nmax: int,
                nlo: int) -> dict[int, int]:
    """Candidate designs the search evaluates per total n: (n − 1)·(r_max + 1)².

    The same r_max as :func:`_best_for_n` (the smaller of the single-stage critical value and
    the largest r with enough power); an n that cannot reach the power costs nothing.
    """
    import numpy as np

    _, sf0 = _tables(p0, nmax)
    _, sf1 = _tables(p1, nmax)
    out: dict[int, int] = {}
    for n in range(nlo, nmax + 1):
        power_ok = np.nonzero(sf1[n, 1 : n + 1] >= 1 - beta - _TOL)[0]
        if power_ok.size == 0:
            continue
        r_alpha = int(np.argmax(sf0[n, 1 : n + 2] <= alpha + _TOL))
        rmax = min(r_alpha, int(power_ok[-1]))
        out[n] = (n - 1) * (rmax + 1) ** 2
    return out


def simon_oc(r1: int, n1: int, r: int, n: int, p: float) -> tuple[float, float, float]:
    """Exact (PET(p), EN(p), P(reject | p)) of the design (r1, n1, r, n)."""
    import numpy as np
    from scipy.stats import binom

    n2 = n - n1
    x1 = np.arange(r1 + 1, n1 + 1)
    rej = float(np.sum(binom.pmf(x1, n1, p) * binom.sf(r - x1, n2, p)))
    pet = float(binom.cdf(r1, n1, p))
    return pet, n1 + (1 - pet) * n2, rej


def _check_design(r1: int, n1: int, r: int, n: int) -> tuple[int, int, int, int]:
    from hdil2.stats.limits import SIMON_DESIGN_N

    n = check_int("n", n, 2)
    if n > SIMON_DESIGN_N:
        raise InputError("n", f"must be at most {SIMON_DESIGN_N:,} (the exact sums after the "
                         "trial grow with n²; a two-stage phase II design is far smaller)", n)
    n1 = check_int("n1", n1, 1)
    if n1 >= n:
        raise InputError("n1", f"must be less than n ({n})", n1)
    r1 = check_int("r1", r1, 0)
    if r1 >= n1:
        raise InputError("r1", f"must be less than n1 ({n1})", r1)
    r = check_int("r", r, 0)
    if not r1 <= r < n:
        raise InputError("r", f"must be between r1 ({r1}) and n − 1 ({n - 1})", r)
    return r1, n1, r, n


def simon_design(r1: int, n1: int, r: int, n: int, p0: float, p1: float,
                 kind: str = "given") -> SimonDesign:
    """Exact operating characteristics of a given design (r1/n1, r/n) at p0 and p1."""
    r1, n1, r, n = _check_design(r1, n1, r, n)
    p0 = check_prob("p0", p0)
    p1 = check_prob("p1", p1)
    pet0, en0, a = simon_oc(r1, n1, r, n, p0)
    pet1, en1, pw = simon_oc(r1, n1, r, n, p1)
    return SimonDesign(r1, n1, r, n, p0, p1, a, pw, en0, pet0, en1, pet1, kind)


def simon_designs(p0: float, p1: float, alpha: float = 0.05, beta: float = 0.2,
                  nmax: int = 100) -> SimonSearch:
    """Optimal, minimax and admissible Simon designs for (p0, p1, α, β) with n ≤ ``nmax``.

    α is the one-sided type I error P(reject | p0) and β the type II error at p1.  Raises
    :class:`InputError` (field ``nmax``) when no design with n ≤ nmax is feasible.
    """
    from hdil2.stats.limits import SIMON_CELLS, SIMON_NMAX, SIMON_WORK, SIMON_WORK_SECONDS

    p0, p1, alpha, beta = _check_design_args(p0, p1, alpha, beta)
    nmax = check_int("nmax", nmax, 2)
    if nmax > SIMON_NMAX:
        raise InputError("nmax", f"must be at most {SIMON_NMAX} (the binomial tables of the "
                         "search grow as nmax²)", nmax)
    nlo = max(2, _ump_min_n(p0, p1, alpha, beta, nmax))
    work = search_work(p0, p1, alpha, beta, nmax, nlo)
    total = sum(work.values())
    if total > SIMON_WORK or max(work.values(), default=0) > SIMON_CELLS:
        fits, acc = nlo - 1, 0.0
        for n in sorted(work):
            acc += work[n]
            if acc > SIMON_WORK or work[n] > SIMON_CELLS:
                break
            fits = n
        raise InputError("nmax", f"the search over n ≤ {nmax} for p0 {p0:g}, p1 {p1:g} would "
                         f"evaluate {total:.3g} candidate designs: "
                         f"{total / SIMON_WORK:.3g} × the work allowed (a request within it "
                         f"answers in {SIMON_WORK_SECONDS:g} s)"
                         + (f"; nmax ≤ {fits} fits" if fits >= nlo else
                                  f"; no design with n ≥ {nlo} (the least n that can reach "
                                  "the power) fits: the rates are too close"), nmax)
    _, sf0 = _tables(p0, nmax)
    _, sf1 = _tables(p1, nmax)
    rows: list[SimonDesign] = []
    for n in range(nlo, nmax + 1):
        got = _best_for_n(n, p0, p1, alpha, beta, nmax)
        if got is None:
            continue
        r1, n1, r, a_ex, pw = got
        pet0 = float(1.0 - sf0[n1, r1 + 1])
        pet1 = float(1.0 - sf1[n1, r1 + 1])
        en0 = n1 + (1 - pet0) * (n - n1)
        en1 = n1 + (1 - pet1) * (n - n1)
        rows.append(SimonDesign(r1, n1, r, n, p0, p1, a_ex, pw, en0, pet0, en1, pet1))
    if not rows:
        raise InputError("nmax", f"no feasible design with n ≤ {nmax}; "
                         + ("increase nmax" if nmax < SIMON_NMAX else
                            "the rates are too close for a two-stage design of at most "
                            f"{SIMON_NMAX} patients"), nmax)
    minimax = rows[0]  # rows are by increasing n; each row already has the least EN at its n
    opt = min(rows, key=lambda d: (d.en0, d.n))
    adm = _admissible([d for d in rows if d.n <= opt.n])
    warnings: list[str] = []
    if opt.n > nmax - 5:
        warnings.append(f"optimal n = {opt.n} is close to nmax = {nmax}; a larger nmax may "
                        "give a design with smaller EN(p0)")

    def tag(d: SimonDesign, kind: str) -> SimonDesign:
        q = next((a.q_range for a in adm if (a.r1, a.n1, a.r, a.n) == (d.r1, d.n1, d.r, d.n)),
                 None)
        return SimonDesign(d.r1, d.n1, d.r, d.n, d.p0, d.p1, d.alpha, d.power, d.en0, d.pet0,
                           d.en1, d.pet1, kind, q)

    reasons = (
        why("stats.simon.optimal", "simon1989",
            f"optimal: {opt.r1}/{opt.n1}, {opt.r}/{opt.n} minimises EN(p0) = {opt.en0:.2f} "
            f"(PET(p0) = {opt.pet0:.3f}; exact α {opt.alpha:.4f}, power {opt.power:.4f})",
            p0=p0, p1=p1, alpha=alpha, beta=beta, nmax=nmax),
        why("stats.simon.minimax", "simon1989",
            f"minimax: {minimax.r1}/{minimax.n1}, {minimax.r}/{minimax.n} has the smallest n "
            f"(EN(p0) = {minimax.en0:.2f}, PET(p0) = {minimax.pet0:.3f})",
            p0=p0, p1=p1, alpha=alpha, beta=beta),
        why("stats.simon.admissible", "jung2004admissible",
            f"{len(adm)} admissible design(s) between minimax and optimal minimise "
            "q·n + (1 − q)·EN(p0) for some q in [0, 1]", p0=p0, p1=p1),
    )
    return SimonSearch(p0, p1, alpha, beta, nmax, tag(opt, "optimal"), tag(minimax, "minimax"),
                       tuple(adm), tuple(rows), "simon_two_stage_exact_binomial", reasons,
                       tuple(warnings))


def _admissible(rows: list[SimonDesign]) -> list[SimonDesign]:
    """Designs on the lower convex hull of (n, EN(p0)), with the q range of each.

    For weight q the loss is q·n + (1 − q)·EN(p0); a design is admissible when it minimises the
    loss for some q (``jung2004admissible``).  Ties (a whole q interval of zero length) are
    dropped.
    """
    out: list[SimonDesign] = []
    # q grid breakpoints are where two designs tie; evaluate the hull exactly by sweeping q.
    qs = sorted({0.0, 1.0} | {
        _tie_q(a, b) for i, a in enumerate(rows) for b in rows[i + 1:]
        if 0.0 < _tie_q(a, b) < 1.0
    })
    winners: list[tuple[SimonDesign, float, float]] = []
    for lo, hi in pairwise(qs):
        mid = (lo + hi) / 2
        d = min(rows, key=lambda x: (mid * x.n + (1 - mid) * x.en0, x.n))
        if winners and winners[-1][0] is d:
            winners[-1] = (d, winners[-1][1], hi)
        else:
            winners.append((d, lo, hi))
    for d, lo, hi in winners:
        kind = "minimax" if lo > 0.999999 or hi >= 1.0 else "optimal" if lo <= 0.0 else "admissible"
        out.append(SimonDesign(d.r1, d.n1, d.r, d.n, d.p0, d.p1, d.alpha, d.power, d.en0,
                               d.pet0, d.en1, d.pet1, kind, (lo, hi)))
    return sorted(out, key=lambda d: d.n)


def _tie_q(a: SimonDesign, b: SimonDesign) -> float:
    """The q at which designs a and b have equal loss q·n + (1 − q)·EN."""
    dn = a.n - b.n
    de = a.en0 - b.en0
    denom = dn - de
    if denom == 0:
        return -1.0
    return -de / denom


# ---- decisions during a trial ------------------------------------------------------------

#: the stage-1 decision: stop for futility, continue to stage 2, or wait for more patients
Stage1 = Literal["stop", "continue", "pending"]


class Stage1Details(TypedDict):
    """The details of a stage-1 decision: the futility rule in words."""

    rule: str


def simon_stage1(r1: int, n1: int, r: int, n: int, responses: int,
                 evaluable: int | None = None) -> Decision[str]:
    """The stage-1 decision for ``responses`` among ``evaluable`` of the n1 stage-1 patients.

    ``"continue"`` once responses exceed r1 (however the rest turn out); ``"stop"`` once even a
    response in every stage-1 patient not yet evaluated could not lift the count above r1
    (with all n1 evaluated: responses ≤ r1, the futility rule of ``simon1989``); otherwise
    ``"pending"``.  ``evaluable`` defaults to n1.
    """
    r1, n1, r, n = _check_design(r1, n1, r, n)
    ev = n1 if evaluable is None else check_int("evaluable", evaluable, 0)
    if ev > n1:
        raise InputError("evaluable", f"must be at most n1 ({n1})", ev)
    x = check_int("responses", responses, 0)
    if x > ev:
        raise InputError("responses", f"must be at most the evaluable patients ({ev})", x)
    inputs = {"r1": r1, "n1": n1, "responses": x, "evaluable": ev}
    if x > r1:
        return Decision.of("continue", [Reason(
            "simon.stage1.continue", "simon1989",
            f"{x} responses in {ev} of {n1} stage-1 patients exceed r1 = {r1}: continue to "
            f"{n} patients; promising if > {r} respond in all", inputs, Tag.COMPUTED)],
            rule=f"stop if ≤ {r1} responses in {n1}")
    if x + (n1 - ev) <= r1:
        return Decision.of("stop", [Reason(
            "simon.stage1.stop", "simon1989",
            f"stop: ≤ {r1} responses in {n1} ({x} in {ev} evaluated"
            + ("" if ev == n1 else f"; even {n1 - ev} more responses could not exceed {r1}")
            + "); the treatment is not promising at this level", inputs, Tag.COMPUTED)],
            rule=f"stop if ≤ {r1} responses in {n1}")
    return Decision.of("pending", [Reason(
        "simon.stage1.pending", "simon1989",
        f"{x} responses in {ev} of {n1}: {r1 + 1 - x} more response(s) among the remaining "
        f"{n1 - ev} are needed to continue", inputs, Tag.COMPUTED)],
        rule=f"stop if ≤ {r1} responses in {n1}")


# ---- inference after the trial -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SimonInference(Result):
    """Estimate, P value and interval after a completed Simon trial."""

    stage: int  # the stage at which the trial ended
    x1: int
    responses: int  # total responses
    patients: int
    mle: float
    umvue: float
    p_value: float
    ci_lower: float
    ci_upper: float
    ci_level: float  # two-sided level 1 − 2α
    one_sided_lower: float  # the (1 − α) one-sided lower limit (upper limit 1)
    p0: float
    method: str
    reasons: tuple[Reason, ...]


def _tail_prob(p: float, r1: int, n1: int, n: int, stage: int, x: int) -> float:
    """P_p(outcome at least as extreme as (stage, x)) under the stage-wise ordering."""
    import numpy as np
    from scipy.stats import binom

    if stage == 1:
        return float(binom.sf(x - 1, n1, p))  # X1 ≥ x (includes every stage-2 outcome)
    n2 = n - n1
    k = np.arange(r1 + 1, n1 + 1)
    return float(np.sum(binom.pmf(k, n1, p) * binom.sf(x - k - 1, n2, p)))


def umvue(r1: int, n1: int, n: int, stage: int, responses: int) -> float:
    """Jung & Kim (2004) UMVUE of the response rate after a two-stage trial."""
    if stage == 1:
        return responses / n1
    n2 = n - n1
    s = responses
    num = den = 0
    for x1 in range(max(r1 + 1, s - n2), min(s, n1) + 1):
        c2 = math.comb(n2, s - x1)
        num += math.comb(n1 - 1, x1 - 1) * c2
        den += math.comb(n1, x1) * c2
    return num / den


def simon_inference(r1: int, n1: int, r: int, n: int, p0: float, x1: int,
                    x2: int | None = None, alpha: float = 0.05) -> SimonInference:
    """UMVUE, stage-wise P value and 1 − 2α interval after a Simon trial.

    ``x1`` responses among the n1 stage-1 patients; ``x2`` among the n − n1 stage-2 patients
    (omit it when the trial stopped at stage 1, i.e. x1 ≤ r1).  ``alpha`` is the design's α:
    the interval is two-sided at 1 − 2α and its lower limit is the one-sided 1 − α limit
    consistent with the design (``koyama2008``; as clinfun's ``twostage.inference``).
    """
    from scipy.optimize import brentq

    r1, n1, r, n = _check_design(r1, n1, r, n)
    p0 = check_prob("p0", p0)
    alpha = check_prob("alpha", alpha)
    if not 1e-6 <= alpha < 0.5:
        raise InputError("alpha", "must be at least 1e-6 and below 0.5 (the interval is "
                         "1 − 2α)", alpha)
    x1 = check_int("x1", x1, 0)
    if x1 > n1:
        raise InputError("x1", f"must be at most n1 ({n1})", x1)
    if x1 <= r1:
        if x2 is not None:
            raise InputError("x2", f"the trial stops at stage 1 when x1 ≤ r1 ({r1}); omit x2",
                             x2)
        stage, total, patients = 1, x1, n1
        top = n1
    else:
        if x2 is None:
            raise InputError("x2", f"required: x1 = {x1} > r1 = {r1} continues to stage 2")
        x2 = check_int("x2", x2, 0)
        if x2 > n - n1:
            raise InputError("x2", f"must be at most n − n1 ({n - n1})", x2)
        stage, total, patients = 2, x1 + x2, n
        top = n
    pval = _tail_prob(p0, r1, n1, n, stage, total)
    eps = 1e-12

    def ge(p: float) -> float:  # P_p(at least as extreme) − α
        return _tail_prob(p, r1, n1, n, stage, total) - alpha

    def le(p: float) -> float:  # P_p(at most as extreme) − α
        nxt_stage, nxt = (stage, total + 1)
        if stage == 1 and total + 1 > r1:
            nxt_stage, nxt = 2, 0  # the next outcome up is any stage-2 outcome
            more = float(_tail_prob(p, r1, n1, n, 1, r1 + 1))
            return (1 - more) - alpha
        return (1 - _tail_prob(p, r1, n1, n, nxt_stage, nxt)) - alpha

    at_bottom = stage == 1 and total == 0
    at_top = stage == 2 and total == top
    lower = 0.0 if at_bottom else float(brentq(ge, eps, 1 - eps, xtol=1e-14))
    upper = 1.0 if at_top else float(brentq(le, eps, 1 - eps, xtol=1e-14))
    est = umvue(r1, n1, n, stage, total)
    level = 1 - 2 * alpha
    text = (f"stage {stage}: {total}/{patients} responses; UMVUE {est:.4f} (Jung & Kim), "
            f"P = {pval:.4g} against p0 = {p0:g} (stage-wise ordering), "
            f"{100 * level:g} % CI {lower:.4f}-{upper:.4f}")
    reasons = (
        why("stats.simon.umvue", "jung2004",
            f"UMVUE {est:.4f} (MLE {total / patients:.4f} is biased after early stopping)",
            r1=r1, n1=n1, n=n, stage=stage, responses=total),
        why("stats.simon.koyama_chen", "koyama2008", text, p0=p0, alpha=alpha),
    )
    return SimonInference(stage, x1, total, patients, total / patients, est, pval, lower, upper,
                          level, lower, p0, "koyama_chen_stagewise", reasons)
