"""The ``hdil2 stats`` and ``hdil2 design`` commands: JSON output, errors, schemas.

The numbers the commands print are checked against R (results/*.py, made by results/*.R), the
papers' printed values and closed forms written out here (issue 8 item 21).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hdil2_stats_support import load_results
from scipy.stats import norm

from hdil2.app import names
from hdil2.cli.app import main
from hdil2.cli.schema import json_schema

DATA = Path(__file__).resolve().parent / "data"
SURV = load_results("survival_r")
PROP = load_results("proportions_r")
RPACT = load_results("design_rpact")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_rate_json(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "stats", "rate", "--x", "22", "--n", "96")
    assert d["ci"]["method"] == "clopper-pearson"
    ref = PROP.RATES[(22, 96)]
    assert (d["ci"]["lower"], d["ci"]["upper"]) == pytest.approx(tuple(ref["clopper_pearson"]),
                                                                 rel=1e-6)
    assert d["estimate"] == ref["estimate"][0]
    assert d["reasons"][0]["source"] == "clopper1934"


def test_compare_reproduces_atkins2004(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "stats", "compare", "--x1", "22", "--n1", "96", "--x2", "9",
                 "--n2", "96")
    fisher, yates, pearson = d["tests"]
    assert fisher["method"] == "fisher_exact_two_sided"
    assert f"{fisher['p_value']:.3f}" == "0.018"  # as atkins2004 prints it
    ref = PROP.TWO_BY_TWO[(22, 96, 9, 96)]
    assert fisher["p_value"] == pytest.approx(ref["fisher_p"][0], rel=1e-6)
    assert [yates["statistic"], yates["p_value"]] == pytest.approx(ref["yates"], rel=1e-6)
    assert [pearson["statistic"], pearson["p_value"]] == pytest.approx(ref["pearson"],
                                                                       rel=1e-6)


def test_compare_from_json_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "req.json"
    f.write_text(json.dumps({"x1": 21, "n1": 27, "x2": 20, "n2": 39}))
    d = run_json(capsys, "stats", "compare", str(f))
    assert f"{d['tests'][0]['p_value']:.2f}" == "0.04"  # as atkins2004 prints it
    assert d["tests"][0]["p_value"] == pytest.approx(
        PROP.TWO_BY_TWO[(21, 27, 20, 39)]["fisher_p"][0], rel=1e-6)


def test_trend(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "stats", "trend", "--successes", "14,15,1", "--totals", "36,77,33")
    assert f"{d['z']:.2f}" == "-3.69"  # as upton2005 prints it
    assert [d["chi2"], d["p_value"]] == pytest.approx(PROP.TREND["upton"], rel=1e-6)


def test_km_csv_groups_and_landmarks(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "stats", "km", str(DATA / "aml.csv"), "--event", "status",
                 "--group", "x", "--at", "12,24")
    curves = {c["label"]: c for c in d["curves"]}
    for label in ("Maintained", "Nonmaintained"):
        ref = SURV.KM[("aml", f"x={label}", "log")]
        got = curves[label]
        assert [got["median"][k] for k in ("estimate", "lower", "upper")] == ref["median"]
        assert [m["surv"] for m in got["landmarks"]] == pytest.approx(
            ref["landmark_surv"][:2], rel=1e-6)
        assert [m["lower"] for m in got["landmarks"]] == pytest.approx(
            ref["landmark_lower"][:2], rel=1e-6)
        assert [m["n_risk"] for m in got["landmarks"]] == ref["landmark_n_risk"][:2]


def test_km_event_values_for_r_lung(capsys: pytest.CaptureFixture[str]) -> None:
    # R's lung codes 2 = dead, 1 = censored
    d = run_json(capsys, "stats", "km", str(DATA / "lung.csv"), "--event", "status",
                 "--event-value", "2", "--censor-value", "1")
    assert d["curves"][0]["events"] == 165
    ref = SURV.KM[("lung_all", "all", "log")]
    assert d["curves"][0]["median"]["estimate"] == ref["median"][0]


def test_logrank_stratified(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "stats", "logrank", str(DATA / "veteran.csv"), "--event", "status",
                 "--group", "trt", "--strata", "celltype")
    assert d["method"] == "stratified_log_rank"
    assert d["df"] == 1
    ref = SURV.LOGRANK[("veteran_trt_strata_celltype", 0)]
    assert d["chisq"] == pytest.approx(ref["chisq"][0], rel=1e-6)
    assert d["p_value"] == pytest.approx(ref["pvalue"][0], rel=1e-6)
    assert d["expected"] == pytest.approx(ref["exp"], rel=1e-6)


def test_cox(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "stats", "cox", str(DATA / "veteran.csv"), "--event", "status",
                 "--covariates", "trt,karno,age")
    assert [t["name"] for t in d["terms"]] == ["trt", "karno", "age"]
    assert d["ties"] == "efron"
    ref = SURV.COX[("veteran", "efron")]
    for key, want in (("coef", "coef"), ("se", "se"), ("hr_lower", "hr_lower"),
                      ("p_value", "p")):
        assert [t[key] for t in d["terms"]] == pytest.approx(ref[want], rel=1e-6)
    assert d["loglik"] == pytest.approx(ref["loglik"][1], rel=1e-6)


def test_missing_value_in_csv_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "stats", "logrank", str(DATA / "lung.csv"), "--event", "status",
                       "--event-value", "2", "--censor-value", "1", "--group", "sex",
                       "--strata", "ph.ecog")
    assert code == 2
    assert "ph.ecog[" in err
    assert "missing" in err


def test_event_value_needs_censor_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "stats", "km", str(DATA / "lung.csv"), "--event", "status",
                       "--event-value", "2")
    assert code == 2
    assert "--censor-value" in err


def test_simon_design(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "design", "simon", "--p0", "0.1", "--p1", "0.3")
    # Simon (1989): optimal 1/10, 5/29 (EN0 15.0, PET0 0.74); minimax 1/15, 5/25 (19.5, 0.55)
    for kind, design, en0, pet0 in (("optimal", (1, 10, 5, 29), "15.0", "0.74"),
                                    ("minimax", (1, 15, 5, 25), "19.5", "0.55")):
        got = d[kind]
        assert (got["r1"], got["n1"], got["r"], got["n"]) == design
        assert (f"{got['en0']:.1f}", f"{got['pet0']:.2f}") == (en0, pet0)


def test_simon_stage1_stop(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "design", "simon-stage1", "--r1", "1", "--n1", "10", "--r", "5",
                 "--n", "29", "--responses", "1")
    assert d["value"] == "stop"
    assert "stop: ≤ 1 responses in 10" in d["reasons"][0]["text"]


def test_simon_estimate_and_oc(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "design", "simon-estimate", "--r1", "1", "--n1", "10", "--r", "5",
                 "--n", "29", "--p0", "0.1", "--x1", "3", "--x2", "4")
    assert d["stage"] == 2
    assert d["method"] == "koyama_chen_stagewise"
    # Jung & Kim's UMVUE written out: s = 7 responses, x1 over 2..7 (x1 > r1 = 1, x1 ≤ 10)
    num = sum(math.comb(9, x1 - 1) * math.comb(19, 7 - x1) for x1 in range(2, 8))
    den = sum(math.comb(10, x1) * math.comb(19, 7 - x1) for x1 in range(2, 8))
    assert d["umvue"] == pytest.approx(num / den, rel=1e-12)
    # stage-wise P value: P(stage 2 and ≥ 7 responses | p0 = 0.1), as Koyama & Chen define it
    pmf = [[math.comb(m, k) * 0.1**k * 0.9 ** (m - k) for k in range(m + 1)] for m in (10, 19)]
    pval = sum(pmf[0][x1] * sum(pmf[1][max(7 - x1, 0):]) for x1 in range(2, 11))
    assert d["p_value"] == pytest.approx(pval, rel=1e-10)
    d = run_json(capsys, "design", "simon-oc", "--r1", "1", "--n1", "10", "--r", "5", "--n",
                 "29", "--p0", "0.1", "--p1", "0.3")
    # Simon (1989) prints EN0 15.0, PET0 0.74; PhIIdesign's values to full precision
    assert (f"{d['en0']:.1f}", f"{d['pet0']:.2f}") == ("15.0", "0.74")
    assert d["en0"] == pytest.approx(15.0141203471, rel=1e-10)
    assert d["alpha"] == pytest.approx(0.0470863066438917, rel=1e-12)
    assert 1 - d["power"] == pytest.approx(0.194937086849675, rel=1e-12)


def test_two_proportions_clark2003(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "design", "two-proportions", "--p1", "0.7", "--p2", "0.4", "--n1",
                 "34", "--sides", "1")
    assert f"{d['power']:.2f}" == "0.81"
    assert d["power"] == pytest.approx(RPACT.POWER_RATES[(0.7, 0.4, 34, 1)][0], rel=1e-9)
    d = run_json(capsys, "design", "two-proportions", "--p1", "0.7", "--p2", "0.4", "--sides",
                 "1")
    assert d["n1_exact"] == pytest.approx(RPACT.RATES[(0.7, 0.4, 1, 0.8)][0], rel=1e-9)
    assert d["n1"] == 33


def test_survival_design_from_survival_rates(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "design", "survival", "--surv1", "0.7", "--surv2", "0.4",
                 "--at-time", "2", "--sides", "1", "--accrual", "3", "--follow-up", "2")
    assert d["events"] == pytest.approx(27.780251289725445, rel=1e-9)  # rpact, see results


def test_group_sequential_and_conditional_power(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "design", "group-sequential", "--rates", "0.5,1", "--alpha", "0.05",
                 "--futility", "0,none")
    ref = RPACT.GROUP_SEQUENTIAL["of2"]
    assert d["critical_values"] == pytest.approx(ref["critical_values"], rel=1e-6)
    assert d["inflation_factor"] == pytest.approx(ref["inflation_factor"][0], rel=1e-6)
    assert d["futility_stop_h0"] == pytest.approx(0.5, rel=1e-9)  # P(Z(0.5) < 0 | H0)
    d = run_json(capsys, "design", "conditional-power", "--z", "-0.8", "--information",
                 "0.65", "--critical", "1.645", "--rates", "1", "--design-drift", "2.486")
    # Lan & Wittes with the final analysis left: 1 − Φ((c − z√t − θ(1 − t)) / √(1 − t))
    cp = d["conditional_power"]
    for key, theta in (("under_design", 2.486), ("under_trend", -0.8 / math.sqrt(0.65)),
                       ("under_null", 0.0)):
        want = norm.sf((1.645 + 0.8 * math.sqrt(0.65) - theta * 0.35) / math.sqrt(0.35))
        assert cp[key] == pytest.approx(want, rel=1e-9)
    assert d["advice"]["value"] == "consider stopping for futility"


def test_input_error_exit_2_names_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "stats", "rate", "--x", "5", "--n", "4", "--json")
    assert code == 2
    assert json.loads(err)["errors"][0]["field"] == "x"
    code, _, err = run(capsys, "design", "simon", "--p0", "0.3", "--p1", "0.1")
    assert code == 2
    assert "p1" in err


def test_json_and_options_together_refused(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "r.json"
    f.write_text('{"x": 1, "n": 4}')
    code, _, err = run(capsys, "stats", "rate", str(f), "--x", "2")
    assert code == 2
    assert "not both" in err


def test_human_output_has_tables_and_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "design", "simon", "--p0", "0.2", "--p1", "0.4")
    assert code == 0
    assert "EN(p0)" in out
    assert "simon1989" in out


SCHEMA_NAMES = sorted([n for n in names() if n.startswith(("stats-", "design-"))]
                      + ["stats-survival"])


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schemas_are_valid_json_schema(name: str) -> None:
    import jsonschema

    assert len(SCHEMA_NAMES) == 15
    schema = json_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)


def test_conditional_power_from_binary_counts(capsys: pytest.CaptureFixture[str]) -> None:
    # clark2003 stand-in: DFS 5/21 (IL-2) vs 8/23 (observation), 34/arm planned, 70 % vs 40 %
    d = run_json(capsys, "design", "conditional-power", "--binary", "5/21,8/23", "--planned",
                 "34,34", "--design-rates", "0.7,0.4", "--alpha", "0.05")
    assert d["interim"]["information"] == pytest.approx(44 / 68)
    # pooled z for 5/21 vs 8/23 and the drift 0.3/√(0.55·0.45·2/34), written out
    pbar = 13 / 44
    z = (5 / 21 - 8 / 23) / math.sqrt(pbar * (1 - pbar) * (1 / 21 + 1 / 23))
    theta, t, c = 0.3 / math.sqrt(0.55 * 0.45 * 2 / 34), 44 / 68, norm.isf(0.05)
    assert d["interim"]["z"] == pytest.approx(z, rel=1e-12)
    assert d["interim"]["design_drift"] == pytest.approx(theta, rel=1e-12)
    want = norm.sf((c - z * math.sqrt(t) - theta * (1 - t)) / math.sqrt(1 - t))
    assert d["conditional_power"]["under_design"] == pytest.approx(want, rel=1e-9)
    assert d["conditional_power"]["under_design"] < 0.01
    assert d["advice"]["value"] == "consider stopping for futility"


def test_conditional_power_from_events(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "design", "conditional-power", "--z", "1.0", "--events", "100",
                 "--planned-events", "331", "--hazard-ratio", "0.7", "--alpha", "0.025")
    assert d["interim"]["method"] == "log_rank_z"
    theta, t, c = -math.log(0.7) * math.sqrt(331) / 2, 100 / 331, norm.isf(0.025)
    assert d["interim"]["design_drift"] == pytest.approx(3.2445659, abs=5e-8)
    want = norm.sf((c - 1.0 * math.sqrt(t) - theta * (1 - t)) / math.sqrt(1 - t))
    assert d["conditional_power"]["under_design"] == pytest.approx(want, rel=1e-9)
    assert d["advice"]["value"] == "continue"


def test_conditional_power_bad_binary(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "design", "conditional-power", "--binary", "5-21", "--alpha",
                       "0.05")
    assert code == 2
    assert "--binary" in err


@pytest.mark.parametrize("args", [["schema", "design-simon"], ["schema", "stats-survival"],
                                  ["stats", "--help"], ["design", "--help"]])
def test_stats_cli_starts_light(args: list[str]) -> None:
    import subprocess
    import sys

    probe = (
        "import sys, io, contextlib\n"
        "from hdil2.cli.app import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({args!r})\n"
        "heavy = {'numpy', 'pandas', 'scipy', 'statsmodels', 'lifelines', 'matplotlib'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


# ---- issue 8 item 14: Cox on text and categorical columns from the CLI ----------------------

def _cox_ref(case: str) -> dict:  # type: ignore[type-arg]
    from hdil2_stats_support import load_results

    return load_results("survival_r").COX_FACTOR[case]  # type: ignore[no-any-return]


def test_item14_cox_text_covariate_from_csv(capsys: pytest.CaptureFixture[str]) -> None:
    # exited 70 before: the aml example of docs/statistics.md, x = Maintained/Nonmaintained
    d = run_json(capsys, "stats", "cox", str(DATA / "aml.csv"), "--event", "status",
                 "--covariates", "x")
    ref = _cox_ref("aml_x")
    (term,) = d["terms"]
    assert (term["name"], term["level"], term["reference"]) == (
        "xNonmaintained", "Nonmaintained", "Maintained")
    for key, want in (("coef", "coef"), ("se", "se"), ("hr", "hr"), ("hr_lower", "hr_lower"),
                      ("hr_upper", "hr_upper"), ("p_value", "p")):
        assert term[key] == pytest.approx(ref[want][0], rel=1e-6)
    assert d["tests"][0]["statistic"] == pytest.approx(ref["lr_test"][0], rel=1e-6)


def test_item14_cox_reference_option(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "stats", "cox", str(DATA / "aml.csv"), "--event", "status",
                 "--covariates", "x", "--reference", "x=Nonmaintained")
    ref = _cox_ref("aml_x_ref_nonmaintained")
    assert [t["name"] for t in d["terms"]] == ref["terms"]
    assert d["terms"][0]["hr"] == pytest.approx(ref["hr"][0], rel=1e-6)
    code, _, err = run(capsys, "stats", "cox", str(DATA / "aml.csv"), "--event", "status",
                       "--covariates", "x", "--reference", "x=Sometimes")
    assert code == 2
    assert "reference.x" in err
    assert "Maintained, Nonmaintained" in err


def test_item14_cox_categorical_numeric_columns_and_na_omit(
        capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "stats", "cox", str(DATA / "lung.csv"), "--event", "status",
                 "--event-value", "2", "--censor-value", "1", "--covariates",
                 "age,sex,ph.ecog", "--categorical", "sex,ph.ecog")
    ref = _cox_ref("lung_age_sexf_ecogf")
    assert [t["name"] for t in d["terms"]] == ["age", "sex2", "ph.ecog1", "ph.ecog2",
                                               "ph.ecog3"]
    assert [t["coef"] for t in d["terms"]] == pytest.approx(ref["coef"], rel=1e-6)
    assert [t["se"] for t in d["terms"]] == pytest.approx(ref["se"], rel=1e-6)
    assert (d["n"], d["events"], d["n_dropped"], d["missing"]) == (227, 164, 1,
                                                                   {"ph.ecog": 1})


def test_item14_cox_json_request_with_text_and_null(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import pandas as pd

    df = pd.read_csv(DATA / "lung.csv")
    req = {"time": df["time"].tolist(), "event": (df["status"] - 1).tolist(),
           "covariates": {
               "age": df["age"].tolist(),
               "sexc": ["male" if s == 1 else "female" for s in df["sex"]],
               "ph.ecog": [None if v != v else v for v in df["ph.ecog"]]},
           "categorical": ["ph.ecog"]}
    f = tmp_path / "lung.json"
    f.write_text(json.dumps(req))
    d = run_json(capsys, "stats", "cox", str(f))
    ref = _cox_ref("lung_age_sexc_ecogf")
    assert [t["name"] for t in d["terms"]] == ["age", "sexcmale", "ph.ecog1", "ph.ecog2",
                                               "ph.ecog3"]
    assert [t["hr"] for t in d["terms"]] == pytest.approx(ref["hr"], rel=1e-6)
    assert [t["p_value"] for t in d["terms"]] == pytest.approx(ref["p"], rel=1e-6)
    assert d["n_dropped"] == ref["n_dropped"] == 1


def test_item14_cox_human_output_names_the_levels(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats", "cox", str(DATA / "aml.csv"), "--event", "status",
                       "--covariates", "x")
    assert code == 0
    assert "x: Nonmaintained" in out
    assert "reference level: x Maintained" in out
    assert "2.4981" in out
