"""Issue 11 item 1: the registry's schema is built by its checked-in migrations alone."""

from __future__ import annotations

from typing import Any

import pytest


def test_item1_empty_database_migrates_forward_to_every_model(registry_db: dict[str, Any]) -> None:
    from django.apps import apps
    from django.db import connection

    from hdil2.registry import maintenance

    assert maintenance.pending_migrations() == []
    with connection.cursor() as cur:
        tables = set(connection.introspection.table_names(cur))
    models = list(apps.get_app_config("registry").get_models())
    names = {m.__name__ for m in models}
    # the concepts of issue 11 item 1, each with its audit-history twin
    for concept in ("Patient", "PatientIdentifier", "PriorTherapy", "Observation", "Course",
                    "Cycle", "DoseSlot", "Toxicity", "Scan", "Lesion", "Measurement",
                    "ResponseAssessment", "FollowUp", "QualityOfLife"):
        assert concept in names
        assert f"Historical{concept}" in names
    assert "Advice" in names
    assert {m._meta.db_table for m in models} <= tables


def test_item1_makemigrations_check_is_clean(registry_db: dict[str, Any]) -> None:
    from django.core.management import call_command

    # exits with status 1 if the models and the checked-in migrations disagree
    try:
        call_command("makemigrations", "registry", check=True, dry_run=True, verbosity=0)
    except SystemExit as e:  # pragma: no cover - the failure being tested for
        pytest.fail(f"models changed without a migration (makemigrations --check: {e.code})")


def test_item1_qlq_c30_has_thirty_items_with_their_scales(registry_db: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    from hdil2.registry.models import QualityOfLife

    fields = {f.name: f for f in QualityOfLife._meta.get_fields()}
    assert [f"q{i}" for i in range(1, 31)] == [n for n in fields if n.startswith("q")
                                               and n[1:].isdigit()]
    # items 1-28 on a 4-point scale, 29-30 on a 7-point scale (the QLQ-C30 form)
    fields["q28"].clean(4, None)
    with pytest.raises(ValidationError):
        fields["q28"].clean(5, None)
    fields["q29"].clean(7, None)
    with pytest.raises(ValidationError):
        fields["q30"].clean(8, None)


def test_item1_qlq_c30_range_is_enforced_by_the_database(
        registry_db: dict[str, Any], user: Any) -> None:
    import datetime as dt

    from django.db import IntegrityError, transaction

    from hdil2.registry.models import Patient, QualityOfLife

    u = user("research_nurse")
    p = Patient(registry_id="QOL1", disease="melanoma")
    p.save(by=u)
    QualityOfLife(patient=p, completed_on=dt.date(2025, 1, 1), label="baseline",
                  q1=1, q29=7).save(by=u)
    with pytest.raises(IntegrityError), transaction.atomic():
        QualityOfLife(patient=p, completed_on=dt.date(2025, 2, 1), label="week 6",
                      q1=5).save(by=u)


def test_item1_discontinuation_reasons_are_lee2000_table5(registry_db: dict[str, Any]) -> None:
    from hdil2.registry.models.treatment import DISCONTINUATION_REASONS

    # Lee et al. 2000 (lee2000), Table 5 rows: progressive disease, IL-2 toxicity, complete
    # response, death, other
    assert [k for k, _ in DISCONTINUATION_REASONS] == [
        "progressive_disease", "il2_toxicity", "complete_response", "death", "other"]
