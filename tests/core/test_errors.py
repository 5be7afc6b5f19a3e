"""Errors survive pickling whole (issue 15): a refusal raised on a Dask worker reaches the
client as the same error, naming the same field."""

from __future__ import annotations

import datetime as dt
import pickle

from hdil2.core.errors import InputError, InputErrors
from hdil2.interop.sdtm.problems import ImportRefused, Problem
from hdil2.registry.errors import StaleEdit


def _same(a: Exception, b: Exception) -> None:
    assert type(a) is type(b)
    assert str(a) == str(b)
    assert a.to_dict() == b.to_dict()  # type: ignore[attr-defined]
    plain = {k: v for k, v in a.__dict__.items() if k not in ("errors", "problems")}
    assert plain == {k: v for k, v in b.__dict__.items() if k not in ("errors", "problems")}


def test_item15_errors_pickle_with_their_fields() -> None:
    one = InputError("p", "must be within [0, 1]", 1.5)
    back = pickle.loads(pickle.dumps(one))
    _same(one, back)
    assert (back.field, back.message, back.value) == ("p", "must be within [0, 1]", 1.5)
    many = InputErrors([one, InputError("n", "a whole number", "x")])
    back_many = pickle.loads(pickle.dumps(many))
    _same(many, back_many)
    assert [e.field for e in back_many.errors] == ["p", "n"]
    refused = ImportRefused([Problem("dm", 2, "SEX", "unknown code", "Q")])
    _same(refused, pickle.loads(pickle.dumps(refused)))
    stale = StaleEdit("patient P1", 1, 2, "nurse_a", dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                      [("ecog", 0, 1)])
    _same(stale, pickle.loads(pickle.dumps(stale)))
