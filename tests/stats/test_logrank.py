"""Log-rank (plain, stratified, G-rho) against R survival 3.5-3 survdiff."""

from __future__ import annotations

import numpy as np
import pytest
from hdil2_stats_support import load_results, survival_case

from hdil2.core.errors import InputError
from hdil2.stats.logrank import logrank_test

REF = load_results("survival_r")
RTOL = 1e-6
SPEC = {  # case -> (data, group column, strata column)
    "aml": ("aml", "x", None),
    "lung_sex": ("lung", "sex", None),
    "veteran_trt": ("veteran", "trt", None),
    "veteran_celltype": ("veteran", "celltype", None),
    "veteran_trt_strata_celltype": ("veteran", "trt", "celltype"),
    "lung_sex_strata_ecog": ("lung", "sex", "ph.ecog"),
}
R_LEVELS = {"celltype": ("squamous", "smallcell", "adeno", "large")}


@pytest.mark.parametrize("key", sorted(REF.LOGRANK), ids=lambda k: f"{k[0]}-rho{k[1]}")
def test_matches_r_survdiff(key: tuple[str, float]) -> None:
    case, rho = key
    data, gcol, scol = SPEC[case]
    df = survival_case(data)
    if scol is not None:
        df = df[df[scol].notna()]
    res = logrank_test(df["time"], df["status"], df[gcol],
                       strata=None if scol is None else df[scol], rho=rho)
    ref = REF.LOGRANK[key]
    # R orders factor levels as stored (celltype: squamous, smallcell, adeno, large)
    order = [res.groups.index(v) for v in R_LEVELS.get(gcol, res.groups)]
    np.testing.assert_allclose(np.array(res.observed)[order], ref["obs"], rtol=RTOL)
    np.testing.assert_allclose(np.array(res.expected)[order], ref["exp"], rtol=RTOL)
    k = len(res.groups)
    var = np.array(res.variance)[np.ix_(order, order)]
    np.testing.assert_allclose(var.ravel(order="F"), ref["var"], rtol=RTOL, atol=1e-12)
    assert res.chisq == pytest.approx(ref["chisq"][0], rel=RTOL)
    assert res.p_value == pytest.approx(ref["pvalue"][0], rel=RTOL)
    assert res.df == k - 1


def test_method_names() -> None:
    df = survival_case("veteran")
    assert logrank_test(df["time"], df["status"], df["trt"]).method == "log_rank"
    assert logrank_test(df["time"], df["status"], df["trt"], rho=1).method == (
        "harrington_fleming_rho_1")
    assert logrank_test(df["time"], df["status"], df["trt"],
                        strata=df["celltype"]).method == "stratified_log_rank"


def test_identical_groups_give_zero_statistic() -> None:
    t = [1, 2, 3, 4, 1, 2, 3, 4]
    e = [1, 1, 0, 1, 1, 1, 0, 1]
    res = logrank_test(t, e, ["a"] * 4 + ["b"] * 4)
    assert res.chisq == pytest.approx(0.0, abs=1e-12)
    assert res.p_value == pytest.approx(1.0)


def test_one_group_refused() -> None:
    with pytest.raises(InputError) as e:
        logrank_test([1, 2], [1, 1], ["a", "a"])
    assert e.value.field == "group"


def test_missing_stratum_named() -> None:
    with pytest.raises(InputError) as e:
        logrank_test([1, 2, 3], [1, 1, 1], ["a", "b", "a"], strata=[1, None, 2])
    assert e.value.field == "strata[1]"


def test_negative_rho_refused() -> None:
    with pytest.raises(InputError) as e:
        logrank_test([1, 2], [1, 1], ["a", "b"], rho=-1)
    assert e.value.field == "rho"


def test_item2_one_packed_key_sort_no_argsort(monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 10 item 2: the log-rank sorts one packed 64-bit key (stratum, time, event, group)
    # as the Kaplan-Meier curve does, instead of an argsort per stratum
    df = survival_case("veteran")
    want = logrank_test(df["time"], df["status"], df["trt"], strata=df["celltype"], rho=0.5)

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("argsort called")

    monkeypatch.setattr(np, "argsort", refused)
    got = logrank_test(df["time"], df["status"], df["trt"], strata=df["celltype"], rho=0.5)
    assert got.to_dict() == want.to_dict()
    plain = logrank_test(df["time"], df["status"], df["celltype"])
    assert plain.df == 3
