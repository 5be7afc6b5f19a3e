"""Operations of treatment planning: the regimens, the dose and the q8h dose calendar."""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation
from hdil2.clinical.treatment.calendar import CalendarRequest, CourseCalendar
from hdil2.clinical.treatment.dosing import DosePlan, DoseRequest
from hdil2.clinical.treatment.regimens import RegimenListing, RegimensRequest
from hdil2.core.result import output_schema


def _regimens(req: RegimensRequest, _site: Any) -> RegimenListing:
    return req.listing()


def _dose(req: DoseRequest, _site: Any) -> DosePlan:
    return req.plan()


def _calendar(req: CalendarRequest, _site: Any) -> CourseCalendar:
    return req.plan()


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("regimens", "the cited IL-2 regimens (or one in full), and those not provided",
              RegimensRequest, _regimens, lambda: output_schema(RegimenListing),
              area="treatment"),
    Operation("dose", "dose per administration, vials, volume and totals for one patient",
              DoseRequest, _dose, lambda: output_schema(DosePlan), area="treatment"),
    Operation("calendar", "every scheduled dose of a course in the ward's local time",
              CalendarRequest, _calendar, lambda: output_schema(CourseCalendar),
              area="treatment"),
)
