"""CLI commands of the statistics area: ``hdil2 stats …`` (cohort) and ``hdil2 design …``.

Each command takes a JSON request (a file path or ``-``; ``hdil2 schema NAME``) or the same
fields as options, runs the operation of the same name (``stats-rate`` …, :mod:`hdil2.app`)
and prints readable tables with the reasons, or one JSON document with ``--json``.  Survival
commands also read CSV: the named columns become the request's arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from hdil2.cli import common

if TYPE_CHECKING:
    from rich.console import Console


JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]
InputArg = Annotated[str | None, typer.Argument(
    help="JSON request file (see `hdil2 schema`), or - for stdin; omit to use the options")]
DataArg = Annotated[str, typer.Argument(help="CSV file (columns named by the options) or "
                                        "JSON request (`hdil2 schema stats-km`, stats-logrank, "
                                        "stats-cox); - for stdin")]
FmtOpt = Annotated[str | None, typer.Option("--format", help="csv or json (default: by "
                                            "file extension; stdin is JSON)")]
TimeOpt = Annotated[str, typer.Option("--time", help="CSV time column")]
EventOpt = Annotated[str, typer.Option("--event", help="CSV event column (1 = event, "
                                       "0 = censored)")]
EvValOpt = Annotated[str | None, typer.Option(help="value of --event meaning an event "
                                              "(e.g. 2 in R's lung)")]
CensValOpt = Annotated[str | None, typer.Option(help="value of --event meaning censored")]
LevelOpt = Annotated[float | None, typer.Option(help="confidence level (0.95)")]
D = Annotated[int | None, typer.Option()]
P = Annotated[float | None, typer.Option()]


def _floats(text: str | None, field: str) -> list[float] | None:
    from hdil2.core.errors import InputError

    if text is None:
        return None
    out = []
    for i, part in enumerate(text.split(",")):
        try:
            out.append(float(part))
        except ValueError:
            raise InputError(f"{field}[{i}]", "must be a number", part) from None
    return out


def _table(con: Console, title: str, rows: list[tuple[str, Any]]) -> None:
    from rich.table import Table

    con.print(title, style="italic")  # its own line: a table title wraps at the table's width
    t = Table(show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    for k, v in rows:
        t.add_row(k, _fmt(v))
    con.print(t)


def _fmt(v: Any, digits: int = 4) -> str:
    import math

    if v is None:
        return "—"
    if isinstance(v, float):
        if math.isnan(v):
            return "—"
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        if v.is_integer() and abs(v) < 1e9:
            return str(int(v))
        return f"{v:.{digits}g}" if abs(v) < 1e-3 or abs(v) >= 1e5 else f"{v:.{digits}f}"
    return str(v)


def _reasons(con: Console, reasons: Any) -> None:
    from hdil2.cli.render import reasons_table

    reasons_table(con, reasons, "Method and source")


def _survival(operation: str, path: str, fmt: str | None, time: str, event: str,
              group: str | None, strata: str | None, covariates: str | None,
              event_value: str | None, censor_value: str | None,
              options: dict[str, Any]) -> Any:
    """Run a survival operation on a JSON request or on CSV columns, with the options."""
    from hdil2.app import operation as lookup
    from hdil2.core.errors import InputError

    op = lookup(operation)
    kind = fmt or ("csv" if path.lower().endswith(".csv") else "json")
    if kind not in ("csv", "json"):
        raise InputError("--format", "must be csv or json", fmt)
    if kind == "json":
        for option, value in (("--group", group), ("--strata", strata),
                              ("--covariates", covariates), ("--event-value", event_value),
                              ("--censor-value", censor_value)):
            if value is not None:
                raise InputError(option, "names a CSV column or value; a JSON request gives "
                                 "its data as arrays (`hdil2 schema "
                                 f"{operation}`)", value)
        payload = common.read_json(path, model=op.request)
    else:
        payload = _csv_columns(path, time, event, group, strata, covariates, event_value,
                               censor_value)
    given = {k: v for k, v in options.items() if v is not None}
    if given and isinstance(payload, dict):
        payload = {**payload, **given}
    return op(payload, common.site_profile())


def _csv_columns(path: str, time: str, event: str, group: str | None, strata: str | None,
                 covariates: str | None, event_value: str | None,
                 censor_value: str | None) -> dict[str, Any]:
    """The request arrays of a survival CSV file: its named columns, one entry per row."""
    import io

    import pandas as pd

    from hdil2.core.errors import InputError

    text = common.read_text(path, "input", "CSV")  # missing, empty, not UTF-8: named
    try:
        df = pd.read_csv(io.StringIO(text))
    except (OSError, ValueError) as e:
        name = "standard input (-)" if path == "-" else path
        raise InputError("input", f"cannot read CSV {name}: {e}") from None
    for opt, col in (("--time", time), ("--event", event), ("--group", group),
                     ("--strata", strata)):
        if col is not None and col not in df.columns:
            raise InputError(opt, f"no column {col!r}; columns: {', '.join(df.columns)}", col)
    cols = [c for c in (covariates or "").split(",") if c]
    for c in cols:
        if c not in df.columns:
            raise InputError("--covariates", f"no column {c!r}", c)
    ev = df[event]
    if event_value is not None:
        if censor_value is None:
            raise InputError("--censor-value", "required with --event-value (no other value "
                             "is read as censored silently)")
        sval = ev.astype(str)
        bad = ~sval.isin([event_value, censor_value])
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(f"{event}[{i}]", f"is neither {event_value} nor {censor_value}",
                             ev.iloc[i])
        ev = (sval == event_value).astype(int)
    # a missing covariate value drops its row in the Cox fit (counted, as R's na.omit); a
    # missing time, event, group or stratum is refused with its row
    used = [time, event] + [c for c in (group, strata) if c]
    missing = df[used].isna()
    if missing.to_numpy().any():
        rows, cols_ = missing.to_numpy().nonzero()
        i, j = int(rows[0]), int(cols_[0])
        raise InputError(f"{used[j]}[{i}]", "is missing; remove incomplete rows on purpose")

    def labels(col: str) -> list[Any]:
        return [v.item() if hasattr(v, "item") else v for v in df[col].tolist()]

    data: dict[str, Any] = {"time": df[time].tolist(), "event": ev.tolist()}
    if group:
        data["group"] = labels(group)
    if strata:
        data["strata"] = labels(strata)
    if cols:
        data["covariates"] = {c: [None if v is None or v != v else v for v in labels(c)]
                              for c in cols}
    return data


def register(app: typer.Typer) -> None:
    """Add the ``stats`` and ``design`` sub-commands to the root app."""
    stats_app = typer.Typer(name="stats", help="Cohort statistics: rates, 2×2 comparisons, "
                            "trend, Kaplan-Meier, log-rank, Cox.", no_args_is_help=True)
    design_app = typer.Typer(name="design", help="Trial design: Simon two-stage, sample size, "
                             "group sequential boundaries, conditional power.",
                             no_args_is_help=True)
    app.add_typer(stats_app)
    app.add_typer(design_app)
    _register_stats(stats_app)
    _register_design(design_app)


# ---- hdil2 stats -----------------------------------------------------------------------


def _register_stats(app: typer.Typer) -> None:
    @app.command("rate")
    def rate_cmd(
        input: InputArg = None,
        x: Annotated[int | None, typer.Option(help="responders")] = None,
        n: Annotated[int | None, typer.Option(help="patients")] = None,
        level: Annotated[float | None, typer.Option(help="confidence level (0.95)")] = None,
        method: Annotated[str | None, typer.Option(
            help="clopper-pearson (default) or wilson")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """A response rate with its exact (Clopper-Pearson) or Wilson interval."""
        res = common.answer("stats-rate", input,
                            {"x": x, "n": n, "level": level, "method": method})

        def render(con: Console) -> None:
            _table(con, "Response rate", [
                ("responders / patients", f"{res.x}/{res.n}"),
                ("rate", f"{100 * res.estimate:.1f} %"),
                (f"{100 * res.ci.level:g} % CI ({res.ci.method})",
                 f"{100 * res.ci.lower:.1f}-{100 * res.ci.upper:.1f} %")])
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)

    @app.command("compare")
    def compare_cmd(
        input: InputArg = None,
        x1: Annotated[int | None, typer.Option(help="responders in group 1")] = None,
        n1: Annotated[int | None, typer.Option(help="patients in group 1")] = None,
        x2: Annotated[int | None, typer.Option(help="responders in group 2")] = None,
        n2: Annotated[int | None, typer.Option(help="patients in group 2")] = None,
        level: Annotated[float | None, typer.Option(help="confidence level (0.95)")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Two groups: Fisher exact (two-sided), χ² with/without Yates, odds ratios, RD.

        Bound: n1, n2 ≤ 100,000,000, and the exact conditional odds ratio sums at most 5,000
        tables (min(n1, n2, responders, non-responders) + 1): answers within 5 s.
        """
        res = common.answer("stats-compare", input,
                            {"x1": x1, "n1": n1, "x2": x2, "n2": n2, "level": level})

        def render(con: Console) -> None:
            from rich.table import Table

            t = Table(title=f"{res.x1}/{res.n1} vs {res.x2}/{res.n2}", title_justify="left")
            for c in ("test", "statistic", "df", "P"):
                t.add_column(c)
            for tt in res.tests:
                t.add_row(tt.method, _fmt(tt.statistic), _fmt(tt.df), _fmt(tt.p_value))
            con.print(t)
            e = Table(title="Estimates", title_justify="left")
            for c in ("estimate", "value", "interval"):
                e.add_column(c)
            for est in res.estimates:
                ci = "—" if est.ci is None else (f"{_fmt(est.ci.lower)} to {_fmt(est.ci.upper)}"
                                                 f" ({est.ci.method})")
                e.add_row(est.method, _fmt(est.estimate), ci)
            con.print(e)
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)

    @app.command("trend")
    def trend_cmd(
        input: InputArg = None,
        successes: Annotated[str | None, typer.Option(help="e.g. 14,15,1")] = None,
        totals: Annotated[str | None, typer.Option(help="e.g. 36,77,33")] = None,
        scores: Annotated[str | None, typer.Option(help="default 0,1,2,…")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Cochran-Armitage test for a trend in proportions over ordered groups.

        Bound: at most 10,000 groups (answers in under a second).
        """
        res = common.answer("stats-trend", input, {
            "successes": _floats(successes, "successes"), "totals": _floats(totals, "totals"),
            "scores": _floats(scores, "scores")})

        def render(con: Console) -> None:
            _table(con, "Cochran-Armitage trend", [
                ("groups", ", ".join(f"{x}/{n}" for x, n in zip(res.successes, res.totals,
                                                                 strict=True))),
                ("scores", ", ".join(f"{s:g}" for s in res.scores)),
                ("z", res.z), ("χ² (1 df)", res.chi2), ("two-sided P", res.p_value)])
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)

    @app.command("km")
    def km_cmd(
        input: DataArg,
        fmt: FmtOpt = None, time: TimeOpt = "time", event: EventOpt = "event",
        group: Annotated[str | None, typer.Option(help="CSV group column")] = None,
        event_value: EvValOpt = None, censor_value: CensValOpt = None,
        conf_type: Annotated[str | None, typer.Option(
            help="log (R's default), log-log or plain")] = None,
        level: LevelOpt = None,
        at: Annotated[str | None, typer.Option(
            help="landmark times, e.g. 365,730 (2-year DFS in days)")] = None,
        table: Annotated[bool, typer.Option(help="print the whole curve")] = False,
        json_out: JsonOpt = False,
    ) -> None:
        """Kaplan-Meier curves with Greenwood intervals, medians and landmark survival.

        Bound: at most 1,000 groups; time grows with the rows read.
        """
        res = _survival("stats-km", input, fmt, time, event, group, None, None, event_value,
                        censor_value, {"conf_type": conf_type, "level": level,
                                       "landmarks": _floats(at, "at")})
        curves = res.curves

        def render(con: Console) -> None:
            from rich.table import Table

            t = Table(title=f"Kaplan-Meier ({res.conf_type} CI, {100 * res.level:g} %)",
                      title_justify="left")
            for c in ("group", "n", "events", "median", "CI"):
                t.add_column(c)
            for c in curves:
                m = c.median
                t.add_row(c.label, str(c.n), str(c.events),
                          "not reached" if m.estimate is None else _fmt(m.estimate),
                          f"{_fmt(m.lower)} to {_fmt(m.upper)}")
            con.print(t)
            if any(c.landmarks for c in curves):
                lt = Table(title="Landmark survival", title_justify="left")
                for c in ("group", "time", "survival", "CI", "at risk"):
                    lt.add_column(c)
                for curve in curves:
                    for lm in curve.landmarks:
                        lt.add_row(curve.label, _fmt(lm.time), _fmt(lm.surv),
                                   f"{_fmt(lm.lower)} to {_fmt(lm.upper)}", str(lm.n_risk))
                con.print(lt)
            if table:
                for c in curves:
                    ct = Table(title=f"Curve: {c.label}", title_justify="left")
                    for col in ("time", "at risk", "events", "censored", "survival", "lower",
                                "upper"):
                        ct.add_column(col)
                    for i in range(c.time.size):
                        ct.add_row(_fmt(float(c.time[i])), str(c.n_risk[i]), str(c.n_event[i]),
                                   str(c.n_censor[i]), _fmt(float(c.surv[i])),
                                   _fmt(float(c.lower[i])), _fmt(float(c.upper[i])))
                    con.print(ct)
            reasons = [c.reasons()[0] for c in curves]
            _reasons(con, [*reasons, curves[0].reasons()[1]])

        common.emit(res, json_out, render)

    @app.command("logrank")
    def logrank_cmd(
        input: DataArg,
        fmt: FmtOpt = None, time: TimeOpt = "time", event: EventOpt = "event",
        group: Annotated[str | None, typer.Option(help="CSV group column")] = None,
        strata: Annotated[str | None, typer.Option(help="CSV stratum column")] = None,
        event_value: EvValOpt = None, censor_value: CensValOpt = None,
        rho: Annotated[float | None, typer.Option(
            help="G-rho weight S(t-)^rho: 0 log-rank (default), 1 Peto-Peto type")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Log-rank test (stratified with --strata; weighted with --rho), as R survdiff.

        Bound: at most 1,000 groups and rows × groups ≤ 2e7; time grows with the rows read.
        """
        res = _survival("stats-logrank", input, fmt, time, event, group, strata, None,
                        event_value, censor_value, {"rho": rho})

        def render(con: Console) -> None:
            from rich.table import Table

            t = Table(title=res.method.replace("_", " "), title_justify="left")
            for c in ("group", "n", "observed", "expected", "(O-E)²/E"):
                t.add_column(c)
            for g, n, o, e in zip(res.groups, res.n, res.observed, res.expected, strict=True):
                t.add_row(str(g), str(n), _fmt(o), _fmt(e), _fmt((o - e) ** 2 / e))
            con.print(t)
            con.print(f"χ² = {res.chisq:.3f} on {res.df} df, P = {_fmt(res.p_value)}"
                      + ("" if len(res.strata) == 1 else f" ({len(res.strata)} strata)"))
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)

    @app.command("cox")
    def cox_cmd(
        input: DataArg,
        fmt: FmtOpt = None, time: TimeOpt = "time", event: EventOpt = "event",
        covariates: Annotated[str | None, typer.Option(
            help="CSV columns, e.g. age,sex,x; a column with text is categorical")] = None,
        categorical: Annotated[str | None, typer.Option(
            help="numeric columns to treat as categorical, e.g. ph.ecog")] = None,
        reference: Annotated[list[str] | None, typer.Option(
            help="reference level of a categorical column, COLUMN=LEVEL (repeatable; default "
            "the first level in sort order)")] = None,
        event_value: EvValOpt = None, censor_value: CensValOpt = None,
        ties: Annotated[str | None, typer.Option(help="efron (default) or breslow")] = None,
        level: LevelOpt = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Cox proportional-hazards model: HR, CI and P per covariate; LR, Wald, score tests.

        Text columns (and --categorical ones) are coded against a reference level as R does;
        rows with a missing covariate value are left out and counted (R's na.omit).  Bound:
        rows × model columns² ≤ 2.5e7.
        """
        from hdil2.core.errors import InputError

        refs: dict[str, str] | None = None
        if reference:
            refs = {}
            for item in reference:
                col, sep, lev = item.partition("=")
                if not sep or not col or not lev:
                    raise InputError("--reference", "expected COLUMN=LEVEL", item)
                refs[col] = lev
        cats = None if categorical is None else [c for c in categorical.split(",") if c]
        res = _survival("stats-cox", input, fmt, time, event, None, None, covariates,
                        event_value, censor_value, {"ties": ties, "level": level,
                                                    "categorical": cats, "reference": refs})

        def render(con: Console) -> None:
            from rich.table import Table

            dropped = "" if not res.n_dropped else (
                f" ({res.n_dropped} left out for a missing "
                + ", ".join(c if k == res.n_dropped else f"{c} ({k})"
                            for c, k in res.missing.items()) + ")")
            caption = None if not res.factors else "reference level: " + "; ".join(
                f"{f.covariate} {f.reference}" for f in res.factors)
            t = Table(title=f"Cox PH ({res.ties} ties): n = {res.n}{dropped}, events = "
                      f"{res.events}", title_justify="left", caption=caption,
                      caption_justify="left")
            t.add_column("term", overflow="fold")
            for c in ("coef", "se", "HR", f"{100 * res.level:g} % CI", "P"):
                t.add_column(c, no_wrap=True)
            for tm in res.terms:  # z = coef / se is in the JSON output
                label = tm.name if tm.level is None else f"{tm.covariate}: {tm.level}"
                t.add_row(label, _fmt(tm.coef), _fmt(tm.se), _fmt(tm.hr),
                          f"{_fmt(tm.hr_lower)}-{_fmt(tm.hr_upper)}", _fmt(tm.p_value))
            con.print(t)
            g = Table(title="Global tests", title_justify="left")
            for c in ("test", "statistic", "df", "P"):
                g.add_column(c)
            for gt in res.tests:
                g.add_row(gt.method, _fmt(gt.statistic), str(gt.df), _fmt(gt.p_value))
            con.print(g)
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)


# ---- hdil2 design ----------------------------------------------------------------------


def _design_rows(d: Any) -> list[str]:
    q = "" if d.q_range is None else f"{d.q_range[0]:.3f}-{d.q_range[1]:.3f}"
    return [d.kind or "—", f"{d.r1}/{d.n1}", f"{d.r}/{d.n}", f"{d.en0:.2f}", f"{d.pet0:.4f}",
            f"{d.alpha:.4f}", f"{d.power:.4f}", q]


def _design_table(con: Console, title: str, designs: list[Any]) -> None:
    from rich.table import Table

    t = Table(title=title, title_justify="left", pad_edge=False)
    for c in ("design", "r1/n1", "r/n", "EN(p0)", "PET(p0)", "exact α", "power", "q range"):
        t.add_column(c, no_wrap=True)  # values are never split (fits 80 columns)
    for d in designs:
        t.add_row(*_design_rows(d))
    con.print(t)


def _register_design(app: typer.Typer) -> None:
    @app.command("simon")
    def simon_cmd(
        input: InputArg = None,
        p0: Annotated[float | None, typer.Option(help="response rate of no interest")] = None,
        p1: Annotated[float | None, typer.Option(help="response rate worth pursuing")] = None,
        alpha: Annotated[float | None, typer.Option(help="type I error (0.05)")] = None,
        beta: Annotated[float | None, typer.Option(help="type II error (0.2)")] = None,
        nmax: Annotated[int | None, typer.Option(
            help="largest total n searched (100; at most 1000)")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Simon two-stage designs: optimal, minimax and admissible for (p0, p1, α, β).

        Bound: nmax ≤ 1000 and at most 1.5e8 candidate designs, Σ (n − 1)(r_max + 1)² over
        the n searched (answers within 10 s); a larger search is refused at once, with the
        largest nmax that fits.
        """
        res = common.answer("design-simon", input,
                            {"p0": p0, "p1": p1, "alpha": alpha, "beta": beta, "nmax": nmax})

        def render(con: Console) -> None:
            _design_table(con, f"Simon two-stage: p0 {res.p0:g}, p1 {res.p1:g}, α {res.alpha:g},"
                          f" β {res.beta:g} (n ≤ {res.nmax})", list(res.admissible))
            con.print(f"optimal: {res.optimal.rule()}")
            con.print(f"minimax: {res.minimax.rule()}")
            for w in res.warnings:
                con.print(f"[yellow]warning: {w}[/]")
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)

    @app.command("simon-oc")
    def simon_oc_cmd(
        input: InputArg = None, r1: D = None, n1: D = None, r: D = None, n: D = None,
        p0: P = None, p1: P = None, json_out: JsonOpt = False,
    ) -> None:
        """Exact operating characteristics (α, power, EN, PET) of a given two-stage design.

        Bound: n ≤ 10,000.
        """
        res = common.answer("design-simon-oc", input,
                            {"r1": r1, "n1": n1, "r": r, "n": n, "p0": p0, "p1": p1})

        def render(con: Console) -> None:
            _design_table(con, f"Design {res.r1}/{res.n1}, {res.r}/{res.n} at p0 {res.p0:g}, "
                          f"p1 {res.p1:g}", [res])
            con.print(f"EN(p1) {res.en1:.2f}, PET(p1) {res.pet1:.4f}. {res.rule()}")

        common.emit(res, json_out, render)

    @app.command("simon-stage1")
    def simon_stage1_cmd(
        input: InputArg = None, r1: D = None, n1: D = None, r: D = None, n: D = None,
        responses: Annotated[int | None, typer.Option(help="stage-1 responses so far")] = None,
        evaluable: Annotated[int | None, typer.Option(
            help="stage-1 patients evaluated so far (default n1)")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """The stage-1 decision: stop (≤ r1 responses in n1), continue, or pending.

        Bound: n ≤ 10,000.
        """
        res = common.answer("design-simon-stage1", input, {
            "r1": r1, "n1": n1, "r": r, "n": n, "responses": responses, "evaluable": evaluable})

        def render(con: Console) -> None:
            con.print(f"[bold]{res.value}[/] ({res.details['rule']})")
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)

    @app.command("simon-estimate")
    def simon_estimate_cmd(
        input: InputArg = None, r1: D = None, n1: D = None, r: D = None, n: D = None,
        p0: P = None,
        x1: Annotated[int | None, typer.Option(help="stage-1 responses")] = None,
        x2: Annotated[int | None, typer.Option(help="stage-2 responses (if it ran)")] = None,
        alpha: Annotated[float | None, typer.Option(help="the design's α (0.05)")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """After a Simon trial: UMVUE, stage-wise P value and exact interval.

        Bound: n ≤ 10,000 (answers within 2 s).
        """
        res = common.answer("design-simon-estimate", input, {
            "r1": r1, "n1": n1, "r": r, "n": n, "p0": p0, "x1": x1, "x2": x2, "alpha": alpha})

        def render(con: Console) -> None:
            _table(con, "Inference after the two-stage trial", [
                ("ended at stage", res.stage),
                ("responses / patients", f"{res.responses}/{res.patients}"),
                ("MLE (biased)", res.mle), ("UMVUE (Jung & Kim)", res.umvue),
                (f"P value vs p0 = {res.p0:g}", res.p_value),
                (f"{100 * res.ci_level:g} % CI (Koyama & Chen)",
                 f"{res.ci_lower:.4f}-{res.ci_upper:.4f}"),
                ("one-sided lower limit", res.one_sided_lower)])
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)

    @app.command("two-proportions")
    def two_prop_cmd(
        input: InputArg = None,
        p1: Annotated[float | None, typer.Option(help="rate in group 1")] = None,
        p2: Annotated[float | None, typer.Option(help="rate in group 2")] = None,
        alpha: P = None,
        power: Annotated[float | None, typer.Option(help="target power (0.8)")] = None,
        sides: Annotated[int | None, typer.Option(help="1 or 2 (2)")] = None,
        ratio: Annotated[float | None, typer.Option(help="n2 / n1 (1)")] = None,
        method: Annotated[str | None, typer.Option(
            help="normal (default), normal_cc or exact (Fisher)")] = None,
        n1: Annotated[int | None, typer.Option(help="give n1 (and n2) for power")] = None,
        n2: D = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Patients per group to compare two proportions, or the power of given groups.

        Bound for --method exact: the Fisher search (scanning n1 up from 0.7 × the normal
        size) or power is estimated before it starts and refused at once above 1.5e8 work
        units (answers within 10 s; 0.6 vs 0.5 takes about 1 s, 0.51 vs 0.50 is refused:
        use normal_cc).  The normal methods are closed forms.
        """
        res = common.answer("design-two-proportions", input, {
            "p1": p1, "p2": p2, "alpha": alpha, "power": power, "sides": sides,
            "ratio": ratio, "method": method, "n1": n1, "n2": n2})

        def render(con: Console) -> None:
            _table(con, f"Two proportions: {res.p1:g} vs {res.p2:g} ({res.method})", [
                ("patients", f"{res.n1} + {res.n2}"),
                ("unrounded n1", res.n1_exact), ("power", res.power),
                ("α", f"{res.alpha:g} {res.sides}-sided")])
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)

    @app.command("survival")
    def survival_cmd(
        input: InputArg = None,
        hazard_ratio: Annotated[float | None, typer.Option(help="HR group 1 vs 2")] = None,
        lambda1: P = None, lambda2: P = None,
        surv1: Annotated[float | None, typer.Option(
            help="survival of group 1 at --at-time (sets lambda1)")] = None,
        surv2: Annotated[float | None, typer.Option(help="survival of group 2")] = None,
        at_time: Annotated[float | None, typer.Option(help="time of --surv1/--surv2")] = None,
        alpha: P = None, power: P = None,
        sides: Annotated[int | None, typer.Option(help="1 or 2 (2)")] = None,
        ratio: Annotated[float | None, typer.Option(help="n1 / n2 (1)")] = None,
        accrual: P = None, follow_up: P = None,
        dropout: Annotated[float | None, typer.Option(help="drop-out hazard")] = None,
        method: Annotated[str | None, typer.Option(
            help="schoenfeld (default), freedman or lachin_foulkes")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Events and patients for a survival comparison (log-rank or hazard difference)."""
        res = common.answer("design-survival", input, {
            "hazard_ratio": hazard_ratio, "lambda1": lambda1, "lambda2": lambda2,
            "surv1": surv1, "surv2": surv2, "at_time": at_time,
            "alpha": alpha, "power": power, "sides": sides, "ratio": ratio,
            "accrual": accrual, "follow_up": follow_up, "dropout": dropout, "method": method})

        def render(con: Console) -> None:
            _table(con, f"Survival design ({res.method})", [
                ("hazard ratio", res.hazard_ratio), ("events", res.events),
                ("patients", res.patients), ("P(event)", res.event_probability),
                ("power", res.power), ("α", f"{res.alpha:g} {res.sides}-sided")])
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)

    @app.command("group-sequential")
    def gs_cmd(
        input: InputArg = None,
        rates: Annotated[str | None, typer.Option(
            "--rates", help="information fractions, e.g. 0.33,0.67,1")] = None,
        alpha: Annotated[float | None, typer.Option(help="one-sided α (0.025)")] = None,
        beta: P = None,
        spending: Annotated[str | None, typer.Option(
            help="obrien_fleming (default) or pocock")] = None,
        futility: Annotated[str | None, typer.Option(
            help="non-binding futility z per analysis, e.g. 0,0.5,none")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Lan-DeMets efficacy boundaries, inflation factor and non-binding futility.

        Bound: at most 2.5e7 kernel products per pass of the numerical integration (about 12
        equally spaced analyses; analyses very close together count as many): answers within
        10 s, refused at once beyond.
        """
        fut = None
        if futility is not None:
            fut = [None if p.strip().lower() in ("none", "") else p for p in futility.split(",")]
        res = common.answer("design-group-sequential", input, {
            "information_rates": _floats(rates, "rates"), "alpha": alpha, "beta": beta,
            "spending": spending, "futility_z": fut})

        def render(con: Console) -> None:
            from rich.table import Table

            t = Table(title=f"{res.spending} type α-spending, one-sided α {res.alpha:g}",
                      title_justify="left", show_edge=False)
            # headers wrap at spaces; values (up to 9 characters) are never cut at 80 columns
            for c in ("analysis", "info. frac.", "efficacy z", "nominal P", "α spent",
                      "P(reject) H1", "futility z"):
                t.add_column(c, min_width=9 if c != "analysis" else None)
            for k, tk in enumerate(res.information_rates):
                t.add_row(str(k + 1), f"{tk:g}", _fmt(res.critical_values[k]),
                          _fmt(res.nominal_p[k]), _fmt(res.alpha_spent[k]),
                          _fmt(res.rejection_h1[k]), _fmt(res.futility_z[k]))
            con.print(t)
            con.print(f"inflation factor {res.inflation_factor:.4f} (power {1 - res.beta:g}); "
                      f"expected information H0 {res.expected_information_h0:.3f}, "
                      f"H1 {res.expected_information_h1:.3f}"
                      + ("" if res.power_with_futility is None else
                         f"; power with futility stopping {res.power_with_futility:.4f}"))
            _reasons(con, res.reasons)

        common.emit(res, json_out, render)

    @app.command("conditional-power")
    def cp_cmd(
        input: InputArg = None,
        z: Annotated[float | None, typer.Option(help="interim z (positive favours H1)")] = None,
        information: Annotated[float | None, typer.Option(
            help="information fraction now (events or patients / planned)")] = None,
        critical: Annotated[str | None, typer.Option(
            help="z boundaries still to come, e.g. 1.96")] = None,
        rates: Annotated[str | None, typer.Option(
            help="their information fractions, e.g. 1")] = None,
        design_drift: Annotated[float | None, typer.Option(
            help="θ under the design alternative (fixed design: z_α + z_β)")] = None,
        futility_threshold: Annotated[float | None, typer.Option(
            help="advise stopping when CP under the design is below this (0.1)")] = None,
        alpha: Annotated[float | None, typer.Option(
            help="fixed design: one-sided α of the final test (sets --critical, --rates 1)")]
        = None,
        binary: Annotated[str | None, typer.Option(
            help="binary endpoint: responders/patients so far, new then control, e.g. 5/21,8/23"
            " (sets --z, --information, --design-drift; needs --planned and --design-rates)")]
        = None,
        planned: Annotated[str | None, typer.Option(help="planned patients per group, 34,34")]
        = None,
        design_rates: Annotated[str | None, typer.Option(
            help="design response rates, new then control, e.g. 0.7,0.4")] = None,
        events: Annotated[int | None, typer.Option(
            help="time-to-event: events so far (with --planned-events, --hazard-ratio, --z)")]
        = None,
        planned_events: Annotated[int | None, typer.Option(help="planned events")] = None,
        hazard_ratio: Annotated[float | None, typer.Option(help="design HR new vs control")]
        = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Conditional power under the design, the trend and H0, with futility advice.

        Bound: at most 1e8 kernel products per pass of the numerical integration over the
        analyses still to come (about 20 equally spaced): answers within 10 s.
        """
        from hdil2.core.errors import InputError

        binary_counts = None
        if binary is not None:
            try:
                (a, b), (c, d) = (tuple(int(v) for v in part.split("/"))
                                  for part in binary.split(","))
            except ValueError:
                raise InputError("--binary", "expected x1/n1,x2/n2", binary) from None
            plan = _floats(planned, "planned")
            rates_ = _floats(design_rates, "design_rates")
            if plan is None or len(plan) != 2 or rates_ is None or len(rates_) != 2:
                raise InputError("--planned", "--binary needs --planned N1,N2 and "
                                 "--design-rates P1,P2")
            binary_counts = {"x1": a, "n1": b, "x2": c, "n2": d, "planned_n1": plan[0],
                             "planned_n2": plan[1], "p1": rates_[0], "p2": rates_[1]}
        events_counts = None
        if events is not None or planned_events is not None or hazard_ratio is not None:
            events_counts = {k: v for k, v in (("events", events),
                                               ("planned_events", planned_events),
                                               ("hazard_ratio", hazard_ratio)) if v is not None}
        answer = common.answer("design-conditional-power", input, {
            "z": z, "information": information, "critical_values": _floats(critical,
                                                                           "critical"),
            "information_rates": _floats(rates, "rates"), "alpha": alpha,
            "design_drift": design_drift, "futility_threshold": futility_threshold,
            "binary": binary_counts, "survival": events_counts})
        res, advice, interim = answer.conditional_power, answer.advice, answer.interim

        def render(con: Console) -> None:
            _table(con, f"Conditional power at information {res.information:g} (z = "
                   f"{res.z:.3f})", [
                       ("under the design alternative", res.under_design),
                       ("under the current trend", res.under_trend),
                       ("under H0", res.under_null)])
            con.print(f"[bold]{advice.value}[/]")
            extra = () if interim is None else tuple(interim.reasons)
            _reasons(con, extra + tuple(res.reasons) + tuple(advice.reasons))

        common.emit(answer, json_out, render)
