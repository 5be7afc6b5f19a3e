"""Issue 13: the registry as the report's tables (``hdil2.registry.report_data``).

The database holds the demo lee2000 cohort (Lee et al. 2000, ``lee2000``; seed 2000) and two
patients entered by hand through the registry's use cases, so that dose numbers, QLQ-C30
scores, ages and prior therapies are checked against values worked out here from their
definitions.  The printed numbers of lee2000 (Tables 1, 3 and 4) are those typed into
``test_synthetic.py``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hdil2.core.errors import InputError
from hdil2.registry import cohort, demo, report_data
from hdil2.report import data as rd

from .test_synthetic import TABLE1, TABLES34

SEED = 2000
DEMO = cohort.CohortFilter(code_prefix=f"demo{SEED}-")
HAND = "HAND-RD-001"
# the hand patient's questionnaire: PF2 (items 1-5) 1, 2, 2, 3, 1; QL2 (29, 30) 5 and 6;
# FA (10, 12, 18) only item 10 answered; every other item 1
ANSWERS: dict[str, int | None] = {f"q{i}": 1 for i in range(1, 31)}
ANSWERS.update(q1=1, q2=2, q3=2, q4=3, q5=1, q29=5, q30=6, q10=3, q12=None, q18=None)


@pytest.fixture(scope="module")
def loaded(registry_db: dict[str, Any]) -> dict[str, Any]:
    from hdil2.registry import services
    from hdil2.registry.models import DoseSlot, PriorTherapy
    from hdil2.registry.users import system_user

    demo.load(SEED)
    nurse = system_user("nurse_rd")
    p = services.enrol(by=nurse, registry_id=HAND, disease="rcc", sex="female",
                       birth_date="1960-03-04", metastatic_sites=["lung", "bone"]).rows[0]
    for kind in ("surgery", "interferon", "surgery"):
        PriorTherapy(patient=p, kind=kind).save(by=nurse)
    planned = services.plan_course(p.pk, by=nurse, regimen="hd-il2-600k",
                                   first_dose="2025-03-03T08:00", ward_tz="Europe/London",
                                   weight="70 kg")
    course = planned.rows[1]
    slots = list(DoseSlot.objects.filter(cycle__course=course)
                 .order_by("cycle__number", "number"))
    # slots 1-3 given on time (08:00, 16:00, 00:00 UTC = London in March), slot 4 held
    for s in slots[:3]:
        services.record_dose(s.pk, s.version, by=nurse, status="given",
                             given_at=s.scheduled_at, dose_iu=42_000_000,
                             departure_reason="recorded after the fact, no advice shown")
    services.record_dose(slots[3].pk, slots[3].version, by=nurse, status="held",
                         reason="SBP 84 mmHg", departure_reason="recorded after the fact")
    creatinine = {"term": "creatinine_increased", "value": "2.0 mg/dL", "uln": "1.2 mg/dL",
                  "baseline": "0.9 mg/dL"}
    # onset 06:00 UTC on 4 March: after slots 1-3 (the third at 00:00) - dose number 3
    services.record_toxicity(p.pk, by=nurse, request=creatinine,
                             onset_at="2025-03-04T06:00+00:00", course_id=course.pk)
    # onset at the very time slot 3 was given counts that dose: 3
    services.record_toxicity(p.pk, by=nurse, request={"term": "fever", "value": "38.5 °C"},
                             onset_at="2025-03-04T00:00+00:00")
    # onset before the first dose: 0 doses, no course
    services.record_toxicity(p.pk, by=nurse, request={"term": "fever", "value": "38.2 °C"},
                             onset_at="2025-03-01T12:00+00:00")
    services.record_qlq_c30(p.pk, by=nurse, completed_on="2025-03-10", label="week 1",
                            answers=dict(ANSWERS))
    q = services.enrol(by=nurse, registry_id="HAND-RD-002", disease="melanoma",
                       prior_systemic_lines=0).rows[0]
    return {"hand": p, "none": q}


@pytest.fixture(scope="module")
def data(loaded: dict[str, Any]) -> Any:
    t0 = time.perf_counter()
    out = report_data.cohort_data(DEMO, title="lee2000 demo")
    print(f"\ncohort_data of the 350-patient demo: {time.perf_counter() - t0:.2f} s")
    return out


def test_cohort_data_passes_the_report_check_with_350_patients(data: Any) -> None:
    assert rd.check(data) is data
    assert len(data.patients) == 350
    assert data.title == "lee2000 demo"
    assert data.filters == {"code_prefix": f"demo{SEED}-"}
    assert Counter(data.patients["disease"]) == {"melanoma": 149, "rcc": 201}
    for name in rd.TABLES:
        assert list(data.table(name).columns) == list(rd.TABLES[name]), name


def test_ages_reproduce_lee2000_table1_age_groups(data: Any) -> None:
    groups = Counter()
    for disease, age in zip(data.patients["disease"], data.patients["age"], strict=True):
        label = next(g for g in TABLE1["age_group"]
                     if int(g.split("-")[0]) <= age <= int(g.split("-")[1]))
        groups[(label, disease)] += 1
    for label, (mel, rcc) in TABLE1["age_group"].items():
        assert (groups[(label, "melanoma")], groups[(label, "rcc")]) == (mel, rcc), label


def test_age_is_completed_years_at_the_first_dose(loaded: dict[str, Any]) -> None:
    pats = report_data.patient_data(HAND).patients
    row = pats.iloc[0]
    # born 4 March 1960, first dose 3 March 2025: the 65th birthday is the next day
    assert row["start"] == dt.date(2025, 3, 3)
    assert row["age"] == 64
    assert row["prior_therapy"] == "interferon;surgery"
    assert row["metastatic_sites"] == "lung;bone"
    assert row["sex"] == "female"
    other = report_data.patient_data("HAND-RD-002").patients.iloc[0]
    assert other["prior_therapy"] == ""  # 0 prior systemic lines, none stored
    assert other["metastatic_sites"] is None
    assert other["age"] is None
    demo_row = report_data.patient_data(f"demo{SEED}-M001").patients.iloc[0]
    assert demo_row["prior_therapy"] is None  # not recorded


def test_course_rows_equal_the_treated_counts_of_lee2000_tables_3_and_4(data: Any) -> None:
    courses = data.courses
    disease = dict(zip(data.patients["patient"], data.patients["disease"], strict=True))
    counts = Counter((disease[p], k) for p, k in zip(courses["patient"], courses["course"],
                                                     strict=True))
    for d, table in TABLES34.items():
        for k, printed in table.items():
            assert counts[(d, k)] == printed["treated"], (d, k)
        assert max(k for dd, k in counts if dd == d) == max(table)
    first = courses[courses["course"] == 1]
    for d, table in TABLES34.items():
        mine = first[first["patient"].map(disease) == d]
        # the paper's Table 3 has no PD row: progression is no response (NR)
        assert Counter("NR" if r == "PD" else r for r in mine["response"]) == \
            {r: n for r, n in table[1]["response"].items() if n}
    # every slot of the demo in one course row, and in the doses table
    assert sum(courses["doses_planned"]) == len(data.doses) == 17_430
    assert (courses["doses_given"] + courses["doses_held"] <= courses["doses_planned"]).all()
    assert (courses["start_day"][courses["course"] == 1] == 0).all()


def test_tumour_last_visit_equals_the_stored_visit_response(data: Any) -> None:
    from hdil2.registry.models import ResponseAssessment

    stored: dict[str, str] = {}
    for code, response in (ResponseAssessment.objects.active()
                           .filter(kind="visit", patient__registry_id__startswith="demo2000-")
                           .order_by("assessed_on", "pk")
                           .values_list("patient__registry_id", "response")):
        stored[code] = response  # the last one
    tumour = data.tumour
    last = tumour.groupby("patient").tail(1)
    assert dict(zip(last["patient"], last["response"], strict=True)) == stored
    assert len(stored) == 347  # three patients died before a response scan
    assert tumour.attrs["left_out"] == {}
    assert set(tumour["criteria"]) == {"nci"}
    base = tumour[tumour["visit"] == 0]
    assert len(base) == 347
    assert (base["change_pct"] == 0.0).all()
    assert base["response"].isna().all()
    assert (base["day"] <= 0).all()


def test_tumour_change_is_the_percent_change_of_the_sum_of_products(data: Any) -> None:
    """NCI bidimensional criteria (``lee2000``): the burden is the sum of the products of the
    target lesions' perpendicular diameters; worked out here from the stored measurements."""
    from hdil2.registry.models import Measurement, Scan

    code = f"demo{SEED}-M003"
    scans = list(Scan.objects.active().filter(patient__registry_id=code)
                 .order_by("scanned_on"))
    spd = []
    for s in scans:
        spd.append(sum(
            (x.longest_mm * x.perpendicular_mm for x in
             Measurement.objects.active().filter(scan=s, lesion__kind="target")
             if x.status == "present"), Decimal(0)))
    mine = data.tumour[data.tumour["patient"] == code].reset_index(drop=True)
    assert len(mine) == len(scans) == 5
    assert [float(v) for v in spd] == list(mine["burden_mm"])
    for i in range(1, 5):
        pct = ((spd[i] - spd[0]) * 100 / spd[0]).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert mine["change_pct"][i] == float(pct)
    assert mine["change_pct"][1] < -50  # a partial response of the NCI criteria
    assert list(mine["response"][1:3]) == ["PR", "CR"]


def test_toxicities_dose_number_course_and_day(loaded: dict[str, Any]) -> None:
    tox = report_data.patient_data(HAND).toxicities
    got = {(r.term, r.onset_day): (r.dose_number, r.course, r.grade) for r in tox.itertuples()}
    assert got == {("Creatinine increased", 1): (3, 1, 2),  # CTCAE v5.0: 2.0/1.2 ULN -> G2
                   ("Fever", 1): (3, 1, 1),
                   ("Fever", -2): (0, None, 1)}


def test_demo_toxicities_fall_in_the_course_they_were_recorded_with(data: Any) -> None:
    from hdil2.registry.models import Toxicity

    stored = list(Toxicity.objects.active().filter(patient__registry_id__startswith="demo2000-")
                  .order_by("patient__registry_id", "onset_at", "pk")
                  .values_list("course__number", flat=True))
    assert list(data.toxicities["course"]) == stored
    assert len(stored) > 3000
    assert (data.toxicities["dose_number"] >= 1).all()


def test_quality_of_life_scores_are_the_manuals_formulas(loaded: dict[str, Any]) -> None:
    qol = report_data.patient_data(HAND).quality_of_life
    assert len(qol) == 1
    row = qol.iloc[0]
    assert (row["label"], row["completed_on"], row["day"]) == ("week 1", dt.date(2025, 3, 10),
                                                              7)
    # EORTC scoring manual: functional S = (1 - (RS - 1)/range) x 100, RS the mean of items
    rs = Fraction(1 + 2 + 2 + 3 + 1, 5)
    assert row["PF2"] == float((1 - (rs - 1) / 3) * 100)  # 73.33...
    # global health status: S = (RS - 1)/range x 100 with range 6
    assert row["QL2"] == float((Fraction(5 + 6, 2) - 1) / 6 * 100)  # 75
    assert row["FA"] is None  # one of three items answered: fewer than half
    assert row["DY"] == 0.0


def test_doses_in_the_wards_zone(loaded: dict[str, Any]) -> None:
    doses = report_data.patient_data(HAND).doses
    assert len(doses) == 28  # the label: 14 doses a cycle, 2 cycles
    assert list(doses["scheduled_at"][:3]) == [
        "2025-03-03T08:00:00+00:00", "2025-03-03T16:00:00+00:00", "2025-03-04T00:00:00+00:00"]
    assert list(doses["status"][:5]) == ["given", "given", "given", "held", "scheduled"]
    assert doses["reason"][3] == "SBP 84 mmHg"
    assert doses["dose_iu"][0] == 42_000_000.0
    courses = report_data.patient_data(HAND).courses
    assert list(courses[["doses_planned", "doses_given", "doses_held", "end_day"]].iloc[0]) == \
        [28, 3, 1, 1]


def test_days_and_times_are_the_wards_not_utc(loaded: dict[str, Any]) -> None:
    """A ward in New York (UTC-5 in early March): the onset 02:00 UTC on 4 March is 21:00 on
    3 March there, the day of the first dose (day 0, not day 1); a voided slot is left out."""
    from hdil2.registry import services
    from hdil2.registry.models import DoseSlot
    from hdil2.registry.users import system_user

    nurse = system_user("nurse_rd")
    p = services.enrol(by=nurse, registry_id="HAND-RD-003", disease="rcc").rows[0]
    course = services.plan_course(p.pk, by=nurse, regimen="hd-il2-600k",
                                  first_dose="2025-03-03T08:00", ward_tz="America/New_York",
                                  weight="70 kg").rows[1]
    slots = list(DoseSlot.objects.filter(cycle__course=course)
                 .order_by("cycle__number", "number"))
    first = slots[0]
    services.record_dose(first.pk, first.version, by=nurse, status="given",
                         given_at=first.scheduled_at, dose_iu=42_000_000,
                         departure_reason="recorded after the fact, no advice shown")
    slots[-1].void(by=nurse, reason="entered twice")
    services.record_toxicity(p.pk, by=nurse, request={"term": "fever", "value": "38.5 °C"},
                             onset_at="2025-03-04T02:00+00:00")
    data = report_data.patient_data("HAND-RD-003")
    tox = data.toxicities.iloc[0]
    assert (tox["onset_day"], tox["course"], tox["dose_number"]) == (0, 1, 1)
    assert data.doses["scheduled_at"][0] == "2025-03-03T08:00:00-05:00"
    assert len(data.doses) == 27
    assert data.courses["doses_planned"][0] == 27


def test_tumour_without_a_stored_assessment_is_left_out_then_uses_its_criteria(
        loaded: dict[str, Any]) -> None:
    """RECIST 1.1 (``recist1.1``) section 4.3.1: a 30 % decrease in the sum of diameters is
    a partial response - 50 + 30 mm at baseline, 35 + 21 mm after is -30.0 %."""
    from hdil2.registry import services
    from hdil2.registry.models import DoseSlot
    from hdil2.registry.users import system_user

    nurse = system_user("nurse_rd")
    code = "HAND-RD-004"
    p = services.enrol(by=nurse, registry_id=code, disease="melanoma").rows[0]
    course = services.plan_course(p.pk, by=nurse, regimen="hd-il2-600k",
                                  first_dose="2025-03-03T08:00", ward_tz="Europe/London",
                                  weight="70 kg").rows[1]
    first = DoseSlot.objects.filter(cycle__course=course).order_by("cycle__number",
                                                                   "number")[0]
    services.record_dose(first.pk, first.version, by=nurse, status="given",
                         given_at=first.scheduled_at, dose_iu=42_000_000,
                         departure_reason="recorded after the fact, no advice shown")
    services.record_scan(p.pk, by=nurse, scanned_on="2025-02-20", modality="ct",
                         baseline=True, measurements=[
                             {"lesion": "T01", "kind": "target", "organ": "lung",
                              "longest_mm": 50},
                             {"lesion": "T02", "kind": "target", "organ": "liver",
                              "longest_mm": 30}])
    services.record_scan(p.pk, by=nurse, scanned_on="2025-05-01", modality="ct",
                         measurements=[{"lesion": "T01", "longest_mm": 35},
                                       {"lesion": "T02", "longest_mm": 21}])
    before = report_data.patient_data(code).tumour
    assert before.empty
    assert list(before.attrs["left_out"]) == [code]
    services.assess_response(p.pk, by=nurse, criteria="recist1.1")
    after = report_data.patient_data(code).tumour
    assert after.attrs["left_out"] == {}
    assert list(after["criteria"]) == ["recist1.1"] * 2
    assert list(after["day"]) == [-11, 59]
    assert list(after["burden_mm"]) == [80.0, 56.0]
    assert list(after["change_pct"]) == [0.0, -30.0]
    assert after["response"][1] == "PR"
    row = report_data.patient_data(code).patients.iloc[0]
    assert row["response_on"] == dt.date(2025, 5, 1)


def test_patient_data_unknown_code_names_the_patient(loaded: dict[str, Any]) -> None:
    with pytest.raises(InputError) as e:
        report_data.patient_data("NOBODY-1")
    assert e.value.field == "patient"


def test_progress_is_called_before_each_table(loaded: dict[str, Any]) -> None:
    seen: list[str] = []
    report_data.cohort_data(cohort.CohortFilter(code_prefix=HAND), progress=seen.append)
    assert seen == list(rd.TABLES)


def test_the_number_of_queries_does_not_grow_with_the_patients(loaded: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        report_data.cohort_data(cohort.CohortFilter(code_prefix=HAND))
    with CaptureQueriesContext(connection) as all_:
        report_data.cohort_data()
    assert len(all_) == len(one) <= 20


def _anniversary(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a common year: 1 March
        return dt.date(born.year + years, 3, 1)


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.integers(0, 40_000))
def test_age_in_completed_years_is_the_last_birthday_reached(born: dt.date, days: int) -> None:
    on = born + dt.timedelta(days=days)
    if on.year > 9998:
        return
    age = report_data._completed_years(born, on)
    assert _anniversary(born, age) <= on < _anniversary(born, age + 1)
