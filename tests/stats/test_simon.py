"""Simon two-stage designs against Simon (1989), clinfun and PhIIdesign (R packages used only as
numeric oracles) and against the closed form written out in this file.

Sources of the expected values (see docs/trial-design.md, "Simon table entries verified"):

* SIMON_1989: entries of Simon (1989)'s table as quoted by public code/docs found with the
  search tool: p0 0.10 / p1 0.30 (α 0.05, β 0.20) optimal 1/10, 5/29, EN 15.0, PET 0.74 and
  minimax 1/15, 5/25, EN 19.5, PET 0.55; p0 0.20 / p1 0.40 optimal 3/13, 12/43, EN 20.6 and
  minimax 4/18, 10/33.
* CLINFUN: designs printed by clinfun ``ph2simon`` in its reference manual and in package
  vignettes (r1, n1, r, n, EN(p0), PET(p0) to the printed digits, and the admissible q range).
* PHIIDESIGN: operating characteristics to 10-15 digits from the tests of R package PhIIdesign.
* ``_oc_closed_form``: Simon's formulas in exact rational arithmetic (math.comb, Fraction).
"""

from __future__ import annotations

import math
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hdil2.core.errors import InputError
from hdil2.stats.simon import (
    simon_design,
    simon_designs,
    simon_inference,
    simon_oc,
    simon_stage1,
    umvue,
)

SIMON_1989 = [
    # (p0, p1, alpha, beta, kind, r1, n1, r, n, EN(p0) printed or None)
    (0.10, 0.30, 0.05, 0.20, "optimal", 1, 10, 5, 29, "15.0"),
    (0.10, 0.30, 0.05, 0.20, "minimax", 1, 15, 5, 25, None),
    (0.20, 0.40, 0.05, 0.20, "optimal", 3, 13, 12, 43, "20.6"),
    (0.20, 0.40, 0.05, 0.20, "minimax", 4, 18, 10, 33, None),
]


@pytest.mark.parametrize(("p0", "p1", "alpha", "beta", "kind", "r1", "n1", "r", "n", "en"),
                         SIMON_1989)
def test_simon_1989_table(p0: float, p1: float, alpha: float, beta: float, kind: str, r1: int,
                          n1: int, r: int, n: int, en: str | None) -> None:
    d = getattr(simon_designs(p0, p1, alpha, beta), kind)
    assert (d.r1, d.n1, d.r, d.n) == (r1, n1, r, n)
    if en is not None:
        assert f"{d.en0:.1f}" == en
    assert d.alpha <= alpha
    assert d.power >= 1 - beta


CLINFUN = [
    # (p0, p1, alpha, beta, nmax, kind, r1, n1, r, n, "EN(p0)", "PET(p0)", q range or None)
    (0.2, 0.4, 0.05, 0.2, 100, "optimal", 3, 13, 12, 43, "20.58", "0.7473", None),
    (0.2, 0.4, 0.05, 0.2, 100, "minimax", 4, 18, 10, 33, "22.25", "0.7164", None),
    (0.2, 0.4, 0.05, 0.2, 40, "optimal", 3, 14, 11, 38, "21.24", "0.6982", (0.000, 0.168)),
    (0.2, 0.4, 0.05, 0.2, 40, "minimax", 4, 18, 10, 33, "22.25", "0.7164", (0.168, 1.000)),
    (0.2, 0.4, 0.1, 0.1, 100, "optimal", 3, 17, 10, 37, "26.02", "0.5489", (0.000, 0.691)),
    (0.2, 0.4, 0.1, 0.1, 100, "minimax", 3, 19, 10, 36, "28.26", "0.4551", (0.691, 1.000)),
    (0.2, 0.35, 0.05, 0.05, 100, "optimal", 11, 53, 26, 99, "69.88", "0.6330", (0.000, 0.582)),
    (0.2, 0.35, 0.05, 0.05, 100, "minimax", 15, 68, 25, 95, "75.44", "0.7244", (0.582, 1.000)),
    (0.25, 0.45, 0.1, 0.1, 100, "optimal", 3, 14, 14, 44, "28.36", "0.5213", (0.000, 0.026)),
    (0.25, 0.45, 0.1, 0.1, 100, "admissible", 3, 15, 13, 40, "28.47", "0.4613", (0.026, 0.752)),
    (0.25, 0.45, 0.1, 0.1, 100, "minimax", 5, 23, 13, 39, "31.50", "0.4685", (0.752, 1.000)),
    (0.15, 0.45, 0.025, 0.2, 100, "optimal", 1, 6, 7, 25, "10.25", "0.7765", None),
    (0.15, 0.45, 0.025, 0.2, 100, "minimax", 1, 10, 5, 16, "12.73", "0.5443", None),
    (0.3, 0.5, 0.05, 0.16, 100, "optimal", 6, 19, 18, 45, "27.70", "0.6655", (0.000, 0.236)),
    (0.3, 0.5, 0.05, 0.16, 100, "minimax", 6, 20, 17, 42, "28.62", "0.6080", (0.236, 1.000)),
]


@pytest.mark.parametrize(("p0", "p1", "alpha", "beta", "nmax", "kind", "r1", "n1", "r", "n",
                          "en", "pet", "q"), CLINFUN)
def test_clinfun_designs(p0: float, p1: float, alpha: float, beta: float, nmax: int, kind: str,
                         r1: int, n1: int, r: int, n: int, en: str, pet: str,
                         q: tuple[float, float] | None) -> None:
    s = simon_designs(p0, p1, alpha, beta, nmax=nmax)
    if kind == "admissible":
        d = next(x for x in s.admissible if x.kind == "admissible")
    else:
        d = getattr(s, kind)
    assert (d.r1, d.n1, d.r, d.n) == (r1, n1, r, n)
    assert f"{d.en0:.2f}" == en
    assert f"{d.pet0:.4f}" == pet
    if q is not None:
        adm = next(x for x in s.admissible if (x.r1, x.n1, x.r, x.n) == (r1, n1, r, n))
        assert adm.q_range is not None
        assert (round(adm.q_range[0], 3), round(adm.q_range[1], 3)) == q


def _oc_closed_form(r1: int, n1: int, r: int, n: int, p: float) -> tuple[float, float, float]:
    """(PET, EN, P(reject)) written out from Simon (1989), with math.comb and exact fractions.

    PET = P(X1 ≤ r1); EN = n1 + (1 − PET)(n − n1); P(reject) = Σ_{x1 > r1} P(X1 = x1)
    P(X2 > r − x1), X1 ~ Bin(n1, p), X2 ~ Bin(n − n1, p).  Independent of hdil2's NumPy/SciPy
    code: every term is an exact rational until the final float().
    """
    from fractions import Fraction

    q = Fraction(p)  # the float p exactly

    def pmf(k: int, m: int) -> Fraction:
        return math.comb(m, k) * q**k * (1 - q) ** (m - k)

    n2 = n - n1
    pet = sum((pmf(k, n1) for k in range(r1 + 1)), Fraction(0))
    rej = sum((pmf(x1, n1) * sum((pmf(x2, n2) for x2 in range(max(r - x1 + 1, 0), n2 + 1)),
                                 Fraction(0))
               for x1 in range(r1 + 1, n1 + 1)), Fraction(0))
    return float(pet), float(n1 + (1 - pet) * n2), float(rej)


def _exhaustive(p0: float, p1: float, alpha: float, beta: float,
                nmax: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A plain loop over every (n, n1, r1, r): the definition, no pruning, no hdil2 code."""
    tables = {}
    for p in (p0, p1):  # pmf[m][k] = P(Bin(m, p) = k), sf[m][k] = P(Bin(m, p) ≥ k)
        pmf = [[math.comb(m, k) * p**k * (1 - p) ** (m - k) for k in range(m + 1)]
               for m in range(nmax + 1)]
        sf = [[sum(row[k:]) for k in range(len(row))] + [0.0] for row in pmf]
        tables[p] = (pmf, sf)

    def oc(r1: int, n1: int, r: int, n: int, p: float) -> tuple[float, float, float]:
        pmf, sf = tables[p]
        n2 = n - n1
        pet = sum(pmf[n1][: r1 + 1])
        rej = sum(pmf[n1][x1] * sf[n2][min(max(r - x1 + 1, 0), n2 + 1)]
                  for x1 in range(r1 + 1, n1 + 1))
        return pet, n1 + (1 - pet) * n2, rej

    best_en, best_n = (math.inf, ()), (math.inf, math.inf, ())
    for n in range(2, nmax + 1):
        for n1, r1 in product(range(1, n), range(n)):
            if r1 >= n1:
                continue
            for r in range(r1, n):
                _, en0, a = oc(r1, n1, r, n, p0)
                if a > alpha + 1e-12:
                    continue
                _, _, pw = oc(r1, n1, r, n, p1)
                if pw >= 1 - beta - 1e-12:
                    best_en = min(best_en, (en0, (r1, n1, r, n)))
                    best_n = min(best_n, (n, en0, (r1, n1, r, n)))
                break  # larger r: lower power, same EN
    return best_en[1], best_n[2]


@pytest.mark.parametrize(("p0", "p1", "alpha", "beta"), [
    (0.05, 0.25, 0.10, 0.10), (0.3, 0.6, 0.05, 0.2), (0.1, 0.4, 0.05, 0.1),
])
def test_search_equals_exhaustive_loop(p0: float, p1: float, alpha: float, beta: float) -> None:
    opt, mm = _exhaustive(p0, p1, alpha, beta, 30)
    s = simon_designs(p0, p1, alpha, beta, nmax=30)
    assert (s.optimal.r1, s.optimal.n1, s.optimal.r, s.optimal.n) == opt
    assert (s.minimax.r1, s.minimax.n1, s.minimax.r, s.minimax.n) == mm


# Simon (1989), p0 0.10, p1 0.30, α 0.05, β 0.20, as printed: (kind, r1, n1, r, n, EN0, PET0)
SIMON_1989_OC = [
    ("optimal", 1, 10, 5, 29, "15.0", "0.74"),
    ("minimax", 1, 15, 5, 25, "19.5", "0.55"),
]


@pytest.mark.parametrize(("kind", "r1", "n1", "r", "n", "en0", "pet0"), SIMON_1989_OC)
def test_item21_operating_characteristics_as_simon_1989_prints_them(
        kind: str, r1: int, n1: int, r: int, n: int, en0: str, pet0: str) -> None:
    d = simon_design(r1, n1, r, n, 0.1, 0.3)
    assert (f"{d.en0:.1f}", f"{d.pet0:.2f}") == (en0, pet0)
    found = getattr(simon_designs(0.1, 0.3, 0.05, 0.2), kind)
    assert (f"{found.en0:.1f}", f"{found.pet0:.2f}") == (en0, pet0)


# Operating characteristics printed to full precision by an independent R implementation: the
# expected values of the test of R package PhIIdesign (IDDI-BE/PhIIdesign,
# inst/tinytest/test-simon2stage.R) for p0 0.1, pa 0.3: (r1, n1, r, n, EN0, PET0, α, β)
PHIIDESIGN = [
    (1, 14, 4, 21, 16.9075960163903, 0.58462914051567, 0.0511412111636123, 0.203705615682959),
    (2, 15, 4, 22, 16.2884274837447, 0.815938930893609, 0.0543042568921355, 0.200846440508983),
    (1, 14, 5, 25, 18.5690794543276, 0.58462914051567, 0.0323533353291089, 0.202576987295816),
    (1, 12, 5, 26, 16.773968474954, 0.659002251789, 0.0359671496394093, 0.195219552505977),
    (1, 11, 5, 27, 15.8422899168, 0.6973568802, 0.0395005174857133, 0.193804599302928),
    (1, 11, 5, 28, 16.1449330366, 0.6973568802, 0.0450489137027961, 0.177745666977773),
    (1, 10, 5, 29, 15.0141203471, 0.7360989291, 0.0470863066438917, 0.194937086849675),
]


@pytest.mark.parametrize(("r1", "n1", "r", "n", "en0", "pet0", "alpha", "beta"), PHIIDESIGN)
def test_item21_operating_characteristics_match_phiidesign(
        r1: int, n1: int, r: int, n: int, en0: float, pet0: float, alpha: float,
        beta: float) -> None:
    d = simon_design(r1, n1, r, n, 0.1, 0.3)
    # PhIIdesign prints EN0 and PET0 to 10-15 significant digits, α and β to 15
    assert d.en0 == pytest.approx(en0, rel=1e-10)
    assert d.pet0 == pytest.approx(pet0, rel=1e-9)
    assert d.alpha == pytest.approx(alpha, rel=1e-12)
    assert 1 - d.power == pytest.approx(beta, rel=1e-12)


@pytest.mark.parametrize("design", [(1, 10, 5, 29), (1, 15, 5, 25), (3, 13, 12, 43),
                                    (4, 18, 10, 33), (11, 53, 26, 99), (0, 9, 2, 17)])
@pytest.mark.parametrize("p", [0.05, 0.1, 0.2, 0.3, 0.4, 0.7])
def test_item21_operating_characteristics_equal_the_closed_form(
        design: tuple[int, int, int, int], p: float) -> None:
    r1, n1, r, n = design
    pet, en, rej = _oc_closed_form(r1, n1, r, n, p)
    got = simon_oc(r1, n1, r, n, p)
    assert got == pytest.approx((pet, en, rej), rel=1e-12, abs=1e-300)
    d = simon_design(r1, n1, r, n, p, 0.9)
    assert (d.pet0, d.en0, d.alpha) == pytest.approx((pet, en, rej), rel=1e-12, abs=1e-300)


def test_stage1_decision_boundaries() -> None:
    # optimal 0.1/0.3 design: stop if ≤ 1 response in 10
    assert simon_stage1(1, 10, 5, 29, responses=1).value == "stop"
    assert simon_stage1(1, 10, 5, 29, responses=2).value == "continue"
    assert simon_stage1(1, 10, 5, 29, responses=0).value == "stop"
    d = simon_stage1(1, 10, 5, 29, responses=1)
    assert "stop: ≤ 1 responses in 10" in d.reasons[0].text
    # with 8 of 10 evaluated: 0 responses could still reach 2 → pending; 2 → continue early
    assert simon_stage1(1, 10, 5, 29, responses=0, evaluable=8).value == "pending"
    assert simon_stage1(1, 10, 5, 29, responses=2, evaluable=8).value == "continue"
    # 0 of 9 evaluated: one more response cannot exceed 1 → stop already
    assert simon_stage1(1, 10, 5, 29, responses=0, evaluable=9).value == "stop"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"responses": 11}, "responses"),
    ({"responses": 3, "evaluable": 2}, "responses"),
    ({"responses": 1, "evaluable": 11}, "evaluable"),
    ({"responses": -1}, "responses"),
])
def test_stage1_bad_counts(kwargs: dict[str, int], field: str) -> None:
    with pytest.raises(InputError) as e:
        simon_stage1(1, 10, 5, 29, **kwargs)
    assert e.value.field == field


@pytest.mark.parametrize(("args", "field"), [
    ((0.3, 0.1, 0.05, 0.2), "p1"), ((0.1, 0.3, 0.0, 0.2), "alpha"),
    ((0.1, 0.3, 0.05, 1.2), "beta"), ((1.0, 0.3, 0.05, 0.2), "p0"),
])
def test_design_bad_parameters(args: tuple[float, ...], field: str) -> None:
    with pytest.raises(InputError) as e:
        simon_designs(*args)
    assert e.value.field == field


def test_infeasible_nmax_named() -> None:
    with pytest.raises(InputError) as e:
        simon_designs(0.2, 0.35, 0.05, 0.05, nmax=50)
    assert e.value.field == "nmax"


def test_design_rule_text() -> None:
    d = simon_designs(0.1, 0.3).optimal
    assert d.rule().startswith("stage 1: treat 10; stop if ≤ 1 respond")


# ---- inference after the trial --------------------------------------------------------

DESIGN = (1, 10, 5, 29)  # r1, n1, r, n (optimal for 0.1 vs 0.3)


def _outcomes(r1: int, n1: int, n: int):  # type: ignore[no-untyped-def]
    """Every outcome (stage, x1, total) of the design."""
    for x1 in range(n1 + 1):
        if x1 <= r1:
            yield 1, x1, x1
        else:
            for x2 in range(n - n1 + 1):
                yield 2, x1, x1 + x2


def _prob(stage: int, x1: int, total: int, p: float, n1: int, n: int) -> float:
    from scipy.stats import binom

    if stage == 1:
        return float(binom.pmf(x1, n1, p))
    return float(binom.pmf(x1, n1, p) * binom.pmf(total - x1, n - n1, p))


@settings(max_examples=20, deadline=None)
@given(st.floats(0.02, 0.95))
def test_umvue_is_unbiased(p: float) -> None:
    r1, n1, _, n = DESIGN
    mean = sum(_prob(s, x1, t, p, n1, n) * umvue(r1, n1, n, s, t)
               for s, x1, t in _outcomes(r1, n1, n))
    assert mean == pytest.approx(p, abs=1e-10)


def test_p_value_at_rejection_boundary_is_exact_alpha() -> None:
    # P(stage 2 and > r responses | p0) is the design's exact α, so the P value of the
    # least extreme rejecting outcome (r + 1 responses) equals it.
    r1, n1, r, n = DESIGN
    res = simon_inference(r1, n1, r, n, 0.1, x1=2, x2=r + 1 - 2)
    assert res.p_value == pytest.approx(simon_design(*DESIGN, 0.1, 0.3).alpha, rel=1e-12)
    assert res.p_value <= 0.05
    just_below = simon_inference(r1, n1, r, n, 0.1, x1=2, x2=r - 2)
    assert just_below.p_value > 0.05


def test_stage1_stop_p_value_and_interval() -> None:
    res = simon_inference(1, 10, 5, 29, 0.1, x1=1)
    assert res.stage == 1
    assert res.umvue == res.mle == 0.1
    # stage-wise ordering: P(X1 ≥ 1) at p0 = 1 − 0.9^10
    assert res.p_value == pytest.approx(1 - 0.9**10, rel=1e-12)
    # upper limit: P(X1 ≤ 1; p) = 0.05 — the binomial (Clopper-Pearson-type) limit
    from scipy.stats import binom

    assert binom.cdf(1, 10, res.ci_upper) == pytest.approx(0.05, rel=1e-8)


def test_interval_coverage_is_at_least_nominal() -> None:
    r1, n1, r, n = DESIGN
    cis = {}
    for s, x1, t in _outcomes(r1, n1, n):
        x2 = None if s == 1 else t - x1
        res = simon_inference(r1, n1, r, n, 0.1, x1=x1, x2=x2, alpha=0.05)
        cis[(s, x1, t)] = (res.ci_lower, res.ci_upper)
    for p in (0.05, 0.1, 0.2, 0.3, 0.5, 0.8):
        cover = sum(_prob(s, x1, t, p, n1, n) for (s, x1, t), (lo, hi) in cis.items()
                    if lo <= p <= hi)
        assert cover >= 0.90 - 1e-9


def test_inference_refuses_inconsistent_counts() -> None:
    with pytest.raises(InputError) as e:
        simon_inference(1, 10, 5, 29, 0.1, x1=1, x2=3)
    assert e.value.field == "x2"
    with pytest.raises(InputError) as e:
        simon_inference(1, 10, 5, 29, 0.1, x1=3)
    assert e.value.field == "x2"
    with pytest.raises(InputError) as e:
        simon_inference(1, 10, 5, 29, 0.1, x1=3, x2=20)
    assert e.value.field == "x2"
