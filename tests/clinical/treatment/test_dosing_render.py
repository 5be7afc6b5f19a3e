"""Human output of `hdil2 dose`, `calendar` and `regimens` at 80 and 120 columns.

A number is never wrapped mid-digit and a date is never cut (issue 8 items 19 and 5): every
figure below must appear whole on one line, and no line is wider than the terminal.
"""

import pytest

from hdil2.cli.invoke import invoke


def run(args: list[str], width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = invoke(args)
    assert code == 0, err
    assert all(len(line) <= width for line in out.splitlines()), out
    return out


@pytest.mark.parametrize("width", [80, 120])
def test_item5_dose_table_numbers_whole_and_vial_amount_named(
        width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    out = run(["dose", "--regimen", "hd-il2-600k", "--weight", "70 kg"], width, monkeypatch)
    # 600,000 × 70 = 42,000,000 IU; × 14 = 588,000,000; × 28 = 1,176,000,000; 2 vials per dose
    for shown in ("42,000,000 IU (2.567 mg)", "588,000,000 IU, 28 vials",
                  "1,176,000,000 IU, 56 vials", "21,600,000 IU per vial", "2.33 mL",
                  "49.0 µg/mL in 52.33 mL"):
        assert shown in out, shown
    nominal = run(["dose", "--regimen", "hd-il2-600k", "--weight", "36.5 kg", "--policy",
                   "vial_drawable=nominal"], width, monkeypatch)
    # 36.5 × 600,000 = 21,900,000 IU ≤ 22 MIU: one vial at the labelled content
    assert "1 single-dose vial, counted at 22,000,000 IU per vial" in nominal


@pytest.mark.parametrize("width", [80, 120])
def test_item4_dose_header_shows_both_weights(width: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = run(["dose", "--regimen", "hd-il2-600k", "--weight", "50 kg", "--height", "165 cm",
               "--sex", "male", "--policy", "weight_basis=ideal"], width, monkeypatch)
    assert "dosing weight 50.00 kg" in out
    assert "61.41 kg" in out
    assert "30,000,000 IU" in out  # 600,000 × 50


@pytest.mark.parametrize("width", [80, 120])
def test_calendar_dates_never_cut(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    out = run(["calendar", "--regimen", "hd-il2-600k", "--start", "2026-03-06T02:30", "--tz",
               "America/New_York"], width, monkeypatch)
    # dose 7 falls in the 8 March gap (02:30 does not exist) and is given at 03:30 EDT
    assert "Sun 08 Mar 03:30 EDT" in out
    assert "02:30 does not exist" in out
    assert "Fri 06 Mar 2026 02:30 EST (UTC-05:00)" in out
    sc = run(["calendar", "--regimen", "sc-il2-ifn", "--start", "2026-04-06T08:00", "--tz",
              "Europe/London"], width, monkeypatch)
    assert "Mon 06 Apr 08:00 BST" in sc


@pytest.mark.parametrize("width", [80, 120])
def test_regimen_keys_never_wrap(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    out = run(["regimens"], width, monkeypatch)
    for key in ("hd-il2-1.33mgm2", "il2-ifn-atkins1993", "adjuvant-hd-il2", "proleukin-label",
                "rosenberg1994", "mcdermott2005"):
        assert key in out, key
