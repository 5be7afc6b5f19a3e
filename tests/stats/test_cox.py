"""Cox PH (Efron and Breslow ties) against R survival 3.5-3 coxph on aml, lung and veteran."""

from __future__ import annotations

import numpy as np
import pytest
from hdil2_stats_support import load_results, survival_case

from hdil2.core.errors import InputError
from hdil2.stats.cox import cox_ph

REF = load_results("survival_r")
RTOL = 1e-6


def _design(case: str):  # type: ignore[no-untyped-def]
    if case == "aml":  # R: treatment contrast, Maintained is the reference level
        df = survival_case("aml")
        return df, (df["x"] == "Nonmaintained").astype(float).to_numpy()[:, None], ["x"]
    if case == "lung":
        df = survival_case("lung")
        return df, df[["age", "sex"]].to_numpy(float), ["age", "sex"]
    if case == "veteran":
        df = survival_case("veteran")
        return df, df[["trt", "karno", "age"]].to_numpy(float), ["trt", "karno", "age"]
    df = survival_case("ties")
    return df, (df["time"] % 2).to_numpy(float)[:, None], ["odd"]


@pytest.mark.parametrize("key", sorted(REF.COX), ids=lambda k: "-".join(k))
def test_matches_r_coxph(key: tuple[str, str]) -> None:
    case, ties = key
    ref = REF.COX[key]
    df, x, names = _design(case)
    m = cox_ph(df["time"], df["status"], x, names, ties=ties)
    assert m.ties == ties
    for attr, want in (("coef", "coef"), ("se", "se"), ("hr", "hr"), ("hr_lower", "hr_lower"),
                       ("hr_upper", "hr_upper"), ("z", "z"), ("p_value", "p")):
        np.testing.assert_allclose([getattr(t, attr) for t in m.terms], ref[want], rtol=RTOL)
    np.testing.assert_allclose([m.loglik_null, m.loglik], ref["loglik"], rtol=RTOL)
    tests = {t.method: t for t in m.tests}
    for name, want in (("likelihood_ratio", "lr_test"), ("wald", "wald_test"),
                       ("score_log_rank", "score_test")):
        assert tests[name].statistic == pytest.approx(ref[want][0], rel=RTOL)
        assert tests[name].df == ref[want][1]
        assert tests[name].p_value == pytest.approx(ref[want][2], rel=RTOL)
    assert (m.n, m.events) == (ref["n"], ref["nevent"])


def test_score_test_equals_log_rank_without_ties() -> None:
    # With one binary covariate and no tied times the Cox score test is the log-rank test.
    from hdil2.stats.logrank import logrank_test

    time = [1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18]
    event = [1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1]
    group = [0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0]
    for ties in ("efron", "breslow"):
        m = cox_ph(time, event, [float(g) for g in group], ["g"], ties=ties)
        score = next(t for t in m.tests if t.method == "score_log_rank")
        assert score.statistic == pytest.approx(logrank_test(time, event, group).chisq,
                                                rel=1e-12)


def test_default_ties_is_efron_and_names_the_method() -> None:
    df, x, names = _design("aml")
    m = cox_ph(df["time"], df["status"], x, names)
    assert m.ties == "efron"
    assert m.reasons[1].source == "efron1977"
    assert m.term("x").hr == pytest.approx(REF.COX[("aml", "efron")]["hr"][0], rel=RTOL)


def test_constant_covariate_refused() -> None:
    with pytest.raises(InputError) as e:
        cox_ph([1, 2, 3], [1, 1, 0], [[1.0], [1.0], [1.0]], ["c"])
    assert e.value.field == "covariates[c]"


def test_no_events_refused() -> None:
    with pytest.raises(InputError) as e:
        cox_ph([1, 2, 3], [0, 0, 0], [0.0, 1.0, 0.0])
    assert e.value.field == "event"


def test_monotone_likelihood_refused() -> None:
    # every event in group 1, every group-0 subject outlives them: β → ∞
    with pytest.raises(InputError) as e:
        cox_ph([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 0, 0], [1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    assert e.value.field == "covariates"


def test_bad_ties_refused() -> None:
    with pytest.raises(InputError) as e:
        cox_ph([1, 2, 3], [1, 1, 0], [0.0, 1.0, 0.0], ties="exact")
    assert e.value.field == "ties"
