"""Operations of tumour response: the assessment of a patient's visits, and the advice after
each HD IL-2 course."""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation
from hdil2.clinical.response.assess import Assessment, assess
from hdil2.clinical.response.models import AssessmentRequest
from hdil2.clinical.response.next_course import Advice, CourseHistory, NextCourseDetails
from hdil2.core.decision import Decision
from hdil2.core.result import decision_schema, output_schema


def _assess(req: AssessmentRequest, _site: Any) -> Assessment:
    return assess(req)


def _next_course(req: CourseHistory, _site: Any) -> Decision[Advice]:
    return req.advise()


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("assess", "response at every visit, best overall response (confirmed and "
              "unconfirmed), progression date and durations (RECIST 1.1, iRECIST, WHO, NCI)",
              AssessmentRequest, _assess, lambda: output_schema(Assessment), area="response"),
    Operation("next-course", "after the last HD IL-2 course: another course, a consolidation "
              "course or stop, with the earliest date of the next course",
              CourseHistory, _next_course,
              lambda: decision_schema(Advice, NextCourseDetails, "next-course"),
              area="response"),
)
