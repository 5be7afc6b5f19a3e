"""The CTCAE v5.0 terms hdil2 grades for HD IL-2 (clinical reference §3.2), as data.

Each :class:`Term` carries its CTCAE v5.0 name, the text of every grade the term allows (a
missing grade is a "—" in CTCAE: capillary leak syndrome has no grade 1, sinus tachycardia no
grade 4), the verification tag of the reference's row (a few rows tag single grades
differently: atrial fibrillation G1-G3 [V], G4 [M]), and whether the grade is **computed** from
numbers (:mod:`hdil2.clinical.ctcae.criteria`) or **recorded** from the clinician's choice
(clinical-descriptor grades such as "medical intervention indicated", reference §3.1).

Grade texts are the reference's wording (source key ``ctcae5``, pinned to v5.0 of 27 Nov 2017).
Grade 5 ("death related to the adverse event") is not in the reference's table; which terms
allow it is recorded here from memory of the v5.0 table and tagged [M] (``Tag.MEMORY``) so a
later check against the NCI PDF is visible.

"Oliguria" is not a v5.0 term [U] (reference §3.2, §8 item 5): it is refused with a pointer to
creatinine increased / acute kidney injury and the label's urine-output hold rule (§1.9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from hdil2.core.errors import InputError
from hdil2.core.sources import Tag

Method = Literal["computed", "clinician"]
Direction = Literal["increased", "decreased"]

CTCAE_VERSION = "5.0"
GRADE_0_TEXT = "none: no adverse event (within normal limits)"
GRADE_5_TEXT = "Death"


@dataclass(frozen=True, slots=True)
class Term:
    """One CTCAE v5.0 term: its grades and how hdil2 obtains them."""

    key: str
    name: str
    method: Method
    grades: tuple[tuple[int, str], ...]  # (grade, CTCAE text) for every grade the term allows
    tag: Tag  # the reference's verification tag for the row
    direction: Direction | None = None  # computed terms: which way the value worsens
    inputs: tuple[str, ...] = ("grade",)  # request fields (see the request models)
    grade_tags: tuple[tuple[int, Tag], ...] = ()  # per-grade overrides of ``tag``
    note: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def allowed_grades(self) -> tuple[int, ...]:
        """Grade 0 (no adverse event) and every grade the term defines."""
        return (0, *(g for g, _ in self.grades))

    @property
    def texts(self) -> Mapping[int, str]:
        return MappingProxyType({0: GRADE_0_TEXT, **dict(self.grades)})

    def text(self, grade: int) -> str:
        """The CTCAE text of ``grade`` (grade 0: no adverse event)."""
        return self.texts[grade]

    def tag_for(self, grade: int) -> Tag:
        """Verification tag of one grade's text (the row's tag unless overridden)."""
        return dict(self.grade_tags).get(grade, self.tag)

    def check_grade(self, grade: int, field: str = "grade") -> int:
        """Refuse a grade the term does not define (naming ``field``)."""
        if grade not in self.allowed_grades:
            raise InputError(
                field,
                f"{self.name} has no grade {grade} in CTCAE v{CTCAE_VERSION}; allowed: "
                f"{', '.join(map(str, self.allowed_grades))}",
                grade,
            )
        return grade

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "method": self.method,
            "direction": self.direction,
            "inputs": list(self.inputs),
            "allowed_grades": list(self.allowed_grades),
            "grades": {str(g): t for g, t in self.grades},
            "tag": self.tag.value,
            "grade_tags": {str(g): t.value for g, t in self.grade_tags},
            "note": self.note,
            "aliases": list(self.aliases),
            "source": "ctcae5",
        }


_M5 = ((5, Tag.MEMORY),)  # grade 5 availability is not in the reference's table


def _g(*texts: str | None, g5: bool = False) -> tuple[tuple[int, str], ...]:
    """Grades 1-4 from ``texts`` (``None`` = "—", the grade does not exist) plus grade 5."""
    out = [(i, t) for i, t in enumerate(texts, start=1) if t is not None]
    if g5:
        out.append((5, GRADE_5_TEXT))
    return tuple(out)


_LAB = ("value", "uln", "baseline")

# AST and ALT share their grade texts (baseline-normal and baseline-abnormal branches)
_AMINOTRANSFERASE_GRADES = _g(
    "> ULN - 3.0 × ULN if baseline was normal; 1.5 - 3.0 × baseline if baseline was abnormal",
    "> 3.0 - 5.0 × ULN if baseline was normal; > 3.0 - 5.0 × baseline if baseline was abnormal",
    "> 5.0 - 20.0 × ULN if baseline was normal; > 5.0 - 20.0 × baseline if baseline was "
    "abnormal",
    "> 20.0 × ULN if baseline was normal; > 20.0 × baseline if baseline was abnormal")
_AMINOTRANSFERASE_NOTE = ("baseline abnormal means baseline > ULN; the bare '1.5 - 3.0 × "
                          "baseline' is inclusive at 1.5 (reference D5)")

_TERMS: tuple[Term, ...] = (
    # ---- computed from numbers ------------------------------------------------------------
    Term(
        "creatinine_increased", "Creatinine increased", "computed",
        _g("> ULN - 1.5 × ULN",
           "> 1.5 - 3.0 × baseline; > 1.5 - 3.0 × ULN",
           "> 3.0 × baseline; > 3.0 - 6.0 × ULN",
           "> 6.0 × ULN"),
        Tag.MEMORY, "increased", _LAB,
        note="the baseline clause fires even within normal limits (reference D4, as pharmaverse "
        "admiral grades it)",
        aliases=("creatinine",),
    ),
    Term(
        "blood_bilirubin_increased", "Blood bilirubin increased", "computed",
        _g("> ULN - 1.5 × ULN if baseline was normal; > 1.0 - 1.5 × baseline if baseline was "
           "abnormal",
           "> 1.5 - 3.0 × ULN if baseline was normal; > 1.5 - 3.0 × baseline if baseline was "
           "abnormal",
           "> 3.0 - 10.0 × ULN if baseline was normal; > 3.0 - 10.0 × baseline if baseline was "
           "abnormal",
           "> 10.0 × ULN if baseline was normal; > 10.0 × baseline if baseline was abnormal"),
        Tag.VERIFIED, "increased", _LAB,
        note="baseline abnormal means baseline > ULN (reference D5)",
        aliases=("bilirubin", "blood_bilirubin", "bilirubin_increased"),
    ),
    Term(
        "ast_increased", "Aspartate aminotransferase increased", "computed",
        _AMINOTRANSFERASE_GRADES, Tag.VERIFIED, "increased", _LAB,
        note=_AMINOTRANSFERASE_NOTE,
        aliases=("ast", "aspartate_aminotransferase_increased"),
    ),
    Term(
        "alt_increased", "Alanine aminotransferase increased", "computed",
        _AMINOTRANSFERASE_GRADES, Tag.VERIFIED, "increased", _LAB,
        note=_AMINOTRANSFERASE_NOTE,
        aliases=("alt", "alanine_aminotransferase_increased"),
    ),
    Term(
        "platelet_count_decreased", "Platelet count decreased", "computed",
        _g("< LLN - 75.0 × 10⁹/L", "< 75.0 - 50.0 × 10⁹/L", "< 50.0 - 25.0 × 10⁹/L",
           "< 25.0 × 10⁹/L"),
        Tag.MEMORY, "decreased", ("value", "lln"),
        aliases=("platelets", "platelet_count", "thrombocytopenia"),
    ),
    Term(
        "fever", "Fever", "computed",
        _g("38.0 - 39.0 °C (100.4 - 102.2 °F)", "> 39.0 - 40.0 °C (102.3 - 104.0 °F)",
           "> 40.0 °C (> 104.0 °F) for ≤ 24 hrs", "> 40.0 °C (> 104.0 °F) for > 24 hrs",
           g5=True),
        Tag.VERIFIED, "increased", ("value", "duration_above_40c", "clinical_grade"),
        grade_tags=_M5,
        note="°F is converted exactly, C = (F - 32) × 5/9; above 40.0 °C the duration decides "
        "G3 or G4",
        aliases=("pyrexia", "temperature"),
    ),
    Term(
        "weight_gain", "Weight gain", "computed",
        _g("5 - < 10 % from baseline", "10 - < 20 % from baseline", "≥ 20 % from baseline"),
        Tag.MEMORY, "increased", ("value", "baseline"),
        note="a capillary-leak surrogate during HD IL-2",
    ),
    Term(
        "diarrhea", "Diarrhea", "computed",
        _g("Increase of < 4 stools per day over baseline; mild increase in ostomy output "
           "compared to baseline",
           "Increase of 4 - 6 stools per day over baseline; moderate increase in ostomy output "
           "compared to baseline; limiting instrumental ADL",
           "Increase of ≥ 7 stools per day over baseline; hospitalisation indicated; severe "
           "increase in ostomy output compared to baseline; limiting self-care ADL "
           "(incontinence: [U] for v5.0, see policy diarrhea_incontinence)",
           "Life-threatening consequences; urgent intervention indicated", g5=True),
        Tag.VERIFIED, "increased",
        ("stools_per_day", "baseline_stools_per_day", "ostomy_output_increase", "clinical_grade",
         "incontinence"),
        grade_tags=_M5,
        note="'incontinence' as a G3 criterion is [U] for v5.0 and not graded by default "
        "(reference D6, policy diarrhea_incontinence)",
        aliases=("diarrhoea",),
    ),
    # ---- recorded from the clinician's choice ---------------------------------------------
    Term(
        "hypotension", "Hypotension", "clinician",
        _g("Asymptomatic, intervention not indicated", "Non-urgent medical intervention indicated",
           "Medical intervention or hospitalisation indicated",
           "Life-threatening consequences and urgent intervention indicated", g5=True),
        Tag.MEMORY, grade_tags=_M5,
        note="'hypotension requiring pressors' (seed 000) maps to ≥ G3 (reference §3.3 [M])",
    ),
    Term(
        "capillary_leak_syndrome", "Capillary leak syndrome", "clinician",
        _g(None, "Symptomatic; medical intervention indicated",
           "Severe symptoms; intervention indicated",
           "Life-threatening consequences; urgent intervention indicated", g5=True),
        Tag.MEMORY, grade_tags=_M5, aliases=("capillary_leak", "vascular_leak_syndrome"),
    ),
    Term(
        "acute_kidney_injury", "Acute kidney injury", "clinician",
        _g(None, None, "Hospitalisation indicated",
           "Life-threatening consequences; dialysis indicated", g5=True),
        Tag.MEMORY, grade_tags=_M5, aliases=("aki",),
    ),
    Term(
        "confusion", "Confusion", "clinician",
        _g("Mild disorientation", "Moderate disorientation; limiting instrumental ADL",
           "Severe disorientation; limiting self-care ADL",
           "Life-threatening consequences; urgent intervention indicated"),
        Tag.MEMORY,
        note="the label withholds for moderate confusion (reference §1.9)",
    ),
    Term(
        "somnolence", "Somnolence", "clinician",
        _g("Mild but more than usual drowsiness or sleepiness",
           "Moderate sedation; limiting instrumental ADL", "Obtundation or stupor",
           "Life-threatening consequences; urgent intervention indicated", g5=True),
        Tag.MEMORY, grade_tags=_M5,
    ),
    Term(
        "atrial_fibrillation", "Atrial fibrillation", "clinician",
        _g("Asymptomatic, intervention not indicated", "Non-urgent medical intervention indicated",
           "Symptomatic, urgent intervention indicated; device (e.g., pacemaker); ablation; "
           "new onset",
           "Life-threatening consequences; embolus requiring urgent intervention", g5=True),
        Tag.VERIFIED, grade_tags=((4, Tag.MEMORY), (5, Tag.MEMORY)), aliases=("af",),
    ),
    Term(
        "sinus_tachycardia", "Sinus tachycardia", "clinician",
        _g("Asymptomatic, intervention not indicated",
           "Symptomatic; non-urgent medical intervention indicated",
           "Urgent medical intervention indicated"),
        Tag.MEMORY,
    ),
    Term(
        "supraventricular_tachycardia", "Supraventricular tachycardia", "clinician",
        _g("Asymptomatic, intervention not indicated", "Non-urgent medical intervention indicated",
           "Symptomatic, urgent intervention indicated",
           "Life-threatening consequences; urgent intervention indicated", g5=True),
        Tag.MEMORY, grade_tags=_M5, aliases=("svt",),
    ),
    Term(
        "ventricular_tachycardia", "Ventricular tachycardia", "clinician",
        _g(None, "Non-urgent medical intervention indicated",
           "Symptomatic, urgent intervention indicated",
           "Life-threatening consequences; hemodynamic compromise", g5=True),
        Tag.VERIFIED, grade_tags=_M5, aliases=("vt",),
    ),
    Term(
        "dyspnea", "Dyspnea", "clinician",
        _g("Shortness of breath with moderate exertion",
           "Shortness of breath with minimal exertion; limiting instrumental ADL",
           "Shortness of breath at rest; limiting self-care ADL",
           "Life-threatening consequences; urgent intervention indicated", g5=True),
        Tag.MEMORY, grade_tags=_M5, aliases=("dyspnoea",),
    ),
    Term(
        "hypoxia", "Hypoxia", "clinician",
        _g(None,
           "Decreased oxygen saturation with exercise (e.g., pulse oximeter < 88 %); "
           "intermittent supplemental oxygen",
           "Decreased oxygen saturation at rest (e.g., pulse oximeter < 88 % or PaO2 ≤ 55 mm Hg)",
           "Life-threatening airway compromise; urgent intervention indicated (e.g., "
           "tracheotomy or intubation)", g5=True),
        Tag.MEMORY, grade_tags=_M5,
        note="the SpO2 figures are examples, not thresholds: the clinician grades",
    ),
    Term(
        "nausea", "Nausea", "clinician",
        _g("Loss of appetite without alteration in eating habits",
           "Oral intake decreased without significant weight loss, dehydration or malnutrition",
           "Inadequate oral caloric or fluid intake; tube feeding, TPN, or hospitalisation "
           "indicated"),
        Tag.MEMORY,
    ),
    Term(
        "vomiting", "Vomiting", "clinician",
        _g("Intervention not indicated", "Outpatient IV hydration; medical intervention indicated",
           "Tube feeding, TPN, or hospitalisation indicated", "Life-threatening consequences",
           g5=True),
        Tag.MEMORY, grade_tags=_M5,
        note="v5.0 dropped v4.0's episodes per 24 h; many third-party tables still print v4",
    ),
    Term(
        "rash_maculopapular", "Rash maculo-papular", "clinician",
        _g("Macules/papules covering < 10 % BSA with or without symptoms",
           "Macules/papules covering 10 - 30 % BSA with or without symptoms; limiting "
           "instrumental ADL; rash covering > 30 % BSA with or without mild symptoms",
           "Macules/papules covering > 30 % BSA with moderate or severe symptoms; limiting "
           "self-care ADL"),
        Tag.MEMORY, aliases=("rash", "rash_maculo_papular", "maculopapular_rash"),
    ),
    Term(
        "pruritus", "Pruritus", "clinician",
        _g("Mild or localised; topical intervention indicated",
           "Widespread and intermittent; skin changes from scratching; oral intervention "
           "indicated; limiting instrumental ADL",
           "Widespread and constant; limiting self-care ADL or sleep; systemic corticosteroid "
           "or immunosuppressive therapy indicated"),
        Tag.MEMORY, aliases=("itch", "itching"),
    ),
    Term(
        "hypothyroidism", "Hypothyroidism", "clinician",
        _g("Asymptomatic; clinical or diagnostic observations only; intervention not indicated",
           "Symptomatic; thyroid replacement indicated; limiting instrumental ADL",
           "Severe symptoms; limiting self-care ADL; hospitalisation indicated",
           "Life-threatening consequences; urgent intervention indicated", g5=True),
        Tag.MEMORY, grade_tags=_M5,
    ),
)

TERMS: Mapping[str, Term] = MappingProxyType({t.key: t for t in _TERMS})

COMPUTED_TERMS: tuple[str, ...] = tuple(t.key for t in _TERMS if t.method == "computed")
CLINICIAN_TERMS: tuple[str, ...] = tuple(t.key for t in _TERMS if t.method == "clinician")

OLIGURIA_MESSAGE = (
    "'Oliguria' is not a CTCAE v5.0 term (reference §3.2 [U]). Grade the kidney with "
    "'creatinine_increased' (from creatinine, ULN and baseline) or 'acute_kidney_injury' "
    "(clinician-graded), and apply the Proleukin label's urine-output hold rule (persistent "
    "oliguria, urine < 10 mL/h for 16-24 h with rising creatinine: withhold; reference §1.9) "
    "through the dose-hold advice"
)

# names that are not v5.0 terms, with what to use instead
NOT_TERMS: Mapping[str, str] = MappingProxyType({
    "oliguria": OLIGURIA_MESSAGE,
    "urine_output_decreased": OLIGURIA_MESSAGE,
})

_ALIASES: dict[str, str] = {a: t.key for t in _TERMS for a in (*t.aliases, t.name)}


def normalise_key(raw: str) -> str:
    """``"Blood bilirubin increased"``, ``"blood-bilirubin"`` → ``"blood_bilirubin_increased"``."""
    k = "_".join(raw.strip().lower().replace("-", " ").replace("/", " ").split())
    return k


def term_key(raw: object, field: str = "term") -> str:
    """The catalogue key for a user-written term name, or an :class:`InputError`."""
    if not isinstance(raw, str) or not raw.strip():
        raise InputError(field, f"required: one of {', '.join(TERMS)}", raw)
    k = normalise_key(raw)
    if k in TERMS:
        return k
    for alias, key in _ALIASES.items():
        if normalise_key(alias) == k:
            return key
    if k in NOT_TERMS:
        raise InputError(field, NOT_TERMS[k], raw)
    raise InputError(field, f"unknown CTCAE term {raw!r}; known: {', '.join(TERMS)}", raw)


def term(key: str) -> Term:
    """The catalogue entry for ``key`` (aliases accepted); unknown → :class:`InputError`."""
    return TERMS[term_key(key)]
