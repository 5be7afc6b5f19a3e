"""Batch requests (``--jsonl``): 100,000 mixed laboratory grades in one process.

    .venv/bin/python bench/batch_grade.py                 # 10^5 grades, and the other commands
    .venv/bin/python bench/batch_grade.py --n 20000       # fewer grades
    .venv/bin/python bench/batch_grade.py --digest        # only the SHA-256 of the answers

The requests are generated deterministically (a seeded ``random.Random``): creatinine,
bilirubin, AST, ALT, alkaline phosphatase, GGT, platelets, neutrophils, lymphocytes, potassium,
sodium, hemoglobin, magnesium, albumin and calcium, in the units laboratories report them
(mg/dL and µmol/L, 10^9/L and /mm3, mmol/L and mEq/L, written "1.2 mg/dL" or as
{"value": ..., "unit": ...}), with and without ULN, LLN, baseline and the clinical words; 0.5 %
of the lines are refused on purpose (a value without its unit, a limit in another unit).

Printed, in one run:

1. agreement: on a sample, each batch answer equals ``hdil2 grade - --json`` (run in-process)
   on that line, compacted — checked before anything is timed;
2. the batch in-process (:func:`hdil2.app.batch.answer_lines`, answers written to /dev/null)
   against one call per request in-process (parse the document, run the operation, write its
   JSON as ``--json`` does: the path a caller looping over requests takes), as requests/s;
3. ``hdil2 grade --jsonl FILE > /dev/null`` as a process: wall time, CPU time, requests/s
   (start-up included), and the process's maximum RSS at 10^4 and 10^5 lines;
4. the same batch-versus-single comparison for next-dose, screen, assess and dose (fewer
   requests: each answer is bigger).

``--digest`` prints the SHA-256 of the 10^5 answers, so two versions of hdil2 can be shown to
answer identically.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

PY = sys.executable
SEED = 20260410


def _num(r: random.Random, low: float, high: float, places: int) -> str:
    return f"{r.uniform(low, high):.{places}f}"


def grade_request(r: random.Random) -> dict[str, Any]:
    """One laboratory grade request, as a lab extract would give it."""
    k = r.randrange(14)
    doc: dict[str, Any]
    if k == 0:  # creatinine, mg/dL or µmol/L (1 mg/dL = 88.4 µmol/L)
        unit, s = r.choice((("mg/dL", 1.0), ("µmol/L", 88.4), ("umol/L", 88.4)))
        places = 2 if s == 1.0 else 0
        doc = {"term": r.choice(("creatinine_increased", "Creatinine increased")),
               "value": f"{_num(r, 0.4, 8.0, 2 if s == 1 else 1)} {unit}" if s == 1 else
               f"{round(r.uniform(35, 700))} {unit}"}
        if r.random() < 0.85:
            doc["uln"] = f"{1.2 * s:.{places}f} {unit}"
        if r.random() < 0.6:
            doc["baseline"] = f"{r.uniform(0.5, 2.0) * s:.{places}f} {unit}"
    elif k == 1:  # bilirubin, sometimes as {"value", "unit"}
        value = float(_num(r, 0.2, 14, 1))
        doc = {"term": "blood_bilirubin_increased",
               "value": {"value": value, "unit": "mg/dL"} if r.random() < 0.5
               else f"{value} mg/dL", "uln": "1.2 mg/dL"}
        if r.random() < 0.6:
            doc["baseline"] = f"{_num(r, 0.3, 2.5, 1)} mg/dL"
    elif k in (2, 3):  # AST / ALT
        doc = {"term": r.choice(("ast_increased", "alt_increased", "AST", "ALT")),
               "value": f"{r.randint(5, 1200)} U/L"}
        if r.random() < 0.9:
            doc["uln"] = f"{r.choice((35, 40, 45, 56))} U/L"
        if r.random() < 0.5:
            doc["baseline"] = f"{r.randint(10, 150)} U/L"
    elif k == 4:  # ALP / GGT
        doc = {"term": r.choice(("alkaline_phosphatase_increased", "ggt_increased")),
               "value": f"{r.randint(20, 2500)} U/L"}
        if r.random() < 0.8:
            doc["uln"] = "120 U/L"
        if r.random() < 0.5:
            doc["baseline"] = f"{r.randint(40, 400)} U/L"
    elif k == 5:  # platelets, 10^9/L or /mm3
        if r.random() < 0.5:
            doc = {"term": "platelet_count_decreased", "value": f"{_num(r, 5, 350, 0)} 10^9/L"}
            if r.random() < 0.85:
                doc["lln"] = "150 10^9/L"
        else:
            doc = {"term": "platelet_count_decreased",
                   "value": f"{r.randint(5, 350) * 1000} /mm3", "lln": "150000 /mm3"}
    elif k == 6:  # neutrophils / lymphocytes
        term = r.choice(("neutrophil_count_decreased", "lymphocyte_count_decreased"))
        doc = {"term": term, "value": f"{_num(r, 0.05, 7, 2)} 10^9/L"}
        if r.random() < 0.85:
            doc["lln"] = "1.8 10^9/L" if term.startswith("n") else "1.0 10^9/L"
    elif k == 7:  # potassium, mmol/L or mEq/L, with the clinical words or without
        unit = r.choice(("mmol/L", "mEq/L"))
        doc = {"term": "hypokalemia", "value": f"{_num(r, 2.1, 4.8, 1)} {unit}"}
        if r.random() < 0.9:
            doc["lln"] = f"3.5 {unit}"
        if r.random() < 0.5:
            doc["symptomatic"] = r.random() < 0.3
        if r.random() < 0.5:
            doc["intervention_indicated"] = r.random() < 0.3
    elif k == 8:  # sodium
        doc = {"term": "hyponatremia", "value": f"{r.randint(114, 145)} mmol/L"}
        if r.random() < 0.9:
            doc["lln"] = "135 mmol/L"
        if r.random() < 0.5:
            doc["symptomatic"] = r.random() < 0.5
    elif k == 9:  # hemoglobin, g/dL or mmol/L
        if r.random() < 0.7:
            doc = {"term": "anemia", "value": f"{_num(r, 5.5, 16, 1)} g/dL", "lln": "12 g/dL"}
        else:
            doc = {"term": "anemia", "value": f"{_num(r, 3.5, 10, 1)} mmol/L",
                   "lln": "7.5 mmol/L"}
        if r.random() < 0.05:
            doc["clinical_grade"] = 3
    elif k == 10:  # magnesium
        doc = {"term": "hypomagnesemia", "value": f"{_num(r, 0.5, 2.4, 2)} mg/dL",
               "lln": "1.7 mg/dL"}
    elif k == 11:  # albumin
        doc = {"term": "hypoalbuminemia", "value": f"{_num(r, 1.2, 5.0, 1)} g/dL",
               "lln": "3.5 g/dL"}
    elif k == 12:  # calcium
        if r.random() < 0.7:
            doc = {"term": "hypocalcemia", "calcium": "corrected",
                   "value": f"{_num(r, 5.5, 10, 1)} mg/dL", "lln": "8.5 mg/dL"}
        else:
            doc = {"term": "hypocalcemia", "calcium": "ionized",
                   "value": f"{_num(r, 0.7, 1.35, 2)} mmol/L", "lln": "1.12 mmol/L"}
    else:  # weight gain from the pre-course weight
        base = r.uniform(50, 110)
        doc = {"term": "weight_gain", "value": f"{base * r.uniform(0.97, 1.3):.1f} kg",
               "baseline": f"{base:.1f} kg"}
    if r.random() < 0.005:  # refused on purpose
        doc["value"] = doc["value"].split()[0] if isinstance(doc["value"], str) else 1
    return doc


def grade_lines(n: int, seed: int = SEED) -> Iterator[str]:
    r = random.Random(seed)
    for _ in range(n):
        yield json.dumps(grade_request(r), ensure_ascii=False)


# ---- the other commands: variations of the demo's documents --------------------------------

def _demo_documents() -> dict[str, Any]:
    from hdil2.cli.invoke import invoke

    with tempfile.TemporaryDirectory() as tmp:
        code, _, err = invoke(["demo", "--out", tmp, "--json"])
        assert code == 0, err
        return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in Path(tmp).iterdir()}


def other_lines(name: str, n: int, docs: dict[str, Any], seed: int = SEED) -> list[str]:
    r = random.Random(seed)
    out = []
    for _ in range(n):
        if name == "dose":
            doc: dict[str, Any] = {
                "regimen": r.choice(("hd-il2-600k", "hd-il2-720k", "hd-il2-600k")),
                "weight": f"{_num(r, 45, 140, 1)} kg"}
            if r.random() < 0.3:
                doc = {"regimen": "hd-il2-1.33mgm2", "weight": doc["weight"],
                       "height": f"{r.randint(150, 195)} cm"}
        elif name == "next-dose":
            doc = copy.deepcopy(docs[r.choice(("next-dose-hold", "next-dose-give"))])
            obs = doc["observations"]
            obs["spo2_pct"] = r.randint(86, 99)
            obs["sbp_mmhg"] = r.randint(72, 125)
            obs["creatinine"] = f"{_num(r, 0.8, 4.5, 1)} mg/dL"
            obs["platelets"] = f"{r.randint(20, 250)} 10^9/L"
        elif name == "screen":
            doc = copy.deepcopy(docs["patient"])
            doc["ecog"] = r.randint(0, 2)
            doc["labs"]["creatinine"]["value"] = f"{_num(r, 0.7, 2.2, 1)} mg/dL"
            doc["labs"]["calcium"]["value"] = f"{_num(r, 8.4, 11.5, 1)} mg/dL"
            doc["labs"]["hemoglobin"]["value"] = f"{_num(r, 9, 16, 1)} g/dL"
            doc = {"patient": doc, "profile": r.choice(("label_minimum", "atkins1993"))}
        else:  # assess
            doc = copy.deepcopy(docs["visits"])
            for visit in doc["visits"][1:]:
                for lesion in visit["lesions"].values():
                    lesion["ld_mm"] = r.randint(4, 40)
        out.append(json.dumps(doc, ensure_ascii=False))
    return out


# ---- timing -------------------------------------------------------------------------------

def single_call(name: str) -> Callable[[str], str]:
    """One request the way a caller looping over requests answers it: parse, run, ``--json``."""
    from hdil2.app import DEFAULT_PROFILE, documents, operation
    from hdil2.core.errors import InputError
    from hdil2.core.jsonable import jsonable

    op = operation(name)

    def call(line: str) -> str:
        try:
            answer = op(documents.loads(line, "request"), DEFAULT_PROFILE)
        except InputError as e:
            return json.dumps({"errors": [e.to_dict()]}, ensure_ascii=False)
        return json.dumps(jsonable(answer), ensure_ascii=False, indent=2)

    return call


def time_single(name: str, lines: list[str]) -> float:
    call = single_call(name)
    call(lines[0])
    start = time.process_time()
    for line in lines:
        call(line)
    return len(lines) / (time.process_time() - start)


def time_batch(name: str, lines: list[str]) -> float:
    from hdil2.app.batch import answer_lines

    list(answer_lines(name, lines[:1]))
    with open(os.devnull, "w", encoding="utf-8") as sink:
        start = time.process_time()
        for text in answer_lines(name, lines):
            sink.write(text)
            sink.write("\n")
        return len(lines) / (time.process_time() - start)


# ``hdil2 grade --jsonl FILE`` as ``python -m hdil2`` runs it, then the process's peak resident
# memory since it started Python (VmHWM: the high-water mark of this program's own memory; the
# rusage maximum would include the benchmark's memory, which the child shares until it execs)
PROBE = """
import sys
from hdil2.cli.app import main
code = main(sys.argv[1:])
sys.stdout.flush()
hwm = next((line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")),
           "0")
sys.stderr.write(f"VmHWM {hwm}\\n")
sys.exit(code)
"""


def run_process(path: Path) -> tuple[float, float, float, int]:
    """``hdil2 grade --jsonl path > /dev/null``: wall s, CPU s, peak RSS MiB, exit status."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen([PY, "-c", PROBE, "grade", "--jsonl", str(path)],
                                stdout=sink, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    hwm = next(int(line.split()[1]) for line in err.splitlines() if line.startswith("VmHWM"))
    return (wall, usage.ru_utime + usage.ru_stime, hwm / 1024,
            os.waitstatus_to_exitcode(status))


def check_agreement(lines: list[str], sample: int) -> int:
    """Each sampled batch answer equals ``hdil2 grade - --json`` on its line, compacted."""
    from hdil2.app.batch import answer_lines
    from hdil2.cli.invoke import invoke

    r = random.Random(SEED + 1)
    picked = sorted(r.sample(range(len(lines)), sample))
    answers = list(answer_lines("grade", [lines[i] for i in picked]))
    refused = 0
    for k, i in enumerate(picked):
        code, out, err = invoke(["grade", "-", "--json"], stdin=lines[i])
        if code == 0:
            expected = json.dumps(json.loads(out), ensure_ascii=False, separators=(",", ":"))
        else:
            refused += 1
            items = json.loads(err)["errors"]
            expected = json.dumps({"line": k + 1, "errors": items}, ensure_ascii=False,
                                  separators=(",", ":"))
        assert answers[k] == expected, f"line {i + 1}: {answers[k]}\n!= {expected}"
    return refused


def digest(lines: list[str]) -> str:
    from hdil2.app.batch import answer_lines

    h = hashlib.sha256()
    for text in answer_lines("grade", lines):
        h.update(text.encode("utf-8") + b"\n")
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="grade requests (default 10^5)")
    ap.add_argument("--sample", type=int, default=300, help="lines checked against --json")
    ap.add_argument("--single", type=int, default=20_000,
                    help="requests timed one call at a time (the slow reference)")
    ap.add_argument("--others", type=int, default=2_000,
                    help="requests of next-dose, screen, assess and dose")
    ap.add_argument("--digest", action="store_true", help="print the answers' SHA-256 only")
    args = ap.parse_args()

    lines = list(grade_lines(args.n))
    if args.digest:
        print(f"sha256 of the {args.n} answers: {digest(lines)}")
        return
    refused = check_agreement(lines, args.sample)
    print(f"agreement: {args.sample} sampled batch answers equal `hdil2 grade - --json` "
          f"compacted ({refused} of them refusals)")

    batch = time_batch("grade", lines)
    single = time_single("grade", lines[:args.single])
    print(f"\ngrade, in-process, CPU time: batch {batch:,.0f} requests/s ({args.n:,} lines); "
          f"one call per request {single:,.0f} requests/s ({args.single:,}); "
          f"batch / single {batch / single:.1f}x")

    with tempfile.TemporaryDirectory() as tmp:
        print("\n| lines | wall s | CPU s | requests/s (wall) | peak RSS MiB | exit |")
        print("|---|---|---|---|---|---|")
        for n in (10_000, args.n) if args.n > 10_000 else (args.n,):
            path = Path(tmp) / f"grade{n}.jsonl"
            path.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
            wall, cpu, rss, code = run_process(path)
            print(f"| {n:,} | {wall:.2f} | {cpu:.2f} | {n / wall:,.0f} | {rss:.1f} | {code} |")

    from hdil2.app.batch import Tally, answer_lines

    docs = _demo_documents()
    print("\n| command | requests | refused | batch req/s | single req/s | batch / single |")
    print("|---|---|---|---|---|---|")
    for name in ("next-dose", "screen", "assess", "dose"):
        some = other_lines(name, args.others, docs)
        tally = Tally()
        for _ in answer_lines(name, some, tally=tally):
            pass
        b, s = time_batch(name, some), time_single(name, some)
        print(f"| {name} | {args.others:,} | {tally.refused} | {b:,.0f} | {s:,.0f} | "
              f"{b / s:.2f} |")


if __name__ == "__main__":
    main()
