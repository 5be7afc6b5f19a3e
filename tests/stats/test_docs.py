"""Every worked example of docs/statistics.md and docs/trial-design.md is run (issue 8 item 21).

* Each ``$ hdil2 …`` line of a ``console`` block is run at 80 columns; the lines the page shows
  after it are the command's output (a last line ``…`` means the page stops quoting there).
* Each table of numbers is rebuilt from the API and compared cell by cell, and each number
  quoted in the prose is recomputed.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from hdil2.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
DOCS = {name: ROOT / "docs" / name for name in ("statistics.md", "trial-design.md")}


def _examples() -> list[tuple[str, str, list[str]]]:
    """(page, command, lines shown after it) for every console example of the pages."""
    out = []
    for page, path in DOCS.items():
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
            current: list[str] | None = None
            for line in block.splitlines():
                if line.startswith("$ "):
                    current = []
                    out.append((page, line[2:], current))
                elif current is not None:
                    current.append(line)
    return out


EXAMPLES = _examples()


def test_item21_the_pages_have_examples() -> None:
    pages = {page for page, _, _ in EXAMPLES}
    assert pages == set(DOCS)
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize(("page", "command", "shown"), EXAMPLES,
                         ids=[f"{p}: {c[:60]}" for p, c, _ in EXAMPLES])
def test_item21_console_example_prints_what_the_page_shows(
        page: str, command: str, shown: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "80")
    args = shlex.split(command)
    assert args[0] == "hdil2"
    code = main(args[1:])
    out = capsys.readouterr()
    assert code == 0, out.err
    got = [line.rstrip() for line in out.out.splitlines()]
    want = [line.rstrip() for line in shown]
    if want and want[-1] == "…":
        want = want[:-1]
        got = got[: len(want)]
    assert got == want


@pytest.mark.parametrize(("page", "command", "shown"), EXAMPLES,
                         ids=[f"{p}: {c[:60]}" for p, c, _ in EXAMPLES])
def test_item9_example_json_validates_against_the_output_schema(
        page: str, command: str, shown: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each example's ``--json`` answer is what its operation's output schema describes."""
    import json

    import jsonschema

    from hdil2 import app

    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    code = main([*args, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    schema = app.operation(f"{args[0]}-{args[1]}").output_schema()
    jsonschema.validate(json.loads(out.out), schema)


# ---- tables ------------------------------------------------------------------------------

def _table(page: str, header: str) -> list[list[str]]:
    """The body rows of the first markdown table whose header starts with ``| header |``."""
    lines = DOCS[page].read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def _p(x: float, digits: int) -> str:
    return f"{x:.{digits}f}"


def test_item21_statistics_papers_table() -> None:
    from hdil2.stats.proportions import cochran_armitage, compare_proportions
    from hdil2.stats.sample_size import two_proportions_power

    def fisher(x1: int, n1: int, x2: int, n2: int, d: int = 4) -> str:
        return _p(compare_proportions(x1, n1, x2, n2).fisher_p, d)

    ca = compare_proportions(21, 27, 20, 39)
    two = compare_proportions(26, 27, 18, 39)
    trend = cochran_armitage([14, 15, 1], [36, 77, 33])
    want = [
        fisher(22, 96, 9, 96), fisher(22, 95, 9, 91), fisher(9, 96, 2, 96),
        fisher(10, 95, 3, 91),
        f"OR {ca.estimate('odds_ratio_sample').estimate:.3f}, P = {ca.fisher_p:.4f}",
        f"OR {two.estimate('odds_ratio_sample').estimate:.2f}, P = {two.fisher_p:.1e}",
        fisher(30, 146, 1, 17),
        f"z = {trend.z:.3f}, P = {trend.p_value:.5f}".replace("-", "−"),
        f"power {two_proportions_power(0.7, 0.4, 34, sides=2).power:.4f} two-sided, "
        f"{two_proportions_power(0.7, 0.4, 34, sides=1).power:.4f} one-sided",
    ]
    assert [row[3] for row in _table("statistics.md", "source")] == want


def test_item21_statistics_unrecomputable_table_fisher_values() -> None:
    from hdil2.stats.proportions import compare_proportions

    row = _table("statistics.md", "number")[0]
    f1 = compare_proportions(16, 21, 15, 23).fisher_p
    f2 = compare_proportions(3, 21, 5, 23).fisher_p
    assert f"(Fisher {f1:.2f} and {f2:.2f})" in row[2]


def _simon_cells(cell: str) -> list[str]:
    return [c.strip() for c in cell.split(" / ")]


def test_item21_simon_verified_table() -> None:
    from hdil2.stats.simon import simon_design, simon_designs

    for row in _table("trial-design.md", "p0"):
        p0, p1, alpha, beta = (float(v) for v in row[:4])
        kinds, designs, ens, pets = (_simon_cells(c) for c in row[4:8])
        if kinds[0].startswith("given designs"):  # EN and PET of designs named in the cell
            found = re.findall(r"(\d+)/(\d+), (\d+)/(\d+)", kinds[0])
            en_cells = [c.strip() for c in ens[0].split(";")]
            pet_cells = [c.strip() for c in pets[0].split(";")]
            assert len(found) == len(en_cells) == len(pet_cells) == 2
            for d, en, pet in zip(found, en_cells, pet_cells, strict=True):
                r1, n1, r, n = (int(v) for v in d)
                g = simon_design(r1, n1, r, n, p0, p1)
                assert f"{g.en0:.{len(en.split('.')[1])}f}" == en
                assert f"{g.pet0:.{len(pet.split('.')[1])}f}" == pet
            continue
        nmax = 40 if kinds[0].startswith("nmax 40") else 100
        search = simon_designs(p0, p1, alpha, beta, nmax=nmax)
        for kind, design, en, pet in zip(kinds, designs, ens, pets, strict=True):
            kind = kind.removeprefix("nmax 40: ")
            d = (next(x for x in search.admissible if x.kind == "admissible")
                 if kind == "admissible" else getattr(search, kind))
            assert design == f"{d.r1}/{d.n1}, {d.r}/{d.n}"
            for printed, value in ((en, d.en0), (pet, d.pet0)):
                if printed == "—":
                    continue
                for number in re.findall(r"\d+\.\d+", printed):
                    assert f"{value:.{len(number.split('.')[1])}f}" == number


def test_item21_clark2003_design_table() -> None:
    from hdil2.stats.sample_size import (
        hazard_from_survival,
        survival_size,
        two_proportions_power,
        two_proportions_size,
    )

    def pw(sides: int, method: str) -> float:
        return two_proportions_power(0.7, 0.4, 34, sides=sides, method=method).power

    def n(sides: int, method: str) -> int:
        return two_proportions_size(0.7, 0.4, sides=sides, method=method).n1

    one = two_proportions_size(0.7, 0.4, sides=1)
    surv = survival_size(lambda1=hazard_from_survival(0.7, 2),
                         lambda2=hazard_from_survival(0.4, 2), sides=1)
    assert surv.events is not None
    want = [
        ["normal approximation", "two-sided", f"**{pw(2, 'normal'):.2f}** "
         f"({pw(2, 'normal'):.4f})", str(n(2, "normal"))],
        ["normal approximation", "one-sided", f"**{pw(1, 'normal'):.2f}** "
         f"({pw(1, 'normal'):.4f})", f"{one.n1} ({one.n1_exact:.2f})"],
        ["normal, continuity-corrected", "two / one",
         f"{pw(2, 'normal_cc'):.2f} / {pw(1, 'normal_cc'):.2f}",
         f"{n(2, 'normal_cc')} / {n(1, 'normal_cc')}"],
        ["Fisher exact", "two / one", f"{pw(2, 'exact'):.2f} / {pw(1, 'exact'):.2f}",
         f"{n(2, 'exact')} / {n(1, 'exact')}"],
        [f"survival, Schoenfeld (HR {surv.hazard_ratio:.3f} from the 2-year rates)",
         "one-sided", "—", f"{surv.events:.2f} events"],
    ]
    assert _table("trial-design.md", "method")[:5] == want


def test_item21_survival_methods_table() -> None:
    from hdil2.stats.sample_size import hazard_from_survival, survival_size

    rows = []
    for method in ("schoenfeld", "freedman", "lachin_foulkes"):
        s = survival_size(lambda1=hazard_from_survival(0.7, 2),
                          lambda2=hazard_from_survival(0.4, 2), sides=1, accrual=3,
                          follow_up=2, method=method)
        assert s.events is not None
        assert s.patients is not None
        rows.append([method, f"{s.events:.2f}", f"{s.patients:.2f}"])
    assert _table("trial-design.md", "method | events | patients") == rows


# ---- numbers quoted in the prose -----------------------------------------------------------

def _cox_aml() -> str:
    from hdil2_stats_support import survival_case

    from hdil2.stats.cox import cox_ph

    df = survival_case("aml")
    t = cox_ph(df["time"], df["status"], {"x": df["x"].tolist()}).terms[0]
    r = cox_ph(df["time"], df["status"], {"x": df["x"].tolist()},
               reference={"x": "Nonmaintained"}).terms[0]
    return (f"{t.hr:.2f} (95 % CI {t.hr_lower:.2f}-{t.hr_upper:.2f}, P = {t.p_value:.3f})|"
            f"HR {r.hr:.4f} = 1/{t.hr:.4f}")


def _median_twenty() -> str:
    from hdil2.stats.kaplan_meier import kaplan_meier

    m = kaplan_meier(list(range(1, 21)), [1] * 20).median.estimate
    return f"Twenty\n  uncensored times give {m:g}"


def _clark_interim() -> str:
    from hdil2.stats.interim import interim_binary

    s = interim_binary(5, 21, 8, 23, planned_n1=34, planned_n2=34, p1=0.7, p2=0.4)
    return (f"= {s.design_drift:.3f}):|0.3/√(0.55·0.45·2/34) = {s.design_drift:.3f}|"
            f"(z = {s.z:.2f})".replace("-", "−") + f"|`--z {s.z:.3f} --information "
            f"{s.information:.3f}")


def _exact_sizes() -> str:
    from hdil2.stats.sample_size import exact_search_work, two_proportions_size

    n = two_proportions_size(0.6, 0.5, method="exact").n1
    _, _, end = exact_search_work(0.51, 0.50, 0.05, 0.8, 2, 1.0)
    return f"0.6 vs 0.5 ({n} per group)|0.51 vs 0.50 (about {round(end, -4):,} per group)"


def _simon_fits() -> str:
    from hdil2.core.errors import InputError
    from hdil2.stats.simon import simon_designs

    with pytest.raises(InputError) as e:
        simon_designs(0.1, 0.3, nmax=1000)
    return re.search(r"nmax ≤ \d+ fits", e.value.message).group(0)  # type: ignore[union-attr]


def _gs_exact_thirds() -> str:
    from hdil2.stats.interim import group_sequential

    c = group_sequential([1 / 3, 2 / 3, 1.0]).critical_values
    return f"rpact's {c[0]:.4f}, {c[1]:.4f}, {c[2]:.4f}"


PROSE: list[tuple[str, Callable[[], str]]] = [
    ("statistics.md", _cox_aml),
    ("statistics.md", _median_twenty),
    ("trial-design.md", _clark_interim),
    ("trial-design.md", _exact_sizes),
    ("trial-design.md", _simon_fits),
    ("trial-design.md", _gs_exact_thirds),
]


@pytest.mark.parametrize(("page", "fragments"), PROSE, ids=[f.__name__ for _, f in PROSE])
def test_item21_numbers_in_the_prose(page: str, fragments: Callable[[], str]) -> None:
    text = re.sub(r"\s+", " ", DOCS[page].read_text(encoding="utf-8"))
    for fragment in fragments().split("|"):
        assert re.sub(r"\s+", " ", fragment) in text


def test_item21_bounds_tables_quote_the_limits() -> None:
    from hdil2.stats import limits

    stats = DOCS["statistics.md"].read_text(encoding="utf-8")
    design = DOCS["trial-design.md"].read_text(encoding="utf-8")
    checks = [
        (stats, "n1, n2 ≤ 100,000,000", limits.COMPARE_N == 10**8),
        (stats, "at most 5,000 tables", limits.COMPARE_SUPPORT == 5000),
        (stats, "answers within 5 s", limits.COMPARE_SECONDS == 5),
        (stats, "at most 10,000 groups", limits.TREND_GROUPS == 10_000),
        (stats, "at most 1,000 groups", limits.KM_GROUPS == limits.LOGRANK_GROUPS == 1000),
        (stats, "rows × groups ≤ 2·10⁷", limits.LOGRANK_CELLS == 2e7),
        (stats, "rows × model columns² ≤ 2.5·10⁷", limits.COX_CELLS == 2.5e7),
        (design, "nmax ≤ 1000; at most 1.5·10⁸ candidate designs",
         limits.SIMON_NMAX == 1000 and limits.SIMON_WORK == 1.5e8),
        (design, "n ≤ 10,000 (answers within 2 s)",
         limits.SIMON_DESIGN_N == 10_000 and limits.SIMON_DESIGN_SECONDS == 2),
        (design, "at most 1.5·10⁸ work units", limits.EXACT_WORK == 1.5e8),
        (design, "at most 2.5·10⁷ kernel products per pass", limits.GS_WORK == 2.5e7),
        (design, "at most 10⁸ kernel products per pass", limits.CP_WORK == 1e8),
        (design, "answers within 10 s", limits.SIMON_WORK_SECONDS == limits.EXACT_WORK_SECONDS
         == limits.GS_WORK_SECONDS == limits.CP_WORK_SECONDS == 10),
    ]
    for text, fragment, holds in checks:
        assert re.sub(r"\s+", " ", fragment) in re.sub(r"\s+", " ", text)
        assert holds, fragment

