"""Operations of the hold rules: ``rules`` lists every hold and stop rule.

Each row of the label's table and of the institutional criteria is data
(:mod:`hdil2.clinical.toxicity.holds.rules`); the listing gives, per rule, its condition as
data and in words, its action, its resume condition, its source and verification tag, and the
label's retreatment contraindications derived from the same rows.
"""

from __future__ import annotations

from typing import Any

from hdil2.app.operation import Operation, Spec
from hdil2.core.result import output_schema


def _rules() -> Spec:
    from hdil2.clinical.toxicity.holds.rules import RuleListing, RulesRequest

    return Spec(RulesRequest, lambda req, _site: req.list_rules(),
                lambda: output_schema(RuleListing))


OPERATIONS: tuple[Operation[Any], ...] = (
    Operation("rules", "every hold and stop rule: its threshold, action, resume condition and "
              "source", _rules, area="rules"),
)
