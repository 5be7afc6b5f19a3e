"""Hypothesis strategies of valid requests: toxicity operations (grade, grade-terms, next-dose).

Each strategy draws requests an operation should answer (plausible values, every option
exercised); a few may still be refused by a rule that crosses fields (a hypotension grade that
disagrees with its descriptors), which the tests treat as "not a valid input" rather than a
failure.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

OPTIONAL = st.booleans()


def _amount(low: str, high: str, places: int, unit: str) -> st.SearchStrategy[str]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places,
                       allow_nan=False, allow_infinity=False).map(lambda d: f"{d} {unit}")


def _maybe(draw: st.DrawFn, req: dict[str, Any], key: str,
           values: st.SearchStrategy[Any]) -> None:
    """Set ``req[key]`` to a drawn value, or leave it out (a missing input)."""
    if draw(OPTIONAL):
        req[key] = draw(values)


_LAB_UNITS = {"creatinine_increased": (("mg/dL", "0.2", "12", 2), ("µmol/L", "20", "1000", 0)),
              "blood_bilirubin_increased": (("mg/dL", "0.1", "15", 2),
                                            ("µmol/L", "2", "250", 0)),
              **dict.fromkeys(("ast_increased", "alt_increased",
                               "alkaline_phosphatase_increased", "ggt_increased"),
                              (("U/L", "5", "2000", 0),))}
_COUNT = {"platelet_count_decreased": ("5", "400"), "neutrophil_count_decreased": ("0.1", "8"),
          "lymphocyte_count_decreased": ("0.05", "4")}
_LOW_LAB = {"anemia": ("g/dL", "4", "16"), "hypomagnesemia": ("mg/dL", "0.4", "2.6"),
            "hypoalbuminemia": ("g/dL", "1", "5")}


@st.composite
def _lab(draw: st.DrawFn) -> dict[str, Any]:
    term = draw(st.sampled_from(sorted(_LAB_UNITS)))
    unit, low, high, places = draw(st.sampled_from(_LAB_UNITS[term]))
    amount = _amount(low, high, places, unit)
    req: dict[str, Any] = {"term": term, "value": draw(amount)}
    _maybe(draw, req, "uln", amount)
    _maybe(draw, req, "baseline", amount)
    return req


@st.composite
def _low_lab(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.toxicity.ctcae.criteria import DESCRIPTOR_GRADES

    kind = draw(st.sampled_from(("count", "low", "calcium", "potassium", "sodium")))
    req: dict[str, Any]
    if kind == "count":
        term = draw(st.sampled_from(sorted(_COUNT)))
        amount = _amount(*_COUNT[term], 1, "10^9/L")
        req = {"term": term, "value": draw(amount)}
        _maybe(draw, req, "lln", amount)
        return req
    if kind == "low":
        term = draw(st.sampled_from(sorted(_LOW_LAB)))
        unit, low, high = _LOW_LAB[term]
        amount = _amount(low, high, 1, unit)
    elif kind == "calcium":
        term = "hypocalcemia"
        calcium = draw(st.sampled_from(("corrected", "ionized")))
        amount = (_amount("5", "10.5", 1, "mg/dL") if calcium == "corrected"
                  else _amount("0.6", "1.4", 2, "mmol/L"))
    elif kind == "potassium":
        term = "hypokalemia"
        amount = _amount("2", "5", 1, "mmol/L")
    else:
        term = "hyponatremia"
        amount = _amount("115", "145", 0, "mmol/L")
    req = {"term": term, "value": draw(amount)}
    if kind == "calcium":
        req["calcium"] = calcium
    _maybe(draw, req, "lln", amount)
    if kind in ("potassium", "sodium"):
        _maybe(draw, req, "symptomatic", st.booleans())
    if kind == "potassium":
        _maybe(draw, req, "intervention_indicated", st.booleans())
    _maybe(draw, req, "clinical_grade", st.sampled_from([g for g, _ in DESCRIPTOR_GRADES[term]]))
    return req


@st.composite
def _bedside(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.toxicity.ctcae.hypotension import INTERVENTIONS

    kind = draw(st.sampled_from(("urine", "hypotension", "weight", "fever", "diarrhea")))
    req: dict[str, Any]
    if kind == "urine":
        return {"term": "urine_output_decreased", "volume": draw(_amount("0", "3000", 0, "mL")),
                "hours": draw(st.sampled_from(("4 h", "8 h", "12 h", "24 h")))}
    if kind == "hypotension":
        req = {"term": "hypotension"}
        if draw(OPTIONAL):
            req["grade"] = draw(st.integers(0, 5))
        else:
            _maybe(draw, req, "symptomatic", st.booleans())
            _maybe(draw, req, "intervention", st.sampled_from(INTERVENTIONS))
            _maybe(draw, req, "vasopressors", st.booleans())
            _maybe(draw, req, "hospitalization_indicated", st.booleans())
            _maybe(draw, req, "life_threatening", st.booleans())
        return req
    if kind == "weight":
        req = {"term": "weight_gain", "value": draw(_amount("40", "150", 1, "kg"))}
        _maybe(draw, req, "baseline", _amount("40", "150", 1, "kg"))
        return req
    if kind == "fever":
        unit = draw(st.sampled_from(("°C", "°F")))
        req = {"term": "fever", "value": draw(_amount("36", "42", 2, unit) if unit == "°C"
                                              else _amount("97", "107", 1, unit))}
        _maybe(draw, req, "duration_above_40c", _amount("0.5", "72", 1, "h"))
        _maybe(draw, req, "clinical_grade", st.just(5))
        return req
    req = {"term": "diarrhea"}
    _maybe(draw, req, "stools_per_day", st.integers(0, 30))
    _maybe(draw, req, "baseline_stools_per_day", st.integers(0, 6))
    _maybe(draw, req, "ostomy_output_increase",
           st.sampled_from(("none", "mild", "moderate", "severe")))
    _maybe(draw, req, "clinical_grade", st.sampled_from((2, 3, 4, 5)))
    _maybe(draw, req, "incontinence", st.booleans())
    _maybe(draw, req, "policies",
           st.sampled_from(({"diarrhea_incontinence": "not_graded"},
                            {"diarrhea_incontinence": "grade_3"})))
    return req


@st.composite
def _clinician(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.toxicity.ctcae import CLINICIAN_TERMS, TERMS

    term = draw(st.sampled_from(CLINICIAN_TERMS))
    name = draw(st.sampled_from((term, TERMS[term].name, *TERMS[term].aliases)))
    return {"term": name, "grade": draw(st.sampled_from(TERMS[term].allowed_grades))}


def grade() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(_lab(), _low_lab(), _bedside(), _clinician())


# --- next-dose ---------------------------------------------------------------------------

Q8H = ("hd-il2-600k", "hd-il2-720k", "hd-il2-1.33mgm2", "il2-ifn-atkins1993", "adjuvant-hd-il2")
ZONES = ("America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Tokyo",
         "America/Los_Angeles")

# plausible ranges of the numeric observations (the model's own limits are wider)
_NUMBERS: dict[str, tuple[str, str, int]] = {
    "spo2_pct": ("80", "100", 0), "intubated_hours": ("0", "96", 0),
    "o2_nasal_cannula_l_min": ("0", "6", 0), "sbp_mmhg": ("60", "160", 0),
    "phenylephrine_max_ug_kg_min": ("0", "3", 1),
    "phenylephrine_at_dosing_ug_kg_min": ("0", "3", 1), "heart_rate_bpm": ("50", "160", 0),
    "coma_or_toxic_psychosis_hours": ("0", "48", 0), "diarrhea_ml_per_shift": ("0", "2500", 0),
    "weight_gain_pct": ("0", "20", 1), "creatinine_fall_mg_dl": ("-2", "3", 1),
    "urine_ml_per_h": ("0", "200", 0), "oliguria_hours": ("0", "48", 0),
    "urine_ml_per_shift": ("0", "1500", 0), "dialysis_hours": ("0", "48", 0),
}
_QUANTITIES = {"creatinine": ("0.5", "8", 1, "mg/dL"), "bilirubin": ("0.3", "12", 1, "mg/dL"),
               "platelets": ("10", "300", 0, "10^9/L"), "bicarbonate": ("10", "30", 0, "mmol/L")}


def _observation(name: str) -> st.SearchStrategy[Any]:
    from typing import Literal, get_args, get_origin

    from hdil2.clinical.toxicity.holds.observations import DoseObservations

    if name in _NUMBERS:
        low, high, places = _NUMBERS[name]
        return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places)
    if name in _QUANTITIES:
        return _amount(*_QUANTITIES[name])
    if name == "shifts_with_diarrhea_1000ml":
        return st.integers(0, 4)
    kind = next(a for a in get_args(DoseObservations.model_fields[name].annotation)
                if a is not type(None))
    if kind is bool:
        return st.booleans()
    if get_origin(kind) is Literal:
        return st.sampled_from(get_args(kind))
    raise AssertionError(f"no strategy for observation {name}")


# an unremarkable value of each numeric observation (no rule fires on it)
_UNREMARKABLE: dict[str, Any] = {
    "spo2_pct": 96, "intubated_hours": 0, "o2_nasal_cannula_l_min": 0, "sbp_mmhg": 112,
    "phenylephrine_max_ug_kg_min": 0, "phenylephrine_at_dosing_ug_kg_min": 0,
    "heart_rate_bpm": 92, "coma_or_toxic_psychosis_hours": 0, "diarrhea_ml_per_shift": 200,
    "shifts_with_diarrhea_1000ml": 0, "weight_gain_pct": 4, "creatinine_fall_mg_dl": 0,
    "urine_ml_per_h": 60, "oliguria_hours": 0, "urine_ml_per_shift": 480, "dialysis_hours": 0,
    "creatinine": "1.4 mg/dL", "bilirubin": "1.1 mg/dL", "platelets": "140 10^9/L",
    "bicarbonate": "22 mmol/L",
}


def _unremarkable(name: str) -> Any:
    """No, the first category (none, falling), or the value in :data:`_UNREMARKABLE`."""
    from typing import Literal, get_args, get_origin

    from hdil2.clinical.toxicity.holds.observations import DoseObservations

    if name in _UNREMARKABLE:
        return _UNREMARKABLE[name]
    kind = next(a for a in get_args(DoseObservations.model_fields[name].annotation)
                if a is not type(None))
    return get_args(kind)[0] if get_origin(kind) is Literal else False


@st.composite
def observations(draw: st.DrawFn) -> dict[str, Any]:
    """Each field unknown, unremarkable or drawn at random (then often abnormal): the shares
    vary from one request to the next, so some requests are complete and unremarkable, some
    have unknowns and some have findings."""
    from hdil2.clinical.toxicity.holds.observations import DoseObservations

    unknown = draw(st.sampled_from((0.0, 0.05, 0.2, 0.6)))
    abnormal = draw(st.sampled_from((0.0, 0.02, 0.1)))
    out: dict[str, Any] = {}
    for name in DoseObservations.model_fields:
        u = draw(st.floats(0, 1))
        if u < unknown:
            continue
        out[name] = (draw(_observation(name)) if u > 1 - abnormal else _unremarkable(name))
    return out


@st.composite
def next_dose(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.toxicity.holds.rules import RULESETS

    day = draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)))
    hour = draw(st.sampled_from(("00:00", "06:00", "08:00", "14:00", "22:00")))
    rulesets = ["label", *draw(st.lists(st.sampled_from(("dutcher2014", "springerplus2015")),
                                        unique=True, max_size=2))]
    ids = [rule.id for name in rulesets for rule in RULESETS[name]]
    doses: list[dict[str, Any]] = []
    # 28 slots (label) or 30 (NCI): every slot recorded is a completed course
    recorded = draw(st.one_of(st.integers(0, 27), st.sampled_from((28, 30))))
    for slot in range(1, recorded + 1):
        if draw(st.floats(0, 1)) < 0.8:
            doses.append({"slot": slot, "status": "given"})
        else:
            doses.append({"slot": slot, "status": "held", "hold_rules": draw(
                st.lists(st.sampled_from(ids), unique=True, max_size=2))})
    req: dict[str, Any] = {"regimen": draw(st.sampled_from(Q8H)),
                           "first_dose": f"{day.isoformat()}T{hour}", "tz": draw(
                               st.sampled_from(ZONES)),
                           "doses": doses, "observations": draw(observations()),
                           "rulesets": rulesets}
    policies: dict[str, Any] = {}
    _maybe(draw, policies, "institutional_stop_scope", st.sampled_from(("cycle", "course")))
    _maybe(draw, policies, "springerplus_held_scope", st.sampled_from(("cycle", "course")))
    if req["regimen"] == "hd-il2-720k":
        _maybe(draw, policies, "nci_cycle2_start_day", st.integers(8, 15))
    if policies:
        req["policies"] = policies
    return req


STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "grade": grade(),
    "grade-terms": st.just({}),
    "next-dose": next_dose(),
}
