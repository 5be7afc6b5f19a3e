"""``--jsonl`` on grade, next-dose, screen, assess and dose (issue 10 item 4): each line of the
input is answered by one line of output, equal to the command's ``--json`` answer for that
request (compacted); a refused line answers with its line number; the exit status is 0 when
every line was answered and 2 when some were refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hdil2.cli.invoke import invoke
from peer_data import ROOT

RESPONSE_DATA = Path(__file__).resolve().parents[1] / "clinical" / "response" / "data"
DEMO_PATIENT = ROOT / "src/hdil2/clinical/selection/data/demo_patient.json"


def compact(text: str) -> str:
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


def one_line(path: Path) -> str:
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)


def _next_dose_requests(tmp_path: Path) -> list[str]:
    """The demo's two next-dose requests (a hold, then a give)."""
    code, _, err = invoke(["demo", "--out", str(tmp_path / "demo"), "--json"])
    assert code == 0, err
    return [one_line(tmp_path / "demo" / f"next-dose-{k}.json") for k in ("hold", "give")]


GRADE = [
    '{"term": "creatinine_increased", "value": "1.5 mg/dL", "uln": "1.2 mg/dL", '
    '"baseline": "0.9 mg/dL"}',
    '{"term": "platelet_count_decreased", "value": "40 10^9/L", "lln": "150 10^9/L"}',
    '{"term": "AST", "value": "130 U/L", "uln": "40 U/L"}',
]
DOSE = ['{"regimen": "hd-il2-600k", "weight": "70 kg"}',
        '{"regimen": "hd-il2-600k", "weight": "154 lb"}']


def check_batch(tmp_path: Path, command: list[str], lines: list[str], bad: str,
                options: tuple[str, ...] = ()) -> list[str]:
    """``command --jsonl FILE`` on ``lines`` with ``bad`` inserted second: each good line's
    answer equals ``command LINE --json`` (with the same options); the bad one is refused."""
    path = tmp_path / "requests.jsonl"
    path.write_text("\n".join([lines[0], bad, *lines[1:]]) + "\n", encoding="utf-8")
    code, out, err = invoke([*command, "--jsonl", str(path), *options])
    answers = out.splitlines()
    assert code == 2, err
    assert len(answers) == len(lines) + 1
    refusal = json.loads(answers.pop(1))
    assert refusal["line"] == 2
    assert refusal["errors"][0]["field"]
    assert json.loads(err)["errors"][0]["message"].startswith(
        f"1 of {len(lines) + 1} lines refused (line 2)")
    for line, answer in zip(lines, answers, strict=True):
        single = tmp_path / "single.json"
        single.write_text(line, encoding="utf-8")
        code, expected, err = invoke([*command, str(single), *options, "--json"])
        assert code == 0, err
        assert answer == compact(expected)
    return answers


def test_item4_grade_jsonl_answers_each_line_as_grade_json(tmp_path: Path) -> None:
    answers = check_batch(tmp_path, ["grade"], GRADE, '{"term": "fever", "value": "38.5"}')
    # CTCAE v5.0: > 1.5 x baseline is G2; < 50 x 10^9/L G3; AST 3.25 x ULN with no baseline:
    # G2 if the baseline was normal, lower if it was abnormal, so not evaluable
    assert [json.loads(a)["value"] for a in answers] == [2, 3, "not_evaluable"]


def test_item4_next_dose_jsonl(tmp_path: Path) -> None:
    answers = check_batch(tmp_path, ["next-dose"], _next_dose_requests(tmp_path), "{}")
    assert [json.loads(a)["value"] for a in answers] == ["hold", "give"]


def test_item4_screen_jsonl_reads_patient_documents_with_the_options(tmp_path: Path) -> None:
    patient = one_line(DEMO_PATIENT)
    older = json.loads(patient)
    older["id"] = "DEMO-0002"
    answers = check_batch(tmp_path, ["screen"], [patient, json.dumps(older)],
                          '{"labs": {"creatinine": "1.2"}}', ("--profile", "atkins1993"))
    assert [json.loads(a)["eligibility"]["profile"] for a in answers] == ["atkins1993"] * 2


def test_item4_screen_jsonl_names_a_patient_field_as_in_the_document(tmp_path: Path) -> None:
    path = tmp_path / "patients.jsonl"
    path.write_text('{"labs": {"creatinine": "1.2"}}\n[1]\n', encoding="utf-8")
    code, out, _ = invoke(["screen", "--jsonl", str(path)])
    single = tmp_path / "one.json"
    single.write_text('{"labs": {"creatinine": "1.2"}}', encoding="utf-8")
    _, _, err = invoke(["screen", str(single), "--json"])
    first, second = (json.loads(line) for line in out.splitlines())
    assert code == 2
    assert first["errors"] == json.loads(err)["errors"]
    assert not any(e["field"].startswith("patient") for e in first["errors"])
    assert second["errors"][0]["field"] == "input"


def test_item4_assess_jsonl_applies_the_criteria_to_every_line(tmp_path: Path) -> None:
    visits = one_line(RESPONSE_DATA / "example_visits.json")
    answers = check_batch(tmp_path, ["assess"], [visits, visits], '{"visits": []}',
                          ("--criteria", "irecist"))
    assert [json.loads(a)["criteria"] for a in answers] == ["irecist"] * 2


def test_item4_dose_jsonl(tmp_path: Path) -> None:
    answers = check_batch(tmp_path, ["dose"], DOSE, '{"regimen": "hd-il2-600k", "weight": 70}')
    # the label's 600,000 IU/kg: 70 kg -> 42,000,000 IU; 154 lb is exactly 69.85322498 kg
    doses = [json.loads(a)["components"][0]["dose_iu"] for a in answers]
    assert doses == [42_000_000, 41_911_935]


def test_item4_all_lines_answered_exit_0_and_nothing_on_stderr(tmp_path: Path) -> None:
    code, out, err = invoke(["grade", "--jsonl", "-"], stdin="\n".join(GRADE) + "\n")
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == len(GRADE)


@pytest.mark.parametrize("args", [
    ["grade", "--jsonl", "-", "--term", "fever"],
    ["grade", "--jsonl", "-", "--list"],
    ["grade", "--jsonl"],
    ["dose", "--jsonl", "-", "--weight", "70 kg"],
    ["grade", "--jsonl", "no-such-file.jsonl"],
])
def test_item4_a_batch_that_cannot_start_is_refused_before_any_answer(args: list[str]) -> None:
    code, out, err = invoke(args, stdin="\n".join(GRADE))
    assert code == 2
    assert out == ""
    assert json.loads(err)["errors"][0]["field"] in ("--jsonl", "input")


def test_item4_a_process_streams_bytes_from_stdin(tmp_path: Path) -> None:
    """The binary path of a real process: CRLF line ends, a non-UTF-8 line, no final newline."""
    data = (GRADE[0].encode() + b"\r\n" + b'{"term": "fever", "value": "38.5 \xb0C"}\n'
            + GRADE[1].encode())
    proc = subprocess.run([sys.executable, "-m", "hdil2", "grade", "--jsonl", "-"],
                          input=data, capture_output=True, check=False)
    lines = proc.stdout.decode("utf-8").splitlines()
    assert proc.returncode == 2
    assert len(lines) == 3
    assert json.loads(lines[0])["value"] == 2
    assert json.loads(lines[2])["value"] == 3
    assert "not UTF-8" in json.loads(lines[1])["errors"][0]["message"]


def test_item4_a_reader_that_stops_early_ends_the_batch_quietly(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text((GRADE[1] + "\n") * 20000, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "hdil2", "grade", "--jsonl", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stderr is not None
    assert json.loads(proc.stdout.readline())["value"] == 3
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err
    assert err == ""
