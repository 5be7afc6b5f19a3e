"""The virtual HD IL-2 patient, as data with its sources.

Every parameter is a field of a frozen dataclass and can be overridden with
:func:`dataclasses.replace`; every one names its source key (``hdil2 sources``) and, where it is
derived rather than printed, the docstring below says how.

**Course by course** (:class:`DiseaseModel`, Lee et al. 2000, ``lee2000``, Tables 3-5).  The
state of a patient after course k is the NCI response category relative to the pre-treatment
baseline: NR, MR, PR or CR (progression counts as NR, as in the paper's tables).

* ``first_response``: the response after course 1 - Table 3 (melanoma) / Table 4 (renal cell
  cancer), course 1, as printed (weights, normalised when used).
* ``transitions[k - 2][before][after]``: the response after course k (k = 2, 3, 4) by the status
  before it - the printed transition cells of course k, read by column (the status the patient
  was retreated in).
* ``fates[k - 1][status]``: what happened after course k to the patients with that status, as
  counts of :data:`FATES`: ``continue`` (given course k + 1: the treated-by-status counts of
  course k + 1) and the reasons for stopping of Table 5.  Table 5 is printed pooled over the
  two diseases and by courses completed only; the split by disease and status is the
  decomposition of Tables 3-5 into patient paths that hdil2's demo registry uses (the same
  counts, with the same documented assumptions: Table 5's "Other" cells of columns 3 and 4
  read as 7, 6; four melanoma PR patients stop for "complete response"; three renal CR
  patients stop for "other").  Derived, tag seed.

The fates mix two kinds of stop: the patient's (progression, IL-2 toxicity, death, "other":
refusal or intolerance) and the doctor's (``continue`` or stop for ``complete_response``: a
CR judged consolidated).  A course policy (:mod:`hdil2.sim.cohort`) keeps the patient's and
replaces the doctor's by its own rule; the paper's practice (policy ``lee2000``) keeps both.

*Courses the paper does not show.*  A status never seen at a course (all weights 0) borrows
that status' row from the nearest earlier course that has one, else from the nearest later
one; a status never seen at all stays as it is and stops for "other" (no patient of the paper
informs it).  Courses after the last printed one reuse its rows.  These are assumptions (tag
unverified), needed only by policies that give more courses than the paper did; course 4's
rows rest on 1 to 7 patients each, so a fifth or sixth course is barely informed (after
course 4 the paper's patients all stopped, most for reasons of their own, so few are
eligible for a fifth course under any policy).

**Selection groups** (:data:`SELECTION_GROUPS`): response rates printed per group, renal cell
cancer - the pathology model (``upton2005``: good 14/36, intermediate 15/77, poor 1/33,
non-clear cell 1/17, primary tumours), the two-compartment model (``atkins2005``: favourable
26/44, unfavourable 1/22 - derived from 26 of 27 responders and 18 of 39 non-responders in the
favourable group), favourable histology (``shablak2011``: 28/57) and the high-dose arm of the
phase III trial (``mcdermott2005``: 22/95).  How a cohort uses them: see
:func:`DiseaseModel.selected`.

**Survival** (:class:`SurvivalModel`): exponential by the status after the last course, with
the median in months, and a cure fraction for complete responders (their responses were
ongoing at the paper's data cut-off, ``lee2000``); treatment-related deaths (Table 5) at time
0.  The medians are assumptions (tag unverified), the same as the demo registry's follow-up:
time to progression (3 months without a response, the paper's median PR durations of 21
months for melanoma and 36 for renal cell cancer) plus survival after progression (6 months
melanoma, 10 renal cell cancer), the two medians added as an approximation.  Override them.

**Doses within a course** (:class:`DoseModel`).  A course has 28 scheduled doses (the label's
schedule, ``proleukin-label``: at most 14 doses per cycle, 28 per course; imported from
:class:`hdil2.clinical.treatment.regimens.Q8hSchedule`).  Each scheduled dose is held with a
probability by dose number, independently of the other doses and of the course's response
and fate.  By default the probability is a constant q, the same at every dose number and in
every course, calibrated to the label: patients received a median of 20 of the 28 doses of
course 1 in renal cell cancer and 18 in melanoma (``proleukin-label``, verified).  Doses given
are then Bin(28, 1 - q); q = 1 - m / 28 makes the mean 28 (1 - q) = m a whole number, and a
binomial whose mean is a whole number has that number as its median, so the median is exactly
the label's m (q = 2/7 renal cell cancer, 5/14 melanoma; the tests check it by exact binomial
arithmetic).  Derived, tag computed.  The constancy over dose numbers and courses and the
independence are assumptions (tag unverified: no source here prints holds by dose number);
override them with ``DoseModel.hold``, one row of 28 probabilities per course (the last row
serves the later courses).

**Survival by MSKCC risk group** (:data:`RISK_GROUPS`): the median overall survival of the
MSKCC 2002 risk groups of Motzer et al. 2002 (``motzer2002``, verified) - favourable 30,
intermediate 14, poor 5 months - imported from hdil2's MSKCC model
(:data:`hdil2.clinical.selection.models.mskcc.OUTCOMES_2002`).  Those patients were treated
with interferon-alfa, not HD IL-2.  A cohort in a risk group (:meth:`DiseaseModel.with_risk_group`)
gives its non-responders (status NR or MR after the last course: ``RiskGroup.statuses``) the
group's median; responders (PR, CR) keep the model's medians and cure fraction.  That HD IL-2
non-responders survive like interferon-treated patients of the same group, and that the
group's median (from the start of interferon) serves as the median from the end of IL-2
treatment, are assumptions (tag unverified).  Override the rule with
``dataclasses.replace(group, statuses=..., median_os_months=...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hdil2.clinical.selection.models.mskcc import OUTCOMES_2002
from hdil2.clinical.treatment.regimens import Q8hSchedule
from hdil2.core.errors import InputError
from hdil2.core.sources import Tag

STATUSES: tuple[str, ...] = ("NR", "MR", "PR", "CR")
#: what happens after a course: another course, or a Table 5 reason for stopping
FATES: tuple[str, ...] = ("continue", "progressive_disease", "il2_toxicity", "death",
                          "complete_response", "other")
#: the fates that are the patient's, whatever the policy
PATIENT_STOPS: tuple[str, ...] = ("progressive_disease", "il2_toxicity", "death", "other")
DISEASES: tuple[str, ...] = ("melanoma", "rcc")

Row = tuple[float, ...]
Matrix = tuple[Row, ...]

#: scheduled doses of a course (the label: at most 14 per cycle, 28 per course)
DOSE_SLOTS: int = Q8hSchedule().max_doses_per_course


@dataclass(frozen=True, slots=True)
class SurvivalModel:
    """Overall survival from the end of treatment: exponential with ``median_months`` by the
    status after the last course (NR, MR, PR, CR), a ``cure_fraction_cr`` of complete
    responders who do not die of the disease within the horizon; patients who stop for
    "death" die at time 0.  Source ``source`` (assumptions, tag ``tag``: see the module doc)."""

    median_months: Row
    cure_fraction_cr: float
    source: str = "lee2000"
    tag: Tag = Tag.UNVERIFIED


@dataclass(frozen=True, slots=True)
class DoseModel:
    """The doses of a course: each of the :data:`DOSE_SLOTS` scheduled doses held with a
    probability by dose number, independently.  ``median_doses_course1`` is the label's median
    of doses given in course 1 (``source``, tag ``tag``); ``hold`` (optional) gives the hold
    probabilities, one row of :data:`DOSE_SLOTS` per course (course k uses row k, the last row
    the later courses); without it every dose of every course is held with the calibrated
    constant 1 - median / 28 (see the module docstring: the median of doses given in course 1
    is then exactly the label's)."""

    median_doses_course1: int
    hold: Matrix | None = None
    source: str = "proleukin-label"
    tag: Tag = Tag.VERIFIED

    def __post_init__(self) -> None:
        m = self.median_doses_course1
        if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= DOSE_SLOTS - 1:
            raise InputError("doses.median_doses_course1",
                             f"a whole number from 1 to {DOSE_SLOTS - 1}", m)
        if self.hold is None:
            return
        if not isinstance(self.hold, tuple) or not self.hold:
            raise InputError("doses.hold", f"one or more rows of {DOSE_SLOTS} probabilities "
                             "(one per course)", self.hold)
        for k, row in enumerate(self.hold):
            if (not isinstance(row, tuple) or len(row) != DOSE_SLOTS
                    or any(not isinstance(x, int | float) or isinstance(x, bool)
                           or not 0 <= x <= 1 for x in row)):
                raise InputError(f"doses.hold[{k}]", f"{DOSE_SLOTS} probabilities from 0 to 1",
                                 row)

    @property
    def calibrated(self) -> float:
        """The constant per-dose hold probability whose Bin(28, 1 - q) median is the label's
        median: q = 1 - median / 28."""
        return 1 - self.median_doses_course1 / DOSE_SLOTS

    def hold_probabilities(self, courses: int) -> tuple[Row, ...]:
        """``p[k][j]``: the probability that dose j + 1 of course k + 1 is held, for courses
        1..``courses``."""
        rows = self.hold if self.hold is not None else ((self.calibrated,) * DOSE_SLOTS,)
        return tuple(tuple(float(x) for x in rows[min(k, len(rows) - 1)])
                     for k in range(courses))


@dataclass(frozen=True, slots=True)
class RiskGroup:
    """A prognostic risk group's median overall survival (``median_os_months``) and the
    statuses after the last course that take it (``statuses``: the non-responders by
    default); the other statuses keep the model's survival.  See the module docstring."""

    name: str
    median_os_months: float
    text: str
    statuses: tuple[str, ...] = ("NR", "MR")
    disease: str = "rcc"
    source: str = "motzer2002"
    tag: Tag = Tag.VERIFIED

    def __post_init__(self) -> None:
        m = self.median_os_months
        if isinstance(m, bool) or not isinstance(m, int | float) or not m > 0:
            raise InputError("risk_group.median_os_months", "a positive number of months", m)
        if not self.statuses or any(s not in STATUSES for s in self.statuses):
            raise InputError("risk_group.statuses", f"one or more of {list(STATUSES)}",
                             self.statuses)


@dataclass(frozen=True, slots=True)
class DiseaseModel:
    """One disease's virtual patient (see the module docstring for every field)."""

    disease: str
    n_patients: int
    first_response: Row
    transitions: tuple[Matrix, ...]
    fates: tuple[Matrix, ...]
    survival: SurvivalModel
    doses: DoseModel
    source: str = "lee2000"
    tag: Tag = Tag.SEED

    def __post_init__(self) -> None:
        _check_row("first_response", self.first_response, len(STATUSES))
        for k, m in enumerate(self.transitions):
            for s, row in enumerate(m):
                _check_row(f"transitions[{k}][{s}]", row, len(STATUSES), empty_ok=True)
        for k, m in enumerate(self.fates):
            for s, row in enumerate(m):
                _check_row(f"fates[{k}][{s}]", row, len(FATES), empty_ok=True)
        if len(self.fates) != len(self.transitions) + 1:
            raise InputError("fates", "one more course than transitions (course 1 has none)",
                             len(self.fates))
        if not 0 <= self.survival.cure_fraction_cr <= 1:
            raise InputError("survival.cure_fraction_cr", "from 0 to 1",
                             self.survival.cure_fraction_cr)
        _check_row("survival.median_months", self.survival.median_months, len(STATUSES))
        if any(m <= 0 for m in self.survival.median_months):
            raise InputError("survival.median_months", "positive", self.survival.median_months)
        if not isinstance(self.doses, DoseModel):
            raise InputError("doses", "a DoseModel", type(self.doses).__name__)

    def with_risk_group(self, group: RiskGroup) -> DiseaseModel:
        """The model of patients in a risk ``group``: the statuses of ``group.statuses``
        survive with the group's median, the others (and the cure fraction) as before."""
        if not isinstance(group, RiskGroup):
            raise InputError("risk_group", f"one of {sorted(RISK_GROUPS)}", group)
        if group.disease != self.disease:
            raise InputError("risk_group", f"a risk group of {self.disease!r} patients "
                             f"({group.name!r} is a {group.disease} group)", group.name)
        med = tuple(float(group.median_os_months) if s in group.statuses else m
                    for s, m in zip(STATUSES, self.survival.median_months, strict=True))
        return replace(self, survival=replace(self.survival, median_months=med))

    def transition_probabilities(self, courses: int) -> tuple[tuple[Row, ...], ...]:
        """``p[k][before][after]`` for courses 2..``courses`` (index k = course - 2), each row
        normalised, with the fallbacks of the module docstring."""
        rows = [_fill(tuple(m[s] for m in self.transitions), len(STATUSES),
                      _stay(s)) for s in range(len(STATUSES))]
        return tuple(tuple(_norm(rows[s][min(k, len(self.transitions) - 1)])
                           for s in range(len(STATUSES)))
                     for k in range(courses - 1))

    def fate_probabilities(self, courses: int) -> tuple[tuple[Row, ...], ...]:
        """``p[k][status][fate]`` after courses 1..``courses`` (index k = course - 1),
        normalised, with the fallbacks of the module docstring."""
        other = tuple(1.0 if f == "other" else 0.0 for f in FATES)
        rows = [_fill(tuple(m[s] for m in self.fates), len(FATES), other)
                for s in range(len(STATUSES))]
        return tuple(tuple(_norm(rows[s][min(k, len(self.fates) - 1)])
                           for s in range(len(STATUSES)))
                     for k in range(courses))

    def selected(self, group: SelectionGroup | None) -> DiseaseModel:
        """The model of a population selected into ``group``: the response after course 1
        rescaled so that its objective responses (PR + CR) are the group's printed response
        rate, keeping CR:PR and NR:MR as in the paper; later courses unchanged.  Derived: the
        groups' rates are best responses, applied here to course 1 (where most of the paper's
        responses are first seen)."""
        if group is None:
            return self
        if group.disease != self.disease:
            raise InputError("selection", f"a group of {self.disease!r} patients",
                             group.name)
        nr, mr, pr, cr = _norm(self.first_response)
        rate = group.responders / group.patients
        obj, non = pr + cr, nr + mr
        if obj == 0 or non == 0:
            raise InputError("first_response", "both responses (PR, CR) and non-responses "
                             "(NR, MR) to rescale to a selection group", self.first_response)
        first = (nr / non * (1 - rate), mr / non * (1 - rate), pr / obj * rate,
                 cr / obj * rate)
        return replace(self, first_response=first)


@dataclass(frozen=True, slots=True)
class SelectionGroup:
    """A selected population and its printed response rate (responders / patients)."""

    name: str
    disease: str
    responders: int
    patients: int
    source: str
    text: str
    tag: Tag = Tag.VERIFIED


@dataclass(frozen=True, slots=True)
class VirtualPatientModel:
    """The virtual patients of every disease (override any part with dataclasses.replace)."""

    name: str
    diseases: tuple[DiseaseModel, ...]

    def disease(self, name: str) -> DiseaseModel:
        for d in self.diseases:
            if d.disease == name:
                return d
        raise InputError("disease", f"one of {[d.disease for d in self.diseases]}", name)


def _check_row(field: str, row: Row, size: int, empty_ok: bool = False) -> None:
    if len(row) != size:
        raise InputError(field, f"{size} weights", row)
    if any(not isinstance(x, int | float) or isinstance(x, bool) or not x >= 0 for x in row):
        raise InputError(field, "non-negative numbers", row)
    if not empty_ok and sum(row) <= 0:
        raise InputError(field, "at least one positive weight", row)


def _norm(row: Row) -> Row:
    total = float(sum(row))
    return tuple(x / total for x in row)


def _stay(s: int) -> Row:
    return tuple(1.0 if j == s else 0.0 for j in range(len(STATUSES)))


def _fill(by_course: tuple[Row, ...], size: int, default: Row) -> list[Row]:
    """Each course's row, an empty row (no patient) replaced by the nearest earlier course's
    row that has patients, else the nearest later one's, else ``default``."""
    seen = [k for k, r in enumerate(by_course) if sum(r) > 0]
    out: list[Row] = []
    for k, r in enumerate(by_course):
        if sum(r) > 0:
            out.append(r)
            continue
        earlier = [j for j in seen if j < k]
        later = [j for j in seen if j > k]
        out.append(by_course[earlier[-1]] if earlier else by_course[later[0]] if later
                   else default)
    return out


def _t(**cells: int) -> Row:
    """A row of transition weights by status after (NR, MR, PR, CR)."""
    return tuple(float(cells.get(s, 0)) for s in STATUSES)


def _f(cont: int = 0, pd: int = 0, tox: int = 0, death: int = 0, cr: int = 0,
       other: int = 0) -> Row:
    """A row of fate weights in the order of :data:`FATES`."""
    return (float(cont), float(pd), float(tox), float(death), float(cr), float(other))


_Z = _t()
_ZF = _f()

#: Lee et al. 2000 (``lee2000``) Table 3, melanoma: 149 patients.
MELANOMA = DiseaseModel(
    disease="melanoma",
    n_patients=149,
    first_response=_t(NR=128, PR=18, CR=3),
    transitions=(
        # course 2, by status before (NR, MR, PR, CR)
        (_t(NR=41, PR=2), _Z, _t(PR=16, CR=1), _t(CR=3)),
        # course 3
        (_t(NR=8), _Z, _t(PR=10, CR=1), _t(CR=1)),
        # course 4
        (_t(NR=1), _Z, _t(PR=3), _Z),
    ),
    fates=(
        # after course 1, by status (NR, MR, PR, CR)
        (_f(43, 80, 2, 1, 0, 2), _ZF, _f(17, 0, 1), _f(3)),
        # after course 2
        (_f(8, 30, other=3), _ZF, _f(11, tox=2, cr=1, other=4), _f(1, cr=3)),
        # after course 3
        (_f(1, 7), _ZF, _f(3, cr=3, other=4), _f(cr=2)),
        # after course 4
        (_f(pd=1), _ZF, _f(tox=1, other=2), _ZF),
    ),
    survival=SurvivalModel(median_months=(9.0, 9.0, 27.0, 27.0), cure_fraction_cr=1.0),
    # proleukin-label: a median of 18 of the 28 doses of course 1 in melanoma
    doses=DoseModel(median_doses_course1=18),
)

#: Lee et al. 2000 (``lee2000``) Table 4, renal cell cancer: 201 patients.
RCC = DiseaseModel(
    disease="rcc",
    n_patients=201,
    first_response=_t(NR=166, MR=1, PR=30, CR=4),
    transitions=(
        # course 2, by status before (NR, MR, PR, CR)
        (_t(NR=60, MR=1, PR=2), _t(PR=1), _t(PR=25, CR=3), _t(CR=4)),
        # course 3
        (_t(NR=9), _t(CR=1), _t(PR=13, CR=8), _t(CR=7)),
        # course 4
        (_t(NR=1), _Z, _t(PR=5, CR=2), _t(CR=2)),
    ),
    fates=(
        (_f(63, 96, 3, 2, 0, 2), _f(1), _f(28, tox=2), _f(4)),
        (_f(9, 47, other=4), _f(1), _f(21, tox=3, other=4), _f(7)),
        (_f(1, 8), _ZF, _f(7, 2, 1, other=3), _f(2, cr=14)),
        (_f(pd=1), _ZF, _f(pd=4, other=1), _f(cr=1, other=3)),
    ),
    survival=SurvivalModel(median_months=(13.0, 13.0, 46.0, 46.0), cure_fraction_cr=1.0),
    # proleukin-label: a median of 20 of the 28 doses of course 1 in renal cell cancer
    doses=DoseModel(median_doses_course1=20),
)

#: the virtual patients of Lee et al. 2000 (``lee2000``)
LEE2000 = VirtualPatientModel("lee2000", (MELANOMA, RCC))

#: response rates by selection group (renal cell cancer); see the module docstring
SELECTION_GROUPS: dict[str, SelectionGroup] = {g.name: g for g in (
    SelectionGroup("pathology-good", "rcc", 14, 36, "upton2005",
                   "pathology model good (alveolar > 50 %, no granular or papillary features)"),
    SelectionGroup("pathology-intermediate", "rcc", 15, 77, "upton2005",
                   "pathology model intermediate"),
    SelectionGroup("pathology-poor", "rcc", 1, 33, "upton2005", "pathology model poor"),
    SelectionGroup("non-clear-cell", "rcc", 1, 17, "upton2005", "non-clear cell histology"),
    SelectionGroup("ca9-favourable", "rcc", 26, 44, "atkins2005",
                   "two-compartment model favourable (pathology good, or intermediate with "
                   "high CA-IX): 26 of 27 responders and 18 of 39 non-responders",
                   Tag.COMPUTED),
    SelectionGroup("ca9-unfavourable", "rcc", 1, 22, "atkins2005",
                   "two-compartment model unfavourable: 1 of 27 responders and 21 of 39 "
                   "non-responders", Tag.COMPUTED),
    SelectionGroup("favourable-histology", "rcc", 28, 57, "shablak2011",
                   "favourable histology, first line"),
    SelectionGroup("hd-arm", "rcc", 22, 95, "mcdermott2005",
                   "high-dose arm of the phase III trial"),
)}


def _median_months(group: str) -> float:
    value = OUTCOMES_2002[group].figures["median_os_months"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("risk_group.median_os_months", "a number of months", value)
    return float(value)


#: median overall survival by MSKCC 2002 risk group (motzer2002), renal cell cancer; see the
#: module docstring for how a cohort uses them
RISK_GROUPS: dict[str, RiskGroup] = {g: RiskGroup(
    g, _median_months(g), OUTCOMES_2002[g].text, source=OUTCOMES_2002[g].source,
    tag=OUTCOMES_2002[g].tag) for g in OUTCOMES_2002}
