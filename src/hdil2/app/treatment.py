"""Operations of treatment planning: the regimens, the dose and the q8h dose calendar."""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation, Spec
from hdil2.core.result import output_schema


def _regimens() -> Spec:
    from hdil2.clinical.treatment.regimens import RegimenListing, RegimensRequest

    return Spec(RegimensRequest, lambda req, _site: req.listing(),
                lambda: output_schema(RegimenListing))


def _dose() -> Spec:
    from hdil2.clinical.treatment.dosing import DosePlan, DoseRequest

    return Spec(DoseRequest, lambda req, _site: req.plan(), lambda: output_schema(DosePlan))


def _calendar() -> Spec:
    from hdil2.clinical.treatment.calendar import CalendarRequest, CourseCalendar

    return Spec(CalendarRequest, lambda req, _site: req.plan(),
                lambda: output_schema(CourseCalendar))


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("regimens", "the cited IL-2 regimens (or one in full), and those not provided",
              _regimens, area="treatment"),
    Operation("dose", "dose per administration, vials, volume and totals for one patient",
              _dose, area="treatment"),
    Operation("calendar", "every scheduled dose of a course in the ward's local time",
              _calendar, area="treatment"),
)
