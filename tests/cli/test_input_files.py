"""Issue 8 item 16: every unreadable input file gets its own message naming it, exit status 2.

Deeply nested JSON, an empty file, a file that is not UTF-8 (a byte-order mark included), a
directory, a missing file, empty standard input, a CSV where JSON is expected: none of them may
end as an internal error (status 70) or a traceback, and each message says what is wrong with
which file, so the user can fix it without reading code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hdil2.cli.invoke import invoke

# a command per area that reads a JSON document (the fuzz test covers them all)
JSON_COMMANDS = [
    ["screen"], ["dose"], ["calendar"], ["next-dose"], ["grade"], ["assess"], ["next-course"],
    ["stats", "rate"], ["design", "simon"],
]


def _error(args: list[str], stdin: str = "") -> str:
    code, out, err = invoke([*args, "--json"], stdin)
    assert code == 2, (code, err)
    assert out == ""
    assert "Traceback" not in err
    errors = json.loads(err)["errors"]
    code, _, human = invoke(args, stdin)
    assert code == 2
    assert human.startswith("error: ")
    return str(errors[0]["message"])


@pytest.mark.parametrize("cmd", JSON_COMMANDS, ids=" ".join)
def test_item16_json_nested_100000_deep_exits_2(tmp_path: Path, cmd: list[str]) -> None:
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    msg = _error([*cmd, str(p)])
    assert "deep.json" in msg
    assert "nested deeper than" in msg


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_item16_deep_json_on_stdin_and_in_objects(depth: int) -> None:
    doc = '{"a":' * depth + "1" + "}" * depth
    msg = _error(["screen", "-"], doc)
    assert "standard input" in msg
    assert "nested deeper than" in msg


def test_item16_depth_counts_brackets_outside_strings_only(tmp_path: Path) -> None:
    """Brackets inside strings are text: a patient id of 500 '[' is not nesting."""
    p = tmp_path / "p.json"
    p.write_text(json.dumps({"id": "[" * 500, "weight": "70 kg"}))
    msg = _error(["screen", str(p)])
    assert "nested" not in msg


def test_item16_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.json"
    p.write_bytes(b"")
    msg = _error(["screen", str(p)])
    assert str(p) in msg
    assert "empty" in msg


def test_item16_blank_file_is_empty_too(tmp_path: Path) -> None:
    p = tmp_path / "blank.json"
    p.write_text(" \n\t\n")
    assert "empty" in _error(["screen", str(p)])


def test_item16_empty_stdin() -> None:
    msg = _error(["screen", "-"], "")
    assert "standard input" in msg
    assert "empty" in msg


def test_item16_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "latin1.json"
    p.write_bytes('{"id": "café"}'.encode("latin-1"))
    msg = _error(["screen", str(p)])
    assert str(p) in msg
    assert "not UTF-8" in msg
    assert "offset 11" in msg  # where the first bad byte is (counted from 0)


def test_item16_utf8_byte_order_mark(tmp_path: Path) -> None:
    p = tmp_path / "bom.json"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "X"}).encode())
    msg = _error(["screen", str(p)])
    assert str(p) in msg
    assert "byte-order mark" in msg
    assert "without" in msg  # says how to fix it


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_item16_utf16(tmp_path: Path, encoding: str) -> None:
    p = tmp_path / "u16.json"
    p.write_bytes(json.dumps({"id": "X"}).encode(encoding))
    msg = _error(["screen", str(p)])
    assert str(p) in msg
    assert "UTF-16" in msg


def test_item16_directory(tmp_path: Path) -> None:
    msg = _error(["screen", str(tmp_path)])
    assert str(tmp_path) in msg
    assert "is a directory" in msg


def test_item16_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "nope.json"
    msg = _error(["screen", str(p)])
    assert str(p) in msg
    assert "file not found" in msg


def test_item16_csv_where_json_is_expected(tmp_path: Path) -> None:
    p = tmp_path / "cohort.csv"
    p.write_text("time,event,arm\n5,1,A\n8,0,B\n")
    msg = _error(["screen", str(p)])
    assert str(p) in msg
    assert "looks like CSV" in msg
    assert "hdil2 stats km" in msg  # where CSV is read
    assert "hdil2 schema" in msg  # what this command reads instead


def test_item16_csv_content_without_csv_extension(tmp_path: Path) -> None:
    p = tmp_path / "data.json"
    p.write_text("id,weight\nP1,70 kg\n")
    assert "looks like CSV" in _error(["screen", str(p)])


def test_item16_integer_too_long_for_python(tmp_path: Path) -> None:
    p = tmp_path / "big.json"
    p.write_text('{"id": "X", "ecog": ' + "9" * 5000 + "}")
    msg = _error(["screen", str(p)])
    assert "digits" in msg


def test_item16_invalid_json_names_the_file_and_position(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('{"id": "X",\n "weight": }')
    msg = _error(["screen", str(p)])
    assert str(p) in msg
    assert "line 2" in msg


def test_item16_deep_but_parseable_json_fails_validation_cleanly() -> None:
    """Nesting under the parse limit inside a free-form field still answers 0 or 2."""
    from hdil2.app.documents import MAX_JSON_DEPTH

    inner: object = 1
    for _ in range(MAX_JSON_DEPTH - 3):
        inner = [inner]
    doc = {"regimen": "hd-il2-600k", "weight": "70 kg", "policies": {"x": inner}}
    code, _, err = invoke(["dose", "-", "--json"], json.dumps(doc))
    assert code == 2, err
    assert "Traceback" not in err


# ---- the same checks for CSV inputs (hdil2 stats km / logrank / cox) ------------------------

CSV_COMMAND = ["stats", "km", "--time", "time", "--event", "status"]


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b"", "empty"),
        ("time,status\n5,1\n".encode("utf-16"), "UTF-16"),
        (b"\xef\xbb\xbftime,status\n5,1\n", "byte-order mark"),
        ("time,status,who\n5,1,Zoë\n".encode("latin-1"), "not UTF-8"),
    ],
    ids=["empty", "utf16", "bom", "latin1"],
)
def test_item16_csv_inputs_get_the_same_checks(tmp_path: Path, content: bytes,
                                               expect: str) -> None:
    p = tmp_path / "cohort.csv"
    p.write_bytes(content)
    msg = _error([*CSV_COMMAND, str(p)])
    assert str(p) in msg
    assert expect in msg


def test_item16_csv_directory_and_missing(tmp_path: Path) -> None:
    assert "is a directory" in _error([*CSV_COMMAND, "--format", "csv", str(tmp_path)])
    assert "file not found" in _error([*CSV_COMMAND, str(tmp_path / "none.csv")])
