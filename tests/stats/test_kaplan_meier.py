"""Kaplan-Meier against R survival 3.5-3 on aml, lung, veteran and synthetic edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hdil2_stats_support import load_results, survival_case
from hypothesis import given, settings
from hypothesis import strategies as st

from hdil2.core.errors import InputError
from hdil2.stats.kaplan_meier import kaplan_meier, kaplan_meier_groups

REF = load_results("survival_r")
RTOL = 1e-6
GROUP = {"aml": "x", "lung_sex": "sex", "veteran_trt": "trt"}


def _curve(case: str, stratum: str, conf_type: str):  # type: ignore[no-untyped-def]
    df = survival_case(case)
    if stratum != "all":
        col, _, value = stratum.partition("=")
        keep = df[col].astype(str) == value
        df = df[keep]
    return kaplan_meier(df["time"].to_numpy(), df["status"].to_numpy(), conf_type=conf_type)


def _close(got: object, want: list[float | None]) -> None:
    g = np.asarray(got, dtype=float)
    w = np.array([np.nan if v is None else v for v in want], dtype=float)
    assert g.shape == w.shape
    assert np.array_equal(np.isnan(g), np.isnan(w)), (g, w)
    finite = np.isfinite(w)
    assert np.array_equal(np.isinf(g), np.isinf(w))
    np.testing.assert_allclose(g[finite], w[finite], rtol=RTOL, atol=1e-12)


@pytest.mark.parametrize("key", sorted(REF.KM), ids=lambda k: "-".join(k))
def test_curve_matches_r(key: tuple[str, str, str]) -> None:
    ref = REF.KM[key]
    km = _curve(*key)
    _close(km.time, ref["time"])
    _close(km.n_risk, ref["n_risk"])
    _close(km.n_event, ref["n_event"])
    _close(km.n_censor, ref["n_censor"])
    _close(km.surv, ref["surv"])
    _close(km.std_err, ref["std_err"])
    _close(km.lower, ref["lower"])
    _close(km.upper, ref["upper"])


@pytest.mark.parametrize("key", sorted(REF.KM), ids=lambda k: "-".join(k))
def test_median_and_ci_match_r(key: tuple[str, str, str]) -> None:
    m = _curve(*key).median
    want = REF.KM[key]["median"]
    for got, w in zip((m.estimate, m.lower, m.upper), want, strict=True):
        if w is None:
            assert got is None
        else:
            assert got == pytest.approx(w, rel=RTOL)


@pytest.mark.parametrize("key", sorted(REF.KM), ids=lambda k: "-".join(k))
def test_landmarks_match_r(key: tuple[str, str, str]) -> None:
    ref = REF.KM[key]
    marks = _curve(*key).at(ref["landmark_times"])
    _close([m.surv for m in marks], ref["landmark_surv"])
    _close([m.lower for m in marks], ref["landmark_lower"])
    _close([m.upper for m in marks], ref["landmark_upper"])
    assert [m.n_risk for m in marks] == ref["landmark_n_risk"]


def test_groups_split_like_r() -> None:
    df = survival_case("aml")
    curves = kaplan_meier_groups(df["time"], df["status"], df["x"])
    assert list(curves) == ["Maintained", "Nonmaintained"]
    assert curves["Nonmaintained"].median.estimate == REF.KM[
        ("aml", "x=Nonmaintained", "log")]["median"][0]


def test_exact_half_plateau_uses_midpoint() -> None:
    # 20 uncensored times: S = 10/20 after the 10th death, so the median is (10 + 11) / 2.
    km = kaplan_meier(range(1, 21), [1] * 20)
    assert km.median.estimate == 10.5
    # plateau running to the last (censored) time: midpoint of 2 and 4
    km = kaplan_meier([1, 2, 3, 4], [1, 1, 0, 0])
    assert km.median.estimate == 3.0


def test_median_not_reached_is_none() -> None:
    km = kaplan_meier([1, 2, 3, 4, 5], [1, 0, 0, 0, 0])
    assert km.median.estimate is None
    assert km.to_dict()["median"]["estimate"] is None


def test_to_dict_is_json_safe() -> None:
    import json

    df = survival_case("veteran")
    d = kaplan_meier(df["time"], df["status"]).to_dict()
    text = json.dumps(d, allow_nan=False)  # raises on NaN/Infinity
    assert '"conf_type": "log"' in text
    assert d["std_err"][-1] == "inf"  # S reaches 0 at the last death


@pytest.mark.parametrize(("time", "event", "field"), [
    ([1, -2], [1, 1], "time[1]"),
    ([1, math.nan], [1, 1], "time[1]"),
    ([1, 2], [1, 2], "event[1]"),
    ([1, 2], [1], "event"),
    ([], [], "time"),
])
def test_bad_input_names_the_field(time: list[float], event: list[int], field: str) -> None:
    with pytest.raises(InputError) as e:
        kaplan_meier(time, event)
    assert e.value.field == field


def test_unknown_conf_type_refused() -> None:
    with pytest.raises(InputError) as e:
        kaplan_meier([1, 2], [1, 1], conf_type="arcsin")
    assert e.value.field == "conf_type"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.booleans()), min_size=1, max_size=40))
def test_curve_invariants(rows: list[tuple[int, bool]]) -> None:
    t = [r[0] for r in rows]
    e = [int(r[1]) for r in rows]
    km = kaplan_meier(t, e)
    assert np.all(np.diff(km.surv) <= 1e-15)  # non-increasing
    assert km.n_event.sum() == sum(e)
    assert km.n_censor.sum() == len(e) - sum(e)
    assert km.n_risk[0] == len(t)
    ok = ~np.isnan(km.lower)
    assert np.all(km.lower[ok] <= km.surv[ok] + 1e-12)
    assert np.all(km.upper[ok] >= km.surv[ok] - 1e-12)
    if sum(e) == 0:
        assert np.all(km.surv == 1.0)
    m = km.median
    if m.estimate is not None and m.lower is not None:
        assert m.lower <= m.estimate
    if m.estimate is not None and m.upper is not None:
        assert m.estimate <= m.upper


def test_item2_group_curves_from_one_sort_no_argsort(monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 10 item 2: the curves of all groups come from one sort of packed keys
    # (group, time, event), not an argsort of the groups and a sort per group
    df = survival_case("veteran")
    want = {k: v.to_dict() for k, v in kaplan_meier_groups(df["time"], df["status"],
                                                            df["celltype"]).items()}

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("argsort called")

    monkeypatch.setattr(np, "argsort", refused)
    got = kaplan_meier_groups(df["time"], df["status"], df["celltype"])
    assert {k: v.to_dict() for k, v in got.items()} == want


def test_item13_bad_value_of_a_filtered_pandas_column_is_named_by_position() -> None:
    """A pandas Series keeps its index labels after filtering; the refusal names the position
    and the value (it raised KeyError: the value was looked up by label)."""
    import pandas as pd

    from hdil2.core.errors import InputError
    from hdil2.stats.kaplan_meier import kaplan_meier

    time = pd.Series([1.0, -2.0, 3.0], index=[10, 11, 12])
    with pytest.raises(InputError) as e:
        kaplan_meier(time, [1, 0, 1])
    assert (e.value.field, e.value.value) == ("time[1]", -2.0)
    event = pd.Series([1.0, 2.0, 0.0], index=[10, 11, 12])
    with pytest.raises(InputError) as e:
        kaplan_meier([1.0, 2.0, 3.0], event)
    assert (e.value.field, e.value.value) == ("event[1]", 2.0)
