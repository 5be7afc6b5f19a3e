"""The registry's models, one module per concept (see ``docs/registry.md``)."""

from hdil2.registry.models.advice import Advice
from hdil2.registry.models.base import ClinicalRecord, WriteOnceRecord
from hdil2.registry.models.disposition import Disposition
from hdil2.registry.models.followup import FollowUp
from hdil2.registry.models.imaging import Lesion, Measurement, Scan
from hdil2.registry.models.observation import Observation
from hdil2.registry.models.patient import Patient, PatientIdentifier, PriorTherapy
from hdil2.registry.models.quality import QualityOfLife
from hdil2.registry.models.response import ResponseAssessment
from hdil2.registry.models.toxicity import Toxicity
from hdil2.registry.models.treatment import Course, Cycle, DoseSlot

__all__ = [
    "Advice", "ClinicalRecord", "Course", "Cycle", "Disposition", "DoseSlot", "FollowUp",
    "Lesion", "Measurement", "Observation", "Patient", "PatientIdentifier", "PriorTherapy",
    "QualityOfLife", "ResponseAssessment", "Scan", "Toxicity", "WriteOnceRecord",
]
