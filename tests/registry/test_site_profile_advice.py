"""Issue 16: the registry's next-dose use cases apply the site profile (its institutional hold
rule sets beside the label, its next-dose policies) as the CLI's ``--site`` and the API's rules
routes do; the stored advice records the rule sets that were applied.

The numbers: a heart rate of 110 bpm is the sinus tachycardia row "100-130" of the consensus
hold criteria (``dutcher2014``, a relative criterion: hold) and fires no row of the Proleukin
label (``proleukin-label``); 140 bpm is that table's "above 130" row (absolute: stop, its scope
a policy of the site).
"""

from __future__ import annotations

from typing import Any

import pytest

from registry.test_services_treatment import _all_clear_bedside

AT = "2025-03-03T07:45+00:00"
DUTCHER_HR = "dutcher2014.sinus_tachycardia_100_130"


@pytest.fixture
def site() -> Any:
    from hdil2.app.profile import SiteProfile

    return SiteProfile(name="ward with consensus holds", hold_rulesets=("label", "dutcher2014"))


def _course(by: Any, code: str, heart_rate: str = "110 bpm") -> Any:
    """A planned course whose first slot's observations are all clear for the label (SBP 120,
    SpO2 97 %, creatinine 1.0 mg/dL) with the heart rate given."""
    from hdil2.registry import services

    p = services.enrol(by=by, registry_id=code, disease="rcc").rows[0]
    course = services.plan_course(p.pk, by=by, regimen="hd-il2-600k",
                                  first_dose="2025-03-03T08:00", ward_tz="Europe/London",
                                  weight="70 kg").rows[1]
    for obs, value in (("sbp", "120 mmHg"), ("spo2", "97 %"), ("heart_rate", heart_rate)):
        services.record_observation(p.pk, by=by, code=obs, kind="vital", value=value,
                                    taken_at="2025-03-03T07:30+00:00")
    services.record_observation(p.pk, by=by, code="creatinine", value="1.0 mg/dL",
                                taken_at="2025-03-03T06:00+00:00")
    return course


def _fired(answer: dict[str, Any]) -> set[str]:
    return {c["rule"] for c in answer.get("checks", []) if c.get("result") == "fired"}


def test_item16_advice_applies_the_sites_hold_rulesets_and_stores_them(
        registry_db: dict[str, Any], user: Any, site: Any) -> None:
    from hdil2.registry import services

    nurse = user("site_advice")
    course = _course(nurse, "SITE-ADV1")
    bedside = _all_clear_bedside()
    # the label alone: 110 bpm fires no row, everything it reads is clear
    assert services.preview_next_dose(course.pk, at=AT, bedside=bedside).value == "give"
    preview = services.preview_next_dose(course.pk, at=AT, bedside=bedside, site=site)
    assert preview.value == "hold"
    assert DUTCHER_HR in {r.rule for r in preview.reasons}
    advised = services.advise_next_dose(course.pk, by=nurse, bedside=bedside, at=AT, site=site)
    assert advised.value == "hold"
    stored = advised.advice
    assert stored.request["rulesets"] == ["label", "dutcher2014"]
    assert DUTCHER_HR in _fired(stored.answer)
    assert "dutcher2014" in stored.ruleset_version
    assert advised.rows[0].advice_id == stored.pk
    # holding as advised takes the consensus row as the reason
    held = services.record_dose(advised.rows[0].pk, advised.rows[0].version, by=nurse,
                                status="held").rows[0]
    assert DUTCHER_HR in held.reason


def test_item16_without_a_profile_the_advice_is_the_labels_and_says_so(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import services

    nurse = user("site_none")
    course = _course(nurse, "SITE-NONE1")
    advised = services.advise_next_dose(course.pk, by=nurse, bedside=_all_clear_bedside(),
                                        at=AT)
    assert advised.value == "give"
    assert advised.advice.request["rulesets"] == ["label"]
    assert advised.advice.ruleset_version.startswith("label: proleukin-label")
    assert "dutcher2014" not in advised.advice.ruleset_version


def test_item16_rulesets_given_win_over_the_sites(
        registry_db: dict[str, Any], user: Any, site: Any) -> None:
    from hdil2.registry import services

    nurse = user("site_given")
    course = _course(nurse, "SITE-GIVEN1")
    advised = services.advise_next_dose(course.pk, by=nurse, bedside=_all_clear_bedside(),
                                        at=AT, rulesets=("label",), site=site)
    assert advised.value == "give"
    assert advised.advice.request["rulesets"] == ["label"]


def test_item16_the_sites_next_dose_policies_apply_and_are_stored(
        registry_db: dict[str, Any], user: Any) -> None:
    """140 bpm: the consensus table's absolute row stops the cycle by default; a site whose
    policy is to stop the course gets that, and the stored request names the policy."""
    from hdil2.app.profile import SiteProfile
    from hdil2.registry import services

    nurse = user("site_policy")
    course = _course(nurse, "SITE-POL1", heart_rate="140 bpm")
    bedside = _all_clear_bedside()
    plain = SiteProfile(hold_rulesets=("label", "dutcher2014"))
    scoped = SiteProfile(hold_rulesets=("label", "dutcher2014"),
                         policies={"next-dose": {"institutional_stop_scope": "course"}})
    assert services.preview_next_dose(course.pk, at=AT, bedside=bedside).value == "give"
    assert services.preview_next_dose(course.pk, at=AT, bedside=bedside,
                                      site=plain).value == "stop_cycle"
    advised = services.advise_next_dose(course.pk, by=nurse, bedside=bedside, at=AT,
                                        site=scoped)
    assert advised.value == "stop_course"
    assert advised.advice.request["policies"] == {"institutional_stop_scope": "course"}


def test_item16_many_previews_apply_the_site_like_one(
        registry_db: dict[str, Any], user: Any, site: Any) -> None:
    """The ward board's batch (``preview_next_doses``) gives what ``preview_next_dose`` gives,
    with or without the site."""
    import datetime as dt

    from hdil2.registry import services
    from hdil2.registry.services.treatment import course_slots, preview_next_doses

    nurse = user("site_batch")
    course = _course(nurse, "SITE-BATCH1")
    at = dt.datetime.fromisoformat(AT)
    slots = {course.pk: course_slots(course)}
    label = preview_next_doses([course], slots, at=at)[course.pk]
    mine = preview_next_doses([course], slots, at=at, site=site)[course.pk]
    # no bedside findings on the board: the label cannot say give, the consensus row holds
    assert label.value == "not_evaluable"
    assert mine.value == "hold"
    assert DUTCHER_HR in {r.rule for r in mine.reasons}
    assert mine.to_dict() == services.preview_next_dose(course.pk, at=at, site=site).to_dict()


# --- screen, assess, next-course: the site's policy overrides (issue 16, site profile) --------
#
# One policy per operation whose non-default value changes the answer on a simple patient:
# * screen, ``calcium_correction`` (docs/decisions.md#corrected-calcium-formula): calcium
#   9.8 mg/dL with albumin 3.5 g/dL is 9.8 + 0.8 x (4.0 - 3.5) = 10.2 mg/dL by the default
#   ``payne`` form, above the MSKCC line of 10.0 mg/dL (motzer2002: one factor,
#   intermediate), and 9.8 - 0.707 x (3.5 - 3.4) = 9.7293 -> 9.73 mg/dL by ``mskcc_0707``
#   (no factor, favourable);
# * assess, ``confirm_max_ne_between``: PR, NE, PR (the confirming scan 8 weeks later,
#   RECIST 1.1 section 4.4 asks at least 4) is a confirmed PR when one NE may lie between
#   (default 1) and not confirmed with 0 - the best response is then SD;
# * next-course, ``min_rest_days``: the label's rest of at least 7 weeks after discharge
#   (2025-03-25 + 49 days = 2025-05-13) against the Cytokine Working Group's 12 weeks
#   (84 days: 2025-06-17).

def _screened_patient(by: Any, code: str) -> Any:
    """RCC, KPS 90, diagnosed 2020 (no time factor), LDH 200 U/L (ULN 250), haemoglobin
    13 g/dL (LLN 12): the corrected calcium is the only MSKCC factor in question."""
    from hdil2.registry import services

    p = services.enrol(by=by, registry_id=code, disease="rcc", histology="clear_cell",
                       karnofsky=90, diagnosis_date="2020-01-15").rows[0]
    for code_, value, lln, uln in (("ldh", "200 U/L", None, "250 U/L"),
                                   ("hemoglobin", "13 g/dL", "12 g/dL", None),
                                   ("calcium", "9.8 mg/dL", None, None),
                                   ("albumin", "3.5 g/dL", None, None)):
        services.record_observation(p.pk, by=by, code=code_, value=value, lln=lln, uln=uln,
                                    taken_at="2025-02-20T09:00+00:00")
    return p


def test_item16_screen_applies_the_sites_policies_and_stores_them(
        registry_db: dict[str, Any], user: Any) -> None:
    from decimal import Decimal

    from hdil2.app.profile import SiteProfile
    from hdil2.registry import services
    from hdil2.registry.models import Patient

    doctor = user("site_screen")
    site = SiteProfile(policies={"screen": {"calcium_correction": "mskcc_0707"}})
    p = _screened_patient(doctor, "SITE-SCR1")
    plain = services.screen(p.pk, by=doctor, planned_day1="2025-03-03")
    assert plain.decision.corrected_calcium.value_mg_dl == Decimal("10.20")
    assert plain.decision.model("mskcc2002").group == "intermediate"
    assert plain.advice.request["policies"] == {}
    mine = services.screen(p.pk, by=doctor, planned_day1="2025-03-03", site=site)
    assert mine.decision.corrected_calcium.formula == "mskcc_0707"
    assert mine.decision.corrected_calcium.value_mg_dl == Decimal("9.73")
    assert mine.decision.model("mskcc2002").group == "favourable"
    assert mine.advice.request["policies"] == {"calcium_correction": "mskcc_0707"}
    assert Patient.objects.get(pk=p.pk).risk_group == "favourable"
    # the request's own policy wins over the site's
    given = services.screen(p.pk, by=doctor, planned_day1="2025-03-03", site=site,
                            policies={"calcium_correction": "payne"})
    assert given.decision.corrected_calcium.value_mg_dl == Decimal("10.20")
    assert given.advice.request["policies"] == {"calcium_correction": "payne"}


def _pr_ne_pr(by: Any, code: str) -> Any:
    """RECIST 1.1: the sum 60 + 40 = 100 mm falls to 39 + 26 = 65 mm (-35 %, PR), then a
    scan where T01 was not evaluated (NE), then 65 mm again 8 weeks after the first PR."""
    from hdil2.registry import services

    p = services.enrol(by=by, registry_id=code, disease="rcc").rows[0]
    services.record_scan(p.pk, by=by, scanned_on="2025-02-20", modality="ct", baseline=True,
                         measurements=[{"lesion": "T01", "kind": "target", "organ": "lung",
                                        "longest_mm": 60},
                                       {"lesion": "T02", "kind": "target", "organ": "liver",
                                        "longest_mm": 40}])
    for day, t01 in (("2025-04-15", {"longest_mm": 39}),
                     ("2025-05-15", {"status": "not_evaluated"}),
                     ("2025-06-10", {"longest_mm": 39})):
        services.record_scan(p.pk, by=by, scanned_on=day, modality="ct",
                             measurements=[{"lesion": "T01", **t01},
                                           {"lesion": "T02", "longest_mm": 26}])
    return p


def test_item16_assess_applies_the_sites_policies_and_stores_them(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.app.profile import SiteProfile
    from hdil2.registry import services

    doctor = user("site_assess")
    site = SiteProfile(policies={"assess": {"confirm_max_ne_between": 0}})
    p = _pr_ne_pr(doctor, "SITE-ASS1")
    plain = services.assess_response(p.pk, by=doctor, criteria="recist1.1",
                                     start_date="2025-03-03")
    assert [r.response for r in plain.rows] == ["PR", "NE", "PR", "PR"]
    assert plain.advice.request["policies"] == {}
    mine = services.assess_response(p.pk, by=doctor, criteria="recist1.1",
                                    start_date="2025-03-03", site=site)
    assert [r.response for r in mine.rows] == ["PR", "NE", "PR", "SD"]
    assert mine.advice.value == "SD"
    assert mine.advice.request["policies"] == {"confirm_max_ne_between": 0}
    given = services.assess_response(p.pk, by=doctor, criteria="recist1.1",
                                     start_date="2025-03-03", site=site,
                                     policies={"confirm_max_ne_between": 1})
    assert given.rows[-1].response == "PR"
    assert given.advice.request["policies"] == {"confirm_max_ne_between": 1}


def test_item16_next_course_applies_the_sites_policies_and_stores_them(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.app.profile import SiteProfile
    from hdil2.registry import services
    from registry.test_services_courses import _course_with_pr

    doctor = user("site_next")
    site = SiteProfile(policies={"next-course": {"min_rest_days": 84}})
    p, _ = _course_with_pr(doctor, "SITE-NXT1")
    plain = services.advise_next_course(p.pk, by=doctor)
    assert plain.value == "next_course"
    assert str(plain.decision.details["earliest_start_date"]) == "2025-05-13"
    assert plain.advice.request["policies"] == {}
    mine = services.advise_next_course(p.pk, by=doctor, site=site)
    assert mine.value == "next_course"
    assert str(mine.decision.details["earliest_start_date"]) == "2025-06-17"
    assert mine.advice.request["policies"] == {"min_rest_days": 84}
    given = services.advise_next_course(p.pk, by=doctor, site=site,
                                        policies={"min_rest_days": 56})
    # 2025-03-25 + 56 days (8 weeks)
    assert str(given.decision.details["earliest_start_date"]) == "2025-05-20"
    assert given.advice.request["policies"] == {"min_rest_days": 56}


def test_item16_plan_course_applies_the_sites_dose_policy(
        registry_db: dict[str, Any], user: Any) -> None:
    """600,000 IU/kg x 36.5 kg = 21,900,000 IU: 2 vials at the label's drawable 21.6 MIU per
    vial (default), 1 vial at the nominal 22 MIU (docs/decisions.md#vial-drawable-amount)."""
    from hdil2.app.profile import SiteProfile
    from hdil2.registry import services

    doctor = user("site_plan")
    site = SiteProfile(policies={"dose": {"vial_drawable": "nominal"}})
    p = services.enrol(by=doctor, registry_id="SITE-PLAN1", disease="rcc").rows[0]
    kw: dict[str, Any] = {"regimen": "hd-il2-600k", "first_dose": "2025-03-03T08:00",
                          "ward_tz": "Europe/London", "weight": "36.5 kg"}
    plain = services.plan_course(p.pk, by=doctor, **kw)
    il2 = plain.decision.il2
    assert (il2.dose_iu, il2.preparation.vials) == (21_900_000, 2)
    mine = services.plan_course(p.pk, by=doctor, site=site, **kw)
    assert (mine.decision.il2.dose_iu, mine.decision.il2.preparation.vials) == (21_900_000, 1)
    assert mine.advice.request["policies"] == {"vial_drawable": "nominal"}
