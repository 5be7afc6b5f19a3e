"""Kaplan-Meier and forest figures: what is drawn, read back through the artists' gids.

The curves, confidence bands, censor marks, medians, numbers at risk and log-rank P drawn are
compared with R ``survival`` 3.5-3 (``survfit``, ``summary(fit, times=)``, ``survdiff``,
``coxph``) as stored in tests/stats/results/survival_r.py (its R code beside it) on the public
data sets aml, lung and veteran (tests/stats/data); the figures of a cohort with hdil2's own
engines (hdil2.stats, itself checked against R) on the synthetic lee2000 cohort.  One rendered
PNG per figure is compared with a stored baseline.
"""

from __future__ import annotations

import importlib.util
import math
import random
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hdil2.core.errors import InputError
from hdil2.report.data import PATIENTS, CohortData, check_table
from hdil2.report.figures.forest import cox_forest_from, forest_figure
from hdil2.report.figures.survival import km_figure, km_from
from hdil2.stats.cox import cox_ph
from hdil2.stats.kaplan_meier import kaplan_meier

STATS = Path(__file__).resolve().parents[1] / "stats"
RTOL = 1e-6  # as the statistics tests: R's numbers to 1e-6


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SUPPORT = _load("hdil2_report_stats_support", STATS / "hdil2_stats_support.py")
REF = SUPPORT.load_results("survival_r")
#: the group column of each R case and how R names a stratum ("x=Maintained")
GROUP = {"aml": "x", "lung_sex": "sex", "veteran_trt": "trt", "lung_all": None,
         "ties": None, "plateau": None, "half": None}


# ---- reading a figure back -------------------------------------------------------------------

def artists(fig: Any) -> dict[str, Any]:
    """Every artist with a gid, by gid (each gid once)."""
    out: dict[str, Any] = {}
    for ax in fig.axes:
        for a in [*ax.get_children(), *ax.texts]:
            gid = a.get_gid()
            if gid:
                assert gid not in out or out[gid] is a, gid
                out[gid] = a
    return out


def at_risk(fig: Any, group: str) -> dict[int, int]:
    """The numbers at risk drawn for ``group``: day (from the gid) -> number."""
    out = {}
    for gid, a in artists(fig).items():
        if gid.startswith(f"at-risk:{group}:"):
            out[int(gid.rsplit(":", 1)[1])] = int(a.get_text())
    return out


def band_vertices(fig: Any, group: str) -> np.ndarray:
    coll = artists(fig)[f"km-ci:{group}"]
    return np.concatenate([p.vertices for p in coll.get_paths()])


def has_vertex(vertices: np.ndarray, x: float, y: float) -> bool:
    return bool(np.any(np.isclose(vertices[:, 0], x, rtol=1e-12, atol=0)
                       & np.isclose(vertices[:, 1], y, rtol=RTOL, atol=1e-12)))


def r_case(case: str) -> tuple[pd.DataFrame, str | None]:
    return SUPPORT.survival_case(case), GROUP[case]


def r_strata(case: str, conf_type: str) -> dict[str, dict[str, Any]]:
    """R's curves of ``case``: group as hdil2 names it ("Maintained", "1", "all") -> values."""
    return {stratum.partition("=")[2] or stratum: v
            for (c, stratum, ct), v in REF.KM.items() if c == case and ct == conf_type}


def r_figure(case: str, conf_type: str = "log", **kw: Any) -> Any:
    df, col = r_case(case)
    return km_figure(df["time"].to_numpy(), df["status"].to_numpy(),
                     None if col is None else df[col].to_numpy(), time_unit="days",
                     conf_type=conf_type, **kw)


# ---- Kaplan-Meier against R ------------------------------------------------------------------

KM_CASES = [("aml", "log"), ("aml", "log-log"), ("aml", "plain"), ("lung_sex", "log"),
            ("lung_all", "log"), ("veteran_trt", "plain"), ("ties", "log"), ("plateau", "log"),
            ("half", "log")]


@pytest.mark.parametrize(("case", "conf_type"), KM_CASES)
def test_item3_km_steps_bands_censor_marks_and_medians_are_r_survfit(case: str,
                                                                     conf_type: str) -> None:
    fig = r_figure(case, conf_type)
    drawn = artists(fig)
    for group, ref in r_strata(case, conf_type).items():
        # the step line: (0, 1), then (time, surv) at every distinct time, as R's fit
        xy = drawn[f"km:{group}"].get_xydata()
        assert drawn[f"km:{group}"].get_drawstyle() == "steps-post"
        np.testing.assert_array_equal(xy[0], [0.0, 1.0])
        np.testing.assert_allclose(xy[1:, 0], ref["time"], rtol=0)
        np.testing.assert_allclose(xy[1:, 1], ref["surv"], rtol=RTOL)
        # the band: R's lower and upper limit at each time where R has one
        verts = band_vertices(fig, group)
        for t, lo, hi in zip(ref["time"], ref["lower"], ref["upper"], strict=True):
            if lo is not None:
                assert has_vertex(verts, t, lo), (group, t, lo)
                assert has_vertex(verts, t, hi), (group, t, hi)
        defined = [lo for lo in ref["lower"] if lo is not None]
        assert verts[:, 1].min() == pytest.approx(min([*defined, 1.0]), rel=RTOL)
        # the censor marks: exactly the times R counts a censoring, on the curve
        cens = drawn[f"km-censor:{group}"].get_xydata()
        want = [(t, s) for t, c, s in zip(ref["time"], ref["n_censor"], ref["surv"],
                                          strict=True) if c > 0]
        np.testing.assert_allclose(cens, np.array(want).reshape(-1, 2), rtol=RTOL)
        assert drawn[f"km-censor:{group}"].get_marker() == "+"
        # the median: guide lines at R's median, or none where R has none
        median = ref["median"][0]
        if median is None:
            assert f"median:{group}" not in drawn
        else:
            np.testing.assert_allclose(drawn[f"median:{group}"].get_xydata(),
                                       [[0, 0.5], [median, 0.5], [median, 0]], rtol=RTOL)


@pytest.mark.parametrize("case", ["aml", "lung_sex", "lung_all", "veteran_trt", "ties"])
def test_item3_numbers_at_risk_are_r_summary_n_risk(case: str) -> None:
    ref = r_strata(case, "log")
    times = next(iter(ref.values()))["landmark_times"]
    fig = r_figure(case, at_risk_times=times)
    for group, r in ref.items():
        assert at_risk(fig, group) == {round(t): int(n) for t, n in
                                       zip(r["landmark_times"], r["landmark_n_risk"],
                                           strict=True)}
        assert r["landmark_times"] == times


# R survdiff's P (tests/stats/results/survival_r.py LOGRANK, rho 0) as printed on the figure
LOGRANK_TEXT = {"aml": "Log-rank P = 0.065", "lung_sex": "Log-rank P = 0.001",
                "veteran_trt": "Log-rank P = 0.928"}


@pytest.mark.parametrize("case", sorted(LOGRANK_TEXT))
def test_item3_logrank_p_is_r_survdiff(case: str) -> None:
    p = REF.LOGRANK[(case, 0)]["pvalue"][0]
    assert LOGRANK_TEXT[case] == f"Log-rank P = {p:.3f}"  # the hard-coded text is R's P
    assert artists(r_figure(case))["logrank"].get_text() == LOGRANK_TEXT[case]


def test_item3_logrank_p_below_0001_and_absent_for_one_group() -> None:
    assert REF.LOGRANK[("veteran_celltype", 0)]["pvalue"][0] < 0.001
    df = SUPPORT.survival_case("veteran")
    fig = km_figure(df["time"], df["status"], df["celltype"].to_numpy())
    assert artists(fig)["logrank"].get_text() == "Log-rank P < 0.001"
    assert "logrank" not in artists(r_figure("lung_all"))
    assert "logrank" not in artists(r_figure("aml", logrank=False))


@pytest.mark.parametrize(("unit", "factor"), [("months", 30.4375), ("years", 365.25)])
def test_item3_time_unit_changes_the_axis_only(unit: str, factor: float) -> None:
    df, _ = r_case("lung_all")
    ref = r_strata("lung_all", "log")["all"]
    fig = km_figure(df["time"], df["status"], time_unit=unit)
    xy = artists(fig)["km:all"].get_xydata()
    np.testing.assert_allclose(xy[1:, 0] * factor, ref["time"], rtol=1e-12)
    np.testing.assert_allclose(xy[1:, 1], ref["surv"], rtol=RTOL)
    np.testing.assert_allclose(artists(fig)["median:all"].get_xydata()[1, 0] * factor,
                               ref["median"][0], rtol=1e-12)
    assert fig.axes[0].get_xlabel() == f"Time ({unit})"
    # the default times at risk are the axis's ticks (in days), each count = #{time >= t}
    ticks = fig.axes[0].get_xticks()
    assert 0 in ticks
    assert len(ticks) >= 3
    t = df["time"].to_numpy()
    texts = {round(a.get_position()[0] * factor, 6): int(a.get_text())
             for gid, a in artists(fig).items() if gid.startswith("at-risk:all:")}
    assert sorted(texts) == sorted(round(x * factor, 6) for x in ticks)
    for day, n in texts.items():
        assert n == int((t >= day - 1e-9).sum())
    assert texts[0] == 228


def test_item3_numbers_at_risk_sit_under_the_plot_in_columns_of_its_time_axis() -> None:
    fig = r_figure("aml")
    fig.draw_without_rendering()  # the constrained layout places the axes
    plot, table = fig.axes
    assert table.get_position().y1 < plot.get_position().y0
    assert table.get_xlim() == plot.get_xlim()  # shared: each number under its time
    assert table.get_title(loc="left") == "Number at risk"
    drawn = artists(fig)
    for gid in ("at-risk:Maintained:0", "at-risk:Nonmaintained:0"):
        assert drawn[gid].axes is table
    assert drawn["at-risk:Maintained:0"].get_position()[1] != (
        drawn["at-risk:Nonmaintained:0"].get_position()[1])  # one row per group


def test_item3_km_from_duration_of_response_counts_from_the_response() -> None:
    pts = pd.DataFrame({"patient": ["P1", "P2", "P3", "P4"],
                        "disease": ["rcc", "rcc", "melanoma", "melanoma"],
                        "dor_days": [300, None, 120, 45], "dor_event": [False, None, True, True]},
                       dtype=object)
    fig = km_from(CohortData(pts), "dor", time_unit="days")
    assert fig.axes[0].get_title() == "Duration of response"
    assert fig.axes[0].get_xlabel() == "Days from the response"
    assert artists(fig)["km:melanoma"].get_xydata().tolist() == [[0, 1], [45, 0.5], [120, 0]]
    assert artists(fig)["km:rcc"].get_xydata().tolist() == [[0, 1], [300, 1]]
    assert at_risk(fig, "melanoma")[0] == 2
    assert at_risk(fig, "rcc")[0] == 1


def test_item3_no_band_no_median_when_not_asked() -> None:
    drawn = artists(r_figure("aml", conf_int=False, show_median=False))
    assert not any(g.startswith(("km-ci:", "median:")) for g in drawn)
    assert {"km:Maintained", "km:Nonmaintained"} <= set(drawn)


def test_item3_group_order_and_names() -> None:
    time = [10, 20, 30, 40, 50, 60]
    event = [1, 0, 1, 1, 0, 1]
    group = ["rcc", "melanoma", "not recorded", "rcc", "melanoma", "not recorded"]
    fig = km_figure(time, event, group)
    table = fig.axes[1]
    assert [t.get_text() for t in table.get_yticklabels()] == [
        "Melanoma", "Renal cell carcinoma", "not recorded"]
    fig = km_figure(time, event, group, group_order=["rcc", "not recorded", "melanoma"])
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == [
        "Renal cell carcinoma", "not recorded", "Melanoma"]
    # the first group takes the first colour in the curve and its row of the table
    colour = artists(fig)["km:rcc"].get_color()
    assert fig.axes[1].get_yticklabels()[0].get_color() == colour
    assert artists(fig)["at-risk:rcc:0"].get_color() == colour


# ---- Hypothesis: any data ---------------------------------------------------------------------

ROWS = st.lists(st.tuples(st.integers(0, 400), st.booleans(), st.sampled_from("ab")),
                min_size=1, max_size=30)


@settings(max_examples=25, deadline=None)
@given(ROWS, st.lists(st.integers(0, 450), max_size=4, unique=True))
def test_item3_invariants_of_any_km_figure(rows: list[tuple[int, bool, str]],
                                           times: list[int]) -> None:
    t = np.array([r[0] for r in rows], dtype=float)
    e = np.array([int(r[1]) for r in rows])
    g = np.array([r[2] for r in rows])
    fig = km_figure(t, e, g, time_unit="days", at_risk_times=times)
    drawn = artists(fig)
    for group in sorted(set(g.tolist())):
        tg, eg = t[g == group], e[g == group]
        xy = drawn[f"km:{group}"].get_xydata()
        assert tuple(xy[0]) == (0.0, 1.0)
        assert np.all(np.diff(xy[:, 0]) >= 0)
        assert np.all(np.diff(xy[:, 1]) <= 1e-15)
        assert len(xy) == 1 + len(set(tg.tolist()))
        censored = sorted({x for x, ev in zip(tg.tolist(), eg.tolist(), strict=True)
                           if not ev})
        assert drawn[f"km-censor:{group}"].get_xdata().tolist() == censored
        assert at_risk(fig, group) == {d: int((tg >= d).sum()) for d in times}
    assert ("logrank" in drawn) == (len(set(g.tolist())) == 2)
    if "logrank" in drawn:
        assert drawn["logrank"].get_text().startswith("Log-rank P")


# ---- the cohort: lee2000's synthetic patients --------------------------------------------------

@cache
def lee2000() -> CohortData:
    """The synthetic lee2000 cohort's patients table (no database): survival from its
    follow-up records, characteristics from its patient records."""
    from hdil2.registry.synthetic import generate

    rows = []
    for r in generate().records:
        p, f = r.patient, r.follow_up
        row: dict[str, Any] = dict.fromkeys(PATIENTS)
        row.update(patient=p.id, disease=p.disease, sex=p.sex, age=p.age_years, ecog=p.ecog,
                   start=f.start, courses=len(r.courses), os_days=f.os_days,
                   os_event=f.os_event, pfs_days=f.pfs_days, pfs_event=f.pfs_event)
        rows.append(row)
    patients = pd.DataFrame(rows, columns=list(PATIENTS), dtype=object)
    return CohortData(check_table("patients", patients), title="lee2000 synthetic")


def test_item3_km_from_draws_one_curve_per_disease_with_everyone_at_risk_at_day_0() -> None:
    data = lee2000()
    fig = km_from(data, "os")
    drawn = artists(fig)
    assert sorted(g for g in drawn if g.startswith("km:")) == ["km:melanoma", "km:rcc"]
    assert at_risk(fig, "melanoma")[0] == 149
    assert at_risk(fig, "rcc")[0] == 201
    assert fig.axes[0].get_title() == "Overall survival"
    assert fig.axes[0].get_xlabel() == "Months from the first dose"
    pts = data.patients
    for disease in ("melanoma", "rcc"):
        sub = pts[pts["disease"] == disease]
        km = kaplan_meier(sub["os_days"].astype(float), sub["os_event"].astype(int))
        xy = drawn[f"km:{disease}"].get_xydata()
        np.testing.assert_allclose(xy[1:, 0] * 30.4375, km.time, rtol=1e-12)
        np.testing.assert_allclose(xy[1:, 1], km.surv, rtol=1e-12)
        # every drawn number at risk is a count of the patients still followed at its time
        drawn_n = {a.get_position()[0] * 30.4375: int(a.get_text())
                   for gid, a in drawn.items() if gid.startswith(f"at-risk:{disease}:")}
        assert len(drawn_n) >= 3
        for day, n in drawn_n.items():
            assert n == int((sub["os_days"] >= day - 1e-9).sum())
    assert drawn["logrank"].get_text().startswith("Log-rank P")


def test_item3_km_from_pfs_by_nothing_and_by_a_column() -> None:
    data = lee2000()
    fig = km_from(data, "pfs", by=None)
    assert fig.axes[0].get_title() == "Progression-free survival"
    assert at_risk(fig, "all")[0] == 350
    assert "logrank" not in artists(fig)
    fig = km_from(data, "os", by="sex")
    assert sum(at_risk(fig, s)[0] for s in ("female", "male")) == 350


def test_item3_km_from_leaves_out_rows_without_the_endpoint() -> None:
    pts = lee2000().patients.copy()
    pts.loc[:9, "os_days"] = None
    pts.loc[10:14, "disease"] = None
    fig = km_from(CohortData(pts), "os")
    counts = {g: at_risk(fig, g)[0] for g in ("melanoma", "rcc", "not recorded")}
    assert sum(counts.values()) == 340
    assert counts["not recorded"] == 5
    assert fig.axes[1].get_yticklabels()[-1].get_text() == "not recorded"


def test_item3_km_from_without_rows_says_not_in_the_data() -> None:
    with pytest.raises(InputError) as e:
        km_from(lee2000(), "dor")  # nobody's duration of response is in this table
    assert e.value.field == "patients"
    assert e.value.message.startswith("no rows to plot")
    with pytest.raises(InputError) as e:
        km_from(CohortData(None), "os")
    assert e.value.field == "patients"


# ---- forest ------------------------------------------------------------------------------------

def lung_model() -> Any:
    """R's coxph(Surv(time, status) ~ age + sexc + factor(ph.ecog), lung) (the case
    lung_age_sexc_ecogf of tests/stats/results/survival_r.R), fitted by hdil2."""
    df = SUPPORT.survival_case("lung")
    age = [None if a != a else a for a in df["age"].tolist()]
    ecog = [None if v != v else v for v in df["ph.ecog"].tolist()]
    sexc = ["male" if s == 1 else "female" for s in df["sex"]]
    return cox_ph(df["time"], df["status"], {"age": age, "sexc": sexc, "ph.ecog": ecog},
                  categorical=["ph.ecog"])


def forest_points(fig: Any, label: str) -> tuple[float, float, float]:
    drawn = artists(fig)
    hr = drawn[f"forest:{label}"].get_xydata()
    ci = drawn[f"forest-ci:{label}"].get_xydata()
    assert hr.shape == (1, 2)
    assert ci.shape == (2, 2)
    assert hr[0, 1] == ci[0, 1] == ci[1, 1]  # one row
    return float(hr[0, 0]), float(ci[0, 0]), float(ci[1, 0])


def test_item3_forest_points_and_ci_ends_are_r_coxph() -> None:
    ref = REF.COX_FACTOR["lung_age_sexc_ecogf"]
    fig = forest_figure(lung_model())
    labels = ["age", "sexc: male vs female", "ph.ecog: 1 vs 0", "ph.ecog: 2 vs 0",
              "ph.ecog: 3 vs 0"]  # R's terms age, sexcmale, factor(ph.ecog)1..3
    assert fig.axes[0].get_xscale() == "log"
    rows_y = []
    for k, label in enumerate(labels):
        hr, lo, hi = forest_points(fig, label)
        assert hr == pytest.approx(ref["hr"][k], rel=RTOL)
        assert lo == pytest.approx(ref["hr_lower"][k], rel=RTOL)
        assert hi == pytest.approx(ref["hr_upper"][k], rel=RTOL)
        rows_y.append(artists(fig)[f"forest:{label}"].get_xydata()[0, 1])
        text = artists(fig)[f"forest-text:{label}"].get_text()
        assert text == (f"{ref['hr'][k]:.2f} ({ref['hr_lower'][k]:.2f}\u2013"
                        f"{ref['hr_upper'][k]:.2f})")
    assert rows_y == sorted(rows_y, reverse=True)  # top to bottom in the model's order
    # R's P: 0.2464, 0.001176, 0.03995, 7.5e-05, 0.05767
    assert [artists(fig)[f"forest-p:{lab}"].get_text() for lab in labels] == [
        "0.246", "0.001", "0.040", "<0.001", "0.058"]
    assert list(artists(fig)["forest-ref"].get_xdata()) == [1.0, 1.0]


def test_item3_forest_axis_names_the_model_level() -> None:
    df = SUPPORT.survival_case("aml")
    model = cox_ph(df["time"], df["status"], {"x": df["x"].tolist()}, level=0.9)
    fig = forest_figure(model)
    assert fig.axes[0].get_xlabel() == "Hazard ratio (90% CI)"
    assert "forest:x: Nonmaintained vs Maintained" in artists(fig)


def test_item3_forest_from_rows_or_dataframe_draws_the_same() -> None:
    ref = REF.COX_FACTOR["veteran_celltype_ref_squamous"]
    rows = [(name, hr, lo, hi, p) for name, hr, lo, hi, p in zip(
        ref["terms"], ref["hr"], ref["hr_lower"], ref["hr_upper"], ref["p"], strict=True)]
    a = forest_figure(rows)
    b = forest_figure(pd.DataFrame(rows, columns=["label", "hr", "lower", "upper", "p"]))
    for name, hr, lo, hi, _ in rows:
        assert forest_points(a, name) == forest_points(b, name) == (hr, lo, hi)


def coded(pts: pd.DataFrame) -> tuple[Any, Any, dict[str, list[Any]]]:
    """The covariates as cox_forest_from documents them, for a direct fit."""
    return (pts["os_days"].astype(float).to_numpy(), pts["os_event"].astype(int).to_numpy(),
            {"disease": pts["disease"].tolist(),
             "ecog": [float(v >= 1) for v in pts["ecog"]],
             "sex": pts["sex"].tolist(),
             "age": [v / 10 for v in pts["age"]]})


def test_item3_cox_forest_from_lee2000_is_cox_ph_of_the_coded_covariates() -> None:
    data = lee2000()
    fig = cox_forest_from(data)
    t, e, cov = coded(data.patients)
    model = cox_ph(t, e, cov, reference={"disease": "melanoma", "sex": "male"})
    labels = ["Disease: renal cell carcinoma vs melanoma", "ECOG \u22651 vs 0",
              "Sex: female vs male", "Age (per 10 years)"]
    for label, term in zip(labels, model.terms, strict=True):
        assert forest_points(fig, label) == (term.hr, term.hr_lower, term.hr_upper)
    note = artists(fig)["forest-note"].get_text()
    assert note.startswith(f"Cox model (Efron ties): 350 patients, {model.events} events")
    assert "left out" not in note
    assert fig.axes[0].get_title(loc="left") == "Overall survival: hazard ratios"


def test_item3_cox_forest_from_counts_dropped_rows_and_leaves_out_one_level() -> None:
    pts = lee2000().patients.copy()
    pts.loc[:6, "ecog"] = None
    mel = pts[pts["disease"] == "melanoma"].reset_index(drop=True)
    fig = cox_forest_from(CohortData(mel))
    note = artists(fig)["forest-note"].get_text()
    n_missing = int(mel["ecog"].isna().sum())
    assert n_missing == 7
    assert f"{149 - n_missing} patients" in note
    assert f"{n_missing} patient(s) left out for a missing covariate (ecog: {n_missing})" in note
    assert "disease left out (one value among the patients: melanoma)" in note
    assert not any(g.startswith("forest:Disease") for g in artists(fig))
    keep = mel.dropna(subset=["ecog"])
    t, e, cov = coded(keep)
    del cov["disease"]
    model = cox_ph(t, e, cov, reference={"sex": "male"})
    assert forest_points(fig, "Age (per 10 years)") == (
        model.terms[-1].hr, model.terms[-1].hr_lower, model.terms[-1].hr_upper)
    ecog0 = lee2000().patients.copy()
    ecog0["ecog"] = 0
    note = artists(cox_forest_from(CohortData(ecog0)))["forest-note"].get_text()
    assert note.endswith("ecog left out (one value among the patients: ECOG 0)")


# ---- images ------------------------------------------------------------------------------------

def small_cohort() -> tuple[list[float], list[int], list[str]]:
    """40 patients, fixed: exponential times (median 15 months melanoma, 30 renal), censored
    at random follow-up (Python's Mersenne Twister, seed 13, the same on every platform)."""
    rng = random.Random(13)
    time, event, group = [], [], []
    for k in range(40):
        disease = "melanoma" if k % 2 else "rcc"
        median = 15 if disease == "melanoma" else 30
        t = round(rng.expovariate(math.log(2) / (median * 30.4375)))
        c = round(rng.uniform(180, 1800))
        time.append(float(min(t, c)))
        event.append(int(t <= c))
        group.append(disease)
    return time, event, group


def test_item3_image_km_os_by_disease(image_matches: Any) -> None:
    time, event, group = small_cohort()
    image_matches(km_figure(time, event, group, title="Overall survival"), "km_os_by_disease")


def test_item3_image_km_single_group(image_matches: Any) -> None:
    time, event, _ = small_cohort()
    image_matches(km_figure(time, event, title="Overall survival"), "km_single_group")


def test_item3_image_forest_os(image_matches: Any) -> None:
    rows = [("Disease: renal cell carcinoma vs melanoma", 0.62, 0.41, 0.94, 0.024),
            ("ECOG \u22651 vs 0", 1.85, 1.20, 2.85, 0.0052),
            ("Sex: female vs male", 0.91, 0.60, 1.38, 0.66),
            ("Age (per 10 years)", 1.08, 0.93, 1.26, 0.31)]
    image_matches(forest_figure(rows, title="Overall survival: hazard ratios",
                                note="Cox model (Efron ties): 120 patients, 85 events"),
                  "forest_os")


# ---- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("kw", "field"), [
    ({"event": [1, 0]}, "event"),  # one value short
    ({"group": ["a", "b"]}, "group"),
    ({"time": [1.0, -2.0, 3.0]}, "time[1]"),
    ({"time": [1.0, math.nan, 3.0]}, "time[1]"),
    ({"event": [1, 2, 0]}, "event[1]"),
    ({"time_unit": "weeks"}, "time_unit"),
    ({"conf_type": "arcsin"}, "conf_type"),
    ({"level": 1.5}, "level"),
    ({"at_risk_times": [30, -1]}, "at_risk_times[1]"),
    ({"at_risk_times": [30, 30.2]}, "at_risk_times[1]"),
    ({"at_risk_times": [30, "x"]}, "at_risk_times[1]"),
    ({"group_order": ["a", "c"]}, "group_order[1]"),
    ({"group_order": ["a"]}, "group_order"),
    ({"group": ["a", None, "b"]}, "group[1]"),
])
def test_item3_km_bad_input_names_the_field(kw: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"time": [1.0, 2.0, 3.0], "event": [1, 0, 1],
                            "group": ["a", "b", "a"]}
    args.update(kw)
    with pytest.raises(InputError) as e:
        km_figure(args.pop("time"), args.pop("event"), args.pop("group"), **args)
    assert e.value.field == field


def test_item3_km_from_bad_input_names_the_field() -> None:
    data = lee2000()
    for kw, field in (({"endpoint": "ttf"}, "endpoint"), ({"by": "colour"}, "patients.colour"),
                      ({"time_unit": "weeks"}, "time_unit")):
        with pytest.raises(InputError) as e:
            km_from(data, **kw)
        assert e.value.field == field
    pts = data.patients.copy()
    pts.loc[3, "os_days"] = "twelve"
    with pytest.raises(InputError) as e:
        km_from(CohortData(pts))
    assert (e.value.field, e.value.message) == ("patients.os_days", "row 4: must be a int")
    pts = data.patients.copy()
    pts.loc[5, "disease"] = 7
    with pytest.raises(InputError) as e:
        km_from(CohortData(pts))
    assert (e.value.field, e.value.message) == ("patients.disease", "row 6: must be a str")
    pts = data.patients.drop(columns=["os_event"])
    with pytest.raises(InputError) as e:
        km_from(CohortData(pts))
    assert e.value.field == "patients.os_event"


@pytest.mark.parametrize(("rows", "field"), [
    ([("a", 0.0, 0.0, 1.0, 0.5)], "terms[0].hr"),
    ([("a", 1.0, 1.2, 2.0, 0.5)], "terms[0]"),
    ([("a", 1.0, 0.5, math.inf, 0.5)], "terms[0].upper"),
    ([("a", 1.0, 0.5, 2.0, 1.5)], "terms[0].p"),
    ([("a", 1.0, 0.5, 2.0, 0.5), ("a", 1.0, 0.5, 2.0, 0.5)], "terms[1].label"),
    ([("a", "x", 0.5, 2.0, 0.5)], "terms[0].hr"),
    ([("a", 1.0, 0.5)], "terms[0]"),
    ([], "terms"),
    ("HR", "terms"),
])
def test_item3_forest_bad_input_names_the_field(rows: Any, field: str) -> None:
    with pytest.raises(InputError) as e:
        forest_figure(rows)
    assert e.value.field == field


def test_item3_cox_forest_from_bad_input_names_the_field() -> None:
    data = lee2000()
    for kw, field in (({"endpoint": "ttf"}, "endpoint"),
                      ({"covariates": ("disease", "shoe_size")}, "patients.shoe_size"),
                      ({"covariates": ()}, "covariates"),
                      ({"covariates": ("age", "age")}, "covariates")):
        with pytest.raises(InputError) as e:
            cox_forest_from(data, **kw)
        assert e.value.field == field
    with pytest.raises(InputError) as e:
        cox_forest_from(data, "dor")
    assert e.value.field == "patients"
    pts = data.patients.copy()
    pts.loc[0, "ecog"] = "good"
    with pytest.raises(InputError) as e:
        cox_forest_from(CohortData(pts))
    assert e.value.field == "patients.ecog"


def test_item3_km_figure_names_the_row_of_a_series_by_position() -> None:
    t = pd.Series([1.0, -2.0, 3.0], index=[10, 11, 12])  # a filtered frame's column
    with pytest.raises(InputError) as e:
        km_figure(t, pd.Series([1, 0, 1], index=[10, 11, 12]))
    assert (e.value.field, e.value.value) == ("time[1]", -2.0)


def test_item3_logrank_not_computable_is_said_not_hidden() -> None:
    # group a leaves (censored) before b's only event: no expected event to compare
    fig = km_figure([0, 1], [0, 1], ["a", "b"], time_unit="days")
    assert artists(fig)["logrank"].get_text() == (
        "Log-rank P not computable (no events to compare)")
