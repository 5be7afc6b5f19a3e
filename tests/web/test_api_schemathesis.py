"""schemathesis against /api/v1/openapi.json through the WSGI application (issue 14, JSON API):
with the token of a physician-and-nurse user on a registry of a few patients, every operation
answers without a 5xx, with a status code the document declares and a body its schema allows.
The budget is bounded (a few examples per operation, a deadline per example)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 6
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture(scope="module")
def token(web_db: dict[str, Any], make_user: Callable[..., Any]) -> str:
    """A physician-and-nurse user's token, on a registry of a few synthetic patients (one with
    a course planned)."""
    from django.contrib.auth.models import Group

    from hdil2.registry import demo, services
    from hdil2.registry.models import Patient
    from hdil2.web.models import ApiToken

    user = make_user("physician", "fuzz-doctor")
    user.groups.add(Group.objects.get(name="nurse"))
    demo.load(14, 4)
    p = Patient.objects.order_by("pk").first()
    assert p is not None
    services.plan_course(p.pk, by=user, regimen="hd-il2-600k", first_dose="2025-03-03T08:00",
                         ward_tz="Europe/London", weight="70 kg")
    return ApiToken.issue(user, "schemathesis")[1]


@pytest.fixture(scope="module")
def api_schema(token: str) -> Any:
    from django.core.handlers.wsgi import WSGIHandler

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(),
                                          headers={"Authorization": f"Bearer {token}"})


def _real_ids() -> dict[str, list[int]]:
    """Ids of real rows by path parameter, so the fuzzer reaches the use cases, not only 404."""
    from hdil2.registry.models import Course, DoseSlot, Patient

    return {"patient_id": list(Patient.objects.values_list("pk", flat=True)[:4]),
            "course_id": list(Course.objects.values_list("pk", flat=True)[:2]),
            "slot_id": list(DoseSlot.objects.order_by("pk").values_list("pk", flat=True)[:2])}


def _fuzz(operation: Any, token: str, ids: dict[str, list[int]]) -> None:
    def real(pair: tuple[Any, int]) -> Any:
        case, pick = pair
        for name in list(case.path_parameters or {}):
            if ids.get(name) and pick < len(ids[name]):
                case.path_parameters[name] = ids[name][pick]
        return case

    cases = st.tuples(operation.as_strategy(), st.integers(0, 4)).map(real)

    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def run(case: Any) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    run()


@pytest.mark.slow
def test_no_5xx_and_every_answer_matches_the_document(api_schema: Any, token: str) -> None:
    """Each operation in turn (schemathesis's pytest plugin does not run under pytest 9, so the
    operations' strategies are driven here); every failure is reported, not just the first."""
    failures: list[str] = []
    count = 0
    ids = _real_ids()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        count += 1
        try:
            _fuzz(operation, token, ids)
        except Exception as e:  # collected, reported together below
            failures.append(f"{operation.method.upper()} {operation.path}: {e!r}")
    assert count >= 38
    assert not failures, "\n\n".join(failures)
