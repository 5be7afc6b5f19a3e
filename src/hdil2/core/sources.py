"""The source catalogue: every citation a rule may carry.

Keys are those of the clinical reference (§0 "Source keys"), plus the methods papers the
statistics cite.  A :class:`~hdil2.core.decision.Reason` must name a key from here; an
unknown key is a programming error and fails at construction.

Verification tags (the reference's §0) travel with each fact, not with the source: the same
label can be verified for one row and from memory for another.  :class:`Tag` spells them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Tag(StrEnum):
    """How well a fact was checked (clinical reference §0)."""

    VERIFIED = "verified"  # [V] checked against a public copy of the source
    SEED = "seed"  # [S] stated in one of the five seed papers
    MEMORY = "memory"  # [M] reviewer's knowledge, not re-checked: provisional
    UNVERIFIED = "unverified"  # [U] ambiguous or contradictory: a named policy, never a literal
    COMPUTED = "computed"  # derived arithmetically from tagged facts

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Source:
    """One citable source."""

    key: str
    citation: str
    note: str = ""
    seed: str | None = None  # file name under shared/seeds when the source is a seed paper


_ENTRIES: tuple[Source, ...] = (
    # --- the five seed papers -------------------------------------------------------------
    Source(
        "atkins1993",
        "Atkins MB et al. Randomized phase II trial of high-dose interleukin-2 either alone or "
        "in combination with interferon alfa-2b in advanced renal cell carcinoma. "
        "J Clin Oncol 1993;11(4):661-670.",
        "seed 000; abstract only",
        seed="000_431586701e2e805a.txt",
    ),
    Source(
        "clark2003",
        "Clark JI et al. Adjuvant high-dose bolus interleukin-2 for patients with high-risk "
        "renal cell carcinoma: a Cytokine Working Group randomized trial. "
        "J Clin Oncol 2003;21(16):3133-3140.",
        "seed 001; abstract only",
        seed="001_00ff8fdb8ff0a211.txt",
    ),
    Source(
        "atkins2004",
        "Atkins MB, Regan M, McDermott D. Update on the role of interleukin 2 and other "
        "cytokines in the treatment of patients with stage IV renal carcinoma. "
        "Clin Cancer Res 2004;10(18 Pt 2):6342S-6346S.",
        "seed 002; review; its phase III numbers are an interim data cut",
        seed="002_a948e38590acbd6c.txt",
    ),
    Source(
        "lee2000",
        "Lee DS et al. Clinical response to successive courses of high-dose bolus "
        "interleukin-2 in patients with metastatic melanoma or renal cell cancer. "
        "J Clin Oncol 2000;18(10):1954-1959.",
        "seed 003; full text (NCI Surgery Branch, 350 patients)",
        seed="003_a5f35b8e793e003d.txt",
    ),
    Source(
        "shablak2011",
        "Shablak A et al. High-dose interleukin-2 can produce a high rate of response and "
        "durable remissions in appropriately selected patients with metastatic renal cancer. "
        "J Immunother 2011;34(1):107-112.",
        "seed 004; abstract only",
        seed="004_6440188f75d00963.txt",
    ),
    # --- label, guidelines, consensus -------------------------------------------------------
    Source(
        "proleukin-label",
        "US Prescribing Information, Proleukin (aldesleukin) for injection. Current PLR-format "
        "label (Iovance/Clinigen) and the older non-PLR label (Chiron/Novartis/Prometheus).",
        "rows differ between label versions; each reason says which row it used",
    ),
    Source(
        "mcdermott2005",
        "McDermott DF et al. Randomized phase III trial of high-dose interleukin-2 versus "
        "subcutaneous interleukin-2 and interferon in patients with metastatic renal cell "
        "carcinoma. J Clin Oncol 2005;23(1):133-141.",
        "final report of the trial summarised in seed 002",
    ),
    Source(
        "rosenberg1994",
        "Rosenberg SA et al. Treatment of 283 consecutive patients with metastatic melanoma or "
        "renal cell cancer using high-dose bolus interleukin 2. JAMA 1994;271:907-913.",
        "NCI 720,000 IU/kg schedule (15 doses per cycle)",
    ),
    Source(
        "dutcher2014",
        "Dutcher JP et al. High dose interleukin-2 (Aldesleukin) - expert consensus on best "
        "management practices-2014. J Immunother Cancer 2014;2:26. Table 3.",
        "institutional hold/stop criteria; optional policy, not label",
    ),
    Source(
        "springerplus2015",
        "Community-hospital HD IL-2 hold/stop criteria, SpringerPlus 2015, Table 1.",
        "a different institution's variant of dutcher2014; kept as its own policy (reference D11)",
    ),
    Source("ctcae5", "NCI Common Terminology Criteria for Adverse Events v5.0, 27 Nov 2017.",
           "pinned to v5.0"),
    Source(
        "recist1.1",
        "Eisenhauer EA et al. New response evaluation criteria in solid tumours: revised "
        "RECIST guideline (version 1.1). Eur J Cancer 2009;45:228-247.",
    ),
    Source(
        "irecist",
        "Seymour L et al. iRECIST: guidelines for response criteria for use in trials testing "
        "immunotherapeutics. Lancet Oncol 2017;18:e143-e152.",
    ),
    Source(
        "who1981",
        "Miller AB, Hoogstraten B, Staquet M, Winkler A. Reporting results of cancer treatment. "
        "Cancer 1981;47:207-214.",
    ),
    # --- prognostic and predictive models -------------------------------------------------
    Source("motzer1999", "Motzer RJ et al. J Clin Oncol 1999;17:2530-2540.", "670 patients"),
    Source("motzer2002", "Motzer RJ et al. J Clin Oncol 2002;20:289-296.",
           "463 IFN-treated patients"),
    Source("heng2009", "Heng DYC et al. J Clin Oncol 2009;27:5794-5799 (IMDC).", "645 patients"),
    Source("leibovich2003", "Leibovich BC et al. Cancer 2003;98:2566-2575 (UCLA SANI).",
           "173 patients"),
    Source("upton2005", "Upton MP et al. J Immunother 2005;28:488-495.", "pathology model"),
    Source("bui2003", "Bui MHT et al. Clin Cancer Res 2003;9:802-811.", "CA-IX 85% cut-off"),
    Source("atkins2005", "Atkins M et al. Clin Cancer Res 2005;11:3714-3721.",
           "CA-IX + pathology two-compartment model"),
    Source("negrier2002", "Negrier S et al. Ann Oncol 2002;13:1460-1468.",
           "GFI, 782 patients; cited by seed 002"),
    Source("negrier2005", "Negrier S et al. World J Urol 2005;23:161-165.",
           "same GFI database"),
    Source("chow2016", "Chow S et al. J Immunother Cancer 2016;4:67.",
           "Christie extension of seed 004"),
    # --- body size -------------------------------------------------------------------------
    Source("mosteller1987", "Mosteller RD. Simplified calculation of body-surface area. "
           "N Engl J Med 1987;317:1098."),
    Source("dubois1916", "Du Bois D, Du Bois EF. A formula to estimate the approximate surface "
           "area if height and weight be known. Arch Intern Med 1916;17:863-871."),
    Source("devine1974", "Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm 1974;8:650-655.",
           "ideal body weight; adjusted weight = IBW + 0.4 x (actual - IBW) is common practice"),
    # --- statistical methods --------------------------------------------------------------
    Source("clopper1934", "Clopper CJ, Pearson ES. Biometrika 1934;26:404-413."),
    Source("wilson1927", "Wilson EB. J Am Stat Assoc 1927;22:209-212."),
    Source("fisher1935", "Fisher RA. The logic of inductive inference. "
           "J R Stat Soc 1935;98:39-82."),
    Source("kaplan1958", "Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457-481."),
    Source("greenwood1926", "Greenwood M. The natural duration of cancer. Reports on Public "
           "Health and Medical Subjects 33. HMSO, 1926."),
    Source("mantel1966", "Mantel N. Cancer Chemother Rep 1966;50:163-170 (log-rank)."),
    Source("cox1972", "Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220."),
    Source("efron1977", "Efron B. J Am Stat Assoc 1977;72:557-565 (tied event times)."),
    Source("simon1989", "Simon R. Optimal two-stage designs for phase II clinical trials. "
           "Control Clin Trials 1989;10:1-10."),
    Source("jung2004", "Jung SH, Kim KM. On the estimation of the binomial probability in "
           "multistage clinical trials. Stat Med 2004;23:881-896."),
    Source("koyama2008", "Koyama T, Chen H. Proper inference from Simon's two-stage designs. "
           "Stat Med 2008;27:3145-3154."),
    Source("schoenfeld1981", "Schoenfeld D. The asymptotic properties of nonparametric tests for "
           "comparing survival distributions. Biometrika 1981;68:316-319."),
    Source("freedman1982", "Freedman LS. Tables of the number of patients required in clinical "
           "trials using the logrank test. Stat Med 1982;1:121-129."),
    Source("lachin1986", "Lachin JM, Foulkes MA. Evaluation of sample size and power for analyses "
           "of survival with allowance for nonuniform patient entry, losses to follow-up, "
           "noncompliance, and stratification. Biometrics 1986;42:507-519."),
    Source("lan1983", "Lan KKG, DeMets DL. Discrete sequential boundaries for clinical trials. "
           "Biometrika 1983;70:659-663."),
    Source("obrien1979", "O'Brien PC, Fleming TR. A multiple testing procedure for clinical "
           "trials. Biometrics 1979;35:549-556."),
    Source("pocock1977", "Pocock SJ. Group sequential methods in the design and analysis of "
           "clinical trials. Biometrika 1977;64:191-199."),
    Source("armitage1955", "Armitage P. Tests for linear trends in proportions and frequencies. "
           "Biometrics 1955;11:375-386 (Cochran-Armitage trend test)."),
    Source("r-survival", "Therneau TM. A Package for Survival Analysis in R (survival).",
           "reference values in tests were produced with it"),
    # --- statistical methods added with hdil2.stats ----------------------------------------
    Source("jung2004admissible", "Jung SH, Lee T, Kim K, George SL. Admissible two-stage designs "
           "for phase II cancer clinical trials. Stat Med 2004;23:561-569."),
    Source("newcombe1998", "Newcombe RG. Interval estimation for the difference between "
           "independent proportions: comparison of eleven methods. Stat Med 1998;17:873-890."),
    Source("brookmeyer1982", "Brookmeyer R, Crowley J. A confidence interval for the median "
           "survival time. Biometrics 1982;38:29-41.", "median CI rule of R survfit"),
    Source("harrington1982", "Harrington DP, Fleming TR. A class of rank test procedures for "
           "censored survival data. Biometrika 1982;69:553-566.", "G-rho weighted log-rank"),
    Source("breslow1974", "Breslow N. Covariance analysis of censored survival data. "
           "Biometrics 1974;30:89-99.", "Breslow approximation for tied event times"),
    Source("fleiss1980", "Fleiss JL, Tytun A, Ury HK. A simple approximation for calculating "
           "sample sizes for comparing independent proportions. Biometrics 1980;36:343-346.",
           "continuity-corrected sample size for two proportions"),
    Source("armitage1969", "Armitage P, McPherson CK, Rowe BC. Repeated significance tests on "
           "accumulating data. J R Stat Soc A 1969;132:235-244.",
           "recursive numerical integration of group sequential boundaries"),
    Source("lan1988", "Lan KKG, Wittes J. The B-value: a tool for monitoring data. "
           "Biometrics 1988;44:579-585.", "conditional power under the design and the trend"),
    Source("rpact", "Wassmer G, Pahlke F. rpact: Confirmatory Adaptive Clinical Trial Design "
           "and Analysis (R package).", "reference values in tests were produced with it"),
    # --- patient selection (issue 3) ----------------------------------------------------
    Source("mcdermott2015", "McDermott DF et al. The high-dose aldesleukin \"SELECT\" trial: a "
           "trial to prospectively validate predictive models of response to treatment in "
           "patients with metastatic renal cell carcinoma. Clin Cancer Res 2015;21(3):561-568.",
           "120 patients; ORR 25 %; the integrated selection model did not separate response "
           "(good-risk 23 % vs poor-risk 30 %, P = 0.39)"),
    Source("payne1973", "Payne RB, Little AJ, Williams RB, Milner JR. Interpretation of serum "
           "calcium in patients with abnormal serum proteins. Br Med J 1973;4:643-646.",
           "the abstract's formula is calcium - albumin + 4.0 (mg/100 mL, g/100 mL); the "
           "0.8 x (4.0 - albumin) form used by hdil2's 'payne' policy is the common clinical "
           "variant (reference D2)"),
    # --- response assessment (issue 4) --------------------------------------------------
    Source("recist-faq", "RECIST Working Group (EORTC). RECIST 1.1 and iRECIST questions and "
           "clarifications (recist.eortc.org FAQ).",
           "nodes count as one organ for target selection; reappearance after an overall CR is "
           "PD; iRECIST confirmation scans < 4 weeks after iUPD; sequential increases add up"),
    Source("admiralonco", "pharmaverse admiralonco (R package, Apache-2.0): best overall "
           "response and confirmed response derivations (response_sources.R, ad_adrs.R).",
           "peer implementation used as a test oracle; confirmation tolerates one NE between"),
)

SOURCES: dict[str, Source] = {s.key: s for s in _ENTRIES}


def source(key: str) -> Source:
    """Return the catalogue entry for ``key``; an unknown key raises ``KeyError``."""
    try:
        return SOURCES[key]
    except KeyError:
        raise KeyError(f"unknown source key {key!r}; add it to hdil2.core.sources") from None
