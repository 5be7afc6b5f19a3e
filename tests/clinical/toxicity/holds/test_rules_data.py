"""Issue 9 item 4: the hold rules are data.

Every row is built from threshold, flag and category entries that use the one set of comparison
operators the CTCAE grading uses (an unknown operator is an error), its words are generated from
those entries (so the numbers in the words are the numbers compared), its resume condition is
data too, and the label's retreatment contraindications come from the same rows.  The numbers
below are the Proleukin label's (`proleukin-label`): withhold at SpO2 < 90 % until > 90 %, at
systolic BP < 90 mmHg, at creatinine > 4.5 mg/dL until < 4; discontinue after intubation
> 72 h, coma or toxic psychosis > 48 h, dialysis > 72 h; and the older label's list of toxicities
of an earlier course that contraindicate retreatment.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, get_args

import pytest

from hdil2.clinical.response import next_course
from hdil2.clinical.toxicity.ctcae import criteria
from hdil2.clinical.toxicity.holds import NextDoseRequest, next_dose
from hdil2.clinical.toxicity.holds.logic import Flag, OneOf, Threshold, walk
from hdil2.clinical.toxicity.holds.observations import DoseObservations
from hdil2.clinical.toxicity.holds.rules import (
    ALL_RULES,
    CATEGORY_WORDS,
    COUNT_RULES,
    FLAG_WORDS,
    LABEL,
    NUMBER_WORDS,
    RULES,
    as_term,
    describe,
    listing,
    operators_used,
    retreatment_exclusions,
)
from hdil2.clinical.toxicity.operators import OPERATORS, ORDERS, compare, fmt, operator
from hdil2.core.errors import InputError
from hdil2.core.sources import Tag

from .conftest import NORMAL


def _thresholds(cond: Any) -> list[Threshold]:
    return [c for c in walk(cond) if isinstance(c, Threshold)]


# --- one set of operators ----------------------------------------------------------------------

def test_item9_4_every_operator_of_the_rules_and_of_ctcae_is_known() -> None:
    assert operators_used() <= set(OPERATORS)
    assert operators_used() >= {"<", "<=", ">", ">=", "==", "in"}  # every one is used
    ctcae = [th for c in criteria.LAB_CRITERIA.values() for cl in c.clauses
             for th in cl.thresholds]
    ctcae += [*criteria.FEVER_THRESHOLDS, *criteria.STOOL_THRESHOLDS]
    assert {th.op for th in ctcae} <= set(ORDERS)


@pytest.mark.parametrize("bad", ["=<", "=>", "!=", "≤", "lt", "", "in"])
def test_item9_4_an_unknown_operator_is_an_error(bad: str) -> None:
    # a hold threshold compares numbers: "in" is an operator, but not a numeric comparison
    with pytest.raises(InputError, match="unknown operator") as err:
        Threshold("spo2_pct", bad, Fraction(90))  # type: ignore[arg-type]
    assert err.value.field == "op"
    assert "spo2_pct" in err.value.message
    with pytest.raises(InputError, match="unknown operator"):
        criteria.t(1, bad, "1.5")  # type: ignore[arg-type]
    if bad != "in":
        with pytest.raises(InputError, match="unknown operator"):
            operator(bad)


def test_item9_4_bounds_and_comparisons_are_exact() -> None:
    with pytest.raises(InputError, match="exact"):
        Threshold("spo2_pct", "<", 90.0)  # type: ignore[arg-type]
    assert Threshold("creatinine", ">", "4.5").value == Fraction(9, 2)  # type: ignore[arg-type]
    assert Threshold("creatinine", ">", Decimal("4.5")).value == Fraction(9, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        compare(0.1 + 0.2, ">", Fraction(3, 10))  # type: ignore[arg-type]
    # 1.5 x 1.2 is exactly 1.8 (in binary floats 1.7999999999999998)
    assert compare(Fraction("1.5") * Fraction("1.2"), "==", Decimal("1.8"))


# --- words generated from the entries ------------------------------------------------------------

@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_item9_4_each_generated_text_contains_its_thresholds(rule: Any) -> None:
    for th in _thresholds(rule.when):
        unit = NUMBER_WORDS[th.field][1]
        assert fmt(th.value) in rule.criterion
        assert unit in rule.criterion
    for node in walk(rule.when):
        if isinstance(node, Flag):
            assert FLAG_WORDS[node.field] in rule.criterion
    res = rule.resumption
    if res is not None and res.when is not None:
        for th in _thresholds(res.when):
            assert fmt(th.value) in rule.resume
            assert NUMBER_WORDS[th.field][1] in rule.resume
    # the JSON form of the condition carries the same numbers as data
    term = as_term(rule.when)
    assert term.text == describe(rule.when)
    assert rule.criterion.startswith(term.text)


# the label's rows in words: the comparison and the number as the label prints them
LABEL_WORDS = {
    "label.spo2_below_90": ("SpO2 < 90 %", "SpO2 > 90 % (a held patient at exactly 90 % stays "
                            "held)"),
    "label.sbp_below_90": ("systolic BP < 90 mmHg", "systolic BP ≥ 90 mmHg"),
    "label.creatinine_above_4_5": ("creatinine > 4.5 mg/dL", "creatinine < 4 mg/dL"),
    "label.intubation_over_72h": ("> 72 h", None),
    "label.coma_or_psychosis_over_48h": ("coma or toxic psychosis lasting > 48 h", None),
    "label.dialysis_over_72h": ("dialysis for > 72 h", None),
}


@pytest.mark.parametrize("rid", sorted(LABEL_WORDS))
def test_item9_4_label_rows_say_the_labels_numbers(rid: str) -> None:
    criterion, resume = LABEL_WORDS[rid]
    rule = RULES[rid]
    assert criterion in rule.criterion
    if resume is not None:
        assert rule.resume is not None
        assert resume in rule.resume


def test_item9_4_every_observation_has_words() -> None:
    named = [*NUMBER_WORDS, *CATEGORY_WORDS, *FLAG_WORDS]
    assert sorted(named) == sorted(DoseObservations.model_fields)  # each exactly once
    for field, (_, words) in CATEGORY_WORDS.items():
        annotation = DoseObservations.model_fields[field].annotation
        literal = next(a for a in get_args(annotation) if a is not type(None))
        assert set(words) == set(get_args(literal)), field
    for field, (template, _) in NUMBER_WORDS.items():
        assert template.count("{}") == 1, field
    for r in ALL_RULES:
        for node in walk(r.when):
            if isinstance(node, OneOf):
                assert node.values <= set(CATEGORY_WORDS[node.field][1])


def test_item9_4_a_band_holds_at_its_bound_by_the_resume_condition_as_data() -> None:
    rule = RULES["label.spo2_below_90"]
    assert rule.resumption is not None
    assert rule.resumption.when == Threshold(
        "spo2_pct", ">", Fraction(90))
    assert rule.still_held is not None
    assert rule.still_held.truth({"spo2_pct": Fraction(90)}) is True  # exactly 90: still held
    assert rule.still_held.truth({"spo2_pct": Fraction("90.1")}) is False
    assert rule.still_held.truth({}) is None
    # a row without a resume condition of its own resumes when its hold condition clears
    assert RULES["label.atrial_fibrillation"].still_held is None


# --- the label's retreatment contraindications come from the same rows ---------------------------

# the older label's contraindications: toxicities of an earlier course that bar retreatment
LABEL_RETREATMENT = {
    "sustained_vt": "sustained ventricular tachycardia (≥ 5 beats)",
    "uncontrolled_arrhythmia": "rhythm disturbance not controlled or unresponsive",
    "chest_pain_ecg_changes": "chest pain with ECG changes",
    "cardiac_tamponade": "cardiac tamponade",
    "intubation_over_72h": "intubation for > 72 h",
    "dialysis_over_72h": "dialysis for > 72 h",
    "coma_or_psychosis_over_48h": "coma or toxic psychosis lasting > 48 h",
    "repetitive_seizures": "repetitive or difficult-to-control seizures",
    "bowel_ischaemia_perforation": "bowel ischaemia or perforation",
    "gi_bleeding_surgery": "GI bleeding requiring surgery",
}


def test_item9_4_retreatment_exclusions_equal_the_labels_list() -> None:
    derived = retreatment_exclusions()
    assert set(derived) == set(LABEL_RETREATMENT)
    for code, words in LABEL_RETREATMENT.items():
        x = derived[code]
        assert words in x.text, code
        assert (x.source, x.tag) == ("proleukin-label", Tag.VERIFIED)
        assert RULES[x.rule].action == "stop_permanently"
    # every label row that stops IL-2 for good is one, and no other row is
    permanent = {r.id for r in LABEL if r.action == "stop_permanently"}
    assert {x.rule for x in derived.values()} == permanent


def test_item9_4_next_course_uses_the_derived_exclusions() -> None:
    table = next_course.RETREATMENT_CONTRAINDICATIONS
    for code, x in retreatment_exclusions().items():
        assert table[code] == (x.text, x.source, x.tag)
    # every code a course record accepts has its words, and the label's come from its rows
    assert set(table) == set(get_args(next_course.ToxicityCode))
    d = next_course.advise(next_course.CourseHistory.model_validate({"courses": [
        {"discharge_date": "2026-05-01", "response": "PR",
         "toxicities": ["chest_pain_ecg_changes"]}]}).courses)
    assert d.value == "stop"
    assert d.reasons[0].rule == "course.severe_toxicity"
    assert "chest pain with ECG changes" in d.reasons[0].text


# --- the listing (hdil2 rules) -------------------------------------------------------------------

def test_item9_4_listing_has_every_rule_once_with_action_resume_and_source() -> None:
    out = listing()
    ids = [e.id for s in out.rulesets for e in s.rules]
    assert ids == [r.id for r in ALL_RULES]
    for s in out.rulesets:
        for e in s.rules:
            rule = RULES[e.id]
            assert (e.criterion, e.source, e.tag, e.action) == (
                rule.criterion, rule.source, rule.tag, rule.action)
            assert (e.resume.text if e.resume else None) == rule.resume
    assert {x.code for x in out.retreatment_exclusions} == set(LABEL_RETREATMENT)
    only = listing("dutcher2014")
    assert [s.name for s in only.rulesets] == ["dutcher2014"]
    assert only.retreatment_exclusions == ()
    spo2 = listing(reads="spo2_pct")
    assert [e.id for s in spo2.rulesets for e in s.rules] == ["label.spo2_below_90"]
    doc = spo2.to_dict()["rulesets"][0]["rules"][0]
    assert doc["when"] == {"op": "<", "field": "spo2_pct", "value": 90, "values": None,
                           "unit": "%", "text": "SpO2 < 90 %", "parts": []}
    assert doc["resume"]["when"]["op"] == ">"
    assert doc["resume"]["when"]["value"] == 90


@pytest.mark.parametrize(("kwargs", "field"), [({"ruleset": "nci"}, "set"),
                                               ({"reads": "spo2"}, "reads")])
def test_item9_4_listing_refuses_unknown_names(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as err:
        listing(**kwargs)
    assert err.value.field == field


def test_item9_4_springerplus_count_rule_matches_the_advice() -> None:
    (three_relative, _) = COUNT_RULES["springerplus2015"]
    relatives: list[dict[str, Any]] = [
        {"resting_dyspnea": True}, {"heme_positive_secretions": True},
        {"diarrhea_ml_per_shift": 1200}, {"weight_gain_pct": 16}]
    n = three_relative.at_least

    def advise(k: int) -> str:
        obs = dict(NORMAL)
        for change in relatives[:k]:
            obs.update(change)
        return next_dose(NextDoseRequest.model_validate({
            "regimen": "hd-il2-600k", "first_dose": "2026-04-06T08:00",
            "tz": "America/New_York", "observations": obs,
            "rulesets": ["springerplus2015"]})).value

    assert advise(n - 1) == "hold"
    assert advise(n) == "stop_cycle"


# --- hdil2 rules ---------------------------------------------------------------------------------

def test_item9_4_cli_rules_json_lists_every_rule_against_its_schema() -> None:
    import json

    import jsonschema

    from hdil2 import app
    from hdil2.cli.invoke import invoke

    code, out, err = invoke(["rules", "--json"])
    assert code == 0, err
    doc = json.loads(out)
    jsonschema.validate(doc, app.operation("rules").output_schema())
    assert [r["id"] for s in doc["rulesets"] for r in s["rules"]] == [r.id for r in ALL_RULES]
    spo2 = doc["rulesets"][0]["rules"][4]
    assert (spo2["id"], spo2["when"]["op"], spo2["when"]["value"], spo2["when"]["unit"]) == (
        "label.spo2_below_90", "<", 90, "%")
    assert (spo2["resume"]["when"]["op"], spo2["resume"]["when"]["value"]) == (">", 90)


@pytest.mark.parametrize("width", [80, 120])
def test_item9_4_cli_rules_fit_the_console_and_name_every_rule(width: int,
                                                                 monkeypatch: Any) -> None:
    import re

    from hdil2.cli.invoke import invoke

    def run(w: int) -> str:
        monkeypatch.setenv("COLUMNS", str(w))
        code, out, err = invoke(["rules"])
        assert code == 0, err
        return out

    text, wide = run(width), run(250)
    assert max(len(line) for line in text.splitlines()) <= width
    for r in ALL_RULES:
        assert re.search(rf"^{re.escape(r.id)} \(", text, re.M), r.id
    numbers = re.compile(r"\d+(?:[,.:/-]\d+)*")
    assert sorted(numbers.findall(text)) == sorted(numbers.findall(wide))  # none split


@pytest.mark.parametrize(("args", "field"), [(["--set", "nci"], "set"),
                                             (["--reads", "spo2"], "reads")])
def test_item9_4_cli_rules_refuses_unknown_names(args: list[str], field: str) -> None:
    import json

    from hdil2.cli.invoke import invoke

    code, out, err = invoke(["rules", *args, "--json"])
    assert (code, out) == (2, "")
    assert json.loads(err)["errors"][0]["field"] == field


def test_item9_4_docs_show_the_real_rules_output(monkeypatch: Any) -> None:
    import re

    from hdil2.cli.invoke import invoke
    from peer_data import ROOT

    page = (ROOT / "docs" / "dose-holds.md").read_text(encoding="utf-8")
    shown = re.findall(r"```console\n\$ hdil2 (rules[^\n]*)\n(.*?)```", page, re.S)
    assert shown, "docs/dose-holds.md shows no hdil2 rules example"
    monkeypatch.setenv("COLUMNS", "80")
    for command, output in shown:
        code, out, err = invoke(command.split())
        assert code == 0, err
        assert out.rstrip("\n") == output.rstrip("\n"), command
