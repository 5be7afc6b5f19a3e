"""The registry's use cases: every action of the ward and the clinic, in one place.

The web application and its JSON API call exactly these functions; so can a script. Each use
case takes plain arguments (ids, dicts, the acting user ``by``), runs in one transaction
(nothing is written when it fails), asks the clinical core through the application layer
(:func:`hdil2.app.run`) with a request built from the database rows, stores the answer as an
:class:`~hdil2.registry.models.Advice` beside the action, and returns an :class:`Outcome`
(the decision, the advice, the rows written). See docs/registry.md, "Use cases".

=====================  ===============================================================
module                 use cases
=====================  ===============================================================
``enrolment``          :func:`enrol`, :func:`screen`, :func:`record_follow_up`
``treatment``          :func:`plan_course`, :func:`advise_next_dose`, :func:`record_dose`,
                       :func:`record_observation`
``toxicity``           :func:`record_toxicity`
``imaging``            :func:`record_scan`, :func:`assess_response`,
                       :func:`override_response`
``courses``            :func:`advise_next_course`, :func:`record_discontinuation`,
                       :func:`record_next_course_decision`, :func:`record_discharge`
``quality``            :func:`record_qlq_c30`
=====================  ===============================================================
"""

from hdil2.registry.services._common import Outcome
from hdil2.registry.services.courses import (
    advise_next_course,
    record_discharge,
    record_discontinuation,
    record_next_course_decision,
)
from hdil2.registry.services.enrolment import enrol, record_follow_up, screen
from hdil2.registry.services.imaging import assess_response, override_response, record_scan
from hdil2.registry.services.quality import record_qlq_c30
from hdil2.registry.services.toxicity import record_toxicity
from hdil2.registry.services.treatment import (
    advise_next_dose,
    plan_course,
    preview_next_dose,
    record_dose,
    record_observation,
)

__all__ = [
    "Outcome", "advise_next_course", "advise_next_dose", "assess_response", "enrol",
    "override_response", "plan_course", "preview_next_dose", "record_discharge",
    "record_discontinuation",
    "record_dose", "record_follow_up", "record_next_course_decision", "record_observation",
    "record_qlq_c30", "record_scan", "record_toxicity", "screen",
]
