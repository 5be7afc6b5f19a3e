"""The rules reference: every rule hdil2 runs, with its source, generated from the rule data.

:func:`pages` renders Markdown pages (site path -> text) from the same catalogues the clinical
code runs - the regimens, the hold and stop rule tables, the CTCAE v5.0 terms, the eligibility
criteria and profiles, the selection models, the response criteria, the next-course rules and
every named policy, and the source catalogue - so a page cannot drift from the code.  Nothing
here is a hand-kept list of rules: each entry is read from the object the code evaluates.

Every entry has a stable anchor made from its id (:func:`anchor`): the rule id a reason carries
(``label.spo2_below_90``), a term key (``creatinine_increased``), a regimen key, a policy's
reason id (``policy.weight_basis``), a source key.  A reason's rule id can therefore be linked
as ``rules/<page>.md#<rule id>``.

Pure and deterministic: no I/O, no Django; the pages are the same on every call.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hdil2.core.policy import Policy
from hdil2.core.sources import SOURCES, Tag

# what each verification tag means, shown on the index page (every Tag word has an entry: a test
# checks it)
TAG_MEANING: dict[Tag, str] = {
    Tag.VERIFIED: "checked against a public copy of the source",
    Tag.SEED: "stated in one of the five papers hdil2 is built from (atkins1993, clark2003, "
    "atkins2004, lee2000, shablak2011), read as published",
    Tag.MEMORY: "a reviewer's knowledge of the source, not re-checked: provisional",
    Tag.UNVERIFIED: "ambiguous or contradictory in the sources: a named policy, never a "
    "literal; a site may change it",
    Tag.COMPUTED: "derived arithmetically from tagged facts",
}

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def anchor(rule_id: str) -> str:
    """The anchor of an entry: its id, with any character outside ``A-Z a-z 0-9 . _ -``
    replaced by ``-`` (every id hdil2 uses today is kept as it is)."""
    return _SAFE.sub("-", rule_id)


# --- Markdown helpers ---------------------------------------------------------------------------

_ESCAPE = str.maketrans({"\\": "\\\\", "*": "\\*", "_": "\\_", "`": "\\`", "[": "\\[",
                         "]": "\\]", "{": "\\{", "}": "\\}", "|": "\\|", "#": "\\#"})


def text(value: object) -> str:
    """Plain text made safe for Markdown (inline HTML entities, Markdown specials escaped,
    one line)."""
    s = " ".join(str(value).split())
    return html.escape(s, quote=False).translate(_ESCAPE)


def code(value: object) -> str:
    """Inline code (a table cell may hold it: ``|`` is escaped)."""
    s = " ".join(str(value).split()).replace("|", "\\|")
    return f"`{s}`" if "`" not in s else f"`` {s} ``"


def _a(rule_id: str) -> str:
    return f'<a id="{anchor(rule_id)}"></a>'


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return [*out, ""]


def _src(key: str) -> str:
    """A link to the source's full entry on the sources page."""
    if key not in SOURCES:  # pragma: no cover - Reason and Policy refuse unknown keys
        raise KeyError(f"unknown source key {key!r}")
    return f"[{code(key)}](sources.md#{anchor(key)})"


def _tag(tag: Tag) -> str:
    return f"**{tag.value}**" if tag in (Tag.UNVERIFIED, Tag.MEMORY) else tag.value


def _num(x: Fraction | Decimal | int) -> str:
    f = Fraction(x)
    if f.denominator == 1:
        return f"{f.numerator:,}"
    d = Decimal(f.numerator) / Decimal(f.denominator)
    return f"{d.normalize():f}" if Fraction(d) == f else f"{float(f):.4g}"


def _value(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _sources_section(keys: Iterable[str]) -> list[str]:
    """The full reference of every source cited on a page."""
    out = ["## Sources cited on this page", ""]
    for key in sorted(set(keys)):
        s = SOURCES[key]
        ids = [f"PMID {code(s.pmid)}" if s.pmid else "", f"DOI {code(s.doi)}" if s.doi else ""]
        ident = "; ".join(i for i in ids if i)
        out.append(f"- {_src(key)}: {text(s.citation)}" + (f" {ident}." if ident else "")
                   + f" Run {code('hdil2 sources ' + key)}.")
    return [*out, ""]


def _unverified(items: Sequence[tuple[str, str]], page: str = "") -> list[str]:
    """A warning admonition naming the unverified entries (id, what)."""
    if not items:
        return []
    out = ['!!! warning "Unverified entries"', "",
           "    These entries rest on a reading the sources leave open (tag **unverified**); "
           "each is a named policy or carries a note saying how the text was read:", ""]
    out += [f"    - [{code(i)}]({page}#{anchor(i)}): {text(what)}" for i, what in items]
    return [*out, ""]


@dataclass(frozen=True, slots=True)
class _Page:
    path: str
    title: str
    count: int
    lines: list[str]
    summary: str


# --- regimens -----------------------------------------------------------------------------------

def _regimens() -> _Page:
    from hdil2.clinical.treatment.dosing import break_even_kg_per_m2
    from hdil2.clinical.treatment.product import PROLEUKIN, VIAL_DRAWABLE
    from hdil2.clinical.treatment.regimens import NOT_PROVIDED, REGIMENS, schedule_text

    keys: list[str] = []
    lines = ["# Regimens", "",
             "Every regimen hdil2 plans (`hdil2 regimens` lists the same data), with each drug's "
             "amount, the schedule, the words its source uses and every cited fact.  The id "
             "in the heading is the regimen key a plan names.", ""]
    unverified: list[tuple[str, str]] = []
    for r in REGIMENS.values():
        lines += [f"## {text(r.name)} {{#{anchor(r.key)}}}", "",
                  f"- **Key**: {code(r.key)}", f"- **Setting**: {text(r.setting)}",
                  f"- **Schedule**: {text(schedule_text(r.schedule))}",
                  "- **Schedule as data**: "
                  + code(json.dumps(r.schedule.to_dict(), ensure_ascii=False)),
                  f"- **Words of the source**: the 5-day block is a {text(r.words['block'])}, "
                  f"the whole course a {text(r.words['pair'])}",
                  "- **Courses at most**: " + ("no limit in the regimen" if r.max_courses is None
                                               else str(r.max_courses)),
                  "- **Policies**: " + ", ".join(
                      f"[{code(p.name)}](policies.md#{anchor('policy.' + p.name)})"
                      for p in sorted(r.policies.values(), key=lambda p: p.name)), ""]
        lines += _table(
            ("Drug", "Amount", "Route", "Infusion", "Fact", "Source", "Tag"),
            ((text(c.agent), text(c.label.rsplit(" ", 1)[0]), c.route,
              "bolus" if c.infusion_minutes is None else f"{c.infusion_minutes} min",
              text(c.fact.text), _src(c.fact.source), _tag(c.fact.tag))
             for c in r.components))
        lines += _table(("Fact id", "Statement", "Source", "Tag"),
                        ((code(f.rule), text(f.text), _src(f.source), _tag(f.tag))
                         for f in r.facts))
        for f in (*(c.fact for c in r.components), *r.facts):
            if f.tag is Tag.UNVERIFIED:
                unverified.append((r.key, f"{f.rule}: {f.text}"))
        keys.append(r.key)
    lines += ["## Not provided", "",
              "Regimens hdil2 deliberately does not offer (asking for one names the reason):", ""]
    lines += _table(("Key", "Why not"), ((_a(k) + code(k), text(why))
                                         for k, why in sorted(NOT_PROVIDED.items())))
    p = PROLEUKIN
    lines += ["## The vial and its arithmetic", "",
              f"All from the label ({_src('proleukin-label')}); doses are counted in IU and "
              "milligrams are derived for compounding only.", ""]
    lines += _table(("Fact", "Value"), (
        ("Product", text(p.name)),
        ("IU per single-dose vial (nominal)", _num(p.vial_iu)),
        ("Protein per vial as labelled", f"{_num(p.vial_mg)} mg"),
        ("Reconstitution", f"{_num(p.reconstitution_ml)} mL Sterile Water for Injection"),
        ("Concentration after reconstitution", f"{_num(p.concentration_iu_per_ml)} IU/mL"),
        ("IU in the reconstituted volume", f"{_num(p.reconstituted_iu)} IU "
         f"({_num(p.reconstitution_ml)} mL × {_num(p.concentration_iu_per_ml)} IU/mL)"),
        ("Potency relation", f"{_num(p.potency_iu)} IU = {_num(p.potency_mg)} mg "
         f"({_num(round(p.iu_per_mg))} IU/mg, rounded)"),
        ("Diluent", text(p.diluent)),
        ("Standard dilution volume", f"{_num(p.diluent_ml)} mL"),
        ("Final concentration window", f"{p.window_ug_per_ml[0]}-{p.window_ug_per_ml[1]} µg/mL"),
        ("Smaller diluent volume at or below", f"{_num(p.small_dose_mg)} mg total dose"),
        ("Stability (reconstituted or diluted, 2-25 °C)", f"{p.stability_hours} h"),
        ("IU counted per vial", f"policy [{code(VIAL_DRAWABLE.name)}](policies.md#"
         f"{anchor('policy.' + VIAL_DRAWABLE.name)}), default {code(VIAL_DRAWABLE.default)}"),
        ("Weight/BSA at which 1.33 mg/m² equals 600,000 IU/kg",
         f"{float(break_even_kg_per_m2()):.1f} kg/m² (computed)"),
    ))
    srcs = [f.source for r in REGIMENS.values()
            for f in (*(c.fact for c in r.components), *r.facts)]
    srcs += [p.source for r in REGIMENS.values() for p in r.policies.values()]
    lines[4:4] = _unverified(unverified, "")
    lines += _sources_section([*srcs, "proleukin-label"])
    return _Page("rules/regimens.md", "Regimens", len(keys), lines,
                 f"{len(keys)} regimens, {len(NOT_PROVIDED)} deliberately not provided, and the "
                 "vial's arithmetic")


# --- hold and stop rules ------------------------------------------------------------------------

def _term_data(t: Any) -> str:
    """A condition (:class:`~hdil2.clinical.toxicity.holds.rules.Term`) as a compact
    expression."""
    if t.op in ("all", "any"):
        joiner = " and " if t.op == "all" else " or "
        return "(" + joiner.join(_term_data(p) for p in t.parts) + ")"
    if t.op == "not":
        return f"not {_term_data(t.parts[0])}"
    if t.op == "in":
        if t.values == (True,):
            return str(t.field)
        return f"{t.field} in {{{', '.join(str(v) for v in t.values)}}}"
    unit = f" {t.unit}" if t.unit else ""
    return f"{t.field} {t.op} {_num(t.value)}{unit}"


def _holds() -> _Page:
    from hdil2.clinical.toxicity.holds.rules import listing

    full = listing()
    lines = ["# Hold and stop rules", "",
             "Every row of the three rule sets the dose-hold advice applies (`hdil2 rules` "
             "prints the same listing).  *When* is the row's condition in words, generated from "
             "the row's data (shown under *as data*, in the rules' units); *resume* says when a "
             "held dose may be given again.", ""]
    unverified: list[tuple[str, str]] = []
    srcs: list[str] = []
    n = 0
    for s in full.rulesets:
        lines += [f"## {text(s.name)}", "",
                  f"{text(s.version)}; source {_src(s.source)}; "
                  f"{len(s.rules) + len(s.count_rules)} rules.", ""]
        srcs.append(s.source)
        rows = []
        for e in s.rules:
            resume = "-" if e.resume is None else text(e.resume.text)
            if e.resume is not None and e.resume.when is not None:
                resume += "<br>as data: " + code(_term_data(e.resume.when))
            extra = "" if e.retreatment_exclusion is None else (
                f"; also bars another course: [{code(e.retreatment_exclusion)}](next-course.md#"
                f"{anchor(e.retreatment_exclusion)}).")
            rows.append((_a(e.id) + code(e.id), text(e.category),
                         text(e.criterion) + "<br>as data: " + code(_term_data(e.when)),
                         text(e.action_text) + extra, resume, _src(e.source), _tag(e.tag)))
            srcs.append(e.source)
            if e.tag is Tag.UNVERIFIED:
                unverified.append((e.id, e.criterion))
            n += 1
        for c in s.count_rules:
            rows.append((_a(c.id) + code(c.id), "count", text(c.text) + "<br>as data: "
                         + code(f"count({c.what}) >= {c.at_least}"),
                         "absolute criterion: stop, as any absolute criterion", "-",
                         _src(c.source), _tag(c.tag)))
            srcs.append(c.source)
            n += 1
        lines += _table(("Id", "Category", "When", "Action", "Resume", "Source", "Tag"), rows)
    lines += ["## Policies of the institutional rule sets", ""]
    lines += [f"- [{code(p.name)}](policies.md#{anchor('policy.' + p.name)}): default "
              f"{code(p.default)}, choices {', '.join(code(c) for c in p.choices)}."
              for p in full.policies]
    lines += ["", "## Retreatment contraindications", "",
              "The label rows that stop IL-2 permanently are also the label's retreatment "
              "contraindications: an earlier course with one of these events bars another "
              "course (the next-course advice reads the same rows).", ""]
    lines += _table(("Code", "Event", "Row", "Source", "Tag"), (
        (f"[{code(x.code)}](next-course.md#{anchor(x.code)})", text(x.text),
         f"[{code(x.rule)}](#{anchor(x.rule)})", _src(x.source), _tag(x.tag))
        for x in full.retreatment_exclusions))
    srcs += [p.source for p in full.policies]
    lines[4:4] = _unverified(unverified)
    lines += _sources_section(srcs)
    return _Page("rules/holds.md", "Hold and stop rules", n, lines,
                 f"{n} rules in {len(full.rulesets)} rule sets "
                 f"({', '.join(s.name for s in full.rulesets)}), with the "
                 f"{len(full.retreatment_exclusions)} retreatment contraindications derived "
                 "from them")


# --- CTCAE v5.0 ---------------------------------------------------------------------------------

def _ctcae() -> _Page:
    from hdil2.clinical.toxicity.ctcae.catalogue import CTCAE_VERSION, NOT_TERMS, TERMS

    terms = sorted(TERMS.values(), key=lambda t: (t.method != "computed", t.name.lower()))
    computed = sum(1 for t in terms if t.method == "computed")
    lines = [f"# CTCAE v{CTCAE_VERSION} terms", "",
             f"Every term hdil2 grades (`hdil2 grade-terms` lists them), with the text of "
             f"each grade as NCI's CTCAE v{CTCAE_VERSION} spreadsheet prints it (source "
             f"{_src('ctcae5')}).  hdil2 **computes** the grade of {computed} terms from the "
             f"measurements given, and **records** the grade the clinician gives for the other "
             f"{len(terms) - computed}.  A grade that a term does not define (a '-' cell in "
             f"CTCAE) is refused.", ""]
    unverified: list[tuple[str, str]] = []
    for method, title in (("computed", "Terms hdil2 computes"),
                          ("clinician", "Terms hdil2 records from the clinician's grade")):
        lines += [f"## {title}", ""]
        for t in (t for t in terms if t.method == method):
            how = (f"hdil2 **computes** the grade from {', '.join(code(i) for i in t.inputs)}"
                   if t.method == "computed" else
                   "hdil2 **records** the grade the clinician gives (" + ", ".join(
                       code(i) for i in t.inputs) + ")")
            lines += [f"### {text(t.name)} {{#{anchor(t.key)}}}", "",
                      f"Key {code(t.key)}; {how}."
                      + (f" Worsens when {t.direction}." if t.direction else "")
                      + (f" Also accepted as: {', '.join(code(a) for a in t.aliases)}."
                         if t.aliases else ""), ""]
            lines += _table(("Grade", f"CTCAE v{CTCAE_VERSION} text", "Tag"),
                            ((str(g), text(t.text(g)), _tag(t.tag_for(g)))
                             for g in t.allowed_grades))
            if t.criteria_source:
                lines += [f"Numeric criteria compared with {code(t.criteria_source)} (pharmaverse "
                          "admiral's CTCAE v5.0 grading metadata).", ""]
            if t.note:
                lines += [f"Note: {text(t.note)}", ""]
            if any(t.tag_for(g) is Tag.UNVERIFIED for g in t.allowed_grades):
                unverified.append((t.key, t.name))
    lines += ["## Names that are not v5.0 terms", ""]
    lines += [f"- {code(k)}: {text(v)}" for k, v in sorted(NOT_TERMS.items())]
    lines += [""]
    lines[4:4] = _unverified(unverified)
    lines += _sources_section(["ctcae5"])
    return _Page("rules/ctcae.md", f"CTCAE v{CTCAE_VERSION} terms", len(terms), lines,
                 f"{len(terms)} terms: {computed} computed from measurements, "
                 f"{len(terms) - computed} recorded from the clinician's grade")


# --- eligibility --------------------------------------------------------------------------------

def _criterion_data() -> dict[str, str]:
    """The constants a criterion's evaluator reads, by criterion id (as the code holds them)."""
    from hdil2.clinical.selection.eligibility import (
        ADJUVANT_N,
        ADJUVANT_T,
        ECOG_MAX,
        ORGAN_FUNCTION_LABS,
        WASHOUT_DAYS,
    )
    from hdil2.clinical.selection.models.factors import ECOG_TO_KPS

    labs = ", ".join(f"{k} {'≤ ULN' if v == 'uln' else '≥ LLN'}"
                     for k, v in sorted(ORGAN_FUNCTION_LABS.items()))
    organ = (f"labs: {labs} (dysfunction side); policy organ_function_range decides whether "
             "both limits are checked")
    kps = "; ".join(f"ECOG {e} = KPS {lo}-{hi}" for e, (lo, hi) in sorted(ECOG_TO_KPS.items()))
    return {
        "E2": f"ecog <= {ECOG_MAX} (Karnofsky read through the table {kps})",
        "E3": organ, "A5": organ,
        "E6": f"days from the end of other therapy to planned day 1 >= {WASHOUT_DAYS}",
        "A2": f"T in {{{', '.join(ADJUVANT_T)}}} or N in {{{', '.join(ADJUVANT_N)}}}, "
              "compared as recorded",
        "E7": "test validity window: site setting stress_test_valid_days (no default)",
        "E10": "test validity window: site setting pft_valid_days (no default)",
    }


def _eligibility() -> _Page:
    from hdil2.clinical.selection.eligibility import CRITERIA, PROFILES

    data = _criterion_data()
    used: dict[str, list[str]] = {}
    for p in PROFILES.values():
        for c in p.criteria:
            used.setdefault(c, []).append(p.key)
    lines = ["# Eligibility", "",
             "The criteria of the screening checklists and the profiles that combine them "
             "(`hdil2 screen`).  Each criterion is met, not met or unknown; missing data makes "
             "it unknown, never met.  A reason carries the criterion's id "
             "(`eligibility.E2`).", "", "## Criteria", ""]
    lines += _table(("Id", "Criterion", "As data", "Profiles", "Source", "Tag"), (
        (_a(f"eligibility.{c.id}") + code(f"eligibility.{c.id}"), text(c.title),
         code(data[c.id]) if c.id in data else "-",
         ", ".join(f"[{code(k)}](#{anchor(f'eligibility.{k}.verdict')})"
                   for k in sorted(used.get(c.id, []))) or "-",
         _src(c.source), _tag(c.tag))
        for c in sorted(CRITERIA.values(), key=lambda c: (c.id[0] != "E", int(c.id[1:])))))
    lines += ["## Profiles", "",
              "A profile's verdict is *eligible* when every criterion is met, *ineligible* when "
              "one is not met, *incomplete* otherwise; its reason id is "
              "`eligibility.<profile>.verdict`.", ""]
    lines += _table(("Profile", "Title", "Criteria", "Diseases", "Note", "Source"), (
        (_a(f"eligibility.{p.key}.verdict") + code(p.key), text(p.title),
         ", ".join(f"[{c}](#{anchor('eligibility.' + c)})" for c in p.criteria),
         ", ".join(p.diseases), text(p.note), _src(p.source))
        for p in sorted(PROFILES.values(), key=lambda p: p.key)))
    lines += ["Policy of the organ-function criteria: [`organ_function_range`](policies.md#"
              f"{anchor('policy.organ_function_range')}).", ""]
    lines += _sources_section([c.source for c in CRITERIA.values()]
                              + [p.source for p in PROFILES.values()])
    return _Page("rules/eligibility.md", "Eligibility", len(CRITERIA) + len(PROFILES), lines,
                 f"{len(CRITERIA)} criteria and {len(PROFILES)} profiles")


# --- selection models ---------------------------------------------------------------------------

def model_catalogue() -> dict[str, Any]:
    """Each selection model evaluated for a patient with nothing recorded (renal cell
    carcinoma): every factor is then indeterminate, so the result names every factor, every
    possible group with what its source reported, the grouping rule and the caveats - the model's
    own objects, not a copy."""
    from hdil2.clinical.selection.models import MODELS
    from hdil2.clinical.selection.patient import Patient

    blank = Patient.model_validate({"id": "RULES-REFERENCE", "diagnosis": {"disease": "rcc"}})
    return {key: fn(blank, None) for key, fn in MODELS.items()}


def model_ids(key: str, result: Any) -> list[str]:
    """The anchored ids of one model: its key, its factors' rule ids, its own group rule and its
    caveats' rule ids."""
    ids = [key, *(f.reason.rule for f in result.factors)]
    ids += [r.rule for r in result.reasons if r.rule == f"{key}.group"]
    ids += [c.rule for c in result.caveats]
    return list(dict.fromkeys(ids))


def _models() -> _Page:
    cat = model_catalogue()
    lines = ["# Selection models", "",
             "The prognostic and predictive models of the screening summary (`hdil2 screen`), "
             "each with its factors, how they group and what the source reported per group.  "
             "The factors, groups and texts below are those the model itself returns for a "
             "patient with nothing recorded, so every factor and every group shows.", ""]
    srcs: list[str] = []
    n = 0
    for key, r in cat.items():
        group_rule = next((x for x in r.reasons if x.rule == f"{key}.group"), None)
        lines += [f"## {text(r.title)} {{#{anchor(key)}}}", "",
                  f"Model key {code(key)}; source {_src(r.source)}.", ""]
        srcs.append(r.source)
        lines += _table(("Factor id", "Factor", "Source", "Tag"), (
            (_a(f.reason.rule) + code(f.reason.rule), text(f.label), _src(f.reason.source),
             _tag(f.reason.tag)) for f in r.factors))
        srcs += [f.reason.source for f in r.factors]
        if group_rule is not None:
            cuts = re.search(r"\(([^()]*→[^()]*)\)\s*$", group_rule.text)
            how = (f"score = number of factors present; {cuts.group(1)}" if cuts
                   else "see the groups below")
            if r.score is None and not cuts:
                how = text(group_rule.text) if r.group == "not_scored" else how
            lines += [f"{_a(group_rule.rule)}**Grouping** ({code(group_rule.rule)}, "
                      f"{_tag(group_rule.tag)}): {text(how)}", ""]
        lines += _table(("Group", "What the source reported", "Source", "Tag"), (
            (code(o.group), text(o.text), _src(o.source), _tag(o.tag))
            for o in r.possible_outcomes))
        srcs += [o.source for o in r.possible_outcomes]
        pol = [x.rule.removeprefix("policy.") for x in r.reasons if x.rule.startswith("policy.")]
        if pol:
            lines += ["Policies: " + ", ".join(
                f"[{code(p)}](policies.md#{anchor('policy.' + p)})" for p in pol) + ".", ""]
        for c in r.caveats:
            kind = "warning" if c.tag in (Tag.UNVERIFIED, Tag.MEMORY) else "note"
            lines += [f'{_a(c.rule)}', "", f'!!! {kind} "{c.rule} ({c.tag.value})"', "",
                      f"    {text(c.text)} (source {_src(c.source)})", ""]
            srcs.append(c.source)
        n += 1
    lines += _sources_section(srcs)
    return _Page("rules/models.md", "Selection models", n, lines,
                 f"{n} models with their factors, groups and reported outcomes")


# --- response -----------------------------------------------------------------------------------

def _pct(ratio: tuple[int, int], above: bool) -> str:
    f = Fraction(*ratio)
    return _num((f - 1 if above else 1 - f) * 100)


def _ratio(ratio: tuple[int, int]) -> str:
    return f"{ratio[0]}/{ratio[1]}"


def _response() -> _Page:
    from hdil2.clinical.response import bidimensional, irecist, recist11, validation
    from hdil2.clinical.response.assess import DEFAULT_MIN_SD_DAYS
    from hdil2.clinical.response.bor import SCHEMES
    from hdil2.clinical.response.policies import POLICIES_BY_CRITERIA

    lines = ["# Response criteria", "",
             "The four response criteria hdil2 assesses (`hdil2 response`), their categories, "
             "thresholds and, for RECIST 1.1, the overall-response table as the code holds "
             "it.", "", "## Criteria and categories", ""]
    lines += _table(("Criteria", "CR", "PR", "Stable", "Progression", "Not evaluable",
                     "Minimum days for stable disease", "Policies", "Source"), (
        (_a(s.name) + code(s.name), code(s.cr), code(s.pr),
         ", ".join(code(x) for x in s.stable), ", ".join(code(x) for x in s.progression),
         code(s.ne), str(DEFAULT_MIN_SD_DAYS[s.name]),
         ", ".join(f"[{code(p)}](policies.md#{anchor('policy.' + p)})"
                   for p in sorted(POLICIES_BY_CRITERIA[s.name])), _src(s.source))
        for s in SCHEMES.values()))
    r, b = recist11, bidimensional
    lines += ["## Thresholds", "",
              "Read by the assessment code itself (the ratios are the integers it multiplies "
              "by: exact comparisons, no floating point).", ""]
    lines += _table(("Criteria", "Rule", "As data", "Source"), (
        ("RECIST 1.1", f"PR: target sum at most {_ratio(r.PR_RATIO)} of the baseline "
         f"sum, i.e. at least {_pct(r.PR_RATIO, False)} % decrease",
         code(f"sum / baseline <= {r.PR_RATIO[0]}/{r.PR_RATIO[1]}"), _src("recist1.1")),
        ("RECIST 1.1", f"PD: target sum at least {_pct(r.PD_RATIO, True)} % above the nadir "
         f"and at least {_num(r.PD_ABSOLUTE_MM)} mm above it",
         code(f"sum / nadir >= {r.PD_RATIO[0]}/{r.PD_RATIO[1]} and sum - nadir >= "
              f"{_num(r.PD_ABSOLUTE_MM)} mm"), _src("recist1.1")),
        ("RECIST 1.1", f"CR: every non-nodal target gone and every nodal target below "
         f"{_num(r.NODE_NORMAL_BELOW_MM)} mm short axis",
         code(f"node short axis < {_num(r.NODE_NORMAL_BELOW_MM)} mm"), _src("recist1.1")),
        ("RECIST 1.1", f"a target too small to measure counts {_num(r.TOO_SMALL_MM)} mm",
         code(f"too_small = {_num(r.TOO_SMALL_MM)} mm"), _src("recist-faq")),
        ("RECIST 1.1", f"at most {validation.MAX_TARGETS} targets, "
         f"{validation.MAX_TARGETS_PER_ORGAN} per organ; a measurable lesion is at least "
         f"{_num(validation.MIN_LD_CT)} mm on CT ({_num(validation.MIN_LD_XRAY)} mm on chest "
         f"X-ray), a target node at least {_num(validation.NODE_TARGET_MIN_SA)} mm short axis",
         code(f"targets <= {validation.MAX_TARGETS}; per organ <= "
              f"{validation.MAX_TARGETS_PER_ORGAN}; node >= "
              f"{_num(validation.NODE_TARGET_MIN_SA)} mm"), _src("recist1.1")),
        ("iRECIST", f"iUPD is confirmed (iCPD) at a scan at least {irecist.CONFIRM_MIN_DAYS} "
         "days later", code(f"confirm >= {irecist.CONFIRM_MIN_DAYS} days"), _src("irecist")),
        ("WHO", f"PR: sum of products at most {_ratio(b.PR_RATIO)} of baseline, i.e. "
         f"at least {_pct(b.PR_RATIO, False)} % decrease",
         code(f"SPD / SPD0 <= {b.PR_RATIO[0]}/{b.PR_RATIO[1]}"), _src("who1981")),
        ("WHO", f"PD: a measurable lesion at least {_pct(b.GROWTH_RATIO, True)} % larger than "
         "its reference (policy who_pd_reference), or any new lesion",
         code(f"product / reference >= {b.GROWTH_RATIO[0]}/{b.GROWTH_RATIO[1]}"),
         _src("who1981")),
        ("NCI", f"PR: at least {_pct(b.PR_RATIO, False)} % decrease of the sum of products, no "
         "new or growing lesion", code(f"SPD / SPD0 <= {b.PR_RATIO[0]}/{b.PR_RATIO[1]}"),
         _src("lee2000")),
        ("NCI", f"MR: at least {_num(Fraction(*b.MR_REDUCTION) * 100)} % and less than "
         f"{_pct(b.PR_RATIO, False)} % decrease, no new lesion",
         code(f"(SPD0 - SPD) / SPD0 >= {b.MR_REDUCTION[0]}/{b.MR_REDUCTION[1]}"),
         _src("lee2000")),
    ))
    lines += ["## RECIST 1.1 overall response", "",
              "RECIST 1.1 section 4.3.4, Table 1 (target disease) and Table 2 (non-target "
              "disease only).  The first row that matches decides; an empty column means "
              "'any'; NA means no lesion of that kind at baseline.", ""]

    def cats(v: frozenset[str] | None) -> str:
        return "any" if v is None else ", ".join(code(c) for c in sorted(v))

    lines += _table(("Rule id", "Target", "Non-target", "New lesion", "Overall", "Reading"), (
        (_a(row.rule) + code(row.rule), cats(row.target), cats(row.non_target),
         "any" if row.new is None else ("yes" if row.new else "no"), code(row.overall),
         text(row.text)) for row in r.OVERALL_TABLE))
    srcs = ["recist1.1", "recist-faq", "irecist", "who1981", "lee2000",
            *(s.source for s in SCHEMES.values())]
    lines += _sources_section(srcs)
    n = len(SCHEMES) + len(r.OVERALL_TABLE)
    return _Page("rules/response.md", "Response criteria", n, lines,
                 f"{len(SCHEMES)} criteria with their thresholds, and the "
                 f"{len(r.OVERALL_TABLE)} rows of the RECIST 1.1 overall-response table")


# --- next course --------------------------------------------------------------------------------

def _next_course() -> _Page:
    from hdil2.clinical.response.next_course import (
        COURSE_RULES,
        POLICIES,
        RETREATMENT_CONTRAINDICATIONS,
        VARIANTS,
    )

    lines = ["# Next course", "",
             "After each course the next-course advice (`hdil2 next-course`) reads the "
             "responses and toxicities of every course given.  The rules are tried in this "
             "order; the first that applies decides.", "", "## Rules", ""]
    lines += _table(("Rule id", "When", "Advice", "Stop category", "Source", "Tag"), (
        (_a(c.rule) + code(c.rule), text(c.condition), code(c.advice),
         code(c.stop_category) if c.stop_category else "-", _src(c.source), _tag(c.tag))
        for c in COURSE_RULES))
    lines += ["## Retreatment contraindications", "",
              "An earlier course with one of these events bars another course (codes as a "
              "course record names them); the label's come from its hold rows that stop IL-2 "
              "permanently.", ""]
    lines += _table(("Code", "Event", "Source", "Tag"), (
        (_a(k) + code(k), text(t), _src(s), _tag(tag))
        for k, (t, s, tag) in sorted(RETREATMENT_CONTRAINDICATIONS.items())))
    lines += ["## Variants", "", "Named sets of policy values (`--variant`).", ""]
    names = sorted(POLICIES)
    lines += _table(("Variant", "Description", *(
        f"[{code(p)}](policies.md#{anchor('policy.' + p)})" for p in names)), (
        (_a(f"variant.{v.name}") + code(v.name), text(v.description),
         *(code(_value(v.values[p])) for p in names))
        for v in sorted(VARIANTS.values(), key=lambda v: v.name)))
    srcs = [c.source for c in COURSE_RULES] + [s for _, s, _ in
                                               RETREATMENT_CONTRAINDICATIONS.values()]
    srcs += [p.source for p in POLICIES.values()]
    lines += _sources_section(srcs)
    n = len(COURSE_RULES) + len(RETREATMENT_CONTRAINDICATIONS) + len(VARIANTS)
    return _Page("rules/next-course.md", "Next course", n, lines,
                 f"{len(COURSE_RULES)} decision rules, {len(RETREATMENT_CONTRAINDICATIONS)} "
                 f"retreatment contraindications and {len(VARIANTS)} variants")


# --- policies -----------------------------------------------------------------------------------

def policy_catalogue() -> dict[str, tuple[Policy, tuple[str, ...]]]:
    """Every named policy of the clinical rules, by name, with where it is used (the
    catalogues that hold it)."""
    from hdil2.clinical.response.next_course import POLICIES as COURSE
    from hdil2.clinical.response.policies import POLICIES_BY_CRITERIA
    from hdil2.clinical.selection.models.policies import SELECTION_POLICIES
    from hdil2.clinical.toxicity.ctcae.criteria import DIARRHEA_POLICIES
    from hdil2.clinical.toxicity.holds.rules import SPRINGER_HELD_SCOPE, STOP_SCOPE
    from hdil2.clinical.treatment.regimens import REGIMENS

    found: dict[str, tuple[Policy, list[str]]] = {}

    def add(p: Policy, where: str) -> None:
        if p.name in found and found[p.name][0] != p:  # pragma: no cover - a naming bug
            raise ValueError(f"two different policies are named {p.name!r}")
        found.setdefault(p.name, (p, []))[1].append(where)

    for r in REGIMENS.values():
        for p in r.policies.values():
            add(p, f"regimen {r.key}")
    for p in (STOP_SCOPE, SPRINGER_HELD_SCOPE):
        add(p, "hold rules")
    for p in DIARRHEA_POLICIES.values():
        add(p, "CTCAE diarrhoea grading")
    for p in SELECTION_POLICIES.values():
        add(p, "selection")
    for crit, ps in POLICIES_BY_CRITERIA.items():
        for p in ps.values():
            add(p, f"response {crit}")
    for p in COURSE.values():
        add(p, "next course")
    return {k: (p, tuple(dict.fromkeys(w))) for k, (p, w) in sorted(found.items())}


def _policies() -> _Page:
    cat = policy_catalogue()
    lines = ["# Policies", "",
             "Where the sources leave a fact open or disagree, hdil2 does not hard-code one "
             "answer: it names a policy with a default and the permitted alternatives, and "
             "every decision that used it carries a reason `policy.<name>` saying which value "
             "was in force.  A site may override a policy where the operation accepts it.", ""]
    lines += _unverified([(f"policy.{k}", p.text) for k, (p, _) in cat.items()
                          if p.tag is Tag.UNVERIFIED])
    lines += _table(("Policy", "Default", "Choices", "Why", "Used by", "Source", "Tag"), (
        (_a(f"policy.{k}") + code(f"policy.{k}"), code(_value(p.default)),
         ", ".join(code(_value(c)) for c in p.choices), text(p.text), text(", ".join(w)),
         _src(p.source), _tag(p.tag)) for k, (p, w) in cat.items()))
    lines += _sources_section([p.source for p, _ in cat.values()])
    return _Page("rules/policies.md", "Policies", len(cat), lines,
                 f"{len(cat)} named policies with their defaults and choices")


# --- sources ------------------------------------------------------------------------------------

def _sources() -> _Page:
    lines = ["# Sources", "",
             "Every source a rule of hdil2 may cite (`hdil2 sources` prints the same "
             "catalogue; `hdil2 sources KEY` one entry).  A PubMed id or DOI is shown only "
             "when it was checked against a public record.", ""]
    for key in sorted(SOURCES):
        s = SOURCES[key]
        lines += [f"## {key} {{#{anchor(key)}}}", "", text(s.citation), ""]
        facts = []
        if s.pmid:
            facts.append(f"- PMID: [{s.pmid}](https://pubmed.ncbi.nlm.nih.gov/{s.pmid}/)")
        if s.doi:
            facts.append(f"- DOI: [{text(s.doi)}](https://doi.org/{s.doi})")
        if s.url:
            facts.append(f"- Published at: <{s.url}>")
        if s.note:
            facts.append(f"- Note: {text(s.note)}")
        if s.uses:
            facts.append(f"- What hdil2 takes from it: {text(s.uses)}")
        facts.append(f"- Command: {code('hdil2 sources ' + key)}")
        lines += [*facts, ""]
    return _Page("rules/sources.md", "Sources", len(SOURCES), lines,
                 f"{len(SOURCES)} sources, each with its full reference")


# --- index --------------------------------------------------------------------------------------

_FAMILIES = (_regimens, _holds, _ctcae, _eligibility, _models, _response, _next_course,
             _policies, _sources)


def _index(parts: Sequence[_Page]) -> str:
    lines = ["# Rules reference", "",
             "Every rule hdil2 applies, with its source and how well it was checked.  These "
             "pages are **generated from the code's own data** - the same rule tables, term "
             "catalogues, criteria and policies the clinical code evaluates - each time the "
             "documentation is built, so they cannot drift from what hdil2 does.", "",
             "Each entry's id is the id a decision's reasons carry (for example "
             "`label.spo2_below_90`), and each is the anchor of its entry: a reason's rule id "
             "can be looked up on its page.  Each source is given in full at the foot of the "
             "page and on the [sources](sources.md) page; `hdil2 sources KEY` prints it too.",
             "", "## Sections", ""]
    lines += _table(("Section", "Entries", "What it holds"), (
        (f"[{p.title}]({p.path.removeprefix('rules/')})", str(p.count), text(p.summary))
        for p in parts))
    lines += ["## Verification tags", "",
              "Every entry carries one of these tags: how well the fact behind it was "
              "checked.", ""]
    lines += _table(("Tag", "Meaning"), ((_tag(t), text(TAG_MEANING[t])) for t in Tag))
    lines += ['!!! warning "Provisional entries"', "",
              "    Entries tagged **memory** or **unverified** are provisional: the first "
              "rests on a reviewer's knowledge of the source, the second on a reading the "
              "sources leave open (a named policy a site may change).  Check them against "
              "your own protocol.", ""]
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """Every page of the rules reference: site path (``rules/...``) -> Markdown."""
    parts = [f() for f in _FAMILIES]
    out = {"rules/index.md": _index(parts)}
    out.update({p.path: "\n".join(p.lines) for p in parts})
    return dict(sorted(out.items()))


def titles() -> dict[str, str]:
    """The title of every page, by site path (for the site's navigation)."""
    parts = [f() for f in _FAMILIES]
    return {"rules/index.md": "Rules reference", **{p.path: p.title for p in parts}}


__all__ = ["TAG_MEANING", "anchor", "model_catalogue", "model_ids", "pages",
           "policy_catalogue", "titles"]
