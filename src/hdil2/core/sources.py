"""The source catalogue: every citation a rule may carry.

Every :class:`~hdil2.core.decision.Reason` names a key of this catalogue (an unknown key is a
programming error and fails at construction), so every citation hdil2 prints resolves here:
``hdil2 sources KEY`` prints the full reference (authors, title, journal, year, volume and
pages, PubMed id and DOI where they were checked) and what hdil2 takes from the source.  The
policy decisions built on these sources are explained in ``docs/decisions.md``.

A PubMed id or DOI is recorded only when it was checked against a public record; an empty one
means "not checked", never "none exists".

Verification tags travel with each fact, not with the source: the same label can be verified
for one row and recalled from memory for another.  :class:`Tag` spells them.

A :class:`Source` is a :class:`~hdil2.core.result.Result`: its fields are its JSON form, as
``hdil2 sources KEY --json`` prints it.

    >>> from hdil2.core.sources import source
    >>> recist = source("recist1.1")
    >>> recist.pmid, recist.doi
    ('19097774', '10.1016/j.ejca.2008.10.026')
    >>> recist.to_dict()["citation"]
    'Eisenhauer EA, et al. New response evaluation criteria in solid tumours: revised RECIST ...'
    >>> source("recist11")
    Traceback (most recent call last):
    ...
    KeyError: "unknown source key 'recist11'; add it to hdil2.core.sources"
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from enum import StrEnum

from hdil2.core.result import Result


class Tag(StrEnum):
    """How well a fact was checked."""

    VERIFIED = "verified"  # checked against a public copy of the source
    SEED = "seed"  # stated in one of the five papers hdil2 is built from (see SEED_PAPERS)
    MEMORY = "memory"  # a reviewer's knowledge of the source, not re-checked: provisional
    UNVERIFIED = "unverified"  # ambiguous or contradictory: a named policy, never a literal
    COMPUTED = "computed"  # derived arithmetically from tagged facts

    def __str__(self) -> str:
        return self.value


# the five papers hdil2 is built from; a fact tagged "seed" is stated in one of them
SEED_PAPERS = ("atkins1993", "clark2003", "atkins2004", "lee2000", "shablak2011")


@dataclass(frozen=True, slots=True)
class Source(Result):
    """One citable source: its full reference and what hdil2 takes from it.

    The fields, in order, are its JSON form.
    """

    key: str
    citation: str  # authors. title. journal year;volume(issue):pages.
    note: str = ""  # caveats about the source itself
    _: KW_ONLY
    pmid: str = ""  # PubMed id, only when checked against a public record
    doi: str = ""  # DOI, only when checked against a public record
    url: str = ""  # where a document without PMID/DOI is published
    uses: str = ""  # what hdil2 takes from the source


@dataclass(frozen=True, slots=True)
class SourceList(Result):
    """Entries of the catalogue, in catalogue order (``hdil2 sources --json``)."""

    sources: tuple[Source, ...]


_ENTRIES: tuple[Source, ...] = (
    # --- the five papers hdil2 is built from --------------------------------------------------
    Source(
        "atkins1993",
        "Atkins MB, Sparano J, Fisher RI, Weiss GR, Margolin KA, Fink KI, et al. Randomized "
        "phase II trial of high-dose interleukin-2 either alone or in combination with "
        "interferon alfa-2b in advanced renal cell carcinoma. J Clin Oncol 1993;11(4):661-670.",
        "read as the published abstract",
        uses="the IL-2 alone and IL-2 + interferon alfa-2b regimens written in mg/m² (1.33 and "
        "0.8 mg/m² every 8 hours, days 1-5 and 15-19, up to 28 doses); the 'atkins1993' "
        "eligibility profile (ECOG 0-1, normal organ function); response counts",
    ),
    Source(
        "clark2003",
        "Clark JI, Atkins MB, Urba WJ, Creech S, Figlin RA, Dutcher JP, et al. Adjuvant "
        "high-dose bolus interleukin-2 for patients with high-risk renal cell carcinoma: a "
        "cytokine working group randomized trial. J Clin Oncol 2003;21(16):3133-3140.",
        "read as the published abstract",
        pmid="12810695", doi="10.1200/JCO.2003.02.014",
        uses="the adjuvant regimen (one course of 600,000 IU/kg every 8 hours, days 1-5 and "
        "15-19); the adjuvant eligibility profile (resected T3b-4 or N1-3, or resected M1; no "
        "prior systemic therapy; excellent organ function)",
    ),
    Source(
        "atkins2004",
        "Atkins MB, Regan M, McDermott D. Update on the role of interleukin 2 and other "
        "cytokines in the treatment of patients with stage IV renal carcinoma. Clin Cancer Res "
        "2004;10(18 Pt 2):6342S-6346S.",
        "a review; its phase III numbers are an interim data cut (final report: mcdermott2005)",
        uses="its account of the selection models (MSKCC, SANI, rapid progression, the "
        "pathology model and the CA-IX two-compartment model) and of the high-dose versus "
        "low-dose phase III trial; where its numbers differ from the original papers, the "
        "reasons say so",
    ),
    Source(
        "lee2000",
        "Lee DS, et al. Clinical response to successive courses of high-dose bolus "
        "interleukin-2 in patients with metastatic melanoma or renal cell cancer. J Clin Oncol "
        "2000;18(10):1954-1959.",
        "full text; NCI Surgery Branch, 350 patients",
        uses="course-by-course response (Tables 3-5), the retreatment policy (treat again after "
        "a response, stop after two courses without one), the NCI bidimensional response "
        "criteria, the 720,000 IU/kg regimen and the NCI eligibility profile",
    ),
    Source(
        "shablak2011",
        "Shablak A, et al. High-dose interleukin-2 can produce a high rate of response and "
        "durable remissions in appropriately selected patients with metastatic renal cancer. "
        "J Immunother 2011;34(1):107-112.",
        "read as the published abstract",
        pmid="21150719", doi="10.1097/CJI.0b013e3181fb659f",
        uses="selection of first-line patients by favourable histology (the 'shablak2011' "
        "eligibility profile) and its response rates (49 % in favourable histology)",
    ),
    # --- label, guidelines, consensus -------------------------------------------------------
    Source(
        "proleukin-label",
        "Proleukin (aldesleukin) for injection, US Prescribing Information. Current PLR-format "
        "label (Iovance/Clinigen) and the older non-PLR label (Chiron/Novartis/Prometheus).",
        "rows differ between label versions; each reason says which row it used",
        uses="the 600,000 IU/kg dose every 8 hours, at most 14 doses per cycle and 28 per "
        "course; the vial (22 MIU) and its reconstitution (1.2 mL, 18 MIU/mL), dilution and "
        "concentration window; withhold and discontinue rules with their resume conditions; "
        "retreatment timing (at least 7 weeks after discharge) and contraindications",
    ),
    Source(
        "mcdermott2005",
        "McDermott DF, et al. Randomized "
        "phase III trial of high-dose interleukin-2 versus subcutaneous interleukin-2 and "
        "interferon in patients with metastatic renal cell carcinoma. J Clin Oncol "
        "2005;23(1):133-141.",
        "final report of the trial that atkins2004 summarises",
        uses="the outpatient subcutaneous IL-2 + interferon alfa-2b regimen (5 MIU/m² each) "
        "and its weekly template",
    ),
    Source(
        "rosenberg1994",
        "Rosenberg SA, et al. Treatment of 283 consecutive patients with metastatic melanoma or "
        "renal cell cancer using high-dose bolus interleukin 2. JAMA 1994;271(12):907-913.",
        doi="10.1001/jama.1994.03510360033032",
        uses="the NCI schedule: 720,000 IU/kg every 8 hours, up to 15 doses per cycle",
    ),
    Source(
        "dutcher2014",
        "Dutcher JP, Schwartzentruber DJ, Kaufman HL, Agarwala SS, Tarhini AA, Lowder JN, "
        "Atkins MB. High dose interleukin-2 (Aldesleukin) - expert consensus on best management "
        "practices-2014. J Immunother Cancer 2014;2:26.",
        "institutional hold/stop criteria: an optional policy, not label",
        pmid="31546315", doi="10.1186/s40425-014-0026-0",
        uses="the consensus criteria for holding and stopping doses (Table 3: relative and "
        "absolute criteria) as the optional 'dutcher2014' hold policy",
    ),
    Source(
        "springerplus2015",
        "Clinical characteristics and treatment-related biomarkers associated with response to "
        "high-dose interleukin-2 in metastatic melanoma and renal cell carcinoma: retrospective "
        "analysis of an academic community hospital's experience. SpringerPlus 2015;4:118.",
        "another institution's variant of dutcher2014; kept as its own policy "
        "(docs/decisions.md#springerplus-variant)",
        doi="10.1186/s40064-015-0890-1",
        uses="the community hospital's criteria for holding and discontinuing doses (Table 1) "
        "as the optional 'springerplus2015' hold policy",
    ),
    Source(
        "ctcae5",
        "U.S. Department of Health and Human Services, National Cancer Institute. Common "
        "Terminology Criteria for Adverse Events (CTCAE) version 5.0, 27 November 2017.",
        "pinned to v5.0; checked against NCI's v5.0 spreadsheet",
        uses="every toxicity term's grade definitions, and the reading of ranges against the "
        "upper limit of normal and the baseline",
    ),
    Source(
        "recist1.1",
        "Eisenhauer EA, et al. New "
        "response evaluation criteria in solid tumours: revised RECIST guideline (version 1.1). "
        "Eur J Cancer 2009;45(2):228-247.",
        pmid="19097774", doi="10.1016/j.ejca.2008.10.026",
        uses="target and non-target lesions, measurability, sums, the nadir, response "
        "categories, progression rules, best overall response and confirmation",
    ),
    Source(
        "irecist",
        "Seymour L, et al. iRECIST: "
        "guidelines for response criteria for use in trials testing immunotherapeutics. Lancet "
        "Oncol 2017;18(3):e143-e152.",
        pmid="28271869", doi="10.1016/S1470-2045(17)30074-8",
        uses="iUPD and its confirmation as iCPD, new-lesion handling, and the reset after "
        "pseudoprogression",
    ),
    Source(
        "who1981",
        "Miller AB, Hoogstraten B, Staquet M, Winkler A. Reporting results of cancer treatment. "
        "Cancer 1981;47(1):207-214.",
        doi="10.1002/1097-0142(19810101)47:1<207::AID-CNCR2820470134>3.0.CO;2-6",
        uses="WHO bidimensional response criteria (sum of products of perpendicular diameters)",
    ),
    # --- prognostic and predictive models -------------------------------------------------
    Source(
        "motzer1999",
        "Motzer RJ, et al. Survival and prognostic stratification of 670 patients with advanced "
        "renal cell carcinoma. J Clin Oncol 1999;17(8):2530-2540.",
        "670 patients",
        doi="10.1200/JCO.1999.17.8.2530",
        uses="the MSKCC 1999 prognostic model (five factors, including no prior nephrectomy)",
    ),
    Source(
        "motzer2002",
        "Motzer RJ, et al. Interferon-alfa as a comparative treatment for clinical trials of new "
        "therapies against advanced renal cell carcinoma. J Clin Oncol 2002;20(1):289-296.",
        "463 interferon-treated patients",
        pmid="11773181", doi="10.1200/JCO.2002.20.1.289",
        uses="the MSKCC 2002 prognostic model (five factors, including time from diagnosis to "
        "treatment < 1 year) and its risk groups and median survivals",
    ),
    Source(
        "heng2009",
        "Heng DYC, et al. Prognostic factors for overall survival in patients with metastatic "
        "renal cell carcinoma treated with vascular endothelial growth factor-targeted agents: "
        "results from a large, multicenter study. J Clin Oncol 2009;27(34):5794-5799.",
        "645 patients (IMDC); not derived in IL-2-treated patients",
        pmid="19826129", doi="10.1200/JCO.2008.21.4809",
        uses="the IMDC prognostic model (six factors; favourable, intermediate, poor)",
    ),
    Source(
        "leibovich2003",
        "Leibovich BC, Han KR, Bui MHT, Pantuck AJ, Dorey FJ, Figlin RA, Belldegrun A. Scoring "
        "algorithm to predict survival after nephrectomy and immunotherapy in patients with "
        "metastatic renal cell carcinoma: a stratification tool for prospective clinical "
        "trials. Cancer 2003;98(12):2566-2575.",
        "173 patients (UCLA SANI)",
        pmid="14669275", doi="10.1002/cncr.11851",
        uses="the SANI factors (nodes, constitutional symptoms, site of metastases, sarcomatoid "
        "histology, TSH), captured only: the score's points are not implemented",
    ),
    Source(
        "upton2005",
        "Upton MP, et al. Histologic predictors of renal cell carcinoma response to "
        "interleukin-2-based therapy. J Immunother 2005;28(5):488-495.",
        "pathology model",
        doi="10.1097/01.cji.0000170357.14962.9b",
        uses="the pathology model of IL-2 response (alveolar, granular and papillary features "
        "give good, intermediate or poor) and its response rates",
    ),
    Source(
        "bui2003",
        "Bui MHT, Seligson D, Han KR, Pantuck AJ, Dorey FJ, Huang Y, et al. Carbonic anhydrase "
        "IX is an independent predictor of survival in advanced renal clear cell carcinoma: "
        "implications for prognosis and therapy. Clin Cancer Res 2003;9(2):802-811.",
        uses="the CA-IX cut-off: high means more than 85 % of tumour cells stain",
    ),
    Source(
        "atkins2005",
        "Atkins M, et al. Carbonic anhydrase IX expression predicts outcome of interleukin 2 "
        "therapy for renal cancer. Clin Cancer Res 2005;11(10):3714-3721.",
        doi="10.1158/1078-0432.CCR-04-2019",
        uses="the two-compartment model (pathology model + CA-IX) and its counts",
    ),
    Source(
        "negrier2002",
        "Negrier S, et al. Ann Oncol 2002;13:1460-1468 (Groupe Français d'Immunothérapie, 782 "
        "patients treated with cytokines).",
        "782 patients; hdil2 uses it as atkins2004 summarises it",
        uses="the alternative list of rapid-progression predictors (policy negrier_variant)",
    ),
    Source(
        "negrier2005",
        "Negrier S, et al. Prognostic factors of response or failure of treatment in patients "
        "with metastatic renal carcinomas treated by cytokines: a report from the Groupe "
        "Français d'Immunothérapie. World J Urol 2005;23:161-165.",
        "the same database as negrier2002",
        uses="the default rapid-progression flag (hepatic metastases, < 1 year from the renal "
        "tumour to metastases, > 1 metastatic site, raised neutrophils)",
    ),
    Source(
        "chow2016",
        "Chow S, et al. High-dose interleukin2 - a 10-year single-site experience in the "
        "treatment of metastatic renal cell carcinoma: careful selection of patients gives an "
        "excellent outcome. J Immunother Cancer 2016;4:67.",
        "extension of shablak2011 at the same centre",
        doi="10.1186/s40425-016-0174-5",
        uses="the favourable-histology definition for HD IL-2 selection (growth pattern and "
        "cytoplasm) and its response rates",
    ),
    # --- body size -------------------------------------------------------------------------
    Source("mosteller1987", "Mosteller RD. Simplified calculation of body-surface area. "
           "N Engl J Med 1987;317(17):1098.",
           pmid="3657876", doi="10.1056/NEJM198710223171717",
           uses="body-surface area by the Mosteller formula (the default)"),
    Source("dubois1916", "Du Bois D, Du Bois EF. A formula to estimate the approximate surface "
           "area if height and weight be known. Arch Intern Med 1916;17(6):863-871.",
           doi="10.1001/archinte.1916.00080130010002",
           uses="body-surface area by the Du Bois formula (an option)"),
    Source("devine1974", "Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm 1974;8:650-655.",
           "adjusted weight = IBW + 0.4 × (actual − IBW) is common practice, not from this paper",
           uses="ideal body weight, and the adjusted weight built on it, for the weight-basis "
           "policy"),
    # --- statistical methods --------------------------------------------------------------
    Source("clopper1934", "Clopper CJ, Pearson ES. The use of confidence or fiducial limits "
           "illustrated in the case of the binomial. Biometrika 1934;26(4):404-413.",
           doi="10.1093/biomet/26.4.404",
           uses="the exact confidence interval of a response rate"),
    Source("wilson1927", "Wilson EB. Probable inference, the law of succession, and statistical "
           "inference. J Am Stat Assoc 1927;22(158):209-212.",
           doi="10.1080/01621459.1927.10502953",
           uses="the Wilson score interval of a response rate"),
    Source("fisher1935", "Fisher RA. The logic of inductive inference. "
           "J R Stat Soc 1935;98(1):39-82.",
           doi="10.2307/2342435",
           uses="Fisher's exact test of a 2×2 table"),
    Source("kaplan1958", "Kaplan EL, Meier P. Nonparametric estimation from incomplete "
           "observations. J Am Stat Assoc 1958;53(282):457-481.",
           doi="10.1080/01621459.1958.10501452",
           uses="the Kaplan-Meier survival curve"),
    Source("greenwood1926", "Greenwood M. The natural duration of cancer. Reports on Public "
           "Health and Medical Subjects 33. London: HMSO, 1926.",
           uses="the variance of the Kaplan-Meier estimate (Greenwood's formula)"),
    Source("mantel1966", "Mantel N. Evaluation of survival data and two new rank order "
           "statistics arising in its consideration. Cancer Chemother Rep 1966;50(3):163-170.",
           uses="the log-rank test"),
    Source("cox1972", "Cox DR. Regression models and life-tables. J R Stat Soc B "
           "1972;34(2):187-220.",
           doi="10.1111/j.2517-6161.1972.tb00899.x",
           uses="the proportional hazards model"),
    Source("efron1977", "Efron B. The efficiency of Cox's likelihood function for censored "
           "data. J Am Stat Assoc 1977;72(359):557-565.",
           doi="10.1080/01621459.1977.10480613",
           uses="Efron's handling of tied event times in the Cox model (the default)"),
    Source("simon1989", "Simon R. Optimal two-stage designs for phase II clinical trials. "
           "Control Clin Trials 1989;10(1):1-10.",
           pmid="2702835", doi="10.1016/0197-2456(89)90015-9",
           uses="optimal and minimax two-stage phase II designs and their operating "
           "characteristics"),
    Source("jung2004", "Jung SH, Kim KM. On the estimation of the binomial probability in "
           "multistage clinical trials. Stat Med 2004;23(6):881-896.",
           doi="10.1002/sim.1653",
           uses="the unbiased estimate of the response rate after a two-stage trial"),
    Source("koyama2008", "Koyama T, Chen H. Proper inference from Simon's two-stage designs. "
           "Stat Med 2008;27(16):3145-3154.",
           uses="the p-value and confidence interval after a two-stage trial"),
    Source("schoenfeld1981", "Schoenfeld D. The asymptotic properties of nonparametric tests for "
           "comparing survival distributions. Biometrika 1981;68(1):316-319.",
           doi="10.1093/biomet/68.1.316",
           uses="the number of events a log-rank comparison needs"),
    Source("freedman1982", "Freedman LS. Tables of the number of patients required in clinical "
           "trials using the logrank test. Stat Med 1982;1(2):121-129.",
           doi="10.1002/sim.4780010204",
           uses="Freedman's events formula for the log-rank test (an option)"),
    Source("lachin1986", "Lachin JM, Foulkes MA. Evaluation of sample size and power for analyses "
           "of survival with allowance for nonuniform patient entry, losses to follow-up, "
           "noncompliance, and stratification. Biometrics 1986;42(3):507-519.",
           doi="10.2307/2531201",
           uses="patients needed given accrual, follow-up and drop-out"),
    Source("lan1983", "Lan KKG, DeMets DL. Discrete sequential boundaries for clinical trials. "
           "Biometrika 1983;70(3):659-663.",
           doi="10.1093/biomet/70.3.659",
           uses="alpha-spending functions for group sequential boundaries"),
    Source("obrien1979", "O'Brien PC, Fleming TR. A multiple testing procedure for clinical "
           "trials. Biometrics 1979;35(3):549-556.",
           doi="10.2307/2530245",
           uses="O'Brien-Fleming-type boundaries"),
    Source("pocock1977", "Pocock SJ. Group sequential methods in the design and analysis of "
           "clinical trials. Biometrika 1977;64(2):191-199.",
           doi="10.1093/biomet/64.2.191",
           uses="Pocock-type boundaries"),
    Source("armitage1955", "Armitage P. Tests for linear trends in proportions and frequencies. "
           "Biometrics 1955;11(3):375-386.",
           "the Cochran-Armitage trend test",
           doi="10.2307/3001775",
           uses="the test for a trend in response rates across ordered groups"),
    Source("r-survival", "Therneau TM. A Package for Survival Analysis in R (R package "
           "'survival').",
           "reference values in the tests were produced with it",
           uses="the conventions hdil2's survival estimates follow (so results match R's "
           "survfit, survdiff and coxph)"),
    # --- statistical methods added with hdil2.stats ----------------------------------------
    Source("jung2004admissible", "Jung SH, Lee T, Kim K, George SL. Admissible two-stage designs "
           "for phase II cancer clinical trials. Stat Med 2004;23(4):561-569.",
           uses="admissible two-stage designs between the minimax and optimal ones"),
    Source("newcombe1998", "Newcombe RG. Interval estimation for the difference between "
           "independent proportions: comparison of eleven methods. Stat Med "
           "1998;17(8):873-890.",
           doi="10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I",
           uses="the confidence interval of a difference of two response rates (hybrid score "
           "method)"),
    Source("brookmeyer1982", "Brookmeyer R, Crowley J. A confidence interval for the median "
           "survival time. Biometrics 1982;38(1):29-41.", "median CI rule of R survfit",
           doi="10.2307/2530286",
           uses="the confidence interval of a median survival time"),
    Source("harrington1982", "Harrington DP, Fleming TR. A class of rank test procedures for "
           "censored survival data. Biometrika 1982;69(3):553-566.",
           doi="10.1093/biomet/69.3.553",
           uses="the G-rho weighted log-rank test"),
    Source("breslow1974", "Breslow N. Covariance analysis of censored survival data. "
           "Biometrics 1974;30(1):89-99.",
           doi="10.2307/2529620",
           uses="Breslow's handling of tied event times in the Cox model (an option)"),
    Source("fleiss1980", "Fleiss JL, Tytun A, Ury HK. A simple approximation for calculating "
           "sample sizes for comparing independent proportions. Biometrics 1980;36(2):343-346.",
           uses="the continuity-corrected sample size for comparing two proportions"),
    Source("armitage1969", "Armitage P, McPherson CK, Rowe BC. Repeated significance tests on "
           "accumulating data. J R Stat Soc A 1969;132(2):235-244.",
           doi="10.2307/2343787",
           uses="recursive numerical integration of group sequential boundaries"),
    Source("lan1988", "Lan KKG, Wittes J. The B-value: a tool for monitoring data. "
           "Biometrics 1988;44(2):579-585.",
           uses="conditional power under the design and under the current trend"),
    Source("rpact", "Wassmer G, Pahlke F. rpact: Confirmatory Adaptive Clinical Trial Design "
           "and Analysis (R package 'rpact').",
           "reference values in the tests were produced with it",
           uses="reference values for group sequential boundaries and sample sizes"),
    # --- patient selection ----------------------------------------------------------------
    Source("mcdermott2015", "McDermott DF, et al. The high-dose aldesleukin \"SELECT\" trial: a "
           "trial to prospectively validate predictive models of response to treatment in "
           "patients with metastatic renal cell carcinoma. Clin Cancer Res 2015;21(3):561-568.",
           "120 patients; ORR 25 %",
           uses="the prospective finding that the integrated selection model did not separate "
           "response (good-risk 23 % vs poor-risk 30 %, P = 0.39), shown with the "
           "two-compartment model"),
    Source("payne1973", "Payne RB, Little AJ, Williams RB, Milner JR. Interpretation of serum "
           "calcium in patients with abnormal serum proteins. Br Med J 1973;4(5893):643-646.",
           "the paper's own formula is calcium - albumin + 4.0 (mg/100 mL, g/100 mL); the "
           "0.8 × (4.0 - albumin) form is the common clinical variant "
           "(docs/decisions.md#corrected-calcium-formula)",
           pmid="4758544", doi="10.1136/bmj.4.5893.643",
           uses="albumin-corrected calcium, for the MSKCC and IMDC calcium factors"),
    # --- response assessment --------------------------------------------------------------
    Source("recist-faq", "RECIST Working Group (EORTC). RECIST 1.1 and iRECIST questions and "
           "clarifications.",
           "nodes count as one organ for target selection; reappearance after an overall CR is "
           "PD; iRECIST confirmation scans < 4 weeks after iUPD; sequential increases add up",
           url="https://recist.eortc.org",
           uses="the working group's clarifications where the guideline text is silent"),
    Source("admiralonco", "pharmaverse admiralonco (R package, Apache-2.0): best overall "
           "response and confirmed response derivations.",
           "peer implementation used as a test oracle; confirmation tolerates one NE between",
           uses="the confirmation tolerance policy (how many NE visits may lie between two "
           "responses) and test cases for best overall response"),
    Source("admiral", "Straub B, Bundfuss S, et al. admiral: ADaM in R Asset Library "
           "(pharmaverse R package, Apache-2.0); its metadata holding the grading criteria for "
           "NCI-CTCAE v5.0 (atoxgr_criteria_ctcv5) and v4.03 (atoxgr_criteria_ctcv4).",
           "peer implementation; its v5.0 metadata assumes the worst case where v5.0 needs a "
           "clinical word (potassium below the LLN is G2, sodium 125-129 mmol/L is G3)",
           url="https://pharmaverse.github.io/admiral/",
           uses="the machine-readable CTCAE v5.0 laboratory criteria the thresholds were "
           "compared with, and its v4.03 grades of the pharmaverse ADLB data as a test oracle"),
    # --- outcomes: quality of life ----------------------------------------------------------
    Source("eortc-qlq-c30-manual", "Fayers PM, Aaronson NK, Bjordal K, Groenvold M, Curran D, "
           "Bottomley A, on behalf of the EORTC Quality of Life Group. The EORTC QLQ-C30 "
           "Scoring Manual (3rd edition). Brussels: European Organisation for Research and "
           "Treatment of Cancer; 2001. ISBN 2-930064-22-6.",
           "scoring of versions 1.0, 2.0 and 3.0; hdil2 scores version 3.0 only.  The "
           "questionnaire is copyrighted by the EORTC and used with its permission; hdil2 "
           "holds no item wording",
           url="https://www.eortc.org/app/uploads/sites/2/2018/02/SCmanual.pdf",
           uses="the items and 15 scales of the QLQ-C30 version 3.0, the raw score and the "
           "linear transformation of each scale to 0-100, and the missing-items rule (a scale "
           "is scored when at least half of its items are answered)"),
)

SOURCES: dict[str, Source] = {s.key: s for s in _ENTRIES}


def source(key: str) -> Source:
    """Return the catalogue entry for ``key``; an unknown key raises ``KeyError``."""
    try:
        return SOURCES[key]
    except KeyError:
        raise KeyError(f"unknown source key {key!r}; add it to hdil2.core.sources") from None
