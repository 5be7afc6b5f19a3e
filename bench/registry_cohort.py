"""Registry cohort analysis over 10,000 patients: :mod:`hdil2.registry.cohort` on the database
against the same computation on in-memory pandas frames of the same rows, in the same run.

    .venv/bin/python bench/registry_cohort.py --db registry.sqlite3     # a loaded registry
    .venv/bin/python bench/registry_cohort.py --db postgresql://...     # (bench/registry_load.py
                                                                       #  --keep / --postgres)
    .venv/bin/python bench/registry_cohort.py                           # loads one first

The analysis (what ``hdil2 registry cohort`` shows): the patients' plain rows, CR / PR /
objective response rates with Clopper-Pearson exact intervals per disease and overall, the
tempo tables (Lee et al. 2000 Tables 3-5 layout) and a Kaplan-Meier of overall survival per
disease.

* **hdil2**: :func:`hdil2.registry.cohort.rows` (the queries, one per table) then
  ``response_rates``, ``tempo`` and ``survival(..., "os")``;
* **pandas**: the four tables the rows come from (patients, courses, response assessments,
  follow-ups) read once into DataFrames (not timed), then timed: the same filters and joins in
  pandas (voided rows left out, first visit response per course, missing course response NR,
  best response, first progression and death, last date known alive, OS days and events) and
  the same :mod:`hdil2.stats` / tempo calls on its columns.

Both results are checked equal (rates, intervals, KM medians and curves, tempo tables) before
the times are printed; best of 3 runs each.  Goal: hdil2 < 2x pandas.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def hdil2_analysis(prefix: str) -> dict[str, Any]:
    from hdil2.registry import cohort

    start = time.perf_counter()
    data = cohort.rows(cohort.CohortFilter(code_prefix=prefix))
    rows_s = time.perf_counter() - start
    out = {"rates": cohort.response_rates(data), "tempo": cohort.tempo(data),
           "os": cohort.survival(data, "os"), "n": len(data)}
    out["seconds"] = time.perf_counter() - start
    out["rows_s"] = rows_s
    return out


def read_frames() -> dict[str, Any]:
    """The four tables, as the database holds them, in DataFrames (read once, not timed)."""
    import pandas as pd

    from hdil2.registry import models as m

    def frame(model: Any, *cols: str) -> Any:
        return pd.DataFrame.from_records(list(model._base_manager.values_list(*cols)),
                                         columns=list(cols))

    return {
        "patients": frame(m.Patient, "id", "registry_id", "disease", "sex", "ecog",
                          "synthetic", "voided_at"),
        "courses": frame(m.Course, "id", "patient_id", "number", "regimen", "started_on",
                         "discontinuation_reason", "voided_at"),
        "responses": frame(m.ResponseAssessment, "patient_id", "course_id", "kind",
                           "response", "assessed_on", "voided_at"),
        "follow_ups": frame(m.FollowUp, "patient_id", "contact_on", "progression_on",
                            "death_on", "last_known_alive", "voided_at"),
    }


def pandas_analysis(f: dict[str, Any], prefix: str) -> dict[str, Any]:
    import pandas as pd

    from hdil2.clinical.response.tempo import PatientCourses, tempo_tables
    from hdil2.stats.kaplan_meier import kaplan_meier_groups
    from hdil2.stats.proportions import rate

    start = time.perf_counter()
    p = f["patients"]
    p = p[p["voided_at"].isna() & p["registry_id"].str.startswith(prefix)]
    p = p.sort_values("registry_id").set_index("id")
    c = f["courses"]
    c = c[c["voided_at"].isna() & c["patient_id"].isin(p.index)].sort_values(
        ["patient_id", "number"])
    r = f["responses"]
    r = r[r["voided_at"].isna() & r["patient_id"].isin(p.index)]
    visits = (r[(r["kind"] == "visit") & r["course_id"].notna()]
              .sort_values("assessed_on", kind="stable")
              .drop_duplicates("course_id")[["course_id", "response"]])
    c = c.merge(visits, left_on="id", right_on="course_id", how="left")
    c["response"] = c["response"].fillna("NR")
    by_patient = c.groupby("patient_id", sort=False)
    per = pd.DataFrame({
        "courses": by_patient.size(),
        "course_responses": by_patient["response"].agg(tuple),
        "stop_reason": _blank_none(by_patient["discontinuation_reason"].last()),
    })
    first = c[c["number"] == 1].set_index("patient_id")
    per["start"] = first["started_on"]
    best = (r[r["kind"] == "best"].sort_values("assessed_on", kind="stable")
            .drop_duplicates("patient_id", keep="last").set_index("patient_id")["response"])
    fu = f["follow_ups"]
    fu = fu[fu["voided_at"].isna() & fu["patient_id"].isin(p.index)].sort_values(
        "contact_on", kind="stable")
    g = fu.groupby("patient_id")
    alive = fu["last_known_alive"].fillna(fu["contact_on"])
    follow = pd.DataFrame({"progression_on": g["progression_on"].first(),
                           "death_on": g["death_on"].first(),
                           "last": alive.groupby(fu["patient_id"]).max()})
    df = p.join(per).join(best.rename("best_response")).join(follow)
    df["courses"] = df["courses"].fillna(0).astype(int)
    usable = df[df["start"].notna() & (df["death_on"].notna() | df["last"].notna())]
    end = pd.to_datetime(usable["death_on"].fillna(usable["last"]))
    os_days = (end - pd.to_datetime(usable["start"])).dt.days.to_numpy()
    os_event = usable["death_on"].notna().to_numpy()
    rates: dict[str, dict[str, Any]] = {}
    groups = {d: df[df["disease"] == d] for d in sorted(df["disease"].unique())}
    if len(groups) > 1:
        groups["all"] = df
    for name, mine in groups.items():
        n = len(mine)
        cr = int((mine["best_response"] == "CR").sum())
        pr = int((mine["best_response"] == "PR").sum())
        rates[name] = {"n": n, "CR": cr, "PR": pr}
        if n:
            rates[name].update(cr_rate=rate(cr, n), pr_rate=rate(pr, n), orr=rate(cr + pr, n))
    treated = df[df["courses"] > 0]
    tempo = tempo_tables(PatientCourses(code, disease, responses, stop)
                         for code, disease, responses, stop in zip(
                             treated["registry_id"], treated["disease"],
                             treated["course_responses"], treated["stop_reason"], strict=True))
    km = dict(kaplan_meier_groups(os_days, os_event, usable["disease"].to_numpy()))
    return {"rates": rates, "tempo": tempo, "os": km, "n": len(df),
            "seconds": time.perf_counter() - start}


def _blank_none(s: Any) -> Any:
    return s.astype(object).where(s != "", None)


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    import numpy as np

    if a["n"] != b["n"] or a["rates"] != b["rates"] or a["tempo"] != b["tempo"]:
        return False
    if set(a["os"]) != set(b["os"]):
        return False
    for k in a["os"]:
        x, y = a["os"][k], b["os"][k]
        if (x.n, x.events, x.median, x.label) != (y.n, y.events, y.median, y.label):
            return False
        if not (np.array_equal(x.time, y.time) and np.array_equal(x.surv, y.surv)):
            return False
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="a loaded registry: SQLite file or postgresql:// URL")
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from hdil2.registry import conf, maintenance

    db = args.db or str(Path(tempfile.mkdtemp(prefix="hdil2-bench-")) / "registry.sqlite3")
    settings = conf.configure(path=db)
    maintenance.migrate(settings)
    from hdil2.registry import models as m

    prefix = f"demo{args.seed}-"
    if not m.Patient.objects.filter(registry_id__startswith=prefix).exists():
        from hdil2.registry import demo

        start = time.perf_counter()
        demo.load(args.seed, args.patients)
        print(f"loaded {args.patients:,} patients in {time.perf_counter() - start:.1f} s")
    import pandas  # noqa: F401  (imported before timing, as hdil2.stats's NumPy is)

    from hdil2.registry import cohort

    cohort.rows(cohort.CohortFilter(code_prefix="warm-up-"))
    start = time.perf_counter()
    frames = read_frames()
    read_s = time.perf_counter() - start
    ours = [hdil2_analysis(prefix) for _ in range(args.repeat)]
    theirs = [pandas_analysis(frames, prefix) for _ in range(args.repeat)]
    agree = same(ours[0], theirs[0])
    h = min(x["seconds"] for x in ours)
    q = min(x["rows_s"] for x in ours)
    pd_s = min(x["seconds"] for x in theirs)
    print(f"{conf.describe(settings)['kind']}: {ours[0]['n']:,} patients "
          f"({m.DoseSlot.objects.count():,} dose slots in the registry); results agree: {agree}")
    print(f"  hdil2.registry.cohort: {h:.3f} s (queries and rows {q:.3f} s, statistics "
          f"{h - q:.3f} s)")
    print(f"  pandas frames:         {pd_s:.3f} s (after reading the 4 tables once: "
          f"{read_s:.2f} s)")
    print(f"  hdil2 / pandas:        {h / pd_s:.2f}x  (goal: < 2x)")
    print(f"(machine: {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
