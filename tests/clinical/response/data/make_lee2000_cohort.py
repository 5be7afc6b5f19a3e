"""Build ``lee2000_cohort.csv``: a patient-level cohort consistent with seed 003 (lee2000).

Run from the repository root: ``python tests/clinical/response/data/make_lee2000_cohort.py``.

Each group below is (disease, response path after courses 1..n, reason for stopping, count,
final response).  The paths are a decomposition of the transition counts of Tables 3 and 4;
where the tables leave the choice open, the paper's text decides when it can:

* melanoma: of the two NR→PR patients after course 2, "one ... ultimately achieved a CR"
  (NR, PR, CR); the PR→CR patient of course 2 received a consolidation course 3;
* RCC: of the NR→PR (2) and NR→MR (1) patients, "one of these three attained a CR" — the MR
  patient ("was retreated and achieved a CR"): (NR, MR, CR);
* the 2 RCC patients treated in course 4 with CR are first-CR-after-course-3 patients
  (consolidation).

The stopping reasons follow Table 5 as printed (Death in column 1, CR in columns 2-4:
reconstruction A of reference §6.2) except the two "Other" cells of columns 3 and 4, which are
swapped (7, 6 instead of 6, 7): no reading of the printed numbers has column totals equal to
the patients who stopped (191, 101, 44, 14), and the swap is the smallest change that does.
Table 5's CR row (4, 19, 1) cannot follow the traced CRs (3, 16, 4): four melanoma patients
whose last traced status is PR stop with reason "complete_response", and three RCC patients
whose last status is CR stop with "other".  Melanoma Table 2 reports 10 CR / 13 PR where the
tables trace 5 / 18: five melanoma PR patients are given a final response of CR (late
regression after the last course, the paper's unstated explanation is assumed).  These are
fixture choices, documented by the tests of ``test_tempo_lee2000.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

GROUPS: list[tuple[str, str, str, int, str]] = [
    # ---- melanoma (149) ---------------------------------------------------------------------
    # stop after course 1: NR 85, PR 1
    ("melanoma", "NR", "progressive_disease", 80, "none"),
    ("melanoma", "NR", "il2_toxicity", 2, "none"),
    ("melanoma", "NR", "death", 1, "none"),
    ("melanoma", "NR", "other", 2, "none"),
    ("melanoma", "PR", "il2_toxicity", 1, "PR"),
    # stop after course 2: NR 33, PR 7, CR 3
    ("melanoma", "NR;NR", "progressive_disease", 30, "none"),
    ("melanoma", "NR;NR", "other", 3, "none"),
    ("melanoma", "NR;PR", "complete_response", 1, "CR"),  # late CR (Table 5 col 2 CR = 4)
    ("melanoma", "PR;PR", "il2_toxicity", 2, "PR"),
    ("melanoma", "PR;PR", "other", 4, "PR"),
    ("melanoma", "CR;CR", "complete_response", 3, "CR"),
    # stop after course 3: NR 7, PR 7, CR 2
    ("melanoma", "NR;NR;NR", "progressive_disease", 7, "none"),
    ("melanoma", "PR;PR;PR", "complete_response", 3, "CR"),  # late CR (col 3 CR = 19)
    ("melanoma", "PR;PR;PR", "other", 4, "PR"),
    ("melanoma", "NR;PR;CR", "complete_response", 1, "CR"),
    ("melanoma", "PR;CR;CR", "complete_response", 1, "CR"),
    # stop after course 4: NR 1, PR 3
    ("melanoma", "NR;NR;NR;NR", "progressive_disease", 1, "none"),
    ("melanoma", "PR;PR;PR;PR", "il2_toxicity", 1, "PR"),
    ("melanoma", "PR;PR;PR;PR", "other", 1, "PR"),
    ("melanoma", "PR;PR;PR;PR", "other", 1, "CR"),  # late CR: melanoma Table 2 CR = 10
    # ---- renal cell cancer (201) ------------------------------------------------------------
    # stop after course 1: NR 103, PR 2
    ("rcc", "NR", "progressive_disease", 96, "none"),
    ("rcc", "NR", "il2_toxicity", 3, "none"),
    ("rcc", "NR", "death", 2, "none"),
    ("rcc", "NR", "other", 2, "none"),
    ("rcc", "PR", "il2_toxicity", 2, "PR"),
    # stop after course 2: NR 51, PR 7
    ("rcc", "NR;NR", "progressive_disease", 47, "none"),
    ("rcc", "NR;NR", "other", 4, "none"),
    ("rcc", "NR;PR", "il2_toxicity", 2, "PR"),
    ("rcc", "PR;PR", "il2_toxicity", 1, "PR"),
    ("rcc", "PR;PR", "other", 4, "PR"),
    # stop after course 3: NR 8, PR 6, CR 14
    ("rcc", "NR;NR;NR", "progressive_disease", 8, "none"),
    ("rcc", "MR;PR;PR", "progressive_disease", 1, "PR"),
    ("rcc", "PR;PR;PR", "progressive_disease", 1, "PR"),
    ("rcc", "PR;PR;PR", "il2_toxicity", 1, "PR"),
    ("rcc", "PR;PR;PR", "other", 3, "PR"),
    ("rcc", "NR;MR;CR", "complete_response", 1, "CR"),
    ("rcc", "PR;PR;CR", "complete_response", 6, "CR"),
    ("rcc", "PR;CR;CR", "complete_response", 3, "CR"),
    ("rcc", "CR;CR;CR", "complete_response", 4, "CR"),
    # stop after course 4: NR 1, PR 5, CR 4
    ("rcc", "NR;NR;NR;NR", "progressive_disease", 1, "none"),
    ("rcc", "PR;PR;PR;PR", "progressive_disease", 4, "PR"),
    ("rcc", "PR;PR;PR;PR", "other", 1, "PR"),
    ("rcc", "PR;PR;PR;CR", "other", 2, "CR"),
    ("rcc", "PR;PR;CR;CR", "complete_response", 1, "CR"),
    ("rcc", "PR;PR;CR;CR", "other", 1, "CR"),
]


def main() -> None:
    out = Path(__file__).with_name("lee2000_cohort.csv")
    counters = {"melanoma": 0, "rcc": 0}
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["patient", "disease", "course_responses", "stop_reason", "final_response"])
        for disease, path, reason, n, final in GROUPS:
            for _ in range(n):
                counters[disease] += 1
                pid = f"{'M' if disease == 'melanoma' else 'R'}{counters[disease]:03d}"
                w.writerow([pid, disease, path, reason, final])


if __name__ == "__main__":
    main()
