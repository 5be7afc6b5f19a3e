"""The rules reference (issue 16 item 3): its entries equal the catalogues the code runs.

Each test parses the entry anchors out of the generated Markdown and compares them with the ids
the test enumerates itself from the clinical modules' data (not through the renderer), per
family: every rule, term and policy the code has is on its page, and nothing else.  The numbers
checked on the pages come from the sources (the Proleukin label, NCI's CTCAE v5.0, RECIST 1.1,
WHO), not from hdil2; the CTCAE texts are also compared with NCI's spreadsheet when the peer data
is present.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
import subprocess
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

import hdil2.clinical
from hdil2.core.policy import Policy
from hdil2.core.sources import SOURCES, Tag
from hdil2.report.rules_reference import TAG_MEANING, anchor, pages, titles

PAGE_PATHS = {
    "rules/index.md", "rules/regimens.md", "rules/holds.md", "rules/ctcae.md",
    "rules/eligibility.md", "rules/models.md", "rules/response.md", "rules/next-course.md",
    "rules/policies.md", "rules/sources.md",
}


@cache
def site() -> dict[str, str]:
    return pages()


def page(name: str) -> str:
    return site()[f"rules/{name}.md"]


def anchors(md: str) -> list[str]:
    """Every entry anchor of a page: ``{#id}`` on a heading and ``<a id="id"></a>``."""
    return re.findall(r"\{#([^\s}]+)\}", md) + re.findall(r'<a id="([^"]+)"></a>', md)


def plain(md: str) -> str:
    """The text a reader sees: entities and Markdown escapes undone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", md))


def entry_line(md: str, rule_id: str) -> str:
    """The table row (or heading line) of one entry."""
    lines = [ln for ln in md.splitlines() if f'<a id="{rule_id}"></a>' in ln]
    assert len(lines) == 1, rule_id
    return plain(lines[0])


def section(md: str, rule_id: str) -> str:
    """A heading's section: from ``{#rule_id}`` to the next heading of the same level."""
    lines = md.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.endswith(f"{{#{rule_id}}}"))
    level = lines[start].split(" ", 1)[0]
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].startswith("#") and lines[i].split(" ", 1)[0] in
                ("#" * n for n in range(1, len(level) + 1))), len(lines))
    return plain("\n".join(lines[start:end]))


def assert_entries(md: str, expected: set[str]) -> None:
    found = anchors(md)
    assert len(found) == len(set(found)), "an anchor appears twice"
    assert set(found) == expected, (sorted(set(found) - expected), sorted(expected - set(found)))


# --- the pages -----------------------------------------------------------------------------------

def test_item3_the_reference_has_one_page_per_family_with_titles() -> None:
    assert set(site()) == PAGE_PATHS
    assert set(titles()) == PAGE_PATHS
    for path, md in site().items():
        assert md.startswith(f"# {titles()[path]}\n"), path


def test_item3_pages_are_deterministic() -> None:
    assert pages() == pages()


def test_item3_every_id_is_its_own_anchor() -> None:
    for md in site().values():
        for a in anchors(md):
            assert anchor(a) == a


# --- per family: the entries equal the catalogues ------------------------------------------------

def test_item3_hold_page_lists_every_rule_of_every_rule_set() -> None:
    from hdil2.clinical.toxicity.holds.rules import COUNT_RULES, RULESETS

    expected = {r.id for rules in RULESETS.values() for r in rules}
    expected |= {c.id for counts in COUNT_RULES.values() for c in counts}
    assert set(RULESETS) == {"label", "dutcher2014", "springerplus2015"}
    assert_entries(page("holds"), expected)


def test_item3_hold_page_lists_the_retreatment_contraindications_of_the_label() -> None:
    from hdil2.clinical.toxicity.holds.rules import LABEL

    md = page("holds")
    block = md.split("## Retreatment contraindications", 1)[1]
    codes = {r.retreatment.code for r in LABEL if r.retreatment is not None}
    assert codes == set(re.findall(r"\[`([a-z0-9_]+)`\]\(next-course\.md#", block))
    for r in LABEL:
        if r.action == "stop_permanently":
            assert f"#{r.id})" in block


def test_item3_regimen_page_lists_every_regimen() -> None:
    from hdil2.clinical.treatment.regimens import NOT_PROVIDED, REGIMENS

    assert_entries(page("regimens"), set(REGIMENS) | set(NOT_PROVIDED))


def test_item3_ctcae_page_lists_every_term_with_computed_or_recorded() -> None:
    from hdil2.clinical.toxicity.ctcae.catalogue import TERMS

    md = page("ctcae")
    assert_entries(md, set(TERMS))
    for key, t in TERMS.items():
        body = section(md, key)
        word = "computes" if t.method == "computed" else "records"
        assert f"hdil2 **{word}** the grade" in body, key
        for g in t.allowed_grades:
            assert f"| {g} | {t.text(g)} |" in body, (key, g)


def test_item3_eligibility_page_lists_every_criterion_and_profile() -> None:
    from hdil2.clinical.selection.eligibility import CRITERIA, PROFILES

    expected = {f"eligibility.{c}" for c in CRITERIA}
    expected |= {f"eligibility.{p}.verdict" for p in PROFILES}
    assert_entries(page("eligibility"), expected)


def test_item3_models_page_lists_every_model_factor_and_caveat() -> None:
    from hdil2.clinical.selection.models import MODELS
    from hdil2.clinical.selection.patient import Patient

    nobody = Patient.model_validate({"id": "T-1", "diagnosis": {"disease": "rcc"}})
    expected: set[str] = set()
    md = page("models")
    for key, fn in MODELS.items():
        r = fn(nobody, None)
        expected.add(key)
        expected |= {f.reason.rule for f in r.factors}
        expected |= {x.rule for x in r.reasons if x.rule == f"{key}.group"}
        expected |= {c.rule for c in r.caveats}
        body = section(md, key)
        for o in r.possible_outcomes:  # every group the model can give, with its source's words
            assert f"`{o.group}`" in body, (key, o.group)
    assert_entries(md, expected)


def test_item3_response_page_lists_every_criteria_and_overall_row() -> None:
    from hdil2.clinical.response.bor import SCHEMES
    from hdil2.clinical.response.recist11 import OVERALL_TABLE

    assert set(SCHEMES) == {"recist1.1", "irecist", "who", "nci"}
    assert_entries(page("response"), set(SCHEMES) | {row.rule for row in OVERALL_TABLE})


def test_item3_next_course_page_lists_every_rule_contraindication_and_variant() -> None:
    from hdil2.clinical.response.next_course import (
        COURSE_RULES,
        RETREATMENT_CONTRAINDICATIONS,
        VARIANTS,
    )

    expected = {r.rule for r in COURSE_RULES} | set(RETREATMENT_CONTRAINDICATIONS)
    expected |= {f"variant.{v}" for v in VARIANTS}
    assert_entries(page("next-course"), expected)


def all_policies() -> dict[str, Policy]:
    """Every Policy object held at module level anywhere in hdil2.clinical (directly or in a
    dict or tuple), found by importing every module: independent of the renderer."""
    found: dict[str, Policy] = {}

    def take(obj: object) -> None:
        if isinstance(obj, Policy):
            assert found.setdefault(obj.name, obj) == obj, f"two policies named {obj.name}"
        elif isinstance(obj, dict):
            for v in obj.values():
                take(v)
        elif isinstance(obj, tuple):
            for v in obj:
                take(v)

    for info in pkgutil.walk_packages(hdil2.clinical.__path__, "hdil2.clinical."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            take(value)
            if hasattr(value, "policies") and isinstance(value.policies, dict):
                take(value.policies)
    from hdil2.clinical.treatment.regimens import REGIMENS

    for r in REGIMENS.values():
        take(dict(r.policies))
    return found


def test_item3_policy_page_lists_every_policy_of_the_clinical_code() -> None:
    policies = all_policies()
    assert {"weight_basis", "institutional_stop_scope", "organ_function_range",
            "reappearance_after_cr", "min_rest_days", "vial_drawable"} <= set(policies)
    md = page("policies")
    assert_entries(md, {f"policy.{name}" for name in policies})
    for name, p in policies.items():
        row = entry_line(md, f"policy.{name}")
        assert f"| {p.tag.value} |" in row.replace("**", ""), name


def test_item3_sources_page_lists_the_whole_catalogue_in_full() -> None:
    md = page("sources")
    assert_entries(md, set(SOURCES))
    for key, s in SOURCES.items():
        body = section(md, key)
        assert " ".join(s.citation.split()) in body
        assert f"`hdil2 sources {key}`" in body
        if s.pmid:
            assert s.pmid in body
        if s.doi:
            assert s.doi in body


# --- numbers nobody here invented ----------------------------------------------------------------

def test_item3_label_hold_rows_read_as_the_label_prints_them() -> None:
    md = page("holds")
    sbp = entry_line(md, "label.sbp_below_90")
    assert "systolic BP < 90 mmHg" in sbp
    assert "sbp_mmhg < 90 mmHg" in sbp
    assert "hold the dose" in sbp
    assert "| verified |" in sbp
    spo2 = entry_line(md, "label.spo2_below_90")
    assert "SpO2 < 90 %" in spo2
    assert "SpO2 > 90 %" in spo2
    assert "serum creatinine > 4.5 mg/dL" in entry_line(md, "label.creatinine_above_4_5")
    assert "intubation for > 72 h" in entry_line(md, "label.intubation_over_72h")


def test_item3_ctcae_texts_are_the_v5_texts() -> None:
    body = section(page("ctcae"), "creatinine_increased")
    assert "| 2 | >1.5 - 3.0 x baseline; >1.5 - 3.0 x ULN |" in body  # CTCAE v5.0, grade 2
    assert "| 5 |" not in body  # creatinine increased has no grade 5 in v5.0
    assert "| 4 | <25,000/mm3; <25.0 x 10e9 /L |" in section(page("ctcae"),
                                                           "platelet_count_decreased")


def test_item3_ctcae_page_equals_the_nci_spreadsheet() -> None:
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is in the dev extra")
    from hdil2.clinical.toxicity.ctcae.catalogue import TERMS
    from peer_data import peer_path

    dashes = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                            "\u2014": "-", "\u2212": "-"})

    def norm(s: str) -> str:
        return re.sub(r"\s+", " ", s.replace("\xa0", " ").translate(dashes)).strip()

    wb = openpyxl.load_workbook(peer_path("ctcae", "CTCAE_v5.0_2017-11-27.xlsx"),
                                read_only=True)
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = [norm(str(h)) for h in next(rows)]
    col = {h: i for i, h in enumerate(header)}
    sheet = {norm(str(r[col["CTCAE Term"]])): r for r in rows if r[col["CTCAE Term"]]}
    wb.close()
    md = page("ctcae")
    for key, t in TERMS.items():
        body = section(md, key)
        shown = dict(re.findall(r"^\| ([1-5]) \| (.*?) \| \S+ \|$", body, re.M))
        row = sheet[t.name]
        nci = {str(g): norm(str(row[col[f"Grade {g}"]])) for g in range(1, 6)
               if row[col[f"Grade {g}"]] is not None
               and norm(str(row[col[f"Grade {g}"]])) not in ("", "-")}
        assert {g: norm(x) for g, x in shown.items()} == nci, t.name


def test_item3_regimen_page_shows_the_label_dose_and_vial_arithmetic() -> None:
    hd = section(page("regimens"), "hd-il2-600k")
    assert "600,000 IU/kg" in hd
    assert "every 8 hours, days 1-5 and 15-19" in hd
    assert '"max_doses_per_course": 28' in hd
    md = plain(page("regimens"))
    assert "| IU per single-dose vial (nominal) | 22,000,000 |" in md  # label: 22 x 10^6 IU
    assert "21,600,000 IU (1.2 mL × 18,000,000 IU/mL)" in md
    assert "18,000,000 IU = 1.1 mg" in md


def test_item3_response_page_states_the_guidelines_thresholds() -> None:
    md = plain(page("response"))
    assert "at least 30 % decrease" in md  # RECIST 1.1 PR
    assert "at least 20 % above the nadir and at least 5 mm above it" in md  # RECIST 1.1 PD
    assert "WHO | PR: sum of products at most 1/2 of baseline, i.e. at least 50 % decrease" in md
    assert "at least 25 % larger than its reference" in md  # WHO PD
    row = entry_line(page("response"), "recist1.1.overall.cr_non_cr")
    assert "`CR`" in row
    assert "`NON-CR/NON-PD`" in row
    assert "| `PR` |" in row


def test_item3_the_printed_recist_thresholds_are_the_ones_the_code_applies() -> None:
    from hdil2.clinical.response.recist11 import target_response

    d = Decimal
    assert "at least 30 % decrease" in plain(page("response"))
    assert target_response(d(70), d(100), d(100), False) == "PR"
    assert target_response(d("70.1"), d(100), d(100), False) == "SD"
    assert target_response(d(120), d(100), d(100), False) == "PD"
    assert target_response(d(24), d(100), d(20), False) != "PD"  # +20 % but only 4 mm


# --- sources, tags, citations ---------------------------------------------------------------------

def test_item3_every_source_named_resolves_and_is_cited_in_full_on_its_page() -> None:
    for path, md in site().items():
        linked = set(re.findall(r"\]\(sources\.md#([^)]+)\)", md))
        commands = set(re.findall(r"`hdil2 sources ([^`]+)`", md)) - {"KEY"}
        assert linked <= set(SOURCES), path
        assert commands <= set(SOURCES), path
        if path in ("rules/index.md", "rules/sources.md"):
            continue
        assert linked, path
        foot = plain(md.split("## Sources cited on this page", 1)[1])
        for key in linked:
            assert f"hdil2 sources {key}" in foot, (path, key)
            assert " ".join(SOURCES[key].citation.split()) in foot, (path, key)


def test_item3_index_explains_every_tag_and_counts_every_section() -> None:
    assert set(TAG_MEANING) == set(Tag)
    md = page("index")
    for t in Tag:
        assert re.search(rf"^\| (\*\*)?{t.value}(\*\*)? \| ", md, re.M), t
    assert "generated from the code's own data" in md
    for path in PAGE_PATHS - {"rules/index.md"}:
        name = path.removeprefix("rules/")
        m = re.search(rf"\]\({re.escape(name)}\) \| (\d+) \|", md)
        assert m, name


def test_item3_unverified_hold_rows_are_flagged_in_a_warning() -> None:
    from hdil2.clinical.toxicity.holds.rules import ALL_RULES

    md = page("holds")
    lines = md.split('!!! warning "Unverified entries"', 1)[1].splitlines()[1:]
    block = []
    for ln in lines:
        if ln and not ln.startswith("    "):
            break
        block.append(ln)
    flagged = set(re.findall(r"^    - \[`([^`]+)`\]\(#", "\n".join(block), re.M))
    assert flagged == {r.id for r in ALL_RULES if r.tag is Tag.UNVERIFIED}


FORBIDDEN = (r"seeds? ?0\d\d", r"seeds?/", r"reference ?§", r"§", r"\bD(1[0-9]|[1-9])\b",
             r"DESIGN\.md", r"clinical\.md", r"\.\./shared", r"software-anchors",
             re.escape(str(Path(__file__).resolve().parents[3])))  # no path of this machine


def test_item3_no_forbidden_citation_pattern_on_the_pages() -> None:
    for path, md in site().items():
        for pattern in FORBIDDEN:
            assert not re.search(pattern, md), (path, pattern)


# --- the pages build ------------------------------------------------------------------------------

MKDOCS_YML = """\
site_name: rules reference check
docs_dir: docs
theme:
  name: material
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - def_list
validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
"""


def test_item3_pages_build_with_mkdocs_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="mkdocs is in the docs extra")
    pytest.importorskip("material", reason="mkdocs-material is in the docs extra")
    docs = tmp_path / "docs"
    for path, md in site().items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(md, encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\n[Rules](rules/index.md)\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300,
                         env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert "WARNING" not in log, log
    built = (tmp_path / "site" / "rules" / "holds" / "index.html").read_text(encoding="utf-8")
    assert 'id="label.sbp_below_90"' in built


def test_item3_the_printed_who_thresholds_are_the_ones_the_code_applies() -> None:
    from hdil2.clinical.response.bidimensional import grew_25pct

    d = Decimal
    assert "at least 25 % larger than its reference" in plain(page("response"))
    assert grew_25pct(d(125), d(100))  # WHO: a >= 25 % increase of a lesion's product
    assert not grew_25pct(d("124.9"), d(100))
