"""Write ADaM datasets as CSV or SAS transport (XPT version 5) files: an adapter over
:mod:`hdil2.interop.sdtm.write`, which writes SDTM domains, for the ADaM datasets' dates.

* CSV (:func:`csv_text`): the SDTM writer's format (UTF-8, a header of the names, every field
  quoted, numbers as exact decimal text, an empty field for a missing value); a date is written
  ``YYYY-MM-DD`` and a date and time ``YYYY-MM-DDThh:mm:ss``.
* XPT: written by pyreadstat, dataset name and label and variable labels from the spec; a date
  is a SAS date (days since 1960-01-01, format ``DATE9.``), a date and time a SAS datetime
  (seconds since 1960-01-01 00:00, format ``DATETIME20.``); text in ASCII, spelled as the SDTM
  writer spells it (``xpt_text``); character variables as long as their longest value.

Every value is checked before any file is written: dates must be dates, times naive
wall-clock date-times, text no longer than its variable (ASCII for XPT), numbers numbers; a
bad value is refused naming the dataset, row and variable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from hdil2.core.errors import InputError
from hdil2.interop.adam.spec import DATASETS, Dataset
from hdil2.interop.sdtm.write import check as sdtm_check
from hdil2.interop.sdtm.write import csv_text as sdtm_csv_text
from hdil2.interop.sdtm.write import output_dir, xpt_text

Format = Literal["csv", "xpt"]


def _text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _as_text(dataset: Dataset, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    dated = [v.name for v in dataset.variables if v.kind in ("date", "datetime")]
    return [{**row, **{n: _text(row.get(n)) for n in dated}} for row in rows]


def check(dataset: Dataset, rows: Sequence[Mapping[str, Any]], *, ascii_only: bool = False
          ) -> None:
    """Refuse a value that does not fit its variable (naming dataset, row and variable)."""
    for i, row in enumerate(rows, start=1):
        for v in dataset.variables:
            x = row.get(v.name)
            if x is None or v.kind not in ("date", "datetime"):
                continue
            where = f"{dataset.code}[{i}].{v.name}"
            if v.kind == "date" and (isinstance(x, dt.datetime) or not isinstance(x, dt.date)):
                raise InputError(where, "a date", x)
            if v.kind == "datetime" and (not isinstance(x, dt.datetime)
                                         or x.tzinfo is not None):
                raise InputError(where, "a wall-clock date and time (no time zone)", x)
    sdtm_check(dataset.as_text_domain(), _as_text(dataset, rows), ascii_only=ascii_only)


def csv_text(dataset: Dataset, rows: Sequence[Mapping[str, Any]]) -> str:
    """The dataset as CSV text (deterministic)."""
    check(dataset, rows)
    return sdtm_csv_text(dataset.as_text_domain(), _as_text(dataset, rows))


def check_datasets(datasets: Mapping[str, Sequence[Mapping[str, Any]]], fmt: str) -> None:
    """Refuse an unknown format or dataset, or any value that does not fit."""
    if fmt not in ("csv", "xpt"):
        raise InputError("format", "csv or xpt", fmt)
    unknown = [c for c in datasets if c not in DATASETS]
    if unknown:
        raise InputError("datasets", "ADaM datasets hdil2 exports: " + ", ".join(DATASETS),
                         unknown)
    for code, rows in datasets.items():
        check(DATASETS[code], rows, ascii_only=fmt == "xpt")


SAS_EPOCH = dt.datetime(1960, 1, 1)


def sas_number(value: dt.date | None) -> float:
    """A date as a SAS date (days since 1960-01-01), a date and time as a SAS datetime
    (seconds since 1960-01-01 00:00); ``None`` → NaN (SAS missing). Written as numbers so that
    a column with no value at all is still numeric."""
    if value is None:
        return float("nan")
    if isinstance(value, dt.datetime):
        return (value - SAS_EPOCH).total_seconds()
    return float((value - SAS_EPOCH.date()).days)


def _frame(dataset: Dataset, rows: Sequence[Mapping[str, Any]]) -> Any:
    import pandas as pd

    cols: dict[str, Any] = {}
    for v in dataset.variables:
        values = [row.get(v.name) for row in rows]
        if v.kind == "number":
            cols[v.name] = pd.Series([float(x) if x is not None else float("nan")
                                      for x in values], dtype="float64")
        elif v.kind in ("date", "datetime"):
            cols[v.name] = pd.Series([sas_number(x) for x in values], dtype="float64")
        else:
            cols[v.name] = pd.Series(["" if x is None else xpt_text(x)
                                      for x in values], dtype=object)
    return pd.DataFrame(cols, columns=list(dataset.names))


def write(datasets: Mapping[str, Sequence[Mapping[str, Any]]], out_dir: str | Path,
          fmt: Format = "csv", *, checked: bool = False) -> list[Path]:
    """Write each dataset to ``out_dir/<name>.csv`` or ``.xpt`` (lower-case names); answer the
    files written. Every dataset is checked before any file is written, unless the caller has
    passed them through :func:`check_datasets` (``checked``)."""
    if not checked:
        check_datasets(datasets, fmt)
    out = output_dir(out_dir)
    written: list[Path] = []
    for code, rows in datasets.items():
        dataset = DATASETS[code]
        path = out / f"{code.lower()}.{fmt}"
        if fmt == "csv":
            path.write_text(csv_text(dataset, rows), encoding="utf-8", newline="")
        else:
            import pyreadstat

            formats = {v.name: v.format for v in dataset.variables if v.format}
            pyreadstat.write_xport(
                _frame(dataset, rows), str(path), file_label=dataset.label,
                column_labels=[v.label for v in dataset.variables], table_name=code,
                file_format_version=5, variable_format=formats)
        written.append(path)
    return written
