"""Hypothesis strategies of valid requests: treatment operations.

Each strategy draws requests an operation should answer (plausible values, every option
exercised); a few may still be refused by a rule that crosses fields, which the tests treat as
"not a valid input" rather than a failure.  A test fails when an operation has no strategy.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

REGIMENS_Q8H = ("hd-il2-600k", "hd-il2-720k", "hd-il2-1.33mgm2", "hd-il2-ifn", "adjuvant-600k")

WEIGHTS = st.decimals(min_value=25, max_value=300, places=1).map(lambda d: f"{d} kg")
HEIGHTS = st.decimals(min_value=120, max_value=230, places=0).map(lambda d: f"{d} cm")
ZONES = st.sampled_from(("America/New_York", "Europe/Berlin", "Australia/Sydney",
                         "Asia/Tokyo", "America/Los_Angeles"))


@st.composite
def regimens(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.treatment.regimens import REGIMENS

    key = draw(st.one_of(st.none(), st.sampled_from(sorted(REGIMENS))))
    return {} if key is None else {"key": key}


@st.composite
def dose(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.treatment.regimens import REGIMENS

    req: dict[str, Any] = {"regimen": draw(st.sampled_from(sorted(REGIMENS))),
                           "weight": draw(WEIGHTS), "height": draw(HEIGHTS),
                           "sex": draw(st.sampled_from(("female", "male"))),
                           "bsa_formula": draw(st.sampled_from(("mosteller", "dubois")))}
    if draw(st.booleans()):
        req["policies"] = {"vial_drawable": draw(st.sampled_from(("reconstituted", "nominal")))}
    return req


@st.composite
def calendar(draw: st.DrawFn) -> dict[str, Any]:
    from hdil2.clinical.treatment.regimens import REGIMENS

    day = draw(st.dates(min_value=__import__("datetime").date(2024, 1, 1),
                        max_value=__import__("datetime").date(2027, 12, 31)))
    hour = draw(st.sampled_from(("00:00", "06:00", "08:00", "14:00", "16:00", "22:00")))
    return {"regimen": draw(st.sampled_from(sorted(REGIMENS))),
            "first_dose": f"{day.isoformat()}T{hour}", "tz": draw(ZONES)}


STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "regimens": regimens(),
    "dose": dose(),
    "calendar": calendar(),
}
