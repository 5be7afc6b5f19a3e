"""The input of every table and figure: a cohort as plain tables, with the columns named here.

:class:`CohortData` holds up to six pandas DataFrames.  Only ``patients`` is required; a table
left ``None`` means "not in the data", and the tables and figures that need it are left out of
a report with that said.  The registry builds all six
(:func:`hdil2.registry.report_data.cohort_data`); a CSV file of patients (one row per patient,
the columns of :data:`PATIENTS`) or a notebook's DataFrames work the same way.

Days are whole days from the first dose of course 1 (day 0), the time origin of the survival
endpoints.  Responses are the NCI/WHO categories of Lee et al. 2000 (``lee2000``) and RECIST
1.1 (``recist1.1``): CR, PR, MR, SD, NR, PD, NE.

:func:`check` refuses a table with a missing column or a value of the wrong kind, naming the
table and the column (:class:`~hdil2.core.errors.InputError`); extra columns are kept and
ignored.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from hdil2.core.errors import InputError

#: the columns of each table: name -> kind ("str", "int", "float", "bool", "date", "responses"),
#: all of them nullable unless listed in :data:`REQUIRED`.
PATIENTS: Mapping[str, str] = {
    "patient": "str",  # registry code, unique
    "disease": "str",  # "rcc", "melanoma" or None (not recorded)
    "regimen": "str",  # regimen of course 1, a key of hdil2.clinical.treatment.regimens
    "sex": "str",  # "male", "female" or None
    "age": "int",  # completed years at the first dose (at registration when never dosed)
    "ecog": "int",  # ECOG performance status 0-4
    "risk_group": "str",  # "favourable", "intermediate", "poor" or None
    # kinds of therapy before IL-2, ";"-separated ("surgery;chemotherapy"); "" when the record
    # says none (written "none" in a CSV file); None when not recorded (an empty cell)
    "prior_therapy": "str",
    "metastatic_sites": "str",  # organ sites, ";"-separated; None when not recorded
    "start": "date",  # first dose of course 1
    "courses": "int",  # courses given
    "course_responses": "responses",  # NCI response of each course, in order (NR when none)
    "stop_reason": "str",  # discontinuation reason of the last course (lee2000 Table 5)
    "best_response": "str",
    "response_on": "date",  # first visit assessed CR or PR
    "progression_on": "date",
    "death_on": "date",
    "last_known_alive": "date",
    "os_days": "int",
    "os_event": "bool",
    "pfs_days": "int",
    "pfs_event": "bool",
    "dor_days": "int",  # duration of response: response_on to progression or death
    "dor_event": "bool",
}

#: one row per course
COURSES: Mapping[str, str] = {
    "patient": "str",
    "course": "int",  # 1, 2, ...
    "regimen": "str",
    "started_on": "date",
    "ended_on": "date",
    "start_day": "int",  # days from the first dose of course 1
    "end_day": "int",  # last dose given (or ended_on), days from the first dose
    "response": "str",  # NCI response of the course (NR when not assessed, as lee2000)
    "stop_reason": "str",  # discontinuation reason of this course, None when it went on
    "doses_planned": "int",  # dose slots of the course's calendar
    "doses_given": "int",
    "doses_held": "int",
}

#: one row per scan of a patient with a baseline: the baseline (day <= 0, change 0) and each
#: visit after it, as hdil2's response engine assessed the stored measurements
TUMOUR: Mapping[str, str] = {
    "patient": "str",
    "criteria": "str",  # "nci", "who", "recist1.1", "irecist"
    "scanned_on": "date",
    "day": "int",  # days from the first dose of course 1 (negative before it)
    "visit": "int",  # 0 = baseline, 1, 2, ...
    "burden_mm": "float",  # sum of diameters (mm) or of products (mm²)
    "change_pct": "float",  # change from baseline, per cent (TimePoint.change_from_baseline_pct)
    "response": "str",  # overall response of the visit (None at baseline)
}

#: one row per adverse event
TOXICITIES: Mapping[str, str] = {
    "patient": "str",
    "term": "str",  # CTCAE v5.0 term
    "grade": "int",  # CTCAE grade 1-5, None when only a severity was recorded
    "onset_day": "int",  # days from the first dose of course 1
    "course": "int",  # the course during which it began, None before or between courses
    "dose_number": "int",  # doses given up to its onset (all courses), None when unknown
    "serious": "bool",
}

#: one row per EORTC QLQ-C30 questionnaire: the 15 scale scores (0-100) of version 3.0
QOL_SCALES: tuple[str, ...] = ("QL2", "PF2", "RF2", "EF", "CF", "SF", "FA", "NV", "PA", "DY",
                               "SL", "AP", "CO", "DI", "FI")
QUALITY_OF_LIFE: Mapping[str, str] = {
    "patient": "str",
    "label": "str",  # time point, e.g. "baseline", "week 12"
    "completed_on": "date",
    "day": "int",
    **dict.fromkeys(QOL_SCALES, "float"),
}

#: one row per dose slot (for a patient's own report and the medication record)
DOSES: Mapping[str, str] = {
    "patient": "str",
    "course": "int",
    "cycle": "int",
    "slot": "int",  # number of the slot in its cycle
    "scheduled_at": "str",  # ISO 8601 in the ward's zone
    "status": "str",  # given, held, pending, ...
    "dose_iu": "float",
    "reason": "str",  # why held
}

TABLES: Mapping[str, Mapping[str, str]] = {
    "patients": PATIENTS, "courses": COURSES, "tumour": TUMOUR, "toxicities": TOXICITIES,
    "quality_of_life": QUALITY_OF_LIFE, "doses": DOSES,
}
#: columns that must hold a value in every row
REQUIRED: Mapping[str, tuple[str, ...]] = {
    "patients": ("patient",), "courses": ("patient", "course"),
    "tumour": ("patient", "day", "visit"), "toxicities": ("patient", "term"),
    "quality_of_life": ("patient", "label"), "doses": ("patient", "course", "cycle", "slot"),
}
#: the columns a table read from a file may leave out (they are then all None)
OPTIONAL_IN_FILE: Mapping[str, frozenset[str]] = {
    "patients": frozenset(PATIENTS) - {"patient"},
}

RESPONSES = ("CR", "PR", "MR", "SD", "NR", "PD", "NE")
#: columns where "" (the record says none) differs from None (not recorded): "none" in a CSV
NONE_WORD_COLUMNS = frozenset({"prior_therapy", "metastatic_sites"})


@dataclass(frozen=True)
class CohortData:
    """A cohort for the report: ``patients`` and, when known, its other tables.

    ``title`` names the cohort in a report's heading; ``filters`` says how it was chosen
    (shown under the title), e.g. ``{"disease": "rcc"}``."""

    patients: Any
    courses: Any = None
    tumour: Any = None
    toxicities: Any = None
    quality_of_life: Any = None
    doses: Any = None
    title: str = "Cohort"
    filters: Mapping[str, Any] | None = None

    def table(self, name: str) -> Any:
        """The table ``name`` or None when it is not in the data."""
        if name not in TABLES:
            raise InputError("table", f"must be one of {list(TABLES)}", name)
        return getattr(self, name)

    def only(self, patients: set[str] | list[str] | tuple[str, ...]) -> CohortData:
        """The same cohort restricted to ``patients`` (registry codes)."""
        keep = set(patients)
        tables = {name: (None if getattr(self, name) is None else
                         getattr(self, name)[getattr(self, name)["patient"].isin(keep)]
                         .reset_index(drop=True)) for name in TABLES}
        return replace(self, **tables)  # type: ignore[arg-type]


def empty(name: str) -> Any:
    """An empty DataFrame with the columns of table ``name``."""
    import pandas as pd

    return pd.DataFrame({c: pd.Series([], dtype=object) for c in TABLES[name]})


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is _NA()


def _NA() -> Any:  # noqa: N802 - pandas' missing-value singleton, imported lazily
    import pandas as pd

    return pd.NA


def _kind_ok(kind: str, v: Any) -> bool:
    if kind == "str":
        return isinstance(v, str)
    if kind == "int":
        return (not isinstance(v, bool) and isinstance(v, int | float)
                and float(v).is_integer()) or type(v).__name__.startswith(("int", "uint"))
    if kind == "float":
        return (not isinstance(v, bool) and isinstance(v, int | float)
                and math.isfinite(float(v))) or type(v).__name__.startswith("float")
    if kind == "bool":
        return isinstance(v, bool) or type(v).__name__ == "bool_"
    if kind == "date":
        return isinstance(v, dt.date) and not isinstance(v, dt.datetime)
    if kind == "responses":
        return isinstance(v, tuple | list) and all(r in RESPONSES for r in v)
    raise AssertionError(kind)  # pragma: no cover - the tables above name only these


def check_table(name: str, df: Any) -> Any:
    """Refuse ``df`` as table ``name`` when a column is missing, a required value is empty,
    a value is of the wrong kind, or (patients) a code repeats; return it unchanged."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise InputError(name, "must be a pandas DataFrame", type(df).__name__)
    columns = TABLES[name]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"{name}.{missing[0]}", f"column missing (needs {list(columns)})")
    for col, kind in columns.items():
        for i, v in enumerate(df[col].tolist()):
            if _is_missing(v):
                if col in REQUIRED[name]:
                    raise InputError(f"{name}.{col}", f"row {i + 1}: a value is required")
                continue
            if not _kind_ok(kind, v):
                raise InputError(f"{name}.{col}", f"row {i + 1}: must be a {kind}", v)
    if name == "patients" and df["patient"].duplicated().any():
        dup = df["patient"][df["patient"].duplicated()].iloc[0]
        raise InputError("patients.patient", "each patient once", dup)
    return df


def check(data: CohortData) -> CohortData:
    """Check every table of ``data`` present (:func:`check_table`); return ``data``."""
    for name in TABLES:
        df = getattr(data, name)
        if df is not None or name == "patients":
            check_table(name, df)
    return data


def duration_of_response(response_on: dt.date | None, progression_on: dt.date | None,
                         death_on: dt.date | None, last_known_alive: dt.date | None
                         ) -> tuple[int | None, bool | None]:
    """Duration of response in days and whether it ended: from the first visit assessed CR or
    PR to progression or death (an event), else to the last date known alive (censored) - the
    definition of RECIST 1.1 section 4.3.1 ("duration of overall response ... until the first
    date that recurrent or progressive disease is objectively documented") with death counted
    as an event, as for progression-free survival.  ``(None, None)`` for a patient who never
    responded or whose follow-up ends before the response."""
    if response_on is None:
        return None, None
    ends = [d for d in (progression_on, death_on) if d is not None and d >= response_on]
    if ends:
        return (min(ends) - response_on).days, True
    if last_known_alive is None or last_known_alive < response_on:
        return None, None
    return (last_known_alive - response_on).days, False


# ---- CSV files ------------------------------------------------------------------------------

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _parse(kind: str, text: str) -> Any:
    if text == "":
        return None
    if kind == "str":
        return text
    if kind == "int":
        if not text.lstrip("+-").isdigit():
            raise ValueError("a whole number")
        return int(text)
    if kind == "float":
        value = float(text)
        if not math.isfinite(value):
            raise ValueError("a finite number")
        return value
    if kind == "bool":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError("true or false")
    if kind == "date":
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_date()
    if kind == "responses":
        values = tuple(v.strip() for v in text.split(";"))
        bad = [v for v in values if v not in RESPONSES]
        if bad:
            raise ValueError(f"responses among {list(RESPONSES)} separated by ';'")
        return values
    raise AssertionError(kind)  # pragma: no cover


def _bad_date() -> Any:
    raise ValueError("a date YYYY-MM-DD")


def read_table_csv(name: str, path: Any) -> Any:
    """Read table ``name`` from a CSV file (UTF-8, a header row with the column names of
    :data:`TABLES`, an empty cell for a value not recorded); a bad cell is refused naming the
    file's table, the column and the row (the header is row 1)."""
    import csv
    from pathlib import Path

    import pandas as pd

    columns = TABLES[name]
    p = Path(path)
    try:
        with p.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise InputError(f"{name}.csv", "empty file: a header row is needed", str(p))
            header = [h.strip() for h in header]
            missing = [c for c in columns if c not in header
                       and c not in OPTIONAL_IN_FILE.get(name, frozenset())]
            if missing:
                raise InputError(f"{name}.csv.{missing[0]}", "column missing",
                                 f"header {header[:12]}")
            if len(set(header)) != len(header):
                raise InputError(f"{name}.csv", "a column name repeats", header)
            values: dict[str, list[Any]] = {c: [] for c in columns}
            seen: set[Any] = set()
            for n, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise InputError(f"{name}.csv", f"row {n}: {len(row)} cells, the header "
                                     f"has {len(header)}")
                cells = dict(zip(header, row, strict=True))
                for c, kind in columns.items():
                    text = cells.get(c, "").strip()
                    try:
                        value = ("" if c in NONE_WORD_COLUMNS and text.lower() == "none"
                                 else _parse(kind, text))
                    except ValueError as e:
                        raise InputError(f"{name}.csv.{c}", f"row {n}: must be "
                                         f"{str(e) if ' ' in str(e) else 'a ' + kind}",
                                         text) from None
                    if value is None and c in REQUIRED[name]:
                        raise InputError(f"{name}.csv.{c}", f"row {n}: a value is required")
                    if c == "patient" and name == "patients":
                        if value in seen:
                            raise InputError(f"{name}.csv.{c}", f"row {n}: each patient "
                                             "once", value)
                        seen.add(value)
                    values[c].append(value)
    except UnicodeDecodeError:
        raise InputError(f"{name}.csv", "not UTF-8 text", str(p)) from None
    except csv.Error as e:
        raise InputError(f"{name}.csv", f"not a CSV file: {e}", str(p)) from None
    except OSError as e:
        raise InputError(f"{name}.csv", f"cannot be read: {e.strerror}", str(p)) from None
    df = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in values.items()})
    return check_table(name, df)


def read_csv(path: Any, *, title: str | None = None) -> CohortData:
    """A cohort from CSV: one file of patients (the columns of :data:`PATIENTS`; only
    ``patient`` is required), or a folder holding ``patients.csv`` and any of
    ``courses.csv``, ``tumour.csv``, ``toxicities.csv``, ``quality_of_life.csv`` and
    ``doses.csv`` (as :func:`write_csv` writes them)."""
    from pathlib import Path

    p = Path(path)
    if p.is_dir():
        if not (p / "patients.csv").is_file():
            raise InputError("data", "a folder of tables needs patients.csv", str(p))
        tables = {name: read_table_csv(name, p / f"{name}.csv") for name in TABLES
                  if (p / f"{name}.csv").is_file()}
    elif p.is_file():
        tables = {"patients": read_table_csv("patients", p)}
    else:
        raise InputError("data", "no such file or folder", str(p))
    return check(CohortData(**tables, title=title or p.stem))


def write_csv(data: CohortData, folder: Any) -> dict[str, int]:
    """Write each table of ``data`` as ``<table>.csv`` into ``folder`` (created if needed;
    the inverse of :func:`read_csv`); returns the rows written per table."""
    import csv
    from pathlib import Path

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for name, columns in TABLES.items():
        df = data.table(name)
        if df is None:
            continue
        with (out / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns)
            for row in df[list(columns)].itertuples(index=False):
                w.writerow(["none" if v == "" and c in NONE_WORD_COLUMNS else _unparse(v)
                            for c, v in zip(columns, row, strict=True)])
        written[name] = len(df)
    return written


def _unparse(v: Any) -> str:
    if _is_missing(v):
        return ""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "true" if v else "false"
    if isinstance(v, tuple | list):
        return ";".join(v)
    if isinstance(v, float) and v.is_integer():
        return repr(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)
