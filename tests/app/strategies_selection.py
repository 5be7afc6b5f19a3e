"""Hypothesis strategies of valid requests: patient selection (``screen``).

Patients are the demo patient (``hdil2/clinical/selection/data/demo_patient.json``) changed:
every lab drawn within a plausible range (sometimes in another unit, sometimes without its
limits or missing), performance status, pathology and CA-IX drawn, melanoma instead of RCC,
an adjuvant (resected, non-metastatic) record, prior IL-2 courses with retreatment events, and
optional fields removed.  Every eligibility profile, every selection policy and the site's
test-validity windows are exercised.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from importlib import resources
from typing import Any

from hypothesis import strategies as st

# lab -> (unit, plausible low, plausible high, places, LLN, ULN) in that unit
LABS: dict[str, tuple[str, str, str, int, str, str]] = {
    "creatinine": ("mg/dL", "0.3", "6.0", 1, "0.7", "1.3"),
    "bilirubin": ("mg/dL", "0.1", "5.0", 1, "0.1", "1.2"),
    "ast": ("U/L", "5", "400", 0, "10", "40"),
    "alt": ("U/L", "5", "400", 0, "7", "56"),
    "ldh": ("U/L", "80", "1500", 0, "120", "250"),
    "platelets": ("10^9/L", "20", "900", 0, "150", "400"),
    "neutrophils": ("10^9/L", "0.5", "25", 1, "1.8", "7.5"),
    "hemoglobin": ("g/dL", "6.0", "19.0", 1, "13.5", "17.5"),
    "calcium": ("mg/dL", "7.0", "14.0", 1, "8.6", "10.2"),
    "albumin": ("g/dL", "2.0", "5.5", 1, "3.5", "5.0"),
    "tsh": ("mIU/L", "0.05", "20", 2, "0.4", "4.0"),
}
OPTIONAL = ("sex", "birth_date", "weight", "height", "staging", "ecog", "karnofsky",
            "diagnosis_date", "metastasis_date", "planned_day1", "metastatic_sites",
            "constitutional_symptoms", "pathology", "caix_pct", "brain_imaging",
            "cardiac_stress_test", "pulmonary_function_test", "comorbidities", "prior_il2",
            "prior_systemic_lines", "progressive_at_entry")
RETREATMENT_EVENTS = ("sustained_ventricular_tachycardia", "cardiac_tamponade",
                      "intubation_over_72h", "gi_bleeding_requiring_surgery")


def demo_patient() -> dict[str, Any]:
    text = resources.files("hdil2.clinical.selection.data").joinpath(
        "demo_patient.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@st.composite
def lab(draw: st.DrawFn, name: str) -> dict[str, Any]:
    unit, low, high, places, lln, uln = LABS[name]
    value = draw(st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places,
                             allow_nan=False, allow_infinity=False))
    if name == "calcium" and draw(st.booleans()):  # the same calcium in mmol/L
        out: dict[str, Any] = {"value": f"{(value / 4).quantize(Decimal('0.01'))} mmol/L",
                               "lln": "2.15 mmol/L", "uln": "2.55 mmol/L"}
    else:
        out = {"value": f"{value} {unit}", "lln": f"{lln} {unit}", "uln": f"{uln} {unit}"}
    for limit in ("lln", "uln"):
        if draw(st.integers(0, 9)) == 0:
            del out[limit]
    if draw(st.booleans()):
        out["date"] = "2024-05-27"
    return out


@st.composite
def patient(draw: st.DrawFn) -> dict[str, Any]:
    p = copy.deepcopy(demo_patient())
    p["id"] = draw(st.from_regex(r"[A-Z]{2,4}-[0-9]{1,6}", fullmatch=True))
    for name in LABS:
        choice = draw(st.integers(0, 9))
        if choice == 0:
            del p["labs"][name]
        elif choice > 3:
            p["labs"][name] = draw(lab(name))
    p["ecog"] = draw(st.integers(0, 4))
    p["karnofsky"] = draw(st.sampled_from((100, 90, 80, 70, 60, 50)))
    p["caix_pct"] = draw(st.integers(0, 100))
    p["pathology"]["alveolar_pct"] = draw(st.integers(0, 100))
    p["pathology"]["granular_pct"] = draw(st.integers(0, 100 - p["pathology"]["alveolar_pct"]))
    p["pathology"]["papillary_present"] = draw(st.booleans())
    p["pathology"]["sarcomatoid_present"] = draw(st.booleans())
    p["metastatic_sites"] = draw(st.lists(st.sampled_from(
        ("lung", "liver", "bone", "mediastinal_nodes", "other_nodes", "adrenal")),
        min_size=1, max_size=4, unique=True))
    kind = draw(st.sampled_from(("rcc", "rcc", "melanoma", "adjuvant")))
    if kind == "melanoma":
        p["diagnosis"] = {"disease": "melanoma",
                          "histology": draw(st.sampled_from(("cutaneous", "acral", "mucosal")))}
    elif kind == "adjuvant":
        p["staging"] = {**p["staging"], "t": draw(st.sampled_from(("T2", "T3b", "T3c", "T4"))),
                        "n": draw(st.sampled_from(("N0", "N1"))), "m": "M0"}
        p["metastatic_sites"] = []
        del p["metastasis_date"]
        p["resection"] = {"status": draw(st.sampled_from(("R0", "R1"))),
                          "ned_after_surgery": draw(st.booleans()),
                          "m1_resected": draw(st.booleans())}
    if draw(st.integers(0, 4)) == 0:
        p["prior_il2"] = True
        p["prior_il2_courses"] = [{"start_date": "2023-11-06", "end_date": "2023-11-10",
                                   "events": draw(st.lists(st.sampled_from(RETREATMENT_EVENTS),
                                                           max_size=2, unique=True))}]
        p["prior_systemic_lines"] = 1
    for field in draw(st.lists(st.sampled_from(OPTIONAL), max_size=4, unique=True)):
        p.pop(field, None)
    if "prior_il2" not in p:
        p.pop("prior_il2_courses", None)
    return p


@st.composite
def screen(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.selection.eligibility import PROFILES
    from hdil2.clinical.selection.screening import ALL_POLICIES

    req: dict[str, Any] = {"patient": draw(patient()),
                           "profile": draw(st.sampled_from(sorted(PROFILES)))}
    names = draw(st.lists(st.sampled_from(sorted(ALL_POLICIES)), max_size=3, unique=True))
    if names:
        req["policies"] = {n: draw(st.sampled_from(ALL_POLICIES[n].choices)) for n in names}
    settings = {name: draw(st.integers(0, 365)) for name in
                draw(st.lists(st.sampled_from(("stress_test_valid_days", "pft_valid_days")),
                              max_size=2, unique=True))}
    if settings:
        req["settings"] = settings
    return req


STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "screen": screen(),
}
