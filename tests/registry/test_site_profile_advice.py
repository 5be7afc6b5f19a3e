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
