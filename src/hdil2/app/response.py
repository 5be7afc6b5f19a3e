"""Operations of tumour response: the assessment of a patient's visits, and the advice after
each HD IL-2 course."""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation, Spec
from hdil2.core.result import decision_schema, output_schema


def _assess() -> Spec:
    from hdil2.clinical.response.assess import Assessment, assess
    from hdil2.clinical.response.models import AssessmentRequest

    return Spec(AssessmentRequest, lambda req, _site: assess(req),
                lambda: output_schema(Assessment))


def _next_course() -> Spec:
    from hdil2.clinical.response.next_course import Advice, CourseHistory, NextCourseDetails

    return Spec(CourseHistory, lambda req, _site: req.advise(),
                lambda: decision_schema(Advice, NextCourseDetails, "next-course"))


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("assess", "response at every visit, best overall response (confirmed and "
              "unconfirmed), progression date and durations (RECIST 1.1, iRECIST, WHO, NCI)",
              _assess, area="response"),
    Operation("next-course", "after the last HD IL-2 course: another course, a consolidation "
              "course or stop, with the earliest date of the next course",
              _next_course, area="response"),
)
