"""The swimmer, toxicity and dose-intensity figures draw the recorded courses and events.

Data: the synthetic cohort of Lee et al. 2000 (``lee2000``) without a database (its records
turned into the report's tables here, as the registry stores them), and hand cases for the
rules (the first grade >= 3 toxicity by dose number, the worst grade per patient and term).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from hdil2.core.errors import InputError
from hdil2.report import style
from hdil2.report.data import CohortData, check
from hdil2.report.figures.dose_intensity import (
    HALF_WIDTH,
    dose_counts,
    dose_intensity_figure,
    dose_intensity_from,
)
from hdil2.report.figures.swimmer import swimmer_figure, swimmer_from
from hdil2.report.figures.toxicity import (
    GRADE_COLOURS,
    severe_toxicity_incidence,
    toxicity_incidence_figure,
    toxicity_incidence_from,
    worst_grade_figure,
    worst_grade_from,
    worst_grades,
)
from hdil2.stats.kaplan_meier import kaplan_meier

MONTH = 365.25 / 12


# --- the synthetic lee2000 records as the report's tables ----------------------------------

def _tables(records: Any) -> CohortData:
    pts, crs, tox = [], [], []
    for r in records:
        start = r.patient.first_dose.date()
        fu = r.follow_up
        scans = {s.index: s.date for s in r.scans}
        responded = [scans[a.scan] for a in r.assessments
                     if a.kind == "timepoint" and a.value in ("CR", "PR")]
        given = sorted(s.scheduled.date() for s in r.slots if s.status == "given")
        pts.append({
            "patient": r.patient.id, "disease": r.patient.disease, "regimen": "hd-il2-720k",
            "sex": r.patient.sex, "age": r.patient.age_years, "ecog": r.patient.ecog,
            "risk_group": None, "prior_therapy": None, "metastatic_sites": None,
            "start": start, "courses": len(r.courses),
            "course_responses": tuple(c.status for c in r.courses),
            "stop_reason": r.discontinuation.reason, "best_response": r.best_response,
            "response_on": min(responded, default=None),
            "progression_on": fu.progression_date, "death_on": fu.death_date,
            "last_known_alive": fu.cutoff if fu.death_date is None else None,
            "os_days": fu.os_days, "os_event": fu.os_event, "pfs_days": fu.pfs_days,
            "pfs_event": fu.pfs_event, "dor_days": None, "dor_event": None})
        for c in r.courses:
            mine = [s.scheduled.date() for s in r.slots if s.course == c.number]
            last = max((s.scheduled.date() for s in r.slots
                        if s.course == c.number and s.status == "given"), default=max(mine))
            crs.append({
                "patient": r.patient.id, "course": c.number, "regimen": c.regimen,
                "started_on": c.first_dose.date(), "ended_on": last,
                "start_day": (c.first_dose.date() - start).days, "end_day": (last - start).days,
                "response": c.response, "stop_reason": None, "doses_planned": c.slots,
                "doses_given": c.given, "doses_held": c.held})
        for t in r.toxicities:
            tox.append({"patient": r.patient.id, "term": t.term, "grade": t.grade,
                        "onset_day": (t.onset - start).days, "course": t.course,
                        "dose_number": sum(1 for d in given if d <= t.onset),
                        "serious": None})
    return check(CohortData(patients=pd.DataFrame(pts), courses=pd.DataFrame(crs),
                            toxicities=pd.DataFrame(tox)))


@pytest.fixture(scope="module")
def lee2000() -> CohortData:
    """The synthetic lee2000 cohort (350 patients) as the report's tables."""
    from hdil2.registry.synthetic import generate

    return _tables(generate().records)


@pytest.fixture(scope="module")
def small(lee2000: CohortData) -> CohortData:
    """Its first 15 patients of each disease."""
    return lee2000.only([p for p in lee2000.patients["patient"] if p[1:] <= "015"])


def by_gid(fig: Any, prefix: str) -> dict[str, Any]:
    ax = fig.axes[0]
    return {a.get_gid(): a for a in [*ax.patches, *ax.lines, *ax.collections]
            if (a.get_gid() or "").startswith(prefix)}


# --- swimmer ---------------------------------------------------------------------------------

def test_swimmer_segments_equal_the_courses(small: CohortData) -> None:
    fig = swimmer_figure(small.courses, small.patients, time_unit="days")
    segments = by_gid(fig, "course:")
    assert len(segments) == len(small.courses)
    for row in small.courses.itertuples():
        bar = segments[f"course:{row.patient}:{row.course}"]
        assert bar.get_x() == row.start_day
        assert bar.get_x() + bar.get_width() == row.end_day
        assert to_hex(bar.get_facecolor()) == to_hex(style.response_colour(row.response))
    lanes = by_gid(fig, "lane:")
    assert len(lanes) == len(small.patients)  # one lane per patient
    ys = sorted(ln.get_ydata()[0] for ln in lanes.values())
    assert ys == list(range(len(small.patients)))
    # markers at the recorded dates, on the patient's lane
    for row in small.patients.itertuples():
        lane_y = lanes[f"lane:{row.patient}"].get_ydata()[0]
        for kind, date in (("response", row.response_on), ("progression", row.progression_on),
                           ("death", row.death_on)):
            marker = by_gid(fig, f"{kind}:{row.patient}")
            if date is None or pd.isna(date):
                assert not marker
                continue
            (m,) = marker.values()
            assert (m.get_xdata()[0], m.get_ydata()[0]) == ((date - row.start).days, lane_y)
        end = (row.death_on if row.death_on is not None else row.last_known_alive) - row.start
        assert lanes[f"lane:{row.patient}"].get_xdata()[1] == end.days
        ongoing = by_gid(fig, f"ongoing:{row.patient}")
        assert bool(ongoing) == (row.death_on is None and row.progression_on is None)
    # the markers differ in shape
    shapes = {k.split(":")[0]: a.get_marker() for k, a in by_gid(fig, "").items()
              if k.split(":")[0] in ("response", "progression", "death", "ongoing")}
    assert len(set(shapes.values())) == 4


def test_swimmer_lanes_sorted_by_follow_up(small: CohortData) -> None:
    fig = swimmer_figure(small.courses, small.patients)
    lanes = sorted(by_gid(fig, "lane:").values(), key=lambda ln: ln.get_ydata()[0])
    ends = [ln.get_xdata()[1] for ln in lanes]
    assert ends == sorted(ends)  # longest at the top
    # months of 365.25 / 12 days
    course = by_gid(fig, "course:")
    row = small.courses.iloc[3]
    bar = course[f"course:{row.patient}:{row.course}"]
    assert bar.get_x() == row.start_day / MONTH


def test_swimmer_lane_ends_at_death_not_at_a_later_contact() -> None:
    # the registry's last contact may be the visit that recorded the death, after it
    start = dt.date(2020, 1, 1)
    pts = pd.DataFrame({"patient": ["A"], "start": [start], "best_response": ["PR"],
                        "response_on": [dt.date(2020, 3, 1)],
                        "progression_on": [dt.date(2020, 9, 1)],
                        "death_on": [dt.date(2021, 1, 1)],
                        "last_known_alive": [dt.date(2021, 2, 1)]})
    crs = pd.DataFrame({"patient": ["A", "A"], "course": [1, 2], "start_day": [0, 90],
                        "end_day": [18, 105], "response": ["PR", None]})
    fig = swimmer_figure(crs, pts, time_unit="days")
    assert by_gid(fig, "lane:A")["lane:A"].get_xdata()[1] == 366
    assert by_gid(fig, "death:A")["death:A"].get_xdata()[0] == 366
    assert not by_gid(fig, "ongoing:")
    bar = by_gid(fig, "course:A:2")["course:A:2"]
    assert (bar.get_x(), bar.get_width()) == (90, 15)
    assert to_hex(bar.get_facecolor()) == to_hex(style.response_colour(None))


def test_swimmer_image(small: CohortData, image_matches: Any) -> None:
    image_matches(swimmer_from(small), "swimmer")


def test_swimmer_from_chooses_responders_first(lee2000: CohortData) -> None:
    fig = swimmer_from(lee2000, max_patients=30)
    drawn = {g.split(":")[1] for g in by_gid(fig, "lane:")}
    assert len(drawn) == 30
    assert "30 of 350 patients shown" in fig.axes[0].get_title(loc="left")
    best = dict(zip(lee2000.patients["patient"], lee2000.patients["best_response"],
                    strict=True))
    crs = [p for p, r in best.items() if r == "CR"]
    assert 0 < len(crs) < 30
    assert set(crs) <= drawn  # every CR, then PRs
    assert {best[p] for p in drawn} <= {"CR", "PR"}


# --- toxicity incidence ----------------------------------------------------------------------

def _tox(rows: list[tuple[str, str, int | None, int | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["patient", "term", "grade", "dose_number"])


HAND_COURSES = pd.DataFrame({"patient": ["A", "B", "C", "D", "D"], "course": [1, 1, 1, 1, 2],
                             "doses_given": [12, 14, 9, 10, 8]})
HAND_TOX = _tox([
    ("A", "hypotension", 2, 2), ("A", "creatinine_increased", 3, 5),  # grade 3 at dose 5
    ("A", "hypotension", 4, 8),  # a later, worse event: the first grade >= 3 counts
    ("B", "diarrhea", 2, 3), ("B", "fever", 1, 1),  # grade 2 only, 14 doses: censored at 14
    ("C", "fatigue", None, 4),  # severity only: no CTCAE grade, not an event; censored at 9
    ("D", "hypotension", 3, 16),  # dose 16: the sixth dose of course 2 (10 + 8 given)
])


def test_severe_toxicity_event_or_censoring() -> None:
    got = severe_toxicity_incidence(HAND_TOX, HAND_COURSES)
    assert got.to_dict("list") == {"patient": ["A", "B", "C", "D"], "dose": [5, 14, 9, 16],
                                   "event": [True, False, False, True]}


def test_incidence_step_is_one_minus_kaplan_meier(lee2000: CohortData) -> None:
    table = severe_toxicity_incidence(lee2000.toxicities, lee2000.courses)
    disease = dict(zip(lee2000.patients["patient"], lee2000.patients["disease"], strict=True))
    fig = toxicity_incidence_from(lee2000)
    curves = by_gid(fig, "incidence:")
    assert set(curves) == {"incidence:melanoma", "incidence:rcc"}
    for d in ("melanoma", "rcc"):
        mine = table[[disease[p] == d for p in table["patient"]]]
        km = kaplan_meier(mine["dose"].to_numpy(float), mine["event"].to_numpy(bool))
        line = curves[f"incidence:{d}"]
        assert line.get_drawstyle() == "steps-post"
        assert list(line.get_xdata()) == [0.0, *km.time.tolist()]
        np.testing.assert_array_equal(line.get_ydata(), [0.0, *(1.0 - km.surv)])
        band = by_gid(fig, f"incidence-ci:{d}")[f"incidence-ci:{d}"]
        assert band is not None
    # the synthetic lee2000 cohort: most patients have a grade >= 3 toxicity
    assert table["event"].mean() > 0.5


def test_incidence_hand_curve() -> None:
    table = severe_toxicity_incidence(HAND_TOX, HAND_COURSES)
    fig = toxicity_incidence_figure(table["dose"], table["event"])
    (line,) = by_gid(fig, "incidence:all").values()
    # 4 at risk: event at 5 (S = 3/4), censored at 9 and 14, event at 16 (S = 0: 1 at risk)
    assert list(line.get_xdata()) == [0.0, 5.0, 9.0, 14.0, 16.0]
    assert list(line.get_ydata()) == [0.0, 0.25, 0.25, 0.25, 1.0]


def test_toxicity_incidence_image(lee2000: CohortData, image_matches: Any) -> None:
    image_matches(toxicity_incidence_from(lee2000), "toxicity_incidence")


# --- worst grade -----------------------------------------------------------------------------

def test_worst_grade_counts_each_patient_once() -> None:
    tox = _tox([("A", "hypotension", 2, 1), ("A", "hypotension", 4, 6),  # once, at 4
                ("B", "hypotension", 1, 2), ("C", "hypotension", None, 3),  # C: no grade
                ("B", "fever", 1, 1), ("C", "fever", 3, 2), ("C", "fever", 3, 5)])
    table = worst_grades(tox)
    assert list(table.index) == ["fever", "hypotension"]  # 2 patients each: by term
    assert table.loc["hypotension"].tolist() == [1, 0, 0, 1, 0]
    assert table.loc["fever"].tolist() == [1, 0, 1, 0, 0]
    fig = worst_grade_figure(tox)
    segs = by_gid(fig, "worst:")
    assert {k: v.get_width() for k, v in segs.items()} == {
        "worst:hypotension:1": 1, "worst:hypotension:4": 1, "worst:fever:1": 1,
        "worst:fever:3": 1}
    assert to_hex(segs["worst:hypotension:4"].get_facecolor()) == GRADE_COLOURS[4].lower()
    # stacked: grade 4 starts where grade 1 ends
    assert segs["worst:hypotension:4"].get_x() == 1
    assert segs["worst:fever:3"].get_y() > segs["worst:hypotension:1"].get_y()  # top row


def test_worst_grade_of_the_cohort(lee2000: CohortData, image_matches: Any) -> None:
    fig = worst_grade_from(lee2000, top=6)
    segs = by_gid(fig, "worst:")
    tox = lee2000.toxicities
    worst = tox.groupby(["term", "patient"])["grade"].max()
    for key, bar in segs.items():
        _, term, grade = key.split(":")
        assert bar.get_width() == int((worst[term] == int(grade)).sum())
    assert len({k.split(":")[1] for k in segs}) == 6
    n_terms = tox["term"].nunique()
    assert fig.axes[0].get_title(loc="left") == f"6 of {n_terms} terms, the most frequent"
    image_matches(fig, "worst_grade")


# --- dose intensity --------------------------------------------------------------------------

def test_dose_intensity_bars_count_the_courses(lee2000: CohortData) -> None:
    fig = dose_intensity_from(lee2000)
    bars = by_gid(fig, "dose-intensity:")
    crs = lee2000.courses
    counts = crs.groupby(["course", "doses_given"]).size()
    assert set(bars) == {f"dose-intensity:{c}:{g}" for c, g in counts.index}
    scale = 2 * HALF_WIDTH / counts.max()
    for (c, g), n in counts.items():
        bar = bars[f"dose-intensity:{c}:{g}"]
        assert bar.get_width() == pytest.approx(n * scale)
        assert bar.get_y() + bar.get_height() / 2 == g
        assert bar.get_x() + bar.get_width() / 2 == pytest.approx(c)
    planned = by_gid(fig, "planned:")
    assert set(planned) == {f"planned:{c}:{p}" for c, p in
                            crs.groupby(["course", "doses_planned"]).size().index}
    for c, grp in crs.groupby("course"):
        (m,) = by_gid(fig, f"median:{c}").values()
        assert m.get_ydata()[0] == grp["doses_given"].median()


def test_dose_intensity_image(lee2000: CohortData, image_matches: Any) -> None:
    image_matches(dose_intensity_from(lee2000), "dose_intensity")


def test_dose_counts_hand() -> None:
    crs = pd.DataFrame({"course": [1, 1, 1, 2], "doses_planned": [28, 28, None, 28],
                        "doses_given": [20, 20, 14, None]})
    got = dose_counts(crs)
    assert list(got) == [1]  # course 2 has no doses given recorded
    assert dict(got[1][0]) == {20: 2, 14: 1}
    assert dict(got[1][1]) == {28: 2}


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize(("call", "field"), [
    (lambda: severe_toxicity_incidence(_tox([("A", "fever", 3, None)]), HAND_COURSES),
     "toxicities.dose_number"),
    (lambda: severe_toxicity_incidence(_tox([("A", "fever", 3, 13)]), HAND_COURSES),
     "toxicities.dose_number"),
    (lambda: severe_toxicity_incidence(_tox([("Z", "fever", 3, 1)]), HAND_COURSES),
     "toxicities.patient"),
    (lambda: severe_toxicity_incidence(_tox([("A", "fever", 7, 1)]), HAND_COURSES),
     "toxicities.grade"),
    (lambda: severe_toxicity_incidence(HAND_TOX, HAND_COURSES.drop(columns="doses_given")),
     "courses.doses_given"),
    (lambda: worst_grade_figure(HAND_TOX, top=0), "top"),
    (lambda: worst_grade_figure(_tox([("A", "fever", None, 1)])), "toxicities"),
    (lambda: toxicity_incidence_figure([1, 2], [True, False], ["x"]), "group"),
    (lambda: toxicity_incidence_figure([-1], [True]), "dose[0]"),
    (lambda: toxicity_incidence_figure([1], [2]), "event[0]"),
    (lambda: dose_intensity_figure(pd.DataFrame({"course": [1], "doses_planned": [28],
                                                 "doses_given": [30]})),
     "courses.doses_given"),
    (lambda: dose_intensity_figure(pd.DataFrame({"course": [0], "doses_planned": [28],
                                                 "doses_given": [3]})), "courses.course"),
    (lambda: swimmer_figure(pd.DataFrame({"patient": ["A"], "course": [1], "start_day": [9],
                                          "end_day": [3], "response": ["PR"]}),
                            pd.DataFrame({"patient": ["A"], "start": [dt.date(2020, 1, 1)],
                                          "best_response": [None], "response_on": [None],
                                          "progression_on": [None], "death_on": [None],
                                          "last_known_alive": [dt.date(2021, 1, 1)]})),
     "courses.end_day"),
    (lambda: swimmer_figure(pd.DataFrame({"patient": ["A"], "course": [1], "start_day": [0],
                                          "end_day": [3], "response": ["PR"]}),
                            pd.DataFrame({"patient": ["A"], "start": [dt.date(2020, 1, 1)],
                                          "best_response": [None], "response_on": [None],
                                          "progression_on": [None],
                                          "death_on": [dt.date(2019, 1, 1)],
                                          "last_known_alive": [None]})),
     "patients.death_on"),
])
def test_bad_input_names_the_field(call: Any, field: str) -> None:
    with pytest.raises(InputError) as e:
        call()
    assert e.value.field == field


def test_from_refuses_absent_tables(lee2000: CohortData) -> None:
    only = CohortData(patients=lee2000.patients)
    for call, table in ((swimmer_from, "courses"), (toxicity_incidence_from, "courses"),
                        (worst_grade_from, "toxicities"), (dose_intensity_from, "courses")):
        with pytest.raises(InputError) as e:
            call(only)
        assert e.value.field == table
        assert e.value.message.startswith("no rows to plot")
    with pytest.raises(InputError) as e:
        swimmer_from(lee2000, max_patients=0)
    assert e.value.field == "max_patients"
    with pytest.raises(InputError) as e:
        toxicity_incidence_from(lee2000, by="colour")
    assert e.value.field == "by"
