"""Issue 11 item 4: every change is versioned and audited; facts are voided, never deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from registry.helpers import UTC, patient_with_slot


def test_item4_audit_lists_every_change_with_who_when_old_new(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import audit
    from hdil2.registry.models import DoseSlot

    nurse_a, nurse_b = user("audit_nurse_a"), user("audit_nurse_b")
    slot = patient_with_slot(nurse_a, "AUD1")
    slot.edit(by=nurse_a, status="held", reason="SpO2 89 %", change_reason="hold recorded")
    slot = DoseSlot.objects.get(pk=slot.pk)
    slot.edit(by=nurse_b, change_reason="hold lifted, dose given", reason="",
              status="given", given_at=dt.datetime(2025, 3, 3, 9, 30, tzinfo=UTC),
              dose_iu=Decimal(42000000), vials=2)
    changes = audit.changes(slot, include_creation=False)
    got = [(c.who, c.field, c.old, c.new, c.version) for c in changes]
    # one entry per changed field, the fields of one save in name order
    assert got == [
        ("audit_nurse_a", "reason", "", "SpO2 89 %", 2),
        ("audit_nurse_a", "status", "scheduled", "held", 2),
        ("audit_nurse_b", "dose_iu", None, Decimal(42000000), 3),
        ("audit_nurse_b", "given_at", None, dt.datetime(2025, 3, 3, 9, 30, tzinfo=UTC), 3),
        ("audit_nurse_b", "reason", "SpO2 89 %", "", 3),
        ("audit_nurse_b", "status", "held", "given", 3),
        ("audit_nurse_b", "vials", None, 2, 3),
    ]
    assert [c.when for c in changes] == sorted(c.when for c in changes)
    assert [c.reason for c in changes] == ["hold recorded"] * 2 + ["hold lifted, dose given"] * 5
    creation = audit.changes(slot)[: -len(changes)]
    assert {c.field: c.new for c in creation}["status"] == "scheduled"
    assert all(c.who == "audit_nurse_a" and c.old is None for c in creation)
    assert changes[0].to_dict()["when"].endswith("+00:00")


def test_item4_a_change_needs_an_author(registry_db: dict[str, Any]) -> None:
    from hdil2.registry.errors import RegistryError
    from hdil2.registry.models import Patient

    with pytest.raises(RegistryError) as e:
        Patient(registry_id="NOBODY", disease="rcc").save()
    assert e.value.field == "by"
    assert not Patient.objects.filter(registry_id="NOBODY").exists()


def test_item4_delete_is_refused_on_rows_and_querysets(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry.errors import DeletionRefused, RegistryError
    from hdil2.registry.models import Cycle, DoseSlot, Patient

    slot = patient_with_slot(user("del_nurse"), "DEL1")
    with pytest.raises(DeletionRefused):
        slot.delete()
    with pytest.raises(DeletionRefused):
        DoseSlot.objects.filter(pk=slot.pk).delete()
    with pytest.raises(DeletionRefused):
        Patient.objects.all().delete()
    # a bulk update would bypass the version and the history: refused too
    with pytest.raises(RegistryError) as e:
        DoseSlot.objects.filter(pk=slot.pk).update(status="held")
    assert e.value.field == "update"
    with pytest.raises(RegistryError):
        Cycle.objects.update(planned_slots=3)
    assert DoseSlot.objects.get(pk=slot.pk).status == "scheduled"


def test_item4_deleting_a_user_who_wrote_records_is_refused(
        registry_db: dict[str, Any], user: Any) -> None:
    from django.db.models import ProtectedError

    writer = user("leaving_nurse")
    patient_with_slot(writer, "DEL2")
    with pytest.raises(ProtectedError):
        writer.delete()


def test_item4_void_keeps_the_row_with_who_when_why(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry import audit
    from hdil2.registry.errors import RegistryError
    from hdil2.registry.models import DoseSlot, Toxicity

    nurse, doctor = user("void_nurse"), user("void_doctor")
    slot = patient_with_slot(nurse, "VOID1")
    patient = slot.cycle.course.patient
    tox = Toxicity(patient=patient, term="Creatinine increased", grade=2, grade_computed=2,
                   raw_values={"creatinine": "2.1 mg/dL", "uln": "1.2 mg/dL"},
                   onset_at=dt.datetime(2025, 3, 4, 6, tzinfo=UTC))
    tox.save(by=nurse)
    with pytest.raises(RegistryError) as e:
        tox.void(by=doctor, reason="  ")
    assert e.value.field == "void_reason"
    tox.void(by=doctor, reason="sample haemolysed; repeated")
    again = Toxicity.objects.get(pk=tox.pk)
    assert again.voided_at is not None
    assert again.voided_by == doctor
    assert again.void_reason == "sample haemolysed; repeated"
    assert again.version == 2
    assert not Toxicity.objects.active().filter(pk=tox.pk).exists()
    assert Toxicity.objects.voided().filter(pk=tox.pk).exists()
    with pytest.raises(RegistryError) as e:
        again.void(by=doctor, reason="twice")
    assert e.value.field == "voided_at"
    last = audit.changes(again, include_creation=False)
    assert {c.field for c in last} == {"voided_at", "voided_by", "void_reason"}
    assert {c.who for c in last} == {"void_doctor"}
    assert {c.reason for c in last} == {"voided: sample haemolysed; repeated"}
    assert DoseSlot.objects.active().filter(pk=slot.pk).exists()


def test_item4_edit_validates_and_names_the_field(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry.models import DoseSlot

    slot = patient_with_slot(user("val_nurse"), "VAL1")
    with pytest.raises(InputError) as e:
        slot.edit(by=user("val_nurse"), status="maybe")
    assert e.value.field == "status"
    with pytest.raises(InputError) as e:
        slot.edit(by=user("val_nurse"), version=7)
    assert e.value.field == "version"
    assert DoseSlot.objects.get(pk=slot.pk).version == 1


def test_item4_advice_is_written_once(registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.registry.errors import DeletionRefused, RegistryError
    from hdil2.registry.models import Advice, DoseSlot

    nurse = user("adv_nurse")
    slot = patient_with_slot(nurse, "ADV1")
    advice = Advice(operation="next-dose", value="hold", request={"spo2_pct": 89},
                    answer={"value": "hold", "reasons": [{"rule": "label.spo2_below_90",
                                                          "source": "proleukin-label"}]},
                    hdil2_version="0.1.0")
    advice.save(by=nurse)
    slot.edit(by=nurse, advice=advice, status="given",
              given_at=dt.datetime(2025, 3, 3, 8, 10, tzinfo=UTC),
              departure_reason="attending reviewed: SpO2 recovered to 93 % on recheck")
    assert DoseSlot.objects.get(pk=slot.pk).advice.answer["value"] == "hold"
    advice.value = "give"
    with pytest.raises(RegistryError):
        advice.save(by=nurse)
    with pytest.raises(DeletionRefused):
        advice.delete()
    assert Advice.objects.get(pk=advice.pk).value == "hold"


def test_item4_observation_keeps_unit_as_entered_and_canonical(
        registry_db: dict[str, Any], user: Any) -> None:
    from hdil2.core.errors import InputError
    from hdil2.registry.models import Observation, Patient

    nurse = user("obs_nurse")
    p = Patient(registry_id="OBS1", disease="rcc")
    p.save(by=nurse)
    o = Observation(patient=p, kind="lab", code="creatinine",
                    taken_at=dt.datetime(2025, 3, 3, 6, tzinfo=UTC),
                    uln=Decimal("1.2"))
    o.set_quantity("1.50 mg/dL")
    o.save(by=nurse)
    back = Observation.objects.get(pk=o.pk)
    assert back.value == Decimal("1.5")
    assert back.unit == "mg/dL"
    assert back.unit_canonical == "mg/dL"
    assert str(back.uln.normalize()) == "1.2"
    with pytest.raises(InputError) as e:
        o.set_quantity("1.5", field="creatinine")
    assert e.value.field == "creatinine"
