"""The CTCAE v5.0 terms hdil2 grades for HD IL-2, as data.

Each :class:`Term` carries its CTCAE v5.0 name, the text of every grade the term allows (a
missing grade is a "-" cell in CTCAE: sinus tachycardia has no grade 4, creatinine increased no
grade 5), where that text came from, and whether the grade is **computed** from the request's
inputs (:mod:`hdil2.clinical.toxicity.ctcae.criteria`, :mod:`~hdil2.clinical.toxicity.ctcae.urine`,
:mod:`~hdil2.clinical.toxicity.ctcae.hypotension`) or **recorded** from the clinician's choice
(clinical-descriptor grades such as "medical intervention indicated").

Sources (source key ``ctcae5``, pinned to v5.0 of 27 Nov 2017):

* ``text_source = "nci-ctcae5-xlsx"``: every grade text, and which grades exist, is NCI's own
  machine-readable release, the spreadsheet ``CTCAE_v5.0_2017-11-27.xlsx``, copied verbatim
  (only runs of whitespace are collapsed).  A test compares every term with the spreadsheet.
* ``criteria_source = "admiral"``: for the laboratory terms, the thresholds read from those
  texts were compared with pharmaverse admiral's machine-readable CTCAE v5.0 grading metadata
  (``atoxgr_criteria_ctcv5``); where hdil2 reads a text differently from admiral the term's
  ``note`` says so.

Terms v5.0 grades by clinical descriptors only (hypophosphatemia, hyperglycemia: v4.03 graded
them by value, v5.0 does not) are recorded from the clinician's grade.

"Oliguria" and "anuria" are not v5.0 terms: they are the words of the grade 3 and grade 4 texts
of "Urine output decreased", and are refused with a pointer to that term.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from hdil2.core.errors import InputError
from hdil2.core.result import Result
from hdil2.core.sources import Tag

Method = Literal["computed", "clinician"]
Direction = Literal["increased", "decreased"]

CTCAE_VERSION = "5.0"
GRADE_0_TEXT = "none: no adverse event (within normal limits)"
GRADE_5_TEXT = "Death"
NCI_XLSX = "nci-ctcae5-xlsx"  # NCI's CTCAE_v5.0_2017-11-27.xlsx, the release of ``ctcae5``


@dataclass(frozen=True, slots=True)
class Term:
    """One CTCAE v5.0 term: its grades and how hdil2 obtains them."""

    key: str
    name: str
    method: Method
    grades: tuple[tuple[int, str], ...]  # (grade, CTCAE text) for every grade the term allows
    tag: Tag = Tag.VERIFIED  # verification of the grade texts (checked against NCI's release)
    direction: Direction | None = None  # computed terms: which way the value worsens
    inputs: tuple[str, ...] = ("grade",)  # request fields (see the request models)
    grade_tags: tuple[tuple[int, Tag], ...] = ()  # per-grade overrides of ``tag``
    note: str = ""
    aliases: tuple[str, ...] = ()
    text_source: str = NCI_XLSX
    criteria_source: str | None = None  # source key the numeric criteria were compared with

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


def _grade_texts(*texts: str | None, g5: bool = False) -> tuple[tuple[int, str], ...]:
    """Grades 1-4 from ``texts`` (``None`` = "-", the grade does not exist) plus grade 5."""
    out = [(i, t) for i, t in enumerate(texts, start=1) if t is not None]
    if g5:
        out.append((5, GRADE_5_TEXT))
    return tuple(out)


_LAB = ("value", "uln", "baseline")
_LOW = ("value", "lln")
_ADMIRAL = "admiral"
_BOUNDARY_NOTE = ("baseline abnormal means baseline > ULN; the bare '{k} - {m} x baseline' of "
                  "grade 1 is inclusive at {k} (docs/decisions.md#ctcae-boundary-forms)")

# AST and ALT share their grade texts (baseline-normal and baseline-abnormal branches)
_AMINOTRANSFERASE_GRADES = _grade_texts(
    ">ULN - 3.0 x ULN if baseline was normal; 1.5 - 3.0 x baseline if baseline was abnormal",
    ">3.0 - 5.0 x ULN if baseline was normal; >3.0 - 5.0 x baseline if baseline was abnormal",
    ">5.0 - 20.0 x ULN if baseline was normal; >5.0 - 20.0 x baseline if baseline was abnormal",
    ">20.0 x ULN if baseline was normal; >20.0 x baseline if baseline was abnormal")
_AMINOTRANSFERASE_NOTE = _BOUNDARY_NOTE.format(k="1.5", m="3.0")

# alkaline phosphatase and GGT share theirs
_ALP_GGT_GRADES = _grade_texts(
    ">ULN - 2.5 x ULN if baseline was normal; 2.0 - 2.5 x baseline if baseline was abnormal",
    ">2.5 - 5.0 x ULN if baseline was normal; >2.5 - 5.0 x baseline if baseline was abnormal",
    ">5.0 - 20.0 x ULN if baseline was normal; >5.0 - 20.0 x baseline if baseline was abnormal",
    ">20.0 x ULN if baseline was normal; >20.0 x baseline if baseline was abnormal")
_ALP_GGT_NOTE = _BOUNDARY_NOTE.format(k="2.0", m="2.5")

_DESCRIPTOR_NOTE = ("the clinical words of a grade ('hospitalization indicated', "
                    "'life-threatening consequences', death) are the clinician's: give them as "
                    "clinical_grade; without it the grade comes from the value")

_TERMS: tuple[Term, ...] = (
    # ---- computed from laboratory values -------------------------------------------------
    Term(
        "creatinine_increased", "Creatinine increased", "computed",
        _grade_texts(
            ">ULN - 1.5 x ULN",
            ">1.5 - 3.0 x baseline; >1.5 - 3.0 x ULN",
            ">3.0 x baseline; >3.0 - 6.0 x ULN",
            ">6.0 x ULN"),
        direction="increased", inputs=_LAB, criteria_source=_ADMIRAL,
        note="the baseline clause fires even within normal limits, as pharmaverse admiral "
        "grades it (docs/decisions.md#creatinine-baseline-clause)",
        aliases=("creatinine",),
    ),
    Term(
        "blood_bilirubin_increased", "Blood bilirubin increased", "computed",
        _grade_texts(
            ">ULN - 1.5 x ULN if baseline was normal; > 1.0 - 1.5 x baseline if baseline was "
            "abnormal",
            ">1.5 - 3.0 x ULN if baseline was normal; >1.5 - 3.0 x baseline if baseline was "
            "abnormal",
            ">3.0 - 10.0 x ULN if baseline was normal; >3.0 - 10.0 x baseline if baseline was "
            "abnormal",
            ">10.0 x ULN if baseline was normal; >10.0 x baseline if baseline was abnormal"),
        direction="increased", inputs=_LAB, criteria_source=_ADMIRAL,
        note="baseline abnormal means baseline > ULN (docs/decisions.md#ctcae-boundary-forms)",
        aliases=("bilirubin", "blood_bilirubin", "bilirubin_increased"),
    ),
    Term(
        "ast_increased", "Aspartate aminotransferase increased", "computed",
        _AMINOTRANSFERASE_GRADES, direction="increased", inputs=_LAB,
        criteria_source=_ADMIRAL, note=_AMINOTRANSFERASE_NOTE,
        aliases=("ast", "aspartate_aminotransferase_increased"),
    ),
    Term(
        "alt_increased", "Alanine aminotransferase increased", "computed",
        _AMINOTRANSFERASE_GRADES, direction="increased", inputs=_LAB,
        criteria_source=_ADMIRAL, note=_AMINOTRANSFERASE_NOTE,
        aliases=("alt", "alanine_aminotransferase_increased"),
    ),
    Term(
        "alkaline_phosphatase_increased", "Alkaline phosphatase increased", "computed",
        _ALP_GGT_GRADES, direction="increased", inputs=_LAB, criteria_source=_ADMIRAL,
        note=_ALP_GGT_NOTE,
        aliases=("alkaline_phosphatase", "alp", "alp_increased"),
    ),
    Term(
        "ggt_increased", "GGT increased", "computed",
        _ALP_GGT_GRADES, direction="increased", inputs=_LAB, criteria_source=_ADMIRAL,
        note=_ALP_GGT_NOTE + "; admiral's GGT metadata opens it strictly (> 2.0 x baseline), "
        "its alkaline phosphatase metadata inclusively, as hdil2 does for both",
        aliases=("ggt", "gamma_glutamyltransferase_increased", "gamma_gt_increased"),
    ),
    Term(
        "platelet_count_decreased", "Platelet count decreased", "computed",
        _grade_texts(
            "<LLN - 75,000/mm3; <LLN - 75.0 x 10e9 /L", "<75,000 - 50,000/mm3; <75.0 - 50.0 x "
            "10e9 /L", "<50,000 - 25,000/mm3; <50.0 - 25.0 x 10e9 /L",
            "<25,000/mm3; <25.0 x 10e9 /L"),
        direction="decreased", inputs=_LOW, criteria_source=_ADMIRAL,
        aliases=("platelets", "platelet_count", "thrombocytopenia"),
    ),
    Term(
        "neutrophil_count_decreased", "Neutrophil count decreased", "computed",
        _grade_texts(
            "<LLN - 1500/mm3; <LLN - 1.5 x 10e9 /L", "<1500 - 1000/mm3; <1.5 - 1.0 x 10e9 /L",
            "<1000 - 500/mm3; <1.0 - 0.5 x 10e9 /L", "<500/mm3; <0.5 x 10e9 /L"),
        direction="decreased", inputs=_LOW, criteria_source=_ADMIRAL,
        aliases=("neutrophils", "neutrophil_count", "anc", "neutropenia"),
    ),
    Term(
        "lymphocyte_count_decreased", "Lymphocyte count decreased", "computed",
        _grade_texts(
            "<LLN - 800/mm3; <LLN - 0.8 x 10e9/L", "<800 - 500/mm3; <0.8 - 0.5 x 10e9 /L",
            "<500 - 200/mm3; <0.5 - 0.2 x 10e9 /L", "<200/mm3; <0.2 x 10e9 /L"),
        direction="decreased", inputs=_LOW, criteria_source=_ADMIRAL,
        aliases=("lymphocytes", "lymphocyte_count", "lymphopenia"),
    ),
    Term(
        "anemia", "Anemia", "computed",
        _grade_texts(
            "Hemoglobin (Hgb) <LLN - 10.0 g/dL; <LLN - 6.2 mmol/L; <LLN - 100 g/L",
            "Hgb <10.0 - 8.0 g/dL; <6.2 - 4.9 mmol/L; <100 - 80g/L",
            "Hgb <8.0 g/dL; <4.9 mmol/L; <80 g/L; transfusion indicated",
            "Life-threatening consequences; urgent intervention indicated", g5=True),
        direction="decreased", inputs=(*_LOW, "clinical_grade"), criteria_source=_ADMIRAL,
        note="hemoglobin in g/dL or g/L (one scale, exact) or in mmol/L, each against the "
        "bounds v5.0 prints for that unit (6.2 mmol/L is not exactly 10.0 g/dL); "
        "'transfusion indicated' (G3) and G4-G5 are the clinician's (clinical_grade)",
        aliases=("anaemia", "hemoglobin", "haemoglobin", "hemoglobin_decreased"),
    ),
    Term(
        "hypocalcemia", "Hypocalcemia", "computed",
        _grade_texts(
            "Corrected serum calcium of <LLN - 8.0 mg/dL; <LLN - 2.0 mmol/L; Ionized calcium "
            "<LLN - 1.0 mmol/L",
            "Corrected serum calcium of <8.0 - 7.0 mg/dL; <2.0 - 1.75 mmol/L; Ionized calcium "
            "<1.0 - 0.9 mmol/L; symptomatic",
            "Corrected serum calcium of <7.0 - 6.0 mg/dL; <1.75 - 1.5 mmol/L; Ionized calcium "
            "<0.9 - 0.8 mmol/L; hospitalization indicated",
            "Corrected serum calcium of <6.0 mg/dL; <1.5 mmol/L; Ionized calcium <0.8 mmol/L; "
            "life-threatening consequences", g5=True),
        direction="decreased", inputs=(*_LOW, "calcium", "clinical_grade"),
        criteria_source=_ADMIRAL,
        note="calcium = 'corrected' (albumin-corrected serum calcium, mg/dL or mmol/L) or "
        "'ionized' (mmol/L); hdil2 does not correct a total calcium here. 'symptomatic' (G2), "
        "'hospitalization indicated' (G3) and 'life-threatening consequences' (G4) are the "
        "clinician's (clinical_grade)",
        aliases=("hypocalcaemia",),
    ),
    Term(
        "hypokalemia", "Hypokalemia", "computed",
        _grade_texts(
            "<LLN - 3.0 mmol/L", "Symptomatic with <LLN - 3.0 mmol/L; intervention indicated",
            "<3.0 - 2.5 mmol/L; hospitalization indicated",
            "<2.5 mmol/L; life-threatening consequences", g5=True),
        direction="decreased",
        inputs=(*_LOW, "symptomatic", "intervention_indicated", "clinical_grade"),
        criteria_source=_ADMIRAL,
        note="G1 and G2 share the range 3.0 <= K < LLN: symptomatic or intervention indicated "
        "makes it G2, neither G1; unknown is not evaluable (admiral assumes G2). "
        + _DESCRIPTOR_NOTE,
        aliases=("hypokalaemia",),
    ),
    Term(
        "hypomagnesemia", "Hypomagnesemia", "computed",
        _grade_texts(
            "<LLN - 1.2 mg/dL; <LLN - 0.5 mmol/L", "<1.2 - 0.9 mg/dL; <0.5 - 0.4 mmol/L",
            "<0.9 - 0.7 mg/dL; <0.4 - 0.3 mmol/L",
            "<0.7 mg/dL; <0.3 mmol/L; life-threatening consequences", g5=True),
        direction="decreased", inputs=(*_LOW, "clinical_grade"), criteria_source=_ADMIRAL,
        note="mg/dL and mmol/L each against their own printed bounds. " + _DESCRIPTOR_NOTE,
        aliases=("hypomagnesaemia",),
    ),
    Term(
        "hyponatremia", "Hyponatremia", "computed",
        _grade_texts(
            "<LLN - 130 mmol/L", "125-129 mmol/L and asymptomatic",
            "125-129 mmol/L symptomatic; 120-124 mmol/L regardless of symptoms",
            "<120 mmol/L; life-threatening consequences", g5=True),
        direction="decreased", inputs=(*_LOW, "symptomatic", "clinical_grade"),
        criteria_source=_ADMIRAL,
        note="125-129 is read as 125 <= Na < 130 and 120-124 as 120 <= Na < 125 (whole "
        "mmol/L as printed; the bands meet at 130, where '<LLN - 130' starts); in 125-129 "
        "symptoms decide G2 or G3, unknown is not evaluable (admiral assumes G3). "
        + _DESCRIPTOR_NOTE,
        aliases=("hyponatraemia",),
    ),
    Term(
        "hypoalbuminemia", "Hypoalbuminemia", "computed",
        _grade_texts(
            "<LLN - 3 g/dL; <LLN - 30 g/L", "<3 - 2 g/dL; <30 - 20 g/L", "<2 g/dL; <20 g/L",
            "Life-threatening consequences; urgent intervention indicated", g5=True),
        direction="decreased", inputs=(*_LOW, "clinical_grade"), criteria_source=_ADMIRAL,
        note="g/dL and g/L are one scale (exact). " + _DESCRIPTOR_NOTE,
        aliases=("hypoalbuminaemia",),
    ),
    # ---- computed from other measurements ------------------------------------------------
    Term(
        "urine_output_decreased", "Urine output decreased", "computed",
        _grade_texts(
            None, None,
            "Adult: Oliguria (<80 ml in 8 hr); Infants: < 0.5 mL/kg per hour for 24 hours; "
            "Children: < 500 mL/1.73 m2 body surface area per day",
            "Adult: Anuria (<240 ml in 24 hr); Pediatric: No urine output over 12 hours"),
        direction="decreased", inputs=("volume", "hours"),
        note="adult criteria only; graded from the urine volume collected over a window of "
        "hours, never scaled to another window length (see docs/toxicity-grading.md)",
        aliases=("urine_output",),
    ),
    Term(
        "fever", "Fever", "computed",
        _grade_texts(
            "38.0 - 39.0 degrees C (100.4 - 102.2 degrees F)",
            ">39.0 - 40.0 degrees C (102.3 - 104.0 degrees F)",
            ">40.0 degrees C (>104.0 degrees F) for <=24 hrs",
            ">40.0 degrees C (>104.0 degrees F) for >24 hrs", g5=True),
        direction="increased", inputs=("value", "duration_above_40c", "clinical_grade"),
        note="degrees F are converted exactly, C = (F - 32) x 5/9; above 40.0 degrees C the "
        "duration decides G3 or G4",
        aliases=("pyrexia", "temperature"),
    ),
    Term(
        "weight_gain", "Weight gain", "computed",
        _grade_texts(
            "5 - <10% from baseline", "10 - <20% from baseline", ">=20% from baseline"),
        direction="increased", inputs=("value", "baseline"),
        note="a capillary-leak surrogate during HD IL-2",
    ),
    Term(
        "diarrhea", "Diarrhea", "computed",
        _grade_texts(
            "Increase of <4 stools per day over baseline; mild increase in ostomy output "
            "compared to baseline",
            "Increase of 4 - 6 stools per day over baseline; moderate increase in ostomy output "
            "compared to baseline; limiting instrumental ADL",
            "Increase of >=7 stools per day over baseline; hospitalization indicated; severe "
            "increase in ostomy output compared to baseline; limiting self care ADL",
            "Life-threatening consequences; urgent intervention indicated", g5=True),
        direction="increased",
        inputs=("stools_per_day", "baseline_stools_per_day", "ostomy_output_increase",
                "clinical_grade", "incontinence"),
        note="v5.0 grade 3 has no incontinence criterion; incontinence grades nothing unless a "
        "site sets policy diarrhea_incontinence",
        aliases=("diarrhoea",),
    ),
    Term(
        "hypotension", "Hypotension", "computed",
        _grade_texts(
            "Asymptomatic, intervention not indicated", "Non-urgent medical intervention indicated",
            "Medical intervention indicated; hospitalization indicated",
            "Life-threatening consequences and urgent intervention indicated", g5=True),
        inputs=("symptomatic", "intervention", "vasopressors", "hospitalization_indicated",
                "life_threatening", "grade"),
        note="graded from the descriptors, or recorded from the clinician's grade; both given "
        "must agree. Vasopressors are read as 'medical intervention indicated' (G3 at least)",
    ),
    # ---- recorded from the clinician's choice ---------------------------------------------
    Term(
        "capillary_leak_syndrome", "Capillary leak syndrome", "clinician",
        _grade_texts(
            "Asymptomatic", "Symptomatic; medical intervention indicated",
            "Severe symptoms; intervention indicated",
            "Life-threatening consequences; urgent intervention indicated", g5=True),
        aliases=("capillary_leak", "vascular_leak_syndrome"),
    ),
    Term(
        "acute_kidney_injury", "Acute kidney injury", "clinician",
        _grade_texts(
            None, None, "Hospitalization indicated",
            "Life-threatening consequences; dialysis indicated", g5=True),
        aliases=("aki",),
    ),
    Term(
        "confusion", "Confusion", "clinician",
        _grade_texts(
            "Mild disorientation", "Moderate disorientation; limiting instrumental ADL",
            "Severe disorientation; limiting self care ADL",
            "Life-threatening consequences; urgent intervention indicated"),
        note="the Proleukin label withholds for moderate confusion",
    ),
    Term(
        "somnolence", "Somnolence", "clinician",
        _grade_texts(
            "Mild but more than usual drowsiness or sleepiness",
            "Moderate sedation; limiting instrumental ADL", "Obtundation or stupor",
            "Life-threatening consequences; urgent intervention indicated", g5=True),
    ),
    Term(
        "atrial_fibrillation", "Atrial fibrillation", "clinician",
        _grade_texts(
            "Asymptomatic, intervention not indicated", "Non-urgent medical intervention indicated",
            "Symptomatic, urgent intervention indicated; device (e.g., pacemaker); ablation; "
            "new onset",
            "Life-threatening consequences; embolus requiring urgent intervention", g5=True),
        aliases=("af",),
    ),
    Term(
        "sinus_tachycardia", "Sinus tachycardia", "clinician",
        _grade_texts(
            "Asymptomatic, intervention not indicated",
            "Symptomatic; non-urgent medical intervention indicated",
            "Urgent medical intervention indicated"),
    ),
    Term(
        "supraventricular_tachycardia", "Supraventricular tachycardia", "clinician",
        _grade_texts(
            "Asymptomatic, intervention not indicated", "Non-urgent medical intervention indicated",
            "Symptomatic, urgent intervention indicated", "Life-threatening consequences",
            g5=True),
        aliases=("svt",),
    ),
    Term(
        "ventricular_tachycardia", "Ventricular tachycardia", "clinician",
        _grade_texts(
            None, "Non-urgent medical intervention indicated",
            "Symptomatic, urgent intervention indicated",
            "Life-threatening consequences; hemodynamic compromise", g5=True),
        aliases=("vt",),
    ),
    Term(
        "dyspnea", "Dyspnea", "clinician",
        _grade_texts(
            "Shortness of breath with moderate exertion",
            "Shortness of breath with minimal exertion; limiting instrumental ADL",
            "Shortness of breath at rest; limiting self care ADL",
            "Life-threatening consequences; urgent intervention indicated", g5=True),
        aliases=("dyspnoea",),
    ),
    Term(
        "hypoxia", "Hypoxia", "clinician",
        _grade_texts(
            None,
            "Decreased oxygen saturation with exercise (e.g., pulse oximeter <88%); "
            "intermittent supplemental oxygen",
            "Decreased oxygen saturation at rest (e.g., pulse oximeter <88% or PaO2 <=55 mm Hg)",
            "Life-threatening airway compromise; urgent intervention indicated (e.g., "
            "tracheotomy or intubation)", g5=True),
        note="the SpO2 figures are examples, not thresholds: the clinician grades",
    ),
    Term(
        "nausea", "Nausea", "clinician",
        _grade_texts(
            "Loss of appetite without alteration in eating habits",
            "Oral intake decreased without significant weight loss, dehydration or malnutrition",
            "Inadequate oral caloric or fluid intake; tube feeding, TPN, or hospitalization "
            "indicated"),
    ),
    Term(
        "vomiting", "Vomiting", "clinician",
        _grade_texts(
            "Intervention not indicated", "Outpatient IV hydration; medical intervention indicated",
            "Tube feeding, TPN, or hospitalization indicated", "Life-threatening consequences",
            g5=True),
        note="v5.0 dropped v4.0's episodes per 24 h; many third-party tables still print v4",
    ),
    Term(
        "rash_maculopapular", "Rash maculo-papular", "clinician",
        _grade_texts(
            "Macules/papules covering <10% BSA with or without symptoms (e.g., pruritus, "
            "burning, tightness)",
            "Macules/papules covering 10 - 30% BSA with or without symptoms (e.g., pruritus, "
            "burning, tightness); limiting instrumental ADL; rash covering > 30% BSA with or "
            "without mild symptoms",
            "Macules/papules covering >30% BSA with moderate or severe symptoms; limiting self "
            "care ADL"),
        aliases=("rash", "rash_maculo_papular", "maculopapular_rash"),
    ),
    Term(
        "pruritus", "Pruritus", "clinician",
        _grade_texts(
            "Mild or localized; topical intervention indicated",
            "Widespread and intermittent; skin changes from scratching (e.g., edema, "
            "papulation, excoriations, lichenification, oozing/crusts); oral intervention "
            "indicated; limiting instrumental ADL",
            "Widespread and constant; limiting self care ADL or sleep; systemic corticosteroid "
            "or immunosuppressive therapy indicated"),
        aliases=("itch", "itching"),
    ),
    Term(
        "hypothyroidism", "Hypothyroidism", "clinician",
        _grade_texts(
            "Asymptomatic; clinical or diagnostic observations only; intervention not indicated",
            "Symptomatic; thyroid replacement indicated; limiting instrumental ADL",
            "Severe symptoms; limiting self care ADL; hospitalization indicated",
            "Life-threatening consequences; urgent intervention indicated", g5=True),
    ),
    Term(
        "hypophosphatemia", "Hypophosphatemia", "clinician",
        _grade_texts(
            "Laboratory finding only and intervention not indicated",
            "Oral replacement therapy indicated",
            "Severe or medically significant but not immediately life-threatening; "
            "hospitalization or prolongation of existing hospitalization indicated",
            "Life-threatening consequences", g5=True),
        note="v5.0 grades hypophosphatemia by the intervention it needs, not by the phosphate "
        "value (v4.03 did): the clinician grades",
        aliases=("hypophosphataemia",),
    ),
    Term(
        "hyperglycemia", "Hyperglycemia", "clinician",
        _grade_texts(
            "Abnormal glucose above baseline with no medical intervention",
            "Change in daily management from baseline for a diabetic; oral antiglycemic agent "
            "initiated; workup for diabetes",
            "Insulin therapy initiated; hospitalization indicated",
            "Life-threatening consequences; urgent intervention indicated", g5=True),
        note="v5.0 grades hyperglycemia by the intervention it needs, not by the glucose value "
        "(v4.03 did): the clinician grades",
        aliases=("hyperglycaemia",),
    ),
)

TERMS: Mapping[str, Term] = MappingProxyType({t.key: t for t in _TERMS})

COMPUTED_TERMS: tuple[str, ...] = tuple(t.key for t in _TERMS if t.method == "computed")
CLINICIAN_TERMS: tuple[str, ...] = tuple(t.key for t in _TERMS if t.method == "clinician")

OLIGURIA_MESSAGE = (
    "'Oliguria' is not a CTCAE v5.0 term: it is the grade 3 text of 'Urine output decreased' "
    "(Adult: Oliguria (<80 ml in 8 hr); grade 4: Anuria (<240 ml in 24 hr)). Grade it with "
    "term 'urine_output_decreased' from the urine volume and the hours it was collected over "
    "(e.g. volume '60 mL', hours '8 h'). The Proleukin label's urine-output hold rule is "
    "applied by the dose-hold advice (hdil2 next-dose)"
)
ANURIA_MESSAGE = OLIGURIA_MESSAGE.replace("'Oliguria' is not a CTCAE v5.0 term: it is the "
                                          "grade 3 text", "'Anuria' is not a CTCAE v5.0 term: "
                                          "it is the grade 4 text")

# names that are not v5.0 terms, with what to use instead
NOT_TERMS: Mapping[str, str] = MappingProxyType({
    "oliguria": OLIGURIA_MESSAGE,
    "anuria": ANURIA_MESSAGE,
})

_ALIASES: dict[str, str] = {a: t.key for t in _TERMS for a in (*t.aliases, t.name)}


def normalise_key(raw: str) -> str:
    """``"Blood bilirubin increased"``, ``"blood-bilirubin"`` → ``"blood_bilirubin_increased"``."""
    k = "_".join(raw.strip().lower().replace("-", " ").replace("/", " ").split())
    return k


# each alias as normalise_key writes it -> its term (the first alias so written wins)
_ALIAS_KEYS: dict[str, str] = {}
for _alias, _key in _ALIASES.items():
    _ALIAS_KEYS.setdefault(normalise_key(_alias), _key)


def term_key(raw: object, field: str = "term") -> str:
    """The catalogue key for a user-written term name, or an :class:`InputError`."""
    if not isinstance(raw, str) or not raw.strip():
        raise InputError(field, f"required: one of {', '.join(TERMS)}", raw)
    k = normalise_key(raw)
    if k in TERMS:
        return k
    if k in _ALIAS_KEYS:
        return _ALIAS_KEYS[k]
    if k in NOT_TERMS:
        raise InputError(field, NOT_TERMS[k], raw)
    raise InputError(field, f"unknown CTCAE term {raw!r}; known: {', '.join(TERMS)}", raw)


def term(key: str) -> Term:
    """The catalogue entry for ``key`` (aliases accepted); unknown → :class:`InputError`."""
    return TERMS[term_key(key)]


@dataclass(frozen=True, slots=True)
class TermEntry(Result):
    """One term as ``hdil2 grade --list --json`` lists it.

    ``grades`` maps each grade the term defines (as a string, JSON keys being strings) to its
    CTCAE text; ``allowed_grades`` adds grade 0; ``grade_tags`` holds the per-grade overrides of
    ``tag``; ``inputs`` are the request fields the term reads.
    """

    key: str
    name: str
    method: Method
    direction: Direction | None
    inputs: tuple[str, ...]
    allowed_grades: tuple[int, ...]
    grades: Mapping[str, str]
    tag: Tag
    grade_tags: Mapping[str, Tag]
    note: str
    aliases: tuple[str, ...]
    source: Literal["ctcae5"]
    text_source: str
    criteria_source: str | None

    @classmethod
    def of(cls, t: Term) -> TermEntry:
        return cls(
            key=t.key, name=t.name, method=t.method, direction=t.direction, inputs=t.inputs,
            allowed_grades=t.allowed_grades, grades={str(g): text for g, text in t.grades},
            tag=t.tag, grade_tags={str(g): tag for g, tag in t.grade_tags}, note=t.note,
            aliases=t.aliases, source="ctcae5", text_source=t.text_source,
            criteria_source=t.criteria_source)


@dataclass(frozen=True, slots=True)
class TermListing(Result):
    """Every term hdil2 grades (``hdil2 grade --list``), and names refused as not v5.0 terms."""

    version: str
    terms: tuple[TermEntry, ...]
    not_terms: Mapping[str, str]

    @classmethod
    def of(cls) -> TermListing:
        return cls(CTCAE_VERSION, tuple(TermEntry.of(t) for t in TERMS.values()),
                   dict(NOT_TERMS))
