"""IL-2 regimens as data, each fact cited and tagged.

A regimen is a list of drug components (amount per kg or per m², route, infusion time) and a
schedule.  Two schedule shapes exist in the sources:

* ``q8h`` — high-dose bolus IL-2: cycles of consecutive 8-hourly slots starting on fixed days of
  the course (days 1 and 15), capped per cycle and per course (`proleukin-label`; see
  docs/decisions.md#calendar-cycle);
* ``sc_weekly`` — the outpatient subcutaneous IL-2 + interferon regimen: a weekly template
  repeated in 6-week cycles (`atkins2004`, `mcdermott2005`; the day layout is not stated in the
  sources, so it is a named policy, tag: unverified).

Words differ between sources: the label's *cycle* is one 5-day block and its *course* two
blocks; Atkins et al. 2004 (`atkins2004`) call the 5-day block a *course*.  The data model stores
the structure (course → cycles → dose slots) and each regimen records the words its source used.

Not provided: the short IL-2 course given after tumour-infiltrating-lymphocyte infusion — none
of hdil2's sources gives a schedule for it, so hdil2 does not invent one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hdil2.clinical.treatment.product import VIAL_DRAWABLE
from hdil2.core.decision import Reason
from hdil2.core.errors import InputError
from hdil2.core.policy import Policy
from hdil2.core.result import Result
from hdil2.core.sources import Tag

Basis = Literal["kg", "m²"]
Route = Literal["IV", "SC"]
AmountUnit = Literal["IU", "mg"]
Agent = Literal["aldesleukin", "interferon alfa-2b"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One cited statement about a regimen (shown as a reason wherever it is used)."""

    rule: str
    text: str
    source: str
    tag: Tag

    def reason(self, **inputs: object) -> Reason:
        return Reason(rule=self.rule, source=self.source, text=self.text, inputs=inputs,
                      tag=self.tag)


@dataclass(frozen=True, slots=True)
class Component:
    """One drug of a regimen: amount per unit of body size, route and infusion time."""

    agent: Agent
    amount: Decimal
    unit: AmountUnit
    basis: Basis
    route: Route
    infusion_minutes: int | None
    fact: Fact

    @property
    def label(self) -> str:
        """Human form, e.g. ``600,000 IU/kg IV``."""
        return f"{self.amount.normalize():,f} {self.unit}/{self.basis} {self.route}"


@dataclass(frozen=True, slots=True)
class Q8hSchedule(Result):
    """Cycles of consecutive 8-hourly dose slots (HD IL-2)."""

    kind: Literal["q8h"] = "q8h"
    interval_hours: int = 8
    cycle_start_days: tuple[int, ...] = (1, 15)
    cycle_days: int = 5
    max_doses_per_cycle: int = 14
    max_doses_per_course: int = 28


@dataclass(frozen=True, slots=True)
class ScWeeklySchedule(Result):
    """The outpatient s.c. IL-2 + IFN template, repeated every ``cycle_weeks``."""

    kind: Literal["sc_weekly"] = "sc_weekly"
    treatment_weeks: int = 4
    cycle_weeks: int = 6
    week1_day1_il2_doses: int = 3  # q8h × 3 on day 1
    il2_days_per_week: int = 5
    ifn_doses_per_week: int = 3


Schedule = Q8hSchedule | ScWeeklySchedule


@dataclass(frozen=True, slots=True)
class Regimen:
    """A complete, cited regimen."""

    key: str
    name: str
    setting: str
    components: tuple[Component, ...]
    schedule: Schedule
    words: Mapping[str, str]  # what the source calls a "cycle"/"course"
    facts: tuple[Fact, ...]
    policies: Mapping[str, Policy] = field(default_factory=dict)
    max_courses: int | None = None

    @property
    def il2(self) -> Component:
        return next(c for c in self.components if c.agent == "aldesleukin")

    @property
    def sources(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for f in (*(c.fact for c in self.components), *self.facts):
            seen.setdefault(f.source, None)
        return tuple(seen)

    def reasons(self) -> tuple[Reason, ...]:
        """Every fact of the regimen as a reason (for ``hdil2 regimens``)."""
        return tuple(f.reason() for f in (*(c.fact for c in self.components), *self.facts))


def _fact(rule: str, text: str, source: str, tag: Tag) -> Fact:
    return Fact(rule, text, source, tag)


# --- facts shared by the high-dose regimens --------------------------------------------------
_HD_SCHEDULE_LABEL = _fact(
    "label.hd_schedule",
    "IV infusion over 15 minutes every 8 hours, days 1-5 and 15-19; at most 14 doses per cycle "
    "and 28 per course (label)",
    "proleukin-label", Tag.VERIFIED,
)
_NO_REDUCTION = _fact(
    "label.no_dose_reduction",
    "toxicity is managed by withholding or interrupting doses, never by reducing the dose",
    "proleukin-label", Tag.VERIFIED,
)
_COURSE_INTERVAL_LABEL = _fact(
    "label.course_interval",
    "next course only after a rest of at least 7 weeks from the date of hospital discharge, and "
    "only if the last course produced some tumour shrinkage",
    "proleukin-label", Tag.VERIFIED,
)
_COURSE_INTERVAL_PIVOTAL = _fact(
    "atkins2004.pivotal_course_interval",
    "FDA pivotal series: stable or responding patients received 2 to 5 courses at 8- to 12-week "
    "intervals",
    "atkins2004", Tag.SEED,
)
_BASELINE_WEIGHT = _fact(
    "policy.baseline_weight",
    "dose per kg from the pre-course weight for the whole course; in-treatment weight gain from "
    "capillary leak does not change the dose",
    "proleukin-label", Tag.MEMORY,
)

WEIGHT_BASIS = Policy(
    name="weight_basis",
    default="actual",
    choices=("actual", "ideal", "adjusted"),
    source="proleukin-label",
    text="the label says IU/kg without naming actual, ideal or adjusted body weight; most "
    "protocols use actual weight",
)

WEIGHT_BASIS_CAP = Policy(
    name="weight_basis_cap",
    default="actual",
    choices=("actual", "none"),
    source="proleukin-label",
    text="an ideal or adjusted weight above actual weight is replaced by actual weight (the "
    "lesser of the two), since dosing above the patient's real weight gives more IU per kg than "
    "the regimen states; 'none' doses on the basis weight anyway (see "
    "docs/decisions.md#dosing-weight-lesser)",
)


def _dosing_policies(**extra: Policy) -> dict[str, Policy]:
    """The policies every regimen's dose has, plus ``extra``."""
    return {"weight_basis": WEIGHT_BASIS, "weight_basis_cap": WEIGHT_BASIS_CAP,
            "vial_drawable": VIAL_DRAWABLE, **extra}

NCI_CYCLE2_DAY = Policy(
    name="nci_cycle2_start_day",
    default=15,
    choices=(8, 9, 10, 11, 12, 13, 14, 15),
    source="rosenberg1994",
    text="the NCI course is two cycles but Lee et al. 2000 (`lee2000`) do not give the day the "
    "second starts; the label's day 15 is the default",
)

SC_WEEK1_LAYOUT = Policy(
    name="sc_week1_layout",
    default="day1_three_doses_then_days2to5",
    choices=("day1_three_doses_then_days2to5", "day1_three_doses_plus_five_daily"),
    source="mcdermott2005",
    text="which days of week 1 carry the once-daily doses is not stated: default day 1 = "
    "three q8h doses and days 2-5 one dose each; the alternative gives five once-daily doses on "
    "days 2-6 after the day-1 triple",
)

SC_IFN_DAYS = Policy(
    name="sc_ifn_days",
    default="1,3,5",
    choices=("1,3,5", "1,2,3"),
    source="mcdermott2005",
    text="interferon thrice weekly; the weekdays are not stated (default days 1, 3 and 5 of each "
    "treatment week)",
)


REGIMENS: dict[str, Regimen] = {}


def _add(r: Regimen) -> None:
    REGIMENS[r.key] = r


_add(Regimen(
    key="hd-il2-600k",
    name="High-dose bolus IL-2, 600,000 IU/kg",
    setting="metastatic RCC or melanoma (label); Cytokine Working Group trials",
    components=(
        Component("aldesleukin", Decimal(600_000), "IU", "kg", "IV", 15, _fact(
            "label.hd_dose",
            "600,000 IU/kg (0.037 mg/kg) per dose",
            "proleukin-label", Tag.VERIFIED)),
    ),
    schedule=Q8hSchedule(),
    words={"block": "cycle", "pair": "course"},
    facts=(
        _HD_SCHEDULE_LABEL,
        _fact("atkins1993.hd_schedule",
           "IL-2 alone arm: every 8 hours, days 1 to 5 and 15 to 19 (maximum 28 doses)",
           "atkins1993", Tag.SEED),
        _NO_REDUCTION, _BASELINE_WEIGHT, _COURSE_INTERVAL_LABEL, _COURSE_INTERVAL_PIVOTAL,
        _fact("atkins2004.cwg_phase3_hd",
           "CWG phase III: 600,000 IU/kg q8h days 1-5 and 15-19 (maximum 28) every 12 weeks; "
           "responders up to three cycles",
           "atkins2004", Tag.SEED),
    ),
    policies=_dosing_policies(),
))

_add(Regimen(
    key="hd-il2-720k",
    name="High-dose bolus IL-2, 720,000 IU/kg (NCI Surgery Branch)",
    setting="metastatic melanoma or RCC (NCI series, Lee et al. 2000)",
    components=(
        Component("aldesleukin", Decimal(720_000), "IU", "kg", "IV", 15, _fact(
            "lee2000.dose",
            "720,000 IU/kg by 15-minute IV infusion every 8 hours for up to 5 days, as clinically "
            "tolerated per cycle",
            "lee2000", Tag.SEED)),
    ),
    schedule=Q8hSchedule(max_doses_per_cycle=15, max_doses_per_course=30),
    words={"block": "cycle", "pair": "course"},
    facts=(
        _fact("rosenberg1994.nci_cycle",
           "NCI schedule: at most 15 doses per cycle, two cycles per course",
           "rosenberg1994", Tag.VERIFIED),
        _fact("lee2000.retreatment",
           "patients with stable or responding disease were eligible for another course",
           "lee2000", Tag.SEED),
        _NO_REDUCTION, _BASELINE_WEIGHT, _COURSE_INTERVAL_LABEL,
    ),
    policies=_dosing_policies(nci_cycle2_start_day=NCI_CYCLE2_DAY),
))

_add(Regimen(
    key="hd-il2-1.33mgm2",
    name="High-dose IL-2 as written in mg/m² (Atkins 1993 IL-2 alone arm)",
    setting="metastatic RCC (randomized phase II, Atkins et al. 1993)",
    components=(
        Component("aldesleukin", Decimal("1.33"), "mg", "m²", "IV", None, _fact(
            "atkins1993.il2_alone_dose",
            "IL-2 1.33 mg/m² per dose (the paper's '~600,000 IU/kg'), bolus IV every 8 hours",
            "atkins1993", Tag.SEED)),
    ),
    schedule=Q8hSchedule(),
    words={"block": "cycle", "pair": "course"},
    facts=(
        _fact("atkins1993.hd_schedule",
           "every 8 hours, days 1 to 5 and 15 to 19 (maximum 28 doses)",
           "atkins1993", Tag.SEED),
        _fact("atkins1993.mg_m2_not_iu_kg",
           "1.33 mg/m² = 21.8 MIU/m² (18 MIU = 1.1 mg), which equals 600,000 IU/kg only when "
           "weight/BSA = 36.3 kg/m²; the dose is computed as written (mg/m² → IU), never "
           "re-expressed as IU/kg",
           "atkins1993", Tag.COMPUTED),
        _NO_REDUCTION,
    ),
    policies=_dosing_policies(),
))

_add(Regimen(
    key="il2-ifn-atkins1993",
    name="IL-2 0.8 mg/m² + interferon alfa-2b 3 MIU/m² (Atkins 1993 combination arm)",
    setting="metastatic RCC (randomized phase II, Atkins et al. 1993; arm closed early)",
    components=(
        Component("aldesleukin", Decimal("0.8"), "mg", "m²", "IV", None, _fact(
            "atkins1993.combo_il2",
            "IL-2 0.8 mg/m² per dose (13.1 MIU/m²), bolus IV every 8 hours",
            "atkins1993", Tag.SEED)),
        Component("interferon alfa-2b", Decimal(3_000_000), "IU", "m²", "IV", None, _fact(
            "atkins1993.combo_ifn",
            "interferon alfa-2b 3 × 10⁶ U/m² per dose; the abstract puts both drugs under "
            "'bolus intravenous injection every 8 hours' — route and frequency of IFN are read "
            "from one sentence",
            "atkins1993", Tag.UNVERIFIED)),
    ),
    schedule=Q8hSchedule(),
    words={"block": "cycle", "pair": "course"},
    facts=(
        _fact("atkins1993.hd_schedule",
           "every 8 hours, days 1 to 5 and 15 to 19 (maximum 28 doses)",
           "atkins1993", Tag.SEED),
        _fact("atkins1993.arm_closed",
           "the IL-2/IFN arm was closed after 28 patients for failing predefined efficacy "
           "criteria (the rule itself is not in the abstract)",
           "atkins1993", Tag.SEED),
        _NO_REDUCTION,
    ),
    policies=_dosing_policies(),
))

_add(Regimen(
    key="sc-il2-ifn",
    name="Outpatient s.c. IL-2 5 MIU/m² + interferon alfa-2b 5 MIU/m² (CWG phase III)",
    setting="metastatic RCC (CWG phase III low-dose arm: Atkins et al. 2004, McDermott et al. "
    "2005)",
    components=(
        Component("aldesleukin", Decimal(5_000_000), "IU", "m²", "SC", None, _fact(
            "atkins2004.sc_il2",
            "IL-2 5 MIU/m² s.c. every 8 hours for three doses on day 1, then daily 5 days per "
            "week for 4 weeks",
            "atkins2004", Tag.SEED)),
        Component("interferon alfa-2b", Decimal(5_000_000), "IU", "m²", "SC", None, _fact(
            "atkins2004.sc_ifn",
            "IFN-α2b 5 MIU/m² s.c. thrice weekly for 4 weeks",
            "atkins2004", Tag.SEED)),
    ),
    schedule=ScWeeklySchedule(),
    words={"block": "cycle", "pair": "cycle"},
    facts=(
        _fact("atkins2004.sc_cycle",
           "repeated every 6 weeks; responders up to six cycles at 6-week intervals",
           "atkins2004", Tag.SEED),
        _fact("mcdermott2005.sc_rest_weeks",
           "read as 4 weeks of treatment and 2 weeks of rest",
           "mcdermott2005", Tag.MEMORY),
        _fact("atkins2004.response_checks",
           "tumour response assessed at weeks 6 and 12, then every 12 weeks",
           "atkins2004", Tag.SEED),
    ),
    policies=_dosing_policies(sc_week1_layout=SC_WEEK1_LAYOUT, sc_ifn_days=SC_IFN_DAYS),
    max_courses=6,
))

_add(Regimen(
    key="adjuvant-hd-il2",
    name="Adjuvant high-dose IL-2, one course (Clark 2003)",
    setting="resected high-risk RCC (T3b-4 or N1-3, or resected M1), after nephrectomy",
    components=(
        Component("aldesleukin", Decimal(600_000), "IU", "kg", "IV", 15, _fact(
            "clark2003.dose",
            "600,000 U/kg every 8 hours; the Cytokine Working Group used Chiron IU, so read as "
            "600,000 IU/kg (see docs/decisions.md#adjuvant-units)",
            "clark2003", Tag.SEED)),
    ),
    schedule=Q8hSchedule(),
    words={"block": "cycle", "pair": "course"},
    facts=(
        _fact("clark2003.one_course",
           "one course on days 1 to 5 and 15 to 19 (maximum 28 doses) versus observation; no "
           "retreatment",
           "clark2003", Tag.SEED),
        _HD_SCHEDULE_LABEL, _NO_REDUCTION, _BASELINE_WEIGHT,
    ),
    policies=_dosing_policies(),
    max_courses=1,
))

NOT_PROVIDED: dict[str, str] = {
    "il2-after-til": "IL-2 after tumour-infiltrating-lymphocyte infusion: hdil2's sources give "
    "no schedule, so hdil2 does not offer one",
    "ifn-alfa": "interferon alfa alone: hdil2's sources give a dose range (5-10 MU/m2 three "
    "times a week, atkins2004) but no regimen, duration or route, so hdil2 does not offer one; "
    "the comparator arm of the phase III trial in Atkins et al. 2004 (atkins2004) is low-dose "
    "s.c. IL-2 with interferon alfa-2b, sc-il2-ifn",
}


def regimen(key: str, field: str = "regimen") -> Regimen:
    """Look up a regimen by key; an unknown key is an :class:`InputError` listing the known ones."""
    try:
        return REGIMENS[key]
    except KeyError:
        extra = f" ({NOT_PROVIDED[key]})" if key in NOT_PROVIDED else ""
        raise InputError(
            field, f"unknown regimen {key!r}{extra}; known: {', '.join(REGIMENS)}", key
        ) from None


# --- the listing of ``hdil2 regimens`` ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ComponentSummary(Result):
    """One drug of a regimen as listed: the amount as written (``written``) and its parts."""

    agent: Agent
    written: str
    amount: Decimal
    unit: AmountUnit
    basis: Basis
    route: Route
    infusion_minutes: int | None

    @classmethod
    def of(cls, c: Component) -> ComponentSummary:
        return cls(c.agent, c.label, c.amount, c.unit, c.basis, c.route, c.infusion_minutes)


@dataclass(frozen=True, slots=True)
class PolicySummary(Result):
    """A named policy of a regimen: its default, the permitted choices and why it exists."""

    name: str
    default: str | int
    choices: tuple[str | int, ...]
    source: str
    tag: Tag
    text: str

    @classmethod
    def of(cls, p: Policy) -> PolicySummary:
        return cls(p.name, p.default, tuple(p.choices), p.source, p.tag, p.text)


def schedule_text(s: Schedule) -> str:
    """The schedule in one line, e.g. ``q8h, cycles on days 1, 15 (5 days), ≤14/cycle, …``."""
    if isinstance(s, Q8hSchedule):
        return (f"q{s.interval_hours}h, cycles on days {', '.join(map(str, s.cycle_start_days))}"
                f" ({s.cycle_days} days), ≤{s.max_doses_per_cycle}/cycle, "
                f"≤{s.max_doses_per_course}/course")
    return (f"weekly s.c. template, {s.treatment_weeks} weeks on in a {s.cycle_weeks}-week "
            "cycle")


@dataclass(frozen=True, slots=True)
class RegimenSummary(Result):
    """One regimen in full: its drugs, schedule, words, policies, sources and cited facts."""

    key: str
    name: str
    setting: str
    components: tuple[ComponentSummary, ...]
    schedule: Schedule
    schedule_text: str
    words: Mapping[str, str]
    max_courses: int | None
    policies: tuple[PolicySummary, ...]
    sources: tuple[str, ...]
    reasons: tuple[Reason, ...]

    @classmethod
    def of(cls, r: Regimen) -> RegimenSummary:
        return cls(
            key=r.key, name=r.name, setting=r.setting,
            components=tuple(ComponentSummary.of(c) for c in r.components),
            schedule=r.schedule, schedule_text=schedule_text(r.schedule), words=dict(r.words),
            max_courses=r.max_courses,
            policies=tuple(PolicySummary.of(p) for p in r.policies.values()),
            sources=r.sources, reasons=r.reasons())


@dataclass(frozen=True, slots=True)
class RegimenListing(Result):
    """The regimens hdil2 offers (or the one asked for), and the ones it deliberately does not.

    ``not_provided`` is empty when one regimen was asked for.
    """

    regimens: tuple[RegimenSummary, ...]
    not_provided: Mapping[str, str]

    @classmethod
    def of(cls, key: str | None = None) -> RegimenListing:
        """Every regimen, or the one called ``key`` (an unknown key names the field ``key``)."""
        if key is not None:
            return cls((RegimenSummary.of(regimen(key, "key")),), {})
        return cls(tuple(RegimenSummary.of(r) for r in REGIMENS.values()), dict(NOT_PROVIDED))


class RegimensRequest(BaseModel):
    """JSON input of ``hdil2 regimens``: every regimen, or the one called ``key``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str | None = Field(default=None, description="a regimen key; omit to list them all")

    def listing(self) -> RegimenListing:
        return RegimenListing.of(self.key)
