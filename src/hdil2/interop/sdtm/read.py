"""SDTM import, the pure half: read SDTM files (CSV or SAS transport) and parse them into the
registry's patient records (the dicts :func:`hdil2.interop.sdtm.build` takes).

* :func:`read_datasets` reads every ``*.csv`` (also ``*.csv.gz``) or ``*.xpt`` file of a
  folder, or the files given, into rows keyed by variable name, and checks each file of a
  domain hdil2 knows against :mod:`hdil2.interop.sdtm.spec`: the domain is known (or one of
  :data:`IGNORED_DOMAINS`, read and left out), the variables the import needs are there
  (:data:`REQUIRED`), a numeric variable holds numbers, a ``--DTC`` variable is ISO 8601
  (complete or partial), ``--SEQ`` is unique per subject, and each row names its study and
  subject. Variables the registry does not model are accepted and listed
  (:attr:`Datasets.extra`).
* :func:`parse` (see :mod:`hdil2.interop.sdtm.parse`) turns the rows into patient records.

Every problem is collected (at most 100) and reported together as :class:`ImportRefused`,
naming the file, the 1-based data row (0: the file or its header) and the column; nothing is
imported when there is any. In CSV an empty cell is a missing value.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from hdil2.core.errors import InputError
from hdil2.interop.sdtm.dtc import _DTC
from hdil2.interop.sdtm.parse import parse
from hdil2.interop.sdtm.problems import Collector, ImportRefused, Problem
from hdil2.interop.sdtm.spec import ALL_DOMAINS as DOMAINS

__all__ = ["IGNORED_DOMAINS", "REQUIRED", "Datasets", "ImportRefused", "Problem", "parse",
           "read_datasets"]

Row = dict[str, Any]

#: domains read and left out: trial design and subject-visit datasets, which describe the
#: study's plan rather than the patients' data (hdil2 keeps no trial design)
IGNORED_DOMAINS = ("TA", "TE", "TI", "TS", "TV", "TD", "TM", "SE", "SV")

_IDS = ("STUDYID", "DOMAIN", "USUBJID")
#: per domain, the variables the import needs (SDTMIG 3.4 "Req" variables of hdil2's datasets
#: and the ones the registry cannot do without)
REQUIRED: dict[str, tuple[str, ...]] = {
    "DM": (*_IDS, "SUBJID", "SITEID", "SEX"),
    "SUPPDM": ("STUDYID", "RDOMAIN", "USUBJID", "QNAM", "QLABEL", "QVAL"),
    "EX": (*_IDS, "EXSEQ", "EXTRT", "EXDOSE", "EXDOSU", "EXSTDTC"),
    "EC": (*_IDS, "ECSEQ", "ECTRT", "ECOCCUR", "ECSTDTC"),
    "AE": (*_IDS, "AESEQ", "AETERM", "AEDECOD", "AESTDTC"),
    "LB": (*_IDS, "LBSEQ", "LBTESTCD", "LBTEST", "LBORRES", "LBDTC"),
    "VS": (*_IDS, "VSSEQ", "VSTESTCD", "VSTEST", "VSORRES", "VSDTC"),
    "DS": (*_IDS, "DSSEQ", "DSTERM", "DSDECOD", "DSCAT"),
    "TU": (*_IDS, "TUSEQ", "TULNKID", "TUTESTCD", "TUORRES"),
    "TR": (*_IDS, "TRSEQ", "TRLNKID", "TRTESTCD", "TRORRES", "TRDTC"),
    "RS": (*_IDS, "RSSEQ", "RSTESTCD", "RSORRES", "RSDTC"),
    "QS": (*_IDS, "QSSEQ", "QSTESTCD", "QSTEST", "QSCAT", "QSORRES", "VISIT", "QSDTC"),
}

_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


class Datasets(dict[str, list[Row]]):
    """Domain code -> rows, with where each came from and what was not modelled.

    ``files``: domain -> the file's name; ``extra``: domain -> the variables of the file the
    registry does not model (not in :mod:`~hdil2.interop.sdtm.spec`); ``ignored``: file name
    -> the domain of a file read and left out (:data:`IGNORED_DOMAINS`).
    """

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, str] = {}
        self.extra: dict[str, tuple[str, ...]] = {}
        self.ignored: dict[str, str] = {}


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for s in (".csv.gz", ".csv", ".xpt"):
        if name.endswith(s):
            return s
    return ""


def _files(path: str | Path | Iterable[str | Path], fmt: str) -> list[Path]:
    if isinstance(path, str | Path):
        p = Path(path)
        if p.is_dir():
            wanted = (".csv", ".csv.gz") if fmt == "csv" else (".xpt",)
            return sorted(f for f in p.iterdir() if f.is_file() and _suffix(f) in wanted)
        return [p]
    return [Path(p) for p in path]


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    raw = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    rows = [dict(zip(header, (*r, *[""] * (len(header) - len(r))), strict=False))
            for r in reader if r]
    return header, rows


def _xpt_value(x: Any) -> Any:
    if isinstance(x, float):
        return None if x != x else Decimal(repr(x))
    return x


def _read_xpt(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    import pyreadstat

    df, _meta = pyreadstat.read_xport(str(path))
    header = list(df.columns)
    rows = [{k: _xpt_value(v) for k, v in zip(header, rec, strict=True)}
            for rec in df.itertuples(index=False, name=None)]
    return header, rows


def _domain_of(path: Path, header: list[str], rows: list[dict[str, Any]], fname: str,
               out: Collector) -> str:
    stem = path.name[: -len(_suffix(path))] if _suffix(path) else path.stem
    named = stem.upper()
    column = "DOMAIN" if "DOMAIN" in header else (
        "RDOMAIN" if "RDOMAIN" in header and "QNAM" in header else "")  # SUPP--
    if not column:
        return named
    values = [str(r.get(column) or "").upper() for r in rows]
    first = next((v for v in values if v), "")
    for i, v in enumerate(values, start=1):
        if v != first:
            out.add(fname, i, column, f"one domain per file ({first})", v)
            break
    if not first:
        return named
    code = f"SUPP{first}" if column == "RDOMAIN" else first
    if (named in DOMAINS or named in IGNORED_DOMAINS) and named != code:
        out.add(fname, 0, column, f"the domain its file name says ({named})", code)
    return code


def _check(code: str, header: list[str], rows: list[dict[str, Any]], fname: str,
           out: Collector) -> list[Row]:
    domain = DOMAINS[code]
    for name in REQUIRED[code]:
        if name not in header:
            out.add(fname, 0, name, f"a variable {code} requires (missing from the file)")
    types = {v.name: v.type for v in domain.variables}
    nums = [h for h in header if types.get(h) == "Num"]
    texts = [h for h in header if types.get(h) != "Num"]
    dtcs = [h for h in texts if h.endswith("DTC")]
    needs = [h for h in ("STUDYID", "USUBJID") if h in header]
    seq = f"{code}SEQ"
    seen: dict[tuple[str, Any], int] = {}
    checked: list[Row] = []
    for i, raw in enumerate(rows, start=1):
        row: Row = dict(raw)
        for name in texts:
            x = row[name]
            if not isinstance(x, str):
                row[name] = _text(x)
        for name in nums:
            row[name] = _num(row[name], fname, i, name, out)
        for name in dtcs:
            text = row[name]
            if text and not _DTC.match(text):
                out.add(fname, i, name, "an ISO 8601 date or date and time "
                        "(YYYY-MM-DD or YYYY-MM-DDThh:mm, or partial: YYYY, YYYY-MM)", text)
        for name in needs:
            if not row[name]:
                out.add(fname, i, name, "a value (every row names its study and subject)")
        if seq in row and row[seq] is not None and row.get("USUBJID"):
            key = (row["USUBJID"], row[seq])
            if key in seen:
                out.add(fname, i, seq, f"a sequence number unique per subject (row {seen[key]}"
                        " has it too)", row[seq])
            else:
                seen[key] = i
        checked.append(row)
    return checked


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        d = value.normalize()
        return str(d.quantize(Decimal(1))) if d == d.to_integral_value() else format(d, "f")
    return str(value)


def _num(value: Any, fname: str, i: int, name: str, out: Collector) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, str) and _NUMBER.match(value):
        try:
            return Decimal(value)
        except InvalidOperation:  # surrounding blanks
            return Decimal(value.strip())
    out.add(fname, i, name, "a number (a numeric variable)", value)
    return None


def read_datasets(path: str | Path | Iterable[str | Path], fmt: str = "csv") -> Datasets:
    """Read and check the SDTM files of a folder (every ``*.csv``/``*.csv.gz``, or every
    ``*.xpt``) or the files given; answer the rows of each domain (numbers as Decimals,
    ``None`` when missing; text as ``str``, ``""`` when missing). Refused with
    :class:`ImportRefused` when any file has a problem (see the module)."""
    if fmt not in ("csv", "xpt"):
        raise InputError("format", "csv or xpt", fmt)
    files = _files(path, fmt)
    out = Collector()
    result = Datasets()
    if not files:
        out.add(str(path), 0, "", f"SDTM files ({'*.csv, *.csv.gz' if fmt == 'csv' else '*.xpt'})")
    for f in files:
        fname = f.name
        if not f.is_file():
            out.add(fname, 0, "", "a file that exists")
            continue
        kind = _suffix(f)
        if kind not in (".csv", ".csv.gz", ".xpt"):
            out.add(fname, 0, "", "an SDTM file: .csv, .csv.gz or .xpt")
            continue
        try:
            header, rows = _read_xpt(f) if kind == ".xpt" else _read_csv(f)
        except (OSError, ValueError, UnicodeDecodeError, csv.Error) as e:
            out.add(fname, 0, "", f"a readable {'SAS transport' if kind == '.xpt' else 'CSV'}"
                    f" file ({type(e).__name__})")
            continue
        dup = sorted({h for h in header if header.count(h) > 1})
        if dup:
            out.add(fname, 0, dup[0], "each variable once in the header")
            continue
        code = _domain_of(f, header, rows, fname, out)
        if code in IGNORED_DOMAINS:
            result.ignored[fname] = code
            continue
        if code not in DOMAINS:
            out.add(fname, 0, "DOMAIN" if "DOMAIN" in header else "",
                    "a domain hdil2 imports (" + ", ".join(DOMAINS) + ") or leaves out ("
                    + ", ".join(IGNORED_DOMAINS) + ")", code)
            continue
        if code in result:
            out.add(fname, 0, "", f"one file per domain ({result.files[code]} is {code} too)")
            continue
        result[code] = _check(code, header, rows, fname, out)
        result.files[code] = fname
        names = set(DOMAINS[code].names)
        result.extra[code] = tuple(h for h in header if h not in names)
    out.raise_any()
    return result


def files_of(datasets: Mapping[str, Any]) -> dict[str, str]:
    """Domain -> file name of ``datasets`` (its code in lower case when not read from a file)."""
    known = getattr(datasets, "files", {})
    return {c: known.get(c, f"{c.lower()}") for c in datasets}
