"""Issue 11 item 3: record toxicity - the grade computed by the clinical core from the raw
values (CTCAE v5.0, ctcae5); a clinician's override needs a reason."""

from __future__ import annotations

from typing import Any

import pytest

from registry.helpers import dump

CREATININE = {"term": "creatinine_increased", "value": "2.0 mg/dL", "uln": "1.2 mg/dL",
              "baseline": "0.9 mg/dL"}


def test_item3_creatinine_2_0_uln_1_2_baseline_0_9_is_stored_as_g2(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import services

    doctor = user("svc_tox")
    p = services.enrol(by=doctor, registry_id="TOX-1", disease="rcc").rows[0]
    out = services.record_toxicity(p.pk, by=doctor, request=CREATININE,
                                   onset_at="2025-03-05T06:00+00:00", attribution="probable")
    tox = out.rows[0]
    # CTCAE v5.0 creatinine increased: > 1.5-3.0 x ULN (2.0/1.2 = 1.67) and > 1.5-3.0 x
    # baseline (2.0/0.9 = 2.2): grade 2
    assert (tox.grade, tox.grade_computed, tox.override_reason) == (2, 2, "")
    assert tox.term == "Creatinine increased"
    assert tox.raw_values == CREATININE
    assert out.advice.operation == "grade"
    assert out.advice.ruleset_version == "CTCAE v5.0"
    assert tox.advice_id == out.advice.pk
    assert {r["source"] for r in out.advice.answer["reasons"]} == {"ctcae5"}


def test_item3_a_grade_override_needs_a_reason(registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services
    from hdil2.registry.models import Advice

    doctor = user("svc_tox2")
    p = services.enrol(by=doctor, registry_id="TOX-2", disease="rcc").rows[0]
    before, n_advice = dump(), Advice.objects.count()
    with pytest.raises(InputError) as e:
        services.record_toxicity(p.pk, by=doctor, request=CREATININE, grade=3,
                                 onset_at="2025-03-05T06:00+00:00")
    assert e.value.field == "override_reason"
    assert "G2" in str(e.value)
    assert dump() == before
    assert Advice.objects.count() == n_advice
    tox = services.record_toxicity(p.pk, by=doctor, request=CREATININE, grade=3,
                                   override_reason="dialysis started overnight",
                                   onset_at="2025-03-05T06:00+00:00").rows[0]
    assert (tox.grade, tox.grade_computed) == (3, 2)
    assert tox.override_reason == "dialysis started overnight"


def test_item3_not_evaluable_grade_needs_the_clinicians_grade_and_reason(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry import services

    doctor = user("svc_tox3")
    p = services.enrol(by=doctor, registry_id="TOX-3", disease="rcc").rows[0]
    # 1.3 mg/dL with ULN 1.2 is G1 by ULN; without the ULN and baseline it is not evaluable
    bare = {"term": "creatinine_increased", "value": "1.3 mg/dL"}
    with pytest.raises(InputError) as e:
        services.record_toxicity(p.pk, by=doctor, request=bare,
                                 onset_at="2025-03-05T06:00+00:00")
    assert e.value.field == "grade"
    tox = services.record_toxicity(p.pk, by=doctor, request=bare, grade=1,
                                   override_reason="ULN of the outside laboratory 1.2 mg/dL",
                                   onset_at="2025-03-05T06:00+00:00").rows[0]
    assert (tox.grade, tox.grade_computed) == (1, None)
    with pytest.raises(InputError) as e2:  # the grade request's own errors name its field
        services.record_toxicity(p.pk, by=doctor, onset_at="2025-03-05T06:00+00:00",
                                 request={"term": "creatinine_increased", "value": "2"})
    assert e2.value.field == "value"
