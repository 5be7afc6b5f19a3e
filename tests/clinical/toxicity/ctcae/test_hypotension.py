"""Hypotension graded from the CTCAE v5.0 descriptors as well as the clinician's grade.

NCI's spreadsheet (``ctcae5``): G1 "Asymptomatic, intervention not indicated"; G2 "Non-urgent
medical intervention indicated"; G3 "Medical intervention indicated; hospitalization indicated";
G4 "Life-threatening consequences and urgent intervention indicated"; G5 "Death".  The expected
grades below are read off those words (a semicolon is "or", "and" is "and").
"""

from __future__ import annotations

from typing import Any

import pytest

from hdil2.clinical.toxicity.ctcae import NOT_EVALUABLE, grade_document
from hdil2.core.errors import InputError
from hdil2.core.sources import Tag

NE = NOT_EVALUABLE
ALL_NO = {"symptomatic": False, "vasopressors": False, "hospitalization_indicated": False,
          "life_threatening": False}


def d(**doc: Any) -> Any:
    return grade_document({"term": "hypotension", **doc})


@pytest.mark.parametrize(("descriptors", "grade"), [
    ({**ALL_NO, "intervention": "none"}, 1),
    ({**ALL_NO, "intervention": "non_urgent"}, 2),
    ({**ALL_NO, "intervention": "medical"}, 3),
    ({**ALL_NO, "intervention": "none", "hospitalization_indicated": True}, 3),
    ({**ALL_NO, "intervention": "medical", "vasopressors": True}, 3),
    ({**ALL_NO, "intervention": "urgent"}, 3),  # urgent without life-threatening: G4's "and"
    ({**ALL_NO, "intervention": "urgent", "life_threatening": True}, 4),
    ({**ALL_NO, "intervention": "medical", "life_threatening": True}, 3),
])
def test_item8_hypotension_from_descriptors(descriptors: dict[str, Any], grade: int) -> None:
    x = d(**descriptors)
    assert x.value == grade
    assert x.details["missing"] == []


def test_item8_only_descriptors_that_could_change_the_grade_are_asked_for() -> None:
    # a medical intervention gives G3 and G4 needs an urgent one: nothing else is needed
    assert d(intervention="medical").value == 3
    # vasopressors: G3 at least, G4 still possible with an urgent intervention
    x = d(vasopressors=True)
    assert x.value == NE
    assert x.details["possible_grades"] == [3, 4]
    assert set(x.details["missing"]) == {"intervention", "life_threatening"}
    assert d(vasopressors=True, life_threatening=False).value == 3
    # a non-urgent intervention: G2 unless hospitalization is indicated
    x = d(intervention="non_urgent")
    assert x.details["possible_grades"] == [2, 3]
    assert x.details["missing"] == ["hospitalization_indicated"]


def test_item8_vasopressors_reading_is_tagged_and_cited() -> None:
    x = d(intervention="medical", vasopressors=True)
    r = next(r for r in x.reasons if r.rule == "ctcae5.hypotension.vasopressors")
    assert r.tag == Tag.MEMORY
    assert r.source == "atkins1993"


def test_item8_symptomatic_without_intervention_is_the_clinicians_call() -> None:
    x = d(**{**ALL_NO, "symptomatic": True, "intervention": "none"})
    assert x.value == NE
    assert x.details["possible_grades"] == [1, 2]
    assert x.details["missing"] == ["grade"]
    assert d(**{**ALL_NO, "symptomatic": True, "intervention": "none"}, grade=2).value == 2


def test_item8_clinician_grade_alone_is_recorded() -> None:
    x = d(grade=3)
    assert x.value == 3
    assert x.details["grade_text"] == "Medical intervention indicated; hospitalization indicated"
    assert d(grade=0).value == 0


def test_item8_clinician_grade_must_agree_with_the_descriptors() -> None:
    # consistent: the clinician's grade settles what the descriptors left open
    assert d(intervention="non_urgent", grade=3).value == 3
    assert d(intervention="non_urgent", grade=2).value == 2
    # contradicting: refused, naming the grade and what the descriptors give
    with pytest.raises(InputError) as e:
        d(**{**ALL_NO, "intervention": "medical"}, grade=2)
    assert e.value.field == "grade"
    assert "G3" in e.value.message
    with pytest.raises(InputError):
        d(intervention="none", grade=0)  # hypotension described: not grade 0
    # death supersedes any descriptor
    assert d(intervention="urgent", life_threatening=True, grade=5).value == 5


@pytest.mark.parametrize(("doc", "field"), [
    ({}, "grade"),
    ({"intervention": "none", "vasopressors": True}, "vasopressors"),
    ({"intervention": "non_urgent", "vasopressors": True}, "vasopressors"),
])
def test_item8_bad_hypotension_input_names_its_field(doc: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as e:
        d(**doc)
    assert e.value.field == field


def test_record_grade_still_records_a_clinicians_hypotension_grade() -> None:
    from hdil2.clinical.toxicity.ctcae import record_grade

    assert record_grade("hypotension", 3).value == 3
    with pytest.raises(InputError):
        record_grade("hypotension", 6)
