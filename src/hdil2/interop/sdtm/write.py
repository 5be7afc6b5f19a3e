"""Write SDTM datasets as CSV or SAS transport (XPT version 5) files.

* CSV: UTF-8, a header of the variable names in the spec's order, ``\\n`` line ends, every
  field quoted; numbers as exact decimal text, an empty field for a missing value. The same
  rows give the same bytes.
* XPT: SAS transport version 5 written by pyreadstat (imported only here), dataset name the
  domain code, dataset label and variable labels from the spec; character variables as long as
  their longest value (the FDA technical conformance guide's rule), numbers as 8-byte SAS
  floats.

SAS transport version 5 holds ASCII text only: for XPT the few non-ASCII signs hdil2's own texts
use are spelled in ASCII (:data:`ASCII_SPELLINGS`: ``≥`` → ``>=``, ``≤`` → ``<=``, ``×`` →
``x``, ``µ`` → ``u``, dashes → ``-``); any other non-ASCII character is refused. The CSV files
keep the text exactly.

Before writing, every value is checked against the spec: character values no longer than the
variable's length (and ASCII for XPT, as version 5 requires), numbers for numeric variables;
a bad value is refused naming the domain, row and variable, and nothing is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from hdil2.core.errors import InputError
from hdil2.interop.sdtm.spec import ALL_DOMAINS, Domain

Format = Literal["csv", "xpt"]

#: the non-ASCII signs written in ASCII in SAS transport files
ASCII_SPELLINGS = {"≥": ">=", "≤": "<=", "×": "x", "µ": "u", "μ": "u", "–": "-", "—": "-",
                   "’": "'"}
_SPELL = str.maketrans(ASCII_SPELLINGS)


def xpt_text(text: str) -> str:
    """``text`` as written to a SAS transport file (:data:`ASCII_SPELLINGS` applied)."""
    return text.translate(_SPELL)


def check(domain: Domain, rows: Sequence[Mapping[str, Any]], *, ascii_only: bool = False
          ) -> None:
    """Refuse a value that does not fit its variable (naming domain, row and variable)."""
    for i, row in enumerate(rows, start=1):
        for v in domain.variables:
            x = row.get(v.name)
            where = f"{domain.code}[{i}].{v.name}"
            if v.type == "Num":
                if x is not None and (isinstance(x, bool)
                                      or not isinstance(x, (int, Decimal))):
                    raise InputError(where, "a number", x)
                continue
            text = "" if x is None else x
            if not isinstance(text, str):
                raise InputError(where, "text", x)
            if ascii_only:
                text = xpt_text(text)
            if len(text.encode("utf-8")) > v.length:
                raise InputError(where, f"at most {v.length} bytes", x)
            if ascii_only and not text.isascii():
                raise InputError(where, "ASCII text (SAS transport version 5)", x)


def csv_text(domain: Domain, rows: Sequence[Mapping[str, Any]]) -> str:
    """The dataset as CSV text (deterministic)."""
    check(domain, rows)
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(domain.names)
    for row in rows:
        w.writerow(["" if row.get(n) is None else str(row[n]) for n in domain.names])
    return buf.getvalue()


def _frame(domain: Domain, rows: Sequence[Mapping[str, Any]]) -> Any:
    import pandas as pd

    cols: dict[str, Any] = {}
    for v in domain.variables:
        values = [row.get(v.name) for row in rows]
        if v.type == "Num":
            cols[v.name] = pd.Series([float(x) if x is not None else float("nan")
                                      for x in values], dtype="float64")
        else:
            cols[v.name] = pd.Series(["" if x is None else xpt_text(x) for x in values],
                                     dtype=object)
    return pd.DataFrame(cols, columns=list(domain.names))


def check_datasets(datasets: Mapping[str, Sequence[Mapping[str, Any]]], fmt: str) -> None:
    """Refuse an unknown format or domain, or any value that does not fit (see :func:`check`)."""
    if fmt not in ("csv", "xpt"):
        raise InputError("format", "csv or xpt", fmt)
    unknown = [c for c in datasets if c not in ALL_DOMAINS]
    if unknown:
        raise InputError("domains", "SDTM domains hdil2 exports: " + ", ".join(ALL_DOMAINS),
                         unknown)
    for code, rows in datasets.items():
        check(ALL_DOMAINS[code], rows, ascii_only=fmt == "xpt")


def output_dir(out_dir: str | Path) -> Path:
    """The directory the files go to, created if missing; a file of that name is refused
    (field ``out``)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("out", "a directory", str(out))
    out.mkdir(parents=True, exist_ok=True)
    return out


def write(datasets: Mapping[str, Sequence[Mapping[str, Any]]], out_dir: str | Path,
          fmt: Format = "csv", *, checked: bool = False) -> list[Path]:
    """Write each dataset to ``out_dir/<domain>.csv`` or ``.xpt`` (lower-case names); answer
    the files written. Every dataset is checked before any file is written, unless the caller
    says it has already passed them through :func:`check_datasets` (``checked``)."""
    if not checked:
        check_datasets(datasets, fmt)
    out = output_dir(out_dir)
    written: list[Path] = []
    for code, rows in datasets.items():
        domain = ALL_DOMAINS[code]
        path = out / f"{code.lower()}.{fmt}"
        if fmt == "csv":
            path.write_text(csv_text(domain, rows), encoding="utf-8", newline="")
        else:
            import pyreadstat

            pyreadstat.write_xport(
                _frame(domain, rows), str(path), file_label=domain.label,
                column_labels=[v.label for v in domain.variables], table_name=code,
                file_format_version=5)
        written.append(path)
    return written
