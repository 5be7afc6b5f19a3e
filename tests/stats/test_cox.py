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


# ---- issue 8 item 14: categorical covariates, centring, collinearity, missing values --------

def _factor_case(case: str) -> tuple[object, dict[str, object]]:
    """The data and the keyword arguments of cox_ph for a COX_FACTOR case of survival_r.R."""
    if case.startswith("aml"):
        df = survival_case("aml")
        kw: dict[str, object] = {"covariates": {"x": df["x"].tolist()}}
        if case == "aml_x_ref_nonmaintained":
            kw["reference"] = {"x": "Nonmaintained"}
        if case == "aml_x_breslow":
            kw["ties"] = "breslow"
        return df, kw
    if case.startswith("lung"):
        df = survival_case("lung")
        age = [None if a != a else a for a in df["age"].tolist()]
        ecog = [None if v != v else v for v in df["ph.ecog"].tolist()]
        if case == "lung_age_sexc_ecogf":
            sexc = ["male" if s == 1 else "female" for s in df["sex"]]
            return df, {"covariates": {"age": age, "sexc": sexc, "ph.ecog": ecog},
                        "categorical": ["ph.ecog"]}
        if case == "lung_age_sexf_ecogf":
            return df, {"covariates": {"age": age, "sex": df["sex"].tolist(), "ph.ecog": ecog},
                        "categorical": ["sex", "ph.ecog"]}
        assert case == "lung_age_shift_1e8_sex"
        return df, {"covariates": {"age": (df["age"] + 1e8).tolist(),
                                   "sex": df["sex"].tolist()}}
    df = survival_case("veteran")
    kw = {"covariates": {"trt": df["trt"].tolist(), "celltype": df["celltype"].tolist(),
                         "karno": df["karno"].tolist()}}
    if case == "veteran_celltype_ref_squamous":
        kw["reference"] = {"celltype": "squamous"}
    return df, kw


@pytest.mark.parametrize("case", sorted(REF.COX_FACTOR))
def test_item14_categorical_covariates_match_r_coxph(case: str) -> None:
    ref = REF.COX_FACTOR[case]
    df, kw = _factor_case(case)
    m = cox_ph(df["time"], df["status"], **kw)  # type: ignore[arg-type]
    assert m.ties == ref["ties"]
    # R names an indicator column + level; R's formula wrappers (factor(), I()) aside, the
    # names are R's
    want_names = [n.replace("factor(", "").replace(")", "") for n in ref["terms"]]
    if case == "lung_age_shift_1e8_sex":
        want_names = ["age", "sex"]
    assert [t.name for t in m.terms] == want_names
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
    assert (m.n, m.events, m.n_dropped) == (ref["n"], ref["nevent"], ref["n_dropped"])


def test_item14_text_covariate_is_coded_against_the_first_level() -> None:
    df, kw = _factor_case("aml_x")
    m = cox_ph(df["time"], df["status"], **kw)  # type: ignore[arg-type]
    (term,) = m.terms
    assert (term.name, term.covariate, term.level, term.reference) == (
        "xNonmaintained", "x", "Nonmaintained", "Maintained")
    assert term.label() == "x: Nonmaintained vs Maintained"
    assert [f.to_dict() for f in m.factors] == [
        {"covariate": "x", "levels": ["Maintained", "Nonmaintained"], "reference": "Maintained"}]
    assert any(r.rule == "stats.cox_ph.treatment_contrasts" for r in m.reasons)


def test_item14_shift_by_1e8_keeps_r_digits() -> None:
    # R centres covariates: age + 1e8 gives age's coefficient and SE to R's last digits
    ref = REF.COX_FACTOR["lung_age_shift_1e8_sex"]
    df, kw = _factor_case("lung_age_shift_1e8_sex")
    m = cox_ph(df["time"], df["status"], **kw)  # type: ignore[arg-type]
    np.testing.assert_allclose([t.coef for t in m.terms], ref["coef"], rtol=1e-8)
    np.testing.assert_allclose([t.se for t in m.terms], ref["se"], rtol=1e-8)
    # and the unshifted fit (R's lung age + sex) to the same digits
    unshifted = REF.COX[("lung", "efron")]
    np.testing.assert_allclose([t.se for t in m.terms], unshifted["se"], rtol=1e-8)


def test_item14_missing_covariate_rows_dropped_and_counted() -> None:
    df, kw = _factor_case("lung_age_sexc_ecogf")
    m = cox_ph(df["time"], df["status"], **kw)  # type: ignore[arg-type]
    assert (m.n, m.n_dropped, m.missing) == (227, 1, {"ph.ecog": 1})
    na = next(r for r in m.reasons if r.rule == "stats.cox_ph.na_omit")
    assert "1 row(s)" in na.text
    assert "ph.ecog: 1" in na.text


@pytest.mark.parametrize(("cov", "message"), [
    ({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 4, 6, 8, 10, 12]}, "b and a are collinear"),
    ({"a": [1.0, 2, 3, 4, 5, 6], "b": [0.0, 1, 0, 1, 0, 1], "c": [1.0, 3, 3, 5, 5, 7]},
     "c is a linear combination of a, b"),
    ({"g": ["u", "v", "w", "u", "v", "w"], "h": ["p", "q", "q", "p", "q", "q"]},
     "hq is a linear combination of gv, gw"),
])
def test_item14_collinear_covariates_are_named(cov: dict[str, list[object]],
                                              message: str) -> None:
    with pytest.raises(InputError) as e:
        cox_ph([1, 2, 3, 4, 5, 6], [1, 0, 1, 1, 0, 1], cov)
    assert e.value.field == "covariates"
    assert message in e.value.message


@pytest.mark.parametrize(("kw", "field"), [
    ({"covariates": {"x": ["a", "b", "a"]}, "reference": {"x": "c"}}, "reference.x"),
    ({"covariates": {"x": [1.0, 2.0, 3.0]}, "reference": {"x": "1"}}, "reference.x"),
    ({"covariates": {"x": [1.0, 2.0, 3.0]}, "categorical": ["y"]}, "categorical"),
    ({"covariates": {"x": ["a", "a", None]}}, "covariates[x]"),
    ({"covariates": {"x": ["a", 1, "b"]}}, "covariates.x[1]"),
    ({"covariates": {"x": [None, None, None]}}, "covariates"),
])
def test_item14_bad_categorical_input_named(kw: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as e:
        cox_ph([1, 2, 3], [1, 1, 0], **kw)  # type: ignore[arg-type]
    assert e.value.field == field


def test_item14_numeric_level_reference_is_written_as_r_writes_it() -> None:
    df, kw = _factor_case("lung_age_sexf_ecogf")
    kw["reference"] = {"ph.ecog": 1}
    m = cox_ph(df["time"], df["status"], **kw)  # type: ignore[arg-type]
    assert [t.name for t in m.terms] == ["age", "sex2", "ph.ecog0", "ph.ecog2", "ph.ecog3"]
    # with reference 1, level 2's coefficient is R's (2 vs 0) − (1 vs 0)
    ref = REF.COX_FACTOR["lung_age_sexf_ecogf"]["coef"]
    assert m.term("ph.ecog2").coef == pytest.approx(ref[3] - ref[2], rel=1e-6)
    assert m.term("ph.ecog0").coef == pytest.approx(-ref[2], rel=1e-6)


def test_item14_size_bound_acts_before_the_model_matrix() -> None:
    import time as clock

    n = 200_000
    ids = [f"p{i}" for i in range(n)]  # a patient id given as a covariate by mistake
    start = clock.perf_counter()
    with pytest.raises(InputError) as e:
        cox_ph(list(range(n)), [1] * n, {"id": ids})
    assert clock.perf_counter() - start < 5
    assert e.value.field == "covariates"
    assert "199999 model columns" in e.value.message
