"""The patient: identifiers, demographics, diagnosis, pathology, stage, prior therapy.

The fields mirror the patient record the selection rules read
(:mod:`hdil2.clinical.selection.patient`): disease and histology, the pathology features of the
two-compartment and UCLA models (alveolar and granular fraction, papillary and sarcomatoid
features), CA-IX staining, the TNM stage with its edition, and the prior therapies.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from hdil2.registry.models.base import ClinicalRecord, decimal_field

PSEUDO_ID = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
    "a pseudonymous code: letters, digits, '.', '_' or '-', at most 64 characters "
    "(never a name or a medical record number)",
)

DISEASES = [("rcc", "renal cell carcinoma"), ("melanoma", "melanoma")]
HISTOLOGIES = [(h, h.replace("_", " ")) for h in (
    "clear_cell", "papillary", "chromophobe", "collecting_duct", "unclassified", "other_rcc",
    "cutaneous", "acral", "mucosal", "uveal", "unknown_primary", "other_melanoma",
)]
SEXES = [("female", "female"), ("male", "male")]
#: the groups of the MSKCC (Motzer 1999 and 2002) and IMDC models
RISK_GROUPS = [("favourable", "favourable"), ("intermediate", "intermediate"),
               ("poor", "poor")]
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Patient(ClinicalRecord):
    """One patient of the registry, known by a pseudonymous code."""

    registry_id = models.CharField(
        max_length=64, unique=True, validators=[PSEUDO_ID],
        help_text="pseudonymous registry code; never a name or MRN")
    site = models.CharField(max_length=80, blank=True, default="", help_text="treating centre")
    sex = models.CharField(max_length=6, choices=SEXES, blank=True, default="")
    birth_date = models.DateField(null=True, blank=True)
    # diagnosis
    disease = models.CharField(
        max_length=8, choices=DISEASES, blank=True, default="",
        help_text="empty: not recorded (for example a subject imported from another study); "
        "never counts as either disease")
    histology = models.CharField(max_length=16, choices=HISTOLOGIES, blank=True, default="")
    diagnosis_date = models.DateField(null=True, blank=True)
    metastasis_date = models.DateField(
        null=True, blank=True, help_text="date metastatic disease was diagnosed")
    metastatic_sites = models.JSONField(
        default=list, blank=True, help_text="organ sites (the selection record's keys)")
    prior_nephrectomy = models.BooleanField(null=True, blank=True)
    nephrectomy_date = models.DateField(null=True, blank=True)
    constitutional_symptoms = models.BooleanField(null=True, blank=True)
    # pathology features the selection models read
    specimen = models.CharField(
        max_length=10, choices=[("primary", "primary"), ("metastasis", "metastasis")],
        blank=True, default="", help_text="specimen the pathology features come from")
    alveolar_pct = decimal_field(null=True, blank=True, validators=PERCENT,
                                 help_text="alveolar (acinar) fraction of the tumour, %")
    granular_pct = decimal_field(null=True, blank=True, validators=PERCENT,
                                 help_text="granular-cell fraction of the tumour, %")
    papillary_present = models.BooleanField(null=True, blank=True)
    sarcomatoid_present = models.BooleanField(null=True, blank=True)
    caix_pct = decimal_field(null=True, blank=True, validators=PERCENT,
                             help_text="carbonic anhydrase IX staining, % of tumour cells")
    # stage
    tnm_edition = models.CharField(max_length=16, blank=True, default="",
                                   help_text="AJCC/UICC TNM edition, e.g. '8'")
    stage_basis = models.CharField(
        max_length=12, choices=[("clinical", "clinical"), ("pathological", "pathological")],
        blank=True, default="")
    t = models.CharField(max_length=8, blank=True, default="", help_text="T category")
    n = models.CharField(max_length=8, blank=True, default="", help_text="N category")
    m = models.CharField(max_length=8, blank=True, default="", help_text="M category")
    stage_group = models.CharField(max_length=8, blank=True, default="", help_text="e.g. IV")
    # performance status at registration
    ecog = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(4)])
    karnofsky = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)])
    prior_systemic_lines = models.PositiveSmallIntegerField(null=True, blank=True)
    # prognostic risk group, stored by the screening use case from a complete model result
    risk_group = models.CharField(
        max_length=12, choices=RISK_GROUPS, blank=True, default="",
        help_text="risk group of the latest screening (empty: not known)")
    risk_model = models.CharField(
        max_length=20, blank=True, default="",
        help_text="the model the risk group comes from, e.g. mskcc2002")
    time_zone = models.CharField(
        max_length=64, blank=True, default="",
        help_text="IANA time zone the patient's times were recorded in, kept when no course "
        "names its ward's (for example a subject imported from SDTM); empty: UTC")
    risk_advice = models.ForeignKey(
        "registry.Advice", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="the screening advice the risk group was taken from")

    class Meta:
        verbose_name = "patient"
        ordering = ("registry_id",)

    def __str__(self) -> str:
        return self.registry_id


class PatientIdentifier(ClinicalRecord):
    """Another pseudonymous code of a patient (trial number, centre code)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="identifiers")
    system = models.CharField(max_length=80, help_text="who issued it, e.g. a trial's name")
    value = models.CharField(max_length=64, validators=[PSEUDO_ID])

    class Meta:
        verbose_name = "patient identifier"
        constraints = (models.UniqueConstraint(fields=["system", "value"],
                                               name="registry_identifier_unique"),)


PRIOR_KINDS = [(k, k.replace("_", " ")) for k in (
    "il2", "interferon", "targeted", "immune_checkpoint", "chemotherapy", "vaccine",
    "radiotherapy", "surgery", "other",
)]


class PriorTherapy(ClinicalRecord):
    """A therapy given before registration (an earlier IL-2 course with its events, too)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT,
                                related_name="prior_therapies")
    kind = models.CharField(max_length=20, choices=PRIOR_KINDS)
    agent = models.CharField(max_length=120, blank=True, default="")
    setting = models.CharField(
        max_length=12, blank=True, default="",
        choices=[("adjuvant", "adjuvant"), ("metastatic", "metastatic")])
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    best_response = models.CharField(max_length=8, blank=True, default="")
    events = models.JSONField(
        default=list, blank=True,
        help_text="events of an earlier IL-2 course that bar retreatment (the selection "
        "record's keys)")

    class Meta:
        verbose_name = "prior therapy"
        verbose_name_plural = "prior therapies"
