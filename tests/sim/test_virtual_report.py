"""Issue 15 item 2: a cohort simulation's output through the report code (``simulate cohort
--report``).

The report of the virtual patients must show the simulation's own counts - the same patients
(blocks and random streams), tabulated by the registry's report code - and, under the ``lee2000``
policy, Lee et al. 2000's printed renal Table 4 within Monte Carlo error.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from hdil2.cli.invoke import invoke
from hdil2.report import tables
from hdil2.report.virtual import virtual_cohort
from hdil2.sim import engine
from hdil2.sim.cohort import REASONS, cohort_simulation
from hdil2.sim.model import LEE2000, STATUSES
from lee2000_printed import TABLES34

N, SEED = 3000, 11


def _num(cell: object) -> int:
    return 0 if cell in ("—", "", None) else int(str(cell))


@pytest.fixture(scope="module")
def renal() -> tuple[object, dict[str, object], object]:
    sim = cohort_simulation(LEE2000, "lee2000", "rcc")
    raw = engine.add_up(engine.run_blocks(sim, SEED, engine.blocks(N)))
    return sim, raw, virtual_cohort(sim, N, SEED)


def test_item2_report_shows_the_simulations_own_counts(renal: tuple) -> None:
    """Tempo table (Table 4 layout) and reasons for stopping (Table 5 layout) of the listed
    patients = the counts the simulation adds up for the same seed, cell by cell."""
    _, raw, data = renal
    frame = tables.tempo_table(data, "rcc").frame
    rows = list(frame.index)
    first = next(r for r in rows if r[1] == "Response to course 1")
    assert [_num(frame.loc[first, s]) for s in STATUSES] == list(raw["response"][0])
    for k in (2, 3, 4):
        treated = next(r for r in rows if r[1].startswith(f"Treated with course {k},"))
        assert [_num(frame.loc[treated, s]) for s in STATUSES] == list(raw["treated_by"][k - 1])
    stops = tables.tempo_table(data, "stop-reasons").frame
    labels = {"progressive_disease": "Progressive disease", "il2_toxicity": "IL-2 toxicity",
              "death": "Death", "complete_response": "Complete response", "other": "Other"}
    for i, reason in enumerate(REASONS):
        if reason not in labels:
            assert not raw["stops"][i].any(), reason  # the lee2000 practice never uses it
            continue
        row = next(r for r in stops.index if r[1] == labels[reason])
        got = [_num(stops.loc[row, c]) for c in stops.columns]
        assert got == list(raw["stops"][i][: len(got)]), reason


def test_item2_report_of_virtual_patients_reproduces_lee2000_table4(renal: tuple) -> None:
    """Course 1 responses of the listed renal patients, scaled to the paper's 201, within 3 MC
    SE of the printed Table 4 counts."""
    _, _, data = renal
    frame = tables.tempo_table(data, "rcc").frame
    first = next(r for r in frame.index if r[1] == "Response to course 1")
    printed = TABLES34["rcc"][1]["response"]
    n_paper = sum(printed.values())
    for s in STATUSES:
        p = _num(frame.loc[first, s]) / N
        se = math.sqrt(p * (1 - p) / N) * n_paper
        assert abs(p * n_paper - printed[s]) <= 3 * se + 1e-9, (s, p * n_paper, printed[s])


def test_item2_overall_survival_is_from_the_end_of_treatment(renal: tuple) -> None:
    _, _, data = renal
    pts = data.patients
    assert data.filters["survival"] == "from the end of treatment"
    assert (pts["os_days"] >= 0).all()
    censored = pts[~pts["os_event"].astype(bool)]
    # censored at the 60-month follow-up (365.25 / 12 days a month)
    assert set(censored["os_days"]) <= {round(60 * 365.25 / 12)}


def test_item2_cli_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "virtual.html"
    code, stdout, err = invoke(["simulate", "cohort", "--patients", "2000", "--seed", "3",
                                "--report", str(out), "--report-patients", "500", "--json"])
    assert code == 0, err
    doc = json.loads(stdout)
    assert doc["report"]["out"] == str(out)
    assert "tempo-rcc" in doc["report"]["shown"]
    assert doc["simulation"]["patients"] == 2000
    text = out.read_text()
    assert "Virtual cohort: 500 rcc patients" in text
    assert "Response to successive courses" in text


@pytest.mark.parametrize(("args", "field"), [
    (["--report", "x.txt"], "report"),
    (["--report-patients", "10"], "report_patients"),
    (["--report", "{tmp}/r.html", "--report-patients", "0"], "report_patients"),
    (["--report", "{tmp}/r.html", "--report-patients", "2001"], "report_patients"),
    (["--report", "{tmp}/missing/r.html"], "report"),
])
def test_item2_cli_refuses_a_bad_report_before_simulating(tmp_path: Path, args: list[str],
                                                          field: str) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, _, err = invoke(["simulate", "cohort", "--patients", "2000", *args, "--json"])
    assert code == 2
    assert json.loads(err)["errors"][0]["field"] == field
    assert not list(tmp_path.iterdir())


def test_item1_report_shows_the_doses_the_model_gives(renal: tuple) -> None:
    """Doses given per course in the report's courses table: course 1's median is the label's
    20 of 28 for renal cell cancer, and the dose-intensity table is shown."""
    import statistics

    from hdil2.report import document

    _, _, data = renal
    first = data.courses[data.courses["course"] == 1]
    assert statistics.median(first["doses_given"]) == 20
    assert set(first["doses_planned"]) == {28}
    assert ((first["doses_given"] + first["doses_held"]) == 28).all()
    shown = {it.key for it in document.cohort_report(data).items if it.missing is None}
    assert "dose-intensity-figure" in shown
