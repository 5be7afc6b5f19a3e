"""The model matrix of a regression: numeric and categorical covariates, missing values.

Rules (those of R's ``model.matrix`` with its default treatment contrasts, and of
``na.omit``, the default ``na.action`` of R ``survival::coxph``; ``r-survival``):

* A column whose values include text is categorical; a numeric column is categorical only
  when named in ``categorical``.  A categorical column with k levels becomes k − 1 indicator
  columns (treatment contrasts), one per level other than the reference, named column name +
  level, as R names them (``x`` with levels Maintained, Nonmaintained gives ``xNonmaintained``).
* Levels are sorted: text by Unicode code point (R's order in the C locale; R in another
  locale may sort upper and lower case together, so name the reference when it matters),
  numbers numerically (written as R writes them: ``1``, not ``1.0``).  The reference is the
  first level unless ``reference`` names another.
* A row with a missing value (``None``/NaN) in any covariate is dropped, and the number of
  dropped rows is reported (R's ``na.omit``).  Levels are taken from the rows kept.
* A constant column, a factor with a single level and collinear columns are refused with the
  columns named: R instead drops the aliased coefficient with a warning.  Collinearity is found
  by a QR decomposition of the centred matrix: a column whose residual on the columns before it
  is below 1e-7 of its own size is a linear combination of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hdil2.core.errors import InputError
from hdil2.core.result import Result

_COLLINEAR_TOL = 1e-7


@dataclass(frozen=True, slots=True)
class Factor(Result):
    """How a categorical covariate was coded: its levels (sorted) and the reference."""

    covariate: str
    levels: tuple[str, ...]
    reference: str


@dataclass(frozen=True, slots=True)
class ModelColumn:
    """One column of the model matrix and where it came from."""

    name: str  # R's name: the covariate, or covariate + level for an indicator
    covariate: str
    level: str | None = None  # the level this indicator compares with the reference
    reference: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class ModelMatrix:
    """The n_kept × p float matrix, the rows kept, and the coding of each column."""

    x: Any
    keep: Any  # boolean mask over the input rows
    columns: tuple[ModelColumn, ...]
    factors: tuple[Factor, ...]
    missing: dict[str, int]  # rows with a missing value, per covariate

    @property
    def n_dropped(self) -> int:
        return int(self.keep.size - self.keep.sum())


def r_label(value: Any) -> str:
    """A level as R's ``as.character`` writes it (1, not 1.0; text unchanged)."""
    if isinstance(value, str):
        return value
    v = float(value)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _columns(values: Any, n: int, names: Sequence[str] | None,
             field: str) -> list[tuple[str, Any]]:
    """The covariates as (name, 1-D object or float array) pairs, one per column."""
    import numpy as np

    if isinstance(values, Mapping) or hasattr(values, "columns"):
        if names is not None:
            raise InputError("names", "give names only with a matrix of covariates; a mapping "
                             "names its own columns")
        keys = list(values.keys()) if isinstance(values, Mapping) else list(values.columns)
        if not keys:
            raise InputError(field, "name at least one covariate")
        out = []
        for k in keys:
            col = values[k]
            raw = col.to_numpy() if hasattr(col, "to_numpy") else col
            arr = np.asarray(raw)
            if arr.dtype.kind in "USO":  # keep each value's own type (NumPy would make 1 "1")
                arr = np.empty(len(raw), dtype=object)
                arr[:] = list(raw)
            if arr.ndim != 1 or arr.size != n:
                raise InputError(f"{field}.{k}", f"must have one value per time ({n})",
                                 arr.size if arr.ndim == 1 else arr.shape)
            out.append((str(k), arr))
        return out
    arr = np.asarray(values)
    if arr.dtype.kind in "US":  # keep each value's own type (NumPy would make 1 "1")
        arr = np.asarray(values, dtype=object)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] != n:
        raise InputError(field, f"must have one row per time ({n})", arr.shape)
    cols = list(names) if names is not None else [f"x{j + 1}" for j in range(arr.shape[1])]
    if len(cols) != arr.shape[1]:
        raise InputError("names", f"must name each of the {arr.shape[1]} covariates",
                         len(cols))
    if len(set(cols)) != len(cols):
        raise InputError("names", "must be distinct", cols)
    return [(str(c), arr[:, j]) for j, c in enumerate(cols)]


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _parse(name: str, arr: Any, field: str) -> tuple[Any, Any, bool]:
    """(values, missing mask, is_text) of one column; text values stay Python strings."""
    import numpy as np

    if arr.dtype.kind in "iub":
        vals = arr.astype(float)
        return vals, np.zeros(arr.size, dtype=bool), False
    if arr.dtype.kind == "f":
        miss = np.isnan(arr)
        bad = np.isinf(arr)
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(f"{field}.{name}[{i}]", "must be a finite number", float(arr[i]))
        return arr.astype(float), miss, False
    obj = arr.astype(object)
    miss = np.fromiter((_is_missing(v) for v in obj), dtype=bool, count=obj.size)
    kinds = {type(v) for v, m in zip(obj, miss, strict=True) if not m}
    if kinds and all(issubclass(k, str) for k in kinds):
        return obj, miss, True
    if any(issubclass(k, str) for k in kinds):
        i = next(i for i, v in enumerate(obj) if not miss[i] and not isinstance(v, str))
        raise InputError(f"{field}.{name}[{i}]", "mixes numbers and text: a categorical "
                         "covariate needs every value as text", obj[i])
    try:
        vals = np.array([math.nan if m else float(v) for v, m in zip(obj, miss, strict=True)])
    except (TypeError, ValueError):
        raise InputError(f"{field}.{name}", "must be numbers or text") from None
    bad = np.isinf(vals)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"{field}.{name}[{i}]", "must be a finite number", obj[i])
    return vals, miss, False


def model_matrix(values: Any, n: int, names: Sequence[str] | None = None, *,
                 categorical: Iterable[str] = (), reference: Mapping[str, Any] | None = None,
                 field: str = "covariates", max_cells: float | None = None) -> ModelMatrix:
    """Code ``values`` (a mapping name → column, a data frame, or an n × p matrix).

    ``max_cells`` bounds n·p² (the size of the per-row products a Cox fit forms) and is checked
    before any indicator column is built.
    """
    import numpy as np

    cols = _columns(values, n, names, field)
    colnames = [c for c, _ in cols]
    cat = set(categorical)
    for c in cat:
        if c not in colnames:
            raise InputError("categorical", f"no covariate {c!r}; covariates: "
                             f"{', '.join(colnames)}", c)
    ref = dict(reference or {})
    for c in ref:
        if c not in colnames:
            raise InputError("reference", f"no covariate {c!r}; covariates: "
                             f"{', '.join(colnames)}", c)
    parsed = [(c, *_parse(c, arr, field)) for c, arr in cols]
    miss_any = np.zeros(n, dtype=bool)
    missing: dict[str, int] = {}
    for c, _, miss, _ in parsed:
        if miss.any():
            missing[c] = int(miss.sum())
            miss_any |= miss
    keep = ~miss_any
    if not keep.any():
        raise InputError(field, "every row has a missing covariate value")
    # levels first (from the kept rows), so the size bound acts before any indicator is built
    plans: list[tuple[str, Any, list[Any] | None, int]] = []
    width = 0
    for c, vals, _, text in parsed:
        kept = vals[keep]
        if text or c in cat:
            levels: list[Any] = sorted(set(kept.tolist()))
            labels = [r_label(v) for v in levels]
            if len(levels) < 2:
                raise InputError(f"{field}[{c}]", f"has a single level ({labels[0]}): its "
                                 "effect is not identifiable")
            if c in ref:
                want = r_label(ref[c]) if not isinstance(ref[c], str) else ref[c]
                if want not in labels:
                    raise InputError(f"reference.{c}", f"is not a level of {c}; levels: "
                                     f"{', '.join(labels)}", ref[c])
                r = labels.index(want)
            else:
                r = 0
            plans.append((c, kept, levels, r))
            width += len(levels) - 1
        else:
            if c in ref:
                raise InputError(f"reference.{c}", f"{c} is numeric: name it in categorical "
                                 "to treat it as categorical", ref[c])
            plans.append((c, kept, None, -1))
            width += 1
    n_kept = int(keep.sum())
    if max_cells is not None and n_kept * width * width > max_cells:
        detail = ", ".join(f"{c} {len(lv) - 1}" for c, _, lv, _ in plans if lv is not None)
        raise InputError(field, f"{n_kept} rows × {width} model columns"
                         + (f" (indicator columns: {detail})" if detail else "")
                         + f" exceed the bound rows × columns² ≤ {max_cells:.3g}: use fewer "
                         "covariates or merge rare levels")
    x = np.empty((n_kept, width))
    columns: list[ModelColumn] = []
    factors: list[Factor] = []
    j = 0
    for c, kept, lv, r in plans:
        if lv is None:
            x[:, j] = kept
            columns.append(ModelColumn(c, c))
            j += 1
            continue
        labels = [r_label(v) for v in lv]
        index = {v: k for k, v in enumerate(lv)}
        codes = np.fromiter((index[v] for v in kept.tolist()), dtype=np.int64, count=n_kept)
        factors.append(Factor(c, tuple(labels), labels[r]))
        for k, lab in enumerate(labels):
            if k == r:
                continue
            x[:, j] = codes == k
            columns.append(ModelColumn(c + lab, c, lab, labels[r]))
            j += 1
    _check_rank(x, [col.name for col in columns], field)
    return ModelMatrix(x, keep, tuple(columns), tuple(factors), missing)


def _check_rank(x: Any, names: list[str], field: str) -> None:
    """Refuse constant and collinear columns, naming them."""
    import numpy as np

    xc = x - x.mean(axis=0)
    size = np.sqrt((xc * xc).sum(axis=0))
    scale = np.abs(x).max(axis=0)
    for j in range(x.shape[1]):
        if size[j] <= 1e-12 * max(scale[j], 1e-300) or np.ptp(x[:, j]) == 0:
            raise InputError(f"{field}[{names[j]}]", "is constant: its coefficient is not "
                             "identifiable")
    if x.shape[1] < 2:
        return
    _, r = np.linalg.qr(xc / size)
    for j in range(x.shape[1]):
        if abs(r[j, j]) > _COLLINEAR_TOL:
            continue
        # column j lies in the span of the columns before it: name those it uses
        coef = np.linalg.lstsq(r[:j, :j], r[:j, j], rcond=None)[0] if j else np.zeros(0)
        used = [names[k] for k in range(j) if abs(coef[k]) > 1e-6]
        if not used:
            used = names[:j]
        if len(used) == 1:
            msg = f"{names[j]} and {used[0]} are collinear: drop one of them"
        else:
            msg = (f"{names[j]} is a linear combination of {', '.join(used)} (collinear "
                   "covariates): drop one of them")
        raise InputError(field, msg)
