"""Issue 9 item 5: the iRECIST and bidimensional assessors are split into named steps, as the
RECIST 1.1 assessor is, and each step can be checked on its own against the guideline's numbers.

iRECIST (Seymour et al. 2017, ``irecist``; RECIST FAQ, ``recist-faq``): a new lesion is a
new-lesion target when its longest diameter is >= 10 mm (a node: short axis >= 15 mm), at most
5 in all and 2 per organ; confirmation needs a further >= 5 mm, or an additional new lesion; a
scan < 4 weeks after iUPD is disregarded unless done for new symptoms and showing a new lesion.
WHO (``who1981``): PD is a >= 25 % increase of a lesion, PR a >= 50 % decrease of the sum of
products.  NCI (``lee2000``): PR r >= 0.50 with no new or growing lesion, MR 0.25 <= r < 0.50.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hdil2.clinical.response import bidimensional as bi
from hdil2.clinical.response import irecist as ir
from hdil2.clinical.response.models import Lesion, NewLesion, Visit

D0 = dt.date(2024, 1, 1)


def visit(day: int, new: list[dict[str, Any]] | None = None, **extra: Any) -> Visit:
    return Visit.model_validate({"date": D0 + dt.timedelta(days=day), "lesions": {},
                                 "new_lesions": new or [], **extra})


def pending(basis: tuple[str, ...], target_sum: str | None = "50", nlt_sum: str = "0",
            seen: tuple[str, ...] = ()) -> ir.PendingIupd:
    return ir.PendingIupd(D0, frozenset(basis),
                          Decimal(target_sum) if target_sum is not None else None,
                          Decimal(nlt_sum), frozenset(seen))


# --- iRECIST ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("organ", "node", "ld", "sa", "is_nlt"), [
    ("liver", False, "10", None, True), ("liver", False, "9.9", None, False),
    ("node", True, None, "15", True), ("node", True, "30", "14.9", False),
])
def test_item9_new_lesion_target_measurability(organ: str, node: bool, ld: str | None,
                                               sa: str | None, is_nlt: bool) -> None:
    book = ir.NewLesionBook()
    book.admit(NewLesion(id="X1", organ=organ, is_lymph_node=node,
                         ld_mm=Decimal(ld) if ld else None, sa_mm=Decimal(sa) if sa else None))
    assert (book.nlt == ["X1"]) is is_nlt
    assert book.seen == {"X1"}


def test_item9_new_lesion_targets_at_most_five_and_two_per_organ() -> None:
    book = ir.NewLesionBook()
    organs = ["lung", "lung", "lung", "liver", "bone", "skin", "brain"]
    for i, organ in enumerate(organs):
        book.admit(NewLesion(id=f"X{i}", organ=organ, ld_mm=Decimal(20)))
    assert book.nlt == ["X0", "X1", "X3", "X4", "X5"]  # the third lung lesion is not; 5 in all
    assert len(book.seen) == 7


def test_item9_read_new_lesions_names_the_additional_ones_and_the_nlt_sum() -> None:
    book = ir.NewLesionBook()
    first = ir.read_new_lesions(visit(63, [{"id": "X1", "organ": "lung", "ld_mm": 12},
                                           {"id": "E1", "organ": "skin", "equivocal": True}]),
                                book)
    assert first.additional == ("X1",)  # the equivocal one does not count
    assert (first.nlt_sum, first.nlt_joined) == (Decimal(12), True)
    again = ir.read_new_lesions(visit(126, [{"id": "X1", "organ": "lung", "ld_mm": 17},
                                            {"id": "X2", "organ": "bone", "ld_mm": 4,
                                             "increased_since_last": True}]), book)
    assert again.additional == ("X2",)
    assert (again.nlt_sum, again.nlt_joined) == (Decimal(17), False)
    assert again.grew == ("X2",)  # a new non-target lesion that grew
    assert again.since(pending(("new_lesions",), seen=("X1",))) == ["X2"]


def test_item9_progression_basis_names_each_category() -> None:
    book = ir.NewLesionBook()
    none = ir.read_new_lesions(visit(63), book)
    comp = ir.Components("PD", Decimal(60), Decimal(60), "PD", None, ())
    assert ir.progression_basis(comp, none, book, None) == {"target", "non_target"}
    quiet = ir.Components("SD", Decimal(45), Decimal(45), "NON-CR/NON-PD", None, ())
    assert ir.progression_basis(quiet, none, book, None) == frozenset()
    new = ir.read_new_lesions(visit(126, [{"id": "X1", "organ": "lung", "ld_mm": 12}]), book)
    assert ir.progression_basis(quiet, new, book, None) == {"new_lesions"}


@pytest.mark.parametrize(("now", "confirmed"), [("54.9", False), ("55", True)])
def test_item9_confirmation_needs_five_mm_more_than_at_iupd(now: str, confirmed: bool) -> None:
    why = ir.confirmation(pending(("target",)), "SD", "NA", Decimal(now), Decimal(now),
                          Decimal(40), [], Decimal(0), [], [])
    assert bool(why) is confirmed


def test_item9_confirmation_by_an_additional_new_lesion_or_newly_met_pd() -> None:
    p = pending(("target",))
    assert ir.confirmation(p, "SD", "NA", Decimal(50), Decimal(50), Decimal(40), ["X9"],
                           Decimal(0), [], []) == ["additional new lesion(s) X9"]
    why = ir.confirmation(p, "SD", "PD", Decimal(50), Decimal(50), Decimal(40), [], Decimal(0),
                          [], [])
    assert why == ["non-target PD newly met (not a basis of the iUPD)"]


@pytest.mark.parametrize(("day", "symptoms", "new", "disregarded"), [
    (27, False, None, True), (28, False, None, False),
    (14, True, [{"id": "X1", "organ": "brain"}], False),  # symptom-driven, new lesion
    (14, True, None, True), (14, False, [{"id": "X1", "organ": "brain"}], True),
])
def test_item9_scan_before_four_weeks_is_disregarded(day: int, symptoms: bool,
                                                     new: list[dict[str, Any]] | None,
                                                     disregarded: bool) -> None:
    v = visit(day, new, for_new_symptoms=symptoms)
    lesions = ir.read_new_lesions(v, ir.NewLesionBook())
    reason = ir.disregarded_scan(pending(("target",)), v, lesions, {})
    assert (reason is not None) is disregarded
    if reason is not None:
        assert reason.rule == "irecist.scan_too_early"
        assert reason.inputs["days_after_iupd"] == day


def test_item9_icr_needs_every_new_lesion_gone() -> None:
    assert ir.non_pd_response("CR", "CR", False, {})[0] == "iCR"
    cat, reason = ir.non_pd_response("CR", "CR", True, {})
    assert cat == "iPR"
    assert "new lesions persist" in reason.text
    assert ir.non_pd_response("NA", "CR", True, {})[0] == "NON-iCR/NON-iUPD"


def test_item9_after_iupd_stays_resets_or_confirms() -> None:
    book = ir.NewLesionBook()
    none = ir.read_new_lesions(visit(161), book)
    p = pending(("target",), target_sum="50")
    still = ir.Components("PD", Decimal(54), Decimal(54), "NA", None, ())
    assert ir.after_iupd(p, still, none, Decimal(40), "stay_iupd", {})[0::2] == ("iUPD", False)
    shrunk = ir.Components("SD", Decimal(36), Decimal(36), "NA", None, ())
    cat, reasons, reset = ir.after_iupd(p, shrunk, none, Decimal(40), "stay_iupd", {})
    assert (cat, reset) == ("iSD", True)
    assert [r.rule for r in reasons] == ["irecist.overall.sd", "irecist.reset"]
    grown = ir.Components("PD", Decimal(56), Decimal(56), "NA", None, ())
    cat, reasons, reset = ir.after_iupd(p, grown, none, Decimal(40), "stay_iupd", {})
    assert (cat, reset, reasons[0].rule) == ("iCPD", False, "irecist.icpd")


# --- WHO and NCI bidimensional ---------------------------------------------------------------

A = Lesion(id="A", organ="liver", kind="target")
N = Lesion(id="N", organ="mediastinum", kind="target", is_lymph_node=True)


def burden(**products: int) -> bi.Burden:
    ps = {k: Decimal(v) for k, v in products.items()}
    return bi.Burden(ps, (), sum(ps.values(), Decimal(0)))


def test_item9_measure_targets_products_and_missing() -> None:
    v = Visit.model_validate({"date": D0, "lesions": {"A": {"ld_mm": 20, "perp_mm": 15},
                                                      "N": {"status": "not_evaluated"}}})
    b = bi.measure_targets([A, N], v)
    assert (dict(b.products), b.missing, b.spd) == ({"A": Decimal(300)}, ("N",), Decimal(300))
    assert not b.complete


@pytest.mark.parametrize(("now", "grown"), [(499, False), (500, True)])
def test_item9_growth_is_25_percent_over_the_lesion_reference(now: int, grown: bool) -> None:
    # reference 400 mm² (the lesion's smallest product): 500 is exactly +25 %
    g = bi.growth(burden(A=now), {"A": Decimal(600)}, {"A": Decimal(400)}, Decimal(400), True,
                  "lesion_nadir", "lesion_nadir")
    assert (g.grown == ("A",)) is grown
    assert g.growing == ("A",)
    base = bi.growth(burden(A=now), {"A": Decimal(600)}, {"A": Decimal(400)}, Decimal(400),
                     True, "lesion_baseline", "lesion_baseline")
    assert base.grown == ()
    assert base.growing == ()


@pytest.mark.parametrize(("spd", "expected"), [(500, "PR"), (501, "MR"), (750, "MR"),
                                               (751, "NR")])
def test_item9_nci_grades_by_the_reduction_r(spd: int, expected: str) -> None:
    # baseline SPD 1000 mm²: r = 0.50 at 500, 0.25 at 750
    quiet = bi.NonTargets((), (), ())
    cat, rule, _ = bi.nci_response(burden(A=spd), Decimal(1000), True, False, quiet,
                                   bi.Growth((), False, ()))
    assert (cat, rule) == (expected, f"nci.{expected.lower()}")


def test_item9_nci_growing_lesion_turns_pr_into_mr() -> None:
    quiet = bi.NonTargets((), (), ())
    cat, _, text = bi.nci_response(burden(A=300, N=100), Decimal(1000), True, False, quiet,
                                   bi.Growth((), False, ("N",)))
    assert cat == "MR"
    assert "N grew, so not PR" in text


@pytest.mark.parametrize(("spd", "expected"), [(500, "PR"), (501, "NC")])
def test_item9_who_pr_is_half_the_baseline_sum(spd: int, expected: str) -> None:
    assert bi.who_response(burden(A=spd), Decimal(1000), True)[0] == expected


def test_item9_overall_order_pd_then_ne_then_cr() -> None:
    quiet = bi.NonTargets((), (), ())
    no_growth = bi.Growth((), False, ())
    missing = bi.Burden({}, ("A",), Decimal(0))
    pd = bi.overall_response("who", "who", ["a new lesion"], missing, quiet, True, no_growth,
                             Decimal(1000), True)
    assert pd[:2] == ("PD", "who.pd")
    # with nci_pd_rule = none, the same visit is NE (a target not evaluated)
    assert bi.overall_response("nci", "none", ["a new lesion"], missing, quiet, True,
                               no_growth, Decimal(1000), True)[:2] == ("NE", "nci.ne")
    cr = bi.overall_response("nci", "who", [], burden(A=0), quiet, False, no_growth,
                             Decimal(1000), True)
    assert cr[:2] == ("CR", "nci.cr")
